"""Labelled collector lines: the files ``audit rules eval`` measures a pack on and the learned
second opinion trains on.

A labelled file is JSONL (one object per line) or CSV (a header row), UTF-8, with

* ``text``: what the collector said;
* ``category``: one of the six speech categories (:data:`LINE_CATEGORIES`) or ``COMPLIANT``;
* ``contact_role`` (optional): who it was said to, ``debtor`` (default), ``relative`` or
  ``third_party``.

Other columns or keys (source, annotator, date …) are provenance and are ignored. A row that
breaks these rules stops the read with a :class:`LabelledFileError` naming the file and line.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from audit.schema import CONTACT_ROLES, Category, Role

LINE_CATEGORIES = (Category.ABUSE.value, Category.THREAT_VIOLENCE.value, Category.THREAT_THIRD_PARTY.value,
                   Category.THIRD_PARTY_DISCLOSURE.value, Category.FALSE_AUTHORITY.value,
                   Category.CASH_OR_CARD_REQUEST.value)
COMPLIANT = "COMPLIANT"
LABELS = (*LINE_CATEGORIES, COMPLIANT)


class LabelledFileError(ValueError):
    """A labelled file cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class LabelledLine:
    """One labelled utterance said by the collector."""

    text: str
    category: str  # one of LABELS
    contact_role: str = Role.DEBTOR.value
    line: int = 0  # in the file, for messages

    @property
    def violation(self) -> bool:
        return self.category != COMPLIANT


def _row(path: Path, line: int, row: dict) -> LabelledLine:
    where = f"{path}:{line}"
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LabelledFileError(f"{where}: 'text' is missing or empty; write the utterance")
    category = row.get("category")
    if not isinstance(category, str) or category.strip().upper() not in LABELS:
        raise LabelledFileError(f"{where}: category {category!r} is not one of {', '.join(LABELS)}")
    role = row.get("contact_role")
    role = role.strip().lower() if isinstance(role, str) and role.strip() else Role.DEBTOR.value
    if role not in CONTACT_ROLES:
        raise LabelledFileError(f"{where}: contact_role {row.get('contact_role')!r} is not one of "
                                f"{', '.join(CONTACT_ROLES)} (leave it out for debtor)")
    return LabelledLine(text.strip(), category.strip().upper(), role, line)


def _jsonl(path: Path, content: str) -> list[LabelledLine]:
    out = []
    for n, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LabelledFileError(f"{path}:{n}: not a JSON object ({exc.msg}); one object per line") from None
        if not isinstance(row, dict):
            raise LabelledFileError(f"{path}:{n}: not a JSON object; one object per line with text and category")
        out.append(_row(path, n, row))
    return out


def _csv(path: Path, content: str) -> list[LabelledLine]:
    reader = csv.DictReader(content.splitlines(keepends=True))
    header = reader.fieldnames or []
    missing = [c for c in ("text", "category") if c not in header]
    if missing:
        raise LabelledFileError(f"{path}:1: the header row needs the columns text and category "
                                f"(missing: {', '.join(missing)}; found: {', '.join(header) or 'none'})")
    out = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        out.append(_row(path, reader.line_num, row))
    return out


def read_labelled(path: str | Path) -> list[LabelledLine]:
    """Read a labelled JSONL or CSV file (by its suffix; otherwise JSONL when it starts with ``{``).

    Raises:
        LabelledFileError: the file is missing, empty, or a row is invalid (file and line named).
    """
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabelledFileError(f"{path}: no such labelled file") from None
    except UnicodeDecodeError as exc:
        raise LabelledFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    suffix = path.suffix.lower()
    jsonl = suffix in (".jsonl", ".json", ".ndjson") or (suffix != ".csv" and content.lstrip().startswith("{"))
    lines = _jsonl(path, content) if jsonl else _csv(path, content)
    if not lines:
        raise LabelledFileError(f"{path}: no labelled lines")
    return lines
