"""``audit batch`` and ``audit nightly``: audit a folder of recordings (or one day's folder)
with :func:`pipelines.batch.run_batch` and print the run's summary."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from audit.cli.common import DB_HELP, add_engine_options, init_engine, pipeline_options


def add_parser(sub) -> None:
    """Register ``batch`` and ``nightly`` on the ``audit`` subparsers."""
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


def _add_batch_options(parser: argparse.ArgumentParser) -> None:
    from pipelines.batch import EXECUTORS

    parser.add_argument("--db", help=DB_HELP)
    add_engine_options(parser)
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
    parser.add_argument("--voices", action=argparse.BooleanOptionalAction, default=True,
                        help="collector voiceprints: enroll from the collector channel of stereo calls (audited "
                             "first), identify collector voices on mono calls and visits (default: on)")


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
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from audit import models

    with Session(engine) as session:
        by_cat = session.exec(select(col(models.Finding.category), func.count())
                              .group_by(col(models.Finding.category)).order_by(func.count().desc())).all()
        contacts = session.exec(select(func.count()).select_from(models.Contact)).one()
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

    engine = init_engine(args.db)
    executor = (get_executor("ray", workers=args.workers, address=args.ray_address, gpus=args.gpus_per_worker)
                if args.executor == "ray" else get_executor("local", workers=args.workers))
    progress = _Progress(not args.no_progress and sys.stderr.isatty())
    try:
        summary = run_batch(engine, input_dir, options=pipeline_options(args), pack_path=args.pack,
                            force=args.force, executor=executor, progress=progress, on_plan=progress.plan,
                            low_memory=args.low_memory, voices=args.voices)
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        progress.close()
    _print_summary(summary, engine)
    return 0 if summary.ok else 1


def cmd_batch(args) -> int:
    """Run ``audit batch``; returns 0 when every row was audited, 1 when some failed, 2 on bad input."""
    if not args.input_dir.is_dir():
        print(f"error: {args.input_dir} is not a folder", file=sys.stderr)
        return 2
    return _run_batch(args, args.input_dir)


def cmd_nightly(args) -> int:
    """Run ``audit nightly``; returns as :func:`cmd_batch`, or 3 when another run holds the day's lock."""
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
