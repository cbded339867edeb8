"""What raised a finding, in the exports; the learned model's suspicions never count."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from audit import models
from audit.exports import build_report, report_bytes
from audit.exports.columns import detector_label
from audit.storage import session
from tests.exports.conftest import NOV


def test_detector_label():
    assert detector_label("regex") == "正则"
    assert detector_label("model", 0.8312) == "模型 0.83"
    assert detector_label("") == ""


def test_worst_findings_name_the_detector_and_suspicions_do_not_count(scorecard_engine):
    first = build_report(scorecard_engine, *NOV)
    before = {c.agent_id: c for c in first.cards}
    old = before["A017"]
    worst_id = first.worst[(old.agent_id, old.team)][0].finding_id
    with session(scorecard_engine) as s:
        worst = s.get(models.Finding, worst_id)
        worst.detector, worst.confidence = "model", 0.83
        s.add(models.Finding(call_id=worst.call_id, rule_id="ML-ABUSE", category="ABUSE", severity="critical",
                             start=1.0, end=2.0, evidence="（合成测试句）", detector="model", confidence=0.5,
                             details={"suspected": True}, review_status="suspected"))
        s.commit()
    agent = "A017"
    report = build_report(scorecard_engine, *NOV)
    card = next(c for c in report.cards if c.agent_id == agent)
    assert (card.findings, card.critical_findings, card.open, card.avg_score) == (
        old.findings, old.critical_findings, old.open, old.avg_score)
    shown = report.worst[(card.agent_id, card.team)]
    assert "ML-ABUSE" not in {w.rule_id for w in shown}
    assert ("model", 0.83) in {(w.detector, w.confidence) for w in shown}
    reader = PdfReader(io.BytesIO(report_bytes(report, "pdf")))
    page = re.sub(r"\s+", "", reader.pages[report.cards.index(card)].extract_text())
    assert "模型0.83" in page
