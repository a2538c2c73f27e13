"""optviz.run: recording, derived values, stochastic gradients, divergence and convergence."""

import warnings

import numpy as np
import pytest

import optviz
from optviz.runner import DIVERGENCE_FACTOR


def test_trace_shapes_and_rows():
    tr = optviz.run("adam", "linear_regression", steps=100, hparams={"learning_rate": 0.01})
    assert tr.params.shape == (101, 2) and tr.loss.shape == (101,)
    assert tr.grads.shape == (100, 2) and tr.lr.shape == (100,) and tr.k == 100
    np.testing.assert_array_equal(tr.params[0], [0.0, 0.0])
    prob = tr.problem
    np.testing.assert_array_equal(tr.loss, prob.loss(tr.params))
    np.testing.assert_array_equal(tr.grads, prob.grad(tr.params[:-1]))  # gradient of step i+1 at row i
    np.testing.assert_array_equal(tr.updates, np.diff(tr.params, axis=0))
    assert tr.diverged_at is None and tr.converged_at is None


def test_adam_derived_values_are_the_bias_corrected_moments():
    hp = {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6}
    tr = optviz.run("adam", "rosenbrock", steps=30, hparams=hp)
    t = np.arange(1, 31)[:, None]
    m, v = tr.state["m"], tr.state["v"]
    np.testing.assert_allclose(tr.state["m_hat"], m / (1 - 0.8**t), rtol=1e-14)
    np.testing.assert_allclose(tr.state["v_hat"], v / (1 - 0.99**t), rtol=1e-14)
    eff = 0.05 / (np.sqrt(tr.state["v_hat"]) + 1e-6)
    np.testing.assert_allclose(tr.state["effective_lr"], eff, rtol=1e-14)
    # the update really is -effective_lr * m_hat
    np.testing.assert_allclose(tr.updates, -eff * tr.state["m_hat"], rtol=1e-9)
    # first step of Adam is about lr * sign(g), whatever the gradient scale
    np.testing.assert_allclose(tr.updates[0], -0.05 * np.sign(tr.grads[0]), rtol=1e-4)


def test_radam_first_rectified_step_is_six_with_beta2_0999():
    tr = optviz.run("radam", "linear_regression", steps=10)
    rectified = tr.state["r_t"] > 0
    assert rectified.tolist() == [False] * 5 + [True] * 5


def test_prodigy_and_schedule_free_state():
    tr = optviz.run("prodigy", "linear_regression", steps=50, hparams={"learning_rate": 0.5})
    assert tr.state["d"].shape == (50,) and np.all(np.diff(tr.state["d"]) >= 0)  # d never shrinks
    assert tr.state["d"][-1] > 1e-6
    sf = optviz.run("sf_sgd", "linear_regression", steps=20, hparams={"learning_rate": 0.1})
    np.testing.assert_allclose(sf.state["c"], 1 / np.arange(1, 21), rtol=1e-12)  # constant lr: c_t = 1/t
    b = 0.9  # y = (1-b) z + b x
    np.testing.assert_allclose(sf.params[1:], (1 - b) * sf.state["z"] + b * sf.state["x"], rtol=1e-12)


@pytest.mark.parametrize("key", ["sf_sgd", "sf_adamw"])
def test_schedule_free_weights_each_step_by_the_largest_lr_so_far_squared(key):
    """shared/optimizers.md (as schedulefree): lr_max = max(lr_max, lr), W += lr_max^2, c = lr_max^2/W,
    with lr after the schedule. Under a warm-up then cosine decay, c differs from lr^2 / sum lr^2."""
    tr = optviz.run(key, "booth", steps=30, hparams={"learning_rate": 0.05}, schedule="warmup_cosine",
                    schedule_params={"warmup_fraction": 0.2, "min_ratio": 0.1})  # fmt: skip
    lr_max = np.maximum.accumulate(tr.lr)
    assert np.diff(tr.lr).max() > 0 and tr.lr[-1] < lr_max[-1]  # rises, then falls
    np.testing.assert_array_equal(tr.state["lr_max"], lr_max)
    w = np.cumsum(lr_max**2)
    np.testing.assert_allclose(tr.state["weight_sum"], w, rtol=1e-12)
    np.testing.assert_allclose(tr.state["c"], lr_max**2 / w, rtol=1e-12)
    assert not np.allclose(tr.state["c"], tr.lr**2 / np.cumsum(tr.lr**2))
    # y_t = (1 - c) y_{t-1} + c z_{t-1} + lr (b (1 - c) - 1) gh, with gh = g for SGD (no weight decay)
    b = 0.9
    z_prev = np.vstack([tr.params[:1], tr.state["z"][:-1]])
    c, lr = tr.state["c"][:, None], tr.lr[:, None]
    gh = tr.grads if key == "sf_sgd" else (z_prev - tr.state["z"]) / lr
    expected = (1 - c) * tr.params[:-1] + c * z_prev + lr * (b * (1 - c) - 1) * gh
    np.testing.assert_allclose(tr.params[1:], expected, rtol=1e-12, atol=1e-15)


