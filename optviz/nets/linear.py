"""Linear regression on d correlated features: the seed's model with a weight vector.

``L(W, b) = (1/n) sum_i (W x_i + b - y_i)^2`` (the seed's ``mean((w*x + b - y)^2)`` with d inputs).
The features share one common factor: ``x_ij = sqrt(rho) c_i + sqrt(1 - rho) z_ij`` with c, z
standard normal, so every pair has correlation ``rho`` and the Hessian's condition number grows
like ``(1 + (d - 1) rho) / (1 - rho)``: ``correlation`` is the conditioning knob.
"""

from __future__ import annotations

import numpy as np

from ..layout import Layout
from .base import GradAt, NetworkProblem, as_params, check_batch, in_chunks, step_batches

MAX_INPUT_DIM = 64


class LinearRegression(NetworkProblem):
    """Mean squared error of ``W x + b`` (W of shape (1, d), as torch.nn.Linear(d, 1)) on generated data.

    ``y = x . w_true + b_true + noise * N(0, 1)``; ``init(seed)`` is torch.nn.Linear's default
    initialisation, U(-1/sqrt(d), 1/sqrt(d)) for W and b.
    """

    key = "linear_regression_nd"
    name = "Linear regression, d features"
    latex = r"L(W, b) = \frac1n \sum_i (W x_i + b - y_i)^2"

    def __init__(
        self,
        input_dim: int = 8,
        *,
        n: int = 200,
        correlation: float = 0.9,
        noise: float = 0.1,
        w_true: float = 3.0,
        b_true: float = 4.0,
        seed: int = 0,
        init_seed: int = 0,
    ):
        if not (isinstance(input_dim, (int, np.integer)) and 1 <= input_dim <= MAX_INPUT_DIM):
            raise ValueError(f"input_dim must be a whole number in [1, {MAX_INPUT_DIM}], got {input_dim!r}")
        if not 0 <= correlation < 1:
            raise ValueError(f"correlation must lie in [0, 1), got {correlation!r}")
        if not (isinstance(n, (int, np.integer)) and n > input_dim + 1):
            raise ValueError(f"n must be a whole number above input_dim + 1 = {input_dim + 1}, got {n!r}")
        if not (np.isfinite(noise) and noise >= 0):
            raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
        rng = np.random.default_rng(seed)
        common = rng.standard_normal((n, 1))
        X = np.sqrt(correlation) * common + np.sqrt(1 - correlation) * rng.standard_normal((n, input_dim))
        y = X @ np.full(input_dim, float(w_true)) + b_true + noise * rng.standard_normal(n)
        self.X, self.y, self.n, self.input_dim, self.correlation = X, y, n, int(input_dim), correlation
        super().__init__(Layout.of({"W": (1, input_dim), "b": (1,)}), init_seed)
        self._w, self._b = self.layout.span("W"), self.layout.span("b")
        self._width = n
        A = np.hstack([X, np.ones((n, 1))])  # design matrix: the flat parameters are (W, b)
        self.hessian = 2.0 / n * (A.T @ A)
        theta, *_ = np.linalg.lstsq(A, y, rcond=None)
        self.minima = theta[None, :]
        self.min_loss = float(np.mean((A @ theta - y) ** 2))
        eig = np.linalg.eigvalsh(self.hessian)
        self.max_curvature = float(eig[-1])
        self.condition_number = float(eig[-1] / eig[0])

    def init(self, seed: int = 0) -> np.ndarray:
        """torch.nn.Linear(d, 1)'s default initialisation: W then b, each U(-1/sqrt(d), 1/sqrt(d))."""
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(self.input_dim)
        W = rng.uniform(-bound, bound, (1, self.input_dim))
        b = rng.uniform(-bound, bound, 1)
        return self.layout.flatten({"W": W, "b": b})

    def _mse(
        self, P: np.ndarray, X: np.ndarray, y: np.ndarray, grad: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Mean squared error on (X, y) and, if asked, its gradient, for P of shape (M, D) or (D,)."""
        lead, n = P.shape[:-1], len(y)
        W = P[..., self._w].reshape(lead + (1, self.input_dim))
        r = (W @ X.T)[..., 0, :]  # residuals as rows (..., n)
        r += P[..., self._b]
        r -= y
        loss = (r * r).sum(-1) / n
        if not grad:
            return loss, None
        E = (2.0 / n) * r[..., None, :]  # dL/d(prediction), (..., 1, n)
        G = np.empty(lead + (self.dim,))
        G[..., self._w] = (E @ X)[..., 0, :]
        G[..., self._b] = E @ np.ones(n)
        return loss, G

    def _evaluate(self, P: np.ndarray, grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        return self._mse(P, self.X, self.y, grad)

    def stochastic(self, batch_size: int | None, steps: int, seed: int) -> GradAt | None:
        """``grad(P, i)`` on the minibatch of 0-based step i, the same batch for every configuration."""
        if not check_batch(batch_size, self.n, steps):
            return None
        batches = step_batches(self.n, batch_size, steps, seed)

        def grad(P: np.ndarray, i: int) -> np.ndarray:
            idx = batches[i]
            Xb, yb = self.X[idx], self.y[idx]
            return in_chunks(as_params(P, self.dim), batch_size, lambda Q: self._mse(Q, Xb, yb, True))[1]

        def loss_and_grad(P: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
            idx = batches[i]
            Xb, yb = self.X[idx], self.y[idx]
            return in_chunks(as_params(P, self.dim), batch_size, lambda Q: self._mse(Q, Xb, yb, True))

        grad.loss_and_grad = loss_and_grad  # type: ignore[attr-defined]
        return grad
