"""Checks across the call log (labelled ``log`` in findings): too many dial attempts, or too
many connected calls, to one debtor on one day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from audit.rules.detectors.base import LogDetector, register

if TYPE_CHECKING:
    from audit.rules.model import Parameters
    from audit.schema import Contact


@register
class AttemptsPerDayDetector(LogDetector):
    """Across the log: more than ``max_attempts_per_day`` dial attempts to a debtor on a day."""

    type: Literal["attempts_per_day"]

    def counts(self, contact: Contact, p: Parameters) -> bool:
        return contact.contact_role in {r.value for r in p.attempt_contact_roles}

    def limit(self, p: Parameters) -> int:
        return p.max_attempts_per_day


@register
class ConnectedPerDayDetector(LogDetector):
    """Across the log: more than ``max_connected_per_day`` connected calls to a debtor on a day."""

    type: Literal["connected_per_day"]

    def counts(self, contact: Contact, p: Parameters) -> bool:
        return contact.outcome in p.connected_outcomes

    def limit(self, p: Parameters) -> int:
        return p.max_connected_per_day
