"""What every network problem shares: a layout of named blocks, a seeded start, minibatches, chunks.

A network problem maps parameters ``P`` of shape ``(..., D)`` (one point, a sweep's ``(N, D)``, a
loss slice's ``(41, 41, D)``) to ``loss(P)`` of shape ``(...)`` and ``grad(P)`` of shape ``(..., D)``
by hand-written backpropagation. Layers are batched ``@`` (np.matmul), never einsum: matmul calls
the same BLAS kernel on every configuration's matrices, so a sweep cell equals its single run bit
for bit (einsum broke that before: it may choose another contraction order for a batch).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import numpy as np

from ..layout import Layout, Plane
from ..problems import _FEISTEL_ROUNDS, SHUFFLE_BATCHES, Problem, keyed_permutation

#: ``grad_at(P, i)``: the gradient at P (..., D) on the minibatch of 0-based step i.
GradAt = Callable[[np.ndarray, int], np.ndarray]
#: A batch of configurations is evaluated in chunks whose largest intermediate array stays under
#: 128 KiB, glibc's default mmap threshold: larger temporaries are mapped and unmapped on every call,
#: and their page faults made a 100-configuration MLP gradient 3x slower (8 ms, not 2.5 ms).
CHUNK_FLOATS = 16_000


def epoch_batches(n: int, epoch: int, first: int, stop: int, batch_size: int, seed: int) -> np.ndarray:
    """Indices of batches ``first`` to ``stop - 1`` of ``epoch`` of n points, one row each.

    The same shuffle as ``optviz.problems.LinearRegression._epoch_batches`` (which could call this
    one): an epoch is a seeded permutation keyed by (seed, epoch) cut into batches (drop-last).
    """
    rng = np.random.default_rng([seed, epoch])
    if n // batch_size <= SHUFFLE_BATCHES:
        perm = rng.permutation(n)
        return perm[first * batch_size : stop * batch_size].reshape(-1, batch_size)
    keys = rng.integers(0, 2**64, size=_FEISTEL_ROUNDS, dtype=np.uint64, endpoint=False)
    positions = np.arange(first * batch_size, stop * batch_size, dtype=np.uint64)
    return keyed_permutation(positions, n, keys).reshape(-1, batch_size)


def step_batches(n: int, batch_size: int, steps: int, seed: int) -> np.ndarray:
    """``(steps, batch_size)`` indices: row i is the minibatch of 0-based step i."""
    per_epoch = n // batch_size
    out = np.empty((steps, batch_size), dtype=np.intp)
    for epoch in range(-(-steps // per_epoch)):
        lo, hi = epoch * per_epoch, min((epoch + 1) * per_epoch, steps)
        out[lo:hi] = epoch_batches(n, epoch, 0, hi - lo, batch_size, seed)
    return out


def check_batch(batch_size: int | None, n: int, steps: int) -> bool:
    """True when minibatches are asked for (a batch smaller than the data); raise on bad values."""
    if batch_size is None or batch_size >= n:
        return False
    if not (isinstance(batch_size, (int, np.integer)) and batch_size >= 1):
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    return True


def in_chunks(
    P: np.ndarray,
    width: int,
    fn: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray | None]],
    chunk_floats: int | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """``fn`` (loss and gradient or None on ``(M, D)``) on ``P`` (..., D), in chunks of rows.

    ``width`` is the size (in floats) of one configuration's largest intermediate array; a chunk
    keeps those under ``chunk_floats`` (default CHUNK_FLOATS). Each configuration is computed on its own by batched matmul, so chunking changes no bit.
    """
    if P.ndim == 1:
        return fn(P)
    lead, D = P.shape[:-1], P.shape[-1]
    flat = P.reshape(-1, D)
    rows = max(1, (chunk_floats or CHUNK_FLOATS) // max(1, width))
    if not len(flat):  # an empty batch: one dummy row says whether a gradient is wanted
        G = fn(np.zeros((1, D)))[1]
        return np.empty(lead), None if G is None else np.empty(lead + (D,))
    if len(flat) <= rows:
        L, G = fn(flat)
    else:
        parts = [fn(flat[i : i + rows]) for i in range(0, len(flat), rows)]
        L = np.concatenate([p[0] for p in parts])
        G = None if parts[0][1] is None else np.concatenate([p[1] for p in parts])
    return L.reshape(lead), None if G is None else G.reshape(lead + (D,))


def as_params(P: np.ndarray, D: int) -> np.ndarray:
    """``P`` as a float64 array ending in D (no copy when it already is one)."""
    if type(P) is not np.ndarray or P.dtype != np.float64:
        P = np.asarray(P, dtype=np.float64)
    if P.ndim < 1 or P.shape[-1] != D:
        raise ValueError(f"expected parameters of shape (..., {D}), got {P.shape}")
    return P


class NetworkProblem(Problem):
    """A problem with many parameters in named blocks; subclasses give ``_evaluate`` on ``(M, D)``."""

    kind = "network"
    #: Floats in one configuration's largest intermediate array (sets the chunk size of big batches).
    _width = 1

    def __init__(self, layout: Layout, init_seed: int):
        self._layout = layout
        self.param_names = layout.coord_names
        self.start = self.init(init_seed)
        self.minima = np.empty((0, layout.size))
        self.window = ((-1.0, 1.0), (-1.0, 1.0))  # in the coordinates of ``plane``

    @property
    def layout(self) -> Layout:
        """The named parameter blocks (weights are (outputs, inputs), as in torch.nn.Linear)."""
        return self._layout

    @property
    def dim(self) -> int:
        return self._layout.size

    @cached_property
    def plane(self) -> Plane:
        """The default view: two filter-normalised random directions through the start."""
        return self.random_plane(0)

    def random_plane(self, seed: int, origin: np.ndarray | None = None) -> Plane:
        """Two Gaussian directions, each row of each block scaled to that row's norm at ``origin``.

        Li et al. (2018), "Visualizing the Loss Landscape of Neural Nets": filter normalisation
        makes a slice comparable across layers of different scale. A row that is zero at the origin
        (a bias at zero) keeps its raw Gaussian direction, so the plane never degenerates.
        """
        origin = self.start if origin is None else as_params(origin, self.dim)
        rng = np.random.default_rng(seed)
        directions = rng.standard_normal((2, self.dim))
        for b in self._layout.blocks:
            rows = b.shape[0] if b.is_matrix else 1
            d = directions[:, self._layout.span(b.name)].reshape(2, rows, -1)
            o = origin[self._layout.span(b.name)].reshape(1, rows, -1)
            scale = np.linalg.norm(o, axis=-1, keepdims=True)
            d_norm = np.linalg.norm(d, axis=-1, keepdims=True)
            d *= np.where(scale > 0, scale / d_norm, 1.0)
            directions[:, self._layout.span(b.name)] = d.reshape(2, -1)
        return Plane(origin, directions, ("direction 1", "direction 2"))

    def init(self, seed: int = 0) -> np.ndarray:
        """A seeded start point (D,)."""
        raise NotImplementedError

    def _evaluate(self, P: np.ndarray, grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        raise NotImplementedError

    def loss(self, P: np.ndarray) -> np.ndarray:
        return in_chunks(as_params(P, self.dim), self._width, lambda Q: self._evaluate(Q, False))[0]

    def grad(self, P: np.ndarray) -> np.ndarray:
        return self.loss_and_grad(P)[1]

    def loss_and_grad(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return in_chunks(as_params(P, self.dim), self._width, lambda Q: self._evaluate(Q, True))

    def sharpness(self, P: np.ndarray, iters: int = 50, seed: int = 0) -> np.ndarray:
        """The Hessian's eigenvalue of largest magnitude at P (..., D): the edge of stability's
        2 / lr threshold, point by point. Power iteration on central-difference Hessian-vector
        products ``(g(P + h v) - g(P - h v)) / 2h`` with |v| = 1, every configuration at once;
        accurate to about 1e-6 relative when the top two eigenvalues are well separated.
        """
        P = as_params(P, self.dim)
        v = np.random.default_rng(seed).standard_normal(P.shape)
        v /= np.linalg.norm(v, axis=-1, keepdims=True)
        h = 1e-5 * np.maximum(1.0, np.linalg.norm(P, axis=-1, keepdims=True))
        lam = np.zeros(P.shape[:-1])
        for _ in range(iters):
            G = self.grad(np.stack([P + h * v, P - h * v]))
            Hv = (G[0] - G[1]) / (2 * h)
            lam = (Hv * v).sum(-1)  # the Rayleigh quotient, |v| = 1
            norm = np.linalg.norm(Hv, axis=-1, keepdims=True)
            v = Hv / np.where(norm > 0, norm, 1.0)
        return lam
