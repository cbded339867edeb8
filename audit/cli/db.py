"""``audit db``: database maintenance."""

from __future__ import annotations

from audit.cli.common import DB_HELP, init_engine


def add_parser(sub) -> None:
    """Register ``db`` (``db upgrade``) on the ``audit`` subparsers."""
    p = sub.add_parser("db", help="database maintenance")
    dsub = p.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help="create or migrate the schema to the newest revision")
    up.add_argument("--db", help=DB_HELP)
    up.set_defaults(func=cmd_db_upgrade)


def cmd_db_upgrade(args) -> int:
    """Create or migrate the schema (``audit db upgrade``); returns 0."""
    from audit.storage import database_url, masked

    init_engine(args.db)
    print(f"schema up to date: {masked(database_url(args.db))}")  # the terminal is no place for the password
    return 0
