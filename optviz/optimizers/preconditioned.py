"""Preconditioners beyond the diagonal: Shampoo, SOAP and L-BFGS (shared/optimizers.md, second table).

Both follow pytorch-optimizer 4.1.0 exactly in float64 (single-tensor code path). Each parameter
tensor gets one preconditioner matrix per dimension: a weight matrix W (m x n) a left m x m and a right
n x n one, a vector of length d one d x d matrix. On the 2-parameter problems (a layout of scalars
only) (w, b) is one vector of length 2, so Shampoo keeps ONE full 2 x 2 preconditioner (full-matrix
Adagrad, the rotation-aware contrast to diagonal Adagrad) and SOAP runs Adam in the 2 x 2 eigenbasis
(its ``precondition_1d`` switched on for that vector; a network's bias vectors keep the reference's
default, off, which is plain Adam).

Updates are batched: parameters ``(..., D)``, hyperparameters floats or arrays with one value per
configuration, matrices ``(..., k, k)``, every product a batched ``@`` and every decomposition a
batched ``np.linalg`` call, so a sweep cell equals its run bit for bit. The matrices live in ``packed``
state (``(..., S)``, S set by the layout), created on the first step as the reference creates its
state lazily. Without a step context (a bare ``update`` call) the whole vector is one tensor: the
2-parameter rule.

L-BFGS follows torch.optim.LBFGS with max_iter=1: one outer iteration (a two-loop direction and, with
line_search 1, torch's strong-Wolfe search) per step, on the flat vector. Its data-dependent parts
(the memory's length per history_size, skipped pairs, a vanished gradient, the search's trials) are
masks over the batch, so every configuration runs its own iterations and a sweep cell equals its run.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from ..layout import Layout
from ..spec import Param, StateVar
from .base import (
    HandStep,
    Optimizer,
    StepContext,
    active,
    beta1,
    beta2,
    epsilon,
    learning_rate,
    root,
    scalar,
    weight_decay,
)  # fmt: skip
from .frontier import lerp

#: One parameter tensor of the reference: where it sits on the flat vector and its shape.
Tensor = tuple[slice, tuple[int, ...]]


@lru_cache(maxsize=64)
def _layout_tensors(layout: Layout) -> tuple[Tensor, ...]:
    if all(not b.shape for b in layout.blocks):  # the 2-parameter problems: (w, b) as one vector
        return ((slice(0, layout.size), (layout.size,)),)
    for b in layout.blocks:
        if len(b.shape) > 2:
            raise ValueError(f"block {b.name!r}: matrix preconditioners take vectors and matrices only")
    return tuple((layout.span(b.name), b.shape) for b in layout.blocks)


def tensors(ctx: StepContext | None, d: int) -> tuple[Tensor, ...]:
    """The reference's parameter tensors: each block of the layout, or one vector of all D numbers
    when every block is a scalar (the 2-parameter rule) or no layout is given."""
    if ctx is None:
        return ((slice(0, d), (d,)),)
    return _layout_tensors(ctx.layout)


def per_config(x: Any) -> Any:
    """A hyperparameter as one value per configuration: a float, or ``(..., 1)`` of a sweep's array."""
    if isinstance(x, float):
        return x
    return float(x) if np.ndim(x) == 0 else np.asarray(x)[..., :1]


def as_matrix_factor(x: Any) -> Any:
    """``per_config`` shaped ``(..., 1, 1)`` to scale a batch of matrices."""
    return x if isinstance(x, float) else x[..., None]


def pack(mats: list[np.ndarray], lead: tuple[int, ...]) -> np.ndarray:
    """Matrices ``(..., k, k)`` laid end to end as one ``(..., S)`` array (``(..., 0)`` for none)."""
    if not mats:
        return np.zeros(lead + (0,))
    return np.concatenate([np.broadcast_to(m, lead + m.shape[-2:]).reshape(lead + (-1,)) for m in mats], -1)


