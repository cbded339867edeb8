"""Review queue: open, appealed and suspected findings, most severe first, then oldest."""

import streamlit as st

from dashboards import data, ui
from dashboards.badges import detector_text, pick_detectors

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))
queue = data.review_queue(url, user.scope, filters)

st.title("Review queue")
ui.flash()
if not queue:
    st.success("Nothing waits for review.")
else:
    st.caption(f"{len(queue)} findings waiting (open, appealed, or suspected by the learned model), "
               "most severe and oldest first.")
    queue = pick_detectors(queue, "queue_detector")
    df = ui.table([{
        "severity": i.severity, "age (days)": i.age_days,
        "call": i.call_id, "contact time": i.started_at.strftime("%Y-%m-%d %H:%M"), "agent": i.agent_id,
        "team": i.team, "rule": i.rule_id, "category": i.category, "status": i.review_status,
        "detector": detector_text(i.detector, i.confidence),
        "at": ui.clock(i.start), "evidence": ui.shown(i.evidence, user),
    } for i in queue])
    st.dataframe(df, hide_index=True, width="stretch")
    calls = list(dict.fromkeys(i.call_id for i in queue))
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox("Review call", calls, key="queue_call")
    if go.button("Open call", key="queue_open", type="primary"):
        ui.open_call(chosen)

history = data.review_history(url, user.scope)
if history:
    st.subheader("Recent review actions")
    st.dataframe(ui.table([{
        "when": h.at.strftime("%Y-%m-%d %H:%M"), "who": h.user, "action": h.action, "call": h.call_id,
        "finding": h.finding_id, "before": h.before, "after": h.after, "reason": ui.shown(h.reason, user),
    } for h in history]), hide_index=True, width="stretch")
