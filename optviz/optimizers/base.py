"""What an optimizer is here: a declaration plus two pure functions, ``init`` and ``update``.

``init(p, hp) -> state`` and ``update(g, state, p, t, lr, hp) -> (p_new, state)`` work on
parameters of any leading batch shape ``(..., 2)``; hyperparameters in ``hp`` are floats or arrays
broadcastable against ``p``, so one run and a 10,000-configuration sweep are the same code. (A sweep
passes ``(N, 2)`` arrays: NumPy broadcasts an ``(N, 1)`` array against ``(N, 2)`` about 10x slower.) ``t`` is the step number (1 on the first step) and ``lr`` the learning rate after
any schedule. Scalar state (Prodigy's d, NAdam's momentum product) has shape ``(..., 1)``.

``derive(rec, grads, t, lr, hp)`` computes the teaching quantities (bias-corrected moments, the
per-coordinate effective step size) after a run, vectorised over the recorded steps.

An optimizer that needs more than the gradient declares ``uses_context=True``; its update is then
called as ``update(g, state, p, t, lr, hp, ctx=StepContext(...))``: the problem's layout (which
blocks are matrices), the gradient at another point on this step's minibatch (SAM), the loss and
gradient there (L-BFGS's line search) and the step.
Elementwise optimizers leave it False and keep the six-argument update.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np

from ..layout import Layout
from ..spec import Param, StateVar, Value

Family = Literal["classic", "adaptive", "frontier"]
HParams = Mapping[str, Value]
State = tuple[np.ndarray, ...]


class HandStep(NamedTuple):
    """One line of "this step, by hand": ``target = expr`` in the optimizer's own variables.

    ``expr`` is a small Python expression over the hyperparameters, ``t``, ``lr`` (after the schedule),
    ``g`` (the gradient), ``p_prev``/``start`` (parameters before the step / at the start), ``g_last``
    (the previous gradient), ``<state>_prev`` (a state variable before the step), ``<state>`` (after it)
    and earlier targets, using ``sqrt abs sign max min dot l1 mean``, ``+ - * / ** %`` and a modifier's
    namespaced hyperparameters as written (``lookahead.k``). ``when`` (an expression) shows the line
    only when true; ``symbol`` is the LaTeX of an intermediate target. ``optviz.explain`` renders it with
    the step's numbers and tests check it against the recorded trace.

    A line with an empty ``expr`` opts out for what the language cannot compute (SAM's gradient at its
    ascent point): it shows the trace's recorded value of ``target``, with ``latex`` as its right-hand side.
    """

    target: str
    expr: str
    when: str = ""
    symbol: str = ""
    latex: str = ""


@dataclass(frozen=True)
class Optimizer:
    """One registry entry: everything the app, docs and tests need to know about an optimizer."""

    key: str
    name: str
    family: Family
    paper: str
    year: int
    reference: str
    hparams: tuple[Param, ...]
    state: tuple[StateVar, ...]
    latex: str
    init: Callable[[np.ndarray, HParams], State]
    update: Callable[[np.ndarray, State, np.ndarray, int, Value, HParams], tuple[np.ndarray, State]]
    derive: Callable[..., dict[str, np.ndarray]] | None = None
    derived: tuple[StateVar, ...] = field(default=())
    summary: str = ""
    #: The update rule as lines to evaluate with a step's numbers (see ``HandStep``); ends with target "p".
    by_hand: tuple[HandStep, ...] = ()
    #: True when ``update`` takes a keyword ``ctx`` (a ``StepContext``): the layout, the gradient at
    #: another point on this step's minibatch, the step number.
    uses_context: bool = False
    #: True when ``update`` starts with AdamW's decoupled decay ``p <- p * (1 - lr*weight_decay)`` and
    #: the rest of the step does not read ``p``: Cautious masks the step after that decay, as timm does.
    decoupled_decay: bool = False
    #: Work of one update as a multiple of an elementwise optimizer's (optviz.budget's RUN_STEP,
    #: SWEEP_STEP and CONFIG), and extra work units per layout block of a network and step: the matrix
    #: and per-block updates cost more, and a link must not get past the page budget with them
    #: (benchmarks/bench_budget.py measures both against these declarations).
    cost: float = 1.0
    block_cost: float = 0.0
    #: For a modifier's composite (``lookahead(adamw)``): the modifier's key and the optimizer it wraps.
    modifier: str = ""
    inner: Optimizer | None = None

    @property
    def hparam_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.hparams)

    def param(self, name: str) -> Param:
        """The declaration of hyperparameter ``name``."""
        for p in self.hparams:
            if p.name == name:
                return p
        raise ValueError(
            f"{self.key}: unknown hyperparameter {name!r}; allowed: {', '.join(self.hparam_names)}"
        )

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.hparams}

    @property
    def all_state(self) -> tuple[StateVar, ...]:
        """Recorded state variables followed by derived ones, in display order."""
        return self.state + self.derived


class StepContext:
    """What a ``uses_context`` optimizer is told about its step besides the gradient.

    ``layout`` says which blocks of the flat ``(..., D)`` parameters are matrices; ``t`` is the step
    number (1 on the first step); ``grad_at(P)`` is the gradient at other parameters ``P`` (same
    shape as ``p``) on this step's minibatch with this step's gradient noise, so SAM's ascent point
    sees the same data as ``g``. In a sweep ``P`` is ``(N, D)`` and each row gets its own gradient.
    """

    __slots__ = ("layout", "t", "_oracle", "_loss_oracle")

    def __init__(
        self,
        layout: Layout,
        t: int,
        oracle: Callable[[np.ndarray, int], np.ndarray],
        loss_oracle: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]] | None = None,
    ):
        self.layout, self.t, self._oracle, self._loss_oracle = layout, t, oracle, loss_oracle

    def grad_at(self, P: np.ndarray) -> np.ndarray:
        """The gradient at ``P`` on this step's minibatch (and noise draw)."""
        return self._oracle(P, self.t - 1)

    def loss_and_grad_at(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The loss and gradient at ``P`` on this step's minibatch, for a line search (L-BFGS).

        With gradient noise n the gradient is g + n and the loss L + <n, P>: the noisy gradient is the
        exact gradient of that loss, so a line search sees one consistent function."""
        if self._loss_oracle is None:
            raise ValueError("this step context has no loss: call the optimizer through run or sweep")
        return self._loss_oracle(P, self.t - 1)


def with_context(
    opt: Optimizer,
    layout: Layout,
    oracle: Callable[[np.ndarray, int], np.ndarray],
    loss_oracle: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]] | None = None,
) -> Callable[[np.ndarray, State, np.ndarray, int, Value, HParams], tuple[np.ndarray, State]]:
    """``opt.update`` with the six-argument signature every loop calls: for a ``uses_context``
    optimizer, a wrapper that builds the step's ``StepContext`` from ``oracle(P, i)`` (the gradient
    at 0-based step i) and ``loss_oracle(P, i)`` (loss and gradient); for every other optimizer, the
    update itself (no cost per step)."""
    if not opt.uses_context:
        return opt.update
    update = opt.update

    def contextual(g, state, p, t, lr, hp):
        return update(g, state, p, t, lr, hp, ctx=StepContext(layout, t, oracle, loss_oracle))

    return contextual


# Shared declarations: the names are the public API (see shared/optimizers.md).
def learning_rate(default: float) -> Param:
    return Param(
        "learning_rate", default, 1e-6, 10.0, "log",
        "Step size: how far each update moves the parameters.", r"\eta",
    )  # fmt: skip


def beta1(default: float = 0.9) -> Param:
    return Param(
        "beta1", default, 0.0, 0.9999, "log1m",
        "Decay of the first-moment EMA (momentum); closer to 1 averages over more steps.",
        r"\beta_1",
    )  # fmt: skip


def beta2(default: float = 0.999) -> Param:
    return Param(
        "beta2", default, 0.0, 0.99999, "log1m",
        "Decay of the second-moment EMA; small values make the step size jumpy.", r"\beta_2",
    )  # fmt: skip


def epsilon(default: float) -> Param:
    return Param(
        "epsilon", default, 1e-20, 1.0, "log",
        "Added to the denominator for stability; when large it turns the method into plain SGD.",
        r"\epsilon",
    )  # fmt: skip


def weight_decay(default: float = 0.0) -> Param:
    return Param(
        "weight_decay", default, 0.0, 1.0, "linear",
        "Pull of the parameters towards zero (L2 penalty or decoupled decay).", r"\lambda",
    )  # fmt: skip


def momentum(default: float = 0.9) -> Param:
    return Param(
        "momentum", default, 0.0, 0.9999, "log1m",
        "Fraction of the previous step carried into the next one.", r"\mu",
    )  # fmt: skip


def zeros(p: np.ndarray, k: int = 1) -> tuple[np.ndarray, ...]:
    """``k`` zero arrays shaped like ``p``."""
    return tuple(np.zeros_like(p) for _ in range(k))


def scalar(p: np.ndarray, value: Value = 0.0) -> np.ndarray:
    """A per-configuration scalar state, shape ``(..., 1)``, broadcast against ``value``."""
    return np.zeros(p.shape[:-1] + (1,)) + value


def active(x: Value) -> bool:
    """False only for a scalar zero, so an unused term (weight decay 0) costs nothing."""
    return not (isinstance(x, float) and x == 0.0)


def where(cond: Any, a: Any, b: Any) -> Any:
    """``np.where`` that keeps plain Python branches plain (one run) and vectorises for sweeps."""
    if isinstance(cond, (bool, np.bool_)):
        return a if cond else b
    return np.where(cond, a, b)


def _int_power(base: Any, t: int) -> Any:
    """``base**t`` for an integer t >= 0 by repeated squaring: plain multiplications, so a float and
    an array give the same bits (NumPy's SIMD ``**`` on arrays differs from libm's in the last bit)."""
    result = None
    while True:
        if t & 1:
            result = base if result is None else result * base
        t >>= 1
        if not t:
            return 1.0 if result is None else result
        base = base * base


# A run asks for beta**t of the same few betas every step: keep per-beta tables of powers
# (8 bytes an entry, at most _MAX_TABLES betas) so the one-run path stays cheap.
_POWER_TABLES: OrderedDict[float, array] = OrderedDict()
_MAX_TABLES = 32
_TABLE_LOCK = threading.Lock()  # Streamlit serves sessions from threads


def _float_int_power(beta: float, t: int) -> float:
    table = _POWER_TABLES.get(beta)
    if table is not None and t < len(table):
        return table[t]
    with _TABLE_LOCK:
        table = _POWER_TABLES.setdefault(beta, array("d", [1.0]))
        _POWER_TABLES.move_to_end(beta)
        while len(_POWER_TABLES) > _MAX_TABLES:
            _POWER_TABLES.popitem(last=False)
        table.extend(_int_power(beta, k) for k in range(len(table), t + 1))
        return table[t]


def power(base: Any, exponent: Any) -> Any:
    """``base**exponent``, bit-identical for a float (one run) and an array (a sweep)."""
    if isinstance(exponent, int) and exponent >= 0:
        return _float_int_power(base, exponent) if isinstance(base, float) else _int_power(base, exponent)
    if isinstance(base, np.ndarray) or isinstance(exponent, np.ndarray):
        return np.float_power(base, exponent)  # libm's pow, as Python's float ** uses
    return base**exponent


def bias(beta: Value, t: np.ndarray | int) -> Any:
    """``1 - beta**t``: the bias correction of a zero-initialised EMA after t steps."""
    table = _POWER_TABLES.get(beta) if type(beta) is float else None  # the one-run fast path
    if table is not None and type(t) is int and 0 <= t < len(table):
        return 1.0 - table[t]
    return 1.0 - power(beta, t)


def root(x: Any) -> Any:
    """Square root that stays a plain float for floats (one run) and vectorises for arrays (a sweep).

    Both are correctly rounded, so a sweep cell and its single run agree bit for bit.
    """
    return math.sqrt(x) if isinstance(x, float) else np.sqrt(x)


def col(t: np.ndarray) -> np.ndarray:
    """Steps (k,) as a column (k, 1) so they broadcast against recorded (k, 2) series."""
    return np.asarray(t, dtype=float)[:, None]
