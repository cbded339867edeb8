"""The benchmarks' cache of recogniser output (benchmarks/asr_cache.py)."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np

from pipelines.asr import AsrOptions, AsrSegment, FasterWhisperEngine, Word

ROOT = Path(__file__).resolve().parents[2]


def load_cache_module():
    spec = importlib.util.spec_from_file_location("benchmarks_asr_cache", ROOT / "benchmarks" / "asr_cache.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_same_audio_and_options_are_decoded_once(tmp_path, monkeypatch):
    calls: list[float] = []

    def decode(self, audio, options):
        calls.append(float(audio.sum()))
        return [AsrSegment(0.0, 1.0, "你好", -0.1, 0.01, [Word(0.0, 0.5, "你", 0.9), Word(0.5, 1.0, "好", 0.8)])]

    monkeypatch.setattr(FasterWhisperEngine, "transcribe", decode)
    counts = load_cache_module().install(tmp_path)
    engine = object.__new__(FasterWhisperEngine)  # no model: the fake decode above stands in
    engine.model_name = "embedded"
    audio, options = np.ones(1600, np.float32), AsrOptions()
    first = engine.transcribe(audio, options)
    again = engine.transcribe(audio.copy(), options)
    assert again == first and isinstance(again[0].words[0], Word)
    assert (counts["hits"], counts["misses"]) == (1, 1) and len(calls) == 1 and counts["decode_s"] >= 0
    engine.transcribe(audio, dataclasses.replace(options, beam_size=1))  # other options: decoded
    engine.transcribe(2 * audio, options)  # other audio: decoded
    assert len(calls) == 3 and counts["misses"] == 3
