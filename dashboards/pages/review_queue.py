"""Review queue: open, appealed and suspected findings, most severe first, then oldest."""

import streamlit as st

from audit import i18n
from audit.i18n import _
from dashboards import data, ui
from dashboards.badges import detector_text, pick_detectors

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))
queue = data.review_queue(url, user.scope, filters)

st.title(_("Review queue"))
ui.flash()
if not queue:
    st.success(_("Nothing waits for review."))
else:
    st.caption(_("{n} findings waiting (open, appealed, or suspected by the learned model), "
                 "most severe and oldest first.").format(n=ui.count(len(queue))))
    queue = pick_detectors(queue, "queue_detector")
    df = ui.table([{
        "severity": i18n.severity_label(i.severity), "age (days)": i.age_days,
        "call": i.call_id, "contact time": ui.when(i.started_at), "agent": i.agent_id,
        "team": i.team, "rule": i.rule_id, "category": i18n.category_label(i.category),
        "status": i18n.review_label(i.review_status),
        "detector": detector_text(i.detector, i.confidence),
        "at": ui.clock(i.start), "evidence": ui.shown(i.evidence, user),
    } for i in queue])
    ui.dataframe(df)
    calls = list(dict.fromkeys(i.call_id for i in queue))
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(_("Review call"), calls, key="queue_call")
    if go.button(_("Open call"), key="queue_open", type="primary"):
        ui.open_call(chosen)

history = data.review_history(url, user.scope)
if history:
    st.subheader(_("Recent review actions"))
    ui.dataframe(ui.table([{
        "when": ui.when(h.at), "who": h.user, "action": i18n.action_label(h.action), "call": h.call_id,
        "finding": h.finding_id, "before": i18n.review_label(h.before), "after": i18n.review_label(h.after),
        "reason": ui.shown(h.reason, user),
    } for h in history]))
