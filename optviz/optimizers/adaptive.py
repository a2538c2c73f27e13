"""Adaptive methods: a per-coordinate step size from the history of squared gradients (torch.optim)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Param, StateVar
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
    momentum,
    root,
    weight_decay,
)  # fmt: skip

M = StateVar("m", "First moment: an EMA of the gradient g.", "m")
V = StateVar("v", "Second moment: an EMA of the squared gradient g^2.", "v")
M_HAT = StateVar("m_hat", "Bias-corrected first moment m / (1 - beta1^t).", r"\hat m", derived=True)
V_HAT = StateVar("v_hat", "Bias-corrected second moment v / (1 - beta2^t).", r"\hat v", derived=True)
EFFECTIVE_LR = StateVar(
    "effective_lr",
    "Per-coordinate step size multiplying the (bias-corrected) momentum: lr / (sqrt(v_hat) + eps).",
    r"\eta_{\text{eff}}",
    derived=True,
)


def coupled(g, p, hp):
    """L2 penalty folded into the gradient: g + weight_decay * p."""
    wd = hp["weight_decay"]
    return g + wd * p if active(wd) else g


# --- Adagrad -----------------------------------------------------------------------------------
class AdagradState(NamedTuple):
    sum: np.ndarray


def adagrad_init(p, hp):
    return AdagradState(np.zeros_like(p) + hp["initial_accumulator_value"])


def adagrad_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    clr = lr / (1.0 + (t - 1) * hp["lr_decay"])
    acc = s.sum + g * g
    return p - clr * g / (np.sqrt(acc) + hp["epsilon"]), AdagradState(acc)


def adagrad_derive(rec, grads, params, t, lr, hp):
    clr = col(lr) / (1.0 + (col(t) - 1.0) * hp["lr_decay"])
    return {"effective_lr": clr / (np.sqrt(rec["sum"]) + hp["epsilon"])}


# --- RMSprop -----------------------------------------------------------------------------------
class RMSpropState(NamedTuple):
    v: np.ndarray
    buf: np.ndarray


def rmsprop_init(p, hp):
    return RMSpropState(np.zeros_like(p), np.zeros_like(p))


def rmsprop_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    a = hp["alpha"]
    v = a * s.v + (1.0 - a) * (g * g)
    avg = np.sqrt(v) + hp["epsilon"]
    mu = hp["momentum"]
    if not active(mu):
        return p - lr * (g / avg), RMSpropState(v, s.buf)
    buf = mu * s.buf + g / avg  # with mu = 0 in a sweep cell this is exactly g / avg
    return p - lr * buf, RMSpropState(v, buf)


def rmsprop_derive(rec, grads, params, t, lr, hp):
    return {"effective_lr": col(lr) / (np.sqrt(rec["v"]) + hp["epsilon"])}


# --- Adadelta ----------------------------------------------------------------------------------
class AdadeltaState(NamedTuple):
    v: np.ndarray
    u: np.ndarray


def adadelta_init(p, hp):
    return AdadeltaState(np.zeros_like(p), np.zeros_like(p))


def adadelta_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    rho, eps = hp["rho"], hp["epsilon"]
    v = rho * s.v + (1.0 - rho) * (g * g)
    delta = np.sqrt(s.u + eps) / np.sqrt(v + eps) * g
    u = rho * s.u + (1.0 - rho) * (delta * delta)
    return p - lr * delta, AdadeltaState(v, u)


def adadelta_derive(rec, grads, params, t, lr, hp):
    u_prev = np.vstack([np.zeros((1, rec["u"].shape[1])), rec["u"][:-1]])
    eps = hp["epsilon"]
    return {"effective_lr": col(lr) * np.sqrt(u_prev + eps) / np.sqrt(rec["v"] + eps)}


# --- Adam, AMSGrad, Adamax -----------------------------------------------------------------------
class AdamState(NamedTuple):
    m: np.ndarray
    v: np.ndarray


class AMSGradState(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    vmax: np.ndarray


class AdamaxState(NamedTuple):
    m: np.ndarray
    u: np.ndarray


def moments(g, m, v, b1, b2):
    """Adam's two EMAs; m as torch's lerp, m + (1 - beta1)(g - m)."""
    return m + (1.0 - b1) * (g - m), b2 * v + (1.0 - b2) * (g * g)


def adam_step(p, m, v, t, lr, hp):
    """p - (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), in torch's order of operations."""
    denom = np.sqrt(v) / root(bias(hp["beta2"], t)) + hp["epsilon"]
    return p - (lr / bias(hp["beta1"], t)) * (m / denom)


