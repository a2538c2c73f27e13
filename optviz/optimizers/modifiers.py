"""Modifiers: functions of an optimizer that return an optimizer (Lookahead, SAM, Cautious).

Each modifier is declared once in ``MODIFIERS``; ``LOOKAHEAD(ADAMW)``, ``compose("lookahead-adamw")``
and ``OPTIMIZERS["lookahead-adamw"]`` give the same ``Optimizer``, whose every field is composed:

- **key** ``<modifier>-<inner key>``, outermost first: ``lookahead-cautious-adamw`` is
  Lookahead(Cautious AdamW). A hyphen because it is the papers' own prefix (C-AdamW), an unreserved
  URL character that no encoder escapes (``+`` reads back as a space from a query string, ``|``
  becomes %7C), and it clashes with nothing else in a key: ``_`` joins words inside a key, ``~``
  numbers a Compare copy (``lookahead-adam~2``) and ``.`` namespaces a hyperparameter.
- **hyperparameters** the inner's, then the modifier's as ``<modifier>.<name>``: ``sam.rho`` never
  meets Adadelta's ``rho``, ``lookahead.alpha`` never meets RMSprop's ``alpha``.
- **state** flat: the inner's fields, then the modifier's as ``<modifier>_<name>`` (identifiers, so
  by-hand lines can name them); run, sweep and the state charts record it like any other state.
- **LaTeX and by-hand lines** wrapped around the inner's; SAM's gradient at its ascent point needs the
  problem's minibatch, which the expression language cannot call: that one line shows the recorded value.
- **family, decay structure, context** carried from the inner optimizer.

Cautious averages its mask per parameter tensor, as timm does per ``nn.Parameter``: a network's
blocks one by one, a 2-D problem's (w, b) as one tensor (``tensors``).

A modifier appears at most once in a chain; every chain ends in a registered optimizer.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

import numpy as np

from ..layout import Layout
from ..spec import Param, StateVar, choose
from .base import HandStep, HParams, Optimizer, State, StepContext, where
from .frontier import decoupled

#: Separates a modifier from what it wraps in a composite key ('lookahead-adamw').
CHAIN_MARK = "-"
#: Joins a modifier's summary to its inner optimizer's in a composite's summary.
INSIDE = " Inside: "

#: ``step(inner, inner_update, g, inner_state, own_state, p, t, lr, hp, ctx) -> (p, inner_state, own_state)``
Step = Callable[..., tuple[np.ndarray, State, tuple[np.ndarray, ...]]]


@dataclass(frozen=True)
class Modifier:
    """One modifier: its declaration (bare names: ``k``, ``slow``) and how it wraps an optimizer."""

    key: str
    name: str
    #: The composite's name from the inner's: "Lookahead({})" gives "Lookahead(AdamW)".
    label: str
    paper: str
    year: int
    reference: str
    summary: str
    hparams: tuple[Param, ...]
    state: tuple[StateVar, ...]
    init: Callable[[np.ndarray, HParams], tuple[np.ndarray, ...]]
    step: Step
    latex: Callable[[str], str]
    #: The by-hand lines of the composite from the inner's (where the modifier acts on the inner's
    #: result, its ``p`` renamed ``p_inner`` first).
    by_hand: Callable[[tuple[HandStep, ...]], tuple[HandStep, ...]]
    #: True when the modifier changes the inner's new parameters (Lookahead, Cautious); False when it
    #: changes what goes in (SAM's gradient).
    acts_on_result: bool = True
    uses_context: bool = False
    #: False when the modifier moves ``p`` outside the inner's step (Lookahead's sync), so the
    #: composite no longer starts with a plain decoupled decay.
    keeps_decoupled_decay: bool = True
    #: Which gradient the inner optimizer saw at each recorded step (SAM: the one at the ascent point).
    inner_grads: Callable[[Mapping[str, np.ndarray], np.ndarray], np.ndarray] | None = None

    def hparam(self, name: str) -> str:
        """The namespaced name of hyperparameter ``name`` in a composite ('lookahead.k')."""
        return f"{self.key}.{name}"

    def state_name(self, name: str) -> str:
        """The name of state variable ``name`` in a composite ('lookahead_slow')."""
        return f"{self.key}_{name}"

    def __call__(self, inner: Optimizer | str, **hp: float) -> Optimizer:
        """The composite of this modifier around ``inner``; ``hp`` (bare names) replace its defaults."""
        return _compose(self, inner, hp)


def _inner(inner: Optimizer | str) -> Optimizer:
    if isinstance(inner, Optimizer):
        return inner
    from . import get_optimizer

    return get_optimizer(inner)


def _compose(mod: Modifier, inner: Optimizer | str, overrides: Mapping[str, float]) -> Optimizer:
    inner = _inner(inner)
    chain = _chain(inner)
    if mod.key in chain:
        raise ValueError(f"{mod.key} already wraps {inner.key!r}: a modifier appears once in a chain")
    own = {p.name: p for p in mod.hparams}
    for name, value in overrides.items():
        if name not in own:
            raise ValueError(
                f"{mod.key}: unknown hyperparameter {name!r}; allowed: {', '.join(own) or 'none'}"
            )
        own[name] = replace(own[name], default=own[name].check(value, mod.key))
    hparams = inner.hparams + tuple(replace(p, name=mod.hparam(p.name)) for p in own.values())
    state = inner.state + tuple(replace(v, name=mod.state_name(v.name)) for v in mod.state)
    for what, names in (("hyperparameter", [p.name for p in hparams]), ("state", [v.name for v in state])):
        if len(set(names)) != len(names):
            raise ValueError(f"{mod.key}({inner.key}): {what} names clash: {names}")
    inner_type = type(inner.init(np.zeros(2), inner.defaults))
    n = len(inner.state)
    # one flat NamedTuple: run, sweep and the charts record it field by field, as any optimizer's
    state_type = namedtuple(f"{_camel(mod.key)}State", [v.name for v in state])  # type: ignore[misc]

    def init(p: np.ndarray, hp: HParams) -> State:
        return state_type(*inner.init(p, hp), *mod.init(p, hp))

    inner_update = inner.update

    def update(g, s, p, t, lr, hp, ctx: StepContext | None = None):
        if inner.uses_context:

            def step_inner(g, s, p, t, lr, hp):
                return inner_update(g, s, p, t, lr, hp, ctx=ctx)
        else:
            step_inner = inner_update
        p, inner_state, own_state = mod.step(
            inner, step_inner, g, inner_type(*s[:n]), s[n:], p, t, lr, hp, ctx
        )
        return p, state_type(*inner_state, *own_state)

    def derive(rec, grads, params, t, lr, hp):
        seen = mod.inner_grads(rec, grads) if mod.inner_grads else grads
        return inner.derive(rec, seen, params, t, lr, hp) if inner.derive else {}

    by_hand: tuple[HandStep, ...] = ()
    if inner.by_hand and not mod.acts_on_result:
        by_hand = mod.by_hand(inner.by_hand)
    elif inner.by_hand:
        # the inner's lines up to its last ``p`` compute p_inner; lines after it (Schedule-Free's x,
        # Lion's moment) read the final p, so they follow the modifier's lines
        last = max(i for i, hs in enumerate(inner.by_hand) if hs.target == "p") + 1
        by_hand = mod.by_hand(_rename_p(inner.by_hand[:last], PRIMED)) + inner.by_hand[last:]
    return Optimizer(
        key=f"{mod.key}{CHAIN_MARK}{inner.key}",
        name=mod.label.format(inner.name),
        family=inner.family,
        paper=f"{mod.paper}; {inner.paper}",
        year=max(mod.year, inner.year),
        reference=f"{mod.reference} around {inner.reference}",
        hparams=hparams,
        state=state,
        latex=mod.latex(inner.latex),
        init=init,
        update=update,
        derive=derive if inner.derive else None,
        derived=inner.derived,
        summary=f"{mod.summary}{INSIDE}{inner.summary}",
        by_hand=by_hand,
        uses_context=mod.uses_context or inner.uses_context,
        decoupled_decay=inner.decoupled_decay and mod.keeps_decoupled_decay,
        modifier=mod.key,
        inner=inner,
        # SAM takes a second gradient per step; the others add elementwise work only
        cost=inner.cost * (2.0 if mod.uses_context else 1.0) + 0.5,
        block_cost=inner.block_cost * (2.0 if mod.uses_context else 1.0),
    )


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def _chain(opt: Optimizer) -> list[str]:
    """Modifier keys of a composite, outermost first."""
    out = []
    while opt.inner is not None:
        out.append(opt.modifier)
        opt = opt.inner
    return out


#: The inner's new parameters before the modifier acts on them, in by-hand lines.
PRIMED = "p_inner"


def _rename_p(lines: tuple[HandStep, ...], new: str) -> tuple[HandStep, ...]:
    """The inner's lines with its result ``p`` renamed ``new`` (the modifier then computes ``p``)."""
    word = re.compile(r"(?<![\w.])p(?![\w.])")
    out = []
    for hs in lines:
        target = new if hs.target == "p" else hs.target
        symbol = r"\theta'_t" if hs.target == "p" else hs.symbol
        out.append(
            hs._replace(
                target=target, expr=word.sub(new, hs.expr), when=word.sub(new, hs.when), symbol=symbol
            )
        )
    return tuple(out)


