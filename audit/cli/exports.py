"""``audit scorecards`` and ``audit evidence``: the command-line side of the exports.

:mod:`audit.cli` registers these with :func:`add_parser`; each parsed command calls
:func:`run`, which returns the exit status (0 ok, 1 an evidence pack failed verification,
2 the request could not be done: bad arguments, unknown call id, missing recording).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from audit.exports import FORMATS


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def add_parser(subparsers) -> None:
    """Register ``scorecards`` and ``evidence`` on an ``argparse`` subparsers object."""
    sc = subparsers.add_parser(
        "scorecards", help="per-agent scorecards as CSV, Excel or PDF",
        description="Per-agent scorecards over a period (dismissed findings never count against the agent).",
    )
    sc.add_argument("--db", help="database URL (default: AUDIT_DB_URL, else sqlite:///audit.db)")
    when = sc.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", metavar="YYYY-MM", help="a calendar month")
    when.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="first day (with --to)")
    sc.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="last day, included")
    sc.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
    sc.add_argument("--out", required=True, type=Path, help="file to write")
    sc.add_argument("--team", help="only this team")
    sc.add_argument("--agency", help="only this agency")
    sc.add_argument("--tz", default="Asia/Shanghai", help="time zone the days are counted in (default %(default)s)")
    sc.add_argument("--lang", help="the file's language: zh-CN (default, or $AUDIT_LANG) or en")
    sc.add_argument(
        "--dashboard-url",
        help="the dashboard's address (https://…): the PDF's worst findings link to "
        "each call at the finding's second (default: $AUDIT_DASHBOARD_URL)",
    )
    sc.set_defaults(func=run, export_command="scorecards")

    ev = subparsers.add_parser("evidence", help="export or verify a tamper-evident evidence pack")
    ev_sub = ev.add_subparsers(dest="evidence_command", required=True)
    ex = ev_sub.add_parser(
        "export",
        help="write the evidence pack of one contact, or of a whole case",
        description="Write the evidence pack of one contact (CALL_ID), or one pack of every "
        "contact on a case (--case) or to a debtor (--debtor).",
    )
    ex.add_argument("call_id", nargs="?", help="the contact (or give --case / --debtor)")
    ex.add_argument(
        "--case", dest="case_id", metavar="CASE_ID", help="every contact on this case, in one pack"
    )
    ex.add_argument(
        "--debtor", dest="debtor_id", metavar="DEBTOR_ID", help="every contact to this debtor, in one pack"
    )
    ex.add_argument("--db", help="database URL (default: AUDIT_DB_URL, else sqlite:///audit.db)")
    ex.add_argument("--out", required=True, type=Path, help="PACK.zip to write")
    ex.add_argument("--audio-root", type=Path,
                    help="folder relative audio paths are under (default: the audit run's input directory)")
    ex.add_argument(
        "--redact",
        action="store_true",
        help="a pack to send out: phone, ID and bank-card numbers masked in the text and beeped in the "
        "audio (the whole transcript segment that holds one; recordings re-encoded as WAV)",
    )
    ex.add_argument(
        "--dashboard-url",
        help="the dashboard's address (https://…): the transcript and findings link "
        "to each call at the finding's second (default: $AUDIT_DASHBOARD_URL)",
    )
    ex.set_defaults(func=run, export_command="evidence")
    ve = ev_sub.add_parser("verify", help="check every byte of a pack against its SHA-256 manifest")
    ve.add_argument("pack", type=Path)
    ve.set_defaults(func=run, export_command="evidence")


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``scorecards`` or ``evidence`` command; returns the exit status."""
    try:
        if args.export_command == "scorecards":
            return _scorecards(args)
        if args.evidence_command == "export":
            return _evidence_export(args)
        return _evidence_verify(args)
    except (ValueError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _scorecards(args) -> int:
    from audit.exports import build_report, write_report
    from audit.links import dashboard_url
    from audit.read.scope import Period
    from audit.storage import make_engine

    if args.period:
        if args.end:
            raise ValueError("--to goes with --from, not with --period")
        period = Period.month(args.period)
    else:
        if not args.end:
            raise ValueError("--from needs --to (the last day, included)")
        period = Period(args.start, args.end)
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot tell the format from {args.out.name!r}; pass --format {'|'.join(FORMATS)}")
    engine = make_engine(args.db)
    try:
        report = build_report(
            engine,
            period.start,
            period.end,
            team=args.team,
            agency=args.agency,
            tz=args.tz,
            details=fmt == "pdf",
            lang=args.lang,
            dashboard_url=dashboard_url(args.dashboard_url),
        )
        write_report(report, fmt, args.out)
    finally:
        engine.dispose()
    print(f"{len(report.cards)} agent scorecard(s), {period}, filter {report.filters_text()}: wrote {args.out}")
    return 0


def _evidence_export(args) -> int:
    from audit.evidence import EvidenceError, export_case_pack, export_pack
    from audit.links import dashboard_url
    from audit.storage import make_engine
    from pipelines.audio import load_audio  # the decoder for clips and beeps: audit decodes no audio

    chosen = [x for x in (args.call_id, args.case_id, args.debtor_id) if x]
    if len(chosen) != 1:
        raise ValueError("give one CALL_ID, or --case CASE_ID, or --debtor DEBTOR_ID")
    link = dashboard_url(args.dashboard_url)
    engine = make_engine(args.db)
    try:
        if args.call_id:
            info = export_pack(engine, args.call_id, args.out, audio_root=args.audio_root, decoder=load_audio,
                               redact=args.redact, dashboard_url=link)
        else:
            info = export_case_pack(engine, args.out, debtor_id=args.debtor_id, case_id=args.case_id,
                                    audio_root=args.audio_root, decoder=load_audio, redact=args.redact,
                                    dashboard_url=link)
    except EvidenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for warning in info.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {info.path}: {len(info.files)} files, {info.clips} clip(s); pack SHA-256 {info.sha256}")
    return 0


def _evidence_verify(args) -> int:
    from audit.evidence import verify_pack

    problems = verify_pack(args.pack)
    if problems:
        for problem in problems:
            print(f"FAILED {problem}")
        print(f"{args.pack}: {len(problems)} problem(s); the pack is not as exported", file=sys.stderr)
        return 1
    print(f"OK {args.pack}: every file matches its SHA-256")
    return 0
