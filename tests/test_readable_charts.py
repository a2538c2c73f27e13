"""Charts a person can read (issue 11, defects 7 and 8), checked on the figure JSON: log axes with a
handful of labels, the model line inside the data view, frame labels that are the cursor's step,
controls drawn with characters every font has, and Chinese where the page is Chinese."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from figdata import decode

import optviz
from optviz.compare import compare, hparams_table, learning_rate_scan, results_table
from optviz.plots import compare as pc
from optviz.plots import curves, data, internals, space
from optviz.plots import sweep as sp


def as_dict(fig) -> dict:
    return decode(fig.to_dict())


#: At most this many tick labels on any log axis (more pile up on a 420-pixel chart).
MAX_LABELS = 8


def log_labels(axis: dict, values: np.ndarray) -> int:
    """How many decade labels Plotly draws on a log axis with this layout over these values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    lo, hi = np.log10(v.min()), np.log10(v.max())
    dtick = axis.get("dtick")
    assert dtick is not None, "a log axis spanning several decades needs an explicit dtick"
    step = float(dtick)
    return int(np.floor(hi / step) - np.ceil(lo / step) + 1)


def test_a_loss_spanning_thirty_decades_gets_a_few_labels():
    trace = optviz.run("sgd", "booth", steps=200, hparams={"learning_rate": 0.02})
    assert np.log10(trace.loss.max() / trace.loss.min()) > 30  # 1e3 down to below 1e-30
    d = as_dict(curves.loss_figure(trace))
    assert d["layout"]["yaxis"]["type"] == "log"
    assert 3 <= log_labels(d["layout"]["yaxis"], trace.loss) <= MAX_LABELS


def test_internals_log_panels_label_few_whole_decades():
    """Small panels: at most 4 labels, whole decades only (no 2 and 5 minor labels)."""
    trace = optviz.run("adagrad", "booth", steps=400, hparams={"learning_rate": 1.0})
    d = as_dict(internals.internals_figure(trace))
    logs = 0
    for i, s in enumerate(internals.internal_series(trace)):
        axis = d["layout"]["yaxis" if i == 0 else f"yaxis{i + 1}"]
        if axis["type"] != "log":
            continue
        logs += 1
        assert axis["dtick"] >= 1 and float(axis["dtick"]).is_integer()
        assert log_labels(axis, s.values) <= 4, (s.name, axis)
    assert logs >= 1


def test_sensitivity_axes_label_few_decades():
    scans = {k: learning_rate_scan(k, "booth", steps=200) for k in ("sgd", "adam")}
    d = as_dict(sp.sensitivity_figure(scans, optviz.get_problem("booth")))
    gaps = np.concatenate([np.asarray(tr["y"], dtype=float) for tr in d["data"] if len(tr["y"])])
    rates = np.concatenate([s.learning_rates for s in scans.values()])
    assert log_labels(d["layout"]["yaxis"], gaps) <= MAX_LABELS
    assert log_labels(d["layout"]["xaxis"], rates) <= MAX_LABELS


def test_the_data_view_shows_the_model_line_at_the_cursor():
    """Early in training the model line (w, b near 0.95) lies far below the data (y between 4 and 7)."""
    trace = optviz.run("adam", "linear_regression", steps=100, hparams={"learning_rate": 0.01})
    d = as_dict(data.data_figure(trace, cursor=100))
    lo, hi = d["layout"]["yaxis"]["range"]
    model = next(t for t in d["data"] if t["name"].startswith("model at step 100"))
    assert lo <= min(model["y"]) and max(model["y"]) <= hi
    y = trace.problem.y
    assert lo <= y.min() and y.max() <= hi  # the data stays in view too


def test_a_runaway_model_line_does_not_squash_the_data():
    trace = optviz.run("sgd", "linear_regression", steps=40, hparams={"learning_rate": 0.9})
    d = as_dict(data.data_figure(trace))
    lo, hi = d["layout"]["yaxis"]["range"]
    span = float(np.ptp(trace.problem.y))
    assert hi - lo <= 5 * span


@pytest.mark.parametrize("cursor", [120, 37, 200])
def test_the_frame_slider_ends_on_the_cursor_step(cursor):
    """Frame labels are real step numbers; the last frame (and the active one) is the cursor's step."""
    trace = optviz.run("adam", "booth", steps=200, hparams={"learning_rate": 0.1})
    d = as_dict(space.path_figure(trace, cursor=cursor))
    slider = d["layout"]["sliders"][0]
    labels = [s["label"] for s in slider["steps"]]
    assert labels == [f["name"] for f in d["frames"]]
    assert all(re.fullmatch(r"\d+", label) for label in labels)
    assert labels[-1] == str(cursor) and labels[slider["active"]] == str(cursor)
    # playback ends on the static path: the last frame is the path drawn up to the cursor
    np.testing.assert_array_equal(d["frames"][-1]["data"][0]["x"], d["data"][space.PATH_TRACES[0]]["x"])


