"""Diarization: registry, embedded diarizer, clustering, and synthetic and real corpus recordings.

The synthetic signals are cut from corpus recordings at the truth turn timings, so the
answer is known exactly; they run the real Silero VAD and the real GE2E encoder.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from pipelines.audio import SAMPLE_RATE, load_audio
from pipelines.diarization import DiarizationError, Turn, expected_speakers, get_diarizer
from pipelines.diarization.clustering import cluster_embeddings
from pipelines.diarization.embedded import EmbeddedDiarizer
from pipelines.diarization.pyannote import PyannoteDiarizer

ROOT = Path(__file__).resolve().parents[2]
GAP = 0.6  # silence between the cut turns of a synthetic conversation


def load_der_module():
    spec = importlib.util.spec_from_file_location("benchmarks_der", ROOT / "benchmarks" / "der.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_turns(corpus_dir: Path, call_id: str) -> tuple[np.ndarray, list[dict]]:
    truth = json.loads((corpus_dir / "truth" / f"{call_id}.json").read_text(encoding="utf-8"))
    audio = load_audio(corpus_dir / truth["audio_file"]).mono()
    return audio, truth["turns"]


def synthesize(audio: np.ndarray, turns: list[dict]) -> tuple[np.ndarray, list[Turn]]:
    """Concatenate the truth turns with ``GAP`` s of silence; return the signal and its truth."""
    pieces, truth, clock = [np.zeros(int(GAP * SAMPLE_RATE), np.float32)], [], GAP
    for turn in turns:
        cut = audio[int(turn["start"] * SAMPLE_RATE):int(turn["end"] * SAMPLE_RATE)]
        truth.append(Turn(clock, clock + len(cut) / SAMPLE_RATE, turn["speaker"]))
        pieces += [cut, np.zeros(int(GAP * SAMPLE_RATE), np.float32)]
        clock += len(cut) / SAMPLE_RATE + GAP
    return np.concatenate(pieces), truth


def overlap(a: Turn, b: Turn) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def purity(hypothesis: list[Turn], reference: list[Turn]) -> float:
    """Share of hypothesis speech whose reference speaker is its cluster's majority speaker."""
    agree = total = 0.0
    for label in {t.speaker for t in hypothesis}:
        by_ref: dict[str, float] = {}
        for hyp in (t for t in hypothesis if t.speaker == label):
            for ref in reference:
                by_ref[ref.speaker] = by_ref.get(ref.speaker, 0.0) + overlap(hyp, ref)
        agree += max(by_ref.values(), default=0.0)
        total += sum(by_ref.values())
    return agree / total


@pytest.fixture(scope="module")
def diarizer() -> EmbeddedDiarizer:
    return EmbeddedDiarizer()


@pytest.mark.parametrize("name, cls", [("embedded", EmbeddedDiarizer), ("pyannote", PyannoteDiarizer)])
def test_registry_builds_engines(name, cls):
    engine = get_diarizer(name)
    assert isinstance(engine, cls) and engine.name == name


def test_registry_unknown_name_lists_choices():
    with pytest.raises(ValueError, match=r"unknown diarizer 'nemo'; choose one of: embedded, pyannote"):
        get_diarizer("nemo")


@pytest.mark.parametrize("kind, visit_staff, expected", [
    ("call", None, 2),
    ("call", 3, 2),  # a call has two parties whatever the visit column says
    ("visit", 2, 3),
    ("visit", 1, 2),
    ("visit", None, None),  # unknown staffing: estimate
])
def test_expected_speakers_from_manifest(kind, visit_staff, expected):
    assert expected_speakers(kind, visit_staff) == expected


@pytest.mark.parametrize("kwargs, message", [
    ({"num_speakers": 0}, "num_speakers must be at least 1"),
    ({"min_speakers": 3, "max_speakers": 2}, "min_speakers=3, max_speakers=2 are invalid"),
])
def test_bad_speaker_counts_are_refused(diarizer, kwargs, message):
    with pytest.raises(DiarizationError, match=message):
        diarizer.diarize(np.zeros(SAMPLE_RATE, np.float32), **kwargs)


