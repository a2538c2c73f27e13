"""The Playground's configuration as plain values, and its URL form.

A page state is a ``PlaygroundConfig``: optimizer and every hyperparameter, problem and its
parameters, run settings and the step cursor. ``parse_playground`` reads it from query parameters and
never raises: a bad value is clamped or replaced by its default, with a ``ParseWarning`` saying so.
``encode_playground`` / ``playground_url`` write it back, so ``parse(encode(c)) == c`` for any valid c.

URL names: ``opt``, each hyperparameter under its registry name (``learning_rate``, ``beta1``, ...;
``lr`` is accepted as an alias of ``learning_rate``), ``problem`` and ``problem.<name>``, ``steps``,
``schedule`` and ``schedule.<name>``, ``start=x,y``, ``batch``, ``grad_noise``, ``seed``, ``cursor``.
Keys starting with ``custom`` belong to the bring-your-own-problem controls and are left alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from .optimizers import FAMILIES, OPTIMIZERS
from .problems import PROBLEMS, Problem
from .runner import GRAD_NOISE
from .schedules import SCHEDULES
from .spec import Param

DEFAULT_OPTIMIZER = "adam"
DEFAULT_PROBLEM = "linear_regression"
DEFAULT_STEPS = 100
#: The seed's example runs Adam at learning_rate 0.01 (the registry keeps torch's default, 1e-3).
PAGE_DEFAULTS: dict[str, float] = {"learning_rate": 0.01}
#: Longest run the Playground offers (the core allows more; the page must stay interactive).
MAX_PAGE_STEPS = 10_000
#: Start coordinates are limited to this box.
START_LIMIT = 1e3
#: Query values longer than this are ignored (nobody types a 65-digit number).
MAX_VALUE_CHARS = 64
#: Problems a user brings: a typed formula or an uploaded CSV (controls in pages/custom_problem.py).
CUSTOM_PROBLEMS: dict[str, str] = {"custom_formula": "formula", "custom_csv": "csv"}
#: Query keys owned by the app shell (language, presentation mode), never reported as unknown.
GLOBAL_KEYS = ("lang", "present")
LR_ALIAS = "lr"
SEED_PARAM = Param("seed", 0, 0, 2**32 - 1, "linear", "Seed of minibatches and gradient noise.", integer=True)
START_PARAM = Param("start", 0.0, -START_LIMIT, START_LIMIT, "linear", "Start coordinate.")


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything that determines what the Playground shows. Values are complete and valid."""

    optimizer: str = DEFAULT_OPTIMIZER
    hparams: Mapping[str, float] = field(default_factory=dict)
    problem: str = DEFAULT_PROBLEM
    problem_params: Mapping[str, float] = field(default_factory=dict)
    steps: int = DEFAULT_STEPS
    start: tuple[float, float] | None = None  # None: the problem's own start
    schedule: str = "constant"
    schedule_params: Mapping[str, float] = field(default_factory=dict)
    batch_size: int | None = None  # None: full batch
    grad_noise: float = 0.0
    seed: int = 0
    cursor: int | None = None  # None: the last step

    @property
    def is_custom(self) -> bool:
        """True for a bring-your-own problem (formula or CSV)."""
        return self.problem in CUSTOM_PROBLEMS

    def key(self) -> tuple:
        """The configuration as a tuple of plain values (for caches)."""
        return (
            self.optimizer,
            tuple(sorted(self.hparams.items())),
            self.problem,
            tuple(sorted(self.problem_params.items())),
            self.steps,
            self.start,
            self.schedule,
            tuple(sorted(self.schedule_params.items())),
            self.batch_size,
            self.grad_noise,
            self.seed,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (the configuration download)."""
        return {
            "optimizer": self.optimizer,
            "hparams": dict(self.hparams),
            "problem": self.problem,
            "problem_params": dict(self.problem_params),
            "steps": self.steps,
            "start": list(self.start) if self.start is not None else None,
            "schedule": self.schedule,
            "schedule_params": dict(self.schedule_params),
            "batch_size": self.batch_size,
            "grad_noise": self.grad_noise,
            "seed": self.seed,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


class ParseWarning(str):
    """A human-readable warning (the English text) with a ``code`` and ``fields`` for translation."""

    code: str
    fields: dict[str, str]

    def __new__(cls, code: str, text: str, **fields: Any) -> ParseWarning:
        shown = {k: _short(v) for k, v in fields.items()}
        obj = super().__new__(cls, text.format(**shown))
        obj.code, obj.fields = code, shown
        return obj


WARNING_TEXTS = {
    "repeated": "'{name}' was given {count} times; the last value is used.",
    "too_long": "The value of '{name}' is too long and was ignored.",
    "unknown_key": "Unknown setting '{name}' was ignored.",
    "not_for_optimizer": "{optimizer} has no hyperparameter '{name}'; it was ignored.",
    "not_for_problem": "'{name}' does not apply to {problem}; it was ignored.",
    "unknown_choice": "Unknown {what} '{value}'; using {fallback}.",
    "not_a_number": "'{name}' must be a number, got '{value}'; using {fallback}.",
    "not_finite": "'{name}' must be finite, got '{value}'; using {fallback}.",
    "clamped": "'{name}'={value} is outside [{low}, {high}]; using {clamped}.",
    "rounded": "'{name}' must be a whole number, got {value}; using {rounded}.",
    "bad_start": "'start' must be two numbers 'x,y', got '{value}'; using the problem's start.",
    "bad_range": "x_low must be below x_high (got {low} and {high}); using the defaults.",
}


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _warn(code: str, **fields: Any) -> ParseWarning:
    return ParseWarning(code, WARNING_TEXTS[code], **fields)


# --- defaults ----------------------------------------------------------------------------------------
def default_hparams(optimizer: str) -> dict[str, float]:
    """Registry defaults of ``optimizer``, with the page's own defaults for the default optimizer."""
    values = dict(OPTIMIZERS[optimizer].defaults)
    if optimizer == DEFAULT_OPTIMIZER:
        values.update({k: v for k, v in PAGE_DEFAULTS.items() if k in values})
    return values


def default_problem_params(problem: str) -> dict[str, float]:
    """Declared defaults of a registry problem (empty for a custom one)."""
    spec = PROBLEMS.get(problem)
    return {p.name: _as_declared(p, p.default) for p in spec.params} if spec else {}


def default_schedule_params(schedule: str) -> dict[str, float]:
    return {p.name: _as_declared(p, p.default) for p in SCHEDULES[schedule].params}


def default_config(optimizer: str = DEFAULT_OPTIMIZER, problem: str = DEFAULT_PROBLEM) -> PlaygroundConfig:
    """The page's starting state: the seed's example (Adam, lr 0.01, linear regression, 100 steps)."""
    return PlaygroundConfig(
        optimizer=optimizer,
        hparams=default_hparams(optimizer),
        problem=problem,
        problem_params=default_problem_params(problem),
        schedule_params=default_schedule_params("constant"),
    )


def _as_declared(param: Param, value: float) -> float:
    return int(value) if param.integer else float(value)


def optimizers_by_family() -> list[str]:
    """Optimizer keys grouped classic, adaptive, frontier (registry order within a family)."""
    return [k for fam in FAMILIES for k, o in OPTIMIZERS.items() if o.family == fam]


def problem_choices() -> list[str]:
    """Registry problems, then the two bring-your-own kinds."""
    return [*PROBLEMS, *CUSTOM_PROBLEMS]


# --- parsing -----------------------------------------------------------------------------------------
def _number(raw: str, param: Param, name: str, fallback: float, warnings: list[ParseWarning]) -> float:
    """``raw`` as a valid value of ``param``: clamped into range, rounded if whole, else ``fallback``."""
    text = raw.strip()
    try:
        x = float(text)
    except ValueError:
        warnings.append(_warn("not_a_number", name=name, value=text, fallback=_fmt(fallback)))
        return fallback
    if not math.isfinite(x):
        warnings.append(_warn("not_finite", name=name, value=text, fallback=_fmt(fallback)))
        return fallback
    if not param.low <= x <= param.high:
        clamped = min(max(x, param.low), param.high)
        warnings.append(
            _warn(
                "clamped", name=name, value=_fmt(x), low=_fmt(param.low), high=_fmt(param.high),
                clamped=_fmt(clamped),
            )
        )  # fmt: skip
        x = clamped
    if param.integer:
        if x != int(x):
            rounded = min(max(round(x), math.ceil(param.low)), math.floor(param.high))
            warnings.append(_warn("rounded", name=name, value=_fmt(x), rounded=rounded))
            x = rounded
        return int(x)
    return x


def _single(raw: Any, name: str, warnings: list[ParseWarning]) -> str | None:
    """One string from a query value: the last of repeated values; None when unusable."""
    if isinstance(raw, (list, tuple)):
        if not raw:
            return None
        if len(raw) > 1:
            warnings.append(_warn("repeated", name=name, count=len(raw)))
        raw = raw[-1]
    if raw is None:
        return None
    text = raw if isinstance(raw, str) else str(raw)
    if len(text) > MAX_VALUE_CHARS:
        warnings.append(_warn("too_long", name=name))
        return None
    return text


def _choice(raw: str | None, allowed: Iterable[str], fallback: str, what: str, warnings) -> str:
    if raw is None:
        return fallback
    key = raw.strip().lower()
    allowed = list(allowed)
    if key in allowed:
        return key
    warnings.append(_warn("unknown_choice", what=what, value=raw, fallback=fallback))
    return fallback


def parse_playground(
    params: Mapping[str, str | list[str]], ignore: Iterable[str] = GLOBAL_KEYS
) -> tuple[PlaygroundConfig, list[ParseWarning]]:
    """A valid configuration from query parameters, plus a warning for everything that was fixed.

    Never raises: unknown names are ignored, bad numbers fall back to defaults, out-of-range numbers
    are clamped, repeated keys use their last value, over-long values are ignored.
    """
    warnings: list[ParseWarning] = []
    try:
        items = list(params.items())
    except Exception:  # not a mapping at all
        items = []
    raw: dict[str, str] = {}
    for name, value in items:
        if not isinstance(name, str):
            continue
        text = _single(value, name, warnings)
        if text is not None:
            raw[name] = text
    if LR_ALIAS in raw:
        alias = raw.pop(LR_ALIAS)
        raw.setdefault("learning_rate", alias)

    optimizer = _choice(raw.pop("opt", None), OPTIMIZERS, DEFAULT_OPTIMIZER, "optimizer", warnings)
    opt = OPTIMIZERS[optimizer]
    hparams = default_hparams(optimizer)
    for p in opt.hparams:
        if p.name in raw:
            hparams[p.name] = _number(raw.pop(p.name), p, p.name, hparams[p.name], warnings)

    problem = _choice(raw.pop("problem", None), problem_choices(), DEFAULT_PROBLEM, "problem", warnings)
    problem_params = default_problem_params(problem)
    spec = PROBLEMS.get(problem)
    for p in spec.params if spec else ():
        key = f"problem.{p.name}"
        if key in raw:
            problem_params[p.name] = _number(raw.pop(key), p, key, problem_params[p.name], warnings)
    if "x_low" in problem_params and not problem_params["x_low"] < problem_params["x_high"]:
        warnings.append(_warn("bad_range", low=problem_params["x_low"], high=problem_params["x_high"]))
        problem_params["x_low"], problem_params["x_high"] = (
            default_problem_params(problem)["x_low"],
            default_problem_params(problem)["x_high"],
        )

    steps_param = Param("steps", DEFAULT_STEPS, 1, MAX_PAGE_STEPS, integer=True)
    steps = DEFAULT_STEPS
    if "steps" in raw:
        steps = _number(raw.pop("steps"), steps_param, "steps", DEFAULT_STEPS, warnings)

    schedule = _choice(raw.pop("schedule", None), SCHEDULES, "constant", "schedule", warnings)
    schedule_params = default_schedule_params(schedule)
    for p in SCHEDULES[schedule].params:
        key = f"schedule.{p.name}"
        if key in raw:
            schedule_params[p.name] = _number(raw.pop(key), p, key, schedule_params[p.name], warnings)

    start = None
    if "start" in raw:
        start = _parse_start(raw.pop("start"), warnings)

    batch_size = None
    if "batch" in raw:
        text = raw.pop("batch").strip().lower()
        n = problem_params.get("n")
        if text in ("", "full"):
            pass
        elif n is None:
            warnings.append(_warn("not_for_problem", name="batch", problem=problem))
        else:
            size = _number(text, Param("batch", n, 1, n, integer=True), "batch", n, warnings)
            batch_size = None if size >= n else size

    grad_noise = 0.0
    if "grad_noise" in raw:
        grad_noise = _number(raw.pop("grad_noise"), GRAD_NOISE, "grad_noise", 0.0, warnings)
    seed = 0
    if "seed" in raw:
        seed = _number(raw.pop("seed"), SEED_PARAM, "seed", 0, warnings)
    cursor = None
    if "cursor" in raw:
        text = raw.pop("cursor").strip().lower()
        if text not in ("", "end"):
            cursor = _number(text, Param("cursor", 0, 0, steps, integer=True), "cursor", steps, warnings)
            cursor = None if cursor >= steps else cursor

    skip = set(ignore)
    other_hparams = {p.name for o in OPTIMIZERS.values() for p in o.hparams}
    for name in raw:
        if name in skip or name.startswith("custom"):
            continue
        if name in other_hparams:
            warnings.append(_warn("not_for_optimizer", optimizer=opt.name, name=name))
        elif name.startswith("problem.") and name[8:] in {
            p.name for s in PROBLEMS.values() for p in s.params
        }:
            warnings.append(_warn("not_for_problem", name=name, problem=problem))
        else:
            warnings.append(_warn("unknown_key", name=name))

    config = PlaygroundConfig(
        optimizer=optimizer,
        hparams=hparams,
        problem=problem,
        problem_params=problem_params,
        steps=steps,
        start=start,
        schedule=schedule,
        schedule_params=schedule_params,
        batch_size=batch_size,
        grad_noise=grad_noise,
        seed=seed,
        cursor=cursor,
    )
    return config, warnings


def _parse_start(text: str, warnings: list[ParseWarning]) -> tuple[float, float] | None:
    parts = text.replace(";", ",").split(",")
    if len(parts) != 2:
        warnings.append(_warn("bad_start", value=text))
        return None
    out = []
    for part, name in zip(parts, ("start[0]", "start[1]")):
        before = len(warnings)
        value = _number(part, START_PARAM, name, math.nan, warnings)
        if math.isnan(value):
            del warnings[before:]
            warnings.append(_warn("bad_start", value=text))
            return None
        out.append(value)
    return (out[0], out[1])


# --- encoding ----------------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    """Shortest text that reads back to exactly ``x`` ('0.01', '1e-08', '3')."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def encode_playground(config: PlaygroundConfig) -> dict[str, str]:
    """Query parameters for ``config``: optimizer and all its hyperparameters always, the rest when not
    at their defaults. ``parse_playground`` reads them back to an equal configuration."""
    out = {"opt": config.optimizer}
    for name in OPTIMIZERS[config.optimizer].hparam_names:
        out[name] = _fmt(config.hparams[name])
    out["problem"] = config.problem
    defaults = default_problem_params(config.problem)
    for name, value in config.problem_params.items():
        if name in defaults and value != defaults[name]:
            out[f"problem.{name}"] = _fmt(value)
    out["steps"] = str(int(config.steps))
    if config.schedule != "constant":
        out["schedule"] = config.schedule
        sdefaults = default_schedule_params(config.schedule)
        for name, value in config.schedule_params.items():
            if name in sdefaults and value != sdefaults[name]:
                out[f"schedule.{name}"] = _fmt(value)
    if config.start is not None:
        out["start"] = f"{_fmt(config.start[0])},{_fmt(config.start[1])}"
    if config.batch_size is not None:
        out["batch"] = str(int(config.batch_size))
    if config.grad_noise:
        out["grad_noise"] = _fmt(config.grad_noise)
    if config.seed:
        out["seed"] = str(int(config.seed))
    if config.cursor is not None:
        out["cursor"] = str(int(config.cursor))
    return out


def playground_url(config: PlaygroundConfig) -> str:
    """Relative link that opens the Playground on ``config``, e.g. ``/?opt=adam&learning_rate=0.01&...``."""
    return "/?" + urlencode(encode_playground(config), safe=",")


def is_managed_key(name: str) -> bool:
    """True for query keys the Playground writes (so a page can drop stale ones)."""
    fixed = {
        "opt",
        "problem",
        "steps",
        "schedule",
        "start",
        "batch",
        "grad_noise",
        "seed",
        "cursor",
        LR_ALIAS,
    }
    hparams = {p.name for o in OPTIMIZERS.values() for p in o.hparams}
    return name in fixed or name in hparams or name.startswith(("problem.", "schedule."))


# --- from config to a run ----------------------------------------------------------------------------
def build_problem(config: PlaygroundConfig) -> Problem | None:
    """The registry problem of ``config`` (None for a custom one). Raises ValueError on bad parameters."""
    spec = PROBLEMS.get(config.problem)
    return spec(**config.problem_params) if spec else None


def run_kwargs(config: PlaygroundConfig) -> dict[str, Any]:
    """Keyword arguments of ``optviz.run`` (besides optimizer and problem) for ``config``."""
    return {
        "steps": config.steps,
        "start": config.start,
        "hparams": dict(config.hparams),
        "schedule": config.schedule,
        "schedule_params": dict(config.schedule_params),
        "batch_size": config.batch_size,
        "grad_noise": config.grad_noise,
        "seed": config.seed,
    }


def with_changes(config: PlaygroundConfig, **changes: Any) -> PlaygroundConfig:
    """A copy of ``config`` with fields replaced; switching optimizer resets its hyperparameters."""
    if "optimizer" in changes and "hparams" not in changes:
        changes["hparams"] = default_hparams(changes["optimizer"])
    if "problem" in changes and "problem_params" not in changes:
        changes["problem_params"] = default_problem_params(changes["problem"])
    if "schedule" in changes and "schedule_params" not in changes:
        changes["schedule_params"] = default_schedule_params(changes["schedule"])
    return replace(config, **changes)