#: Characters of control labels must come from text fonts every install has (DejaVu, Noto CJK):
#: emoji such as U+23F8 (pause) have no glyph without an emoji font and render as boxes.
def plain_glyphs(text: str) -> bool:
    return all(
        ch.isascii()
        or "\u4e00" <= ch <= "\u9fff"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
        or ch in "▶❚·—–"
        for ch in text
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_play_and_pause_labels_use_characters_every_font_has(lang):
    traces = compare({"sgd": {"learning_rate": 0.05}, "adam": {"learning_rate": 0.3}}, "booth", steps=30)
    race = as_dict(pc.race_figure(traces, lang=lang))
    path = as_dict(space.path_figure(traces["adam"], lang=lang))
    for fig in (race, path):
        labels = [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]]
        assert len(labels) == 2
        bad = [
            (label, [unicodedata.name(c, hex(ord(c))) for c in label if not plain_glyphs(c)])
            for label in labels
        ]
        assert all(plain_glyphs(label) for label in labels), bad


def test_internals_descriptions_are_chinese_in_chinese():
    trace = optviz.run("adam", "booth", steps=20, schedule="cosine")
    d = as_dict(internals.internals_figure(trace, lang="zh"))
    notes = {
        a["text"].split("</b>")[0][3:]: a["text"] for a in d["layout"]["annotations"] if "</b>" in a["text"]
    }
    for name in ("grad", "update", "lr", "m", "v"):
        meaning = notes[name].split("</b>: ", 1)[1]
        assert re.search(r"[\u4e00-\u9fff]", meaning), (name, meaning)
        assert not re.search(r"\b(the|of|at|this)\b", meaning), (name, meaning)


@pytest.mark.parametrize("builder", ["overlay", "loss", "race"])
def test_compare_legends_use_chinese_optimizer_names(builder):
    traces = compare({"sgd": {}, "momentum": {}}, "booth", steps=10)
    make = {"overlay": pc.overlay_figure, "loss": pc.loss_curves_figure, "race": pc.race_figure}[builder]
    names = {t.get("name") for t in as_dict(make(traces, lang="zh"))["data"]}
    assert {"SGD（随机梯度下降）", "SGD + 动量（重球法）"} <= names
    assert "SGD + momentum (heavy ball)" not in names


def test_sweep_figures_use_chinese_optimizer_names():
    scans = {"momentum": learning_rate_scan("momentum", "booth", steps=20, learning_rates=[0.01, 0.1])}
    d = as_dict(sp.sensitivity_figure(scans, optviz.get_problem("booth"), lang="zh"))
    assert d["data"][0]["name"] == "SGD + 动量（重球法）"
    res = optviz.sweep(
        "momentum", "booth", steps=5, grid={"learning_rate": [0.01, 0.1], "momentum": [0.5, 0.9]}
    )
    assert "SGD + 动量（重球法）" in as_dict(sp.heatmap_figure(res, lang="zh"))["layout"]["title"]["text"]


@pytest.mark.parametrize(
    ("lang", "never", "diverged"),
    [("en", "did not converge in 50 steps", "diverged at step {}"), ("zh", "50 步内未收敛", "第 {} 步发散")],
)
def test_compare_table_says_in_words_what_happened(lang, never, diverged):
    """The page shows ``outcome`` (never None); names follow the language; learning_rate is not repeated."""
    traces = compare({"sgd": {"learning_rate": 1e-4}, "momentum": {"learning_rate": 0.5}}, "booth", steps=50)
    rows = results_table(traces, lang=lang)
    assert rows[0]["outcome"] == never
    assert rows[1]["outcome"] == diverged.format(traces["momentum"].diverged_at)
    assert rows[0]["steps_to_converge"] is None  # the CSV keeps an empty numeric cell
    assert "learning_rate" not in rows[1]["hparams"] and "momentum=0.9" in rows[1]["hparams"]
    if lang == "zh":
        assert rows[1]["optimizer"] == "SGD + 动量（重球法）"


def test_compare_hyperparameters_side_by_side_with_dashes_for_missing_ones():
    """One row per hyperparameter, one column per optimizer: narrow, so nothing is cut off."""
    traces = compare({"sgd": {"learning_rate": 0.05}, "adam": {"beta2": 0.99}}, "booth", steps=5)
    for lang, first, names in [
        ("en", "hyperparameter", ("SGD", "Adam")),
        ("zh", "超参数", ("SGD（随机梯度下降）", "Adam")),
    ]:
        rows = {row[first]: row for row in hparams_table(traces, lang)}
        assert list(rows)[:2] == ["learning_rate", "weight_decay"]
        sgd, adam = names
        assert rows["learning_rate"][sgd] == "0.05" and rows["beta2"][adam] == "0.99"
        assert rows["beta2"][sgd] == "—"
        assert all(isinstance(v, str) and v for row in rows.values() for v in row.values())
