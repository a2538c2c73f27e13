"""Structure-aware optimizers: Muon, LAMB, LARS and Adafactor (shared/optimizers.md, second table).

They read the problem's layout (``ctx.layout``) because their rules act on whole parameter tensors:
Muon orthogonalises each weight matrix, LAMB and LARS scale each tensor's step by a trust ratio
||theta|| / ||update||, Adafactor factors the second moment of each matrix into row and column
averages and caps each tensor's step by its RMS. As ``torch.optim`` and ``optax`` see tensors, the
groups are the layout's vector and matrix blocks, with all scalar blocks together as one tensor:
on the 2-parameter problems (w, b) is one tensor, a 1 x 2 matrix for Muon (so Muon there is
normalised momentum) and a vector of 2 for the others (so Adafactor is unfactored there).

Every update takes parameters of any leading batch shape ``(..., D)`` with hyperparameters as
broadcastable arrays; the only loop is over the layout's groups (matrix products are batched
``@``). Each follows its reference in float64: torch.optim.Muon (its Newton-Schulz iteration in
float64, where torch casts to bfloat16), optax.lamb, optax.lars and torch.optim.Adafactor.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..layout import Layout
from ..spec import Param, StateVar
from .adaptive import M_HAT, V_HAT, M, V, adam_step, moments
from .base import (
    HandStep,
    Optimizer,
    StepContext,
    active,
    beta1,
    beta2,
    bias,
    col,
    learning_rate,
    momentum,
    power,
    weight_decay,
)  # fmt: skip
from .frontier import lerp


# --- tensors of the layout -------------------------------------------------------------------------
class Group(NamedTuple):
    """One parameter tensor as the references see it: where it sits on the flat vector and its shape.
    ``scalars`` marks the tensor made of every scalar block together (the 2-D problems' (w, b))."""

    index: slice | np.ndarray
    shape: tuple[int, ...]
    scalars: bool = False

    @property
    def size(self) -> int:
        return math.prod(self.shape)


_WHOLE: dict[int, tuple[Group, ...]] = {}
_GROUPS: dict[int, tuple[Layout, tuple[Group, ...]]] = {}


def groups(ctx: StepContext | None, d: int) -> tuple[Group, ...]:
    """The parameter tensors of the step's layout; without a context, all D numbers as one tensor
    (the layout of the 2-D problems, whose blocks are all scalars)."""
    if ctx is None:
        found = _WHOLE.get(d)
        if found is None:
            found = _WHOLE[d] = (Group(slice(None), (d,), True),)
        return found
    layout = ctx.layout
    hit = _GROUPS.get(id(layout))  # by identity: a layout's hash walks its blocks, every step
    if hit is None or hit[0] is not layout:
        if len(_GROUPS) >= 64:  # problems built and dropped (a session's networks): start over
            _GROUPS.clear()
        hit = _GROUPS[id(layout)] = (layout, _layout_groups(layout))
    return hit[1]


def _layout_groups(layout: Layout) -> tuple[Group, ...]:
    scalars = [layout.span(b.name).start for b in layout.blocks if not b.shape]
    out = [Group(layout.span(b.name), b.shape) for b in layout.blocks if b.shape]
    if scalars:
        index = slice(None) if len(scalars) == layout.size else np.array(scalars)
        out.insert(0, Group(index, (len(scalars),), True))
    return tuple(out)


def whole(gs: tuple[Group, ...]) -> bool:
    """True when one group covers every coordinate in order (no gather or scatter needed)."""
    return len(gs) == 1 and isinstance(gs[0].index, slice) and gs[0].index == slice(None)


def per_config(x: Any) -> Any:
    """A hyperparameter as one number per configuration, shape ``(..., 1)`` (a sweep repeats each
    configuration's value across the D coordinates; these rules apply it per tensor)."""
    return x[..., :1] if isinstance(x, np.ndarray) and x.ndim else x


def norm(x: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis (one tensor, flattened), kept as ``(..., 1)``."""
    return np.sqrt(np.add.reduce(x * x, axis=-1, keepdims=True))


def assemble(parts: list[tuple[Group, np.ndarray]], like: np.ndarray) -> np.ndarray:
    """Every group's ``(..., size)`` result written back into one ``(..., D)`` array."""
    lead = np.broadcast_shapes(like.shape[:-1], *(x.shape[:-1] for _, x in parts))
    out = np.empty(lead + like.shape[-1:])
    for grp, x in parts:
        out[..., grp.index] = x
    return out


def split(gs: tuple[Group, ...], *arrays: np.ndarray) -> list[tuple[Group, list[np.ndarray]]]:
    """Each group with its slice of every array (the arrays themselves for one whole group)."""
    if whole(gs):
        return [(gs[0], list(arrays))]
    return [(grp, [a[..., grp.index] for a in arrays]) for grp in gs]


def trust_ratio(
    p: np.ndarray, u: np.ndarray, gs: tuple[Group, ...], coefficient: Any, eps: Any
) -> np.ndarray:
    """optax.scale_by_trust_ratio per tensor: coefficient ||p|| / (||u|| + eps), or 1 when either
    norm is 0 (a tensor at the origin, or a zero update, still moves), per coordinate ``(..., D)``."""
    parts = []
    for grp, (pb, ub) in split(gs, p, u):
        pn, un = norm(pb), norm(ub)
        zero = (pn == 0.0) | (un == 0.0)
        ratio = np.where(zero, 1.0, coefficient * pn / np.where(zero, 1.0, un + eps))  # no 0/0 warning
        parts.append((grp, np.broadcast_to(ratio, np.broadcast_shapes(ratio.shape, pb.shape))))
    return assemble(parts, p)


def moved_per_gradient(grads: np.ndarray, params: np.ndarray) -> np.ndarray:
    """|theta_t - theta_{t-1}| / |g_t| per coordinate (0 where g_t = 0): the step a rule that is not
    a per-coordinate scaling of g (Muon, Adafactor's capped step) took per unit of gradient."""
    moved = np.abs(np.diff(params, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(grads != 0.0, moved / np.abs(grads), 0.0)


# --- Muon ------------------------------------------------------------------------------------------
NS_COEFFICIENTS = (3.4445, -4.775, 2.0315)
NS_STEPS = 5
#: The AdamW that takes every tensor Muon does not (vectors): torch.optim.AdamW's own defaults.
MUON_ADAMW = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 1e-2}


class MuonState(NamedTuple):
    m: np.ndarray
    v: np.ndarray


def muon_init(p, hp):
    return MuonState(np.zeros_like(p), np.zeros_like(p))


def newton_schulz(u: np.ndarray, rows: int, cols: int, eps: Any) -> np.ndarray:
    """torch.optim.Muon's quintic Newton-Schulz iteration on ``(..., rows*cols)`` flat matrices, in
    float64: scale to Frobenius norm 1, then X <- aX + (bA + cA^2)X with A = X X^T, five times, on the
    wide orientation (X^T when rows > cols). It drives every singular value towards ~1."""
    lead = u.shape[:-1]
    X = (u / np.maximum(norm(u), eps)).reshape(lead + (rows, cols))
    tall = rows > cols
    if tall:
        X = np.swapaxes(X, -1, -2)
    a, b, c = NS_COEFFICIENTS
    for _ in range(NS_STEPS):
        A = X @ np.swapaxes(X, -1, -2)
        X = a * X + (b * A + c * (A @ A)) @ X
    if tall:
        X = np.swapaxes(X, -1, -2)
    return X.reshape(lead + (rows * cols,))


def muon_update(g, s, p, t, lr, hp, ctx=None):
    gs = groups(ctx, p.shape[-1])
    lr1, mu, eps, wd = (per_config(x) for x in (lr, hp["momentum"], hp["epsilon"], hp["weight_decay"]))
    parts_p, parts_m, parts_v = [], [], []
    for grp, (gb, pb, mb, vb) in split(gs, g, p, s.m, s.v):
        if grp.scalars or len(grp.shape) == 2:  # Muon: a weight matrix, or the scalars as one row
            rows, cols = grp.shape if len(grp.shape) == 2 else (1, grp.size)
            mb = lerp(mb, gb, 1.0 - mu)
            u = lerp(gb, mb, mu)  # Nesterov: the gradient pulled towards the new momentum
            o = newton_schulz(u, rows, cols, eps)
            if active(wd):
                pb = pb * (1.0 - lr1 * wd)
            pb = pb - (lr1 * math.sqrt(max(1.0, rows / cols))) * o
        else:  # every other tensor: torch.optim.AdamW with its defaults and Muon's learning rate
            pb = pb * (1.0 - lr1 * MUON_ADAMW["weight_decay"])
            mb, vb = moments(gb, mb, vb, MUON_ADAMW["beta1"], MUON_ADAMW["beta2"])
            pb = adam_step(pb, mb, vb, t, lr1, MUON_ADAMW)
        parts_p.append((grp, pb))
        parts_m.append((grp, mb))
        parts_v.append((grp, vb))
    if whole(gs):
        return parts_p[0][1], MuonState(parts_m[0][1], parts_v[0][1])
    return assemble(parts_p, p), MuonState(assemble(parts_m, p), assemble(parts_v, p))


def muon_derive(rec, grads, params, t, lr, hp):
    return {"effective_lr": moved_per_gradient(grads, params)}


MOVED = StateVar(
    "effective_lr",
    "Distance each coordinate moved per unit of gradient, |Δθ| / |g| (0 where g = 0).",
    r"\eta_{\text{eff}}",
    derived=True,
)

MUON = Optimizer(
    key="muon",
    name="Muon",
    family="frontier",
    paper="Jordan et al., Muon: An optimizer for hidden layers in neural networks (blog post)",
    year=2024,
    reference=(
        "torch.optim.Muon (nesterov=True, ns_steps=5, coefficients (3.4445, -4.775, 2.0315), "
        "adjust_lr_fn=None; Newton-Schulz in float64, not torch's bfloat16); vectors: torch.optim.AdamW defaults"
    ),
    hparams=(
        Param(
            "learning_rate",
            0.02,
            1e-6,
            10.0,
            "log",
            "Step size: an orthogonalised step moves each direction of a matrix by about this much.",
            r"\eta",
        ),
        momentum(0.95),
        Param(
            "epsilon",
            1e-7,
            1e-20,
            1.0,
            "log",
            "Floor on the momentum's norm before Newton-Schulz divides by it.",
            r"\epsilon",
        ),
        weight_decay(),
    ),  # fmt: skip
    state=(
        StateVar("m", "Momentum: an EMA of g (beta1 = 0.9 on the tensors AdamW takes).", "m"),
        StateVar("v", "AdamW's second moment, on tensors that are not matrices (0 on Muon's).", "v"),
    ),
    latex=(
        r"m_t = \mu m_{t-1} + (1-\mu)\, g_t, \ \tilde g_t = (1-\mu)\, g_t + \mu\, m_t \\ "
        r"X_0 = \tilde g_t / \max(\lVert \tilde g_t \rVert_F, \epsilon), \ "
        r"X_{k+1} = a X_k + (b A_k + c A_k^2) X_k,\ A_k = X_k X_k^\top \ (5\times) \\ "
        r"\theta_t = (1-\eta\lambda)\,\theta_{t-1} - \eta \sqrt{\max(1, r/c)}\; X_5"
    ),
    init=muon_init,
    update=muon_update,
    derive=muon_derive,
    derived=(MOVED,),
    summary="Momentum whose step on each weight matrix is orthogonalised: every direction moves by about the same amount.",
    by_hand=(  # the 2-D problems: (w, b) is one 1 x 2 matrix, so A = X X^T is the number X.X
        HandStep("m", "m_prev + (1 - momentum)*(g - m_prev)"),
        HandStep("u", "momentum*m + (1 - momentum)*g", symbol=r"\tilde g_t"),
        HandStep("o", "u/max(sqrt(dot(u, u)), epsilon)", symbol="X"),
        *(HandStep("o", "(3.4445 - 4.775*dot(o, o) + 2.0315*dot(o, o)**2)*o") for _ in range(NS_STEPS)),
        HandStep("p", "p_prev*(1 - lr*weight_decay) - lr*o"),
    ),
    uses_context=True,
    cost=1.5,  # measured in benchmarks/bench_budget.py
    block_cost=500,
)


# --- LAMB ------------------------------------------------------------------------------------------
class LambState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    trust_ratio: np.ndarray


def lamb_init(p, hp):
    return LambState(*np.zeros((3, *p.shape)))


def lamb_update(g, s, p, t, lr, hp, ctx=None):
    b1, b2 = hp["beta1"], hp["beta2"]
    m = (1.0 - b1) * g + b1 * s.m  # optax's moments: (1 - decay) g + decay m
    v = (1.0 - b2) * (g * g) + b2 * s.v
    u = (m / bias(b1, t)) / (np.sqrt(v / bias(b2, t)) + hp["epsilon"])
    wd = hp["weight_decay"]
    if active(wd):
        u = u + wd * p
    gs = groups(ctx, p.shape[-1])
    r = trust_ratio(p, u, gs, 1.0, 0.0)
    return p - lr * (u * r), LambState(m, v, r)


def lamb_derive(rec, grads, params, t, lr, hp):
    tc = col(t)
    v_hat = rec["v"] / bias(hp["beta2"], tc)
    return {
        "m_hat": rec["m"] / bias(hp["beta1"], tc),
        "v_hat": v_hat,
        "effective_lr": col(lr) * rec["trust_ratio"] / (np.sqrt(v_hat) + hp["epsilon"]),
    }


TRUST = StateVar(
    "trust_ratio",
    "Trust ratio of the coordinate's tensor: ||θ|| / ||update|| (1 when either is 0).",
    r"r",
)

LAMB = Optimizer(
    key="lamb",
    name="LAMB",
    family="adaptive",
    paper="You et al., Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
    year=2019,
    reference="optax.lamb (eps_root=0; trust ratio per tensor, (w, b) as one tensor)",
    hparams=(
        learning_rate(1e-3),
        beta1(0.9),
        beta2(0.999),
        Param(
            "epsilon",
            1e-6,
            1e-20,
            1.0,
            "log",
            "Added to sqrt(v_hat) in Adam's denominator; when large, the direction becomes momentum.",
            r"\epsilon",
        ),
        weight_decay(),
    ),  # fmt: skip
    state=(M, V, TRUST),
    latex=(
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
        r"u_t = \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda\theta_{t-1}, \ "
        r"r_t = \frac{\lVert \theta_{t-1} \rVert}{\lVert u_t \rVert} \ (1 \text{ if either is } 0) \\ "
        r"\theta_t = \theta_{t-1} - \eta\, r_t\, u_t \quad \text{(per tensor)}"
    ),
    init=lamb_init,
    update=lamb_update,
    derive=lamb_derive,
    derived=(
        M_HAT,
        V_HAT,
        StateVar(
            "effective_lr",
            "Per-coordinate step size multiplying m_hat: lr r / (sqrt(v_hat) + eps).",
            r"\eta_{\text{eff}}",
            derived=True,
        ),
    ),  # fmt: skip
    summary="Adam whose step on each tensor is rescaled to a fixed fraction of that tensor's norm.",
    by_hand=(
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("u", "m_hat/(sqrt(v_hat) + epsilon) + weight_decay*p_prev", symbol="u_t"),
        HandStep(
            "trust_ratio",
            "sqrt(dot(p_prev, p_prev))/sqrt(dot(u, u))",
            "min(dot(p_prev, p_prev), dot(u, u)) > 0",
        ),
        HandStep("trust_ratio", "1", "min(dot(p_prev, p_prev), dot(u, u)) == 0"),
        HandStep("effective_lr", "lr*trust_ratio/(sqrt(v_hat) + epsilon)"),
        HandStep("p", "p_prev - lr*trust_ratio*u"),
    ),
    uses_context=True,
    cost=1.0,  # measured in benchmarks/bench_budget.py
    block_cost=250,
)


# --- LARS ------------------------------------------------------------------------------------------
class LarsState(NamedTuple):
    m: np.ndarray
    trust_ratio: np.ndarray


def lars_init(p, hp):
    return LarsState(np.zeros_like(p), np.zeros_like(p))


def lars_update(g, s, p, t, lr, hp, ctx=None):
    wd = hp["weight_decay"]
    u = g + wd * p if active(wd) else g
    gs = groups(ctx, p.shape[-1])
    r = trust_ratio(p, u, gs, hp["trust_coefficient"], hp["epsilon"])
    m = lr * (u * r) + hp["momentum"] * s.m  # optax's trace holds -m: the same numbers, negated
    return p - m, LarsState(m, r)


def lars_derive(rec, grads, params, t, lr, hp):
    return {"effective_lr": col(lr) * rec["trust_ratio"]}


LARS = Optimizer(
    key="lars",
    name="LARS",
    family="classic",
    paper="You, Gitman & Ginsburg, Large Batch Training of Convolutional Networks",
    year=2017,
    reference="optax.lars (nesterov=False; trust ratio per tensor, (w, b) as one tensor)",
    hparams=(
        learning_rate(0.1),
        momentum(0.9),
        Param(
            "trust_coefficient",
            1e-3,
            1e-6,
            10.0,
            "log",
            "Fraction of the tensor's norm a step may move it, before the learning rate: η' = c ||θ|| / ||g||.",
            r"c",
        ),
        Param(
            "epsilon",
            0.0,
            0.0,
            1.0,
            "linear",
            "Added to the update's norm in the trust ratio's denominator (0 as in optax).",
            r"\epsilon",
        ),
        weight_decay(),
    ),  # fmt: skip
    state=(
        StateVar("m", "Momentum of the scaled steps: lr r u plus momentum times the last one.", "m"),
        TRUST,
    ),
    latex=(
        r"u_t = g_t + \lambda\theta_{t-1}, \ "
        r"r_t = \frac{c\,\lVert \theta_{t-1} \rVert}{\lVert u_t \rVert + \epsilon} \ (1 \text{ if a norm is } 0) \\ "
        r"m_t = \mu m_{t-1} + \eta\, r_t\, u_t, \ \theta_t = \theta_{t-1} - m_t \quad \text{(per tensor)}"
    ),
    init=lars_init,
    update=lars_update,
    derive=lars_derive,
    derived=(
        StateVar(
            "effective_lr",
            "Per-coordinate step size multiplying the gradient: lr r.",
            r"\eta_{\text{eff}}",
            derived=True,
        ),
    ),  # fmt: skip
    summary="Momentum SGD whose step on each tensor is scaled to a fixed fraction of that tensor's norm.",
    by_hand=(
        HandStep("u", "g + weight_decay*p_prev", symbol="u_t"),
        HandStep(
            "trust_ratio",
            "trust_coefficient*sqrt(dot(p_prev, p_prev))/(sqrt(dot(u, u)) + epsilon)",
            "min(dot(p_prev, p_prev), dot(u, u)) > 0",
        ),
        HandStep("trust_ratio", "1", "min(dot(p_prev, p_prev), dot(u, u)) == 0"),
        HandStep("effective_lr", "lr*trust_ratio"),
        HandStep("m", "momentum*m_prev + lr*trust_ratio*u"),
        HandStep("p", "p_prev - m"),
    ),
    uses_context=True,
    cost=1.0,  # measured in benchmarks/bench_budget.py
    block_cost=200,
)


# --- Adafactor -------------------------------------------------------------------------------------
#: torch.optim.Adafactor's first epsilon left at None: the float64 machine epsilon, squared under the root.
EPS1 = float(np.finfo(np.float64).eps)


class AdafactorState(NamedTuple):
    v: np.ndarray
    row_var: np.ndarray
    col_var: np.ndarray


def adafactor_init(p, hp):
    return AdafactorState(*np.zeros((3, *p.shape)))


def adafactor_update(g, s, p, t, lr, hp, ctx=None):
    gs = groups(ctx, p.shape[-1])
    lr1, eps2, d, wd = (per_config(x) for x in (lr, hp["epsilon"], hp["d"], hp["weight_decay"]))
    one_minus_beta2 = power(float(t), per_config(hp["beta2_decay"]))  # t^beta2_decay: 1 on step 1
    rho = np.minimum(lr1, 1.0 / (t**0.5))
    parts_p, parts_v, parts_r, parts_c = [], [], [], []
    for grp, (gb, pb, vb, rb, cb) in split(gs, g, p, s.v, s.row_var, s.col_var):
        alpha = np.maximum(eps2, norm(pb) / math.sqrt(grp.size)) * rho  # from theta before the decay
        if active(wd):
            pb = pb * (1.0 - lr1 * wd)
        if len(grp.shape) == 2 and not grp.scalars:  # a matrix: row and column EMAs of g^2
            rows, cols = grp.shape
            lead = gb.shape[:-1]
            mix = one_minus_beta2[..., None] if isinstance(one_minus_beta2, np.ndarray) else one_minus_beta2
            G = gb.reshape(lead + grp.shape)
            R = lerp(
                rb.reshape(lead + grp.shape)[..., :1],
                np.sqrt(np.add.reduce(G * G, -1, keepdims=True)) ** 2 / cols,
                mix,
            )
            C = lerp(
                cb.reshape(lead + grp.shape)[..., :1, :],
                np.sqrt(np.add.reduce(G * G, -2, keepdims=True)) ** 2 / rows,
                mix,
            )
            V = R * C / np.maximum(np.add.reduce(R, -2, keepdims=True) / rows, EPS1)
            vb = V.reshape(lead + (grp.size,))
            rb = np.broadcast_to(R, V.shape).reshape(vb.shape)
            cb = np.broadcast_to(C, V.shape).reshape(vb.shape)
        else:  # a vector (or the scalars together): an unfactored EMA of g^2
            vb = lerp(vb, gb * gb, one_minus_beta2)
        u = (1.0 / np.sqrt(np.maximum(vb, EPS1 * EPS1))) * gb
        denom = np.maximum(1.0, norm(u) / (math.sqrt(grp.size) * d))
        parts_p.append((grp, pb - (alpha / denom) * u))
        parts_v.append((grp, vb))
        parts_r.append((grp, rb))
        parts_c.append((grp, cb))
    if whole(gs):
        return parts_p[0][1], AdafactorState(parts_v[0][1], parts_r[0][1], parts_c[0][1])
    return assemble(parts_p, p), AdafactorState(*(assemble(x, p) for x in (parts_v, parts_r, parts_c)))


def adafactor_derive(rec, grads, params, t, lr, hp):
    return {"effective_lr": moved_per_gradient(grads, params)}


ADAFACTOR = Optimizer(
    key="adafactor",
    name="Adafactor",
    family="adaptive",
    paper="Shazeer & Stern, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
    year=2018,
    reference="torch.optim.Adafactor (eps=(None, epsilon): the first is float64's machine epsilon; factored only for matrices)",
    hparams=(
        Param(
            "learning_rate",
            1e-2,
            1e-6,
            10.0,
            "log",
            "Largest relative step: rho_t = min(lr, 1/sqrt(t)) times the tensor's RMS.",
            r"\eta",
        ),
        Param(
            "beta2_decay",
            -0.8,
            -1.0,
            0.0,
            "linear",
            "Exponent of the second moment's schedule: each step mixes in a fraction t^beta2_decay of g^2.",
            r"\gamma",
        ),
        Param(
            "epsilon",
            1e-3,
            1e-20,
            1.0,
            "log",
            "Smallest parameter RMS the step is scaled by, so tensors at zero still move.",
            r"\epsilon_2",
        ),
        Param(
            "d",
            1.0,
            1.0,
            100.0,
            "log",
            "Clipping threshold (at least 1): the step's RMS is capped at d before the relative scaling.",
            r"d",
        ),
        weight_decay(),
    ),  # fmt: skip
    state=(
        StateVar(
            "v",
            "Second-moment estimate the step divides by: an EMA of g^2 on vectors, (row x column) / mean(row) on matrices.",
            r"\hat v",
        ),
        StateVar(
            "row_var", "On matrices: the EMA of the mean of g^2 over the coordinate's row (0 elsewhere).", "R"
        ),
        StateVar(
            "col_var",
            "On matrices: the EMA of the mean of g^2 over the coordinate's column (0 elsewhere).",
            "C",
        ),
    ),  # fmt: skip
    latex=(
        r"\hat\beta_t = 1 - t^{\gamma}, \ \rho_t = \min(\eta, 1/\sqrt t), \ "
        r"\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \rho_t \\ "
        r"\hat v_t = \hat\beta_t \hat v_{t-1} + (1-\hat\beta_t)\, g_t^2 \ "
        r"\left(\text{matrices: } R_t C_t / \overline{R_t}\right), \ u_t = g_t / \sqrt{\max(\hat v_t, \epsilon_1^2)} \\ "
        r"\theta_t = (1-\eta\lambda)\,\theta_{t-1} - \frac{\alpha_t}{\max(1, \mathrm{RMS}(u_t)/d)}\, u_t"
    ),
    init=adafactor_init,
    update=adafactor_update,
    derive=adafactor_derive,
    derived=(MOVED,),
    summary="Adam-like scaling with a factored second moment (row and column averages) and steps relative to the weights' size.",
    by_hand=(  # the 2-D problems: (w, b) is one vector, so the second moment is not factored
        HandStep("mix", "t**beta2_decay", symbol=r"1-\hat\beta_t"),
        HandStep("rho", "min(lr, 1/sqrt(t))", symbol=r"\rho_t"),
        HandStep("alpha", "max(epsilon, sqrt(mean(p_prev**2)))*rho", symbol=r"\alpha_t"),
        HandStep("v", "v_prev + mix*(g**2 - v_prev)"),
        HandStep("u", "g/sqrt(max(v, 4.930380657631324e-32))", symbol="u_t"),
        HandStep("clip", "max(1, sqrt(mean(u**2))/d)", symbol=r"\max(1, \mathrm{RMS}(u_t)/d)"),
        HandStep("p", "p_prev*(1 - lr*weight_decay) - alpha/clip*u"),
    ),
    uses_context=True,
    cost=1.0,  # measured in benchmarks/bench_budget.py
    block_cost=500,
)

OPTIMIZERS = (MUON, LAMB, LARS, ADAFACTOR)
