"""The Learn page (cards from the registry, history line, lesson links) and presentation mode
(bound to the URL; bigger fonts, thicker lines and taller charts in every Playground figure)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from figdata import decode
from streamlit.testing.v1 import AppTest

import optviz
from optviz import i18n
from optviz.lessons import LESSONS, card_example, lesson_query, modifier_example
from optviz.plots import compare as compare_plots
from optviz.plots import curves, data, internals, space
from webui.shell import APP_CSS, PRESENT_CSS
from webui.ui import STORES, hparam_keys

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LANGS = ["en", "zh"]


def learn_page(lang: str = "en", open_cards: tuple[str, ...] = (), present: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    if present:
        at.query_params["present"] = "true"
    at.run()
    for key in open_cards:
        at.session_state[f"learn.card.{key}"] = True
    at.switch_page("pages/learn.py").run()
    assert not at.exception, at.exception
    return at


# --- the page ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_learn_page_lists_every_optimizer_and_lesson(lang):
    at = learn_page(lang)
    assert at.title[0].value == i18n.t("nav.learn", lang)
    families = [*optviz.FAMILIES, "modifiers"]
    assert [tab.label for tab in at.tabs] == [i18n.t(f"learn.family.{f}", lang) for f in families]
    labels = [e.label for e in at.expander]
    assert labels == [
        i18n.t("learn.card.label", lang, name=i18n.tr(o.name, lang), year=o.year)
        for f in optviz.FAMILIES
        for o in optviz.OPTIMIZERS.values()
        if o.family == f
    ] + [
        i18n.t("learn.card.label", lang, name=i18n.tr(m.name, lang), year=m.year)
        for m in optviz.MODIFIERS.values()
    ]
    shown = "\n".join(m.value for m in at.markdown)
    assert i18n.t("learn.history.text", lang) in shown
    for number, lesson in enumerate(LESSONS.values(), start=1):
        assert f"### {number}. {i18n.t(lesson.title_key, lang)}" in shown
        assert i18n.t(lesson.question_key, lang) in shown
    captions = [c.value for c in at.caption]
    for opt in optviz.OPTIMIZERS.values():
        assert i18n.tr(opt.summary, lang) in captions
    assert not at.get("plotly_chart")  # closed cards compute nothing


def test_history_line_is_in_year_order_from_sgd():
    at = learn_page()
    line = next(m.value for m in at.markdown if " → " in m.value)
    years = [int(part.split("**")[1]) for part in line.split(" → ")]
    assert years == sorted(years) and years[0] == 1951 and len(years) == len(optviz.OPTIMIZERS)
    assert line.startswith("**1951** SGD")


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_opens_with_rule_state_defaults_and_live_example(lang):
    keys = tuple(optviz.OPTIMIZERS)
    at = learn_page(lang, open_cards=keys)
    assert len(at.latex) == len(keys)
    in_order = [o for f in optviz.FAMILIES for o in optviz.OPTIMIZERS.values() if o.family == f]
    assert [x.value.strip("$\n") for x in at.latex] == [o.latex for o in in_order]
    shown = "\n".join(m.value for m in at.markdown)
    for opt in optviz.OPTIMIZERS.values():
        for part in ("what", "uses", "fails"):
            assert i18n.t(f"learn.card.{opt.key}.{part}", lang) in shown
        assert i18n.t("learn.card.paper", lang, paper=opt.paper, year=opt.year) in shown
        for p in opt.hparams:
            assert f"| `{p.name}` | ${p.latex}$ | {p.default:g} |" in shown
        for s in opt.all_state:
            assert f"`{s.name}`: {i18n.tr(s.meaning, lang)}" in shown
    charts = at.get("plotly_chart")
    assert len(charts) == sum(card_example(k) is not None for k in keys)
    assert len(charts) == len(keys)  # on the ravine every optimizer has a learning rate that works


@pytest.mark.parametrize("lang", LANGS)
def test_every_modifier_card_shows_its_rule_settings_state_and_a_live_example(lang):
    """A modifier's card: its rule around any optimizer's step, its own settings under the names links
    and sweeps use ('lookahead.k'), its state, and a run of the chain its reference wraps."""
    keys = tuple(optviz.MODIFIERS)
    at = learn_page(lang, open_cards=keys)
    shown = "\n".join(m.value for m in at.markdown)
    latex = [x.value.strip("$\n") for x in at.latex]
    for mod in optviz.MODIFIERS.values():
        assert mod.latex(r"\theta_t = \mathrm{inner}(\theta_{t-1}, g_t)") in latex
        for part in ("what", "uses", "fails"):
            assert i18n.t(f"learn.card.{mod.key}.{part}", lang) in shown
        assert i18n.t("learn.card.paper", lang, paper=mod.paper, year=mod.year) in shown
        for p in mod.hparams:
            assert f"| `{mod.key}.{p.name}` | ${p.latex}$ | {p.default:g} |" in shown
        for s in mod.state:
            assert f"`{s.name}`: {i18n.tr(s.meaning, lang)}" in shown
    assert i18n.t("learn.card.no_hparams", lang) in shown  # Cautious has no setting of its own
    charts = {c.key: c for c in at.get("plotly_chart")}
    assert set(charts) == {f"learn.example.{k}" for k in keys}
    at.button(key="learn.example.open.lookahead").click().run()
    assert not at.exception, at.exception
    assert _query(at)["opt"] == modifier_example("lookahead") == "lookahead-adam"


def _query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] if isinstance(at.query_params[k], str) else at.query_params[k][-1]
            for k in at.query_params}  # fmt: skip


def test_card_example_button_opens_the_playground_on_that_run():
    at = learn_page(open_cards=("adam",))
    at.button(key="learn.example.open.adam").click().run()
    assert not at.exception
    assert at.title[0].value == i18n.t("playground.title", "en")
    scene = card_example("adam")
    assert _query(at).items() >= lesson_query(scene).items()
    assert (
        at.session_state[STORES][hparam_keys("adam", "pg.hp.")["learning_rate"]]
        == (scene.setups["adam"]["learning_rate"])
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", list(LESSONS))
def test_every_lesson_opens_from_the_learn_page(key, lang):
    """Click the lesson's button after the target page was already visited in the session: the page
    re-reads the lesson, renders without exception, and shows (and links) exactly that scene."""
    lesson = LESSONS[key]
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    if lesson.page != "playground":  # visit it first, so it has read its (default) URL already
        at.switch_page(f"pages/{lesson.page}.py").run()
    at.switch_page("pages/learn.py").run()
    at.button(key=f"learn.lesson.{key}").click().run()
    assert not at.exception, at.exception
    title = {"playground": "playground.title", "compare": "nav.compare", "networks": "nav.networks"}
    assert at.title[0].value == i18n.t(title[lesson.page], lang)
    assert _query(at).items() >= lesson_query(lesson).items()
    assert _query(at)["lang"] == lang  # the language is kept, in the address bar too
    for opt, hp in lesson.setups.items():
        for name, value in hp.items():
            if lesson.page == "networks":  # one learning-rate control per scene and optimizer
                assert name == "learning_rate"
                assert at.session_state[STORES][f"net.lr.{lesson.problem}.{opt}"] == value
                continue
            prefix = "pg.hp." if lesson.page == "playground" else "cmp."
            assert at.session_state[STORES][hparam_keys(opt, prefix)[name]] == value


@pytest.mark.parametrize("key", [k for k, v in LESSONS.items() if v.page == "compare"])
def test_compare_lesson_url_opens_in_a_new_session(key):
    at = AppTest.from_file(APP, default_timeout=180)
    for name, value in lesson_query(LESSONS[key]).items():
        at.query_params[name] = value
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert _query(at).items() >= lesson_query(LESSONS[key]).items()


def test_learn_buttons_clear_the_pages_url_read_flags():
    """The flags the Learn page clears are the ones the pages set (a rename must fail here)."""
    import ast

    root = Path(APP).parent
    learn = ast.parse((root / "pages" / "learn.py").read_text(encoding="utf-8"))
    flags = next(
        ast.literal_eval(node.value)
        for node in ast.walk(learn)
        if isinstance(node, ast.AnnAssign | ast.Assign)
        and "URL_READ_FLAGS" in ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
    )
    for page, flag in flags.items():
        source = (root / "pages" / f"{page}.py").read_text(encoding="utf-8")
        assert re.search(rf"^LOADED = [\"']{re.escape(flag)}[\"']", source, re.M), (page, flag)


# --- presentation mode ---------------------------------------------------------------------------------
def fresh_app(**query: str) -> AppTest:
    """A first run of app.py (AppTest keeps app.py's own sidebar elements only on a first run)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_presentation_mode_is_bound_to_the_url():
    at = fresh_app(present="true")
    assert at.toggle(key="present").value is True
    assert [h.proto.body for h in at.get("html")] == [APP_CSS + PRESENT_CSS]
    # A browser rewrites the bound URL parameter when the toggle moves; AppTest does not, so do it here.
    at.query_params["present"] = "false"
    at.toggle(key="present").set_value(False).run()
    assert not at.exception
    assert at.session_state["present"] is False

    at = fresh_app()
    assert at.toggle(key="present").value is False
    assert [h.proto.body for h in at.get("html")] == [APP_CSS]
    at.toggle(key="present").set_value(True).run()
    assert not at.exception
    assert at.session_state["present"] is True
    # (AppTest reflects the URL into widgets but not widgets back into its query_params; the
    # write-back is Streamlit's bind="query-params", the same mechanism as the language switch.)


def test_presentation_css_is_fixed_text():
    """The styles are constants: nothing from the user or the URL is ever put into them."""
    for css in (APP_CSS, PRESENT_CSS):
        assert css.startswith("<style>") and css.endswith("</style>")
        assert "<script" not in css and "{}" not in css.replace(" ", "")
    assert "font-size: 22px" in PRESENT_CSS


def test_cards_draw_projector_charts_in_presentation_mode():
    from optviz.plots.style import FONT_SIZE, PRESENT_FONT_SIZE

    sizes = {}
    for present in (False, True):
        at = learn_page(open_cards=("sgd",), present=present)
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        sizes[present] = spec["layout"]["font"]["size"]
    assert sizes == {False: FONT_SIZE, True: PRESENT_FONT_SIZE}


def test_default_is_english_and_not_presenting():
    at = fresh_app()
    assert at.selectbox(key="lang").value == "en"
    assert at.toggle(key="present").value is False
    assert [h.proto.body for h in at.get("html")] == [APP_CSS]  # no projector theme


def test_language_is_bound_to_the_url():
    at = fresh_app(lang="zh")
    assert at.selectbox(key="lang").value == "zh"
    assert at.toggle(key="present").label == i18n.t("common.present", "zh")
    assert at.query_params["lang"] == "zh"  # the code, not the shown name
    at.selectbox(key="lang").set_value("en").run()
    assert not at.exception  # (the address bar after a switch is checked in tests/e2e/test_issue11.py)
    assert at.title[0].value == i18n.t("playground.title", "en")


@pytest.fixture(scope="module")
def traces():
    return {
        "regression": optviz.run("adam", "linear_regression", steps=60, hparams={"learning_rate": 0.1},
                                 batch_size=10),
        "rosenbrock": optviz.run("momentum", "rosenbrock", steps=60, hparams={"learning_rate": 1e-3}),
    }  # fmt: skip


BUILDERS = {
    "path": lambda tr, **kw: space.path_figure(tr, **kw),
    "surface": lambda tr, **kw: space.surface_figure(tr, **kw),
    "loss": lambda tr, **kw: curves.loss_figure(tr, **kw),
    "internals": lambda tr, **kw: internals.internals_figure(tr, **kw),
    "data": lambda tr, **kw: data.data_figure(tr, **kw),
    "compare overlay": lambda tr, **kw: compare_plots.overlay_figure({tr.optimizer: tr, "sgd": tr}, **kw),
}


def _widths_and_sizes(fig: go.Figure) -> tuple[list[float], list[float]]:
    """Line widths and mean marker sizes of every trace, frames included (as the browser gets them)."""
    spec = decode(fig.to_dict())
    widths, sizes = [], []
    for trace in spec["data"] + [t for f in spec.get("frames", ()) for t in f["data"]]:
        line, marker = trace.get("line") or {}, trace.get("marker") or {}
        if line.get("width") is not None:
            widths.append(float(line["width"]))
        if marker.get("size") is not None and np.size(marker["size"]):  # a frame at step 0 has no arrows
            sizes.append(float(np.mean(marker["size"])))
    return widths, sizes


@pytest.mark.parametrize("builder", list(BUILDERS))
def test_presentation_mode_enlarges_fonts_lines_and_markers(builder, traces):
    tr = traces["regression"] if builder == "data" else traces["rosenbrock"]
    normal = BUILDERS[builder](tr, presentation=False).to_plotly_json()
    big = BUILDERS[builder](tr, presentation=True).to_plotly_json()
    assert big["layout"]["font"]["size"] >= 1.5 * normal["layout"]["font"]["size"]
    assert big["layout"]["height"] > normal["layout"]["height"]
    axis = next(k for k in normal["layout"] if k.startswith(("xaxis", "scene")))
    if axis.startswith("xaxis"):
        assert big["layout"][axis]["tickfont"]["size"] > normal["layout"][axis]["tickfont"]["size"]
    w0, s0 = _widths_and_sizes(BUILDERS[builder](tr, presentation=False))
    w1, s1 = _widths_and_sizes(BUILDERS[builder](tr, presentation=True))
    assert w0 or s0, "the figure has no lines or markers to enlarge"
    assert len(w0) == len(w1) and len(s0) == len(s1)
    assert all(b > a for a, b in zip(w0, w1) if a > 0)
    assert all(b > a for a, b in zip(s0, s1) if a > 0)
    # Same content: presentation changes the look, not the data.
    assert [t.get("type") for t in big["data"]] == [t.get("type") for t in normal["data"]]
