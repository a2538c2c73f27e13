"""Network scenes: the network problems a page offers, each declared once with its controls.

A scene names a network problem (an MLP classifier, the d-feature regression, low-rank matrix
factorisation), its categorical ``choices`` (data set, hidden layers, activation) and numeric
``params`` (points, noise, seeds, ...), the page's default learning rates for it, and which views
apply (a decision boundary only for a classifier, singular values only for the matrix). The Networks
page, its URL keys and the tests enumerate ``SCENES``; nothing else lists them.

``train`` runs one to a few optimizers on one scene instance: the same initialisation, the same
minibatches and the same settings for every optimizer (what makes their paths comparable).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..optimizers import get_optimizer
from ..optimizers.modifiers import split_key
from ..runner import Trace, run
from ..settings import RunSettings
from ..spec import Param, choose, resolve
from .base import NetworkProblem
from .data import GENERATORS
from .linear import LinearRegression
from .matrix import MatrixFactorisation
from .mlp import ACTIVATIONS, MLP

Kind = Literal["classifier", "regression", "matrix"]
#: Hidden layers a page offers, as URL-friendly text: units per layer joined by '-'.
HIDDEN_CHOICES = ("4", "8", "16", "4-4", "8-8", "16-16", "8-8-8")
#: Most optimizers one Networks view compares (each is one recorded run).
MAX_NET_OPTIMIZERS = 3


@dataclass(frozen=True)
class Choice:
    """A categorical control: one of ``options`` (short keys that read well in a URL)."""

    name: str
    options: tuple[str, ...]
    default: str
    help: str = ""

    def __post_init__(self) -> None:
        if self.default not in self.options:
            raise ValueError(f"{self.name}: default {self.default!r} is not among {self.options}")

    def check(self, value: Any, owner: str) -> str:
        """``value`` if it is one of the options; else a ValueError listing them."""
        if isinstance(value, str) and value in self.options:
            return value
        raise ValueError(f"{owner}: unknown {self.name} {value!r}; allowed: {', '.join(self.options)}")


def hidden_layers(text: str) -> tuple[int, ...]:
    """'8-8' -> (8, 8): the hidden layers a ``HIDDEN_CHOICES`` entry stands for."""
    return tuple(int(part) for part in text.split("-"))


@dataclass(frozen=True)
class Scene:
    """One network problem as a page offers it: its controls and how to build it from their values."""

    key: str
    name: str
    summary: str
    kind: Kind
    choices: tuple[Choice, ...]
    params: tuple[Param, ...]
    factory: Callable[..., NetworkProblem]
    #: The page's default learning rates on this scene (others keep their registry defaults).
    learning_rates: Mapping[str, float] = field(default_factory=dict)
    default_optimizers: tuple[str, ...] = ("sgd", "adam")

    @property
    def defaults(self) -> dict[str, str | float]:
        """Every control's default value, choices first."""
        out: dict[str, str | float] = {c.name: c.default for c in self.choices}
        out.update({p.name: int(p.default) if p.integer else float(p.default) for p in self.params})
        return out

    def values(self, given: Mapping[str, Any] | None = None) -> dict[str, str | float]:
        """``given`` checked against the declared controls, with the defaults for the rest."""
        given = dict(given or {})
        owner = f"scene {self.key}"
        names = {c.name for c in self.choices}
        out: dict[str, str | float] = {
            c.name: c.check(given[c.name], owner) if c.name in given else c.default for c in self.choices
        }
        numbers = resolve(self.params, {k: v for k, v in given.items() if k not in names}, owner)
        for p in self.params:
            out[p.name] = int(numbers[p.name]) if p.integer else float(numbers[p.name])
        return out

    def __call__(self, **given: Any) -> NetworkProblem:
        """The problem instance for these control values (defaults for the rest)."""
        return self.factory(**self.values(given))

    def default_hparams(self, optimizer: str) -> dict[str, float]:
        """The optimizer's registry defaults with this scene's learning rate, when it declares one."""
        values = dict(get_optimizer(optimizer).defaults)
        if optimizer in self.learning_rates:
            values["learning_rate"] = float(self.learning_rates[optimizer])
        return values


def _mlp(
    data: str, hidden: str, activation: str, n: int, noise: float, data_seed: int, init_seed: int
) -> MLP:
    return MLP(
        data, hidden_layers(hidden), activation, n=n, noise=noise, data_seed=data_seed, init_seed=init_seed
    )


