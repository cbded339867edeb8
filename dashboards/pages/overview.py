"""Overview: how many contacts pass — KPIs, findings by category, trend, breakdowns."""

import pandas as pd
import streamlit as st

from audit import i18n
from audit.i18n import _
from dashboards import data, ui

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))
ov = data.overview(url, user.scope, filters)
k = ov.kpis

st.title(_("Overview"))
cols = st.columns(6)
cols[0].metric(_("Contacts audited"), ui.count(k.audited),
               help=_("{n} contacts in the selection").format(n=ui.count(k.contacts)))
cols[1].metric(_("Pass rate"), ui.pct(k.pass_rate))
cols[2].metric(
    _("Contacts not passed"), ui.count(k.not_passed), help=_("contacts that did not pass the audit")
)
cols[3].metric(_("Findings"), ui.count(k.findings), help=_("not counting dismissed findings"))
cols[4].metric(_("Critical findings"), ui.count(k.critical_findings))
cols[5].metric(_("Awaiting review"), ui.count(k.open_findings), help=_("open or appealed findings"))
if k.errors:
    st.caption(
        _("{n} contacts could not be audited (see Calls, status failed).").format(n=ui.count(k.errors))
    )
if user.role == "admin" and (dead := data.dead_alerts(url)):
    with st.expander(_("Undelivered alerts ({n})").format(n=len(dead)), icon=":material/notifications_off:"):
        st.caption(_("`audit watch` gave up sending these after every retry; fix the sink, then tell the "
                     "supervisors (see docs/watch.md)."))
        st.dataframe(ui.table(dead), hide_index=True, width="stretch")

if not k.contacts:
    st.info(_("No contacts match the filters."))
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader(_("Findings by category"))
    if ov.categories:
        label, findings = _("category"), _("findings")
        cat = pd.DataFrame(
            [{label: i18n.category_label(c.category), findings: c.findings} for c in ov.categories]
        )
        ui.bar_chart(cat, label, [findings])
    else:
        st.caption(_("No findings."))
with right:
    st.subheader(_("Trend by day"))
    day, rate, contacts, findings = _("day"), _("pass rate %"), _("contacts"), _("findings")
    trend = pd.DataFrame([{day: p.day, rate: None if p.pass_rate is None
                           else round(100 * p.pass_rate, 1), contacts: p.contacts, findings: p.findings}
                          for p in ov.trend])
    ui.day_chart(trend, day, [rate])
    ui.day_chart(trend, day, [contacts, findings], mark="bar")


def table(rows, label: str) -> pd.DataFrame:
    return ui.table([{
        label: r.key, "contacts": r.contacts, "pass rate %": None if r.pass_rate is None
        else round(100 * r.pass_rate, 1), "not passed": r.not_passed,
        "avg score": None if r.avg_score is None else round(r.avg_score, 1),
        "findings / 100": None if r.findings_per_100 is None else round(r.findings_per_100, 1),
        "critical": r.critical_findings,
    } for r in rows])


tabs = st.tabs([_("By team"), _("By agency"), _("By creditor")])
for tab, rows, label in zip(tabs, (ov.by_team, ov.by_agency, ov.by_creditor), ("team", "agency", "creditor")):
    with tab:
        ui.dataframe(table(rows, label))
