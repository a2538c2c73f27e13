"""Learning-rate schedules, as closed-form multipliers of the base learning rate.

``factor(t, total, **params)`` maps steps ``t = 1..total`` (an array) to multipliers, so the learning
rate at step t is ``learning_rate * factor``. Multipliers (not absolute rates) let a sweep over
learning_rate share one schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .spec import Param, choose, resolve


@dataclass(frozen=True)
class Schedule:
    """Registry entry for a schedule: its parameters and its closed form."""

    key: str
    name: str
    params: tuple[Param, ...]
    latex: str
    factor: Callable[..., np.ndarray]
    summary: str = ""

    def __call__(self, steps: int, params: Mapping[str, Any] | None = None) -> np.ndarray:
        """Multipliers for steps 1..steps, validated against the declared parameters."""
        values = resolve(self.params, params, f"schedule {self.key}")
        t = np.arange(1, steps + 1, dtype=float)
        return np.broadcast_to(self.factor(t, steps, **values), t.shape).astype(float)

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}


def _cosine(progress: np.ndarray, floor: float) -> np.ndarray:
    """Half a cosine from 1 (progress 0) down to ``floor`` (progress 1)."""
    return floor + (1.0 - floor) * 0.5 * (1.0 + np.cos(np.pi * progress))


def constant(t, total):
    return np.ones_like(t)


def step_decay(t, total, step_size, gamma):
    return gamma ** np.floor((t - 1) / step_size)


def exponential(t, total, gamma):
    return gamma ** (t - 1)


def cosine(t, total, min_ratio):
    # torch CosineAnnealingLR with T_max = total: step t uses progress (t - 1) / total.
    return _cosine((t - 1) / total, min_ratio)


def warmup_cosine(t, total, warmup_fraction, min_ratio):
    warm = max(1, round(warmup_fraction * total))
    if warm >= total:
        return np.minimum(t / warm, 1.0)
    progress = np.clip((t - warm) / (total - warm), 0.0, 1.0)
    return np.where(t <= warm, t / warm, _cosine(progress, min_ratio))


def one_cycle(t, total, pct_start, div_factor, final_div_factor):
    # torch OneCycleLR (cosine annealing, two phases); learning_rate plays max_lr.
    s = t - 1
    peak = max(pct_start * total - 1.0, 1e-12)
    start, end = 1.0 / div_factor, 1.0 / (div_factor * final_div_factor)
    up = np.clip(s / peak, 0.0, 1.0)
    down = np.clip((s - peak) / max(total - 1.0 - peak, 1e-12), 0.0, 1.0)
    rising = 1.0 + (start - 1.0) / 2.0 * (np.cos(np.pi * up) + 1.0)
    falling = end + (1.0 - end) / 2.0 * (np.cos(np.pi * down) + 1.0)
    return np.where(s <= peak, rising, falling)


_GAMMA_HELP = "Multiplier applied at each decay."
SCHEDULES: dict[str, Schedule] = {
    s.key: s
    for s in (
        Schedule("constant", "Constant", (), r"\eta_t = \eta", constant, "The same learning rate every step."),
        Schedule(
            "step", "Step decay",
            (
                Param("step_size", 100, 1, 100_000, "log", "Steps between decays.", "s", integer=True),
                Param("gamma", 0.5, 0.0, 1.0, "linear", _GAMMA_HELP, r"\gamma"),
            ),
            r"\eta_t = \eta\, \gamma^{\lfloor (t-1)/s \rfloor}", step_decay,
            "Multiply the learning rate by gamma every step_size steps.",
        ),
        Schedule(
            "exponential", "Exponential decay",
            (Param("gamma", 0.99, 0.5, 1.0, "linear", "Per-step multiplier.", r"\gamma"),),
            r"\eta_t = \eta\, \gamma^{t-1}", exponential, "Shrink the learning rate a little every step.",
        ),
        Schedule(
            "cosine", "Cosine annealing",
            (Param("min_ratio", 0.0, 0.0, 1.0, "linear", "Final rate as a fraction of the initial.", r"\rho"),),
            r"\eta_t = \eta\left(\rho + (1-\rho)\tfrac12\left(1 + \cos\tfrac{\pi (t-1)}{T}\right)\right)",
            cosine, "Follow half a cosine from the full rate down to min_ratio of it.",
        ),
        Schedule(
            "warmup_cosine", "Linear warm-up, then cosine",
            (
                Param("warmup_fraction", 0.1, 0.0, 1.0, "linear", "Share of the steps spent warming up.", "w"),
                Param("min_ratio", 0.0, 0.0, 1.0, "linear", "Final rate as a fraction of the peak.", r"\rho"),
            ),
            r"\eta_t = \eta \cdot \begin{cases} t / W & t \le W \\ "
            r"\rho + (1-\rho)\tfrac12\left(1 + \cos\tfrac{\pi (t-W)}{T-W}\right) & t > W \end{cases}",
            warmup_cosine, "Ramp up linearly (so early noisy steps stay small), then anneal.",
        ),
        Schedule(
            "one_cycle", "One-cycle",
            (
                Param("pct_start", 0.3, 0.01, 0.99, "linear", "Share of the steps spent rising.", "p"),
                Param("div_factor", 25.0, 1.0, 1e4, "log", "Initial rate = peak / div_factor.", "d"),
                Param("final_div_factor", 1e4, 1.0, 1e6, "log",
                      "Final rate = initial / final_div_factor.", "f"),
            ),
            r"\eta_t: \tfrac{\eta}{d} \nearrow \eta \text{ (cosine, first } pT\text{ steps)} "
            r"\searrow \tfrac{\eta}{d f}",
            one_cycle, "Rise to the peak rate, then anneal far below the start (Smith's one-cycle).",
        ),
    )
}  # fmt: skip


def get_schedule(key: str | None) -> Schedule:
    """The schedule ``key`` (None means constant); a ValueError lists the allowed keys otherwise."""
    return SCHEDULES["constant"] if key is None else choose(SCHEDULES, key, "schedule")
