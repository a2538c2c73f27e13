"""Side-by-side runs: several optimizers from one start, on one problem, with one minibatch seed.

``compare`` records a trace per optimizer; ``results_table`` summarises them. The "fair comparison"
tunes each optimizer's learning rate with a 1-D ``sweep`` on the same problem and step budget
(``tune_learning_rates``); the same scan, at default settings, gives the Sweep page's sensitivity
curves (``learning_rate_scan``).

Best learning rate of a scan: among the rates that converge, the one that converges in the fewest
steps (ties: the lower final loss); if none converges, the lowest final loss among the rates that
did not diverge; None if every rate diverged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import app_state
from .optimizers import OPTIMIZERS, get_optimizer
from .problems import Problem, get_problem
from .runner import Trace, run
from .spec import Param
from .sweep import sweep

MIN_OPTIMIZERS = 2
MAX_OPTIMIZERS = 8
#: Default learning rates of a scan: 5 per decade over [1e-5, 10], clipped to each optimizer's range.
SCAN_RANGE = (1e-5, 10.0)
SCAN_POINTS = 31

Setups = Mapping[str, Mapping[str, float] | None]


def _problem(problem: str | Problem) -> Problem:
    return get_problem(problem)


def _check_count(keys: Sequence[str]) -> None:
    if not MIN_OPTIMIZERS <= len(keys) <= MAX_OPTIMIZERS:
        raise ValueError(f"compare needs {MIN_OPTIMIZERS} to {MAX_OPTIMIZERS} optimizers, got {len(keys)}")
    for key in keys:
        get_optimizer(key)  # raises with the list of allowed keys


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
    """One trace per optimizer (``{key: hparams}``, in the given order), all on the same problem
    instance, start point, schedule, minibatches and gradient noise. Raises ValueError on bad input."""
    _check_count(list(setups))
    prob = _problem(problem)
    return {
        key: run(
            key,
            prob,
            steps=steps,
            start=start,
            hparams=dict(hp or {}),
            schedule=schedule,
            schedule_params=schedule_params,
            batch_size=batch_size,
            grad_noise=grad_noise,
            seed=seed,
        )  # fmt: skip
        for key, hp in setups.items()
    }


def results_table(traces: Mapping[str, Trace]) -> list[dict[str, Any]]:
    """One row per optimizer: final loss, distance to the optimum, steps to converge, diverged-at.

    Events that did not happen are None, so a table shows them as empty cells and sorts them laapp_state.
    """
    rows = []
    for key, tr in traces.items():
        rows.append(
            {
                "optimizer": get_optimizer(key).name,
                "key": key,
                "learning_rate": tr.hparams["learning_rate"],
                "final_loss": tr.final_loss,
                "optimum_distance": tr.optimum_distance,
                "steps_to_converge": tr.converged_at,
                "diverged_at": tr.diverged_at,
                "hparams": ", ".join(f"{k}={v:g}" for k, v in tr.hparams.items()),
            }
        )
    return rows


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
    res = sweep(
        optimizer, _problem(problem), steps=steps, grid={"learning_rate": rates}, start=start,
        hparams=fixed, schedule=schedule, schedule_params=schedule_params, batch_size=batch_size,
        grad_noise=grad_noise, seed=seed,
    )  # fmt: skip
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
    return {
        key: learning_rate_scan(
            key,
            prob,
            steps=steps,
            hparams=hp,
            learning_rates=learning_rates,
            start=start,
            schedule=schedule,
            schedule_params=schedule_params,
            batch_size=batch_size,
            grad_noise=grad_noise,
            seed=seed,
        )  # fmt: skip
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


# --- page state: the Compare and Sweep pages as plain values, and their URL form ---------------------
# Shared settings (problem, steps, start, schedule, batch, noise, seed, and the Sweep page's optimizer
# and fixed hyperparameters) use the Playground's names and parser (``app_state``); the keys below are
# the pages' own. Parsers never raise: a bad value is replaced, with a ParseWarning saying so.

COMPARE_DEFAULTS = ("sgd", "momentum", "rmsprop", "adam")
SENSITIVITY_DEFAULTS = ("sgd", "momentum", "rmsprop", "adam")
SWEEP_METRICS = ("final_loss", "steps_to_converge")
DEFAULT_RESOLUTION = 30
MAX_RESOLUTION = 200
COMPARE_KEYS = ("opts", "fair")
SWEEP_KEYS = ("x", "y", "x_range", "y_range", "res", "metric", "sens")


@dataclass(frozen=True)
class CompareConfig:
    """Everything the Compare page shows: the optimizers with their hyperparameters, shared settings."""

    optimizers: tuple[str, ...]
    hparams: Mapping[str, Mapping[str, float]]  # complete, for every optimizer in ``optimizers``
    base: Any  # app_state.PlaygroundConfig: problem and run settings (its optimizer is unused)
    fair: bool = False


@dataclass(frozen=True)
class SweepConfig:
    """Everything the Sweep page shows: ``base`` holds the optimizer, its fixed hyperparameters and
    the run settings; ``x``/``y`` are the swept hyperparameters with their ranges."""

    base: Any  # app_state.PlaygroundConfig
    x: str
    y: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int = DEFAULT_RESOLUTION
    metric: str = "final_loss"
    sensitivity: tuple[str, ...] = SENSITIVITY_DEFAULTS


def default_range(optimizer: str, name: str) -> tuple[float, float]:
    """A sweep range that shows the interesting regimes of a hyperparameter around its default:
    three decades either side on a log scale, 0.9/0.99-style decades for log1m, the full range else."""
    p = get_optimizer(optimizer).param(name)
    centre = app_state.default_hparams(optimizer).get(name, p.default)
    if p.scale == "log":
        return max(p.low, centre * 1e-3), min(p.high, max(centre, p.low) * 1e3)
    if p.scale == "log1m":
        gap = max(1.0 - centre, 1e-12)
        lo, hi = round(1.0 - min(1.0, gap * 10), 12), round(1.0 - gap / 100, 12)
        return max(p.low, lo), min(p.high, hi)
    return p.low, p.high


def default_axes(optimizer: str) -> tuple[str, str]:
    """learning_rate against the optimizer's next declared hyperparameter."""
    names = get_optimizer(optimizer).hparam_names
    return names[0], names[1] if len(names) > 1 else names[0]


