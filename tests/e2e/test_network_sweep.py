"""Sweep on networks in Chromium: a person opens the Sweep page, picks the MLP classifier in the problem
select; the heatmap is redrawn as a res x res grid of that network's final losses (the values the
library computes for the link the address bar now holds), and the address bar names the scene."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlparse

import numpy as np

import optviz
from optviz import app_state
from optviz.i18n import t
from optviz.network_state import scene_problem
from optviz.plots.sweep import axis_values, loss_gap

from .browser import (
    CHART,
    chart_digest,
    choose,
    exception_texts,
    key_selector,
    open_app,
    wait_chart_change,
    wait_idle,
)

HEATMAP = key_selector("swp.heatmap")
RES = 10


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def _heatmap_z(page) -> list[list[float | None]]:
    """The drawn heatmap's colour values (rows = the y axis), None where a cell is a gap."""
    return page.eval_on_selector(
        HEATMAP + " " + CHART, "gd => gd._fullData[0].z.map((row) => Array.from(row))"
    )


def test_picking_the_mlp_classifier_sweeps_the_network(page, server):
    open_app(page, server + f"/sweep?res={RES}&steps=100&sens=sgd")
    page.wait_for_selector(HEATMAP + " " + CHART)
    before = chart_digest(page.locator(HEATMAP))
    assert _query(page)["problem"] == "linear_regression"

    choose(page, "swp.problem", t("ui.kind.network", "en") + " · MLP classifier")
    page.wait_for_function("() => location.search.includes('problem=classifier')")
    wait_chart_change(page, HEATMAP, before, timeout=60_000)
    wait_idle(page)
    assert exception_texts(page) == []
    query = _query(page)
    assert query["problem"] == "classifier" and query["res"] == str(RES)
    assert page.locator(key_selector("swp.scene.classifier.hidden")).count() == 1
    assert page.locator(key_selector("swp.start.linear_regression.x")).count() == 0

    z = _heatmap_z(page)
    assert len(z) == RES and all(len(row) == RES for row in z)
    shown = [v for row in z for v in row if v is not None]
    assert len(shown) >= RES * RES // 2 and all(math.isfinite(v) for v in shown)

    # the drawn cells are the library's sweep of the configuration in the address bar
    config, warnings = app_state.parse_sweep(query)
    assert warnings == [] and config.is_network and config.resolution == RES
    opt = optviz.OPTIMIZERS[config.base.optimizer]
    grid = {
        a: axis_values(opt.param(a), *r, RES)
        for a, r in ((config.x, config.x_range), (config.y, config.y_range))
    }
    kwargs = {k: v for k, v in app_state.run_kwargs(config.base).items() if k != "hparams"}
    fixed = {k: v for k, v in config.base.hparams.items() if k not in grid}
    problem = scene_problem("classifier", config.scene_values)
    result = optviz.sweep(config.base.optimizer, problem, grid=grid, hparams=fixed, **kwargs)
    with np.errstate(divide="ignore"):
        expected = np.where(result.diverged, np.nan, np.log10(loss_gap(result.final_loss, problem))).T
    drawn = np.array([[np.nan if v is None else v for v in row] for row in z], dtype=float)
    np.testing.assert_array_equal(np.isnan(drawn), np.isnan(expected))
    np.testing.assert_allclose(drawn[~np.isnan(drawn)], expected[~np.isnan(expected)], atol=2e-6)
