"""What every diarization engine shares: the :class:`Turn` it returns, the :class:`Diarizer`
Protocol it follows and the :class:`DiarizationError` it raises.

These live in their own module, not in the package's ``__init__``, because the engines need
them and the package's registry needs the engines: defining them in ``__init__`` would make
``__init__`` and every engine module import each other. Import them from
:mod:`pipelines.diarization`; only the engine modules import them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

# A progress callback, ``hook(step_name, artifact)``, called by an engine after each stage.
Hook = Callable[..., None]


class DiarizationError(RuntimeError):
    """A diarizer cannot run; the message says why and what to do."""


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one speaker (seconds from the start of the recording)."""

    start: float
    end: float
    speaker: str

    @property
    def duration(self) -> float:
        return self.end - self.start


class Diarizer(Protocol):
    """What every diarization engine offers."""

    name: str

    def diarize(self, audio: np.ndarray, *, num_speakers: int | None = None,
                min_speakers: int = 1, max_speakers: int = 6) -> list[Turn]:
        """Label who spoke when in ``audio`` (mono float32, 16 kHz)."""
        ...

