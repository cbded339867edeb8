"""Calibrate and measure collector identification by voice (issue 11) on benchmarks/corpus_voices.

    python benchmarks/voices_calibrate.py CORPUS_DIR [--pipeline DB_URL [--reidentify] [--study]] [--cache FILE]

CORPUS_DIR is the generated corpus (``benchmarks/corpus_voices/generate.py OUT``). Steps:

1. **Enroll** every collector from the collector (left) channel of the stereo calls ``enr-*``
   with the product's own code (``pipelines.voices.enrollment_chunks`` → ``audit.voiceprints``
   profiles, outliers rejected); reports which seat-borrowing calls were rejected.
2. **Trials**: each collector voice of the mono calls and visits ``vis-*`` (the truth turns of
   one voice together, i.e. a perfect diarization: the voice side alone) is embedded in the
   telephone band and scored against every ready profile: raw cosine and s-norm.
   EER of same voice phone→room vs different voices, on tune and held-out.
3. **Attribution** (the product's decision, ``pipelines.voices.match``: candidates = logged
   collectors + team, Hungarian, s-norm, threshold ``ACCEPT``): the share of registered
   collector speech time given the right agent id, tune and held-out.
   Also per voiceprint (``pipelines.voices.accept_levels``) at a sweep of ``ACCEPT_SCALE``.
4. **Unregistered** collectors (voices U9xx): recall and false-alarm rate (registered voices
   called unregistered) at the alarm threshold; the threshold with FA ≤ 5 % on tune is printed.
5. With ``--pipeline DB_URL`` (a database where ``audit batch CORPUS_DIR`` has run): the same
   attribution share measured on the stored segments of the real pipeline (diarization and
   roles included), per truth collector turn overlap; also over the truth turns' *speech*
   only (10 ms frames louder than the recording's noise floor + 10 dB: a truth turn is the
   whole TTS clip, its leading and trailing silence included, which no transcript segment
   covers), and VISIT-2STAFF-VOICES per visit against what the scenario did.
6. With ``--reidentify`` as well: the voice step alone is run again on the stored segments
   (``pipelines.voices.identify``, what ``pipelines.process`` calls after diarization and
   roles, on the same audio) and measured the same way, without re-running ASR and
   diarization; VISIT-2STAFF-VOICES is judged again from its output by the pack's detector at
   a sweep of ``min_voice_s``; the step's CPU seconds per second of audio are printed.
7. With ``--study`` as well: sub-cluster re-splitting rules on the stored segments (the
   collector segments of a cluster given to another logged collector by their own voice):
   per-segment argmax with a cluster prior, Viterbi over the collector turns with a switch
   penalty, segment + cluster scores; attribution per split (docs/voiceprints.md, *Round 2*).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audit.voiceprints import UNREGISTERED, Profile, add_chunks  # noqa: E402


def _scenarios() -> dict[str, dict]:
    path = ROOT / "benchmarks" / "corpus_voices" / "scenarios_voices.py"
    spec = importlib.util.spec_from_file_location("scenarios_voices", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {s["call_id"]: s for s in module.SCENARIOS}


def _contact(row: dict):
    from audit.manifest import _staff
    from audit.schema import Contact

    count, ids = _staff(row.get("visit_staff", ""))
    return Contact(call_id=row["call_id"], kind=row["kind"], started_at=None, talk_seconds=0.0,  # type: ignore[arg-type]
                   outcome="answered", agent_id=row["agent_id"], team=row["team"], visit_staff=count,
                   visit_staff_ids=ids, channel_layout=row["channel_layout"],
                   audio_file=row.get("audio_file", ""))


def eer(target: np.ndarray, nontarget: np.ndarray) -> tuple[float, float]:
    """Equal error rate (mean of miss and false-accept where they are closest) and its threshold."""
    best: tuple[float, float, float] = (2.0, 1.0, 0.0)
    for t in np.unique(np.concatenate([target, nontarget])):
        miss, fa = float(np.mean(target < t)), float(np.mean(nontarget >= t))
        if abs(miss - fa) < best[0]:
            best = (abs(miss - fa), (miss + fa) / 2, float(t))
    return best[1], best[2]


def embed_all(corpus: Path, rows: list[dict], cache: Path) -> dict:
    """Enrollment chunks per stereo call and one embedding per (visit, truth voice); cached."""
    if cache.exists():
        data = json.loads(cache.read_text())
        return data
    from pipelines.audio import load_audio
    from pipelines.voices import embed_spans, enrollment_chunks

    out: dict = {"enroll": {}, "voices": {}}
    for row in rows:
        audio = load_audio(corpus / row["audio_file"])
        if row["call_id"].startswith("enr-"):
            chunks = enrollment_chunks(audio.channel(0), row["call_id"])
            out["enroll"][row["call_id"]] = [[c.embedding, c.seconds, c.source] for c in chunks]
        else:
            truth = json.loads((corpus / "truth" / f"{row['call_id']}.json").read_text())
            spans: dict[str, list] = defaultdict(list)
            for t in truth["turns"]:
                if t["role"] == "agent":
                    spans[t["voice"]].append((t["start"], t["end"]))
            mono = audio.mono()
            out["voices"][row["call_id"]] = {v: [embed_spans(mono, s).tolist(), sum(e - b for b, e in s)]
                                             for v, s in spans.items()}
        print("embedded", row["call_id"], file=sys.stderr, flush=True)
    cache.write_text(json.dumps(out))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--cache", type=Path, help="embeddings cache (default CORPUS/voice_embeddings.json)")
    ap.add_argument("--pipeline", help="database URL where `audit batch CORPUS` ran: measure the real pipeline")
    ap.add_argument("--reidentify", action="store_true",
                    help="with --pipeline: run the voice step again on the stored segments and measure that")
    ap.add_argument("--study", action="store_true",
                    help="with --pipeline: compare sub-cluster re-splitting rules on the stored segments")
    ap.add_argument("--fit-means", action="store_true",
                    help="write pipelines/data/voices/channel_means.json from the tune split and the enrollment calls")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a pipelines.voices setting (e.g. ROOM_COHORT=off); repeatable")
    args = ap.parse_args()
    from audit.voiceprints import Chunk
    from pipelines import voices as V

    for item in args.set:
        name, value = item.split("=", 1)
        current = getattr(V, name)
        setattr(V, name, value.lower() in ("1", "true", "yes") if isinstance(current, bool)
                else type(current)(value) if current is not None else float(value))

    scen = _scenarios()
    with open(args.corpus / "manifest.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    data = embed_all(args.corpus, rows, args.cache or args.corpus / "voice_embeddings.json")
    teams = {r["agent_id"]: r["team"] for r in rows if r["call_id"].startswith("enr-")}
    if args.fit_means:
        phone = [e for chunks in data["enroll"].values() for e, _, _ in chunks]
        room = [e for c, vo in data["voices"].items() if scen[c]["meta"]["split"] == "tune"
                and scen[c]["kind"] == "visit" for e, _ in vo.values()]
        V.MEANS_FILE.parent.mkdir(parents=True, exist_ok=True)
        V.MEANS_FILE.write_text(json.dumps({
            "phone": np.mean(phone, axis=0).round(6).tolist(), "room": np.mean(room, axis=0).round(6).tolist(),
            "fitted_on": f"benchmarks/corpus_voices tune split: {len(phone)} enrollment stretches, "
                         f"{len(room)} collector voices of visits"}))
        V._MEANS = None
        print(f"wrote {V.MEANS_FILE.relative_to(ROOT)}")

    # 1. enrollment
    profiles: dict[str, Profile] = {}
    for row in sorted((r for r in rows if r["call_id"].startswith("enr-")), key=lambda r: r["started_at"]):
        p = profiles.setdefault(row["agent_id"], Profile(row["agent_id"], team=teams[row["agent_id"]]))
        add_chunks(p, [Chunk(e, s, src) for e, s, src in data["enroll"][row["call_id"]]], **V.OUTLIERS)
    rejected = sorted(c.source for p in profiles.values() for c in p.chunks if not c.kept)
    print(f"enrolled {sum(p.ready for p in profiles.values())}/{len(profiles)} collectors ready; "
          f"{sum(len(p.chunks) for p in profiles.values())} stretches, rejected as another voice: {rejected}")

    # 2. trials (EER), per split
    by_id = {r["call_id"]: r for r in rows}
    ready = [a for a, p in profiles.items() if p.ready]
    cents = np.stack([V.profile_vector(profiles[a]) for a in ready])
    tests: dict[str, list] = {"tune": [], "heldout": []}  # (contact, names, vectors, seconds)
    for call_id, voices in data["voices"].items():
        names = list(voices)
        vectors = np.array([voices[v][0] for v in names], dtype=np.float32)
        channel = "room" if by_id[call_id]["kind"] == "visit" else "phone"
        vectors = V.compensate(vectors, channel)
        tests[scen[call_id]["meta"]["split"]].append((_contact(by_id[call_id]), names, vectors,
                                                      [voices[v][1] for v in names], channel))
    for split, items in tests.items():
        raw_t, raw_n, sn_t, sn_n, rc_t, rc_n = [], [], [], [], [], []
        for _, names, vectors, _seconds, channel in items:
            raw, sn = vectors @ cents.T, V.snorm_scores(vectors, ready, profiles)
            rc = V.snorm_scores(vectors, ready, profiles, room=channel == "room")  # room cohort (session 9)
            for i, v in enumerate(names):
                for j, a in enumerate(ready):
                    (raw_t if a == v else raw_n).append(raw[i, j])
                    (sn_t if a == v else sn_n).append(sn[i, j])
                    (rc_t if a == v else rc_n).append(rc[i, j])
        raw_eer, raw_thr = eer(np.array(raw_t), np.array(raw_n))
        sn_eer, sn_thr = eer(np.array(sn_t), np.array(sn_n))
        rc_eer, rc_thr = eer(np.array(rc_t), np.array(rc_n))
        print(f"\n[{split}] {len(items)} mono calls/visits; EER same voice phone->room vs other voices: raw cosine "
              f"{100 * raw_eer:.1f} % (at {raw_thr:.3f}), s-norm {100 * sn_eer:.1f} % (at {sn_thr:.2f}); "
              f"trials {len(raw_t)} target / {len(raw_n)} non-target; s-norm with the room cohort on the "
              f"profile side of room voices {100 * rc_eer:.1f} % (at {rc_thr:.2f})")

    # 3.-4. the product's decision at a sweep of ACCEPT thresholds
    def decide(split: str, accept: float | None) -> dict:
        right = total = 0.0
        fa = reg = hit = unreg = 0
        for contact, names, vectors, seconds, _channel in tests[split]:
            for m in V.match(vectors, names, seconds, contact, profiles, accept=accept):
                if m.speaker in profiles:
                    reg += 1
                    total += m.seconds
                    right += m.seconds if m.agent_id == m.speaker else 0.0
                    fa += m.agent_id == UNREGISTERED
                else:
                    unreg += 1
                    hit += m.agent_id == UNREGISTERED
        return {"attribution": right / max(total, 1e-9), "seconds": total, "fa": (fa, reg), "recall": (hit, unreg)}

    sweep = [float(t) for t in np.round(np.arange(-3.0, 3.01, 0.1), 2)]
    tune_fa = {t: decide("tune", t)["fa"] for t in sweep}
    chosen = max((t for t in sweep if tune_fa[t][0] <= 0.05 * tune_fa[t][1]), default=V.ACCEPT)
    print(f"\nACCEPT with false alarms <= 5 % on tune: {chosen:.1f} (the product uses {V.ACCEPT})")
    for split in ("tune", "heldout"):
        for t in sorted({chosen, V.ACCEPT}):
            r = decide(split, t)
            print(f"[{split}] ACCEPT {t:+.1f}: attribution (perfect diarization) {100 * r['attribution']:.1f} % "
                  f"of {r['seconds']:.0f} s; unregistered recall {r['recall'][0]}/{r['recall'][1]}, "
                  f"false alarm {r['fa'][0]}/{r['fa'][1]}")
    # per-profile acceptance (pipelines.voices.accept_levels: ACCEPT_SCALE x each profile's held-back score)
    scale = V.ACCEPT_SCALE
    for s in (0.25, 0.3, 0.35, 0.4, 0.46, 0.5, 0.6, 0.7, 0.8, 1.0):
        V.ACCEPT_SCALE = s
        for split in ("tune", "heldout"):
            r = decide(split, None)
            print(f"[{split}] per profile, ACCEPT_SCALE {s:.2f}{' (the product)' if s == scale else ''}: attribution "
                  f"(perfect diarization) {100 * r['attribution']:.1f} %; unregistered recall "
                  f"{r['recall'][0]}/{r['recall'][1]}, false alarm {r['fa'][0]}/{r['fa'][1]}")
    V.ACCEPT_SCALE = scale
    if args.pipeline:
        pipeline_attribution(args.pipeline, args.corpus, scen, profiles, reidentify=args.reidentify)
    if args.pipeline and args.study:
        resplit_study(args.pipeline, args.corpus, scen)


MIN_VOICE_SWEEP = (0.0, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5)


def speech_frames(mono: np.ndarray, turns: list[dict], rate: int = 16000) -> np.ndarray:
    """Which 10 ms frames hold speech: louder than the recording's noise floor (the median level
    of the frames outside every truth turn) + 10 dB."""
    hop = rate // 100
    n = len(mono) // hop
    level = 10 * np.log10((mono[:n * hop].astype(np.float64).reshape(n, hop) ** 2).mean(axis=1) + 1e-12)
    times = np.arange(n) / 100
    inside = np.zeros(n, bool)
    for t in turns:
        inside |= (times >= t["start"]) & (times < t["end"])
    floor = float(np.median(level[~inside])) if (~inside).any() else float(level.min())
    return level > floor + 10


def pipeline_attribution(url: str, corpus: Path, scen: dict, profiles: dict[str, Profile], *,
                         reidentify: bool = False) -> None:
    """Share of registered collector speech (truth turns) covered by stored segments carrying the
    right agent id, per split and kind; and VISIT_STAFFING by voice against what the scenario did.
    With ``reidentify`` the voice step is run again on the stored segments first."""
    import time

    import sqlalchemy as sa

    from audit.rules.detectors.metadata import VisitStaffingDetector
    from audit.schema import Segment
    from audit.storage import make_engine
    from pipelines.audio import load_audio
    from pipelines.voices import identify

    engine = make_engine(url)
    if reidentify:  # the voiceprints the batch enrolled, as the pipeline used them
        from audit.storage import session
        from audit.voiceprints import load_profiles

        with session(engine) as db:
            profiles = load_profiles(db)
    enrolled = set(profiles)
    with open(corpus / "manifest.csv", encoding="utf-8") as f:
        rows = {r["call_id"]: r for r in csv.DictReader(f)}
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * 6)
    staffing: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # split -> (call, truly wrong staffing)
    judged: dict[float, dict[str, str]] = {m: {} for m in MIN_VOICE_SWEEP}  # min_voice_s -> call -> evidence
    step_s = audio_s = 0.0
    with engine.connect() as conn:
        fired = {r[0]: r[1] for r in conn.execute(sa.text(
            "select call_id, evidence from finding where rule_id='VISIT-2STAFF-VOICES'")).all()}
        for call_id, sc in scen.items():
            if not call_id.startswith("vis-"):
                continue
            stored = conn.execute(sa.text("select speaker, role, start, \"end\", agent_id from segment "
                                          "where call_id=:c order by idx"), {"c": call_id}).all()
            truth = json.loads((corpus / "truth" / f"{call_id}.json").read_text())
            audio = load_audio(corpus / rows[call_id]["audio_file"])
            mono = audio.mono()
            segs = [(s, e, a, r) for _, r, s, e, a in stored]
            if reidentify:
                contact = _contact(rows[call_id])
                objs = [Segment(sp, r, s, e, "") for sp, r, s, e, _ in stored]
                started = time.process_time()
                metrics = identify(contact, mono, objs, profiles, "phone" if audio.source_rate <= 8000 else "room")
                step_s += time.process_time() - started
                audio_s += len(mono) / 16000
                segs = [(o.start, o.end, o.agent_id, o.role) for o in objs]
                if sc["kind"] == "visit":
                    for m in MIN_VOICE_SWEEP:
                        verdict = VisitStaffingDetector(type="visit_staffing", source="voices",
                                                        min_voice_s=m).judge(contact, metrics, None)  # type: ignore[arg-type]
                        if verdict:
                            judged[m][call_id] = verdict[0]
            speech = speech_frames(mono, truth["turns"])
            split = sc["meta"]["split"]
            for t in truth["turns"]:
                if t["role"] != "agent" or t["voice"] not in enrolled:
                    continue
                dur = t["end"] - t["start"]
                ok = sum(max(0.0, min(e, t["end"]) - max(s, t["start"])) for s, e, a, _ in segs if a == t["voice"])
                agent = sum(max(0.0, min(e, t["end"]) - max(s, t["start"])) for s, e, _, r in segs if r == "agent")
                held = sum(max(0.0, min(e, t["end"]) - max(s, t["start"])) for s, e, _, _ in segs)
                lo, hi = int(t["start"] * 100), int(t["end"] * 100)
                frames = np.flatnonzero(speech[lo:hi]) + lo
                right = np.zeros(len(frames), bool)
                for s, e, a, _ in segs:
                    if a == t["voice"]:
                        right |= (frames >= s * 100) & (frames < e * 100)
                for key in ((split, sc["kind"]), (split, "all")):
                    for i, v in enumerate((min(ok, dur), dur, min(agent, dur), min(held, dur),
                                           right.sum() / 100, len(frames) / 100)):
                        acc[key][i] += v
            if sc["kind"] == "visit":
                voices = set(sc["voices"].values())
                wrong = any(v not in enrolled for v in voices) or set(sc["meta"]["visit_staff"].split(";")) != voices
                staffing[split].append((call_id, wrong))
    what = "re-identified" if reidentify else "pipeline"
    for (split, kind), (ok, dur, agent, held, ok_sp, speech_s) in sorted(acc.items()):
        print(f"[{what} {split} {kind}] registered collector speech attributed to the right agent: "
              f"{100 * ok / dur:.1f} % of {dur:.0f} s of truth turns, {100 * ok_sp / max(speech_s, 1e-9):.1f} % of "
              f"their {speech_s:.0f} s of speech frames, {100 * ok / max(held, 1e-9):.1f} % of the "
              f"{held:.0f} s the transcript holds (collector role on {100 * agent / dur:.1f} %)")
    sweep = {"stored": fired} | ({f"min_voice_s {m}": judged[m] for m in MIN_VOICE_SWEEP} if reidentify else {})
    for split, visits in staffing.items():
        for name, found in sweep.items():
            hit = sum(1 for c, w in visits if w and c in found)
            fa = sum(1 for c, w in visits if not w and c in found)
            print(f"[{what} {split}] VISIT-2STAFF-VOICES ({name}): {hit}/{sum(w for _, w in visits)} visits with "
                  f"wrong staffing flagged, {fa}/{sum(not w for _, w in visits)} correct visits flagged")
        for c, w in visits:
            if c in fired or w:
                print(f"    {c} {'WRONG' if w else 'ok   '} {fired.get(c, '-')}")
    if reidentify:
        print(f"voice step: {step_s:.1f} s CPU for {audio_s:.0f} s of audio ({step_s / max(audio_s, 1e-9):.4f} s/s)")


def _viterbi(emit: np.ndarray, switch: float) -> list[int]:
    """The best state path through ``emit`` (turns × states) with ``switch`` per change of state."""
    n, k = emit.shape
    score, back = emit[0].copy(), np.zeros((n, k), int)
    trans = -switch * (1 - np.eye(k))
    for t in range(1, n):
        m = score[:, None] + trans
        back[t] = m.argmax(axis=0)
        score = m.max(axis=0) + emit[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    return path[::-1]


def resplit_study(url: str, corpus: Path, scen: dict) -> None:
    """Sub-cluster re-splitting rules against the product's, on the stored segments: each rule
    starts from the cluster-level match (``pipelines.voices.match``) and may give a collector
    segment of a matched cluster to another of the collectors heard or logged, from the
    segment's own s-normalised scores (its 1.6 s windows averaged)."""
    import sqlalchemy as sa

    from audit.schema import Segment
    from audit.storage import make_engine, session
    from audit.voiceprints import load_profiles
    from pipelines import voices as V
    from pipelines.audio import load_audio

    engine = make_engine(url)
    with session(engine) as db:
        profiles = load_profiles(db)
    with open(corpus / "manifest.csv", encoding="utf-8") as f:
        rows = {r["call_id"]: r for r in csv.DictReader(f)}
    cases = []  # (call, split, segments, turns to re-decide, names, segment scores, cluster scores)
    purity = [0.0, 0.0]
    with engine.connect() as conn:
        for call_id, sc in scen.items():
            if not call_id.startswith("vis-"):
                continue
            segs = [Segment(sp, r, s, e, "") for sp, r, s, e in conn.execute(sa.text(
                "select speaker, role, start, \"end\" from segment where call_id=:c order by idx"), {"c": call_id})]
            audio = load_audio(corpus / rows[call_id]["audio_file"])
            channel = "phone" if audio.source_rate <= 8000 else "room"
            contact, mono = _contact(rows[call_id]), audio.mono()
            prior, V.SEGMENT_PRIOR = V.SEGMENT_PRIOR, None
            metrics = V.identify(contact, mono, segs, profiles, channel)
            V.SEGMENT_PRIOR = prior
            truth = json.loads((corpus / "truth" / f"{call_id}.json").read_text())
            turns = [t for t in truth["turns"] if t["role"] == "agent"]
            for seg in segs:
                if seg.role == "agent":
                    over = defaultdict(float)
                    for t in turns:
                        over[t["voice"]] += max(0.0, min(seg.end, t["end"]) - max(seg.start, t["start"]))
                    purity[0] += max(over.values(), default=0.0)
                    purity[1] += sum(over.values())
            heard = [m["agent_id"] for m in metrics["collector_voices"] if m["agent_id"] in profiles]
            names = list(dict.fromkeys([*heard, *metrics["logged_with_profile"]]))
            todo = [s for s in segs if s.role == "agent" and s.agent_id in profiles and s.end - s.start > 0.3]
            if len(names) < 2 or not todo:
                cases.append((call_id, sc, segs, [], names, None, None))
                continue
            windows = V.segment_windows(mono, todo)
            seg_scores = V.snorm_scores(V.compensate(np.stack([V._mean_unit(windows[id(s)]) for s in todo]),
                                                     channel), names, profiles)
            by_cluster = {k: V.compensate(V._mean_unit([windows[id(s)] for s in todo if s.speaker == k])[None],
                                          channel) for k in {s.speaker for s in todo}}
            cl_scores = np.stack([V.snorm_scores(by_cluster[s.speaker], names, profiles)[0] for s in todo])
            cases.append((call_id, sc, segs, todo, names, seg_scores, cl_scores))
    print(f"\n[study] the best single collector of each collector segment holds {100 * purity[0] / purity[1]:.1f} % "
          "of their collector truth time (the ceiling of a per-segment decision)")

    def run(rule) -> str:
        acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for call_id, sc, segs, todo, names, seg_scores, cl_scores in cases:
            start = {id(s): s.agent_id for s in segs}
            if todo:
                cluster = np.array([[1.0 if a == s.agent_id else 0.0 for a in names] for s in todo])
                dur = np.array([s.end - s.start for s in todo])
                for s, j in zip(todo, rule(seg_scores, cl_scores, cluster, dur), strict=True):
                    if j is not None:
                        s.agent_id = names[j]
            truth = json.loads((corpus / "truth" / f"{call_id}.json").read_text())
            for t in truth["turns"]:
                if t["role"] == "agent" and t["voice"] in profiles:
                    dur = t["end"] - t["start"]
                    ok = sum(max(0.0, min(s.end, t["end"]) - max(s.start, t["start"]))
                             for s in segs if s.agent_id == t["voice"])
                    acc[sc["meta"]["split"]][0] += min(ok, dur)
                    acc[sc["meta"]["split"]][1] += dur
            for s in segs:
                s.agent_id = start[id(s)]
        return " / ".join(f"{100 * acc[k][0] / acc[k][1]:.1f} %" for k in ("tune", "heldout"))

    def gated(prior: float, gate: float | None, min_s: float = 0.0):
        def rule(seg, cl, cluster, dur):
            best = (seg + prior * cluster).argmax(axis=1)
            return [int(b) if dur[i] >= min_s and (gate is None or seg[i, b] >= gate) else None
                    for i, b in enumerate(best)]
        return rule

    print("[study] attribution of registered collector speech (truth turns), tune / held out:")
    print(f"  cluster level only: {run(lambda seg, cl, cluster, dur: [None] * len(seg))}")
    product = gated(V.SEGMENT_PRIOR or 0.0, V.ACCEPT, V.SEGMENT_MIN_S)
    print(f"  the product (prior 0.5, the turn's own score >= ACCEPT, turns of 1 s or more): {run(product)}")
    for prior in (0.0, 0.5, 1.0):
        print(f"  per segment, prior {prior}, no gate: {run(gated(prior, None))}")
    for prior in (0.5, 1.0):
        for switch in (0.5, 1.0, 2.0):
            print(f"  Viterbi over the collector turns, prior {prior}, switch {switch}: "
                  f"{run(lambda seg, cl, cluster, dur, p=prior, w=switch: _viterbi(seg + p * cluster, w))}")
    for alpha in (1.0, 2.0):
        print(f"  segment + {alpha} x cluster scores, prior 0.5: "
              f"{run(lambda seg, cl, cluster, dur, a=alpha: list((seg + a * cl + 0.5 * cluster).argmax(axis=1)))}")


if __name__ == "__main__":
    main()
