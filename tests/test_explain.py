"""Explanations: "this step, by hand" equals the recorded trace; diagnoses carry the right numbers."""

import numpy as np
import pytest

import optviz
import optviz.i18n
from optviz import explain
from optviz.explain import by_hand, diagnose, fmt
from optviz.formula import compile_formula

CASES = [(opt, prob) for opt in optviz.OPTIMIZERS for prob in ("linear_regression", "rosenbrock")]


def exercised_hparams(opt: str, problem: str) -> dict:
    """Non-default settings so every optional line (weight decay, momentum, lr decay) is used."""
    o = optviz.OPTIMIZERS[opt]
    hp = {"learning_rate": o.defaults["learning_rate"] / (10 if problem == "rosenbrock" else 1)}
    for name, value in (("weight_decay", 0.01), ("dampening", 0.1), ("lr_decay", 0.01)):
        if name in o.hparam_names:
            hp[name] = value
    if opt == "rmsprop":
        hp["momentum"] = 0.5
    return hp


@pytest.mark.parametrize(("opt", "problem"), CASES)
def test_by_hand_reproduces_every_recorded_value(opt, problem):
    trace = optviz.run(opt, problem, steps=8, hparams=exercised_hparams(opt, problem), schedule="cosine")
    checked = set()
    for step in range(1, trace.k + 1):
        work = by_hand(trace, step)
        assert work.lines[-1].target in {"p", "x", "m", "z"} and "p" in [line.target for line in work.lines]
        for line in work.lines:
            if line.recorded is None:
                continue
            checked.add(line.target)
            computed, recorded = np.asarray(line.computed, float), np.asarray(line.recorded, float)
            scale = max(1.0, float(np.abs(recorded).max()))
            np.testing.assert_allclose(computed, recorded, rtol=1e-9, atol=1e-13 * scale, err_msg=line.target)
            truth = explain.recorded_value(trace, line.target, step)
            for coord in (0, 1):
                shown = fmt(explain._pick(truth, coord))
                assert shown in work.latex(coord), (line.target, shown)
    assert "p" in checked


@pytest.mark.parametrize("opt", list(optviz.OPTIMIZERS))
def test_panel_numbers_are_the_trace_values(opt):
    trace = optviz.run(opt, "linear_regression", steps=5)
    work = by_hand(trace, 3)
    p_line = [line for line in work.lines if line.target == "p"][-1]
    np.testing.assert_array_equal(p_line.value, trace.params[3])
    for coord in (0, 1):
        rows = (
            work.latex(coord).removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
        )
        theta = [row for row in rows if row.startswith(r"\theta_t &=")]
        assert theta and theta[-1].endswith("= " + fmt(trace.params[3][coord]))
    g = fmt(trace.grads[2][0])
    assert g.lstrip("-") in work.latex(0)


def test_by_hand_step_bounds():
    trace = optviz.run("adam", "booth", steps=3)
    with pytest.raises(ValueError):
        by_hand(trace, 0)
    with pytest.raises(ValueError):
        by_hand(trace, 4)
    assert by_hand(trace).step == 3


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.0, "0"),
        (0.01, "0.01"),
        (-1.8184312, "-1.81843"),
        (1e-8, r"1 \times 10^{-8}"),
        (123456.7, r"1.23457 \times 10^{5}"),
    ],
)
def test_fmt(x, text):
    assert fmt(x) == text


@pytest.mark.parametrize(
    "expr", ["__import__('os')", "g.real", "[1, 2]", "lambda: 1", "exp(g)", "a if b else c"]
)
def test_evaluator_refuses_anything_but_arithmetic(expr):
    with pytest.raises(ValueError):
        explain.evaluate(expr, {"g": 1.0, "a": 1.0, "b": 1.0, "c": 1.0})


def codes(trace):
    return [f.code for f in diagnose(trace)]


def test_divergence_on_a_quadratic_compares_lr_with_the_stability_limit():
    trace = optviz.run("sgd", "linear_regression", steps=200, hparams={"learning_rate": 1.2})
    found = {f.code: f for f in diagnose(trace)}
    assert trace.diverged_at is not None and {"diverged", "unstable_lr"} <= set(found)
    limit = 2 / trace.problem.max_curvature
    assert found["unstable_lr"].fields["limit"] == explain.num(limit)
    assert found["unstable_lr"].fields["lr"] == "1.2"
    assert found["diverged"].fields["step"] == str(trace.diverged_at)
    assert f"2/lambda_max = {explain.num(limit)}" in found["unstable_lr"].text


def test_divergence_with_momentum_and_adaptive_methods():
    momentum = optviz.run("momentum", "ill_conditioned", steps=300, hparams={"learning_rate": 2.0})
    assert {"diverged", "unstable_lr", "unstable_momentum"} <= set(codes(momentum))
    adam = optviz.run("adam", "booth", steps=300, hparams={"learning_rate": 10.0, "beta1": 0.0})
    if adam.diverged_at is not None:
        assert "unstable_effective" in codes(adam)
    rosen = optviz.run("sgd", "rosenbrock", steps=100, hparams={"learning_rate": 0.1})
    assert codes(rosen)[:2] == ["diverged", "diverged_nonquadratic"]


