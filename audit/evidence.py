"""Tamper-evident evidence packs: everything about one contact, in one zip, with SHA-256 sums.

A compliance officer answers a regulator or a complaint with a pack; anyone can later check
that not one byte changed since it was exported (:func:`verify_pack`, ``audit evidence
verify``). Layout of ``PACK.zip``::

    audio/<file as stored>          the recording, byte for byte (Contact.audio_path's file name,
                                    made safe by :func:`safe_name`)
    clips/NN_<rule>_<from>-<to>.wav a 16 kHz PCM clip around each timed finding (± CLIP_PADDING_S)
    transcript.json / .txt          the diarized, role-labelled transcript
    findings.json                   findings with rule citations, review state and clip names
    review_log.json                 who confirmed/dismissed/appealed what, and when
    contact.json                    the contact (manifest/dialer metadata), agent and case
    rule_pack.json                  the rule-pack version the contact was audited with, the run
    MANIFEST.json                   every file above: path, bytes, SHA-256
    MANIFEST.sha256                 the same in ``sha256sum`` format (``sha256sum -c`` works)

A **case pack** (:func:`export_case_pack`, ``audit evidence export --case ID`` / ``--debtor ID``)
holds every contact to one debtor or on one case: each contact's files as above under
``contacts/<call_id>/``, plus ``case.json`` and ``timeline.txt`` (every contact in time order with
agent, team, agency, outcome and findings, and the dial attempts per day), under one manifest.

A **redacted** pack (``--redact``), meant to leave the building, masks phone, ID-card and
bank-card numbers in every text (:mod:`audit.masking`) and replaces, in the audio, each
transcript segment in which one is spoken with a tone: the database keeps segment times, not
word times, so the whole segment is beeped (``REDACTION.txt`` in the pack says so). Its
recordings are re-encoded as 16 kHz WAV; ``contact.json`` keeps the original's SHA-256.

With a dashboard address (``--dashboard-url``) the transcript and the findings link to the call
at each finding's second (:mod:`audit.links`).

The zip comment records the SHA-256 of ``MANIFEST.sha256``, so a change to the manifest itself
is named too. The hashes prove integrity, not origin: keep the pack's own SHA-256 (printed on
export) in the case file, or sign it, to stop someone regenerating every hash.

A pack handed back for verification is untrusted input: :func:`verify_pack` hashes members as
streams, refuses zip bombs unread, and reports two members of one name (unzip tools disagree on
which one is shown) and names that would unpack outside the target folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from audit import models
from audit.paths import UnsafePath, is_inside, stored_recording
from audit.storage import session as open_session

CLIP_PADDING_S = 3.0
MANIFEST_SUMS = "MANIFEST.sha256"
MANIFEST_JSON = "MANIFEST.json"
PACK_FORMAT = "callaudit-evidence/1"
_COMMENT = re.compile(rb"callaudit-evidence/1 MANIFEST\.sha256=([0-9a-f]{64})")
ROLE_LABELS = {"agent": "坐席", "debtor": "债务人", "relative": "亲属", "third_party": "第三方"}


class EvidenceError(Exception):
    """An evidence pack cannot be exported; the message names the contact or file and the fix."""


@dataclass(frozen=True)
class Problem:
    """One reason a pack fails verification."""

    path: str
    kind: str  # changed | missing | extra | duplicate | unsafe | oversized | malformed | unreadable
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class PackInfo:
    """What :func:`export_pack` wrote."""

    path: Path
    sha256: str  # of the whole zip: record it in the case file
    files: dict[str, str]  # pack path -> SHA-256
    clips: int
    warnings: tuple[str, ...] = ()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, default=_jsonable) + "\n").encode("utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _row(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else obj.model_dump()


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--.-"
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def _safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", text).strip("_") or "rule"


# What a file name built from a call_id or a stored file name keeps: characters every file system
# and unzip tool takes literally (no '/', '\\', ':', NUL, newline), and CJK so Chinese ids stay
# readable. Everything else becomes '_'.
_NAME_UNSAFE = re.compile(r"[^0-9A-Za-z._\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Characters kept of a name: 60 CJK characters are 180 bytes in UTF-8, under the 255-byte limit of
# common file systems with room for the suffix.
MAX_NAME_CHARS = 60


def safe_name(text: str, default: str) -> str:
    """``text`` made into one file name that cannot leave its folder.

    A call_id or a stored file name comes from a manifest or a database row, so it may hold
    ``../``, ``/``, ``\\`` (a folder separator to Windows unzip tools) or a drive letter. Keeps
    ``[A-Za-z0-9._-]`` and CJK, writes ``_`` for the rest, folds ``..`` to ``.`` and drops leading
    dots, so the result is never empty, ``.``, ``..``, hidden or a path; ``default`` when nothing
    usable is left.
    """
    name = _NAME_UNSAFE.sub("_", text)
    name = re.sub(r"\.{2,}", ".", name)[:MAX_NAME_CHARS].lstrip(".")
    return name if name.strip("._-") else default


def pack_filename(call_id: str) -> str:
    """The file name of ``call_id``'s pack, e.g. ``T-20261102-0001.zip``: use it wherever a pack is named.

    The call_id as it is when it is already a safe name (see :func:`safe_name`); otherwise the
    safe form plus the first 8 hex digits of the call_id's SHA-256, so two ids that differ only in
    unsafe characters (``a/b`` and ``a_b``) do not overwrite each other's pack.
    """
    stem = safe_name(call_id, "contact")
    if stem != call_id:
        stem = f"{stem}-{sha256_bytes(call_id.encode('utf-8'))[:8]}"
    return f"{stem}.zip"


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member(name: str) -> str | None:
    """Why a zip member name could write outside the folder it is unpacked into, or None if it cannot.

    A pack is unpacked by whatever tool the recipient has; names that are absolute, have a drive
    letter, a ``..`` step, a backslash (Windows tools treat it as a separator) or a control
    character are refused on export and reported by :func:`verify_pack`.
    """
    if not name:
        return "empty member name"
    if any(ord(ch) < 32 or ch == "\x7f" for ch in name):
        return "member name contains a control character"
    if "\\" in name:
        return "member name contains a backslash, a folder separator to Windows unzip tools"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute member name: unpacking it would write outside the target folder"
    if ".." in name.split("/"):
        return "member name steps out of the target folder with '..'"
    return None


def _recording(contact: models.Contact, run: models.AuditRun | None,
               audio_root: str | Path | None) -> tuple[Path, bytes]:
    """The audited recording of ``contact`` and its bytes, opened only through :func:`stored_recording`.

    ``audio_path`` is a database value, and a database row can be edited or restored from
    elsewhere: packing whatever file it names would hand ``/etc/passwd`` to whoever asks for a
    pack. So the recording must lie inside the folder its audit run read (``AuditRun.input_dir``)
    or inside ``audio_root`` (an operator's ``--audio-root`` for a moved input folder), and its bytes
    must be the audited ones. A relative ``audio_path`` is taken under ``audio_root`` when given,
    else under the run's input folder.

    Raises:
        EvidenceError: no folder to look in, the path leaves its folder, the file is gone, or
            its bytes are not the audited ones; the message names the file and the fix.
    """
    call_id = contact.call_id
    input_dir = run.input_dir if run is not None and run.input_dir else None
    folders = [Path(f).resolve() for f in (audio_root, input_dir) if f is not None]
    if not folders:
        raise EvidenceError(
            f"{call_id}: no audit run records the input folder of recording {contact.audio_path!r}; "
            "pass --audio-root with the batch's input directory"
        )
    try:
        base = folders[0]
        if Path(contact.audio_path).is_absolute():
            # An absolute stored path is judged against the folder that holds it, if either does.
            real = Path(contact.audio_path).resolve()
            base = next((f for f in folders if is_inside(real, f)), folders[-1])
        path = stored_recording(contact.audio_path, str(base), contact.audio_sha256)
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise EvidenceError(
            f"{call_id}: {exc} (stored audio_path {contact.audio_path!r}); "
            "pass --audio-root with the batch's input directory"
        ) from None
    # ValueError: a NUL byte in the stored path; OSError: unreadable, a name too long, ...
    except (UnsafePath, ValueError, OSError) as exc:
        raise EvidenceError(f"{call_id}: refusing to pack the recording: {exc}") from None
    # Hash what is packed, not only what was checked: the file could be replaced in between.
    if sha256_bytes(raw) != contact.audio_sha256:
        raise EvidenceError(f"{call_id}: recording {path} changed while it was being packed; export again")
    return path, raw


def _wav_clip(samples, rate: int, start: float, end: float) -> bytes:
    """16-bit PCM WAV bytes of ``samples`` (channels, n) between ``start`` and ``end`` seconds."""
    import wave

    import numpy as np

    lo = max(0, int(start * rate))
    hi = min(samples.shape[1], max(lo + 1, int(end * rate)))
    clip = np.clip(samples[:, lo:hi], -1.0, 1.0)
    pcm = (clip.T * 32767.0).round().astype("<i2")  # interleaved frames
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(samples.shape[0])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _rule_pack_info(version: str | None) -> dict[str, Any]:
    """The stored version, and whether the installed default pack is that version."""
    info: dict[str, Any] = {"rule_pack_version": version}
    try:
        from audit.rules.pack import load_pack  # optional: the pack module may change shape
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
            if seg.start - 0.05 <= f.start < seg.end + 0.05:
                lines.append(f"    ↳ {f.rule_id} ({f.severity}) {finding_links[f.id]}")
    if not segments:
        lines.append("（无转写）")
    return "\n".join(lines) + "\n"


# A redacted pack leaves the building: numbers spoken in it are beeped in the audio, from the
# times the database holds. Only segment times are stored (no word times), so the whole
# segment that contains a number is beeped, not just the digits; REDACTION.txt says so.
BEEP_HZ = 1000.0
BEEP_LEVEL = 0.3  # about -10 dBFS
REDACTION_NOTE = (
    "本证据包已脱敏（--redact）：转写、违规证据和复核理由中的手机号、身份证号和银行卡号已打码；"
    "录音中说出这些号码的整段语音（按转写分段的起止时间，数据库不保存逐字时间）已替换为提示音，"
    "因此提示音可能比号码本身更长。录音为脱敏后重新编码的 16 kHz WAV，"
    "原始录音的 SHA-256 记录在 contact.json 中。\n"
    "This pack is redacted (--redact): phone, ID-card and bank-card numbers are masked in the "
    "transcript, the findings' evidence and the review reasons; in the audio, each transcript "
    "segment in which such a number is spoken is replaced by a beep over its whole length (the "
    "database stores segment times, not word times, so the beep can be longer than the number). "
    "The audio is re-encoded as 16 kHz WAV after redaction; the original recording's SHA-256 is "
    "in contact.json.\n"
)


def _beep(samples, start: float, end: float, rate: int) -> None:
    """Replace ``samples[:, start:end]`` (seconds) with a tone, in place."""
    import numpy as np

    lo, hi = max(0, int(start * rate)), min(samples.shape[1], int(np.ceil(end * rate)))
    if hi <= lo:
        return
    t = np.arange(hi - lo, dtype=np.float32) / rate
    samples[:, lo:hi] = (BEEP_LEVEL * np.sin(2 * np.pi * BEEP_HZ * t)).astype(samples.dtype)


@dataclass
class _Members:
    """The files of one contact's pack (before the manifest), and what to say about them."""

    files: dict[str, bytes]
    warnings: list[str]
    clips: int
    contact: models.Contact
    findings: list[models.Finding]


def _contact_members(s: Session, call_id: str, audio_root: str | Path | None, *, clip_padding_s: float,
                     redact: bool = False, dashboard_url: str | None = None) -> _Members:
    """Everything :func:`export_pack` packs for one contact (see the module docstring)."""
    from audit.links import call_link
    from audit.masking import find_pii, mask_pii

    contact = s.get(models.Contact, call_id)
    if contact is None:
        raise EvidenceError(
            f"call_id {call_id!r} is not in the database; check the id (audit findings lists them) and --db"
        )
    agent = s.get(models.Agent, contact.agent_id)
    case = s.get(models.Case, contact.case_id) if contact.case_id else None
    run = s.get(models.AuditRun, contact.run_id) if contact.run_id else None
    segments = list(
        s.exec(
            select(models.Segment)
            .where(models.Segment.call_id == call_id)
            .order_by(models.Segment.idx, models.Segment.start)
        ).all()
    )
    findings = list(
        s.exec(
            select(models.Finding)
            .where(models.Finding.call_id == call_id)
            .order_by(
                sa.case((models.Finding.start.is_(None), 1), else_=0), models.Finding.start, models.Finding.id
            )
        ).all()
    )
    reviews = list(
        s.exec(
            select(models.ReviewLog)
            .where(models.ReviewLog.call_id == call_id)
            .order_by(models.ReviewLog.at, models.ReviewLog.id)
        ).all()
    )
    text = mask_pii if redact else (lambda value: value)

    files: dict[str, bytes] = {}
    warnings: list[str] = []
    clip_of: dict[int, str] = {}
    beeped: list[tuple[float, float]] = []
    if contact.audio_path and not contact.audio_sha256 and contact.status != "audited":
        # A failed audit stores the path it tried but no SHA-256: nothing vouches for those bytes.
        warnings.append(f"{call_id} was not audited (status {contact.status}), so no SHA-256 vouches for "
                        f"recording {contact.audio_path!r}: it is not packed, metadata findings only")
    elif contact.audio_path:
        audio_file, raw = _recording(contact, run, audio_root)
        digest = contact.audio_sha256
        # The name as stored, made safe: it comes from a manifest and becomes a path when unpacked.
        name = safe_name(Path(contact.audio_path).name, "recording.wav")
        timed = [f for f in findings if f.start is not None]
        if redact:
            beeped = [(seg.start, seg.end) for seg in segments if find_pii(seg.text)]
        audio = None
        if timed or redact:
            from pipelines.audio import SAMPLE_RATE, load_audio  # heavy (PyAV, numpy): only when needed

            audio = load_audio(audio_file, sha256=digest)
            if redact:
                for start, end in beeped:
                    _beep(audio.samples, start, end, SAMPLE_RATE)
        if redact:
            files[f"audio/{Path(name).stem or 'recording'}.redacted.wav"] = _wav_clip(
                audio.samples, SAMPLE_RATE, 0.0, audio.duration)
        else:
            files[f"audio/{name}"] = raw
        for n, f in enumerate(timed, start=1):
            start = max(0.0, f.start - clip_padding_s)
            end = min(audio.duration, (f.end if f.end is not None else f.start) + clip_padding_s)
            if end <= start:
                warnings.append(
                    f"finding {f.id} ({f.rule_id}) at {f.start:.1f}s is past the end of the recording"
                )
                continue
            clip = f"clips/{n:02d}_{_safe(f.rule_id)}_{start:07.2f}-{end:07.2f}.wav"
            files[clip] = _wav_clip(audio.samples, SAMPLE_RATE, start, end)
            clip_of[f.id] = clip
    else:
        warnings.append(f"{call_id} has no recording (status {contact.status}): metadata findings only")

    finding_links = {f.id: call_link(dashboard_url, call_id, f.start) for f in findings if dashboard_url}
    files["transcript.json"] = _json(
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
    files["findings.json"] = _json([
        {**{k: v for k, v in f.model_dump().items()},
         "evidence": text(f.evidence), "review_reason": f.review_reason and text(f.review_reason),
         "clip": clip_of.get(f.id), **({"link": finding_links[f.id]} if f.id in finding_links else {})}
        for f in findings
    ])
    files["review_log.json"] = _json(
        [dict(r.model_dump(), reason=r.reason and text(r.reason)) for r in reviews]
    )
    contact_row = _row(contact)
    if redact:
        contact_row["phone"] = mask_pii(contact.phone) if contact.phone else contact.phone
        contact_row["original_audio_sha256"] = contact.audio_sha256
    files["contact.json"] = _json({"contact": contact_row, "agent": _row(agent), "case": _row(case),
                                   **({"link": call_link(dashboard_url, call_id)} if dashboard_url else {})})
    files["rule_pack.json"] = _json({**_rule_pack_info(contact.rule_pack_version), "audit_run": _row(run)})
    if redact:
        files["REDACTION.txt"] = REDACTION_NOTE.encode("utf-8")
    return _Members(files, warnings, len(clip_of), contact, findings)


def _write_pack(out_zip: str | Path, files: dict[str, bytes], header: dict[str, Any], warnings: list[str],
                clips: int, who: str) -> PackInfo:
    """Add MANIFEST.json and MANIFEST.sha256 to ``files`` and write the zip (comment = the anchor)."""
    created = datetime.now(timezone.utc)
    sums = {path: sha256_bytes(data) for path, data in sorted(files.items())}
    files[MANIFEST_JSON] = _json({
        "format": PACK_FORMAT,
        **header,
        "created_at": created.isoformat(),
        "warnings": warnings,
        "files": [{"path": p, "bytes": len(files[p]), "sha256": h} for p, h in sums.items()],
    })
    sums[MANIFEST_JSON] = sha256_bytes(files[MANIFEST_JSON])
    files[MANIFEST_SUMS] = "".join(f"{h}  {p}\n" for p, h in sorted(sums.items())).encode("utf-8")

    out = Path(out_zip)
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = created.timetuple()[:6]
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(files):
            if unsafe_member(path):  # every name above is built safe; this keeps it so
                raise EvidenceError(f"{who}: pack member {path!r}: {unsafe_member(path)}")
            info = zipfile.ZipInfo(path, date_time=stamp)
            # Audio is already compressed or incompressible; text deflates well.
            info.compress_type = zipfile.ZIP_STORED if _is_audio(path) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o444 << 16  # read-only when unpacked: evidence, not a draft
            zf.writestr(info, files[path])
        zf.comment = b"callaudit-evidence/1 MANIFEST.sha256=" + sha256_bytes(files[MANIFEST_SUMS]).encode()
    return PackInfo(path=out, sha256=sha256_bytes(out.read_bytes()), files=sums, clips=clips,
                    warnings=tuple(warnings))


def export_pack(
    engine: Engine | Session,
    call_id: str,
    out_zip: str | Path,
    audio_root: str | Path | None = None,
    *,
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
        clip_padding_s: seconds of audio kept before and after each finding in its clip.
        redact: a pack to send out: personal numbers masked in the text and beeped in the audio
            (whole segments, see :data:`REDACTION_NOTE`); the recording is re-encoded as WAV.
        dashboard_url: the dashboard's address; the transcript and findings then link to the
            call at each finding's second (:mod:`audit.links`).

    Raises:
        EvidenceError: unknown call id, the recording is missing, outside the folder its
            audit run read (and ``audio_root``), or it no longer has the SHA-256 recorded when it
            was audited.
    """
    with (open_session(engine) if isinstance(engine, Engine) else _borrow(engine)) as s:
        members = _contact_members(s, call_id, audio_root, clip_padding_s=clip_padding_s, redact=redact,
                                   dashboard_url=dashboard_url)
    return _write_pack(out_zip, members.files, {"call_id": call_id, "redacted": redact}, members.warnings,
                       members.clips, call_id)


def export_case_pack(
    engine: Engine | Session,
    out_zip: str | Path,
    *,
    debtor_id: str | None = None,
    case_id: str | None = None,
    scope=None,
    audio_root: str | Path | None = None,
    clip_padding_s: float = CLIP_PADDING_S,
    redact: bool = False,
    dashboard_url: str | None = None,
) -> PackInfo:
    """Write one evidence pack for a whole case (or every contact to a debtor) to ``out_zip``.

    Each contact's files are those of :func:`export_pack`, under ``contacts/<call_id>/``; the
    pack adds ``case.json`` (the debtor, the cases, the timeline: every contact with its time,
    agent, team, agency, outcome and findings, and the dial attempts per day) and
    ``timeline.txt``, and one manifest over everything, which :func:`verify_pack` checks.

    Args:
        debtor_id: every contact to this debtor; or
        case_id: every contact on this case.
        scope: an :class:`audit.read.scope.Scope`: only the contacts it may see (the dashboard).

    Raises:
        EvidenceError: neither or both ids given, no contact found, or a recording is missing or
            changed (the message names the contact).
    """
    from collections import Counter

    from audit.links import timeline_link
    from audit.read.scope import Scope
    from audit.read.timeline import debtor_timeline

    if (debtor_id is None) == (case_id is None):
        raise EvidenceError("give a debtor id (--debtor) or a case id (--case), not both")
    subject = f"debtor {debtor_id}" if debtor_id is not None else f"case {case_id}"
    with (open_session(engine) if isinstance(engine, Engine) else _borrow(engine)) as s:
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
            members = _contact_members(s, c.call_id, audio_root, clip_padding_s=clip_padding_s, redact=redact,
                                       dashboard_url=dashboard_url)
            files.update({f"{folder}/{name}": data for name, data in members.files.items()})
            warnings += members.warnings
            clips += members.clips
    per_day = Counter(c.started_at.date().isoformat() for c in timeline if c.kind == "call")
    mask = (lambda v: v)
    if redact:
        from audit.masking import mask_pii as mask
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
    files["case.json"] = _json(case)
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
    return _write_pack(out_zip, files, header, warnings, clips, subject)


class _borrow:
    """Use a caller's session without closing it."""

    def __init__(self, s: Session) -> None:
        self.s = s

    def __enter__(self) -> Session:
        return self.s

    def __exit__(self, *exc) -> None:
        return None


# verify_pack reads packs from anyone (a complainant, a regulator, a copy of a copy), so it never
# trusts a zip's own sizes: it hashes each member as a stream, in chunks, and refuses to inflate
# what could only be a zip bomb. A pack is one contact, a recording of at most a few hours and a
# few MB of text; these limits are far above that and far below what would exhaust the machine.
MAX_MEMBERS = 10_000
# Uncompressed bytes all members may declare together; a pack over it is reported, not read.
MAX_TOTAL_BYTES = 8 << 30  # 8 GiB
# Uncompressed/compressed size above which a member is refused unread. Deflate cannot pass
# ~1032:1 and only runs of one byte come near it; text and JSON deflate 3-20:1. audio/ and clips/
# (also a case pack's contacts/<id>/audio/ and clips/) are exempt: a silent recording re-zipped by
# an archiver really is all zeros (they still count towards MAX_TOTAL_BYTES and are read in chunks).
MAX_RATIO = 1000
# MANIFEST.sha256 and MANIFEST.json are parsed in memory; the real ones are a few KB.
MAX_MANIFEST_BYTES = 16 << 20
_CHUNK = 1 << 20
_MANIFESTS = (MANIFEST_SUMS, MANIFEST_JSON)


class _SizeMismatch(Exception):
    """A member inflated to another number of bytes than its header declares."""


def _parse_sums(data: bytes) -> tuple[dict[str, str], list[Problem]]:
    entries: dict[str, str] = {}
    problems: list[Problem] = []
    for n, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        m = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
        if not m:
            problems.append(Problem(MANIFEST_SUMS, "malformed", f"line {n} is not '<sha256>  <path>'"))
            continue
        if m.group(2) in entries:
            problems.append(Problem(MANIFEST_SUMS, "malformed", f"line {n} lists {m.group(2)!r} a second time"))
        entries[m.group(2)] = m.group(1)
    return entries, problems


def _listed(data: bytes | None) -> dict[str, str] | None:
    """MANIFEST.json's path -> SHA-256, or None when it is absent or not the shape export writes."""
    if data is None:
        return None
    try:
        listed = {e["path"]: e["sha256"] for e in json.loads(data.decode("utf-8"))["files"]}
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    if not all(isinstance(p, str) and isinstance(h, str) for p, h in listed.items()):
        return None
    return listed


def _is_audio(name: str) -> bool:
    """A member under an ``audio/`` or ``clips/`` folder (of the pack, or of a contact in a case pack)."""
    return any(part in ("audio", "clips") for part in name.split("/")[:-1])


def _oversized(info: zipfile.ZipInfo) -> str | None:
    """Why a member is refused unread (its declared sizes), or None."""
    if info.filename in _MANIFESTS and info.file_size > MAX_MANIFEST_BYTES:
        return (f"declares {info.file_size} bytes; a manifest is read into memory and may have at most "
                f"{MAX_MANIFEST_BYTES}; not read")
    if not _is_audio(info.filename) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (f"declares {info.file_size} bytes from {info.compress_size} compressed, a ratio over "
                f"{MAX_RATIO}:1 that no exported file has (a zip bomb?); not read")
    return None


def _hash_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, keep: bool) -> tuple[str, bytes | None]:
    """SHA-256 of one member read in chunks, and its bytes when ``keep`` (the manifests only).

    Opening by ``ZipInfo`` reads this very entry, not the last one of the same name.

    Raises:
        _SizeMismatch: more bytes came out than the header declares (reading stops there), or
            fewer: the limits judged the declared size, so it must be the real one.
        Exception: whatever :mod:`zipfile` or the decompressor raises for a damaged member.
    """
    digest = hashlib.sha256()
    kept = bytearray() if keep else None
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise _SizeMismatch(f"inflates to more than the {info.file_size} bytes its header declares")
            digest.update(chunk)
            if kept is not None:
                kept += chunk
    if size != info.file_size:
        raise _SizeMismatch(f"inflates to {size} bytes, but its header declares {info.file_size}")
    return digest.hexdigest(), None if kept is None else bytes(kept)


def _read_members(zf: zipfile.ZipFile, pack: str) -> tuple[list[Problem], dict[str, list[str]], dict[str, bytes], bool]:
    """Hash every member: (problems, name -> SHA-256 of each member of that name, manifest bytes, stop).

    An unreadable or refused member has the digest ``""``; ``stop`` is true when the pack as a
    whole is refused unread.
    """
    problems: list[Problem] = []
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        return [Problem(pack, "oversized", f"{len(infos)} members, more than the {MAX_MEMBERS} a pack may have; "
                                           "not read")], {}, {}, True
    # Folder entries ("audio/") are what an archiver adds when it re-zips a pack: empty ones are
    # ignored. Not ZipInfo.is_dir(): it raises IndexError for an empty name (one cut at a NUL).
    files = [info for info in infos if not info.filename.endswith("/")]
    for info in infos:
        if info.filename.endswith("/") and info.file_size:
            problems.append(Problem(info.filename, "malformed", f"a folder entry that carries {info.file_size} "
                                                                "bytes, which no unzip tool shows"))
    counts: dict[str, int] = {}
    for info in files:
        counts[info.filename] = counts.get(info.filename, 0) + 1
    for name, count in counts.items():
        if count > 1:  # zipfile reads the last, other tools the first: which one is the evidence?
            problems.append(Problem(name, "duplicate", f"{count} members have this name; an unzip tool shows "
                                                       "only one of them, so which is the evidence is ambiguous"))
    for name in dict.fromkeys(info.filename for info in infos):
        if reason := unsafe_member(name):
            problems.append(Problem(name, "unsafe", reason))
    declared = sum(info.file_size for info in files)
    if declared > MAX_TOTAL_BYTES:
        problems.append(Problem(pack, "oversized", f"its members declare {declared} bytes uncompressed, more than "
                                                   f"the {MAX_TOTAL_BYTES} a pack may hold (a zip bomb?); not read"))
        return problems, {}, {}, True
    actual: dict[str, list[str]] = {}
    contents: dict[str, bytes] = {}
    for info in files:
        digests = actual.setdefault(info.filename, [])
        if why := _oversized(info):
            problems.append(Problem(info.filename, "oversized", why))
            digests.append("")
            continue
        try:
            digest, data = _hash_member(zf, info, keep=info.filename in _MANIFESTS)
        # A damaged zip fails in many ways (CRC mismatch, bad deflate data, a cut-off member,
        # an unknown compression method, a size unlike the header's); each means the member is not as exported.
        except Exception as exc:  # noqa: BLE001
            problems.append(Problem(info.filename, "changed", f"cannot be read back: {exc}"))
            digests.append("")
            continue
        digests.append(digest)
        if data is not None:
            contents[info.filename] = data
    return problems, actual, contents, False


def verify_pack(pack: str | Path) -> list[Problem]:
    """Check every file of an evidence pack against its manifest.

    Never raises for a damaged or hostile file: every way a pack can be wrong is a problem.
    Members are hashed in chunks, so memory stays small whatever the pack declares; see
    :data:`MAX_TOTAL_BYTES`, :data:`MAX_RATIO` and :data:`MAX_MEMBERS` for what is refused unread.

    Returns:
        The problems found, each naming the file: ``changed`` (any byte differs, or it cannot be
        read back), ``missing`` (listed but absent), ``extra`` (present but not listed),
        ``duplicate`` (two members of one name), ``unsafe`` (a name that unpacks outside its
        folder), ``oversized`` (a zip bomb, refused unread), ``malformed``/``unreadable``.
        An empty list means the pack is intact.
    """
    pack = Path(pack)
    try:
        zf = zipfile.ZipFile(pack)
    # zipfile raises BadZipFile, OSError, EOFError, ValueError, UnicodeDecodeError, ... for a
    # damaged or truncated file; all of them mean the same to whoever verifies a pack.
    except Exception as exc:  # noqa: BLE001
        return [Problem(str(pack), "unreadable", f"not a zip file: {exc}")]
    with zf:
        comment = zf.comment
        problems, actual, contents, stop = _read_members(zf, str(pack))
    if stop:
        return _dedupe(problems)
    if MANIFEST_SUMS not in contents:
        if MANIFEST_SUMS not in actual:
            problems.append(Problem(MANIFEST_SUMS, "missing", "not an evidence pack, or its manifest was removed"))
        return _dedupe(problems)

    expected, malformed = _parse_sums(contents[MANIFEST_SUMS])
    problems.extend(malformed)
    anchor = _COMMENT.fullmatch(comment or b"")
    trusted = not malformed
    if comment and not anchor:
        # No comment is a pack re-zipped by an archiver; a different one is an edited anchor.
        problems.append(Problem("zip comment", "changed", "it is not the 'callaudit-evidence/1 "
                                "MANIFEST.sha256=<sha256>' written at export, so the manifest cannot be checked "
                                "against it"))
    if anchor and any(d != anchor.group(1).decode() for d in actual[MANIFEST_SUMS]):
        problems.append(Problem(MANIFEST_SUMS, "changed",
                                "its SHA-256 differs from the one recorded in the zip comment at export"))
        trusted = False
    if not trusted:
        # Fall back on MANIFEST.json, which lists the same hashes, to judge the other files.
        listed = _listed(contents.get(MANIFEST_JSON))
        if listed is None:
            problems.append(Problem(MANIFEST_JSON, "malformed", "cannot judge the files without a manifest"))
            return _dedupe(problems)
        expected = listed
    for path, digest in sorted(expected.items()):
        if path not in actual:
            problems.append(Problem(path, "missing", "listed in the manifest but not in the pack"))
            continue
        wrong = next((d for d in actual[path] if d and d != digest), None)
        if wrong:
            problems.append(Problem(path, "changed", f"SHA-256 {wrong[:16]}… but the manifest says {digest[:16]}…"))
    for path in sorted(actual):
        if path not in expected and path != MANIFEST_SUMS and not (path == MANIFEST_JSON and not trusted):
            problems.append(Problem(path, "extra", "in the pack but not in the manifest"))
    if trusted and MANIFEST_JSON in contents and not any(p.path == MANIFEST_JSON for p in problems):
        # MANIFEST.json is intact; it must also agree with MANIFEST.sha256 line by line.
        listed = _listed(contents[MANIFEST_JSON])
        if listed is None:
            problems.append(Problem(MANIFEST_JSON, "malformed", "its 'files' are not the {path, sha256} entries "
                                                                "export writes"))
        elif listed != {p: h for p, h in expected.items() if p != MANIFEST_JSON}:
            problems.append(Problem(MANIFEST_SUMS, "changed", "its entries disagree with MANIFEST.json"))
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if (p.path, p.kind) not in seen:
            seen.add((p.path, p.kind))
            out.append(p)
    return out
