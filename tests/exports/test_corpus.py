"""Scorecard exports on the audited corpus, checked against SQL over the same database.

The database is filled by the real batch job (:func:`pipelines.batch.run_batch`) over the
corpus manifest: two short recordings (a stereo call and a mono home visit) go through the
real decode → Whisper → diarization → rule scan worker; the other recordings take their
transcript from the corpus truth JSON (perfect ASR) and are scanned by the same rule pack,
so the batch's planning, log rules (contact frequency), storage and scoring all run for real
while the test stays within seconds of model time. Two reviews are applied through
:func:`audit.review.apply_review` (one dismissal, one confirmation).

The oracle is plain SQL (run on the database, not through :mod:`audit.scorecards`): counts
with ``GROUP BY``, and each contact's score as ``100 - sum(weights)`` of its non-dismissed
findings, floored at 0, failed on a non-dismissed critical finding.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.exports import build_report, report_bytes
from audit.exports.columns import HEADERS, KEYS
from audit.exports.xlsx_export import SUMMARY_SHEET
from audit.schema import Segment, Transcript
from audit.scoring import DEFAULT_WEIGHTS
from audit.storage import init_db, make_engine

pytestmark = pytest.mark.slow

NOV = (date(2026, 11, 1), date(2026, 11, 30))
CST = timezone(timedelta(hours=8))
REAL = ("dev-006", "dev-008")  # 24 s stereo call at 22:40, 20 s mono home visit


def truth_transcript(corpus: Path, call_id: str) -> Transcript:
    """The corpus truth turns as a diarized, role-labelled transcript."""
    truth = json.loads((corpus / "truth" / f"{call_id}.json").read_text(encoding="utf-8"))
    segments = [Segment(speaker=t["speaker"], role=t["role"], start=t["start"], end=t["end"], text=t["text"])
                for t in truth["turns"]]
    agents = {label for label, role in truth["speakers"].items() if role == "agent"}
    return Transcript(call_id=call_id, duration_s=truth["duration_s"], segments=segments,
                      metrics={"duration_s": truth["duration_s"], "agent_voices": len(agents)})


class TruthExecutor:
    """Runs the real worker for ``real`` call ids and truth transcripts for the others."""

    name = "truth"
    workers = 1

    def __init__(self, corpus: Path, real: tuple[str, ...]):
        self.corpus, self.real = corpus, real

    def map(self, worker, items):
        from pipelines.batch import WorkResult

        for item in items:
            call_id = item.contact.call_id
            if call_id in self.real:
                yield worker.run(item)
                continue
            transcript = truth_transcript(self.corpus, call_id)
            findings = worker.pack.scan_contact(item.contact, transcript.segments, transcript.metrics)
            yield WorkResult(call_id, transcript, findings, audio_seconds=transcript.duration_s)


@pytest.fixture(scope="session")
def corpus_engine(corpus_dir, tmp_path_factory):
    """The corpus audited into a SQLite file (once per test session), with two reviews."""
    from sqlmodel import Session, select

    from audit import models
    from audit.review import apply_review
    from pipelines.batch import run_batch
    from pipelines.process import PipelineOptions

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'audit.db'}")
    init_db(engine)
    summary = run_batch(engine, corpus_dir, options=PipelineOptions(cpu_threads=2),
                        executor=TruthExecutor(corpus_dir, REAL), low_memory=False)
    assert summary.ok, [str(f) for f in summary.failures]
    with Session(engine) as s:
        findings = s.exec(select(models.Finding).order_by(models.Finding.call_id, models.Finding.id)).all()
        # Dismiss one finding of a contact that has several (its agent's figures must move),
        # confirm one elsewhere.
        per_call = defaultdict(list)
        for f in findings:
            per_call[f.call_id].append(f.id)
        multi = next(ids for ids in per_call.values() if len(ids) > 1)
        other = next(ids for ids in per_call.values() if ids is not multi)
    apply_review(engine, multi[0], "dismiss", user="qa", reason="corpus test: not a violation")
    apply_review(engine, other[0], "confirm", user="qa")
    yield engine
    engine.dispose()


def sql_figures(engine, start: date, end: date) -> dict[tuple[str, str], dict]:
    """Per (agent, team) figures straight from SQL (the oracle)."""
    lo = datetime(start.year, start.month, start.day, tzinfo=CST).astimezone(UTC)
    hi = (datetime(end.year, end.month, end.day, tzinfo=CST) + timedelta(days=1)).astimezone(UTC)
    weight = " ".join(f"WHEN '{sev}' THEN {w}" for sev, w in DEFAULT_WEIGHTS.items())
    window = "c.started_at >= :lo AND c.started_at < :hi"
    params = [sa.bindparam("lo", lo, type_=sa.DateTime(timezone=True)),
              sa.bindparam("hi", hi, type_=sa.DateTime(timezone=True))]
    counts = sa.text(f"""
        SELECT c.agent_id, c.team,
               SUM(CASE WHEN c.status IN ('audited', 'no_recording') THEN 1 ELSE 0 END) AS contacts,
               SUM(CASE WHEN c.status = 'audited' AND c.kind = 'call' THEN 1 ELSE 0 END) AS calls,
               SUM(CASE WHEN c.status = 'audited' AND c.kind = 'visit' THEN 1 ELSE 0 END) AS visits,
               SUM(CASE WHEN c.status = 'no_recording' THEN 1 ELSE 0 END) AS dials,
               SUM(CASE WHEN c.status = 'failed' THEN 1 ELSE 0 END) AS failed
        FROM contact c WHERE {window} GROUP BY c.agent_id, c.team""").bindparams(*params)
    findings = sa.text(f"""
        SELECT c.agent_id, c.team, f.category,
               SUM(CASE WHEN f.review_status <> 'dismissed' THEN 1 ELSE 0 END) AS kept,
               SUM(CASE WHEN f.review_status <> 'dismissed' AND f.severity = 'critical' THEN 1 ELSE 0 END) AS crit,
               SUM(CASE WHEN f.review_status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
               SUM(CASE WHEN f.review_status = 'dismissed' THEN 1 ELSE 0 END) AS dismissed
        FROM finding f JOIN contact c ON c.call_id = f.call_id
        WHERE {window} AND c.status IN ('audited', 'no_recording')
        GROUP BY c.agent_id, c.team, f.category""").bindparams(*params)
    scores = sa.text(f"""
        SELECT agent_id, team, AVG(score) AS avg_score, AVG(passed) AS pass_rate FROM (
            SELECT c.agent_id, c.team,
                   CASE WHEN 100 - COALESCE(SUM(CASE f.severity {weight} ELSE 0 END), 0) < 0 THEN 0
                        ELSE 100 - COALESCE(SUM(CASE f.severity {weight} ELSE 0 END), 0) END AS score,
                   CASE WHEN SUM(CASE WHEN f.severity = 'critical' THEN 1 ELSE 0 END) > 0 THEN 0.0
                        ELSE 1.0 END AS passed
            FROM contact c
            LEFT JOIN finding f ON f.call_id = c.call_id AND f.review_status <> 'dismissed'
            WHERE {window} AND c.status IN ('audited', 'no_recording')
            GROUP BY c.call_id, c.agent_id, c.team) per_contact
        GROUP BY agent_id, team""").bindparams(*params)
    out: dict[tuple[str, str], dict] = {}
    with engine.connect() as conn:
        for r in conn.execute(counts).mappings():
            fig = {k: r[k] for k in ("contacts", "calls", "visits", "dials", "failed")}
            fig.update(findings=0, critical=0, confirmed=0, dismissed=0, by_category={}, avg_score=None,
                       pass_rate=None)
            out[(r["agent_id"], r["team"])] = fig
        for r in conn.execute(findings).mappings():
            fig = out[(r["agent_id"], r["team"])]
            fig["findings"] += r["kept"]
            fig["critical"] += r["crit"]
            fig["confirmed"] += r["confirmed"]
            fig["dismissed"] += r["dismissed"]
            if r["kept"]:
                fig["by_category"][r["category"]] = r["kept"]
        for r in conn.execute(scores).mappings():
            out[(r["agent_id"], r["team"])].update(avg_score=float(r["avg_score"]), pass_rate=float(r["pass_rate"]))
    for fig in out.values():
        fig["per100"] = 100.0 * fig["findings"] / fig["contacts"] if fig["contacts"] else None
    return out


@pytest.fixture(scope="module")
def oracle(corpus_engine):
    figures = sql_figures(corpus_engine, *NOV)
    # The corpus must exercise what is checked: several agents and teams, findings, a review.
    assert len(figures) >= 8 and len({team for _, team in figures}) >= 3
    assert sum(f["findings"] for f in figures.values()) >= 10
    assert sum(f["dismissed"] for f in figures.values()) == 1
    assert any(f["dials"] for f in figures.values()) and any(f["visits"] for f in figures.values())
    return figures


@pytest.fixture(scope="module")
def report(corpus_engine):
    return build_report(corpus_engine, *NOV)


def test_real_pipeline_recordings_were_audited(corpus_engine):
    """The two recordings that went through Whisper have a transcript and a status of audited."""
    with corpus_engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.call_id, c.status, COUNT(s.idx) FROM contact c LEFT JOIN segment s ON s.call_id = c.call_id "
            "WHERE c.call_id IN ('dev-006', 'dev-008') GROUP BY c.call_id, c.status")).all()
    assert {(r[0], r[1]) for r in rows} == {("dev-006", "audited"), ("dev-008", "audited")}
    assert all(r[2] >= 2 for r in rows)


def test_csv_matches_sql(report, oracle):
    data = report_bytes(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(HEADERS)
    by_key = {(r["工号"], r["组别"]): dict(zip(KEYS, r.values())) for r in rows}
    assert set(by_key) == set(oracle)
    for key, exp in oracle.items():
        row = by_key[key]
        assert (int(row["contacts"]), int(row["calls_audited"]), int(row["visits_audited"]),
                int(row["dial_attempts"]), int(row["failed"])) == (
            exp["contacts"], exp["calls"], exp["visits"], exp["dials"], exp["failed"]), key
        assert (int(row["findings"]), int(row["critical_findings"]), int(row["confirmed"]),
                int(row["dismissed"])) == (exp["findings"], exp["critical"], exp["confirmed"], exp["dismissed"]), key
        assert float(row["avg_score"]) == pytest.approx(exp["avg_score"], abs=0.005), key
        assert float(row["pass_rate"]) == pytest.approx(100 * exp["pass_rate"], abs=0.005), key
        assert float(row["findings_per_100"]) == pytest.approx(exp["per100"], abs=0.005), key
        for cat, n in exp["by_category"].items():
            assert float(row[f"per100_{cat}"]) == pytest.approx(100.0 * n / exp["contacts"], abs=0.005), (key, cat)


def test_xlsx_matches_sql(report, oracle):
    wb = load_workbook(io.BytesIO(report_bytes(report, "xlsx")))
    rows = list(wb[SUMMARY_SHEET].iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)
    by_key = {(r["agent_id"], r["team"]): r for r in (dict(zip(KEYS, row)) for row in rows[1:])}
    assert set(by_key) == set(oracle)
    for key, exp in oracle.items():
        row = by_key[key]
        assert (row["contacts"], row["findings"], row["critical_findings"], row["dismissed"]) == (
            exp["contacts"], exp["findings"], exp["critical"], exp["dismissed"]), key
        assert row["avg_score"] == pytest.approx(exp["avg_score"]), key  # unrounded numbers in cells
        assert row["pass_rate"] == pytest.approx(100 * exp["pass_rate"]), key
        assert row["findings_per_100"] == pytest.approx(exp["per100"]), key
    teams = {team for _, team in oracle}
    for team in teams:
        ranks = [dict(zip(KEYS, r))["rank_in_team"] for r in list(wb[team].iter_rows(values_only=True))[1:]]
        assert len(ranks) == sum(1 for _, t in oracle if t == team)


def test_pdf_matches_sql(report, oracle):
    reader = PdfReader(io.BytesIO(report_bytes(report, "pdf")))
    assert len(reader.pages) == len(oracle)
    for card, page in zip(report.cards, reader.pages):
        text = re.sub(r"\s+", "", page.extract_text())
        exp = oracle[(card.agent_id, card.team)]
        assert f"（{card.agent_id}）" in text and f"组别：{card.team}" in text
        figures = f"{exp['avg_score']:.1f}", f"{100 * exp['pass_rate']:.1f}%", f"{exp['per100']:.1f}"
        for figure in figures:
            assert figure in text, (card.agent_id, figure)
        assert f"已确认{exp['confirmed']}·已驳回{exp['dismissed']}" in text, card.agent_id
        if card.agent_name:
            assert card.agent_name in text  # Chinese names extract as written


def test_dismissal_moves_the_figures(corpus_engine, oracle):
    """The dismissed finding is out of its agent's counts (and the SQL oracle agrees)."""
    with corpus_engine.connect() as conn:
        agent_id, team = conn.execute(sa.text(
            "SELECT c.agent_id, c.team FROM finding f JOIN contact c ON c.call_id = f.call_id "
            "WHERE f.review_status = 'dismissed'")).one()
        total = conn.execute(sa.text(
            "SELECT COUNT(*) FROM finding f JOIN contact c ON c.call_id = f.call_id "
            "WHERE c.agent_id = :a AND c.team = :t AND c.status IN ('audited', 'no_recording')"),
            {"a": agent_id, "t": team}).scalar_one()
    card = next(c for c in build_report(corpus_engine, *NOV, details=False).cards
                if (c.agent_id, c.team) == (agent_id, team))
    assert card.findings == total - 1 == oracle[(agent_id, team)]["findings"]
    assert card.dismissed == 1