def _one(raw: Any, name: str, warnings: list) -> str | None:
    if isinstance(raw, (list, tuple)):
        if not raw:
            return None
        if len(raw) > 1:
            warnings.append(
                app_state.ParseWarning(
                    "repeated", app_state.WARNING_TEXTS["repeated"], name=name, count=len(raw)
                )
            )
        raw = raw[-1]
    text = None if raw is None else str(raw)
    if text is not None and len(text) > 400:
        warnings.append(app_state.ParseWarning("too_long", app_state.WARNING_TEXTS["too_long"], name=name))
        return None
    return text


def _warn(code: str, **fields: Any):
    return app_state.ParseWarning(code, app_state.WARNING_TEXTS[code], **fields)


def _keys_list(
    text: str | None, name: str, fallback: Sequence[str], warnings: list, limit: int
) -> tuple[str, ...]:
    """Comma-separated optimizer keys: unknown ones dropped (warned), duplicates merged, at most ``limit``."""
    if text is None:
        return tuple(fallback)
    out: list[str] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part not in OPTIMIZERS:
            warnings.append(_warn("unknown_key", name=f"{name}={part}"))
        elif part not in out:
            out.append(part)
    if len(out) > limit:
        warnings.append(_warn("unknown_key", name=f"{name}: {','.join(out[limit:])}"))
        out = out[:limit]
    return tuple(out)


def _flag(text: str | None, name: str, warnings: list) -> bool:
    if text is None:
        return False
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value not in ("0", "false", "no", "off", ""):
        warnings.append(_warn("unknown_choice", what=name, value=text, fallback="0"))
    return False


def _prefixed(w: Any, prefix: str):
    """A ParseWarning about ``name`` re-issued about ``prefix.name``."""
    if "name" not in w.fields or w.code not in app_state.WARNING_TEXTS:
        return w
    return app_state.ParseWarning(
        w.code, app_state.WARNING_TEXTS[w.code], **{**w.fields, "name": f"{prefix}.{w.fields['name']}"}
    )


