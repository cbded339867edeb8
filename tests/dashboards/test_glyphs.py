"""Every character the dashboard writes has a glyph in the font the project installs.

Streamlit's own web font (Source Sans) has no Chinese and few symbols: the browser falls back on
the machine's fonts, and a character none of them has shows as a box (the ✅/❌ results did).
`make fonts` installs Debian's fonts-wqy-microhei; the page texts (the Chinese catalog and the
literals in dashboards/) must stay within it. Emoji are not, so the pages write words instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from audit import i18n

ROOT = Path(__file__).resolve().parents[2]
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NOT_PAGE_TEXT = {"🎧"}  # the browser tab's icon (st.set_page_config), drawn by the browser's own emoji font


def page_characters() -> set[str]:
    chars: set[str] = set()
    with open(i18n.catalog_path("zh_CN"), "rb") as handle:
        for message in read_po(handle, locale="zh_CN"):
            chars.update(message.string or "")
    for path in (ROOT / "dashboards").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value not in NOT_PAGE_TEXT
            ):
                chars.update(node.value)
    return {ch for ch in chars if ord(ch) > 0x7E}


def test_every_page_character_has_a_glyph():
    if not FONT.is_file():
        pytest.fail(f"{FONT} is missing: `make fonts` (apt-get install fonts-wqy-microhei)")
    from reportlab.pdfbase.ttfonts import TTFont

    covered = TTFont("WQY", str(FONT), subfontIndex=0).face.charToGlyph
    missing = sorted(ch for ch in page_characters() if ord(ch) not in covered and ch != "\u2060")
    assert not missing, f"no glyph in {FONT.name} for {missing}: they would show as boxes"


def test_results_are_words_not_emoji():
    assert not {"✅", "❌"} & page_characters()
