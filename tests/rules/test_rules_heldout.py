"""The held-out style sets: violations caught, compliant lines left alone.

``data/violations.txt`` and ``data/compliant.txt`` are varied collector lines written for the
way collectors speak (paraphrases, Traditional characters, ASR typos, threats by implication,
negations and legal-but-firm statements), not the corpus sentences.
"""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).with_name("data")


def _rows(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_sets_are_large_enough():
    assert len(_rows("violations.txt")) >= 150 and len(_rows("compliant.txt")) >= 150


def test_violations_caught(pack):
    rows = [r.split("\t", 1) for r in _rows("violations.txt")]
    caught = right = 0
    for category, text in rows:
        contact_role = "relative" if category == "THIRD_PARTY_DISCLOSURE" else "debtor"
        found = {f.category for f in pack.scan_text(text, contact_role=contact_role)}
        caught += bool(found)
        right += category in found
    assert caught / len(rows) >= 0.85
    assert right / len(rows) >= 0.85      # and mostly under the right category


def test_compliant_lines_not_flagged(pack):
    rows = _rows("compliant.txt")
    flagged = []
    for row in rows:
        contact_role, text = row.split("\t", 1) if "\t" in row else ("debtor", row)
        if pack.scan_text(text, contact_role=contact_role):
            flagged.append(text)
    assert len(flagged) / len(rows) <= 0.05, flagged


def test_sound_matching_false_positive_cost(pack):
    """Lines flagged only through pinyin/fuzzy matches are the false alarms sound matching adds."""
    added = []
    for row in _rows("compliant.txt"):
        contact_role, text = row.split("\t", 1) if "\t" in row else ("debtor", row)
        findings = pack.scan_text(text, contact_role=contact_role)
        if findings and all("text" not in f.details.get("via", ["text"]) for f in findings):
            added.append(text)
    assert len(added) / len(_rows("compliant.txt")) <= 0.01, added


# The evaluation set written before the rules were generalised: tune_* was tuned on, heldout_*
# never was (its figures are reported, not optimised). Both must meet the acceptance targets.
EVAL_SETS = ["tune", "heldout"]


@pytest.mark.parametrize("which", EVAL_SETS)
def test_evaluation_set_rates(pack, which):
    violations = [r.split("\t", 1) for r in _rows(f"{which}_violations.txt")]
    compliant = _rows(f"{which}_compliant.txt")
    assert len(violations) >= 100 and len(compliant) >= 100
    caught = 0
    for category, text in violations:
        contact_role = "relative" if category == "THIRD_PARTY_DISCLOSURE" else "debtor"
        caught += category in {f.category for f in pack.scan_text(text, contact_role=contact_role)}
    flagged = []
    for row in compliant:
        contact_role, text = row.split("\t", 1) if "\t" in row else ("debtor", row)
        if pack.scan_text(text, contact_role=contact_role):
            flagged.append(text)
    assert caught / len(violations) >= 0.85
    assert len(flagged) / len(compliant) <= 0.05, flagged