# --- Lookahead ---------------------------------------------------------------------------------
def lookahead_init(p, hp):
    return (p.copy(),)


def lookahead_step(inner, inner_update, g, s, own, p, t, lr, hp, ctx):
    """k fast steps, then the slow weights move alpha of the way to the fast ones and the fast weights
    restart there (optax.lookahead, reset_state=False: the inner state carries on)."""
    fast, s = inner_update(g, s, p, t, lr, hp)
    (slow,) = own
    sync = t % hp["lookahead.k"] == 0  # a bool in one run, an array in a sweep over k
    moved = slow + hp["lookahead.alpha"] * (fast - slow)
    return where(sync, moved, fast), s, (where(sync, moved, slow),)


LOOKAHEAD = Modifier(
    key="lookahead",
    name="Lookahead",
    label="Lookahead({})",
    paper="Zhang, Lucas, Hinton & Ba, Lookahead Optimizer: k steps forward, 1 step back",
    year=2019,
    reference="optax.lookahead (reset_state=False)",
    summary="Let the inner optimizer take k fast steps, then pull back to a slow copy moved part of the way.",
    hparams=(
        Param(
            "k",
            5.0,
            1.0,
            50.0,
            "linear",
            "Sync period: the fast weights take k steps before the slow weights catch up.",
            "k",
            integer=True,
        ),
        Param(
            "alpha",
            0.5,
            0.0,
            1.0,
            "linear",
            "Slow step size: how far the slow weights move towards the fast ones at each sync.",
            r"\alpha_{\mathrm{LA}}",
        ),
    ),  # fmt: skip
    state=(StateVar("slow", "Slow weights: where the fast weights restart after every k steps.", r"\phi"),),
    init=lookahead_init,
    step=lookahead_step,
    latex=lambda inner: (
        inner
        + r" \\ \text{if } k \mid t:\ \phi_t = \phi_{t-1} + \alpha_{\mathrm{LA}}\,(\theta_t - \phi_{t-1}),"
        r"\ \theta_t \leftarrow \phi_t"
    ),
    by_hand=lambda lines: (
        lines
        + (
            HandStep(
                "lookahead_slow",
                f"lookahead_slow_prev + lookahead.alpha*({PRIMED} - lookahead_slow_prev)",
                "t % lookahead.k == 0",
            ),
            HandStep("p", "lookahead_slow", "t % lookahead.k == 0"),
            HandStep("p", PRIMED, "t % lookahead.k != 0"),
        )
    ),
    keeps_decoupled_decay=False,
)


