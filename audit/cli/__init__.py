"""The ``audit`` command line: one root parser, one module per command group.

Each group module has an ``add_parser(subparsers)`` that registers its commands, each command's
``func`` runs it and returns the exit status. Heavy libraries (faster-whisper, torch, streamlit)
are imported only by the command that needs them, and the registries that give the engine and
executor choices only while their options are built, so ``audit --help`` is instant.

Groups: :mod:`~audit.cli.batch` (batch, nightly), :mod:`~audit.cli.watch`,
:mod:`~audit.cli.results` (transcripts, findings), :mod:`~audit.cli.evaluate` (eval),
:mod:`~audit.cli.db`, :mod:`~audit.cli.rules`, :mod:`~audit.cli.exports` (scorecards, evidence),
:mod:`~audit.cli.dashboard`, :mod:`~audit.cli.users` and :mod:`~audit.cli.voices`; options several of them share are in
:mod:`~audit.cli.common`.
"""

from __future__ import annotations

import argparse
import logging
import sys

from audit import __version__


def build_parser() -> argparse.ArgumentParser:
    """The root ``audit`` parser with every command group registered on it."""
    from audit.cli import batch, dashboard, db, evaluate, exports, results, rules, users, voices, watch

    parser = argparse.ArgumentParser(
        prog="audit",
        description="Compliance auditor for debt-collection calls and home visits: transcribe, "
                    "diarize, scan against the rule pack, store, review and export.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # in the order `audit --help` lists them
    for group in (batch, watch, results, evaluate, db, rules, exports, dashboard, users, voices):
        group.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``audit`` command line (``argv`` default: ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        # A wrong --db / AUDIT_DB_URL, or an environment variable that cannot be used, is the
        # user's to fix, not a bug: one line, exit 2. Every subcommand opens its database through
        # audit.storage and reads the environment through audit.settings, which raise these types.
        # (Imported here: `audit --help` stays free of SQLAlchemy.)
        from audit.settings import SettingsError
        from audit.storage import DatabaseUnavailable

        if not isinstance(exc, DatabaseUnavailable | SettingsError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
