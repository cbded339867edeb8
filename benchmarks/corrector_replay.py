"""Rescore the pinyin corrector on stored segments without running the pipeline again.

Usage::

    python benchmarks/corrector_replay.py capture CORPUS --asr-cache DIR --out CORPUS.replay.json
    python benchmarks/corrector_replay.py score A.replay.json [B.replay.json ...] [--misses]

``capture`` runs ``audit eval CORPUS`` (:func:`pipelines.evaluate.evaluate_corpus`) with the
recogniser's output cached (:mod:`benchmarks.asr_cache`) and keeps, for every stored segment, its
times and its text *before* the corrector (the pipeline's call of the corrector is wrapped), next
to the truth turns and the call's manifest row; the report of that run is kept too (``report``).
``score`` puts the stored texts through the corrector of the code as it is now
(:func:`pipelines.vocabulary.call_corrector`) and prints CER and entity accuracy per corpus, as
``audit eval`` computes them, with ``--misses`` the mentions not heard. A corrector change is
scored in seconds; the segments' times and speakers are those of the captured run (the corrector
also feeds the role model, so the final figures come from ``eval_cached.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class _Recording:
    """The corrector of one call, remembering each corrected text's input."""

    def __init__(self, corrector, raw_of: dict[str, str]):
        self._corrector, self._raw_of = corrector, raw_of

    def __call__(self, text: str) -> str:
        out = self._corrector(text)
        self._raw_of.setdefault(out, text)
        return out


def _turns_key(turns: list[dict]) -> tuple:
    return tuple((float(t["start"]), t["text"]) for t in turns)


def capture(corpus: Path, cache: Path, out: Path, decoder_words: str | None = None) -> None:
    import pipelines.evaluate as evaluate
    import pipelines.process as process
    from audit.evaluation import load_truth
    from audit.manifest import read_manifest
    from benchmarks.asr_cache import install

    counts = install(cache)
    raw_of: dict[str, str] = {}
    real_corrector = process.call_corrector
    process.call_corrector = lambda vocabulary: _Recording(real_corrector(vocabulary), raw_of)  # type: ignore[assignment]
    stored: dict[tuple, list] = {}
    real_score = evaluate.score_entities

    def score(turns, segs, vocabulary, normalize, **kw):  # type: ignore[no-untyped-def]
        stored[_turns_key(turns)] = [{"start": s.start, "end": s.end, "speaker": s.speaker,
                              "raw": raw_of.get(s.text, s.text), "text": s.text} for s in segs]
        return real_score(turns, segs, vocabulary, normalize, **kw)

    evaluate.score_entities = score  # type: ignore[assignment]
    options = None
    if decoder_words:
        from pipelines.asr import AsrOptions
        from pipelines.process import PipelineOptions

        options = PipelineOptions(asr_options=AsrOptions(vocabulary_to="hotwords"), vocabulary_words=decoder_words)
    report = evaluate.evaluate_corpus(corpus, options=options)
    report["asr_cache"] = dict(counts)
    truth = load_truth(corpus)
    contacts, _ = read_manifest(corpus / "manifest.csv")
    calls = []
    for contact in contacts:
        t = truth.get(contact.call_id)
        if t is None or not contact.has_recording or _turns_key(t["turns"]) not in stored:
            continue
        calls.append({"contact": dataclasses.asdict(contact), "turns": t["turns"],
                      "segments": stored[_turns_key(t["turns"])]})
    out.write_text(json.dumps({"corpus": str(corpus), "calls": calls, "report": report},
                              ensure_ascii=False, indent=0, default=str), encoding="utf-8")
    print(f"{corpus}: {len(calls)} calls, CER {report['cer']:.4f}, entities {report['entities']}; "
          f"ASR cache {counts}")


