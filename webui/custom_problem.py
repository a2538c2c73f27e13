"""Controls for a visitor's own problem: a typed formula (bound to the URL) or an uploaded CSV.

``custom_problem_controls(kind, lang)`` draws the controls of ``kind`` ("formula" or "csv") and
returns the problem, or None (after showing why) when there is none yet or the input is rejected.
Widget keys start with ``custom`` (the Playground's URL parser leaves those alone). Uploaded bytes
stay in memory: Streamlit keeps uploads in memory and ``optviz.upload`` parses them from bytes.
"""

from __future__ import annotations

import streamlit as st

import optviz
from optviz import formula, upload
from optviz.formula import FormulaProblem
from optviz.i18n import t
from optviz.upload import CsvError
from webui.ui import message, plain

DEFAULT_FORMULA = "x**2 + 10*sin(y)"
FORMULA_KEY = "custom_f"
#: Window (x from, x to, y from, y to) and start (x, y) inputs; empty means "choose automatically".
WINDOW_KEYS = ("custom_x0", "custom_x1", "custom_y0", "custom_y1")
START_KEYS = ("custom_sx", "custom_sy")
CSV_KEY = "custom_csv"
CACHE_ENTRIES = 32


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _compile(
    text: str,
    window: tuple[tuple[float, float], tuple[float, float]] | None,
    start: tuple[float, float] | None,
) -> FormulaProblem:
    return formula.compile_formula(text, window=window, start=start)


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _load_csv(data: bytes) -> optviz.LinearRegression:
    return upload.load_regression(data)


def _message(error: ValueError, area: str, lang: str) -> str:
    """A rejection in the visitor's language (the English text for errors without a code). What it
    quotes from the formula or the file is shown literally (``ui.plain``), never as markdown."""
    code = getattr(error, "code", None)
    key = f"custom.{area}.{code}"
    if code and key in optviz.i18n.strings():
        return message(key, lang, **error.fields)
    return plain(error)


def _number(key: str, label: str, placeholder: str) -> float | None:
    return st.number_input(
        label, value=None, key=key, bind="query-params", placeholder=placeholder, format="%g", step=0.5
    )


def formula_controls(lang: str) -> FormulaProblem | None:
    """The formula box, its window and start point, the formula and its gradient in LaTeX."""
    text = st.text_input(
        t("custom.formula.label", lang),
        value=DEFAULT_FORMULA,
        key=FORMULA_KEY,
        bind="query-params",
        max_chars=formula.MAX_LENGTH,
        help=t("custom.formula.help", lang, functions=", ".join(formula.FUNCTIONS)),
    )
    auto = t("custom.formula.auto", lang)
    with st.expander(t("custom.formula.window", lang)):
        st.caption(t("custom.formula.window_help", lang))
        cols = st.columns(4)
        labels = ("x_min", "x_max", "y_min", "y_max")
        bounds = []
        for col, key, label in zip(cols, WINDOW_KEYS, labels):
            with col:
                bounds.append(_number(key, t(f"custom.formula.{label}", lang), auto))
        cols = st.columns(4)
        start = []
        for col, key, label in zip(cols, START_KEYS, ("start_x", "start_y")):
            with col:
                start.append(_number(key, t(f"custom.formula.{label}", lang), auto))
    try:
        problem = _compile(text or "", None, None)
        if any(v is not None for v in bounds):  # missing boxes keep their automatic values
            auto_window = (*problem.window[0], *problem.window[1])
            x0, x1, y0, y1 = (a if v is None else float(v) for v, a in zip(bounds, auto_window))
            problem = _compile(problem.text, ((x0, x1), (y0, y1)), None)
        if any(v is not None for v in start):
            sx, sy = (float(a if v is None else v) for v, a in zip(start, problem.start))
            problem = _compile(problem.text, problem.window, (sx, sy))
    except ValueError as error:
        st.error(t("custom.formula.rejected", lang, message=_message(error, "formula", lang)))
        return None
    st.latex(f"f(x, y) = {problem.latex}")
    gx, gy = problem.gradient_latex
    with st.expander(t("custom.formula.gradient", lang)):
        st.latex(rf"\frac{{\partial f}}{{\partial x}} = {gx}")
        st.latex(rf"\frac{{\partial f}}{{\partial y}} = {gy}")
    st.caption(t("custom.formula.no_minimum", lang))
    return problem


def csv_controls(lang: str) -> optviz.LinearRegression | None:
    """The CSV uploader; the fitted problem once a valid file is there."""
    megabytes = max(1, upload.MAX_BYTES // 1_000_000)
    uploaded = st.file_uploader(
        t("custom.csv.label", lang),
        type=["csv", "txt"],
        key=CSV_KEY,
        max_upload_size=megabytes,
        help=t("custom.csv.help", lang, rows=f"{upload.MAX_ROWS:,}", megabytes=megabytes),
    )
    if uploaded is None:
        st.info(t("custom.csv.waiting", lang))
        return None
    try:
        problem = _load_csv(uploaded.getvalue())
    except CsvError as error:
        st.error(t("custom.csv.rejected", lang, message=_message(error, "csv", lang)))
        return None
    w, b = problem.minima[0]
    st.caption(t("custom.csv.loaded", lang, n=problem.n, w=w, b=b))
    return problem


def custom_query(kind: str) -> dict[str, str]:
    """The inputs of the custom problem ``kind`` as URL parameters, for the share link: the formula
    (always, the default one too) and the window and start boxes that are filled in. Their widgets are
    bound to the address bar by Streamlit, but the page builds the share link itself."""
    if kind != "formula":
        return {}  # an uploaded CSV cannot travel in a link
    state = st.session_state
    out = {FORMULA_KEY: state.get(FORMULA_KEY) or DEFAULT_FORMULA}
    for key in (*WINDOW_KEYS, *START_KEYS):
        value = state.get(key)
        if value is not None:
            out[key] = f"{float(value):.15g}"
    return out


def custom_problem_controls(kind: str, lang: str) -> optviz.Problem | None:
    """Controls for a custom problem of ``kind`` ("formula" or "csv"); the problem, or None."""
    if kind == "formula":
        return formula_controls(lang)
    if kind == "csv":
        return csv_controls(lang)
    st.error(t("custom.unknown_kind", lang, kind=plain(kind)))
    return None
