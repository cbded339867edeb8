"""A disk cache of the recogniser's output, for benchmarks that change only what comes after it.

Diarization and conduct studies re-run the whole pipeline on a corpus many times, and the ASR
is most of its time. :func:`install` wraps the faster-whisper engine's ``transcribe`` so that
the same audio decoded with the same options and model is read back from ``DIR`` (one JSON file
per recording and setting) instead of decoded again. Everything after the ASR (diarization,
roles, acoustics, rules) runs as usual, so two runs on one cache differ only there.

Used by ``benchmarks/conduct_eval.py --asr-cache DIR`` and ``benchmarks/eval_cached.py``. The
key is the audio's bytes, the decoding options and the model; a changed recogniser or option is
a cache miss, never a stale hit. Not for production: nothing evicts the files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np


def _key(audio: np.ndarray, options: Any, model: str) -> str:
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(audio, dtype=np.float32).tobytes())
    digest.update(repr(dataclasses.asdict(options)).encode())
    digest.update(str(model).encode())
    return digest.hexdigest()[:32]


def _dump(segments: list[Any]) -> list[dict]:
    return [dataclasses.asdict(s) for s in segments]


def _load(rows: list[dict]) -> list[Any]:
    from pipelines.asr import AsrSegment, Word

    return [AsrSegment(**{**row, "words": [Word(**w) for w in row["words"]]}) for row in rows]


def install(directory: str | Path) -> dict[str, int]:
    """Cache ``FasterWhisperEngine.transcribe`` under ``directory`` for the rest of the process.

    Returns:
        Live counters ``{"hits": n, "misses": n, "decode_s": seconds}`` (the seconds spent decoding the misses).
    """
    from pipelines.asr import FasterWhisperEngine

    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, Any] = {"hits": 0, "misses": 0, "decode_s": 0.0}
    original = FasterWhisperEngine.transcribe
    if getattr(original, "_asr_cache", None) is not None:
        return original._asr_cache  # type: ignore[attr-defined, no-any-return]

    def transcribe(self, audio, options):  # type: ignore[no-untyped-def]
        path = root / f"{_key(audio, options, getattr(self, 'model_name', ''))}.json"
        if path.is_file():
            counts["hits"] += 1
            return _load(json.loads(path.read_text(encoding="utf-8")))
        counts["misses"] += 1
        started = time.perf_counter()
        segments = original(self, audio, options)
        counts["decode_s"] += time.perf_counter() - started  # the bare recogniser's time of the misses
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(_dump(segments), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return segments

    transcribe._asr_cache = counts  # type: ignore[attr-defined]
    FasterWhisperEngine.transcribe = transcribe  # type: ignore[method-assign]
    return counts
