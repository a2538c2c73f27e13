"""Second wave, elementwise: ADOPT, AdEMAMix, Rprop and MARS (shared/optimizers.md, second table).

Each follows its named reference exactly (float64, single-tensor code path). Where the contract is
silent the reference decides: ADOPT clips as optax does by default, AdEMAMix runs without the paper's
alpha/beta3 warm-up (optax's default), Rprop takes the learning rate only as its first step size
(torch), and MARS treats the two parameters as one 1 x 2 matrix, so timm's MARS branch (not its 1-D
AdamW fallback) runs and the norm of the corrected gradient is taken over both coordinates.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..spec import Param, StateVar
from .adaptive import EFFECTIVE_LR, M_HAT, V_HAT, M, V
from .base import (
    HandStep,
    Optimizer,
    active,
    beta1,
    beta2,
    bias,
    col,
    epsilon,
    learning_rate,
    root,
    weight_decay,
)  # fmt: skip


def clamp(x: Any, low: Any, high: Any) -> Any:
    """min(max(x, low), high) as torch's clamp (high wins when low > high); floats and arrays alike."""
    return np.minimum(np.maximum(x, low), high)


def shifted(series: np.ndarray, first: float = 0.0) -> np.ndarray:
    """The value before each recorded step: row t-1 of ``series``, with ``first`` before step 1."""
    return np.concatenate([np.full((1,) + series.shape[1:], first), series[:-1]])


# --- ADOPT ---------------------------------------------------------------------------------------
class AdoptState(NamedTuple):
    m: np.ndarray
    v: np.ndarray


def adopt_init(p, hp):
    return AdoptState(np.zeros_like(p), np.zeros_like(p))


def adopt_clip(t):
    """optax's clip_value_fn(count) = count^(1/4) with count = t - 1 steps already taken."""
    return (t - 1) ** 0.25


def adopt_update(g, s, p, t, lr, hp):
    b1, b2 = hp["beta1"], hp["beta2"]
    if t == 1:  # the first step only fills v: clip bound 0, beta1 taken as 1, so m stays 0 and p stays
        return p, AdoptState(s.m, g * g)
    c = adopt_clip(t)
    u = clamp(g / np.maximum(np.sqrt(s.v), hp["epsilon"]), -c, c)  # normalised by the *previous* v
    m = (1.0 - b1) * u + b1 * s.m
    v = (1.0 - b2) * (g * g) + b2 * s.v
    return p - lr * m, AdoptState(m, v)


def adopt_derive(rec, grads, params, t, lr, hp):
    t = np.asarray(t, dtype=float)
    denom = np.maximum(np.sqrt(shifted(rec["v"])), hp["epsilon"])  # v before each step
    first = (t == 1)[:, None]
    c = adopt_clip(t)
    return {
        "u": np.where(first, 0.0, clamp(grads / denom, -c[:, None], c[:, None])),
        "clip": c,
        "effective_lr": np.where(first, 0.0, col(lr) / denom),
    }


ADOPT = Optimizer(
    key="adopt",
    name="ADOPT",
    family="frontier",
    paper="Taniguchi et al., ADOPT: Modified Adam Can Converge with Any β2 with the Optimal Rate",
    year=2024,
    reference="optax.contrib.adopt (use_clipping=True, nesterov=False)",
    hparams=(learning_rate(1e-3), beta1(0.9), beta2(0.9999), epsilon(1e-6)),
    state=(M, V),
    latex=(
        r"t = 1:\ v_1 = g_1^2,\ \theta_1 = \theta_0 \\ "
        r"u_t = \operatorname{clip}\!\left(\frac{g_t}{\max(\sqrt{v_{t-1}}, \epsilon)}, "
        r"\pm (t-1)^{1/4}\right) \\ "
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, u_t, \ v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\ "
        r"\theta_t = \theta_{t-1} - \eta\, m_t"
    ),
    init=adopt_init,
    update=adopt_update,
    derive=adopt_derive,
    derived=(
        StateVar("u", "Gradient divided by the previous step's sqrt(v), then clipped.", "u", derived=True),
        StateVar("clip", "Clipping bound (t-1)^(1/4) on u.", "c_t", False, True),
        StateVar(
            "effective_lr",
            "Per-coordinate step size lr / max(sqrt(v_prev), eps) (0 on the first step, which only fills v).",
            r"\eta_{\text{eff}}",
            derived=True,
        ),
    ),  # fmt: skip
    summary="Adam that normalises each gradient by the previous second moment, before the momentum.",
    by_hand=(
        HandStep("v", "g**2", "t == 1"),
        HandStep("m", "m_prev", "t == 1"),
        HandStep("effective_lr", "0", "t == 1"),
        HandStep("p", "p_prev", "t == 1"),
        HandStep("clip", "(t - 1)**0.25", "t > 1"),
        HandStep("effective_lr", "lr/max(sqrt(v_prev), epsilon)", "t > 1"),
        HandStep("u", "min(max(g/max(sqrt(v_prev), epsilon), -clip), clip)", "t > 1"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*u", "t > 1"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2", "t > 1"),
        HandStep("p", "p_prev - lr*m", "t > 1"),
    ),
)


