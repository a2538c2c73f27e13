"""Classic first-order methods: plain SGD and its two momentum variants (torch.optim.SGD)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Param, StateVar
from .base import HandStep, Optimizer, active, col, learning_rate, momentum, weight_decay

DAMPENING = Param(
    "dampening", 0.0, 0.0, 0.99, "linear",
    "Shrinks the new gradient's share of the momentum buffer: buf = mu*buf + (1 - tau)*g.", r"\tau",
)  # fmt: skip

BUF = StateVar("buf", "Momentum buffer: a running (undamped) sum of past gradients.", r"b")
EFFECTIVE_LR = StateVar(
    "effective_lr", "Per-coordinate step size applied to the update direction.", r"\eta_{\text{eff}}",
    derived=True,
)  # fmt: skip


class Empty(NamedTuple):
    pass


class MomentumState(NamedTuple):
    buf: np.ndarray


def _constant_step(rec, grads, params, t, lr, hp):
    return {"effective_lr": np.broadcast_to(col(lr), grads.shape).copy()}


def sgd_init(p, hp):
    return Empty()


def sgd_update(g, s, p, t, lr, hp):
    wd = hp["weight_decay"]
    if active(wd):
        g = g + wd * p
    return p - lr * g, s


def momentum_init(p, hp):
    return MomentumState(np.zeros_like(p))


def _momentum_buffer(g, s, p, t, hp, dampening):
    wd = hp["weight_decay"]
    if active(wd):
        g = g + wd * p
    if t == 1:
        return g, g.copy()  # torch: the first buffer is the gradient itself, undamped
    return g, hp["momentum"] * s.buf + (1.0 - dampening) * g


def momentum_update(g, s, p, t, lr, hp):
    _, buf = _momentum_buffer(g, s, p, t, hp, hp["dampening"])
    return p - lr * buf, MomentumState(buf)


def nesterov_update(g, s, p, t, lr, hp):
    g, buf = _momentum_buffer(g, s, p, t, hp, 0.0)
    return p - lr * (g + hp["momentum"] * buf), MomentumState(buf)


SGD = Optimizer(
    key="sgd",
    name="SGD",
    family="classic",
    paper="Robbins & Monro, A Stochastic Approximation Method",
    year=1951,
    reference="torch.optim.SGD",
    hparams=(learning_rate(0.01), weight_decay()),
    state=(),
    latex=r"g_t \leftarrow g_t + \lambda\,\theta_{t-1} \\ \theta_t = \theta_{t-1} - \eta\, g_t",
    init=sgd_init,
    update=sgd_update,
    derive=_constant_step,
    derived=(EFFECTIVE_LR,),
    summary="Step straight down the gradient, scaled by the learning rate.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("effective_lr", "lr"),
        HandStep("p", "p_prev - lr*g"),
    ),
)

MOMENTUM = Optimizer(
    key="momentum",
    name="SGD + momentum (heavy ball)",
    family="classic",
    paper="Polyak, Some methods of speeding up the convergence of iteration methods",
    year=1964,
    reference="torch.optim.SGD",
    hparams=(learning_rate(0.01), momentum(), DAMPENING, weight_decay()),
    state=(BUF,),
    latex=(
        r"g_t \leftarrow g_t + \lambda\,\theta_{t-1} \\ "
        r"b_t = \mu\, b_{t-1} + (1-\tau)\, g_t \quad (b_1 = g_1) \\ "
        r"\theta_t = \theta_{t-1} - \eta\, b_t"
    ),
    init=momentum_init,
    update=momentum_update,
    derive=_constant_step,
    derived=(EFFECTIVE_LR,),
    summary="Accumulate a velocity from past gradients, so steps build up along consistent directions.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("buf", "g", "t == 1"),
        HandStep("buf", "momentum*buf_prev + (1 - dampening)*g", "t > 1"),
        HandStep("effective_lr", "lr"),
        HandStep("p", "p_prev - lr*buf"),
    ),
)

NESTEROV = Optimizer(
    key="nesterov",
    name="Nesterov momentum",
    family="classic",
    paper="Nesterov, A method for solving the convex programming problem with convergence rate O(1/k^2)",
    year=1983,
    reference="torch.optim.SGD(nesterov=True)",
    hparams=(learning_rate(0.01), momentum(), weight_decay()),
    state=(BUF,),
    latex=(
        r"g_t \leftarrow g_t + \lambda\,\theta_{t-1} \\ "
        r"b_t = \mu\, b_{t-1} + g_t \quad (b_1 = g_1) \\ "
        r"\theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, b_t)"
    ),
    init=momentum_init,
    update=nesterov_update,
    derive=_constant_step,
    derived=(EFFECTIVE_LR,),
    summary="Momentum that looks ahead: the step uses the gradient plus the already-updated velocity.",
    by_hand=(
        HandStep("g", "g + weight_decay*p_prev", "weight_decay != 0"),
        HandStep("buf", "g", "t == 1"),
        HandStep("buf", "momentum*buf_prev + g", "t > 1"),
        HandStep("effective_lr", "lr"),
        HandStep("p", "p_prev - lr*(g + momentum*buf)"),
    ),
)

OPTIMIZERS = (SGD, MOMENTUM, NESTEROV)