def test_schedule_sets_the_recorded_learning_rate():
    tr = optviz.run("sgd", "booth", steps=40, hparams={"learning_rate": 0.02}, schedule="cosine",
                    schedule_params={"min_ratio": 0.1})  # fmt: skip
    np.testing.assert_allclose(tr.lr, 0.02 * optviz.SCHEDULES["cosine"](40, {"min_ratio": 0.1}))
    assert tr.lr[0] == 0.02 and tr.lr[-1] < 0.003
    np.testing.assert_allclose(tr.updates, -tr.lr[:, None] * tr.grads, rtol=1e-12, atol=1e-15)


def test_minibatch_runs_are_reproducible_per_seed_and_record_full_batch_loss():
    kw = dict(steps=60, batch_size=10, hparams={"learning_rate": 0.05})
    a = optviz.run("adam", "linear_regression", seed=1, **kw)
    b = optviz.run("adam", "linear_regression", seed=1, **kw)
    c = optviz.run("adam", "linear_regression", seed=2, **kw)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)
    np.testing.assert_array_equal(a.loss, a.problem.loss(a.params))  # full-batch loss
    assert not np.allclose(a.grads, a.problem.grad(a.params[:-1]))  # ... but minibatch gradients
    assert a.batch_size == 10 and a.config()["batch_size"] == 10


def test_gradient_noise_is_seeded():
    kw = dict(steps=30, grad_noise=0.5, hparams={"learning_rate": 0.01})
    a = optviz.run("sgd", "rosenbrock", seed=4, **kw)
    b = optviz.run("sgd", "rosenbrock", seed=4, **kw)
    clean = optviz.run("sgd", "rosenbrock", steps=30, hparams={"learning_rate": 0.01})
    np.testing.assert_array_equal(a.params, b.params)
    noise = a.grads - a.problem.grad(a.params[:-1])
    assert 0.2 < noise.std() < 0.9 and not np.array_equal(a.params, clean.params)


def test_divergence_stops_the_run_at_the_step_it_happens():
    prob = optviz.PROBLEMS["ill_conditioned"]()  # lambda_max = 4, so SGD is stable for lr < 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow warning may leak out
        stable = optviz.run("sgd", prob, steps=500, hparams={"learning_rate": 0.49})
        tr = optviz.run("sgd", prob, steps=500, hparams={"learning_rate": 0.6})
        wild = optviz.run("adam", "rosenbrock", steps=500, hparams={"learning_rate": 10.0, "beta2": 0.0})
    assert stable.diverged_at is None
    assert tr.diverged_at is not None and tr.k == tr.diverged_at - 1
    assert tr.params.shape == (tr.k + 1, 2) and np.isfinite(tr.params).all() and np.isfinite(tr.loss).all()
    for series in tr.state.values():
        assert np.isfinite(series).all()
    # the step that blew up is the first to leave the bound
    bound = DIVERGENCE_FACTOR * (tr.loss[0] - prob.min_loss)
    assert np.all(tr.loss - prob.min_loss <= bound)
    nxt = optviz.run("sgd", prob, steps=tr.diverged_at, hparams={"learning_rate": 0.6})
    assert nxt.diverged_at == tr.diverged_at
    assert np.isfinite(wild.params).all()


def test_nan_gradients_count_as_divergence():
    tr = optviz.run("sgd", "linear_regression", steps=50, hparams={"learning_rate": 10.0})
    assert tr.diverged_at is not None and tr.diverged_at < 50


def test_converged_at_is_the_first_step_from_which_the_loss_stays_within_tolerance():
    tr = optviz.run("momentum", "booth", steps=400, hparams={"learning_rate": 0.02})
    gap = tr.loss - tr.problem.min_loss
    tol = optviz.CONVERGENCE_RTOL * gap[0]
    c = tr.converged_at
    assert c == 131  # momentum first dips inside at step 93, overshoots out again, stays from 131
    assert np.argmax(gap <= tol) == 93
    assert np.all(gap[c:] <= tol) and gap[c - 1] > tol
    assert optviz.run("sgd", "saddle", steps=50).converged_at is None  # no minimum


@pytest.mark.parametrize(
    "case",
    [
        ("adam", "linear_regression", {"hparams": {"learning_rate": 0.1}, "grad_noise": 1.0}),  # inside once
        ("sgd", "linear_regression", {"hparams": {"learning_rate": 0.3}, "batch_size": 10}),
        ("momentum", "booth", {"hparams": {"learning_rate": 0.01}, "grad_noise": 0.3}),
    ],
)
def test_a_noisy_run_that_only_touches_the_tolerance_has_not_converged(case):
    """Converged at t means: within tolerance at t and at every later step to the end of the run."""
    key, problem, kw = case
    tr = optviz.run(key, problem, steps=300, **kw)
    gap = tr.loss - tr.problem.min_loss
    tol = optviz.CONVERGENCE_RTOL * gap[0]
    assert (gap <= tol).any()  # a lucky step came within the tolerance ...
    assert gap[-1] > tol  # ... but the run ended outside it
    assert tr.converged_at is None


