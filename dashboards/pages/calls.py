"""Calls: filterable, sortable table of contacts with score, status and top finding; transcript search."""

import streamlit as st

from audit.masking import can_touch_masked
from audit.schema import Category
from dashboards import data, ui

PAGE_SIZE = 200
SORTS = {"Newest first": ("started_at", True), "Oldest first": ("started_at", False),
         "Lowest score": ("score", False), "Highest score": ("score", True),
         "Most findings": ("findings", True), "Agent": ("agent_id", False)}

user = ui.require_user()
url = data.db_url()
filters = ui.filters(data.filter_options(url, user.scope))

st.title("Calls")
c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 2, 2])
text = c1.text_input("Search transcripts", key="calls_search", placeholder="e.g. 通讯录")
result = c2.selectbox("Result", ["any", "passed", "failed"], key="calls_result")
status = c3.selectbox("Status", ["any", "audited", "no_recording", "failed", "pending"], key="calls_status")
category = c4.selectbox("Has finding", ["any"] + [c.value for c in Category], key="calls_category")
sort = c5.selectbox("Sort", list(SORTS), key="calls_sort")

search = text.strip() or None
masked = not user.see_pii  # then a search matches the transcript as this user sees it, masked
page_no = st.session_state.get("calls_page", 0)
sort_key, descending = SORTS[sort]
page = data.contacts(
    url, user.scope, filters, search=search, masked=masked, passed={"any": None, "passed": True, "failed": False}[result],
    status=None if status == "any" else status, category=None if category == "any" else category,
    sort=sort_key, descending=descending, limit=PAGE_SIZE, offset=page_no * PAGE_SIZE,
)

st.caption(f"{page.total:,} contacts" + (f" whose transcript contains “{ui.esc(search)}”" if search else ""))
if search and masked and can_touch_masked(search):
    st.caption("Personal numbers are masked for you and searched as you see them: a hidden digit never matches.")
if page.rows:
    df = ui.table([{
        "call": r.call_id, "time": r.started_at.strftime("%Y-%m-%d %H:%M"), "kind": r.kind,
        "agent": f"{r.agent_id} {r.agent_name}".strip(), "team": r.team, "creditor": r.creditor,
        "status": r.status, "score": r.score,
        "result": "–" if r.passed is None else ("✅ pass" if r.passed else "❌ fail"),
        "findings": r.findings,
        "top finding": "" if r.top_finding is None else
        f"{r.top_finding.severity}: {r.top_finding.rule_id} ({r.top_finding.category})",
    } for r in page.rows])
    event = st.dataframe(df, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="calls_table", column_config={
                             "score": st.column_config.NumberColumn("score", format="%.0f")})
    selected = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if selected:
        ui.open_call(page.rows[selected[0]].call_id)  # the id itself, not its escaped cell
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox("Open a call", [r.call_id for r in page.rows], key="calls_open_id")
    if go.button("Open call", key="calls_open", type="primary"):
        ui.open_call(chosen)
    pages = (page.total + PAGE_SIZE - 1) // PAGE_SIZE
    if pages > 1:
        st.number_input(f"Page (of {pages})", min_value=0, max_value=pages - 1, step=1, key="calls_page")
else:
    st.info("No contacts match.")

if search:
    hits = data.search(url, user.scope, filters, search, masked=masked)
    if hits:
        st.subheader("Matching lines")
        for h in hits[:50]:
            st.markdown(f"{ui.esc(h.call_id)} · {ui.clock(h.start)} **{ui.esc(h.role)}**: "
                        f"{ui.esc(ui.shown(h.text, user))}")
