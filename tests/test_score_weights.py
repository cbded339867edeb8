"""One scoring path: a contact is scored with the weights of the pack that audited it.

A client pack (``extends: default``) weighs severities differently from the default pack. The
batch stores its contacts with the client's weights; a review, the dashboard's queries, the
scorecards and the CSV export must all agree with that score, never fall back to the default
weights. Contacts stored before migration 0008 (no weights recorded) are scored with the
defaults everywhere. SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from audit import models
from audit.exports import build_report, report_bytes
from audit.exports.columns import KEYS
from audit.read.agents import agent_trend
from audit.read.contacts import contact_detail, list_contacts
from audit.read.overview import breakdown, overview_kpis
from audit.read.scope import Filters, Scope
from audit.read.timeline import debtor_timeline
from audit.review import apply_review
from audit.rules import load_pack
from audit.scorecards import agent_scorecards
from audit.scoring import DEFAULT_WEIGHTS, score_contact
from audit.storage import session
from pipelines.batch import LocalExecutor, run_batch

NOV = (date(2026, 11, 1), date(2026, 11, 30))
CLIENT_WEIGHTS = {"medium": 15.0, "high": 40.0, "critical": 60.0}  # low stays the default 5
CLIENT_PACK = """\
name: client-weights
description: a client's pack on top of the default one, with its own severity weights
extends: default
parameters:
  max_attempts_per_day: 2
  severity_weights: {medium: 15, high: 40, critical: 60}
"""
HEADER = ["call_id", "audio_file", "kind", "started_at", "talk_seconds", "outcome", "agent_id", "agent_name", "team",
          "agency", "creditor", "product", "case_id", "debtor_id", "contact_role", "days_past_due", "visit_staff",
          "channel_layout"]
# Four unanswered dial attempts to one debtor in one morning (no recordings: the batch judges them
# on the metadata and log rules alone): the first in the quiet hours (high), the ones over the
# client's two attempts a day too many (medium).
DIALS = [("w-1", "07:30"), ("w-2", "09:00"), ("w-3", "10:00"), ("w-4", "11:00")]


def _rows() -> list[list[str]]:
    return [[call_id, "", "call", f"2026-11-09T{at}:00+08:00", "0", "no_answer", "W01", "吴敏", "外包组",
             "鼎信催收服务有限公司", "速借花网络小贷", "online_loan", "L-W1", "D-W1", "debtor", "41", "", ""]
            for call_id, at in DIALS]


@pytest.fixture
def audited(engine, tmp_path):
    """The dials audited by the real batch with the client pack."""
    pack_path = tmp_path / "client.yaml"
    pack_path.write_text(CLIENT_PACK, encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(inbox / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_rows())
    summary = run_batch(engine, inbox, pack_path=str(pack_path), executor=LocalExecutor(), low_memory=False)
    assert summary.no_recording == len(DIALS) and summary.ok
    return engine


def _findings(engine) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {call_id: [] for call_id, _ in DIALS}
    with engine.connect() as conn:
        for call_id, severity, status in conn.execute(sa.select(models.Finding.call_id, models.Finding.severity,
                                                                models.Finding.review_status)):
            out[call_id].append((severity, status))
    return out


def _expected(engine, weights) -> dict[str, tuple[float, bool]]:
    """Each contact's (score, passed) from its stored findings, by the scoring function itself."""
    return {call_id: score_contact(found, weights) for call_id, found in _findings(engine).items()}


def _stored(engine) -> dict[str, tuple[float, bool]]:
    with engine.connect() as conn:
        return {r.call_id: (r.score, r.passed) for r in conn.execute(
            sa.select(models.Contact.call_id, models.Contact.score, models.Contact.passed))}


def _csv_row(engine) -> dict[str, str]:
    data = report_bytes(build_report(engine, *NOV), "csv")
    [row] = [dict(zip(KEYS, r.values())) for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))]
    return row


