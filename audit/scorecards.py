"""Per-agent scorecards: what managers coach from.

One agent's drill-down (trend, worst findings) is :mod:`audit.read.agents`; the SQL plumbing,
the :class:`~audit.read.scope.Period` and the per-contact scores are shared with the dashboard
(:mod:`audit.read.sql`, :mod:`audit.read.scope`).

Figures come from the stored contacts and findings, aggregated with SQL that runs unchanged on
SQLite and PostgreSQL. One row per (agent, team): a contact records the team that held at the
time of the contact, so an agent who moved team mid-month is ranked in each team for the
contacts made there.

Definitions (the export files and the dashboard show these, so they are spelled out once here):

* **Audited contacts** are those the rules ran on: status ``audited`` (a call or visit with a
  recording) and ``no_recording`` (a dial attempt; the metadata rules such as contact hours
  and frequency still apply to it). ``failed`` contacts are counted but could not be audited.
* **Reviews are honoured.** A finding whose ``review_status`` is ``dismissed`` (or
  ``suspected``: the learned model's doubt, not yet confirmed by a reviewer) never counts
  against the agent: it is left out of the finding counts, and each contact's score and pass
  are *recomputed* from its remaining findings with :func:`audit.scoring.score_contact` and the
  severity weights recorded on the contact (its pack's), rather than read from
  ``contact.score``. Recomputing keeps the scorecard right even when a review was written
  straight to the database, and keeps the scoring policy in one place. Dismissed
  (and confirmed) findings are still reported as review counts.
* **Average score** and **pass rate** are over audited contacts; **findings per 100 contacts**
  divides non-dismissed findings by audited contacts *and the visits assisted*.
* **Visits assisted**: audited visits whose log names the agent (``visit_staff`` as agent ids)
  but which another collector led. A finding said there counts against the collector who said
  it (identified by voice), so those visits are in the denominator of their findings per 100;
  the visit's score stays with the lead's contacts (one score per contact, not split).
* **Change vs previous period**: the same figures for the period of equal length that ends the
  day before ``start``.
* **Rank in team**: by average score (higher first), then pass rate, then fewer critical
  findings; equal keys share a rank ("1, 2, 2, 4"); agents with no audited contact come last.
* **Conduct figures** (from the recording, see docs/conduct.md) are per-contact averages over
  the agent's audited calls and visits whose metrics hold the figure: the collector's share of
  the speech (``talk_share``), talk-overs (``interruptions``), the longest silence, the pace
  (characters per second) and the seconds of raised voice. Contacts audited before the
  acoustics were measured have only the talk share.
* Dates are calendar days in the business time zone (``tz``, default Asia/Shanghai: the
  debtor's local time the manifests use); timestamps are stored in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from audit import models
from audit.read.agents import SAID_BY
from audit.read.scope import DEFAULT_TZ, Period, Scope
from audit.read.sql import (
    AUDITED_STATUSES,
    CONTACT,
    FINDING,
    A,
    C,
    F,
    ScoreFn,
    connection,
    contact_scores,
    contacts_where,
    count_where,
)
from audit.schema import Category, ContactStatus, Severity
from audit.scoring import DISMISSED, SUSPECTED, UNCOUNTED

CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)


@dataclass
class AgentScorecard:
    """One agent's figures over a period (in one team). Rates are fractions 0–1."""

    agent_id: str
    agent_name: str
    team: str
    agency: str
    period_start: date
    period_end: date
    calls_audited: int = 0
    visits_audited: int = 0
    dial_attempts: int = 0  # no_recording contacts, audited on metadata only
    failed: int = 0  # could not be audited; not in any rate
    contacts: int = 0  # audited: calls + visits + dial attempts
    visits_assisted: int = 0  # audited visits the log names them on, led by another collector
    avg_score: float | None = None
    pass_rate: float | None = None
    findings: int = 0  # not dismissed
    findings_per_100: float | None = None
    findings_by_category: dict[str, int] = field(default_factory=dict)
    findings_per_100_by_category: dict[str, float] = field(default_factory=dict)
    critical_findings: int = 0  # not dismissed
    confirmed: int = 0
    dismissed: int = 0
    open: int = 0
    appealed: int = 0
    prev_contacts: int = 0
    prev_avg_score: float | None = None
    prev_pass_rate: float | None = None
    prev_findings_per_100: float | None = None
    rank_in_team: int | None = None
    team_size: int = 0
    # conduct, measured from the recordings: per-contact averages (None: nothing measured)
    talk_share: float | None = None  # the collector's share of the speech, 0–1
    interruptions: float | None = None  # talk-overs per contact
    longest_silence_s: float | None = None
    pace_cps: float | None = None  # characters per second of the collector's speech
    raised_voice_s: float | None = None  # seconds of raised voice per contact

    @property
    def score_change(self) -> float | None:
        if self.avg_score is None or self.prev_avg_score is None:
            return None
        return self.avg_score - self.prev_avg_score

    @property
    def pass_rate_change(self) -> float | None:
        if self.pass_rate is None or self.prev_pass_rate is None:
            return None
        return self.pass_rate - self.prev_pass_rate

    @property
    def findings_per_100_change(self) -> float | None:
        if self.findings_per_100 is None or self.prev_findings_per_100 is None:
            return None
        return self.findings_per_100 - self.prev_findings_per_100

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["score_change"] = self.score_change
        d["pass_rate_change"] = self.pass_rate_change
        d["findings_per_100_change"] = self.findings_per_100_change
        return d



