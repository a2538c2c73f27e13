"""The Playground page through streamlit's AppTest: defaults, controls, URL state, divergence, by-hand panel."""

import base64
from pathlib import Path

import numpy as np
import pytest
from figdata import decode
from page_runs import component_data, sent_charts
from streamlit.testing.v1 import AppTest

import optviz
from optviz import app_state as state
from optviz.explain import by_hand, fmt
from webui import ui

TIMEOUT = 60
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    return at.run()


def charts(at: AppTest) -> dict[str, dict]:
    """Every Plotly chart on the page, by its key suffix (space, loss, data, internals, surface)."""
    out = {}
    for spec in sent_charts(at).values():
        spec = decode(spec)
        out[spec["layout"]["title"]["text"]] = spec
    return out


def chart(at: AppTest, title_start: str) -> dict:
    found = [spec for title, spec in charts(at).items() if title.startswith(title_start)]
    assert found, f"no chart titled {title_start!r}: {list(charts(at))}"
    return found[0]


def numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from numbers(v)
    elif isinstance(obj, np.ndarray) and obj.dtype.kind in "fiu":
        yield from obj.astype(float).ravel()
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield float(obj)
    elif obj is None:
        yield float("nan")  # a JSON null in a data array would be a NaN that reached the chart


def metric(at: AppTest, label_start: str) -> str:
    return [m.value for m in at.metric if m.label.startswith(label_start)][0]


def reference(config: state.PlaygroundConfig) -> optviz.Trace:
    return optviz.run(config.optimizer, state.build_problem(config), **state.run_kwargs(config))


def test_defaults_render_the_seed_example():
    at = app()
    assert not at.exception and not at.error
    space = chart(at, "Parameter space")
    assert space["data"][0]["type"] == "contour"
    path = space["data"][1]
    assert path["type"] == "scatter" and len(path["x"]) == state.DEFAULT_STEPS + 1
    # no in-chart animation: the step cursor plays every view; it carries the whole run to the browser
    assert "frames" not in space and "sliders" not in space["layout"]
    cursor = component_data(at, "pg.cursor")
    loss = chart(at, "Loss")
    assert loss["layout"]["yaxis"]["type"] == "log"
    expected = reference(state.default_config())
    np.testing.assert_array_equal(loss["data"][0]["y"], expected.loss)
    assert cursor["k"] == cursor["value"] == state.DEFAULT_STEPS
    packed = np.frombuffer(base64.b64decode(cursor["path"]), "<f4").reshape(-1, 2)
    np.testing.assert_array_equal(packed, expected.params.astype(np.float32))
    np.testing.assert_array_equal(
        np.frombuffer(base64.b64decode(cursor["loss"]), "<f4"), expected.loss.astype(np.float32)
    )
    np.testing.assert_array_equal(
        np.frombuffer(base64.b64decode(cursor["model"]), "<f4").reshape(-1, 2), packed
    )
    assert metric(at, f"loss at step {state.DEFAULT_STEPS}") == f"{expected.final_loss:.4g}"
    assert chart(at, "Data space") and chart(at, "Optimizer internals")
    assert dict(at.query_params) == state.encode_playground(state.default_config()) | {"lang": "en"}
    assert at.select_slider(key="pg.hp.adam.learning_rate").value == 0.01


@pytest.mark.parametrize("param", optviz.OPTIMIZERS["adam"].hparams, ids=lambda p: p.name)
def test_each_hyperparameter_control_changes_the_run(param):
    at = app()
    before = chart(at, "Loss")["data"][0]["y"]
    key = f"pg.hp.adam.{param.name}"
    if param.log:
        widget = at.select_slider(key=key)
        options = [float(o) for o in widget.options]
        current = options.index(widget.value)
        new = options[current - 3] if current >= 3 else options[current + 3]
    else:
        widget = at.slider(key=key)
        new = 0.5
    widget.set_value(new).run()
    assert not at.exception
    assert float(at.query_params[param.name]) == pytest.approx(new)
    after = chart(at, "Loss")["data"][0]["y"]
    assert not np.array_equal(before, after)
    config = state.with_changes(
        state.default_config(), hparams={**state.default_hparams("adam"), param.name: new}
    )
    np.testing.assert_array_equal(after[: len(reference(config).loss)], reference(config).loss[: len(after)])


def test_typed_entry_gives_exact_values():
    at = app()
    at.toggle(key="pg.typed").set_value(True).run()
    at.number_input(key="pg.hp.adam.learning_rate:typed").set_value(0.0123).run()
    assert not at.exception and at.query_params["learning_rate"] == "0.0123"
    at.toggle(key="pg.typed").set_value(False).run()  # back to the slider: the exact value is kept
    assert at.select_slider(key="pg.hp.adam.learning_rate").value == 0.0123
    assert at.query_params["learning_rate"] == "0.0123"


