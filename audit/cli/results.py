"""``audit transcripts`` and ``audit findings``: print what the database holds."""

from __future__ import annotations

import json

from audit.cli.common import DB_HELP, init_engine


def add_parser(sub) -> None:
    """Register ``transcripts`` and ``findings`` on the ``audit`` subparsers."""
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


def cmd_transcripts(args) -> int:
    """Print the stored transcripts (``audit transcripts``); returns 0."""
    from sqlmodel import Session, col, select

    from audit import models

    engine = init_engine(args.db)
    with Session(engine) as session:
        query = select(models.Segment).order_by(col(models.Segment.call_id), col(models.Segment.idx))
        if args.call_id:
            query = query.where(col(models.Segment.call_id).in_(args.call_id))
        for seg in session.exec(query):
            if args.format == "jsonl":
                print(json.dumps({"call_id": seg.call_id, "speaker": seg.speaker, "role": seg.role,
                                  "agent_id": seg.agent_id, "start": seg.start, "end": seg.end, "text": seg.text},
                                 ensure_ascii=False))
            else:
                print(f"{seg.call_id} [{seg.start:7.2f}-{seg.end:7.2f}] {seg.role:11s} {seg.speaker:8s} {seg.text}")
    return 0


def finding_dict(f) -> dict:
    """A stored finding as the object ``audit findings`` prints."""
    return {"call_id": f.call_id, "rule_id": f.rule_id, "category": f.category, "severity": f.severity,
            "speaker": f.speaker, "role": f.role, "agent_id": f.agent_id, "start": f.start, "end": f.end,
            "evidence": f.evidence,
            "title": f.title, "citation": f.citation, "detector": f.detector, "confidence": f.confidence,
            "review_status": f.review_status}


def cmd_findings(args) -> int:
    """Print the stored findings (``audit findings``); returns 0."""
    from sqlmodel import Session, col, select

    from audit import models

    engine = init_engine(args.db)
    with Session(engine) as session:
        query = select(models.Finding).order_by(col(models.Finding.call_id), col(models.Finding.start),
                                                col(models.Finding.id))
        if args.call_id:
            query = query.where(col(models.Finding.call_id).in_(args.call_id))
        if args.category:
            query = query.where(col(models.Finding.category).in_(args.category))
        rows = [finding_dict(f) for f in session.exec(query)]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.format == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        for r in rows:
            when = f"{r['start']:.1f}-{r['end']:.1f}s" if r["start"] is not None else "contact"
            print(f"{r['call_id']} {r['severity']:8s} {r['category']:24s} {r['rule_id']:16s} {when:14s} "
                  f"{r['evidence']}")
    return 0
