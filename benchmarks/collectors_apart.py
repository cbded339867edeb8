"""Benchmark: does the mono pipeline keep the collectors of a visit apart?

Usage::

    python benchmarks/collectors_apart.py CORPUS [CORPUS ...] [--asr-cache DIR] [--option KEY=VALUE]

For every visit of the corpora with two or more collectors in its truth, the pipeline
(:class:`pipelines.process.Pipeline`, recogniser output cached as in ``eval_cached.py``) diarizes
the recording; each truth collector's turns are laid over the speakers of the segments. A
visit's collectors are *apart* when each has a different majority speaker. Also printed: the
share of collector time that lies on the collector's own speaker (its majority speaker, when no
other collector has more time on it). Issue 11 loses attribution where two collectors share a
cluster; this measures that loss without voiceprints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--asr-cache", type=Path, default=Path(".asr-cache"))
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="an embedded diarizer option (EmbeddedOptions field); repeatable")
    args = parser.parse_args(argv)

    from audit.manifest import read_manifest
    from benchmarks.asr_cache import install
    from benchmarks.der import diarizer_options
    from pipelines.audio import load_audio
    from pipelines.process import Pipeline, PipelineOptions

    install(args.asr_cache)
    pipeline = Pipeline(PipelineOptions(diarizer_options=diarizer_options(args.option)))
    visits = apart = 0
    collector_s = own_s = 0.0
    for corpus in args.corpora:
        contacts, _ = read_manifest(corpus / "manifest.csv")
        for contact in contacts:
            if contact.kind != "visit" or not contact.audio_file:
                continue
            truth = json.loads((corpus / "truth" / f"{contact.call_id}.json").read_text(encoding="utf-8"))
            turns = [t for t in truth["turns"] if t["role"] == "agent"]
            collectors = sorted({t["speaker"] for t in turns})
            if len(collectors) < 2:
                continue
            transcript = pipeline.process(contact, load_audio(corpus / contact.audio_file))
            share: dict[str, dict[str, float]] = {c: {} for c in collectors}
            for turn in turns:
                for seg in transcript.segments:
                    overlap = min(turn["end"], seg.end) - max(turn["start"], seg.start)
                    if overlap > 0:
                        share[turn["speaker"]][seg.speaker] = share[turn["speaker"]].get(seg.speaker, 0.0) + overlap
            major = {c: max(share[c].items(), key=lambda x: x[1])[0] if share[c] else None for c in collectors}
            kept = len(set(major.values())) == len(collectors) and None not in major.values()
            visits += 1
            apart += kept
            for c in collectors:
                collector_s += sum(share[c].values())
                owner = max(collectors, key=lambda o: share[o].get(major[c], 0.0)) if major[c] else None
                if owner == c:
                    own_s += share[c][major[c]]
            rounded = {c: {s: round(v, 1) for s, v in share[c].items()} for c in collectors}
            print(f"{contact.call_id} {len(collectors)} collectors {'apart' if kept else 'MERGED'} {rounded}")
    if visits:
        print(f"collectors kept apart on {apart}/{visits} visits; collector time on its own speaker "
              f"{100 * own_s / collector_s:.1f} % of {collector_s:.0f} s (options: {args.option or 'defaults'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