def test_every_optimizer_on_every_problem_renders():
    at = app()
    at.select_slider(key="pg.steps").set_value(5.0).run()
    for problem in optviz.PROBLEMS:
        at.selectbox(key="pg.problem").set_value(problem).run()
        for opt in optviz.OPTIMIZERS:
            at.selectbox(key="pg.opt").set_value(opt).run()
            assert not at.exception, (opt, problem, at.exception)
            assert at.query_params["opt"] == opt and at.query_params["problem"] == problem
            assert chart(at, "Parameter space")["data"][0]["type"] == "contour"


def test_a_query_string_reproduces_the_run_and_round_trips():
    config = state.PlaygroundConfig(
        optimizer="momentum",
        hparams={**state.default_hparams("momentum"), "learning_rate": 0.05, "momentum": 0.95},
        problem="ill_conditioned",
        problem_params={"condition_number": 50.0},
        steps=321,
        start=(-4.0, 1.5),
        schedule="cosine",
        schedule_params={"min_ratio": 0.1},
        grad_noise=0.5,
        seed=7,
        cursor=100,
    )
    at = app(state.encode_playground(config))
    assert not at.exception and not at.warning
    assert dict(at.query_params) == state.encode_playground(config) | {"lang": "en"}
    expected = reference(config)
    np.testing.assert_array_equal(chart(at, "Loss")["data"][0]["y"], expected.loss)
    space = chart(at, "Parameter space")
    path_x = expected.params[:101, 0].astype(np.float32)  # the path up to the cursor, sent as float32
    np.testing.assert_array_equal(space["data"][1]["x"], path_x)
    assert component_data(at, "pg.cursor")["value"] == 100


def test_a_broken_url_is_fixed_with_a_warning():
    at = app({"opt": "nope", "learning_rate": "nan", "steps": "-5", "start": "x"})
    assert not at.exception
    text = at.warning[0].value
    assert "nope" in text and "learning_rate" in text and "steps" in text
    assert at.query_params["opt"] == "adam" and at.query_params["steps"] == "1"


def test_divergence_is_explained_without_nan():
    at = app({"opt": "sgd", "learning_rate": "2", "problem": "linear_regression", "steps": "200"})
    assert not at.exception
    trace = optviz.run("sgd", "linear_regression", steps=200, hparams={"learning_rate": 2.0})
    errors = [e.value for e in at.error]
    assert any(f"Diverged at step {trace.diverged_at}" in e for e in errors)
    limit = f"{2 / trace.problem.max_curvature:.4g}"
    assert any(f"2/λ_max = {limit}" in w.value and "lr = 2" in w.value for w in at.warning)
    specs = charts(at)
    assert len(specs) >= 4
    for spec in specs.values():
        assert np.isfinite(np.fromiter(numbers(spec["data"]), float)).all()
        assert np.isfinite(np.fromiter(numbers(spec.get("frames", [])), float)).all()


def _worked(at) -> str:
    """The worked step's display math: the last markdown element holding some (after its coordinate)."""
    text = [m.value for m in at.markdown if "$$" in m.value][-1]
    return text.split("$$\n", 1)[1].rsplit("\n$$", 1)[0]


def test_equation_panel_numbers_equal_the_trace_at_the_cursor():
    at = app({"cursor": "7"})
    assert not at.exception
    trace = reference(state.default_config())
    work = by_hand(trace, 7)
    for coord in (0, 1):  # one coordinate is typeset at a time; the selector picks it
        at.segmented_control(key="pg.by_hand_coord").set_value(coord).run()
        block = _worked(at)
        assert block == work.latex(coord)
        assert fmt(trace.params[7][coord]) in block
        assert fmt(abs(trace.grads[6][coord])) in block
        assert fmt(trace.state["m"][6][coord]).lstrip("-") in block
        assert fmt(trace.state["v_hat"][6][coord]) in block
    at.session_state[ui.STORES]["pg.cursor"] = 30  # what the cursor stores when a person stops at 30
    at.run()
    assert by_hand(trace, 30).latex(1) == _worked(at)
    assert at.query_params["cursor"] == "30"


def test_reset_restores_the_defaults():
    at = app({"opt": "rmsprop", "learning_rate": "0.2", "steps": "50"})
    at.button(key="pg.reset").click().run()
    assert not at.exception
    assert dict(at.query_params) == state.encode_playground(state.default_config()) | {"lang": "en"}


def test_minibatch_and_chinese():
    at = app({"batch": "10", "lang": "zh"})
    assert not at.exception
    data = chart(at, "数据空间")
    assert any(len(t["x"]) == 10 for t in data["data"] if t["type"] == "scatter")
    assert at.query_params["batch"] == "10"


