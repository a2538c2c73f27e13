"""orjson or not: figure JSON and Playground rerun time with Plotly's two JSON engines, in one process.

Streamlit's ``st.plotly_chart`` turns each figure into JSON with ``plotly.io.to_json``, whose engine
is "auto": orjson when it is installed, the standard library's json otherwise (Streamlit itself does
not use orjson). This script measures, alternating the engine in one process so both see the same
machine load:

1. ``plotly.io.to_json`` of the figures the default Playground page draws (and of the classroom
   start, Rosenbrock at 200 steps), as st.plotly_chart calls it;
2. the server time of a whole Playground rerun after a learning-rate change (streamlit's AppTest, no
   browser), with ``plotly.io.json.config.default_engine`` set to "json" or "orjson".

    python benchmarks/bench_json.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import plotly.io as pio
import plotly.tools
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import optviz  # noqa: E402
from optviz import app_state  # noqa: E402
from optviz.plots import curves, internals, space  # noqa: E402
from optviz.plots import data as data_view  # noqa: E402

APP = str(ROOT / "app.py")
ENGINES = ("json", "orjson")


def page_figures(opt: str, problem: str, steps: int) -> list:
    """The figures the Playground draws for this run (cursor at the end), as st.plotly_chart gets them."""
    hparams = {**app_state.default_hparams(opt), **app_state.PAGE_DEFAULTS}
    trace = optviz.run(opt, problem, steps=steps, hparams=hparams)
    k = trace.steps
    window = space.plot_window(trace.problem, trace.params)
    figures = [
        space.path_figure(trace, k, window=window),
        curves.loss_figure(trace, k),
        internals.internals_figure(trace, k),
    ]
    if problem == "linear_regression":
        figures.append(data_view.data_figure(trace, k))
    return [plotly.tools.return_figure_from_figure_or_data(f, validate_figure=True) for f in figures]


def time_to_json(figures: list, engine: str, repeats: int) -> tuple[float, int]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        size = sum(len(pio.to_json(f, validate=False, engine=engine)) for f in figures)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), size


JSON_MS = [0.0]  # time spent in plotly.io.to_json during the current rerun


def _timed_to_json(original):
    def to_json(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            JSON_MS[0] += (time.perf_counter() - t0) * 1e3

    return to_json


def rerun_times(repeats: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Rerun time after a learning-rate change on the default page, and the part of it spent in
    plotly.io.to_json (st.plotly_chart looks it up at call time, so a wrapper sees every call);
    the engine alternates per rerun."""
    pio.to_json = _timed_to_json(pio.to_json)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    key = next(w.key for w in at.select_slider if w.key and w.key.endswith(".learning_rate"))
    options = list(at.select_slider(key=key).options)
    start = (
        options.index(at.select_slider(key=key).value) if at.select_slider(key=key).value in options else 0
    )
    out: dict[str, list[float]] = {e: [] for e in ENGINES}
    in_json: dict[str, list[float]] = {e: [] for e in ENGINES}
    for i in range(2 * repeats + 2):
        engine = ENGINES[i % 2]
        pio.json.config.default_engine = engine
        value = options[(start + 1 + (i // 2) % 2) % len(options)]  # two values: cached runs after the first
        JSON_MS[0] = 0.0
        t0 = time.perf_counter()
        at.select_slider(key=key).set_value(value).run()
        elapsed = (time.perf_counter() - t0) * 1e3
        assert not at.exception, at.exception
        if i >= 2:
            out[engine].append(elapsed)
            in_json[engine].append(JSON_MS[0])
    pio.json.config.default_engine = "auto"
    return out, in_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(
        f"plotly.io.json default engine: {pio.json.config.default_engine!r} (auto -> orjson when installed)"
    )
    for label, (opt, problem, steps) in {
        "default page": ("adam", "linear_regression", 100),
        "classroom start": ("adam", "rosenbrock", 200),
        "5,000 steps": ("adam", "rosenbrock", 5000),
    }.items():
        figures = page_figures(opt, problem, steps)
        ms = {}
        for engine in ENGINES * 2:  # interleaved, the second pass counts
            ms[engine], size = time_to_json(figures, engine, args.repeats)
        print(
            f"{label:16s} ({len(figures)} figures, {size / 1e3:.0f} kB JSON): plotly.io.to_json median"
            f" json {ms['json']:.2f} ms, orjson {ms['orjson']:.2f} ms, saved {ms['json'] - ms['orjson']:.2f} ms"
            f" ({ms['json'] / ms['orjson']:.1f}x)"
        )
    times, in_json = rerun_times(args.repeats)
    med = {e: statistics.median(v) for e, v in times.items()}
    jmed = {e: statistics.median(v) for e, v in in_json.items()}
    print(
        f"default Playground rerun after a learning-rate change (AppTest, {args.repeats} each, alternating):"
        f" median json {med['json']:.1f} ms, orjson {med['orjson']:.1f} ms (machine noise included);"
        f" of which in plotly.io.to_json: json {jmed['json']:.2f} ms, orjson {jmed['orjson']:.2f} ms,"
        f" saved {jmed['json'] - jmed['orjson']:.2f} ms per rerun"
    )


if __name__ == "__main__":
    main()
