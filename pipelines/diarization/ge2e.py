"""Resemblyzer's GE2E voice encoder, run in numpy: no torch import on the default path.

The network is three LSTM layers (40 mel bands in, 256 units) and a linear layer with a ReLU;
the embedding is the L2-normalised output after the last frame (Wan et al., *Generalized
End-to-End Loss for Speaker Verification*). Its weights ship inside the ``resemblyzer`` wheel as
``pretrained.pt``, a checkpoint in PyTorch's legacy (pre-1.6, non-zip) format: a few pickles,
then every storage's raw little-endian bytes. :func:`load_weights` reads that file with a
restricted unpickler (only the classes a tensor state dict needs; anything else is refused), so
importing torch (several seconds of a batch's start) is no longer needed to embed a voice.

The forward pass is the same arithmetic as ``torch.nn.LSTM`` (torch's gates input, forget,
cell, output; both biases added) in float32; its embeddings agree with torch's to about 1e-6
(``tests/pipelines/test_ge2e.py`` checks it against torch where torch is installed).
"""

from __future__ import annotations

import collections
import importlib.util
import pickle
import struct
from pathlib import Path
from typing import IO, Any

import numpy as np

HIDDEN = 256
LAYERS = 3
MELS = 40


class WeightsError(RuntimeError):
    """The encoder's checkpoint cannot be read."""


def resemblyzer_weights() -> Path:
    """``pretrained.pt`` inside the installed resemblyzer package, found without importing it
    (its ``__init__`` imports torch, librosa and webrtcvad)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError("the speaker encoder's weights ship in the resemblyzer package; "
                           "run `pip install resemblyzer`")
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise WeightsError(f"{path} is missing: reinstall resemblyzer")
    return path


class _Storage:
    def __init__(self, key: str, numel: int):
        self.key, self.numel = key, numel


class _Tensor:
    def __init__(self, storage: _Storage, offset: int, size: tuple[int, ...], stride: tuple[int, ...]):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


def _rebuild_tensor(storage: _Storage, offset: int, size: tuple[int, ...], stride: tuple[int, ...],
                    *_rest: Any) -> _Tensor:
    return _Tensor(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    """Only what a float state dict holds: ordered dicts, tensors, float storages."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if (module, name) == ("torch", "FloatStorage"):
            return name
        raise WeightsError(f"unexpected object {module}.{name} in the checkpoint")

    def persistent_load(self, pid: Any) -> _Storage:
        kind, storage_type, key, _location, numel = pid[:5]
        if kind != "storage" or storage_type != "FloatStorage":
            raise WeightsError(f"unexpected storage {pid!r} in the checkpoint")
        return _Storage(str(key), int(numel))


def _read_storages(f: IO[bytes], keys: list[str]) -> dict[str, np.ndarray]:
    data = {}
    for key in keys:
        (numel,) = struct.unpack("<q", f.read(8))
        raw = f.read(4 * numel)
        if len(raw) != 4 * numel:
            raise WeightsError("the checkpoint ends inside a storage")
        data[key] = np.frombuffer(raw, dtype="<f4")
    return data


def load_weights(path: Path | str) -> dict[str, np.ndarray]:
    """The ``model_state`` tensors of a legacy-format PyTorch checkpoint, as float32 arrays."""
    with open(path, "rb") as f:
        try:
            pickle.load(f)  # magic number
            protocol = pickle.load(f)
            info = pickle.load(f)
            if protocol != 1001 or not info.get("little_endian", False):
                raise WeightsError(f"{path}: not a little-endian legacy checkpoint (protocol {protocol})")
            checkpoint = _Unpickler(f).load()
            keys = pickle.load(f)
        except (pickle.UnpicklingError, EOFError, AttributeError) as exc:
            raise WeightsError(f"{path}: not a readable legacy PyTorch checkpoint ({exc})") from exc
        storages = _read_storages(f, [str(k) for k in keys])
    out = {}
    for name, tensor in checkpoint["model_state"].items():
        flat = storages[tensor.storage.key]
        view = np.lib.stride_tricks.as_strided(flat[tensor.offset:], shape=tensor.size,
                                               strides=tuple(4 * s for s in tensor.stride))
        out[name] = np.ascontiguousarray(view, dtype=np.float32)
    return out


def _gates_ifog(w: np.ndarray) -> np.ndarray:
    """torch's gate blocks (input, forget, cell, output) reordered to (input, forget, output, cell):
    the three sigmoid gates are then one contiguous block."""
    i, f, g, o = np.split(w, 4, axis=0)
    return np.concatenate([i, f, o, g], axis=0)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # = 1 / (1 + e^-x), without overflow warnings


class Ge2eEncoder:
    """``encoder(mels)``: (batch, frames, 40) mel power frames -> (batch, 256) unit embeddings."""

    def __init__(self, weights: dict[str, np.ndarray]):
        try:
            self._layers = [(_gates_ifog(weights[f"lstm.weight_ih_l{k}"]).T.copy(),
                             _gates_ifog(weights[f"lstm.weight_hh_l{k}"]).T.copy(),
                             _gates_ifog(weights[f"lstm.bias_ih_l{k}"] + weights[f"lstm.bias_hh_l{k}"]))
                            for k in range(LAYERS)]
            self._linear = (weights["linear.weight"].T.copy(), weights["linear.bias"])
        except KeyError as exc:
            raise WeightsError(f"the checkpoint lacks {exc}") from exc

    @classmethod
    def bundled(cls) -> Ge2eEncoder:
        return cls(load_weights(resemblyzer_weights()))

    def __call__(self, mels: np.ndarray, *, chunk: int = 128) -> np.ndarray:
        x = np.asarray(mels, dtype=np.float32)
        if x.ndim != 3 or x.shape[2] != MELS:
            raise ValueError(f"expected (batch, frames, {MELS}) mel frames, got {x.shape}")
        if len(x) > chunk:  # bounded memory: the gate inputs are batch x frames x 1024 floats
            return np.concatenate([self(x[i:i + chunk], chunk=chunk) for i in range(0, len(x), chunk)])
        if len(x) == 0:
            return np.zeros((0, HIDDEN), np.float32)
        batch, frames, _ = x.shape
        h = np.zeros((batch, HIDDEN), np.float32)
        for w_ih, w_hh, bias in self._layers:
            inputs = (x.reshape(batch * frames, -1) @ w_ih + bias).reshape(batch, frames, 4 * HIDDEN)
            h = np.zeros((batch, HIDDEN), np.float32)
            c = np.zeros((batch, HIDDEN), np.float32)
            out = np.empty((batch, frames, HIDDEN), np.float32)
            for t in range(frames):
                gates = inputs[:, t] + h @ w_hh
                ifo = _sigmoid(gates[:, :3 * HIDDEN])
                c = ifo[:, HIDDEN:2 * HIDDEN] * c + ifo[:, :HIDDEN] * np.tanh(gates[:, 3 * HIDDEN:])
                h = ifo[:, 2 * HIDDEN:] * np.tanh(c)
                out[:, t] = h
            x = out
        w, b = self._linear
        raw = np.maximum(h @ w + b, 0.0)
        return (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)
