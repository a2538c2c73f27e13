"""Lessons: ready-made scenes that each make one point, declared as data like the other registries.

A lesson names the page it opens ("playground": one optimizer; "compare": two or more, all on the
same problem, start, schedule, minibatches and noise; "networks": one to three optimizers training a
network scene of optviz.nets.scenes from the same weights, each at its own learning rate), its
optimizers with the hyperparameters that differ from the defaults, and the run settings. Its title, explanation and question for the class are
translation keys ``lesson.<key>.title|text|question`` (optviz/locales/lessons.py). tests/test_lessons.py
runs every lesson and checks that it really shows its point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .compare import MAX_OPTIMIZERS, MIN_OPTIMIZERS, learning_rate_scan
from .optimizers import get_optimizer
from .problems import PROBLEMS, Problem
from .runner import Trace, run
from .schedules import get_schedule
from .settings import RunSettings
from .spec import resolve

LessonPage = Literal["playground", "compare", "networks"]
PAGES: tuple[LessonPage, ...] = ("playground", "compare", "networks")


@dataclass(frozen=True)
class Lesson:
    """One scene: which page, which optimizers (key -> hyperparameters), which problem and settings.

    On the "networks" page ``problem`` is a scene key, ``problem_params`` its control values, and each
    optimizer takes a learning rate only (the page runs the rest at their registry defaults)."""

    key: str
    page: LessonPage
    problem: str
    setups: Mapping[str, Mapping[str, float]]
    steps: int
    problem_params: Mapping[str, float] = field(default_factory=dict)
    start: tuple[float, float] | None = None
    schedule: str = "constant"
    schedule_params: Mapping[str, float] = field(default_factory=dict)
    batch_size: int | None = None
    grad_noise: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        owner = f"lesson {self.key}"
        if self.page not in PAGES:
            raise ValueError(f"{owner}: page must be one of {PAGES}, got {self.page!r}")
        count = len(self.setups)
        if self.page == "playground" and count != 1:
            raise ValueError(f"{owner}: a playground lesson has exactly one optimizer, got {count}")
        if self.page == "compare" and not MIN_OPTIMIZERS <= count <= MAX_OPTIMIZERS:
            raise ValueError(f"{owner}: a compare lesson has {MIN_OPTIMIZERS}-{MAX_OPTIMIZERS} optimizers")
        for opt, hparams in self.setups.items():
            resolve(get_optimizer(opt).hparams, hparams, f"{owner} ({opt})")
        if self.page == "networks":
            self._check_network(owner, count)
            return
        if self.problem not in PROBLEMS:
            raise ValueError(f"{owner}: unknown problem {self.problem!r}; allowed: {', '.join(PROBLEMS)}")
        resolve(PROBLEMS[self.problem].params, self.problem_params, owner)
        get_schedule(self.schedule)(1, self.schedule_params)

    def _check_network(self, owner: str, count: int) -> None:
        from .nets.scenes import MAX_NET_OPTIMIZERS, SCENES

        if not 1 <= count <= MAX_NET_OPTIMIZERS:
            raise ValueError(f"{owner}: a networks lesson has 1-{MAX_NET_OPTIMIZERS} optimizers")
        if self.problem not in SCENES:
            raise ValueError(f"{owner}: unknown scene {self.problem!r}; allowed: {', '.join(SCENES)}")
        for opt, hparams in self.setups.items():
            if set(hparams) - {"learning_rate"}:
                raise ValueError(f"{owner} ({opt}): a networks lesson sets the learning rate only")
        SCENES[self.problem].values(self.problem_params)
        if self.start is not None or self.schedule != "constant" or self.grad_noise:
            raise ValueError(f"{owner}: a networks lesson starts at the scene's weights, at a constant rate")

    @property
    def optimizers(self) -> tuple[str, ...]:
        return tuple(self.setups)

    @property
    def title_key(self) -> str:
        return f"lesson.{self.key}.title"

    @property
    def text_key(self) -> str:
        return f"lesson.{self.key}.text"

    @property
    def question_key(self) -> str:
        return f"lesson.{self.key}.question"

    def build_problem(self) -> Problem:
        """The lesson's problem instance (its parameters applied; a network scene's problem as the
        Networks page builds it)."""
        if self.page == "networks":
            from .nets.scenes import SCENES
            from .network_state import scene_problem

            return scene_problem(self.problem, SCENES[self.problem].values(self.problem_params))
        return PROBLEMS[self.problem](**dict(self.problem_params))

    @property
    def settings(self) -> RunSettings:
        """The run settings shared by every optimizer of the lesson, as one value."""
        return RunSettings(
            self.steps, self.start, self.schedule, dict(self.schedule_params), self.batch_size,
            self.grad_noise, self.seed,
        )  # fmt: skip

    def run_kwargs(self) -> dict[str, Any]:
        """Settings shared by every optimizer of the lesson, as keyword arguments of ``optviz.run``."""
        return self.settings.kwargs()

    def runs(self) -> dict[str, Trace]:
        """One trace per optimizer, exactly as the lesson's page computes them."""
        problem = self.build_problem()
        if self.page == "networks":  # as the Networks page trains them
            from .nets.scenes import train
            from .network_state import network_config

            config = network_config(self)
            return train(problem, {opt: config.hparams(opt) for opt in config.optimizers}, self.settings)
        kwargs = self.run_kwargs()
        return {opt: run(opt, problem, hparams=dict(hp), **kwargs) for opt, hp in self.setups.items()}


