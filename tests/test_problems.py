"""Problems: exact data, analytic gradients, known minima, sufficient statistics, minibatches."""

import numpy as np
import pytest

import optviz

KEYS = list(optviz.PROBLEMS)


def random_points(prob, n=50, seed=0):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = prob.window
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


@pytest.mark.parametrize("key", KEYS)
def test_gradient_matches_central_differences(key):
    prob = optviz.PROBLEMS[key]()
    P = random_points(prob)
    h = 1e-6
    fd = np.stack([(prob.loss(P + h * e) - prob.loss(P - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)
    scale = np.maximum(np.abs(fd), 1.0)
    assert np.max(np.abs(prob.grad(P) - fd) / scale) < 1e-5


@pytest.mark.parametrize("key", KEYS)
def test_vectorised_over_any_leading_shape(key):
    prob = optviz.PROBLEMS[key]()
    P = random_points(prob, 12).reshape(3, 4, 2)
    assert prob.loss(P).shape == (3, 4) and prob.grad(P).shape == (3, 4, 2)
    for idx in np.ndindex(3, 4):  # a single point gives the same bits as the batch
        assert prob.loss(P[idx]) == prob.loss(P)[idx]
        np.testing.assert_array_equal(prob.grad(P[idx]), prob.grad(P)[idx])


@pytest.mark.parametrize("key", [k for k in KEYS if k != "saddle"])
def test_known_minima_have_zero_gradient_and_the_minimum_loss(key):
    prob = optviz.PROBLEMS[key]()
    assert len(prob.minima) >= 1
    np.testing.assert_allclose(prob.grad(prob.minima), 0.0, atol=1e-8)
    np.testing.assert_allclose(prob.loss(prob.minima), prob.min_loss, atol=1e-12)
    around = prob.minima[0] + np.random.default_rng(2).normal(scale=1e-3, size=(20, 2))
    assert (prob.loss(around) >= prob.min_loss).all()


def test_saddle_is_unbounded_below_and_its_start_leaves_the_ridge():
    prob = optviz.PROBLEMS["saddle"]()
    assert prob.min_loss is None and prob.optimum is None and len(prob.minima) == 0
    assert prob.start[1] != 0 and prob.grad(prob.start)[1] != 0


def test_linear_regression_data_is_exactly_the_seed():
    prob = optviz.PROBLEMS["linear_regression"]()
    rng = np.random.default_rng(0)
    x = rng.random(100) * (1.0 - 0.0) + 0.0
    y = 3.0 * x + 4.0 + 0.1 * rng.standard_normal(100)
    np.testing.assert_array_equal(prob.x, x)
    np.testing.assert_array_equal(prob.y, y)
    w, b = np.polyfit(x, y, 1)  # least squares, computed independently
    np.testing.assert_allclose(prob.optimum, [w, b], rtol=1e-12)
    assert prob.min_loss == pytest.approx(np.mean((w * x + b - y) ** 2), rel=1e-12)


def test_linear_regression_loss_and_gradient_use_only_sufficient_statistics():
    prob = optviz.PROBLEMS["linear_regression"](n=5000, noise=0.5, w_true=-2, b_true=1, x_low=-3, x_high=5)
    x, y = prob.x, prob.y
    P = random_points(prob, 30)
    direct = np.array([np.mean((w * x + b - y) ** 2) for w, b in P])
    grad = np.array([[2 * np.mean((w * x + b - y) * x), 2 * np.mean(w * x + b - y)] for w, b in P])
    prob.x = prob.y = None  # the data itself is not needed any more
    np.testing.assert_allclose(prob.loss(P), direct, rtol=1e-11)
    np.testing.assert_allclose(prob.grad(P), grad, rtol=1e-9, atol=1e-12)


def test_ill_conditioned_curvature_follows_its_condition_number():
    for k in (1.0, 20.0, 500.0):
        prob = optviz.PROBLEMS["ill_conditioned"](condition_number=k)
        h = np.array([prob.grad(np.array(e)) / 1.0 for e in np.eye(2)])  # Hessian columns
        eig = np.linalg.eigvalsh(h)
        assert eig[-1] / eig[0] == pytest.approx(k) and prob.max_curvature == pytest.approx(eig[-1])
    assert optviz.PROBLEMS["ill_conditioned"]().latex == r"0.1\,x^2 + 2\,y^2"


def test_contour_grid_orientation():
    prob = optviz.PROBLEMS["booth"]()
    xs, ys, Z = prob.contour_grid(7, window=((0.0, 3.0), (1.0, 5.0)))
    assert Z.shape == (7, 7)
    assert Z[2, 5] == prob.loss(np.array([xs[5], ys[2]]))  # row = y, column = x


def test_minibatches_are_seeded_and_without_replacement():
    prob = optviz.PROBLEMS["linear_regression"](n=103)
    batches = [prob.batch_indices(i, 10, seed=7) for i in range(10)]  # one epoch: 10 batches of 10
    flat = np.concatenate(batches)
    assert len(set(flat.tolist())) == 100  # no index twice within the epoch
    np.testing.assert_array_equal(batches[3], prob.batch_indices(3, 10, seed=7))
    assert not np.array_equal(batches[3], prob.batch_indices(3, 10, seed=8))
    assert not np.array_equal(prob.batch_indices(10, 10, seed=7), batches[0])  # a new shuffle


def test_minibatch_gradient_is_the_gradient_on_that_batch():
    prob = optviz.PROBLEMS["linear_regression"](n=64)
    grad_at = prob.stochastic(batch_size=8, steps=20, seed=3)
    P = random_points(prob, 5)
    for i in (0, 7, 8, 19):
        idx = prob.batch_indices(i, 8, seed=3)
        xb, yb = prob.x[idx], prob.y[idx]
        expect = np.array([[2 * np.mean((w * xb + b - yb) * xb), 2 * np.mean(w * xb + b - yb)] for w, b in P])
        np.testing.assert_allclose(grad_at(P, i), expect, rtol=1e-10, atol=1e-12)


def test_problem_parameters_are_validated():
    with pytest.raises(ValueError, match="unknown parameter 'slope'"):
        optviz.PROBLEMS["linear_regression"](slope=3)
    with pytest.raises(ValueError, match=r"n=1\.0 is outside"):
        optviz.PROBLEMS["linear_regression"](n=1)
    with pytest.raises(ValueError, match="x_high .* must be greater than x_low"):
        optviz.PROBLEMS["linear_regression"](x_low=2, x_high=1)
    with pytest.raises(ValueError, match="needs at least 2 distinct x values"):
        optviz.LinearRegression(np.ones(5), np.arange(5.0))


@pytest.mark.parametrize(("n", "C"), [(100, 9.0), (100, 19.0), (10, 99.0), (3, 2.0), (1000, 2.5)])
def test_rare_gradients_terms_and_minimum(n, C):
    """ceil(2n/(C+1)) terms of slope C, the rest -1: a mean slope s >= 1 (1 when C+1 divides 2n), the
    minimum at (-s, 0) with loss 0, and the full loss is the mean of the terms' losses."""
    prob = optviz.PROBLEMS["rare_gradients"](n=n, rare_slope=C)
    rare = int(np.ceil(2 * n / (C + 1)))
    assert (
        prob.rare == rare < n and np.sum(prob.slopes == C) == rare and np.sum(prob.slopes == -1) == n - rare
    )
    s = prob.slopes.mean()
    assert s >= 1 and prob.s == pytest.approx(s, rel=1e-15)
    if 2 * n % (C + 1) == 0:
        assert prob.s == 1.0
    np.testing.assert_array_equal(prob.minima, [[-prob.s, 0.0]])
    P = random_points(prob)
    x, y = P[:, :1], P[:, 1:]
    terms = prob.slopes * x + 0.5 * (x * x + y * y) + 0.5 * prob.s**2  # (points, n)
    np.testing.assert_allclose(prob.loss(P), terms.mean(1), rtol=1e-12, atol=1e-12)


def test_rare_gradients_minibatches():
    """One-term minibatches: each epoch visits every term once, so it holds exactly ``rare`` large
    slopes; a batch's gradient and loss are its terms' means."""
    prob = optviz.PROBLEMS["rare_gradients"](n=20, rare_slope=9.0)
    assert prob.rare == 4
    grad_at = prob.stochastic(batch_size=1, steps=60, seed=2)
    slopes = [prob.slopes[prob.batch_indices(i, 1, seed=2)][0] for i in range(60)]
    np.testing.assert_array_equal(grad_at.slopes, slopes)
    for epoch in range(3):
        assert slopes[20 * epoch : 20 * (epoch + 1)].count(9.0) == 4
    P = random_points(prob, 5)
    grad_at = prob.stochastic(batch_size=3, steps=12, seed=2)
    for i in (0, 5, 11):
        a = prob.slopes[prob.batch_indices(i, 3, seed=2)]
        x, y = P[:, 0], P[:, 1]
        np.testing.assert_allclose(grad_at(P, i), np.stack([x + a.mean(), y], -1), rtol=1e-14)
        loss, g = grad_at.loss_and_grad(P, i)
        np.testing.assert_array_equal(g, grad_at(P, i))
        expect = np.mean([ai * x + 0.5 * (x * x + y * y) + 0.5 * prob.s**2 for ai in a], axis=0)
        np.testing.assert_allclose(loss, expect, rtol=1e-12)
    assert prob.stochastic(batch_size=20, steps=5, seed=0) is None  # the full batch


def test_rare_gradients_parameters_are_validated():
    with pytest.raises(ValueError, match=r"rare_slope=1\.0 is outside"):
        optviz.PROBLEMS["rare_gradients"](rare_slope=1.0)
    with pytest.raises(ValueError, match=r"n=2\.0 is outside"):
        optviz.PROBLEMS["rare_gradients"](n=2)
