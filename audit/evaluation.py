"""Contact-level precision and recall of the rules, against the labelled corpus.

The *oracle* evaluation runs the rules on the truth transcripts (speaker roles and words as
labelled), so rule errors can be told apart from ASR and diarization errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from audit.manifest import read_manifest
from audit.schema import Category, Segment


def load_truth(corpus_dir: str | Path) -> dict[str, dict]:
    """Every ``truth/*.json`` of a corpus, keyed by call_id."""
    truth: dict[str, dict] = {}
    for path in sorted(Path(corpus_dir, "truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        truth[data.get("call_id") or path.stem] = data
    return truth


def truth_segments(truth: dict) -> list[Segment]:
    """The oracle transcript: one segment per labelled turn."""
    speakers = truth.get("speakers", {})
    return [Segment(speaker=t["speaker"], role=t.get("role") or speakers.get(t["speaker"], "debtor"),
                    start=float(t["start"]), end=float(t["end"]), text=t["text"])
            for t in truth.get("turns", [])]


def truth_metrics(truth: dict | None) -> dict[str, float]:
    """The per-contact metrics the truth implies: its length and how many collectors spoke."""
    if not truth:
        return {}
    return {"duration_s": float(truth.get("duration_s", 0.0)),
            "agent_voices": sum(1 for r in truth.get("speakers", {}).values() if r == "agent")}


def expected_categories(truth: dict | None) -> set[str]:
    """Categories a contact should be flagged with (empty for a dial attempt with no truth)."""
    if not truth:
        return set()
    return {f["category"] for f in truth.get("expected_findings", [])}


def category_scores(expected: dict[str, set[str]], predicted: dict[str, set[str]],
                    call_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per-category tp/fp/fn, precision, recall and F1, counted per contact.

    A category with no expected and no predicted contact gets ``None`` for the ratios.
    """
    ids = list(call_ids)
    scores: dict[str, dict[str, Any]] = {}
    for category in (c.value for c in Category):
        tp = sum(1 for i in ids if category in expected.get(i, set()) and category in predicted.get(i, set()))
        fp = sum(1 for i in ids if category not in expected.get(i, set()) and category in predicted.get(i, set()))
        fn = sum(1 for i in ids if category in expected.get(i, set()) and category not in predicted.get(i, set()))
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = (2 * precision * recall / (precision + recall)
              if precision is not None and recall is not None and precision + recall else
              (0.0 if precision is not None or recall is not None else None))
        scores[category] = {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}
    return scores


def oracle_eval(corpus_dir: str | Path, pack=None) -> dict[str, dict[str, Any]]:
    """Run the pack on the truth transcripts and the manifest; return :func:`category_scores`.

    Per contact the metrics are taken from the truth: ``duration_s`` and ``agent_voices`` (the
    number of truth speakers whose role is agent).
    """
    from audit.rules import load_pack

    pack = pack or load_pack()
    corpus_dir = Path(corpus_dir)
    contacts, errors = read_manifest(corpus_dir / "manifest.csv")
    if errors:
        raise ValueError("; ".join(str(e) for e in errors))
    truth = load_truth(corpus_dir)
    predicted: dict[str, set[str]] = {c.call_id: set() for c in contacts}
    expected = {c.call_id: expected_categories(truth.get(c.call_id)) for c in contacts}
    for contact in contacts:
        t = truth.get(contact.call_id)
        segments = truth_segments(t) if t else []
        for finding in pack.scan_contact(contact, segments, truth_metrics(t)):
            predicted[contact.call_id].add(finding.category)
    for finding in pack.scan_log(contacts):
        predicted.setdefault(finding.call_id, set()).add(finding.category)
    return category_scores(expected, predicted, [c.call_id for c in contacts])


def entity_summary(counts: dict[str, list[int]]) -> dict[str, Any]:
    """Entity accuracy from per-kind ``[right, total]`` counts: overall and per kind (``None``
    where a kind has no mention)."""
    right = sum(r for r, _ in counts.values())
    total = sum(n for _, n in counts.values())
    return {"accuracy": round(right / total, 4) if total else None, "right": right, "mentions": total,
            "per_kind": {kind: {"right": r, "mentions": n, "accuracy": round(r / n, 4) if n else None}
                         for kind, (r, n) in counts.items()}}
