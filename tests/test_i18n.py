"""Translations: every key in both languages, every registry text translated, every Learn card
present, and no user-facing string in a page that bypasses the tables (an AST scan)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import optviz
from optviz import app_state, i18n
from optviz.runner import GRAD_NOISE

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")


# --- the tables ----------------------------------------------------------------------------------------
def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _prose(text: str) -> str:
    """The text without placeholders, inline code and maths (which stay the same in every language)."""
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"\$[^$]*\$", " ", text)


STRINGS = sorted(i18n.strings().items())


@pytest.mark.parametrize(("key", "pair"), STRINGS, ids=[k for k, _ in STRINGS])
def test_every_key_has_both_languages(key, pair):
    assert isinstance(pair, tuple) and len(pair) == 2, key
    en, zh = pair
    assert isinstance(en, str) and en.strip(), f"{key}: no English"
    assert isinstance(zh, str) and zh.strip(), f"{key}: no Chinese"
    assert _fields(en) == _fields(zh), f"{key}: placeholders differ between the languages"
    if WORD.search(_prose(en)):
        assert CJK.search(zh), f"{key}: the Chinese text {zh!r} has no Chinese in it"


def test_t_formats_and_falls_back_to_english():
    assert i18n.t("nav.learn", "zh") == "学习"
    assert i18n.t("nav.learn", "zh-CN") == "学习"
    assert i18n.t("nav.learn", "fr") == "Learn"
    assert i18n.t("learn.card.paper", "en", paper="P", year=1951) == "Paper: P (1951)."
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "en")


def registry_texts() -> dict[str, str]:
    """Every English text declared in the registries -> where it is declared."""
    found: dict[str, str] = {}

    def add(text: str, where: str) -> None:
        if text:
            found.setdefault(text, where)

    for o in optviz.OPTIMIZERS.values():
        add(o.name, f"{o.key}.name")
        add(o.summary, f"{o.key}.summary")
        for p in o.hparams:
            add(p.help, f"{o.key}.{p.name}.help")
        for s in o.all_state:
            add(s.meaning, f"{o.key}.{s.name}.meaning")
    for m in optviz.MODIFIERS.values():
        for text, part in ((m.name, "name"), (m.label, "label"), (m.summary, "summary")):
            add(text, f"modifier {m.key}.{part}")
        for p in m.hparams:
            add(p.help, f"modifier {m.key}.{p.name}.help")
        for s in m.state:
            add(s.meaning, f"modifier {m.key}.{s.name}.meaning")
    for spec in optviz.PROBLEMS.values():
        add(spec.name, f"problem {spec.key}.name")
        add(spec.summary, f"problem {spec.key}.summary")
        add(spec().name, f"problem {spec.key} instance name")
        for p in spec.params:
            add(p.help, f"problem {spec.key}.{p.name}.help")
    for sched in optviz.SCHEDULES.values():
        add(sched.name, f"schedule {sched.key}.name")
        add(sched.summary, f"schedule {sched.key}.summary")
        for p in sched.params:
            add(p.help, f"schedule {sched.key}.{p.name}.help")
    add(GRAD_NOISE.help, "runner.GRAD_NOISE.help")
    for name in ("SEED_PARAM", "START_PARAM"):  # run settings the Playground declares as Params
        param = getattr(app_state, name, None)
        if param is not None:
            add(param.help, f"app_state.{name}.help")
    return found


def test_registry_enumeration_finds_the_texts():
    texts = registry_texts()
    assert len(texts) > 100
    assert "Step size: how far each update moves the parameters." in texts
    assert "A long narrow ravine: SGD zig-zags across it, momentum runs along it." in texts


@pytest.mark.parametrize(("text", "where"), sorted(registry_texts().items()))
def test_every_registry_text_is_translated(text, where):
    table = i18n.texts()
    assert text in table, f"{where}: no Chinese for {text!r} (add it to optviz/locales/registry.py)"
    zh = table[text]
    assert zh.strip()
    names = {o.name for o in optviz.OPTIMIZERS.values()} | {m.label for m in optviz.MODIFIERS.values()}
    if WORD.search(text) and text not in names:
        assert CJK.search(zh), f"{where}: {zh!r} is not Chinese"
    assert i18n.tr(text, "zh") == zh and i18n.tr(text, "en") == text


def test_modifier_chains_are_translated_part_by_part():
    opt = optviz.get_optimizer("lookahead-cautious-sgd")
    assert i18n.tr(opt.name, "zh") == "Lookahead（谨慎版 SGD（随机梯度下降））"
    assert i18n.tr(opt.name, "en") == "Lookahead(Cautious SGD)"
    summary = i18n.tr(opt.summary, "zh")
    assert summary.startswith(i18n.tr(optviz.MODIFIERS["lookahead"].summary, "zh") + " 内层：")
    assert summary.endswith(i18n.tr(optviz.OPTIMIZERS["sgd"].summary, "zh")) and "Inside" not in summary
    assert i18n.tr("Lookahead(not a name)", "zh") == "Lookahead（not a name）"  # unknown parts stay


def test_registry_table_has_no_stale_entries():
    """Every entry translates a text that exists (a renamed help text must not leave a dead entry)."""
    from optviz.locales import registry

    stale = set(registry.TEXTS) - set(registry_texts())
    assert not stale, sorted(stale)


# --- Learn cards ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", list(optviz.OPTIMIZERS) + list(optviz.MODIFIERS))
@pytest.mark.parametrize("part", ["what", "uses", "fails"])
def test_every_optimizer_has_its_card(key, part):
    en, zh = i18n.strings()[f"learn.card.{key}.{part}"]
    assert len(en) > 60 and CJK.search(zh)
    if part == "what":
        assert 2 <= en.count(". ") + 1 <= 4, "two or three sentences"


def test_no_card_without_an_optimizer():
    keys = {
        k.split(".")[2] for k in i18n.strings() if re.fullmatch(r"learn\.card\.\w+\.(what|uses|fails)", k)
    }
    assert keys == set(optviz.OPTIMIZERS) | set(optviz.MODIFIERS)


def test_family_names_for_every_family():
    for family in optviz.FAMILIES:
        assert CJK.search(i18n.t(f"learn.family.{family}", "zh"))


# --- no page string bypasses the tables ----------------------------------------------------------------
#: Streamlit calls that show text: the positional arguments (by index) that are user-facing.
_FIRST_ARG_IS_TEXT = (
    "title", "header", "subheader", "markdown", "caption", "text", "write", "info", "warning", "error",
    "success", "toast", "expander", "popover", "status", "spinner", "button", "download_button",
    "link_button", "form_submit_button", "checkbox", "toggle", "radio", "selectbox", "multiselect",
    "select_slider", "slider", "number_input", "text_input", "text_area", "date_input", "time_input",
    "color_picker", "file_uploader", "camera_input", "chat_input", "segmented_control", "pills",
    "feedback", "tabs", "badge", "dialog", "Column", "TextColumn", "NumberColumn", "CheckboxColumn",
    "SelectboxColumn", "DatetimeColumn", "LinkColumn", "ListColumn", "ImageColumn", "LineChartColumn",
    "BarChartColumn", "ProgressColumn",
)  # fmt: skip
#: Streamlit calls that show text: the positional arguments (by index) that are user-facing.
TEXT_CALLS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(_FIRST_ARG_IS_TEXT, (0,)),
    "metric": (0, 1, 2),
    "page_link": (1,),
    "Page": (),
}
#: Keyword arguments that are user-facing wherever they appear in such a call.
TEXT_KWARGS = {"label", "help", "placeholder", "caption", "body", "title", "text", "delta", "value_label"}
#: Strings that are not language: the app's name.
ALLOWED = {"optviz"}


def _is_language(text: str) -> bool:
    if text in ALLOWED:
        return False
    stripped = text.strip()
    if stripped.startswith("$") and stripped.endswith("$"):  # maths notation stays as it is
        return False
    if re.fullmatch(r":material/[a-z_]+:", stripped):  # an icon
        return False
    return bool(re.search(r"[A-Za-z]{2,}", _prose(text)) or CJK.search(text))


def _literals(node: ast.AST):
    """String constants in an argument expression that would reach the screen as they are."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.Constant):
                yield part
            elif isinstance(part, ast.FormattedValue):
                yield from _literals(part.value)
    elif isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in {"t", "tr"}:  # looked up in the tables
            return
        if isinstance(func, ast.Attribute):  # "...".format(...), " / ".join(...)
            yield from _literals(func.value)
        for arg in node.args:
            yield from _literals(arg)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for elt in node.elts:
            yield from _literals(elt)
    elif isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        yield from _literals(node.elt)