def _lessons(*items: Lesson) -> dict[str, Lesson]:
    out: dict[str, Lesson] = {}
    for lesson in items:
        if lesson.key in out:
            raise ValueError(f"lesson {lesson.key!r} is declared twice")
        out[lesson.key] = lesson
    return out


#: key -> Lesson, in teaching order.
LESSONS: dict[str, Lesson] = _lessons(
    Lesson(
        "ravine_momentum", "compare", "ill_conditioned",
        {"sgd": {"learning_rate": 0.4}, "momentum": {"learning_rate": 0.4, "momentum": 0.5}},
        steps=100,
    ),
    Lesson(
        "momentum_overshoot", "playground", "ill_conditioned",
        {"momentum": {"learning_rate": 0.02, "momentum": 0.95}},
        steps=200,
    ),
    Lesson(
        "stability_limit", "playground", "ill_conditioned",
        {"sgd": {"learning_rate": 0.55}},
        steps=100,
    ),
    Lesson(
        "adam_sign", "compare", "linear_regression",
        {"sgd": {"learning_rate": 0.1}, "adam": {"learning_rate": 0.1}},
        steps=100,
    ),
    Lesson(
        "epsilon_dominates", "playground", "ill_conditioned",
        {"adam": {"learning_rate": 0.1, "epsilon": 1.0}},
        steps=300,
    ),
    Lesson(
        "beta2_noisy", "playground", "linear_regression",
        {"adam": {"learning_rate": 0.05, "beta2": 0.9}},
        steps=300, batch_size=4,
    ),
    Lesson(
        "adagrad_stalls", "compare", "linear_regression",
        {"adagrad": {"learning_rate": 0.1}, "rmsprop": {"learning_rate": 0.1}},
        steps=500,
    ),
    Lesson(
        "adamw_vs_adam", "compare", "linear_regression",
        {"adam": {"learning_rate": 0.2, "weight_decay": 0.1}, "adamw": {"learning_rate": 0.2, "weight_decay": 0.1}},
        steps=300,
    ),
    Lesson(
        "saddle_escape", "compare", "saddle",
        {"sgd": {"learning_rate": 0.05}, "momentum": {"learning_rate": 0.05}, "adam": {"learning_rate": 0.05}},
        steps=100,
    ),
    Lesson(
        "rastrigin_local_minima", "compare", "rastrigin",
        {
            "sgd": {"learning_rate": 0.002},
            "momentum": {"learning_rate": 0.002, "momentum": 0.9},
            "adam": {"learning_rate": 0.5},
        },
        steps=300,
    ),
    Lesson(
        "warmup", "playground", "beale",
        {"momentum": {"learning_rate": 0.05}},
        steps=200, schedule="warmup_cosine", schedule_params={"warmup_fraction": 0.2},
    ),
    Lesson(
        "minibatch_noise", "playground", "linear_regression",
        {"sgd": {"learning_rate": 0.1}},
        steps=300, problem_params={"noise": 1.0}, batch_size=1,
    ),
    Lesson(
        "lion_sign", "playground", "ill_conditioned",
        {"lion": {"learning_rate": 0.03}},
        steps=500,
    ),
    Lesson(
        "schedule_free", "compare", "ill_conditioned",
        {"sgd": {"learning_rate": 0.3}, "sf_sgd": {"learning_rate": 0.3}},
        steps=500, grad_noise=1.0,
    ),
    Lesson(
        "prodigy_finds_step", "playground", "linear_regression",
        {"prodigy": {"learning_rate": 1.0}},
        steps=300,
    ),
    Lesson(
        "rosenbrock_valley", "compare", "rosenbrock",
        {
            "sgd": {"learning_rate": 1e-3},
            "momentum": {"learning_rate": 1e-3},
            "adam": {"learning_rate": 0.05},
        },
        steps=1000,
    ),
    Lesson(
        "shampoo_rotated_ravine", "compare", "linear_regression",
        {"adagrad": {"learning_rate": 1.0}, "shampoo": {"learning_rate": 1.0}},
        steps=300, problem_params={"x_low": 2.0, "x_high": 3.0},
    ),
    Lesson(
        "lbfgs_rosenbrock", "compare", "rosenbrock",
        {"adam": {"learning_rate": 0.05}, "lbfgs": {"learning_rate": 1.0}},
        steps=300,
    ),
    Lesson(
        "sam_flat_minimum", "compare", "sharp_flat",
        {"sgd": {"learning_rate": 0.01}, "adam": {"learning_rate": 0.05},
         "sam-adam": {"learning_rate": 0.05, "sam.rho": 0.5}},
        steps=500,
    ),
    Lesson(
        "spiral_boundary", "networks", "classifier",
        {"sgd": {"learning_rate": 0.5}, "adam": {"learning_rate": 0.03}},
        steps=500, problem_params={"data": "spiral", "hidden": "16-16"},
    ),
    Lesson(
        "slice_caveat", "networks", "classifier",
        {"sgd": {"learning_rate": 0.5}, "adam": {"learning_rate": 0.03}},
        steps=300, problem_params={"data": "moons"},
    ),
    Lesson(
        "adopt_small_beta2", "compare", "rare_gradients",
        {key: {"learning_rate": 0.01, "beta1": 0.0, "beta2": 0.1} for key in ("adam", "adopt", "amsgrad")},
        steps=2000, batch_size=1,
    ),
    Lesson(
        "muon_singular_values", "networks", "matrix",
        {"sgd": {"learning_rate": 0.1}, "adamw": {"learning_rate": 0.01}, "muon": {"learning_rate": 0.05}},
        steps=300,
    ),
)  # fmt: skip


