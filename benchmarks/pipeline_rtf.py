"""Benchmark: end-to-end real-time factor of ``audit batch`` vs a bare faster-whisper transcription.

Usage::

    python benchmarks/pipeline_rtf.py CORPUS_DIR [--limit N] [--workers 2] [--profile] [--json out.json]

In one run, on the same recordings:

1. **bare**: faster-whisper alone - the same embedded model (``embedded_model_dir()``),
   ``WhisperModel(..., compute_type="int8")``, beam 5, ``vad_filter=True``, Mandarin, on the
   mono downmix of each recording (decoded with ``pipelines.audio.load_audio``), segments
   consumed. The model load is timed apart.
2. **pipeline**: the real ``audit batch CORPUS_DIR`` command (a fresh SQLite database in a
   temporary folder, no progress bar), wall-clock time from start to exit: decoding, hashing,
   ASR, diarization, roles, metrics, rule scan, database writes, model loads, interpreter start.

RTF = processing seconds / audio seconds (lower is faster); the ratio is pipeline / bare.
Targets (issue 4): pipeline RTF <= 0.15, ratio <= 1.4. Exits 1 when a target is missed.

``--workers 2`` also runs both sides with 2 processes (bare: the files spread over a pool of 2
model instances with the cores split between them; pipeline: ``audit batch --workers 2``).

``--profile`` then times each stage of the pipeline in-process on the same files (models
loaded beforehand): decode, ASR (one pass over the mono mix), diarization, words→segments/roles/metrics, rule
scan, database write; and the ASR variants that explain the difference from the bare run
(word timestamps, the pipeline's decoding options, two passes on stereo calls).

Run it when the machine is otherwise idle: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.manifest import read_manifest

TARGET_RTF = 0.15
TARGET_RATIO = 1.4


def recordings(corpus: Path, limit: int | None):
    contacts, _errors = read_manifest(corpus / "manifest.csv")
    found = [c for c in contacts if c.has_recording and (corpus / c.audio_file).is_file()]
    return found[:limit] if limit else found


def subset_dir(corpus: Path, contacts, tmp: Path) -> Path:
    """A manifest holding just ``contacts`` (audio copied from the corpus)."""
    import csv

    with open(corpus / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["call_id"] in {c.call_id for c in contacts}]
    out = tmp / "input"
    (out / "audio").mkdir(parents=True)
    for row in rows:
        # copied: audit batch refuses a recording that leads outside its input folder (a link)
        shutil.copyfile(corpus / row["audio_file"], out / row["audio_file"])
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bare(corpus: Path, contacts, *, word_timestamps=False, per_channel=False, pipeline_options=False,
         model=None):
    """Seconds to transcribe every recording with faster-whisper alone (model already loaded)."""
    from faster_whisper import WhisperModel

    from pipelines.asr import embedded_model_dir
    from pipelines.audio import load_audio
    from pipelines.process import PipelineOptions

    load_s = 0.0
    if model is None:
        start = time.perf_counter()
        model = WhisperModel(str(embedded_model_dir()), device="cpu", compute_type="int8",
                             cpu_threads=os.cpu_count() or 1)
        load_s = time.perf_counter() - start
    kwargs = {"language": "zh", "beam_size": 5, "vad_filter": True, "word_timestamps": word_timestamps}
    if pipeline_options:
        opts = PipelineOptions().asr_options
        kwargs.update(initial_prompt=opts.prompt(), condition_on_previous_text=opts.condition_on_previous_text,
                      temperature=list(opts.temperature))
    total = 0.0
    for contact in contacts:
        start = time.perf_counter()
        audio = load_audio(corpus / contact.audio_file)
        stereo = per_channel and audio.channels == 2 and (contact.channel_layout or "").startswith("stereo")
        signals = [audio.channel(0), audio.channel(1)] if stereo else [audio.mono()]
        for signal in signals:
            segments, _info = model.transcribe(signal, **kwargs)
            for _ in segments:  # the generator does the work
                pass
        total += time.perf_counter() - start
    return total, load_s, model


_POOL_MODEL = None


def _pool_init(threads: int) -> None:
    global _POOL_MODEL
    from faster_whisper import WhisperModel

    from pipelines.asr import embedded_model_dir

    _POOL_MODEL = WhisperModel(str(embedded_model_dir()), device="cpu", compute_type="int8", cpu_threads=threads)


def _pool_transcribe(path: str) -> None:
    from pipelines.audio import load_audio

    segments, _info = _POOL_MODEL.transcribe(load_audio(path).mono(), language="zh", beam_size=5, vad_filter=True)
    for _ in segments:
        pass


def bare_parallel(corpus: Path, contacts, workers: int) -> float:
    """Wall-clock seconds for the bare transcription spread over ``workers`` processes (model
    loads included), the cores split between them as ``audit batch --workers`` does."""
    import concurrent.futures as cf
    import multiprocessing

    threads = max(1, (os.cpu_count() or 1) // workers)
    start = time.perf_counter()
    with cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                initializer=_pool_init, initargs=(threads,)) as pool:
        list(pool.map(_pool_transcribe, [str(corpus / c.audio_file) for c in contacts]))
    return time.perf_counter() - start


def audio_seconds(corpus: Path, contacts) -> float:
    from pipelines.audio import load_audio

    return sum(load_audio(corpus / c.audio_file).duration for c in contacts)


def pipeline_cli(input_dir: Path, tmp: Path, workers: int = 1) -> tuple[float, str]:
    db = f"sqlite:///{tmp / f'bench{workers}.db'}"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "audit.cli", "batch", str(input_dir), "--db", db, "--no-progress",
                           "--workers", str(workers)],
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"audit batch failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed, proc.stdout


def profile(corpus: Path, contacts, model) -> dict[str, float]:
    """Seconds per stage of the pipeline, in-process, models loaded beforehand."""
    from audit.rules import load_pack
    from audit.storage import init_db, make_engine
    from audit.storage import session as open_session
    from audit.store import save_audit
    from pipelines.audio import file_sha256, load_audio
    from pipelines.process import Pipeline, PipelineOptions

    stages: dict[str, float] = defaultdict(float)
    pipeline = Pipeline(PipelineOptions(cpu_threads=os.cpu_count() or 1))
    start = time.perf_counter()
    _ = pipeline.asr
    stages["load ASR model (once)"] = time.perf_counter() - start
    start = time.perf_counter()
    _ = pipeline.diarizer
    stages["load diarizer (once)"] = time.perf_counter() - start
    pack = load_pack()
    tmp = Path(tempfile.mkdtemp(prefix="rtf-profile-"))
    engine = make_engine(f"sqlite:///{tmp / 'p.db'}")
    init_db(engine)

    marks: list[tuple[str, float, dict]] = []
    pipeline.hook = lambda step, artifact=None, **info: marks.append((step, time.perf_counter(), info))
    for contact in contacts:
        t0 = time.perf_counter()
        sha = file_sha256(corpus / contact.audio_file)
        t1 = time.perf_counter()
        audio = load_audio(corpus / contact.audio_file, sha256=sha)
        t2 = time.perf_counter()
        stages["hash file"] += t1 - t0
        stages["decode audio"] += t2 - t1
        marks.clear()
        transcript = pipeline.process(contact, audio)
        previous = t2
        stereo = any(info.get("channel") is not None for step, _t, info in marks if step == "asr")
        for step, when, _info in marks:
            if step == "asr":
                name = f"ASR ({'stereo, per channel' if stereo else 'mono mix'})"
            elif step == "diarization":
                name = "diarization (mono only)"
            else:
                name = "words→segments, roles, metrics"
            stages[name] += when - previous
            previous = when
        t3 = time.perf_counter()
        findings = pack.scan_contact(contact, transcript.segments, transcript.metrics)
        t4 = time.perf_counter()
        with open_session(engine) as session:
            save_audit(session, contact, transcript, findings, weights=pack.parameters.severity_weights,
                       rule_pack_version=pack.version, audio_path=str(audio.path), audio_sha256=sha, run_id=None)
            session.commit()
        t5 = time.perf_counter()
        stages["rule scan"] += t4 - t3
        stages["database write"] += t5 - t4
    engine.dispose()
    return dict(stages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("--limit", type=int, help="only the first N recordings of the manifest")
    parser.add_argument("--profile", action="store_true", help="also time each pipeline stage and ASR variant")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    parser.add_argument("--workers", type=int, nargs="*", default=[],
                        help="also compare with N processes on each side (e.g. --workers 2)")
    args = parser.parse_args()

    contacts = recordings(args.corpus_dir, args.limit)
    if not contacts:
        sys.exit(f"{args.corpus_dir}: no recordings in manifest.csv")
    audio_s = audio_seconds(args.corpus_dir, contacts)
    stereo = sum(1 for c in contacts if (c.channel_layout or "").startswith("stereo"))
    print(f"{len(contacts)} recordings ({stereo} stereo), {audio_s:.1f} s of audio; {os.cpu_count()} CPUs; "
          f"load average before: {load_avg()}")

    bare_s, load_s, model = bare(args.corpus_dir, contacts)
    print(f"bare faster-whisper (mono, beam 5, VAD, int8): {bare_s:.1f} s  RTF {bare_s / audio_s:.3f} "
          f"(+ {load_s:.1f} s model load: RTF {(bare_s + load_s) / audio_s:.3f})  load avg {load_avg()}")

    with tempfile.TemporaryDirectory(prefix="rtf-") as tmp:
        input_dir = subset_dir(args.corpus_dir, contacts, Path(tmp))
        pipe_s, out = pipeline_cli(input_dir, Path(tmp))
    first = out.splitlines()[0] if out else ""
    print(f"audit batch (end to end, 1 worker):           {pipe_s:.1f} s  RTF {pipe_s / audio_s:.3f}  "
          f"load avg {load_avg()}\n  {first}")
    ratio = pipe_s / (bare_s + load_s)
    print(f"ratio pipeline / bare (both with model load): {ratio:.2f}   "
          f"(targets: RTF <= {TARGET_RTF}, ratio <= {TARGET_RATIO})")
    figures = {"recordings": len(contacts), "stereo": stereo, "audio_s": round(audio_s, 1),
               "bare_s": round(bare_s, 2), "bare_load_s": round(load_s, 2), "pipeline_s": round(pipe_s, 2),
               "pipeline_rtf": round(pipe_s / audio_s, 4), "bare_rtf": round((bare_s + load_s) / audio_s, 4),
               "ratio": round(ratio, 3), "load_avg_end": load_avg(), "cpus": os.cpu_count()}

    for workers in args.workers:
        bare_w = bare_parallel(args.corpus_dir, contacts, workers)
        with tempfile.TemporaryDirectory(prefix="rtf-") as tmp:
            pipe_w, _out = pipeline_cli(subset_dir(args.corpus_dir, contacts, Path(tmp)), Path(tmp), workers)
        print(f"{workers} processes each: bare {bare_w:.1f} s RTF {bare_w / audio_s:.3f}; audit batch --workers "
              f"{workers} {pipe_w:.1f} s RTF {pipe_w / audio_s:.3f}; ratio {pipe_w / bare_w:.2f}  "
              f"load avg {load_avg()}")
        figures[f"workers_{workers}"] = {"bare_s": round(bare_w, 2), "pipeline_s": round(pipe_w, 2),
                                         "pipeline_rtf": round(pipe_w / audio_s, 4), "ratio": round(pipe_w / bare_w, 3)}

    if args.profile:
        stages = profile(args.corpus_dir, contacts, model)
        total = sum(v for k, v in stages.items() if "once" not in k)
        print(f"\nprofile (in-process, models preloaded), {total:.1f} s = RTF {total / audio_s:.3f}:")
        for name, secs in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(f"  {name:34s} {secs:7.1f} s  {100 * secs / total:5.1f} %" if "once" not in name
                  else f"  {name:34s} {secs:7.1f} s")
        print("ASR variants on the same files (same loaded model):")
        variants = {
            "bare mono (baseline)": bare_s,
            "+ word timestamps": bare(args.corpus_dir, contacts, word_timestamps=True, model=model)[0],
            "+ pipeline options (prompt, temperature fallback)":
                bare(args.corpus_dir, contacts, word_timestamps=True, pipeline_options=True, model=model)[0],
            "+ stereo per channel (the pipeline before 17:30; now one pass over the mix)":
                bare(args.corpus_dir, contacts, word_timestamps=True, pipeline_options=True, per_channel=True,
                     model=model)[0],
        }
        for name, secs in variants.items():
            print(f"  {name:52s} {secs:7.1f} s  RTF {secs / audio_s:.3f}  x{secs / bare_s:.2f}")
        figures["profile"] = {k: round(v, 2) for k, v in stages.items()}
        figures["asr_variants"] = {k: round(v, 2) for k, v in variants.items()}
        print(f"load average after: {load_avg()}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0 if figures["pipeline_rtf"] <= TARGET_RTF and ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
