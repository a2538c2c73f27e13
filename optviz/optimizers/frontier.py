"""Frontier methods: decoupled decay, Nesterov and rectified Adam, sign updates, schedule-free, D-adaptation."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Param, StateVar
from .adaptive import (
    ADAM_HPARAMS,
    ADAM_LATEX,
    EFFECTIVE_LR,
    M_HAT,
    V_HAT,
    AdamState,
    M,
    V,
    adam_derive,
    adam_init,
    adam_step,
    coupled,
    moments,
)  # fmt: skip
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
    power,
    root,
    scalar,
    weight_decay,
    where,
)  # fmt: skip


def decoupled(p, lr, hp):
    """AdamW-style decay, applied to the parameters before the step: p * (1 - lr * weight_decay)."""
    wd = hp["weight_decay"]
    return p * (1.0 - lr * wd) if active(wd) else p


def lerp(a, b, w):
    """a + w (b - a) exactly as torch evaluates it (a different form when w >= 0.5)."""
    if isinstance(w, float):
        return a + w * (b - a) if w < 0.5 else b - (b - a) * (1.0 - w)
    small = w < 0.5
    if small.all():
        return a + w * (b - a)
    return np.where(small, a + w * (b - a), b - (b - a) * (1.0 - w))


DECOUPLED = r"\theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1} \\ "


# --- AdamW -------------------------------------------------------------------------------------
def adamw_update(g, s, p, t, lr, hp):
    p = decoupled(p, lr, hp)
    m, v = moments(g, s.m, s.v, hp["beta1"], hp["beta2"])
    return adam_step(p, m, v, t, lr, hp), AdamState(m, v)


# --- NAdam -------------------------------------------------------------------------------------
class NAdamState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    mu_product: np.ndarray


def nadam_mu(b1, t, psi):
    """NAdam's momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(t psi))."""
    return b1 * (1.0 - 0.5 * power(0.96, t * psi))


def nadam_init(p, hp):
    return NAdamState(np.zeros_like(p), np.zeros_like(p), scalar(p, 1.0))


def nadam_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    b1, psi = hp["beta1"], hp["momentum_decay"]
    mu, mu_next = nadam_mu(b1, t, psi), nadam_mu(b1, t + 1, psi)
    prod = s.mu_product * mu
    m, v = moments(g, s.m, s.v, b1, hp["beta2"])
    denom = np.sqrt(v / bias(hp["beta2"], t)) + hp["epsilon"]
    p = p - (lr * (1.0 - mu) / (1.0 - prod)) * (g / denom)
    p = p - (lr * mu_next / (1.0 - prod * mu_next)) * (m / denom)
    return p, NAdamState(m, v, prod)


def nadam_derive(rec, grads, params, t, lr, hp):
    v_hat = rec["v"] / bias(hp["beta2"], col(t))
    return {
        "mu": nadam_mu(hp["beta1"], np.asarray(t, float), hp["momentum_decay"]),
        "v_hat": v_hat,
        "effective_lr": col(lr) / (np.sqrt(v_hat) + hp["epsilon"]),
    }


# --- RAdam -------------------------------------------------------------------------------------
def radam_rectifier(b2, t):
    """(rho_t, r_t, rectified?) of RAdam; r_t is only meaningful where rho_t > 5."""
    rho_inf = 2.0 / (1.0 - b2) - 1.0
    rho_t = rho_inf - 2.0 * t * power(b2, t) / bias(b2, t)
    ratio = np.divide(
        (rho_t - 4.0) * (rho_t - 2.0) * rho_inf,
        (rho_inf - 4.0) * (rho_inf - 2.0) * rho_t,
    )
    return rho_t, np.sqrt(np.maximum(ratio, 0.0)), rho_t > 5.0


def radam_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    b1, b2 = hp["beta1"], hp["beta2"]
    m, v = moments(g, s.m, s.v, b1, b2)
    m_hat = m / bias(b1, t)
    _, r, rectified = radam_rectifier(b2, t)
    adaptive = root(bias(b2, t)) / (np.sqrt(v) + hp["epsilon"])
    step = where(rectified, m_hat * lr * adaptive * r, m_hat * lr)
    return p - step, AdamState(m, v)


