"""Contact scores from findings.

A contact starts at 100 and loses the pack's weight for each counted finding's severity
(floored at 0). Any counted critical finding means the contact did not pass, whatever the score. Findings a
reviewer dismissed do not count, nor do *suspected* ones (the learned second opinion below its
report threshold, waiting for a reviewer: confirming one makes it count); confirmed and
unreviewed ones do.

A contact is scored with the weights of the pack it was audited with: the store records them on
the contact (``contact.score_weights``, :func:`weights_to_store`) and every later re-score (a
review, the scorecards, the exports) passes them back to :func:`score_contact`, so one review
cannot change a score by switching to other weights. Contacts stored before migration 0008 have
none recorded and are scored with :data:`DEFAULT_WEIGHTS`.
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
    severity = item.severity
    return str(getattr(severity, "value", severity)), getattr(item, "review_status", None)


def weights_to_store(weights: Mapping[Any, float] | None) -> dict[str, float]:
    """Severity weights as a contact records them (``contact.score_weights``, a JSON column).

    Args:
        weights: points lost per severity, keys severity names or ``Severity`` members (a
            pack's ``parameters.severity_weights``); ``None`` means :data:`DEFAULT_WEIGHTS`.

    Returns:
        ``{severity name: points}``, what :func:`score_contact` reads back.
    """
    return {str(getattr(k, "value", k)): float(v) for k, v in (weights or DEFAULT_WEIGHTS).items()}


def score_contact(findings: Iterable[Any], weights: Mapping[Any, float] | None = None) -> tuple[float, bool]:
    """Score one contact.

    Args:
        findings: ``(severity, review_status)`` pairs, or objects with ``severity`` and
            (optionally) ``review_status`` attributes, such as ``models.Finding`` rows.
        weights: points lost per severity: the contact's recorded ``score_weights`` (or a
            pack's ``parameters.severity_weights``; keys may be ``Severity`` members);
            ``None`` (a contact stored before migration 0008) means :data:`DEFAULT_WEIGHTS`.

    Returns:
        ``(score, passed)``: the score in 0–100 and whether the contact passed (no counted
        critical finding). "Failed" is kept for a contact whose processing failed (status ``failed``).

    Raises:
        ValueError: a severity has no weight.
    """
    table = weights_to_store(weights)
    score = 100.0
    passed = True
    for item in findings:
        severity, status = _pair(item)
        if status in UNCOUNTED:
            continue
        if severity not in table:
            raise ValueError(f"severity {severity!r} has no weight; known: {', '.join(sorted(table))}")
        score -= table[severity]
        passed = passed and severity != "critical"
    return max(0.0, score), passed
