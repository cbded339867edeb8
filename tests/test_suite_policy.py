"""The suite's own rules: a missing tool fails with its install command instead of skipping,
and nothing outside the repository (``../shared``) is needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(p for p in TESTS.rglob("*.py") if p.name != Path(__file__).name)

# pytest.skip(...), @pytest.mark.skip / skipif, pytest.importorskip(...), and xfail, which hides a
# failure the same way
_SKIP = re.compile(r"pytest\.(skip\b|importorskip\b|mark\.skip|mark\.skipif|xfail\b|mark\.xfail)")
_SHARED = re.compile(r"""["'/]\.\./shared|parents\[\d\]\s*/\s*["']shared["']""")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_skips(path):
    """A machine without chromium, pdftoppm, a CJK font or an extra must not pass by skipping."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [f"{path.name}:{n}: {line.strip()}" for n, line in enumerate(lines, 1) if _SKIP.search(line)]
    assert not hits, "fail with the install command instead (see the chromium fixture in tests/conftest.py): " \
                     + "; ".join(hits)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_needs_the_shared_folder(path):
    """The corpus the tests use is tests/corpus (AUDIT_CORPUS for another copy), never ../shared."""
    lines = path.read_text(encoding="utf-8").splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert not _SHARED.search(code)