def test_surface_and_custom_problem_choices():
    at = app()
    at.toggle(key="pg.surface").set_value(True).run()
    assert not at.exception and chart(at, "Loss surface")
    at.selectbox(key="pg.problem").set_value("custom_formula").run()
    assert not at.exception


def test_navigating_here_with_new_settings_applies_them_in_the_same_session():
    at = app()
    at.select_slider(key="pg.hp.adam.learning_rate").set_value(0.1).run()
    at.query_params.clear()
    at.query_params.update({"opt": "sgd", "learning_rate": "0.3", "problem": "booth"})
    at.run()
    assert not at.exception
    assert at.query_params["opt"] == "sgd" and at.query_params["learning_rate"] == "0.3"
    at.query_params.clear()  # a page switch without parameters keeps the current state
    at.run()
    assert at.query_params["opt"] == "sgd" and at.query_params["problem"] == "booth"


def test_downloads_and_share_link():
    at = app()
    assert [b.label for b in at.download_button] == [
        "Trace (CSV)",
        "Configuration (JSON)",
        "Animation (HTML, offline)",
    ]
    assert any(state.playground_url(state.default_config()) in c.value for c in at.code)


def test_modifier_toggles_wrap_the_optimizer_and_keep_both_settings():
    """Lookahead on: the run is Lookahead(Adam), its sliders appear beside Adam's, the link says
    opt=lookahead-adam; off again: Adam with the learning rate it had; a link opens it back."""
    at = app({"learning_rate": "0.05"})
    before = chart(at, "Loss")["data"][0]["y"]
    at.toggle(key="pg.mod.lookahead").set_value(True).run()
    assert not at.exception and at.query_params["opt"] == "lookahead-adam"
    at.slider(key="pg.hp.lookahead.k").set_value(3).run()
    assert at.query_params["lookahead.k"] == "3" and at.query_params["learning_rate"] == "0.05"
    config, _ = state.parse_playground(dict(at.query_params))
    assert config.optimizer == "lookahead-adam" and config.hparams["lookahead.k"] == 3
    after = chart(at, "Loss")["data"][0]["y"]
    np.testing.assert_array_equal(after, reference(config).loss)
    assert not np.array_equal(before, after)
    panels = [a["text"] for a in chart(at, "Optimizer internals")["layout"]["annotations"]]
    assert any(text.startswith("<b>lookahead_slow</b>") for text in panels)
    at.toggle(key="pg.mod.sam").set_value(True).run()
    assert at.query_params["opt"] == "lookahead-sam-adam" and not at.exception
    at.toggle(key="pg.mod.lookahead").set_value(False).run()
    at.toggle(key="pg.mod.sam").set_value(False).run()
    assert at.query_params["opt"] == "adam" and "lookahead.k" not in at.query_params
    np.testing.assert_array_equal(chart(at, "Loss")["data"][0]["y"], before)

    opened = app({"opt": "cautious-lion", "lang": "zh"})
    assert not opened.exception and opened.toggle(key="pg.mod.cautious").value
    assert opened.selectbox(key="pg.opt").value == "lion"
    assert not opened.toggle(key="pg.mod.lookahead").value


class _RecordingParams(dict):
    """Stands in for st.query_params: every address sent to the browser is recorded in ``log``."""

    def __init__(self, log, **items):
        super().__init__({k: [v] for k, v in items.items()})
        self.log = log

    def get_all(self, key):
        return list(self.get(key, []))

    def __delitem__(self, key):
        super().__delitem__(key)
        self.log.append(("sent", dict(self)))

    def update(self, items):
        super().update({k: [v] for k, v in items.items()})
        self.log.append(("sent", dict(self)))


def test_every_address_a_run_writes_is_remembered_before_it_is_sent(monkeypatch):
    """A newer rerun can interrupt a run at any send (Streamlit stops a script when it enqueues a
    message): the Playground must know each address it may leave in the browser before sending it,
    or the next run reads that address back as a visitor's link and undoes a key press."""
    from webui import ui

    log = []
    params = _RecordingParams(log, opt="adam", beta2="0.99", decay="step", lang="zh")
    monkeypatch.setattr(ui.st, "query_params", params)
    managed = {"opt", "beta2", "decay"}.__contains__
    ui.sync_query_params(
        {"opt": "adam", "beta2": "0.98"}, managed, remember=lambda a: log.append(("remembered", a))
    )
    (first, remembered), *sent = log
    assert first == "remembered" and [kind for kind, _ in sent] == ["sent", "sent"]
    assert remembered == [{"opt": ["adam"], "beta2": ["0.99"]}, {"opt": ["adam"], "beta2": ["0.98"]}]
    shown = [{k: v for k, v in address.items() if managed(k)} for _, address in sent]
    assert all(address in remembered for address in shown)
    assert sent[-1][1]["lang"] == ["zh"]  # keys the page does not manage are left alone
