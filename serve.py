"""The server: ``streamlit run serve.py``. It serves app.py (the navigation and the four pages) and the
app's own route, ``/optviz/preview``, which redraws the Playground's first screen as a slider moves
(webui/preview.py). ``streamlit run app.py`` serves the same app without that route."""

import streamlit as st

from webui.preview import routes

app = st.App("app.py", routes=routes())
