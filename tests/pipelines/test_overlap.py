"""Mono overlapped speech: the shipped detector on real clips, runs of frames, who started over whom."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from audit.schema import Segment
from pipelines import overlap
from pipelines.audio import load_audio
from pipelines.overlap import FRAME_S, OverlapOptions, find_overlaps, split_at_overlaps

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
ROOT = Path(__file__).resolve().parents[2]


def probability_of(name: str) -> np.ndarray:
    return overlap.overlap_probability(load_audio(FIXTURES / name).mono())


def test_a_talk_over_on_a_telephone_mix_is_found():
    # 5 s of a synthetic 8 kHz mono call (benchmarks/corpus_conduct cm-004, 12-17 s): the
    # debtor speaks until 3.6 s, the collector starts over them at 2.3 s
    found = find_overlaps(probability_of("talkover_cm004.mp3"))
    assert len(found) == 1
    assert 2.2 <= found[0].start <= 3.0 and 3.2 <= found[0].end <= 3.8
    assert found[0].duration >= 0.5


def test_a_clean_change_of_speaker_is_no_overlap():
    # cm-004, 4.5-9.5 s: the collector ends at 2.2 s, the debtor answers at 2.8 s
    probability = probability_of("change_cm004.mp3")
    assert find_overlaps(probability) == []
    assert np.mean(probability > 0.5) < 0.02  # a stray frame, never a run


def test_features_are_finite_and_shaped():
    x = load_audio(FIXTURES / "change_cm004.mp3").mono()
    features = overlap.frame_features(x)
    assert features.shape == (round(len(x) / 16000 / FRAME_S) + 1, overlap.feature_count())
    assert np.isfinite(features).all()
    assert overlap.frame_features(np.zeros(100, np.float32)).shape[1] == overlap.feature_count()


def test_runs_are_smoothed_bridged_and_kept_when_long_enough():
    p = np.zeros(300)
    p[50:90] = 0.9  # 0.8 s
    p[92:100] = 0.9  # a 40 ms dip inside it is bridged
    p[200:210] = 0.9  # 0.2 s: too short
    found = find_overlaps(p, OverlapOptions(smooth_s=0.02))
    assert [(o.start, o.end) for o in found] == [(1.0, 2.0)]
    assert find_overlaps(np.zeros(0)) == []


def seg(role: str, start: float, end: float) -> Segment:
    return Segment(role, role, start, end, "好")


def test_pieces_are_cut_at_an_overlap_and_the_parts_take_the_nearest_voice(monkeypatch):
    import pipelines.diarization.embedding as embedding

    a, b = np.eye(4)[0], np.eye(4)[1]
    pieces = [(0.0, 3.0), (3.5, 9.0), (9.5, 12.0)]  # the middle piece: B, then A over B's end
    embeddings = np.stack([a, b, a])
    labels = np.array([0, 1, 0])
    probability = np.zeros(int(12 / FRAME_S))
    probability[int(6.0 / FRAME_S):int(6.8 / FRAME_S)] = 0.9
    monkeypatch.setattr(overlap, "overlap_probability", lambda x16, model=None: probability)
    monkeypatch.setattr(embedding, "embed_windows", lambda audio, spans, **kw: [np.stack([b]), np.stack([a])])
    out, out_labels = split_at_overlaps(np.zeros(12 * 16000, np.float32), pieces, embeddings, labels)
    assert out == [(0.0, 3.0), (3.5, pytest.approx(6.0, abs=0.05)), (pytest.approx(6.0, abs=0.05), 9.0), (9.5, 12.0)]
    assert out_labels.tolist() == [0, 1, 0, 0]
    # no overlap: nothing changes
    monkeypatch.setattr(overlap, "overlap_probability", lambda x16, model=None: np.zeros(len(probability)))
    assert split_at_overlaps(np.zeros(12 * 16000, np.float32), pieces, embeddings, labels)[0] == pieces


def test_exported_trees_predict_what_scikit_learn_predicts():
    from sklearn.ensemble import HistGradientBoostingClassifier

    spec = importlib.util.spec_from_file_location("train_overlap", ROOT / "benchmarks/overlap_train/train.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 5))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
    X[::17, 3] = np.nan
    fit = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(X, y)
    trees = overlap.Trees.from_json(train.export(fit))
    assert np.allclose(trees.probability(X), fit.predict_proba(X)[:, 1])


def test_the_shipped_model_matches_the_features():
    model = overlap.load_model()
    assert model.meta["features"] == overlap.feature_count()
    assert model.max_feature < overlap.feature_count()


def test_acoustics_counts_a_mono_talk_over_heard_in_the_mix(monkeypatch):
    from pipelines.acoustics import AcousticOptions, measure
    from pipelines.audio import SAMPLE_RATE, Audio

    rng = np.random.default_rng(5)
    samples = rng.normal(0, 0.05, 14 * SAMPLE_RATE).astype(np.float32)[None, :]
    audio = Audio(Path("mix.wav"), samples, SAMPLE_RATE, "0" * 64)
    segments = [seg("debtor", 0.5, 6.0), seg("agent", 6.1, 12.0)]  # the diarizer: no overlap
    probability = np.zeros(int(14 / FRAME_S))
    probability[int(5.2 / FRAME_S):int(6.2 / FRAME_S)] = 0.95
    monkeypatch.setattr(overlap, "overlap_probability", lambda x16, model=None: probability)
    measure(audio, segments, stereo=False)
    assert segments[1].acoustics.interrupt_s == pytest.approx(1.0, abs=0.15)
    assert segments[0].acoustics.interrupt_s == 0 and segments[0].acoustics.overlap_s > 0
    # off on request: nothing heard
    segments = [seg("debtor", 0.5, 6.0), seg("agent", 6.1, 12.0)]
    measure(audio, segments, stereo=False, options=AcousticOptions(detect_overlap=False))
    assert segments[1].acoustics.interrupt_s == 0


def test_an_overlap_as_loud_as_a_shout_is_one_voice_not_two(monkeypatch):
    # a clipped shout reads as two voices to the multi-pitch features; two voices at once are
    # only a few dB over one, a shout 10 dB and more
    probability = np.zeros(int(10 / FRAME_S))
    probability[int(2.0 / FRAME_S):int(3.0 / FRAME_S)] = 0.9  # two voices, +3 dB
    probability[int(6.0 / FRAME_S):int(7.0 / FRAME_S)] = 0.9  # a shout, +12 dB
    level = np.zeros(len(probability))
    level[int(2.0 / FRAME_S):int(3.0 / FRAME_S)] = 3.0
    level[int(6.0 / FRAME_S):int(7.0 / FRAME_S)] = 12.0
    monkeypatch.setattr(overlap, "overlap_probability", lambda x16, model=None: probability)
    monkeypatch.setattr(overlap, "frame_level", lambda x16, model=None: level)
    x = np.zeros(10 * 16000, np.float32)
    kept = overlap.voice_overlaps(x)
    assert len(kept) == 1 and 1.8 <= kept[0].start <= 2.2
    assert len(overlap.voice_overlaps(x, OverlapOptions(max_level_db=None))) == 2


def test_the_level_is_kept_from_the_probability_call():
    x = load_audio(FIXTURES / "talkover_cm004.mp3").mono()
    probability = overlap.overlap_probability(x)
    level = overlap.frame_level(x)
    assert len(level) == len(probability)
    assert np.array_equal(level, overlap.frame_features(x)[:, overlap.N_MELS])
    # the talk-over of this clip is two voices at a speaking level, kept
    assert len(overlap.voice_overlaps(x)) == 1
