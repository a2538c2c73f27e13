"""The optimizer registry: every optimizer declared once, keyed as in shared/optimizers.md."""

from __future__ import annotations

from ..spec import choose
from . import adaptive, classic, frontier
from .base import Optimizer

#: key -> Optimizer, in teaching order (classic, adaptive, frontier).
OPTIMIZERS: dict[str, Optimizer] = {
    o.key: o for o in classic.OPTIMIZERS + adaptive.OPTIMIZERS + frontier.OPTIMIZERS
}

FAMILIES = ("classic", "adaptive", "frontier")


def get_optimizer(key: str | Optimizer) -> Optimizer:
    """The registry entry for ``key``; a ValueError lists the allowed keys otherwise."""
    if isinstance(key, Optimizer):
        return key
    return choose(OPTIMIZERS, key, "optimizer")


__all__ = ["FAMILIES", "OPTIMIZERS", "Optimizer", "get_optimizer"]