def radam_derive(rec, grads, params, t, lr, hp):
    b2, tc = hp["beta2"], col(t)
    rho_t, r, rectified = radam_rectifier(b2, np.asarray(t, float))
    adaptive = np.sqrt(bias(b2, tc)) / (np.sqrt(rec["v"]) + hp["epsilon"])
    return {
        "m_hat": rec["m"] / bias(hp["beta1"], tc),
        "rho_t": rho_t,
        "r_t": np.where(rectified, r, 0.0),
        "effective_lr": np.where(rectified[:, None], col(lr) * adaptive * r[:, None], col(lr)),
    }


# --- AdaBelief -----------------------------------------------------------------------------------
class AdaBeliefState(NamedTuple):
    m: np.ndarray
    s: np.ndarray


def adabelief_init(p, hp):
    return AdaBeliefState(np.zeros_like(p), np.zeros_like(p))


def adabelief_update(g, st, p, t, lr, hp):
    p = decoupled(p, lr, hp)
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["epsilon"]
    m = b1 * st.m + (1.0 - b1) * g
    r = g - m
    s = b2 * st.s + (1.0 - b2) * (r * r) + eps  # epsilon accumulates in the state, as the reference
    denom = np.sqrt(s) / root(bias(b2, t)) + eps
    return p - (lr / bias(b1, t)) * (m / denom), AdaBeliefState(m, s)


def adabelief_derive(rec, grads, params, t, lr, hp):
    s_hat = rec["s"] / bias(hp["beta2"], col(t))
    return {
        "m_hat": rec["m"] / bias(hp["beta1"], col(t)),
        "s_hat": s_hat,
        "effective_lr": col(lr) / (np.sqrt(s_hat) + hp["epsilon"]),
    }


# --- Lion ----------------------------------------------------------------------------------------
class LionState(NamedTuple):
    m: np.ndarray


def lion_init(p, hp):
    return LionState(np.zeros_like(p))


def lion_update(g, s, p, t, lr, hp):
    p = decoupled(p, lr, hp)
    b1, b2 = hp["beta1"], hp["beta2"]
    c = b1 * s.m + (1.0 - b1) * g
    return p - lr * np.sign(c), LionState(b2 * s.m + (1.0 - b2) * g)


def lion_derive(rec, grads, params, t, lr, hp):
    m_prev = np.vstack([np.zeros((1, grads.shape[1])), rec["m"][:-1]])
    b1 = hp["beta1"]
    return {
        "c": b1 * m_prev + (1.0 - b1) * grads,
        "effective_lr": np.broadcast_to(col(lr), grads.shape).copy(),
    }


# --- Yogi ----------------------------------------------------------------------------------------
YOGI_INIT = 1e-6  # optax.yogi's initial_accumulator_value


def yogi_init(p, hp):
    return AdamState(np.full_like(p, YOGI_INIT), np.full_like(p, YOGI_INIT))


def yogi_update(g, s, p, t, lr, hp):
    b1, b2 = hp["beta1"], hp["beta2"]
    m = (1.0 - b1) * g + b1 * s.m
    g2 = g * g
    v = s.v - (1.0 - b2) * np.sign(s.v - g2) * g2
    step = (m / bias(b1, t)) / (np.sqrt(v / bias(b2, t)) + hp["epsilon"])
    return p - lr * step, AdamState(m, v)


# --- Adan ----------------------------------------------------------------------------------------
class AdanState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    n: np.ndarray
    g_prev: np.ndarray


def adan_init(p, hp):
    return AdanState(*np.zeros((4, *p.shape)))


def adan_update(g, s, p, t, lr, hp):
    b1, b2, b3, eps = hp["beta1"], hp["beta2"], hp["beta3"], hp["epsilon"]
    delta = g - s.g_prev if t > 1 else np.zeros_like(g)
    m = (1.0 - b1) * g + b1 * s.m
    v = (1.0 - b2) * delta + b2 * s.v
    sq = g + (1.0 - b2) * delta
    n = (1.0 - b3) * (sq * sq) + b3 * s.n
    m_hat, v_hat, n_hat = m / bias(b1, t), v / bias(b2, t), n / bias(b3, t)
    u = (m_hat + (1.0 - b2) * v_hat) / (np.sqrt(n_hat + eps) + eps)
    wd = hp["weight_decay"]
    if active(wd):
        u = u + wd * p
    return p - lr * u, AdanState(m, v, n, g)


def adan_derive(rec, grads, params, t, lr, hp):
    tc, eps = col(t), hp["epsilon"]
    n_hat = rec["n"] / bias(hp["beta3"], tc)
    return {
        "m_hat": rec["m"] / bias(hp["beta1"], tc),
        "v_hat": rec["v"] / bias(hp["beta2"], tc),
        "n_hat": n_hat,
        "effective_lr": col(lr) / (np.sqrt(n_hat + eps) + eps),
    }


