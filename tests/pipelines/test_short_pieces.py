"""How a piece shorter than the encoder's window is embedded (pipelines/diarization/embedding.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipelines.audio import load_audio
from pipelines.diarization.embedding import _fill_window, embed_windows, unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def test_a_short_span_is_repeated_to_fill_the_window():
    mel = np.arange(12, dtype=np.float32).reshape(4, 3) + 1
    filled = _fill_window(mel, 10)
    assert filled.shape == (10, 3)
    assert np.array_equal(filled[:4], mel) and np.array_equal(filled[4:8], mel) and np.array_equal(filled[8:], mel[:2])
    assert (filled != 0).all()  # no silence added
    assert not _fill_window(np.zeros((0, 3), np.float32), 5).any()


def test_repeated_short_pieces_land_nearer_their_own_speaker_and_zero_padded_ones_may_not():
    # change_cm004: the collector speaks 0.4-2.2 s, the debtor 3.1-5.0 s. With zero padding (the
    # default) short collector spans below embed nearer the debtor (padding makes them alike).
    x = load_audio(FIXTURES / "change_cm004.mp3").mono()
    long_spans = [(0.37, 2.22), (3.76, 5.0)]
    short = {0: [(0.5, 1.1), (1.5, 2.1), (0.4, 0.8)], 1: [(3.1, 3.6), (4.2, 4.8), (4.4, 4.8)]}
    spans = long_spans + short[0] + short[1]
    vectors = np.stack([unit(w.mean(axis=0)) for w in embed_windows(x, spans, fill="repeat")])
    similarity = vectors[2:] @ vectors[:2].T
    assert np.array_equal(np.argmax(similarity, axis=1), [0, 0, 0, 1, 1, 1])
    padded = np.stack([unit(w.mean(axis=0)) for w in embed_windows(x, spans)])
    assert (np.argmax(padded[2:5] @ padded[:2].T, axis=1) == 1).any()  # what zero padding did


def test_fill_is_checked():
    with pytest.raises(ValueError, match="fill"):
        embed_windows(np.zeros(16000, np.float32), [(0.0, 0.5)], fill="silence")


def test_unpadded_short_pieces_are_encoded_at_their_own_length():
    x = load_audio(FIXTURES / "change_cm004.mp3").mono()
    spans = [(0.5, 1.1), (0.37, 2.22)]
    short, long = embed_windows(x, spans, fill="none")
    assert short.shape == (1, 256) and long.shape == (1, 256)
    assert not np.allclose(short, embed_windows(x, spans[:1])[0])  # not the zero-padded window
    assert np.isclose(np.linalg.norm(short), 1.0, atol=1e-4)


def test_encoder_mel_is_resemblyzers_input_without_librosa():
    """The encoder's mel frames are Resemblyzer's (librosa's STFT and Slaney filters), in numpy."""
    import librosa  # a dependency (resemblyzer needs it): the reference implementation

    from pipelines.diarization.embedding import _slaney_mel, encoder_mel

    assert np.array_equal(_slaney_mel(), librosa.filters.mel(sr=16000, n_fft=400, n_mels=40))
    rng = np.random.default_rng(3)
    t = np.arange(16000) / 16000
    wav = (0.3 * np.sin(2 * np.pi * 180 * t) + 0.05 * rng.standard_normal(len(t))).astype(np.float32)
    for n in (len(wav), 12_345, 300):  # whole windows, a ragged end, shorter than one FFT
        ours = encoder_mel(wav[:n])
        theirs = librosa.feature.melspectrogram(y=wav[:n], sr=16000, n_fft=400, hop_length=160,
                                                n_mels=40).astype(np.float32).T
        assert ours.shape == theirs.shape
        assert np.abs(ours - theirs).max() <= 1e-5 * np.abs(theirs).max()