def test_converged_at_is_where_the_loss_stays_within_tolerance():
    tr = optviz.run("momentum", "linear_regression", steps=400, hparams={"learning_rate": 0.1}, batch_size=50)
    gap = tr.loss - tr.problem.min_loss
    tol = optviz.CONVERGENCE_RTOL * gap[0]
    inside = gap <= tol
    assert inside[-1]
    c = tr.converged_at
    assert c is not None and inside[c:].all() and not inside[c - 1]


def test_csv_and_json_exports():
    tr = optviz.run("adam", "linear_regression", steps=5)
    lines = tr.to_csv().splitlines()
    header = lines[0].split(",")
    assert header[:5] == ["step", "w", "b", "loss", "lr"] and "v_hat_w" in header
    assert len(lines) == 7
    assert float(lines[-1].split(",")[1]) == tr.params[-1, 0]  # exact repr round trip
    d = tr.to_dict()
    assert d["config"]["optimizer"] == "adam" and len(d["params"]) == 6 and "m_hat" in d["state"]
    again = optviz.run(
        **{k: v for k, v in d["config"].items() if k != "problem"}, problem="linear_regression"
    )
    np.testing.assert_array_equal(again.params, tr.params)


def test_overflowing_state_under_a_bounded_loss_counts_as_divergence():
    """Ackley's loss is bounded, but Prodigy's numerator can overflow at extreme settings."""
    hp = {p.name: p.high for p in optviz.OPTIMIZERS["prodigy"].hparams}  # every setting at its top
    tr = optviz.run("prodigy", "ackley", steps=5000, hparams=hp)
    with np.errstate(over="ignore"):
        assert tr.problem.loss(tr.params).max() < 23  # the loss itself stays bounded (Ackley < 22.4)
    assert tr.diverged_at is not None
    for series in tr.state.values():
        assert np.isfinite(series).all()
    res = optviz.sweep("prodigy", "ackley", steps=5000, grid={"learning_rate": [1.0, 10.0]},
                       hparams={k: v for k, v in hp.items() if k != "learning_rate"})  # fmt: skip
    assert res.diverged_at[1] == tr.diverged_at


def test_adopt_first_step_only_fills_the_second_moment():
    tr = optviz.run("adopt", "booth", steps=5, hparams={"learning_rate": 0.1})
    np.testing.assert_array_equal(tr.params[1], tr.params[0])  # optax: clip bound 0, beta1 taken as 1
    np.testing.assert_array_equal(tr.state["m"][0], [0.0, 0.0])
    np.testing.assert_array_equal(tr.state["v"][0], tr.grads[0] ** 2)
    assert not np.array_equal(tr.params[2], tr.params[1])
    # from step 2 on the gradient is normalised by the previous v and clipped to (t-1)^(1/4)
    np.testing.assert_allclose(tr.state["clip"], np.arange(5) ** 0.25, rtol=1e-15)
    assert np.all(np.abs(tr.state["u"]) <= tr.state["clip"][:, None])


def test_ademamix_without_the_slow_momentum_is_adam():
    hp = {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6}
    mix = optviz.run("ademamix", "rosenbrock", steps=100, hparams={**hp, "alpha": 0.0})
    adam = optviz.run("adam", "rosenbrock", steps=100, hparams=hp)
    np.testing.assert_allclose(mix.params, adam.params, rtol=1e-10)
    assert not np.allclose(optviz.run("ademamix", "rosenbrock", steps=100, hparams=hp).params, adam.params)


def test_rprop_reads_the_learning_rate_only_on_its_first_step():
    """torch.optim.Rprop fills its step sizes with lr once: a schedule that starts at the full rate
    (cosine) changes nothing; the step sizes then grow by eta_plus while signs hold."""
    plain = optviz.run("rprop", "booth", steps=40, hparams={"learning_rate": 0.01})
    cosine = optviz.run("rprop", "booth", steps=40, hparams={"learning_rate": 0.01}, schedule="cosine")
    assert cosine.lr[-1] < 0.002
    np.testing.assert_array_equal(plain.params, cosine.params)
    np.testing.assert_allclose(plain.state["step_size"][:3, 0], [0.01, 0.012, 0.0144], rtol=1e-15)
    np.testing.assert_allclose(np.abs(plain.updates[:3]), plain.state["step_size"][:3], rtol=1e-12)


def test_mars_keeps_the_previous_gradient_and_a_unit_norm_correction():
    tr = optviz.run("mars", "rosenbrock", steps=30, hparams={"learning_rate": 0.01, "gamma": 0.1})
    np.testing.assert_array_equal(tr.state["g_prev"], tr.grads)
    norms = np.linalg.norm(tr.state["c"], axis=1)
    assert np.all(norms <= 1 + 1e-15) and np.any(np.linalg.norm(tr.grads, axis=1) > 1)
    np.testing.assert_allclose(tr.state["c"][0], tr.grads[0] / np.linalg.norm(tr.grads[0]), rtol=1e-15)
    raw = tr.grads[1] + 0.1 * 0.9 / 0.1 * (tr.grads[1] - tr.grads[0])
    np.testing.assert_allclose(tr.state["c"][1], raw / max(np.linalg.norm(raw), 1.0), rtol=1e-14)