def adam_init(p, hp):
    return AdamState(*np.zeros((2, *p.shape)))


def adam_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    m, v = moments(g, s.m, s.v, hp["beta1"], hp["beta2"])
    return adam_step(p, m, v, t, lr, hp), AdamState(m, v)


def adam_derive(rec, grads, params, t, lr, hp, v_name="v"):
    bc1, bc2 = bias(hp["beta1"], col(t)), bias(hp["beta2"], col(t))
    v_hat = rec[v_name] / bc2
    return {
        "m_hat": rec["m"] / bc1,
        "v_hat": v_hat,
        "effective_lr": col(lr) / (np.sqrt(v_hat) + hp["epsilon"]),
    }


def amsgrad_init(p, hp):
    return AMSGradState(*np.zeros((3, *p.shape)))


def amsgrad_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    m, v = moments(g, s.m, s.v, hp["beta1"], hp["beta2"])
    vmax = np.maximum(s.vmax, v)
    return adam_step(p, m, vmax, t, lr, hp), AMSGradState(m, v, vmax)


def amsgrad_derive(rec, grads, params, t, lr, hp):
    return adam_derive(rec, grads, params, t, lr, hp, v_name="vmax")


def adamax_init(p, hp):
    return AdamaxState(*np.zeros((2, *p.shape)))


def adamax_update(g, s, p, t, lr, hp):
    g = coupled(g, p, hp)
    b1 = hp["beta1"]
    m = s.m + (1.0 - b1) * (g - s.m)
    u = np.maximum(hp["beta2"] * s.u, np.abs(g) + hp["epsilon"])
    return p - (lr / bias(b1, t)) * (m / u), AdamaxState(m, u)


def adamax_derive(rec, grads, params, t, lr, hp):
    return {
        "m_hat": rec["m"] / bias(hp["beta1"], col(t)),
        "effective_lr": col(lr) / rec["u"],
    }


ADAM_LATEX = (
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ "
    r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\ "
    r"\hat m_t = \frac{m_t}{1-\beta_1^t}, \quad \hat v_t = \frac{v_t}{1-\beta_2^t} \\ "
    r"\theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
)
L2 = r"g_t \leftarrow g_t + \lambda\,\theta_{t-1} \\ "

ADAGRAD = Optimizer(
    key="adagrad",
    name="Adagrad",
    family="adaptive",
    paper="Duchi, Hazan & Singer, Adaptive Subgradient Methods for Online Learning",
    year=2011,
    reference="torch.optim.Adagrad",
    hparams=(
        learning_rate(0.01),
        Param(
            "lr_decay",
            0.0,
            0.0,
            1.0,
            "linear",
            "Divides the learning rate by 1 + (t-1)*lr_decay.",
            r"\delta",
        ),
        Param(
            "initial_accumulator_value",
            0.0,
            0.0,
            10.0,
            "linear",
            "Starting value of the sum of squared gradients.",
            r"G_0",
        ),
        epsilon(1e-10),
        weight_decay(),
    ),  # fmt: skip
    state=(StateVar("sum", "Sum of all squared gradients so far: it only grows.", "G"),),
    latex=(
        L2 + r"\tilde\eta_t = \frac{\eta}{1 + (t-1)\delta} \\ G_t = G_{t-1} + g_t^2 \\ "
        r"\theta_t = \theta_{t-1} - \tilde\eta_t\, \frac{g_t}{\sqrt{G_t} + \epsilon}"
    ),
    init=adagrad_init,
    update=adagrad_update,
    derive=adagrad_derive,
    derived=(EFFECTIVE_LR,),
    summary="Divide each coordinate's step by the root of its summed squared gradients.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("clr", "lr/(1 + (t - 1)*lr_decay)", symbol=r"\tilde\eta_t"),
        HandStep("sum", "sum_prev + g**2"),
        HandStep("effective_lr", "clr/(sqrt(sum) + epsilon)"),
        HandStep("p", "p_prev - clr*g/(sqrt(sum) + epsilon)"),
    ),
)

