"""URL state of the Playground: parsing never raises, fixes bad input with warnings, round-trips."""

import math
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import optviz
import optviz.i18n
import optviz.nets.scenes
from optviz import app_state as state
from optviz.app_state import ParseWarning, encode_playground, parse_playground, playground_url

DEFAULT = state.default_config()


def test_default_is_the_seed_example():
    c = DEFAULT
    assert (c.optimizer, c.problem, c.steps) == ("adam", "linear_regression", state.DEFAULT_STEPS)
    assert c.hparams == {
        "learning_rate": 0.01,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "weight_decay": 0.0,
    }
    assert c.problem_params["n"] == 100 and c.problem_params["noise"] == 0.1 and c.problem_params["seed"] == 0
    assert parse_playground({}) == (DEFAULT, [])


def test_page_default_learning_rate_only_for_adam_and_its_twins():
    assert state.default_hparams("adam")["learning_rate"] == 0.01
    assert state.default_hparams("lion") == optviz.OPTIMIZERS["lion"].defaults


@pytest.mark.parametrize("opt", list(optviz.OPTIMIZERS))
def test_every_optimizer_round_trips(opt):
    o = optviz.OPTIMIZERS[opt]
    hp = {p.name: (p.high if p.scale != "log" else p.low * 3) for p in o.hparams}
    c = state.with_changes(DEFAULT, optimizer=opt, hparams=hp, steps=777, cursor=5, seed=9, grad_noise=0.25)
    back, warnings = parse_playground(encode_playground(c))
    assert warnings == [] and back == c


@pytest.mark.parametrize("problem", state.problem_choices())
def test_every_problem_round_trips(problem):
    c = state.with_changes(DEFAULT, problem=problem, start=(-1.5, 2.25), schedule="one_cycle")
    c = state.with_changes(c, schedule_params={**c.schedule_params, "pct_start": 0.5})
    back, warnings = parse_playground(encode_playground(c))
    assert warnings == [] and back == c


def test_url_is_relative_and_parses_back():
    c = state.with_changes(DEFAULT, batch_size=10, start=(1.0, -2.0))
    url = playground_url(c)
    assert url.startswith("/?opt=adam&learning_rate=0.01")
    params = parse_qs(urlsplit(url).query)
    assert parse_playground(params) == (c, [])


def test_exact_floats_survive():
    c = state.with_changes(
        DEFAULT, hparams={**DEFAULT.hparams, "learning_rate": 0.1 + 0.2, "epsilon": 1.2345678901234e-9}
    )
    assert parse_playground(encode_playground(c))[0].hparams == c.hparams


def codes(params):
    return [w.code for w in parse_playground(params)[1]]


@pytest.mark.parametrize(
    ("params", "field", "expected", "code"),
    [
        ({"learning_rate": "abc"}, "lr", 0.01, "not_a_number"),
        ({"learning_rate": "nan"}, "lr", 0.01, "not_finite"),
        ({"learning_rate": "inf"}, "lr", 0.01, "not_finite"),
        ({"learning_rate": "-1e400"}, "lr", 0.01, "not_finite"),
        ({"learning_rate": "1e9"}, "lr", 10.0, "clamped"),
        ({"learning_rate": "0"}, "lr", 1e-6, "clamped"),
        ({"lr": "0.5"}, "lr", 0.5, None),
        ({"beta2": "1"}, "beta2", 0.99999, "clamped"),
        ({"steps": "12.5"}, "steps", 12, "rounded"),
        ({"steps": "0"}, "steps", 1, "clamped"),
        ({"steps": "1e12"}, "steps", state.MAX_PAGE_STEPS, "clamped"),
        ({"steps": ""}, "steps", state.DEFAULT_STEPS, "not_a_number"),
        ({"opt": "ADAM "}, "opt", "adam", None),
        ({"opt": "adamx"}, "opt", "adam", "unknown_choice"),
        ({"problem": "moon"}, "problem", "linear_regression", "unknown_choice"),
        ({"schedule": "zigzag"}, "schedule", "constant", "unknown_choice"),
        ({"start": "1,2,3"}, "start", None, "bad_start"),
        ({"start": "1,nan"}, "start", None, "bad_start"),
        ({"start": "5e9,1"}, "start", (state.START_LIMIT, 1.0), "clamped"),
        ({"batch": "0"}, "batch", 1, "clamped"),
        ({"batch": "100000"}, "batch", None, "clamped"),
        ({"batch": "full"}, "batch", None, None),
        ({"problem": "rosenbrock", "batch": "5"}, "batch", None, "not_for_problem"),
        ({"seed": "-3"}, "seed", 0, "clamped"),
        ({"cursor": "50"}, "cursor", 50, None),
        ({"cursor": "5000"}, "cursor", None, "clamped"),
        ({"cursor": "end"}, "cursor", None, None),
        ({"problem.n": "3.5"}, "n", 4, "rounded"),
        ({"problem.x_low": "5", "problem.x_high": "1"}, "x_low", 0.0, "bad_range"),
        ({"opt": ["sgd", "adam"]}, "opt", "adam", "repeated"),
        ({"momentum": "0.5"}, "opt", "adam", "not_for_optimizer"),
        ({"problem.condition_number": "5"}, "opt", "adam", "not_for_problem"),
        ({"whatever": "1"}, "opt", "adam", "unknown_key"),
        ({"learning_rate": "1" * 200}, "lr", 0.01, "too_long"),
    ],
)
def test_bad_values_fall_back_with_a_warning(params, field, expected, code):
    config, warnings = parse_playground(params)
    value = {
        "lr": config.hparams["learning_rate"],
        "beta2": config.hparams.get("beta2"),
        "steps": config.steps,
        "opt": config.optimizer,
        "problem": config.problem,
        "schedule": config.schedule,
        "start": config.start,
        "batch": config.batch_size,
        "seed": config.seed,
        "cursor": config.cursor,
        "n": config.problem_params.get("n"),
        "x_low": config.problem_params.get("x_low"),
    }[field]
    assert value == expected
    assert [w.code for w in warnings] == ([code] if code else [])
    for w in warnings:
        assert isinstance(w, ParseWarning) and isinstance(w, str) and len(w) < 200


