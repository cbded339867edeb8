"""No module of the core or the stages grows past 500 lines (Alembic's migrations aside).

A module that long holds more than one idea; split it along its seams (issue 15) before adding
to it. The dashboards are screens and are not held to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 500
MODULES = sorted(p for package in ("audit", "pipelines") for p in (ROOT / package).rglob("*.py")
                 if "migrations" not in p.relative_to(ROOT).parts[:2] or p.parent.name != "versions")


def test_modules_were_found():
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_at_most_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it along its seams"
