"""Declarations shared by every registry: a tunable parameter, a state variable, validation.

Optimizers, problems and schedules all declare their knobs as `Param`s, so controls, docs, tests and
validation are generated from one place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Scale = Literal["linear", "log", "log1m"]

#: A hyperparameter value as the maths sees it: a float (one run) or an array broadcastable
#: against parameters of shape (..., D) (a sweep).
Value = float | np.ndarray


@dataclass(frozen=True)
class Param:
    """One tunable number: its name, default, allowed range and how a control should scale it.

    ``scale`` is ``"linear"``, ``"log"`` (log10 of the value) or ``"log1m"`` (log10 of 1 - value,
    for decay rates near 1 such as beta2, where 0.999 and 0.9999 must both be reachable).
    """

    name: str
    default: float
    low: float
    high: float
    scale: Scale = "linear"
    help: str = ""
    symbol: str = ""
    integer: bool = False

    def __post_init__(self) -> None:
        if not self.low <= self.default <= self.high:
            raise ValueError(f"{self.name}: default {self.default} outside [{self.low}, {self.high}]")
        if self.scale == "log" and self.low <= 0:
            raise ValueError(f"{self.name}: a log scale needs low > 0")
        if self.scale == "log1m" and self.high >= 1:
            raise ValueError(f"{self.name}: a log1m scale needs high < 1")

    @property
    def log(self) -> bool:
        """True when a control should move on a log scale (of the value, or of 1 - value)."""
        return self.scale != "linear"

    @property
    def latex(self) -> str:
        """The maths symbol, falling back to the name in text."""
        return self.symbol or rf"\text{{{self.name}}}"

    def check(self, value: Any, owner: str) -> Value:
        """Return ``value`` as a float (or float array) if it is a number inside the range; else raise."""
        if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
            raise ValueError(f"{owner}: {self.name} must be a number, got {type(value).__name__} {value!r}")
        if isinstance(value, (int, float, np.integer, np.floating)):
            x = float(value)
            if not math.isfinite(x):
                raise ValueError(f"{owner}: {self.name} must be finite, got {x!r}")
            if not self.low <= x <= self.high:
                raise ValueError(
                    f"{owner}: {self.name}={x!r} is outside its range [{self.low:g}, {self.high:g}]"
                )
            if self.integer and x != int(x):
                raise ValueError(f"{owner}: {self.name} must be a whole number, got {x!r}")
            return x
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                f"{owner}: {self.name} must be a number, got {type(value).__name__} {value!r}"
            ) from None
        if arr.ndim == 0:
            return self.check(float(arr), owner)
        if arr.size == 0:
            raise ValueError(f"{owner}: {self.name} got an empty array")
        if not np.isfinite(arr).all():
            raise ValueError(f"{owner}: {self.name} must be finite, got a non-finite value")
        lo, hi = float(arr.min()), float(arr.max())
        if lo < self.low or hi > self.high:
            bad = lo if lo < self.low else hi
            raise ValueError(
                f"{owner}: {self.name}={bad!r} is outside its range [{self.low:g}, {self.high:g}]"
            )
        if self.integer and not np.all(arr == np.round(arr)):
            raise ValueError(f"{owner}: {self.name} must hold whole numbers")
        return arr


@dataclass(frozen=True)
class StateVar:
    """A quantity an optimizer keeps (or one derived from it) that the UI can plot.

    ``per_coordinate`` is False for scalars shared by both coordinates (Prodigy's d, NAdam's
    momentum product); those are recorded with shape (k,) instead of (k, D). ``packed`` marks a
    per-configuration array ``(..., S)`` whose length depends on the layout and the hyperparameters
    (Shampoo's preconditioner matrices, L-BFGS's history): recorded as (k, S), never drawn per coordinate.
    """

    name: str
    meaning: str
    symbol: str = ""
    per_coordinate: bool = True
    derived: bool = False
    packed: bool = False


def resolve(
    params: Iterable[Param], given: Mapping[str, Any] | None, owner: str, what: str = "parameter"
) -> dict[str, Value]:
    """Fill defaults and validate ``given`` against ``params``; unknown names raise ValueError."""
    specs = {p.name: p for p in params}
    try:
        given = dict(given or {})
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: parameters must be a mapping of name -> value") from None
    unknown = [k for k in given if k not in specs]
    if unknown:
        allowed = ", ".join(specs) or "none"
        raise ValueError(f"{owner}: unknown {what} {unknown[0]!r}; allowed: {allowed}")
    return {
        name: spec.check(given[name], owner) if name in given else spec.default
        for name, spec in specs.items()
    }


def choose(registry: Mapping[str, Any], key: Any, what: str) -> Any:
    """Look ``key`` up in a registry, or raise a ValueError that lists the allowed keys."""
    if isinstance(key, str) and key in registry:
        return registry[key]
    raise ValueError(f"unknown {what} {key!r}; allowed: {', '.join(registry)}")