def _with_log_names(contacts: list, debtor_names: dict[str, str]) -> list:
    """The replay's contacts as the pipeline of this code sees them: the visit's other collectors'
    names from the other rows of the same manifest (:func:`pipelines.batch.plan.with_staff_names`
    does the same from the store and the manifest), and ``debtor_names`` (a measurement aid,
    ``benchmarks/debtor_names.py``) where the row has none."""
    names = {c.agent_id: c.agent_name for c in contacts if c.agent_name}
    out = []
    for c in contacts:
        update: dict = {}
        if "visit_staff_names" in _FIELDS and c.visit_staff_ids and not getattr(c, "visit_staff_names", ()):
            update["visit_staff_names"] = tuple(names[i] for i in c.visit_staff_ids if i != c.agent_id and i in names)
        if not c.debtor_name and debtor_names.get(c.call_id):
            update["debtor_name"] = debtor_names[c.call_id]
        out.append(dataclasses.replace(c, **update) if update else c)
    return out


def _contact_fields() -> set[str]:
    from audit.schema import Contact

    return {f.name for f in dataclasses.fields(Contact)}


_FIELDS = _contact_fields()


def score(paths: list[Path], show_misses: bool, debtor_names: dict[str, str] | None = None) -> None:
    from types import SimpleNamespace

    from audit.schema import Contact
    from pipelines.entities import KINDS, misses, score_entities
    from pipelines.evaluate import edit_distance, normalize
    from pipelines.vocabulary import call_corrector, call_vocabulary

    fields = {f.name for f in dataclasses.fields(Contact)}
    seconds = 0.0
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = chars = 0
        entities = {kind: [0, 0] for kind in KINDS}
        lines = []
        contacts = [Contact(**{k: tuple(v) if isinstance(v, list) else v for k, v in call["contact"].items()
                               if k in fields}) for call in data["calls"]]
        for call, contact in zip(data["calls"], _with_log_names(contacts, debtor_names or {}), strict=True):
            vocabulary = call_vocabulary(contact)
            corrector = call_corrector(vocabulary)
            started = time.perf_counter()
            segs = [SimpleNamespace(start=s["start"], end=s["end"], text=corrector(s["raw"])) for s in call["segments"]]
            seconds += time.perf_counter() - started
            ref = "".join(t["text"] for t in sorted(call["turns"], key=lambda x: x["start"]))
            e = edit_distance(normalize("".join(s.text for s in segs)), normalize(ref))
            errors, chars = errors + e, chars + len(normalize(ref))
            for kind, (right, total) in score_entities(call["turns"], segs, vocabulary, normalize).items():
                entities[kind][0] += right
                entities[kind][1] += total
            if show_misses:
                lines += [f"  {contact.call_id} {kind:8s} {said}  <-  {heard}"
                          for kind, said, heard in misses(call["turns"], segs, vocabulary, normalize)]
        right, total = sum(r for r, _ in entities.values()), sum(t for _, t in entities.values())
        kinds = ", ".join(f"{k} {r}/{t}" for k, (r, t) in entities.items())
        print(f"{data['corpus']}: CER {100 * errors / max(1, chars):.2f} % ({errors}/{chars}); "
              f"entities {100 * right / max(1, total):.1f} % of {total} ({kinds})")
        print("\n".join(lines))
    print(f"corrector time: {seconds:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("corpus_dir", type=Path)
    cap.add_argument("--asr-cache", type=Path, default=Path(".asr-cache"))
    cap.add_argument("--out", type=Path, required=True)
    sco = sub.add_parser("score")
    sco.add_argument("replays", nargs="+", type=Path)
    sco.add_argument("--misses", action="store_true")
    sco.add_argument("--debtor-names", type=Path,
                     help="JSON call_id -> debtor name for rows without one (benchmarks/debtor_names.py)")
    cap.add_argument("--decoder-words", choices=("all", "people"),
                     help="the call's words (all, or the people's names) to the decoder as faster-whisper hotwords")
    args = parser.parse_args(argv)
    if args.command == "capture":
        capture(args.corpus_dir, args.asr_cache, args.out, args.decoder_words)
    else:
        names = json.loads(args.debtor_names.read_text(encoding="utf-8")) if args.debtor_names else {}
        score(args.replays, args.misses, names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
