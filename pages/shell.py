"""App-wide controls that every page shares: language and presentation mode (both bound to the URL)."""

from __future__ import annotations

import streamlit as st

from optviz.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise, t

LANG_KEY = "lang"
PRESENT_KEY = "present"


def render_globals() -> None:
    """Draw the language switch and presentation toggle at the top of the sidebar."""
    if LANG_KEY not in st.session_state:
        raw = st.query_params.get(LANG_KEY) or getattr(st.context, "locale", None) or DEFAULT_LANGUAGE
        st.session_state[LANG_KEY] = normalise(raw)
    with st.sidebar:
        st.selectbox(
            t("common.language", current_language()),
            options=list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            key=LANG_KEY,
            bind="query-params",
        )


def current_language() -> str:
    """The language chosen in the sidebar ('en' or 'zh')."""
    return normalise(st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE))


def presenting() -> bool:
    """True when presentation mode (large fonts, thick lines) is on."""
    return bool(st.session_state.get(PRESENT_KEY, False))