def test_stereo_input_is_refused(diarizer):
    with pytest.raises(DiarizationError, match="mono audio"):
        diarizer.diarize(np.zeros((2, SAMPLE_RATE), np.float32))


@pytest.mark.parametrize("signal", [np.zeros(3 * SAMPLE_RATE, np.float32),
                                    np.zeros(100, np.float32)], ids=["silence", "too-short"])
def test_no_speech_gives_no_turns(diarizer, signal):
    assert diarizer.diarize(signal) == []


@pytest.mark.parametrize("call_id", ["dev-012", "dev-008"], ids=["8kHz-telephone", "far-field-visit"])
@pytest.mark.parametrize("num_speakers", [2, None], ids=["given", "estimated"])
def test_two_voice_conversation(diarizer, corpus_dir, call_id, num_speakers):
    audio, turns = corpus_turns(corpus_dir, call_id)
    signal, truth = synthesize(audio, turns)
    hypothesis = diarizer.diarize(signal, num_speakers=num_speakers)
    assert {t.speaker for t in hypothesis} == {"S0", "S1"}
    assert hypothesis[0].speaker == "S0"  # named by first appearance
    assert purity(hypothesis, truth) >= 0.95
    starts = [t.start for t in hypothesis]
    for ref in truth:  # every change of speaker is found within 0.3 s
        assert min(abs(ref.start - s) for s in starts) <= 0.3, ref
    assert all(a.end <= b.start for a, b in itertools.pairwise(hypothesis))


def test_one_voice_is_one_speaker_when_estimated(diarizer, corpus_dir):
    audio, turns = corpus_turns(corpus_dir, "dev-002")
    signal, _ = synthesize(audio, [t for t in turns if t["speaker"] == "debtor"])
    hypothesis = diarizer.diarize(signal)
    assert {t.speaker for t in hypothesis} == {"S0"}


def test_hook_reports_every_stage(corpus_dir):
    audio, _ = corpus_turns(corpus_dir, "dev-012")
    steps: list[str] = []
    EmbeddedDiarizer(hook=lambda step, artifact: steps.append(step)).diarize(audio, num_speakers=2)
    assert steps == ["speech", "pieces", "embeddings", "labels"]


@pytest.mark.parametrize("num_speakers, expected", [(2, [0, 0, 1, 1, 0]), (None, [0, 0, 1, 1, 0])])
def test_cluster_embeddings_groups_by_direction(num_speakers, expected):
    rng = np.random.default_rng(0)
    a, b = np.eye(8)[0], np.eye(8)[1]
    vectors = np.stack([a, a, b, b, a]) + 0.05 * rng.standard_normal((5, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = cluster_embeddings(vectors, np.full(5, 2.0), num_speakers=num_speakers)
    assert labels.tolist() == expected or labels.tolist() == [1 - x for x in expected]


def test_short_pieces_take_the_nearest_speaker():
    a, b = np.eye(4)[0], np.eye(4)[1]
    vectors = np.stack([a, b, a, b, 0.9 * b + 0.1 * a])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    durations = np.array([2.0, 2.0, 2.0, 2.0, 0.3])  # the last piece is too short to vote
    labels = cluster_embeddings(vectors, durations, num_speakers=2)
    assert labels[4] == labels[1]


def test_real_mono_call_der(diarizer, corpus_dir):
    """The embedded diarizer on one real corpus recording, scored like the benchmark."""
    der = load_der_module()
    result = der.der_for_files(corpus_dir, diarizer, collar=0.25, call_ids=["dev-012"])
    assert list(result["files"]) == ["dev-012"]
    assert result["files"]["dev-012"]["hypothesis_speakers"] == 2
    assert result["overall"][0.25] < 0.10
