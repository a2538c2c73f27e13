"""Nothing a visitor typed is ever markup, and no page ever shows a traceback (issue 10, items 5-7).

Streamlit renders every message (st.warning, st.error, ...) as markdown. Each message that quotes a
visitor's text (URL keys and values, Compare's ``opts=``, formulas, CSV cells, error texts that quote
them) must show that text literally: these tests drive each one with link, image, HTML, LaTeX,
``:color[]``, emphasis and autolink syntax and read the markdown body the browser would get. The
real-browser side (no <a>/<img>, no request leaves) is in tests/e2e/test_hardening.py.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from optviz import upload
from optviz.i18n import t

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120

#: Markup a visitor can put in a link, a formula or a file (each under the 40-character URL quote limit).
PAYLOADS = [
    "[click me](https://example.com)",
    "![x](https://example.com/x.png)",
    ":red[alarm] **bold** __b__",
    r"$\frac{1}{0}$ $$x$$",
    "<img src=https://example.com/i.png>",
    "a\\`b`` \\[x\\]\nline2",
    "www.example.com",
]
#: What a rendered message must not contain outside code spans (where markdown is inactive).
ACTIVE = ["](", "![", "<", ">", "$", ":red[", "**", "__", "http", "www.", "\\", "\n\n#"]


def split_code(body: str) -> tuple[str, list[str]]:
    """A markdown body split as CommonMark does: (the text outside code spans, each span's content).
    A run of n backticks opens a span closed by the next run of exactly n; line endings inside become
    spaces; one space is stripped from each end when both ends are spaces (and not all are)."""
    outside, spans, i = [], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):  # an escaped character never opens a span
            outside.append(body[i : i + 2])
            i += 2
            continue
        if body[i] != "`":
            outside.append(body[i])
            i += 1
            continue
        j = i
        while j < len(body) and body[j] == "`":
            j += 1
        n, k, close = j - i, j, None
        while k < len(body):
            if body[k] != "`":
                k += 1
                continue
            m = k
            while m < len(body) and body[m] == "`":
                m += 1
            if m - k == n:
                close = (k, m)
                break
            k = m
        if close is None:
            outside.append(body[i:j])
            i = j
            continue
        content = body[j : close[0]].replace("\r\n", " ").replace("\n", " ")
        if content[:1] == content[-1:] == " " and content.strip():
            content = content[1:-1]
        spans.append(content)
        i = close[1]
    return "".join(outside), spans


def shown(text: str) -> str:
    """What a code span should show for ``text``: line breaks as '↵'."""
    return text.replace("\n", "↵")


def assert_literal(body: str, payload: str) -> None:
    """``payload`` appears in ``body`` only as the content of a code span, and no markup is active."""
    outside, spans = split_code(body)
    for marker in ACTIVE:
        assert marker not in outside, f"{marker!r} is markdown in {body!r}"
    assert any(shown(payload) in s.replace("\u200b", "") for s in spans), (payload, spans)


# --- the helper ----------------------------------------------------------------------------------------
TRICKY = [
    *PAYLOADS, "`", "``", "`x`", " `x` ", "a ``` b", " a ", "  ", "", "x\r\ny", "\\", "tab\there",
    "$", "<b>", "&amp;", "| a | b |", "# h", "- item", "1. item", "> q", ":material/home:", ":smile:",
]  # fmt: skip


@pytest.mark.parametrize("text", TRICKY)
def test_plain_is_one_code_span_showing_the_text(text):
    from webui.ui import plain

    outside, spans = split_code("said " + plain(text) + " here")
    assert outside == "said  here" and len(spans) == 1
    if text.strip():
        assert spans[0].replace("\u200b", "") == shown(text.replace("\r\n", "\n"))
    else:
        assert spans[0].strip() == ""


def test_plain_hides_control_and_direction_characters():
    from webui.ui import plain

    outside, spans = split_code(plain("a\u202eb\x1b[31mc\x00"))
    assert outside == "" and spans == ["a\ufffdb\ufffd[31mc\ufffd"]


def _codes(module, error: str) -> set[str]:
    import re

    return set(re.findall(error + r'\(\s*"(\w+)"', Path(module.__file__).read_text(encoding="utf-8")))


def test_every_message_that_quotes_input_shows_every_field_literally():
    """Every template a visitor's text can reach, in both languages, with every field set to each
    payload: each payload lands whole inside its own code span and adds nothing outside them."""
    import string

    from optviz import app_state, formula
    from optviz.i18n import strings
    from webui.ui import message

    keys = [f"state.warn.{code}" for code in app_state.WARNING_TEXTS]
    keys += [f"custom.formula.{code}" for code in _codes(formula, "FormulaError")]
    keys += [f"custom.csv.{code}" for code in _codes(upload, "CsvError")]
    keys += ["custom.formula.rejected", "custom.csv.rejected", "custom.unknown_kind", "compare.error"]
    keys += ["sweep.error", "playground.bad_problem", "playground.bad_run"]
    assert len(keys) > 50 and all(k in strings() for k in keys)
    checked = 0
    for key in keys:
        for lang in ("en", "zh"):
            uses = [f for _, f, _, _ in string.Formatter().parse(t(key, lang)) if f]
            # the template's own text, with each field a harmless word
            template, _ = split_code(message(key, lang, **dict.fromkeys(uses, "x")))
            for payload in PAYLOADS:
                body = message(key, lang, **dict.fromkeys(uses, payload))
                outside, spans = split_code(body)
                assert outside == template, (key, lang, body)  # the payload adds nothing outside code
                assert spans == [shown(payload)] * len(uses), (key, lang, body)
                checked += 1
    assert checked == len(keys) * 2 * len(PAYLOADS)


# --- URL warnings: values, keys, Compare's opts, Sweep's keys -------------------------------------------
def _run(path: str | None, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = value
    if path:
        at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_playground_url_values_and_keys_are_shown_literally(payload):
    at = _run(None, {"opt": payload, "learning_rate": payload, payload: "1", "steps": "5"})
    body = at.warning[0].value
    assert body.startswith(t("ui.url_fixed", "en"))
    lines = body.split("\n")[2:]
    assert len(lines) == 3, body
    for line in lines:
        assert_literal(line, payload)


def test_compare_opts_and_sweep_keys_are_shown_literally():
    cheap = {"steps": "5", "problem": "booth"}
    at = _run("pages/compare.py", {**cheap, "opts": "adam,sgd," + ",".join(PAYLOADS[:5])})
    lines = at.warning[0].value.split("\n")[2:]
    assert len(lines) == 5
    for line, payload in zip(lines, PAYLOADS[:5]):
        assert_literal(line, "opts=" + payload.lower())
    at = _run("pages/sweep.py", {**cheap, "res": "2", "sens": "sgd", PAYLOADS[0]: "1", PAYLOADS[1]: "2"})
    lines = at.warning[0].value.split("\n")[2:]
    assert len(lines) == 2
    for line, payload in zip(lines, PAYLOADS[:2]):
        assert_literal(line, payload)


def test_a_chinese_warning_quotes_literally_too():
    at = _run(None, {"lang": "zh", "opt": PAYLOADS[1]})
    line = at.warning[0].value.split("\n")[2]
    assert line.startswith("- 未知的 ")
    assert_literal(line, PAYLOADS[1])


# --- formula and CSV rejections -----------------------------------------------------------------------
def _custom_page():
    import streamlit as st

    from webui.custom_problem import custom_problem_controls

    custom_problem_controls(st.query_params.get("kind", "formula"), st.query_params.get("lang", "en"))


@pytest.mark.parametrize(
    "formula, quoted",
    [("__bold__*x + y", "__bold__"), ("x + y*__import__", "__import__"), ("x**2 + _it_*y", "_it_")],
)
def test_formula_rejections_quote_the_formula_literally(formula, quoted):
    at = AppTest.from_function(_custom_page, default_timeout=TIMEOUT)
    at.query_params["custom_f"] = formula
    at.run()
    assert not at.exception
    body = at.error[0].value
    assert body.startswith("This formula cannot be used: unknown name ")
    assert_literal(body, quoted)


@pytest.mark.parametrize("cell", ["![i](http://e.co/a)", "[a](http://e.co)", ":red[x] **y**", "<b>x</b>"])
def test_csv_rejections_quote_the_file_literally(cell):
    at = AppTest.from_function(_custom_page, default_timeout=TIMEOUT)
    at.query_params["kind"] = "csv"
    at.run()
    data = b"x,y\n1,2\n" + cell.encode() + b",3\n"
    at.file_uploader(key="custom_csv").upload("points.csv", data, "text/csv").run()
    assert not at.exception
    body = at.error[0].value
    assert body.startswith("This file cannot be used: line 3: the `x` value ")
    assert_literal(body, cell)


def test_a_file_between_the_documented_cap_and_the_servers_is_refused_by_the_app():
    """The server admits up to 1 MiB (maxUploadSize = 1); the app's own cap is 1,000,000 bytes."""
    at = AppTest.from_function(_custom_page, default_timeout=TIMEOUT)
    at.query_params["kind"] = "csv"
    at.run()
    data = b"1,2\n" * 255_000
    assert upload.MAX_BYTES < len(data) <= 1024 * 1024
    at.file_uploader(key="custom_csv").upload("big.csv", data, "text/csv").run()
    assert not at.exception
    assert (
        at.error[0].value
        == "This file cannot be used: the file has 1020000 bytes; at most 1000000 are allowed"
    )


# --- error texts that quote a visitor's values --------------------------------------------------------
PAYLOAD_ERROR = "bad value [click me](https://example.com) ![x](https://example.com/x.png) $x$ <b>"


def _raise(*args, **kwargs):
    raise ValueError(PAYLOAD_ERROR)


def _assert_error_is_literal(at: AppTest, prefix: str) -> None:
    assert not at.exception, at.exception
    body = at.error[0].value
    assert body.startswith(prefix), body
    outside, spans = split_code(body)
    assert spans == [PAYLOAD_ERROR] and not any(m in outside for m in ACTIVE), body


def test_page_errors_quote_the_error_literally(monkeypatch):
    import optviz
    import optviz.compare
    from webui import memo, ui

    st.cache_data.clear()
    memo.clear_all()  # the shared runs (the Playground's and the Compare page's) are not in st.cache_data
    monkeypatch.setattr(ui, "cached_run", _raise)
    _assert_error_is_literal(_run(None, {"steps": "6"}), "This run cannot start: ")
    monkeypatch.setattr(optviz.compare, "compare", _raise)
    at = _run("pages/compare.py", {"steps": "6", "problem": "booth", "opts": "adam,sgd"})
    _assert_error_is_literal(at, "These settings cannot run: ")
    monkeypatch.setattr(optviz, "sweep", _raise)
    at = _run("pages/sweep.py", {"steps": "6", "problem": "booth", "res": "2", "sens": ""})
    _assert_error_is_literal(at, "This sweep cannot run: ")


# --- no traceback, ever ----------------------------------------------------------------------------------
SECRET = "boom in /srv/secret/path.py"


def _crash(*args, **kwargs):
    raise RuntimeError(SECRET)


def _all_text(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "error", "warning", "info", "text", "code", "title", "exception"):
        parts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unexpected_error_becomes_a_message_and_a_reset_button(monkeypatch, caplog, lang):
    import optviz.explain

    monkeypatch.setattr(optviz.explain, "diagnose", _crash)
    caplog.set_level(logging.ERROR, logger="optviz.webui")
    at = _run(None, {"lang": lang, "opt": "lion", "steps": "17"})
    assert not at.exception and not at.get("exception")
    assert at.error[0].value == t("app.error", lang)
    text = _all_text(at)
    assert SECRET not in text and "Traceback" not in text and "RuntimeError" not in text
    # the traceback went to the server log
    records = [r for r in caplog.records if r.name == "optviz.webui"]
    assert records and records[0].exc_info and SECRET in str(records[0].exc_info[1])
    # the reset button reopens the page from its defaults, in the same language
    monkeypatch.undo()
    button = at.button(key="app.reset")
    assert button.label == t("app.error.reset", lang)
    button.click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="pg.opt").value == "adam" and at.query_params.get("opt") != ["lion"]
    assert at.session_state["lang"] == lang


