"""Who is asking and what they selected: :class:`Scope`, :class:`Filters`, :class:`Period`.

A :class:`Scope` is the slice of the data a user may see (it comes with the user,
:attr:`audit.auth.User.scope`); :class:`Filters` are what the dashboard's sidebar selected; a
:class:`Period` is the calendar days a scorecard covers. Each turns into conditions on the
``contact`` table (:func:`audit.read.sql.contacts_where`). Days are calendar days in the
business time zone; timestamps are stored in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from audit.read.sql import C, day_start

DEFAULT_TZ = "Asia/Shanghai"  # the debtor's local time the manifests use


@dataclass(frozen=True)
class Scope:
    """The slice of the data a user may see (not :class:`audit.rules.model.RuleScope`, where a rule
    applies).

    ``Scope()`` is everything (admin, supervisor); ``Scope(team=...)`` one team (team lead);
    ``Scope(agent_id=...)`` one agent's own contacts. Both set means both must hold.
    """

    team: str | None = None
    agent_id: str | None = None

    def conditions(self) -> list[sa.ColumnElement]:
        """Conditions on ``contact`` that keep the contacts of this scope."""
        cond = []
        if self.team is not None:
            cond.append(C.team == self.team)
        if self.agent_id is not None:
            cond.append(C.agent_id == self.agent_id)
        return cond


@dataclass(frozen=True)
class Filters:
    """The dashboard's sidebar filters; empty tuples mean "any".

    Attributes:
        start: First day (inclusive) in ``tz``.
        end: Last day (inclusive) in ``tz``.
        tz: Business time zone the days are counted in.
    """

    start: date | None = None
    end: date | None = None
    teams: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    creditors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    agent_ids: tuple[str, ...] = ()
    tz: str = DEFAULT_TZ

    def conditions(self) -> list[sa.ColumnElement]:
        """Conditions on ``contact`` that keep the contacts these filters select."""
        cond = []
        if self.start is not None:
            cond.append(C.started_at >= day_start(self.start, self.tz))
        if self.end is not None:
            cond.append(C.started_at < day_start(self.end + timedelta(days=1), self.tz))
        for column, values in ((C.team, self.teams), (C.agency, self.agencies), (C.creditor, self.creditors),
                               (C.product, self.products), (C.kind, self.kinds), (C.agent_id, self.agent_ids)):
            if values:
                cond.append(column.in_(values))
        return cond


@dataclass(frozen=True)
class Period:
    """Calendar days ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period end {self.end} is before its start {self.start}; swap --from and --to")

    @classmethod
    def month(cls, value: str) -> Period:
        """Parse ``YYYY-MM`` into that calendar month."""
        try:
            first = datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise ValueError(f"period {value!r} is not YYYY-MM (for example 2026-11)") from None
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def bounds(self, tz: str = DEFAULT_TZ) -> tuple[datetime, datetime]:
        """Aware ``[from, to)`` instants covering the days in ``tz``."""
        return day_start(self.start, tz), day_start(self.end + timedelta(days=1), tz)

    def filters(self, tz: str = DEFAULT_TZ, *, team: str | None = None, agency: str | None = None,
                agent_id: str | None = None) -> Filters:
        """The :class:`Filters` that select this period's contacts (days in ``tz``), of one team,
        agency and agent where given."""
        return Filters(start=self.start, end=self.end, tz=tz,
                       teams=(team,) if team is not None else (),
                       agencies=(agency,) if agency is not None else (),
                       agent_ids=(agent_id,) if agent_id is not None else ())

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
