"""SHA-256 of the JSON of every figure builder on fixed runs, to show a refactor leaves charts unchanged.

Not a test: the hashes change with every intended change to a chart and with Plotly's version, so
they are compared between two checkouts on one machine instead of against a stored file:

    python tests/golden/figure_hashes.py /path/to/before > before.json
    python tests/golden/figure_hashes.py /path/to/after > after.json
    cmp before.json after.json

The runs cover the regression (full batch, minibatches with noise), the 2-D test functions, a
schedule, the saddle's shifted contours and a typed formula; the figures are the path (with and
without the click grid, in English and Chinese), surface, loss, internals and data views, the
Compare overlay (revealed and hidden), race and loss curves, and the Sweep heatmaps and
sensitivity chart.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[2]).resolve()))

import numpy as np  # noqa: E402

import optviz  # noqa: E402
from optviz.compare import compare, learning_rate_scan  # noqa: E402
from optviz.formula import compile_formula  # noqa: E402
from optviz.plots import compare as plots_compare  # noqa: E402
from optviz.plots import curves, data, internals, space  # noqa: E402
from optviz.plots import sweep as plots_sweep  # noqa: E402


def figure_hashes() -> dict[str, str]:
    """Figure name -> SHA-256 of ``fig.to_json()``."""
    out: dict[str, str] = {}

    def put(name, fig) -> None:
        out[name] = hashlib.sha256(fig.to_json().encode()).hexdigest()

    runs = {
        "adam_lr": optviz.run("adam", "linear_regression", steps=120, hparams={"learning_rate": 0.05}),
        "sgd_rosen": optviz.run("sgd", "rosenbrock", steps=300, hparams={"learning_rate": 1e-3}),
        "mom_saddle": optviz.run("momentum", "saddle", steps=50),
        "nadam_batch": optviz.run(
            "nadam", "linear_regression", steps=80, batch_size=10, grad_noise=0.5, seed=3
        ),
        "prodigy_beale": optviz.run("prodigy", "beale", steps=60, schedule="cosine"),
        "formula": optviz.run("adam", compile_formula("x**2 + 3*y**2 + x*y"), steps=40),
    }
    for key, tr in runs.items():
        put(f"path/{key}", space.path_figure(tr, cursor=min(10, tr.k)))
        put(f"pathclick/{key}", space.path_figure(tr, clickable=True, lang="zh"))
        put(f"surface/{key}", space.surface_figure(tr, cursor=3))
        put(f"loss/{key}", curves.loss_figure(tr, cursor=5))
        put(f"internals/{key}", internals.internals_figure(tr, cursor=7))
        if tr.problem.key == "linear_regression":
            put(f"data/{key}", data.data_figure(tr, cursor=7))
    for prob in ("linear_regression", "himmelblau", "ill_conditioned"):
        traces = compare({"sgd": {"learning_rate": 0.01}, "adam": None, "lion": None}, prob, steps=70)
        put(f"overlay/{prob}", plots_compare.overlay_figure(traces, clickable=True))
        put(f"overlay_hidden/{prob}", plots_compare.overlay_figure(traces, reveal=False))
        put(f"race/{prob}", plots_compare.race_figure(traces))
        put(f"losses/{prob}", plots_compare.loss_curves_figure(traces))
    grid = {"learning_rate": np.logspace(-3, 0, 7), "beta1": [0.5, 0.9, 0.99]}
    res = optviz.sweep("adam", "booth", steps=60, grid=grid)
    put("heatmap", plots_sweep.heatmap_figure(res))
    put("heatmap_steps", plots_sweep.heatmap_figure(res, "steps_to_converge"))
    scan = learning_rate_scan("adam", "linear_regression", steps=50)
    put(
        "sensitivity", plots_sweep.sensitivity_figure({"adam": scan}, optviz.get_problem("linear_regression"))
    )
    return out


if __name__ == "__main__":
    json.dump(figure_hashes(), sys.stdout, indent=0, sort_keys=True)
    print()