def get_lesson(key: str) -> Lesson:
    """The lesson ``key``; a ValueError lists the allowed keys otherwise."""
    if isinstance(key, str) and key in LESSONS:
        return LESSONS[key]
    raise ValueError(f"unknown lesson {key!r}; allowed: {', '.join(LESSONS)}")


def playground_config(lesson: Lesson, optimizer: str | None = None):
    """The Playground state that shows ``lesson`` (for a compare lesson, one of its optimizers)."""
    from . import app_state

    opt = optimizer or lesson.optimizers[0]
    if opt not in lesson.setups:
        raise ValueError(f"lesson {lesson.key}: {opt!r} is not one of its optimizers {lesson.optimizers}")
    return app_state.PlaygroundConfig(
        optimizer=opt,
        hparams=app_state.default_hparams(opt, lesson.problem) | dict(lesson.setups[opt]),
        problem=lesson.problem,
        problem_params=app_state.default_problem_params(lesson.problem) | dict(lesson.problem_params),
        steps=lesson.steps,
        start=lesson.start,
        schedule=lesson.schedule,
        schedule_params=app_state.default_schedule_params(lesson.schedule) | dict(lesson.schedule_params),
        batch_size=lesson.batch_size,
        grad_noise=lesson.grad_noise,
        seed=lesson.seed,
    )


