"""PDF export read back with pypdf: one page per agent, Chinese extracts as written, numbers."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from audit.exports import build_report, pdf_export, report_bytes
from audit.exports.pdf_export import CID_FONT, fmt_offset
from tests.exports.conftest import AGENTS, NOV, expected_figures

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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
    assert pdf_export.register_font() != CID_FONT, "run `make fonts`: no embeddable Chinese font installed"
    _, reader = pdf
    text = squash("".join(p.extract_text() for p in reader.pages))
    for _, name, team, agency in AGENTS:
        assert name in text and team in text and agency in text
    for quote in ("我们已经报案了，明天公安就上门抓你", "你把钱转到我个人微信上，我帮你销账", "再不还钱小心你的腿"):
        assert quote in text
    assert "我们会联系您的紧急联系人核实" not in text  # dismissed: not among the worst findings
    assert "\ufffd" not in text


STANDARD_14 = {"/Helvetica", "/Times-Roman", "/Courier"}  # reportlab declares Helvetica on every canvas


def font_dicts(reader: PdfReader) -> dict[str, dict]:
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def embedded_file(font: dict):
    """The embedded font program of a simple or composite (Type0) font, else None."""
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return None
    descriptor = descriptor.get_object()
    return next((descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor), None)


def test_cjk_font_is_embedded(pdf):
    """A reader without Chinese fonts shows the same page: every font that sets text is embedded."""
    _, reader = pdf
    fonts = font_dicts(reader)
    cjk = {name: f for name, f in fonts.items() if name not in STANDARD_14}
    assert cjk, f"no font besides the standard 14: {sorted(fonts)}"
    assert not any(CID_FONT in name for name in fonts), "fell back to the non-embedded STSong-Light"
    for name, font in cjk.items():
        program = embedded_file(font)
        assert program is not None, f"{name} is not embedded"
        assert len(program.get_object().get_data()) > 1000, f"{name}: empty font program"
        assert "/ToUnicode" in font, f"{name} has no ToUnicode map: text would not extract"
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset (the whole CJK font would be embedded)"


def test_page_renders(pdf, tmp_path):
    """pdftoppm (poppler) rasterises the first page with ink on it; the PNG is kept as an artifact."""
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils (make test installs it)")
    report, _ = pdf
    path = tmp_path / "scorecard.pdf"
    path.write_bytes(report_bytes(report, "pdf"))
    subprocess.run(["pdftoppm", "-r", "60", "-gray", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=60)
    pgm = next(tmp_path.glob("page*.pgm"))
    data = pgm.read_bytes()
    header_end = data.index(b"255\n") + 4  # binary PGM: "P5\nW H\n255\n" then one byte per pixel
    pixels = data[header_end:]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > 0.005 * len(pixels), f"page 1 is (almost) blank: {dark} dark pixels of {len(pixels)}"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pgm, ARTIFACTS / "scorecard-page1.pgm")


def test_font_override(monkeypatch, scorecard_engine):
    """$AUDIT_PDF_FONT picks the font (``#n`` a face of a collection); a bad one is an error naming it."""
    system = next((f for f in pdf_export.SYSTEM_FONTS if Path(f).is_file()), None)
    if system is None:
        pytest.fail(f"none of {pdf_export.SYSTEM_FONTS} is installed: run `make fonts`")
    monkeypatch.setattr(pdf_export, "_resolved", {})
    monkeypatch.setenv(pdf_export.FONT_ENV, f"{system}#0")
    name = pdf_export.register_font()
    assert name.startswith("AuditCJK-" + Path(system).stem)
    report = build_report(scorecard_engine, *NOV)
    text = squash(PdfReader(io.BytesIO(report_bytes(report, "pdf"))).pages[0].extract_text())
    assert "坐席合规评分卡" in text

    monkeypatch.setattr(pdf_export, "_resolved", {})
    monkeypatch.setenv(pdf_export.FONT_ENV, __file__)
    with pytest.raises(ValueError, match=r"AUDIT_PDF_FONT=.*test_pdf\.py.*cannot embed"):
        pdf_export.register_font()


def test_fallback_is_loud(monkeypatch, caplog):
    """With no Chinese TrueType font anywhere, STSong-Light is used and a warning says how to fix it."""
    monkeypatch.setattr(pdf_export, "_resolved", {})
    monkeypatch.delenv(pdf_export.FONT_ENV, raising=False)
    monkeypatch.setattr(pdf_export, "SYSTEM_FONTS", ())
    monkeypatch.setattr(pdf_export, "_fontconfig_candidates", list)
    with caplog.at_level(logging.WARNING, logger=pdf_export.__name__):
        assert pdf_export.register_font() == CID_FONT
    assert "make fonts" in caplog.text and f"non-embedded {CID_FONT}" in caplog.text


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
