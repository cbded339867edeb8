"""Storage: Alembic owns the schema, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from audit import models
from audit.schema import Contact, Finding, Segment, Transcript
from audit.storage import database_url, init_db, session
from audit.store import contact_from_row, save_audit

CST = timezone(timedelta(hours=8))


def test_migrations_match_the_models(engine):
    """A model change without a migration fails here, on both databases."""
    init_db(engine)  # idempotent
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert {"agent", "case", "contact", "segment", "finding", "review_log", "audit_run"} <= set(
        sa.inspect(engine).get_table_names())


def test_database_url_resolution(monkeypatch):
    monkeypatch.delenv("AUDIT_DB_URL", raising=False)
    assert database_url() == "sqlite:///audit.db"
    monkeypatch.setenv("AUDIT_DB_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_save_audit_replaces_and_keeps_reviews_and_local_time(engine):
    contact = Contact(call_id="c1", kind="call", started_at=datetime(2026, 11, 4, 22, 40, tzinfo=CST),
                      talk_seconds=24, outcome="answered", agent_id="A017", agent_name="李娜", team="一组",
                      creditor="招商银行", product="credit_card", case_id="C-1", debtor_id="D-1")
    segs = [Segment("agent", "agent", 0.5, 3.6, "你这种老赖说的话谁信"), Segment("contact", "debtor", 4.0, 5.0, "是我")]
    finding = Finding(call_id="c1", rule_id="ABUSE-INSULT", category="ABUSE", severity="high", speaker="agent",
                      role="agent", start=0.5, end=3.6, evidence=segs[0].text, citation="[A] 第68条")
    hours = Finding(call_id="c1", rule_id="TIME-QUIET", category="CONTACT_HOURS", severity="medium")
    transcript = Transcript("c1", 23.5, segs, metrics={"duration_s": 23.5})
    for _ in range(2):  # auditing twice never duplicates anything
        with session(engine) as s:
            save_audit(s, contact, transcript, [finding, hours], rule_pack_version="v1", audio_path="a.wav",
                       audio_sha256="0" * 64, run_id=None)
            s.commit()
    with session(engine) as s:
        row = s.get(models.Contact, "c1")
        assert (row.status, row.score, row.passed, row.finding_count) == ("audited", 65.0, True, 2)
        assert len(s.exec(select(models.Segment)).all()) == 2
        stored = s.exec(select(models.Finding).where(models.Finding.rule_id == "ABUSE-INSULT")).one()
        stored.review_status = "dismissed"
        s.commit()
        # the debtor's local time survives the database (which keeps instants only)
        again = contact_from_row(s.get(models.Contact, "c1"))
        assert again.started_at.hour == 22 and again.started_at.utcoffset() == timedelta(hours=8)
    with session(engine) as s:  # re-audit: the same finding at the same place keeps its review
        save_audit(s, contact, transcript, [finding, hours], rule_pack_version="v2", audio_path="a.wav",
                   audio_sha256="0" * 64, run_id=None)
        s.commit()
        rows = s.exec(select(models.Finding)).all()
        assert len(rows) == 2
        assert {r.rule_id: r.review_status for r in rows}["ABUSE-INSULT"] == "dismissed"
        row = s.get(models.Contact, "c1")
        assert (row.score, row.finding_count, row.rule_pack_version) == (90.0, 1, "v2")


def test_findings_keep_detector_and_confidence(engine):
    from audit.cli.results import finding_dict

    contact = Contact(call_id="c2", kind="call", started_at=datetime(2026, 11, 4, 10, 0, tzinfo=CST),
                      talk_seconds=20, outcome="answered", agent_id="A018")
    found = [Finding(call_id="c2", rule_id="SIM-1", category="ABUSE", severity="high", start=1.0, end=2.0,
                     detector="similar", confidence=1.0),
             Finding(call_id="c2", rule_id="ML-ABUSE", category="ABUSE", severity="medium", start=3.0, end=4.0,
                     detector="model", confidence=0.8125, agent_id="A019")]
    with session(engine) as s:
        save_audit(s, contact, Transcript("c2", 20.0, []), found, rule_pack_version="v1", audio_path=None,
                   audio_sha256=None, run_id=None)
        s.commit()
    with session(engine) as s:
        rows = {r.rule_id: finding_dict(r) for r in s.exec(select(models.Finding))}
    assert (rows["SIM-1"]["detector"], rows["SIM-1"]["confidence"]) == ("similar", 1.0)
    assert (rows["ML-ABUSE"]["detector"], rows["ML-ABUSE"]["confidence"]) == ("model", 0.8125)
    # the collector who said it (identified by voice), printed by `audit findings`; none on SIM-1
    assert (rows["ML-ABUSE"]["agent_id"], rows["SIM-1"]["agent_id"]) == ("A019", None)


def test_migration_0004_fills_older_findings(engine):
    """Findings stored before revision 0004 read an empty detector and full confidence."""
    from alembic import command

    from audit.storage import alembic_config

    config = alembic_config(engine)
    command.downgrade(config, "0003")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO agent (agent_id, name, team, agency) VALUES ('A1', '', '', '')"))
        conn.execute(sa.text(
            "INSERT INTO contact (call_id, kind, started_at, talk_seconds, outcome, agent_id, debtor_id, team, "
            "agency, creditor, product, contact_role, status, finding_count) VALUES ('old', 'call', "
            "'2026-11-01 02:00:00', 10, 'answered', 'A1', '', '', '', '', '', 'debtor', 'audited', 1)"))
        conn.execute(sa.text(
            "INSERT INTO finding (call_id, rule_id, category, severity, review_status, created_at) "
            "VALUES ('old', 'ABUSE-INSULT', 'ABUSE', 'high', 'open', '2026-11-01 02:00:00')"))
    init_db(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT detector, confidence FROM finding")).one() == ("", 1.0)


def test_suspected_findings_are_stored_as_such_and_not_scored(engine):
    contact = Contact(call_id="c3", kind="call", started_at=datetime(2026, 11, 4, 10, 0, tzinfo=CST),
                      talk_seconds=20, outcome="answered", agent_id="A019")

    def model_finding(p: float, suspected: bool) -> Finding:
        return Finding(call_id="c3", rule_id="ML-ABUSE", category="ABUSE", severity="high", start=1.0, end=2.0,
                       details={"probability": p, "suspected": suspected}, detector="model", confidence=p)

    def audit(finding: Finding) -> tuple:
        with session(engine) as s:
            save_audit(s, contact, Transcript("c3", 20.0, []), [finding], rule_pack_version="v1", audio_path=None,
                       audio_sha256=None, run_id=None)
            s.commit()
            row = s.exec(select(models.Finding).where(models.Finding.call_id == "c3")).one()
            c = s.get(models.Contact, "c3")
            return row.review_status, c.score, c.finding_count

    assert audit(model_finding(0.55, True)) == ("suspected", 100.0, 0)
    assert audit(model_finding(0.95, False)) == ("open", 75.0, 1)   # unreviewed: takes its new status
    with session(engine) as s:
        row = s.exec(select(models.Finding).where(models.Finding.call_id == "c3")).one()
        row.review_status = "confirmed"
        s.commit()
    assert audit(model_finding(0.55, True)) == ("confirmed", 75.0, 1)  # a review is kept


def test_segment_acoustics_round_trip_and_older_rows_read_none(engine):
    """Acoustics are stored as JSON with the segment; a segment stored before revision 0007 has none."""
    from alembic import command

    from audit.schema import Acoustics
    from audit.storage import alembic_config

    contact = Contact(call_id="c4", kind="call", started_at=datetime(2026, 11, 4, 10, 0, tzinfo=CST),
                      talk_seconds=20, outcome="answered", agent_id="A019")
    said = Acoustics(level_db=-18.5, level_rel_db=11.2, loudness=[10.5, None, 11.8], pitch_hz=231.0,
                     pitch_rel_st=2.1, pitch_range_st=6.0, rate_cps=4.4, overlap_s=0.8, interrupt_s=0.8,
                     gap_before_s=0.4)
    segs = [Segment("agent", "agent", 0.5, 3.6, "您今天必须还", acoustics=said),
            Segment("contact", "debtor", 4, 5, "嗯")]
    with session(engine) as s:
        save_audit(s, contact, Transcript("c4", 20.0, segs), [], rule_pack_version="v1", audio_path=None,
                   audio_sha256=None, run_id=None)
        s.commit()
    with session(engine) as s:
        rows = s.exec(select(models.Segment).where(models.Segment.call_id == "c4").order_by(models.Segment.idx)).all()
        assert Acoustics.from_dict(rows[0].acoustics) == said
        assert rows[1].acoustics is None and Acoustics.from_dict(rows[1].acoustics) is None

    command.downgrade(alembic_config(engine), "0006" if "0006" in _revisions(engine) else "0005")
    assert "acoustics" not in {c["name"] for c in sa.inspect(engine).get_columns("segment")}
    init_db(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT acoustics FROM segment WHERE call_id = 'c4'")).all() == [(None,), (None,)]


def _revisions(engine) -> set[str]:
    from alembic.script import ScriptDirectory

    from audit.storage import alembic_config

    return {r.revision for r in ScriptDirectory.from_config(alembic_config(engine)).walk_revisions()}
