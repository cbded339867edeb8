"""One contact's pack: its files (recording, clips, transcript, findings, review log, metadata)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast, overload

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from audit import models
from audit.evidence.clips import CLIP_PADDING_S, Decoder, cut_clips, decode, duration_of, wav_bytes
from audit.evidence.pack import PackInfo, safe_name, to_json, write_pack
from audit.evidence.records import load_record, open_recording, session_of
from audit.evidence.redaction import REDACTION_NOTE, beep, spoken_numbers, text_filter
from audit.masking import mask_name

ROLE_LABELS = {"agent": "坐席", "debtor": "债务人", "relative": "亲属", "third_party": "第三方"}


@overload
def _row(obj: None) -> None: ...
@overload
def _row(obj: SQLModel) -> dict[str, Any]: ...
def _row(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else obj.model_dump()


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--.-"
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def _rule_pack_info(version: str | None) -> dict[str, Any]:
    """The stored version, and whether the installed default pack is that version."""
    info: dict[str, Any] = {"rule_pack_version": version}
    try:
        from audit.rules import load_pack  # optional: the rules package may change shape
    except ImportError:
        return info
    try:
        pack = load_pack()
    except Exception as exc:  # a broken pack must not block exporting evidence
        info["installed_default_pack"] = f"could not be loaded: {exc}"
        return info
    installed = getattr(pack, "version", None)
    info["installed_default_pack_version"] = installed
    info["installed_default_pack_matches"] = installed == version
    return info


def _transcript_txt(
    contact: models.Contact,
    segments: list[models.Segment],
    *,
    link: str | None = None,
    finding_links: dict[int, str] | None = None,
    findings: list[models.Finding] | None = None,
) -> str:
    lines = [
        f"通话编号 call_id: {contact.call_id}",
        f"类型 kind: {contact.kind}    开始 started_at: {contact.started_at.isoformat()}",
        f"坐席 agent: {contact.agent_id}    录音 audio: {contact.audio_path or '无'}",
    ]
    if link:
        lines.append(f"在仪表盘中打开 open in the dashboard: {link}")
    lines.append("")
    timed = [f for f in findings or [] if f.start is not None and f.id in (finding_links or {})]
    for seg in segments:
        who = ROLE_LABELS.get(seg.role, seg.role)
        lines.append(f"[{_clock(seg.start)}–{_clock(seg.end)}] {who}（{seg.speaker}）：{seg.text}")
        for f in timed:
            assert f.start is not None and f.id is not None and finding_links is not None  # as timed was picked
            if seg.start - 0.05 <= f.start < seg.end + 0.05:
                lines.append(f"    ↳ {f.rule_id} ({f.severity}) {finding_links[f.id]}")
    if not segments:
        lines.append("（无转写）")
    return "\n".join(lines) + "\n"


@dataclass
class Members:
    """The files of one contact's pack (before the manifest), and what to say about them."""

    files: dict[str, bytes]
    warnings: list[str]
    clips: int
    contact: models.Contact
    findings: list[models.Finding]


