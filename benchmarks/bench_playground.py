"""Playground speed: server-side rerun time after a learning-rate change, and chart bytes per rerun.

Runs the real page through streamlit's AppTest (no browser) and prints numbers; targets from issue 3:
median rerun <= 150 ms on the default page, <= 400 ms at 5,000 steps; chart JSON <= 1.5 MB at 5,000 steps.

    python benchmarks/bench_playground.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
KEY = "pg.hp.adam.learning_rate"


def chart_bytes(at: AppTest) -> int:
    return sum(len(el.proto.spec.encode()) for el in at.get("plotly_chart"))


def measure(steps: int, repeats: int) -> tuple[list[float], int]:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["steps"] = str(steps)
    at.run()
    assert not at.exception, at.exception
    options = [float(o) for o in at.select_slider(key=KEY).options]
    start = options.index(0.01)
    values = [
        options[start + (i % 6) - 3] for i in range(repeats + 6)
    ]  # 6 distinct rates, so the cache misses at first
    times = []
    for i, lr in enumerate(values):
        t0 = time.perf_counter()
        at.select_slider(key=KEY).set_value(lr).run()
        elapsed = time.perf_counter() - t0
        assert not at.exception, at.exception
        if i >= 1:
            times.append(elapsed * 1e3)
    return times, chart_bytes(at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    for steps, target in ((100, 150.0), (5000, 400.0)):
        times, size = measure(steps, args.repeats)
        cold, warm = times[:5], times[5:]
        print(
            f"steps={steps:5d}  rerun after a learning-rate change: median {statistics.median(times):6.1f} ms "
            f"(new run {statistics.median(cold):6.1f} ms, cached run {statistics.median(warm):6.1f} ms, "
            f"max {max(times):6.1f} ms; target <= {target:.0f} ms)  chart JSON {size / 1e6:.3f} MB per rerun"
            + ("  (target <= 1.5 MB)" if steps == 5000 else "")
        )


if __name__ == "__main__":
    main()