def test_global_and_custom_keys_are_not_reported():
    assert codes({"lang": "zh", "present": "true", "custom_formula": "x**2"}) == []


def test_warning_texts_have_translations():
    strings = optviz.i18n.strings()
    assert {f"state.warn.{code}" for code in state.WARNING_TEXTS} <= set(strings)
    w = parse_playground({"learning_rate": "2e9"})[1][0]
    assert "2000000000" in optviz.i18n.t(f"state.warn.{w.code}", "zh", **w.fields)


@pytest.mark.parametrize(
    "params",
    [
        None,
        42,
        {1: "x"},
        {"steps": None},
        {"steps": []},
        {"steps": 17},
        {"learning_rate": ["1", None, "x"]},
        {"start": ","},
        {"problem.n": "-0"},
        {"\x00": "\x00"},
        {"learning_rate": "0x10"},
        {"learning_rate": "1_0"},
    ],
)
def test_anything_parses_to_a_runnable_config(params):
    config, warnings = parse_playground(params)
    problem = state.build_problem(config)
    trace = optviz.run(config.optimizer, problem, **{**state.run_kwargs(config), "steps": 3})
    assert all(math.isfinite(v) for v in config.hparams.values()) and trace.k >= 1
    assert all(isinstance(w, str) for w in warnings)


def test_managed_keys():
    assert state.is_managed_key("beta1") and state.is_managed_key("problem.n") and state.is_managed_key("opt")
    assert not state.is_managed_key("lang") and not state.is_managed_key("custom_formula")


def test_view_settings_round_trip_and_stay_out_of_the_default_url():
    """The typed-entry toggle and the worked step's coordinate are part of a shared link (issue 11)."""
    assert "typed" not in encode_playground(DEFAULT) and "coord" not in encode_playground(DEFAULT)
    config = state.with_changes(DEFAULT, typed=True, coord=1)
    encoded = encode_playground(config)
    assert encoded["typed"] == "1" and encoded["coord"] == "1"
    again, warnings = parse_playground(parse_qs(urlsplit(playground_url(config)).query))
    assert warnings == [] and again == config
    assert state.is_managed_key("typed") and state.is_managed_key("coord")


@pytest.mark.parametrize(
    ("params", "typed", "coord", "codes_"),
    [
        ({"typed": "true", "coord": "0"}, True, 0, []),
        ({"typed": "0"}, False, 0, []),
        ({"typed": "maybe"}, False, 0, ["unknown_choice"]),
        ({"coord": "7"}, False, 1, ["clamped"]),
        ({"coord": "0.5"}, False, 0, ["rounded"]),
        ({"coord": "b"}, False, 0, ["not_a_number"]),
    ],
)
def test_bad_view_settings_fall_back_with_a_warning(params, typed, coord, codes_):
    config, warnings = parse_playground(params)
    assert (config.typed, config.coord) == (typed, coord)
    assert [w.code for w in warnings] == codes_


