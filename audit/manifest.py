"""Read the dialer/visit-log export (``manifest.csv``).

Chinese Excel saves CSV as UTF-8 with a BOM or as GBK; both are accepted. Each bad row becomes
a :class:`RowError` naming the line and the fix, and the good rows are still returned, so one
typo never stops a night's batch.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from audit.paths import UnsafePath, check_relative
from audit.schema import CONTACT_ROLES, Contact

REQUIRED_COLUMNS = ("call_id", "kind", "started_at", "outcome", "agent_id")
KINDS = ("call", "visit")
LAYOUTS = ("stereo_agent_left", "stereo_agent_right", "mono")


class ManifestError(ValueError):
    """The manifest as a whole cannot be read (missing file, missing columns, unknown encoding)."""


@dataclass(frozen=True)
class RowError:
    """One manifest row that could not be used."""

    line: int
    call_id: str | None
    reason: str

    def __str__(self) -> str:
        who = f" (call_id {self.call_id})" if self.call_id else ""
        return f"manifest line {self.line}{who}: {self.reason}"


def decode_bytes(raw: bytes, source: str) -> str:
    """Decode a CSV export: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ManifestError(
            f"{source}: neither UTF-8 nor GBK ({exc}); save it from Excel as 'CSV UTF-8'"
        ) from exc


# Bounds of plausible values: anything outside is a data error, not a contact (and would not
# fit the database's integer columns).
MAX_DAYS_PAST_DUE = 36_500  # a hundred years
MAX_VISIT_STAFF = 50
MAX_TALK_SECONDS = 7 * 86_400
MAX_FIELD_CHARS = 4_096  # longer than any name, id or path; a longer cell is a broken export
YEARS = (1990, 2100)
MAX_CALL_ID_CHARS = 128


def _number(value: str, column: str) -> float:
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ValueError(f"{column} {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{column} {value!r} is not a finite number; write a plain number like 12")
    return number


def _int(value: str, column: str, maximum: int) -> int | None:
    value = value.strip()
    if not value:
        return None
    number = _number(value, column)
    if number < 0 or number > maximum:
        raise ValueError(f"{column} {value!r} is outside 0..{maximum}")
    if number != int(number):
        raise ValueError(f"{column} {value!r} is not a whole number")
    return int(number)


_AGENT_ID = re.compile(r"^[\w.\-]{1,64}$")


def _staff(value: str) -> tuple[int | None, tuple[str, ...]]:
    """``visit_staff``: a head count (``2``), or the collectors' agent ids separated by ``;``
    (``V301;V305``: the count is how many); returns (count, ids)."""
    value = value.strip()
    try:
        float(value)
        numeric = True
    except (ValueError, OverflowError):
        numeric = not value
    if numeric:  # a head count (its own errors: not finite, out of range, not whole)
        return _int(value, "visit_staff", MAX_VISIT_STAFF), ()
    ids = tuple(dict.fromkeys(p.strip() for p in re.split(r"[;；]", value) if p.strip()))
    bad = [i for i in ids if not _AGENT_ID.match(i)]
    if bad or not ids:
        raise ValueError(f"visit_staff {value!r} is neither a number nor agent ids separated by ';' "
                         f"(like 2 or V301;V305)")
    if len(ids) > MAX_VISIT_STAFF:
        raise ValueError(f"visit_staff {value!r} names more than {MAX_VISIT_STAFF} collectors")
    return len(ids), ids


def _float(value: str, column: str, maximum: float) -> float:
    value = value.strip()
    if not value:
        return 0.0
    number = _number(value, column)
    if number < 0:
        raise ValueError(f"{column} {value!r} is negative")
    if number > maximum:
        raise ValueError(f"{column} {value!r} is more than {maximum:g}")
    return number


def _timestamp(value: str) -> datetime:
    value = value.strip()
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"started_at {value!r} is not an ISO 8601 time; write it like 2026-11-02T10:15:00+08:00"
        ) from None
    if not YEARS[0] <= stamp.year <= YEARS[1]:
        raise ValueError(f"started_at {value!r} is not between the years {YEARS[0]} and {YEARS[1]}")
    if stamp.tzinfo is None:
        raise ValueError(
            f"started_at {value!r} has no UTC offset; the debtor's local time is needed "
            "for the contact-hours rule, write it like 2026-11-02T10:15:00+08:00"
        )
    return stamp


_PHONE_SEPARATORS = str.maketrans("", "", " -()\u00a0\u3000\uff0d")


def _phone(value: str) -> str:
    """The dialled number as digits (the optional ``phone`` column): separators dropped, a +86
    or 0086 country prefix dropped from a mobile number."""
    digits = value.translate(_PHONE_SEPARATORS)
    if not digits:
        return ""
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise ValueError(f"phone {value[:40]!r} is not a phone number (digits, spaces and dashes only)")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            return digits[len(prefix):]
    return digits


MAX_NAME_CHARS = 64
# a person's name: letters of any script (陈明, 欧阳娜娜, Li Na), the middle dot of transcribed
# names (阿卜杜·热合曼), a space, a hyphen, an apostrophe or a full stop (O'Neil, J. Smith)
_NAME_MARKS = frozenset(" ·•‧・.-'’")


