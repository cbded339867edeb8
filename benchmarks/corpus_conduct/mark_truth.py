"""Add the conduct marks to the truth files callsynth wrote (run once after synth.py).

Each turn gets top-level ``shout``, ``overlap`` and ``pause`` fields from its effects, and each
expected CONDUCT finding a ``conduct`` field: ``raised_voice`` for a shouted turn, ``overtalk``
for a turn that talks over the person. ``benchmarks/conduct_eval.py`` scores against these.

Usage: python benchmarks/corpus_conduct/mark_truth.py benchmarks/corpus_conduct
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def mark(path: Path) -> None:
    truth = json.loads(path.read_text(encoding="utf-8"))
    for turn in truth["turns"]:
        effects = turn.get("effects", {})
        turn["shout"] = bool(effects.get("shout"))
        turn["overlap"] = effects.get("overlap")
        turn["pause"] = effects.get("pause")
    for finding in truth["expected_findings"]:
        if finding["category"] != "CONDUCT":
            continue
        turn = next(t for t in truth["turns"] if (t["start"], t["end"]) == (finding["start"], finding["end"]))
        finding["conduct"] = "raised_voice" if turn["shout"] else "overtalk"
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    for file in sorted(Path(sys.argv[1], "truth").glob("*.json")):
        mark(file)
