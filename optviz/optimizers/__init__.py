"""The optimizer registry: every optimizer declared once, keyed as in shared/optimizers.md."""

from __future__ import annotations

from ..spec import choose
from . import adaptive, classic, frontier, second_wave
from .base import Optimizer

#: key -> Optimizer: the first 19 in teaching order (classic, adaptive, frontier), then the second wave
#: (shared/optimizers.md's second table). Pages group them by family; a colour follows the position.
OPTIMIZERS: dict[str, Optimizer] = {
    o.key: o for o in classic.OPTIMIZERS + adaptive.OPTIMIZERS + frontier.OPTIMIZERS + second_wave.OPTIMIZERS
}

FAMILIES = ("classic", "adaptive", "frontier")


def get_optimizer(key: str | Optimizer) -> Optimizer:
    """The registry entry for ``key``; a ValueError lists the allowed keys otherwise."""
    if isinstance(key, Optimizer):
        return key
    return choose(OPTIMIZERS, key, "optimizer")


__all__ = ["FAMILIES", "OPTIMIZERS", "Optimizer", "get_optimizer"]
