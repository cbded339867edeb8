"""Benchmark: audio hours audited per hour of wall-clock time, with 1 and 2 local workers.

Usage::

    python benchmarks/throughput.py CORPUS_DIR [--workers 1 2] [--limit N] [--repeat K]

Runs the real ``audit batch CORPUS_DIR --workers N`` (fresh SQLite database each time, no
progress bar) and divides the recordings' audio length by the wall-clock time, start to exit.
With N workers the cores are split between them (CTranslate2 threads per worker), so on a
2-core machine ``--workers 2`` runs two recordings at once on one core each. ``--repeat``
copies the corpus K times under new call_ids, for a longer, steadier run.

The last line projects the nightly volume: how many such machines audit 700 hours of
recordings in an 8-hour night. Run it when the machine is otherwise idle; the load average is
printed with the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NIGHT_HOURS_OF_AUDIO = 700
NIGHT_LENGTH_H = 8


def make_input(corpus: Path, tmp: Path, limit: int | None, repeat: int) -> tuple[Path, float, int]:
    """A manifest with the corpus recordings (linked, ``repeat`` times) and their audio length."""
    from pipelines.audio import load_audio

    with open(corpus / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["audio_file"] and (corpus / r["audio_file"]).is_file()]
    rows = rows[:limit] if limit else rows
    seconds = {r["audio_file"]: load_audio(corpus / r["audio_file"]).duration for r in rows}
    out = tmp / "input"
    (out / "audio").mkdir(parents=True)
    written = []
    for k in range(repeat):
        for row in rows:
            name = f"audio/r{k}-{Path(row['audio_file']).name}"
            (out / name).symlink_to((corpus / row["audio_file"]).resolve())
            written.append(dict(row, call_id=f"{row['call_id']}-r{k}", audio_file=name))
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(written)
    return out, repeat * sum(seconds.values()), len(written)


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--limit", type=int, help="only the first N recordings of the manifest")
    parser.add_argument("--repeat", type=int, default=1, help="audit the recordings K times (new call_ids)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp:
        input_dir, audio_s, count = make_input(args.corpus_dir, Path(tmp), args.limit, args.repeat)
        print(f"{count} recordings, {audio_s / 60:.1f} min of audio; {os.cpu_count()} CPUs; "
              f"load average before: {load_avg()}")
        best = 0.0
        for workers in args.workers:
            db = f"sqlite:///{Path(tmp) / f'w{workers}.db'}"
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "audit.cli", "batch", str(input_dir), "--db", db,
                                   "--workers", str(workers), "--no-progress"], capture_output=True, text=True,
                                  check=False)
            wall = time.perf_counter() - start
            if proc.returncode != 0:
                print(proc.stdout, proc.stderr, file=sys.stderr)
                return 1
            rate = audio_s / wall  # audio hours per wall-clock hour
            best = max(best, rate)
            print(f"workers={workers}: {wall:7.1f} s wall, {rate:5.2f} audio hours per hour "
                  f"(RTF {wall / audio_s:.3f})  load avg {load_avg()}")
        machines = NIGHT_HOURS_OF_AUDIO / (best * NIGHT_LENGTH_H)
        print(f"{NIGHT_HOURS_OF_AUDIO} h of audio in a {NIGHT_LENGTH_H} h night needs {machines:.1f} machines like "
              f"this one at the best rate (or GPU workers on Ray, see docs/ray.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
