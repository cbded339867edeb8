"""Shared page furniture: sign-in and sessions, the signed-in user, sidebar filters, tables,
formatting in the user's language, masking.

Every text the pages show is marked with :func:`audit.i18n._` and comes from the message
catalogs (Chinese by default, English per user or per server); numbers and dates go through
the locale-aware helpers here.
"""

from __future__ import annotations

import json
import logging
import math
import re
import string
from datetime import date

import pandas as pd
import streamlit as st

from audit import auth, i18n, sessions
from audit.exports.cells import safe_cell
from audit.i18n import N_, _
from audit.masking import mask_pii
from audit.read.overview import FilterOptions
from audit.read.scope import Filters
from dashboards import data

log = logging.getLogger(__name__)

USER_KEY = "user"
SESSION_KEY = "_session"  # the signed session's claims (absent for a session without a cookie)
TICKET_KEY = "_cookie_ticket"  # handed to the server once to set the cookie
CLEAR_COOKIE_KEY = "_clear_cookie"
SEVERITY_COLOR = {"critical": "red", "high": "orange", "medium": "yellow", "low": "gray"}
_FILTER_KEYS = ("flt_dates", "flt_teams", "flt_agencies", "flt_creditors", "flt_products", "flt_kinds")
# The pages' url paths (dashboards/app.py): a deep link to any of them, opened signed out, shows
# the sign-in form at that address, so the page opens there once signed in.
PAGE_PATHS = ("overview", "calls", "call_detail", "timeline", "agents", "rules", "review_queue")

# Table columns: the frames keep these stable keys (tests and exports read them); the header a
# reader sees is the translation (:func:`dataframe`).
COLUMN_LABELS = {
    "call": N_("call"),
    "time": N_("time"),
    "kind": N_("kind"),
    "agent": N_("agent"),
    "name": N_("name"),
    "team": N_("team"),
    "agency": N_("agency"),
    "creditor": N_("creditor"),
    "status": N_("status"),
    "score": N_("score"),
    "result": N_("result"),
    "findings": N_("findings"),
    "top finding": N_("top finding"),
    "rank": N_("rank"),
    "contacts": N_("contacts"),
    "visits assisted": N_("visits assisted"),
    "avg score": N_("avg score"),
    "Δ score": N_("Δ score"),
    "pass rate %": N_("pass rate %"),
    "findings / 100": N_("findings / 100"),
    "critical": N_("critical"),
    "confirmed": N_("confirmed"),
    "dismissed": N_("dismissed"),
    "open": N_("open"),
    "not passed": N_("not passed"),
    "severity": N_("severity"),
    "rule": N_("rule"),
    "category": N_("category"),
    "evidence": N_("evidence"),
    "when": N_("when"),
    "who": N_("who"),
    "action": N_("action"),
    "finding": N_("finding"),
    "before": N_("before"),
    "after": N_("after"),
    "reason": N_("reason"),
    "age (days)": N_("age (days)"),
    "contact time": N_("contact time"),
    "at": N_("at"),
    "title": N_("title"),
    "citation": N_("citation"),
    "hits": N_("hits"),
    "dismissed %": N_("dismissed %"),
    "outcome": N_("outcome"),
    "talk (s)": N_("talk (s)"),
    "day": N_("day"),
    "attempts": N_("attempts"),
    "debtor": N_("debtor"),
    "case": N_("case"),
    "phone": N_("phone"),
    "event": N_("event"),
    "address": N_("address"),
    "detail": N_("detail"),
    "time of day": N_("time of day"),
}


# ----------------------------------------------------------------------------- the user


def current_user() -> auth.User | None:
    return st.session_state.get(USER_KEY)


def require_user() -> auth.User:
    """The signed-in user; pages are only reachable after sign-in, but never trust that alone."""
    user = current_user()
    if user is None:
        st.warning(_("Please sign in."))
        st.stop()
    return user