# --- SAM ---------------------------------------------------------------------------------------
def sam_init(p, hp):
    return p.copy(), np.zeros_like(p)


def sam_step(inner, inner_update, g, s, own, p, t, lr, hp, ctx):
    """Ascend rho along the normalised gradient, take the gradient there on the same minibatch, and
    give it to the inner optimizer at the original point (optax.contrib.sam, opaque mode)."""
    if ctx is None:
        raise ValueError("sam needs the step context (ctx.grad_at): call it through run, sweep or compare")
    norm = np.sqrt(np.sum(g * g, axis=-1, keepdims=True))
    ascent = p + hp["sam.rho"] * (g / np.where(norm > 0.0, norm, 1.0))  # g = 0: no ascent (optax: 0/0)
    g_ascent = ctx.grad_at(ascent)
    p, s = inner_update(g_ascent, s, p, t, lr, hp)
    return p, s, (ascent, g_ascent)


SAM = Modifier(
    key="sam",
    name="Sharpness-Aware Minimization",
    label="SAM({})",
    paper="Foret, Kleiner, Mobahi & Neyshabur, Sharpness-Aware Minimization for Efficiently Improving Generalization",
    year=2021,
    reference="optax.contrib.sam (opaque_mode=True, sync_period=2, adv_optimizer = normalize + sgd(rho))",
    summary="Step with the gradient taken a distance rho uphill, so the method prefers flat minima.",
    hparams=(
        Param(
            "rho",
            0.05,
            0.0,
            2.0,
            "linear",
            "Radius of the ascent step: the gradient is taken this far uphill from the parameters.",
            r"\rho_{\mathrm{SAM}}",
        ),
    ),  # fmt: skip
    state=(
        StateVar(
            "ascent", "Ascent point: the parameters moved rho along the normalised gradient.", r"\tilde\theta"
        ),
        StateVar(
            "grad",
            "Gradient at the ascent point (same minibatch): what the inner optimizer uses.",
            r"\tilde g",
        ),
    ),  # fmt: skip
    init=sam_init,
    step=sam_step,
    latex=lambda inner: (
        r"\tilde\theta_t = \theta_{t-1} + \rho_{\mathrm{SAM}}\,\frac{g_t}{\lVert g_t \rVert_2},"
        r"\quad g_t \leftarrow \nabla L(\tilde\theta_t) \\ " + inner
    ),
    by_hand=lambda lines: (
        (
            HandStep("sam_ascent", "p_prev + sam.rho*g/sqrt(dot(g, g))", "dot(g, g) != 0"),
            HandStep("sam_ascent", "p_prev", "dot(g, g) == 0"),
            # the gradient there needs the problem's minibatch: the trace's value (an opt-out line)
            HandStep("sam_grad", "", latex=r"\nabla L(\tilde\theta_t)"),
            HandStep("g", "sam_grad"),
        )
        + ((HandStep("g_last", "sam_grad_prev"),) if any("g_last" in hs.expr for hs in lines) else ())
        + lines
    ),
    acts_on_result=False,
    uses_context=True,
    inner_grads=lambda rec, grads: rec["sam_grad"],
)


