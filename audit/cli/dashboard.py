"""``audit dashboard``: start the Streamlit supervisor dashboard.

Usage::

    audit dashboard [--db URL] [--users FILE] [--lang zh-CN|en] [--dashboard-url URL]
                    [Streamlit options, e.g. --server.port 8600]

The database URL, the users file, the default language and the public address reach the app
through ``AUDIT_DB_URL``, ``AUDIT_USERS_FILE``, ``AUDIT_LANG`` and ``AUDIT_DASHBOARD_URL``; every
other option is handed to ``streamlit run`` unchanged. The server is ``dashboards/server.py``:
the Streamlit app plus the routes that set the session cookie (see docs/auth.md).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import types
from pathlib import Path

import dashboards
from audit.auth import AuthConfigError, load_users, users_file
from audit.settings import DEFAULT_USERS_FILE

# The files `streamlit run` is given; only located here, never imported (no streamlit in `audit`).
DASHBOARDS = Path(dashboards.__file__).parent
APP = DASHBOARDS / "app.py"
SERVER = DASHBOARDS / "server.py"  # APP behind the session-cookie routes


def streamlit_command(streamlit_args: list[str]) -> list[str]:
    """The ``streamlit run`` command line for the app."""
    args = list(streamlit_args)
    if args[:1] == ["--"]:
        args = args[1:]
    if not any(a.startswith("--server.headless") for a in args):
        args.append("--server.headless=true")  # a server command never opens a browser by itself
    if not any(a.startswith("--client.toolbarMode") for a in args):
        args.append("--client.toolbarMode=viewer")  # no "Deploy" button on an internal tool
    if not any(a.startswith("--browser.gatherUsageStats") for a in args):
        args.append("--browser.gatherUsageStats=false")  # no phoning home from a compliance tool
    return [sys.executable, "-m", "streamlit", "run", str(SERVER), *args]


def _keep_unknown(parser: argparse.ArgumentParser) -> None:
    """Make ``parser`` collect options it does not know (Streamlit's) instead of rejecting them.

    ``audit`` parses with ``parse_args``, which refuses unknown options even inside a
    subcommand; the dashboard forwards them to Streamlit, so this subparser keeps them itself.
    """
    original = parser.parse_known_args

    def parse_known_args(self, args=None, namespace=None):
        ns, extra = original(args, namespace)
        ns.streamlit_args = list(getattr(ns, "streamlit_args", None) or []) + list(extra)
        return ns, []

    # deliberately replaces the method on this one parser instance, which mypy flags as a method assignment
    parser.parse_known_args = types.MethodType(parse_known_args, parser)  # type: ignore[method-assign]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``audit dashboard`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "dashboard", help="start the supervisor dashboard (Streamlit)",
        description="Start the supervisor dashboard. Options not listed here go to `streamlit run` "
                    "(for example --server.port 8600 --server.address 0.0.0.0).",
    )
    parser.add_argument("--db", help="database URL (default: $AUDIT_DB_URL or sqlite:///audit.db)")
    parser.add_argument("--users", help=f"users file (default: $AUDIT_USERS_FILE or {DEFAULT_USERS_FILE}); "
                                         "create it with `audit users add`")
    parser.add_argument("--lang", help="the interface's default language: zh-CN (default) or en; a user's "
                                       "`lang` in the users file overrides it")
    parser.add_argument(
        "--dashboard-url",
        help="the dashboard's public address (https://…), for the links in "
        "downloaded exports (default: $AUDIT_DASHBOARD_URL)",
    )
    parser.set_defaults(func=run, streamlit_args=[])
    _keep_unknown(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Check the users file and the database, then run Streamlit in the foreground; returns its
    exit status."""
    from audit.i18n import LANG_ENV, normalize_lang
    from audit.links import DASHBOARD_URL_ENV, dashboard_url
    from audit.sessions import SessionError, load_secret
    from audit.storage import DatabaseUnavailable, check_database, init_db, make_engine

    path = users_file(args.users)
    env = dict(os.environ)
    try:
        load_users(path)  # fail here, with the file named, rather than on the login page
        url = check_database(args.db)  # likewise a wrong --db, rather than a traceback on every page
        load_secret(path)  # the session cookies' key: made now, next to the users file, if missing
        if getattr(args, "lang", None):
            env[LANG_ENV] = normalize_lang(args.lang)
        if getattr(args, "dashboard_url", None):
            link_base = dashboard_url(args.dashboard_url)
            if link_base is None:  # a blank option: no links (not the inherited variable's either)
                env.pop(DASHBOARD_URL_ENV, None)
            else:
                env[DASHBOARD_URL_ENV] = link_base
        engine = make_engine(url)
        try:
            init_db(engine)  # the sign-in log must exist before the first sign-in
        finally:
            engine.dispose()
    except (AuthConfigError, DatabaseUnavailable, SessionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    env.update(AUDIT_DB_URL=url, AUDIT_USERS_FILE=str(path.resolve()))
    command = streamlit_command(getattr(args, "streamlit_args", []))
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 130
