"""The optimizer registry: every optimizer declared once, keyed as in shared/optimizers.md.

``OPTIMIZERS`` lists the registered optimizers; looking a composite key up in it
(``OPTIMIZERS["lookahead-adamw"]``, ``"sam-adam" in OPTIMIZERS``, ``get_optimizer``) builds the
modifier chain it names (optviz/optimizers/modifiers.py), so run, sweep, compare and the URL take
composites unchanged while every page that enumerates the registry still sees the optimizers only.
"""

from __future__ import annotations

from typing import Any

from ..spec import choose
from . import adaptive, classic, frontier, preconditioned, second_wave, structured
from .base import Optimizer


class OptimizerRegistry(dict[str, Optimizer]):
    """key -> Optimizer over the registered optimizers; composite keys resolve on lookup, not in iteration."""

    def __missing__(self, key: str) -> Optimizer:
        from .modifiers import compose, is_composite

        if is_composite(key):
            return compose(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        try:
            self[key]  # type: ignore[index]
        except (KeyError, ValueError, TypeError):
            return False
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except (KeyError, ValueError, TypeError):
            return default


#: The registered optimizers alone (plain dict): what a composite key's last part must name.
BASE: dict[str, Optimizer] = {
    o.key: o
    for o in classic.OPTIMIZERS
    + adaptive.OPTIMIZERS
    + frontier.OPTIMIZERS
    + second_wave.OPTIMIZERS
    + structured.OPTIMIZERS
    + preconditioned.OPTIMIZERS
}

#: key -> Optimizer: the first 19 in teaching order (classic, adaptive, frontier), then the second wave
#: (shared/optimizers.md's second table). Pages group them by family; a colour follows the position.
OPTIMIZERS: OptimizerRegistry = OptimizerRegistry(BASE)

FAMILIES = ("classic", "adaptive", "frontier")


def get_optimizer(key: str | Optimizer) -> Optimizer:
    """The registry entry for ``key`` (a composite key builds its chain); a ValueError lists the allowed
    keys otherwise."""
    if isinstance(key, Optimizer):
        return key
    if isinstance(key, str) and not dict.__contains__(OPTIMIZERS, key):
        from .modifiers import compose, is_composite

        if is_composite(key):
            return compose(key)
    return choose(OPTIMIZERS, key, "optimizer")


from .modifiers import MODIFIERS, Modifier, compose  # noqa: E402  (modifiers read BASE above)

__all__ = ["BASE", "FAMILIES", "MODIFIERS", "OPTIMIZERS", "Modifier", "Optimizer", "compose", "get_optimizer"]
