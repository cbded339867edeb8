"""Call detail: metadata, audio that jumps to a finding, highlighted transcript, review actions."""

import mimetypes

import streamlit as st

from audit.evidence import pack_filename
from audit.queries import Filters
from audit.review import ReviewError, allowed_actions
from dashboards import conduct_chart, data, ui
from dashboards.badges import detector_badge, pick_detectors

ROLE_COLOR = {"agent": "#1f6feb", "debtor": "#57606a", "relative": "#8250df", "third_party": "#bf8700"}
ACTION_LABEL = {"confirm": "Confirm", "dismiss": "Dismiss", "appeal": "Appeal", "reopen": "Reopen"}

user = ui.require_user()
url = data.db_url()

st.title("Call detail")
ui.flash()

requested = st.query_params.get("call_id")
ids = data.call_ids(url, user.scope, Filters())
if not ids and not requested:
    st.info("No contacts to show.")
    st.stop()
index = ids.index(requested) if requested in ids else (None if requested else 0)
picked = st.selectbox("Call", ids, index=index, placeholder="choose a call")
if picked and picked != requested:
    st.query_params["call_id"] = picked
    st.query_params.pop("t", None)  # another call: the link's time was the old call's
    st.rerun()
call_id = requested or picked

view = data.call(url, user.scope, call_id)
if view is None:
    # Missing and out-of-scope look the same: a typed URL must not reveal other agents' calls.
    st.error(f"Contact {ui.esc(repr(call_id))} was not found or is not visible to you.")
    st.stop()
d = view.detail

cols = st.columns(6)
cols[0].metric("Score", ui.num(d.score, 0))
cols[1].metric("Result", "–" if d.passed is None else ("pass" if d.passed else "fail"))
cols[2].metric("Kind", ui.esc(d.kind))
cols[3].metric("Agent", ui.esc(d.agent_id), help=ui.esc(d.agent_name) or None)
cols[4].metric("Team", ui.esc(d.team) or "–")
cols[5].metric("Status", ui.esc(d.status))
# Manifest fields are outside text: each goes through ui.esc, the page's own words do not.
st.caption(
    f"{d.started_at:%Y-%m-%d %H:%M} · {ui.esc(d.creditor)} ({ui.esc(d.product)}) · agency {ui.esc(d.agency)} · "
    f"case {ui.esc(d.case_id) or '–'} · contact role {ui.esc(d.contact_role)} · "
    f"{d.days_past_due if d.days_past_due is not None else '–'} days past due · "
    f"talk {d.talk_seconds:.0f} s · recording {ui.num(d.duration_s, 0)} s"
    + (f" · visit staff {d.visit_staff}" if d.visit_staff is not None else "")
    + (f" · rule pack {ui.esc(d.rule_pack_version)}" if d.rule_pack_version else "")
)
if d.failure_reason:
    st.error(f"Audit failed: {ui.esc(d.failure_reason)}")

# The evidence pack is the CLI's `audit evidence export` (audit.evidence): unmasked by design (it
# must verify byte for byte), so only users cleared to see personal data get it.
if user.see_pii and d.status == "audited":
    st.download_button(
        "Download evidence pack", data=lambda: data.evidence_pack(url, user.scope, call_id),
        file_name=f"evidence_{pack_filename(call_id)}", mime="application/zip", on_click="ignore",
        key="evidence_pack", icon=":material/download:",
        help="audio, clips around each finding, transcript, findings with citations, SHA-256 manifest",
    )

if d.status == "audited" and view.segments:
    # how the call sounded (dashboards/conduct_chart.py); a click sets the player's start below
    conduct_chart.show(view.segments, [f for f in view.findings if f.review_status != "dismissed"], call_id)

seek = st.session_state.get("seek")
seek = seek if seek and seek.get("call_id") == call_id else None
audio = data.recording(url, user.scope, call_id) if d.status == "audited" else None
if isinstance(audio, tuple):
    audio_bytes, audio_name = audio
    mime = mimetypes.guess_type(audio_name)[0] or "audio/wav"
    if mime == "audio/x-wav":
        mime = "audio/wav"
    link_t = st.query_params.get("t", "")  # an alert's deep link opens the player at its finding
    start = int(seek["start"]) if seek else (int(link_t) if link_t.isdigit() else 0)
    st.audio(audio_bytes, format=mime, start_time=start, autoplay=bool(seek))