def _optimizer_hparams(key: str, raw: Mapping[str, str], warnings: list) -> dict[str, float]:
    """``key.<name>`` query values of one optimizer, parsed and clamped like the Playground's."""
    sub = {name[len(key) + 1 :]: value for name, value in raw.items() if name.startswith(key + ".")}
    cfg, found = app_state.parse_playground({"opt": key, **sub}, ignore=())
    warnings.extend(_prefixed(w, key) for w in found)
    return dict(cfg.hparams)


def _is_optimizer_key(name: str) -> bool:
    return "." in name and name.split(".", 1)[0] in OPTIMIZERS


def _split(params: Mapping[str, Any], own: Sequence[str], warnings: list) -> tuple[dict[str, str], dict]:
    """Query parameters split into the page's own keys and the rest (for ``parse_playground``)."""
    mine, rest = {}, {}
    try:
        items = list(params.items())
    except Exception:
        items = []
    for name, value in items:
        if not isinstance(name, str):
            continue
        if name in own or _is_optimizer_key(name):
            text = _one(value, name, warnings)
            if text is not None:
                mine[name] = text
        else:
            rest[name] = value
    return mine, rest


def parse_compare(params: Mapping[str, Any]) -> tuple[CompareConfig, list]:
    """The Compare page's state from query parameters, plus a warning for everything that was fixed."""
    warnings: list = []
    mine, rest = _split(params, COMPARE_KEYS, warnings)
    base, found = app_state.parse_playground(rest)
    warnings.extend(found)
    if base.is_custom:
        warnings.append(
            _warn("unknown_choice", what="problem", value=base.problem, fallback=app_state.DEFAULT_PROBLEM)
        )
        base = app_state.with_changes(base, problem=app_state.DEFAULT_PROBLEM, start=None, batch_size=None)
    optimizers = _keys_list(mine.pop("opts", None), "opts", COMPARE_DEFAULTS, warnings, MAX_OPTIMIZERS)
    if not optimizers:
        optimizers = COMPARE_DEFAULTS
    fair = _flag(mine.pop("fair", None), "fair", warnings)
    hparams = {key: _optimizer_hparams(key, mine, warnings) for key in optimizers}
    for name in mine:
        if name.split(".", 1)[0] not in optimizers:
            warnings.append(_warn("unknown_key", name=name))
    return CompareConfig(optimizers=optimizers, hparams=hparams, base=base, fair=fair), warnings


def _shared(base: Any) -> dict[str, str]:
    """The Playground's encoding of ``base`` without its optimizer and hyperparameters."""
    out = app_state.encode_playground(base)
    drop = {"opt", *get_optimizer(base.optimizer).hparam_names}
    return {k: v for k, v in out.items() if k not in drop}


def encode_compare(config: CompareConfig) -> dict[str, str]:
    """Query parameters for ``config``; ``parse_compare`` reads them back to an equal configuration.
    Hyperparameters appear as ``<optimizer>.<name>`` only where they differ from the page default."""
    out = {"opts": ",".join(config.optimizers)}
    for key in config.optimizers:
        defaults = app_state.default_hparams(key)
        for name, value in config.hparams.get(key, {}).items():
            if name in defaults and float(value) != float(defaults[name]):
                out[f"{key}.{name}"] = app_state._fmt(value)
    if config.fair:
        out["fair"] = "1"
    out.update(_shared(config.base))
    return out


def is_compare_key(name: str) -> bool:
    """True for query keys the Compare page writes (so stale ones can be dropped)."""
    return (
        name in COMPARE_KEYS
        or _is_optimizer_key(name)
        or (app_state.is_managed_key(name) and name != "cursor")
    )