def test_compare_and_sweep_ignore_the_playground_view_settings():
    assert state.parse_compare({"typed": "1", "coord": "1"})[0].base.typed is False
    config, warnings = state.parse_sweep({"typed": "1", "coord": "1"})
    assert warnings == [] and config.base.coord == 0 and "typed" not in state.encode_sweep(config)


def test_modifier_chains_round_trip_in_every_page_link():
    """A composite key travels as one value (opt=lookahead-adam) with its namespaced settings."""
    cfg, warnings = parse_playground({"opt": "Lookahead-Adam", "lookahead.k": "3", "sam.rho": "0.2"})
    assert cfg.optimizer == "lookahead-adam" and cfg.hparams["lookahead.k"] == 3
    assert cfg.hparams["learning_rate"] == 0.01  # Adam's page default carries into its chains
    assert [w.code for w in warnings] == ["not_for_optimizer"]  # sam.rho: a setting of another chain
    link = encode_playground(cfg)
    assert link["opt"] == "lookahead-adam" and link["lookahead.k"] == "3"
    assert parse_playground(link) == (cfg, [])
    url = playground_url(cfg)
    assert parse_playground({k: v for k, v in parse_qs(urlsplit(url).query).items()})[0] == cfg
    bad, warnings = parse_playground({"opt": "lookahead-lookahead-adam"})
    assert bad.optimizer == state.DEFAULT_OPTIMIZER and [w.code for w in warnings] == ["unknown_choice"]

    comp, warnings = state.parse_compare(
        {"opts": "adam,lookahead-adam,lookahead-adam~2", "lookahead-adam~2.lookahead.k": "2"}
    )
    assert not warnings and comp.optimizers == ("adam", "lookahead-adam", "lookahead-adam~2")
    assert (
        comp.hparams["lookahead-adam~2"]["lookahead.k"] == 2
        and comp.hparams["lookahead-adam"]["lookahead.k"] == 5
    )
    assert state.encode_compare(comp)["lookahead-adam~2.lookahead.k"] == "2"
    assert state.parse_compare(state.encode_compare(comp)) == (comp, [])

    sweep, warnings = state.parse_sweep({"opt": "sam-adam", "x": "sam.rho", "y": "learning_rate"})
    assert not warnings and (sweep.x, sweep.y, sweep.x_range) == ("sam.rho", "learning_rate", (0.0, 2.0))
    assert state.parse_sweep(state.encode_sweep(sweep)) == (sweep, [])


# --- the Sweep page on a network scene ---------------------------------------------------------------
NET_LINK = {
    "problem": "classifier", "scene.hidden": "16-16", "scene.n": "500", "opt": "adam",
    "x": "learning_rate", "y": "beta1", "res": "10",
}  # fmt: skip


def test_a_network_sweep_link_reads_the_scene_and_its_controls():
    config, warnings = state.parse_sweep(NET_LINK)
    assert config.is_network and config.base.problem == "classifier"
    assert config.scene_values == {
        **optviz.nets.scenes.SCENES["classifier"].defaults,
        "hidden": "16-16",
        "n": 500,
    }
    assert config.base.problem_params == {} and config.base.start is None
    assert config.resolution == 10 and (config.x, config.y) == ("learning_rate", "beta1")
    assert config.sensitivity == state.NET_SENSITIVITY_DEFAULTS == ()  # no scans unless asked for
    assert warnings == []


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"batch": "50", "seed": "7", "steps": "40", "scene.data": "spiral", "scene.activation": "relu"},
        {"schedule": "cosine", "grad_noise": "0.5", "metric": "steps_to_converge", "sens": "sgd,adam"},
    ],
)
def test_a_network_sweep_round_trips(extra):
    config, warnings = state.parse_sweep({**NET_LINK, "res": "4", **extra})
    assert warnings == []
    encoded = state.encode_sweep(config)
    assert encoded["problem"] == "classifier" and encoded["scene.hidden"] == "16-16"
    assert "scene.noise" not in encoded  # controls at their defaults stay out of the link
    again, more = state.parse_sweep(encoded)
    assert again == config and more == []
    assert all(state.is_sweep_key(k) for k in encoded)


def test_every_scene_round_trips_in_a_sweep_link():
    for key, scene in optviz.nets.scenes.SCENES.items():
        values = {f"scene.{p.name}": str(int(p.high) if p.integer else p.high) for p in scene.params}
        config, warnings = state.parse_sweep({"problem": key, "res": "2", "steps": "5", **values})
        assert config.base.problem == key and warnings == [], (key, warnings)
        assert state.parse_sweep(state.encode_sweep(config))[0] == config


