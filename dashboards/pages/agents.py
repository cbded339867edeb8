"""Agents: scorecards (score, pass rate, findings per 100 by category, critical, trend), drill-down,
team comparison. Figures come from :mod:`audit.scorecards`, the same code as the exports."""

import pandas as pd
import streamlit as st

from audit import i18n
from audit.i18n import _
from audit.read.scope import Filters
from dashboards import data, ui

user = ui.require_user()
url = data.db_url()
options = data.filter_options(url, user.scope)
filters = ui.filters(options)

st.title(_("Agents") if user.role != "agent" else _("My scorecard"))
start = filters.start or options.first_day
end = filters.end or options.last_day
if start is None or end is None:
    st.info(_("No contacts yet."))
    st.stop()
st.caption(_("Period {start} – {end} (change it with the date filter)").format(
    start=i18n.fmt_date(start), end=i18n.fmt_date(end)))

cards = data.scorecards(url, user.scope, start, end)
if filters.teams:
    cards = [c for c in cards if c.team in filters.teams]
if not cards:
    st.info(_("No agent has contacts in this period."))
    st.stop()


def delta(value, digits=1, scale=1.0):
    return None if value is None else round(scale * value, digits)


table = ui.table([{
    "agent": c.agent_id, "name": c.agent_name, "team": c.team, "rank": c.rank_in_team,
    "contacts": c.contacts, "visits assisted": c.visits_assisted,
    "avg score": delta(c.avg_score), "Δ score": delta(c.score_change),
    "pass rate %": delta(c.pass_rate, scale=100), "findings / 100": delta(c.findings_per_100),
    "critical": c.critical_findings, "confirmed": c.confirmed, "dismissed": c.dismissed,
    "open": c.open + c.appealed,
    # conduct, measured from the recordings (per-contact averages; audit.scorecards)
    "talk share %": delta(c.talk_share, scale=100), "talk-overs / call": delta(c.interruptions, 2),
    "longest silence s": delta(c.longest_silence_s), "pace chars/s": delta(c.pace_cps),
    "raised voice s / call": delta(c.raised_voice_s),
} for c in cards])
st.subheader(_("Scorecards"))
ui.dataframe(table, column_config={"Δ score": st.column_config.NumberColumn(
    _("Δ score"), help=_("change of the average score against the previous period of the same length; "
                         "– when there is nothing to compare with"))})

# Same files as `audit scorecards` (audit.exports), in the user's language; built only when a
# button is clicked.
export_team = filters.teams[0] if len(filters.teams) == 1 else None
lang = i18n.current()
for column, fmt in zip(st.columns(len(data.EXPORT_MIME)), data.EXPORT_MIME):
    column.download_button(
        _("Download {format}").format(format=fmt.upper()),
        data=lambda fmt=fmt: data.scorecard_export(
            url, user.scope, start, end, fmt, team=export_team, lang=lang
        ),
        file_name=f"scorecards_{start}_{end}{'_' + export_team if export_team else ''}.{fmt}",
        mime=data.EXPORT_MIME[fmt],
        on_click="ignore",
        key=f"scorecards_{fmt}",
        icon=":material/download:",
    )

categories = sorted({cat for c in cards for cat in c.findings_per_100_by_category})
if categories:
    st.subheader(_("Findings per 100 contacts by category"))
    per_cat = ui.table([{"agent": f"{c.agent_id} {c.agent_name}".strip(), "team": c.team,
                         **{i18n.category_label(cat): round(c.findings_per_100_by_category.get(cat, 0.0), 1)
                            for cat in categories}}
                        for c in cards])
    ui.dataframe(per_cat)

if user.role != "agent":
    st.subheader(_("Team comparison"))
    teams = data.team_breakdown(url, user.scope, filters)
    comp = ui.table([{
        "team": t.key, "contacts": t.contacts,
        "pass rate %": None if t.pass_rate is None else round(100 * t.pass_rate, 1),
        "avg score": None if t.avg_score is None else round(t.avg_score, 1),
        "findings / 100": None if t.findings_per_100 is None else round(t.findings_per_100, 1),
        "critical": t.critical_findings,
    } for t in teams])
    if not comp.empty:
        a, b = st.columns([2, 3])
        with a:
            ui.dataframe(comp)
        with b:
            chart = comp[["team", "pass rate %", "findings / 100"]].rename(columns={
                "team": _("team"), "pass rate %": _("pass rate %"), "findings / 100": _("findings / 100")})
            ui.bar_chart(chart.fillna(0), _("team"), [_("pass rate %"), _("findings / 100")])

st.subheader(_("Drill-down"))
agents = list(dict.fromkeys(c.agent_id for c in cards))
names = {c.agent_id: c.agent_name for c in cards}
agent_id = st.selectbox(
    _("Agent"), agents, format_func=lambda a: f"{a} {names.get(a, '')}".strip(), key="agents_pick"
)
trend = data.agent_trend(url, user.scope, agent_id, start, end)
if trend:
    day, score, rate = _("day"), _("avg score"), _("pass rate %")
    tdf = pd.DataFrame([{day: p.start, score: p.avg_score, rate:
                         None if p.pass_rate is None else 100 * p.pass_rate} for p in trend])
    ui.day_chart(tdf, day, [score, rate], height=220)
worst = data.worst_findings(url, user.scope, agent_id, start, end)
if worst:
    st.markdown("**" + _("Most severe findings") + "**")
    ui.dataframe(ui.table([{
        "severity": i18n.severity_label(w.severity), "call": w.call_id,
        "time": ui.when(w.contact_started_at), "rule": w.rule_id, "category": i18n.category_label(w.category),
        "status": i18n.review_label(w.review_status), "evidence": ui.shown(w.evidence, user),
    } for w in worst]))
contacts = data.contacts(url, user.scope, Filters(start=start, end=end, agent_ids=(agent_id,)), limit=100)
st.markdown("**" + _("Contacts") + f"** ({ui.count(contacts.total)})")
if contacts.rows:
    ui.dataframe(ui.table([{
        "call": r.call_id, "time": ui.when(r.started_at), "kind": i18n.kind_label(r.kind),
        "status": i18n.status_label(r.status), "score": r.score, "findings": r.findings,
        "top finding": "" if r.top_finding is None else
        f"{r.top_finding.rule_id} ({i18n.severity_label(r.top_finding.severity)})",
    } for r in contacts.rows]))
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(_("Open a call"), [r.call_id for r in contacts.rows], key="agents_open_id")
    if go.button(_("Open call"), key="agents_open"):
        ui.open_call(chosen)
