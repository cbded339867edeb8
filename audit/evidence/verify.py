"""Verification of a pack handed back (``audit evidence verify``): every member against its manifest.

A pack handed back for verification is untrusted input: :func:`verify_pack` hashes members as
streams, refuses zip bombs unread, and reports two members of one name (unzip tools disagree on
which one is shown) and names that would unpack outside the target folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from audit.evidence.pack import COMMENT, MANIFEST_JSON, MANIFEST_SUMS, is_audio, unsafe_member


@dataclass(frozen=True)
class Problem:
    """One reason a pack fails verification."""

    path: str
    kind: str  # changed | missing | extra | duplicate | unsafe | oversized | malformed | unreadable
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


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


def _oversized(info: zipfile.ZipInfo) -> str | None:
    """Why a member is refused unread (its declared sizes), or None."""
    if info.filename in _MANIFESTS and info.file_size > MAX_MANIFEST_BYTES:
        return (f"declares {info.file_size} bytes; a manifest is read into memory and may have at most "
                f"{MAX_MANIFEST_BYTES}; not read")
    if not is_audio(info.filename) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
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
    anchor = COMMENT.fullmatch(comment or b"")
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