def test_convergence_stall_and_shrinking_steps():
    assert (
        codes(optviz.run("sgd", "linear_regression", steps=300, hparams={"learning_rate": 0.5}))[0]
        == "converged"
    )
    adagrad = optviz.run("adagrad", "linear_regression", steps=2000, hparams={"learning_rate": 0.01})
    assert "shrinking" in codes(adagrad) and {"stalled", "not_yet"} & set(codes(adagrad))
    slow = optviz.run("sgd", "linear_regression", steps=100, hparams={"learning_rate": 1e-6})
    assert "stalled" in codes(slow)
    assert codes(optviz.run("adam", "saddle", steps=100)) == ["unbounded"]


def test_every_finding_has_both_languages():
    strings = optviz.i18n.strings()
    for code, text in explain.EXPLAIN_TEXTS.items():
        en, zh = strings[f"explain.{code}"]
        fields = {
            name: "1" for name in __import__("string").Formatter().parse(text) for name in [name[1]] if name
        }
        assert en.format(**fields) and zh.format(**fields)


ADVICE_MORE = "try more steps or a larger learning rate"


def test_a_formula_problem_is_not_called_unbounded():
    """(x-1)**2 + 5*(y+2)**2 has a minimum; the app just does not know it: say that, with numbers."""
    problem = compile_formula("(x-1)**2 + 5*(y+2)**2")
    trace = optviz.run("adam", problem, steps=100, hparams={"learning_rate": 0.1})
    found = {f.code: f for f in diagnose(trace)}
    assert "unbounded" not in found
    unknown = found["minimum_unknown"]
    assert unknown.fields["start"] == explain.num(trace.loss[0])
    assert unknown.fields["best"] == explain.num(trace.loss.min())
    assert unknown.fields["step"] == str(int(np.argmin(trace.loss)))
    assert "unbounded" not in unknown.text and "no minimum" not in unknown.text
    assert codes(optviz.run("adam", "saddle", steps=100)) == ["unbounded"]  # the saddle truly is


def test_sgd_at_the_stability_limit_oscillates_forever():
    trace = optviz.run("sgd", "ill_conditioned", steps=100, hparams={"learning_rate": 0.5})  # 2/lambda_max
    found = {f.code: f for f in diagnose(trace)}
    assert "not_yet" not in found and not any(ADVICE_MORE in f.text for f in found.values())
    assert {"oscillating", "at_limit"} <= set(found)
    assert found["oscillating"].fields["flips"] == "100%"  # every update reverses the last one
    assert found["at_limit"].fields["factor"] == "-1"  # 1 - lr * lambda_max
    assert "smaller learning rate" in found["oscillating"].text


def test_lr_at_its_maximum_with_the_loss_above_its_start_is_not_told_to_grow():
    trace = optviz.run("sgd", "ackley", steps=100, hparams={"learning_rate": 10.0})  # the slider's maximum
    assert trace.loss[-1] > trace.loss[0] and trace.diverged_at is None
    found = {f.code: f for f in diagnose(trace)}
    assert not any("larger learning rate" in f.text for f in found.values())
    assert "loss_rose" in found and "smaller learning rate" in found["loss_rose"].text


def test_lr_at_its_maximum_still_moving_is_told_more_steps_only():
    trace = optviz.run("adadelta", "booth", steps=100, hparams={"learning_rate": 10.0})  # slow, at the max
    found = {f.code: f for f in diagnose(trace)}
    assert trace.diverged_at is None and trace.converged_at is None and trace.loss[-1] < trace.loss[0]
    assert "not_yet" not in found and not any("larger learning rate" in f.text for f in found.values())
    assert found["not_yet_lr_max"].fields["high"] == "10"


def test_an_oscillating_adam_is_not_still_moving():
    """Adam on Rastrigin bounces in a well: the loss goes up and down, the gap does not shrink."""
    trace = optviz.run("adam", "rastrigin", steps=200, hparams={"learning_rate": 1.0})
    found = {f.code: f for f in diagnose(trace)}
    assert "not_yet" not in found and "oscillating" in found, list(found)


def test_a_noisy_run_that_touched_the_tolerance_says_so():
    trace = optviz.run("adam", "linear_regression", steps=300, hparams={"learning_rate": 0.1}, grad_noise=1.0)
    found = {f.code: f for f in diagnose(trace)}
    assert trace.converged_at is None
    assert found["noisy_bounce"].fields["step"] == "171"
    assert "not_yet" not in found


def test_a_slow_steady_run_is_still_told_to_take_more_steps():
    trace = optviz.run("adam", "rosenbrock", steps=200, hparams={"learning_rate": 0.1})
    assert codes(trace) == ["not_yet"]
