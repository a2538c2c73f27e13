"""Side-by-side runs: several optimizers from one start, on one problem, with one minibatch seed.

``compare`` records a trace per optimizer; ``results_table`` summarises them. The "fair comparison"
tunes each optimizer's learning rate with a 1-D ``sweep`` on the same problem and step budget
(``tune_learning_rates``); the same scan, at default settings, gives the Sweep page's sensitivity
curves (``learning_rate_scan``).

The same optimizer may run more than once with other settings (Adam with beta2 = 0.9 against 0.999):
each run is an *entry*, the optimizer's key or the key and a copy number, ``"adam~2"`` (``entry``).

Best learning rate of a scan: among the rates that converge, the one that converges in the fewest
steps (ties: the lower final loss); if none converges, the lowest final loss among the rates that
did not diverge; None if every rate diverged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .i18n import t
from .i18n import tr as translate
from .optimizers import get_optimizer
from .problems import Problem, get_problem
from .runner import Trace, run
from .settings import RunSettings
from .sweep import sweep

MIN_OPTIMIZERS = 2
MAX_OPTIMIZERS = 8
#: Default learning rates of a scan: 5 per decade over [1e-5, 10], clipped to each optimizer's range.
SCAN_RANGE = (1e-5, 10.0)
SCAN_POINTS = 31

Setups = Mapping[str, Mapping[str, float] | None]


#: An entry is ``<optimizer key>`` or ``<optimizer key>~<copy>``, copy 2..MAX_OPTIMIZERS.
COPY_MARK = "~"
_ENTRY = re.compile(r"([a-z0-9_]+)(?:~([1-9][0-9]?))?")
#: Line styles of an optimizer's copies: its colour stays, its later copies are dashed or dotted.
COPY_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "5px,10px", "1px,6px")


def entry(optimizer: str, copy: int = 1) -> str:
    """The entry of ``optimizer``'s ``copy``-th run in a comparison: 'adam', 'adam~2'."""
    return optimizer if copy == 1 else f"{optimizer}{COPY_MARK}{copy}"


def split_entry(name: str) -> tuple[str, int]:
    """``(optimizer key, copy)`` of an entry; ValueError for anything else (an unknown optimizer included)."""
    m = _ENTRY.fullmatch(name) if isinstance(name, str) else None
    copy = int(m.group(2)) if m and m.group(2) else 1
    if m is None or not (m.group(2) is None or 2 <= copy <= MAX_OPTIMIZERS):
        raise ValueError(f"{name!r} is not an optimizer key or a copy of one ('adam', 'adam~2')")
    get_optimizer(m.group(1))  # raises with the list of allowed keys
    return m.group(1), copy


def is_entry(name: str) -> bool:
    try:
        split_entry(name)
    except ValueError:
        return False
    return True


def entry_optimizer(name: str) -> str:
    """The optimizer key of an entry ('adam~2' -> 'adam')."""
    return split_entry(name)[0]


def next_copy(name: str, entries: Sequence[str]) -> str | None:
    """A new entry for another run of ``name``'s optimizer, not among ``entries``; None when all are used."""
    key = entry_optimizer(name)
    for copy in range(2, MAX_OPTIMIZERS + 1):
        if entry(key, copy) not in entries:
            return entry(key, copy)
    return None


def entry_dash(name: str) -> str:
    """Line style of an entry's path and curve: solid for an optimizer's first run."""
    return COPY_DASHES[(split_entry(name)[1] - 1) % len(COPY_DASHES)]


def entry_labels(hparams: Mapping[str, Mapping[str, float] | Trace], lang: str = "en") -> dict[str, str]:
    """What each entry is called in legends and tables: the optimizer's name ('Adam'), '#2' for a copy,
    and where one optimizer runs more than once, the settings that tell its runs apart
    ('Adam (beta2=0.999)', 'Adam #2 (beta2=0.9)'). ``hparams`` maps entries to settings or traces."""
    settings = {k: dict(v.hparams if isinstance(v, Trace) else (v or {})) for k, v in hparams.items()}
    runs: dict[str, list[str]] = {}
    for name in settings:
        runs.setdefault(entry_optimizer(name), []).append(name)
    labels = {}
    for name, hp in settings.items():
        key, copy = split_entry(name)
        label = translate(get_optimizer(key).name, lang) + (f" #{copy}" if copy > 1 else "")
        siblings = runs[key]
        if len(siblings) > 1:
            differ = [
                p for p in get_optimizer(key).hparam_names if len({settings[s].get(p) for s in siblings}) > 1
            ]
            if differ:
                label += " (" + ", ".join(f"{p}={hp[p]:g}" for p in differ if p in hp) + ")"
        labels[name] = label
    return labels