def _person_name(value: str, column: str) -> str:
    """A person's name column (``debtor_name``): letters and the marks names are written with;
    a number or a list in it is a column mix-up in the export, named in the error."""
    value = " ".join(value.split())
    if not value:
        return ""
    if all("\u4e00" <= ch <= "\u9fff" for ch in value.replace(" ", "")):
        value = value.replace(" ", "")  # a Chinese name has no spaces: "陈 明" is 陈明
    if len(value) > MAX_NAME_CHARS:
        raise ValueError(f"{column} is {len(value)} characters long (at most {MAX_NAME_CHARS}); "
                         "write the person's full name only")
    if any(ch.isdigit() for ch in value):
        raise ValueError(f"{column} {value[:40]!r} holds digits; it is the person's name as the lender's "
                         "file holds it (a phone number goes in phone, an id in debtor_id)")
    bad = sorted({ch for ch in value if not (ch.isalpha() or ch in _NAME_MARKS)})
    if bad:
        raise ValueError(f"{column} {value[:40]!r} holds {' '.join(repr(c) for c in bad[:5])}, which no name "
                         "has; write one person's full name (like 陈明)")
    return value


def parse_row(row: dict[str, str], line: int) -> Contact:
    """Validate one CSV row; raises ``ValueError`` with a human-readable reason."""
    for key, value in row.items():
        if isinstance(value, list):  # more cells than the header has columns
            raise ValueError(f"{len(value)} cell(s) more than the header's columns; check the commas of this row")
        if value is None:
            continue
        name = key or "(unnamed column)"
        if len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"{name} is {len(value)} characters long (at most {MAX_FIELD_CHARS}); "
                             "the export is broken at this row")
        if "\x00" in value:
            raise ValueError(f"{name} contains a NUL byte; re-export the row")
    get = lambda key: (row.get(key) or "").strip()  # noqa: E731
    call_id = get("call_id")
    if not call_id:
        raise ValueError("call_id is empty")
    if len(call_id) > MAX_CALL_ID_CHARS or any(ch in call_id for ch in "/\\") or not call_id.isprintable():
        raise ValueError(f"call_id {call_id[:80]!r} is not a usable id (at most {MAX_CALL_ID_CHARS} printable "
                         "characters, no / or \\); use the dialer's call id")
    kind = get("kind") or "call"
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    audio = get("audio_file") or None
    if audio is not None:
        try:
            audio = check_relative(audio)
        except UnsafePath as exc:
            raise ValueError(str(exc)) from None
    layout = get("channel_layout") or None
    if audio and layout is None:
        layout = "mono"
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"channel_layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    role = get("contact_role") or "debtor"
    if role not in CONTACT_ROLES:
        raise ValueError(f"contact_role {role!r} is not one of {', '.join(CONTACT_ROLES)}")
    if not get("agent_id"):
        raise ValueError("agent_id is empty")
    staff, staff_ids = _staff(get("visit_staff"))
    return Contact(
        call_id=call_id,
        kind=kind,
        started_at=_timestamp(get("started_at")),
        talk_seconds=_float(get("talk_seconds"), "talk_seconds", MAX_TALK_SECONDS),
        outcome=get("outcome") or ("answered" if audio else "no_answer"),
        agent_id=get("agent_id"),
        agent_name=get("agent_name"),
        team=get("team"),
        agency=get("agency"),
        creditor=get("creditor"),
        product=get("product"),
        case_id=get("case_id"),
        debtor_id=get("debtor_id"),
        phone=_phone(get("phone")),
        contact_role=role,
        days_past_due=_int(get("days_past_due"), "days_past_due", MAX_DAYS_PAST_DUE),
        visit_staff=staff,
        visit_staff_ids=staff_ids,
        channel_layout=layout,
        audio_file=audio,
        debtor_name=_person_name(get("debtor_name"), "debtor_name"),
        line=line,
    )


def read_manifest(path: str | Path) -> tuple[list[Contact], list[RowError]]:
    """Read and validate a manifest.

    Returns:
        The valid contacts in file order and one :class:`RowError` per rejected row (bad
        values, or a call_id already seen: the first row with that id wins).

    Raises:
        ManifestError: the file is missing, undecodable, or lacks a required column.
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: no such manifest; each input folder needs a manifest.csv")
    text = decode_bytes(path.read_bytes(), str(path))
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ManifestError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(columns)}")
    reader.fieldnames = columns
    contacts: list[Contact] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    rows = iter(reader)
    while True:
        line = reader.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # a cell over the csv module's size limit, a NUL, a broken quote
            errors.append(RowError(max(reader.line_num, line), None,
                                   f"unreadable CSV ({exc}); fix the row and run the batch again"))
            continue
        line = reader.line_num
        cells = [v for value in row.values() for v in (value if isinstance(value, list) else [value])]
        if not any((v or "").strip() for v in cells):
            continue  # a blank line (Excel leaves some at the end)
        call_id = (row.get("call_id") or "").strip()[:200] or None
        try:
            contact = parse_row(row, line)
        except Exception as exc:  # noqa: BLE001 - one bad row never stops the others
            reason = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
            errors.append(RowError(line, call_id, f"{reason}; fix the row and run the batch again"))
            continue
        if contact.call_id in seen:
            errors.append(RowError(line, contact.call_id,
                                   f"duplicate call_id (first on line {seen[contact.call_id]}); "
                                   "give each contact its own call_id"))
            continue
        seen[contact.call_id] = line
        contacts.append(contact)
    return contacts, errors