@pytest.mark.parametrize(
    "extra, codes, check",
    [
        ({"scene.hidden": "16-16-16"}, ["unknown_choice"], lambda c: c.scene_values["hidden"] == "8-8"),
        ({"scene.n": "5"}, ["clamped"], lambda c: c.scene_values["n"] == 20),
        ({"scene.n": "abc"}, ["not_a_number"], lambda c: c.scene_values["n"] == 200),
        ({"start": "1,2"}, ["not_for_problem"], lambda c: c.base.start is None),
        ({"problem.n": "50"}, ["not_for_problem"], lambda c: c.base.problem_params == {}),
        ({"scene.input_dim": "4"}, ["not_for_problem"], lambda c: "input_dim" not in c.scene_values),
        ({"batch": "5000"}, ["clamped"], lambda c: c.base.batch_size is None),
        ({"batch": "10"}, [], lambda c: c.base.batch_size == 10),
    ],
)
def test_bad_network_sweep_values_are_fixed_with_a_warning(extra, codes, check):
    config, warnings = state.parse_sweep({"problem": "classifier", "res": "3", "steps": "20", **extra})
    assert [w.code for w in warnings] == codes
    assert check(config)


def test_scene_keys_on_a_2d_problem_are_reported_and_dropped():
    config, warnings = state.parse_sweep({"problem": "rosenbrock", "scene.n": "500", "res": "5"})
    assert not config.is_network and config.scene_values == {}
    assert [(w.code, w.fields["name"]) for w in warnings] == [("unknown_key", "scene.n")]
    assert not any(k.startswith("scene.") for k in state.encode_sweep(config))


def test_a_network_cell_opens_on_the_networks_page_with_what_it_cannot_carry():
    from optviz.network_state import networks_url, parse_networks

    config, _ = state.parse_sweep({**NET_LINK, "batch": "64", "seed": "3", "steps": "50"})
    net, dropped = state.network_cell(config, {"learning_rate": 0.05, "beta1": 0.5})
    assert net.scene == "classifier" and dict(net.scene_values) == dict(config.scene_values)
    assert net.optimizers == ("adam",) and net.learning_rates == {"adam": 0.05}
    assert (net.steps, net.batch_size, net.seed) == (50, 64, 3)
    assert dropped == {"beta1": "0.5"}  # the swept beta1 is not carried: said, not dropped silently
    url = networks_url(net)
    back, warnings = parse_networks(parse_qs(urlsplit(url).query))
    assert warnings == [] and back.key() == net.key()
    # the registry default is carried by the defaults themselves; modifiers, schedule and noise are not
    _, none = state.network_cell(config, {"learning_rate": 0.05, "beta1": 0.9})
    assert none == {}
    sam, _ = state.parse_sweep({**NET_LINK, "opt": "sam-adam", "schedule": "cosine", "grad_noise": "0.1"})
    net, dropped = state.network_cell(sam, {"learning_rate": 0.05, "beta1": 0.9})
    assert net.optimizers == ("adam",)
    assert dropped == {"sam": "on", "schedule": "cosine", "grad_noise": "0.1"}


def test_a_network_cell_trains_on_the_networks_page_exactly_as_in_the_sweep():
    """The link's configuration, trained as the Networks page trains it, ends where its sweep cell
    ends, bit for bit (the learning rate is all it needs when the rest are at their defaults)."""
    from optviz.nets.scenes import train
    from optviz.network_state import scene_problem

    config, _ = state.parse_sweep({"problem": "classifier", "scene.n": "100", "steps": "30", "batch": "16"})
    problem = scene_problem("classifier", config.scene_values)
    rates = [0.003, 0.03, 0.3]
    result = optviz.sweep(
        "adam", problem, grid={"learning_rate": rates, "beta1": [0.5, 0.9]}, steps=30, batch_size=16, seed=0
    )
    for i in range(len(rates)):
        net, dropped = state.network_cell(config, result.config((i, 1)))
        assert dropped == {}
        setups = {k: net.hparams(k) for k in net.optimizers}
        trace = train(
            problem, setups, optviz.RunSettings(net.steps, batch_size=net.batch_size, seed=net.seed)
        )
        assert trace["adam"].final_loss == result.final_loss[i, 1]
        assert np.array_equal(trace["adam"].params[-1], result.final_params[i, 1])
