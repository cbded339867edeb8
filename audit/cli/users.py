"""``audit users``: manage dashboard users (hashed passwords, roles) in the users file.

The file format, the password hashing and the checks live in :mod:`audit.auth`; this module only
asks for the password and reports.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from audit.auth import ROLES, AuthConfigError, add_user, users_file
from audit.settings import DEFAULT_USERS_FILE


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``audit users add`` on the CLI's subparsers."""
    parser = subparsers.add_parser("users", help="manage dashboard users (hashed passwords, roles)")
    sub = parser.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="add or replace a user; asks for the password")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", help="team a team_lead leads")
    add.add_argument("--agent-id", help="agent id of an agent user")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--see-pii", action=argparse.BooleanOptionalAction, default=None,
                     help="show phone/ID/bank-card numbers unmasked (default: admin only)")
    add.add_argument("--lang", help="the user's dashboard language: zh-CN (default) or en")
    add.add_argument("--email", help="the company sign-in (OIDC) account of this user (docs/auth.md)")
    add.add_argument("--users", help=f"users file (.toml or .yaml; default $AUDIT_USERS_FILE or {DEFAULT_USERS_FILE})")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``audit users ...``; returns the exit status."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.username}: ")
        if password != getpass.getpass("again: "):
            print("passwords differ; nothing written", file=sys.stderr)
            return 1
    if not password:
        print("empty password; nothing written", file=sys.stderr)
        return 1
    try:
        user = add_user(args.users, args.username, password, role=args.role, team=args.team,
                        agent_id=args.agent_id, name=args.name, see_pii=args.see_pii, lang=args.lang,
                        email=args.email)
    except AuthConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"user {user.username} ({user.role}) written to {users_file(args.users)}")
    return 0
