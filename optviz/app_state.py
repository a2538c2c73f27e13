"""Each page's configuration as plain values, and its URL form (a shared link reproduces it).

The Compare and Sweep pages (``CompareConfig``, ``SweepConfig``, at the end) reuse the Playground's
names and parser for the settings they share, and add their own keys.

A page state is a ``PlaygroundConfig``: optimizer and every hyperparameter, problem and its
parameters, run settings and the step cursor. ``parse_playground`` reads it from query parameters and
never raises: a bad value is clamped or replaced by its default, with a ``ParseWarning`` saying so.
``encode_playground`` / ``playground_url`` write it back, so ``parse(encode(c)) == c`` for any valid c.

URL names: ``opt``, each hyperparameter under its registry name (``learning_rate``, ``beta1``, ...;
``lr`` is accepted as an alias of ``learning_rate``), ``problem`` and ``problem.<name>``, ``steps``,
``schedule`` and ``schedule.<name>``, ``start=x,y``, ``batch``, ``grad_noise``, ``seed``, ``cursor``, and
two view settings: ``typed=1`` (controls are typed number entries) and ``coord=1`` (the worked step shows
the second coordinate).
Keys starting with ``custom`` belong to the bring-your-own-problem controls and are left alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from . import budget
from .compare import MAX_OPTIMIZERS, SCAN_POINTS, entry_optimizer, is_entry
from .nets.scenes import SCENES
from .optimizers import FAMILIES, MODIFIERS, OPTIMIZERS, get_optimizer
from .optimizers.modifiers import split_key
from .problems import PROBLEMS, Problem
from .schedules import SCHEDULES
from .settings import GRAD_NOISE, SEED, RunSettings, batch_param, steps_param
from .settings import MAX_PAGE_STEPS as MAX_PAGE_STEPS  # the pages' limit, read here by name
from .spec import Param

DEFAULT_OPTIMIZER = "adam"
DEFAULT_PROBLEM = "linear_regression"
#: Long enough that the seed's example (Adam at 0.01 on the regression) visibly arrives: after 1000 steps
#: its loss is 0.032 against a minimum of 0.0094 from 36 at the start, and the fitted line meets the data
#: (after 100 steps, the old default, the loss was still 17.8 and the line far below the points).
DEFAULT_STEPS = 1000
#: The Compare and Sweep pages keep 100 steps: they run several optimizers or a grid of hundreds of runs,
#: and ask which settings work rather than follow one journey (1000 would make a sweep ten times slower).
STUDY_STEPS = 100
#: The seed's example runs Adam at learning_rate 0.01 (the registry keeps torch's default, 1e-3).
PAGE_DEFAULTS: dict[str, float] = {"learning_rate": 0.01}
#: Adam and its variants that differ only in one switch start at the same learning rate (a fair race).
PAGE_DEFAULT_OPTIMIZERS = ("adam", "adamw", "amsgrad")
#: Scene defaults: learning rates that keep each optimizer's default run finite on a problem where its
#: registry default blows up within DEFAULT_STEPS (SGD at 0.01 diverges at step 3 on Rosenbrock, whose
#: curvature near (1, 1) is about 1000; Schedule-Free SGD's 1.0 is sized for normalised problems). Each
#: value is chosen on a 1-2-5 grid so the 1000-step run stays finite and still shows the optimizer's
#: character (SGD crawls along the banana valley; momentum and Nesterov reach (1, 1)). The saddle is
#: unbounded below: running off along y is its lesson, so it has no scene defaults.
PROBLEM_PAGE_DEFAULTS: dict[str, dict[str, dict[str, float]]] = {
    "rosenbrock": {
        "sgd": {"learning_rate": 2e-3},
        "momentum": {"learning_rate": 1e-3},
        "nesterov": {"learning_rate": 1e-3},
        "sf_sgd": {"learning_rate": 5e-3},
    },
    "beale": {"sf_sgd": {"learning_rate": 0.05}},
    # L-BFGS's full step (1.0) without a line search overshoots into Himmelblau's steep rim at step 101
    "himmelblau": {"sf_sgd": {"learning_rate": 0.1}, "lbfgs": {"learning_rate": 0.5}},
    "booth": {"sf_sgd": {"learning_rate": 0.1}},
}
#: Start coordinates are limited to this box.
START_LIMIT = 1e3
#: Query values longer than this are ignored (nobody types a 65-digit number).
MAX_VALUE_CHARS = 64
#: Problems a user brings: a typed formula or an uploaded CSV (controls in webui/custom_problem.py).
CUSTOM_PROBLEMS: dict[str, str] = {"custom_formula": "formula", "custom_csv": "csv"}
#: Query keys owned by the app shell (language, presentation mode), never reported as unknown.
GLOBAL_KEYS = ("lang", "present")
LR_ALIAS = "lr"
SEED_PARAM = SEED  # the run settings' limits live in optviz.settings (MAX_PAGE_STEPS, GRAD_NOISE too)
COORD_PARAM = Param("coord", 0, 0, 1, "linear", "Coordinate shown in the worked step.", integer=True)
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
    typed: bool = False  # view: controls are typed number entries instead of sliders
    coord: int = 0  # view: the coordinate (0 or 1) the worked step ("this step, by hand") shows

    @property
    def is_custom(self) -> bool:
        """True for a bring-your-own problem (formula or CSV)."""
        return self.problem in CUSTOM_PROBLEMS

    @property
    def settings(self) -> RunSettings:
        """The run settings (steps, start, schedule, minibatch, noise, seed) as one value."""
        return RunSettings(
            self.steps, self.start, self.schedule, self.schedule_params, self.batch_size, self.grad_noise,
            self.seed,
        )  # fmt: skip

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
    "over_budget": "{steps} steps would cost about {seconds} s of computing; using {allowed} steps "
    "(a page may cost about {budget} s).",
    "res_over_budget": "A {res} x {res} grid on this network would cost about {seconds} s for {steps} steps; "
    "using {allowed} x {allowed} (a page may cost about {budget} s).",
}


def budget_steps(
    steps: int,
    n: int | None,
    batch_size: int | None,
    load: Mapping[str, Any] | None = None,
    formula_nodes: int = 0,
    optimizers: Sequence[str] = (),
) -> tuple[int, ParseWarning | None]:
    """``steps`` cut to the work budget of one page view (``load``: keywords of ``budget.page_load``,
    default the Playground's one run; ``optimizers``: keys the view also runs, whose cost counts when it
    is higher than the load's), and the warning saying so (None when they fit)."""
    kw = dict(load) if load is not None else budget.page_load("playground")
    if optimizers:
        kw = budget.with_optimizers(kw, optimizers)
    clamp = budget.check(int(steps), batch_size=batch_size, n=n, formula_nodes=formula_nodes, **kw)
    if clamp is None:
        return steps, None
    return clamp.allowed, ParseWarning("over_budget", WARNING_TEXTS["over_budget"], **clamp.fields)


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _warn(code: str, **fields: Any) -> ParseWarning:
    return ParseWarning(code, WARNING_TEXTS[code], **fields)


# --- defaults ----------------------------------------------------------------------------------------
def default_hparams(optimizer: str, problem: str | None = None) -> dict[str, float]:
    """Registry defaults of ``optimizer``, with the page's own defaults for Adam and its twins, and the
    scene defaults of ``problem`` (``PROBLEM_PAGE_DEFAULTS``) when it has any for this optimizer."""
    values = dict(OPTIMIZERS[optimizer].defaults)
    base = split_key(optimizer)[1]  # a modifier chain keeps its optimizer's page defaults
    if base in PAGE_DEFAULT_OPTIMIZERS:
        values.update({k: v for k, v in PAGE_DEFAULTS.items() if k in values})
    scene = PROBLEM_PAGE_DEFAULTS.get(problem or "", {}).get(base, {})
    values.update({k: v for k, v in scene.items() if k in values})
    return values


def carried_learning_rate(old: str, new: str, value: Any, problem: str | None = None) -> float | None:
    """The learning rate an optimizer switch from ``old`` (set to ``value``) to ``new`` gives ``new``, or
    None when ``new`` keeps its own: comparing two optimizers changes one thing at a time, but an
    untouched page default is not a choice (Adam's 0.01 would make SGD diverge on Rosenbrock), and a
    rate outside ``new``'s range is not carried."""
    if old not in OPTIMIZERS or new not in OPTIMIZERS or old == new:
        return None
    param = {p.name: p for p in OPTIMIZERS[new].hparams}.get("learning_rate")
    if param is None or not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if value == default_hparams(old, problem).get("learning_rate") or not param.low <= value <= param.high:
        return None
    return float(value)


def hparam_names() -> set[str]:
    """Every hyperparameter name a link may carry: the optimizers' and the modifiers' ('lookahead.k')."""
    return {p.name for o in OPTIMIZERS.values() for p in o.hparams} | {
        m.hparam(p.name) for m in MODIFIERS.values() for p in m.hparams
    }


def _optimizer_choice(raw: str | None, warnings: list) -> str:
    """An optimizer key or a modifier chain ('lookahead-adam'), else the default with a warning."""
    if raw is None:
        return DEFAULT_OPTIMIZER
    key = raw.strip().lower()
    if key in OPTIMIZERS:  # composite keys resolve on lookup
        return key
    warnings.append(_warn("unknown_choice", what="optimizer", value=raw, fallback=DEFAULT_OPTIMIZER))
    return DEFAULT_OPTIMIZER


def default_problem_params(problem: str) -> dict[str, float]:
    """Declared defaults of a registry problem (empty for a custom one)."""
    spec = PROBLEMS.get(problem)
    return {p.name: _as_declared(p, p.default) for p in spec.params} if spec else {}


def default_schedule_params(schedule: str) -> dict[str, float]:
    return {p.name: _as_declared(p, p.default) for p in SCHEDULES[schedule].params}


def default_config(
    optimizer: str = DEFAULT_OPTIMIZER, problem: str = DEFAULT_PROBLEM, steps: int = DEFAULT_STEPS
) -> PlaygroundConfig:
    """The page's starting state: the seed's example (Adam, lr 0.01, linear regression, 1000 steps)."""
    return PlaygroundConfig(
        optimizer=optimizer,
        steps=steps,
        hparams=default_hparams(optimizer, problem),
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


def query_texts(
    params: Mapping[str, Any], warnings: list[ParseWarning], skip: Callable[[str], bool] = lambda name: False
) -> dict[str, str]:
    """One text per query parameter (``_single``: the last of repeated values, over-long ones dropped with
    a warning), leaving out names ``skip`` says and anything that is not a mapping of string names."""
    try:
        items = list(params.items())
    except Exception:  # not a mapping at all
        items = []
    raw: dict[str, str] = {}
    for name, value in items:
        if isinstance(name, str) and not skip(name):
            text = _single(value, name, warnings)
            if text is not None:
                raw[name] = text
    return raw


def parse_playground(
    params: Mapping[str, str | list[str]],
    ignore: Iterable[str] = GLOBAL_KEYS,
    load: Mapping[str, Any] | None = None,
    default_steps: int = DEFAULT_STEPS,
) -> tuple[PlaygroundConfig, list[ParseWarning]]:
    """A valid configuration from query parameters, plus a warning for everything that was fixed.

    Never raises: unknown names are ignored, bad numbers fall back to defaults, out-of-range numbers
    are clamped, repeated keys use their last value, over-long values are ignored. Steps are clamped
    to the work budget (``optviz.budget``) of the page's ``load`` (runs and sweeps per view; default
    the Playground's single run).
    """
    warnings: list[ParseWarning] = []
    # the custom-problem controls check their own values (a formula may have formula.MAX_LENGTH = 300
    # characters, more than MAX_VALUE_CHARS)
    raw = query_texts(params, warnings, skip=lambda name: name.startswith("custom"))
    if LR_ALIAS in raw:
        alias = raw.pop(LR_ALIAS)
        raw.setdefault("learning_rate", alias)

    optimizer = _optimizer_choice(raw.pop("opt", None), warnings)
    problem = _choice(raw.pop("problem", None), problem_choices(), DEFAULT_PROBLEM, "problem", warnings)
    opt = OPTIMIZERS[optimizer]
    hparams = default_hparams(optimizer, problem)
    for p in opt.hparams:
        if p.name in raw:
            hparams[p.name] = _number(raw.pop(p.name), p, p.name, hparams[p.name], warnings)

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

    steps_limits = steps_param(default_steps)
    steps = default_steps
    if "steps" in raw:
        steps = _number(raw.pop("steps"), steps_limits, "steps", default_steps, warnings)

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
            size = _number(text, batch_param(n), "batch", n, warnings)
            batch_size = None if size >= n else size

    steps, over = budget_steps(steps, problem_params.get("n"), batch_size, load, optimizers=[optimizer])
    if over is not None:
        warnings.append(over)

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
    typed = _flag(raw.pop("typed", None), "typed", warnings)
    coord = 0
    if "coord" in raw:
        coord = _number(raw.pop("coord"), COORD_PARAM, "coord", 0, warnings)

    skip = set(ignore)
    other_hparams = hparam_names()
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
        typed=typed,
        coord=coord,
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
    if config.typed:
        out["typed"] = "1"
    if config.coord:
        out["coord"] = str(int(config.coord))
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
        "typed",
        "coord",
        LR_ALIAS,
    }
    return name in fixed or name in hparam_names() or name.startswith(("problem.", "schedule."))


# --- from config to a run ----------------------------------------------------------------------------
def build_problem(config: PlaygroundConfig) -> Problem | None:
    """The registry problem of ``config`` (None for a custom one). Raises ValueError on bad parameters."""
    spec = PROBLEMS.get(config.problem)
    return spec(**config.problem_params) if spec else None


def run_kwargs(config: PlaygroundConfig) -> dict[str, Any]:
    """Keyword arguments of ``optviz.run`` (besides optimizer and problem) for ``config``."""
    return {**config.settings.kwargs(), "hparams": dict(config.hparams)}


def with_changes(config: PlaygroundConfig, **changes: Any) -> PlaygroundConfig:
    """A copy of ``config`` with fields replaced; switching optimizer resets its hyperparameters."""
    if "optimizer" in changes and "hparams" not in changes:
        changes["hparams"] = default_hparams(changes["optimizer"], changes.get("problem", config.problem))
    if "problem" in changes and "problem_params" not in changes:
        changes["problem_params"] = default_problem_params(changes["problem"])
    if "schedule" in changes and "schedule_params" not in changes:
        changes["schedule_params"] = default_schedule_params(changes["schedule"])
    return replace(config, **changes)


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
#: A network sweep's grid is made smaller (``res``) until this many steps (or the asked steps, when
#: fewer) fit the page's work budget; then the steps are cut as on the 2-D problems.
NET_SWEEP_MIN_STEPS = STUDY_STEPS
#: On a network no sensitivity scan runs unless asked for: four scans of 31 learning rates are 124
#: networks, more than a 10 x 10 grid, and would take the grid's budget.
NET_SENSITIVITY_DEFAULTS: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompareConfig:
    """Everything the Compare page shows: the optimizers with their hyperparameters, shared settings."""

    optimizers: tuple[str, ...]
    hparams: Mapping[str, Mapping[str, float]]  # complete, for every optimizer in ``optimizers``
    base: Any  # PlaygroundConfig: problem and run settings (its optimizer is unused)
    fair: bool = False


@dataclass(frozen=True)
class SweepConfig:
    """Everything the Sweep page shows: ``base`` holds the optimizer, its fixed hyperparameters and
    the run settings; ``x``/``y`` are the swept hyperparameters with their ranges."""

    base: Any  # PlaygroundConfig
    x: str
    y: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int = DEFAULT_RESOLUTION
    metric: str = "final_loss"
    sensitivity: tuple[str, ...] = SENSITIVITY_DEFAULTS
    #: For a network scene (``base.problem`` a key of ``optviz.nets.scenes.SCENES``): every control's
    #: value (``base.problem_params`` is then empty and ``base.start`` None).
    scene_values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_network(self) -> bool:
        """True when the sweep trains a network scene rather than a 2-D problem."""
        return self.base.problem in SCENES


def default_range(optimizer: str, name: str) -> tuple[float, float]:
    """A sweep range that shows the interesting regimes of a hyperparameter around its default:
    three decades either side on a log scale, 0.9/0.99-style decades for log1m, the full range else."""
    p = get_optimizer(optimizer).param(name)
    centre = default_hparams(optimizer).get(name, p.default)
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
            warnings.append(ParseWarning("repeated", WARNING_TEXTS["repeated"], name=name, count=len(raw)))
        raw = raw[-1]
    text = None if raw is None else str(raw)
    if text is not None and len(text) > 400:
        warnings.append(ParseWarning("too_long", WARNING_TEXTS["too_long"], name=name))
        return None
    return text


def _warn(code: str, **fields: Any):
    return ParseWarning(code, WARNING_TEXTS[code], **fields)


def _keys_list(
    text: str | None,
    name: str,
    fallback: Sequence[str],
    warnings: list,
    limit: int,
    valid: Any = OPTIMIZERS.__contains__,
) -> tuple[str, ...]:
    """Comma-separated optimizer keys (or what ``valid`` accepts): unknown ones dropped (warned),
    duplicates merged, at most ``limit``."""
    if text is None:
        return tuple(fallback)
    out: list[str] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if not valid(part):
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
    if "name" not in w.fields or w.code not in WARNING_TEXTS:
        return w
    return ParseWarning(w.code, WARNING_TEXTS[w.code], **{**w.fields, "name": f"{prefix}.{w.fields['name']}"})


def _optimizer_hparams(key: str, raw: Mapping[str, str], warnings: list, problem: str) -> dict[str, float]:
    """``key.<name>`` query values of one optimizer, parsed and clamped like the Playground's; the rest
    are ``problem``'s page defaults (``default_hparams``)."""
    sub = {name[len(key) + 1 :]: value for name, value in raw.items() if name.startswith(key + ".")}
    cfg, found = parse_playground({"opt": entry_optimizer(key), "problem": problem, **sub}, ignore=())
    warnings.extend(_prefixed(w, key) for w in found)
    return dict(cfg.hparams)


def _is_optimizer_key(name: str) -> bool:
    return "." in name and is_entry(name.split(".", 1)[0])


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
    # an entry is an optimizer or a copy of one with other settings ('adam~2', optviz.compare.entry)
    optimizers = _keys_list(
        mine.pop("opts", None), "opts", COMPARE_DEFAULTS, warnings, MAX_OPTIMIZERS, is_entry
    )
    if not optimizers:
        optimizers = COMPARE_DEFAULTS
    fair = _flag(mine.pop("fair", None), "fair", warnings)
    load = compare_load(optimizers, fair)
    base, found = parse_playground(rest, load=load, default_steps=STUDY_STEPS)
    warnings.extend(found)
    base = replace(base, typed=False, coord=0)  # the Playground's view settings
    if base.is_custom:
        warnings.append(_warn("unknown_choice", what="problem", value=base.problem, fallback=DEFAULT_PROBLEM))
        base = with_changes(base, problem=DEFAULT_PROBLEM, start=None, batch_size=None)
    hparams = {key: _optimizer_hparams(key, mine, warnings, base.problem) for key in optimizers}
    for name in mine:
        if name.split(".", 1)[0] not in optimizers:
            warnings.append(_warn("unknown_key", name=name))
    return CompareConfig(optimizers=optimizers, hparams=hparams, base=base, fair=fair), warnings


def compare_load(entries: Sequence[str], fair: bool) -> dict[str, Any]:
    """The runs and scans of one Compare view (keywords of ``budget.work``), at its costliest entry's
    cost."""
    load = budget.page_load("compare", optimizers=len(entries), fair=fair, scan_points=SCAN_POINTS)
    return load | {"cost": budget.optimizer_load([entry_optimizer(e) for e in entries])["cost"]}


def sweep_load(resolution: int, sensitivity: Sequence[str]) -> dict[str, Any]:
    """The grid and sensitivity scans of one Sweep view (keywords of ``budget.work``), at the cost of
    its costliest sensitivity optimizer (the grid's own optimizer is added by ``budget_steps``)."""
    load = budget.page_load(
        "sweep", configurations=resolution * resolution, scans=len(sensitivity), scan_points=SCAN_POINTS
    )
    return load | {"cost": budget.optimizer_load(sensitivity)["cost"]}


def _shared(base: Any) -> dict[str, str]:
    """The Playground's encoding of ``base`` without its optimizer and hyperparameters."""
    out = encode_playground(base)
    drop = {"opt", *get_optimizer(base.optimizer).hparam_names}
    return {k: v for k, v in out.items() if k not in drop}


def encode_compare(config: CompareConfig) -> dict[str, str]:
    """Query parameters for ``config``; ``parse_compare`` reads them back to an equal configuration.
    Hyperparameters appear as ``<optimizer>.<name>`` only where they differ from the page default (the
    problem's, as on the Playground)."""
    out = {"opts": ",".join(config.optimizers)}
    for key in config.optimizers:
        defaults = default_hparams(entry_optimizer(key), config.base.problem)
        for name, value in config.hparams.get(key, {}).items():
            if name in defaults and float(value) != float(defaults[name]):
                out[f"{key}.{name}"] = _fmt(value)
    if config.fair:
        out["fair"] = "1"
    out.update(_shared(config.base))
    return out


def is_compare_key(name: str) -> bool:
    """True for query keys the Compare page writes (so stale ones can be dropped)."""
    return name in COMPARE_KEYS or _is_optimizer_key(name) or (is_managed_key(name) and name != "cursor")


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
    lo = _number(parts[0], param, f"{name} range", fallback[0], warnings)
    hi = _number(parts[1], param, f"{name} range", fallback[1], warnings)
    if not lo < hi:
        warnings.append(
            _warn(
                "not_a_number", name=f"{name} range", value=text, fallback=f"{fallback[0]:g},{fallback[1]:g}"
            )
        )
        return fallback
    return float(lo), float(hi)


def _scene_params(rest: dict, warnings: list) -> tuple[str | None, dict[str, str]]:
    """The network scene a link asks for (``problem=<scene key>``, None for a 2-D problem) and its
    scene-only keys (``scene.<control>``, ``batch``), taken out of ``rest``; for a scene, the 2-D
    problems' ``start`` and ``problem.<name>`` are dropped with a warning."""
    from .network_state import SCENE_PREFIX

    text = rest.get("problem")
    scene = None
    if text is not None:
        shown = _one(text, "problem", [])
        if shown is not None and shown.strip().lower() in SCENES:
            scene = shown.strip().lower()
            _one(rest.pop("problem"), "problem", warnings)  # warns once about repeats
    own: dict[str, str] = {}
    for name in [n for n in rest if n.startswith(SCENE_PREFIX) or (scene and n == "batch")]:
        value = _one(rest.pop(name), name, warnings)
        if value is not None:
            own[name] = value
    if scene is not None:
        for name in [n for n in rest if n == "start" or n.startswith("problem.")]:
            del rest[name]
            warnings.append(_warn("not_for_problem", name=name, problem=scene))
    elif own:
        for name in own:
            warnings.append(_warn("unknown_key", name=name))
        own = {}
    return scene, own


def parse_sweep(params: Mapping[str, Any]) -> tuple[SweepConfig, list]:
    """The Sweep page's state from query parameters, plus a warning for everything that was fixed.

    ``problem`` may name a network scene (``problem=classifier``); its controls are ``scene.<name>``
    as on the Networks page (``scene.hidden=16-16&scene.n=500``), its minibatch ``batch``; the grid's
    resolution and then its steps are cut to the work budget (``sweep_budget``)."""
    warnings: list = []
    mine, rest = _split(params, SWEEP_KEYS, warnings)
    for name in [n for n in mine if n not in SWEEP_KEYS]:  # 'adam.beta1' style keys belong to Compare
        warnings.append(_warn("unknown_key", name=name))
        del mine[name]
    res_param = Param("res", DEFAULT_RESOLUTION, 2, MAX_RESOLUTION, integer=True)
    res = DEFAULT_RESOLUTION
    if "res" in mine:
        res = int(_number(mine["res"], res_param, "res", DEFAULT_RESOLUTION, warnings))
    scene, scene_raw = _scene_params(rest, warnings)
    sens_defaults = SENSITIVITY_DEFAULTS if scene is None else NET_SENSITIVITY_DEFAULTS
    sens = _keys_list(mine.get("sens"), "sens", sens_defaults, warnings, MAX_OPTIMIZERS)
    # a network's budget needs its scene: counted below (no work counted here: never clamps)
    load = sweep_load(res, sens) if scene is None else {"runs": 0, "sweeps": ()}
    base, found = parse_playground(rest, load=load, default_steps=STUDY_STEPS)
    warnings.extend(found)
    base = replace(base, typed=False, coord=0)  # the Playground's view settings
    values: dict[str, Any] = {}
    if scene is not None:
        values, batch_size = _scene_settings(scene, scene_raw, warnings)
        base = replace(base, problem=scene, problem_params={}, start=None, batch_size=batch_size)
    if base.is_custom:
        warnings.append(_warn("unknown_choice", what="problem", value=base.problem, fallback=DEFAULT_PROBLEM))
        base = with_changes(base, problem=DEFAULT_PROBLEM, start=None, batch_size=None)
    opt = get_optimizer(base.optimizer)
    dx, dy = default_axes(opt.key)
    x = _choose(mine.get("x"), opt.hparam_names, dx, "hyperparameter", warnings)
    y = _choose(mine.get("y"), opt.hparam_names, dy if dy != x else dx, "hyperparameter", warnings)
    if x == y:
        other = next(n for n in opt.hparam_names if n != x)
        warnings.append(_warn("unknown_choice", what="hyperparameter", value=y, fallback=other))
        y = other
    metric = _choose(mine.get("metric"), SWEEP_METRICS, "final_loss", "metric", warnings)
    config = SweepConfig(
        base=base, x=x, y=y,
        x_range=_range(mine.get("x_range"), opt.key, x, warnings),
        y_range=_range(mine.get("y_range"), opt.key, y, warnings),
        resolution=res, metric=metric, sensitivity=sens, scene_values=values,
    )  # fmt: skip
    if config.is_network:
        config, over = sweep_budget(config)
        warnings.extend(over)
    return config, warnings


def _scene_settings(scene: str, raw: dict[str, str], warnings: list) -> tuple[dict[str, Any], int | None]:
    """A scene's control values and minibatch size from its own query values (``_scene_params``)."""
    from .network_state import data_points, parse_scene_values

    spec = SCENES[scene]
    values = parse_scene_values(spec, raw, warnings)
    batch_size = None
    text = raw.pop("batch", None)
    n = data_points(spec, values)
    if text is not None and text.strip().lower() not in ("", "full"):
        if n is None:
            warnings.append(_warn("not_for_problem", name="batch", problem=scene))
        else:
            size = int(_number(text, batch_param(n), "batch", n, warnings))
            batch_size = None if size >= n else size
    for name in raw:  # a control this scene does not declare
        warnings.append(_warn("not_for_problem", name=name, problem=scene))
    return values, batch_size


def network_sweep_load(config: SweepConfig, resolution: int | None = None) -> dict[str, Any]:
    """The grid and sensitivity scans of one Sweep view on a network scene, as keywords of
    ``budget.work``: each configuration's gradient, loss and update on the network
    (``optviz.nets.scenes.sweep_config_units``, for the costliest of the grid's and the scans'
    optimizers), the gradient's fixed cost once per sweep step, and the minibatch sampler's points."""
    from .nets.scenes import NET_STEP, sweep_config_units
    from .network_state import data_points, scene_problem

    base = config.base
    res = config.resolution if resolution is None else resolution
    optimizers = [base.optimizer, *config.sensitivity]
    problem = scene_problem(base.problem, config.scene_values)
    load = budget.page_load(
        "sweep", configurations=res * res, scans=len(config.sensitivity), scan_points=SCAN_POINTS
    )
    return load | {
        "cost": budget.optimizer_load(optimizers)["cost"],
        "sweep_units": NET_STEP,
        "config_units": sweep_config_units(problem, base.batch_size, optimizers),
        "batch_size": base.batch_size,
        "n": data_points(SCENES[base.problem], config.scene_values),
    }


def sweep_budget(config: SweepConfig) -> tuple[SweepConfig, list]:
    """``config`` cut to one view's work budget, with a ``ParseWarning`` per cut. On a 2-D problem the
    steps are cut (``budget_steps``). On a network the grid comes first: its resolution is lowered
    until ``NET_SWEEP_MIN_STEPS`` steps (or the asked steps, when fewer) fit, so no link can ask for
    40,000 networks at once; then the steps are cut to what fits at that resolution."""
    base, warnings = config.base, []
    if not config.is_network:
        steps, over = budget_steps(
            base.steps, base.problem_params.get("n"), base.batch_size,
            sweep_load(config.resolution, config.sensitivity), optimizers=[base.optimizer],
        )  # fmt: skip
        if over is not None:
            warnings.append(over)
            config = replace(config, base=replace(base, steps=steps))
        return config, warnings
    probe = min(int(base.steps), NET_SWEEP_MIN_STEPS)
    res = int(config.resolution)
    if budget.work(probe, **network_sweep_load(config, res)) > budget.WORK_BUDGET:
        asked = budget.seconds(budget.work(probe, **network_sweep_load(config, res)))
        while res > 2 and budget.work(probe, **network_sweep_load(config, res)) > budget.WORK_BUDGET:
            res -= 1
        warnings.append(
            _warn(
                "res_over_budget", res=config.resolution, seconds=f"{asked:.3g}", steps=probe, allowed=res,
                budget=f"{budget.seconds(budget.WORK_BUDGET):g}",
            )
        )  # fmt: skip
        config = replace(config, resolution=res)
    clamp = budget.check(int(base.steps), **network_sweep_load(config))
    if clamp is not None:
        warnings.append(ParseWarning("over_budget", WARNING_TEXTS["over_budget"], **clamp.fields))
        config = replace(config, base=replace(base, steps=clamp.allowed))
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
    out = {k: v for k, v in encode_playground(config.base).items() if k not in (config.x, config.y)}
    if config.is_network:
        from .network_state import encode_scene_values

        out.update(encode_scene_values(SCENES[config.base.problem], config.scene_values))
    out.update(
        x=config.x,
        y=config.y,
        x_range=f"{_fmt(config.x_range[0])},{_fmt(config.x_range[1])}",
        y_range=f"{_fmt(config.y_range[0])},{_fmt(config.y_range[1])}",
        res=str(int(config.resolution)),
        metric=config.metric,
        sens=",".join(config.sensitivity),
    )
    return out


def is_sweep_key(name: str) -> bool:
    """True for query keys the Sweep page writes."""
    return name in SWEEP_KEYS or name.startswith("scene.") or (is_managed_key(name) and name != "cursor")


def cell_config(config: SweepConfig, hparams: Mapping[str, float]) -> Any:
    """The Playground configuration of one sweep cell: the base with the cell's full hyperparameters."""
    return with_changes(config.base, hparams={**config.base.hparams, **hparams}, cursor=None)


def network_cell(config: SweepConfig, hparams: Mapping[str, float]) -> tuple[Any, dict[str, str]]:
    """The Networks page configuration of one cell of a network sweep (its scene, control values,
    minibatch and seed; the optimizer at the cell's learning rate), and what that page cannot carry,
    as ``{name: value}`` text for a caption (numbers to 6 digits): it runs every other hyperparameter at the registry default, with no
    modifier, a constant schedule, no gradient noise and at most ``MAX_NET_STEPS`` steps."""
    from .network_state import MAX_NET_STEPS, NetworkConfig

    base = config.base
    modifiers, key = split_key(base.optimizer)
    values = {**base.hparams, **hparams}
    defaults = get_optimizer(key).defaults
    dropped = {m: "on" for m in modifiers}
    dropped.update(
        {
            n: f"{v:.6g}"
            for n, v in values.items()
            if n != "learning_rate" and float(v) != float(defaults.get(n, v))
        }
    )
    if base.schedule != "constant":
        dropped["schedule"] = base.schedule
    if base.grad_noise:
        dropped["grad_noise"] = f"{base.grad_noise:.6g}"
    if base.steps > MAX_NET_STEPS:
        dropped["steps"] = str(int(base.steps))
    net = NetworkConfig(
        scene=base.problem, scene_values=dict(config.scene_values), optimizers=(key,),
        learning_rates={key: float(values["learning_rate"])}, steps=min(int(base.steps), MAX_NET_STEPS),
        batch_size=base.batch_size, seed=int(base.seed), focus=key,
    )  # fmt: skip
    return net, dropped
