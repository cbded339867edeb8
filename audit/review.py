"""Review actions on findings: confirm, dismiss, appeal, reopen.

Each action changes one finding's ``review_status``, writes a :class:`audit.models.ReviewLog`
row (who, when, which action, status before and after, the reason) and re-scores the contact
with :func:`audit.scoring.score_contact` and the severity weights recorded on the contact when it
was audited (its pack's), all in one transaction, so the dashboard, the audit log and the
scorecards agree after a restart.

Allowed transitions::

    confirm  open | appealed | suspected             -> confirmed
    dismiss  open | appealed | confirmed | suspected -> dismissed   (reason required)
    appeal   open | confirmed                        -> appealed    (reason required: the agent's grounds)
    reopen   confirmed | dismissed | appealed        -> open, or suspected for a finding the
                                                        learned model only suspected

A *suspected* finding (the learned second opinion below the pack's report threshold) does not
count in the score until a reviewer confirms it.

Who may do what (``ROLE_ACTIONS``): admins and supervisors everything; a team lead confirms,
dismisses and reopens in their team; an agent may only appeal findings on their own contacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from audit import models
from audit.read.scope import Scope

OPEN, CONFIRMED, DISMISSED, APPEALED, SUSPECTED = (s.value for s in (
    models.ReviewStatus.OPEN, models.ReviewStatus.CONFIRMED, models.ReviewStatus.DISMISSED,
    models.ReviewStatus.APPEALED, models.ReviewStatus.SUSPECTED))

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({OPEN, APPEALED, SUSPECTED}), CONFIRMED),
    "dismiss": (frozenset({OPEN, APPEALED, CONFIRMED, SUSPECTED}), DISMISSED),
    "appeal": (frozenset({OPEN, CONFIRMED}), APPEALED),
    "reopen": (frozenset({CONFIRMED, DISMISSED, APPEALED}), OPEN),
}
REASON_REQUIRED = frozenset({"dismiss", "appeal"})
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(TRANSITIONS),
    "supervisor": frozenset(TRANSITIONS),
    "team_lead": frozenset({"confirm", "dismiss", "reopen"}),
    "agent": frozenset({"appeal"}),
}


class ReviewError(ValueError):
    """A review action was refused; the message says why and what to do."""


@dataclass(frozen=True)
class ReviewResult:
    """What an action changed."""

    finding_id: int
    call_id: str
    action: str
    before: str
    after: str
    score: float | None
    passed: bool | None
    log_id: int


def allowed_actions(role: str, status: str) -> list[str]:
    """Actions a user with ``role`` may take on a finding in ``status``, in display order."""
    permitted = ROLE_ACTIONS.get(role, frozenset())
    return [a for a in ("confirm", "dismiss", "appeal", "reopen")
            if a in permitted and status in TRANSITIONS[a][0]]


def rescore_contact(session: Session, call_id: str, *,
                    weights: Mapping[Any, float] | None = None) -> models.Contact:
    """Recompute a contact's ``score``, ``passed`` and ``finding_count`` from its findings (caller commits).

    Dismissed findings are passed along with their status: :func:`audit.scoring.score_contact`
    decides how a review status counts, so the policy lives in one place. ``finding_count``
    (non-dismissed findings) is what the dashboard's trend sums, so a review must keep it right.

    Args:
        session: The open session.
        call_id: The contact.
        weights: The severity weights of the pack that has just audited the contact (the
            store passes them): recorded on the contact (``score_weights``) and used from
            then on. ``None`` (a review) scores with the weights recorded at the audit, or
            the default weights for a contact stored before migration 0008.

    Raises:
        ReviewError: No such contact.
    """
    from audit.scoring import UNCOUNTED, score_contact, weights_to_store

    contact = session.get(models.Contact, call_id)
    if contact is None:
        raise ReviewError(f"contact {call_id!r} not found")
    if weights is not None:
        contact.score_weights = weights_to_store(weights)
    findings = session.exec(select(models.Finding).where(models.Finding.call_id == call_id)).all()
    # score_contact returns (score, passed): a counted critical finding means the contact did not pass.
    score, passed = score_contact(findings, contact.score_weights)
    contact.score, contact.passed = float(score), passed
    contact.finding_count = sum(1 for f in findings if f.review_status not in UNCOUNTED)
    session.add(contact)
    return contact


def apply_review(
    db: Engine | Session,
    finding_id: int,
    action: str,
    *,
    user: str,
    role: str | None = None,
    scope: Scope | None = None,
    reason: str | None = None,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> ReviewResult:
    """Apply one review action and record it.

    Args:
        db: An engine (a session is opened and committed) or a session (committed here too:
            the action and its log row are one unit of work).
        finding_id: The finding to review.
        action: confirm | dismiss | appeal | reopen.
        user: Who acts (login name); written to the log.
        role: The user's role; when given, :data:`ROLE_ACTIONS` is enforced.
        scope: The user's scope; a finding outside it is treated as not found.
        reason: Why (required for dismiss and appeal).
        expected_status: The status the user saw; if the finding changed since, the action is
            refused instead of overwriting someone else's review.
        now: The time recorded (default: now, UTC).

    Raises:
        ReviewError: Unknown action, missing reason, not permitted, not found, or a transition
            that the current status does not allow.
    """
    if action not in TRANSITIONS:
        raise ReviewError(f"unknown review action {action!r}; choose one of {', '.join(TRANSITIONS)}")
    if role is not None and action not in ROLE_ACTIONS.get(role, frozenset()):
        raise ReviewError(f"a user with role {role!r} may not {action} findings")
    reason = (reason or "").strip() or None
    if action in REASON_REQUIRED and not reason:
        raise ReviewError(f"{action} needs a reason: say why, it goes into the audit log")
    if isinstance(db, Session):
        return _apply(db, finding_id, action, user, scope, reason, expected_status, now)
    with Session(db, expire_on_commit=False) as session:
        return _apply(session, finding_id, action, user, scope, reason, expected_status, now)


def _apply(session: Session, finding_id: int, action: str, user: str, scope: Scope | None, reason: str | None,
           expected_status: str | None, now: datetime | None) -> ReviewResult:
    q = select(models.Finding).where(col(models.Finding.id) == finding_id)
    if scope is not None and scope.conditions():
        q = (q.join(models.Contact, col(models.Contact.call_id) == col(models.Finding.call_id))
             .where(*scope.conditions()))
    # Row lock on PostgreSQL: two reviewers clicking at once serialise instead of both winning.
    finding = session.exec(q.with_for_update(of=models.Finding)).first()
    if finding is None:
        raise ReviewError(f"finding {finding_id} not found")
    assert finding.id is not None  # a stored row
    before = finding.review_status
    if expected_status is not None and before != expected_status:
        raise ReviewError(
            f"finding {finding_id} is now {before!r} (you saw {expected_status!r}): someone reviewed it "
            "meanwhile; reload the page and decide again"
        )
    allowed_from, after = TRANSITIONS[action]
    if after == OPEN and (finding.details or {}).get("suspected"):
        after = SUSPECTED  # reopening a model's suspicion puts it back in the queue as one
    if before not in allowed_from:
        raise ReviewError(f"cannot {action} finding {finding_id}: it is {before!r}; "
                          f"{action} applies to {', '.join(sorted(allowed_from))} findings")
    now = now or datetime.now(UTC)
    finding.review_status = after
    finding.review_reason = reason if after != OPEN else None
    finding.reviewed_by = user
    finding.reviewed_at = now
    session.add(finding)
    log = models.ReviewLog(finding_id=finding.id, call_id=finding.call_id, user=user, at=now, action=action,
                           before=before, after=after, reason=reason)
    session.add(log)
    session.flush()
    assert log.id is not None  # flushed
    # with the weights the contact was audited with: a review must not switch to the defaults
    contact = rescore_contact(session, finding.call_id)
    session.commit()
    return ReviewResult(finding.id, finding.call_id, action, before, after, contact.score, contact.passed, log.id)


def review_log_count(db: Engine, finding_id: int) -> int:
    """How many review actions a finding has had (for tests and reports)."""
    with db.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(models.table_of(models.ReviewLog))
            .where(models.table_of(models.ReviewLog).c.finding_id == finding_id)
        ).scalar_one()
