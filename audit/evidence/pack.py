"""The pack format: member names, the manifest and the zip, shared by export and verification.

Every name a pack holds is built here from data (a call_id, a stored file name, a rule id), so
the rules that keep it inside its folder live in one place: :func:`safe_name`,
:func:`pack_filename` and :func:`unsafe_member`. :func:`write_pack` adds ``MANIFEST.json`` and
``MANIFEST.sha256`` and records the latter's SHA-256 in the zip comment, which
:mod:`audit.evidence.verify` checks.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST_SUMS = "MANIFEST.sha256"
MANIFEST_JSON = "MANIFEST.json"
PACK_FORMAT = "callaudit-evidence/1"
COMMENT = re.compile(rb"callaudit-evidence/1 MANIFEST\.sha256=([0-9a-f]{64})")


class EvidenceError(Exception):
    """An evidence pack cannot be exported; the message names the contact or file and the fix."""


@dataclass(frozen=True)
class PackInfo:
    """What :func:`audit.evidence.export_pack` wrote."""

    path: Path
    sha256: str  # of the whole zip: record it in the case file
    files: dict[str, str]  # pack path -> SHA-256
    clips: int
    warnings: tuple[str, ...] = ()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def to_json(data: Any) -> bytes:
    """``data`` as the indented UTF-8 JSON every pack member is written in."""
    return (json.dumps(data, ensure_ascii=False, indent=2, default=_jsonable) + "\n").encode("utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def rule_slug(text: str) -> str:
    """A rule id as it appears in a clip's file name (ASCII letters, digits, ``._-``)."""
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
    character are refused on export and reported by :func:`audit.evidence.verify_pack`.
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


def is_audio(name: str) -> bool:
    """A member under an ``audio/`` or ``clips/`` folder (of the pack, or of a contact in a case pack)."""
    return any(part in ("audio", "clips") for part in name.split("/")[:-1])


def write_pack(out_zip: str | Path, files: dict[str, bytes], header: dict[str, Any], warnings: list[str],
               clips: int, who: str) -> PackInfo:
    """Add MANIFEST.json and MANIFEST.sha256 to ``files`` and write the zip (comment = the anchor).

    Raises:
        EvidenceError: a member name could unpack outside its folder (``who`` names the pack).
    """
    created = datetime.now(UTC)
    sums = {path: sha256_bytes(data) for path, data in sorted(files.items())}
    files[MANIFEST_JSON] = to_json({
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
            info.compress_type = zipfile.ZIP_STORED if is_audio(path) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o444 << 16  # read-only when unpacked: evidence, not a draft
            zf.writestr(info, files[path])
        zf.comment = b"callaudit-evidence/1 MANIFEST.sha256=" + sha256_bytes(files[MANIFEST_SUMS]).encode()
    return PackInfo(path=out, sha256=sha256_bytes(out.read_bytes()), files=sums, clips=clips,
                    warnings=tuple(warnings))