def _agent_name(conn: Connection, agent_id: str) -> str:
    return conn.execute(sa.select(A.name).where(A.agent_id == agent_id)).scalar() or ""


def _selection(period: Period, tz: str, team: str | None, agency: str | None) -> sa.ColumnElement:
    """The contacts of ``period`` (days in ``tz``), of one team and agency where given."""
    return contacts_where(Scope(), period.filters(tz, team=team, agency=agency))


def _assisted(conn: Connection, where) -> dict[tuple, int]:
    """Per (agent, team): audited visits whose log names the agent but another collector led."""
    out: dict[tuple, int] = defaultdict(int)
    rows = conn.execute(sa.select(C.agent_id, C.team, C.meta).where(
        where, C.kind == "visit", C.status == ContactStatus.AUDITED.value))
    for lead, team_name, meta in rows:
        for agent_id in dict.fromkeys((meta or {}).get("visit_staff_ids") or ()):
            if agent_id != lead:
                out[(agent_id, team_name)] += 1
    return out


def _audited_figures(
    conn: Connection, where, group_cols: Sequence[sa.ColumnElement], score_fn: ScoreFn | None,
    finding_cols: Sequence[sa.ColumnElement] | None = None,
) -> dict[tuple, dict[str, Any]]:
    """Average score, pass rate and non-dismissed finding count per group of audited contacts
    (findings grouped by ``finding_cols`` when given: per agent, the collector who said it)."""
    finding_cols = finding_cols if finding_cols is not None else group_cols
    scores = contact_scores(conn, where, score_fn)
    sel = sa.select(C.call_id, *group_cols).where(where, C.status.in_(AUDITED_STATUSES))
    acc: dict[tuple, list[tuple[float, bool]]] = defaultdict(list)
    for row in conn.execute(sel):
        acc[tuple(row[1:])].append(scores[row[0]])
    found = dict(
        (tuple(r[:-1]), int(r[-1]))
        for r in conn.execute(
            sa.select(*finding_cols, sa.func.count(F.id))
            .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
            .where(where, C.status.in_(AUDITED_STATUSES), F.review_status.not_in(UNCOUNTED))
            .group_by(*finding_cols)
        )
    )
    out = {}
    for key, pairs in acc.items():
        n = len(pairs)
        out[key] = {
            "contacts": n,
            "avg_score": sum(float(s) for s, _ in pairs) / n,
            "pass_rate": sum(1 for _, p in pairs if p) / n,
            "findings": found.get(key, 0),
        }
    return out