# --- AdEMAMix ------------------------------------------------------------------------------------
class AdemamixState(NamedTuple):
    m1: np.ndarray
    m2: np.ndarray
    v: np.ndarray


def ademamix_init(p, hp):
    return AdemamixState(*np.zeros((3, *p.shape)))


def ademamix_update(g, s, p, t, lr, hp):
    b1, b2, b3 = hp["beta1"], hp["beta2"], hp["beta3"]
    m1 = (1.0 - b1) * g + b1 * s.m1
    m2 = (1.0 - b3) * g + b3 * s.m2  # the slow EMA is not bias-corrected: it fills up slowly
    v = (1.0 - b2) * (g * g) + b2 * s.v
    u = (m1 / bias(b1, t) + hp["alpha"] * m2) / (np.sqrt(v / bias(b2, t)) + hp["epsilon"])
    wd = hp["weight_decay"]
    if active(wd):
        u = u + wd * p
    return p - lr * u, AdemamixState(m1, m2, v)


def ademamix_derive(rec, grads, params, t, lr, hp):
    tc = col(t)
    v_hat = rec["v"] / bias(hp["beta2"], tc)
    return {
        "m1_hat": rec["m1"] / bias(hp["beta1"], tc),
        "v_hat": v_hat,
        "effective_lr": col(lr) / (np.sqrt(v_hat) + hp["epsilon"]),
    }