def contact_members(s: Session, call_id: str, audio_root: str | Path | None, *, clip_padding_s: float,
                    decoder: Decoder | None, redact: bool = False, dashboard_url: str | None = None) -> Members:
    """Everything :func:`export_pack` packs for one contact (see :mod:`audit.evidence`)."""
    from audit.links import call_link

    record = load_record(s, call_id)
    contact, segments, findings = record.contact, record.segments, record.findings
    text = text_filter(redact)

    files: dict[str, bytes] = {}
    warnings: list[str] = []
    clip_of: dict[int, str] = {}
    beeped: list[tuple[float, float]] = []
    if contact.audio_path and not contact.audio_sha256 and contact.status != "audited":
        # A failed audit stores the path it tried but no SHA-256: nothing vouches for those bytes.
        warnings.append(f"{call_id} was not audited (status {contact.status}), so no SHA-256 vouches for "
                        f"recording {contact.audio_path!r}: it is not packed, metadata findings only")
    elif contact.audio_path:
        audio_path, raw = open_recording(contact, record.run, audio_root)
        # The name as stored, made safe: it comes from a manifest and becomes a path when unpacked.
        name = safe_name(Path(contact.audio_path).name, "recording.wav")
        timed = [f for f in findings if f.start is not None]
        if redact:
            beeped = spoken_numbers(segments)
        audio = None
        if timed or redact:  # decoding is slow: only when a clip or a beep needs the samples
            audio = decode(decoder, audio_path, contact.audio_sha256, call_id)
            for start, end in beeped:
                beep(audio.samples, start, end, audio.rate)
        if redact:
            assert audio is not None  # decoded above
            files[f"audio/{Path(name).stem or 'recording'}.redacted.wav"] = wav_bytes(
                audio.samples, audio.rate, 0.0, duration_of(audio))
        else:
            files[f"audio/{name}"] = raw
        if timed:
            assert audio is not None  # decoded above
            clip_of = cut_clips(audio, timed, clip_padding_s, files, warnings)
    else:
        warnings.append(f"{call_id} has no recording (status {contact.status}): metadata findings only")

    # stored rows have ids, and with a dashboard address call_link always makes a link
    finding_links = cast("dict[int, str]",
                         {f.id: call_link(dashboard_url, call_id, f.start) for f in findings if dashboard_url})
    files["transcript.json"] = to_json(
        {
            "call_id": call_id,
            "segments": [
                {
                    **{
                        k: seg.model_dump()[k]
                        for k in ("idx", "speaker", "role", "start", "end", "confidence", "channel")
                    },
                    "text": text(seg.text),
                }
                for seg in segments
            ],
            **({"redacted_audio": [{"start": a, "end": b} for a, b in beeped]} if redact else {}),
        }
    )
    shown_segments = [seg.model_copy(update={"text": text(seg.text)}) for seg in segments]
    files["transcript.txt"] = _transcript_txt(contact, shown_segments, link=call_link(dashboard_url, call_id),
                                              finding_links=finding_links, findings=findings).encode("utf-8")
    files["findings.json"] = to_json([
        {**{k: v for k, v in f.model_dump().items()},
         "evidence": text(f.evidence), "review_reason": f.review_reason and text(f.review_reason),
         "clip": clip_of.get(cast(int, f.id)), **({"link": finding_links[f.id]} if f.id in finding_links else {})}
        for f in findings
    ])
    files["review_log.json"] = to_json(
        [dict(r.model_dump(), reason=r.reason and text(r.reason)) for r in record.reviews]
    )
    contact_row = _row(contact)
    if redact:
        contact_row["phone"] = text(contact.phone) if contact.phone else contact.phone
        if contact.debtor_name:  # the debtor's name from the log: the surname only (陈*)
            contact_row["debtor_name"] = mask_name(contact.debtor_name)
        contact_row["original_audio_sha256"] = contact.audio_sha256
    files["contact.json"] = to_json({"contact": contact_row, "agent": _row(record.agent), "case": _row(record.case),
                                     **({"link": call_link(dashboard_url, call_id)} if dashboard_url else {})})
    files["rule_pack.json"] = to_json({**_rule_pack_info(contact.rule_pack_version), "audit_run": _row(record.run)})
    if redact:
        files["REDACTION.txt"] = REDACTION_NOTE.encode("utf-8")
    return Members(files, warnings, len(clip_of), contact, findings)


def export_pack(
    engine: Engine | Session,
    call_id: str,
    out_zip: str | Path,
    audio_root: str | Path | None = None,
    *,
    decoder: Decoder | None = None,
    clip_padding_s: float = CLIP_PADDING_S,
    redact: bool = False,
    dashboard_url: str | None = None,
) -> PackInfo:
    """Write the evidence pack of ``call_id`` to ``out_zip``.

    Args:
        engine: the audit database (engine or session).
        call_id: the contact to export.
        out_zip: the zip to write (parent folders are created; an existing file is replaced).
        audio_root: folder that relative ``audio_path`` values are under; default the input
            directory of the audit run that stored the contact. The recording must lie inside
            that input directory or inside ``audio_root`` and have the audited SHA-256.
        decoder: decodes the recording for the clips and the beeps, normally
            :func:`pipelines.audio.load_audio`; needed only when the contact has a timed
            finding or ``redact`` is set (see :mod:`audit.evidence` for why it is passed in).
        clip_padding_s: seconds of audio kept before and after each finding in its clip.
        redact: a pack to send out: personal numbers masked in the text and beeped in the audio
            (whole segments, see :data:`audit.evidence.redaction.REDACTION_NOTE`); the recording
            is re-encoded as WAV.
        dashboard_url: the dashboard's address; the transcript and findings then link to the
            call at each finding's second (:mod:`audit.links`).

    Raises:
        EvidenceError: unknown call id, the recording is missing, outside the folder its
            audit run read (and ``audio_root``), or it no longer has the SHA-256 recorded when it
            was audited; or it must be decoded and no ``decoder`` was passed.
    """
    with session_of(engine) as s:
        members = contact_members(s, call_id, audio_root, clip_padding_s=clip_padding_s, decoder=decoder,
                                  redact=redact, dashboard_url=dashboard_url)
    return write_pack(out_zip, members.files, {"call_id": call_id, "redacted": redact}, members.warnings,
                      members.clips, call_id)