def _per_100(findings: int, took_part: int) -> float:
    """Findings per 100 contacts taken part in (led, and visits assisted)."""
    return 100.0 * findings / took_part


# contact metric -> scorecard attribute (see the module docstring)
CONDUCT_METRICS = {"agent_talk_share": "talk_share", "interruptions": "interruptions",
                   "longest_silence_s": "longest_silence_s", "agent_pace_cps": "pace_cps",
                   "raised_voice_s": "raised_voice_s"}


def _conduct_figures(conn: Connection, where, group_cols: Sequence[sa.ColumnElement]) -> dict[tuple, dict[str, float]]:
    """Per group, the average of each conduct metric over the audited contacts that hold it."""
    sums: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    q = sa.select(C.metrics, *group_cols).where(where, C.status == ContactStatus.AUDITED.value)
    for row in conn.execute(q):
        metrics = row[0]
        if isinstance(metrics, str):  # a JSON column read raw
            import json

            metrics = json.loads(metrics)
        for metric, name in CONDUCT_METRICS.items():
            value = (metrics or {}).get(metric)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sums[tuple(row[1:])][name].append(float(value))
    return {key: {name: sum(v) / len(v) for name, v in values.items()} for key, values in sums.items()}


# ----------------------------------------------------------------------------- public API