# --- Schedule-Free -------------------------------------------------------------------------------
class ScheduleFreeSGDState(NamedTuple):
    z: np.ndarray
    lr_max: np.ndarray
    weight_sum: np.ndarray


class ScheduleFreeAdamWState(NamedTuple):
    z: np.ndarray
    v: np.ndarray
    lr_max: np.ndarray
    weight_sum: np.ndarray


def schedule_free_step(p, z, gh, lr_max, weight_sum, lr, b):
    """The shared y/z update: average y towards z with weight c_t = lr_max^2 / W, W = sum of lr_max^2.

    As ``schedulefree`` (weight_lr_power=2, r=0), a step is weighted by the largest scheduled learning
    rate so far, squared, so a decaying schedule does not shrink the weight of late steps; the y and z
    steps themselves use the scheduled ``lr``. c = 0 while W = 0, as in the reference."""
    lr_max = np.maximum(lr_max, lr)
    weight = lr_max * lr_max
    weight_sum = weight_sum + weight
    c = weight / np.where(weight_sum > 0, weight_sum, 1.0)
    y = lerp(p, z, c)
    y = y + lr * (b * (1.0 - c) - 1.0) * gh
    return y, z - lr * gh, lr_max, weight_sum


def sf_sgd_init(p, hp):
    return ScheduleFreeSGDState(p.copy(), scalar(p), scalar(p))


def sf_sgd_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    y, z, lr_max, w = schedule_free_step(p, s.z, g, s.lr_max, s.weight_sum, lr, hp["momentum"])
    return y, ScheduleFreeSGDState(z, lr_max, w)


def sf_adamw_init(p, hp):
    return ScheduleFreeAdamWState(p.copy(), np.zeros_like(p), scalar(p), scalar(p))


def sf_adamw_update(g, s, p, t, lr, hp):
    b2 = hp["beta2"]
    v = b2 * s.v + (1.0 - b2) * (g * g)
    gh = g / (np.sqrt(v / bias(b2, t)) + hp["epsilon"])
    wd = hp["weight_decay"]
    if active(wd):
        gh = gh + wd * p
    y, z, lr_max, w = schedule_free_step(p, s.z, gh, s.lr_max, s.weight_sum, lr, hp["beta1"])
    return y, ScheduleFreeAdamWState(z, v, lr_max, w)


def _averaged_point(y, z, b):
    return (y - (1.0 - b) * z) / b


def sf_sgd_derive(rec, grads, params, t, lr, hp):
    return {
        "x": _averaged_point(params[1:], rec["z"], hp["momentum"]),
        "c": rec["lr_max"] ** 2 / rec["weight_sum"],
        "effective_lr": np.broadcast_to(col(lr), grads.shape).copy(),
    }


def sf_adamw_derive(rec, grads, params, t, lr, hp):
    v_hat = rec["v"] / bias(hp["beta2"], col(t))
    return {
        "x": _averaged_point(params[1:], rec["z"], hp["beta1"]),
        "c": rec["lr_max"] ** 2 / rec["weight_sum"],
        "v_hat": v_hat,
        "effective_lr": col(lr) / (np.sqrt(v_hat) + hp["epsilon"]),
    }


# --- Prodigy -------------------------------------------------------------------------------------
class ProdigyState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    s: np.ndarray
    numerator: np.ndarray
    d: np.ndarray
    d_max: np.ndarray
    p0: np.ndarray


def prodigy_init(p, hp):
    d0 = scalar(p, hp["d0"])
    return ProdigyState(*np.zeros((3, *p.shape)), scalar(p), d0, d0.copy(), p.copy())


def prodigy_update(g, st, p, t, lr, hp):
    b1, b2, d0 = hp["beta1"], hp["beta2"], hp["d0"]
    b3 = np.sqrt(b2)
    d = st.d
    dlr = d * lr
    scale = (d / d0) * dlr
    numerator = b3 * st.numerator + scale * np.sum(g * (st.p0 - p), axis=-1, keepdims=True)
    m = b1 * st.m + d * (1.0 - b1) * g
    v = b2 * st.v + d * d * (1.0 - b2) * (g * g)
    s = b3 * st.s + scale * g
    s_norm = np.sum(np.abs(s), axis=-1, keepdims=True)
    d_hat = np.where(s_norm > 0, numerator / np.where(s_norm > 0, s_norm, 1.0), -np.inf)
    d_max = np.maximum(st.d_max, d_hat)
    d_new = d_max  # growth_rate = inf: d jumps straight to the largest estimate
    wd = hp["weight_decay"]
    if active(wd):
        p = p - wd * dlr * p
    p = p - dlr * (m / (np.sqrt(v) + d_new * hp["epsilon"]))
    return p, ProdigyState(m, v, s, numerator, d_new, d_max, st.p0)


