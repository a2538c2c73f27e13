"""Training runs: ``run`` records one trajectory with every state variable; ``sweep`` lives in sweep.py.

Both share ``prepare`` (validation, schedule, gradient oracle) and the two stopping rules below, so
a sweep cell is the same computation as the matching run.

- **Diverged** at step t: the loss at the new point is not finite, or it is more than
  ``DIVERGENCE_FACTOR`` times further from the reference loss (the known minimum, else 0) than the
  start was (at least 1 unit), or a parameter leaves the box ``|x| <= problem.bound`` (1e6, see
  problems.PARAM_BOUND), or the optimizer's state holds a non-finite value. The run stops there;
  recorded arrays hold only the finite steps.
- **Converged** at step t: the loss is within ``CONVERGENCE_RTOL`` of the start's gap to the known
  minimum, ``loss - min_loss <= 1e-6 * (loss(start) - min_loss)``, at step t and at every later step
  to the end of the run (decided after the fact: a noisy run that touches the tolerance once and
  bounces out again has not converged). Diverged runs and problems without a known minimum never
  converge.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .optimizers import Optimizer, get_optimizer
from .optimizers.base import with_context
from .problems import Problem, get_problem
from .schedules import get_schedule
from .settings import GRAD_NOISE, MAX_STEPS, SEED, RunSettings  # limits declared once, in settings.py
from .spec import Value, resolve

DIVERGENCE_FACTOR = 1e6
CONVERGENCE_RTOL = 1e-6
CHECK_EVERY = 128  # a run checks for blow-ups in chunks of this many steps


@dataclass
class Setup:
    """Everything a run or sweep needs, validated once."""

    optimizer: Optimizer
    problem: Problem
    steps: int
    start: np.ndarray
    hparams: dict[str, Value]
    schedule: str
    schedule_params: dict[str, float]
    lr_factor: np.ndarray  # (steps,)
    grad_at: Callable[[np.ndarray, int], np.ndarray]
    batch_grad: Callable[[np.ndarray, int], np.ndarray] | None
    noise: np.ndarray | None
    batch_size: int | None
    grad_noise: float
    seed: int
    loss0: float
    reference_loss: float
    divergence_bound: float
    convergence_tol: float | None
    #: ``loss_grad_at(P, i)``: loss and gradient on step i's minibatch and noise (a line search's trials)
    loss_grad_at: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]] | None = None

    def diverged(self, loss: np.ndarray, params: np.ndarray | None = None) -> np.ndarray:
        """True where a loss counts as a blow-up (NaN included), or where ``params`` (..., D) leave
        the problem's box (Ackley's loss stays bounded while its parameters run off to 1e286)."""
        bad = ~(np.abs(loss - self.reference_loss) <= self.divergence_bound)
        if params is not None:
            bad |= ~(np.abs(params) <= self.problem.bound).all(-1)
        return bad


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is outside [{low}, {high}]")
    return int(value)


def _count(d: int) -> str:
    """A number of coordinates in words, as the error messages say it ("two", "7")."""
    return {1: "one", 2: "two", 3: "three"}.get(d, str(d))


def _start(start: Any, problem: Problem) -> np.ndarray:
    if start is None:
        return problem.start.astype(float).copy()
    d = problem.dim
    try:
        arr = np.asarray(start, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"start must be {_count(d)} numbers, got {start!r}") from None
    if arr.shape != (d,) or not np.isfinite(arr).all():
        raise ValueError(f"start must be {_count(d)} finite numbers, got {start!r}")
    if np.abs(arr).max() > problem.bound:
        raise ValueError(f"start {tuple(arr)} is outside the allowed box |x| <= {problem.bound:g}")
    return arr


def prepare(
    optimizer: str | Optimizer,
    problem: str | Problem,
    settings: RunSettings,
    *,
    hparams: Mapping[str, Any] | None = None,
    allow_arrays: bool = False,
) -> Setup:
    """Validate every input of a run or sweep and build its schedule and gradient oracle."""
    opt = get_optimizer(optimizer)
    prob = get_problem(problem)
    schedule, schedule_params = settings.schedule, settings.schedule_params
    batch_size, grad_noise = settings.batch_size, settings.grad_noise
    steps = _whole(settings.steps, "steps", 1, MAX_STEPS)
    seed = _whole(settings.seed, "seed", int(SEED.low), int(SEED.high))
    x0 = _start(settings.start, prob)
    if hparams is not None and not isinstance(hparams, Mapping):
        raise ValueError(f"hparams must be a mapping of name -> value, got {type(hparams).__name__}")
    hp = resolve(opt.hparams, hparams, opt.key, what="hyperparameter")
    for name, value in hp.items():
        if isinstance(value, np.ndarray) and not allow_arrays:
            raise ValueError(f"{opt.key}: {name} must be a single number in run(); use sweep()")
    sched = get_schedule(schedule)
    factor = sched(steps, schedule_params)
    grad_noise = float(GRAD_NOISE.check(grad_noise, "run"))
    if batch_size is not None:
        n = getattr(prob, "n", None)
        if n is None:
            raise ValueError(
                f"batch_size only applies to a sum of terms such as linear regression, not {prob.key!r}"
            )
        batch_size = _whole(batch_size, "batch_size", 1, n)
    grad_at, batch_grad, noise = _gradient_oracle(prob, steps, batch_size, grad_noise, seed)
    loss_grad_at = _loss_oracle(prob, batch_grad, noise)
    with np.errstate(all="ignore"):
        loss0 = float(prob.loss(x0))
    if not np.isfinite(loss0):
        raise ValueError(f"the loss is not finite at the start point {tuple(x0)}")
    ref = prob.min_loss if prob.min_loss is not None else 0.0
    gap0 = loss0 - ref
    tol = CONVERGENCE_RTOL * gap0 if prob.min_loss is not None else None
    return Setup(
        optimizer=opt,
        problem=prob,
        steps=steps,
        start=x0,
        hparams=hp,
        schedule=sched.key,
        # the given values win over the defaults (not a set union of items: that kept either one)
        schedule_params={k: float(v) for k, v in {**sched.defaults, **dict(schedule_params or {})}.items()},
        lr_factor=factor,
        grad_at=grad_at,
        batch_grad=batch_grad,
        noise=noise,
        batch_size=batch_size,
        grad_noise=grad_noise,
        seed=seed,
        loss0=loss0,
        reference_loss=ref,
        divergence_bound=DIVERGENCE_FACTOR * max(1.0, abs(gap0)),
        convergence_tol=tol,
        loss_grad_at=loss_grad_at,
    )


class _full_batch:
    """``grad_at(P, i)`` for the full-batch gradient (a class, not a lambda, so it pickles)."""

    def __init__(self, prob: Problem):
        self.grad = prob.grad

    def __call__(self, P: np.ndarray, i: int) -> np.ndarray:
        return self.grad(P)


def _gradient_oracle(prob: Problem, steps: int, batch_size: int | None, grad_noise: float, seed: int):
    """``(grad_at, batch_grad, noise)``: ``grad_at(P, i)`` is the gradient used at 0-based step i.

    ``batch_grad`` is the minibatch oracle (None for full batch) and ``noise`` the (steps, D) Gaussian
    noise (None without noise); both are drawn per step and shared by every configuration of a sweep.
    """
    batch_grad = prob.stochastic(batch_size, steps, seed)
    base = batch_grad if batch_grad is not None else _full_batch(prob)
    if grad_noise == 0.0:
        return base, batch_grad, None
    noise = grad_noise * np.random.default_rng([seed, 1]).standard_normal((steps, prob.dim))
    return (lambda P, i: base(P, i) + noise[i]), batch_grad, noise


class _loss_oracle:
    """``loss_grad_at(P, i)``: loss and gradient on the data of step i (full batch or its minibatch),
    with step i's gradient noise n as the exact gradient of L + <n, P> (a class, so it pickles)."""

    def __init__(self, prob: Problem, batch_grad: Any, noise: np.ndarray | None):
        self.prob, self.noise = prob, noise
        self.batch = None if batch_grad is None else getattr(batch_grad, "loss_and_grad", None)
        self.minibatch = batch_grad is not None

    def __call__(self, P: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
        if not self.minibatch:
            loss, g = self.prob.loss_and_grad(P)
        elif self.batch is None:
            raise ValueError(f"{self.prob.key}: its minibatches give gradients but no loss")
        else:
            loss, g = self.batch(P, i)
        if self.noise is not None:
            n = self.noise[i]
            loss, g = loss + (P * n).sum(-1), g + n
        return loss, g


def _state_overflow(states: list) -> np.ndarray:
    """Per recorded step: True where the optimizer state holds a non-finite value.

    A bounded loss (Ackley) can hide an overflowing state (Prodigy's numerator at extreme settings);
    that counts as divergence too, so no inf or NaN is ever recorded.
    """
    bad = np.zeros(len(states), dtype=bool)
    for column in zip(*states):
        arr = np.array(column)
        bad |= ~np.isfinite(arr.reshape(len(states), -1)).all(axis=1)
    return bad


@dataclass
class Trace:
    """One recorded run. Row i of ``params``/``loss`` is the point after step i (row 0: the start);
    row i of ``grads``/``lr``/``state`` belongs to step i + 1."""

    optimizer: str
    problem: Problem
    hparams: dict[str, float]
    schedule: str
    schedule_params: dict[str, float]
    start: np.ndarray
    steps: int
    batch_size: int | None
    grad_noise: float
    seed: int
    params: np.ndarray
    loss: np.ndarray
    grads: np.ndarray
    lr: np.ndarray
    state: dict[str, np.ndarray] = field(default_factory=dict)
    diverged_at: int | None = None
    converged_at: int | None = None

    @property
    def k(self) -> int:
        """Number of steps completed with finite values."""
        return len(self.grads)

    @property
    def updates(self) -> np.ndarray:
        """Parameter change of every step, (k, D)."""
        return np.diff(self.params, axis=0)

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])

    @property
    def optimum_distance(self) -> float | None:
        """Distance from the final point to the nearest known minimum."""
        if not len(self.problem.minima):
            return None
        return float(np.min(np.linalg.norm(self.problem.minima - self.params[-1], axis=1)))

    def config(self) -> dict[str, Any]:
        """The inputs that reproduce this run, as plain JSON-able values."""
        return {
            "optimizer": self.optimizer,
            "problem": self.problem.key,
            "steps": self.steps,
            "start": [float(v) for v in self.start],
            "hparams": dict(self.hparams),
            "schedule": self.schedule,
            "schedule_params": dict(self.schedule_params),
            "batch_size": self.batch_size,
            "grad_noise": self.grad_noise,
            "seed": self.seed,
        }

    def columns(self) -> dict[str, np.ndarray]:
        """Per-step table (k + 1 rows, step 0 first): params, loss, lr, gradient, update, state."""
        k = self.k
        names = self.problem.layout.coord_names
        cols: dict[str, np.ndarray] = {"step": np.arange(k + 1)}
        for j, name in enumerate(names):
            cols[name] = self.params[:, j]
        cols["loss"] = self.loss

        def pad(x):  # step 0 has no gradient, lr or state
            x = np.asarray(x, dtype=float)
            return np.concatenate([np.full((1,) + x.shape[1:], np.nan), x])

        cols["lr"] = pad(self.lr)
        packed = {v.name for v in get_optimizer(self.optimizer).all_state if v.packed}
        for name, series in {
            "grad": self.grads,
            "update": self.updates,
            **self.state,
        }.items():
            if name in packed:  # matrices and histories: in to_dict, not one column per coordinate
                continue
            s = pad(series)
            if s.ndim == 1:
                cols[name] = s
            else:
                for j, coord in enumerate(names):
                    cols[f"{name}_{coord}"] = s[:, j]
        return cols

    def to_csv(self) -> str:
        """The trace as CSV text, one row per step (step 0 has empty gradient and state cells)."""
        cols = self.columns()
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        for row in zip(*cols.values()):
            w.writerow(["" if (isinstance(v, float) and np.isnan(v)) else repr(v.item()) for v in row])
        return out.getvalue()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary plus every recorded array."""
        return {
            "config": self.config(),
            "diverged_at": self.diverged_at,
            "converged_at": self.converged_at,
            "final_loss": self.final_loss,
            "optimum_distance": self.optimum_distance,
            "params": self.params.tolist(),
            "loss": self.loss.tolist(),
            "grads": self.grads.tolist(),
            "lr": self.lr.tolist(),
            "state": {k: v.tolist() for k, v in self.state.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())


def run(
    optimizer: str | Optimizer,
    problem: str | Problem,
    *,
    steps: int,
    start: Sequence[float] | None = None,
    hparams: Mapping[str, Any] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    grad_noise: float = 0.0,
    seed: int = 0,
) -> Trace:
    """Train ``optimizer`` on ``problem`` for ``steps`` steps, recording every state variable.

    ``problem`` is a registry key (default parameters) or an instance from ``PROBLEMS[key](...)``.
    Omitted hyperparameters take their defaults. Raises ValueError for any invalid input.
    """
    settings = RunSettings(steps, start, schedule, schedule_params, batch_size, grad_noise, seed)
    s = prepare(optimizer, problem, settings, hparams=hparams)
    opt, prob, steps, hp = s.optimizer, s.problem, s.steps, s.hparams
    lrs = (hp["learning_rate"] * s.lr_factor).tolist()
    grad_at = s.grad_at
    update = with_context(opt, prob.layout, grad_at, s.loss_grad_at)
    grad = prob.grad if s.batch_grad is None and s.noise is None else None  # skip a call per step

    # Python lists are the cheapest per-step recorder; they become arrays once, at the end.
    ps, gs, states = [s.start], [], []
    L = np.empty(steps + 1)
    L[0] = s.loss0
    p = s.start.copy()
    state = opt.init(p, hp)
    k = steps
    with np.errstate(all="ignore"):
        for lo in range(0, steps, CHECK_EVERY):
            hi = min(lo + CHECK_EVERY, steps)
            for i in range(lo, hi):
                g = grad(p) if grad is not None else grad_at(p, i)
                p, state = update(g, state, p, i + 1, lrs[i], hp)
                ps.append(p)
                gs.append(g)
                states.append(state)
            chunk = np.array(ps[lo + 1 : hi + 1])
            L[lo + 1 : hi + 1] = prob.loss(chunk)
            bad = s.diverged(L[lo + 1 : hi + 1], chunk) | _state_overflow(states[lo:hi])
            if bad.any():
                k = lo + int(np.argmax(bad))  # steps completed before the blow-up
                break
        P = np.array(ps[: k + 1])
        G = np.array(gs[:k]).reshape(k, prob.dim)
        columns = [np.array(c).reshape((k,) + np.shape(x)) for c, x in zip(zip(*states[:k]), state)]
        if not k:
            columns = [np.empty((0,) + np.shape(x)) for x in state]
        rec = {v.name: c if v.per_coordinate or v.packed else c[:, 0] for v, c in zip(opt.state, columns)}
        t = np.arange(1, k + 1)
        lr = np.asarray(lrs[:k])
        derived = opt.derive(rec, G, P, t, lr, hp) if opt.derive and k else {}
    if k == 0 and opt.derived:
        derived = {v.name: np.empty((0, prob.dim) if v.per_coordinate else (0,)) for v in opt.derived}
    state_out = {
        **rec,
        **{name: np.asarray(v, dtype=float) for name, v in derived.items()},
    }
    loss = L[: k + 1]
    converged_at = None
    if s.convergence_tol is not None and k == steps:
        outside = np.flatnonzero(~(loss - prob.min_loss <= s.convergence_tol))
        last_out = int(outside[-1]) if len(outside) else -1
        converged_at = last_out + 1 if last_out < k else None
    return Trace(
        optimizer=opt.key,
        problem=prob,
        hparams={name: float(v) for name, v in hp.items()},
        schedule=s.schedule,
        schedule_params=s.schedule_params,
        start=s.start,
        steps=steps,
        batch_size=s.batch_size,
        grad_noise=s.grad_noise,
        seed=s.seed,
        params=P,
        loss=loss.copy(),
        grads=G,
        lr=lr,
        state=state_out,
        diverged_at=k + 1 if k < steps else None,
        converged_at=converged_at,
    )
