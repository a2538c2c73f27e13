"""A visitor's formula: the grammar, exact gradients, window and start choices, limits and pickling."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz import formula
from optviz.formula import FUNCTIONS, FormulaError, compile_formula, parse_formula
from optviz.i18n import strings, t

RNG = np.random.default_rng(7)

# formula, NumPy loss, NumPy gradient (hand-derived), a box inside the domain
ACCEPTED = [
    ("x**2 + 10*sin(y)", lambda x, y: x**2 + 10 * np.sin(y), lambda x, y: (2 * x, 10 * np.cos(y)), 5),
    (
        "(1 - x)**2 + 100*(y - x**2)**2",
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
        2,
    ),
    ("x*y", lambda x, y: x * y, lambda x, y: (y, x), 5),
    ("3*x - y/4", lambda x, y: 3 * x - y / 4, lambda x, y: (3 + 0 * x, -0.25 + 0 * y), 5),
    ("-x**2 + +y**2", lambda x, y: -(x**2) + y**2, lambda x, y: (-2 * x, 2 * y), 5),
    ("x**(1/2) + y**2", lambda x, y: np.sqrt(x) + y**2, lambda x, y: (0.5 / np.sqrt(x), 2 * y), 0),
    ("2**x + y**2", lambda x, y: 2**x + y**2, lambda x, y: (np.log(2) * 2**x, 2 * y), 5),
    (
        "exp(-x**2 - y**2)",
        lambda x, y: np.exp(-(x**2) - y**2),
        lambda x, y: (-2 * x * np.exp(-(x**2) - y**2), -2 * y * np.exp(-(x**2) - y**2)),
        3,
    ),
    ("sin(pi*x)*cos(e*y)", lambda x, y: np.sin(np.pi * x) * np.cos(np.e * y),
     lambda x, y: (np.pi * np.cos(np.pi * x) * np.cos(np.e * y), -np.e * np.sin(np.pi * x) * np.sin(np.e * y)), 3),
    ("abs(x) + 2*abs(y)", lambda x, y: np.abs(x) + 2 * np.abs(y), lambda x, y: (np.sign(x), 2 * np.sign(y)), 5),
    ("log(x**2 + 1) + tanh(y)", lambda x, y: np.log(x**2 + 1) + np.tanh(y),
     lambda x, y: (2 * x / (x**2 + 1), 1 - np.tanh(y) ** 2), 5),
    ("sqrt(x**2 + y**2 + 1)", lambda x, y: np.sqrt(x**2 + y**2 + 1),
     lambda x, y: (x / np.sqrt(x**2 + y**2 + 1), y / np.sqrt(x**2 + y**2 + 1)), 5),
    ("1e-3*x**4 + 1E2*y**2", lambda x, y: 1e-3 * x**4 + 100 * y**2, lambda x, y: (4e-3 * x**3, 200 * y), 5),
]  # fmt: skip


@pytest.mark.parametrize("text, loss, grad, box", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_loss_and_exact_gradient_match_numpy(text, loss, grad, box):
    p = compile_formula(text)
    if box == 0:  # a domain of x > 0
        P = np.stack([RNG.uniform(0.1, 5, 200), RNG.uniform(-5, 5, 200)], axis=-1)
    else:
        P = RNG.uniform(-box, box, (200, 2))
    x, y = P[:, 0], P[:, 1]
    np.testing.assert_allclose(p.loss(P), loss(x, y), rtol=1e-12, atol=1e-12)
    gx, gy = grad(x, y)
    np.testing.assert_allclose(p.grad(P), np.stack([gx, gy], -1), rtol=1e-11, atol=1e-11)
    # Shapes: scalar point, batch of points, grid of points.
    assert p.loss(P[0]).shape == () and p.grad(P[0]).shape == (2,)
    assert p.loss(P.reshape(10, 20, 2)).shape == (10, 20)
    assert p.grad(P.reshape(10, 20, 2)).shape == (10, 20, 2)


ONE_ARG_DOMAIN = {"arcsin": 0.9, "arccos": 0.9, "asin": 0.9, "acos": 0.9}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_listed_function_differentiates_like_finite_differences(name):
    """Each whitelisted function builds, and its exact derivative agrees with central differences."""
    p = compile_formula(f"{name}(0.1*x + 0.2) + y**2")
    h = 1e-6
    for x in np.linspace(-ONE_ARG_DOMAIN.get(name, 3.0), ONE_ARG_DOMAIN.get(name, 3.0), 7):
        if name.startswith(("log", "ln", "sqrt")) and 0.1 * x + 0.2 <= 0.01:
            continue
        if name == "abs" and abs(0.1 * x + 0.2) < 1e-3:
            continue
        fd = (p.loss(np.array([x + h, 0.5])) - p.loss(np.array([x - h, 0.5]))) / (2 * h)
        assert p.grad(np.array([x, 0.5]))[0] == pytest.approx(fd, rel=1e-6, abs=1e-8)


# text, expected error code
REJECTED = [
    ("", "empty"),
    ("   ", "empty"),
    ("x" * 301, "too_long"),
    ("x^2", "caret"),
    ("2x", "syntax"),
    ("(x + y", "unclosed"),
    ("x +* y", "syntax"),
    ("x; y", "bad_character"),
    ("x\ny", "bad_character"),
    ("x² + y", "bad_character"),
    ("x\x00", "bad_character"),
    ("__import__('os').system('true')", "function"),
    ("open('/etc/passwd')", "function"),
    ("eval('1')", "function"),
    ("x.real", "construct"),
    ("(x).__class__", "construct"),
    ("sin.__globals__", "construct"),
    ("x.sin(y)", "function"),
    ("sin(x)(y)", "function"),
    ("[x, y]", "construct"),
    ("(x, y)", "construct"),
    ("{x: y}", "construct"),
    ("x[0]", "construct"),
    ("lambda: x", "construct"),
    ("x if y else 1", "construct"),
    ("x < y", "construct"),
    ("x and y", "construct"),
    ("not x", "operator"),
    ("~x", "operator"),
    ("x % 2", "operator"),
    ("x // 2", "operator"),
    ("x @ y", "operator"),
    ("x << 2", "operator"),
    ("x | y", "operator"),
    ("'x'", "literal"),
    ("b'x' + x", "literal"),
    ("True * x", "literal"),
    ("1j * x", "literal"),
    ("None", "literal"),
    ("...", "literal"),
    ("f'{x}'", "construct"),
    ("(z := x)", "construct"),
    ("[i for i in x]", "construct"),
    ("z + x", "name"),
    ("X + y", "name"),
    ("sin + x", "function_needs_call"),
    ("foo(x)", "function"),
    ("print(x)", "function"),
    ("sin(x, y)", "arity"),
    ("sin()", "arity"),
    ("sin(x=1)", "arity"),
    ("sin(*x)", "arity"),
    ("1e7 * x", "big_literal"),
    ("1e400 * x", "big_literal"),
    ("99999999999999999999999 * x", "big_literal"),
    ("x**17", "big_exponent"),
    ("x**-100", "big_exponent"),
    ("9**9**9", "big_exponent"),
    ("2**(3**4) * x", "big_exponent"),
    ("x / 0", "constant_undefined"),
    ("x / (1 - 1)", "constant_undefined"),
    ("log(0) + x", "constant_undefined"),
    ("sqrt(-1) * x", "constant_undefined"),
    ("(-8)**(1/3) * x", "constant_undefined"),
    ("exp(1000) * x", "constant_undefined"),
    ("exp(700) * exp(700) * x", "constant_undefined"),
    ("(-2)**x + y**2", "complex"),
    ("3", "constant"),
    ("pi * e", "constant"),
    ("x - x + 1", "constant"),
    ("sqrt(-(x**2 + y**2) - 1)", "undefined"),
    ("log(-x**2 - y**2)", "undefined"),
    ("tanh(1000 + x**2 + y**2)", "flat"),
    ("-" * 150 + "x", "too_many_nodes"),
    ("-" * 60 + "x", "too_deep"),
    ("(1+" * 40 + "x" + ")" * 40, "too_deep"),
    ("+".join(["x"] * 70), "too_many_nodes"),
    ("sin(" * 45 + "x" + ")" * 45, "too_deep"),
]  # fmt: skip


@pytest.mark.parametrize("text, code", REJECTED, ids=[f"{i}-{c}" for i, (_, c) in enumerate(REJECTED)])
def test_rejections_name_the_reason(text, code):
    with pytest.raises(FormulaError) as info:
        compile_formula(text)
    assert info.value.code == code, str(info.value)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert message and "{" not in message  # every field was filled in


def test_rejection_messages_give_the_column_and_the_allowed_names():
    with pytest.raises(FormulaError) as info:
        compile_formula("x**2 + z")
    assert info.value.fields["column"] == 8
    assert "unknown name 'z' at column 8" in str(info.value)
    assert "x, y, pi, e" in str(info.value)
    with pytest.raises(FormulaError) as info:
        compile_formula("x**2 + y^2")
    assert str(info.value).startswith("'^' at column 9")


def test_every_error_code_has_both_languages():
    """Every code raised anywhere in formula.py has an English and a Chinese message."""
    source = Path(formula.__file__).read_text(encoding="utf-8")
    import re

    codes = set(re.findall(r'FormulaError\(\s*"(\w+)"', source))
    assert len(codes) >= 25
    table = strings()
    for code in codes:
        en, zh = table[f"custom.formula.{code}"]
        assert en and zh and en != zh
        assert any("\u4e00" <= c <= "\u9fff" for c in zh)
    # The translated message of a raised error formats with its fields.
    with pytest.raises(FormulaError) as info:
        compile_formula("x**2 + z")
    assert "第 8 列" in t(f"custom.formula.{info.value.code}", "zh", **info.value.fields)


def test_length_depth_and_node_limits_sit_exactly_at_their_bounds():
    at_limit = "x+" * ((formula.MAX_LENGTH - 1) // 2) + "x"
    assert len(at_limit) <= formula.MAX_LENGTH
    with pytest.raises(FormulaError) as info:
        parse_formula(at_limit)  # length fine, node count over
    assert info.value.code == "too_many_nodes"
    # A sum of 30 terms is fine (each term 3 parts: a number, x, their product; plus the sums).
    parse_formula("+".join(f"{i}*x" for i in range(1, 31)))
    parse_formula("sin(" * 38 + "x" + ")" * 38)  # 39 calls deep plus the expression: at the limit
    with pytest.raises(FormulaError) as info:
        parse_formula("sin(" * 40 + "x" + ")" * 40)
    assert info.value.code == "too_deep"
    parse_formula("x" + " " * (formula.MAX_LENGTH - 1))  # trailing spaces are stripped
    assert parse_formula("x**16") and parse_formula("x**-16") and parse_formula("x**16.0")
    assert parse_formula("1e6*x") and parse_formula("-1e6*x")


def test_constant_powers_are_folded_into_one_number():
    """9**9 * x must never become an exact power tower: folded once, to 387420489."""
    p = compile_formula("9**9 * x + 2**0.5 * y**2")
    assert p.loss(np.array([1.0, 1.0])) == pytest.approx(387420489 + 2**0.5)
    assert "387420489" in p.latex


def test_automatic_window_and_start():
    p = compile_formula("x**2 + 10*sin(y)")
    assert p.window == ((-5.0, 5.0), (-5.0, 5.0))
    np.testing.assert_array_equal(p.start, [-3.0, 3.0])  # 20% across, 80% up
    assert p.key == "formula" and p.param_names == ("x", "y")
    assert p.min_loss is None and p.max_curvature is None and p.minima.shape == (0, 2)
    # Where the formula is defined only for x > 0 the window follows it, edges on finite points.
    p = compile_formula("log(x) + y**2")
    assert p.window == ((0.1, 5.0), (-5.0, 5.0))
    assert np.isfinite(p.loss(np.array([[0.1, -5.0], [5.0, 5.0]]))).all()
    # A disc: the window is its bounding box.
    p = compile_formula("sqrt(1 - x**2 - y**2)")
    assert p.window == ((-1.0, 1.0), (-1.0, 1.0))
    assert np.isfinite(p.loss(p.start)) and np.isfinite(p.grad(p.start)).all()
    # A start point where the gradient vanishes is skipped: -3 is not a stationary point of cos(pi x).
    p = compile_formula("cos(pi*x) + cos(pi*y)")
    assert np.abs(p.grad(p.start)).max() > 1e-9


def test_window_and_start_can_be_set():
    p = compile_formula("x**2 + y**2", window=((-1, 2), (-3, 4)), start=(0.5, -0.5))
    assert p.window == ((-1.0, 2.0), (-3.0, 4.0))
    np.testing.assert_array_equal(p.start, [0.5, -0.5])
    xs, ys, Z = p.contour_grid(11)
    assert xs[0] == -1 and xs[-1] == 2 and ys[0] == -3 and ys[-1] == 4
    assert Z[0, 0] == pytest.approx(1 + 9)


@pytest.mark.parametrize(
    "window, start, code",
    [
        (((1, 0), (0, 1)), None, "window_order"),
        (((0, 1), (2, 2)), None, "window_order"),
        (((0, float("nan")), (0, 1)), None, "window_range"),
        (((0, 1e9), (0, 1)), None, "window_range"),
        ((0, 1, 2), None, "bad_window"),
        ("abc", None, "bad_window"),
        (None, (1.0,), "bad_start"),
        (None, (float("inf"), 0), "bad_start"),
        (None, "xy", "bad_start"),
        (None, (1e7, 0), "start_outside"),  # the true reason: |start| > PARAM_BOUND
    ],
)
def test_bad_window_or_start(window, start, code):
    with pytest.raises(FormulaError) as info:
        compile_formula("x**2 + y**2", window=window, start=start)
    assert info.value.code == code


def test_start_where_the_formula_is_undefined():
    with pytest.raises(FormulaError) as info:
        compile_formula("log(x) + y**2", start=(-1, 0))
    assert info.value.code == "start_undefined"
    assert "(-1, 0)" in str(info.value)


def test_too_slow_formulas_are_rejected(monkeypatch):
    monkeypatch.setattr(formula, "EVAL_BUDGET_S", 0.0)
    with pytest.raises(FormulaError) as info:
        compile_formula("x**2 + y**2 + 1")
    assert info.value.code == "too_slow"


def test_pickle_round_trip_keeps_the_problem():
    p = compile_formula("x**2 + 10*sin(y)", window=((-2, 3), (-1, 1)), start=(1, 0.5))
    q = pickle.loads(pickle.dumps(p))
    assert type(q) is type(p) and q.text == p.text and q.window == p.window
    np.testing.assert_array_equal(q.start, p.start)
    P = RNG.uniform(-2, 2, (50, 2))
    np.testing.assert_array_equal(q.loss(P), p.loss(P))
    np.testing.assert_array_equal(q.grad(P), p.grad(P))


def test_run_and_sweep_on_a_formula():
    p = compile_formula("(x - 1)**2 + 2*(y + 0.5)**2")
    trace = optviz.run("adam", p, steps=2000, hparams={"learning_rate": 0.05})
    np.testing.assert_allclose(trace.params[-1], [1.0, -0.5], atol=1e-3)
    assert trace.converged_at is None  # no known minimum
    res = optviz.sweep("adam", p, steps=300, grid={"learning_rate": [0.01, 0.1]})
    for i, lr in enumerate([0.01, 0.1]):
        single = optviz.run("adam", p, steps=300, hparams={"learning_rate": lr})
        assert res.final_loss[i] == single.final_loss


def test_runs_stop_where_the_formula_stops_being_defined():
    """sqrt(x) walks to x = 0 and beyond: the run stops there and records only finite rows."""
    p = compile_formula("sqrt(x) + y**2", start=(1.0, 1.0))
    trace = optviz.run("sgd", p, steps=500, hparams={"learning_rate": 0.5})
    assert trace.diverged_at is not None
    for arr in (trace.params, trace.loss, trace.grads, *trace.state.values()):
        assert np.isfinite(arr).all()


def test_latex_and_gradient_latex():
    p = compile_formula("x**2 + 10*sin(y)")
    assert p.latex == r"x^{2} + 10 \sin{\left(y \right)}"
    assert p.gradient_latex == ("2 x", r"10 \cos{\left(y \right)}")
    assert p.name == "f(x, y) = x**2 + 10*sin(y)"


def test_caret_and_tabs_are_rejected_even_in_valid_looking_text():
    for text in ("x**2\t+ y", "x ^ y"):
        with pytest.raises(FormulaError):
            compile_formula(text)


def test_non_text_input():
    for value in (None, 3, b"x", ["x"]):
        with pytest.raises(FormulaError) as info:
            compile_formula(value)
        assert info.value.code == "not_text"


# --- the page controls (webui/custom_problem.py) -----------------------------------------------
def _formula_page():
    import streamlit as st

    from webui.custom_problem import custom_problem_controls

    problem = custom_problem_controls("formula", st.query_params.get("lang", "en"))
    if problem is not None:
        st.text(f"window={problem.window} start={tuple(float(v) for v in problem.start)}")


def _page(query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_formula_page, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def test_page_shows_the_default_formula_and_its_gradient():
    at = _page()
    assert not at.exception and not at.error
    assert at.latex[0].value.strip("$\n") == r"f(x, y) = x^{2} + 10 \sin{\left(y \right)}"
    assert [x.value.strip("$\n") for x in at.latex[1:]] == [
        r"\frac{\partial f}{\partial x} = 2 x",
        r"\frac{\partial f}{\partial y} = 10 \cos{\left(y \right)}",
    ]
    assert at.text[0].value == "window=((-5.0, 5.0), (-5.0, 5.0)) start=(-3.0, 3.0)"


def test_page_rejects_bad_formulas_with_a_message_not_a_traceback():
    at = _page()
    at.text_input(key="custom_f").set_value("x**2 + z").run()
    assert not at.exception and not at.text
    assert at.error[0].value == (
        "This formula cannot be used: unknown name '`z`' at column 8; allowed names: `x, y, pi, e`"
    )
    at.text_input(key="custom_f").set_value("log(x) + y**2").run()
    assert not at.error and at.text[0].value == "window=((0.1, 5.0), (-5.0, 5.0)) start=(1.08, 3.0)"


def test_page_window_and_start_fill_missing_boxes_automatically():
    at = _page()
    at.number_input(key="custom_x0").set_value(-1.0).run()  # the start follows the window
    assert at.text[0].value == "window=((-1.0, 5.0), (-5.0, 5.0)) start=(0.2, 3.0)"
    at.number_input(key="custom_sy").set_value(0.5).run()
    assert at.text[0].value == "window=((-1.0, 5.0), (-5.0, 5.0)) start=(0.2, 0.5)"
    at.number_input(key="custom_x1").set_value(-2.0).run()  # x to < x from
    assert not at.exception and "x from < x to" in at.error[0].value


def test_page_reads_the_formula_from_the_url_in_chinese():
    at = _page({"custom_f": "__import__('os').system('true')", "lang": "zh"})
    assert not at.exception
    assert at.error[0].value.startswith("无法使用此公式：第 1 列的“`.system`”不是允许的函数")
    at = _page({"custom_f": "x*y", "custom_sx": "1", "custom_sy": "2"})
    assert not at.error and at.text[0].value.endswith("start=(1.0, 2.0)")
    assert at.text_input(key="custom_f").value == "x*y"


@pytest.mark.parametrize(
    ("text", "code", "column"),
    [
        ("x**2 +", "syntax_end", 6),  # the formula stops after the operator at column 6
        ("x + y*", "syntax_end", 6),
        ("x + (y - 1", "unclosed", 5),  # the bracket that is never closed
        ("x + y)", "unmatched", 6),
        ("x + 2y", "syntax", 5),  # 2y: the number the parser choked on
        ("x + @", "syntax", 5),
    ],
)
def test_syntax_errors_name_the_true_column(text, code, column):
    """Not "near column 1" for every slip: the column of the offending token, or the end."""
    with pytest.raises(FormulaError) as info:
        compile_formula(text)
    assert (info.value.code, info.value.fields["column"]) == (code, column), str(info.value)
    assert f"column {column}" in str(info.value)