def assert_every_reader_agrees(engine, expected: dict[str, tuple[float, bool]]) -> None:
    """The store, the dashboard's queries, the scorecards and the CSV export show ``expected``."""
    assert _stored(engine) == expected
    mean = sum(score for score, _ in expected.values()) / len(expected)
    pass_rate = sum(1 for _, passed in expected.values() if passed) / len(expected)
    # dashboard: Calls page, Call detail, Overview, breakdown by agent, debtor timeline
    page = list_contacts(engine, Scope(), Filters())
    assert {r.call_id: (r.score, r.passed) for r in page.rows} == expected
    for call_id, (score, passed) in expected.items():
        detail = contact_detail(engine, Scope(), call_id)
        assert (detail.score, detail.passed) == (score, passed)
    assert overview_kpis(engine, Scope(), Filters()).avg_score == pytest.approx(mean)
    [by_agent] = breakdown(engine, Scope(), Filters(), "agent_id")
    assert by_agent.avg_score == pytest.approx(mean)
    assert {c.call_id: (c.score, c.passed) for c in debtor_timeline(engine, Scope(), debtor_id="D-W1")} == expected
    # Agents page and exports: scorecards recompute each score from the findings
    [card] = agent_scorecards(engine, *NOV)
    assert (card.avg_score, card.pass_rate) == (pytest.approx(mean), pytest.approx(pass_rate))
    [day] = [p for p in agent_trend(engine, "W01", *NOV) if p.contacts]
    assert day.avg_score == pytest.approx(mean)
    row = _csv_row(engine)
    assert float(row["avg_score"]) == pytest.approx(mean, abs=0.005)
    assert float(row["pass_rate"]) == pytest.approx(100 * pass_rate, abs=0.005)


def test_client_pack_weights_are_the_ones_every_reader_scores_with(audited):
    pack = load_pack()
    assert {str(k.value): v for k, v in pack.parameters.severity_weights.items()} == DEFAULT_WEIGHTS
    client = _expected(audited, {**DEFAULT_WEIGHTS, **CLIENT_WEIGHTS})
    default = _expected(audited, DEFAULT_WEIGHTS)
    assert client != default, "the dials must hold findings whose weight the client changed"
    with session(audited) as s:
        assert s.get(models.Contact, "w-1").score_weights == {**DEFAULT_WEIGHTS, **CLIENT_WEIGHTS}
    assert_every_reader_agrees(audited, client)


def _finding(engine, call_id: str, severity: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(models.Finding.id).where(
            models.Finding.call_id == call_id, models.Finding.severity == severity)).scalars().first()


def test_reviews_rescore_with_the_contacts_own_weights(audited):
    weights = {**DEFAULT_WEIGHTS, **CLIENT_WEIGHTS}
    quiet = _finding(audited, "w-1", "high")
    result = apply_review(audited, quiet, "confirm", user="wang", role="supervisor")
    expected = _expected(audited, weights)
    assert (result.score, result.passed) == expected["w-1"]
    assert_every_reader_agrees(audited, expected)  # a confirmation changes nothing

    result = apply_review(audited, quiet, "dismiss", user="wang", role="supervisor", reason="约定的回拨时间")
    expected = _expected(audited, weights)
    assert (result.score, result.passed) == expected["w-1"]
    assert_every_reader_agrees(audited, expected)

    back = apply_review(audited, quiet, "reopen", user="wang", role="supervisor")
    assert back.score == _expected(audited, weights)["w-1"][0]
    assert back.score == 100.0 - sum(weights[s] for s, _ in _findings(audited)["w-1"])


def test_contacts_stored_before_0008_are_scored_with_the_default_weights(audited):
    """No weights recorded (an older row): the defaults, and still one score everywhere."""
    with audited.begin() as conn:
        conn.execute(sa.update(models.Contact).values(score_weights=None))
    with audited.connect() as conn:
        found = conn.execute(sa.select(models.Finding.id)).scalars().all()
    for fid in found:  # each contact re-scored by a review since the upgrade
        apply_review(audited, fid, "confirm", user="wang", role="supervisor")
    with session(audited) as s:
        assert s.get(models.Contact, "w-1").score_weights is None  # a review records no weights
    assert_every_reader_agrees(audited, _expected(audited, DEFAULT_WEIGHTS))


def test_migration_0008_adds_the_column_and_older_contacts_read_null(engine):
    from alembic import command

    from audit.storage import alembic_config, init_db

    command.downgrade(alembic_config(engine), "0007")
    assert "score_weights" not in {c["name"] for c in sa.inspect(engine).get_columns("contact")}
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO agent (agent_id, name, team, agency) VALUES ('A1', '', '', '')"))
        conn.execute(sa.text(
            "INSERT INTO contact (call_id, kind, started_at, talk_seconds, outcome, agent_id, debtor_id, team, "
            "agency, creditor, product, contact_role, status, finding_count, score, passed) VALUES ('old', 'call', "
            "'2026-11-01 02:00:00', 10, 'answered', 'A1', '', '', '', '', '', 'debtor', 'audited', 1, 75, TRUE)"))
        conn.execute(sa.text(
            "INSERT INTO finding (call_id, rule_id, category, severity, review_status, created_at) "
            "VALUES ('old', 'ABUSE-INSULT', 'ABUSE', 'high', 'open', '2026-11-01 02:00:00')"))
    init_db(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT score_weights FROM contact")).all() == [(None,)]
    [card] = agent_scorecards(engine, *NOV)
    assert card.avg_score == 75.0  # the default weight of a high finding
