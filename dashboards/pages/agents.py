"""Agents: scorecards (score, pass rate, findings per 100 by category, critical, trend), drill-down,
team comparison. Figures come from :mod:`audit.scorecards`, the same code as the exports."""

import pandas as pd
import streamlit as st

from audit.queries import Filters
from dashboards import data, ui

user = ui.require_user()
url = data.db_url()
options = data.filter_options(url, user.scope)
filters = ui.filters(options)

st.title("Agents" if user.role != "agent" else "My scorecard")
start = filters.start or options.first_day
end = filters.end or options.last_day
if start is None or end is None:
    st.info("No contacts yet.")
    st.stop()
st.caption(f"Period {start} – {end} (change it with the date filter)")

cards = data.scorecards(url, user.scope, start, end)
if filters.teams:
    cards = [c for c in cards if c.team in filters.teams]
if not cards:
    st.info("No agent has contacts in this period.")
    st.stop()


def delta(value, digits=1, scale=1.0):
    return None if value is None else round(scale * value, digits)


table = ui.table([{
    "agent": c.agent_id, "name": c.agent_name, "team": c.team, "rank": c.rank_in_team,
    "contacts": c.contacts, "avg score": delta(c.avg_score), "Δ score": delta(c.score_change),
    "pass rate %": delta(c.pass_rate, scale=100), "findings / 100": delta(c.findings_per_100),
    "critical": c.critical_findings, "confirmed": c.confirmed, "dismissed": c.dismissed,
    "open": c.open + c.appealed,
    # conduct, measured from the recordings (per-contact averages; audit.scorecards)
    "talk share %": delta(c.talk_share, scale=100), "talk-overs / call": delta(c.interruptions, 2),
    "longest silence s": delta(c.longest_silence_s), "pace chars/s": delta(c.pace_cps),
    "raised voice s / call": delta(c.raised_voice_s),
} for c in cards])
st.subheader("Scorecards")
st.dataframe(table, hide_index=True, width="stretch")

# Same files as `audit scorecards` (audit.exports); built only when a button is clicked.
export_team = filters.teams[0] if len(filters.teams) == 1 else None
for column, fmt in zip(st.columns(len(data.EXPORT_MIME)), data.EXPORT_MIME):
    column.download_button(
        f"Download {fmt.upper()}",
        data=lambda fmt=fmt: data.scorecard_export(url, user.scope, start, end, fmt, team=export_team),
        file_name=f"scorecards_{start}_{end}{'_' + export_team if export_team else ''}.{fmt}",
        mime=data.EXPORT_MIME[fmt], on_click="ignore", key=f"scorecards_{fmt}", icon=":material/download:",
    )

categories = sorted({cat for c in cards for cat in c.findings_per_100_by_category})
if categories:
    st.subheader("Findings per 100 contacts by category")
    per_cat = ui.table([{"agent": f"{c.agent_id} {c.agent_name}".strip(), "team": c.team,
                             **{cat: round(c.findings_per_100_by_category.get(cat, 0.0), 1) for cat in categories}}
                            for c in cards])
    st.dataframe(per_cat, hide_index=True, width="stretch")

if user.role != "agent":
    st.subheader("Team comparison")
    teams = data.team_breakdown(url, user.scope, filters)
    comp = ui.table([{
        "team": t.key, "contacts": t.contacts,
        "compliance %": None if t.compliance_rate is None else round(100 * t.compliance_rate, 1),
        "avg score": None if t.avg_score is None else round(t.avg_score, 1),
        "findings / 100": None if t.findings_per_100 is None else round(t.findings_per_100, 1),
        "critical": t.critical_findings,
    } for t in teams])
    if not comp.empty:
        a, b = st.columns([2, 3])
        a.dataframe(comp, hide_index=True, width="stretch")
        b.bar_chart(comp, x="team", y=["compliance %", "findings / 100"], stack=False, height=240)

st.subheader("Drill-down")
agents = list(dict.fromkeys(c.agent_id for c in cards))
names = {c.agent_id: c.agent_name for c in cards}
agent_id = st.selectbox("Agent", agents, format_func=lambda a: f"{a} {names.get(a, '')}".strip(), key="agents_pick")
trend = data.agent_trend(url, user.scope, agent_id, start, end)
if trend:
    tdf = pd.DataFrame([{"day": p.start, "avg score": p.avg_score, "pass rate %":
                         None if p.pass_rate is None else 100 * p.pass_rate, "findings": p.findings} for p in trend])
    st.line_chart(tdf, x="day", y=["avg score", "pass rate %"], height=220)
worst = data.worst_findings(url, user.scope, agent_id, start, end)
if worst:
    st.markdown("**Most severe findings**")
    st.dataframe(ui.table([{
        "severity": w.severity, "call": w.call_id,
        "time": w.contact_started_at.strftime("%Y-%m-%d %H:%M"), "rule": w.rule_id, "category": w.category,
        "status": w.review_status, "evidence": ui.shown(w.evidence, user),
    } for w in worst]), hide_index=True, width="stretch")
contacts = data.contacts(url, user.scope, Filters(start=start, end=end, agent_ids=(agent_id,)), limit=100)
st.markdown(f"**Contacts** ({contacts.total})")
if contacts.rows:
    st.dataframe(ui.table([{
        "call": r.call_id, "time": r.started_at.strftime("%Y-%m-%d %H:%M"), "kind": r.kind, "status": r.status,
        "score": r.score, "findings": r.findings,
        "top finding": "" if r.top_finding is None else f"{r.top_finding.rule_id} ({r.top_finding.severity})",
    } for r in contacts.rows]), hide_index=True, width="stretch")
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox("Open a call", [r.call_id for r in contacts.rows], key="agents_open_id")
    if go.button("Open call", key="agents_open"):
        ui.open_call(chosen)
