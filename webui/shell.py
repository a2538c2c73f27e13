"""App-wide controls that every page shares: language and presentation mode (both bound to the URL).

``?lang=zh`` opens the app in Chinese and ``?present=true`` opens it ready for a projector: larger
type, a high-contrast theme, the sidebar collapsed; figure builders get ``presentation=presenting()``
for bigger fonts, thicker lines and taller charts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from optviz.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise, t

LOGGER = logging.getLogger("optviz.webui")
RESET_KEY = "app.reset"  # the guard's reset button
#: Upload bodies this much larger than server.maxUploadSize still stay in memory while parsed (Streamlit's
#: own streaming cap lets 1 MiB of multipart framing through; see keep_uploads_in_memory).
UPLOAD_SPOOL_MARGIN = 2 * 1024 * 1024
LANG_KEY = "lang"
PRESENT_KEY = "present"
LANG_STORE = "shell:lang"  # the chosen language, kept apart from the select's own widget state
APP_RAN_KEY = "shell:app_ran"  # set by app.py's first run in a session
_PRESENT_APPLIED = "_present_applied"  # presentation mode was already on in the previous run

#: Every page: an element from the previous run is not faded while a rerun draws its replacement.
#: Streamlit gives each of a page's ~60 elements (and each expander's header, tab list and tab) a delayed
#: opacity transition when a run starts; Chromium animates every one on the compositor, so each slider
#: notch repainted the whole page (a 20-55 ms paint before the path chart could be drawn; notch p50
#: 215 -> 149 ms, alternated with the page before, benchmarks/bench_browser.py's criterion).
#: Reruns are bounded (optviz.budget), a slow sweep shows its progress bar, and Streamlit's status
#: indicator still says a run is going on.
APP_CSS = """<style>
[data-stale="true"] { opacity: 1 !important; transition: none !important; }
[data-testid="stExpander"] summary { opacity: 1 !important; transition-property: border-radius, background-color !important; }
[data-testid="stTabs"] [role="tablist"], [data-testid="stTabs"] [role="tab"] { opacity: 1 !important; transition: none !important; }
</style>"""

#: Presentation theme: fixed CSS (no user-supplied content), black on white, large type, bold labels.
PRESENT_CSS = """<style>
html { font-size: 22px; }
[data-testid="stAppViewContainer"], [data-testid="stHeader"], [data-testid="stSidebar"] {
  background: #ffffff; color: #000000;
}
[data-testid="stMainBlockContainer"] {
  max-width: 100%; padding-left: 2rem; padding-right: 2rem; padding-top: 3rem;
}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stCaptionContainer"] { font-size: 1.25rem; line-height: 1.5; color: #000000; }
h1 { font-size: 2.6rem !important; color: #000000 !important; }
h2 { font-size: 2.1rem !important; color: #000000 !important; }
h3 { font-size: 1.7rem !important; color: #000000 !important; }
[data-testid="stWidgetLabel"] p { font-size: 1.15rem; font-weight: 700; color: #000000; }
[data-testid="stMetricValue"] { font-size: 2.4rem; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; font-weight: 700; }
a, a:visited { color: #0033cc; text-decoration: underline; }
button, [data-baseweb="select"] > div, input, textarea { border-width: 2px !important; border-color: #000000 !important; }
.katex { font-size: 1.3em; }
</style>"""


def render_globals() -> None:
    """Draw the language switch and presentation toggle at the top of the sidebar."""
    state = st.session_state
    state[APP_RAN_KEY] = True
    if LANG_STORE not in state:
        raw = st.query_params.get(LANG_KEY) or getattr(st.context, "locale", None) or DEFAULT_LANGUAGE
        state[LANG_STORE] = normalise(raw)
    if state.get(LANG_KEY) != state[LANG_STORE]:  # the widget's own state is dropped on a page switch
        state[LANG_KEY] = state[LANG_STORE]
    with st.sidebar:
        # Not bound with bind="query-params": a bound select writes its shown name (lang=简体中文)
        # and drops ?lang=zh as an unknown option. The URL carries the code, written below.
        st.selectbox(
            t("common.language", current_language()),
            options=list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            key=LANG_KEY,
            on_change=_keep_language,
        )
        st.toggle(
            t("common.present", current_language()),
            key=PRESENT_KEY,
            help=t("common.present.help", current_language()),
            bind="query-params",
        )
    if st.query_params.get(LANG_KEY) != current_language():
        st.query_params[LANG_KEY] = current_language()
    apply_style()


def app_params() -> dict[str, str]:
    """The app-wide settings a link keeps: the language always, presentation mode when on."""
    return {LANG_KEY: current_language()} | ({PRESENT_KEY: "true"} if presenting() else {})


def apply_style() -> None:
    """Inject the app's style (with the projector theme in presentation mode: one element) and collapse the
    sidebar once when presentation mode turns on."""
    on = presenting()
    st.html(APP_CSS + PRESENT_CSS if on else APP_CSS)
    if on and not st.session_state.get(_PRESENT_APPLIED, False):
        st.set_page_config(initial_sidebar_state="collapsed", layout="wide")
    st.session_state[_PRESENT_APPLIED] = on


def _keep_language() -> None:
    st.session_state[LANG_STORE] = normalise(st.session_state[LANG_KEY])


def current_language() -> str:
    """The language chosen in the sidebar ('en' or 'zh')."""
    return normalise(st.session_state.get(LANG_STORE, DEFAULT_LANGUAGE))


def presenting() -> bool:
    """True when presentation mode (large fonts, thick lines) is on."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def route_through_app() -> None:
    """Make sure this page runs inside app.py's navigation; call it first thing in every page.

    Because a ``pages/`` folder exists, a fresh Streamlit server starts in its old (v1) multipage mode
    and, if its first visitor opens a shared link such as ``/compare``, runs ``pages/compare.py`` on its
    own: no app.py, no language switch, and every helper module listed as a page. Only a call to
    ``st.navigation`` switches that mode off, so switch it off here and rerun through app.py (the
    URL path and query string are kept, and map to the same page).
    """
    from streamlit.runtime.pages_manager import PagesManager

    keep_uploads_in_memory()  # this page may be the server's first run, before app.py ever ran
    # Only when app.py has never run in this session (a rerun would drop a pending button click).
    if PagesManager.uses_pages_directory and APP_RAN_KEY not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()


# --- no traceback, ever ------------------------------------------------------------------------------
@contextmanager
def page_guard() -> Iterator[None]:
    """Run a page body so that no visitor ever sees a traceback: an unexpected exception becomes a
    short translated message at the top of the page and a button that reopens the page from its
    defaults, and its traceback goes to the server log. Streamlit's own control flow (``st.stop``,
    ``st.rerun``, ``st.switch_page``: ScriptControlException, a BaseException) passes through."""
    from webui.ui import stores_held

    slot = st.empty()  # draws nothing unless the page fails
    try:
        with stores_held():
            yield
    except ScriptControlException:
        raise
    except Exception:
        page = getattr(st.context, "url", None) or "?"
        LOGGER.exception("Unexpected error while running the page %s", page)
        lang = current_language()
        with slot.container():
            st.error(t("app.error", lang))
            st.button(t("app.error.reset", lang), key=RESET_KEY, on_click=reset_session, type="primary")


def reset_session() -> None:
    """Forget every setting of this session and the URL's query string (the language and presentation
    mode stay), so the page reopens with its defaults."""
    kept = {k: st.session_state[k] for k in (LANG_STORE, LANG_KEY, PRESENT_KEY) if k in st.session_state}
    for key in list(st.session_state):
        del st.session_state[key]
    st.query_params.clear()
    for key, value in kept.items():
        st.session_state[key] = value


# --- uploads stay in memory --------------------------------------------------------------------------
def keep_uploads_in_memory() -> None:
    """Keep every accepted upload in memory while the server parses it.

    Streamlit's upload route (``/_stcore/upload_file/<session>/<file>``) parses the multipart body with
    Starlette, which spools a file part to a temporary file on disk once it exceeds
    ``MultiPartParser.spool_max_size`` (1 MiB). The route lets a body stream up to
    ``server.maxUploadSize`` + 1 MiB before it refuses it, then reads the whole file into memory anyway,
    so a 1-2 MiB body sent without a Content-Length was written to /tmp before being refused. Raising
    the spool size above that body cap keeps every part in memory: nothing changes for memory use
    (the route holds the whole file in memory afterwards) and nothing touches the disk.
    """
    from starlette.formparsers import MultiPartParser
    from streamlit import config

    spool = int(config.get_option("server.maxUploadSize")) * 1024 * 1024 + UPLOAD_SPOOL_MARGIN
    if MultiPartParser.spool_max_size < spool:
        MultiPartParser.spool_max_size = spool
