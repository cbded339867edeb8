"""Debtor timeline: everything that happened to one debtor (or case), for a complaint investigation.

"Your collectors call me ten times a day and phoned my employer": find the debtor by debtor id,
case id or phone number (as the user sees it: masked without ``see_pii``), see every contact to
them across agents, teams and agencies on one chart (day × time of day, the quiet hours shaded,
outcome and findings marked), the dial attempts per day against the pack's limit, the contacts
with their findings, and download one evidence pack for the whole case. Scope holds: a team lead
sees their team's contacts, an agent their own; ``?debtor=…`` / ``?case=…`` link here.
"""

from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st

from audit import i18n
from audit.evidence import pack_filename
from audit.i18n import N_, _
from dashboards import data, ui

BY = {"debtor": N_("Debtor id"), "case": N_("Case id"), "phone": N_("Phone number")}

user = ui.require_user()
url = data.db_url()
st.title(_("Debtor timeline"))
st.caption(
    _("Every contact to one debtor, across agents, teams and agencies: when, how it ended, what was found.")
)

linked_by = next((k for k in ("debtor", "case", "phone") if st.query_params.get(k)), None)
if linked_by and "timeline_query" not in st.session_state:
    st.session_state["timeline_by"] = linked_by
    st.session_state["timeline_query"] = st.query_params.get(linked_by)
by_col, query_col = st.columns([1, 3], vertical_alignment="bottom")
by = by_col.selectbox(_("Find by"), list(BY), key="timeline_by", format_func=lambda b: _(BY[b]))
placeholder = {"debtor": "D-7950", "case": "L-22010",
               "phone": "138****5678" if not user.see_pii else "13812345678"}[by]
query = query_col.text_input(_(BY[by]), key="timeline_query", placeholder=placeholder).strip()
if by == "phone" and not user.see_pii:
    st.caption(_("Phone numbers are masked for you: search by the number as you see it (the first three and "
                 "last four digits)."))
if not query:
    st.info(_("Enter a debtor id, a case id or a phone number."))
    st.stop()

matches = data.find_debtors(url, user.scope, query, by, masked=not user.see_pii)
if not matches:
    st.warning(_("No debtor found for {query} (or none of their contacts is visible to you).").format(
        query=ui.esc(query)))
    st.stop()
if len(matches) > 1:
    choice = st.selectbox(
        _("Debtor"),
        [m.debtor_id for m in matches],
        key="timeline_debtor",
        format_func=lambda d: next(
            _("{debtor} · cases {cases} · {n} contacts").format(
                debtor=d, cases=", ".join(m.case_ids) or "–", n=m.contacts
            )
            for m in matches
            if m.debtor_id == d
        ),
    )
    match = next(m for m in matches if m.debtor_id == choice)
else:
    match = matches[0]
key = ("case", query) if by == "case" else ("debtor", match.debtor_id)
st.query_params.from_dict({key[0]: key[1]})  # reload and share keep this debtor
contacts = data.timeline(url, user.scope, **{f"{key[0]}_id": key[1]})
if not contacts:
    st.warning(_("No contacts visible to you."))
    st.stop()

params = data.pack_parameters()
limit = params.max_attempts_per_day
calls = [c for c in contacts if c.kind == "call"]
per_day = Counter(c.started_at.date() for c in calls)
findings = [f for c in contacts for f in c.findings if f.review_status != "dismissed"]
subject = (_("case {case}").format(case=ui.esc(key[1])) if key[0] == "case"
           else _("debtor {debtor}").format(debtor=ui.esc(key[1])))
st.subheader(subject)
st.caption(_("Cases: {cases}").format(cases=", ".join(ui.esc(c) for c in match.case_ids) or "–"))
cols = st.columns(6)
cols[0].metric(_("Contacts"), ui.count(len(contacts)))
cols[1].metric(_("Dial attempts"), ui.count(len(calls)))
cols[2].metric(_("Most attempts in a day"), ui.count(max(per_day.values(), default=0)),
               help=_("the rule pack allows {limit} a day").format(limit=limit))
cols[3].metric(_("Agents"), ui.count(len({c.agent_id for c in contacts})),
               help=_("{teams} teams, {agencies} agencies").format(
                   teams=len({c.team for c in contacts}), agencies=len({c.agency for c in contacts})))
