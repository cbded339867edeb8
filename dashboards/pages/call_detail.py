"""Call detail: metadata, audio that jumps to a finding, highlighted transcript, review actions.

``?call_id=X&t=14.7`` opens the call with the player at that second and its transcript line
marked (the links in exports and on the timeline); the same link opened signed out lands here
after sign-in.
"""

import math
import mimetypes

import streamlit as st

from audit import i18n
from audit.evidence import pack_filename
from audit.i18n import _
from audit.read.scope import Filters
from audit.review import ReviewError, allowed_actions
from audit.voiceprints import UNREGISTERED
from dashboards import conduct_chart, data, ui
from dashboards.badges import detector_badge, pick_detectors

ROLE_COLOR = {"agent": "#1f6feb", "debtor": "#57606a", "relative": "#8250df", "third_party": "#bf8700"}


def _seconds(value: str | None) -> float | None:
    """The link's ``t`` as seconds into the recording (None when absent or not a number)."""
    try:
        t = float(value) if value else None
    except ValueError:
        return None
    return t if t is not None and math.isfinite(t) and 0 <= t < 86_400 else None


def _voice(agent_id: str) -> str:
    """A collector identified by voice: the agent id, or that the voice matches no enrolled agent."""
    return _("unregistered voice") if agent_id == UNREGISTERED else ui.esc(agent_id)


def _said_by(agent_id: str | None) -> str:
    """`` · V305`` after the speaker label of a collector line whose voice was identified."""
    return f" · {_voice(agent_id)}" if agent_id else ""


user = ui.require_user()
url = data.db_url()

st.title(_("Call detail"))
ui.flash()

requested = st.query_params.get("call_id")
ids = data.call_ids(url, user.scope, Filters())
if not ids and not requested:
    st.info(_("No contacts to show."))
    st.stop()
index = ids.index(requested) if requested in ids else (None if requested else 0)
picked = st.selectbox(_("Call"), ids, index=index, placeholder=_("choose a call"))
if picked and picked != requested:
    st.query_params.from_dict({"call_id": picked})  # another call: the old link's second goes
    st.rerun()
call_id = requested or picked

view = data.call(url, user.scope, call_id)
if view is None:
    # Missing and out-of-scope look the same: a typed URL must not reveal other agents' calls.
    st.error(_("Contact {call_id} was not found or is not visible to you.").format(
        call_id=ui.esc(repr(call_id))))
    st.stop()
d = view.detail

cols = st.columns(6)
cols[0].metric(_("Score"), ui.num(d.score, 0))
cols[1].metric(_("Result"), ui.result_text(d.passed))
cols[2].metric(_("Kind"), ui.esc(i18n.kind_label(d.kind)))
cols[3].metric(_("Agent"), ui.esc(d.agent_id), help=ui.esc(d.agent_name) or None)
cols[4].metric(_("Team"), ui.esc(d.team) or "–")
cols[5].metric(_("Status"), ui.esc(i18n.status_label(d.status)))
# Manifest fields are outside text: each goes through ui.esc, the page's own words do not.
facts = [
    ui.when(d.started_at), f"{ui.esc(d.creditor)} ({ui.esc(d.product)})",
    _("agency {agency}").format(agency=ui.esc(d.agency)),
    _("case {case}").format(case=ui.esc(d.case_id) or "–"),
    _("debtor {debtor}").format(debtor=ui.esc(d.debtor_id) or "–"),
    _("contact role {role}").format(role=ui.esc(i18n.role_label(d.contact_role))),
    _("{days} days past due").format(days=d.days_past_due if d.days_past_due is not None else "–"),
    _("talk {seconds} s").format(seconds=ui.num(d.talk_seconds, 0)),
    _("recording {seconds} s").format(seconds=ui.num(d.duration_s, 0)),
]
if d.visit_staff is not None:
    facts.append(_("visit staff {n}").format(n=d.visit_staff))
if d.rule_pack_version:
    facts.append(_("rule pack {version}").format(version=ui.esc(d.rule_pack_version)))
st.caption(" · ".join(facts))
if d.failure_reason:
    st.error(_("Audit failed: {reason}").format(reason=ui.esc(d.failure_reason)))

# The evidence pack is the CLI's `audit evidence export` (audit.evidence): unmasked by design (it
# must verify byte for byte), so only users cleared to see personal data get it.
if user.see_pii and d.status == "audited":
    st.download_button(
        _("Download evidence pack"), data=lambda: data.evidence_pack(url, user.scope, call_id),
        file_name=f"evidence_{pack_filename(call_id)}", mime="application/zip", on_click="ignore",
        key="evidence_pack", icon=":material/download:",
        help=_("audio, clips around each finding, transcript, findings with citations, SHA-256 manifest"),
    )

if d.status == "audited" and view.segments:
    # how the call sounded (dashboards/conduct_chart.py); a click sets the player's start below
    conduct_chart.show(view.segments, [f for f in view.findings if f.review_status != "dismissed"], call_id)

