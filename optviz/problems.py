"""Problems to optimise: the linear-regression model our users start from and classic 2-D test functions.

Every problem maps parameters ``P`` of shape ``(..., D)`` to ``loss(P)`` of shape ``(...)`` and
``grad(P)`` of shape ``(..., D)``, analytically, so a whole sweep or a whole contour grid is one call.
``problem.layout`` says what the D numbers are (today's problems: two scalars, D = 2) and
``problem.plane`` how a chart sees them (for D = 2, the identity).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from .layout import Layout, Plane
from .spec import Param, choose, resolve

Window = tuple[tuple[float, float], tuple[float, float]]

#: A run whose parameters leave this box (in absolute value) is declared diverged.
PARAM_BOUND = 1e6
#: Epochs of at most this many minibatches shuffle all n indices at once (n <= (this + 1) * batch, so
#: a step costs O(batch)); longer epochs draw each batch from a keyed permutation in O(batch).
SHUFFLE_BATCHES = 64
_FEISTEL_ROUNDS = 4


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 arrays (wrapping arithmetic): a well-spread hash."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def keyed_permutation(k: np.ndarray, n: int, keys: np.ndarray) -> np.ndarray:
    """Positions ``k`` (in [0, n)) of a pseudo-random permutation of [0, n) chosen by ``keys``, in O(len(k)).

    A balanced Feistel network on the smallest even number of bits covering n is a bijection; outputs
    that land at n or beyond are mapped again (cycle walking) until they fall inside, which keeps it a
    bijection of [0, n) and takes fewer than 4 passes on average.
    """
    half = max(1, (int(n - 1).bit_length() + 1) // 2)
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)

    def encrypt(v: np.ndarray) -> np.ndarray:
        left, right = v >> shift, v & mask
        for key in keys:
            left, right = right, left ^ (_mix(right ^ key) & mask)
        return (left << shift) | right

    out = encrypt(np.asarray(k, dtype=np.uint64))
    outside = out >= np.uint64(n)
    while outside.any():
        out[outside] = encrypt(out[outside])
        outside = out >= np.uint64(n)
    return out.astype(np.intp)


class Problem:
    """A differentiable objective with what the UI needs to draw it (today's problems are 2-D).

    ``layout`` declares the parameter blocks (by default one scalar per name in ``param_names``);
    ``window`` and the contour grid are in the coordinates of ``plane``, the default view.
    """

    key: str = ""
    name: str = ""
    latex: str = ""
    param_names: tuple[str, ...] = ("x", "y")
    start: np.ndarray
    window: Window
    minima: np.ndarray  # (m, D); empty when there is no minimum
    min_loss: float | None = None
    #: Largest eigenvalue of the Hessian for quadratics (for the 2/lambda_max stability limit).
    max_curvature: float | None = None
    #: True when the loss is known to fall forever (the saddle); False when the minimum exists or is
    #: merely unknown to the app (a typed formula), so the diagnosis never calls such a problem unbounded.
    unbounded_below: bool = False
    bound: float = PARAM_BOUND

    @property
    def layout(self) -> Layout:
        """The parameter blocks: one scalar block per name in ``param_names`` unless a problem says more."""
        return Layout.scalars(*self.param_names)

    @property
    def dim(self) -> int:
        """D, the number of parameters."""
        return self.layout.size

    @property
    def plane(self) -> Plane:
        """The default 2-D view: the first two coordinates (for D = 2, the identity)."""
        return Plane.axes(self.layout)

    def loss(self, P: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad(self, P: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def loss_and_grad(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both at once; quadratics override it to share work (a sweep calls it every step)."""
        return self.loss(P), self.grad(P)

    @property
    def optimum(self) -> np.ndarray | None:
        """The (first) global minimiser, or None for problems unbounded below."""
        return self.minima[0] if len(self.minima) else None

    def contour_grid(
        self, resolution: int = 200, window: Window | None = None, plane: Plane | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(xs, ys, Z)`` with ``Z[j, i] = loss(lift(xs[i], ys[j]))`` (Plotly's row = y convention);
        ``plane`` (default ``self.plane``) maps the window's coordinates to parameters."""
        (x0, x1), (y0, y1) = window or self.window
        plane = plane or self.plane
        xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
        UV = np.empty((resolution, resolution, 2))
        UV[..., 0], UV[..., 1] = xs[None, :], ys[:, None]
        with np.errstate(all="ignore"):
            return xs, ys, self.loss(plane.lift(UV))

    def stochastic(self, batch_size: int | None, steps: int, seed: int):
        """Per-step gradient oracle for minibatch training; None when only full-batch is defined."""
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key}>"


def _stack(gx, gy) -> np.ndarray:
    """Two coordinate arrays (or floats) of one shape into one (..., 2) array."""
    if isinstance(gx, float) and isinstance(gy, float):
        return np.array((gx, gy))
    shape = np.shape(gx)
    if shape != np.shape(gy):
        shape = np.broadcast_shapes(shape, np.shape(gy))
    out = np.empty(shape + (2,))
    out[..., 0], out[..., 1] = gx, gy
    return out


class FiniteSum(Problem):
    """A loss that is the mean of ``n`` terms, so a minibatch of the terms gives a stochastic gradient.

    Subclasses set ``n`` and implement ``stochastic``; the batches are shared: epochs of a seeded
    shuffle of the n indices, cut into batches (drop-last).
    """

    n: int

    def _epoch_batches(self, epoch: int, first: int, stop: int, batch_size: int, seed: int) -> np.ndarray:
        """Indices of batches ``first`` to ``stop - 1`` of ``epoch``, one row each.

        An epoch is a seeded shuffle of the n indices, cut into batches (drop-last). Short epochs
        (at most SHUFFLE_BATCHES batches) draw the whole permutation; longer ones compute only the
        positions they use, from a permutation keyed by (seed, epoch): O(batch) per step either way.
        """
        rng = np.random.default_rng([seed, epoch])
        if self.n // batch_size <= SHUFFLE_BATCHES:
            perm = rng.permutation(self.n)
            return perm[first * batch_size : stop * batch_size].reshape(-1, batch_size)
        keys = rng.integers(0, 2**64, size=_FEISTEL_ROUNDS, dtype=np.uint64, endpoint=False)
        positions = np.arange(first * batch_size, stop * batch_size, dtype=np.uint64)
        return keyed_permutation(positions, self.n, keys).reshape(-1, batch_size)

    def batch_indices(self, step: int, batch_size: int, seed: int) -> np.ndarray:
        """Indices of the minibatch used at 0-based ``step``: epochs of a seeded shuffle, drop-last."""
        per_epoch = self.n // batch_size
        epoch, j = divmod(step, per_epoch)
        return self._epoch_batches(epoch, j, j + 1, batch_size, seed)[0]


class LinearRegression(FiniteSum):
    """Mean squared error of the line ``w*x + b`` on data ``(x, y)``; parameters ``(w, b)``.

    The loss is a quadratic in (w, b), so it is evaluated from five sums of the data: after
    construction, ``loss`` and ``grad`` cost the same for 100 points or 10 million.
    """

    key = "linear_regression"
    name = "Linear regression"
    latex = r"L(w, b) = \frac1n \sum_i (w x_i + b - y_i)^2"
    param_names = ("w", "b")

    def __init__(self, x: np.ndarray, y: np.ndarray, *, start: tuple[float, float] = (0.0, 0.0)):
        x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
        if x.shape != y.shape:
            raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
        if x.size < 2 or np.ptp(x) == 0:
            raise ValueError("linear regression needs at least 2 distinct x values")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("linear regression data must be finite")
        self.x, self.y, self.n = x, y, x.size
        n = float(x.size)
        sx, sxx, sy, sxy = x.sum(), x @ x, y.sum(), x @ y
        self.hessian = 2.0 * np.array([[sxx, sx], [sx, n]]) / n  # d^2 L / d(w, b)^2
        self._rhs = 2.0 * np.array([sxy, sy]) / n
        w, b = np.linalg.solve(self.hessian, self._rhs)
        self.minima = np.array([[w, b]])
        self._w, self._b = float(w), float(b)
        self._h = self.hessian.tolist()
        self.min_loss = float(np.mean((w * x + b - y) ** 2))
        self.max_curvature = float(np.linalg.eigvalsh(self.hessian)[-1])
        self.start = np.asarray(start, dtype=float)
        self.window = self._window_around(self.start)

    def _window_around(self, start: np.ndarray) -> Window:
        opt = self.minima[0]
        half = np.maximum(1.2 * np.abs(start - opt), 1.0)
        return (
            (opt[0] - half[0], opt[0] + half[0]),
            (opt[1] - half[1], opt[1] + half[1]),
        )

    # Column-wise 2x2 products, not matmul: BLAS may round a (2,) and an (N, 2) product differently,
    # and a sweep cell must equal its single run bit for bit. (Columns also beat NumPy's slow
    # broadcasting over a trailing axis of length 2.)
    def _g(self, P: np.ndarray):
        if type(P) is not np.ndarray or P.dtype != float:
            P = np.asarray(P, dtype=float)
        # One point: Python floats are ~5x faster than NumPy scalars, and round identically.
        w, b = P.tolist() if P.ndim == 1 else (P[..., 0], P[..., 1])
        (hww, hwb), (_, hbb) = self._h
        dw, db = w - self._w, b - self._b
        return dw, db, dw * hww + db * hwb, dw * hwb + db * hbb

    def grad(self, P: np.ndarray) -> np.ndarray:
        _, _, gw, gb = self._g(P)
        return _stack(gw, gb)

    def loss(self, P: np.ndarray) -> np.ndarray:
        return self.loss_and_grad(P)[0]

    def loss_and_grad(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dw, db, gw, gb = self._g(P)
        return self.min_loss + 0.5 * (dw * gw + db * gb), _stack(gw, gb)

    def stochastic(self, batch_size: int | None, steps: int, seed: int):
        """``grad(P, i)`` on the minibatch of step i: each batch's Hessian and offset, precomputed."""
        if batch_size is None or batch_size >= self.n:
            return None
        per_epoch = self.n // batch_size
        H = np.empty((steps, 2, 2))
        c = np.empty((steps, 2))
        q = np.empty(steps)  # mean(y^2) of each batch: the loss's constant term
        for epoch in range(-(-steps // per_epoch)):
            lo, hi = epoch * per_epoch, min((epoch + 1) * per_epoch, steps)
            idx = self._epoch_batches(epoch, 0, hi - lo, batch_size, seed)
            xb, yb = self.x[idx], self.y[idx]
            sx, sxx = xb.sum(1), (xb * xb).sum(1)
            H[lo:hi] = (
                2.0
                / batch_size
                * np.stack(
                    [
                        np.stack([sxx, sx], -1),
                        np.stack([sx, np.full_like(sx, batch_size)], -1),
                    ],
                    -2,
                )
            )
            c[lo:hi] = 2.0 / batch_size * np.stack([(xb * yb).sum(1), yb.sum(1)], -1)
            q[lo:hi] = (yb * yb).sum(1) / batch_size

        def grad(P: np.ndarray, i: int) -> np.ndarray:
            ((hww, hwb), (_, hbb)), (cw, cb) = H[i].tolist(), c[i].tolist()
            w, b = P[..., 0], P[..., 1]
            return _stack(w * hww + b * hwb - cw, w * hwb + b * hbb - cb)

        def loss_and_grad(P: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
            """The batch's mean squared error 0.5 P^T H P - c.P + mean(y^2), and its gradient."""
            g = grad(P, i)
            (cw, cb), w, b = c[i].tolist(), P[..., 0], P[..., 1]
            return 0.5 * (w * (g[..., 0] + cw) + b * (g[..., 1] + cb)) - (w * cw + b * cb) + q[i], g

        grad.loss_and_grad = loss_and_grad  # type: ignore[attr-defined]
        return grad


class RareGradients(FiniteSum):
    """Reddi, Kale & Kumar's counterexample to Adam (2018), made bounded and 2-D.

    The mean of ``n`` terms ``f_i(x, y) = a_i x + x^2/2 + y^2/2`` (plus the constant that makes the
    minimum 0): ``rare = ceil(2n / (C + 1))`` of them have the large slope ``a_i = C``, the others
    ``a_i = -1``, so the mean slope ``s = rare (C + 1) / n - 1`` is at least 1 (exactly 1 when C + 1
    divides 2n) and the minimum ``(-s, 0)`` lies at negative x, while most one-term minibatches push x
    up, towards the frequent terms' own minimum x = 1. An optimizer that divides each step by the size
    of the current gradient (Adam with a small beta2 and no momentum) follows the many small gradients.
    """

    key = "rare_gradients"
    name = "Rare large gradients"
    latex = (
        r"\frac1n \sum_i \left(a_i x + \tfrac12 x^2 + \tfrac12 y^2\right) + \tfrac12 s^2,\ a_i \in \{C, -1\}"
    )

    def __init__(self, n: int = 100, C: float = 9.0, *, start: tuple[float, float] = (0.0, 1.5)):
        n, C = int(n), float(C)
        if not (n >= 3 and C >= 2.0):
            raise ValueError(f"rare_gradients needs n >= 3 and C >= 2, got n={n}, C={C:g}")
        rare = -(-2 * n // (C + 1.0))  # ceil(2n / (C + 1)), fewer than n terms
        self.n, self.C, self.rare = n, C, int(rare)
        self.slopes = np.where(np.arange(n) < self.rare, C, -1.0)  # a_i
        self.s = float(self.slopes.sum() / n)  # the mean slope
        self._c = 0.5 * self.s * self.s  # the constant that makes the minimum 0
        self.minima = np.array([[-self.s, 0.0]])
        self.min_loss = 0.0
        self.max_curvature = 1.0
        self.start = np.asarray(start, dtype=float)
        self.window = ((-self.s - 3.0, 3.0), (-2.0, 2.0))

    def loss(self, P: np.ndarray) -> np.ndarray:
        return self.loss_and_grad(P)[0]

    def grad(self, P: np.ndarray) -> np.ndarray:
        return self.loss_and_grad(P)[1]

    def loss_and_grad(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        P = np.asarray(P, dtype=float)
        x, y = P[..., 0], P[..., 1]
        dx = x + self.s
        return 0.5 * (dx * dx + y * y), _stack(dx, y)

    def stochastic(self, batch_size: int | None, steps: int, seed: int):
        """``grad(P, i)`` on the minibatch of step i: the batch's mean slope, precomputed per step."""
        if batch_size is None or batch_size >= self.n:
            return None
        per_epoch = self.n // batch_size
        a = np.empty(steps)  # mean slope of each step's batch
        for epoch in range(-(-steps // per_epoch)):
            lo, hi = epoch * per_epoch, min((epoch + 1) * per_epoch, steps)
            idx = self._epoch_batches(epoch, 0, hi - lo, batch_size, seed)
            a[lo:hi] = self.slopes[idx].sum(1) / batch_size
        c = self._c

        def loss_and_grad(P: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
            """The batch's mean loss a x + (x^2 + y^2)/2 + s^2/2 and its gradient (a + x, y)."""
            ai, x, y = float(a[i]), P[..., 0], P[..., 1]
            return ai * x + 0.5 * (x * x + y * y) + c, _stack(x + ai, y)

        def grad(P: np.ndarray, i: int) -> np.ndarray:
            ai, x, y = float(a[i]), P[..., 0], P[..., 1]
            return _stack(x + ai, y)

        grad.loss_and_grad = loss_and_grad  # type: ignore[attr-defined]
        grad.slopes = a  # type: ignore[attr-defined]
        return grad


class TestFunction(Problem):
    """A 2-D function given by closed-form loss and gradient."""

    def __init__(
        self,
        key,
        name,
        latex,
        loss,
        grad,
        start,
        window,
        minima,
        min_loss=0.0,
        max_curvature=None,
    ):
        self.key, self.name, self.latex = key, name, latex
        self._loss, self._grad = loss, grad
        self.start = np.asarray(start, dtype=float)
        self.window = window
        self.minima = np.asarray(minima, dtype=float).reshape(-1, self.dim)
        self.min_loss = min_loss if len(self.minima) else None
        self.unbounded_below = not len(self.minima)  # a closed-form function declared without minima
        self.max_curvature = max_curvature

    def loss(self, P: np.ndarray) -> np.ndarray:
        P = np.asarray(P, dtype=float)
        return self._loss(P[..., 0], P[..., 1])

    def grad(self, P: np.ndarray) -> np.ndarray:
        P = np.asarray(P, dtype=float)
        return _stack(*self._grad(P[..., 0], P[..., 1]))


# --- the classic test functions ------------------------------------------------------------------
def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    r = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y**3


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a * a + b * b + c * c


def _beale_grad(x, y):
    a, b, c = _beale_terms(x, y)
    gx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y
    return gx, gy


def _himmelblau(x, y):
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_grad(x, y):
    a, b = x * x + y - 11, x + y * y - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _booth(x, y):
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def _booth_grad(x, y):
    a, b = x + 2 * y - 7, 2 * x + y - 5
    return 2 * a + 4 * b, 4 * a + 2 * b


def _rastrigin(x, y):
    tau = 2 * np.pi
    return 20.0 + x * x - 10 * np.cos(tau * x) + y * y - 10 * np.cos(tau * y)


def _rastrigin_grad(x, y):
    tau = 2 * np.pi
    return 2 * x + 10 * tau * np.sin(tau * x), 2 * y + 10 * tau * np.sin(tau * y)


def _ackley(x, y):
    r = np.sqrt(0.5 * (x * x + y * y))
    e = 0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y))
    return -20.0 * np.exp(-0.2 * r) - np.exp(e) + np.e + 20.0


def _ackley_grad(x, y):
    r = np.sqrt(0.5 * (x * x + y * y))
    e = np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)))
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(r > 0, 2.0 * np.exp(-0.2 * r) / np.where(r > 0, r, 1.0), 0.0)  # 0 at the origin
    return k * x + np.pi * np.sin(2 * np.pi * x) * e, k * y + np.pi * np.sin(2 * np.pi * y) * e


HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
]


def rosenbrock() -> TestFunction:
    return TestFunction(
        "rosenbrock", "Rosenbrock (banana valley)", r"(1-x)^2 + 100\,(y-x^2)^2",
        _rosenbrock, _rosenbrock_grad, (-1.2, 1.0), ((-2.0, 2.0), (-1.0, 3.0)), [(1.0, 1.0)],
    )  # fmt: skip


def beale() -> TestFunction:
    return TestFunction(
        "beale", "Beale",
        r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        _beale, _beale_grad, (1.0, 1.0), ((-4.5, 4.5), (-4.5, 4.5)), [(3.0, 0.5)],
    )  # fmt: skip


def himmelblau() -> TestFunction:
    return TestFunction(
        "himmelblau", "Himmelblau (four minima)", r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        _himmelblau, _himmelblau_grad, (0.0, 0.0), ((-5.0, 5.0), (-5.0, 5.0)), HIMMELBLAU_MINIMA,
    )  # fmt: skip


def booth() -> TestFunction:
    return TestFunction(
        "booth", "Booth", r"(x + 2y - 7)^2 + (2x + y - 5)^2",
        _booth, _booth_grad, (-6.0, -4.0), ((-10.0, 10.0), (-10.0, 10.0)), [(1.0, 3.0)],
        max_curvature=18.0,
    )  # fmt: skip


def rastrigin() -> TestFunction:
    return TestFunction(
        "rastrigin", "Rastrigin (many local minima)",
        r"20 + \sum_{i} \left(x_i^2 - 10\cos(2\pi x_i)\right)",
        _rastrigin, _rastrigin_grad, (-4.0, 4.4), ((-5.12, 5.12), (-5.12, 5.12)), [(0.0, 0.0)],
    )  # fmt: skip


def ackley() -> TestFunction:
    return TestFunction(
        "ackley", "Ackley",
        r"-20 e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
        _ackley, _ackley_grad, (3.0, -2.0), ((-5.0, 5.0), (-5.0, 5.0)), [(0.0, 0.0)],
    )  # fmt: skip


def _saddle(x, y):
    return x * x - y * y


def _saddle_grad(x, y):
    return 2 * x, -2 * y


def _quadratic(x, y, k=20.0):
    return 0.1 * x * x + 0.1 * k * y * y


def _quadratic_grad(x, y, k=20.0):
    return 0.2 * x, 0.2 * k * y


#: Sharp and flat minima: a deep well 0.2 wide at (1, 0) and a shallow one 1.0 wide at (-1.5, 0.5), on a
#: gentle bowl. Their minima (Newton's method to machine precision) and curvatures: 30 and 1.07. The
#: sharp one is the global minimum (the problem's ``minima``); the flat one is a local minimum 0.30 higher.
_SHARP = (1.0, 0.0, 0.2, 1.2)  # centre x, y, width, depth
_FLAT = (-1.5, 0.5, 1.0, 1.0)
SHARP_FLAT_MINIMA = [(0.9934078101310666, 0.0006544929962123691), (-1.3623253346108033, 0.45410844487026775)]


def _well(x, y, well):
    # products, not ** 2: NumPy squares a 0-d value (one run) through pow and an array (a sweep) by a
    # multiplication, which differ in the last bit here and there
    cx, cy, width, depth = well
    dx, dy = x - cx, y - cy
    return depth * np.exp(-(dx * dx + dy * dy) / (2 * width * width)), cx, cy, width


def _sharp_flat(x, y):
    sharp, flat = _well(x, y, _SHARP)[0], _well(x, y, _FLAT)[0]
    return 0.05 * (x * x + y * y) - sharp - flat + 2.0


def _sharp_flat_grad(x, y):
    gx, gy = 0.1 * x, 0.1 * y
    for well in (_SHARP, _FLAT):
        e, cx, cy, width = _well(x, y, well)
        gx = gx + e * (x - cx) / width**2
        gy = gy + e * (y - cy) / width**2
    return gx, gy


def sharp_flat() -> TestFunction:
    return TestFunction(
        "sharp_flat", "Sharp and flat minima",
        r"0.05\,(x^2+y^2) - 1.2\,e^{-\lVert (x,y)-(1,0) \rVert^2/0.08} - e^{-\lVert (x,y)-(-1.5,0.5) \rVert^2/2} + 2",
        _sharp_flat, _sharp_flat_grad, (1.3, 0.4), ((-4.0, 4.0), (-3.0, 3.0)), SHARP_FLAT_MINIMA[:1],
        min_loss=float(_sharp_flat(*SHARP_FLAT_MINIMA[0])), max_curvature=30.2,
    )  # fmt: skip


def saddle() -> TestFunction:
    # A start on the ridge y = 0 never leaves it (the y-gradient is 0 there), so it is offset.
    return TestFunction(
        "saddle", "Saddle point", r"x^2 - y^2",
        _saddle, _saddle_grad,
        (-1.5, 1e-3), ((-2.0, 2.0), (-2.0, 2.0)), [], max_curvature=2.0,
    )  # fmt: skip


def ill_conditioned(condition_number: float = 20.0) -> TestFunction:
    k = float(condition_number)
    return TestFunction(
        "ill_conditioned", "Ill-conditioned quadratic (ravine)", rf"0.1\,x^2 + {0.1 * k:g}\,y^2",
        partial(_quadratic, k=k), partial(_quadratic_grad, k=k),
        (-5.0, -2.0), ((-6.0, 6.0), (-3.0, 3.0)), [(0.0, 0.0)], max_curvature=0.2 * max(k, 1.0),
    )  # fmt: skip


def rare_gradients(n: int = 100, rare_slope: float = 9.0) -> RareGradients:
    """Reddi et al.'s rare large gradients: ``n`` terms, a fraction 2/(C+1) of them with slope C."""
    return RareGradients(n, rare_slope)


def linear_regression(
    n: int = 100,
    noise: float = 0.1,
    w_true: float = 3.0,
    b_true: float = 4.0,
    x_low: float = 0.0,
    x_high: float = 1.0,
    seed: int = 0,
) -> LinearRegression:
    """The seed's data: ``y = w_true * x + b_true + noise * N(0, 1)``, x uniform in [x_low, x_high)."""
    if not x_high > x_low:
        raise ValueError(f"linear_regression: x_high ({x_high}) must be greater than x_low ({x_low})")
    rng = np.random.default_rng(int(seed))
    x = rng.random(int(n)) * (x_high - x_low) + x_low
    y = w_true * x + b_true + noise * rng.standard_normal(int(n))
    return LinearRegression(x, y)


@dataclass(frozen=True)
class ProblemSpec:
    """Registry entry: how to build a problem and which parameters it takes."""

    key: str
    name: str
    kind: str  # "regression", "function" or "finite_sum"
    params: tuple[Param, ...]
    factory: Callable[..., Problem]
    summary: str = ""

    def __call__(self, **params: Any) -> Problem:
        values = resolve(self.params, params, self.key)
        for p in self.params:
            if p.integer:
                values[p.name] = int(values[p.name])
        return self.factory(**values)

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}


_REGRESSION_PARAMS = (
    Param("n", 100, 2, 1_000_000, "log", "Number of data points.", "n", integer=True),
    Param(
        "noise",
        0.1,
        0.0,
        10.0,
        "linear",
        "Standard deviation of the Gaussian noise on y.",
        r"\sigma",
    ),
    Param("w_true", 3.0, -100.0, 100.0, "linear", "Slope of the true line.", "w^*"),
    Param("b_true", 4.0, -100.0, 100.0, "linear", "Intercept of the true line.", "b^*"),
    Param(
        "x_low",
        0.0,
        -100.0,
        100.0,
        "linear",
        "Smallest x; a range far from 0 makes a ravine.",
        "x_{lo}",
    ),
    Param("x_high", 1.0, -100.0, 100.0, "linear", "Largest x (exclusive).", "x_{hi}"),
    Param("seed", 0, 0, 2**31 - 1, "linear", "Random seed of the data.", "", integer=True),
)

_RARE_PARAMS = (
    Param(
        "n", 100, 3, 10_000, "log", "Number of terms in the sum; a minibatch samples them.", "n", integer=True
    ),
    Param(
        "rare_slope",
        9.0,
        2.0,
        99.0,
        "log",
        "Slope C of the rare terms: 2/(C+1) of the terms have it, the others slope -1.",
        "C",
    ),
)

PROBLEMS: dict[str, ProblemSpec] = {
    s.key: s
    for s in (
        ProblemSpec(
            "linear_regression", "Linear regression: y = 3x + 4 + noise", "regression",
            _REGRESSION_PARAMS, linear_regression,
            "Fit a line to noisy points by mean squared error: a convex quadratic bowl in (w, b).",
        ),
        ProblemSpec("rosenbrock", "Rosenbrock", "function", (), rosenbrock,
                    "A curved, flat-bottomed valley: easy to find, hard to follow to (1, 1)."),
        ProblemSpec("beale", "Beale", "function", (), beale,
                    "Sharp ridges and flat plateaus around a minimum at (3, 0.5)."),
        ProblemSpec("himmelblau", "Himmelblau", "function", (), himmelblau,
                    "Four equal minima: where you end up depends on where you start."),
        ProblemSpec("booth", "Booth", "function", (), booth,
                    "A tilted quadratic bowl with its minimum at (1, 3)."),
        ProblemSpec("rastrigin", "Rastrigin", "function", (), rastrigin,
                    "A bowl covered in bumps: a local minimum every unit step."),
        ProblemSpec("ackley", "Ackley", "function", (), ackley,
                    "A nearly flat plate with ripples and one deep hole at the origin."),
        ProblemSpec("sharp_flat", "Sharp and flat minima", "function", (), sharp_flat,
                    "A deep, narrow well and a shallow, wide one: SAM prefers the wide one."),
        ProblemSpec(
            "rare_gradients", "Rare large gradients", "finite_sum", _RARE_PARAMS, rare_gradients,
            "A sum of terms, a few with a large slope one way, most with a small slope the other: "
            "Reddi's trap for Adam with minibatches.",
        ),
        ProblemSpec("saddle", "Saddle", "function", (), saddle,
                    "x^2 - y^2: a minimum along x, a maximum along y; unbounded below."),
        ProblemSpec(
            "ill_conditioned", "Ill-conditioned quadratic", "function",
            (Param("condition_number", 20.0, 1.0, 1000.0, "log",
                   "Ratio of the steepest to the flattest curvature.", r"\kappa"),),
            ill_conditioned,
            "A long narrow ravine: SGD zig-zags across it, momentum runs along it.",
        ),
    )
}  # fmt: skip


def get_problem(problem: str | Problem, params: Mapping[str, Any] | None = None) -> Problem:
    """A problem instance from a registry key (with its parameters) or an instance itself."""
    if isinstance(problem, Problem):
        if params:
            raise ValueError("problem parameters can only be given with a problem key")
        return problem
    return choose(PROBLEMS, problem, "problem")(**(params or {}))
