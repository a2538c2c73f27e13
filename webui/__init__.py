"""Streamlit helpers the pages share (controls, URL sync, cached runs, the app shell); not pages."""