ADEMAMIX = Optimizer(
    key="ademamix",
    name="AdEMAMix",
    family="frontier",
    paper="Pagliardini, Ablin & Grangier, The AdEMAMix Optimizer: Better, Faster, Older",
    year=2024,
    reference="optax.contrib.ademamix (eps_root=0, no alpha or beta3 schedule)",
    hparams=(
        learning_rate(1e-3),
        beta1(0.9),
        beta2(0.999),
        Param(
            "beta3",
            0.9999,
            0.0,
            0.999999,
            "log1m",
            "Decay of the slow momentum EMA m2; 0.9999 remembers about 10,000 steps.",
            r"\beta_3",
        ),
        Param(
            "alpha",
            5.0,
            0.0,
            20.0,
            "linear",
            "Weight of the slow momentum m2 added to the fast, bias-corrected one.",
            r"\alpha",
        ),
        epsilon(1e-8),
        weight_decay(),
    ),  # fmt: skip
    state=(
        StateVar("m1", "Fast first moment: an EMA of g with beta1.", "m_1"),
        StateVar("m2", "Slow first moment: an EMA of g with beta3, never bias-corrected.", "m_2"),
        V,
    ),
    latex=(
        r"m_{1,t} = \beta_1 m_{1,t-1} + (1-\beta_1) g_t, \ m_{2,t} = \beta_3 m_{2,t-1} + (1-\beta_3) g_t \\ "
        r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
        r"\theta_t = \theta_{t-1} - \eta\left(\frac{\hat m_{1,t} + \alpha\, m_{2,t}}{\sqrt{\hat v_t} + \epsilon}"
        r" + \lambda\theta_{t-1}\right)"
    ),
    init=ademamix_init,
    update=ademamix_update,
    derive=ademamix_derive,
    derived=(
        StateVar("m1_hat", "Bias-corrected fast moment m1 / (1 - beta1^t).", r"\hat m_1", derived=True),
        V_HAT,
        EFFECTIVE_LR,
    ),
    summary="Adam with a second, much slower momentum added on top, so old gradients keep helping.",
    by_hand=(
        HandStep("m1", "beta1*m1_prev + (1 - beta1)*g"),
        HandStep("m2", "beta3*m2_prev + (1 - beta3)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("m1_hat", "m1/(1 - beta1**t)"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep("p", "p_prev - lr*((m1_hat + alpha*m2)/(sqrt(v_hat) + epsilon) + weight_decay*p_prev)"),
    ),
)


# --- Rprop ---------------------------------------------------------------------------------------
class RpropState(NamedTuple):
    prev: np.ndarray
    step_size: np.ndarray


def rprop_init(p, hp):
    return RpropState(np.zeros_like(p), np.zeros_like(p))


def rprop_update(g, s, p, t, lr, hp):
    # torch fills the step sizes with lr on the first step and never reads lr again
    step_size = s.step_size if t > 1 else np.zeros_like(p) + lr
    agree = np.sign(g * s.prev)
    eta = np.where(agree > 0, hp["eta_plus"], np.where(agree < 0, hp["eta_minus"], 1.0))
    step_size = clamp(step_size * eta, hp["step_min"], hp["step_max"])
    g = np.where(agree < 0, 0.0, g)  # after a sign flip: no move, and no shrink again next step
    return p - np.sign(g) * step_size, RpropState(g, step_size)


def rprop_derive(rec, grads, params, t, lr, hp):
    return {"effective_lr": rec["step_size"].copy()}


RPROP = Optimizer(
    key="rprop",
    name="Rprop",
    family="adaptive",
    paper="Riedmiller & Braun, A Direct Adaptive Method for Faster Backpropagation Learning: The RPROP Algorithm",
    year=1993,
    reference="torch.optim.Rprop",
    hparams=(
        Param(
            "learning_rate",
            1e-2,
            1e-6,
            10.0,
            "log",
            "Initial step size of every coordinate; Rprop adapts it from there and ignores later changes.",
            r"\eta",
        ),
        Param(
            "eta_minus",
            0.5,
            0.01,
            0.99,
            "linear",
            "Factor that shrinks a coordinate's step when its gradient changes sign.",
            r"\eta^-",
        ),
        Param(
            "eta_plus",
            1.2,
            1.01,
            5.0,
            "linear",
            "Factor that grows a coordinate's step while its gradient keeps its sign.",
            r"\eta^+",
        ),
        Param("step_min", 1e-6, 1e-12, 1.0, "log", "Smallest allowed step size.", r"\Delta_{\min}"),
        Param("step_max", 50.0, 1e-3, 1e3, "log", "Largest allowed step size.", r"\Delta_{\max}"),
    ),  # fmt: skip
    state=(
        StateVar(
            "prev",
            "Previous gradient, set to 0 where its sign flipped (so the step shrinks only once).",
            r"\tilde g",
        ),
        StateVar("step_size", "Per-coordinate step size: how far each coordinate moves.", r"\Delta"),
    ),  # fmt: skip
    latex=(
        r"\Delta_0 = \eta, \ s_t = \operatorname{sign}(g_t\, \tilde g_{t-1}) \\ "
        r"\Delta_t = \operatorname{clip}\!\left(\Delta_{t-1} \cdot "
        r"\begin{cases} \eta^+ & s_t > 0 \\ \eta^- & s_t < 0 \\ 1 & s_t = 0 \end{cases}, "
        r"\Delta_{\min}, \Delta_{\max}\right) \\ "
        r"\tilde g_t = \begin{cases} 0 & s_t < 0 \\ g_t & \text{else} \end{cases}, \ "
        r"\theta_t = \theta_{t-1} - \operatorname{sign}(\tilde g_t)\, \Delta_t"
    ),
    init=rprop_init,
    update=rprop_update,
    derive=rprop_derive,
    derived=(
        StateVar(
            "effective_lr",
            "Distance each coordinate moves this step (the step size).",
            r"\eta_{\text{eff}}",
            derived=True,
        ),
    ),  # fmt: skip
    summary="Use only the sign of each gradient coordinate; grow its step while the sign holds, shrink it on a flip.",
    by_hand=(
        HandStep("step_size_prev", "lr", "t == 1"),
        HandStep("s", "sign(g*prev_prev)", symbol="s_t"),
        HandStep("eta", "max(s, 0)*eta_plus + max(-s, 0)*eta_minus + (1 - abs(s))", symbol=r"\eta^\pm_t"),
        HandStep("step_size", "min(max(step_size_prev*eta, step_min), step_max)"),
        HandStep("prev", "g*(1 - max(-s, 0))"),
        HandStep("effective_lr", "step_size"),
        HandStep("p", "p_prev - sign(prev)*step_size"),
    ),
)


# --- MARS ----------------------------------------------------------------------------------------
class MarsState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    g_prev: np.ndarray


def mars_init(p, hp):
    return MarsState(*np.zeros((3, *p.shape)))


def mars_correction(g, g_prev, b1, gamma, first):
    """c_t = g_t + gamma beta1/(1-beta1) (g_t - g_{t-1}) (c_1 = g_1), scaled down to norm <= 1."""
    c = g if first else (g - g_prev) * (gamma * (b1 / (1.0 - b1))) + g
    norm = np.sqrt(np.sum(c * c, axis=-1, keepdims=True))
    return c / np.maximum(norm, 1.0)


def mars_update(g, s, p, t, lr, hp):
    b1, b2 = hp["beta1"], hp["beta2"]
    c = mars_correction(g, s.g_prev, b1, hp["gamma"], t == 1)
    m = b1 * s.m + (1.0 - b1) * c
    v = b2 * s.v + (1.0 - b2) * (c * c)
    u = (m / bias(b1, t)) / (np.sqrt(v) / root(bias(b2, t)) + hp["epsilon"])
    wd = hp["weight_decay"]
    if active(wd):
        u = p * wd + u
    return p - lr * u, MarsState(m, v, g)


def mars_derive(rec, grads, params, t, lr, hp):
    tc = col(t)
    b1, gamma = hp["beta1"], hp["gamma"]
    g_prev = shifted(grads)
    raw = np.where(tc == 1, grads, (grads - g_prev) * (gamma * (b1 / (1.0 - b1))) + grads)
    v_hat = rec["v"] / bias(hp["beta2"], tc)
    return {
        "c": raw / np.maximum(np.sqrt(np.sum(raw * raw, axis=-1, keepdims=True)), 1.0),
        "m_hat": rec["m"] / bias(b1, tc),
        "v_hat": v_hat,
        "effective_lr": col(lr) / (np.sqrt(v_hat) + hp["epsilon"]),
    }


MARS = Optimizer(
    key="mars",
    name="MARS (AdamW form)",
    family="frontier",
    paper="Yuan et al., MARS: Unleashing the Power of Variance Reduction for Training Large Models",
    year=2024,
    reference="timm.optim.Mars (timm 1.0.31, its defaults: mars_type='adamw'; (w, b) as one 1 x 2 matrix)",
    hparams=(
        learning_rate(3e-3),
        beta1(0.9),
        beta2(0.99),
        epsilon(1e-8),
        weight_decay(),
        Param(
            "gamma",
            0.025,
            0.0,
            1.0,
            "linear",
            "Strength of the variance-reduction term gamma beta1/(1-beta1) (g_t - g_{t-1}).",
            r"\gamma",
        ),
    ),  # fmt: skip
    state=(M, V, StateVar("g_prev", "Previous gradient (the variance-reduction term needs it).", "g_{t-1}")),
    latex=(
        r"c_t = g_t + \gamma\frac{\beta_1}{1-\beta_1}(g_t - g_{t-1})\ (c_1 = g_1), "
        r"\ c_t \leftarrow \frac{c_t}{\max(\lVert c_t \rVert_2, 1)} \\ "
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, c_t, \ v_t = \beta_2 v_{t-1} + (1-\beta_2)\, c_t^2 \\ "
        r"\theta_t = \theta_{t-1} - \eta\left(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda\theta_{t-1}\right)"
    ),
    init=mars_init,
    update=mars_update,
    derive=mars_derive,
    derived=(
        StateVar(
            "c",
            "Variance-reduced gradient, scaled to norm at most 1: what the moments average.",
            "c",
            derived=True,
        ),
        M_HAT,
        V_HAT,
        EFFECTIVE_LR,
    ),  # fmt: skip
    summary="AdamW fed a variance-reduced gradient: the current one plus a multiple of its latest change.",
    by_hand=(
        HandStep("c_raw", "g", "t == 1", r"\tilde c_t"),
        HandStep("c_raw", "g + gamma*beta1/(1 - beta1)*(g - g_last)", "t > 1", r"\tilde c_t"),
        HandStep("c", "c_raw/max(sqrt(dot(c_raw, c_raw)), 1)"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*c"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*c**2"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep("g_prev", "g"),
        HandStep("p", "p_prev - lr*(m_hat/(sqrt(v_hat) + epsilon) + weight_decay*p_prev)"),
    ),
)

OPTIMIZERS = (ADOPT, ADEMAMIX, RPROP, MARS)
