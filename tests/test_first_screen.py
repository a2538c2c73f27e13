"""The first screen teaches: the seed's example arrives, and every optimizer's default run is fair and finite."""

import numpy as np
import pytest

import optviz
from optviz import app_state as state

#: The saddle x^2 - y^2 is unbounded below: a run that slides off along y is its lesson, not a bad default.
UNBOUNDED = {"saddle"}


def _default_run(optimizer: str, problem: str) -> optviz.Trace:
    config = state.default_config(optimizer, problem)
    return optviz.run(
        optimizer, optviz.PROBLEMS[problem](**config.problem_params), **state.run_kwargs(config)
    )


def test_default_run_reaches_the_optimum_and_the_line_meets_the_data():
    config = state.default_config()
    assert (config.optimizer, config.hparams["learning_rate"], config.hparams["beta1"]) == ("adam", 0.01, 0.9)
    assert (config.hparams["beta2"], config.hparams["epsilon"]) == (0.999, 1e-8)
    trace = _default_run("adam", "linear_regression")
    problem = trace.problem
    best = float(problem.loss(problem.optimum[None])[0])
    # the excess loss shrinks to a thousandth of where it started
    assert trace.final_loss - best < 1e-3 * (trace.loss[0] - best)
    # the fitted line's residuals are within twice the data's noise (sigma = 0.1): it meets the points
    w, b = trace.params[-1]
    rmse = float(np.sqrt(np.mean((w * problem.x + b - problem.y) ** 2)))
    assert rmse < 2 * config.problem_params["noise"]


def test_adam_and_its_twins_start_at_the_same_learning_rate():
    rates = {opt: state.default_hparams(opt)["learning_rate"] for opt in ("adam", "adamw", "amsgrad")}
    assert set(rates.values()) == {0.01}
    # only the page moves: the registry keeps the contract's torch defaults
    assert optviz.OPTIMIZERS["adamw"].defaults["learning_rate"] == 1e-3


@pytest.mark.parametrize("problem", [p for p in optviz.PROBLEMS if p not in UNBOUNDED])
def test_no_default_playground_run_diverges(problem):
    diverged = {}
    for opt in optviz.OPTIMIZERS:
        trace = _default_run(opt, problem)
        if trace.diverged_at is not None or not np.isfinite(trace.loss).all():
            diverged[opt] = trace.diverged_at
    assert diverged == {}


def test_rosenbrock_scene_shows_each_classic_optimizers_character():
    sgd = _default_run("sgd", "rosenbrock")
    momentum = _default_run("momentum", "rosenbrock")
    # SGD crawls along the banana valley; momentum carries on to (1, 1)
    assert 1e-3 < sgd.final_loss < 1.0 and momentum.final_loss < 1e-3
    assert momentum.optimum_distance < 0.05 < sgd.optimum_distance


def test_scene_defaults_reach_the_url_round_trip():
    config = state.default_config("sgd", "rosenbrock")
    assert config.hparams["learning_rate"] == 2e-3
    assert state.parse_playground({"opt": "sgd", "problem": "rosenbrock"}) == (config, [])
    assert state.parse_playground(state.encode_playground(config)) == (config, [])
    assert state.with_changes(state.default_config("sgd"), problem="rosenbrock", optimizer="sgd") == config


def test_compare_and_sweep_keep_their_short_runs():
    # a sweep is a grid of hundreds of runs: the Playground's longer default must not slow it tenfold
    assert (
        state.parse_sweep({})[0].base.steps
        == state.parse_compare({})[0].base.steps
        == state.STUDY_STEPS
        == 100
    )
    assert state.parse_playground({})[0].steps == state.DEFAULT_STEPS == 1000


# --- the first screen is drawn before the sidebar, from the controls' stores ----------------------------
def _page(query: dict[str, str]):
    from page_runs import open_page

    return open_page("playground", **query)


def _first_screen_links() -> list[dict[str, str]]:
    """Links covering every kind of control the first screen reads: each optimizer, the modifiers, each
    problem, typed entry, a moved start, a schedule with its parameters, mini-batches, noise, a cursor."""
    links = [state.encode_playground(state.default_config(opt, "rosenbrock")) for opt in optviz.OPTIMIZERS]
    links += [state.encode_playground(state.default_config("adam", p)) for p in optviz.PROBLEMS]
    base = state.default_config()
    links += [
        state.encode_playground(state.with_changes(base, optimizer="lookahead-sam-cautious-adamw")),
        state.encode_playground(
            state.with_changes(
                base,
                typed=True,
                steps=250,
                start=(0.5, -1.5),
                schedule="warmup_cosine",
                schedule_params={"warmup_fraction": 0.2, "min_ratio": 0.05},
                batch_size=10,
                grad_noise=0.2,
                seed=7,
                cursor=40,
            )
        ),  # fmt: skip
    ]
    return links


@pytest.mark.parametrize(
    "query", _first_screen_links(), ids=lambda q: q.get("opt") + "-" + q.get("problem", "")
)
def test_the_first_screen_shows_what_the_controls_hold(query, caplog):
    """The page reads its controls twice (values only, then drawn); both readings must agree, or the
    charts would show another run than the sidebar."""
    at = _page(query)
    assert not [r for r in caplog.records if r.name == "optviz.playground"], caplog.text
    # and after a person moves the learning rate and switches the optimizer
    key = f"pg.hp.{query['opt'].rsplit('-', 1)[-1]}.learning_rate"
    sliders = [w for w in at.select_slider if w.key == key]
    if sliders:
        sliders[0].set_value(float(sliders[0].options[len(sliders[0].options) // 3])).run()
    else:
        at.number_input(key=key + ":typed").set_value(0.003).run()
    at.selectbox(key="pg.opt").set_value("lion").run()
    assert not at.exception, at.exception
    assert not [r for r in caplog.records if r.name == "optviz.playground"], caplog.text