def _range(text: str | None, optimizer: str, name: str, warnings: list) -> tuple[float, float]:
    fallback = default_range(optimizer, name)
    if text is None:
        return fallback
    parts = text.split(",")
    param = get_optimizer(optimizer).param(name)
    if len(parts) != 2:
        warnings.append(
            _warn(
                "not_a_number", name=f"{name} range", value=text, fallback=f"{fallback[0]:g},{fallback[1]:g}"
            )
        )
        return fallback
    lo = app_state._number(parts[0], param, f"{name} range", fallback[0], warnings)
    hi = app_state._number(parts[1], param, f"{name} range", fallback[1], warnings)
    if not lo < hi:
        warnings.append(
            _warn(
                "not_a_number", name=f"{name} range", value=text, fallback=f"{fallback[0]:g},{fallback[1]:g}"
            )
        )
        return fallback
    return float(lo), float(hi)


def parse_sweep(params: Mapping[str, Any]) -> tuple[SweepConfig, list]:
    """The Sweep page's state from query parameters, plus a warning for everything that was fixed."""
    warnings: list = []
    mine, rest = _split(params, SWEEP_KEYS, warnings)
    for name in [n for n in mine if n not in SWEEP_KEYS]:  # 'adam.beta1' style keys belong to Compare
        warnings.append(_warn("unknown_key", name=name))
        del mine[name]
    base, found = app_state.parse_playground(rest)
    warnings.extend(found)
    if base.is_custom:
        warnings.append(
            _warn("unknown_choice", what="problem", value=base.problem, fallback=app_state.DEFAULT_PROBLEM)
        )
        base = app_state.with_changes(base, problem=app_state.DEFAULT_PROBLEM, start=None, batch_size=None)
    opt = get_optimizer(base.optimizer)
    dx, dy = default_axes(opt.key)
    x = _choose(mine.get("x"), opt.hparam_names, dx, "hyperparameter", warnings)
    y = _choose(mine.get("y"), opt.hparam_names, dy if dy != x else dx, "hyperparameter", warnings)
    if x == y:
        other = next(n for n in opt.hparam_names if n != x)
        warnings.append(_warn("unknown_choice", what="hyperparameter", value=y, fallback=other))
        y = other
    res_param = Param("res", DEFAULT_RESOLUTION, 2, MAX_RESOLUTION, integer=True)
    res = DEFAULT_RESOLUTION
    if "res" in mine:
        res = int(app_state._number(mine["res"], res_param, "res", DEFAULT_RESOLUTION, warnings))
    metric = _choose(mine.get("metric"), SWEEP_METRICS, "final_loss", "metric", warnings)
    sens = _keys_list(mine.get("sens"), "sens", SENSITIVITY_DEFAULTS, warnings, MAX_OPTIMIZERS)
    config = SweepConfig(
        base=base, x=x, y=y,
        x_range=_range(mine.get("x_range"), opt.key, x, warnings),
        y_range=_range(mine.get("y_range"), opt.key, y, warnings),
        resolution=res, metric=metric, sensitivity=sens,
    )  # fmt: skip
    return config, warnings


def _choose(text: str | None, allowed: Sequence[str], fallback: str, what: str, warnings: list) -> str:
    if text is None:
        return fallback
    if text.strip() in allowed:
        return text.strip()
    warnings.append(_warn("unknown_choice", what=what, value=text, fallback=fallback))
    return fallback


def encode_sweep(config: SweepConfig) -> dict[str, str]:
    """Query parameters for ``config`` (the swept hyperparameters' fixed values are left out)."""
    out = {k: v for k, v in app_state.encode_playground(config.base).items() if k not in (config.x, config.y)}
    out.update(
        x=config.x,
        y=config.y,
        x_range=f"{app_state._fmt(config.x_range[0])},{app_state._fmt(config.x_range[1])}",
        y_range=f"{app_state._fmt(config.y_range[0])},{app_state._fmt(config.y_range[1])}",
        res=str(int(config.resolution)),
        metric=config.metric,
        sens=",".join(config.sensitivity),
    )
    return out


def is_sweep_key(name: str) -> bool:
    """True for query keys the Sweep page writes."""
    return name in SWEEP_KEYS or (app_state.is_managed_key(name) and name != "cursor")


def cell_config(config: SweepConfig, hparams: Mapping[str, float]) -> Any:
    """The Playground configuration of one sweep cell: the base with the cell's full hyperparameters."""
    return app_state.with_changes(config.base, hparams={**config.base.hparams, **hparams}, cursor=None)
