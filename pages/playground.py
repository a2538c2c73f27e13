"""Playground page (under construction)."""

import streamlit as st

from optviz.i18n import t
from pages.shell import current_language

st.title(t("nav.playground", current_language()))