elif audio:
    st.warning(f"Recording cannot be played: {ui.esc(audio)}")
elif d.audio_path:
    st.caption("No audited recording.")
else:
    st.caption("No recording (dial attempt or visit without audio).")


def _seek(finding_id: int, start: float | None) -> None:
    st.session_state["seek"] = {"call_id": call_id, "finding_id": finding_id, "start": start or 0.0}


left, right = st.columns([3, 2])

with right:
    st.subheader(f"Findings ({len(view.findings)})")
    if not view.findings:
        st.caption("No findings: the contact is compliant.")
    for f in pick_detectors(view.findings, "finding_detector"):
        with st.container(border=True):
            st.markdown(
                f"{ui.severity_badge(f.severity)} **{ui.esc(f.rule_id)}** · `{f.category}` · "
                f"{detector_badge(f.detector, f.confidence)} · _{f.review_status}_"
            )
            if f.title:
                st.markdown(ui.esc(f.title))
            if f.citation:
                st.caption(f"Citation: {ui.esc(f.citation)}")
            if f.evidence:
                st.markdown(f"> {ui.esc(ui.shown(f.evidence, user))}")
            if f.review_reason:
                st.caption(f"Reason ({ui.esc(f.reviewed_by)}): {ui.esc(ui.shown(f.review_reason, user))}")
            actions = allowed_actions(user.role, f.review_status)
            buttons = st.columns(1 + len(actions))
            if f.start is not None:
                buttons[0].button(f"▶ {ui.clock(f.start)}", key=f"seek_{f.id}", on_click=_seek,
                                  args=(f.id, f.start), help="play the recording from this finding")
            else:
                buttons[0].caption("contact-level")
            needs_reason = any(a in ("dismiss", "appeal") for a in actions)
            reason = st.text_input("Reason", key=f"reason_{f.id}", placeholder="required to dismiss or appeal",
                                   label_visibility="collapsed") if needs_reason else None
            for slot, action in zip(buttons[1:], actions):
                if slot.button(ACTION_LABEL[action], key=f"{action}_{f.id}",
                               type="primary" if action == "confirm" else "secondary"):
                    try:
                        result = data.apply_review(url, user, f.id, action, reason=reason,
                                                   expected_status=f.review_status)
                    except ReviewError as exc:
                        st.error(str(exc))
                    else:
                        ui.flash(f"{f.rule_id}: {result.before} → {result.after}; contact score now "
                                 f"{ui.num(result.score, 0)} ({'pass' if result.passed else 'fail'})")
                        st.rerun()

with left:
    st.subheader("Transcript")
    if not view.segments:
        st.caption("No transcript.")
    timed = [f for f in view.findings if f.start is not None and f.review_status != "dismissed"]
    lines = []
    for seg in view.segments:
        text = ui.shown(seg.text, user)
        hits = [f for f in timed if f.start < seg.end + 0.05 and (f.end or f.start) > seg.start - 0.05]
        body = ui.esc(text)
        style = ""
        if hits:
            selected = seek is not None and any(f.id == seek["finding_id"] for f in hits)
            style = "background:#fff1c2;" if not selected else "background:#ffd8a8;outline:2px solid #e8590c;"
            for f in hits:
                evidence = ui.shown(f.evidence, user)
                if evidence and evidence in text:
                    body = body.replace(ui.esc(evidence), f"<mark>{ui.esc(evidence)}</mark>", 1)
        color = ROLE_COLOR.get(seg.role, "#57606a")
        lines.append(
            f'<div style="padding:2px 6px;margin:2px 0;border-radius:4px;{style}">'
            f'<span style="color:#8c959f;font-family:monospace">{ui.clock(seg.start)}</span> '
            f'<b style="color:{color}">{ui.esc(seg.role)}</b> <span style="color:#8c959f">({ui.esc(seg.speaker)})</span> '
            f"{body}</div>"
        )
    if lines:
        st.markdown("\n".join(lines), unsafe_allow_html=True)

if view.history:
    st.subheader("Review log")
    st.dataframe(ui.table([{
        "when": h.at.strftime("%Y-%m-%d %H:%M:%S"), "who": h.user, "action": h.action, "finding": h.finding_id,
        "before": h.before, "after": h.after, "reason": ui.shown(h.reason, user),
    } for h in view.history]), hide_index=True, width="stretch")
