"""Voice activity detection (pipelines/vad.py): the real Silero VAD on corpus recordings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipelines.audio import SAMPLE_RATE, load_audio
from pipelines.vad import speech_regions


@pytest.mark.parametrize("signal", [np.zeros(3 * SAMPLE_RATE, np.float32),
                                    np.zeros(100, np.float32)], ids=["silence", "too-short"])
def test_no_speech_gives_no_regions(signal):
    assert speech_regions(signal) == []


@pytest.mark.parametrize("call_id", ["dev-012", "dev-008"], ids=["8kHz-telephone", "far-field-visit"])
def test_speech_regions_find_every_turn(corpus_dir, call_id):
    truth = json.loads((corpus_dir / "truth" / f"{call_id}.json").read_text(encoding="utf-8"))
    audio, turns = load_audio(corpus_dir / truth["audio_file"]).mono(), truth["turns"]
    regions = speech_regions(audio)

    def covered(t):
        return sum(max(0.0, min(e, t["end"]) - max(s, t["start"])) for s, e in regions)

    for turn in turns:  # every turn is mostly found (truth turns include pauses between sentences) ...
        assert covered(turn) >= 0.75 * (turn["end"] - turn["start"]), turn
    speech = sum(t["end"] - t["start"] for t in turns)
    detected = sum(e - s for s, e in regions)
    assert detected <= 1.2 * speech  # ... and room noise / reverb is not called speech
