"""pyannote.audio adapter, tested at its boundary.

pyannote.audio is not installed here (its wheels pull a CUDA torch, its weights come from a
hub), so the pipeline is a stand-in that records its inputs and returns real
``pyannote.core.Annotation`` objects; ``Pipeline.from_pretrained`` is a stand-in module in
``sys.modules`` with the 3.x or the 4.x signature. Nothing here pretends the model ran.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import numpy as np
import pytest
import torch
from pyannote.core import Annotation, Segment

from pipelines.diarization import DiarizationError, Turn
from pipelines.diarization.pyannote import PYANNOTE_EXTRA, PyannoteDiarizer, annotation_to_turns


def annotation(*tracks: tuple[float, float, str]) -> Annotation:
    result = Annotation(uri="call")
    for index, (start, end, label) in enumerate(tracks):
        result[Segment(start, end), index] = label
    return result


class StandInPipeline:
    """Records each call and answers with a fixed pyannote output."""

    def __init__(self, output):
        self.output = output
        self.calls: list[tuple[dict, dict]] = []
        self.device = None

    def __call__(self, file, **kwargs):
        self.calls.append((file, kwargs))
        return self.output

    def to(self, device):
        self.device = device
        return self


@dataclass
class DiarizeOutput:  # the shape of pyannote.audio 4.x's pipeline output
    speaker_diarization: Annotation
    exclusive_speaker_diarization: Annotation | None = None


@pytest.mark.parametrize("output", [
    annotation((5.0, 7.5, "SPEAKER_01"), (0.5, 4.0, "SPEAKER_00"), (4.2, 5.0, "SPEAKER_01")),
    DiarizeOutput(annotation((5.0, 7.5, "SPEAKER_01"), (0.5, 4.0, "SPEAKER_00"), (4.2, 5.0, "SPEAKER_01"))),
], ids=["3.x-annotation", "4.x-output"])
def test_conversion_sorts_and_renames_by_first_appearance(output):
    assert annotation_to_turns(output) == [
        Turn(0.5, 4.0, "S0"), Turn(4.2, 5.0, "S1"), Turn(5.0, 7.5, "S1"),
    ]


def test_conversion_keeps_overlapping_speech():
    turns = annotation_to_turns(annotation((0.0, 3.0, "B"), (2.5, 4.0, "A")))
    assert turns == [Turn(0.0, 3.0, "S0"), Turn(2.5, 4.0, "S1")]


def test_conversion_rejects_other_outputs():
    with pytest.raises(DiarizationError, match="not an Annotation.*speaker-diarization pipeline"):
        annotation_to_turns({"segments": []})


@pytest.mark.parametrize("kwargs, expected", [
    ({"num_speakers": 3}, {"num_speakers": 3}),
    ({}, {"min_speakers": 1, "max_speakers": 6}),
    ({"min_speakers": 2, "max_speakers": 4}, {"min_speakers": 2, "max_speakers": 4}),
])
def test_diarize_passes_audio_and_speaker_counts(kwargs, expected):
    pipeline = StandInPipeline(annotation((0.0, 1.0, "A")))
    audio = np.linspace(-0.5, 0.5, 16000, dtype=np.float32)
    turns = PyannoteDiarizer(pipeline=pipeline).diarize(audio, **kwargs)
    assert turns == [Turn(0.0, 1.0, "S0")]
    (file, passed), = pipeline.calls
    assert passed == expected
    assert file["sample_rate"] == 16000
    assert file["waveform"].shape == (1, 16000) and file["waveform"].dtype == torch.float32
    assert torch.equal(file["waveform"][0], torch.from_numpy(audio))


def test_hook_is_passed_to_the_pipeline():
    pipeline = StandInPipeline(annotation((0.0, 1.0, "A")))

    def hook(*args, **kwargs):
        return None

    PyannoteDiarizer(pipeline=pipeline, hook=hook).diarize(np.zeros(1600, np.float32), num_speakers=2)
    assert pipeline.calls[0][1]["hook"] is hook


def test_stereo_audio_is_refused():
    with pytest.raises(DiarizationError, match="mono audio"):
        PyannoteDiarizer(pipeline=StandInPipeline(Annotation())).diarize(np.zeros((2, 1600), np.float32))


def test_missing_package_names_the_extra_and_the_token(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyannote.audio", None)  # makes the import fail
    with pytest.raises(DiarizationError) as info:
        PyannoteDiarizer(token="hf_x").diarize(np.zeros(1600, np.float32))
    message = str(info.value)
    assert PYANNOTE_EXTRA in message
    assert "token" in message and "local pipeline directory" in message
    assert "--diarizer embedded" in message


def fake_pyannote_audio(monkeypatch, *, modern: bool, returns=...):
    """Install a stand-in ``pyannote.audio`` with a 4.x (``token=``) or 3.x signature."""
    loaded: dict = {}
    pipeline = StandInPipeline(annotation((0.0, 1.0, "A")))
    result = pipeline if returns is ... else returns

    if modern:
        def from_pretrained(checkpoint, *, token=None, cache_dir=None):
            loaded.update(checkpoint=checkpoint, token=token)
            return result
    else:
        def from_pretrained(checkpoint_path, hparams_file=None, use_auth_token=None, cache_dir=None):
            loaded.update(checkpoint=checkpoint_path, token=use_auth_token)
            return result

    module = types.ModuleType("pyannote.audio")
    module.Pipeline = type("Pipeline", (), {"from_pretrained": staticmethod(from_pretrained)})
    monkeypatch.setitem(sys.modules, "pyannote.audio", module)
    return loaded, pipeline


@pytest.mark.parametrize("modern", [True, False], ids=["4.x-token", "3.x-use_auth_token"])
def test_hub_pipeline_gets_the_token_under_either_keyword(monkeypatch, modern):
    loaded, pipeline = fake_pyannote_audio(monkeypatch, modern=modern)
    engine = PyannoteDiarizer("pyannote/speaker-diarization-3.1", token="hf_secret", device="cpu")
    assert engine.diarize(np.zeros(1600, np.float32), num_speakers=2) == [Turn(0.0, 1.0, "S0")]
    assert loaded == {"checkpoint": "pyannote/speaker-diarization-3.1", "token": "hf_secret"}
    assert pipeline.device == torch.device("cpu")


def test_default_device_is_cuda_when_available(monkeypatch):
    _, pipeline = fake_pyannote_audio(monkeypatch, modern=True)
    PyannoteDiarizer(token="hf_secret").load()
    assert pipeline.device.type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_token_comes_from_the_environment(monkeypatch):
    loaded, _ = fake_pyannote_audio(monkeypatch, modern=True)
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    PyannoteDiarizer(device="cpu").load()
    assert loaded["token"] == "hf_env"


@pytest.mark.parametrize("modern, expected", [(True, ""), (False, "config.yaml")], ids=["4.x", "3.x"])
def test_local_directory_needs_no_token(monkeypatch, tmp_path, modern, expected):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("PYANNOTE_TOKEN", raising=False)
    (tmp_path / "config.yaml").write_text("pipeline: {}\n")
    loaded, _ = fake_pyannote_audio(monkeypatch, modern=modern)
    PyannoteDiarizer(str(tmp_path), device="cpu").load()
    assert loaded == {"checkpoint": str(tmp_path / expected) if expected else str(tmp_path), "token": None}


def test_local_directory_without_config_is_named(monkeypatch, tmp_path):
    fake_pyannote_audio(monkeypatch, modern=False)
    with pytest.raises(DiarizationError, match=f"{tmp_path}: no config.yaml"):
        PyannoteDiarizer(str(tmp_path), device="cpu").load()


def test_hub_pipeline_without_token_says_what_to_do(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("PYANNOTE_TOKEN", raising=False)
    fake_pyannote_audio(monkeypatch, modern=True)
    with pytest.raises(DiarizationError, match="no token was given.*HF_TOKEN.*local pipeline directory"):
        PyannoteDiarizer("pyannote/speaker-diarization-3.1").load()


def test_gated_model_returning_none_is_explained(monkeypatch):
    fake_pyannote_audio(monkeypatch, modern=False, returns=None)
    with pytest.raises(DiarizationError, match="lacks access"):
        PyannoteDiarizer(token="hf_wrong", device="cpu").load()


def test_pipeline_is_loaded_once(monkeypatch):
    calls = []
    fake_pyannote_audio(monkeypatch, modern=True)
    engine = PyannoteDiarizer(token="hf_secret", device="cpu")
    original = engine._from_pretrained
    engine._from_pretrained = lambda: calls.append(1) or original()
    engine.diarize(np.zeros(1600, np.float32))
    engine.diarize(np.zeros(1600, np.float32))
    assert calls == [1]
