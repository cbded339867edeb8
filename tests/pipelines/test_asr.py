"""ASR engines: the embedded model for real, other models at their loading boundary."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

import pipelines.asr as asr
from pipelines.audio import load_audio
from pipelines.evaluate import edit_distance, normalize


@pytest.fixture(scope="module")
def engine():
    return asr.get_engine("faster-whisper")


def test_embedded_model_is_verified(tmp_path, monkeypatch):
    target = asr.embedded_model_dir(tmp_path / "ok")
    assert (target / "model.bin").stat().st_size > 100_000_000
    assert {p.name for p in target.iterdir()} >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"}
    monkeypatch.setattr(asr, "EMBEDDED_SHA256", "0" * 64)
    with pytest.raises(asr.AsrError, match="SHA-256"):
        asr.embedded_model_dir(tmp_path / "bad")
    assert not (tmp_path / "bad" / "model.bin").exists()


def test_real_mandarin_utterance(engine, corpus_dir):
    """AISHELL-1 test utterance: the embedded model on real (not synthetic) speech."""
    reference = (corpus_dir / "real" / "transcripts.txt").read_text(encoding="utf-8").split(maxsplit=1)[1]
    audio = load_audio(corpus_dir / "real" / "BAC009S0764W0121.wav")
    segments = engine.transcribe(audio.mono(), asr.AsrOptions())
    text = "".join(s.text for s in segments)
    assert edit_distance(normalize(text), normalize(reference)) / len(normalize(reference)) <= 0.25
    assert all(w.start < w.end for s in segments for w in s.words)


def test_engine_registry_names_the_choices():
    with pytest.raises(asr.AsrError, match="faster-whisper, openai-whisper"):
        asr.get_engine("kaldi")


def test_faster_whisper_missing_local_model(tmp_path):
    with pytest.raises(asr.AsrError, match="does not exist"):  # checked before loading (test_asr_model.py)
        asr.FasterWhisperEngine(str(tmp_path / "no-such-model"))


def test_openai_whisper_loads_a_local_checkpoint(tmp_path):
    """A tiny randomly initialised Whisper checkpoint goes through the real loading and decoding
    code of openai-whisper; its words are noise, which is all an untrained model can say."""
    import torch
    import whisper.model as whisper_model  # the openai-whisper extra, which make test installs
    dims = whisper_model.ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=1,
                                         n_audio_layer=1, n_vocab=51865, n_text_ctx=448, n_text_state=64,
                                         n_text_head=1, n_text_layer=1)
    torch.manual_seed(0)
    model = whisper_model.Whisper(dims)
    path = tmp_path / "tiny.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": model.state_dict()}, path)
    engine = asr.get_engine("openai-whisper", str(path), device="cpu")
    options = asr.AsrOptions(beam_size=1, temperature=(0.0,), word_timestamps=False, initial_prompt=None)
    segments = engine.transcribe(np.zeros(16000, dtype=np.float32), options)
    assert isinstance(segments, list)
    assert all(isinstance(s, asr.AsrSegment) for s in segments)
    with pytest.raises(asr.AsrError, match="cannot read the embedded"):
        asr.OpenAIWhisperEngine(asr.EMBEDDED)
    with pytest.raises(asr.AsrError, match="cannot load model"):
        asr.OpenAIWhisperEngine(str(tmp_path / "missing.pt"), device="cpu")


def test_speech_the_decoder_skipped_is_decoded_again(corpus_dir):
    """Whisper can end a window early and jump ahead; skipped speech gets a pass of its own."""
    audio = load_audio(corpus_dir / "audio" / "dev-009.m4a").mono()
    full = len(audio)
    calls = []

    def decode(clip, options):  # the boundary: what a Whisper pass returned
        calls.append(len(clip))
        if len(clip) == full:  # the first pass heard only the opening turn (0.5-5.5 s)
            return [asr.AsrSegment(0.4, 5.6, "林涛，我们是鼎信公司的", words=[asr.Word(0.4, 5.6, "林涛")])]
        return [asr.AsrSegment(0.3, 1.5, "片段", words=[asr.Word(0.3, 1.5, "片段")])]

    segments = asr.fill_speech_gaps(decode, audio, asr.AsrOptions())
    assert len(calls) >= 2 and calls[0] == full and all(n < full for n in calls[1:])
    starts = [s.start for s in segments]
    assert starts == sorted(starts) and starts[0] == 0.4
    assert all(s.start > 5.6 for s in segments[1:])  # shifted back to where the skipped speech was
    assert all(w.start >= s.start - 1e-9 for s in segments for w in s.words)

    calls.clear()
    whole = [asr.AsrSegment(0.0, full / 16000, "都听到了")]

    def heard_everything(clip, options):
        calls.append(len(clip))
        return list(whole)

    assert asr.fill_speech_gaps(heard_everything, audio, asr.AsrOptions()) == whole
    assert calls == [full]  # nothing skipped: one pass only


def test_a_segment_that_runs_on_past_its_words_does_not_hide_skipped_speech(corpus_dir):
    # corpus_heldout5 e5-09: the first pass gave one segment 0.3-26.5 s whose words end at 11.5 s;
    # the 15 s after them were never decoded. What was heard is where the words are.
    audio = load_audio(corpus_dir / "audio" / "dev-009.m4a").mono()
    full = len(audio)
    end = full / 16000
    calls = []

    def decode(clip, options):
        calls.append(len(clip))
        if len(clip) == full:  # one segment over the whole recording, words for its first 5 s only
            words = [asr.Word(0.4 + 0.5 * i, 0.8 + 0.5 * i, c) for i, c in enumerate("林涛我们是鼎信公司的")]
            return [asr.AsrSegment(0.3, end, "林涛我们是鼎信公司的", words=words)]
        return [asr.AsrSegment(0.3, 1.5, "片段", words=[asr.Word(0.3, 1.5, "片段")])]

    segments = asr.fill_speech_gaps(decode, audio, asr.AsrOptions())
    assert len(calls) >= 2 and all(n < full for n in calls[1:])
    assert len(segments) >= 2 and all(s.words[0].start > 5.0 for s in segments[1:])
