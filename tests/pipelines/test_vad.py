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


def test_one_vad_pass_per_recording_gives_the_same_regions(corpus_dir):
    # faster-whisper's vad_filter, the skipped-speech search and the diarizer each ask for the
    # regions of the same signal with their own thresholds: the probabilities are computed once
    import faster_whisper.vad as fw_vad

    from pipelines.vad import share_vad

    shared = share_vad()
    assert fw_vad.get_vad_model() is shared and share_vad() is shared
    # a signal no other test has run through the VAD
    audio = np.ascontiguousarray(load_audio(corpus_dir / "audio" / "dev-008.m4a").mono() * np.float32(0.9))
    before = shared.computed
    loose = speech_regions(audio, threshold=0.35)
    strict = speech_regions(audio)
    asr_view = fw_vad.get_speech_timestamps(audio, fw_vad.VadOptions(threshold=0.5))
    assert shared.computed == before + 1  # three readings, one pass through the model
    assert strict and asr_view and sum(e - s for s, e in loose) >= sum(e - s for s, e in strict)
    # the remembered probabilities are the model's own, and a copy the caller may change
    padded = np.pad(audio, (0, 512 - audio.shape[0] % 512))
    remembered = shared(padded)
    assert np.array_equal(remembered, shared._model(padded)) and shared.computed == before + 1
    remembered[:] = 0
    assert np.array_equal(shared(padded), shared._model(padded))
    # another signal is computed on its own
    speech_regions(np.ascontiguousarray(audio[: len(audio) // 2]))
    assert shared.computed == before + 2