def prodigy_derive(rec, grads, params, t, lr, hp):
    d_prev = np.concatenate([[hp["d0"]], rec["d"][:-1]])
    return {
        "dlr": d_prev * lr,
        "effective_lr": (d_prev * lr)[:, None] / (np.sqrt(rec["v"]) + rec["d"][:, None] * hp["epsilon"]),
    }


def sf_param(name: str, symbol: str, text: str) -> Param:
    # b = 0 would make the averaged point x undefined, so the range stops just above 0.
    return Param(name, 0.9, 0.01, 0.9999, "log1m", text, symbol)


SCALAR_C = StateVar("c", "Averaging weight c_t = lr_max^2 / W.", "c_t", False, True)
X_AVG = StateVar(
    "x",
    "The averaged point x = (y - (1-b) z) / b, the one to evaluate.",
    "x",
    derived=True,
)
Z = StateVar("z", "The plain SGD iterate that y is pulled towards.", "z")
LR_MAX = StateVar(
    "lr_max", "Largest scheduled learning rate so far: it weights each step.", r"\eta_{\max}", False
)
WEIGHT_SUM = StateVar("weight_sum", "Sum of lr_max^2 over the steps so far.", "W", per_coordinate=False)

ADAMW = Optimizer(
    key="adamw",
    name="AdamW",
    family="frontier",
    paper="Loshchilov & Hutter, Decoupled Weight Decay Regularization",
    year=2019,
    reference="torch.optim.AdamW",
    hparams=ADAM_HPARAMS[:-1] + (weight_decay(1e-2),),
    state=(M, V),
    latex=DECOUPLED + ADAM_LATEX,
    init=adam_init,
    update=adamw_update,
    decoupled_decay=True,
    derive=adam_derive,
    derived=(M_HAT, V_HAT, EFFECTIVE_LR),
    summary="Adam with weight decay applied to the weights directly, not mixed into the adaptive gradient.",
    by_hand=(
        HandStep("p_prev", "p_prev*(1 - lr*weight_decay)", "weight_decay != 0"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep("p", "p_prev - lr*m_hat/(sqrt(v_hat) + epsilon)"),
    ),
)

NADAM = Optimizer(
    key="nadam",
    name="NAdam",
    family="frontier",
    paper="Dozat, Incorporating Nesterov Momentum into Adam",
    year=2016,
    reference="torch.optim.NAdam",
    hparams=(
        learning_rate(2e-3),
        beta1(),
        beta2(),
        epsilon(1e-8),
        Param(
            "momentum_decay",
            4e-3,
            0.0,
            0.1,
            "linear",
            "Warms the momentum up: mu_t = beta1 (1 - 0.5 * 0.96^(t*psi)).",
            r"\psi",
        ),
        weight_decay(),
    ),  # fmt: skip
    state=(
        M,
        V,
        StateVar(
            "mu_product",
            "Product of the momentum schedule mu_1 ... mu_t.",
            r"\Pi_t",
            False,
        ),
    ),
    latex=(
        r"g_t \leftarrow g_t + \lambda\,\theta_{t-1} \\ \mu_t = \beta_1 (1 - \tfrac12 0.96^{t\psi}), "
        r"\ \Pi_t = \Pi_{t-1}\mu_t \\ m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, "
        r"\ v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\ "
        r"\theta_t = \theta_{t-1} - \eta\,\frac{\frac{1-\mu_t}{1-\Pi_t} g_t "
        r"+ \frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}} m_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}"
    ),
    init=nadam_init,
    update=nadam_update,
    derive=nadam_derive,
    derived=(
        StateVar("mu", "Momentum coefficient mu_t this step.", r"\mu_t", False, True),
        V_HAT,
        EFFECTIVE_LR,
    ),
    summary="Adam with a Nesterov look-ahead: the step mixes the current gradient and the next momentum.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("mu", "beta1*(1 - 0.5*0.96**(t*momentum_decay))"),
        HandStep("mu_next", "beta1*(1 - 0.5*0.96**((t + 1)*momentum_decay))", symbol=r"\mu_{t+1}"),
        HandStep("mu_product", "mu_product_prev*mu"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep(
            "p",
            "p_prev - lr*(1 - mu)/(1 - mu_product)*g/(sqrt(v_hat) + epsilon)"
            " - lr*mu_next/(1 - mu_product*mu_next)*m/(sqrt(v_hat) + epsilon)",
        ),
    ),
)

RADAM = Optimizer(
    key="radam",
    name="RAdam",
    family="frontier",
    paper="Liu et al., On the Variance of the Adaptive Learning Rate and Beyond",
    year=2020,
    reference="torch.optim.RAdam",
    hparams=ADAM_HPARAMS,
    state=(M, V),
    latex=(
        r"g_t \leftarrow g_t + \lambda\,\theta_{t-1} \\ m_t, v_t \text{ as Adam}, "
        r"\ \rho_\infty = \frac{2}{1-\beta_2} - 1, \ \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t} \\ "
        r"\rho_t > 5:\ \theta_t = \theta_{t-1} - \eta\, \hat m_t\, r_t \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}, "
        r"\ r_t = \sqrt{\tfrac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}} \\ "
        r"\text{else}:\ \theta_t = \theta_{t-1} - \eta\, \hat m_t"
    ),
    init=adam_init,
    update=radam_update,
    derive=radam_derive,
    derived=(
        M_HAT,
        StateVar(
            "rho_t",
            "Length of the approximated SMA; adaptive steps start once it exceeds 5.",
            r"\rho_t",
            False,
            True,
        ),
        StateVar(
            "r_t",
            "Variance rectification factor (0 while still un-rectified).",
            "r_t",
            False,
            True,
        ),
        EFFECTIVE_LR,
    ),  # fmt: skip
    summary="Adam that starts as momentum SGD until the variance of its adaptive step can be trusted.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("rho_inf", "2/(1 - beta2) - 1", symbol=r"\rho_\infty"),
        HandStep("rho_t", "rho_inf - 2*t*beta2**t/(1 - beta2**t)"),
        HandStep(
            "r_t", "sqrt((rho_t - 4)*(rho_t - 2)*rho_inf/((rho_inf - 4)*(rho_inf - 2)*rho_t))", "rho_t > 5"
        ),
        HandStep("effective_lr", "lr*r_t*sqrt(1 - beta2**t)/(sqrt(v) + epsilon)", "rho_t > 5"),
        HandStep("p", "p_prev - effective_lr*m_hat", "rho_t > 5"),
        HandStep("effective_lr", "lr", "rho_t <= 5"),
        HandStep("p", "p_prev - lr*m_hat", "rho_t <= 5"),
    ),
)