def _regression(input_dim: int, correlation: float, n: int, noise: float, seed: int, init_seed: int):
    return LinearRegression(
        input_dim, n=n, correlation=correlation, noise=noise, seed=seed, init_seed=init_seed
    )


def _matrix(size: int, k: int, init_scale: float, seed: int, init_seed: int) -> MatrixFactorisation:
    return MatrixFactorisation(size, size, k, init_scale=init_scale, seed=seed, init_seed=init_seed)


_INIT_SEED = Param("init_seed", 0, 0, 10_000, "linear", "Seed of the initial weights.", integer=True)
_DATA_SEED = Param("data_seed", 0, 0, 10_000, "linear", "Seed of the generated data.", integer=True)

SCENES: dict[str, Scene] = {
    s.key: s
    for s in (
        Scene(
            "classifier", "MLP classifier", "A small network learns to separate two classes of 2-D points.",
            "classifier",
            (
                Choice("data", tuple(GENERATORS), "circle", "The data set: two classes of points."),
                Choice("hidden", HIDDEN_CHOICES, "8-8", "Hidden layers: units per layer."),
                Choice("activation", ACTIVATIONS, "tanh", "The hidden layers' nonlinearity."),
            ),
            (
                Param("n", 200, 20, 1000, "log", "Number of data points (train and test).", "n", integer=True),
                Param("noise", 0.1, 0.0, 0.5, "linear", "Jitter added to every point.", r"\sigma"),
                _DATA_SEED,
                _INIT_SEED,
            ),
            _mlp,
            {"sgd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adam": 0.03, "adamw": 0.03, "rmsprop": 0.01},
        ),
        Scene(
            "regression", "Linear regression, d features",
            "The seed's model with many correlated inputs: correlation sets the conditioning.",
            "regression",
            (),
            (
                Param("input_dim", 8, 1, 64, "log", "Number of input features d.", "d", integer=True),
                Param("correlation", 0.9, 0.0, 0.99, "linear", "Correlation between every pair of features.",
                      r"\rho"),
                Param("n", 200, 70, 1000, "log", "Number of data points.", "n", integer=True),
                Param("noise", 0.1, 0.0, 1.0, "linear", "Standard deviation of the noise on y.", r"\sigma"),
                Param("seed", 0, 0, 10_000, "linear", "Seed of the generated data.", integer=True),
                _INIT_SEED,
            ),
            _regression,
            {"sgd": 0.1, "momentum": 0.03, "nesterov": 0.03, "adam": 0.3, "adamw": 0.3},
        ),
        Scene(
            "matrix", "Low-rank matrix factorisation",
            "Fit A B to a rank-4 target from a tiny start: plain GD learns its singular values one at a time.",
            "matrix",
            (),
            (
                Param("size", 8, 4, 16, "linear", "Rows and columns of the target matrix.", "m", integer=True),
                Param("k", 8, 4, 16, "linear", "Inner dimension of the factors A and B.", "k", integer=True),
                Param("init_scale", 1e-3, 1e-4, 0.1, "log", "Scale of the initial entries.", r"\sigma_0"),
                Param("seed", 0, 0, 10_000, "linear", "Seed of the target matrix.", integer=True),
                _INIT_SEED,
            ),
            _matrix,
            {"sgd": 0.1, "momentum": 0.03, "nesterov": 0.03, "adam": 0.01, "adamw": 0.01},
        ),
    )
}  # fmt: skip


def get_scene(key: str) -> Scene:
    """The scene called ``key``; a ValueError lists the allowed keys."""
    return choose(SCENES, key, "scene")


def train(
    problem: NetworkProblem, setups: Mapping[str, Mapping[str, float] | None], settings: RunSettings
) -> dict[str, Trace]:
    """One recorded run per optimizer (``{key: hparams}``, 1 to ``MAX_NET_OPTIMIZERS``), all from the
    problem's start on the same minibatches: the runs differ only in their optimizer."""
    if not 1 <= len(setups) <= MAX_NET_OPTIMIZERS:
        raise ValueError(f"train needs 1 to {MAX_NET_OPTIMIZERS} optimizers, got {len(setups)}")
    kwargs = settings.kwargs()
    return {key: run(key, problem, hparams=dict(hp or {}), **kwargs) for key, hp in setups.items()}


#: Work units (optviz.budget: 0.1 us of CPU each) of one step of one run beyond the runner's own
#: overhead: a gradient call's fixed cost, then per data point and per (parameter + 4 x widest layer).
#: Fitted on the 8-8 MLP on 200 points (91 us a step) and the 16-16 on 1000 (305 us), rounded up.
NET_STEP = 400
POINT_WIDTH = 0.005
#: A configuration of a loss slice (loss only, no gradient): half a step's per-point cost.
SLICE_CONFIG = 40
SLICE_POINT_WIDTH = 0.0025


