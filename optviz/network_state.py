"""The Networks page's configuration as plain values, and its URL form (a shared link reproduces it).

URL names: ``scene`` and ``scene.<control>`` (the scene's declared choices and numbers, at their
defaults when absent), ``opts`` (1 to 3 optimizer keys), ``<optimizer>.learning_rate``, ``steps``,
``batch`` (minibatch size; absent: the full batch), ``seed`` (of the minibatches), ``plane``
(``pca`` or ``random``), ``focus`` (the optimizer the boundary and per-block views show) and
``cursor``. ``parse_networks`` never raises: a bad value is clamped or replaced by its default, with
a ``ParseWarning`` (optviz.app_state's, so the page translates it like every other) saying so;
``encode_networks`` writes the configuration back and ``parse(encode(c)) == c`` for any valid c.
Steps are cut to the work budget of one view (``optviz.budget``, with the network's own step cost).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from . import budget
from .app_state import WARNING_TEXTS, ParseWarning, _fmt, _number, query_texts
from .nets.base import NetworkProblem
from .nets.scenes import MAX_NET_OPTIMIZERS, SCENES, Scene, step_units, view_units
from .optimizers import OPTIMIZERS, get_optimizer
from .plots.networks import BOUNDARY_FRAMES, BOUNDARY_RESOLUTION, PATH_POINTS, SLICE_RESOLUTION
from .settings import SEED, batch_param, steps_param
from .spec import Param

DEFAULT_SCENE = "classifier"
#: Long enough for the 8-8 MLP to separate the circle (Adam at 0.03: 98% train accuracy by step 200).
DEFAULT_NET_STEPS = 300
#: The most steps the page offers (the budget may allow fewer for a big network on many points).
MAX_NET_STEPS = 3000
PLANES = ("pca", "random")
STEPS_PARAM = steps_param(DEFAULT_NET_STEPS, MAX_NET_STEPS)
#: Query keys of a scene's controls start with this ('scene.hidden=16-16'), on every page.
SCENE_PREFIX = "scene."
NETWORK_KEYS = ("scene", "opts", "steps", "batch", "seed", "plane", "focus", "cursor")


@dataclass(frozen=True)
class NetworkConfig:
    """Everything the Networks page shows. Values are complete and valid."""

    scene: str = DEFAULT_SCENE
    scene_values: Mapping[str, str | float] = field(default_factory=dict)  # every declared control
    optimizers: tuple[str, ...] = ()
    learning_rates: Mapping[str, float] = field(default_factory=dict)  # one per optimizer
    steps: int = DEFAULT_NET_STEPS
    batch_size: int | None = None  # None: the full batch
    seed: int = 0
    plane: str = "pca"
    focus: str = ""  # one of ``optimizers``
    cursor: int | None = None  # None: the last step

    def hparams(self, key: str) -> dict[str, float]:
        """Every hyperparameter of optimizer ``key``: registry defaults and this learning rate."""
        return {**get_optimizer(key).defaults, "learning_rate": float(self.learning_rates[key])}

    def key(self) -> tuple:
        """The run-defining values as plain hashable values (a cache key)."""
        return (
            self.scene,
            tuple(sorted((k, v) for k, v in self.scene_values.items())),
            tuple((k, float(self.learning_rates[k])) for k in self.optimizers),
            int(self.steps),
            self.batch_size,
            int(self.seed),
        )


def default_network_config(scene: str = DEFAULT_SCENE) -> NetworkConfig:
    """The page's starting state: the scene's defaults, its default optimizers at its learning rates."""
    s = SCENES[scene]
    opts = s.default_optimizers
    return NetworkConfig(
        scene=scene,
        scene_values=s.defaults,
        optimizers=opts,
        learning_rates={k: s.default_hparams(k)["learning_rate"] for k in opts},
        focus=opts[-1],
    )


def network_config(lesson: Any) -> NetworkConfig:
    """The page state that shows a "networks" lesson (optviz.lessons): its scene and control values, its
    optimizers at their learning rates (the scene's where the lesson names none), its run settings."""
    scene = SCENES[lesson.problem]
    opts = tuple(lesson.optimizers)
    rates = {
        k: float(lesson.setups[k].get("learning_rate", scene.default_hparams(k)["learning_rate"]))
        for k in opts
    }
    return NetworkConfig(
        scene=lesson.problem,
        scene_values=scene.values(lesson.problem_params),
        optimizers=opts,
        learning_rates=rates,
        steps=int(lesson.steps),
        batch_size=lesson.batch_size,
        seed=int(lesson.seed),
        focus=opts[-1],
    )


@lru_cache(maxsize=16)
def _scene_problem(scene: str, values: tuple) -> NetworkProblem:
    return SCENES[scene](**dict(values))


def scene_problem(scene: str, values: Mapping[str, Any]) -> NetworkProblem:
    """The problem of ``scene`` with control ``values``, built once per set of values (problems are
    never changed after construction; the regression's least-squares solve is not free)."""
    return _scene_problem(scene, tuple(sorted(values.items())))


def data_points(scene: Scene, values: Mapping[str, Any]) -> int | None:
    """The training points a minibatch is drawn from (None when the scene has no data)."""
    problem = scene_problem(scene.key, values)
    n = getattr(problem, "n", None)
    return None if n is None else int(n)


def network_load(
    scene: str, values: Mapping[str, Any], optimizers: Sequence[str], batch_size: int | None
) -> dict:
    """One view's work as keywords of ``budget.work``: a run per optimizer at the network's step cost
    (and the costliest optimizer's cost per layout block), plus the slice and the boundary frames
    (which do not grow with the steps)."""
    problem = scene_problem(scene, values)
    boundary = BOUNDARY_RESOLUTION**2 * BOUNDARY_FRAMES if SCENES[scene].kind == "classifier" else 0
    # each recorded step is drawn in the curves with up to three more evaluations (test loss, train and
    # test accuracy: at most MAX_POINTS of them, counted per step as an upper bound)
    curves = view_units(problem, 3, 0)
    return {
        **budget.optimizer_load(optimizers, blocks=len(problem.layout.blocks)),
        "runs": len(optimizers),
        "sweeps": (),
        "step_units": step_units(problem, batch_size) + curves,
        "fixed": view_units(problem, SLICE_RESOLUTION**2 + len(optimizers) * PATH_POINTS, boundary),
    }


def budget_net_steps(config: NetworkConfig) -> tuple[int, ParseWarning | None]:
    """``config.steps`` cut to one view's work budget, and the warning saying so (None when they fit)."""
    n = data_points(SCENES[config.scene], config.scene_values)
    load = network_load(config.scene, config.scene_values, config.optimizers, config.batch_size)
    clamp = budget.check(int(config.steps), batch_size=config.batch_size, n=n, **load)
    if clamp is None:
        return config.steps, None
    return clamp.allowed, ParseWarning("over_budget", WARNING_TEXTS["over_budget"], **clamp.fields)


def _warn(code: str, **fields: Any) -> ParseWarning:
    return ParseWarning(code, WARNING_TEXTS[code], **fields)


def _choice(raw: str | None, allowed, fallback: str, what: str, warnings: list) -> str:
    if raw is None:
        return fallback
    if raw.strip() in allowed:
        return raw.strip()
    warnings.append(_warn("unknown_choice", what=what, value=raw, fallback=fallback))
    return fallback


def parse_networks(
    params: Mapping[str, Any], ignore: tuple[str, ...] = ("lang", "present")
) -> tuple[NetworkConfig, list[ParseWarning]]:
    """A valid configuration from query parameters, plus a warning for everything that was fixed."""
    warnings: list[ParseWarning] = []
    raw = query_texts(params, warnings, skip=ignore.__contains__)

    scene_key = _choice(raw.pop("scene", None), SCENES, DEFAULT_SCENE, "scene", warnings)
    scene = SCENES[scene_key]
    values = parse_scene_values(scene, raw, warnings)

    optimizers: list[str] = []
    for part in (raw.pop("opts", None) or ",".join(scene.default_optimizers)).split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part not in OPTIMIZERS:
            warnings.append(_warn("unknown_key", name=f"opts={part}"))
        elif part not in optimizers:
            optimizers.append(part)
    if len(optimizers) > MAX_NET_OPTIMIZERS:
        warnings.append(_warn("unknown_key", name=f"opts: {','.join(optimizers[MAX_NET_OPTIMIZERS:])}"))
        optimizers = optimizers[:MAX_NET_OPTIMIZERS]
    if not optimizers:
        optimizers = list(scene.default_optimizers)
    rates = {}
    for key in optimizers:
        lr = scene.default_hparams(key)["learning_rate"]
        name = f"{key}.learning_rate"
        if name in raw:
            lr = _number(raw.pop(name), get_optimizer(key).param("learning_rate"), name, lr, warnings)
        rates[key] = float(lr)

    steps = DEFAULT_NET_STEPS
    if "steps" in raw:
        steps = int(_number(raw.pop("steps"), STEPS_PARAM, "steps", DEFAULT_NET_STEPS, warnings))
    n = data_points(scene, values)
    batch_size = None
    if "batch" in raw:
        text = raw.pop("batch").strip().lower()
        if text in ("", "full"):
            pass
        elif n is None:
            warnings.append(_warn("not_for_problem", name="batch", problem=scene_key))
        else:
            size = int(_number(text, batch_param(n), "batch", n, warnings))
            batch_size = None if size >= n else size
    seed = int(_number(raw.pop("seed"), SEED, "seed", 0, warnings)) if "seed" in raw else 0
    plane = _choice(raw.pop("plane", None), PLANES, "pca", "plane", warnings)
    focus = _choice(raw.pop("focus", None), optimizers, optimizers[-1], "focus", warnings)
    config = NetworkConfig(
        scene=scene_key, scene_values=values, optimizers=tuple(optimizers), learning_rates=rates,
        steps=steps, batch_size=batch_size, seed=seed, plane=plane, focus=focus,
    )  # fmt: skip
    steps, over = budget_net_steps(config)
    if over is not None:
        warnings.append(over)
        config = replace(config, steps=steps)
    if "cursor" in raw:
        text = raw.pop("cursor").strip().lower()
        if text not in ("", "end"):
            cursor = int(_number(text, Param("cursor", 0, 0, steps, integer=True), "cursor", steps, warnings))
            config = replace(config, cursor=None if cursor >= steps else cursor)
    for name in raw:
        warnings.append(_warn("unknown_key", name=name))
    return config, warnings


def parse_scene_values(scene: Scene, raw: dict[str, str], warnings: list) -> dict[str, str | float]:
    """The scene's control values from ``scene.<control>`` query values (popped from ``raw``): a choice
    must be one of its options, a number is clamped into its range (with a ``ParseWarning``); absent
    controls keep their defaults. The Networks and Sweep pages read scenes with it."""
    values = scene.defaults
    for c in scene.choices:
        if f"{SCENE_PREFIX}{c.name}" in raw:
            values[c.name] = _choice(
                raw.pop(f"{SCENE_PREFIX}{c.name}"), c.options, c.default, c.name, warnings
            )
    for p in scene.params:
        name = f"{SCENE_PREFIX}{p.name}"
        if name in raw:
            values[p.name] = _number(raw.pop(name), p, name, values[p.name], warnings)
    return values


def encode_scene_values(scene: Scene, values: Mapping[str, Any]) -> dict[str, str]:
    """``scene.<control>`` query values of the controls not at their defaults (``parse_scene_values``
    reads them back)."""
    defaults = scene.defaults
    return {
        f"{SCENE_PREFIX}{name}": value if isinstance(value, str) else _fmt(value)
        for name, value in values.items()
        if value != defaults[name]
    }


def encode_networks(config: NetworkConfig) -> dict[str, str]:
    """Query parameters for ``config``: the scene, optimizers and learning rates always, the rest when
    not at their defaults. ``parse_networks`` reads them back to an equal configuration."""
    scene = SCENES[config.scene]
    out = {"scene": config.scene, **encode_scene_values(scene, config.scene_values)}
    out["opts"] = ",".join(config.optimizers)
    for key in config.optimizers:
        out[f"{key}.learning_rate"] = _fmt(config.learning_rates[key])
    out["steps"] = str(int(config.steps))
    if config.batch_size is not None:
        out["batch"] = str(int(config.batch_size))
    if config.seed:
        out["seed"] = str(int(config.seed))
    if config.plane != "pca":
        out["plane"] = config.plane
    if config.focus != config.optimizers[-1]:
        out["focus"] = config.focus
    if config.cursor is not None:
        out["cursor"] = str(int(config.cursor))
    return out


def networks_url(config: NetworkConfig) -> str:
    """Relative link that opens the Networks page on ``config``."""
    return "/networks?" + urlencode(encode_networks(config), safe=",")


def is_networks_key(name: str) -> bool:
    """True for query keys the Networks page writes (so stale ones can be dropped)."""
    return name in NETWORK_KEYS or name.startswith("scene.") or name.endswith(".learning_rate")
