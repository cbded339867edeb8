"""Rules: the active rule pack with citations, hits per rule and the share reviewers dismissed,
and the same per detector (lexicon, regex, similar, model …)."""

import streamlit as st

from audit import i18n
from audit.i18n import _
from audit.rules.model import detector_label
from dashboards import data, ui

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))
hits = {h.rule_id: h for h in data.rule_hits(url, user.scope, filters)}

st.title(_("Rules"))
try:
    pack = data.rule_pack()
except Exception as exc:  # a broken pack must not take the other pages down
    st.error(_("The rule pack could not be loaded: {error}").format(error=ui.esc(exc)))
    pack = None

rows = []
if pack is not None:
    st.caption(_("Active pack: `{source}` · version `{version}` · {n} rules").format(
        source=ui.esc(pack.source), version=ui.esc(pack.version), n=len(pack.rules)))
    for rule in pack.rules:
        h = hits.pop(rule.id, None)
        rows.append({
            "rule": rule.id, "title": i18n.rule_title(rule),
            "category": i18n.category_label(rule.category.value),
            "severity": i18n.severity_label(rule.severity.value), "detector": detector_label(rule.detector),
            "citation": str(rule.citation),
            "hits": h.hits if h else 0, "confirmed": h.confirmed if h else 0, "dismissed": h.dismissed if h else 0,
            "dismissed %": round(100 * h.dismissed_share, 1) if h and h.dismissed_share is not None else None,
        })
for h in hits.values():  # findings of rules no longer in the pack still deserve a line
    rows.append({"rule": h.rule_id, "title": _("(not in the active pack)"),
                 "category": i18n.category_label(h.category), "severity": "", "citation": "",
                 "hits": h.hits, "confirmed": h.confirmed, "dismissed": h.dismissed,
                 "dismissed %": round(100 * h.dismissed_share, 1) if h.dismissed_share is not None else None})

df = ui.table(rows)
if df.empty:
    st.info(_("No rules and no findings."))
else:
    df = df.sort_values(["hits", "rule"], ascending=[False, True])
    ui.dataframe(df, column_config={
        "dismissed %": st.column_config.ProgressColumn(_("dismissed %"), min_value=0, max_value=100,
                                                       format="%.0f %%"),
        "citation": st.column_config.TextColumn(_("citation"), width="large"),
    })
    noisy = df[(df["hits"] >= 5) & (df["dismissed %"].fillna(0) >= 30)]
    if not noisy.empty:
        st.warning(_("Rules whose findings reviewers often dismiss: {rules}").format(
            rules=", ".join(ui.esc(r) for r in noisy["rule"])))

detectors = data.detector_hits(url, user.scope, filters)
if detectors:
    st.subheader(_("By detector"))
    st.caption(_("How often reviewers overrule each kind of check: dismissed over reviewed (confirmed + "
                 "dismissed). Suspected findings are the learned model's doubts waiting for a reviewer."))
    ui.dataframe(ui.table([{
        "detector": d.detector or _("(not recorded)"), "hits": d.hits, "confirmed": d.confirmed,
        "dismissed": d.dismissed, "suspected": d.suspected,
        "dismissed % of reviewed": round(100 * d.dismissed_share, 1) if d.dismissed_share is not None else None,
    } for d in detectors]), column_config={
        "dismissed % of reviewed": st.column_config.ProgressColumn(
            _("dismissed of reviewed (%)"), min_value=0, max_value=100, format="%.0f %%"),
    })
