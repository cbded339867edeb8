"""PDF export read back with pypdf: one page per agent, Chinese extracts as written, numbers."""

from __future__ import annotations

import io
import re

import pytest
from tests.exports.conftest import AGENTS, NOV, expected_figures
from pypdf import PdfReader

from audit.exports import build_report, report_bytes
from audit.exports.pdf_export import CID_FONT, fmt_offset


def squash(text: str) -> str:
    # Table cells wrap; compare without layout whitespace.
    return re.sub(r"\s+", "", text)


@pytest.fixture
def pdf(scorecard_engine):
    report = build_report(scorecard_engine, *NOV)
    return report, PdfReader(io.BytesIO(report_bytes(report, "pdf")))


def test_one_page_per_agent_with_figures(pdf, scorecard_engine):
    report, reader = pdf
    assert len(reader.pages) == len(report.cards) == 5
    expected = expected_figures(scorecard_engine, *NOV)
    for card, page in zip(report.cards, reader.pages):
        text = squash(page.extract_text())
        assert f"{card.agent_name}（{card.agent_id}）" in text
        assert f"组别：{card.team}" in text
        exp = expected[card.agent_id]
        assert f"{exp['avg_score']:.1f}" in text
        assert f"{100 * exp['pass_rate']:.1f}%" in text
        assert "统计期间：2026-11-01至2026-11-30" in text


def test_chinese_text_extracts_as_written(pdf, scorecard_engine):
    """Names, teams and the evidence quotes come back as the same characters (no tofu)."""
    report, reader = pdf
    text = squash("".join(p.extract_text() for p in reader.pages))
    for _, name, team, agency in AGENTS:
        assert name in text and team in text and agency in text
    for quote in ("我们已经报案了，明天公安就上门抓你", "你把钱转到我个人微信上，我帮你销账", "再不还钱小心你的腿"):
        assert quote in text
    assert "我们会联系您的紧急联系人核实" not in text  # dismissed: not among the worst findings
    assert "\ufffd" not in text


def test_font_is_the_cjk_cid_font(pdf):
    _, reader = pdf
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert f"/{CID_FONT}" in fonts or any(CID_FONT in f for f in fonts)


def test_worst_findings_with_timestamps(pdf):
    report, reader = pdf
    index = next(i for i, c in enumerate(report.cards) if c.agent_id == "A017")
    text = squash(reader.pages[index].extract_text())
    assert "2026-11-0311:05" in text  # the contact time of the critical finding
    assert fmt_offset(20.0) + "–" + fmt_offset(23.2) in text  # its time inside the recording
    assert text.index("我们已经报案了") < text.index("你这种人就是个老赖")  # critical before high


def test_empty_period_still_writes_a_page(scorecard_engine):
    from datetime import date

    report = build_report(scorecard_engine, date(2025, 1, 1), date(2025, 1, 31))
    reader = PdfReader(io.BytesIO(report_bytes(report, "pdf")))
    assert len(reader.pages) == 1 and "没有联系记录" in reader.pages[0].extract_text()


@pytest.mark.parametrize("seconds,text", [(None, ""), (0, "00:00.0"), (75.25, "01:15.2"), (-1, "00:00.0")])
def test_fmt_offset(seconds, text):
    assert fmt_offset(seconds) == text