seek = st.session_state.get("seek")
seek = seek if seek and seek.get("call_id") == call_id else None
linked = _seconds(st.query_params.get("t")) if seek is None else None  # a link's ?t= opens there
start_at = seek["start"] if seek else linked
audio = data.recording(url, user.scope, call_id) if d.status == "audited" else None
if isinstance(audio, tuple):
    audio_bytes, audio_name = audio
    mime = mimetypes.guess_type(audio_name)[0] or "audio/wav"
    if mime == "audio/x-wav":
        mime = "audio/wav"
    st.audio(audio_bytes, format=mime, start_time=int(start_at) if start_at else 0, autoplay=bool(seek))
    if linked is not None:
        st.caption(_("Opened at {clock} from a link.").format(clock=ui.clock(linked)))
elif audio:
    st.warning(_("Recording cannot be played: {reason}").format(reason=ui.esc(audio)))
elif d.audio_path:
    st.caption(_("No audited recording."))
else:
    st.caption(_("No recording (dial attempt or visit without audio)."))


def _seek(finding_id: int, start: float | None) -> None:
    st.session_state["seek"] = {"call_id": call_id, "finding_id": finding_id, "start": start or 0.0}


left, right = st.columns([3, 2])

with right:
    st.subheader(_("Findings ({n})").format(n=len(view.findings)))
    if not view.findings:
        st.caption(_("No findings: the contact passed."))
    for f in pick_detectors(view.findings, "finding_detector"):
        with st.container(border=True):
            st.markdown(
                f"{ui.severity_badge(f.severity)} **{ui.esc(f.rule_id)}** · "
                f"`{ui.esc(i18n.category_label(f.category))}` · "
                f"{detector_badge(f.detector, f.confidence)} · "
                f"_{ui.esc(i18n.review_label(f.review_status))}_"
            )
            if f.title:
                st.markdown(ui.esc(f.title))
            if f.agent_id:
                st.caption(_("Said by collector {agent} (identified by voice)").format(agent=_voice(f.agent_id)))
            if f.citation:
                st.caption(_("Citation: {citation}").format(citation=ui.esc(f.citation)))
            if f.evidence:
                st.markdown(f"> {ui.esc(ui.shown(f.evidence, user))}")
            if f.review_reason:
                st.caption(_("Reason ({who}): {reason}").format(
                    who=ui.esc(f.reviewed_by), reason=ui.esc(ui.shown(f.review_reason, user))))
            actions = allowed_actions(user.role, f.review_status)
            buttons = st.columns(1 + len(actions))
            if f.start is not None:
                buttons[0].button(f"▶ {ui.clock(f.start)}", key=f"seek_{f.id}", on_click=_seek,
                                  args=(f.id, f.start), help=_("play the recording from this finding"))
            else:
                buttons[0].caption(_("contact-level"))
            needs_reason = any(a in ("dismiss", "appeal") for a in actions)
            reason = st.text_input(_("Reason"), key=f"reason_{f.id}",
                                   placeholder=_("required to dismiss or appeal"),
                                   label_visibility="collapsed") if needs_reason else None
            for slot, action in zip(buttons[1:], actions):
                if slot.button(i18n.action_label(action).capitalize(), key=f"{action}_{f.id}",
                               type="primary" if action == "confirm" else "secondary"):
                    try:
                        result = data.apply_review(url, user, f.id, action, reason=reason,
                                                   expected_status=f.review_status)
                    except ReviewError as exc:
                        st.error(str(exc))
                    else:
                        ui.flash(_("{rule}: {before} → {after}; contact score now {score} ({result})").format(
                            rule=f.rule_id, before=i18n.review_label(result.before),
                            after=i18n.review_label(result.after), score=ui.num(result.score, 0),
                            result=ui.result_text(result.passed)))
                        st.rerun()

with left:
    st.subheader(_("Transcript"))
    if not view.segments:
        st.caption(_("No transcript."))
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
        if linked is not None and seg.start - 0.05 <= linked < seg.end + 0.05:
            style += "outline:2px solid #1f6feb;"  # the line the link points at
        color = ROLE_COLOR.get(seg.role, "#57606a")
        lines.append(
            f'<div style="padding:2px 6px;margin:2px 0;border-radius:4px;{style}">'
            f'<span style="color:#8c959f;font-family:monospace">{ui.clock(seg.start)}</span> '
            f'<b style="color:{color}">{ui.esc(i18n.role_label(seg.role))}</b> '
            f'<span style="color:#8c959f">({ui.esc(seg.speaker)}{_said_by(seg.agent_id)})</span> '
            f"{body}</div>"
        )
    if lines:
        st.markdown("\n".join(lines), unsafe_allow_html=True)

if view.history:
    st.subheader(_("Review log"))
    ui.dataframe(ui.table([{
        "when": i18n.fmt_datetime(h.at, "medium"), "who": h.user, "action": i18n.action_label(h.action),
        "finding": h.finding_id, "before": i18n.review_label(h.before), "after": i18n.review_label(h.after),
        "reason": ui.shown(h.reason, user),
    } for h in view.history]))