def client_address() -> str | None:
    """The browser's address as the server sees it (None when unknown, e.g. in tests)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare script run)
        return None
    return address if isinstance(address, str) else None


def request_cookie(name: str = sessions.COOKIE_NAME) -> str | None:
    """A cookie the browser sent when it opened this session (the HttpOnly session cookie)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 - no request context
        return None
    return value if isinstance(value, str) else None


def use_language(user: auth.User | None) -> str:
    """Translate this run into the user's language (else the server's default); returns it."""
    return i18n.set_language(user.lang if user is not None and user.lang else None)


def _log_event(
    event: str, username: str, address: str | None, detail: str, session_id: str | None = None
) -> None:
    try:
        data.record_auth_event(event, username, address=address, detail=detail, session_id=session_id)
    except Exception as exc:  # noqa: BLE001 - a log that cannot be written must not lock people out
        log.error("cannot write the sign-in log (%s %s): %s", event, username, exc)


def restore_session() -> None:
    """Sign in from the session cookie (a reload, a new tab), and end a session that expired or
    was signed out elsewhere."""
    user = current_user()
    claims = st.session_state.get(SESSION_KEY)
    if user is not None:
        if claims is None:
            return  # a session without a cookie (signed in where cookies are off, or a test)
        if claims.expired():
            _log_event("expired", user.username, client_address(), "session expired", claims.session_id)
            sign_out(record=False)
            flash(_("Your session expired; please sign in again."), "info")
        elif data.session_revoked(claims.session_id):
            sign_out(record=False)
        return
    token = request_cookie()
    if not token:
        return
    try:
        restored = sessions.user_for(token, data.users(), data.session_secret(), revoked=data.session_revoked)
    except (auth.AuthConfigError, sessions.SessionError) as exc:
        log.error("cannot check the session cookie: %s", exc)
        return
    if restored is None:
        st.session_state[CLEAR_COOKIE_KEY] = True  # expired, signed out or forged: drop it
        return
    st.session_state[USER_KEY], st.session_state[SESSION_KEY] = restored


def sign_in(user: auth.User) -> None:
    """Start the user's session in this browser tab and have the server set the session cookie."""
    st.session_state[USER_KEY] = user
    try:
        secret = data.session_secret()
    except sessions.SessionError as exc:  # sign-in still works, for this tab only
        log.error("no session cookie: %s", exc)
        return
    claims = sessions.new_session(user)
    st.session_state[SESSION_KEY] = claims
    st.session_state[TICKET_KEY] = sessions.ticket(claims, secret)


def sign_out(*, record: bool = True) -> None:
    """End the session: in the sign-in log (so every tab and the cookie are done), here, and in
    the browser (the server clears the cookie)."""
    user, claims = current_user(), st.session_state.get(SESSION_KEY)
    if record and user is not None:
        _log_event("sign_out", user.username, client_address(), "", claims.session_id if claims else None)
    pending = st.session_state.get("_flash")
    for key in list(st.session_state):
        del st.session_state[key]
    st.session_state[CLEAR_COOKIE_KEY] = True
    if pending:
        st.session_state["_flash"] = pending


def _post(path: str, body: dict[str, str] | None = None) -> None:
    """POST to one of the dashboard server's own routes from the page (no reply is read)."""
    url = data.server_path(path)
    payload = "&".join(f"{k}={v}" for k, v in (body or {}).items())
    st.html(
        "<script>fetch(" + json.dumps(url) + ", {method: 'POST', credentials: 'same-origin', "
        "headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: " + json.dumps(payload) +
        "}).catch(() => {});</script>",
        unsafe_allow_javascript=True, width="content",
    )


def cookie_hand_over() -> None:
    """Deliver a pending cookie ticket to the server (after sign-in), or clear the cookie (after
    sign-out). The ticket is signed and one-use; the cookie's value never reaches the page."""
    ticket = st.session_state.pop(TICKET_KEY, None)
    if ticket:
        _post("session", {"ticket": ticket})
    if st.session_state.pop(CLEAR_COOKIE_KEY, False):
        _post("signout")


