"""The report every scorecard export writes (its own module: the writers import it while the
package imports the writers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from audit import i18n
from audit.read.agents import TrendPoint, WorstFinding
from audit.read.scope import DEFAULT_TZ, Period
from audit.scorecards import AgentScorecard


@dataclass
class ScorecardReport:
    """Everything an export shows: the period, the filters and the per-agent figures."""

    period: Period
    cards: list[AgentScorecard]
    team: str | None = None
    agency: str | None = None
    tz: str = DEFAULT_TZ
    generated_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    trend_freq: str = "day"
    trends: dict[tuple[str, str], list[TrendPoint]] = field(default_factory=dict)
    worst: dict[tuple[str, str], list[WorstFinding]] = field(default_factory=dict)
    lang: str = field(default_factory=i18n.default_language)
    dashboard_url: str | None = None  # links to each worst finding's call when set

    @property
    def teams(self) -> list[str]:
        return sorted({c.team for c in self.cards})

    def filters_text(self) -> str:
        with i18n.language(self.lang):
            parts = [i18n._("team {team}").format(team=self.team) if self.team else "",
                     i18n._("agency {agency}").format(agency=self.agency) if self.agency else ""]
            return i18n._(", ").join(p for p in parts if p) or i18n._("all")
