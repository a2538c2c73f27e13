"""Learn page: one card per optimizer and per modifier (generated from the registries), the history line, and
the lessons."""

from collections.abc import Sequence

import streamlit as st

import optviz
from optviz.i18n import t, tr
from optviz.lessons import LESSONS, Lesson, card_example, lesson_query, lesson_url, modifier_example
from optviz.nets.scenes import SCENES
from optviz.optimizers import MODIFIERS, Modifier
from optviz.plots.space import path_figure
from optviz.spec import Param, StateVar
from webui.shell import LANG_KEY, app_params, current_language, presenting, route_through_app
from webui.ui import absolute_url, chart, chart_config, plain

PAGE_FILES = {
    "playground": "pages/playground.py",
    "compare": "pages/compare.py",
    "networks": "pages/networks.py",
}
#: The same Material icons as the navigation (app.py): Streamlit ships their font, while emoji such as
#: 🎛️ render as empty boxes on a machine without an emoji font.
PAGE_ICONS = {
    "playground": ":material/tune:",
    "compare": ":material/compare_arrows:",
    "networks": ":material/hub:",
}
#: Each page's "URL already read in this session" flag (set by pages/playground.py, pages/compare.py
#: and pages/networks.py). Clearing it makes the page read the scene's query parameters again, so a
#: lesson opens even after the page was visited; tests/test_learn.py checks the names.
URL_READ_FLAGS = {"playground": "pg:loaded", "compare": "cmp:loaded", "networks": "net:loaded"}
#: What a modifier's rule wraps on its card: any optimizer's step.
INNER_STEP = r"\theta_t = \mathrm{inner}(\theta_{t-1}, g_t)"
EXAMPLE_CACHE = (
    2 * 2 * (len(optviz.OPTIMIZERS) + len(MODIFIERS))
)  # every card, in both languages, with and without presenting

route_through_app()
lang = current_language()
present = presenting()
#: The app-wide settings a scene's link keeps (language, presentation mode).
link_params = app_params()


@st.cache_data(max_entries=EXAMPLE_CACHE, show_spinner=False)
def example(key: str, lang: str, present: bool):
    """The card's live example: figure, caption values and Playground query (None if it all diverged)."""
    scene = card_example(key)
    if scene is None:
        return None
    trace = scene.runs()[key]
    fig = path_figure(trace, frames=30, presentation=present, lang=lang)
    info = {
        "steps": trace.k,
        "problem": tr(trace.problem.name, lang),
        "start": f"({trace.start[0]:g}, {trace.start[1]:g})",
        "lr": trace.hparams["learning_rate"],
        "loss": trace.final_loss,
    }
    return fig, info, lesson_query(scene)


def defaults_table(params: Sequence[Param], prefix: str = "") -> str:
    """The hyperparameters as a Markdown table (symbols render as maths); ``prefix`` names a modifier's
    as links and sweeps do ('lookahead.k')."""
    head = [t(f"learn.card.col.{c}", lang) for c in ("name", "symbol", "default", "help")]
    rows = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for p in params:
        meaning = tr(p.help, lang).replace("|", "\\|")
        rows.append(f"| `{prefix}{p.name}` | ${p.latex}$ | {p.default:g} | {meaning} |")
    return "\n".join(rows)


def state_list(states: Sequence[StateVar]) -> str:
    """The state variables, one Markdown bullet each (derived ones marked)."""
    lines = []
    for s in states:
        symbol = f"${s.symbol}$ " if s.symbol else ""
        derived = f" *({t('learn.card.derived', lang)})*" if s.derived else ""
        lines.append(f"- {symbol}`{s.name}`: {tr(s.meaning, lang)}{derived}")
    return "\n".join(lines)


def card(opt: optviz.Optimizer) -> None:
    """The full card of one optimizer (drawn only while its expander is open)."""
    card_body(opt.key, opt.latex, opt.all_state, opt.paper, opt.year, opt.reference, opt.hparams)
    live_example(opt.key, opt.key)


def modifier_card(mod: Modifier) -> None:
    """The card of one modifier: its rule around any optimizer's step, its own settings (named as links
    and sweeps name them: 'lookahead.k') and state, and a live example around the optimizer its reference
    wraps (drawn only while its expander is open)."""
    latex = mod.latex(INNER_STEP)
    card_body(mod.key, latex, mod.state, mod.paper, mod.year, mod.reference, mod.hparams, f"{mod.key}.")
    live_example(modifier_example(mod.key), mod.key)