ADABELIEF = Optimizer(
    key="adabelief",
    name="AdaBelief",
    family="frontier",
    paper="Zhuang et al., AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients",
    year=2020,
    reference="adabelief-pytorch 0.2.1 (rectify=False, weight_decouple=True)",
    hparams=(learning_rate(1e-3), beta1(), beta2(), epsilon(1e-16), weight_decay()),
    state=(
        M,
        StateVar(
            "s",
            "EMA of (g - m)^2: how far the gradient strays from its prediction.",
            "s",
        ),
    ),
    latex=(
        DECOUPLED + r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ "
        r"s_t = \beta_2 s_{t-1} + (1-\beta_2)(g_t - m_t)^2 + \epsilon \\ "
        r"\theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,"
        r"\frac{m_t}{\sqrt{s_t/(1-\beta_2^t)} + \epsilon}"
    ),
    init=adabelief_init,
    update=adabelief_update,
    decoupled_decay=True,
    derive=adabelief_derive,
    derived=(
        M_HAT,
        StateVar("s_hat", "Bias-corrected belief s / (1 - beta2^t).", r"\hat s", derived=True),
        EFFECTIVE_LR,
    ),
    summary="Adam that scales steps by how surprising the gradient is, not by how large it is.",
    by_hand=(
        HandStep("p_prev", "p_prev*(1 - lr*weight_decay)", "weight_decay != 0"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("s", "beta2*s_prev + (1 - beta2)*(g - m)**2 + epsilon"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("s_hat", "s/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(s_hat) + epsilon)"),
        HandStep("p", "p_prev - lr*m_hat/(sqrt(s_hat) + epsilon)"),
    ),
)

LION = Optimizer(
    key="lion",
    name="Lion",
    family="frontier",
    paper="Chen et al., Symbolic Discovery of Optimization Algorithms",
    year=2023,
    reference="lion-pytorch (= optax.lion)",
    hparams=(learning_rate(1e-4), beta1(0.9), beta2(0.99), weight_decay()),
    state=(M,),
    latex=(
        DECOUPLED + r"c_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ "
        r"\theta_t = \theta_{t-1} - \eta\, \operatorname{sign}(c_t) \\ "
        r"m_t = \beta_2 m_{t-1} + (1-\beta_2)\, g_t"
    ),
    init=lion_init,
    update=lion_update,
    decoupled_decay=True,
    derive=lion_derive,
    derived=(
        StateVar("c", "Interpolation whose sign is the step direction.", "c", derived=True),
        StateVar(
            "effective_lr",
            "Every coordinate moves by exactly lr (times the sign).",
            r"\eta_{\text{eff}}",
            derived=True,
        ),
    ),  # fmt: skip
    summary="Move every coordinate by exactly the learning rate, in the sign of a momentum blend.",
    by_hand=(
        HandStep("p_prev", "p_prev*(1 - lr*weight_decay)", "weight_decay != 0"),
        HandStep("c", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("effective_lr", "lr"),
        HandStep("p", "p_prev - lr*sign(c)"),
        HandStep("m", "beta2*m_prev + (1 - beta2)*g"),
    ),
)

YOGI = Optimizer(
    key="yogi",
    name="Yogi",
    family="frontier",
    paper="Zaheer et al., Adaptive Methods for Nonconvex Optimization",
    year=2018,
    reference="optax.yogi",
    hparams=(learning_rate(1e-2), beta1(0.9), beta2(0.999), epsilon(1e-3)),
    state=(
        StateVar("m", "First moment (starts at 1e-6).", "m"),
        StateVar(
            "v",
            "Second moment, moved additively by sign(v - g^2) g^2 (starts at 1e-6).",
            "v",
        ),
    ),
    latex=(
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ "
        r"v_t = v_{t-1} - (1-\beta_2)\,\operatorname{sign}(v_{t-1} - g_t^2)\, g_t^2 \\ "
        r"\theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
    ),
    init=yogi_init,
    update=yogi_update,
    derive=adam_derive,
    derived=(M_HAT, V_HAT, EFFECTIVE_LR),
    summary="Adam whose second moment changes additively, so it cannot forget large gradients too fast.",
    by_hand=(
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "v_prev - (1 - beta2)*sign(v_prev - g**2)*g**2"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep("p", "p_prev - lr*m_hat/(sqrt(v_hat) + epsilon)"),
    ),
)

ADAN = Optimizer(
    key="adan",
    name="Adan",
    family="frontier",
    paper="Xie et al., Adan: Adaptive Nesterov Momentum Algorithm",
    year=2022,
    reference="optax.adan (eps_root = eps)",
    hparams=(
        learning_rate(1e-3),
        beta1(0.98),
        beta2(0.92),
        Param(
            "beta3",
            0.99,
            0.0,
            0.99999,
            "log1m",
            "Decay of the squared-term EMA n.",
            r"\beta_3",
        ),
        epsilon(1e-8),
        weight_decay(),
    ),  # fmt: skip
    state=(
        M,
        StateVar("v", "EMA of gradient differences g_t - g_{t-1}.", "v"),
        StateVar("n", "EMA of the squared Nesterov-corrected gradient.", "n"),
        StateVar("g_prev", "Previous gradient.", "g_{t-1}"),
    ),
    latex=(
        r"\Delta_t = g_t - g_{t-1}\ (\Delta_1 = 0) \\ m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, "
        r"\ v_t = \beta_2 v_{t-1} + (1-\beta_2)\Delta_t \\ "
        r"n_t = \beta_3 n_{t-1} + (1-\beta_3)(g_t + (1-\beta_2)\Delta_t)^2 \\ "
        r"\theta_t = \theta_{t-1} - \eta\left(\frac{\hat m_t + (1-\beta_2)\hat v_t}"
        r"{\sqrt{\hat n_t + \epsilon} + \epsilon} + \lambda\theta_{t-1}\right)"
    ),
    init=adan_init,
    update=adan_update,
    derive=adan_derive,
    derived=(
        M_HAT,
        StateVar("v_hat", "Bias-corrected gradient-difference EMA.", r"\hat v", derived=True),
        StateVar("n_hat", "Bias-corrected squared-term EMA.", r"\hat n", derived=True),
        EFFECTIVE_LR,
    ),
    summary="Nesterov momentum estimated from gradient differences, with Adam-style scaling.",
    by_hand=(
        HandStep("delta", "0", "t == 1", r"\Delta_t"),
        HandStep("delta", "g - g_last", "t > 1", r"\Delta_t"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*delta"),
        HandStep("n", "beta3*n_prev + (1 - beta3)*(g + (1 - beta2)*delta)**2"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("n_hat", "n/(1 - beta3**t)"),
        HandStep("effective_lr", "lr/(sqrt(n_hat + epsilon) + epsilon)"),
        HandStep(
            "p",
            "p_prev - lr*((m_hat + (1 - beta2)*v_hat)/(sqrt(n_hat + epsilon) + epsilon) + weight_decay*p_prev)",
        ),
    ),
)

SF_SGD = Optimizer(
    key="sf_sgd",
    name="Schedule-Free SGD",
    family="frontier",
    paper="Defazio et al., The Road Less Scheduled",
    year=2024,
    reference="schedulefree.SGDScheduleFree (train mode, no warmup, r=0, weight_lr_power=2)",
    hparams=(
        learning_rate(1.0),
        sf_param(
            "momentum",
            r"\beta",
            "Interpolation between the SGD iterate z and the average x.",
        ),
        weight_decay(),
    ),
    state=(Z, LR_MAX, WEIGHT_SUM),
    latex=(
        r"g_t \leftarrow g_t + \lambda y_{t-1} \\ \eta_{\max} \leftarrow \max(\eta_{\max}, \eta_t), "
        r"\ W_t = W_{t-1} + \eta_{\max}^2, \ c_t = \eta_{\max}^2 / W_t \\ "
        r"y_t = (1-c_t)\, y_{t-1} + c_t z_{t-1} + \eta_t(\beta(1-c_t) - 1)\, g_t \\ "
        r"z_t = z_{t-1} - \eta_t\, g_t"
    ),
    init=sf_sgd_init,
    update=sf_sgd_update,
    derive=sf_sgd_derive,
    derived=(X_AVG, SCALAR_C, EFFECTIVE_LR),
    summary="SGD whose gradients are taken between a plain SGD iterate and a running average: no schedule needed.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("lr_max", "max(lr_max_prev, lr)"),
        HandStep("weight_sum", "weight_sum_prev + lr_max**2"),
        HandStep("c", "lr_max**2/weight_sum"),
        HandStep("effective_lr", "lr"),
        HandStep("p", "(1 - c)*p_prev + c*z_prev + lr*(momentum*(1 - c) - 1)*g"),
        HandStep("z", "z_prev - lr*g"),
        HandStep("x", "(p - (1 - momentum)*z)/momentum"),
    ),
)

SF_ADAMW = Optimizer(
    key="sf_adamw",
    name="Schedule-Free AdamW",
    family="frontier",
    paper="Defazio et al., The Road Less Scheduled",
    year=2024,
    reference="schedulefree.AdamWScheduleFree (train mode, no warmup, r=0, weight_lr_power=2)",
    hparams=(
        learning_rate(2.5e-3),
        sf_param(
            "beta1",
            r"\beta_1",
            "Interpolation between the iterate z and the average x.",
        ),
        beta2(),
        epsilon(1e-8),
        weight_decay(),
    ),  # fmt: skip
    state=(Z, V, LR_MAX, WEIGHT_SUM),
    latex=(
        r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \ "
        r"\hat g_t = \frac{g_t}{\sqrt{v_t/(1-\beta_2^t)}+\epsilon} + \lambda y_{t-1} \\ "
        r"\eta_{\max} \leftarrow \max(\eta_{\max}, \eta_t), \ W_t = W_{t-1} + \eta_{\max}^2, "
        r"\ c_t = \eta_{\max}^2 / W_t \\ "
        r"y_t = (1-c_t)\, y_{t-1} + c_t z_{t-1} + \eta_t(\beta_1(1-c_t) - 1)\, \hat g_t \\ "
        r"z_t = z_{t-1} - \eta_t\, \hat g_t"
    ),
    init=sf_adamw_init,
    update=sf_adamw_update,
    derive=sf_adamw_derive,
    derived=(X_AVG, SCALAR_C, V_HAT, EFFECTIVE_LR),
    summary="Schedule-free averaging on top of Adam's normalised gradient.",
    by_hand=(
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep("gh", "g/(sqrt(v_hat) + epsilon)", symbol=r"\hat g_t"),
        HandStep("gh", "gh + weight_decay*p_prev", "weight_decay != 0", r"\hat g_t"),
        HandStep("lr_max", "max(lr_max_prev, lr)"),
        HandStep("weight_sum", "weight_sum_prev + lr_max**2"),
        HandStep("c", "lr_max**2/weight_sum"),
        HandStep("p", "(1 - c)*p_prev + c*z_prev + lr*(beta1*(1 - c) - 1)*gh"),
        HandStep("z", "z_prev - lr*gh"),
        HandStep("x", "(p - (1 - beta1)*z)/beta1"),
    ),
)

PRODIGY = Optimizer(
    key="prodigy",
    name="Prodigy",
    family="frontier",
    paper="Mishchenko & Defazio, Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
    year=2024,
    reference="prodigyopt.Prodigy (decouple=True, no bias correction, growth_rate=inf, d_coef=1)",
    hparams=(
        learning_rate(1.0),
        beta1(),
        beta2(),
        epsilon(1e-8),
        Param(
            "d0",
            1e-6,
            1e-10,
            1.0,
            "log",
            "Initial estimate of the distance to the solution.",
            "d_0",
        ),
        weight_decay(),
    ),  # fmt: skip
    state=(
        M,
        V,
        StateVar(
            "s",
            "Weighted sum of gradients used in the denominator of the d estimate.",
            "s",
        ),
        StateVar(
            "numerator",
            "Weighted sum of <g, x0 - x>: the numerator of the d estimate.",
            "N",
            False,
        ),
        StateVar(
            "d",
            "Current estimate of the distance to the solution (the step scale).",
            "d",
            False,
        ),
        StateVar("d_max", "Largest d estimate so far.", r"d_{\max}", False),
        StateVar("p0", "The start point.", r"\theta_0"),
    ),  # fmt: skip
    latex=(
        r"N_t = \sqrt{\beta_2} N_{t-1} + \tfrac{d}{d_0} d\eta \langle g_t, \theta_0 - \theta_{t-1}\rangle, "
        r"\ s_t = \sqrt{\beta_2} s_{t-1} + \tfrac{d}{d_0} d\eta\, g_t \\ "
        r"m_t = \beta_1 m_{t-1} + d(1-\beta_1) g_t, \ v_t = \beta_2 v_{t-1} + d^2(1-\beta_2) g_t^2 \\ "
        r"d \leftarrow \max(d, N_t / \lVert s_t \rVert_1) \\ "
        r"\theta_t = (1 - \lambda d\eta)\theta_{t-1} - d\eta\, \frac{m_t}{\sqrt{v_t} + d\epsilon}"
    ),
    init=prodigy_init,
    update=prodigy_update,
    derive=prodigy_derive,
    derived=(
        StateVar("dlr", "The step scale d * lr used this step.", r"d\eta", False, True),
        EFFECTIVE_LR,
    ),
    summary="Adam that estimates its own learning rate from how far it has travelled (D-adaptation).",
    by_hand=(
        HandStep("dlr", "d_prev*lr"),
        HandStep("numerator", "sqrt(beta2)*numerator_prev + d_prev/d0*dlr*dot(g, start - p_prev)"),
        HandStep("m", "beta1*m_prev + d_prev*(1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + d_prev**2*(1 - beta2)*g**2"),
        HandStep("s", "sqrt(beta2)*s_prev + d_prev/d0*dlr*g"),
        HandStep("d_hat", "numerator/l1(s)", symbol=r"\hat d"),
        HandStep("d_max", "max(d_max_prev, d_hat)"),
        HandStep("d", "d_max"),
        HandStep("p_prev", "p_prev - weight_decay*dlr*p_prev", "weight_decay != 0"),
        HandStep("effective_lr", "dlr/(sqrt(v) + d*epsilon)"),
        HandStep("p", "p_prev - dlr*m/(sqrt(v) + d*epsilon)"),
    ),
)

OPTIMIZERS = (
    ADAMW,
    NADAM,
    RADAM,
    ADABELIEF,
    LION,
    YOGI,
    ADAN,
    SF_SGD,
    SF_ADAMW,
    PRODIGY,
)
