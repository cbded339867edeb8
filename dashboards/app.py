"""Dashboard entry point: builds the navigation for the signed-in user's role.

Run with ``audit dashboard`` (or ``streamlit run dashboards/app.py``); pages live in
``dashboards/pages`` and only render what :mod:`dashboards.data` returns.
"""

import sys
from pathlib import Path

import streamlit as st

try:
    from dashboards import ui
except ModuleNotFoundError:  # `streamlit run` from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from dashboards import ui

st.set_page_config(page_title="Call audit", page_icon="🎧", layout="wide")

user = ui.current_user()
if user is None:
    page = st.navigation([st.Page(ui.login_page, title="Log in", icon=":material/login:")])
else:
    ui.sidebar_user(user)
    page = st.navigation([
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/calls.py", title="Calls", icon=":material/call:"),
        st.Page("pages/call_detail.py", title="Call detail", icon=":material/graphic_eq:"),
        st.Page("pages/agents.py", title="Agents", icon=":material/groups:"),
        st.Page("pages/rules.py", title="Rules", icon=":material/rule:"),
        st.Page("pages/review_queue.py", title="Review queue", icon=":material/fact_check:"),
    ])
page.run()
