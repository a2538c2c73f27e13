"""Each optimizer, with sensible settings, reaches the optimum of the convex problems."""

import numpy as np
import pytest

import optviz

CONVEX = ["linear_regression", "booth", "ill_conditioned"]


@pytest.mark.parametrize("problem", CONVEX)
@pytest.mark.parametrize("key", list(optviz.OPTIMIZERS))
def test_reaches_the_optimum(key, problem):
    """Sensible = some learning rate on a standard log grid, annealed by a cosine schedule."""
    opt = optviz.OPTIMIZERS[key]
    lr = opt.param("learning_rate")
    lrs = np.geomspace(max(lr.low, 1e-4), min(lr.high, 3.0), 18)
    hparams = {"weight_decay": 0.0} if "weight_decay" in opt.hparam_names else None
    res = optviz.sweep(key, problem, steps=3000, grid={"learning_rate": lrs}, hparams=hparams,
                       schedule="cosine")  # fmt: skip
    prob = res.problem
    dist = np.linalg.norm(res.final_params - prob.optimum, axis=-1)
    best = int(np.argmin(np.where(res.diverged, np.inf, dist)))
    scale = np.linalg.norm(prob.start - prob.optimum)
    assert dist[best] < 1e-3 * scale, (
        f"{key} on {problem}: best distance {dist[best]:.3g} at lr={lrs[best]:.3g}"
    )
    # and that setting, replayed as a single run, ends where the sweep said
    tr = optviz.run(key, prob, steps=3000, hparams={**(hparams or {}), "learning_rate": lrs[best]},
                    schedule="cosine")  # fmt: skip
    np.testing.assert_array_equal(tr.params[-1], res.final_params[best])
