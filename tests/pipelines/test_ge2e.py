"""The numpy GE2E encoder and the scikit-learn-free clustering give what the libraries give.

torch, resemblyzer and scikit-learn are dependencies of the project (the openai-whisper engine,
the encoder's weights, the learned models' fitting), so the references run here; the product's
batch path imports none of them (the subprocess test below checks that).
"""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipelines.diarization.clustering import agglomerative_labels, cosine_distances, estimate_count, silhouette
from pipelines.diarization.embedding import embed_windows, encoder_mel
from pipelines.diarization.ge2e import Ge2eEncoder, WeightsError, load_weights, resemblyzer_weights

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def encoders():
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer import VoiceEncoder
    return Ge2eEncoder.bundled(), VoiceEncoder("cpu", verbose=False), torch


def _mels(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * 16000)) / 16000
    voice = np.sin(2 * np.pi * (140 + 30 * np.sin(2 * np.pi * 0.7 * t)) * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return encoder_mel((0.05 * voice + 0.01 * rng.standard_normal(len(t))).astype(np.float32))


def test_numpy_encoder_matches_resemblyzer(encoders):
    ours, reference, torch = encoders
    mel = _mels(6.0, 0)
    batch = np.stack([mel[s:s + 160] for s in range(0, len(mel) - 160, 40)])
    with torch.no_grad():
        expected = reference(torch.from_numpy(batch)).numpy()
    got = ours(batch, chunk=4)  # several chunks
    assert got.shape == expected.shape == (len(batch), 256)
    assert np.abs(got - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    single = ours(_mels(0.7, 1)[None])  # a short piece at its own length
    with torch.no_grad():
        assert np.abs(single - reference(torch.from_numpy(_mels(0.7, 1)[None])).numpy()).max() < 1e-5
    assert ours(np.zeros((0, 160, 40), np.float32)).shape == (0, 256)
    with pytest.raises(ValueError, match="mel frames"):
        ours(np.zeros((2, 160, 39), np.float32))


def test_embed_windows_runs_the_numpy_encoder():
    x = np.random.default_rng(2).standard_normal(16000 * 4).astype(np.float32) * 0.05
    windows = embed_windows(x, [(0.0, 3.5), (3.5, 4.0)])
    assert [w.shape[1] for w in windows] == [256, 256] and len(windows[0]) >= 2 and len(windows[1]) == 1


def test_weights_loader_refuses_other_objects(tmp_path):
    weights = load_weights(resemblyzer_weights())
    assert weights["lstm.weight_ih_l0"].shape == (1024, 40) and weights["linear.bias"].shape == (256,)
    bad = tmp_path / "bad.pt"
    buffer = io.BytesIO()
    for part in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
        pickle.dump(part, buffer)
    pickle.dump({"model_state": Path("x")}, buffer)  # a class a state dict never holds
    bad.write_bytes(buffer.getvalue())
    with pytest.raises(WeightsError, match="unexpected object"):
        load_weights(bad)
    (tmp_path / "short.pt").write_bytes(b"\x80\x02")
    with pytest.raises(WeightsError, match="not a readable"):
        load_weights(tmp_path / "short.pt")


@pytest.mark.parametrize("linkage", ["ward", "average", "complete"])
def test_agglomerative_labels_are_scikit_learns(linkage):
    from sklearn.cluster import AgglomerativeClustering

    rng = np.random.default_rng(5)
    for _ in range(40):
        n, voices = int(rng.integers(4, 60)), int(rng.integers(1, 4))
        centres = rng.standard_normal((voices, 32))
        x = (centres[rng.integers(0, voices, n)] + rng.standard_normal((n, 32))).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        for k in range(2, min(5, n - 1) + 1):
            kwargs = {} if linkage == "ward" else {"metric": "cosine"}
            expected = AgglomerativeClustering(n_clusters=k, linkage=linkage, **kwargs).fit_predict(x)
            assert np.array_equal(agglomerative_labels(x, k, linkage), expected)


def test_silhouette_is_scikit_learns():
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(6)
    x = rng.standard_normal((40, 16)).astype(np.float32)
    labels = np.r_[np.zeros(20, int), np.ones(19, int), [2]]  # a cluster of one scores 0
    assert silhouette(cosine_distances(x), labels) == pytest.approx(silhouette_score(x, labels, metric="cosine"),
                                                                    abs=1e-6)
    two = np.r_[rng.normal(0, 0.1, (10, 16)) + 1, rng.normal(0, 0.1, (10, 16)) - 1].astype(np.float32)
    assert estimate_count(two / np.linalg.norm(two, axis=1, keepdims=True)) == 2


def test_batch_path_imports_neither_torch_nor_scikit_learn():
    code = ("import sys, numpy as np\n"
            "from pipelines.diarization.embedded import EmbeddedDiarizer\n"
            "from pipelines.diarization.clustering import cluster_embeddings\n"
            "from pipelines.diarization.embedding import embed_windows\n"
            "x = np.random.default_rng(0).standard_normal(16000 * 3).astype(np.float32) * 0.05\n"
            "v = np.concatenate(embed_windows(x, [(0, 1.5), (1.5, 3.0), (0.5, 2.5)]))\n"
            "cluster_embeddings(v, np.ones(len(v)) * 2, num_speakers=None)\n"
            "print(sorted(m for m in ('torch', 'sklearn', 'resemblyzer', 'librosa') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr
