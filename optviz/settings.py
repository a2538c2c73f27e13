"""Run settings: everything that shapes a run besides the optimizer, its hyperparameters and the
problem (steps, start, schedule, minibatch, gradient noise, seed), with their limits declared once.

The runner validates against these limits, the URL parser clamps to them and the pages build their
controls from them, so a value one place accepts is never refused by another. ``RunSettings`` is
the bundle as one value: ``run``, ``sweep``, ``compare``, lessons and page configurations pass it
on with ``**settings.kwargs()``, and caches key on ``settings.key()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .spec import Param

#: Longest run the library accepts.
MAX_STEPS = 100_000
#: Longest run a page offers (the core allows more; a page must stay interactive).
MAX_PAGE_STEPS = 10_000

GRAD_NOISE = Param(
    "grad_noise", 0.0, 0.0, 100.0, "linear", "Std of Gaussian noise added to each gradient.", r"\sigma_g"
)
SEED = Param("seed", 0, 0, 2**32 - 1, "linear", "Seed of minibatches and gradient noise.", integer=True)


def steps_param(default: int, high: int = MAX_PAGE_STEPS) -> Param:
    """The number of steps as a control: 1 to ``high`` (a page's limit unless told), log scale."""
    return Param("steps", default, 1, high, "log", "Number of optimizer steps to run.", "T", integer=True)


def batch_param(n: int) -> Param:
    """The minibatch size for ``n`` data points: 1 to n, where n is the full batch (gradient descent)."""
    return Param("batch_size", n, 1, n, "log", "Points per minibatch; n is the full batch.", "B", True)


@dataclass(frozen=True)
class RunSettings:
    """One run's settings besides optimizer, hyperparameters and problem; validated by ``run``.

    ``start`` None is the problem's own start, ``schedule`` None the constant one (its parameters
    None: the schedule's defaults), ``batch_size`` None the full batch. Values are passed on as
    given, so ``run`` reports a bad one exactly as if it had been a keyword.
    """

    steps: int
    start: Sequence[float] | None = None
    schedule: str | None = None
    schedule_params: Mapping[str, float] | None = None
    batch_size: int | None = None
    grad_noise: float = 0.0
    seed: int = 0

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``run``, ``sweep`` and ``compare`` these settings stand for."""
        return {
            "steps": self.steps,
            "start": self.start,
            "schedule": self.schedule,
            "schedule_params": self.schedule_params,
            "batch_size": self.batch_size,
            "grad_noise": self.grad_noise,
            "seed": self.seed,
        }

    def key(self) -> tuple:
        """The settings as plain, hashable values (a cache key); ``from_key`` reads it back."""
        return (
            int(self.steps),
            None if self.start is None else tuple(float(v) for v in self.start),
            self.schedule or "constant",
            tuple(sorted((k, float(v)) for k, v in (self.schedule_params or {}).items())),
            None if self.batch_size is None else int(self.batch_size),
            float(self.grad_noise),
            int(self.seed),
        )

    @classmethod
    def from_key(cls, key: Sequence[Any]) -> RunSettings:
        """The settings a ``key()`` tuple holds."""
        steps, start, schedule, schedule_params, batch_size, grad_noise, seed = key
        return cls(steps, start, schedule, dict(schedule_params), batch_size, grad_noise, seed)
