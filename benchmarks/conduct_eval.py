"""Benchmark: CONDUCT findings (raised voice, talk-over) of the real pipeline, scored per turn.

Usage::

    python benchmarks/conduct_eval.py CORPUS [CORPUS ...] [--json out.json] [--pack PACK]
        [--asr-cache DIR] [--option KEY=VALUE ...]

Each corpus is audited by ``audit batch``'s own code (:func:`pipelines.batch.run_batch`, one
worker, a throw-away SQLite database): decoding, ASR, diarization, roles, acoustics, the rule
pack, the database. Then:

* **Per turn** (a corpus whose truth marks conduct, e.g. ``benchmarks/corpus_conduct``): a truth
  turn with an expected CONDUCT finding is found when a CONDUCT finding *of the same kind* (its
  detector, ``raised_voice`` or ``overtalk``, against the truth's ``conduct`` field) overlaps
  it in time; a finding that overlaps no such turn is a false positive. Precision and recall per
  kind, in all and per layout (stereo call, mono call, visit).
* **Every corpus**: the CONDUCT findings it got. A corpus whose collectors speak at an even
  level (the development and held-out corpora) should get none.
* **Cost**: seconds spent in the features (:func:`pipelines.acoustics.measure` and the mono
  overlap detector's first run, :func:`pipelines.overlap.split_at_overlaps`, timed around each
  call in this process) against the wall time of the whole batch, and against the audio length.

``--asr-cache DIR`` reads the recogniser's output back from ``DIR`` (:mod:`benchmarks.asr_cache`;
the first run fills it), so runs that change only the diarization (``--option``, an
:class:`~pipelines.diarization.embedded.EmbeddedOptions` field as in ``benchmarks/der.py``) skip
the decoding; the cost figures of such a run leave the ASR out of the pipeline time.

The figures of the last run are in docs/conduct.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KINDS = ("raised_voice", "overtalk")


class StageTimer:
    """Seconds spent in one pipeline function (wrapped in its module, where the pipeline looks
    it up at call time): :func:`pipelines.acoustics.measure` by default."""

    def __init__(self, module: str = "pipelines.acoustics", name: str = "measure") -> None:
        self.seconds = 0.0
        self.calls = 0
        self._where = (module, name)

    def __enter__(self) -> StageTimer:
        import importlib

        self._module = importlib.import_module(self._where[0])
        self._original = original = getattr(self._module, self._where[1])

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(self._module, self._where[1], timed)
        return self

    def __exit__(self, *exc) -> None:
        setattr(self._module, self._where[1], self._original)


def layout_of(contact) -> str:
    if contact.kind == "visit":
        return "visit"
    return "stereo call" if (contact.channel_layout or "").startswith("stereo") else "mono call"


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def score(expected: list[dict], found: list[dict]) -> dict[str, dict[str, int]]:
    """tp/fp/fn per kind for one contact: ``expected`` truth findings (start, end, conduct),
    ``found`` stored findings (start, end, detector)."""
    out = {k: {"tp": 0, "fp": 0, "fn": 0} for k in KINDS}
    for kind in KINDS:
        turns = [e for e in expected if e.get("conduct") == kind]
        mine = [f for f in found if f["detector"] == kind]
        hit = [t for t in turns if any(overlap(f["start"], f["end"], t["start"], t["end"]) > 0 for f in mine)]
        out[kind]["tp"] = len(hit)
        out[kind]["fn"] = len(turns) - len(hit)
        out[kind]["fp"] = sum(1 for f in mine if not any(overlap(f["start"], f["end"], t["start"], t["end"]) > 0
                                                         for t in turns))
    return out


def ratios(counts: dict[str, int]) -> dict[str, Any]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {**counts, "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None}


def evaluate(corpus: Path, pack_path: str | None = None, options: Any = None) -> dict[str, Any]:
    from sqlmodel import Session, select

    from audit import models
    from audit.evaluation import load_truth
    from audit.manifest import read_manifest
    from audit.storage import init_db, make_engine
    from pipelines.batch import run_batch

    contacts, _errors = read_manifest(corpus / "manifest.csv")
    truth = load_truth(corpus)
    with tempfile.TemporaryDirectory(prefix="conduct-eval-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'eval.db'}")
        init_db(engine)
        # the mono overlap detector runs first when the diarizer's pieces are cut at overlaps
        # (pipelines.overlap.split_at_overlaps); acoustics then reuses its probabilities
        with StageTimer() as timer, StageTimer("pipelines.overlap", "split_at_overlaps") as split_timer:
            started = time.perf_counter()
            summary = run_batch(engine, corpus, options=options, pack_path=pack_path)
            elapsed = time.perf_counter() - started
        with Session(engine) as session:
            findings = defaultdict(list)
            for f in session.exec(select(models.Finding).where(models.Finding.category == "CONDUCT")):
                findings[f.call_id].append({"rule_id": f.rule_id, "detector": f.detector, "start": f.start,
                                            "end": f.end, "evidence": f.evidence, "details": f.details})
            metrics = {c.call_id: c.metrics for c in session.exec(select(models.Contact))}
        engine.dispose()

    total: dict[str, dict[str, int]] = {k: {"tp": 0, "fp": 0, "fn": 0} for k in KINDS}
    by_layout: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: {k: {"tp": 0, "fp": 0, "fn": 0} for k in KINDS})
    per_call = {}
    labelled = False
    for contact in contacts:
        if not contact.has_recording:
            continue
        expected = [e for e in (truth.get(contact.call_id) or {}).get("expected_findings", [])
                    if e.get("category") == "CONDUCT"]
        labelled = labelled or any("conduct" in e for e in expected)
        counts = score(expected, findings.get(contact.call_id, []))
        for kind in KINDS:
            for key in ("tp", "fp", "fn"):
                total[kind][key] += counts[kind][key]
                by_layout[layout_of(contact)][kind][key] += counts[kind][key]
        m = metrics.get(contact.call_id) or {}
        per_call[contact.call_id] = {"layout": layout_of(contact), **{k: counts[k] for k in KINDS},
                                     "findings": findings.get(contact.call_id, []),
                                     "metrics": {k: m.get(k) for k in ("agent_talk_share", "interruptions",
                                                                       "longest_silence_s", "agent_pace_cps",
                                                                       "raised_voice_s")}}
    return {
        "corpus": str(corpus),
        "labelled": labelled,
        "contacts": len(per_call),
        "conduct_findings": sum(len(v) for v in findings.values()),
        "per_kind": {k: ratios(v) for k, v in total.items()},
        "per_layout": {layout: {k: ratios(v) for k, v in kinds.items()} for layout, kinds in sorted(by_layout.items())},
        "per_call": per_call,
        "audio_s": round(summary.audio_seconds, 1),
        "pipeline_s": round(elapsed, 2),
        "acoustics_s": round(timer.seconds, 3),
        "overlap_split_s": round(split_timer.seconds, 3),
        "features_s": round(timer.seconds + split_timer.seconds, 3),
        "acoustics_share": round((timer.seconds + split_timer.seconds) / elapsed, 4) if elapsed else None,
        "acoustics_rtf": round((timer.seconds + split_timer.seconds) / summary.audio_seconds, 5)
        if summary.audio_seconds else None,
        "failures": [str(f) for f in summary.failures],
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _fmt(x) -> str:
    return "  –  " if x is None else f"{x:5.2f}"


def print_report(report: dict[str, Any]) -> None:
    print(f"\n{report['corpus']}: {report['contacts']} recordings, {report['audio_s']} s of audio, "
          f"{report['conduct_findings']} CONDUCT findings")
    print(f"  pipeline {report['pipeline_s']} s; features {report['features_s']} s (acoustics "
          f"{report['acoustics_s']} s, mono overlap cuts {report['overlap_split_s']} s) "
          f"= {100 * (report['acoustics_share'] or 0):.2f} % of the pipeline, RTF {report['acoustics_rtf']} "
          f"(load {report['load']})")
    if report["labelled"]:
        for kind, r in report["per_kind"].items():
            print(f"  {kind:13s} P {_fmt(r['precision'])}  R {_fmt(r['recall'])}   "
                  f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
        for layout, kinds in report["per_layout"].items():
            print(f"    {layout:12s} " + "   ".join(
                f"{k}: P {_fmt(r['precision'])} R {_fmt(r['recall'])}" for k, r in kinds.items()))
    for call_id, row in report["per_call"].items():
        misses = [f"{k} fn {row[k]['fn']}" for k in KINDS if row[k]["fn"]] + \
                 [f"{k} fp {row[k]['fp']}" for k in KINDS if row[k]["fp"]]
        if row["findings"] or misses:
            print(f"    {call_id} ({row['layout']}): " + "; ".join(
                [f"{f['detector']} {f['start']:.1f}-{f['end']:.1f} s" for f in row["findings"]] + misses))
    if report["failures"]:
        print("  failures: " + "; ".join(report["failures"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--pack", default=None, help="rule pack (default: the default pack)")
    parser.add_argument("--json", type=Path, help="write the reports here")
    parser.add_argument("--asr-cache", type=Path, help="cache the recogniser's output in this folder")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="an embedded diarizer option (EmbeddedOptions field); repeatable")
    args = parser.parse_args(argv)
    options = None
    if args.asr_cache:
        from benchmarks.asr_cache import install

        install(args.asr_cache)
    if args.option:
        from benchmarks.der import diarizer_options
        from pipelines.process import PipelineOptions

        options = PipelineOptions(diarizer_options=diarizer_options(args.option))
    reports = [evaluate(corpus, args.pack, options) for corpus in args.corpora]
    for report in reports:
        print_report(report)
    if args.json:
        args.json.write_text(json.dumps(reports, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