def agent_scorecards(
    source: Engine | Session | Connection,
    start: date,
    end: date,
    *,
    team: str | None = None,
    agency: str | None = None,
    tz: str = DEFAULT_TZ,
    score_fn: ScoreFn | None = None,
) -> list[AgentScorecard]:
    """Per-agent scorecards for the days ``start``..``end`` (both included).

    Args:
        source: an engine, a session or a connection (SQLite or PostgreSQL).
        start: first day of the period (in ``tz``).
        end: last day of the period (in ``tz``).
        team: only contacts made in this team.
        agency: only contacts made for this agency.
        tz: the business time zone the days are counted in.
        score_fn: ``items -> (score, passed)`` for one contact's non-dismissed findings, in
            place of the default: :func:`audit.scoring.score_contact` with the severity
            weights recorded on the contact.

    Returns:
        One scorecard per (agent, team) with any contact in the period, sorted by team, then
        rank, then agent id.
    """
    period = Period(start, end)
    where = _selection(period, tz, team, agency)
    key_cols = (C.agent_id, C.team)
    with connection(source) as conn:
        counts = conn.execute(
            sa.select(
                C.agent_id,
                C.team,
                sa.func.max(C.agency),
                sa.func.max(A.name),
                count_where(sa.and_(C.kind == "call", C.status == ContactStatus.AUDITED.value)),
                count_where(sa.and_(C.kind == "visit", C.status == ContactStatus.AUDITED.value)),
                count_where(C.status == ContactStatus.NO_RECORDING.value),
                count_where(C.status == ContactStatus.FAILED.value),
            )
            .select_from(CONTACT.outerjoin(models.table_of(models.Agent), A.agent_id == C.agent_id))
            .where(where)
            .group_by(C.agent_id, C.team)
        ).all()
        cards: dict[tuple, AgentScorecard] = {}
        for agent_id, team_name, agency_name, name, calls, visits, attempts, failed in counts:
            cards[(agent_id, team_name)] = AgentScorecard(
                agent_id=agent_id,
                agent_name=name or "",
                team=team_name or "",
                agency=agency_name or "",
                period_start=period.start,
                period_end=period.end,
                calls_audited=int(calls),
                visits_audited=int(visits),
                dial_attempts=int(attempts),
                failed=int(failed),
            )

        # Findings on audited contacts, by category/severity/review, in one grouped query; a
        # finding counts against the collector who said it (identified by voice), else the
        # contact's agent.
        rows = conn.execute(
            sa.select(SAID_BY, C.team, F.category, F.severity, F.review_status, sa.func.count(F.id))
            .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
            .where(where, C.status.in_(AUDITED_STATUSES))
            .group_by(SAID_BY, C.team, F.category, F.severity, F.review_status)
        ).all()
        for agent_id, team_name, category, severity, review, n in rows:
            card = cards.get((agent_id, team_name))
            if card is None:  # a collector who said it on a contact another collector led
                card = cards[(agent_id, team_name)] = AgentScorecard(
                    agent_id=agent_id, agent_name=_agent_name(conn, agent_id), team=team_name or "", agency="",
                    period_start=period.start, period_end=period.end)
            n = int(n)
            if review == SUSPECTED:
                continue  # a model's doubt nobody confirmed: no finding, no review count
            if review == models.ReviewStatus.CONFIRMED.value:
                card.confirmed += n
            elif review == DISMISSED:
                card.dismissed += n
            elif review == models.ReviewStatus.APPEALED.value:
                card.appealed += n
            else:
                card.open += n
            if review == DISMISSED:
                continue  # never counts against the agent
            card.findings_by_category[category] = card.findings_by_category.get(category, 0) + n
            if severity == Severity.CRITICAL.value:
                card.critical_findings += n

        for key, figures in _audited_figures(conn, where, key_cols, score_fn, (SAID_BY, C.team)).items():
            card = cards[key]
            card.contacts = figures["contacts"]
            card.avg_score = figures["avg_score"]
            card.pass_rate = figures["pass_rate"]
            card.findings = figures["findings"]
        for key, n in _assisted(conn, where).items():
            card = cards.get(key)
            if card is None:  # a second collector who led nothing in the period
                card = cards[key] = AgentScorecard(
                    agent_id=key[0], agent_name=_agent_name(conn, key[0]), team=key[1] or "", agency="",
                    period_start=period.start, period_end=period.end)
            card.visits_assisted = n
        for card in cards.values():
            if not card.contacts:  # findings on contacts led by others only
                card.findings = sum(card.findings_by_category.values())
            took_part = card.contacts + card.visits_assisted
            if took_part:
                card.findings_per_100 = _per_100(card.findings, took_part)
                card.findings_per_100_by_category = {
                    cat: _per_100(n, took_part) for cat, n in card.findings_by_category.items()
                }

        for key, figures in _conduct_figures(conn, where, key_cols).items():
            card = cards[key]
            for name, value in figures.items():
                setattr(card, name, value)

        prev_where = _selection(period.previous(), tz, team, agency)
        prev_assisted = _assisted(conn, prev_where)
        for key, figures in _audited_figures(conn, prev_where, key_cols, score_fn, (SAID_BY, C.team)).items():
            if key in cards:
                card = cards[key]
                card.prev_contacts = figures["contacts"]
                card.prev_avg_score = figures["avg_score"]
                card.prev_pass_rate = figures["pass_rate"]
                card.prev_findings_per_100 = _per_100(figures["findings"], figures["contacts"] + prev_assisted[key])

    _rank(cards.values())
    return sorted(cards.values(), key=lambda c: (c.team, c.rank_in_team or 10**9, c.agent_id))


def _rank(cards) -> None:
    by_team: dict[str, list[AgentScorecard]] = defaultdict(list)
    for card in cards:
        by_team[card.team].append(card)

    def key(c: AgentScorecard) -> tuple:
        return (-(c.avg_score or 0.0), -(c.pass_rate or 0.0), c.critical_findings)

    for members in by_team.values():
        ranked = sorted((c for c in members if c.contacts), key=key)
        for c in members:
            c.team_size = len(members)
        previous_key, previous_rank = None, 0
        for i, c in enumerate(ranked, start=1):
            k = key(c)
            c.rank_in_team = previous_rank if k == previous_key else i
            previous_key, previous_rank = k, c.rank_in_team
