"""Generated data for 08-convolutions's small CNN (Exercise 9 and its demo): noisy images of
four shapes, made from a seed (nothing is downloaded), and the network's He-normal start."""

from __future__ import annotations

import numpy as np

SHAPE_CLASSES = ("horizontal bar", "vertical bar", "diagonal", "square")


def shapes_data(
    seed: int, n: int, size: int = 8, noise: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` noisy ``size``×``size`` images (N, 1, size, size) of four shapes at random places,
    with their labels: 0 a horizontal bar, 1 a vertical bar, 2 a diagonal, 3 a square."""
    rng = np.random.default_rng(seed)
    X = noise * rng.normal(size=(n, 1, size, size))
    y = np.arange(n) % len(SHAPE_CLASSES)
    rng.shuffle(y)
    for image, label in zip(X[:, 0], y, strict=True):
        r, c = rng.integers(1, size - 4, size=2)
        if label == 0:
            image[r + 1, c : c + 4] += 1.0
        elif label == 1:
            image[r : r + 4, c + 1] += 1.0
        elif label == 2:
            image[np.arange(r, r + 4), np.arange(c, c + 4)] += 1.0
        else:
            image[r : r + 3, c : c + 3] += 1.0
            image[r + 1, c + 1] -= 1.0
    return X, y


def init_cnn(seed: int, channels: int, size: int = 8, classes: int = 4) -> dict[str, np.ndarray]:
    """He-normal weights for conv 3×3 (1 → channels) → ReLU → max-pool 2 → linear."""
    rng = np.random.default_rng(seed)
    flat = channels * (size // 2) ** 2
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / 9.0), size=(channels, 1, 3, 3)),
        "b1": np.zeros(channels),
        "W2": rng.normal(0.0, np.sqrt(2.0 / flat), size=(classes, flat)),
        "b2": np.zeros(classes),
    }
