"""Decoding study: CER, entity accuracy and seconds per faster-whisper setting.

Usage::

    python benchmarks/decoding_study.py CORPUS [CORPUS ...] [--limit N] [--settings a,b] \\
        [--cache DIR] [--rescore] [--asr-model DIR] [--json out.json]

Each setting is a change to the default :class:`pipelines.asr.AsrOptions` (``SETTINGS`` below). Per
recording the real engine (the embedded Whisper base, int8, the ASR gap fill and the cleaning of
hallucinations) transcribes the mono downmix; the transcript is converted to Simplified and put
through the pinyin corrector with the call's vocabulary (as the pipeline does), then scored:
CER against the truth turns (``pipelines.evaluate.normalize``) and entity accuracy
(:mod:`pipelines.entities`). Diarization does not run: CER and entity accuracy do not depend on
who spoke. The decoded audio and each setting's raw ASR output are cached under ``--cache``
(default ``.decoding-study/``), so that a corrector change is rescored without decoding again
(``--rescore``) and a second run costs only the new settings. Seconds are the decoding wall
time on this machine, model loaded; compare settings of one run only.

``--limit N`` takes the first N recordings of each corpus (2 shared cores: the whole study on
three corpora costs about 3 minutes of decoding per setting).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from audit.evaluation import load_truth
from audit.manifest import read_manifest
from audit.text import to_simplified
from pipelines.asr import AsrOptions, AsrSegment, Word

# name -> AsrOptions changes from today's defaults
SETTINGS: dict[str, dict] = {
    "default": {},
    "beam1": {"beam_size": 1},
    "no_fallback": {"temperature": (0.0,)},
    "vad_silence_1000": {"min_silence_ms": 1000},
    # session 9: faster-whisper's own default (500 ms costs ~15-20 % of the decode: docs/hearing.md)
    "vad_silence_2000": {"min_silence_ms": 2000},
    "vad_pad_200": {"speech_pad_ms": 200},
    "vad_threshold_0.35": {"vad_threshold": 0.35},
    "condition_prev": {"condition_on_previous_text": True},
    "no_speech_0.8": {"no_speech_threshold": 0.8},
    "vocab_prompt": {"vocabulary_to": "prompt"},
    "vocab_hotwords": {"vocabulary_to": "hotwords"},
    # session 8: only the people's names (collectors, the debtor and how the debtor is addressed)
    "people_hotwords": {"vocabulary_to": "hotwords", "words": "people"},
    "people_prompt": {"vocabulary_to": "prompt", "words": "people"},
    "no_prompt": {"initial_prompt": None},
    # a generic collection-call sentence, no call's names (the call's words in the prompt did not pay)
    "domain_prompt": {"initial_prompt": "以下是普通话的句子。您好，您的欠款已经逾期了，请尽快还款。"},
}


def _segments_to_json(segments: list[AsrSegment]) -> list[dict]:
    return [{"start": s.start, "end": s.end, "text": s.text,
             "words": [[w.start, w.end, w.text, w.probability] for w in s.words]} for s in segments]


def _segments_from_json(rows: list[dict]) -> list[AsrSegment]:
    return [AsrSegment(r["start"], r["end"], r["text"], words=[Word(*w) for w in r["words"]]) for r in rows]


def recordings(corpus: Path, limit: int | None):
    contacts, _errors = read_manifest(corpus / "manifest.csv")
    truth = load_truth(corpus)
    found = [c for c in contacts if c.has_recording and c.call_id in truth]
    return (found[:limit] if limit else found), truth


def mono_audio(corpus: Path, contact, cache: Path) -> np.ndarray:
    path = cache / "audio" / corpus.name / f"{contact.call_id}.npy"
    if path.is_file():
        return np.load(path)
    from pipelines.audio import load_audio

    audio = load_audio(corpus / contact.audio_file).mono().astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, audio)
    return audio


def score(contact, truth: dict, segments: list[AsrSegment]) -> dict:
    """CER errors/characters and entity counts of one recording's corrected transcript."""
    from pipelines.entities import score_entities
    from pipelines.evaluate import edit_distance, normalize
    from pipelines.vocabulary import call_corrector, call_vocabulary

    vocabulary = call_vocabulary(contact)
    corrector = call_corrector(vocabulary)
    fixed = [dataclasses.replace(s, text=corrector(to_simplified(s.text, phrases=True))) for s in segments]
    turns = sorted(truth["turns"], key=lambda t: t["start"])
    hyp, ref = normalize("".join(s.text for s in fixed)), normalize("".join(t["text"] for t in turns))
    return {"errors": edit_distance(hyp, ref), "chars": len(ref),
            "entities": score_entities(turns, fixed, vocabulary, normalize)}


