"""Transcript search that tolerates ASR errors, as the rules do.

Speech recognition keeps the sound and changes the character ("通信路" for "通讯录", "于七" for
"逾期"), so a supervisor searching a transcript for what was *said* must match by sound too.
Each stored transcript line carries its fuzzy sound key (``segment.sound``, filled on insert by
:func:`sound_key`: a space, then the :func:`audit.text.fuzzy_of` key and a space per character
of the normalised text); a query matches a line when its normalised characters appear in the
line's normalised text, or its sound key in the line's (:func:`query_key`, a ``LIKE`` in SQL).

:func:`find` then locates the matches in the line as written, for highlighting: the spans of
the original text whose characters form the match (punctuation inside a match is included).
"""

from __future__ import annotations

from dataclasses import dataclass

from audit import text as textmod

MIN_SOUND_CHARS = 2  # one syllable matches by sound almost everywhere


def sound_key(text: str | None) -> str:
    """The sound key stored with a transcript line (``""`` for a line without letters)."""
    norm = textmod.normalize(text or "")
    return " " + textmod.fuzzy_of(norm) if norm else ""


def query_key(query: str) -> str | None:
    """The sound key a line's key must contain to match ``query`` by sound; None when the query is
    too short to match by sound (or has no letters)."""
    norm = textmod.normalize(query or "")
    if len(norm) < MIN_SOUND_CHARS:
        return None
    return " " + textmod.fuzzy_of(norm)


@dataclass(frozen=True)
class Match:
    """One match in a line: ``text[start:end]`` of the line as written."""

    start: int
    end: int
    via: str  # text | sound


def _normalised_positions(line: str) -> tuple[str, list[int]]:
    """The normalised line and, for each of its characters, the index of the original character."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(line):
        norm = textmod.normalize(ch)
        for out in norm:
            chars.append(out)
            origin.append(i)
    return "".join(chars), origin


def find(line: str, query: str) -> list[Match]:
    """Where ``query`` matches ``line``: by characters first, else by sound (non-overlapping, in order).

    Normalisation is per character here (Traditional→Simplified, width, case, punctuation
    dropped), so a match is mapped back to the characters of the line as written.
    """
    qnorm = textmod.normalize(query or "")
    if not qnorm or not line:
        return []
    norm, origin = _normalised_positions(line)
    matches: list[Match] = []
    pos = norm.find(qnorm)
    while pos >= 0:
        matches.append(Match(origin[pos], origin[pos + len(qnorm) - 1] + 1, "text"))
        pos = norm.find(qnorm, pos + len(qnorm))
    if matches or len(qnorm) < MIN_SOUND_CHARS:
        return matches
    keys = [textmod.fuzzy_of(ch) for ch in norm]
    qkeys = [textmod.fuzzy_of(ch) for ch in qnorm]
    n = len(qkeys)
    i = 0
    while i + n <= len(keys):
        if keys[i:i + n] == qkeys:
            matches.append(Match(origin[i], origin[i + n - 1] + 1, "sound"))
            i += n
        else:
            i += 1
    return matches


def matches(line: str, query: str) -> bool:
    return bool(find(line, query))
