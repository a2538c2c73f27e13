"""Every bad input gets a ValueError that names the value and says what is allowed."""

import numpy as np
import pytest

import optviz

# (description, call, message pattern) — in the spirit of torch.optim's table of bad inputs.
BAD = [
    ("unknown optimizer", lambda: optviz.run("adamm", "booth", steps=5),
     r"unknown optimizer 'adamm'; allowed: sgd, momentum, .*prodigy"),
    ("unknown problem", lambda: optviz.run("adam", "bowl", steps=5),
     r"unknown problem 'bowl'; allowed: linear_regression, .*ill_conditioned"),
    ("unknown schedule", lambda: optviz.run("adam", "booth", steps=5, schedule="linear"),
     r"unknown schedule 'linear'; allowed: constant, .*one_cycle"),
    ("unknown hyperparameter", lambda: optviz.run("adam", "booth", steps=5, hparams={"lr": 0.1}),
     r"adam: unknown hyperparameter 'lr'; allowed: learning_rate, beta1, beta2, epsilon, weight_decay"),
    ("other optimizer's hyperparameter", lambda: optviz.run("sgd", "booth", steps=5, hparams={"beta1": 0.9}),
     r"sgd: unknown hyperparameter 'beta1'; allowed: learning_rate, weight_decay"),
    ("out of range", lambda: optviz.run("adam", "booth", steps=5, hparams={"beta2": 1.0}),
     r"adam: beta2=1.0 is outside its range \[0, 0.99999\]"),
    ("negative learning rate", lambda: optviz.run("sgd", "booth", steps=5, hparams={"learning_rate": -0.1}),
     r"sgd: learning_rate=-0.1 is outside its range"),
    ("string value", lambda: optviz.run("adam", "booth", steps=5, hparams={"beta1": "0.9"}),
     r"adam: beta1 must be a number, got str '0.9'"),
    ("None value", lambda: optviz.run("adam", "booth", steps=5, hparams={"epsilon": None}),
     r"adam: epsilon must be a number, got NoneType None"),
    ("bool value", lambda: optviz.run("adam", "booth", steps=5, hparams={"beta1": True}),
     r"adam: beta1 must be a number, got bool True"),
    ("nan value", lambda: optviz.run("adam", "booth", steps=5, hparams={"beta1": float("nan")}),
     r"adam: beta1 must be finite, got nan"),
    ("array in run", lambda: optviz.run("adam", "booth", steps=5, hparams={"beta1": [0.5, 0.9]}),
     r"adam: beta1 must be a single number in run\(\); use sweep\(\)"),
    ("hparams not a mapping", lambda: optviz.run("adam", "booth", steps=5, hparams=[("beta1", 0.9)]),
     r"hparams must be a mapping of name -> value, got list"),
    ("zero steps", lambda: optviz.run("adam", "booth", steps=0), r"steps=0 is outside \[1, 100000\]"),
    ("fractional steps", lambda: optviz.run("adam", "booth", steps=2.5), r"steps must be a whole number, got 2.5"),
    ("string steps", lambda: optviz.run("adam", "booth", steps="10"), r"steps must be a whole number, got '10'"),
    ("too many steps", lambda: optviz.run("adam", "booth", steps=10**7), r"steps=10000000 is outside"),
    ("start of wrong length", lambda: optviz.run("adam", "booth", steps=5, start=[1, 2, 3]),
     r"start must be two finite numbers, got \[1, 2, 3\]"),
    ("start with inf", lambda: optviz.run("adam", "booth", steps=5, start=[1, float("inf")]),
     r"start must be two finite numbers"),
    ("start of text", lambda: optviz.run("adam", "booth", steps=5, start="origin"), r"start must be two"),
    ("start far away", lambda: optviz.run("adam", "booth", steps=5, start=[1e9, 0]), r"outside the allowed box"),
    ("batch size on a test function", lambda: optviz.run("adam", "booth", steps=5, batch_size=4),
     r"batch_size only applies to a sum of terms such as linear regression, not 'booth'"),
    ("batch size above n", lambda: optviz.run("adam", "linear_regression", steps=5, batch_size=101),
     r"batch_size=101 is outside \[1, 100\]"),
    ("negative noise", lambda: optviz.run("adam", "booth", steps=5, grad_noise=-1.0),
     r"grad_noise=-1.0 is outside its range"),
    ("bad schedule parameter", lambda: optviz.run("adam", "booth", steps=5, schedule="cosine",
                                                   schedule_params={"min_ratio": 2.0}),
     r"schedule cosine: min_ratio=2.0 is outside its range \[0, 1\]"),
    ("unknown schedule parameter", lambda: optviz.run("adam", "booth", steps=5, schedule="step",
                                                       schedule_params={"gamma2": 0.5}),
     r"schedule step: unknown parameter 'gamma2'; allowed: step_size, gamma"),
    ("fractional integer parameter", lambda: optviz.run("adam", "booth", steps=5, schedule="step",
                                                         schedule_params={"step_size": 2.5}),
     r"step_size must be a whole number, got 2.5"),
    ("problem parameter on an instance", lambda: optviz.get_problem(optviz.PROBLEMS["booth"](), {"n": 3}),
     r"problem parameters can only be given with a problem key"),
    ("problem key of wrong type", lambda: optviz.run("adam", 3, steps=5), r"unknown problem 3; allowed"),
    ("sweep grid value out of range", lambda: optviz.sweep("adam", "booth", steps=5, grid={"beta1": [0.5, 2]}),
     r"adam: beta1=2.0 is outside its range"),
    ("sweep grid not a mapping", lambda: optviz.sweep("adam", "booth", steps=5, grid=[0.1]),
     r"grid must be a non-empty mapping"),
]  # fmt: skip


@pytest.mark.parametrize("call,pattern", [(c, p) for _, c, p in BAD], ids=[d for d, _, _ in BAD])
def test_bad_input_raises_a_value_error_naming_it(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_non_finite_start_loss_is_rejected():
    prob = optviz.PROBLEMS["rosenbrock"]()
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        optviz.run("adam", prob, steps=3, start=[np.nan, 0])
