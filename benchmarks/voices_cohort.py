"""Fit the room cohort of the s-norm's profile side (``pipelines/voice_cohort.py``).

    python benchmarks/voices_cohort.py CORPUS_DIR... [--out pipelines/data/voices/room_cohort.json]
        [--min-s 3] [--exclude REGEX]

Every home visit (mono room recording) of the given callsynth corpora: each voice of its truth
turns (collectors, debtors, relatives alike) with at least ``--min-s`` seconds of turns gives one
vector, embedded the way the voice step embeds a collector cluster (the recording band-limited
once, the 1.6 s windows of its turns averaged, the room mean removed). The shipped cohort must
come from corpora that are not used to measure the voice step (their voices would be in the
cohort of their own test): session 9 fitted it on corpus_heldout3 and corpus_conduct..4, leaving
out the voices named like corpus_voices' collectors (``--exclude '^V[3-6]0[1-6]$'``: callsynth
derives a voice from its name, and corpus_heldout3 and corpus_conduct3 reuse V401-V406).
A bank would pass its own visits with a reviewed diarization (a truth folder in the same form).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def voices_of(corpus: Path, min_s: float, exclude: str | None = None) -> tuple[list[np.ndarray], list[str]]:
    """One compensated room vector per (visit, voice) of ``corpus``."""
    from pipelines.audio import load_audio
    from pipelines.diarization.embedding import embed_windows
    from pipelines.voices import MIN_SPAN_S, WINDOW_FILL, WINDOW_STEP_S, _mean_unit, compensate, recording_band

    with open(corpus / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r.get("kind") == "visit"
            and r.get("audio_file")
            and r.get("channel_layout") == "mono"
            and (corpus / r["audio_file"]).is_file()
        ]
    vectors, sources = [], []
    for row in rows:
        truth = json.loads((corpus / "truth" / f"{row['call_id']}.json").read_text(encoding="utf-8"))
        spans: dict[str, list[tuple[float, float]]] = {}
        for t in truth["turns"]:
            if t["end"] - t["start"] > MIN_SPAN_S:
                spans.setdefault(t.get("voice") or t["speaker"], []).append((t["start"], t["end"]))
        keep = {
            v: s
            for v, s in spans.items()
            if sum(e - b for b, e in s) >= min_s and not (exclude and re.search(exclude, v))
        }
        if not keep:
            continue
        mono = load_audio(corpus / row["audio_file"]).mono()
        band = recording_band(mono, max(e for s in keep.values() for _, e in s))
        for voice, s in sorted(keep.items()):
            windows = embed_windows(band, s, fill=WINDOW_FILL, step_s=WINDOW_STEP_S)
            vectors.append(compensate(_mean_unit(windows)[None, :], "room")[0])
            sources.append(f"{corpus.name}/{row['call_id']}/{voice}")
        print(f"{corpus.name}/{row['call_id']}: {len(keep)} voice(s)", flush=True)
    return vectors, sources


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, default=Path("pipelines/data/voices/room_cohort.json"))
    ap.add_argument("--min-s", type=float, default=3.0, help="a voice with less speech in a visit is left out")
    ap.add_argument("--exclude", help="leave out voices whose name matches this regular expression")
    args = ap.parse_args(argv)
    from pipelines.voice_cohort import fit_document

    vectors: list[np.ndarray] = []
    sources: list[str] = []
    for corpus in args.corpora:
        v, s = voices_of(corpus, args.min_s, args.exclude)
        vectors += v
        sources += s
    if len(vectors) < 3:
        print("fewer than three room voices: nothing written")
        return 1
    args.out.write_text(json.dumps(fit_document(np.stack(vectors), sources)), encoding="utf-8")
    print(f"{len(vectors)} room voices from {len(args.corpora)} corpora -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