def _foreign_names(tree: ast.AST) -> set[str]:
    """Names imported from anything but streamlit: calls on them (``ui.toggle(key, label)``) are our
    own helpers, whose arguments are checked where the helper calls Streamlit."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("streamlit"):
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("streamlit"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _root(func: ast.AST) -> str | None:
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) else None


def hard_coded_strings(source: str, filename: str = "<page>") -> list[str]:
    """'file:line: text' for every language string passed straight to a Streamlit text call
    (``st.x``, ``st.sidebar.x``, or ``x`` on a container such as a column or a tab)."""
    tree = ast.parse(source, filename)
    foreign = _foreign_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name not in TEXT_CALLS or _root(node.func) in foreign:
            continue
        args = [node.args[i] for i in TEXT_CALLS[name] if i < len(node.args)]
        args += [kw.value for kw in node.keywords if kw.arg in TEXT_KWARGS]
        for arg in args:
            for lit in _literals(arg):
                if _is_language(lit.value):
                    found.append(f"{filename}:{lit.lineno}: {lit.value!r}")
    return found


PAGE_FILES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "webui").glob("*.py")])


@pytest.mark.parametrize("path", PAGE_FILES, ids=[p.name for p in PAGE_FILES])
def test_no_page_string_bypasses_the_tables(path):
    found = hard_coded_strings(path.read_text(encoding="utf-8"), path.name)
    assert not found, "user-facing strings outside optviz/locales:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'st.title("Hello")',
        'st.sidebar.button("Run", key="run")',
        'col.metric("Loss", 1.0)',
        'st.markdown(f"Loss: {x}")',
        'st.slider(label="Learning rate", min_value=0.0)',
        'st.selectbox(t("k", lang), options, help="Pick one")',
        'st.page_link("pages/learn.py", "Learn more")',
        'st.page_link("pages/learn.py", label="Learn more")',
        'st.tabs(["Paths", "Loss"])',
        'st.Page("pages/x.py", title="Sweep")',
        'st.warning("Bad value: " + str(err))',
        'st.info("{} steps".format(n))',
        'st.caption(t("a") if ok else "Nothing yet")',
        'st.column_config.NumberColumn("Final loss")',
        'st.error("学习率太大")',
        'import streamlit as st\nfrom webui import ui\nleft, right = st.columns(2)\nleft.metric("Loss", 1)',
    ],
)
def test_the_scan_catches_hard_coded_strings(source):
    assert hard_coded_strings(source), source


@pytest.mark.parametrize(
    "source",
    [
        'st.title(t("nav.learn", lang))',
        'st.button(t("run", lang), key="run_button", icon=":material/play_arrow:", type="primary")',
        'st.page_link("pages/playground.py", label=t("open", lang), icon="🎛️", query_params=q)',
        "st.markdown(f\"**{t('q', lang)}** {t(key, lang)}\")",
        'st.markdown(" → ".join(parts))',
        'st.latex(r"\\theta_t = \\theta_{t-1} - \\eta g_t")',
        'st.markdown("---")',
        'st.caption(f"{x:.3g} / {y:.2e}")',
        'st.metric(t("loss", lang), f"{v:.4g}")',
        'st.slider("$\\\\beta_2$", 0.0, 1.0)',
        'st.set_page_config(page_title="optviz", page_icon="📉", layout="wide")',
        'st.plotly_chart(fig, key="learn.chart", config={"displaylogo": False})',
        'st.download_button(t("dl", lang), data=html, file_name="optviz.html", mime="text/html")',
        'st.selectbox(t("opt", lang), ["adam", "sgd"], format_func=name, key="opt")',
        "st.markdown(tr(opt.summary, lang))",
    ],
)
def test_the_scan_lets_keys_icons_and_maths_through(source):
    assert hard_coded_strings(source) == [], source


def _used_keys(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append((node.lineno, node.args[0].value))
    return out


SOURCE_FILES = sorted(
    [
        ROOT / "app.py",
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "webui").glob("*.py"),
        *(ROOT / "optviz").rglob("*.py"),
    ]
)


@pytest.mark.parametrize("path", SOURCE_FILES, ids=[str(p.relative_to(ROOT)) for p in SOURCE_FILES])
def test_every_literal_key_exists(path):
    """A t("key") whose key is missing would only fail when that line runs; catch it here."""
    missing = [f"{path.name}:{line}: {key}" for line, key in _used_keys(path) if key not in i18n.strings()]
    assert not missing, "\n".join(missing)
