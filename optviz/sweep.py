"""Hyperparameter sweeps: the same update code as ``run``, over a batch of configurations at once.

Memory is O(configurations): per configuration only the current state, the best and last finite
loss, and the step where it converged or diverged are kept, never the trajectory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .optimizers import Optimizer
from .optimizers.base import with_context
from .problems import Problem, get_problem
from .runner import prepare
from .settings import RunSettings

MAX_CONFIGS = 250_000


@dataclass
class SweepResult:
    """Per-configuration outcomes, each shaped like the grid (axes in ``grid`` order).

    ``steps_to_converge`` and ``diverged_at`` hold -1 where the event never happened (converged means
    within the tolerance from that step to the end, the rule of ``run``); a diverged
    configuration reports the last finite loss and parameters, exactly as its ``run`` trace ends.
    """

    optimizer: str
    problem: Problem
    steps: int
    grid: dict[str, np.ndarray]
    hparams: dict[str, float]
    final_loss: np.ndarray
    best_loss: np.ndarray
    steps_to_converge: np.ndarray
    diverged_at: np.ndarray
    final_params: np.ndarray  # grid shape + (D,)

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def shape(self) -> tuple[int, ...]:
        return self.final_loss.shape

    def config(self, index: Sequence[int]) -> dict[str, float]:
        """The full hyperparameters of the cell at ``index``."""
        hp = dict(self.hparams)
        for (name, values), i in zip(self.grid.items(), index):
            hp[name] = float(values[i])
        return hp

    def rows(self) -> list[dict[str, Any]]:
        """One dict per cell: grid values then outcomes (for CSV/JSON output)."""
        out = []
        for index in np.ndindex(*self.shape):
            row = {name: float(values[i]) for (name, values), i in zip(self.grid.items(), index)}
            row.update(
                final_loss=float(self.final_loss[index]),
                best_loss=float(self.best_loss[index]),
                steps_to_converge=int(self.steps_to_converge[index]),
                diverged_at=int(self.diverged_at[index]),
            )
            out.append(row)
        return out


def _grid_values(opt: Optimizer, grid: Mapping[str, Any]) -> dict[str, np.ndarray]:
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError("grid must be a non-empty mapping of hyperparameter name -> values")
    out = {}
    for name, values in grid.items():
        spec = opt.param(name)
        arr = np.atleast_1d(
            spec.check(
                np.asarray(values, dtype=float) if not isinstance(values, str) else values,
                opt.key,
            )
        )
        if arr.ndim != 1:
            raise ValueError(f"grid values for {name} must be one-dimensional")
        out[name] = arr
    return out


def sweep(
    optimizer: str | Optimizer,
    problem: str | Problem,
    *,
    steps: int,
    grid: Mapping[str, Sequence[float] | np.ndarray],
    start: Sequence[float] | None = None,
    hparams: Mapping[str, Any] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    grad_noise: float = 0.0,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> SweepResult:
    """Run every configuration in the Cartesian product of ``grid`` at once.

    Cell ``(i, j, ...)`` equals ``run(...)`` with ``grid`` values ``i, j, ...`` merged into
    ``hparams``. ``progress`` (optional) is called with the fraction done, about 50 times.
    """
    from .optimizers import get_optimizer

    opt = get_optimizer(optimizer)
    values = _grid_values(opt, grid)
    clash = set(values) & set(hparams or {})
    if clash:
        raise ValueError(f"{sorted(clash)[0]!r} is both swept in grid and fixed in hparams")
    shape = tuple(len(v) for v in values.values())
    n = int(np.prod(shape))
    if n > MAX_CONFIGS:
        raise ValueError(f"grid has {n} configurations; the limit is {MAX_CONFIGS}")
    mesh = np.meshgrid(*values.values(), indexing="ij")
    problem = get_problem(problem)  # built once: its D sets the width of the swept arrays
    d = problem.dim
    # (n, D), not (n, 1): NumPy broadcasts a trailing axis of length 1 about 10x slower.
    swept = {name: np.repeat(m.reshape(n, 1), d, axis=1) for name, m in zip(values, mesh)}
    settings = RunSettings(steps, start, schedule, schedule_params, batch_size, grad_noise, seed)
    s = prepare(opt, problem, settings, hparams={**(hparams or {}), **swept}, allow_arrays=True)
    hp = {k: _collapse(v) for k, v in s.hparams.items()}
    base_lr, factor = hp["learning_rate"], s.lr_factor.tolist()
    prob, noise, batch_grad = s.problem, s.noise, s.batch_grad
    update = with_context(opt, prob.layout, s.grad_at, s.loss_grad_at)
    ref, bound, box = s.reference_loss, s.divergence_bound, prob.bound
    target = None if s.convergence_tol is None else prob.min_loss + s.convergence_tol

    p = np.broadcast_to(s.start, (n, d)).copy()
    state = opt.init(p, hp)
    best = np.full(n, s.loss0)
    last_loss, last_p = best.copy(), p.copy()
    alive = np.ones(n, dtype=bool)
    diverged_at = np.full(n, -1)
    # the last step whose loss was outside the tolerance (-1: none); converged = that + 1, at the end
    last_out = np.full(n, -1 if target is not None and s.loss0 <= target else 0)
    any_dead = False

    def record(t: int, loss: np.ndarray, p: np.ndarray, state: tuple) -> None:
        """Book-keeping for the point reached by step t (the same rules as run)."""
        nonlocal any_dead, last_loss, last_p, alive
        dev = np.abs(loss - ref)
        if not np.abs(p).max() <= box:  # outside the parameter box (or NaN): divergence, as in run
            dev[~(np.abs(p) <= box).all(1)] = np.inf
        if any_dead:
            dev[~alive] = 0.0
        overflow = None
        if not all(np.isfinite(x).all() for x in state):  # a state can overflow under a bounded loss
            overflow = np.zeros(n, dtype=bool)
            for x in state:
                overflow |= ~np.isfinite(x).reshape(n, -1).all(axis=1)
            overflow &= alive
        if not dev.max() <= bound or overflow is not None:  # also true for NaN: max propagates it
            bad = ~(dev <= bound)
            if overflow is not None:
                bad |= overflow
            diverged_at[bad] = t
            alive &= ~bad
            any_dead = True
        if any_dead:
            loss = np.where(alive, loss, np.inf)
            last_loss = np.where(alive, loss, last_loss)
            last_p = np.where(alive[:, None], p, last_p)
        else:
            last_loss, last_p = loss, p
        np.minimum(best, loss, out=best)
        if target is not None:  # a diverged cell's loss is inf here: outside, so it never converges
            last_out[~(loss <= target)] = t

    every = max(1, steps // 50)
    with np.errstate(all="ignore"):
        for i in range(steps):
            if batch_grad is None:
                loss, g = prob.loss_and_grad(p)  # the loss of step i's point, shared with the gradient
                if i:
                    record(i, loss, p, state)
            else:
                g = batch_grad(p, i)
            if noise is not None:
                g = g + noise[i]
            p, state = update(g, state, p, i + 1, base_lr * factor[i], hp)
            if batch_grad is not None:
                record(i + 1, prob.loss(p), p, state)
            if progress is not None and (i + 1) % every == 0:
                progress((i + 1) / steps)
        if batch_grad is None:
            record(steps, prob.loss(p), p, state)
    converged = np.where(last_out < steps, last_out + 1, -1)
    return SweepResult(
        optimizer=opt.key,
        problem=s.problem,
        steps=s.steps,
        grid=values,
        hparams={k: float(v) for k, v in s.hparams.items() if k not in values},
        final_loss=np.asarray(last_loss, dtype=float).reshape(shape),
        best_loss=best.reshape(shape),
        steps_to_converge=converged.reshape(shape),
        diverged_at=diverged_at.reshape(shape),
        final_params=np.asarray(last_p).reshape(shape + (d,)),
    )


def _collapse(v: Any) -> Any:
    """A swept array whose entries are all equal becomes a float (zero terms then cost nothing)."""
    if isinstance(v, np.ndarray) and v.size and np.all(v == v.flat[0]):
        return float(v.flat[0])
    return v
