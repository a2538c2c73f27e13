"""A person's change reruns the page without ordering any control in the browser back to a value.

Streamlit sends a widget's value to the browser as an order (``set_value``) when the script assigns it
through session state; the browser then overwrites what the control shows. A rerun takes a few tens of
milliseconds, and a key pressed during it has already moved the control: an order carrying the run's
(older) value undoes that press, and the next press starts from the wrong place (test_issue11's fast key
presses lose one now and then). So after a person moves a control, no slider, number or switch in the rerun may
carry an order; a link's values still do, on the session's first run. Spoken over Streamlit's websocket protocol,
which is what the browser receives.
"""

from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetState

from .browser import app_socket, socket_rerun

#: The controls a person moves by key or by a quick click, by their element kind (select sliders are
#: sliders, toggles checkboxes; a choice is set on every run: the browser keeps it as its label, which
#: changes with the language).
NUMBERS_AND_SWITCHES = ("slider", "number_input", "checkbox")
BETA2 = "pg.hp.adam.beta2"
RATE = "pg.hp.adam.learning_rate"


def _rerun(ws, query: str, widgets: list[WidgetState]) -> tuple[dict[str, object], str]:
    """Rerun; return its number and switch widgets by element id (a widget's value travels only with an
    order) and the query string the run left in the address bar (what it ran)."""
    elements, query = socket_rerun(ws, query, widgets)
    return {e.id: e.proto for e in elements if e.kind in NUMBERS_AND_SWITCHES}, query


def _by_key(widgets: dict[str, object], key: str):
    return next(w for element_id, w in widgets.items() if element_id.endswith("-" + key))


def _ordered(widgets: dict[str, object]) -> list[str]:
    return [element_id for element_id, w in widgets.items() if getattr(w, "set_value", False)]


def _state(widget) -> WidgetState:
    """What the browser reports for a widget that was ordered to a value."""
    kind = type(widget).__name__
    if kind == "Slider" and widget.type == widget.SELECT_SLIDER:
        return WidgetState(id=widget.id, string_array_value={"data": list(widget.raw_value)})
    if kind == "Slider":
        return WidgetState(id=widget.id, double_array_value={"data": list(widget.value)})
    if kind == "NumberInput" and widget.data_type == widget.INT:
        return WidgetState(id=widget.id, int_value=int(widget.value))
    if kind == "NumberInput":
        return WidgetState(id=widget.id, double_value=widget.value)
    return WidgetState(id=widget.id, bool_value=widget.value)


def _moved(slider, by: int) -> WidgetState:
    """A select slider ``by`` notches from where it was ordered to."""
    options = list(slider.options)
    moved = options[options.index(slider.raw_value[0]) + by]
    return WidgetState(id=slider.id, string_array_value={"data": [moved]})


def test_a_persons_change_orders_no_control(server):
    with app_socket(server) as ws:
        opened, query = _rerun(ws, "opt=adam&problem=rosenbrock&steps=300&beta2=0.995", [])
        beta2 = _by_key(opened, BETA2)
        # the link set beta2: the browser is told so
        assert list(beta2.raw_value) == ["0.995"] and beta2.set_value
        assert "beta2=0.995" in query
        # the browser reports every widget on every rerun, as it shows it
        state = {w.id: _state(w) for w in opened.values()}
        state[beta2.id] = _moved(beta2, -1)  # one notch left: 0.99
        for rerun in range(3):  # the same widget states again, as after any other person's change
            changed, query = _rerun(ws, query, list(state.values()))
            assert "beta2=0.99&" in query + "&", query
            assert _ordered(changed) == [], rerun
        rate = _by_key(opened, RATE)
        state[rate.id] = _moved(rate, 1)
        changed, query = _rerun(ws, query, list(state.values()))
        assert f"learning_rate={state[rate.id].string_array_value.data[0]}&" in query + "&", query
        assert _ordered(changed) == []
