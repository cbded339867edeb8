"""Adapter around a ``pyannote.audio`` speaker-diarization pipeline (an optional extra).

The pipeline's weights come from a token-gated hub or a local pipeline directory; pyannote.audio
and torch are imported when the pipeline is first built, so a machine without the extra can
still import this module (and list ``pyannote`` as a choice).
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.audio import SAMPLE_RATE
from pipelines.diarization.base import DiarizationError, Hook, Turn

PYANNOTE_EXTRA = "pip install 'callaudit[pyannote]'"
DEFAULT_PYANNOTE_PIPELINE = "pyannote/speaker-diarization-3.1"


class PyannoteDiarizer:
    """Adapter around a ``pyannote.audio`` speaker-diarization pipeline (optional extra).

    Args:
        model: a hub pipeline name (needs ``token``) or a local pipeline directory / its
            ``config.yaml`` (works offline when the directory holds the weights).
        token: Hugging Face token; defaults to ``$HF_TOKEN`` / ``$PYANNOTE_TOKEN``.
        device: ``"cuda"`` / ``"cpu"``; default CUDA when available.
        pipeline: an already-built pipeline (any callable with pyannote's call signature);
            skips loading, for tests and for callers that manage the model themselves.
        hook: passed to the pipeline call as ``hook=`` (pyannote's progress hook).
    """

    name = "pyannote"

    def __init__(self, model: str = DEFAULT_PYANNOTE_PIPELINE, *, token: str | None = None,
                 device: str | None = None, pipeline: Any = None, hook: Hook | None = None) -> None:
        self.model = str(model)
        if not token:
            from audit.settings import get_settings

            secret = get_settings().hf_token  # $HF_TOKEN, else $PYANNOTE_TOKEN
            token = secret.get_secret_value() if secret else None
        self.token = token
        self.device = device
        self.hook = hook
        self._pipeline = pipeline

    def load(self) -> Any:
        """Build the pyannote pipeline once (lazily: pyannote.audio is heavy and optional)."""
        if self._pipeline is None:
            self._pipeline = self._from_pretrained()
        return self._pipeline

    def _from_pretrained(self) -> Any:
        try:
            Pipeline = importlib.import_module("pyannote.audio").Pipeline
        except ImportError as exc:
            raise DiarizationError(
                f"--diarizer pyannote needs pyannote.audio, which is not installed ({exc}); install the "
                f"extra with `{PYANNOTE_EXTRA}` and give either a Hugging Face token (--hf-token or "
                "$HF_TOKEN, after accepting the model's terms) or a local pipeline directory; "
                "or use the offline default --diarizer embedded"
            ) from exc
        source = self.model
        local = Path(self.model)
        is_local = local.exists()
        if not is_local and not self.token:
            raise DiarizationError(
                f"pyannote pipeline {self.model!r} is not a local directory, and no token was given; "
                "pass a Hugging Face token (--hf-token or $HF_TOKEN) for a hub pipeline, or point "
                "the model at a local pipeline directory holding config.yaml and the weights"
            )
        params = inspect.signature(Pipeline.from_pretrained).parameters
        modern = "token" in params  # pyannote.audio 4.x; 3.x calls it use_auth_token
        if is_local and local.is_dir() and not modern:
            # pyannote.audio 3.x loads a local pipeline from its config.yaml file, not a folder
            if not (local / "config.yaml").is_file():
                raise DiarizationError(f"{local}: no config.yaml; a local pyannote pipeline directory needs one")
            source = str(local / "config.yaml")
        kwargs: dict[str, Any] = {}
        if self.token:
            kwargs["token" if modern else "use_auth_token"] = self.token
        try:
            pipeline = Pipeline.from_pretrained(source, **kwargs)
        except Exception as exc:  # hub/network/auth errors come in many types
            raise DiarizationError(
                f"could not load pyannote pipeline {self.model!r}: {exc}; check the token and that its "
                "terms were accepted on the hub, or use a local pipeline directory"
            ) from exc
        if pipeline is None:  # 3.x returns None instead of raising on a gated model
            raise DiarizationError(
                f"pyannote returned no pipeline for {self.model!r}; the token is missing or lacks access "
                "(accept the model's terms on the hub), or use a local pipeline directory"
            )
        return pipeline.to(self._torch_device())

    def _torch_device(self) -> Any:
        import torch

        if self.device:
            return torch.device(self.device)
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")

    def diarize(self, audio: np.ndarray, *, num_speakers: int | None = None,
                min_speakers: int = 1, max_speakers: int = 6) -> list[Turn]:
        """Run the pipeline on ``audio`` (mono float32, 16 kHz) and convert its annotation."""
        import torch

        audio = np.ascontiguousarray(audio, dtype=np.float32)
        if audio.ndim != 1:
            raise DiarizationError(f"diarize() takes mono audio, got shape {audio.shape}")
        pipeline = self.load()
        kwargs: dict[str, Any] = {}
        if num_speakers is not None:
            kwargs["num_speakers"] = num_speakers
        else:
            kwargs["min_speakers"] = min_speakers
            kwargs["max_speakers"] = max_speakers
        if self.hook is not None:
            kwargs["hook"] = self.hook
        output = pipeline({"waveform": torch.from_numpy(audio)[None], "sample_rate": SAMPLE_RATE}, **kwargs)
        return annotation_to_turns(output)


def annotation_to_turns(output: Any) -> list[Turn]:
    """Convert a ``pyannote.core.Annotation`` (or a 4.x output with ``.speaker_diarization``).

    Labels are renamed ``S0``, ``S1``, ... in order of first appearance; overlapping speech
    stays as overlapping turns.
    """
    annotation = getattr(output, "speaker_diarization", output)
    if not hasattr(annotation, "itertracks"):
        raise DiarizationError(
            f"pyannote pipeline returned {type(output).__name__}, not an Annotation or an output with "
            ".speaker_diarization; is the model a speaker-diarization pipeline?"
        )
    tracks = sorted(((seg.start, seg.end, str(label))
                     for seg, _, label in annotation.itertracks(yield_label=True)), key=lambda t: (t[0], t[1]))
    names: dict[str, str] = {}
    return [Turn(round(start, 3), round(end, 3), names.setdefault(label, f"S{len(names)}"))
            for start, end, label in tracks if end > start]
