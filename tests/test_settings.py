"""optviz.settings: the run settings as one value, and their limits declared once, so the URL parser,
the pages' controls and the runner accept exactly the same values."""

import numpy as np
import pytest

import optviz
from optviz import app_state, lessons, settings
from optviz.settings import GRAD_NOISE, RunSettings


def test_a_url_at_the_limits_runs_and_one_beyond_is_clamped_to_what_runs():
    for noise, expected in (("100", 100.0), ("500", GRAD_NOISE.high)):
        config, warnings = app_state.parse_playground(
            {"grad_noise": noise, "steps": "5", "batch": "10", "seed": str(2**32 + 5)}
        )
        assert config.grad_noise == expected and config.seed == settings.SEED.high
        assert config.batch_size == 10
        trace = optviz.run(config.optimizer, app_state.build_problem(config), **app_state.run_kwargs(config))
        assert trace.grad_noise == expected and trace.k == 5
    assert [w.code for w in warnings] == ["clamped", "clamped"]
    with pytest.raises(ValueError, match=r"grad_noise=100.5 is outside its range \[0, 100\]"):
        optviz.run("sgd", "booth", steps=2, grad_noise=100.5)


def test_the_pages_read_their_limits_from_settings():
    assert app_state.SEED_PARAM is settings.SEED
    assert app_state.MAX_PAGE_STEPS == settings.MAX_PAGE_STEPS < optviz.MAX_STEPS == settings.MAX_STEPS
    config, _ = app_state.parse_playground({"steps": "1e9"})
    assert config.steps == settings.steps_param(1).high == settings.MAX_PAGE_STEPS
    assert settings.batch_param(100).high == 100 and settings.batch_param(100).integer
    assert optviz.runner.GRAD_NOISE is GRAD_NOISE


def test_settings_key_round_trips_and_kwargs_reproduce_the_run():
    s = RunSettings(40, (0.5, -1), "step", {"step_size": 10}, 8, 0.25, 7)
    assert RunSettings.from_key(s.key()).key() == s.key()
    assert hash(s.key()) == hash(RunSettings.from_key(s.key()).key())
    trace = optviz.run("adam", "linear_regression", hparams={"learning_rate": 0.1}, **s.kwargs())
    cfg = trace.config()
    assert (cfg["steps"], cfg["start"], cfg["schedule"], cfg["batch_size"], cfg["grad_noise"], cfg["seed"]) == (
        40, [0.5, -1.0], "step", 8, 0.25, 7,
    )  # fmt: skip
    assert cfg["schedule_params"]["step_size"] == 10.0
    again = optviz.run(
        "adam", "linear_regression", hparams={"learning_rate": 0.1}, **RunSettings.from_key(s.key()).kwargs()
    )
    np.testing.assert_array_equal(again.params, trace.params)


def test_a_page_configuration_and_a_lesson_hand_over_one_settings_value():
    config, _ = app_state.parse_playground(
        {"steps": "30", "grad_noise": "0.5", "seed": "3", "schedule": "cosine"}
    )
    assert config.settings == RunSettings(30, None, "cosine", config.schedule_params, None, 0.5, 3)
    lesson = next(iter(lessons.LESSONS.values()))
    assert lesson.run_kwargs() == lesson.settings.kwargs()
    assert lesson.settings.steps == lesson.steps and lesson.settings.seed == lesson.seed


def test_bad_settings_are_reported_as_the_keyword_would_be():
    with pytest.raises(ValueError, match="parameters must be a mapping"):
        optviz.run("sgd", "booth", **RunSettings(3, schedule_params="abc").kwargs())
    with pytest.raises(ValueError, match=r"steps=0 is outside \[1, 100000\]"):
        optviz.run("sgd", "booth", **RunSettings(0).kwargs())
