"""Toy classification data sets a teacher knows (circle, xor, gaussians, spiral, moons), generated.

Nothing is downloaded: every set is drawn from ``np.random.default_rng(seed)``, so a seed names a
data set exactly. Points lie roughly in [-1, 1]^2; ``noise`` is the standard deviation of Gaussian
jitter added to every point after its clean shape is drawn. Classes are balanced, the points are
shuffled, and the last ``round(test_fraction * n)`` of them form the test split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features ``X`` (n, 2) and integer labels ``y`` (n,) of a train and a test split."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int = 2

    @property
    def input_dim(self) -> int:
        return self.X_train.shape[1]


def _circle(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    # Class 0: a disc of radius 0.5; class 1: a ring from 0.7 to 1 (TensorFlow Playground's picture).
    r = np.concatenate([0.5 * rng.random(n0), 0.7 + 0.3 * rng.random(n1)])
    angle = 2 * np.pi * rng.random(n0 + n1)
    return r[:, None] * np.stack([np.cos(angle), np.sin(angle)], -1), np.repeat([0, 1], [n0, n1])


def _xor(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    # Uniform in [-1, 1]^2 kept 0.05 away from the axes; class 1 where x*y < 0 (opposite quadrants).
    def quadrants(m: int, sign: float) -> np.ndarray:
        mag = 0.05 + 0.95 * rng.random((m, 2))
        sx = rng.choice([-1.0, 1.0], size=m)
        return mag * np.stack([sx, sign * sx], -1)

    return np.concatenate([quadrants(n0, 1.0), quadrants(n1, -1.0)]), np.repeat([0, 1], [n0, n1])


def _gaussians(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    # Two round Gaussians (standard deviation 0.3) centred at (-0.5, -0.5) and (0.5, 0.5).
    X = 0.3 * rng.standard_normal((n0 + n1, 2))
    X += np.where(np.arange(n0 + n1) < n0, -0.5, 0.5)[:, None]
    return X, np.repeat([0, 1], [n0, n1])


def _spiral(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    # Two interleaved arms, 1.75 turns each from the centre out to radius 1; class 1 is turned by pi.
    s = rng.random(n0 + n1)
    angle = 1.75 * 2 * np.pi * s + np.where(np.arange(n0 + n1) < n0, 0.0, np.pi)
    return s[:, None] * np.stack([np.sin(angle), np.cos(angle)], -1), np.repeat([0, 1], [n0, n1])


def _moons(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    # scikit-learn's two half circles (make_moons), shifted and scaled to sit inside [-1, 1]^2.
    t = np.pi * rng.random(n0 + n1)
    upper = np.stack([np.cos(t[:n0]), np.sin(t[:n0])], -1)
    lower = np.stack([1 - np.cos(t[n0:]), 0.5 - np.sin(t[n0:])], -1)
    X = (np.concatenate([upper, lower]) - [0.5, 0.25]) / 1.5
    return X, np.repeat([0, 1], [n0, n1])


#: The generators by name, each ``(rng, n0, n1) -> (X, y)`` with n0 points of class 0 and n1 of class 1.
GENERATORS: dict[str, Callable[[np.random.Generator, int, int], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle,
    "xor": _xor,
    "gaussians": _gaussians,
    "spiral": _spiral,
    "moons": _moons,
}


def make_dataset(
    name: str, n: int = 500, noise: float = 0.1, test_fraction: float = 0.2, seed: int = 0
) -> Dataset:
    """``n`` points of the set ``name`` (half per class) with jitter ``noise``, split train/test."""
    if name not in GENERATORS:
        raise ValueError(f"unknown data set {name!r}; allowed: {', '.join(GENERATORS)}")
    if not (isinstance(n, (int, np.integer)) and n >= 4):
        raise ValueError(f"a data set needs n >= 4 points, got {n!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    if not 0 <= test_fraction <= 0.9:
        raise ValueError(f"test_fraction must lie in [0, 0.9], got {test_fraction!r}")
    rng = np.random.default_rng(seed)
    X, y = GENERATORS[name](rng, n // 2, n - n // 2)
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(n)
    X, y = np.ascontiguousarray(X[order], dtype=float), y[order].astype(np.intp)
    n_train = n - int(round(test_fraction * n))
    if n_train < 2:
        raise ValueError(f"test_fraction {test_fraction} leaves fewer than 2 training points of {n}")
    return Dataset(name, X[:n_train], y[:n_train], X[n_train:], y[n_train:])
