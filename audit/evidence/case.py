"""A case pack: every contact to one debtor, or on one case, with the timeline, under one manifest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from audit.evidence.clips import CLIP_PADDING_S, Decoder
from audit.evidence.contact import contact_members
from audit.evidence.pack import EvidenceError, PackInfo, pack_filename, to_json, write_pack
from audit.evidence.records import session_of
from audit.evidence.redaction import REDACTION_NOTE, text_filter


def export_case_pack(
    engine: Engine | Session,
    out_zip: str | Path,
    *,
    debtor_id: str | None = None,
    case_id: str | None = None,
    scope=None,
    audio_root: str | Path | None = None,
    decoder: Decoder | None = None,
    clip_padding_s: float = CLIP_PADDING_S,
    redact: bool = False,
    dashboard_url: str | None = None,
) -> PackInfo:
    """Write one evidence pack for a whole case (or every contact to a debtor) to ``out_zip``.

    Each contact's files are those of :func:`audit.evidence.export_pack`, under ``contacts/<call_id>/``; the
    pack adds ``case.json`` (the debtor, the cases, the timeline: every contact with its time,
    agent, team, agency, outcome and findings, and the dial attempts per day) and
    ``timeline.txt``, and one manifest over everything, which :func:`audit.evidence.verify_pack` checks.

    Args:
        debtor_id: every contact to this debtor; or
        case_id: every contact on this case.
        scope: an :class:`audit.read.scope.Scope`: only the contacts it may see (the dashboard).
        audio_root, decoder, clip_padding_s, redact, dashboard_url: as for
            :func:`audit.evidence.export_pack`, for every contact.

    Raises:
        EvidenceError: neither or both ids given, no contact found, or a recording is missing or
            changed (the message names the contact), or one must be decoded and no ``decoder``
            was passed.
    """
    from audit.links import timeline_link
    from audit.read.scope import Scope
    from audit.read.timeline import debtor_timeline

    if (debtor_id is None) == (case_id is None):
        raise EvidenceError("give a debtor id (--debtor) or a case id (--case), not both")
    subject = f"debtor {debtor_id}" if debtor_id is not None else f"case {case_id}"
    with session_of(engine) as s:
        timeline = debtor_timeline(s, scope or Scope(), debtor_id=debtor_id, case_id=case_id, limit=100_000)
        if not timeline:
            raise EvidenceError(f"{subject}: no contact in the database; check the id and --db")
        files: dict[str, bytes] = {}
        warnings: list[str] = []
        clips = 0
        folders: dict[str, str] = {}
        for c in timeline:
            folder = f"contacts/{pack_filename(c.call_id)[:-4]}"
            folders[c.call_id] = folder
            members = contact_members(s, c.call_id, audio_root, clip_padding_s=clip_padding_s, decoder=decoder,
                                      redact=redact, dashboard_url=dashboard_url)
            files.update({f"{folder}/{name}": data for name, data in members.files.items()})
            warnings += members.warnings
            clips += members.clips
    per_day = Counter(c.started_at.date().isoformat() for c in timeline if c.kind == "call")
    mask = text_filter(redact)
    case = {
        "subject": {"debtor_id": debtor_id, "case_id": case_id},
        "debtors": sorted({c.debtor_id for c in timeline}),
        "cases": sorted({c.case_id for c in timeline if c.case_id}),
        "redacted": redact,
        **(
            {"link": timeline_link(dashboard_url, debtor_id=debtor_id, case_id=case_id)}
            if dashboard_url
            else {}
        ),
        "dial_attempts_per_day": dict(sorted(per_day.items())),
        "contacts": [
            {
                "call_id": c.call_id,
                "folder": folders[c.call_id],
                "started_at": c.started_at.isoformat(),
                "kind": c.kind,
                "outcome": c.outcome,
                "talk_seconds": c.talk_seconds,
                "agent_id": c.agent_id,
                "agent_name": c.agent_name,
                "team": c.team,
                "agency": c.agency,
                "creditor": c.creditor,
                "case_id": c.case_id,
                "debtor_id": c.debtor_id,
                "contact_role": c.contact_role,
                "phone": mask(c.phone) if c.phone else c.phone,
                "status": c.status,
                "score": c.score,
                "passed": c.passed,
                "findings": [
                    {
                        "rule_id": f.rule_id,
                        "category": f.category,
                        "severity": f.severity,
                        "review_status": f.review_status,
                        "start": f.start,
                        "evidence": mask(f.evidence),
                    }
                    for f in c.findings
                ],
            }
            for c in timeline
        ],
    }
    files["case.json"] = to_json(case)
    lines = [f"案件时间线 case timeline: {subject}", f"联系次数 contacts: {len(timeline)}", ""]
    for c in timeline:
        found = "; ".join(f"{f.rule_id}({f.severity}, {f.review_status})" for f in c.findings) or "—"
        lines.append(
            f"{c.started_at:%Y-%m-%d %H:%M}  {c.call_id}  {c.kind}/{c.outcome}  {c.agent_id} {c.team} "
            f"{c.agency}  {found}"
        )
    lines += ["", "每日拨打次数 dial attempts per day:"] + [f"  {d}: {n}" for d, n in sorted(per_day.items())]
    files["timeline.txt"] = ("\n".join(lines) + "\n").encode("utf-8")
    if redact:
        files["REDACTION.txt"] = REDACTION_NOTE.encode("utf-8")
    header = {"debtor_id": debtor_id, "case_id": case_id, "contacts": len(timeline), "redacted": redact}
    return write_pack(out_zip, files, header, warnings, clips, subject)
