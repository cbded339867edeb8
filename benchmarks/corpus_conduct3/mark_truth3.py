"""Check the CONDUCT labels of corpus_conduct3 against the rule and write per-turn conduct fields into truth/.

Run after callsynth (from the repository root):
    python benchmarks/corpus_conduct3/mark_truth3.py benchmarks/corpus_conduct3

Per turn it adds ``shout`` (bool), ``overlap`` (the requested talk-over in seconds, 0 if none),
``overlap_s`` (seconds this turn's span starts before the previous turn's span ends, 0 if none,
measured on the generated timeline) and ``pause`` (seconds of dead air before the turn, 0 if none).
Each expected CONDUCT finding gets ``conduct``: ``raised_voice`` (a shouted collector turn) or
``overtalk`` (a collector turn that starts >= 1.0 s before the other party's turn ends, in a
contact with at least two such turns). It exits non-zero if a scenario's labels disagree with
that rule. Standard library only.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OVERTALK_S = 1.0


def expected_conduct(turns: list[dict]) -> dict[int, str]:
    """Index of turn -> conduct kind, by the set's rule."""
    out: dict[int, str] = {}
    over = []
    for i, t in enumerate(turns):
        fx = t.get("effects", {})
        if t["role"] != "agent":
            continue
        if fx.get("shout"):
            out[i] = "raised_voice"
        elif i and fx.get("overlap", 0) >= OVERTALK_S and turns[i - 1]["role"] != "agent":
            over.append(i)
    if len(over) >= 2:
        out.update({i: "overtalk" for i in over})
    return out


def main(root: str) -> int:
    bad = 0
    for path in sorted(Path(root, "truth").glob("*.json")):
        truth = json.loads(path.read_text())
        turns = truth["turns"]
        kinds = expected_conduct(turns)
        labelled = {i for i, t in enumerate(turns) if "CONDUCT" in t["labels"]}
        if labelled != set(kinds):
            print(f"{truth['call_id']}: labelled turns {sorted(labelled)} but the rule gives {sorted(kinds)}")
            bad += 1
        for i, t in enumerate(turns):
            fx = t.get("effects", {})
            t["shout"] = bool(fx.get("shout"))
            t["overlap"] = float(fx.get("overlap", 0.0))
            t["overlap_s"] = round(max(0.0, turns[i - 1]["end"] - t["start"]), 3) if i else 0.0
            t["pause"] = float(fx.get("pause", 0.0))
        for f in truth["expected_findings"]:
            if f["category"] != "CONDUCT":
                continue
            i = next(j for j, t in enumerate(turns)
                     if t["start"] == f["start"] and t["speaker"] == f["speaker"])
            f["conduct"] = kinds.get(i, "unexpected")
        path.write_text(json.dumps(truth, ensure_ascii=False, indent=1))
        print(truth["call_id"], sorted(kinds.values()) or "no conduct finding")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
