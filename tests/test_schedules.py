"""Learning-rate schedules: closed forms at the points that define them."""

import math

import numpy as np
import pytest

import optviz


def test_constant_and_step_and_exponential():
    np.testing.assert_array_equal(optviz.SCHEDULES["constant"](5), np.ones(5))
    f = optviz.SCHEDULES["step"](10, {"step_size": 3, "gamma": 0.5})
    np.testing.assert_array_equal(f, [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125])
    np.testing.assert_allclose(optviz.SCHEDULES["exponential"](4, {"gamma": 0.9}), [1, 0.9, 0.81, 0.729])


def test_cosine_follows_torch_cosine_annealing():
    T = 50
    f = optviz.SCHEDULES["cosine"](T, {"min_ratio": 0.1})
    expect = [0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * s / T)) for s in range(T)]  # torch, T_max = T
    np.testing.assert_allclose(f, expect, rtol=1e-14)


def test_warmup_cosine_rises_linearly_then_anneals():
    f = optviz.SCHEDULES["warmup_cosine"](100, {"warmup_fraction": 0.2, "min_ratio": 0.0})
    np.testing.assert_allclose(f[:20], np.arange(1, 21) / 20)
    assert f[19] == 1.0 and np.all(np.diff(f[20:]) <= 0) and f[-1] == pytest.approx(0.0, abs=1e-15)


def test_one_cycle_follows_torch_one_cycle():
    T, pct, div, final = 100, 0.3, 25.0, 1e4
    f = optviz.SCHEDULES["one_cycle"](T, {"pct_start": pct, "div_factor": div, "final_div_factor": final})
    start, low = 1 / div, 1 / (div * final)
    peak_step = pct * T - 1  # torch's end of phase one, in 0-based scheduler steps

    def anneal(a, b, x):
        return b + (a - b) / 2 * (math.cos(math.pi * x) + 1)

    expect = [anneal(start, 1.0, s / peak_step) if s <= peak_step else
              anneal(1.0, low, (s - peak_step) / (T - 1 - peak_step)) for s in range(T)]  # fmt: skip
    np.testing.assert_allclose(f, expect, rtol=1e-12)
    assert f[0] == pytest.approx(0.04) and f.max() == pytest.approx(1.0) and f[-1] == pytest.approx(low)


@pytest.mark.parametrize("key", list(optviz.SCHEDULES))
def test_every_schedule_is_positive_and_at_most_one(key):
    for steps in (1, 2, 7, 1000):
        f = optviz.SCHEDULES[key](steps)
        assert f.shape == (steps,) and np.all(f >= 0) and np.all(f <= 1 + 1e-12)
