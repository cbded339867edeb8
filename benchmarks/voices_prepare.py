"""Prepare a callsynth corpus for a cheap voiceprint measurement on a shared CPU machine.

    python benchmarks/voices_prepare.py CORPUS_DIR --db DB_URL --mono-dir OUT_DIR

The shortcut of docs/voiceprints.md *Round 3*: every stereo call of ``CORPUS_DIR`` enrolls its
collector channel (left) from the VAD's speech regions, without being audited (no recogniser:
the same :func:`pipelines.voices.enrollment_chunks` and outlier rejection as ``audit batch``,
which takes the transcript's collector segments instead); every agent of the manifest gets its
agent row (name, team: the team candidates of identification). ``OUT_DIR`` receives a copy of
the manifest with the mono rows only, their recordings, and a link to the truth folder, so that

    python -c "from benchmarks.asr_cache import install; install('CACHE'); from audit.cli import main; \\
        main(['batch', 'OUT_DIR', '--db', 'DB_URL'])"

audits only the mono recordings (visits and mono calls) against those voiceprints, with the
recogniser's output cached for ``benchmarks/voices_attribution.py --reidentify --asr-cache``.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--db", required=True)
    ap.add_argument("--mono-dir", type=Path, required=True)
    args = ap.parse_args(argv)

    from audit import models
    from audit.cli.common import init_engine
    from audit.storage import session as open_session
    from audit.voiceprints import enroll, load_profiles
    from pipelines.audio import load_audio
    from pipelines.voices import OUTLIERS, enrollment_chunks

    with open(args.corpus / "manifest.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    engine = init_engine(args.db)
    with open_session(engine) as db:
        for row in rows:
            if row.get("agent_id") and db.get(models.Agent, row["agent_id"]) is None:
                db.add(models.Agent(agent_id=row["agent_id"], name=row.get("agent_name", ""),
                                    team=row.get("team", ""), agency=row.get("agency", "")))
        for row in rows:
            if not row.get("audio_file") or not row["channel_layout"].startswith("stereo"):
                continue
            channel = 0 if row["channel_layout"].endswith("left") else 1
            chunks = enrollment_chunks(load_audio(args.corpus / row["audio_file"]).channel(channel), row["call_id"])
            if chunks:
                enroll(db, row["agent_id"], chunks, **OUTLIERS)
            print(f"enrolled {row['call_id']} -> {row['agent_id']}: {len(chunks)} stretch(es)", flush=True)
        db.commit()
        profiles = load_profiles(db)
    rejected = sorted(c.source for p in profiles.values() for c in p.chunks if not c.kept)
    print(f"{sum(p.ready for p in profiles.values())}/{len(profiles)} profiles ready; rejected: {rejected}")

    out = args.mono_dir
    out.mkdir(parents=True, exist_ok=True)
    truth = out / "truth"
    if not truth.exists():
        truth.symlink_to((args.corpus / "truth").resolve())
    mono = [r for r in rows if r.get("audio_file") and r["channel_layout"] == "mono"]
    for r in mono:  # `audit batch` reads only recordings inside its folder: copies, not links
        (out / r["audio_file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.corpus / r["audio_file"], out / r["audio_file"])
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(mono)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
