"""A small multilayer perceptron classifier on a toy data set, with backpropagation by hand.

Layers ``h_l = act(h_{l-1} W_l^T + b_l)`` (weights (outputs, inputs), as torch.nn.Linear), then one
logit ``z = h_{L-1} W_L^T + b_L`` and the mean logistic loss
``L = (1/n) sum_i (softplus(z_i) - y_i z_i)`` (torch's binary_cross_entropy_with_logits).

Why one logit and a sigmoid, not two logits and a softmax: every data set here has two classes; two
softmax logits only see their difference, so adding one number to both output biases changes
nothing: a flat direction that makes the Hessian singular and draws a valley in every loss slice;
and one output halves the last layer's work.
"""

from __future__ import annotations

import numpy as np

from ..layout import Layout
from .base import GradAt, NetworkProblem, as_params, check_batch, in_chunks, step_batches
from .data import Dataset, make_dataset

ACTIVATIONS = ("tanh", "relu")
MAX_HIDDEN_LAYERS = 3
MAX_UNITS = 16
#: The loss alone runs in chunks of about this many floats per layer, in one reused workspace
#: (no allocation per chunk: a 41 x 41 slice of a 16-16 MLP on 500 points in ~78 ms, not ~88).
LOSS_CHUNK_FLOATS = 1 << 17