RMSPROP = Optimizer(
    key="rmsprop",
    name="RMSprop",
    family="adaptive",
    paper="Tieleman & Hinton, Lecture 6.5 (Coursera: Neural Networks for Machine Learning)",
    year=2012,
    reference="torch.optim.RMSprop",
    hparams=(
        learning_rate(0.01),
        Param(
            "alpha",
            0.99,
            0.0,
            0.9999,
            "log1m",
            "Decay of the squared-gradient EMA (smoothing constant).",
            r"\alpha",
        ),
        epsilon(1e-8),
        momentum(0.0),
        weight_decay(),
    ),  # fmt: skip
    state=(
        V,
        StateVar(
            "buf",
            "Momentum buffer of normalised gradients (used when momentum > 0).",
            "b",
        ),
    ),
    latex=(
        L2 + r"v_t = \alpha v_{t-1} + (1-\alpha)\, g_t^2 \\ "
        r"b_t = \mu b_{t-1} + \frac{g_t}{\sqrt{v_t} + \epsilon} \\ \theta_t = \theta_{t-1} - \eta\, b_t"
    ),
    init=rmsprop_init,
    update=rmsprop_update,
    derive=rmsprop_derive,
    derived=(EFFECTIVE_LR,),
    summary="Adagrad with a leaky average of squared gradients, so the step size stops shrinking.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("v", "alpha*v_prev + (1 - alpha)*g**2"),
        HandStep("effective_lr", "lr/(sqrt(v) + epsilon)"),
        HandStep("buf", "momentum*buf_prev + g/(sqrt(v) + epsilon)", "momentum != 0"),
        HandStep("p", "p_prev - lr*buf", "momentum != 0"),
        HandStep("p", "p_prev - lr*g/(sqrt(v) + epsilon)", "momentum == 0"),
    ),
)

ADADELTA = Optimizer(
    key="adadelta",
    name="Adadelta",
    family="adaptive",
    paper="Zeiler, ADADELTA: An Adaptive Learning Rate Method",
    year=2012,
    reference="torch.optim.Adadelta",
    hparams=(
        learning_rate(1.0),
        Param(
            "rho",
            0.9,
            0.0,
            0.9999,
            "log1m",
            "Decay of both running averages (squared gradients and squared updates).",
            r"\rho",
        ),
        epsilon(1e-6),
        weight_decay(),
    ),  # fmt: skip
    state=(V, StateVar("u", "EMA of squared updates: gives the step its units.", "u")),
    latex=(
        L2 + r"v_t = \rho v_{t-1} + (1-\rho)\, g_t^2 \\ "
        r"\Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\ "
        r"u_t = \rho u_{t-1} + (1-\rho)\, \Delta_t^2 \\ \theta_t = \theta_{t-1} - \eta\, \Delta_t"
    ),
    init=adadelta_init,
    update=adadelta_update,
    derive=adadelta_derive,
    derived=(EFFECTIVE_LR,),
    summary="RMSprop whose numerator is a running RMS of past updates, so it needs almost no learning rate.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("v", "rho*v_prev + (1 - rho)*g**2"),
        HandStep("delta", "sqrt(u_prev + epsilon)/sqrt(v + epsilon)*g", symbol=r"\Delta_t"),
        HandStep("u", "rho*u_prev + (1 - rho)*delta**2"),
        HandStep("effective_lr", "lr*sqrt(u_prev + epsilon)/sqrt(v + epsilon)"),
        HandStep("p", "p_prev - lr*delta"),
    ),
)

