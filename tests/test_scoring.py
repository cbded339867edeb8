"""Contact scores from severity weights; a critical finding means not passed; dismissed findings do not count."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from audit.schema import Severity
from audit.scoring import score_contact


@dataclass
class Row:
    severity: str
    review_status: str | None = None


@pytest.mark.parametrize("findings,expected", [
    ([], (100.0, True)),
    ([("low", None)], (95.0, True)),
    ([("medium", "confirmed"), ("high", None)], (65.0, True)),
    ([("critical", None)], (50.0, False)),
    ([("critical", "dismissed")], (100.0, True)),           # a dismissed finding does not count
    ([("high", "dismissed"), ("high", "pending")], (75.0, True)),
    ([("critical", None)] * 3, (0.0, False)),               # floored at 0
])
def test_score_from_pairs(findings, expected):
    assert score_contact(findings) == expected


def test_score_from_objects_and_custom_weights():
    rows = [Row("high"), Row("critical", "dismissed"), Row(Severity.LOW)]
    assert score_contact(rows) == (70.0, True)
    assert score_contact(rows, {Severity.HIGH: 40, "low": 1, "critical": 90, "medium": 10}) == (59.0, True)


def test_unknown_severity_is_an_error():
    with pytest.raises(ValueError, match="severity 'fatal' has no weight"):
        score_contact([("fatal", None)])


def test_pack_weights_plug_in():
    from audit.rules import load_pack

    weights = load_pack().parameters.severity_weights
    assert score_contact([("high", None)], weights) == (75.0, True)
