"""Rules: the active rule pack with citations, hits per rule and the share reviewers dismissed,
and the same per detector (lexicon, regex, similar, model …)."""

import streamlit as st

from audit.rules.model import detector_label
from dashboards import data, ui

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))
hits = {h.rule_id: h for h in data.rule_hits(url, user.scope, filters)}

st.title("Rules")
try:
    pack = data.rule_pack()
except Exception as exc:  # a broken pack must not take the other pages down
    st.error(f"The rule pack could not be loaded: {exc}")
    pack = None

rows = []
if pack is not None:
    st.caption(f"Active pack: `{pack.source}` · version `{pack.version}` · {len(pack.rules)} rules")
    for rule in pack.rules:
        h = hits.pop(rule.id, None)
        rows.append({
            "rule": rule.id, "title": rule.title_zh, "category": rule.category.value,
            "severity": rule.severity.value, "detector": detector_label(rule.detector),
            "citation": str(rule.citation),
            "hits": h.hits if h else 0, "confirmed": h.confirmed if h else 0, "dismissed": h.dismissed if h else 0,
            "dismissed %": round(100 * h.dismissed_share, 1) if h and h.dismissed_share is not None else None,
        })
for h in hits.values():  # findings of rules no longer in the pack still deserve a line
    rows.append({"rule": h.rule_id, "title": "(not in the active pack)", "category": h.category, "severity": "",
                 "citation": "", "hits": h.hits, "confirmed": h.confirmed, "dismissed": h.dismissed,
                 "dismissed %": round(100 * h.dismissed_share, 1) if h.dismissed_share is not None else None})

df = ui.table(rows)
if df.empty:
    st.info("No rules and no findings.")
else:
    df = df.sort_values(["hits", "rule"], ascending=[False, True])
    st.dataframe(df, hide_index=True, width="stretch", column_config={
        "dismissed %": st.column_config.ProgressColumn("dismissed %", min_value=0, max_value=100, format="%.0f %%"),
        "citation": st.column_config.TextColumn("citation", width="large"),
    })
    noisy = df[(df["hits"] >= 5) & (df["dismissed %"].fillna(0) >= 30)]
    if not noisy.empty:
        st.warning("Rules whose findings reviewers often dismiss: " + ", ".join(ui.esc(r) for r in noisy["rule"]))

detectors = data.detector_hits(url, user.scope, filters)
if detectors:
    st.subheader("By detector")
    st.caption("How often reviewers overrule each kind of check: dismissed over reviewed (confirmed + dismissed). "
               "Suspected findings are the learned model's doubts waiting for a reviewer.")
    st.dataframe(ui.table([{
        "detector": d.detector or "(not recorded)", "hits": d.hits, "confirmed": d.confirmed,
        "dismissed": d.dismissed, "suspected": d.suspected,
        "dismissed % of reviewed": round(100 * d.dismissed_share, 1) if d.dismissed_share is not None else None,
    } for d in detectors]), hide_index=True, width="stretch", column_config={
        "dismissed % of reviewed": st.column_config.ProgressColumn(
            "dismissed % of reviewed", min_value=0, max_value=100, format="%.0f %%"),
    })