ADAM_HPARAMS = (learning_rate(1e-3), beta1(), beta2(), epsilon(1e-8), weight_decay())

ADAM = Optimizer(
    key="adam",
    name="Adam",
    family="adaptive",
    paper="Kingma & Ba, Adam: A Method for Stochastic Optimization",
    year=2014,
    reference="torch.optim.Adam",
    hparams=ADAM_HPARAMS,
    state=(M, V),
    latex=L2 + ADAM_LATEX,
    init=adam_init,
    update=adam_update,
    derive=adam_derive,
    derived=(M_HAT, V_HAT, EFFECTIVE_LR),
    summary="Momentum on the gradient plus RMSprop's per-coordinate scaling, both bias-corrected.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("v_hat", "v/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep("p", "p_prev - lr*m_hat/(sqrt(v_hat) + epsilon)"),
    ),
)

AMSGRAD = Optimizer(
    key="amsgrad",
    name="AMSGrad",
    family="adaptive",
    paper="Reddi, Kale & Kumar, On the Convergence of Adam and Beyond",
    year=2018,
    reference="torch.optim.Adam(amsgrad=True)",
    hparams=ADAM_HPARAMS,
    state=(
        M,
        V,
        StateVar("vmax", "Running maximum of v: the denominator never shrinks.", r"v^{\max}"),
    ),
    latex=(
        L2 + r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\ "
        r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t) \\ "
        r"\theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\, "
        r"\frac{m_t}{\sqrt{v^{\max}_t / (1-\beta_2^t)} + \epsilon}"
    ),
    init=amsgrad_init,
    update=amsgrad_update,
    derive=amsgrad_derive,
    derived=(
        M_HAT,
        StateVar(
            "v_hat",
            "Bias-corrected running maximum vmax / (1 - beta2^t).",
            r"\hat v",
            derived=True,
        ),
        EFFECTIVE_LR,
    ),
    summary="Adam whose second moment can only grow, which repairs Adam's known non-convergence cases.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("v", "beta2*v_prev + (1 - beta2)*g**2"),
        HandStep("vmax", "max(vmax_prev, v)"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("v_hat", "vmax/(1 - beta2**t)"),
        HandStep("effective_lr", "lr/(sqrt(v_hat) + epsilon)"),
        HandStep("p", "p_prev - lr*m_hat/(sqrt(v_hat) + epsilon)"),
    ),
)

ADAMAX = Optimizer(
    key="adamax",
    name="Adamax",
    family="adaptive",
    paper="Kingma & Ba, Adam: A Method for Stochastic Optimization (section 7)",
    year=2014,
    reference="torch.optim.Adamax",
    hparams=(learning_rate(2e-3), beta1(), beta2(), epsilon(1e-8), weight_decay()),
    state=(
        M,
        StateVar("u", "Exponentially weighted infinity norm: max(beta2*u, |g| + eps).", "u"),
    ),
    latex=(
        L2 + r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ "
        r"u_t = \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\ "
        r"\theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\, \frac{m_t}{u_t}"
    ),
    init=adamax_init,
    update=adamax_update,
    derive=adamax_derive,
    derived=(
        M_HAT,
        StateVar(
            "effective_lr",
            "Per-coordinate step size lr / u multiplying m_hat.",
            r"\eta_{\text{eff}}",
            derived=True,
        ),
    ),  # fmt: skip
    summary="Adam with the infinity norm in place of the root mean square.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("m", "beta1*m_prev + (1 - beta1)*g"),
        HandStep("u", "max(beta2*u_prev, abs(g) + epsilon)"),
        HandStep("m_hat", "m/(1 - beta1**t)"),
        HandStep("effective_lr", "lr/u"),
        HandStep("p", "p_prev - lr*m_hat/u"),
    ),
)

OPTIMIZERS = (ADAGRAD, RMSPROP, ADADELTA, ADAM, AMSGRAD, ADAMAX)
