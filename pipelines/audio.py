"""Decode recordings into float32 arrays.

PyAV (bundled FFmpeg libraries) decodes wav, mp3, m4a and anything else FFmpeg reads, with no
``ffmpeg`` binary on the machine. Audio is resampled to 16 kHz (what Whisper and the speaker
encoder expect) with its channels kept, so a stereo call can be split by channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audit.paths import file_sha256  # noqa: F401 - re-exported: one hash for batch and core

SAMPLE_RATE = 16000
MIN_SECONDS = 0.2


class AudioError(Exception):
    """A recording that cannot be used; the message says why and what to do."""


@dataclass
class Audio:
    """Decoded audio: ``samples`` has shape (channels, n) at :data:`SAMPLE_RATE`."""

    path: Path
    samples: np.ndarray
    source_rate: int
    sha256: str
    _mono: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def rate(self) -> int:
        """Samples a second of :attr:`samples` (:data:`SAMPLE_RATE`; ``source_rate`` is the file's)."""
        return SAMPLE_RATE

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / SAMPLE_RATE

    def mono(self) -> np.ndarray:
        """The channels' mean, computed once per recording (ASR, diarization, acoustics and voices
        all read it); read-only, so that no stage changes what the next one hears."""
        if self._mono is None:
            self._mono = self.samples.mean(axis=0).astype(np.float32)
            self._mono.flags.writeable = False
        return self._mono

    def channel(self, index: int) -> np.ndarray:
        return np.ascontiguousarray(self.samples[index], dtype=np.float32)


def load_audio(path: str | Path, sha256: str | None = None) -> Audio:
    """Decode a recording at 16 kHz, keeping up to two channels.

    Raises:
        AudioError: missing, empty, undecodable or near-silent-length file.
    """
    import av  # heavy: imported here so the core stays light

    path = Path(path)
    if not path.is_file():
        raise AudioError(f"{path}: file not found; check audio_file in the manifest")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: empty file (0 bytes); the recording was not uploaded completely")
    sha256 = sha256 or file_sha256(path)
    chunks: list[np.ndarray] = []
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{path}: no audio stream; is this a recording?")
            stream = container.streams.audio[0]
            source_rate = stream.codec_context.sample_rate or stream.rate or 0
            channels = min(2, stream.codec_context.channels or 1)
            layout = "stereo" if channels == 2 else "mono"
            resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
    except AudioError:
        raise
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise AudioError(f"{path}: cannot decode audio ({exc}); the file is corrupt or not audio") from exc
    if not chunks:
        raise AudioError(f"{path}: no audio frames could be decoded; the file is corrupt or truncated")
    samples = np.concatenate(chunks, axis=1).astype(np.float32)
    if samples.shape[1] < MIN_SECONDS * SAMPLE_RATE:
        raise AudioError(f"{path}: only {samples.shape[1] / SAMPLE_RATE:.2f} s of audio; nothing to audit")
    return Audio(path=path, samples=samples, source_rate=int(source_rate), sha256=sha256)


def mel_filterbank(freqs: np.ndarray, band: tuple[float, float], n_mels: int) -> np.ndarray:
    """Triangular mel filters over ``band`` (Hz) for FFT bins at ``freqs``: (bins, n_mels)."""
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    edges = 700 * (10 ** (np.linspace(mel(band[0]), mel(band[1]), n_mels + 2) / 2595) - 1)
    fb = np.zeros((len(freqs), n_mels))
    for m in range(n_mels):
        lo, mid, hi = edges[m:m + 3]
        fb[:, m] = np.clip(np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)), 0, None)
    return fb