cols[4].metric(_("Findings"), ui.count(len(findings)), help=_("not counting dismissed findings"))
cols[5].metric(
    _("In quiet hours"),
    ui.count(sum(1 for c in contacts if data.in_quiet_hours(c.started_at, params))),
    help=_("contacts between {start} and {end}").format(start=params.quiet_start, end=params.quiet_end),
)

# ----------------------------------------------------------------------------- the timeline chart
day_t, hour_t, outcome_t, kind_t = _("day"), _("time of day"), _("outcome"), _("kind")
frame = pd.DataFrame(
    [
        {
            "day": c.started_at.date().isoformat(),
            "hour": c.started_at.hour + c.started_at.minute / 60,
            "time": i18n.fmt_time(c.started_at),
            "call": c.call_id,
            "agent": f"{c.agent_id} {c.agent_name}".strip(),
            "team": c.team,
            "agency": c.agency,
            "outcome": i18n.outcome_label(c.outcome),
            "kind": i18n.kind_label(c.kind),
            "findings": ", ".join(
                f"{f.rule_id} ({i18n.category_label(f.category)})"
                for f in c.findings
                if f.review_status != "dismissed"
            )
            or "–",
            "flagged": any(f.review_status != "dismissed" for f in c.findings),
        }
        for c in contacts
    ]
)
days = sorted(frame["day"].unique())
quiet = pd.DataFrame([{"from": 0.0, "to": data.hours(params.quiet_end)},
                      {"from": data.hours(params.quiet_start), "to": 24.0}])
font = ui.CHART_FONT
# Every day is labelled (never thinned out): across months, as "11-08", turned upright.
many = len(days) > 12
x = alt.X("day:O", title=day_t, sort=days, scale=alt.Scale(domain=days),
          axis=alt.Axis(labelAngle=-90 if many else 0, labelOverlap=False, labelFont=font,
                        labelExpr="substring(datum.value, 5)" if many else "datum.value"))
y = alt.Y("hour:Q", title=hour_t, scale=alt.Scale(domain=[0, 24], reverse=True),
          axis=alt.Axis(values=list(range(0, 25, 2)), labelFont=font, labelExpr="datum.value + ':00'"))
bands = alt.Chart(quiet).mark_rect(color="#6e7781", opacity=0.15).encode(
    y=alt.Y("from:Q", scale=alt.Scale(domain=[0, 24], reverse=True)), y2="to:Q")
band_label = (
    alt.Chart(pd.DataFrame([{"hour": 23.0, "text": _("quiet hours")}]))
    .mark_text(align="left", dx=4, color="#57606a", font=font)
    .encode(y=alt.Y("hour:Q", scale=alt.Scale(domain=[0, 24], reverse=True)), text="text:N")
)
points = (
    alt.Chart(frame)
    .mark_point(filled=True, opacity=0.9)
    .encode(
        x=x,
        y=y,
        color=alt.Color(
            "outcome:N", title=outcome_t, legend=alt.Legend(orient="bottom", labelFont=font, titleFont=font)
        ),
        shape=alt.Shape(
            "kind:N", title=kind_t, legend=alt.Legend(orient="bottom", labelFont=font, titleFont=font)
        ),
        size=alt.condition("datum.flagged", alt.value(220), alt.value(70)),
        stroke=alt.condition("datum.flagged", alt.value("#cf222e"), alt.value(None)),
        strokeWidth=alt.value(2),
        tooltip=[
            alt.Tooltip("call:N", title=_("call")),
            alt.Tooltip("day:N", title=day_t),
            alt.Tooltip("time:N", title=_("time")),
            alt.Tooltip("agent:N", title=_("agent")),
            alt.Tooltip("team:N", title=_("team")),
            alt.Tooltip("agency:N", title=_("agency")),
            alt.Tooltip("outcome:N", title=outcome_t),
            alt.Tooltip("findings:N", title=_("findings")),
        ],
    )
)
st.markdown("**" + _("Contacts by day and time of day") + "** · "
            + _("shaded: quiet hours {start}–{end}; ringed: contacts with findings").format(
                start=params.quiet_start, end=params.quiet_end))
st.altair_chart((bands + band_label + points).properties(height=360).configure(font=font), width="stretch")

attempts = pd.DataFrame([{"day": d, "attempts": per_day.get(pd.Timestamp(d).date(), 0)} for d in days])
attempts["over"] = attempts["attempts"] > limit
bars = alt.Chart(attempts).mark_bar().encode(
    x=x, y=alt.Y("attempts:Q", title=_("dial attempts"), axis=alt.Axis(tickMinStep=1, labelFont=font)),
    color=alt.condition("datum.over", alt.value("#cf222e"), alt.value("#1f6feb")),
    tooltip=[alt.Tooltip("day:N", title=day_t), alt.Tooltip("attempts:Q", title=_("dial attempts"))])
