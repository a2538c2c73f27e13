"""Views of recorded runs (figures, windows, worked steps) are built once and shared: ``webui.ui.of_run``,
and the Playground that takes its figures from it (issue 15: cheaper reruns)."""

from __future__ import annotations

import gc

from page_runs import chart, open_page

import optviz
from webui import ui

KEY = "pg.hp.adam.learning_rate"


def _count(trace: optviz.Trace, scale: float, *, offset: float = 0.0) -> dict:
    """A view that says how often it was built."""
    _count.calls += 1
    return {"k": trace.k, "scaled": scale * trace.k + offset}


_count.calls = 0


def _run(lr: float) -> optviz.Trace:
    return optviz.run("adam", "rosenbrock", steps=20, hparams={"learning_rate": lr})


def test_a_view_is_built_once_per_run_and_arguments():
    ui._RUN_VIEWS.clear()
    a, b = _run(0.01), _run(0.02)
    before = _count.calls
    first = ui.of_run(_count, a, 2.0, offset=1.0)
    assert first == {"k": 20, "scaled": 41.0}
    assert ui.of_run(_count, a, 2.0, offset=1.0) is first  # shared, not rebuilt
    assert _count.calls == before + 1
    assert ui.of_run(_count, a, 3.0, offset=1.0) == {"k": 20, "scaled": 61.0}  # other arguments
    assert ui.of_run(_count, a, 2.0) == {"k": 20, "scaled": 40.0}  # other keyword arguments
    assert ui.of_run(_count, b, 2.0, offset=1.0) is not first  # an equal but other run object
    assert _count.calls == before + 4


def test_a_kept_view_holds_its_run_so_no_new_run_can_take_its_key():
    """The key holds the run's id; the entry keeps the run alive, so a new run never gets that id
    (and with it another run's figures) while the entry lives."""
    ui._RUN_VIEWS.clear()
    ids = set()
    for i in range(40):
        trace = _run(0.01 + i * 1e-4)
        view = ui.of_run(_count, trace, 1.0)
        assert view["k"] == trace.k and id(trace) not in ids
        ids.add(id(trace))
        del trace, view
        gc.collect()


def test_the_store_is_bounded():
    ui._RUN_VIEWS.clear()
    for i in range(ui.RUN_VIEWS_KEPT + 10):
        ui.of_run(_count, _run(0.01), float(i))
    assert len(ui._RUN_VIEWS._results) == ui.RUN_VIEWS_KEPT


def test_playground_charts_are_the_same_when_a_value_comes_back():
    """Moving the learning rate away and back draws exactly the first picture (figures are shared
    between reruns and never changed after they were built)."""
    at = open_page("playground")
    keys = ("pg.chart.space", "pg.chart.loss", "pg.chart.data", "pg.chart.internals")
    first = {k: chart(at, k) for k in keys}
    slider = at.select_slider(key=KEY)
    slider.set_value(0.02).run()
    moved = chart(at, "pg.chart.space")
    assert moved != first["pg.chart.space"]
    at.select_slider(key=KEY).set_value(0.01).run()
    assert not at.exception
    assert {k: chart(at, k) for k in keys} == first


def test_presentation_charts_are_fitted_once_however_often_the_page_reruns():
    """In presentation mode the first screen's figures are shortened to fit a projector, in place:
    a shared figure must not be shortened again (its title pushed lower) on every rerun."""
    at = open_page("playground", present="true")
    first = chart(at, "pg.chart.space")["layout"]
    assert first["height"] == ui.PRESENT_FIRST_SCREEN_HEIGHT
    for value in (0.02, 0.01, 0.02, 0.01):
        at.select_slider(key=KEY).set_value(value).run()
        assert not at.exception
    again = chart(at, "pg.chart.space")["layout"]
    assert (again["height"], again["margin"], again["title"]) == (
        first["height"],
        first["margin"],
        first["title"],
    )


def test_compare_charts_are_shared_and_the_same_when_a_value_comes_back():
    """The Compare page's runs are shared read-only (no copy per rerun) and its three charts are built
    once per set of runs: moving a rate away and back draws exactly the first charts."""
    from webui import memo

    at = open_page("compare", opts="adam,sgd", problem="booth", steps="50")
    keys = ("cmp.paths_chart", "cmp.race_chart", "cmp.loss_chart")
    first = {k: chart(at, k) for k in keys}
    at.select_slider(key="cmp.sgd.learning_rate").set_value(0.02).run()
    assert not at.exception and chart(at, "cmp.paths_chart") != first["cmp.paths_chart"]
    at.select_slider(key="cmp.sgd.learning_rate").set_value(0.01).run()
    assert not at.exception
    assert {k: chart(at, k) for k in keys} == first
    runs = [r for results in memo._STORES["pages.compare:runs"].values() for r in results.values()]
    assert runs and all(not r.params.flags.writeable and not r.loss.flags.writeable for r in runs)


def _counted(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` (a figure builder) by one that records each build; the list of calls."""
    calls, build = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return build(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_sweep_charts_are_built_once_per_result(monkeypatch):
    """The heatmap and the sensitivity chart are built once per sweep (and metric) and set of scans:
    a rerun that changes neither (a click on a cell, a classmate on the link) reuses them, and a metric
    switched away and back draws exactly the first heatmap. The scans are shared read-only."""
    from optviz.plots import sweep as plots
    from webui import memo

    ui._RUN_VIEWS.clear()  # no figure an earlier test of this worker built for the same results
    heatmaps = _counted(monkeypatch, plots, "heatmap_figure")
    sensitivities = _counted(monkeypatch, plots, "sensitivity_figure")
    at = open_page("sweep")
    first = {k: chart(at, k) for k in ("swp.heatmap", "swp.sensitivity")}
    for _ in range(3):
        at.run()
        assert not at.exception
    assert (len(heatmaps), len(sensitivities)) == (1, 1)
    metrics = at.radio(key="swp.metric").options
    at.radio(key="swp.metric").set_value(metrics[1]).run()
    assert not at.exception and chart(at, "swp.heatmap") != first["swp.heatmap"]
    at.radio(key="swp.metric").set_value(metrics[0]).run()
    assert not at.exception
    assert {k: chart(at, k) for k in first} == first
    assert (len(heatmaps), len(sensitivities)) == (2, 1)  # the second metric's heatmap, once
    scans = [scan for found in memo._STORES["pages.sweep:scan_sets"].values() for scan in found.values()]
    assert scans and all(not scan.final_loss.flags.writeable for scan in scans)


def test_network_charts_are_built_once_per_runs_and_step(monkeypatch):
    """The Networks page's charts are built once per runs and cursor step: reruns that change neither
    reuse them (its curves once evaluated every network's accuracy on every rerun)."""
    from optviz.plots import networks as plots

    ui._RUN_VIEWS.clear()  # no figure an earlier test of this worker built for the same runs
    curves = _counted(monkeypatch, plots, "curves_figure")
    landscapes = _counted(monkeypatch, plots, "landscape_figure")
    at = open_page("networks")
    first = chart(at, "net.chart.curves")
    for _ in range(3):
        at.run()
        assert not at.exception
    assert (len(curves), len(landscapes)) == (1, 1)
    assert chart(at, "net.chart.curves") == first
