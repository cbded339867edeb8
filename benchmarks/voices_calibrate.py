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
    args = ap.parse_args()
    from audit.voiceprints import Chunk
    from pipelines import voices as V

    scen = _scenarios()
    with open(args.corpus / "manifest.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    data = embed_all(args.corpus, rows, args.cache or args.corpus / "voice_embeddings.json")
    teams = {r["agent_id"]: r["team"] for r in rows if r["call_id"].startswith("enr-")}

    # 1. enrollment
    profiles: dict[str, Profile] = {}
    for row in sorted((r for r in rows if r["call_id"].startswith("enr-")), key=lambda r: r["started_at"]):
        p = profiles.setdefault(row["agent_id"], Profile(row["agent_id"], team=teams[row["agent_id"]]))
        add_chunks(p, [Chunk(e, s, src) for e, s, src in data["enroll"][row["call_id"]]])
    rejected = sorted(c.source for p in profiles.values() for c in p.chunks if not c.kept)
    print(f"enrolled {sum(p.ready for p in profiles.values())}/{len(profiles)} collectors ready; "
          f"{sum(len(p.chunks) for p in profiles.values())} stretches, rejected as another voice: {rejected}")

    # 2.-4. per split
    by_id = {r["call_id"]: r for r in rows}
    report: dict[str, dict] = {}
    all_alarm_scores: dict[str, list] = {"tune": [], "heldout": []}
    for split in ("tune", "heldout"):
        calls = [c for c in data["voices"] if scen[c]["meta"]["split"] == split]
        raw_t, raw_n, sn_t, sn_n = [], [], [], []
        right = total = 0.0
        unreg_hits = unreg_n = 0
        alarm: list[tuple[float, bool]] = []  # (best s-norm score, truly unregistered)
        ready = [a for a, p in profiles.items() if p.ready]
        for call_id in calls:
            voices = data["voices"][call_id]
            names = list(voices)
            vectors = np.array([voices[v][0] for v in names], dtype=np.float32)
            cents = np.stack([profiles[a].centroid() for a in ready])
            raw = vectors @ cents.T
            sn = V.snorm_scores(vectors, ready, profiles)
            for i, v in enumerate(names):
                for j, a in enumerate(ready):
                    (raw_t if a == v else raw_n).append(raw[i, j])
                    (sn_t if a == v else sn_n).append(sn[i, j])
            contact = _contact(by_id[call_id])
            matches = V.match(vectors, names, [voices[v][1] for v in names], contact, profiles)
            for m in matches:
                registered = m.speaker in profiles
                if registered:
                    total += m.seconds
                    right += m.seconds if m.agent_id == m.speaker else 0.0
                else:
                    unreg_n += 1
                    unreg_hits += m.agent_id == UNREGISTERED
                alarm.append((m.score if m.score is not None else -99.0, not registered))
        raw_eer, raw_thr = eer(np.array(raw_t), np.array(raw_n))
        sn_eer, sn_thr = eer(np.array(sn_t), np.array(sn_n))
        all_alarm_scores[split] = alarm
        report[split] = {"calls": len(calls), "attribution": right / max(total, 1e-9), "collector_s": total,
                         "eer_raw": raw_eer, "eer_raw_thr": raw_thr, "eer_snorm": sn_eer, "eer_snorm_thr": sn_thr,
                         "trials": (len(raw_t), len(raw_n)), "unreg_not_attributed": (unreg_hits, unreg_n)}
    # unregistered alarm: threshold on the best candidate's s-norm score, FA <= 5 % on tune
    tune = all_alarm_scores["tune"]
    regs = np.array([s for s, u in tune if not u])
    thr = float(np.quantile(regs, 0.05)) if len(regs) else V.UNREGISTERED_ALARM
    for split in ("tune", "heldout"):
        al = all_alarm_scores[split]
        reg = [s for s, u in al if not u]
        unr = [s for s, u in al if u]
        for name, t in (("chosen(FA<=5% tune)", thr), ("product", V.UNREGISTERED_ALARM)):
            report[split][f"unregistered@{name}"] = {
                "threshold": round(t, 3), "recall": f"{sum(s < t for s in unr)}/{len(unr)}",
                "false_alarm": f"{sum(s < t for s in reg)}/{len(reg)}"}
    for split, r in report.items():
        print(f"\n[{split}] {r['calls']} mono calls/visits, {r['collector_s']:.0f} s of registered collector speech")
        print(f"  attribution (perfect diarization): {100 * r['attribution']:.1f} %")
        print(f"  EER phone->room, raw cosine: {100 * r['eer_raw']:.1f} % (threshold {r['eer_raw_thr']:.3f}); "
              f"s-norm: {100 * r['eer_snorm']:.1f} % (threshold {r['eer_snorm_thr']:.2f}); trials {r['trials']}")
        print(f"  unregistered voices left unattributed: {r['unreg_not_attributed'][0]}/{r['unreg_not_attributed'][1]}")
        for k, v in r.items():
            if k.startswith("unregistered@"):
                print(f"  {k}: {v}")
    if args.pipeline:
        pipeline_attribution(args.pipeline, args.corpus, scen, set(profiles))


def pipeline_attribution(url: str, corpus: Path, scen: dict, enrolled: set[str]) -> None:
    """Share of registered collector speech (truth turns) covered by stored segments carrying the
    right agent id, per split; plus the staffing findings raised."""
    import sqlalchemy as sa

    from audit.storage import make_engine

    engine = make_engine(url)
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    with engine.connect() as conn:
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
                acc[split][0] += min(ok, dur)
                acc[split][1] += dur
                acc[split][2] += min(agent, dur)
        staffing = conn.execute(sa.text("select call_id, rule_id, evidence from finding "
                                        "where category='VISIT_STAFFING' and call_id like 'vis-%' "
                                        "order by call_id")).all()
    for split, (ok, dur, agent) in acc.items():
        print(f"[pipeline {split}] attribution of registered collector speech: {100 * ok / dur:.1f} % "
              f"(collector role on {100 * agent / dur:.1f} % of it)")
    for row in staffing:
        print("  ", *row)


if __name__ == "__main__":
    main()