def _problem(problem: str | Problem) -> Problem:
    return get_problem(problem)


def _check_count(keys: Sequence[str]) -> None:
    if not MIN_OPTIMIZERS <= len(keys) <= MAX_OPTIMIZERS:
        raise ValueError(f"compare needs {MIN_OPTIMIZERS} to {MAX_OPTIMIZERS} optimizers, got {len(keys)}")
    for key in keys:
        split_entry(key)  # raises with the list of allowed keys


def compare(
    setups: Setups,
    problem: str | Problem,
    *,
    steps: int,
    start: Sequence[float] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    grad_noise: float = 0.0,
    seed: int = 0,
) -> dict[str, Trace]:
    """One trace per entry (``{entry: hparams}``, in the given order: an optimizer key, or a copy of one
    with other settings), all on the same problem instance, start point, schedule, minibatches and
    gradient noise. Raises ValueError on bad input."""
    _check_count(list(setups))
    prob = _problem(problem)
    settings = RunSettings(steps, start, schedule, schedule_params, batch_size, grad_noise, seed)
    return {
        key: run(entry_optimizer(key), prob, hparams=dict(hp or {}), **settings.kwargs())
        for key, hp in setups.items()
    }


def results_table(traces: Mapping[str, Trace], lang: str = "en") -> list[dict[str, Any]]:
    """One row per optimizer: final loss, distance to the optimum, steps to converge, diverged-at, and
    ``outcome``, the same events in words (``lang``), for a table a person reads.

    Events that did not happen are None in their numeric columns (an empty cell in the CSV); the page
    shows ``outcome`` instead, so no "None" is ever on screen. ``hparams`` lists the settings other
    than the learning rate (it has its own column).
    """
    rows = []
    labels = entry_labels(traces, lang)
    for key, tr in traces.items():
        rows.append(
            {
                "optimizer": labels[key],
                "key": key,
                "learning_rate": tr.hparams["learning_rate"],
                "final_loss": tr.final_loss,
                "optimum_distance": tr.optimum_distance,
                "steps_to_converge": tr.converged_at,
                "diverged_at": tr.diverged_at,
                "outcome": outcome(tr, lang),
                "hparams": ", ".join(f"{k}={v:g}" for k, v in tr.hparams.items() if k != "learning_rate"),
            }
        )
    return rows


def hparams_table(traces: Mapping[str, Trace], lang: str = "en") -> list[dict[str, str]]:
    """Every run's hyperparameters side by side: one row per hyperparameter (in order of first use),
    one column per optimizer (its display name in ``lang``), "—" where an optimizer has no such setting.

    Narrow where a single "a=1, b=2, ..." column is not: eight optimizers' settings stay readable.
    """
    names = entry_labels(traces, lang)
    params: list[str] = []
    for tr in traces.values():
        params += [p for p in tr.hparams if p not in params]
    column = t("compare.col.hparam", lang)
    return [
        {column: p}
        | {names[key]: (f"{tr.hparams[p]:g}" if p in tr.hparams else "—") for key, tr in traces.items()}
        for p in params
    ]


def outcome(trace: Trace, lang: str = "en") -> str:
    """What happened to a run, in words: converged at t, diverged at t, or not converged in k steps."""
    if trace.diverged_at is not None:
        return t("compare.outcome.diverged", lang, step=trace.diverged_at)
    if trace.converged_at is not None:
        return t("compare.outcome.converged", lang, step=trace.converged_at)
    if trace.problem.min_loss is None:
        return t("compare.outcome.unknown_minimum", lang)
    return t("compare.outcome.not_converged", lang, steps=trace.k)


def table_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV text (header from the first row; None becomes an empty cell)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