def lesson_query(lesson: Lesson) -> dict[str, str]:
    """Query parameters that open ``lesson`` on its page (what its URL carries)."""
    from . import app_state

    if lesson.page == "playground":
        return app_state.encode_playground(playground_config(lesson))
    if lesson.page == "networks":
        from .network_state import encode_networks, network_config

        return encode_networks(network_config(lesson))
    return _compare_query(lesson)


def lesson_url(lesson: Lesson, extra: Mapping[str, str] | None = None) -> str:
    """Relative URL of ``lesson``: the page path and its query string (plus ``extra`` parameters,
    such as the app's ``lang`` and ``present``)."""
    from urllib.parse import urlencode

    path = "/" if lesson.page == "playground" else f"/{lesson.page}"
    return f"{path}?{urlencode(lesson_query(lesson) | dict(extra or {}), safe=',')}"


def compare_config(lesson: Lesson):
    """The Compare page state that shows ``lesson`` (every optimizer, the shared run settings)."""
    from . import app_state

    return app_state.CompareConfig(
        optimizers=lesson.optimizers,
        hparams={
            opt: app_state.default_hparams(opt, lesson.problem) | dict(hp)
            for opt, hp in lesson.setups.items()
        },
        base=playground_config(lesson),
    )


def _compare_query(lesson: Lesson) -> dict[str, str]:
    from .app_state import encode_compare

    return encode_compare(compare_config(lesson))


#: The Learn cards' live example: every optimizer on the ravine, at its best learning rate.
CARD_EXAMPLE_PROBLEM = "ill_conditioned"
CARD_EXAMPLE_STEPS = 100


def card_example(optimizer: str) -> Lesson | None:
    """The live example of ``optimizer``'s Learn card, as a one-optimizer Playground scene: the ravine at
    the best learning rate of a scan (optviz.compare's rule; other hyperparameters at their defaults).
    None if every learning rate of the scan diverged."""
    scan = learning_rate_scan(optimizer, CARD_EXAMPLE_PROBLEM, steps=CARD_EXAMPLE_STEPS)
    lr = scan.best_learning_rate
    if lr is None:
        return None
    return Lesson(
        f"card_{optimizer}", "playground", CARD_EXAMPLE_PROBLEM, {optimizer: {"learning_rate": lr}},
        steps=CARD_EXAMPLE_STEPS,
    )  # fmt: skip


#: The optimizer each modifier's Learn card wraps: the one its reference is shown around
#: (optax.lookahead's Adam, SAM's SGD, the cautious paper's AdamW).
MODIFIER_EXAMPLES = {"lookahead": "adam", "sam": "sgd", "cautious": "adamw"}


def modifier_example(modifier: str) -> str:
    """The composite key of ``modifier``'s card example ('lookahead-adam')."""
    from .optimizers.modifiers import CHAIN_MARK

    return f"{modifier}{CHAIN_MARK}{MODIFIER_EXAMPLES[modifier]}"


def lessons_for(optimizer: str) -> list[Lesson]:
    """Lessons that feature ``optimizer`` (for links from its Learn card)."""
    get_optimizer(optimizer)
    return [lesson for lesson in LESSONS.values() if optimizer in lesson.setups]
