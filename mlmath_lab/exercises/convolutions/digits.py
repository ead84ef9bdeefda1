"""Data for 08-convolutions's small CNN (Exercise 9's checks): scikit-learn's 8×8
handwritten digits (``load_digits``, shipped inside scikit-learn: nothing is downloaded),
split into training and held-out images by a seed; and the network's He-normal start, which
the notebook's demo uses too (the demo loads and splits the digits itself, in sight)."""

from __future__ import annotations

from functools import cache

import numpy as np

DIGIT_CLASSES = tuple(str(d) for d in range(10))


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    digits = datasets.load_digits()
    images = np.asarray(digits.images, dtype=np.float64) / 16.0  # pixel values 0..16 → [0, 1]
    images.setflags(write=False)
    labels = np.asarray(digits.target, dtype=np.int64)
    labels.setflags(write=False)
    return images[:, None], labels


def digits_split(
    seed: int, n_train: int | None = None, n_test: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, y_train, X_test, y_test)``: the 1,797 digits (N, 1, 8, 8) in [0, 1] with
    their labels 0–9, shuffled by ``seed``; the first ``n_test`` are held out, the next
    ``n_train`` (all the others when None) are for training. New arrays each call."""
    X, y = _digits()
    order = np.random.default_rng(seed).permutation(len(y))
    test = order[:n_test]
    train = order[n_test:] if n_train is None else order[n_test : n_test + n_train]
    return X[train].copy(), y[train].copy(), X[test].copy(), y[test].copy()


def init_cnn(
    seed: int, channels: int, height: int = 8, width: int = 8, classes: int = 10
) -> dict[str, np.ndarray]:
    """He-normal weights for conv 3×3 (1 → channels, padding 1) → ReLU → max-pool 2 → linear
    to ``classes``, for ``height``×``width`` images; zero biases."""
    rng = np.random.default_rng(seed)
    flat = (height // 2) * (width // 2) * channels
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / 9.0), size=(channels, 1, 3, 3)),
        "b1": np.zeros(channels),
        "W2": rng.normal(0.0, np.sqrt(2.0 / flat), size=(classes, flat)),
        "b2": np.zeros(classes),
    }
