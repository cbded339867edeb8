"""Benchmark: one ``audit batch`` of a corpus's mono recordings, its DER, mono role accuracy and
voice attribution from the same stored segments, with pipeline settings to try.

    python benchmarks/visits_mono.py MONO_DIR --prepared PREPARED.db --out RUN.db --asr-cache DIR
        [--set pipelines.voice_anchors.WEIGHT=0.5] [--losses]

``MONO_DIR`` and ``PREPARED.db`` come from ``benchmarks/voices_prepare.py CORPUS --db
sqlite:///PREPARED.db --mono-dir MONO_DIR`` (the stereo calls' collectors enrolled, the mono
rows alone). ``PREPARED.db`` is copied to ``RUN.db`` (replaced), the batch runs in this process
(one worker, so ``--set`` reaches the pipeline) with the recogniser read back from
``--asr-cache``, and then:

* DER (collar 0.25 s, and without collar) and role accuracy of the truth turns, as
  :func:`pipelines.evaluate.evaluate_corpus` computes them for mono recordings, per recording
  and over all (visits and mono calls apart too);
* ``benchmarks/voices_attribution.py MONO_DIR --db RUN.db [--losses]`` on the same database.

Two runs on one cache and one prepared database differ only in what ``--set`` changed.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _apply(settings: list[str]) -> None:
    """``module.NAME=VALUE`` settings (a number, True/False, None or a word), set before the batch."""
    for item in settings:
        name, _, raw = item.partition("=")
        module, _, attr = name.rpartition(".")
        target = importlib.import_module(module)
        if not hasattr(target, attr):
            raise SystemExit(f"{module} has no setting {attr}")
        value: object = {"True": True, "False": False, "None": None}.get(raw, raw)
        if isinstance(value, str):
            try:
                value = float(raw)
            except ValueError:
                pass
        setattr(target, attr, value)


def mono_figures(mono_dir: Path, db_url: str, collar: float = 0.25) -> dict:
    """DER and role accuracy of the stored segments of ``mono_dir``'s recordings."""
    from pyannote.metrics.diarization import DiarizationErrorRate
    from sqlmodel import Session, select

    from audit import models
    from audit.evaluation import load_truth
    from audit.manifest import read_manifest
    from audit.storage import make_engine
    from pipelines.evaluate import read_rttm, spans_to_annotation
    from pipelines.intervals import overlap

    truth = load_truth(mono_dir)
    contacts, _ = read_manifest(mono_dir / "manifest.csv")
    engine = make_engine(db_url)
    with Session(engine) as session:
        segments = defaultdict(list)
        for seg in session.exec(select(models.Segment).order_by(models.Segment.call_id, models.Segment.start)):
            segments[seg.call_id].append(seg)
    engine.dispose()
    metrics = {k: DiarizationErrorRate(collar=collar, skip_overlap=False) for k in ("all", "visit", "call")}
    strict = DiarizationErrorRate(collar=0.0, skip_overlap=False)
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    rows = {}
    for contact in contacts:
        t = truth.get(contact.call_id)
        if t is None or (contact.channel_layout or "mono").startswith("stereo"):
            continue
        segs = segments.get(contact.call_id, [])
        good = 0
        for turn in t["turns"]:
            best = max(segs, key=lambda s: overlap(s.start, s.end, turn["start"], turn["end"]), default=None)
            hit = (
                best is not None
                and overlap(best.start, best.end, turn["start"], turn["end"]) > 0
                and best.role == turn["role"]
            )
            good += int(hit)
        for key in ("all", contact.kind):
            right[key] += good
            total[key] += len(t["turns"])
        reference = read_rttm(mono_dir / "truth" / f"{contact.call_id}.rttm")
        hypothesis = spans_to_annotation([(s.start, s.end, s.speaker) for s in segs], contact.call_id)
        der = float(metrics["all"](reference, hypothesis))
        metrics[contact.kind](reference, hypothesis)
        strict(reference, hypothesis)
        rows[contact.call_id] = {"der": round(der, 4), "roles": f"{good}/{len(t['turns'])}"}
    return {
        "der": {k: round(abs(m), 4) for k, m in metrics.items() if total[k]},
        "der_no_collar": round(abs(strict), 4),
        "role_accuracy": {k: round(right[k] / total[k], 4) for k in total},
        "per_call": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mono_dir", type=Path)
    ap.add_argument("--prepared", type=Path, required=True, help="voices_prepare.py's SQLite file")
    ap.add_argument("--out", type=Path, required=True, help="the SQLite file this run writes (replaced)")
    ap.add_argument("--asr-cache", type=Path, required=True)
    ap.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE")
    ap.add_argument("--losses", action="store_true", help="voices_attribution.py --losses")
    args = ap.parse_args(argv)

    from benchmarks.asr_cache import install

    warnings.filterwarnings("ignore", message="'uem' was approximated")  # pyannote, once per recording

    _copy_db(args.prepared, args.out)
    counts = install(args.asr_cache)
    _apply(args.set)
    from audit.cli import main as audit

    url = f"sqlite:///{args.out}"
    code = audit(["batch", str(args.mono_dir), "--db", url, "--no-progress"])
    if code:
        return code
    figures = mono_figures(args.mono_dir, url)
    for call_id, row in figures["per_call"].items():
        print(f"{call_id:10s} DER {row['der'] * 100:5.1f} %  roles {row['roles']}")
    print(
        "DER (collar 0.25): "
        + ", ".join(f"{k} {v * 100:.2f} %" for k, v in figures["der"].items())
        + f"; no collar {figures['der_no_collar'] * 100:.2f} %"
    )
    print("role accuracy: " + ", ".join(f"{k} {v * 100:.1f} %" for k, v in figures["role_accuracy"].items()))
    print(f"ASR cache: {counts['hits']} read back, {counts['misses']} decoded")
    import voices_attribution

    return voices_attribution.main([str(args.mono_dir), "--db", url, "--quiet", *(["--losses"] if args.losses else [])])


if __name__ == "__main__":
    raise SystemExit(main())
