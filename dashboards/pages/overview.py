"""Overview: how compliant are we — KPIs, findings by category, trend, breakdowns."""

import pandas as pd
import streamlit as st

from dashboards import data, ui

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))
ov = data.overview(url, user.scope, filters)
k = ov.kpis

st.title("Overview")
cols = st.columns(6)
cols[0].metric("Contacts audited", f"{k.audited:,}", help=f"{k.contacts:,} contacts in the selection")
cols[1].metric("Compliance rate", ui.pct(k.compliance_rate))
cols[2].metric("Failed contacts", f"{k.non_compliant:,}", help="contacts that did not pass the audit")
cols[3].metric("Findings", f"{k.findings:,}", help="not counting dismissed findings")
cols[4].metric("Critical findings", f"{k.critical_findings:,}")
cols[5].metric("Awaiting review", f"{k.open_findings:,}", help="open or appealed findings")
if k.errors:
    st.caption(f"{k.errors:,} contacts could not be audited (see Calls, status failed).")
if user.role == "admin" and (dead := data.dead_alerts(url)):
    with st.expander(f"Undelivered alerts ({len(dead)})", icon=":material/notifications_off:"):
        st.caption("`audit watch` gave up sending these after every retry; fix the sink, then tell the "
                   "supervisors (see docs/watch.md).")
        st.dataframe(pd.DataFrame(dead), hide_index=True, width="stretch")

if not k.contacts:
    st.info("No contacts match the filters.")
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader("Findings by category")
    if ov.categories:
        cat = pd.DataFrame([{"category": c.category, "findings": c.findings} for c in ov.categories])
        st.bar_chart(cat, x="category", y="findings", horizontal=True, height=320)
    else:
        st.caption("No findings.")
with right:
    st.subheader("Trend by day")
    trend = pd.DataFrame([{"day": p.day, "compliance rate %": None if p.compliance_rate is None
                           else round(100 * p.compliance_rate, 1), "contacts": p.contacts, "findings": p.findings}
                          for p in ov.trend])
    st.line_chart(trend, x="day", y=["compliance rate %"], height=160)
    st.bar_chart(trend, x="day", y=["contacts", "findings"], stack=False, height=160)


def table(rows, label: str) -> pd.DataFrame:
    return ui.table([{
        label: r.key, "contacts": r.contacts, "compliance %": None if r.compliance_rate is None
        else round(100 * r.compliance_rate, 1), "failed": r.non_compliant,
        "avg score": None if r.avg_score is None else round(r.avg_score, 1),
        "findings / 100": None if r.findings_per_100 is None else round(r.findings_per_100, 1),
        "critical": r.critical_findings,
    } for r in rows])


tabs = st.tabs(["By team", "By agency", "By creditor"])
for tab, rows, label in zip(tabs, (ov.by_team, ov.by_agency, ov.by_creditor), ("team", "agency", "creditor")):
    with tab:
        st.dataframe(table(rows, label), hide_index=True, width="stretch")