rule = (
    alt.Chart(pd.DataFrame([{"limit": limit}]))
    .mark_rule(color="#cf222e", strokeDash=[4, 3])
    .encode(y="limit:Q")
)
st.markdown("**" + _("Dial attempts per day") + "** · "
            + _("dashed line: the limit of {limit} a day").format(limit=limit))
st.altair_chart((bars + rule).properties(height=200).configure(font=font), width="stretch")

# ----------------------------------------------------------------------------- the chronology
# The same contacts as text, day by day: what a complaint answer quotes, and readable without the charts.
st.subheader(_("Chronology"))
for day in sorted({c.started_at.date() for c in contacts}):
    today = [c for c in contacts if c.started_at.date() == day]
    attempts_today = per_day.get(day, 0)
    over_text = _("over the limit of {limit} a day").format(limit=limit)
    over = " :red-badge[" + over_text + "]" if attempts_today > limit else ""
    lines = ["**" + ui.esc(i18n.fmt_date(day, "full")) + "** · "
             + _("{n} dial attempts").format(n=attempts_today) + over]
    for c in today:
        quiet = (
            " :orange-badge[" + _("quiet hours") + "]" if data.in_quiet_hours(c.started_at, params) else ""
        )
        found = " ".join(
            f"{ui.severity_badge(f.severity)} {ui.esc(f.rule_id)} ({ui.esc(i18n.category_label(f.category))})"
            for f in c.findings
            if f.review_status != "dismissed"
        )
        lines.append(
            f"- {i18n.fmt_time(c.started_at)} · {ui.esc(c.call_id)} · {ui.esc(i18n.kind_label(c.kind))} · "
            f"{ui.esc(i18n.outcome_label(c.outcome))} · {ui.esc(c.agent_id)} {ui.esc(c.agent_name)} "
            f"({ui.esc(c.team)}, {ui.esc(c.agency)}){quiet} {found}"
        )
    st.markdown("\n".join(lines))

# ----------------------------------------------------------------------------- the contacts
st.subheader(_("Contacts ({n})").format(n=ui.count(len(contacts))))
ui.dataframe(
    ui.table(
        [
            {
                "time": ui.when(c.started_at),
                "call": c.call_id,
                "kind": i18n.kind_label(c.kind),
                "outcome": i18n.outcome_label(c.outcome),
                "agent": f"{c.agent_id} {c.agent_name}".strip(),
                "team": c.team,
                "agency": c.agency,
                "case": c.case_id or "",
                "phone": ui.shown(c.phone, user),
                "status": i18n.status_label(c.status),
                "score": c.score,
                "findings": "; ".join(
                    f"{i18n.severity_label(f.severity)}: {f.rule_id} ({i18n.category_label(f.category)})"
                    + (f" [{i18n.review_label(f.review_status)}]" if f.review_status != "open" else "")
                    for f in c.findings
                )
                or "",
            }
            for c in contacts
        ]
    )
)
pick, go = st.columns([3, 1], vertical_alignment="bottom")
chosen = pick.selectbox(_("Open a call"), [c.call_id for c in contacts], key="timeline_open_id")
if go.button(_("Open call"), key="timeline_open", type="primary"):
    ui.open_call(chosen)

# ----------------------------------------------------------------------------- the case evidence pack
# The same pack as `audit evidence export --case/--debtor` (audit.evidence.export_case_pack), of the
# contacts this user may see; like the per-call pack, only for users cleared to see personal data.
if user.see_pii:
    st.subheader(_("Evidence pack for the whole case"))
    redact = st.checkbox(
        _(
            "Redact for sending out: spoken phone, ID and bank-card numbers beeped in the audio "
            "and masked in the text"
        ),
        key="timeline_redact",
    )
    st.download_button(
        _("Download case evidence pack"), icon=":material/download:", on_click="ignore", key="timeline_pack",
        data=lambda: data.case_pack(url, user.scope, redact=redact, **{f"{key[0]}_id": key[1]}),
        file_name=f"evidence_{'case' if key[0] == 'case' else 'debtor'}_{pack_filename(key[1])}",
        mime="application/zip",
        help=_("every recording, transcript and finding of these contacts, with SHA-256 sums that "
               "`audit evidence verify` checks"),
    )
