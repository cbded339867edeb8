#!/usr/bin/env python3
"""Check corpus_conduct4's CONDUCT labels against the rule and write per-turn fields into truth/.

Run after callsynth (from the repository root):
    python3 benchmarks/corpus_conduct4/mark_truth4.py benchmarks/corpus_conduct4
Optionally, with callsynth's Python and its TTS cache still warm (it only reads cached clips):
    python benchmarks/corpus_conduct4/mark_truth4.py benchmarks/corpus_conduct4 \
        --voiced ../shared/tools/callsynth/synth.py
adds ``overlap_voiced_s`` (talk-over measured between the voiced parts of the two clips,
-35 dB below each clip's peak, 10 ms frames) to every turn that starts inside the previous one.

Per turn it writes: ``shout`` (bool), ``overlap`` (requested talk-over in s, 0 if none),
``overlap_s`` (how far the turn's span starts before the previous turn's span ends on the
generated timeline, 0 if it does not) and ``pause`` (s of dead air requested before it).
Each expected CONDUCT finding gets ``conduct``: ``raised_voice`` or ``overtalk``.

The rule: a collector turn is a CONDUCT finding when it is shouted (raised_voice), or when it
starts >= 1.0 s before the end of a turn by the person (not a collector) and the contact has
at least two such collector turns (overtalk). The script exits non-zero when a scenario's
labels disagree with the rule, or when a counted talk-over has under 1.0 s of voiced overlap.
Standard library only, unless --voiced is given.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

MIN_OVERLAP_S = 1.0


def _fields(turns: list[dict]) -> None:
    for i, t in enumerate(turns):
        fx = t.get("effects", {})
        t["shout"] = bool(fx.get("shout"))
        t["overlap"] = float(fx.get("overlap", 0.0)) if i else 0.0
        t["pause"] = float(fx.get("pause", 0.0))
        prev = turns[i - 1] if i else None
        t["overlap_s"] = round(max(0.0, prev["end"] - t["start"]), 3) if prev else 0.0


def _rule(turns: list[dict]) -> dict[int, str]:
    """Turn index -> conduct kind, for the turns the rule makes findings."""
    over = [i for i, t in enumerate(turns) if i and t["role"] == "agent" and turns[i - 1]["role"] != "agent"
            and t["overlap_s"] >= MIN_OVERLAP_S]
    found = {i: "raised_voice" for i, t in enumerate(turns) if t["role"] == "agent" and t["shout"]}
    if len(over) >= 2:
        for i in over:
            if i in found:
                raise SystemExit(f"turn {i} is both shouted and a talk-over: keep them apart")
            found[i] = "overtalk"
    return found


def _voiced_span(audio, thresh_db: float = -35.0) -> tuple[float, float]:
    import numpy as np
    frame = 160
    n = len(audio) // frame
    rms = np.sqrt((audio[: n * frame].reshape(n, frame).astype(np.float64) ** 2).mean(axis=1) + 1e-12)
    db = 20 * np.log10(rms / (np.abs(audio).max() + 1e-9))
    on = np.flatnonzero(db > thresh_db)
    return (on[0] * frame / 16000, (on[-1] + 1) * frame / 16000) if len(on) else (0.0, len(audio) / 16000)


def _voiced(turns: list[dict], synth) -> None:
    spans = []
    for t in turns:
        audio = synth.speak(None, t["text"], t["speaker"], t.get("voice"), t["shout"])
        spans.append(_voiced_span(audio))
    for i, t in enumerate(turns):
        if i and t["overlap_s"] > 0:
            prev_voice_end = turns[i - 1]["start"] + spans[i - 1][1]
            voice_start = t["start"] + spans[i][0]
            t["overlap_voiced_s"] = round(max(0.0, prev_voice_end - voice_start), 3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set_dir")
    ap.add_argument("--voiced", metavar="SYNTH_PY", help="callsynth's synth.py, to read cached TTS clips")
    args = ap.parse_args()
    synth = None
    if args.voiced:
        spec = importlib.util.spec_from_file_location("synth", args.voiced)
        synth = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(synth)
    bad = 0
    for path in sorted(Path(args.set_dir, "truth").glob("*.json")):
        truth = json.loads(path.read_text())
        turns = truth["turns"]
        _fields(turns)
        if synth is not None:
            _voiced(turns, synth)
        want = _rule(turns)
        labelled = {i for i, t in enumerate(turns) if "CONDUCT" in t["labels"]}
        if labelled != set(want):
            print(f"{truth['call_id']}: labels on turns {sorted(labelled)}, rule says {sorted(want)}")
            bad += 1
        by_span = {(t["speaker"], t["start"]): want.get(i) for i, t in enumerate(turns)}
        for f in truth["expected_findings"]:
            if f["category"] == "CONDUCT":
                f["conduct"] = by_span[(f["speaker"], f["start"])]
        for i, kind in want.items():
            v = turns[i].get("overlap_voiced_s")
            if kind == "overtalk" and v is not None and v < MIN_OVERLAP_S:
                print(f"{truth['call_id']}: counted talk-over at {turns[i]['start']} has {v} s voiced overlap")
                bad += 1
        path.write_text(json.dumps(truth, ensure_ascii=False, indent=1))
        summary = [(t["speaker"], t["start"], "shout" if t["shout"] else "", t["overlap"], t["overlap_s"],
                    t.get("overlap_voiced_s", ""), t["pause"], want.get(i, ""))
                   for i, t in enumerate(turns) if t["shout"] or t["overlap_s"] or t["pause"]]
        print(truth["call_id"], truth["duration_s"], summary)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
