"""The step cursor of the Playground and the Networks page: a slider and a Play button that move every
chart in the browser.

Streamlit's own slider reruns the page for every notch (0.3-2 s at 10,000 steps); this component
receives the run once (``optviz.plots.cursor.cursor_payload``, or ``paths_payload`` for the Networks
page's several runs) and draws the cursor's marks over the charts itself (``cursor.js``), so scrubbing
and playback never wait for the server. When the person stops, the step comes back as the component's
state and is stored like any other control (``ui.bound`` semantics: the store holds None for "the last
step"), so the address bar, the worked step and the server-drawn charts follow one rerun later.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

from optviz.i18n import t

from . import ui

_COMPONENT = st.components.v2.component(
    "optviz_step_cursor",
    html=(
        '<div class="optviz-step"><label></label><div class="row">'
        '<button type="button"></button><input type="range" min="0" step="1" value="0" />'
        "<output></output></div></div>"
    ),
    css="""
.optviz-step { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #111); }
.optviz-step label { display: block; font-size: 0.875rem; margin-bottom: 0.25rem; }
.optviz-step .row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; }
.optviz-step input[type=range] { flex: 1 1 12rem; min-width: 6rem;
  accent-color: var(--st-primary-color, #1f77b4); height: 1.5rem; }
.optviz-step button { font: inherit; padding: 0.25rem 0.9rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid var(--st-border-color, #d5dae5); background: var(--st-secondary-background-color, #f3f5f8);
  color: inherit; min-width: 5.5rem; }
.optviz-step output { font-variant-numeric: tabular-nums; min-width: 8rem; text-align: right;
  margin-left: auto; }
.optviz-step.present { font-size: 1.35rem; }
.optviz-step.present label { font-size: 1.1rem; }
.optviz-step.present input[type=range] { height: 2rem; }
""",
    js=(Path(__file__).with_name("cursor.js")).read_text(encoding="utf-8"),
)


#: Size of the cursor's marks in presentation mode, against the normal page (its fonts and markers grow too).
PRESENTATION_SCALE = 1.6


def stored_step(key: str, k: int) -> int:
    """The step the cursor ``key`` stands on in a run of ``k`` steps (its store cleaned: None for the last
    step, else 0..k-1)."""
    held = ui.stores()
    stored = held.get(key)
    if not (stored is None or (isinstance(stored, int) and stored >= 0)):
        stored = None
    value = k if stored is None else min(int(stored), k)
    held[key] = None if value >= k else value
    return value


def run_json(payload: dict[str, Any]) -> bytes:
    """``payload`` as UTF-8 JSON without its closing brace, for the per-rerun settings to follow.

    Bytes, not a JSON string or a dict: Streamlit hashes a component's bytes once for its identity, but
    escapes a string into JSON again (and scans a dict for data frames) on every rerun, and the run's
    arrays are most of the 40 KB a Playground cursor sends. Serialized once per payload: ``step_cursor``
    takes it through ``ui.of_run``, so a page hands it a payload shared the same way."""
    return json.dumps(payload).encode()[:-1] + b","


def step_cursor(
    key: str,
    payload: dict[str, Any],
    charts: dict[str, str | list[str]],
    lang: str,
    *,
    presentation: bool = False,
    label_key: str = "playground.cursor",
    help_key: str = "playground.cursor_help",
) -> int | None:
    """Draw the cursor for the run ``payload`` (shared between reruns: ``ui.of_run``) over the charts keyed
    in ``charts`` and return the stored step: None for the last step, else 0..k-1. Roles: ``space`` (a path with its star), ``loss`` (a line
    and a star on the curve), ``data`` (the fitted line), ``internals`` and ``steps`` (a list of charts: a
    line on every panel), ``paths`` (a star on each run of ``optviz.plots.cursor.paths_payload``).
    In ``presentation`` mode its marks are drawn larger, like the charts' own markers."""
    k = int(payload["k"])
    state = st.session_state
    value = stored_step(key, k)

    def changed() -> None:
        picked = (state.get(key) or {}).get("step")
        try:
            n = int(picked["n"])
        except (KeyError, TypeError, ValueError):
            return
        n = min(max(n, 0), k)
        ui.stores()[key] = None if n >= k else n

    settings = {
        "value": value,
        "scale": PRESENTATION_SCALE if presentation else 1.0,
        "charts": {
            role: [ui.key_class(n) for n in name] if isinstance(name, list) else ui.key_class(name)
            for role, name in charts.items()
        },
        "label": t(label_key, lang),
        "help": t(help_key, lang),
        "play": "▶ " + t("plot.play", lang),
        "pause": "❚❚ " + t("plot.pause", lang),
        "readout": t("playground.cursor_readout", lang),
    }
    _COMPONENT(key=key, data=ui.of_run(run_json, payload) + json.dumps(settings).encode()[1:],
        on_step_change=changed,
    )  # fmt: skip
    return ui.stores()[key]