def card_body(
    key: str,
    latex: str,
    states: Sequence[StateVar],
    paper: str,
    year: int,
    reference: str,
    params: Sequence[Param],
    prefix: str = "",
) -> None:
    """What a card says: what it does, the rule, state, paper and reference, settings, uses, failures."""
    st.markdown(f"#### {t('learn.card.what', lang)}")
    st.markdown(t(f"learn.card.{key}.what", lang))
    st.markdown(f"#### {t('learn.card.rule', lang)}")
    st.latex(latex)
    left, right = st.columns(2)
    with left:
        st.markdown(f"#### {t('learn.card.state', lang)}")
        st.markdown(state_list(states) if states else t("learn.card.no_state", lang))
        st.markdown(t("learn.card.paper", lang, paper=paper, year=year))
        st.markdown(t("learn.card.reference", lang, reference=reference))
    with right:
        st.markdown(f"#### {t('learn.card.defaults', lang)}")
        st.markdown(defaults_table(params, prefix) if params else t("learn.card.no_hparams", lang))
    left, right = st.columns(2)
    with left:
        st.markdown(f"#### {t('learn.card.uses', lang)}")
        st.markdown(t(f"learn.card.{key}.uses", lang))
    with right:
        st.markdown(f"#### {t('learn.card.fails', lang)}")
        st.markdown(t(f"learn.card.{key}.fails", lang))


def live_example(opt_key: str, card_key: str) -> None:
    """The card's run of ``opt_key`` on the ravine and the button that opens it in the Playground."""
    key = card_key
    st.markdown(f"#### {t('learn.card.example', lang)}")
    try:
        shown = example(opt_key, lang, present)
    except ValueError as err:
        st.warning(plain(err))
        return
    if shown is None:
        st.info(t("learn.card.example.diverged", lang))
        return
    fig, info, query = shown
    chart(fig, key=f"learn.example.{key}", config=chart_config(fig))
    st.caption(t("learn.card.example.caption", lang, **info))
    open_scene("playground", query, f"learn.example.open.{key}", t("learn.card.open", lang))


def open_scene(page: str, query: dict[str, str], key: str, label: str) -> None:
    """A button that opens ``page`` on the scene in ``query`` (the page re-reads its URL)."""
    if st.button(label, key=key, icon=PAGE_ICONS[page], type="primary"):
        st.session_state.pop(URL_READ_FLAGS[page], None)
        # Only the language is passed on: ``present`` is bound to its toggle (Streamlit refuses to set
        # a bound parameter, and restores it on the next page itself).
        st.switch_page(PAGE_FILES[page], query_params=query | {LANG_KEY: lang})


def lesson_block(number: int, lesson: Lesson) -> None:
    """One lesson: title, explanation, question for the class and the link that opens it."""
    with st.container(border=True):
        st.markdown(f"### {number}. {t(lesson.title_key, lang)}")
        names = ", ".join(tr(optviz.OPTIMIZERS[o].name, lang) for o in lesson.optimizers)
        problem = tr((SCENES if lesson.page == "networks" else optviz.PROBLEMS)[lesson.problem].name, lang)
        st.caption(t("learn.lesson.setup", lang, optimizers=names, problem=problem, steps=lesson.steps))
        st.markdown(t(lesson.text_key, lang))
        st.markdown(f"**{t('learn.lesson.question', lang)}** {t(lesson.question_key, lang)}")
        open_scene(
            lesson.page, lesson_query(lesson), f"learn.lesson.{lesson.key}",
            t(f"learn.lesson.open.{lesson.page}", lang),
        )  # fmt: skip
        st.caption(t("learn.lesson.link", lang))
        st.code(absolute_url(lesson_url(lesson, link_params)), language=None, wrap_lines=True)


st.title(t("nav.learn", lang))
st.markdown(t("learn.intro", lang))

st.header(t("learn.history.title", lang))
st.markdown(t("learn.history.text", lang))
by_year = sorted(optviz.OPTIMIZERS.values(), key=lambda o: o.year)
st.markdown(" → ".join(f"**{o.year}** {tr(o.name, lang)}" for o in by_year))

st.header(t("learn.cards.title", lang))
tabs = st.tabs(
    [t(f"learn.family.{family}", lang) for family in optviz.FAMILIES] + [t("learn.family.modifiers", lang)],
    key="learn.family",
)
for family, tab in zip(optviz.FAMILIES, tabs):
    with tab:
        for opt in (o for o in optviz.OPTIMIZERS.values() if o.family == family):
            label = t("learn.card.label", lang, name=tr(opt.name, lang), year=opt.year)
            with st.expander(label, key=f"learn.card.{opt.key}", on_change="rerun") as box:
                st.caption(tr(opt.summary, lang))
                if box.open:
                    card(opt)
with tabs[-1]:  # modifiers: an optimizer in, an optimizer out
    st.caption(t("learn.modifiers.intro", lang))
    for mod in MODIFIERS.values():
        label = t("learn.card.label", lang, name=tr(mod.name, lang), year=mod.year)
        with st.expander(label, key=f"learn.card.{mod.key}", on_change="rerun") as box:
            st.caption(tr(mod.summary, lang))
            if box.open:
                modifier_card(mod)

st.header(t("learn.lessons.title", lang))
st.markdown(t("learn.lessons.intro", lang))
for number, lesson in enumerate(LESSONS.values(), start=1):
    lesson_block(number, lesson)