def _points_width(problem: NetworkProblem) -> tuple[int, int]:
    """(data points, width): the factors of one loss or gradient evaluation's cost."""
    if isinstance(problem, MatrixFactorisation):  # no data: a few (rows x cols) products
        return 4 * problem.k, problem.dim
    widest = max(getattr(problem, "sizes", (1, 1))[1:])
    return int(problem.n), problem.dim + 4 * widest


def step_units(problem: NetworkProblem, batch_size: int | None) -> float:
    """Work units one step of one run adds to ``budget.RUN_STEP``: the gradient on the minibatch (or all
    points) and the recorded loss on all points."""
    n, width = _points_width(problem)
    points = (batch_size or n) + n
    return NET_STEP + POINT_WIDTH * points * width


#: A batched sweep (``optviz.sweep`` on ``(N, D)``) shares a step's fixed cost (``NET_STEP``, once per
#: sweep step) among its configurations; each configuration costs ``SWEEP_NET_CONFIG`` plus
#: ``SWEEP_POINT_WIDTH`` per data point and width for each gradient (``SAM_GRADIENTS`` for SAM, whose
#: step takes a second gradient at the ascent point: 86 us against Adam's 48 on the 8-8 MLP), ``PARAM_UNITS`` per parameter and unit of ``Optimizer.cost``
#: (the update), and its block work: ``BLOCK_SHARE`` of ``block_cost`` per block, or, for the
#: optimizers that keep a matrix root or eigenbasis per side of every block (``block_cost`` at least
#: ``ROOT_BLOCK_COST``: Shampoo, SOAP), ``CUBE_UNITS`` per unit of ``block_cost`` and cubed side
#: (Shampoo on the 64-feature regression's 64-vector takes 4 ms per configuration and step).
#: Measured with Adam, 10 to 400 configurations: 43 us on the 8-8 MLP on 500 points (model 47 us),
#: 181 us on the 16-16 on 1000 (264), 6.4 us on a 4-unit MLP on 200 points (6.5), 19 us on the
#: 64-feature regression on 1000 (58); other optimizers in ``benchmarks/bench_budget.py``.
SWEEP_NET_CONFIG = 20
SWEEP_POINT_WIDTH = 0.004
PARAM_UNITS = 0.15
BLOCK_SHARE = 0.2
ROOT_BLOCK_COST = 1000
CUBE_UNITS = 1.3e-4
SAM_GRADIENTS = 3


def sweep_config_units(problem: NetworkProblem, batch_size: int | None, optimizers: Sequence[str]) -> float:
    """Work units one configuration of a batched sweep adds to each step (``budget.work``'s
    ``config_units``), for the costliest of ``optimizers`` (keys, composites too): its gradients on the
    minibatch, its recorded loss on all points, its update and its per-block work."""
    n, width = _points_width(problem)
    blocks = problem.layout.blocks
    cubes = sum(sum(side**3 for side in b.shape) or 1 for b in blocks)
    worst = 0.0
    for key in optimizers or ("sgd",):
        opt = get_optimizer(key)
        gradients = SAM_GRADIENTS if "sam" in split_key(opt.key)[0] else 1
        points = gradients * (batch_size or n) + n
        if opt.block_cost >= ROOT_BLOCK_COST:
            block = CUBE_UNITS * opt.block_cost * cubes
        else:
            block = BLOCK_SHARE * opt.block_cost * len(blocks)
        units = SWEEP_NET_CONFIG + SWEEP_POINT_WIDTH * points * width + PARAM_UNITS * opt.cost * problem.dim
        worst = max(worst, units + block)
    return worst


def view_units(problem: NetworkProblem, slice_configs: int, boundary_points: int) -> float:
    """Work units of the views besides the runs: the loss at ``slice_configs`` points of a slice and
    the network's logits at ``boundary_points`` (grid points x frames)."""
    n, width = _points_width(problem)
    return (
        slice_configs * (SLICE_CONFIG + SLICE_POINT_WIDTH * n * width) + POINT_WIDTH * boundary_points * width
    )


def same_start(traces: Mapping[str, Trace]) -> bool:
    """True when every trace starts from the same point (what ``train`` guarantees)."""
    starts = [tr.params[0] for tr in traces.values()]
    return all(np.array_equal(starts[0], s) for s in starts[1:])
