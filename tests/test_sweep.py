"""optviz.sweep: each cell is the matching run, bit for bit; memory does not grow with steps."""

import tracemalloc

import numpy as np
import pytest

import optviz


def assert_cells_equal_runs(key, problem, grid, steps, **kw):
    res = optviz.sweep(key, problem, steps=steps, grid=grid, **kw)
    fixed = kw.pop("hparams", None) or {}
    for idx in np.ndindex(*res.shape):
        hp = {**fixed, **{name: values[i] for (name, values), i in zip(grid.items(), idx)}}
        assert res.config(idx) == {**res.hparams, **{k: float(v) for k, v in hp.items() if k in grid}}
        tr = optviz.run(key, problem, steps=steps, hparams=hp, **kw)
        assert res.final_loss[idx] == tr.loss[-1], (key, hp)
        assert res.best_loss[idx] == tr.loss.min()
        np.testing.assert_array_equal(res.final_params[idx], tr.params[-1])
        assert (res.diverged_at[idx] if res.diverged[idx] else None) == tr.diverged_at
        conv = res.steps_to_converge[idx]
        assert (conv if conv >= 0 else None) == tr.converged_at
    return res


@pytest.mark.parametrize("key", list(optviz.OPTIMIZERS))
def test_each_cell_equals_its_run(key):
    opt = optviz.OPTIMIZERS[key]
    lr = opt.param("learning_rate")
    lrs = np.minimum(lr.default * np.logspace(-1, 2.5, 5), lr.high)
    grid = {"learning_rate": lrs}
    others = [p for p in opt.hparams if p.name not in ("learning_rate", "weight_decay")]
    if others:  # every optimizer but SGD: sweep its next hyperparameter too
        second = others[0]
        grid[second.name] = [second.low if second.scale == "linear" else 0.5 * second.default, second.default]
    hparams = {"weight_decay": 0.01} if "weight_decay" in opt.hparam_names else None
    assert_cells_equal_runs(key, "booth", grid, 150, hparams=hparams)


def test_cells_diverge_and_converge_like_their_runs():
    res = assert_cells_equal_runs(
        "momentum", "ill_conditioned", {"learning_rate": np.logspace(-2, 0.5, 9)}, 400
    )
    assert res.diverged.any() and (~res.diverged).any()
    assert (res.steps_to_converge >= 0).any()
    assert np.isfinite(res.final_loss).all() and np.isfinite(res.final_params).all()


def test_stochastic_sweep_shares_batches_noise_and_schedule_with_run():
    assert_cells_equal_runs(
        "adam", "linear_regression", {"learning_rate": [0.01, 0.1, 1.0], "beta2": [0.9, 0.999]}, 120,
        batch_size=10, grad_noise=0.3, schedule="warmup_cosine", seed=5,
    )  # fmt: skip


def test_noisy_cells_converge_only_where_their_runs_stay_within_tolerance():
    """Cells that touch the tolerance and bounce out again are not converged, exactly like their runs."""
    res = assert_cells_equal_runs(
        "momentum", "booth", {"learning_rate": [0.01, 0.03, 0.1]}, 300, grad_noise=0.3
    )
    assert (res.best_loss <= res.problem.min_loss + optviz.CONVERGENCE_RTOL * 882).sum() >= 3
    assert (res.steps_to_converge < 0).all()


def test_grid_axes_follow_insertion_order():
    res = optviz.sweep("adam", "booth", steps=5, grid={"beta1": [0.5, 0.9], "learning_rate": [0.1, 0.2, 0.3]})
    assert res.shape == (2, 3) and list(res.grid) == ["beta1", "learning_rate"]
    assert res.config((1, 2))["beta1"] == 0.9 and res.config((1, 2))["learning_rate"] == 0.3
    assert len(res.rows()) == 6 and res.rows()[5]["learning_rate"] == 0.3


def test_progress_is_reported():
    seen = []
    optviz.sweep("sgd", "booth", steps=200, grid={"learning_rate": [0.01, 0.02]}, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen) and 40 <= len(seen) <= 60


def test_memory_is_o_configurations_not_steps():
    def peak(steps):
        tracemalloc.start()
        optviz.sweep(
            "adam", "linear_regression", steps=steps, grid={"learning_rate": np.logspace(-4, 0, 5000)}
        )
        out = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return out

    short, long = peak(100), peak(2000)
    # 20x the steps: a recorded trajectory would need 20x the memory; state alone stays put.
    assert long < 1.3 * short
    assert long < 5000 * 2 * 8 * 20  # far below 5000 configs x 2 coordinates x 8 bytes x 20 arrays


def test_sweep_errors():
    with pytest.raises(ValueError, match="unknown hyperparameter 'lr'"):
        optviz.sweep("adam", "booth", steps=5, grid={"lr": [0.1]})
    with pytest.raises(ValueError, match="both swept in grid and fixed in hparams"):
        optviz.sweep("adam", "booth", steps=5, grid={"beta1": [0.5]}, hparams={"beta1": 0.9})
    with pytest.raises(ValueError, match="beta1=1.5 is outside its range"):
        optviz.sweep("adam", "booth", steps=5, grid={"beta1": [0.5, 1.5]})
    with pytest.raises(ValueError, match="non-empty mapping"):
        optviz.sweep("adam", "booth", steps=5, grid={})
    with pytest.raises(ValueError, match="the limit is"):
        optviz.sweep(
            "adam",
            "booth",
            steps=5,
            grid={"beta1": np.linspace(0, 0.9, 1000), "beta2": np.linspace(0, 0.9, 1000)},
        )


@pytest.mark.parametrize("key", ["sf_sgd", "sf_adamw", "adopt", "ademamix", "rprop", "mars"])
def test_scheduled_cells_equal_their_runs(key):
    """Under a rate that rises, then falls: Schedule-Free's lr_max, Rprop's first-step lr and the
    first-step branches of ADOPT and MARS vectorise bit for bit."""
    lr = optviz.OPTIMIZERS[key].param("learning_rate").default
    grid = {"learning_rate": [0.1 * lr, 0.3 * lr, lr]}
    assert_cells_equal_runs(key, "booth", grid, 60, schedule="warmup_cosine")


@pytest.mark.parametrize("key", ["adam", "adopt", "amsgrad"])
def test_one_term_minibatch_cells_equal_their_runs(key):
    """The rare-gradient problem's minibatches (its own oracle, not linear regression's) in a sweep."""
    assert_cells_equal_runs(
        key, "rare_gradients", {"learning_rate": [0.003, 0.03, 1.0], "beta2": [0.1, 0.999]}, 300,
        batch_size=1, seed=4,
    )  # fmt: skip
