"""The import contracts (pyproject.toml ``[tool.importlinter]``) hold on this tree and catch a
planted import: ``lint-imports`` on a temporary copy of the packages, never the real tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("audit", "pipelines", "dashboards")
PLANTED = "\nfrom pipelines import audio  # planted by tests/test_import_contract.py\n"


def lint_imports() -> str:
    """The ``lint-imports`` of this Python's environment (the dev extra installs it)."""
    found = Path(sys.executable).with_name("lint-imports")
    if found.is_file():
        return str(found)
    found = shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports is not installed; pip install -e '.[dev]' (import-linter)")
    return found


@pytest.fixture
def tree(tmp_path) -> Path:
    """The three packages' Python files and pyproject.toml, copied."""
    def not_python(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n == "__pycache__"
                or (not n.endswith(".py") and not os.path.isdir(os.path.join(folder, n)))]

    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=not_python)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def check(root: Path) -> subprocess.CompletedProcess:
    # lint-imports puts its working directory first on sys.path: the copy is what it reads
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([lint_imports(), "--no-cache", "--no-logo"], check=False, cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_contracts_hold_on_the_real_tree(tree):
    result = check(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, contract", [
    ("audit/evidence/clips.py", "audit (its command-line modules aside) imports nothing from pipelines"),
    ("audit/rules/loader.py", "audit (its command-line modules aside) imports nothing from pipelines"),
    ("dashboards/data.py", "dashboards imports nothing from pipelines"),
    ("dashboards/pages/call_detail.py", "dashboards imports nothing from pipelines"),
])
def test_a_planted_pipelines_import_breaks_the_contract(tree, module, contract):
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")
    result = check(tree)
    assert result.returncode != 0, result.stdout
    dotted = module.removesuffix(".py").replace("/", ".")
    assert f"{dotted} -> pipelines.audio" in result.stdout
    assert "BROKEN" in result.stdout and contract in " ".join(result.stdout.split())


def test_a_planted_import_in_a_new_core_module_breaks_it_too(tree):
    """A module added to the core later is covered without touching the contract."""
    (tree / "audit" / "clipping.py").write_text('"""Planted."""' + PLANTED, encoding="utf-8")
    result = check(tree)
    assert result.returncode != 0 and "audit.clipping -> pipelines.audio" in result.stdout


def test_the_command_line_modules_may_wire_pipelines(tree):
    """The audit/cli/ package is where stages are wired to the core: exempt."""
    path = tree / "audit" / "cli" / "rules.py"
    path.write_text(path.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")
    result = check(tree)
    assert result.returncode == 0, result.stdout + result.stderr
