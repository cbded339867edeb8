"""``audit eval``: audit the labelled corpus into a temporary database and score it."""

from __future__ import annotations

import json
from pathlib import Path

from audit.cli.common import add_engine_options, pipeline_options


def add_parser(sub) -> None:
    """Register ``eval`` on the ``audit`` subparsers."""
    p = sub.add_parser("eval", help="audit the labelled corpus into a temporary database and score it",
                       description="Audit CORPUS_DIR into a temporary database and print ASR character "
                                   "error rate, DER on mono recordings, role accuracy and per-category "
                                   "precision/recall, from the audio and from the truth transcripts.")
    p.add_argument("corpus_dir", type=Path)
    add_engine_options(p)
    p.add_argument("--json", dest="json_out", type=Path, help="also write the figures as JSON")
    p.add_argument("--oracle-only", action="store_true", help="only score rules on the truth transcripts")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args) -> int:
    """Score the labelled corpus (``audit eval``) and print the report; returns 0."""
    from pipelines.evaluate import evaluate_corpus, print_report

    report = evaluate_corpus(args.corpus_dir, options=pipeline_options(args), pack_path=args.pack,
                             oracle_only=args.oracle_only)
    print_report(report)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0
