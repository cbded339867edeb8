"""Decoding: every corpus format, channels kept, and a clear reason for unusable files."""

from __future__ import annotations

import pytest

from pipelines.audio import SAMPLE_RATE, AudioError, load_audio


@pytest.mark.parametrize("name, channels, rate", [
    ("dev-003.wav", 2, 8000), ("dev-002.mp3", 1, 8000), ("dev-007.m4a", 1, 16000)])
def test_corpus_formats(corpus_dir, name, channels, rate):
    audio = load_audio(corpus_dir / "audio" / name)
    assert audio.channels == channels and audio.source_rate == rate
    assert 20 < audio.duration < 60
    assert audio.samples.dtype.name == "float32" and len(audio.sha256) == 64
    assert audio.mono().shape == (audio.samples.shape[1],)


def test_stereo_channels_hold_different_parties(corpus_dir):
    audio = load_audio(corpus_dir / "audio" / "dev-003.wav")
    # 0.5–7.6 s: only the collector (left) speaks
    left = audio.channel(0)[int(1 * SAMPLE_RATE):int(7 * SAMPLE_RATE)]
    right = audio.channel(1)[int(1 * SAMPLE_RATE):int(7 * SAMPLE_RATE)]
    assert (left ** 2).mean() > 20 * (right ** 2).mean()


def test_unusable_files(tmp_path, corpus_dir):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("这不是录音，是一份备注。" * 50, encoding="utf-8")
    truncated = tmp_path / "cut.mp3"
    truncated.write_bytes((corpus_dir / "audio" / "dev-002.mp3").read_bytes()[:600])
    with pytest.raises(AudioError, match="empty file"):
        load_audio(empty)
    with pytest.raises(AudioError, match="cannot decode|no audio"):
        load_audio(text)
    with pytest.raises(AudioError, match="only .* s of audio|cannot decode|no audio"):
        load_audio(truncated)
    with pytest.raises(AudioError, match="not found"):
        load_audio(tmp_path / "missing.wav")
