"""Dashboard entry point: builds the navigation for the signed-in user's role.

Run with ``audit dashboard`` (which serves it through ``dashboards/server.py``, for the session
cookie) or ``streamlit run dashboards/app.py``; pages live in ``dashboards/pages`` and only
render what :mod:`dashboards.data` returns.
"""

import sys
from pathlib import Path

import streamlit as st

try:
    from dashboards import ui
except ModuleNotFoundError:  # `streamlit run` from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from dashboards import ui

from audit.i18n import _

ui.use_language(None)
st.set_page_config(page_title=_("Call audit"), page_icon="🎧", layout="wide")
ui.restore_session()
user = ui.current_user()
ui.use_language(user)

PAGES = [  # (file, url path, title, icon)
    ("pages/overview.py", "overview", _("Overview"), ":material/dashboard:"),
    ("pages/calls.py", "calls", _("Calls"), ":material/call:"),
    ("pages/call_detail.py", "call_detail", _("Call detail"), ":material/graphic_eq:"),
    ("pages/timeline.py", "timeline", _("Debtor timeline"), ":material/timeline:"),
    ("pages/agents.py", "agents", _("Agents"), ":material/groups:"),
    ("pages/rules.py", "rules", _("Rules"), ":material/rule:"),
    ("pages/review_queue.py", "review_queue", _("Review queue"), ":material/fact_check:"),
]

if user is None:
    # Every page's address shows the sign-in form, so a link to a call opened signed out lands on
    # that call (with its ?call_id=…&t=…) once signed in, instead of on "Page not found".
    # (The root address gets a url path of its own: after sign-in it falls back to the Overview.)
    page = st.navigation([st.Page(ui.login_page, title=_("Sign in"), icon=":material/login:",
                                  url_path=path, default=path == "signin")
                          for path in ("signin", *(p[1] for p in PAGES))], position="hidden")
else:
    ui.sidebar_user(user)
    page = st.navigation([st.Page(file, title=title, icon=icon, url_path=path, default=n == 0)
                          for n, (file, path, title, icon) in enumerate(PAGES)])
ui.cookie_hand_over()
page.run()
