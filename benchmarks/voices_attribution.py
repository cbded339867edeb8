"""Benchmark: which collector said each line, on any callsynth corpus the product has audited.

    python benchmarks/voices_attribution.py CORPUS_DIR --db DB_URL [--json out.json]

``benchmarks/voices_calibrate.py`` measures the voice step on the corpus it was calibrated on
(``benchmarks/corpus_voices``, its scenario module and split). This script measures the same
thing on any other corpus written with callsynth's named voices — in particular a set written
blind (e.g. ``benchmarks/corpus_heldout4``, whose stereo calls enroll the collectors of its
visits): run ``audit batch CORPUS_DIR --db DB_URL`` first (stereo calls are audited first and
enroll their collector channel), then this.

For every mono recording (visits and mono calls) and every truth turn of the collector role
whose voice name has a usable voiceprint in the database: the share of its time, and of its
speech frames (10 ms frames 10 dB over the recording's noise floor, as voices_calibrate.py
counts them), covered by stored segments that carry that voice's agent id. Also the time given
to another collector, left ``unregistered``, given a non-collector role, or outside every
segment. A collector voice with no voiceprint (an unregistered person using a logged collector's
slot) is listed with what its segments were called (``unregistered`` is the right answer).
VISIT-2STAFF-VOICES findings are listed per visit next to the log and the voices heard.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from voices_calibrate import speech_frames  # noqa: E402

KEYS = ("right", "other_collector", "unregistered", "other_role", "uncovered")


def _covered(turn: dict, segs: list[tuple[float, float, str | None, str]]) -> dict[str, float]:
    """Seconds of ``turn`` per outcome (KEYS), from the stored segments (start, end, agent_id, role)."""
    out = dict.fromkeys(KEYS, 0.0)
    for s, e, agent, role in segs:
        t = max(0.0, min(e, turn["end"]) - max(s, turn["start"]))
        if not t:
            continue
        if role != "agent":
            out["other_role"] += t
        elif agent == turn["voice"]:
            out["right"] += t
        elif agent == "unregistered":
            out["unregistered"] += t
        else:
            out["other_collector"] += t
    out["uncovered"] = max(0.0, (turn["end"] - turn["start"]) - sum(out.values()))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--db", required=True, help="the database `audit batch CORPUS --db` wrote")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)

    import sqlalchemy as sa

    from audit.storage import make_engine, session
    from audit.voiceprints import load_profiles
    from pipelines.audio import load_audio

    engine = make_engine(args.db)
    with session(engine) as db:
        profiles = load_profiles(db)
    enrolled = {a for a, p in profiles.items() if p.ready}
    with open(args.corpus / "manifest.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r.get("audio_file")]
    totals: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys((*KEYS, "speech", "speech_right"), 0.0))
    per_call: dict[str, dict] = {}
    unregistered: list[str] = []
    with engine.connect() as conn:
        staffing = {r[0]: r[1] for r in conn.execute(sa.text(
            "select call_id, evidence from finding where rule_id='VISIT-2STAFF-VOICES'")).all()}
        for row in rows:
            if row["channel_layout"] != "mono":
                continue
            call_id = row["call_id"]
            truth = json.loads((args.corpus / "truth" / f"{call_id}.json").read_text(encoding="utf-8"))
            stored = conn.execute(sa.text('select start, "end", agent_id, role from segment '
                                          "where call_id=:c order by idx"), {"c": call_id}).all()
            segs = [(float(s), float(e), a, r) for s, e, a, r in stored]
            mono = load_audio(args.corpus / row["audio_file"]).mono()
            speech = speech_frames(mono, truth["turns"])
            kind = row["kind"]
            call = dict.fromkeys(KEYS, 0.0)
            for t in truth["turns"]:
                if t.get("role") != "agent" or not t.get("voice"):
                    continue
                got = _covered(t, segs)
                if t["voice"] not in enrolled:
                    said = {a for s, e, a, r in segs if r == "agent" and min(e, t["end"]) > max(s, t["start"])}
                    unregistered.append(f"{call_id} {t['voice']} {t['start']:.1f}-{t['end']:.1f} s: "
                                        f"segments say {sorted(map(str, said)) or '-'}")
                    continue
                lo, hi = int(t["start"] * 100), int(t["end"] * 100)
                frames = np.flatnonzero(speech[lo:hi]) + lo
                right = np.zeros(len(frames), bool)
                for s, e, a, r in segs:
                    if r == "agent" and a == t["voice"]:
                        right |= (frames >= s * 100) & (frames < e * 100)
                for key in (kind, "all"):
                    for k, v in got.items():
                        totals[key][k] += v
                    totals[key]["speech"] += len(frames) / 100
                    totals[key]["speech_right"] += right.sum() / 100
                for k, v in got.items():
                    call[k] += v
            voices = sorted({t["voice"] for t in truth["turns"] if t.get("role") == "agent" and t.get("voice")})
            per_call[call_id] = {"kind": kind, "logged": row.get("visit_staff") or row["agent_id"],
                                 "voices": voices, "staffing": staffing.get(call_id),
                                 **{k: round(v, 1) for k, v in call.items()}}
    print(f"{args.corpus}: {len(enrolled)} collectors with a usable voiceprint in {args.db}")
    for key, t in sorted(totals.items()):
        dur = max(sum(t[k] for k in KEYS), 1e-9)
        pct = {k: 100 * t[k] / dur for k in KEYS}
        print(f"[{key}] registered collector speech given the right agent: {pct['right']:.1f} % of {dur:.0f} s "
              f"of truth turns, {100 * t['speech_right'] / max(t['speech'], 1e-9):.1f} % of their "
              f"{t['speech']:.0f} s of speech frames; another collector {pct['other_collector']:.1f} %, "
              f"unregistered {pct['unregistered']:.1f} %, not the collector role {pct['other_role']:.1f} %, "
              f"outside every segment {pct['uncovered']:.1f} %")
    for call_id, c in per_call.items():
        dur = sum(c[k] for k in KEYS)
        share = f"{100 * c['right'] / dur:.0f} % right" if dur else "no enrolled collector"
        print(f"  {call_id} ({c['kind']}) log {c['logged']}, voices {';'.join(c['voices'])}: {share}"
              + (f"; VISIT-2STAFF-VOICES: {c['staffing']}" if c["staffing"] else ""))
    for line in unregistered:
        print(f"  not enrolled: {line}")
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "calls": per_call, "not_enrolled": unregistered},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
