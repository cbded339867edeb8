"""Calls: filterable, sortable table of contacts with score, status and top finding; transcript
search that also finds what the ASR misheard (by sound), with the hits highlighted and a button
that plays the recording from each hit."""

import streamlit as st

from audit import i18n
from audit.i18n import N_, _
from audit.masking import can_touch_masked
from audit.schema import Category
from dashboards import data, ui

PAGE_SIZE = 200
SORTS = {N_("Newest first"): ("started_at", True), N_("Oldest first"): ("started_at", False),
         N_("Lowest score"): ("score", False), N_("Highest score"): ("score", True),
         N_("Most findings"): ("findings", True), N_("Agent"): ("agent_id", False)}
RESULTS = {"any": N_("any"), "passed": N_("passed"), "not_passed": N_("not passed")}
STATUSES = ["any", "audited", "no_recording", "failed", "pending"]

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))

st.title(_("Calls"))
c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 2, 2])
text = c1.text_input(_("Search transcripts"), key="calls_search", placeholder=_("e.g. 通讯录"),
                     help=_("Finds what was said also where the transcript misspelt it (same sound)."))
result = c2.selectbox(_("Result"), list(RESULTS), key="calls_result", format_func=lambda r: _(RESULTS[r]))
status = c3.selectbox(_("Status"), STATUSES, key="calls_status",
                      format_func=lambda s: _("any") if s == "any" else i18n.status_label(s))
category = c4.selectbox(_("Has finding"), ["any"] + [c.value for c in Category], key="calls_category",
                        format_func=lambda c: _("any") if c == "any" else i18n.category_label(c))
sort = c5.selectbox(_("Sort"), list(SORTS), key="calls_sort", format_func=_)

search = text.strip() or None
masked = not user.see_pii  # then a search matches the transcript as this user sees it, masked
page_no = st.session_state.get("calls_page", 0)
sort_key, descending = SORTS[sort]
page = data.contacts(
    url, user.scope, filters, search=search, masked=masked,
    passed={"any": None, "passed": True, "not_passed": False}[result],
    status=None if status == "any" else status, category=None if category == "any" else category,
    sort=sort_key, descending=descending, limit=PAGE_SIZE, offset=page_no * PAGE_SIZE,
)

if search:
    st.caption(_("{n} contacts whose transcript contains “{text}” (or sounds like it)").format(
        n=ui.count(page.total), text=ui.esc(search)))
else:
    st.caption(_("{n} contacts").format(n=ui.count(page.total)))
if search and masked and can_touch_masked(search):
    st.caption(
        _("Personal numbers are masked for you and searched as you see them: a hidden digit never matches.")
    )
if page.rows:
    df = ui.table([{
        "call": r.call_id, "time": ui.when(r.started_at), "kind": i18n.kind_label(r.kind),
        "agent": f"{r.agent_id} {r.agent_name}".strip(), "team": r.team, "creditor": r.creditor,
        "status": i18n.status_label(r.status), "score": r.score,
        "result": ui.result_text(r.passed),
        "findings": r.findings,
        "top finding": "" if r.top_finding is None else
        f"{i18n.severity_label(r.top_finding.severity)}: {r.top_finding.rule_id} "
        f"({i18n.category_label(r.top_finding.category)})",
    } for r in page.rows])
    event = ui.dataframe(df, on_select="rerun", selection_mode="single-row", key="calls_table")
    selected = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if selected:
        ui.open_call(page.rows[selected[0]].call_id)  # the id itself, not its escaped cell
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(_("Open a call"), [r.call_id for r in page.rows], key="calls_open_id")
    if go.button(_("Open call"), key="calls_open", type="primary"):
        ui.open_call(chosen)
    pages = (page.total + PAGE_SIZE - 1) // PAGE_SIZE
    if pages > 1:
        st.number_input(_("Page (of {pages})").format(pages=pages), min_value=0, max_value=pages - 1, step=1,
                        key="calls_page")
else:
    st.info(_("No contacts match."))

if search:
    hits = data.search(url, user.scope, filters, search, masked=masked)
    if hits:
        st.subheader(_("Matching lines"))
        for n, h in enumerate(hits[:50]):
            line, play = st.columns([12, 1], vertical_alignment="center")
            line.markdown(f"{ui.esc(h.call_id)} · {ui.clock(h.start)} **{ui.esc(i18n.role_label(h.role))}**: "
                          f"{ui.highlight(ui.shown(h.text, user), search)}", unsafe_allow_html=True)
            if play.button("▶", key=f"hit_{n}", help=_("play the recording from this line")):
                ui.open_call(h.call_id, h.start)