@dataclass
class LearningRateScan:
    """Outcome of one optimizer at each learning rate of a 1-D scan (other settings fixed)."""

    optimizer: str
    learning_rates: np.ndarray
    final_loss: np.ndarray
    steps_to_converge: np.ndarray  # -1 where it never converged
    diverged_at: np.ndarray  # -1 where it never diverged
    hparams: dict[str, float]  # the fixed, non-swept settings

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def best_index(self) -> int | None:
        """Index of the best rate (see the module docstring); None if every rate diverged."""
        return best_index(self.final_loss, self.steps_to_converge, self.diverged)

    @property
    def best_learning_rate(self) -> float | None:
        i = self.best_index
        return None if i is None else float(self.learning_rates[i])


def best_index(final_loss: np.ndarray, steps_to_converge: np.ndarray, diverged: np.ndarray) -> int | None:
    """The best cell of a 1-D scan: fewest steps to converge, else lowest final loss; never a diverged one."""
    ok = ~np.asarray(diverged, dtype=bool)
    if not ok.any():
        return None
    conv = ok & (np.asarray(steps_to_converge) >= 0)
    if conv.any():
        # lexsort: last key is primary; non-candidates are pushed to the end by +inf
        steps = np.where(conv, steps_to_converge, np.iinfo(np.int64).max)
        loss = np.where(conv, final_loss, np.inf)
        return int(np.lexsort((loss, steps))[0])
    return int(np.argmin(np.where(ok, final_loss, np.inf)))


def scan_rates(optimizer: str, points: int = SCAN_POINTS) -> np.ndarray:
    """Log-spaced learning rates over ``SCAN_RANGE``, clipped to the optimizer's declared range."""
    spec = get_optimizer(optimizer).param("learning_rate")
    lo, hi = max(SCAN_RANGE[0], spec.low), min(SCAN_RANGE[1], spec.high)
    return np.geomspace(lo, hi, int(points))


def learning_rate_scan(
    optimizer: str,
    problem: str | Problem,
    *,
    steps: int,
    hparams: Mapping[str, float] | None = None,
    learning_rates: Sequence[float] | np.ndarray | None = None,
    start: Sequence[float] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    grad_noise: float = 0.0,
    seed: int = 0,
) -> LearningRateScan:
    """Final loss against learning rate, one vectorised ``sweep``; ``hparams`` fix the other settings
    (any learning_rate in them is ignored: it is the swept axis)."""
    rates = scan_rates(optimizer) if learning_rates is None else np.asarray(learning_rates, dtype=float)
    fixed = {k: v for k, v in dict(hparams or {}).items() if k != "learning_rate"}
    settings = RunSettings(steps, start, schedule, schedule_params, batch_size, grad_noise, seed)
    res = sweep(
        optimizer, _problem(problem), grid={"learning_rate": rates}, hparams=fixed, **settings.kwargs()
    )
    return LearningRateScan(
        optimizer=res.optimizer,
        learning_rates=res.grid["learning_rate"],
        final_loss=res.final_loss,
        steps_to_converge=res.steps_to_converge,
        diverged_at=res.diverged_at,
        hparams=res.hparams,
    )


def tune_learning_rates(
    setups: Setups,
    problem: str | Problem,
    *,
    steps: int,
    learning_rates: Sequence[float] | np.ndarray | None = None,
    start: Sequence[float] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    grad_noise: float = 0.0,
    seed: int = 0,
) -> dict[str, LearningRateScan]:
    """The fair-comparison scan of every optimizer: same problem, start, budget and minibatches; each
    keeps its other hyperparameters as given. Only the learning rate is tuned, which favours the
    methods whose other defaults happen to suit the problem."""
    _check_count(list(setups))
    prob = _problem(problem)
    settings = RunSettings(steps, start, schedule, schedule_params, batch_size, grad_noise, seed)
    return {
        key: learning_rate_scan(
            entry_optimizer(key), prob, hparams=hp, learning_rates=learning_rates, **settings.kwargs()
        )
        for key, hp in setups.items()
    }


def with_tuned_rates(setups: Setups, scans: Mapping[str, LearningRateScan]) -> dict[str, dict[str, float]]:
    """``setups`` with each learning rate replaced by its scan's best (kept where every rate diverged)."""
    out = {}
    for key, hp in setups.items():
        hp = dict(hp or {})
        best = scans[key].best_learning_rate if key in scans else None
        if best is not None:
            hp["learning_rate"] = best
        out[key] = hp
    return out
