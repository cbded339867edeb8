"""Calibrate and measure collector identification by voice (issue 11) on benchmarks/corpus_voices.

    python benchmarks/voices_calibrate.py CORPUS_DIR [--pipeline DB_URL] [--cache FILE]

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
4. **Unregistered** collectors (voices U9xx): recall and false-alarm rate (registered voices
   called unregistered) at the alarm threshold; the threshold with FA ≤ 5 % on tune is printed.
5. With ``--pipeline DB_URL`` (a database where ``audit batch CORPUS_DIR`` has run): the same
   attribution share measured on the stored segments of the real pipeline (diarization and
   roles included), per truth collector turn overlap.
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
                   visit_staff_ids=ids, channel_layout=row["channel_layout"])


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
    ap.add_argument("--fit-means", action="store_true",
                    help="write pipelines/data/voices/channel_means.json from the tune split and the enrollment calls")
    args = ap.parse_args()
    from audit.voiceprints import Chunk
    from pipelines import voices as V

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
        vectors = V.compensate(vectors, "room" if by_id[call_id]["kind"] == "visit" else "phone")
        tests[scen[call_id]["meta"]["split"]].append((_contact(by_id[call_id]), names, vectors,
                                                      [voices[v][1] for v in names]))
    for split, items in tests.items():
        raw_t, raw_n, sn_t, sn_n = [], [], [], []
        for _, names, vectors, _seconds in items:
            raw, sn = vectors @ cents.T, V.snorm_scores(vectors, ready, profiles)
            for i, v in enumerate(names):
                for j, a in enumerate(ready):
                    (raw_t if a == v else raw_n).append(raw[i, j])
                    (sn_t if a == v else sn_n).append(sn[i, j])
        raw_eer, raw_thr = eer(np.array(raw_t), np.array(raw_n))
        sn_eer, sn_thr = eer(np.array(sn_t), np.array(sn_n))
        print(f"\n[{split}] {len(items)} mono calls/visits; EER same voice phone->room vs other voices: raw cosine "
              f"{100 * raw_eer:.1f} % (at {raw_thr:.3f}), s-norm {100 * sn_eer:.1f} % (at {sn_thr:.2f}); "
              f"trials {len(raw_t)} target / {len(raw_n)} non-target")

    # 3.-4. the product's decision at a sweep of ACCEPT thresholds
    def decide(split: str, accept: float) -> dict:
        right = total = 0.0
        fa = reg = hit = unreg = 0
        for contact, names, vectors, seconds in tests[split]:
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
    if args.pipeline:
        pipeline_attribution(args.pipeline, args.corpus, scen, set(profiles))


def pipeline_attribution(url: str, corpus: Path, scen: dict, enrolled: set[str]) -> None:
    """Share of registered collector speech (truth turns) covered by stored segments carrying the
    right agent id, per split and kind; and VISIT_STAFFING by voice against what the scenario did."""
    import sqlalchemy as sa

    from audit.storage import make_engine

    engine = make_engine(url)
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    staffing: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # split -> (call, truly wrong staffing)
    with engine.connect() as conn:
        fired = {r[0]: r[1] for r in conn.execute(sa.text(
            "select call_id, evidence from finding where rule_id='VISIT-2STAFF-VOICES'")).all()}
        for call_id, sc in scen.items():
            if not call_id.startswith("vis-"):
                continue
            segs = conn.execute(sa.text("select start, \"end\", agent_id, role from segment where call_id=:c"),
                                {"c": call_id}).all()
            truth = json.loads((corpus / "truth" / f"{call_id}.json").read_text())
            split = sc["meta"]["split"]
            for t in truth["turns"]:
                if t["role"] != "agent" or t["voice"] not in enrolled:
                    continue
                dur = t["end"] - t["start"]
                ok = sum(max(0.0, min(e, t["end"]) - max(s, t["start"])) for s, e, a, _ in segs if a == t["voice"])
                agent = sum(max(0.0, min(e, t["end"]) - max(s, t["start"])) for s, e, _, r in segs if r == "agent")
                held = sum(max(0.0, min(e, t["end"]) - max(s, t["start"])) for s, e, _, _ in segs)
                for key in ((split, sc["kind"]), (split, "all")):
                    acc[key][0] += min(ok, dur)
                    acc[key][1] += dur
                    acc[key][2] += min(agent, dur)
                    acc[key][3] += min(held, dur)
            if sc["kind"] == "visit":
                voices = set(sc["voices"].values())
                wrong = any(v not in enrolled for v in voices) or set(sc["meta"]["visit_staff"].split(";")) != voices
                staffing[split].append((call_id, wrong))
    for (split, kind), (ok, dur, agent, held) in sorted(acc.items()):
        print(f"[pipeline {split} {kind}] registered collector speech attributed to the right agent: "
              f"{100 * ok / dur:.1f} % of {dur:.0f} s of truth turns, {100 * ok / max(held, 1e-9):.1f} % of the "
              f"{held:.0f} s the transcript holds (collector role on {100 * agent / dur:.1f} %)")
    for split, visits in staffing.items():
        hit = sum(1 for c, w in visits if w and c in fired)
        fa = sum(1 for c, w in visits if not w and c in fired)
        print(f"[pipeline {split}] VISIT-2STAFF-VOICES: {hit}/{sum(w for _, w in visits)} visits with wrong staffing "
              f"flagged, {fa}/{sum(not w for _, w in visits)} correct visits flagged")
        for c, w in visits:
            if c in fired or w:
                print(f"    {c} {'WRONG' if w else 'ok   '} {fired.get(c, '-')}")


if __name__ == "__main__":
    main()
