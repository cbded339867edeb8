"""Contact scores from findings.

A contact starts at 100 and loses the pack's weight for each counted finding's severity
(floored at 0). Any counted critical finding fails the contact whatever the score. Findings a
reviewer dismissed do not count, nor do *suspected* ones (the learned second opinion below its
report threshold, waiting for a reviewer: confirming one makes it count); confirmed and
unreviewed ones do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DEFAULT_WEIGHTS: dict[str, float] = {"low": 5.0, "medium": 10.0, "high": 25.0, "critical": 50.0}
DISMISSED = "dismissed"
SUSPECTED = "suspected"
# review statuses whose findings never count against a contact or an agent: the score, the
# finding counts of the contact, the scorecards and the dashboard all leave them out
UNCOUNTED = (DISMISSED, SUSPECTED)


def _pair(item: Any) -> tuple[str, str | None]:
    if isinstance(item, tuple):
        severity, status = (item + (None,))[:2] if len(item) < 2 else item[:2]
        return str(severity), status
    severity = getattr(item, "severity")
    return str(getattr(severity, "value", severity)), getattr(item, "review_status", None)


def score_contact(findings: Iterable[Any], weights: Mapping[str, float] | None = None) -> tuple[float, bool]:
    """Score one contact.

    Args:
        findings: ``(severity, review_status)`` pairs, or objects with ``severity`` and
            (optionally) ``review_status`` attributes, such as ``models.Finding`` rows.
        weights: points lost per severity; defaults to :data:`DEFAULT_WEIGHTS` (a pack's
            ``parameters.severity_weights`` can be passed, keys may be ``Severity`` members).

    Returns:
        ``(score, failed)``: the score in 0–100 and whether a critical finding fails the contact.

    Raises:
        ValueError: a severity has no weight.
    """
    table = {str(getattr(k, "value", k)): float(v) for k, v in (weights or DEFAULT_WEIGHTS).items()}
    score = 100.0
    failed = False
    for item in findings:
        severity, status = _pair(item)
        if status in UNCOUNTED:
            continue
        if severity not in table:
            raise ValueError(f"severity {severity!r} has no weight; known: {', '.join(sorted(table))}")
        score -= table[severity]
        failed = failed or severity == "critical"
    return max(0.0, score), failed
