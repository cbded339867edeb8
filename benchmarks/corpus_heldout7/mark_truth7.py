"""Mark the sound events in corpus_heldout7's truth, check the CONDUCT labels, add debtor_name.

Run right after callsynth's synth.py (it reads the TTS clips from callsynth's cache for the voiced
overlap). Writes into each truth/<id>.json, per turn: ``shout`` (bool), ``overlap`` (requested
talk-over in s, 0 if none), ``overlap_s`` (how far the turn's span starts before the previous
turn's span ends), ``overlap_voiced_s`` (on turns that start inside the previous one: overlap of
the voiced parts of the two clips, frames within 35 dB of each clip's loudest frame) and
``pause`` (s of dead air before it); ``conduct`` (raised_voice | overtalk) on each expected CONDUCT
finding; and ``debtor_name`` at the top level. Adds the column ``debtor_name`` (last) to
manifest.csv, which synth.py does not write.

Fails when a label disagrees with the rule written in scenarios_heldout7.py (a collector turn is
CONDUCT when shouted, or when it starts >= 1.0 s before a non-collector's turn ends and the contact
has at least two such collector turns), when a talk-over has under 1.0 s of voiced overlap, when a
turn overlaps the previous one without an overlap effect, when an enrollment call has under 25 s
of collector speech, or when a row has no debtor_name. Also checks the metadata labels against the
manifest: CONTACT_HOURS exactly on contacts started 22:00-08:00, CONTACT_FREQUENCY exactly on a
recorded contact that is more than the 6th attempt to its debtor that day (dialer rows without audio
count), RECORDING_INTEGRITY exactly where talk_seconds exceeds the recording by more than half,
VISIT_ELIGIBILITY exactly on visits at 30 days past due or less.

Usage: python mark_truth7.py CORPUS_DIR SYNTH_PY
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

MIN_OVERTALK_S = 1.0
MIN_VOICED_OVERLAP_S = 1.0
MIN_ENROLL_SPEECH_S = 25.0


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def voiced_span(audio: np.ndarray, rate: int = 16000, floor_db: float = -35.0) -> tuple[float, float]:
    """First and last 10 ms frame within floor_db of the loudest frame, in s from the clip start."""
    hop = rate // 100
    n = len(audio) // hop
    rms = np.sqrt(np.mean(audio[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    on = np.flatnonzero(rms >= rms.max() * 10 ** (floor_db / 20))
    return float(on[0] * hop / rate), float((on[-1] + 1) * hop / rate)


def mark(truth: dict, synth, voices: dict) -> list[str]:
    problems = []
    turns = truth["turns"]
    spans = []
    for t in turns:
        fx = t.get("effects", {})
        clip = synth.speak(None, t["text"], t["speaker"], voices.get(t["speaker"]), bool(fx.get("shout")))
        v0, v1 = voiced_span(clip)
        spans.append((t["start"] + v0, t["start"] + v1))
    for i, t in enumerate(turns):
        fx = t.get("effects", {})
        t["shout"] = bool(fx.get("shout"))
        t["overlap"] = float(fx.get("overlap", 0.0))
        t["pause"] = float(fx.get("pause", 0.0))
        prev = turns[i - 1] if i else None
        t["overlap_s"] = round(max(0.0, prev["end"] - t["start"]), 3) if prev else 0.0
        if prev and t["overlap_s"] > 0:
            voiced = min(spans[i - 1][1], spans[i][1]) - max(spans[i - 1][0], spans[i][0])
            t["overlap_voiced_s"] = round(max(0.0, voiced), 3)
            if t["overlap"] and t["overlap_voiced_s"] < MIN_VOICED_OVERLAP_S:
                problems.append(f"turn {i}: voiced overlap {t['overlap_voiced_s']} s < {MIN_VOICED_OVERLAP_S}")
            if not t["overlap"]:
                problems.append(f"turn {i}: overlaps the previous turn without an overlap effect")
        if t["overlap"] and t["overlap_s"] < MIN_OVERTALK_S:
            problems.append(f"turn {i}: requested {t['overlap']} s talk-over starts only {t['overlap_s']} s early")
    roles = truth["speakers"]
    over = [
        i
        for i, t in enumerate(turns)
        if i
        and t["overlap_s"] >= MIN_OVERTALK_S
        and roles[t["speaker"]] == "agent"
        and roles[turns[i - 1]["speaker"]] != "agent"
    ]
    want = {i: "raised_voice" for i, t in enumerate(turns) if t["shout"] and roles[t["speaker"]] == "agent"}
    if len(over) >= 2:
        want.update({i: "overtalk" for i in over})
    got = {}
    for f in truth["expected_findings"]:
        if f["category"] != "CONDUCT":
            continue
        idx = next(i for i, t in enumerate(turns) if t["start"] == f["start"] and t["speaker"] == f["speaker"])
        got[idx] = f
        f["conduct"] = want.get(idx, "?")
    if set(got) != set(want):
        problems.append(f"CONDUCT labelled on turns {sorted(got)}, the rule gives {sorted(want)}")
    return problems


def add_debtor_names(root: Path, names: dict[str, str]) -> list[str]:
    path = root / "manifest.csv"
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        cols = [c for c in reader.fieldnames if c != "debtor_name"]
        rows = list(reader)
    problems = [f"{r['call_id']}: no debtor_name" for r in rows if not names.get(r["call_id"])]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[*cols, "debtor_name"])
        w.writeheader()
        for r in rows:
            w.writerow({**{c: r[c] for c in cols}, "debtor_name": names.get(r["call_id"], "")})
    return problems


def check_metadata(root: Path, call_labels: dict[str, set[str]]) -> list[str]:
    """The metadata categories in the scenarios agree with the manifest."""
    with open(root / "manifest.csv", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["started_at"])
    problems = []
    attempts: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["debtor_id"], r["started_at"][:10])
        attempts[key] = attempts.get(key, 0) + 1
        cid = r["call_id"]
        if not r["audio_file"]:
            continue
        truth = json.loads((root / "truth" / f"{cid}.json").read_text())
        hour = int(r["started_at"][11:13])
        want = set()
        if hour >= 22 or hour < 8:
            want.add("CONTACT_HOURS")
        if attempts[key] > 6:
            want.add("CONTACT_FREQUENCY")
        if float(r["talk_seconds"]) > 1.5 * truth["duration_s"]:
            want.add("RECORDING_INTEGRITY")
        if r["kind"] == "visit" and int(r["days_past_due"]) <= 30:
            want.add("VISIT_ELIGIBILITY")
        got = call_labels.get(cid, set()) & {
            "CONTACT_HOURS",
            "CONTACT_FREQUENCY",
            "RECORDING_INTEGRITY",
            "VISIT_ELIGIBILITY",
        }
        if got != want:
            problems.append(f"{cid}: metadata labels {sorted(got)}, the manifest gives {sorted(want)}")
    return problems


def main(corpus: str, synth_py: str) -> int:
    root = Path(corpus)
    synth = _load(synth_py, "synth")
    scen = _load(str(root / "scenarios_heldout7.py"), "scen")
    problems = []
    names = {}
    for sc in scen.SCENARIOS:
        cid = sc["call_id"]
        names[cid] = sc["meta"].get("debtor_name", "")
        path = root / "truth" / f"{cid}.json"
        truth = json.loads(path.read_text())
        truth["debtor_name"] = names[cid]
        for p in mark(truth, synth, sc.get("voices", {})):
            problems.append(f"{cid}: {p}")
        if cid.startswith("e7-"):
            speech = sum(t["end"] - t["start"] for t in truth["turns"] if truth["speakers"][t["speaker"]] == "agent")
            if speech < MIN_ENROLL_SPEECH_S:
                problems.append(f"{cid}: {speech:.1f} s of collector speech < {MIN_ENROLL_SPEECH_S}")
        path.write_text(json.dumps(truth, ensure_ascii=False, indent=1))
    for extra in getattr(scen, "DIAL_RECORDS", []):
        names[extra["call_id"]] = extra.get("debtor_name", "")
    problems += add_debtor_names(root, names)
    problems += check_metadata(root, {sc["call_id"]: set(sc.get("call_labels", [])) for sc in scen.SCENARIOS})
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