def run(corpora: list[Path], names: list[str], limit: int | None, cache: Path, rescore: bool,
        model: str = "embedded") -> list[dict]:
    from pipelines.asr import get_engine
    from pipelines.vocabulary import call_vocabulary

    engine = None
    rows = []
    for name in names:
        total = {"setting": name, "errors": 0, "chars": 0, "seconds": 0.0, "audio_s": 0.0, "decoded": 0,
                 "entities": {}}
        per_corpus = {}
        for corpus in corpora:
            contacts, truth = recordings(corpus, limit)
            c_err = c_chars = 0
            for contact in contacts:
                out = cache / "asr" / name / corpus.name / f"{contact.call_id}.json"
                if out.is_file():
                    cached = json.loads(out.read_text(encoding="utf-8"))
                    segments, seconds = _segments_from_json(cached["segments"]), cached["seconds"]
                elif rescore:
                    continue
                else:
                    if engine is None:
                        engine = get_engine("faster-whisper", model)
                    audio = mono_audio(corpus, contact, cache)
                    setting = dict(SETTINGS[name])
                    words = call_vocabulary(contact).decoder_words(setting.pop("words", "all"))
                    options = dataclasses.replace(AsrOptions(), **setting, hotwords=words)
                    started = time.perf_counter()
                    segments = engine.transcribe(audio, options)
                    seconds = time.perf_counter() - started
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_text(json.dumps({"seconds": seconds, "audio_s": len(audio) / 16000,
                                               "segments": _segments_to_json(segments)}, ensure_ascii=False))
                    total["decoded"] += 1
                result = score(contact, truth[contact.call_id], segments)
                c_err, c_chars = c_err + result["errors"], c_chars + result["chars"]
                total["seconds"] += seconds
                total["audio_s"] += float(truth[contact.call_id].get("duration_s", 0.0))
                for kind, (right, n) in result["entities"].items():
                    acc = total["entities"].setdefault(kind, [0, 0])
                    acc[0], acc[1] = acc[0] + right, acc[1] + n
            per_corpus[corpus.name] = round(c_err / max(1, c_chars), 4)
            total["errors"] += c_err
            total["chars"] += c_chars
        right = sum(v[0] for v in total["entities"].values())
        n = sum(v[1] for v in total["entities"].values())
        total.update(cer=round(total["errors"] / max(1, total["chars"]), 4), cer_per_corpus=per_corpus,
                     entity_accuracy=round(right / max(1, n), 4), entity_mentions=n)
        rows.append(total)
        print_row(total, corpora)
    return rows


def print_row(row: dict, corpora: list[Path]) -> None:
    per = " ".join(f"{row['cer_per_corpus'].get(c.name, 0) * 100:6.2f}" for c in corpora)
    kinds = " ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(row["entities"].items()))
    print(f"{row['setting']:20s} CER {row['cer'] * 100:6.2f} % ({per})  entities "
          f"{row['entity_accuracy'] * 100:5.1f} % of {row['entity_mentions']} ({kinds})  "
          f"{row['seconds']:7.1f} s for {row['audio_s']:.0f} s audio", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, help="first N recordings of each corpus")
    parser.add_argument("--settings", help="comma-separated names (default: all): " + ", ".join(SETTINGS))
    parser.add_argument("--cache", type=Path, default=Path(".decoding-study"))
    parser.add_argument("--rescore", action="store_true", help="only score what is cached; decode nothing")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--asr-model", default="embedded",
                        help="'embedded' (default) or a local CTranslate2 directory; use its own --cache")
    args = parser.parse_args(argv)
    names = args.settings.split(",") if args.settings else list(SETTINGS)
    unknown = [n for n in names if n not in SETTINGS]
    if unknown:
        parser.error(f"unknown settings {unknown}; known: {', '.join(SETTINGS)}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = run(args.corpora, names, args.limit, args.cache, args.rescore, args.asr_model)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