def _control_flow_page():
    import streamlit as st

    from webui.shell import page_guard

    st.session_state.runs = st.session_state.get("runs", 0) + 1
    with page_guard():
        if st.session_state.runs == 1:
            st.rerun()
        st.text("before stop")
        st.stop()
        st.text("after stop")  # never drawn


def test_the_guard_lets_rerun_and_stop_through():
    at = AppTest.from_function(_control_flow_page, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error
    assert at.session_state.runs == 2
    assert [e.value for e in at.text] == ["before stop"]


# --- server settings --------------------------------------------------------------------------------
def test_server_settings_hide_tracebacks_and_cap_uploads():
    conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    from streamlit.config import ShowErrorDetailsConfigOptions

    assert conf["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
    # Streamlit counts maxUploadSize in MiB: the smallest whole cap that admits upload.MAX_BYTES
    cap = conf["server"]["maxUploadSize"] * 1024 * 1024
    assert upload.MAX_BYTES <= cap < upload.MAX_BYTES + 1024 * 1024


def test_uploads_are_parsed_in_memory_up_to_what_the_server_reads(monkeypatch):
    """Streamlit reads an upload body up to maxUploadSize + a framing margin before refusing it;
    Starlette must hold every part of that much in memory rather than spool it to a temporary file."""
    from starlette.formparsers import MultiPartParser
    from streamlit import config
    from streamlit.web.server.starlette import starlette_routes

    from webui.shell import keep_uploads_in_memory

    monkeypatch.setattr(MultiPartParser, "spool_max_size", 1024 * 1024)  # Starlette's default
    monkeypatch.setattr(config, "get_option", lambda name: 1 if name == "server.maxUploadSize" else None)
    keep_uploads_in_memory()
    read_at_most = 1024 * 1024 + starlette_routes._MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES
    assert MultiPartParser.spool_max_size > read_at_most
