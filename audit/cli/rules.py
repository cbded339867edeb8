"""``audit rules``: list, validate, try and measure rule packs.

``audit rules test`` is the contract external checks use: utterances one per line (FILE or
stdin), each judged as said by ``--role`` to a person of ``--contact-role``; one JSON object per
line with ``text``, ``categories`` and ``rule_ids`` (what the pack reports), and, for a pack
whose learned model is on, ``suspected`` (the categories the model only suspects). Only line
rules apply to a single line.

``audit rules eval FILE`` judges labelled lines (JSONL or CSV, see :mod:`audit.rules.labelled`)
the same way, as said by the collector, and prints precision and recall per category, the share
of violations caught, the false-alarm rate on compliant lines, and the misses and false alarms
(:mod:`audit.rules.measure`).
"""

from __future__ import annotations

import argparse
import json
import sys

from audit.rules import PackError, RulePack, load_pack
from audit.rules.labelled import LabelledFileError, read_labelled
from audit.schema import CONTACT_ROLES, Role


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``rules`` with its sub-commands on an ``audit`` sub-parser collection."""
    parser = subparsers.add_parser("rules", help="list, validate and try compliance rule packs")
    sub = parser.add_subparsers(dest="rules_command", required=True)

    p_list = sub.add_parser("list", help="list the rules of a pack")
    p_list.add_argument("--pack", help="rule pack YAML (default: the built-in Chinese pack)")
    p_list.add_argument("--format", choices=("table", "json"), default="table")

    p_val = sub.add_parser("validate", help="validate a rule pack file")
    p_val.add_argument("file", help="rule pack YAML")

    p_test = sub.add_parser("test", help="judge utterances, one per line, and print JSON lines")
    p_test.add_argument("--pack", help="rule pack YAML (default: the built-in Chinese pack)")
    p_test.add_argument("--role", default=Role.AGENT.value, choices=[r.value for r in Role],
                        help="who says each line (default: agent)")
    p_test.add_argument("--contact-role", default=Role.DEBTOR.value, choices=CONTACT_ROLES,
                        help="who the line is said to (default: debtor)")
    p_test.add_argument("--kind", default="call", choices=("call", "visit"))
    p_test.add_argument("file", nargs="?", help="UTF-8 text file (default: stdin)")

    p_eval = sub.add_parser("eval", help="measure a pack on labelled lines (precision, recall, misses)")
    p_eval.add_argument("file", help="labelled lines: JSONL or CSV with text, category, optional contact_role")
    p_eval.add_argument("--pack", help="rule pack YAML (default: the built-in Chinese pack)")
    p_eval.add_argument("--kind", default="call", choices=("call", "visit"))
    p_eval.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``audit rules …``; returns the exit status."""
    try:
        if args.rules_command == "validate":
            pack = load_pack(args.file)
            print(f"{args.file}: OK, {len(pack.rules)} rules, version {pack.version}")
            return 0
        pack = load_pack(args.pack)
        lines = read_labelled(args.file) if args.rules_command == "eval" else None
    except (PackError, LabelledFileError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if lines is not None:
        return _eval(pack, lines, args)
    if args.rules_command == "list":
        if args.format == "json":
            rows = [{"id": r.id, "category": r.category.value, "severity": r.severity.value,
                     "detector": r.detector.type, "title_zh": r.title_zh, "title_en": r.title_en,
                     "citation": str(r.citation)} for r in pack.rules]
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            print(f"# {pack.source} (version {pack.version})")
            for r in pack.rules:
                print(f"{r.id:<22} {r.category.value:<24} {r.severity.value:<9} {r.detector.type:<20} {r.title_zh}")
        return 0
    stream = open(args.file, encoding="utf-8-sig") if args.file else sys.stdin
    try:
        for line in stream:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            verdict = pack.judge(text, role=args.role, contact_role=args.contact_role, kind=args.kind)
            row = {"text": text, "categories": verdict.categories, "rule_ids": verdict.rule_ids}
            if pack.has_model:
                row["suspected"] = verdict.suspected
            print(json.dumps(row, ensure_ascii=False), flush=False)
    finally:
        if args.file:
            stream.close()
    sys.stdout.flush()
    return 0


def _eval(pack: RulePack, lines: list, args: argparse.Namespace) -> int:
    from audit.rules.measure import evaluate, format_text

    report = evaluate(pack, lines, kind=args.kind)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(format_text(report, args.file))
    return 0
