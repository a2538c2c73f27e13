"""Teaching controls: the learning-rate slider reaches the ravine's zig-zag band without typing."""

import optviz
from optviz import app_state as state
from webui.ui import log_options


def _lr_param(optimizer: str):
    return {p.name: p for p in optviz.OPTIMIZERS[optimizer].hparams}["learning_rate"]


def test_learning_rate_slider_has_fine_notches_in_every_decade():
    options = log_options(_lr_param("sgd"))
    for notch in (0.25, 0.3, 0.4, 0.5, 0.15, 0.06, 0.08, 2.5e-4):
        assert notch in options
    # SGD on the default 20:1 ravine (curvature 4 across it): y is multiplied by 1 - 4 lr each step, so
    # 0.25 lands on the valley floor in one step, 0.3 and 0.4 zig-zag across it, 0.5 bounces forever.
    assert [x for x in options if 0.25 <= x <= 0.5] == [0.25, 0.3, 0.4, 0.5]

    def across(lr: float):
        trace = optviz.run("sgd", "ill_conditioned", steps=state.DEFAULT_STEPS, hparams={"learning_rate": lr})
        assert trace.diverged_at is None
        return trace.params[:20, 1]

    assert across(0.25)[1] == 0.0
    for lr in (0.3, 0.4):
        y = across(lr)
        assert (y[:-1] * y[1:] < 0).all() and abs(y[-1]) < abs(y[0])  # crosses every step, settles
    y = across(0.5)
    assert (y[:-1] * y[1:] < 0).all() and abs(y[-1]) == abs(y[0])


def test_other_hyperparameters_keep_the_coarse_notches():
    beta2 = {p.name: p for p in optviz.OPTIMIZERS["adam"].hparams}["beta2"]
    assert 0.99 in log_options(beta2) and 0.985 not in log_options(beta2)
    eps = {p.name: p for p in optviz.OPTIMIZERS["adam"].hparams}["epsilon"]
    assert 1e-8 in log_options(eps) and 2.5e-8 not in log_options(eps)
    # every option still lies in the declared range, sorted, and includes the default
    p = _lr_param("adam")
    options = log_options(p)
    assert list(options) == sorted(options) and p.low <= options[0] and options[-1] <= p.high
    assert p.default in options
