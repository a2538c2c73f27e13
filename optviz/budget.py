"""The work one page view may cost, so that no link costs more than about 2 s of CPU, whatever it says.

A page view runs some ``run`` calls and some ``sweep`` calls, all with the same number of steps (the
Playground: one run; Compare: one run per optimizer, plus one learning-rate scan per optimizer in
fair mode; Sweep: the grid and one scan per sensitivity optimizer). Work is counted in units of about
0.1 microsecond of CPU on the 2-core machine the app serves from (constants measured by
``benchmarks/bench_budget.py``, worst optimizer, rounded up)::

    work = steps * (runs * (cost * RUN_STEP + NODE * nodes + block units)
                    + sum over sweeps of (cost * SWEEP_STEP
                                          + sweep_units
                                          + configurations * (cost * CONFIG + NODE_VECTOR * nodes
                                                              + config_units)))
           + (runs + sweeps) * POINT * data points a minibatch sampler touches

where ``nodes`` is the size of a visitor's formula with its gradient (0 for the built-in problems,
whose loss and gradient cost one step's overhead), ``cost`` and the block units are the costliest
optimizer's declared ``Optimizer.cost`` and ``block_cost`` times the layout's blocks (matrix and
per-block updates cost several elementwise ones: ``optimizer_load``), and the sampler touches ``steps * batch`` points
plus ``n`` per epoch of at most ``SHUFFLE_BATCHES`` batches (which shuffles all n indices) or
``steps * batch`` more for longer epochs (keyed permutation; see ``LinearRegression._epoch_batches``). ``WORK_BUDGET`` is 2 s of it. Pages clamp the steps to
``max_steps`` and say so (``app_state`` does it for links, with a ``ParseWarning``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .problems import SHUFFLE_BATCHES

#: Seconds of CPU per unit of work (the scale of the constants below).
UNIT_SECONDS = 1e-7
#: At most this much work per page view: 2 s.
WORK_BUDGET = 20_000_000
#: One step of one ``run`` (Python overhead and recording): 40 us, measured 36 us.
RUN_STEP = 400
#: One step of one ``sweep`` (overhead independent of its size): 80 us, measured 65-75 us.
SWEEP_STEP = 800
#: One configuration's update inside a vectorised sweep step: 0.15 us, measured 85-130 ns.
CONFIG = 1.5
#: One counted data point of a minibatch (gather, two sums, a share of the epoch's shuffle): 50 ns,
#: measured 20-45 ns.
POINT = 0.5
#: One node of a formula's loss and gradient evaluated at one point: 0.2 us, measured 0.15 us.
NODE = 2.0
#: The same node evaluated for one configuration of a vectorised sweep.
NODE_VECTOR = 0.1


def data_points(steps: int, batch_size: int | None, n: int | None) -> int:
    """Data points the minibatch sampler touches over ``steps`` (0 for full batch, whose loss uses five
    precomputed sums): each step's batch, plus one permutation of the ``n`` indices per epoch begun
    when epochs are short, or twice the batch when they are long (each index from a keyed permutation
    costs about twice a shuffled one; see ``LinearRegression._epoch_batches``)."""
    if batch_size is None or n is None or batch_size >= n:
        return 0
    per_epoch = max(1, n // batch_size)
    if per_epoch > SHUFFLE_BATCHES:
        return 2 * steps * batch_size
    epochs = -(-steps // per_epoch)
    return steps * batch_size + epochs * n


def work(
    steps: int,
    *,
    runs: int = 0,
    sweeps: Sequence[int] = (),
    batch_size: int | None = None,
    n: int | None = None,
    formula_nodes: int = 0,
    step_units: float = 0.0,
    fixed: float = 0.0,
    cost: float = 1.0,
    block_units: float = 0.0,
    sweep_units: float = 0.0,
    config_units: float = 0.0,
) -> float:
    """Units of work of ``runs`` runs and one sweep per entry of ``sweeps`` (its configuration count).

    ``step_units`` is what one step of one run costs beyond ``RUN_STEP`` when the problem's gradient is
    not cheap (a network: ``optviz.nets.scenes.step_units``); ``fixed`` is work that does not grow with
    the steps (a network page's loss slice and decision-boundary grids); ``cost`` and ``block_units``
    come from ``optimizer_load``. A sweep on a network adds ``sweep_units`` per step (its gradient's
    fixed cost, shared by the batch) and ``config_units`` per configuration and step (its gradient,
    loss and update: ``optviz.nets.scenes.sweep_config_units``)."""
    per_step = runs * (cost * RUN_STEP + NODE * formula_nodes + step_units + block_units)
    per_step += sum(
        cost * SWEEP_STEP + sweep_units + c * (cost * CONFIG + NODE_VECTOR * formula_nodes + config_units)
        for c in sweeps
    )
    return fixed + steps * per_step + (runs + len(sweeps)) * POINT * data_points(steps, batch_size, n)


def seconds(units: float) -> float:
    """Estimated CPU seconds of ``units`` of work."""
    return units * UNIT_SECONDS


def max_steps(steps: int, **kw) -> int:
    """The most steps, at most ``steps`` and at least 1, whose ``work(steps, **kw)`` fits the budget."""
    if work(steps, **kw) <= WORK_BUDGET:
        return steps
    lo, hi = 1, steps  # work is increasing in steps: bisect for the last one that fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if work(mid, **kw) <= WORK_BUDGET:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass(frozen=True)
class Clamp:
    """Steps cut to fit the budget: what was asked, what is allowed, and the estimates (for messages)."""

    steps: int
    allowed: int
    seconds: float

    @property
    def fields(self) -> dict[str, str]:
        """Message fields: ``steps``, ``allowed``, ``seconds`` (asked) and ``budget`` (both in s)."""
        return {
            "steps": str(self.steps),
            "allowed": str(self.allowed),
            "seconds": f"{self.seconds:.3g}",
            "budget": f"{seconds(WORK_BUDGET):g}",
        }


def check(steps: int, **kw) -> Clamp | None:
    """None when ``steps`` fit the budget, else the ``Clamp`` to apply (``kw`` as for ``work``)."""
    allowed = max_steps(steps, **kw)
    if allowed >= steps:
        return None
    return Clamp(steps=steps, allowed=allowed, seconds=seconds(work(steps, **kw)))


def page_load(
    page: str,
    *,
    optimizers: int = 1,
    fair: bool = False,
    configurations: int = 0,
    scans: int = 0,
    scan_points: int = 31,
) -> dict:
    """The ``runs`` and ``sweeps`` of one view of ``page`` ("playground", "compare" or "sweep"), as
    keywords for ``work``/``check``: Compare runs every optimizer (and scans each one's learning rate in
    fair mode); Sweep runs its grid of ``configurations`` and ``scans`` sensitivity scans."""
    if page == "playground":
        return {"runs": 1, "sweeps": ()}
    if page == "compare":
        return {"runs": optimizers, "sweeps": (scan_points,) * optimizers if fair else ()}
    if page == "sweep":
        return {"runs": 0, "sweeps": (configurations,) + (scan_points,) * scans}
    raise ValueError(f"unknown page {page!r}")


def optimizer_load(optimizers: Sequence[str], blocks: int = 1) -> dict[str, float]:
    """``cost`` and ``block_units`` of ``work`` for a view that runs ``optimizers`` (keys, composites
    too) on a problem whose layout has ``blocks`` blocks: the costliest of them, for every run."""
    from .optimizers import get_optimizer

    opts = [get_optimizer(k) for k in optimizers] or [None]
    return {
        "cost": max((o.cost for o in opts if o is not None), default=1.0),
        "block_units": max((o.block_cost for o in opts if o is not None), default=0.0) * blocks,
    }


def with_optimizers(load: dict, optimizers: Sequence[str]) -> dict:
    """``load`` (keywords of ``work``) at the cost of ``optimizers`` too, when they cost more than what
    it counts already (a page's own optimizer beside its Compare entries or sensitivity scans)."""
    return load | {"cost": max(load.get("cost", 1.0), optimizer_load(optimizers)["cost"])}