def login_page() -> None:
    """The sign-in form (what every address shows before sign-in).

    Sign-in attempts are throttled in :mod:`audit.throttle` (per username and address, shared
    by every session of the server): a refused attempt says how long to wait. Every attempt is
    written to the sign-in log.
    """
    st.title(_("Call audit — sign in"))
    flash()
    try:
        users = data.users()
    except auth.AuthConfigError as exc:
        st.error(_("Cannot read the users file: {error}").format(error=exc))
        st.stop()
    if company_sign_in(users):
        return
    with st.form("login"):
        username = st.text_input(_("Username"), key="login_username")
        password = st.text_input(_("Password"), type="password", key="login_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        try:
            user = auth.authenticate(users, username.strip(), password, address=client_address(),
                                     on_event=_log_event)
        except auth.Throttled as exc:
            st.error(_("Too many failed sign-ins; try again in {seconds} s.").format(
                seconds=math.ceil(exc.retry_after_s)))
            return
        if user is None:
            st.error(_("Wrong username or password."))
        else:
            sign_in(user)
            st.rerun()


def _company_identity_provider() -> bool:
    """Whether an OIDC provider is configured for ``st.login`` (an ``[auth]`` table in the secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file: password sign-in only
        return False


def _oidc_email() -> str | None:
    try:
        if st.user.is_logged_in:
            email = st.user.get("email")
            return email if isinstance(email, str) else None
    except Exception:  # noqa: BLE001 - no identity provider configured
        return None
    return None


def company_sign_in(users: dict[str, auth.User]) -> bool:
    """Sign in with the company identity provider (``st.login``, docs/auth.md); True when done.

    The provider says who the person is (its e-mail); the users file says what they may see: the
    entry with that ``email`` (role, team, agent id, see_pii, language). An account without an
    entry is refused, and logged.
    """
    if not _company_identity_provider():
        return False
    email = _oidc_email()
    if email:
        user = auth.user_for_email(users, email)
        if user is not None:
            _log_event("sign_in", user.username, client_address(), f"identity provider: {email}")
            sign_in(user)
            st.rerun()
        _log_event(
            "refused", email[:64], client_address(), "identity provider account without a users-file entry"
        )
        st.error(_("The company account {email} has no dashboard user; ask an administrator to add it "
                   "(audit users add … --email).").format(email=esc(email)))
        st.button(_("Sign out of the company account"), on_click=st.logout, key="oidc_logout")
        return True
    st.button(_("Sign in with the company account"), on_click=st.login, type="primary", key="oidc_login")
    st.caption(_("or with a dashboard password:"))
    return False


def sidebar_user(user: auth.User) -> None:
    with st.sidebar:
        scope = {"agent": _("agent {id}").format(id=esc(user.agent_id)),
                 "team_lead": _("team {team}").format(team=esc(user.team))}.get(user.role, _("all teams"))
        st.caption(_("Signed in as **{name}** ({role}, {scope})").format(
            name=esc(user.display_name), role=i18n.user_role_label(user.role), scope=scope))
        if st.button(_("Sign out"), key="logout"):
            sign_out()
            if _oidc_email():
                st.logout()  # the company account's session too (redirects)
            st.rerun()


def filters(options: FilterOptions, *, dates: bool = True) -> Filters:
    """Render the sidebar filters (kept across pages) and return the selection."""
    for key in _FILTER_KEYS:
        # Re-assigning keeps a widget's value when another page did not render it.
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    with st.sidebar:
        st.subheader(_("Filters"))
        start = end = None
        if dates and options.first_day and options.last_day:
            if "flt_dates" not in st.session_state:  # default: everything there is
                st.session_state["flt_dates"] = (options.first_day, options.last_day)
            picked = st.date_input(_("Date range"), key="flt_dates", format=date_input_format())
            if isinstance(picked, (tuple, list)) and picked:
                start = picked[0]
                end = picked[1] if len(picked) > 1 else picked[0]
            elif isinstance(picked, date):
                start = end = picked
        every = _("all")  # an empty selection means all of them
        teams = (st.multiselect(_("Team"), options.teams, key="flt_teams", placeholder=every)
                 if len(options.teams) > 1 else [])
        agencies = st.multiselect(_("Agency"), options.agencies, key="flt_agencies", placeholder=every)
        creditors = st.multiselect(_("Creditor"), options.creditors, key="flt_creditors", placeholder=every)
        products = st.multiselect(_("Product"), options.products, key="flt_products", placeholder=every)
        kinds = st.multiselect(_("Contact kind"), options.kinds, key="flt_kinds", format_func=i18n.kind_label,
                               placeholder=every)
    return Filters(start=start, end=end, teams=tuple(teams), agencies=tuple(agencies), creditors=tuple(creditors),
                   products=tuple(products), kinds=tuple(kinds))


def date_input_format() -> str:
    """The date picker's format in the user's language (year first in Chinese)."""
    return "YYYY/MM/DD" if i18n.current() == "zh_CN" else "MM/DD/YYYY"


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


def _cell_formatter(series: pd.Series):
    """How a column's values read: numbers in the locale's format (decimals only where the column
    has any), no value as ``–`` (never ``None`` or ``NaN``)."""
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_numeric_dtype(series):
        values = series.dropna()
        whole = values.empty or bool(((values % 1) == 0).all())
        return (lambda v: i18n.fmt_int(v)) if whole else (lambda v: i18n.fmt_decimal(v, 1))
    return None


def dataframe(frame: pd.DataFrame, *, column_config: dict | None = None, **kwargs):
    """Show a table: headers in the user's language, numbers in the locale's format, no raw
    ``None``/``NaN`` (shown as ``–``). The frame keeps its stable column keys."""
    config = {
        col: st.column_config.Column(_(COLUMN_LABELS[col])) for col in frame.columns if col in COLUMN_LABELS
    }
    config.update(column_config or {})
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("placeholder", "–")  # a missing value, where Streamlit would write "None"
    if frame.empty:
        return st.dataframe(frame, column_config=config, **kwargs)
    formatters = {col: f for col in frame.columns if (f := _cell_formatter(frame[col])) is not None}
    styled = frame.style.format(formatters, na_rep="–")
    styled = styled.format(na_rep="–", subset=[c for c in frame.columns if c not in formatters])
    return st.dataframe(styled, column_config=config, **kwargs)


def severity_badge(severity: str) -> str:
    """Markdown badge for a severity (text, not emoji: server fonts often lack emoji glyphs)."""
    return f":{SEVERITY_COLOR.get(severity, 'gray')}-badge[{esc(i18n.severity_label(severity))}]"


def result_text(passed: bool | None) -> str:
    """A contact's result as words (no emoji: they show as boxes without an emoji font)."""
    return "–" if passed is None else (_("passed") if passed else _("not passed"))


def pct(value: float | None) -> str:
    return i18n.fmt_percent(value)


def num(value: float | None, digits: int = 1) -> str:
    return (
        i18n.fmt_int(round(value)) if value is not None and digits == 0 else i18n.fmt_decimal(value, digits)
    )


def count(value: int | None) -> str:
    return i18n.fmt_int(value)


def when(value) -> str:
    """A contact's time in the locale's short date-and-time format."""
    return i18n.fmt_datetime(value)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"


_PUNCTUATION = frozenset(string.punctuation)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_ARROW_PARTS = frozenset("-<>=~")
WORD_JOINER = "\u2060"  # invisible and unbreakable: splits a pattern without showing


def esc(value: object, *, trim: bool = True) -> str:
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
    stars rather than turning bold. ``trim=False`` keeps spaces at the ends (a piece of a line).
    """
    if value is None:
        return ""
    out = []
    previous = ""
    text = _CONTROLS.sub(" ", str(value))
    for ch in text.strip() if trim else text:
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


def highlight(text: str, query: str) -> str:
    """``text`` escaped (:func:`esc`) with the matches of ``query`` (characters or sound,
    :func:`audit.search.find`) in ``<mark>``; for ``unsafe_allow_html`` Markdown."""
    from audit.search import find

    text = _CONTROLS.sub(" ", text or "").strip()
    out, pos = [], 0
    for m in find(text, query):
        out += [esc(text[pos:m.start], trim=False), f"<mark>{esc(text[m.start:m.end], trim=False)}</mark>"]
        pos = m.end
    out.append(esc(text[pos:], trim=False))
    return "".join(out)


def open_call(call_id: str, t: float | None = None) -> None:
    """Go to the Call detail page for ``call_id`` (kept in the URL, so reload works), at ``t``
    seconds into the recording when given."""
    params = {"call_id": call_id}
    if t is not None:
        params["t"] = f"{max(0.0, t):.1f}"
    st.switch_page("pages/call_detail.py", query_params=params)


def flash(message: str | None = None, kind: str = "success") -> None:
    """Show (and clear) a message left by the previous run, or leave one for the next."""
    if message is not None:
        st.session_state["_flash"] = (kind, message)
        return
    pending = st.session_state.pop("_flash", None)
    if pending:
        getattr(st, pending[0])(pending[1])


# ----------------------------------------------------------------------------- charts

CHART_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Sans Pro, sans-serif"


def day_chart(frame: pd.DataFrame, day: str, values: list[str], *, mark: str = "line", height: int = 160):
    """Values per day: a time axis with numeric dates (``11-02``), which read the same in every
    language (Vega's own day names are English), a legend in the reader's words."""
    import altair as alt

    long = frame.melt(id_vars=[day], value_vars=values, var_name="measure", value_name="value")
    x = alt.X(
        f"{day}:T", title=day, axis=alt.Axis(format="%m-%d", labelFont=CHART_FONT, titleFont=CHART_FONT)
    )
    encoding = dict(
        x=x,
        y=alt.Y("value:Q", title=None, axis=alt.Axis(labelFont=CHART_FONT)),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom", labelFont=CHART_FONT)),
        tooltip=[
            alt.Tooltip(f"{day}:T", format="%Y-%m-%d"),
            alt.Tooltip("measure:N", title=" "),
            alt.Tooltip("value:Q", title=" ", format=",.1f"),
        ],
    )
    if mark == "bar":
        encoding["xOffset"] = alt.XOffset("measure:N")
        chart = alt.Chart(long).mark_bar()
    else:
        chart = alt.Chart(long).mark_line(point=True)
    return st.altair_chart(chart.encode(**encoding).properties(height=height).configure(font=CHART_FONT),
                           width="stretch")


def bar_chart(frame: pd.DataFrame, category: str, values: list[str], *, sort_by: str | None = None):
    """Horizontal bars, one row per category, every category labelled in full.

    Streamlit's own bar chart lets Vega-Lite drop labels that would overlap (some categories of
    the overview went unnamed); here each category gets its own 26-pixel band, labels are never
    dropped or cut, and several measures sit side by side in the band. ``frame``'s columns are
    already the words the reader sees.
    """
    import altair as alt

    long = frame.melt(id_vars=[category], value_vars=values, var_name="measure", value_name="value")
    order = (frame.sort_values(sort_by or values[0], ascending=False)[category].tolist()
             if not frame.empty else [])
    y = alt.Y(f"{category}:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=0, labelOverlap=False, labelFontSize=12, labelFont=CHART_FONT))
    encoding = dict(y=y, x=alt.X("value:Q", title=None, axis=alt.Axis(labelFont=CHART_FONT)),
                    tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("measure:N", title=" "),
                             alt.Tooltip("value:Q", title=" ", format=",.1f")])
    if len(values) > 1:
        encoding.update(color=alt.Color("measure:N", title=None,
                                        legend=alt.Legend(orient="bottom", labelFont=CHART_FONT)),
                        yOffset=alt.YOffset("measure:N"))
    chart = alt.Chart(long).mark_bar().encode(**encoding).properties(
        height=max(80, 26 * len(frame) * max(1, len(values) // 2 + len(values) % 2)))
    return st.altair_chart(chart.configure(font=CHART_FONT), width="stretch")