# --- Cautious ----------------------------------------------------------------------------------
def cautious_init(p, hp):
    return (np.zeros(p.shape[:-1] + (1,)),)


def tensors(layout: Layout) -> tuple[slice | np.ndarray, ...]:
    """``_tensors(layout)``, looked up by identity: a layout's hash walks its blocks, every step."""
    found = _TENSORS.get(id(layout))
    if found is None or found[0] is not layout:
        if len(_TENSORS) >= 64:  # problems built and dropped (a session's networks): start over
            _TENSORS.clear()
        found = _TENSORS[id(layout)] = (layout, _tensors(layout))
    return found[1]


_TENSORS: dict[int, tuple[Layout, tuple[slice | np.ndarray, ...]]] = {}


@lru_cache(maxsize=64)
def _tensors(layout: Layout) -> tuple[slice | np.ndarray, ...]:
    """The parameter tensors Cautious averages its mask over, as timm does per ``nn.Parameter``: each
    vector or matrix block on its own, and a problem's scalar blocks together as one tensor (the 2-D
    problems' (w, b), as the golden fixtures hold them and the contract's Muon row reads them)."""
    scalars = [layout.span(b.name).start for b in layout.blocks if not b.shape]
    groups: list[slice | np.ndarray] = [layout.span(b.name) for b in layout.blocks if b.shape]
    if scalars:
        groups.insert(0, np.array(scalars) if len(scalars) < layout.size else slice(None))
    return tuple(groups)


