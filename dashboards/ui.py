"""Shared page furniture: login, the signed-in user, sidebar filters, formatting, masking."""

from __future__ import annotations

import re
import string
from datetime import date

import pandas as pd
import streamlit as st

from audit import auth
from audit.exports.cells import safe_cell
from audit.masking import mask_pii
from audit.queries import FilterOptions, Filters
from dashboards import data

USER_KEY = "user"
SEVERITY_COLOR = {"critical": "red", "high": "orange", "medium": "yellow", "low": "gray"}
STATUS_LABEL = {"open": "open", "confirmed": "confirmed", "dismissed": "dismissed", "appealed": "appealed"}
_FILTER_KEYS = ("flt_dates", "flt_teams", "flt_agencies", "flt_creditors", "flt_products", "flt_kinds")


def current_user() -> auth.User | None:
    return st.session_state.get(USER_KEY)


def require_user() -> auth.User:
    """The signed-in user; pages are only reachable after login, but never trust that alone."""
    user = current_user()
    if user is None:
        st.warning("Please log in.")
        st.stop()
    return user


def client_address() -> str | None:
    """The browser's address as the server sees it (None when unknown, e.g. in tests)."""
    try:
        return st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare script run)
        return None


def login_page() -> None:
    """The login form (the only page before sign-in).

    Sign-in attempts are throttled in :mod:`audit.throttle` (per username and address, shared
    by every session of the server): a refused attempt says how long to wait.
    """
    st.title("Call audit — sign in")
    try:
        users = data.users()
    except auth.AuthConfigError as exc:
        st.error(f"Cannot read the users file: {exc}")
        st.stop()
    with st.form("login"):
        username = st.text_input("Username", key="login_username")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        try:
            user = auth.authenticate(users, username.strip(), password, address=client_address())
        except auth.Throttled as exc:
            st.error(f"{str(exc)[0].upper()}{str(exc)[1:]}.")  # "Too many failed sign-ins; try again in N s."
            return
        if user is None:
            st.error("Wrong username or password.")
        else:
            st.session_state[USER_KEY] = user
            st.rerun()


def sidebar_user(user: auth.User) -> None:
    with st.sidebar:
        scope = {"agent": f"agent {user.agent_id}", "team_lead": f"team {user.team}"}.get(user.role, "all teams")
        st.caption(f"Signed in as **{esc(user.display_name)}** ({esc(user.role)}, {esc(scope)})")
        if st.button("Log out", key="logout"):
            for key in list(st.session_state):
                del st.session_state[key]
            st.rerun()


def filters(options: FilterOptions, *, dates: bool = True) -> Filters:
    """Render the sidebar filters (kept across pages) and return the selection."""
    for key in _FILTER_KEYS:
        # Re-assigning keeps a widget's value when another page did not render it.
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    with st.sidebar:
        st.subheader("Filters")
        start = end = None
        if dates and options.first_day and options.last_day:
            if "flt_dates" not in st.session_state:  # default: everything there is
                st.session_state["flt_dates"] = (options.first_day, options.last_day)
            picked = st.date_input("Date range", key="flt_dates")
            if isinstance(picked, (tuple, list)) and picked:
                start = picked[0]
                end = picked[1] if len(picked) > 1 else picked[0]
            elif isinstance(picked, date):
                start = end = picked
        teams = st.multiselect("Team", options.teams, key="flt_teams") if len(options.teams) > 1 else []
        agencies = st.multiselect("Agency", options.agencies, key="flt_agencies")
        creditors = st.multiselect("Creditor", options.creditors, key="flt_creditors")
        products = st.multiselect("Product", options.products, key="flt_products")
        kinds = st.multiselect("Contact kind", options.kinds, key="flt_kinds")
    return Filters(start=start, end=end, teams=tuple(teams), agencies=tuple(agencies), creditors=tuple(creditors),
                   products=tuple(products), kinds=tuple(kinds))


def shown(text: str | None, user: auth.User) -> str:
    """Text as this user may see it (personal numbers masked unless ``see_pii``)."""
    return (text or "") if user.see_pii else mask_pii(text)


def table(rows: list[dict]) -> pd.DataFrame:
    """The frame every ``st.dataframe`` shows: text cells through :func:`safe_cell`.

    ``st.dataframe``'s toolbar downloads the table as CSV (and copies cells) in the browser,
    without any formula escaping of its own, so a manifest name like ``=HYPERLINK(...)`` would
    reach the viewer's Excel live. Escaping the cells here makes those files match the
    scorecard exports; numbers stay numbers.
    """
    return pd.DataFrame([{k: safe_cell(v) for k, v in row.items()} for row in rows])


def severity_badge(severity: str) -> str:
    """Markdown badge for a severity (text, not emoji: server fonts often lack emoji glyphs)."""
    return f":{SEVERITY_COLOR.get(severity, 'gray')}-badge[{severity}]"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"


_PUNCTUATION = frozenset(string.punctuation)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_ARROW_PARTS = frozenset("-<>=~")
WORD_JOINER = "\u2060"  # invisible and unbreakable: splits a pattern without showing


def esc(value: object) -> str:
    """Text from outside (manifest fields, names, reasons, transcripts) as literal text in Markdown.

    The one way user-controlled text reaches ``st.markdown``, ``st.caption``, ``st.title``,
    ``st.info``/``st.error``, ``st.metric`` values and ``help``: all of them render Markdown, and
    an appeal reason like ``![x](http://attacker/img.png)`` made every supervisor's browser load
    the image. What is done, and why:

    * Every ASCII punctuation character becomes a numeric character reference (``*`` becomes
      ``&#42;``). Markdown, GFM and HTML syntax (emphasis, links and images, raw HTML such as
      ``<img src=x>``, code, headings, lists, tables) and Streamlit's own (``:red[...]``
      directives, ``$`` maths, the ``:material/...:`` rewrite) are all made of ASCII
      punctuation, and a character reference is always text, never syntax. The HTML parser
      behind ``unsafe_allow_html`` decodes it to the same text.
    * Line breaks and other control characters become spaces, and the ends are trimmed: the
      text stays inside the caller's line, so nothing in it can start a block.
    * Streamlit and GFM also rewrite the *decoded* text after parsing: emoji and icon
      shortcodes (``:smile:``, ``:material_home:``), bare links (``http://``, ``www.``,
      ``name@host.cn``) and arrows (``->``). An invisible WORD JOINER after ``:`` and ``@``,
      before ``.`` and inside arrow pairs keeps those patterns from ever matching.

    ``None`` gives ``""``; other values are shown as ``str(value)``. Masked ``****`` stays four
    stars rather than turning bold.
    """
    if value is None:
        return ""
    out = []
    previous = ""
    for ch in _CONTROLS.sub(" ", str(value)).strip():
        if ch in _PUNCTUATION:
            if ch == "." or (ch in _ARROW_PARTS and previous in _ARROW_PARTS):
                out.append(WORD_JOINER)
            out.append(f"&#{ord(ch)};")
            if ch in ":@":
                out.append(WORD_JOINER)
        else:
            out.append(ch)
        previous = ch
    return "".join(out)


def open_call(call_id: str) -> None:
    """Go to the Call detail page for ``call_id`` (kept in the URL, so reload works)."""
    st.switch_page("pages/call_detail.py", query_params={"call_id": call_id})


def flash(message: str | None = None, kind: str = "success") -> None:
    """Show (and clear) a message left by the previous run, or leave one for the next."""
    if message is not None:
        st.session_state["_flash"] = (kind, message)
        return
    pending = st.session_state.pop("_flash", None)
    if pending:
        getattr(st, pending[0])(pending[1])
