"""optviz entry point: page configuration and navigation only; each page is a script in pages/.

Every page runs under ``page_guard``: an unexpected error shows a short translated message and a
reset button, never a traceback (its traceback goes to the server log)."""

import streamlit as st

from optviz.i18n import t
from webui.shell import current_language, keep_uploads_in_memory, page_guard, render_globals

st.set_page_config(page_title="optviz", page_icon="📉", layout="wide")
keep_uploads_in_memory()
with page_guard():
    render_globals()
    lang = current_language()
    navigation = st.navigation(
        [
            st.Page(
                "pages/playground.py", title=t("nav.playground", lang), icon=":material/tune:", default=True
            ),
            st.Page("pages/compare.py", title=t("nav.compare", lang), icon=":material/compare_arrows:"),
            st.Page("pages/sweep.py", title=t("nav.sweep", lang), icon=":material/grid_on:"),
            st.Page("pages/networks.py", title=t("nav.networks", lang), icon=":material/hub:"),
            st.Page("pages/learn.py", title=t("nav.learn", lang), icon=":material/school:"),
        ]
    )
    navigation.run()
