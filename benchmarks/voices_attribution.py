"""Benchmark: which collector said each line, on any callsynth corpus the product has audited.

    python benchmarks/voices_attribution.py CORPUS_DIR --db DB_URL [--json out.json]
        [--reidentify --asr-cache DIR [--split {tune,held}]]

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
VISIT-2STAFF-VOICES findings are listed per visit next to the log and the voices heard. The
*unregistered verdicts* line counts, per recording and truth collector voice, the registered voices
mostly called ``unregistered`` (false alarms) and the voices without a usable voiceprint that are
(recall), and the visits flagged with and without a staffing that differs from the log.

``--reidentify``: the voice step (:func:`pipelines.voices.identify`, this checkout's) is run
again on the stored segments, with the recognised words read back from ``--asr-cache`` (the
folder :mod:`benchmarks.asr_cache` filled while the batch ran, e.g. ``python -c "from
benchmarks.asr_cache import install; install('DIR'); from audit.cli import main; main([...])"``),
and VISIT-2STAFF-VOICES is judged again on its output; its CPU time is reported. ``--split``
keeps the recordings of one split of ``benchmarks/corpus_voices`` (``meta["split"]`` of its
scenario module: tune = vis-01..28).
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
    ap.add_argument("--reidentify", action="store_true", help="run the voice step again on the stored segments")
    ap.add_argument("--asr-cache", type=Path, help="the recogniser's cached output (words) for --reidentify")
    ap.add_argument("--split", choices=("tune", "held"), help="corpus_voices: only this split")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="with --reidentify: a pipelines.voices setting (e.g. SPLIT_MARGIN=1.5); repeatable")
    ap.add_argument("--quiet", action="store_true", help="totals only, not each recording")
    ap.add_argument("--losses", action="store_true",
                    help="break the time not given the right agent down by cause (see _losses)")
    args = ap.parse_args(argv)
    import pipelines.voices as voices

    for item in args.set:
        name, value = item.split("=", 1)
        current = getattr(voices, name)
        setattr(voices, name, value.lower() in ("1", "true", "yes") if isinstance(current, bool)
                else type(current)(value) if current is not None else float(value))

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
    if args.split:
        rows = [r for r in rows if _split(r["call_id"]) == args.split]
    redo = _Reidentify(args.corpus, args.asr_cache, profiles) if args.reidentify else None
    fields = (*KEYS, "speech", "speech_right", "speech_uncovered")
    totals: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(fields, 0.0))
    per_call: dict[str, dict] = {}
    unregistered: list[str] = []
    losses: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    verdicts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # what _verdicts counts: [flagged, of]
    with engine.connect() as conn:
        staffing = {r[0]: r[1] for r in conn.execute(sa.text(
            "select call_id, evidence from finding where rule_id='VISIT-2STAFF-VOICES'")).all()}
        if redo is not None:
            staffing = redo.staffing
        for row in rows:
            if row["channel_layout"] != "mono":
                continue
            call_id = row["call_id"]
            truth = json.loads((args.corpus / "truth" / f"{call_id}.json").read_text(encoding="utf-8"))
            stored = conn.execute(sa.text('select start, "end", agent_id, role, speaker from segment '
                                          "where call_id=:c order by idx"), {"c": call_id}).all()
            segs = [(float(s), float(e), a, r) for s, e, a, r, _ in stored]
            labels = [str(k) for *_, k in stored]
            audio = load_audio(args.corpus / row["audio_file"])
            mono = audio.mono()
            if redo is not None:
                segs, labels = redo(conn, row, audio)
            speech = speech_frames(mono, truth["turns"])
            kind = row["kind"]
            if args.losses:
                _losses(losses, truth["turns"], segs, labels, speech, enrolled, kind)
            _verdicts(verdicts, truth["turns"], segs, enrolled, row, staffing.get(call_id))
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
                right, covered = np.zeros(len(frames), bool), np.zeros(len(frames), bool)
                for s, e, a, r in segs:
                    inside = (frames >= s * 100) & (frames < e * 100)
                    covered |= inside
                    if r == "agent" and a == t["voice"]:
                        right |= inside
                for key in (kind, "all"):
                    for k, v in got.items():
                        totals[key][k] += v
                    totals[key]["speech"] += len(frames) / 100
                    totals[key]["speech_right"] += right.sum() / 100
                    totals[key]["speech_uncovered"] += (~covered).sum() / 100
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
              f"{t['speech']:.0f} s of speech frames ({100 * t['speech_uncovered'] / max(t['speech'], 1e-9):.1f} % "
              f"outside every segment); another collector {pct['other_collector']:.1f} %, "
              f"unregistered {pct['unregistered']:.1f} %, not the collector role {pct['other_role']:.1f} %, "
              f"outside every segment {pct['uncovered']:.1f} %")
    for call_id, c in ({} if args.quiet else per_call).items():
        dur = sum(c[k] for k in KEYS)
        share = f"{100 * c['right'] / dur:.0f} % right" if dur else "no enrolled collector"
        print(f"  {call_id} ({c['kind']}) log {c['logged']}, voices {';'.join(c['voices'])}: {share}"
              + (f"; VISIT-2STAFF-VOICES: {c['staffing']}" if c["staffing"] else ""))
    for line in ([] if args.quiet else unregistered):
        print(f"  not enrolled: {line}")
    print("unregistered verdicts (a voice is called unregistered when most of its collector-role time is): "
          + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(verdicts.items())))
    for key, loss in sorted(losses.items()) if args.losses else ():
        total = max(loss["truth"], 1e-9)
        print(f"[{key}] where the registered collector truth time goes ({loss['truth']:.0f} s): "
              + ", ".join(f"{k} {100 * v / total:.1f} %" for k, v in sorted(loss.items(), key=lambda kv: -kv[1])
                          if k != "truth"))
    if redo is not None:
        print(f"voice step re-run: {redo.cpu_s:.1f} s CPU for {redo.audio_s:.0f} s of audio "
              f"({redo.cpu_s / max(redo.audio_s, 1e-9):.4f} s/s); segments {redo.before} -> {redo.after}")
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "calls": per_call, "not_enrolled": unregistered},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _losses(acc: dict[str, dict[str, float]], turns: list[dict], segs: list[tuple[float, float, str | None, str]],
            labels: list[str], speech: np.ndarray, enrolled: set[str], kind: str) -> None:
    """Registered collector truth time by outcome, the losses by cause (``--losses``).

    ``right``; given another collector, split by whether the segment's speaker label is mostly
    this collector's voice (``other collector: voice step`` - the voice step's decision, cluster or
    turn) or mostly someone else's (``other collector: merged by diarization``); ``unregistered``
    likewise; ``not collector role``; outside every segment, split into the turn's silent frames
    (``outside: silence``, a truth turn is the whole TTS clip) and its speech frames
    (``outside: speech``). Each speaker label's majority voice is taken over all truth turns
    (debtors' too) by overlap."""
    owner: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (s, e, _, _), label in zip(segs, labels, strict=True):
        for t in turns:
            o = min(e, t["end"]) - max(s, t["start"])
            if o > 0:
                owner[label][t.get("voice") or t["speaker"]] += o
    major = {k: max(v.items(), key=lambda kv: kv[1])[0] for k, v in owner.items()}
    for t in turns:
        if t.get("role") != "agent" or t.get("voice") not in enrolled:
            continue
        out: dict[str, float] = defaultdict(float)
        out["truth"] = t["end"] - t["start"]
        for (s, e, agent, role), label in zip(segs, labels, strict=True):
            o = max(0.0, min(e, t["end"]) - max(s, t["start"]))
            if not o:
                continue
            cause = "voice step" if major.get(label) == t["voice"] else "merged by diarization"
            if role != "agent":
                out["not collector role"] += o
            elif agent == t["voice"]:
                out["right"] += o
            elif agent == "unregistered":
                out[f"unregistered: {cause}"] += o
            else:
                out[f"other collector: {cause}"] += o
        lo, hi = int(t["start"] * 100), int(t["end"] * 100)
        covered = np.zeros(hi - lo, bool)
        for s, e, _, _ in segs:
            covered[max(0, int(s * 100) - lo):max(0, int(e * 100) - lo)] = True
        voiced = speech[lo:hi][:len(covered)]
        out["outside: speech"] = float((~covered[:len(voiced)] & voiced).sum()) / 100
        out["outside: silence"] = max(0.0, 2 * out["truth"] - sum(out.values()))
        for key in (kind, "all"):
            for k, v in out.items():
                acc[key][k] += v


def _verdicts(acc: dict[str, list[int]], turns: list[dict], segs: list[tuple[float, float, str | None, str]],
              enrolled: set[str], row: dict, staffing: str | None) -> None:
    """Per recording and truth collector voice: is it *called unregistered* (most of the time its
    turns spend in collector-role segments carries ``unregistered``)? A voice without a usable
    voiceprint (a stand-in, or a logged collector not enrolled) should be, a registered collector
    should not (the issue's false alarm). Per visit: is VISIT-2STAFF-VOICES raised, against
    whether the voices heard differ from the ids logged."""
    time: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for t in turns:
        if t.get("role") != "agent" or not t.get("voice"):
            continue
        for s, e, agent, role in segs:
            o = min(e, t["end"]) - max(s, t["start"])
            if o > 0 and role == "agent":
                time[t["voice"]]["unregistered" if agent == "unregistered" else "other"] += o
    for voice, got in time.items():
        key = ("registered voices called unregistered" if voice in enrolled
               else "voices without a usable voiceprint called unregistered")
        acc[key][0] += got["unregistered"] > got["other"]
        acc[key][1] += 1
    if row["kind"] == "visit":
        logged = {a for a in [row["agent_id"], *(row.get("visit_staff") or "").split(";")] if a}
        heard = {t["voice"] for t in turns if t.get("role") == "agent" and t.get("voice")}
        key = "visits with wrong staffing flagged" if heard != logged else "correct visits flagged"
        acc[key][0] += staffing is not None
        acc[key][1] += 1


def _split(call_id: str) -> str | None:
    """corpus_voices: vis-01..28 are the tune split, vis-29..56 held out (scenario meta)."""
    if not call_id.startswith("vis-"):
        return None
    return "tune" if int(call_id[4:]) <= 28 else "held"


class _Reidentify:
    """The voice step again on a recording's stored segments, with its cached words."""

    def __init__(self, corpus: Path, cache: Path | None, profiles: dict) -> None:
        from audit.manifest import read_manifest
        from pipelines.process import PipelineOptions

        contacts, _ = read_manifest(corpus / "manifest.csv")
        self.contacts = {c.call_id: c for c in contacts}
        self.cache, self.profiles, self.options = cache, profiles, PipelineOptions()
        self.staffing: dict[str, str] = {}
        self.cpu_s = self.audio_s = 0.0
        self.before = self.after = 0

    def words(self, mono: np.ndarray) -> list | None:
        from benchmarks.asr_cache import _key, _load

        if self.cache is None:
            return None
        path = self.cache / f"{_key(mono, self.options.asr_options, self.options.asr_model)}.json"
        if not path.is_file():
            print(f"  (no cached words for a recording of {len(mono) / 16000:.0f} s)")
            return None
        return [w for seg in _load(json.loads(path.read_text(encoding="utf-8"))) for w in seg.words]

    def __call__(self, conn, row: dict, audio) -> tuple[list[tuple[float, float, str | None, str]], list[str]]:
        import time

        import sqlalchemy as sa

        from audit.rules.detectors.metadata import VisitStaffingDetector
        from audit.schema import Segment
        from pipelines.voices import identify

        stored = conn.execute(sa.text('select speaker, role, start, "end", text, confidence from segment '
                                      "where call_id=:c order by idx"), {"c": row["call_id"]}).all()
        segments = [Segment(sp, r, float(s), float(e), t or "", c) for sp, r, s, e, t, c in stored]
        contact = self.contacts[row["call_id"]]
        mono = audio.mono()
        words = self.words(mono)
        self.before += len(segments)
        started = time.process_time()
        metrics = identify(contact, mono, segments, self.profiles,
                           "phone" if audio.source_rate <= 8000 else "room", words=words)
        self.cpu_s += time.process_time() - started
        self.audio_s += len(mono) / 16000
        self.after += len(segments)
        if contact.kind == "visit":
            verdict = VisitStaffingDetector(type="visit_staffing", source="voices").judge(
                contact, metrics, None)  # type: ignore[arg-type]
            if verdict:
                self.staffing[row["call_id"]] = verdict[0]
        return [(s.start, s.end, s.agent_id, s.role) for s in segments], [s.speaker for s in segments]


if __name__ == "__main__":
    raise SystemExit(main())