class MLP(NetworkProblem):
    """Logistic loss of an MLP with 1-3 hidden layers of up to 16 units on 2-D points of two classes.

    ``init(seed)`` draws torch.nn.Linear's default initialisation: kaiming_uniform(a=sqrt(5)) for the
    weights, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same range for the biases.
    """

    key = "mlp"
    name = "MLP classifier"
    latex = r"L(\theta) = \frac1n \sum_i \big(\log(1 + e^{z_i}) - y_i z_i\big)"

    def __init__(
        self,
        data: Dataset | str = "circle",
        hidden: tuple[int, ...] = (8,),
        activation: str = "tanh",
        *,
        n: int = 500,
        noise: float = 0.1,
        test_fraction: float = 0.2,
        data_seed: int = 0,
        init_seed: int = 0,
    ):
        if isinstance(data, str):
            data = make_dataset(data, n=n, noise=noise, test_fraction=test_fraction, seed=data_seed)
        if data.n_classes != 2:
            raise ValueError(f"the MLP classifies two classes, the data set has {data.n_classes}")
        hidden = tuple(int(h) for h in hidden)
        if not 1 <= len(hidden) <= MAX_HIDDEN_LAYERS or not all(1 <= h <= MAX_UNITS for h in hidden):
            raise ValueError(
                f"hidden must be 1 to {MAX_HIDDEN_LAYERS} layers of 1 to {MAX_UNITS} units, got {hidden}"
            )
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; allowed: {', '.join(ACTIVATIONS)}")
        self.data, self.hidden, self.activation = data, hidden, activation
        self.sizes = (data.input_dim, *hidden, 1)
        blocks: dict[str, tuple[int, ...]] = {}
        for l, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:]), 1):
            blocks[f"W{l}"], blocks[f"b{l}"] = (fan_out, fan_in), (fan_out,)
        layout = Layout.of(blocks)
        self._layers = [
            (layout.span(f"W{l}"), layout.span(f"b{l}"), layout.block(f"W{l}").shape)
            for l in range(1, len(self.sizes))
        ]
        self._width = len(data.X_train) * max(self.sizes[1:])
        self._Xt = np.ascontiguousarray(data.X_train.T)  # (inputs, n): see _forward
        self._y = data.y_train.astype(float)
        self.n = len(self._y)  # training points: what a minibatch is drawn from
        super().__init__(layout, init_seed)

    def init(self, seed: int = 0) -> np.ndarray:
        """torch.nn.Linear's default initialisation, drawn layer by layer (W1, b1, W2, ...)."""
        rng = np.random.default_rng(seed)
        parts = {}
        for l, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:]), 1):
            bound = 1.0 / np.sqrt(fan_in)
            parts[f"W{l}"] = rng.uniform(-bound, bound, (fan_out, fan_in))
            parts[f"b{l}"] = rng.uniform(-bound, bound, fan_out)
        return self.layout.flatten(parts)

    def _forward(
        self, P: np.ndarray, Xt: np.ndarray, work: np.ndarray | None = None
    ) -> tuple[list[np.ndarray], np.ndarray, list]:
        """Activations as (..., units, n) (the inputs X^T first), the logits (..., n), the weights.

        Units by points, not points by units: a bias (..., units, 1) is then added along rows of
        n contiguous numbers, where NumPy's loops are fast; along rows of 16 they are ~5x slower.
        ``work`` (2, M, units, n), for P of shape (M, D) and the loss alone: layers alternate between
        its two halves instead of allocating (a loss slice calls this hundreds of times).
        """
        lead = P.shape[:-1]
        Ws = [P[..., w].reshape(lead + shape) for w, _, shape in self._layers]
        H = [Xt]
        relu = self.activation == "relu"
        for k, (W, (_, b, shape)) in enumerate(zip(Ws[:-1], self._layers)):
            Z = W @ H[-1] if work is None else np.matmul(W, H[-1], out=work[k % 2, : len(P), : shape[0]])
            Z += P[..., b, None]
            if relu:
                np.maximum(Z, 0.0, out=Z)
            else:
                np.tanh(Z, out=Z)
            H.append(Z)
        z = (Ws[-1] @ H[-1])[..., 0, :]
        z += P[..., self._layers[-1][1]]
        return H, z, Ws

    def _net(
        self, P: np.ndarray, Xt: np.ndarray, y: np.ndarray, grad: bool, work: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Mean logistic loss on points X (given as X^T) with labels y and, if asked, its gradient."""
        lead, n = P.shape[:-1], len(y)
        H, z, Ws = self._forward(P, Xt, None if grad else work)
        # softplus(z) - y z = max(z, 0) - y z + log1p(exp(-|z|)), without overflow
        e = np.exp(-np.abs(z))
        per_point = np.log1p(e)
        per_point += np.maximum(z, 0.0)
        per_point -= y * z
        loss = per_point.sum(-1) / n
        if not grad:
            return loss, None
        # dL/dz = (sigmoid(z) - y) / n, with sigmoid(z) = 1/(1+e) for z >= 0 and e/(1+e) below
        r = 1.0 / (1.0 + e)
        dz = np.where(z >= 0, r, e * r)
        dz -= y
        dz *= 1.0 / n
        E = dz[..., None, :]  # dL/dZ of the output layer, (..., 1, n)
        G = np.empty(lead + (self.dim,))
        relu = self.activation == "relu"
        ones = np.ones(n)
        for l in range(len(self._layers) - 1, -1, -1):
            w, b, _ = self._layers[l]
            # E = dL/dZ_l, (..., units, n): weight gradient E h_{l-1}^T, bias gradient E 1
            G[..., w] = (E @ H[l].swapaxes(-1, -2)).reshape(lead + (-1,))
            G[..., b] = E @ ones
            if l:
                dH = Ws[l].swapaxes(-1, -2) @ E
                A = H[l]
                if relu:
                    dH *= A > 0
                else:
                    dH *= 1.0 - A * A
                E = dH
        return loss, G

    def _evaluate(self, P: np.ndarray, grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        return self._net(P, self._Xt, self._y, grad)

    def loss(self, P: np.ndarray) -> np.ndarray:
        """The loss alone: big batches (a slice, the runner's recorded iterates) reuse one workspace."""
        P = as_params(P, self.dim)
        if P.ndim == 1:
            return self._net(P, self._Xt, self._y, False)[0]
        rows = max(1, LOSS_CHUNK_FLOATS // self._width)
        work = np.empty((2, min(rows, P[..., 0].size), max(self.sizes[1:]), self.n))
        net = lambda Q: self._net(Q, self._Xt, self._y, False, work)  # noqa: E731
        return in_chunks(P, self._width, net, LOSS_CHUNK_FLOATS)[0]

    def stochastic(self, batch_size: int | None, steps: int, seed: int) -> GradAt | None:
        """``grad(P, i)`` on the minibatch of 0-based step i, the same batch for every configuration."""
        if not check_batch(batch_size, len(self._y), steps):
            return None
        batches = step_batches(len(self._y), batch_size, steps, seed)
        width = batch_size * max(self.sizes[1:])

        def grad(P: np.ndarray, i: int) -> np.ndarray:
            idx = batches[i]
            Xt, y = np.ascontiguousarray(self._Xt[:, idx]), self._y[idx]
            P = as_params(P, self.dim)
            return in_chunks(P, width, lambda Q: self._net(Q, Xt, y, True))[1]

        def loss_and_grad(P: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
            idx = batches[i]
            Xt, y = np.ascontiguousarray(self._Xt[:, idx]), self._y[idx]
            return in_chunks(as_params(P, self.dim), width, lambda Q: self._net(Q, Xt, y, True))

        grad.loss_and_grad = loss_and_grad  # type: ignore[attr-defined]
        return grad

    def logits(self, P: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The logit (..., n) of points X (n, 2): positive means class 1 (decision boundaries)."""
        Xt = np.ascontiguousarray(np.asarray(X, dtype=float).T)
        return self._forward(as_params(P, self.dim), Xt)[1]

    def accuracy(self, P: np.ndarray, split: str = "train") -> np.ndarray:
        """Fraction of ``split`` ("train" or "test") points on their class's side of the boundary."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        d = self.data
        X, y = (d.X_train, d.y_train) if split == "train" else (d.X_test, d.y_test)
        if not len(y):
            raise ValueError("the data set has no test points (test_fraction=0)")
        return ((self.logits(P, X) > 0) == (y == 1)).mean(-1)