def cautious_step(inner, inner_update, g, s, own, p, t, lr, hp, ctx):
    """Keep the inner step only where it goes downhill along g, rescaled per tensor by the kept fraction
    (timm 1.0.31, caution=True: mask = (m*g > 0) / max(mean(mask), 1e-3), decoupled decay unmasked)."""
    p_new, s = inner_update(g, s, p, t, lr, hp)
    base = decoupled(p, lr, hp) if inner.decoupled_decay else p  # the same bits as the inner's decay
    descent = base - p_new
    mask = (descent * g > 0.0).astype(float)
    kept = mask.sum(axis=-1, keepdims=True) / mask.shape[-1]  # np.mean's bits, without its overhead
    groups = tensors(ctx.layout) if ctx is not None else _WHOLE
    if len(groups) == 1 and isinstance(groups[0], slice):  # one tensor: every coordinate
        scale = mask / np.maximum(kept, 1e-3)
    else:
        scale = np.empty_like(mask)
        for idx in groups:
            part = mask[..., idx]
            scale[..., idx] = part / np.maximum(part.sum(axis=-1, keepdims=True) / part.shape[-1], 1e-3)
    return base - descent * scale, s, (1.0 - kept,)


_WHOLE = (slice(None),)


CAUTIOUS = Modifier(
    key="cautious",
    name="Cautious (C-)",
    label="Cautious {}",
    paper="Liang, Chen, Liu & Liu, Cautious Optimizers: Improving Training with One Line of Code",
    year=2024,
    reference="timm 1.0.31 caution=True (AdamWLegacy 'cadamw', Lion 'clion')",
    summary="Drop the coordinates of the step that go uphill along the current gradient; scale up the rest.",
    hparams=(),
    state=(
        StateVar(
            "masked",
            "Fraction of coordinates whose step was dropped (its sign disagreed with the gradient's).",
            r"\mathrm{masked}",
            per_coordinate=False,
        ),
    ),  # fmt: skip
    init=cautious_init,
    step=cautious_step,
    uses_context=True,  # the layout: the mask is averaged per parameter tensor
    latex=lambda inner: (
        inner + r" \\ u_t = \theta'_{t-1} - \theta_t,\ \mathbb{1}_t = [u_t\, g_t > 0],"
        r"\ \theta_t \leftarrow \theta'_{t-1} - \frac{\mathbb{1}_t\, u_t}{\max(\overline{\mathbb{1}_t},\ 10^{-3})}"
    ),
    by_hand=lambda lines: (
        lines
        + (
            HandStep("cautious_mask", f"max(sign((p_prev - {PRIMED})*g), 0)", symbol=r"\mathbb{1}_t"),
            HandStep("cautious_masked", "1 - mean(cautious_mask)"),
            HandStep("p", f"p_prev - (p_prev - {PRIMED})*cautious_mask/max(mean(cautious_mask), 0.001)"),
        )
    ),
)

#: key -> Modifier, in the contract's order.
MODIFIERS: dict[str, Modifier] = {m.key: m for m in (LOOKAHEAD, SAM, CAUTIOUS)}


def get_modifier(key: str | Modifier) -> Modifier:
    """The registry entry for ``key``; a ValueError lists the allowed keys otherwise."""
    return key if isinstance(key, Modifier) else choose(MODIFIERS, key, "modifier")


def split_key(key: str) -> tuple[tuple[str, ...], str]:
    """``(modifier keys outermost first, inner key)`` of a composite key ('lookahead-adamw')."""
    *mods, base = key.split(CHAIN_MARK)
    return tuple(mods), base


def is_composite(key: Any) -> bool:
    return isinstance(key, str) and CHAIN_MARK in key


@cache
def compose(key: str) -> Optimizer:
    """The optimizer a composite key names, built once: 'lookahead-cautious-adamw'. ValueError names the
    unknown part (a modifier, or the optimizer at the end of the chain)."""
    from . import BASE

    mods, base = split_key(key)
    if base in MODIFIERS:
        raise ValueError(
            f"{key!r} ends in a modifier: a composite key names modifiers first ('lookahead-adam')"
        )
    opt = choose(BASE, base, "optimizer")
    for m in reversed(mods):
        opt = get_modifier(m)(opt)
    return opt


def composite_key(optimizer: str, modifiers: tuple[str, ...] | list[str]) -> str:
    """The key of ``optimizer`` wrapped in ``modifiers`` (outermost first): ('lookahead',) -> 'lookahead-adam'."""
    return CHAIN_MARK.join([*modifiers, optimizer])


__all__ = [
    "CAUTIOUS",
    "CHAIN_MARK",
    "INSIDE",
    "LOOKAHEAD",
    "MODIFIERS",
    "SAM",
    "Modifier",
    "compose",
    "composite_key",
    "get_modifier",
    "is_composite",
    "split_key",
]
