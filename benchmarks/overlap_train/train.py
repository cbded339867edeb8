"""Train the mono overlap detector's frame classifier on the simulated talk-overs.

Usage::

    python benchmarks/overlap_train/train.py MIXES_DIR [--out pipelines/data/overlap/model.json]

``MIXES_DIR`` is what ``make_mixes.py`` wrote. Frames with one voice are negatives, frames with
two or more positives, silent frames are left out. Gradient-boosted trees (scikit-learn's
``HistGradientBoostingClassifier``) are fitted on a part of the recordings and checked on the
rest (frame AUC printed), then refitted on all of them and exported to JSON for
:class:`pipelines.overlap.Trees` (numpy inference: the pipeline does not need scikit-learn's
pickles, whose format changes between versions).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PARAMS = dict(max_iter=120, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0)


def dataset(folder: Path, step: int = 1) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """Features and labels per recording (every ``step``-th frame: neighbours are near copies)."""
    from pipelines.audio import load_audio
    from pipelines.overlap import FRAME_S, frame_features

    xs, ys, names = [], [], []
    for labels in sorted(folder.glob("*.npz")):
        audio = next(p for p in folder.glob(labels.stem + ".*") if p.suffix in (".mp3", ".m4a", ".wav"))
        X = frame_features(load_audio(audio).mono())
        voices = np.load(labels)["voices"]  # every 10 ms
        n = min(len(X), int(len(voices) * 0.01 / FRAME_S))
        X, voices = X[:n], voices[(np.arange(n) * FRAME_S / 0.01).round().astype(int)]
        keep = np.flatnonzero(voices > 0)[::step]
        xs.append(X[keep])
        ys.append((voices[keep] >= 2).astype(np.int8))
        names.append(labels.stem)
        print(f"{labels.stem}: {n} frames, {ys[-1].mean() * 100:.1f} % overlapped", flush=True)
    return xs, ys, names


def export(model) -> dict:
    """The fitted trees as plain arrays (see :class:`pipelines.overlap.Trees`)."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        trees.append({"feature": nodes["feature_idx"].tolist(), "threshold": nodes["num_threshold"].tolist(),
                      "left": nodes["left"].tolist(), "right": nodes["right"].tolist(),
                      "leaf": nodes["is_leaf"].astype(bool).tolist(), "value": nodes["value"].tolist(),
                      "missing_left": nodes["missing_go_to_left"].astype(bool).tolist()})
    return {"baseline": float(np.ravel(model._baseline_prediction)[0]), "trees": trees}


def main(argv: list[str] | None = None) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    from pipelines.overlap import Trees, feature_count

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mixes", type=Path)
    parser.add_argument("--out", type=Path, default=Path("pipelines/data/overlap/model.json"))
    args = parser.parse_args(argv)
    xs, ys, names = dataset(args.mixes)
    test = [i for i in range(len(xs)) if i % 4 == 3]
    train = [i for i in range(len(xs)) if i % 4 != 3]
    fit = HistGradientBoostingClassifier(**PARAMS, random_state=0)
    fit.fit(np.concatenate([xs[i] for i in train]), np.concatenate([ys[i] for i in train]))
    Xt, yt = np.concatenate([xs[i] for i in test]), np.concatenate([ys[i] for i in test])
    auc = roc_auc_score(yt, fit.predict_proba(Xt)[:, 1])
    print(f"held-out recordings ({len(test)}): frame AUC {auc:.3f}")
    final = HistGradientBoostingClassifier(**PARAMS, random_state=0)
    final.fit(np.concatenate(xs), np.concatenate(ys))
    blob = export(final)
    blob["meta"] = {"features": feature_count(), "recordings": len(xs), "frames": int(sum(len(y) for y in ys)),
                    "overlapped": float(np.mean(np.concatenate(ys))), "heldout_frame_auc": round(float(auc), 4),
                    "params": PARAMS}
    trees = Trees.from_json(blob)
    check = np.abs(trees.probability(Xt[:2000]) - final.predict_proba(Xt[:2000])[:, 1]).max()
    print(f"export check: max |p_json - p_sklearn| = {check:.2e}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(blob, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
