"""Golden outputs: the engine reproduces, rule id for rule id, what it found when they were recorded.

``tests/rules/data/golden_scan.json`` was written by ``python benchmarks/rule_scan.py
--write-golden tests/rules/data/golden_scan.json`` before the scan was optimised: every line of
the rule test files and a few thousand synthetic utterances (scan_text in three contexts), a
few hundred synthetic contacts and the corpus truth transcripts (scan_contact). A speed-up must
not change any of it; an intended rule change regenerates the file (the pack version says when).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from audit.evaluation import load_truth, truth_metrics, truth_segments
from audit.manifest import read_manifest
from audit.rules import load_pack
from audit.schema import Contact, Segment

GOLDEN = Path(__file__).with_name("data") / "golden_scan.json"
REGENERATE = "python benchmarks/rule_scan.py --write-golden tests/rules/data/golden_scan.json"


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def uncached():
    pack = load_pack()
    pack.cache_size = 0  # every utterance scanned afresh, as with real (non-repeating) ASR lines
    return pack


def test_golden_is_for_this_pack(golden, uncached):
    assert golden["pack_version"] == uncached.version, (
        f"the default pack changed since {GOLDEN.name} was recorded; if the change is intended, "
        f"regenerate it with `{REGENERATE}` and review the diff")


def test_scan_text_reproduces_golden(golden, uncached):
    contexts = golden["contexts"]
    assert len(golden["scan_text"]) > 3000
    diffs = []
    for text, expected in golden["scan_text"].items():
        for (who, kind), rule_ids in zip(contexts, expected):
            got = sorted(f.rule_id for f in uncached.scan_text(text, contact_role=who, kind=kind))
            if got != rule_ids:
                diffs.append(f"{text!r} ({who}, {kind}): expected {rule_ids}, got {got}")
    assert not diffs, f"{len(diffs)} differences:\n" + "\n".join(diffs[:30])


def test_cache_gives_the_same_results(golden):
    pack = load_pack()  # cache on (the default)
    texts = list(golden["scan_text"].items())[:800]
    for _ in range(2):  # the second pass is served from the cache
        for text, expected in texts:
            assert sorted(f.rule_id for f in pack.scan_text(text)) == expected[0], text


def test_scan_contact_reproduces_golden_on_synthetic_contacts(golden, uncached):
    diffs = []
    for entry in golden["contacts"]:
        c = entry["contact"]
        contact = Contact(call_id=c["call_id"], kind=c["kind"], started_at=datetime.fromisoformat(c["started_at"]),
                          talk_seconds=c["talk_seconds"], outcome="answered", agent_id="A1",
                          creditor=c["creditor"], agency=c["agency"], product="credit_card", debtor_id="D-1",
                          contact_role=c["contact_role"], days_past_due=c["days_past_due"],
                          visit_staff=c["visit_staff"], audio_file="x.wav")
        segs = [Segment(role, role, 3.5 * i, 3.5 * i + 3.0, text) for i, (role, text) in enumerate(entry["segments"])]
        got = sorted(f.rule_id for f in uncached.scan_contact(contact, segs, {"duration_s": contact.talk_seconds,
                                                                              "agent_voices": 1}))
        if got != entry["rule_ids"]:
            diffs.append(f"{c['call_id']}: expected {entry['rule_ids']}, got {got}")
    assert not diffs, "\n".join(diffs[:30])


def test_scan_contact_reproduces_golden_on_the_corpus(golden, uncached, corpus_dir):
    contacts, errors = read_manifest(corpus_dir / "manifest.csv")
    assert not errors
    truth = load_truth(corpus_dir)
    got = {}
    for c in contacts:
        t = truth.get(c.call_id)
        segs = truth_segments(t) if t else []
        got[c.call_id] = sorted(f.rule_id for f in uncached.scan_contact(c, segs, truth_metrics(t)))
    assert got == golden["corpus"]
