"""Low-rank matrix factorisation from a small start: where plain GD learns one singular value at a time.

``L(A, B) = 1/2 ||A B - M||_F^2`` with a target ``M = U diag(s) V^T`` of rank r and distinct singular
values s. From a small initialisation, gradient descent picks up the target's singular values one
after another, largest first, with a plateau before each (incremental learning: Saxe et al. 2014,
Gidel et al. 2019); an update that orthogonalises the gradient matrix (Muon) moves all directions at
the same speed and learns them together. ``singular_values(P)`` shows which have been learned.
"""

from __future__ import annotations

import numpy as np

from ..layout import Layout
from .base import GradAt, NetworkProblem, as_params, check_batch, in_chunks, step_batches

MAX_SIZE = 32


def _orthonormal(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """``cols`` orthonormal columns of length ``rows`` (QR of a Gaussian matrix, signs fixed)."""
    Q, R = np.linalg.qr(rng.standard_normal((rows, cols)))
    return Q * np.sign(np.diag(R))


class MatrixFactorisation(NetworkProblem):
    """Fit ``A B`` (A of shape (rows, k), B of shape (k, cols)) to a rank-r target; ``k >= r`` learns it."""

    key = "matrix_factorisation"
    name = "Low-rank matrix factorisation"
    latex = r"L(A, B) = \tfrac12 \lVert A B - M \rVert_F^2"

    def __init__(
        self,
        rows: int = 8,
        cols: int = 8,
        k: int = 8,
        singular_values: tuple[float, ...] = (4.0, 2.0, 1.0, 0.5),
        *,
        init_scale: float = 1e-3,
        seed: int = 0,
        init_seed: int = 0,
    ):
        s = np.asarray(singular_values, dtype=float)
        for name, v in (("rows", rows), ("cols", cols), ("k", k)):
            if not (isinstance(v, (int, np.integer)) and 1 <= v <= MAX_SIZE):
                raise ValueError(f"{name} must be a whole number in [1, {MAX_SIZE}], got {v!r}")
        if s.ndim != 1 or not 1 <= s.size <= min(rows, cols) or not (np.isfinite(s).all() and (s > 0).all()):
            raise ValueError(
                f"singular_values must be 1 to min(rows, cols) = {min(rows, cols)} positive numbers, got {s}"
            )
        if not (np.isfinite(init_scale) and init_scale > 0):
            raise ValueError(f"init_scale must be a positive number, got {init_scale!r}")
        # no attribute ``n``: the runner reads ``n`` as a number of data points to draw minibatches from
        self.rows, self.cols, self.k, self.init_scale = int(rows), int(cols), int(k), float(init_scale)
        self.target_singular_values = np.sort(s)[::-1]
        rng = np.random.default_rng(seed)
        r = s.size
        U, V = _orthonormal(rng, rows, r), _orthonormal(rng, cols, r)
        self.target = (U * self.target_singular_values) @ V.T
        super().__init__(Layout.of({"A": (rows, k), "B": (k, cols)}), init_seed)
        self._a, self._bspan = self.layout.span("A"), self.layout.span("B")
        self._width = rows * cols
        # The best rank-k fit (Eckart-Young): the target itself when k >= r, else its top k values.
        self.min_loss = 0.5 * float(np.sum(self.target_singular_values[k:] ** 2))

    def init(self, seed: int = 0) -> np.ndarray:
        """Entries of A then B drawn from N(0, init_scale^2): small, so learning starts on a plateau."""
        rng = np.random.default_rng(seed)
        return self.init_scale * rng.standard_normal(self.dim)

    def factors(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``A`` (..., rows, k) and ``B`` (..., k, cols) of parameters (..., D)."""
        P = as_params(P, self.dim)
        lead = P.shape[:-1]
        return P[..., self._a].reshape(lead + (self.rows, self.k)), P[..., self._bspan].reshape(
            lead + (self.k, self.cols)
        )

    def singular_values(self, P: np.ndarray) -> np.ndarray:
        """Singular values (..., min(rows, cols)) of the product A B, largest first."""
        A, B = self.factors(P)
        return np.linalg.svd(A @ B, compute_uv=False)

    def _evaluate(self, P: np.ndarray, grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        A, B = self.factors(P)
        R = A @ B
        R -= self.target
        loss = 0.5 * (R * R).reshape(R.shape[:-2] + (-1,)).sum(-1)
        if not grad:
            return loss, None
        lead = P.shape[:-1]
        G = np.empty(lead + (self.dim,))
        G[..., self._a] = (R @ B.swapaxes(-1, -2)).reshape(lead + (-1,))  # dL/dA = R B^T
        G[..., self._bspan] = (A.swapaxes(-1, -2) @ R).reshape(lead + (-1,))  # dL/dB = A^T R
        return loss, G


class MatrixSensing(MatrixFactorisation):
    """The same target seen only through ``n`` random linear measurements ``y_i = <S_i, M>``.

    ``L(A, B) = 1/(2n) sum_i (<S_i, A B> - y_i)^2`` with Gaussian sensing matrices S_i of entries
    N(0, 1): with enough measurements (a few times r (rows + cols)) the loss behaves like the
    factorisation's, and the measurements are data, so minibatches of them give stochastic gradients.
    """

    key = "matrix_sensing"
    name = "Low-rank matrix sensing"
    latex = r"L(A, B) = \frac{1}{2n} \sum_i \big(\langle S_i, A B \rangle - y_i\big)^2"

    def __init__(
        self,
        rows: int = 8,
        cols: int = 8,
        k: int = 8,
        singular_values: tuple[float, ...] = (4.0, 2.0, 1.0, 0.5),
        *,
        n: int = 400,
        init_scale: float = 1e-3,
        seed: int = 0,
        init_seed: int = 0,
    ):
        super().__init__(
            rows, cols, k, singular_values, init_scale=init_scale, seed=seed, init_seed=init_seed
        )
        if not (isinstance(n, (int, np.integer)) and n >= 1):
            raise ValueError(f"n (measurements) must be a whole number >= 1, got {n!r}")
        rng = np.random.default_rng([seed, 1])  # the target's own draws stay those of the factorisation
        self.n = int(n)
        self.sensing = rng.standard_normal((self.n, rows * cols))  # row i is S_i, flattened
        self.y = self.sensing @ self.target.ravel()
        self._width = max(self.n, rows * cols)
        if self.k < np.size(singular_values):
            self.min_loss = None  # the best rank-k fit to the measurements is no closed form

    def _measure(
        self, P: np.ndarray, S: np.ndarray, y: np.ndarray, grad: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Loss on measurements (S, y) and, if asked, its gradient, for P of shape (M, D) or (D,)."""
        A, B = self.factors(P)
        lead, n = P.shape[:-1], len(y)
        X = (A @ B).reshape(lead + (1, -1))  # vec(A B) as a row
        r = (X @ S.T)[..., 0, :]  # <S_i, A B> for every measurement, (..., n)
        r -= y
        loss = (r * r).sum(-1) / (2 * n)
        if not grad:
            return loss, None
        R = ((r[..., None, :] / n) @ S).reshape(lead + (self.rows, self.cols))  # dL/d(A B)
        G = np.empty(lead + (self.dim,))
        G[..., self._a] = (R @ B.swapaxes(-1, -2)).reshape(lead + (-1,))
        G[..., self._bspan] = (A.swapaxes(-1, -2) @ R).reshape(lead + (-1,))
        return loss, G

    def _evaluate(self, P: np.ndarray, grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        return self._measure(P, self.sensing, self.y, grad)

    def stochastic(self, batch_size: int | None, steps: int, seed: int) -> GradAt | None:
        """``grad(P, i)`` on the measurements of 0-based step i, the same for every configuration."""
        if not check_batch(batch_size, self.n, steps):
            return None
        batches = step_batches(self.n, batch_size, steps, seed)
        width = max(batch_size, self.rows * self.cols)

        def grad(P: np.ndarray, i: int) -> np.ndarray:
            idx = batches[i]
            S, y = self.sensing[idx], self.y[idx]
            return in_chunks(as_params(P, self.dim), width, lambda Q: self._measure(Q, S, y, True))[1]

        def loss_and_grad(P: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
            idx = batches[i]
            S, y = self.sensing[idx], self.y[idx]
            return in_chunks(as_params(P, self.dim), width, lambda Q: self._measure(Q, S, y, True))

        grad.loss_and_grad = loss_and_grad  # type: ignore[attr-defined]
        return grad