def unpack(packed: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """The inverse of ``pack``: k x k matrices of the given sizes, in order."""
    out, start = [], 0
    for k in sizes:
        out.append(packed[..., start : start + k * k].reshape(packed.shape[:-1] + (k, k)))
        start += k * k
    return out


def swap(x: np.ndarray) -> np.ndarray:
    """The transpose of the last two axes (each matrix of a batch)."""
    return np.swapaxes(x, -1, -2)


def decomposable(mat: np.ndarray) -> tuple[np.ndarray, Any]:
    """``mat`` with every non-finite matrix of the batch replaced by I (LAPACK raises on NaN), and where
    those were: a diverged configuration of a sweep keeps stepping, its results must not stop the rest."""
    bad = ~np.isfinite(mat).all((-2, -1))
    if bad.any():
        mat = np.where(bad[..., None, None], np.eye(mat.shape[-1]), mat)
    return mat, bad


def inverse_root(mat: np.ndarray, power: int) -> np.ndarray:
    """``mat^(-1/power)`` by SVD, as pytorch-optimizer's compute_power_svd: u diag(s^(-1/power)) vh.

    torch evaluates ``s.pow(-0.5)`` as 1/sqrt(s) (its rsqrt case) and other exponents with pow. A
    non-finite matrix (a diverged configuration) gives NaN."""
    mat, bad = decomposable(mat)
    u, s, vh = np.linalg.svd(mat, full_matrices=False)
    s = 1.0 / np.sqrt(s) if power == 2 else np.float_power(s, -1.0 / power)
    root = (u * s[..., None, :]) @ vh
    return np.where(bad[..., None, None], np.nan, root) if bad.any() else root


def step_norm_ratio(grads: np.ndarray, params: np.ndarray) -> np.ndarray:
    """||step|| / ||g|| of every recorded step (0 where the gradient is 0): the effective step size."""
    step = np.sqrt((np.diff(params, axis=0) ** 2).sum(-1))
    g = np.sqrt((grads * grads).sum(-1))
    return np.where(g > 0, step / np.where(g > 0, g, 1.0), 0.0)


EFFECTIVE_STEP = StateVar(
    "effective_lr",
    "Effective step size: the length of the step divided by the length of the gradient.",
    r"\eta_{\text{eff}}",
    per_coordinate=False,
    derived=True,
)


def _effective(rec, grads, params, t, lr, hp):
    return {"effective_lr": step_norm_ratio(grads, params)}


# --- Shampoo -------------------------------------------------------------------------------------
class ShampooState(NamedTuple):
    momentum_buffer: np.ndarray
    pre_cond: np.ndarray
    inv_pre_cond: np.ndarray


def shampoo_init(p, hp):
    lead = p.shape[:-1]
    return ShampooState(np.zeros_like(p), np.zeros(lead + (0,)), np.zeros(lead + (0,)))


def shampoo_update(g, s, p, t, lr, hp, ctx: StepContext | None = None):
    parts = tensors(ctx, p.shape[-1])
    sizes = [k for _, shape in parts for k in shape]
    lead = p.shape[:-1]
    mom, wd = hp["momentum"], hp["weight_decay"]
    if t == 1:  # torch's lazy state: statistics epsilon * I, inverse roots 0, buffer the first gradient
        eps = as_matrix_factor(per_config(hp["epsilon"]))
        pre = [np.eye(k) * eps for k in sizes]
        inv = [np.zeros((k, k)) for k in sizes]
    else:
        pre, inv = unpack(s.pre_cond, sizes), unpack(s.inv_pre_cond, sizes)
        if active(mom):  # grad.lerp_(buffer, momentum); on step 1 the buffer is g itself
            g = lerp(g, s.momentum_buffer, per_config(mom))
    if active(wd):
        g = g + per_config(wd) * p
    steps = per_config(hp["preconditioning_compute_steps"])
    recompute = t % steps == 0
    if not isinstance(recompute, bool):
        recompute = recompute[..., None]
    new_pre, new_inv, update = [], [], np.empty(np.broadcast_shapes(g.shape, p.shape))
    i = 0
    for span, shape in parts:
        G = g[..., span].reshape(lead + shape)
        order = len(shape)
        if order == 0:  # a 0-d tensor has no dimension to precondition
            update[..., span] = G.reshape(lead + (1,))
            continue
        if order == 1:
            L = pre[i] + G[..., :, None] @ G[..., None, :]
            M = np.where(recompute, inverse_root(L, 2), inv[i]) if recompute is not False else inv[i]
            U = (G[..., None, :] @ M)[..., 0, :]  # grad_t @ inv_pre_cond: a row vector times the root
            new_pre.append(L)
            new_inv.append(M)
        else:
            L = pre[i] + G @ swap(G)
            R = pre[i + 1] + swap(G) @ G
            if recompute is False:
                ML, MR = inv[i], inv[i + 1]
            else:
                ML = np.where(recompute, inverse_root(L, 4), inv[i])
                MR = np.where(recompute, inverse_root(R, 4), inv[i + 1])
            U = (ML @ G) @ MR
            new_pre += [L, R]
            new_inv += [ML, MR]
        i += order
        update[..., span] = U.reshape(lead + (-1,))
    state = ShampooState(update, pack(new_pre, lead), pack(new_inv, lead))
    return p - lr * update, state


SHAMPOO = Optimizer(
    key="shampoo",
    name="Shampoo",
    family="frontier",
    paper="Gupta, Koren & Singer, Shampoo: Preconditioned Stochastic Tensor Optimization",
    year=2018,
    reference=(
        "pytorch_optimizer.Shampoo (pytorch-optimizer 4.1.0, its defaults; the authors' code is not on "
        "PyPI); (w, b) as one vector: one full 2 x 2 preconditioner"
    ),
    hparams=(
        learning_rate(1e-3),
        Param(
            "momentum",
            0.0,
            0.0,
            0.999,
            "linear",
            "Weight of the previous preconditioned step mixed into the gradient (0: none).",
            r"\mu",
        ),
        weight_decay(),
        Param(
            "epsilon",
            1e-6,
            1e-20,
            1.0,
            "log",
            "Starting value epsilon * I of every preconditioner: keeps its inverse root finite.",
            r"\epsilon",
        ),
        Param(
            "preconditioning_compute_steps",
            1,
            1,
            100,
            "log",
            "Recompute the inverse roots every this many steps (the step uses the last ones; "
            "before the first, none, so the parameters stay put).",
            "T",
            integer=True,
        ),
    ),  # fmt: skip
    state=(
        StateVar(
            "momentum_buffer",
            "The preconditioned step direction L^(-1/4) G R^(-1/4) (for a vector L^(-1/2) g), before lr.",
            "u",
        ),
        StateVar(
            "pre_cond",
            "Preconditioner statistics: epsilon I plus the sum of G G^T (and G^T G) over all steps.",
            "L",
            per_coordinate=False,
            packed=True,
        ),
        StateVar(
            "inv_pre_cond",
            "Inverse roots of the statistics, L^(-1/4) and R^(-1/4) (L^(-1/2) for a vector).",
            r"L^{-1/2}",
            per_coordinate=False,
            packed=True,
        ),
    ),  # fmt: skip
    latex=(
        r"\text{vector } g:\ L_t = L_{t-1} + g_t g_t^\top\ (L_0 = \epsilon I), \ "
        r"\theta_t = \theta_{t-1} - \eta\, L_t^{-1/2} g_t \\ "
        r"\text{matrix } G:\ L_t = L_{t-1} + G_t G_t^\top, \ R_t = R_{t-1} + G_t^\top G_t, \ "
        r"\theta_t = \theta_{t-1} - \eta\, L_t^{-1/4} G_t R_t^{-1/4}"
    ),
    init=shampoo_init,
    update=shampoo_update,
    derive=_effective,
    derived=(EFFECTIVE_STEP,),
    summary="Precondition with full matrices of summed gradient outer products, so steps follow rotated valleys.",
    by_hand=(
        HandStep("momentum_buffer", "", latex=r"L_t^{-1/2} g_t \text{ (matrix root, recorded)}"),
        HandStep("effective_lr", "lr*sqrt(dot(momentum_buffer, momentum_buffer))/sqrt(dot(g, g))"),
        HandStep("p", "p_prev - lr*momentum_buffer"),
    ),
    uses_context=True,
    cost=8.0,  # measured in benchmarks/bench_budget.py
    block_cost=1200,
)


# --- SOAP ----------------------------------------------------------------------------------------
class SoapState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    direction: np.ndarray
    GG: np.ndarray
    Q: np.ndarray


def soap_dims(parts: tuple[Tensor, ...], one_vector: bool) -> list[list[int]]:
    """The preconditioned dimension sizes of each tensor: both of a matrix, a vector's only with
    precondition_1d (on for the 2-parameter vector, the reference's default off for a bias)."""
    out = []
    for _, shape in parts:
        if len(shape) == 0:
            out.append([])
        elif len(shape) == 1:
            out.append(list(shape) if one_vector else [])
        else:
            out.append(list(shape))
    return out


def soap_init(p, hp):
    lead = p.shape[:-1]
    return SoapState(
        np.zeros_like(p), np.zeros_like(p), np.zeros_like(p), np.zeros(lead + (0,)), np.zeros(lead + (0,))
    )


def eigenbasis(GG: np.ndarray) -> np.ndarray:
    """Eigenvectors of GG + 1e-30 I by eigh, largest eigenvalue first (the reference flips eigh's order)."""
    mat, bad = decomposable(GG + 1e-30 * np.eye(GG.shape[-1]))
    _, q = np.linalg.eigh(mat)
    q = q[..., ::-1]
    return np.where(bad[..., None, None], np.nan, q) if bad.any() else q


def _qr_q_float32(A: np.ndarray) -> np.ndarray:
    """Q of A's QR in float32, as LAPACK's sgeqr2 + sorg2r compute it (Householder; torch's float32 QR).

    The reference casts its power iterate to float32 before ``torch.linalg.qr``; NumPy's QR would work in
    float64, so this is the unblocked Householder algorithm written out in float32 arithmetic (bit for
    bit torch's on 2 x 2 matrices, checked on 70,000 random ones), batched over the leading axes."""
    f = np.float32
    A = np.array(A, dtype=f)
    n = A.shape[-1]
    taus = []
    for i in range(n - 1):
        alpha = A[..., i, i].copy()
        x = A[..., i + 1 :, i]
        xnorm = np.sqrt((x * x).sum(-1, dtype=f)) if n - i - 1 > 1 else np.abs(x[..., 0])
        big, small = np.maximum(np.abs(alpha), xnorm), np.minimum(np.abs(alpha), xnorm)
        with np.errstate(all="ignore"):
            ratio = np.where(big > 0, small / np.where(big > 0, big, f(1)), f(0)).astype(f)
            norm = np.where(small == 0, big, big * np.sqrt(f(1) + ratio * ratio)).astype(f)
            beta = np.where(alpha >= 0, -norm, norm).astype(f)
            zero = xnorm == 0
            tau = np.where(zero, f(0), (beta - alpha) / np.where(zero, f(1), beta)).astype(f)
            scale = np.where(zero, f(1), alpha - beta).astype(f)
            v = np.where(zero[..., None], x, x / scale[..., None]).astype(f)
        A[..., i + 1 :, i] = v
        A[..., i, i] = np.where(zero, alpha, beta)
        # apply H = I - tau [1; v][1; v]^T to the trailing columns
        w = A[..., i, i + 1 :] + (v[..., :, None] * A[..., i + 1 :, i + 1 :]).sum(-2, dtype=f)
        A[..., i, i + 1 :] = A[..., i, i + 1 :] + (-tau)[..., None] * w
        A[..., i + 1 :, i + 1 :] = (
            A[..., i + 1 :, i + 1 :] + v[..., :, None] * ((-tau)[..., None] * w)[..., None, :]
        )
        taus.append(tau)
    Q = np.zeros(A.shape, dtype=f)
    Q[..., n - 1, n - 1] = 1
    for i in range(n - 2, -1, -1):  # sorg2r: build Q = H_1 ... H_{n-1} from the last reflector back
        tau, v = taus[i], A[..., i + 1 :, i]
        Q[..., i, i + 1 :] = 0
        w = (v[..., :, None] * Q[..., i + 1 :, i + 1 :]).sum(-2, dtype=f)
        t = (-tau)[..., None] * w
        Q[..., i, i + 1 :] = Q[..., i, i + 1 :] + t
        Q[..., i + 1 :, i + 1 :] = Q[..., i + 1 :, i + 1 :] + v[..., :, None] * t[..., None, :]
        Q[..., i + 1 :, i] = (-tau)[..., None] * v
        Q[..., i, i] = f(1) - tau
    return Q.astype(float)


def _along(order: np.ndarray, ndim: int, axis: int) -> np.ndarray:
    """Indices ``order`` (lead + (k,)) reshaped to pick along ``axis`` of an array of ``ndim`` dims."""
    lead = order.ndim - 1
    k = order.shape[-1]
    return order.reshape(order.shape[:-1] + (1,) * (axis - lead) + (k,) + (1,) * (ndim - axis - 1))


def refresh_basis(GG: np.ndarray, Q: np.ndarray, v: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """One power iteration and a float32 QR (the reference's get_orthogonal_matrix_qr): columns sorted by
    the estimated eigenvalue diag(Q^T GG Q), largest first, and v re-ordered along ``axis`` to match."""
    product = GG @ Q
    estimate = (Q * product).sum(-2)
    order = np.argsort(-estimate, axis=-1, kind="stable")
    v = np.take_along_axis(v, _along(order, v.ndim, axis), axis=axis)
    power_iter = np.take_along_axis(product, order[..., None, :], axis=-1)
    return _qr_q_float32(power_iter), v


def project(X: np.ndarray, qs: list[np.ndarray | None], back: bool = False) -> np.ndarray:
    """The reference's project: tensordot over each axis in turn with its Q (forward Q^T X, back Q X),
    an axis without a preconditioner passes through."""
    if len(qs) == 1:
        q = qs[0]
        if q is None:
            return X
        return (X[..., None, :] @ (swap(q) if back else q))[..., 0, :]
    QL, QR = qs
    if QL is None and QR is None:
        return X
    Y = swap(X) if QL is None else (swap(X) @ (swap(QL) if back else QL))  # (n, m)
    return swap(Y) if QR is None else (swap(Y) @ (swap(QR) if back else QR))


def outer(G: np.ndarray, axis: int) -> np.ndarray:
    """The reference's statistic of one axis: g g^T for a vector, G G^T (axis 0) or G^T G (axis 1)."""
    return G @ swap(G) if axis == 0 else swap(G) @ G


def _pow(beta: Any, step: int) -> Any:
    """beta**step with libm's pow, as the reference's math.pow (floats and arrays alike)."""
    return math.pow(beta, step) if isinstance(beta, float) else np.float_power(beta, step)


def soap_update(g, s, p, t, lr, hp, ctx: StepContext | None = None):
    d = p.shape[-1]
    parts = tensors(ctx, d)
    one_vector = ctx is None or all(not b.shape for b in ctx.layout.blocks)
    dims = soap_dims(parts, one_vector)
    lead = p.shape[:-1]
    b1, b2 = per_config(hp["beta1"]), per_config(hp["beta2"])
    w_stats = as_matrix_factor(1.0 - b2)  # shampoo_beta = beta2 (the reference's default None)
    stats = []
    for (span, shape), ds in zip(parts, dims):
        G = g[..., span].reshape(lead + shape)
        for axis in range(len(ds)):
            stats.append(G[..., :, None] @ G[..., None, :] if len(shape) == 1 else outer(G, axis))
    if t == 1:  # the first step only fills the statistics and takes their eigenbasis: p stays
        GG = [lerp(np.zeros_like(x), x, w_stats) for x in stats]
        Q = [eigenbasis(x) for x in GG]
        return p, SoapState(s.m, s.v, np.zeros_like(p), pack(GG, lead), pack(Q, lead))
    sizes = [k for ds in dims for k in ds]
    GG, Q = unpack(s.GG, sizes), unpack(s.Q, sizes)
    step = t - 1
    lr_c = per_config(lr)
    step_size = lr_c * (root(1.0 - _pow(b2, step)) / (1.0 - _pow(b1, step)))
    freq = per_config(hp["precondition_frequency"])
    refresh = step % freq == 0
    eps = hp["epsilon"]
    eps = eps if isinstance(eps, float) else per_config(eps)
    m_new, v_new, direction = np.empty_like(s.m), np.empty_like(s.v), np.empty_like(p)
    new_GG, new_Q = [], []
    i = 0
    for (span, shape), ds in zip(parts, dims):
        n_axes = len(ds)
        shape = shape or (1,)  # a 0-d tensor: plain Adam, as on an unpreconditioned vector
        qs: list[np.ndarray | None] = [None] * len(shape)
        for a in range(n_axes):
            qs[a] = Q[i + a]
        G = g[..., span].reshape(lead + shape)
        m = s.m[..., span].reshape(lead + shape)
        v = s.v[..., span].reshape(lead + shape)
        wide = (lambda x: x) if len(shape) <= 1 else as_matrix_factor
        m = lerp(m, G, wide(1.0 - b1))
        Gp = project(G, qs)
        v = lerp(v, Gp * Gp, wide(1.0 - b2))
        denom = np.sqrt(v) + wide(eps)
        n = project(project(m, qs) / denom, qs, back=True)
        for a in range(n_axes):
            gg = lerp(GG[i + a], stats[i + a], w_stats)
            q = Q[i + a]
            if refresh is not False:
                q_new, v_new_a = refresh_basis(gg, q, v, len(lead) + a)
                if refresh is True:
                    q, v = q_new, v_new_a
                else:
                    q = np.where(refresh[..., None], q_new, q)
                    v = np.where(wide(refresh), v_new_a, v)
            new_GG.append(gg)
            new_Q.append(q)
        i += n_axes
        m_new[..., span] = m.reshape(lead + (-1,))
        v_new[..., span] = v.reshape(lead + (-1,))
        direction[..., span] = n.reshape(lead + (-1,))
    p = p - step_size * direction
    wd = hp["weight_decay"]
    if active(wd):
        p = p * (1.0 - per_config(wd) * lr_c)
    return p, SoapState(m_new, v_new, direction, pack(new_GG, lead), pack(new_Q, lead))


SOAP = Optimizer(
    key="soap",
    name="SOAP",
    family="frontier",
    paper="Vyas et al., SOAP: Improving and Stabilizing Shampoo using Adam",
    year=2024,
    reference=(
        "pytorch_optimizer.SOAP (pytorch-optimizer 4.1.0, its defaults, shampoo_beta = beta2; "
        "(w, b) as one vector with precondition_1d on: the 2 x 2 eigenbasis)"
    ),
    hparams=(
        learning_rate(3e-3),
        beta1(0.95),
        beta2(0.95),
        weight_decay(1e-2),
        Param(
            "precondition_frequency",
            10,
            1,
            1000,
            "log",
            "Refresh the eigenbasis every this many steps (one power iteration and a QR).",
            "f",
            integer=True,
        ),
        epsilon(1e-8),
    ),  # fmt: skip
    state=(
        StateVar("m", "First moment: an EMA of the gradient g (in the original coordinates).", "m"),
        StateVar(
            "v", "Second moment: an EMA of the squared gradient rotated into the eigenbasis, Q^T g.", "v"
        ),
        StateVar(
            "direction",
            "Adam's step direction computed in the eigenbasis and rotated back: Q (Q^T m / (sqrt(v) + eps)).",
            "n",
        ),
        StateVar(
            "GG",
            "Preconditioner statistics: EMAs of G G^T (and G^T G) with beta2.",
            "GG",
            per_coordinate=False,
            packed=True,
        ),
        StateVar(
            "Q",
            "The eigenbasis of GG: Adam runs in these rotated coordinates.",
            "Q",
            per_coordinate=False,
            packed=True,
        ),
    ),  # fmt: skip
    latex=(
        r"GG_t = \beta_2 GG_{t-1} + (1-\beta_2)\, g_t g_t^\top, \ Q = \operatorname{eigh}(GG) "
        r"\text{ (step 1; then every } f \text{ steps a QR power step)} \\ "
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \ v_t = \beta_2 v_{t-1} + (1-\beta_2)(Q^\top g_t)^2 \\ "
        r"\theta_t = (1-\eta\lambda)\left(\theta_{t-1} - \eta \frac{\sqrt{1-\beta_2^{t-1}}}{1-\beta_1^{t-1}}\, "
        r"Q\, \frac{Q^\top m_t}{\sqrt{v_t} + \epsilon}\right) \text{ (step 1 only fills } GG)"
    ),
    init=soap_init,
    update=soap_update,
    derive=_effective,
    derived=(EFFECTIVE_STEP,),
    summary="Adam run in the rotated coordinates of Shampoo's preconditioner, refreshed every few steps.",
    by_hand=(
        HandStep("p", "p_prev", "t == 1"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g", "t > 1"),
        HandStep(
            "direction", "", "t > 1", latex=r"Q \frac{Q^\top m_t}{\sqrt{v_t} + \epsilon} \text{ (recorded)}"
        ),
        HandStep(
            "p",
            "(p_prev - lr*sqrt(1 - beta2**(t - 1))/(1 - beta1**(t - 1))*direction)*(1 - lr*weight_decay)",
            "t > 1",
        ),
    ),
    uses_context=True,
    cost=2.0,  # measured in benchmarks/bench_budget.py
    block_cost=1500,
)


# --- L-BFGS --------------------------------------------------------------------------------------
#: torch.optim.LBFGS's fixed settings: one outer iteration per step, and max_eval = max_iter * 5 // 4 = 1,
#: so the strong-Wolfe search gets max_eval - 1 = 0 iterations after its first trial: it tries the step
#: and keeps it only if the loss fell (else the step is 0). MAX_LS is that budget; the search below
#: handles any budget (every configuration iterating until its own search ends), as torch does.
TOLERANCE_GRAD, TOLERANCE_CHANGE, MAX_LS = 1e-7, 1e-9, 0
C1, C2 = 1e-4, 0.9


class LbfgsState(NamedTuple):
    d: np.ndarray
    prev_flat_grad: np.ndarray
    step_length: np.ndarray
    taken: np.ndarray
    H_diag: np.ndarray
    n_iter: np.ndarray
    stored: np.ndarray
    evals: np.ndarray
    func_evals: np.ndarray
    history: np.ndarray


def lbfgs_init(p, hp):
    capacity = int(np.max(hp["history_size"]))  # a sweep keeps room for its largest history
    history = np.zeros(p.shape[:-1] + (capacity * (2 * p.shape[-1] + 1),))
    z = scalar(p)
    return LbfgsState(np.zeros_like(p), np.zeros_like(p), z, z, z + 1.0, z, z, z, z, history)


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Inner products over the last axis, kept as (..., 1)."""
    return (a * b).sum(-1, keepdims=True)


def _history(packed: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(s pairs, y pairs, rho) from the packed history, oldest first: (..., H, D) twice and (..., H)."""
    lead, capacity = packed.shape[:-1], packed.shape[-1] // (2 * d + 1)
    S = packed[..., : capacity * d].reshape(lead + (capacity, d))
    Y = packed[..., capacity * d : 2 * capacity * d].reshape(lead + (capacity, d))
    return S, Y, packed[..., 2 * capacity * d :]


def lbfgs_update(g, s, p, t, lr, hp, ctx: StepContext | None = None):
    d_len = p.shape[-1]
    S, Y, rho = _history(s.history, d_len)
    capacity = rho.shape[-1]
    size = per_config(hp["history_size"])
    wolfe = per_config(hp["line_search"])
    searching = active(wolfe)
    if searching and ctx is None:
        raise ValueError("lbfgs: the strong-Wolfe search needs the step context (run, sweep or compare)")
    lr_c = per_config(lr)
    idle = np.abs(g).max(-1, keepdims=True) <= TOLERANCE_GRAD  # optimal: torch returns before anything
    n_iter = np.where(idle, s.n_iter, s.n_iter + 1.0)
    first = (n_iter == 1.0) & ~idle
    # update the memory with the last step's pair (s = d t, y = change of the gradient) when y.s > 1e-10
    y = g - s.prev_flat_grad
    step = s.d * s.step_length
    ys = dot(y, step)
    push = ~first & ~idle & (ys > 1e-10)
    stored = np.where(first, 0.0, s.stored)
    full = stored == size
    shifted = push & full
    if shifted.any():  # drop the oldest pair
        S = np.where(shifted[..., None], np.concatenate([S[..., 1:, :], np.zeros_like(S[..., :1, :])], -2), S)
        Y = np.where(shifted[..., None], np.concatenate([Y[..., 1:, :], np.zeros_like(Y[..., :1, :])], -2), Y)
        rho = np.where(shifted, np.concatenate([rho[..., 1:], np.zeros_like(rho[..., :1])], -1), rho)
    slot = np.where(full, size - 1.0, stored)
    write = push & (np.arange(capacity) == slot)
    safe_ys = np.where(push, ys, 1.0)
    S = np.where(write[..., None], step[..., None, :], S)
    Y = np.where(write[..., None], y[..., None, :], Y)
    rho = np.where(write, 1.0 / safe_ys, rho)
    stored = np.where(push & ~full, stored + 1.0, stored)
    H_diag = np.where(first, 1.0, np.where(push, safe_ys / np.where(push, dot(y, y), 1.0), s.H_diag))
    # two-loop recursion: r = -H g with the stored pairs, newest first then oldest first
    q = -g
    alphas = [None] * capacity
    used_slots = int(stored.max()) if stored.size else 0  # slots no configuration fills change nothing
    # a slot every configuration fills (always so in a single run) needs no mask: the same numbers, half
    # the array operations (a 100-pair history costs ~1,200 of them per step)
    everyone = int(stored.min()) if stored.size else 0
    for i in range(used_slots - 1, -1, -1):
        alphas[i] = dot(S[..., i, :], q) * rho[..., i : i + 1]
        step_i = q + (-alphas[i]) * Y[..., i, :]
        q = step_i if i < everyone else np.where(i < stored, step_i, q)
    r = q * H_diag
    for i in range(used_slots):
        beta = dot(Y[..., i, :], r) * rho[..., i : i + 1]
        step_i = r + (alphas[i] - beta) * S[..., i, :]
        r = step_i if i < everyone else np.where(i < stored, step_i, r)
    d = np.where(first, -g, r)
    guess = np.where(first, np.minimum(1.0, 1.0 / np.abs(g).sum(-1, keepdims=True)) * lr_c, lr_c)
    gtd = dot(g, d)
    move = ~idle & ~(gtd > -TOLERANCE_CHANGE)  # a direction that does not descend: no step
    step_length, evals = guess, np.ones_like(guess)
    if searching:
        step_length, ls_evals = strong_wolfe(ctx, p, guess, d, gtd, move & (wolfe > 0))
        step_length = np.where(wolfe > 0, step_length, guess)
        evals = evals + ls_evals
    taken = np.where(move, step_length, 0.0)
    p_new = np.where(move, p + step_length * d, p)
    state = LbfgsState(
        np.where(idle, s.d, d),
        np.where(idle, s.prev_flat_grad, g),
        np.where(idle, s.step_length, step_length),
        taken,
        H_diag,
        n_iter,
        stored,
        evals,
        s.func_evals + evals,
        np.concatenate([S.reshape(S.shape[:-2] + (-1,)), Y.reshape(Y.shape[:-2] + (-1,)), rho], -1),
    )
    return p_new, state


def cubic_minimum(x1, f1, g1, x2, f2, g2, low, high):
    """torch's _cubic_interpolate: the minimiser of the cubic through two points with slopes, clipped
    to [low, high], or the middle when the cubic has none (elementwise over configurations)."""
    with np.errstate(all="ignore"):
        d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        d2_square = d1**2 - g1 * g2
        d2 = np.sqrt(np.where(d2_square >= 0, d2_square, 0.0))
        ahead = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        behind = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        min_pos = np.where(x1 <= x2, ahead, behind)
        clipped = np.minimum(np.maximum(min_pos, low), high)
    return np.where(d2_square >= 0, clipped, (low + high) / 2.0)


def strong_wolfe(ctx: StepContext, p, t, d, gtd, searching, max_ls: int | None = None):
    """torch's _strong_wolfe for every configuration at once: each one brackets and zooms until its
    own search ends (masks), so a configuration's numbers do not depend on the others'.

    Returns the step length and the number of loss-and-gradient evaluations it cost (0 where
    ``searching`` is False)."""
    max_ls = MAX_LS if max_ls is None else max_ls
    f, _ = ctx.loss_and_grad_at(p)
    f = np.reshape(np.asarray(f, dtype=float), np.shape(gtd))

    def evaluate(step):
        loss, grad = ctx.loss_and_grad_at(p + step * d)
        return np.reshape(loss, step.shape), dot(grad, d)

    d_norm = np.abs(d).max(-1, keepdims=True)
    f_new, gtd_new = evaluate(t)
    evals = np.where(searching, 1.0, 0.0)
    zero = np.zeros_like(t)
    t_prev, f_prev, gtd_prev = zero, f, gtd
    # bracketing phase: running = still looking; done = Wolfe point found
    running = searching.copy()
    done = np.zeros_like(searching)
    lo, hi = zero, t
    f_lo, f_hi, g_lo, g_hi = f, f_new, gtd, gtd_new
    ls_iter = np.zeros_like(t)
    for _ in range(max_ls):
        if not running.any():
            break
        armijo_fails = (f_new > f + C1 * t * gtd) | ((ls_iter > 1) & (f_new >= f_prev))
        wolfe = np.abs(gtd_new) <= -C2 * gtd
        uphill = gtd_new >= 0
        bracket = running & (armijo_fails | (~wolfe & uphill))
        found = running & ~armijo_fails & wolfe
        lo, hi = np.where(bracket, t_prev, lo), np.where(bracket, t, hi)
        f_lo, f_hi = np.where(bracket, f_prev, f_lo), np.where(bracket, f_new, f_hi)
        g_lo, g_hi = np.where(bracket, gtd_prev, g_lo), np.where(bracket, gtd_new, g_hi)
        lo, f_lo = np.where(found, t, lo), np.where(found, f_new, f_lo)
        done |= found
        running &= ~(bracket | found)
        if not running.any():
            break
        t_next = cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, t + 0.01 * (t - t_prev), t * 10)
        t_prev = np.where(running, t, t_prev)
        f_prev, gtd_prev = np.where(running, f_new, f_prev), np.where(running, gtd_new, gtd_prev)
        t = np.where(running, t_next, t)
        f_try, g_try = evaluate(t)
        f_new, gtd_new = np.where(running, f_try, f_new), np.where(running, g_try, gtd_new)
        evals = evals + running
        ls_iter = ls_iter + running
    # out of budget while bracketing: the bracket is [0, t]
    out = running & (ls_iter == max_ls)
    lo, hi = np.where(out, 0.0, lo), np.where(out, t, hi)
    f_lo, f_hi = np.where(out, f, f_lo), np.where(out, f_new, f_hi)
    # bracket = [lo, hi] in torch's order; low_pos picks the end with the smaller loss
    b0, b1, f0, f1, gt0, gt1 = lo, hi, f_lo, f_hi, g_lo, g_hi
    single = done  # a bracket of one point: its t is the answer
    low_first = f0 <= f1
    zooming = searching & ~done & (ls_iter < max_ls)
    insufficient = np.zeros_like(searching)
    for _ in range(max_ls):
        zooming &= ~(np.abs(b1 - b0) * d_norm < TOLERANCE_CHANGE)
        if not zooming.any():
            break
        t_z = cubic_minimum(b0, f0, gt0, b1, f1, gt1, np.minimum(b0, b1), np.maximum(b0, b1))
        top, bottom = np.maximum(b0, b1), np.minimum(b0, b1)
        eps = 0.1 * (top - bottom)
        near = np.minimum(top - t_z, t_z - bottom) < eps
        at_edge = insufficient | (t_z >= top) | (t_z <= bottom)
        moved = near & at_edge
        t_z = np.where(
            moved, np.where(np.abs(t_z - top) < np.abs(t_z - bottom), top - eps, bottom + eps), t_z
        )
        insufficient = np.where(near, ~at_edge, False)
        f_z, g_z = evaluate(t_z)
        evals = evals + zooming
        ls_iter = ls_iter + zooming
        f_low = np.where(low_first, f0, f1)
        worse = (f_z > f + C1 * t_z * gtd) | (f_z >= f_low)
        # worse: the new point replaces the high end; else it becomes the low end
        replace_high = zooming & worse
        wolfe = np.abs(g_z) <= -C2 * gtd
        better = zooming & ~worse
        b_low = np.where(low_first, b0, b1)
        b_high = np.where(low_first, b1, b0)
        flip = better & ~wolfe & (g_z * (b_high - b_low) >= 0)  # old high becomes new low
        # high end := new point (worse) or := old low (flip)
        high_is_1 = low_first
        new_high_t = np.where(replace_high, t_z, np.where(flip, b_low, b_high))
        new_high_f = np.where(
            replace_high, f_z, np.where(flip, np.where(low_first, f0, f1), np.where(low_first, f1, f0))
        )
        new_high_g = np.where(
            replace_high, g_z, np.where(flip, np.where(low_first, gt0, gt1), np.where(low_first, gt1, gt0))
        )
        new_low_t = np.where(better, t_z, b_low)
        new_low_f = np.where(better, f_z, np.where(low_first, f0, f1))
        new_low_g = np.where(better, g_z, np.where(low_first, gt0, gt1))
        nb0 = np.where(high_is_1, new_low_t, new_high_t)
        nb1 = np.where(high_is_1, new_high_t, new_low_t)
        nf0 = np.where(high_is_1, new_low_f, new_high_f)
        nf1 = np.where(high_is_1, new_high_f, new_low_f)
        ng0 = np.where(high_is_1, new_low_g, new_high_g)
        ng1 = np.where(high_is_1, new_high_g, new_low_g)
        b0, b1 = np.where(zooming, nb0, b0), np.where(zooming, nb1, b1)
        f0, f1 = np.where(zooming, nf0, f0), np.where(zooming, nf1, f1)
        gt0, gt1 = np.where(zooming, ng0, gt0), np.where(zooming, ng1, gt1)
        low_first = np.where(replace_high, f0 <= f1, low_first)
        finished = better & wolfe
        zooming &= ~finished & (ls_iter < max_ls)
    step = np.where(single, lo, np.where(low_first, b0, b1))
    return np.where(searching, step, t), evals


LBFGS = Optimizer(
    key="lbfgs",
    name="L-BFGS",
    family="classic",
    paper="Liu & Nocedal, On the Limited Memory BFGS Method for Large Scale Optimization",
    year=1989,
    reference=(
        "torch.optim.LBFGS (max_iter=1: one outer iteration per step, so max_eval=1; tolerance_grad 1e-7, "
        "tolerance_change 1e-9)"
    ),
    hparams=(
        Param(
            "learning_rate",
            1.0,
            1e-6,
            10.0,
            "log",
            "Step length tried along the L-BFGS direction (on the first step scaled by min(1, 1/sum|g|)).",
            r"\eta",
        ),
        Param(
            "history_size",
            10,
            1,
            100,
            "log",
            "How many recent (step, gradient change) pairs shape the curvature estimate.",
            "m",
            integer=True,
        ),
        Param(
            "line_search",
            0,
            0,
            1,
            "linear",
            "0: no line search, step the learning rate; 1: strong Wolfe (torch's, with one trial per "
            "step: the step is kept only if the loss falls).",
            r"\text{ls}",
            integer=True,
        ),
    ),  # fmt: skip
    state=(
        StateVar("d", "Search direction -H g from the two-loop recursion over the stored pairs.", "d"),
        StateVar(
            "prev_flat_grad", "Gradient of the previous step (its change y enters the memory).", "g_{t-1}"
        ),
        StateVar(
            "step_length",
            "Step length t along d (torch's; kept for the next pair s = t d).",
            r"\alpha",
            per_coordinate=False,
        ),
        StateVar(
            "taken",
            "Step length actually taken (0 when the trial was rejected or d does not descend).",
            r"\alpha_{\text{taken}}",
            per_coordinate=False,
        ),
        StateVar(
            "H_diag", "Scale y.s / y.y of the initial inverse Hessian.", r"\gamma", per_coordinate=False
        ),
        StateVar(
            "n_iter",
            "Outer iterations so far (one per step unless the gradient vanished).",
            "k",
            per_coordinate=False,
        ),
        StateVar("stored", "Number of (s, y) pairs in the memory.", r"\#", per_coordinate=False),
        StateVar(
            "evals",
            "Loss-and-gradient evaluations this step cost (1, plus the line search's trials).",
            r"n_{\text{eval}}",
            per_coordinate=False,
        ),
        StateVar(
            "func_evals", "Loss-and-gradient evaluations so far.", r"N_{\text{eval}}", per_coordinate=False
        ),
        StateVar(
            "history",
            "The stored pairs s = t d and y = change of g, and rho = 1/(y.s).",
            "(s, y)",
            per_coordinate=False,
            packed=True,
        ),
    ),  # fmt: skip
    latex=(
        r"s_{k} = \alpha_{k} d_{k}, \ y_{k} = g_{t} - g_{t-1} \text{ (kept if } y^\top s > 10^{-10}\text{; the last } m\text{)} \\ "
        r"d_t = -H_t g_t \text{ (two-loop recursion, } H_0 = \tfrac{y^\top s}{y^\top y} I\text{)}, \ "
        r"\alpha_t = \eta \ (\text{step 1: } \eta \min(1, 1/\lVert g_1 \rVert_1)) \\ "
        r"\theta_t = \theta_{t-1} + \alpha_t d_t \text{ (strong Wolfe: only if the loss falls)}"
    ),
    init=lbfgs_init,
    update=lbfgs_update,
    derive=_effective,
    derived=(EFFECTIVE_STEP,),
    summary="Quasi-Newton: build a curvature estimate from the last few steps and gradient changes.",
    by_hand=(
        HandStep("d", "", latex=r"-H_t g_t \text{ (two-loop recursion, recorded)}"),
        HandStep("gtd", "dot(g, d)", symbol=r"g_t^\top d_t"),
        HandStep(
            "taken",
            "",
            latex=r"\alpha_t \text{ if } g_t^\top d_t < 0 \text{ (and, with the line search, the loss fell), else } 0",
        ),
        HandStep("p", "p_prev + taken*d"),
    ),
    uses_context=True,
    cost=11.0,  # measured in benchmarks/bench_budget.py
    block_cost=400,
)

OPTIMIZERS = (SHAMPOO, SOAP, LBFGS)
