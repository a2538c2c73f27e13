"""Server time of one Playground rerun after a learning-rate change, and of its three charts, each
measured side by side in one process:

- three charts: figures as a spec with pre-typed arrays that Streamlit reads without building plotly.py's
  objects (``optviz.plots.style.SpecFigure``, ``typed_arrays``) against a ``go.Figure`` built from NumPy
  arrays (how every figure was made before);
- other pages (Compare, Sweep, Networks): a rerun that changes nothing, their charts taken from
  ``webui.ui.shared_figure``'s store against built on every rerun (the store emptied first);
- page rerun: the page with the views of a run it has seen before (figures, window, worked step) taken
  from ``webui.ui.of_run``'s shared store, against the same page building them on every rerun (the store
  emptied before each rerun: how every rerun worked before).

The page runs through streamlit's AppTest with one shared script cache (a real server compiles the
page once; AppTest alone recompiles it every run), over six learning rates in turn, so the runs
themselves always come from the cache. Issue 15's goal: median <= 20 ms per change.

A real server is measured too (``streamlit run app.py``, one session over Streamlit's websocket
protocol, asking like the browser for a rerun of the fragment that drew the slider, the page's body):
the time from sending a change to the end of its rerun (including the first screen's 25 ms
head start, ``webui.ui.head_start``, a pause), and the server process's CPU time per change (/proc), which counts what AppTest leaves out (protobuf serialization, the websocket, the
event loop) and leaves out what only AppTest does (parsing every element back). Twice: over the same six
rates in turn (a value someone chose before: run and views from the shared stores), and over rates
never chosen before (a new run and new views on every change).

    python benchmarks/bench_rerun.py [--changes 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as _app_test

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optviz  # noqa: E402
from optviz.plots import curves, internals, space, style  # noqa: E402
from webui import ui  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
KEY = "pg.hp.adam.learning_rate"
TYPED, SPEC = style.typed_arrays, style.SpecFigure


def _mode(lazy: bool) -> None:
    style.typed_arrays = TYPED if lazy else (lambda spec: spec)
    style.SpecFigure = SPEC if lazy else (lambda spec: go.Figure(spec, _validate=False))


def charts_ms(trace) -> float:
    """Build the Playground's three charts and encode them as st.plotly_chart does."""
    began = time.perf_counter()
    for fig in (
        space.path_figure(trace, 500, clickable=True),
        curves.loss_figure(trace, 500),
        internals.internals_figure(trace, 500),
    ):
        pio.to_json(fig.to_dict(), validate=False)
    return (time.perf_counter() - began) * 1e3


def server_ms(changes: int, fresh: bool) -> tuple[float, float, float]:
    """A real server, one websocket session moving the learning rate over six values in turn (``fresh``:
    up the slider, one value never chosen before per change): the median ms from a change to its rerun's
    end, the server's CPU ms per change (/proc, a mean), and the median CPU ms per change (each change's
    script run, timed by benchmarks/timed_server.py, plus the other threads' mean share)."""
    import asyncio

    from load_test import RateSession, other_threads_ms, timed_server

    async def session(s: RateSession) -> None:
        await s.open()
        for _ in range(6):  # warm-up
            await s.change()
        await s.block(changes)
        await s.ws.close()

    with timed_server() as (base, proc, runs_log):
        s = RateSession(base, proc.pid, runs_log, new=fresh)
        asyncio.run(session(s))
    cpu = s.per_change[0]
    rest = other_threads_ms(s.runs, cpu * changes / 1e3, changes)
    return statistics.median(s.walls), cpu, statistics.median(s.runs) + rest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=40)
    args = parser.parse_args()

    trace = optviz.run("adam", "linear_regression", steps=1000, hparams={"learning_rate": 0.01})
    charts = {True: [], False: []}
    for _ in range(args.changes):
        for typed in (False, True):
            _mode(typed)
            charts[typed].append(charts_ms(trace))

    # the first screen's head start is a pause, not work: left out here (the real server's wall time
    # below includes it, its CPU time does not)
    ui.HEAD_START_S = 0.0
    shared = ScriptCache()
    _app_test.ScriptCache = lambda: shared
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    options = [float(o) for o in at.select_slider(key=KEY).options]
    start = options.index(0.01)
    page = {True: [], False: []}
    for i in range(args.changes + 6):
        for shared_views in (False, True):
            if not shared_views:
                ui._RUN_VIEWS.clear()
            began = time.perf_counter()
            at.select_slider(key=KEY).set_value(options[start + (i % 6) - 3]).run()
            if i >= 6:  # the six rates are cached runs from then on: what is left is the page
                page[shared_views].append((time.perf_counter() - began) * 1e3)
            assert not at.exception, at.exception
    for name in ("compare", "sweep", "networks"):  # a rerun that changes nothing: its charts shared or built
        other = AppTest.from_file(APP, default_timeout=300)
        other.switch_page(f"pages/{name}.py")
        other.run()
        times = {True: [], False: []}
        for i in range(args.changes // 2 + 3):
            for shared_views in (False, True):
                if not shared_views:
                    ui._RUN_VIEWS.clear()
                began = time.perf_counter()
                other.run()
                if i >= 3:
                    times[shared_views].append((time.perf_counter() - began) * 1e3)
                assert not other.exception, other.exception
        old, new = statistics.median(times[False]), statistics.median(times[True])
        print(
            f"{name:8s} unchanged rerun, charts built: {old:6.1f} ms   shared: {new:6.1f} ms   ratio {new / old:.2f}"
        )
    old, new = statistics.median(charts[False]), statistics.median(charts[True])
    print(
        f"three charts  go.Figure: {old:6.1f} ms   spec, typed arrays: {new:6.1f} ms   ratio {new / old:.2f}"
    )
    old, new = statistics.median(page[False]), statistics.median(page[True])
    print(f"page rerun    views built: {old:6.1f} ms   views shared: {new:6.1f} ms   ratio {new / old:.2f}")
    cpus, medians = {}, {}
    for fresh in (False, True):
        wall, cpus[fresh], medians[fresh] = server_ms(args.changes, fresh)
        print(
            f"real server   {'new rates ' if fresh else 'six rates '} change -> end of rerun: {wall:6.1f} ms"
            f" median   server CPU: {cpus[fresh]:6.1f} ms per change (mean), {medians[fresh]:6.1f} ms (median)"
        )
    print(
        f"goal: page rerun median <= 20 ms: {'met' if new <= 20 else 'NOT met'} (AppTest),"
        f" {'met' if medians[False] <= 20 else 'NOT met'} (real server CPU, six rates),"
        f" {'met' if medians[True] <= 20 else 'NOT met'} (real server CPU, new rates)"
    )


if __name__ == "__main__":
    main()
