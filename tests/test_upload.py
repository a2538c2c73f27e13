"""A visitor's CSV of (x, y) points: accepted layouts, rejections with line numbers, limits, memory only."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz import upload
from optviz.i18n import strings, t
from optviz.upload import CsvError, load_regression, read_points

# file contents, expected x, expected y
ACCEPTED = [
    ("1,2\n3,4\n", [1, 3], [2, 4]),
    ("x,y\n1,2\n3,4\n", [1, 3], [2, 4]),
    ("hours;score\n1;2\n3;4", [1, 3], [2, 4]),
    ("x\ty\n1\t2\n3\t4\n", [1, 3], [2, 4]),
    ("\ufeffx,y\r\n1,2\r\n3,4\r\n", [1, 3], [2, 4]),  # BOM and Windows line ends
    ("# a comment\n\nx,y\n\n1, 2\n  3 ,4  \n# end\n", [1, 3], [2, 4]),
    ("-1.5e2,+.5\n2.,-3E-1\n", [-150, 2], [0.5, -0.3]),
    ("1e6,-1e6\n-1e6,1e6\n", [1e6, -1e6], [-1e6, 1e6]),
    ("0,0\n0,1\n1,0\n", [0, 0, 1], [0, 1, 0]),
]


@pytest.mark.parametrize("text, xs, ys", ACCEPTED)
def test_accepted_files(text, xs, ys):
    for data in (text, text.encode("utf-8")):
        x, y = read_points(data)
        np.testing.assert_array_equal(x, xs)
        np.testing.assert_array_equal(y, ys)


def test_regression_on_an_upload_is_the_least_squares_line():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 5, 500)
    y = -2.0 * x + 7.0 + 0.3 * rng.standard_normal(500)
    text = "x,y\n" + "\n".join(f"{a!r},{b!r}" for a, b in zip(x.tolist(), y.tolist()))
    problem = load_regression(text.encode())
    assert isinstance(problem, optviz.LinearRegression)
    assert problem.n == 500 and problem.param_names == ("w", "b")
    np.testing.assert_allclose(problem.minima[0], np.polyfit(x, y, 1), rtol=1e-10)
    trace = optviz.run("adam", problem, steps=3000, hparams={"learning_rate": 0.05})
    np.testing.assert_allclose(trace.params[-1], problem.minima[0], atol=1e-3)


# file contents, expected code, expected line (None for whole-file problems)
REJECTED = [
    (b"", "empty", None),
    (b"  \n\n ", "empty", None),
    (b"x,y\n", "too_few_rows", None),
    (b"x,y\n1,2\n", "too_few_rows", None),
    (b"1,2\n1,3\n1,4\n", "same_x", None),
    (b"1,2\x00\n3,4\n", "binary", None),
    (b"x,y\n1,2\n\xff\xfe,3\n", "encoding", 3),
    (b"1 2\n3 4\n", "separator", 1),
    (b"x,y,z\n1,2,3\n", "columns", 1),
    (b"x,y\n1,2\n3,4,5\n", "columns", 3),
    (b"x,y\n1,2\n3\n", "columns", 3),
    (b"x,y\n1,2\n3;4\n", "columns", 3),
    (b"x,y\n1,2\nabc,4\n", "not_number", 3),
    (b"x,y\n1,2\n3,\n", "not_number", 3),
    (b"x,y\n1,two\n", "not_number", 2),
    (b"x,y\n1,nan\n2,3\n", "not_number", 2),
    (b"x,y\n1,inf\n2,3\n", "not_number", 2),
    (b"x,y\n1,-Infinity\n2,3\n", "not_number", 2),
    (b"x,y\n1_000,2\n2,3\n", "not_number", 2),
    (b"x,y\n0x10,2\n2,3\n", "not_number", 2),
    ("x,y\n\u0663,2\n2,3\n".encode(), "not_number", 2),  # an Arabic-Indic digit
    (b"x,y\n1,2\n2,1e400\n", "too_large", 3),
    (b"x,y\n1,2\n2,1e7\n", "too_large", 3),
    (b"x,y\nx,y\n1,2\n", "not_number", 2),  # a second header
    (b"1,2\nx,y\n3,4\n", "not_number", 2),
    (b"\n\n# c\nx,y\n\n5,6\n7,oops\n", "not_number", 7),  # blank and comment lines still count
]


@pytest.mark.parametrize(
    "data, code, line", REJECTED, ids=[f"{i}-{c}" for i, (_, c, _) in enumerate(REJECTED)]
)
def test_rejections_say_what_and_where(data, code, line):
    with pytest.raises(CsvError) as info:
        load_regression(data)
    assert info.value.code == code, str(info.value)
    assert info.value.line == line
    message = str(info.value)
    assert "{" not in message
    if line is not None:
        assert message.startswith(f"line {line}: ")


def test_message_quotes_the_bad_cell_safely():
    with pytest.raises(CsvError) as info:
        read_points(b"x,y\n1,2\n<script>alert(1)</script>" + b"a" * 50 + b",3\n")
    message = str(info.value)
    assert message == "line 3: the x value '<script>alert(1)</sc...' is not a number"
    with pytest.raises(CsvError) as info:
        read_points(b"x,y\n1,\x1b[31m\n")
    assert "\x1b" not in str(info.value)


def test_size_limits(monkeypatch):
    big = b"1,2\n" * (upload.MAX_BYTES // 4 + 1)
    with pytest.raises(CsvError) as info:
        read_points(big)
    assert info.value.code == "too_big"
    assert f"{len(big)} bytes" in str(info.value)
    monkeypatch.setattr(upload, "MAX_ROWS", 5)
    rows = b"x,y\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(6))
    with pytest.raises(CsvError) as info:
        read_points(rows)
    assert (info.value.code, info.value.line) == ("too_many_rows", 7)
    x, _ = read_points(b"x,y\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(5)))
    assert len(x) == 5


def test_limits_of_the_real_configuration():
    """The default caps allow MAX_ROWS short rows inside MAX_BYTES."""
    rows = b"".join(b"%d,1\n" % (i % 10) for i in range(upload.MAX_ROWS))
    assert len(rows) <= upload.MAX_BYTES
    x, _ = read_points(rows)
    assert len(x) == upload.MAX_ROWS
    with pytest.raises(CsvError) as info:
        read_points(rows + b"1,1\n")
    assert info.value.code == "too_many_rows"


def test_non_bytes_input():
    for value in (None, 3, ["1,2"]):
        with pytest.raises(CsvError) as info:
            read_points(value)
        assert info.value.code == "not_bytes"


def test_uploads_never_touch_the_disk():
    """No file is opened while a CSV is read and fitted (an audit hook sees every open)."""
    # Python loads the codecs and modules an upload needs the first time anything in the process uses
    # them (a .pyc read from disk, whatever test ran before): one read first, then the audited ones
    load_regression(b"x,y\n1,3\n2,5\n")
    with pytest.raises(CsvError):
        load_regression(b"x,y\n1,a\n")
    opened: list[tuple] = []
    active = [True]

    def hook(event, args):
        if active[0] and event in ("open", "os.open", "tempfile.mkstemp", "tempfile.mkdtemp"):
            opened.append((event, args[:2]))

    sys.addaudithook(hook)
    try:
        data = b"x,y\n" + b"".join(b"%d,%d\n" % (i, 2 * i + 1) for i in range(1000))
        problem = load_regression(data)
        with pytest.raises(CsvError):
            load_regression(b"x,y\n1,a\n")
    finally:
        active[0] = False
    assert opened == []
    np.testing.assert_allclose(problem.minima[0], [2.0, 1.0], atol=1e-9)


def test_every_error_code_has_both_languages():
    import re

    source = Path(upload.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'CsvError\(\s*"(\w+)"', source))
    assert len(codes) >= 12
    for code in codes:
        en, zh = strings()[f"custom.csv.{code}"]
        assert en and zh and any("\u4e00" <= c <= "\u9fff" for c in zh)
    with pytest.raises(CsvError) as info:
        read_points(b"x,y\n1,2\nabc,4\n")
    assert t("custom.csv.not_number", "zh", **info.value.fields) == "第 3 行：x 值“abc”不是数字"


# --- the page control (webui/custom_problem.py) ------------------------------------------------
def _csv_page():
    import streamlit as st

    from webui.custom_problem import custom_problem_controls

    problem = custom_problem_controls("csv", st.query_params.get("lang", "en"))
    if problem is not None:
        st.text(f"n={problem.n} minimum={problem.minima[0].round(6).tolist()}")


def _upload(content: bytes, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_csv_page, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception and at.info  # waiting for a file
    at.file_uploader(key="custom_csv").upload("points.csv", content, "text/csv").run()
    assert not at.exception
    return at


def test_page_fits_an_uploaded_file():
    at = _upload(b"x,y\n0,1\n1,3\n2,5\n")
    assert at.text[0].value == "n=3 minimum=[2.0, 1.0]"
    assert at.caption[-1].value == "3 points loaded; least-squares line w = 2, b = 1."


def test_page_explains_a_bad_file_in_the_visitors_language():
    at = _upload(b"x,y\n0,1\n1,oops\n")
    assert not at.text
    assert at.error[0].value == "This file cannot be used: line 3: the `y` value '`oops`' is not a number"
    at = _upload(b"x,y\n0,1\n1,oops\n", lang="zh")
    assert at.error[0].value == "无法使用此文件：第 3 行：`y` 值“`oops`”不是数字"


def test_unknown_kind_is_an_error_message():
    from streamlit.testing.v1 import AppTest

    def page():
        from webui.custom_problem import custom_problem_controls

        custom_problem_controls("spreadsheet", "en")

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception and at.error[0].value == "Unknown kind of custom problem: `spreadsheet`"
