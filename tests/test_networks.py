"""Network problems: gradients against finite differences, batches equal single runs bit for bit,
minibatches shared and exact, and the behaviour each problem exists to show."""

import numpy as np
import pytest

import optviz
from optviz.nets import GENERATORS, MLP, LinearRegression, MatrixFactorisation, MatrixSensing, make_dataset
from optviz.nets import base as nets_base
from optviz.nets import mlp as nets_mlp
from optviz.nets.base import step_batches

PROBLEMS = {
    "mlp-circle-tanh-8": lambda: MLP("circle", (8,), "tanh", n=80),
    "mlp-spiral-relu-16x16": lambda: MLP("spiral", (16, 16), "relu", n=60),
    "mlp-moons-tanh-3x5x2": lambda: MLP("moons", (3, 5, 2), "tanh", n=50, noise=0.3),
    "mlp-xor-relu-1": lambda: MLP("xor", (1,), "relu", n=40),
    "mlp-gaussians-tanh-16x4x16": lambda: MLP("gaussians", (16, 4, 16), "tanh", n=30),
    "linear-1": lambda: LinearRegression(1, n=20),
    "linear-12": lambda: LinearRegression(12, n=50, correlation=0.95),
    "matrix-8x8-k8": lambda: MatrixFactorisation(init_scale=0.5),
    "matrix-3x6-k2": lambda: MatrixFactorisation(3, 6, 2, (2.0, 1.0, 0.5), init_scale=0.5),
    "sensing-6x5-k3": lambda: MatrixSensing(6, 5, 3, (2.0, 1.0), n=60, init_scale=0.5),
}
CASES = list(PROBLEMS)


def points(prob, k: int, seed: int = 1) -> np.ndarray:
    """k points around the start, far enough apart that every coordinate matters."""
    return prob.start + 0.3 * np.random.default_rng(seed).standard_normal((k, prob.dim))


@pytest.mark.parametrize("case", CASES)
def test_gradient_matches_central_differences(case):
    prob = PROBLEMS[case]()
    p = points(prob, 1)[0]
    h = 1e-6
    E = np.eye(prob.dim)
    fd = (prob.loss(p + h * E) - prob.loss(p - h * E)) / (2 * h)  # all 2D probes in two batched calls
    g = prob.grad(p)
    assert g.shape == (prob.dim,)
    assert np.max(np.abs(g - fd)) <= 1e-6 * max(1.0, np.abs(g).max()), case
    assert np.abs(g).min() < np.abs(g).max()  # not a constant vector


@pytest.mark.parametrize("case", CASES)
def test_a_batch_equals_its_single_points_bit_for_bit(case):
    prob = PROBLEMS[case]()
    P = points(prob, 6).reshape(2, 3, prob.dim)
    L, G = prob.loss_and_grad(P)
    assert L.shape == (2, 3) and G.shape == (2, 3, prob.dim)
    for idx in np.ndindex(2, 3):
        l1, g1 = prob.loss_and_grad(P[idx])
        assert l1 == L[idx] and np.array_equal(g1, G[idx])
        assert prob.loss(P[idx]) == L[idx]
    assert np.array_equal(prob.loss(P), L) and np.array_equal(prob.grad(P), G)


@pytest.mark.parametrize("case", CASES)
def test_empty_batches_keep_their_shape_and_a_wrong_size_names_it(case):
    prob = PROBLEMS[case]()
    for lead in [(0,), (2, 0)]:
        L, G = prob.loss_and_grad(np.zeros(lead + (prob.dim,)))
        assert L.shape == lead and G.shape == lead + (prob.dim,)
        assert prob.loss(np.zeros(lead + (prob.dim,))).shape == lead
    with pytest.raises(
        ValueError, match=rf"expected parameters of shape \(\.\.\., {prob.dim}\), got \(3, {prob.dim + 1}\)"
    ):
        prob.grad(np.zeros((3, prob.dim + 1)))


@pytest.mark.parametrize("case", ["mlp-spiral-relu-16x16", "linear-12", "matrix-8x8-k8"])
def test_chunked_batches_equal_one_big_batch(case, monkeypatch):
    prob = PROBLEMS[case]()
    P = points(prob, 9)
    L, G = prob.loss_and_grad(P)
    monkeypatch.setattr(nets_base, "CHUNK_FLOATS", 1)  # one configuration per chunk
    monkeypatch.setattr(nets_mlp, "LOSS_CHUNK_FLOATS", 1)  # and for the MLP's loss-only workspace
    L2, G2 = prob.loss_and_grad(P)
    assert np.array_equal(L, L2) and np.array_equal(G, G2)
    assert np.array_equal(prob.loss(P), L)


@pytest.mark.parametrize("case", [c for c in CASES if not c.startswith("matrix")])
def test_minibatch_gradient_is_the_gradient_on_that_batch_and_shared_by_a_sweep(case):
    prob = PROBLEMS[case]()
    X, y = {
        MLP: lambda: (prob.data.X_train, prob.data.y_train),
        LinearRegression: lambda: (prob.X, prob.y),
        MatrixSensing: lambda: (prob.sensing, prob.y),
    }[type(prob)]()
    n, batch, steps = len(y), 8, 12
    assert prob.n == n  # the runner reads n as the number of data points to batch
    grad_at = prob.stochastic(batch, steps, seed=3)
    batches = step_batches(n, batch, steps, 3)
    P = points(prob, 4)
    for i in (0, steps - 1):
        idx = batches[i]
        if isinstance(prob, MLP):
            ref = prob._net(P, np.ascontiguousarray(X[idx].T), y[idx].astype(float), True)[1]
        elif isinstance(prob, MatrixSensing):
            ref = prob._measure(P, X[idx], y[idx], True)[1]
        else:
            ref = prob._mse(P, X[idx], y[idx], True)[1]
        G = grad_at(P, i)
        assert np.array_equal(G, ref)
        for k in range(len(P)):
            assert np.array_equal(grad_at(P[k], i), G[k])  # a sweep cell sees its run's batch
    assert prob.stochastic(None, steps, 3) is None and prob.stochastic(n, steps, 3) is None


def test_an_epoch_of_minibatch_gradients_averages_to_the_full_gradient():
    prob = MLP("moons", (6,), "tanh", n=48, test_fraction=0.0)
    grad_at = prob.stochastic(12, 4, seed=5)  # 4 batches of 12 cover the 48 points once
    p = points(prob, 1)[0]
    mean = sum(grad_at(p, i) for i in range(4)) / 4
    np.testing.assert_allclose(mean, prob.grad(p), rtol=1e-13, atol=1e-15)


def test_minibatches_are_the_two_parameter_regressions():
    """One shuffle for every problem: the same n, batch and seed give the same batches."""
    x = np.linspace(0, 1, 300)
    reg = optviz.LinearRegression(x, 3 * x + 4)
    rows = step_batches(300, 7, 90, seed=2)  # 42 batches per epoch: crosses an epoch
    for i in (0, 41, 42, 89):
        assert np.array_equal(rows[i], reg.batch_indices(i, 7, 2))
    big = step_batches(5000, 10, 3, seed=1)  # > 64 batches per epoch: the keyed permutation
    for i in range(3):
        assert np.array_equal(
            big[i], optviz.LinearRegression(np.arange(5000.0), np.zeros(5000)).batch_indices(i, 10, 1)
        )


def test_a_sweep_of_optimizer_configurations_equals_its_single_runs():
    """Adam at three learning rates, minibatches, 20 steps: each row is its own run, bit for bit."""
    prob = MLP("spiral", (8, 8), "relu", n=64)
    opt = optviz.OPTIMIZERS["adam"]
    lrs = np.array([[1e-3], [1e-2], [3e-2]])
    hp = {**opt.defaults, "learning_rate": lrs}

    def train(p, lr, hparams):
        grad_at = prob.stochastic(16, 20, seed=0)
        state = opt.init(p, hparams)
        for i in range(20):
            p, state = opt.update(grad_at(p, i), state, p, i + 1, lr, hparams)
        return p

    P = train(np.repeat(prob.start[None], 3, 0), lrs, hp)
    for k in range(3):
        single = train(
            prob.start.copy(), float(lrs[k, 0]), {**opt.defaults, "learning_rate": float(lrs[k, 0])}
        )
        assert np.array_equal(P[k], single)


# --- data sets --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(GENERATORS))
def test_data_sets_are_seeded_balanced_and_split(name):
    a = make_dataset(name, n=101, noise=0.1, test_fraction=0.2, seed=4)
    b = make_dataset(name, n=101, noise=0.1, test_fraction=0.2, seed=4)
    c = make_dataset(name, n=101, noise=0.1, test_fraction=0.2, seed=5)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)
    assert a.X_train.shape == (81, 2) and a.X_test.shape == (20, 2)
    y = np.concatenate([a.y_train, a.y_test])
    assert sorted(np.bincount(y)) == [50, 51]
    assert 0 < a.y_train.mean() < 1  # both classes in training, shuffled
    assert np.abs(a.X_train).max() < 2.0


def test_clean_data_sets_have_their_textbook_shapes():
    circle = make_dataset("circle", n=400, noise=0.0)
    r = np.linalg.norm(circle.X_train, axis=1)
    assert r[circle.y_train == 0].max() <= 0.5 and r[circle.y_train == 1].min() >= 0.7
    xor = make_dataset("xor", n=400, noise=0.0)
    assert np.array_equal(xor.y_train, (xor.X_train.prod(1) < 0).astype(int))
    gauss = make_dataset("gaussians", n=400, noise=0.0)
    assert np.allclose(
        [gauss.X_train[gauss.y_train == k].mean(0) for k in (0, 1)], [[-0.5] * 2, [0.5] * 2], atol=0.06
    )
    spiral = make_dataset("spiral", n=400, noise=0.0)
    assert np.linalg.norm(spiral.X_train, axis=1).max() <= 1.0
    moons = make_dataset("moons", n=400, noise=0.0)
    upper = moons.X_train[moons.y_train == 0] * 1.5 + [0.5, 0.25]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0)  # a half circle of radius 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "iris"}, "unknown data set 'iris'"),
        ({"name": "circle", "n": 3}, "n >= 4"),
        ({"name": "circle", "noise": -0.1}, "noise must be"),
        ({"name": "circle", "test_fraction": 0.95}, "test_fraction must lie"),
    ],
)
def test_bad_data_set_arguments_name_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)


# --- problems ----------------------------------------------------------------------------------------
def test_mlp_layout_init_and_validation():
    prob = MLP("circle", (16, 8), "relu")
    assert prob.layout.names == ("W1", "b1", "W2", "b2", "W3", "b3")
    assert [b.shape for b in prob.layout.blocks] == [(16, 2), (16,), (8, 16), (8,), (1, 8), (1,)]
    assert prob.dim == 16 * 2 + 16 + 8 * 16 + 8 + 8 + 1
    for name, fan_in in (("W1", 2), ("b1", 2), ("W2", 16), ("W3", 8)):
        block = prob.layout.view(prob.start, name)
        assert np.abs(block).max() <= 1 / np.sqrt(fan_in)  # torch.nn.Linear's U(-1/sqrt(fan_in), ...)
        assert np.abs(block).max() > 0.6 / np.sqrt(fan_in)
    assert np.array_equal(prob.init(0), prob.start) and not np.array_equal(prob.init(1), prob.start)
    with pytest.raises(ValueError, match="1 to 3 layers of 1 to 16 units"):
        MLP("circle", (17,))
    with pytest.raises(ValueError, match="1 to 3 layers"):
        MLP("circle", (4, 4, 4, 4))
    with pytest.raises(ValueError, match="unknown activation 'sigmoid'"):
        MLP("circle", (4,), "sigmoid")


def test_mlp_learns_the_circle_with_adam_and_generalises():
    prob = MLP("circle", (8,), "tanh", n=300, noise=0.05)
    opt = optviz.OPTIMIZERS["adam"]
    hp = {**opt.defaults, "learning_rate": 0.05}
    p, state = prob.start.copy(), opt.init(prob.start, hp)
    assert prob.accuracy(p) < 0.8
    for t in range(1, 301):
        p, state = opt.update(prob.grad(p), state, p, t, 0.05, hp)
    assert prob.loss(p) < 0.1
    assert prob.accuracy(p, "train") >= 0.98 and prob.accuracy(p, "test") >= 0.95
    assert prob.accuracy(np.stack([prob.start, p])).shape == (2,)
    logits = prob.logits(p, np.array([[0.0, 0.0], [0.9, 0.0]]))
    assert logits[0] < 0 < logits[1]  # centre is class 0, the ring class 1


def test_linear_regression_correlation_sets_the_conditioning():
    kappas = [LinearRegression(8, correlation=c).condition_number for c in (0.0, 0.9, 0.99)]
    assert kappas[0] < 5 < kappas[1] < 100 < kappas[2]
    prob = LinearRegression(8, correlation=0.9)
    theta = prob.minima[0]
    assert np.abs(prob.grad(theta)).max() < 1e-12
    assert prob.loss(theta) == pytest.approx(prob.min_loss, rel=1e-12)
    assert np.abs(theta[:8] - 3.0).max() < 0.1 and abs(theta[8] - 4.0) < 0.05  # recovers w_true, b_true
    # the loss is the quadratic its Hessian says
    d = points(prob, 1)[0] - theta
    assert prob.loss(theta + d) == pytest.approx(prob.min_loss + 0.5 * d @ prob.hessian @ d, rel=1e-10)
    assert prob.max_curvature == pytest.approx(np.linalg.eigvalsh(prob.hessian)[-1])
    assert prob.layout.names == ("W", "b") and prob.layout.block("W").shape == (1, 8)
    with pytest.raises(ValueError, match="correlation must lie in"):
        LinearRegression(4, correlation=1.0)


def test_one_feature_is_the_seeds_two_parameter_regression():
    prob = LinearRegression(1, n=50)
    seed_model = optviz.LinearRegression(prob.X[:, 0], prob.y)  # loss mean((w*x + b - y)^2) on (w, b)
    P = points(prob, 5)
    np.testing.assert_allclose(prob.loss(P), seed_model.loss(P), rtol=1e-12)
    np.testing.assert_allclose(prob.grad(P), seed_model.grad(P), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(prob.minima, seed_model.minima, rtol=1e-10)
    assert prob.max_curvature == pytest.approx(seed_model.max_curvature, rel=1e-12)


def test_gradient_descent_learns_singular_values_one_at_a_time():
    prob = MatrixFactorisation()  # target singular values 4, 2, 1, 0.5 from a 1e-3 start
    assert prob.loss(prob.start) == pytest.approx(0.5 * (16 + 4 + 1 + 0.25), rel=1e-3)
    p, learned_at = prob.start.copy(), {}
    for t in range(400):
        s = prob.singular_values(p)[:4]
        for i in range(4):
            if i not in learned_at and s[i] > 0.9 * prob.target_singular_values[i]:
                learned_at[i] = t
                assert i == 3 or s[i + 1] < 0.1 * prob.target_singular_values[i + 1]  # the next waits
        p = p - 0.05 * prob.grad(p)
    assert list(learned_at) == [0, 1, 2, 3]  # in order, largest first
    assert learned_at[0] < learned_at[1] < learned_at[2] < learned_at[3]
    np.testing.assert_allclose(prob.singular_values(p)[:4], [4, 2, 1, 0.5], rtol=0.1)
    A, B = prob.factors(p)
    assert np.abs(A @ B - prob.target).max() < 0.1


def test_orthogonalised_updates_learn_the_singular_values_together():
    """Steps along the polar factor U V^T of each gradient block (Muon's direction, here by SVD)
    grow every singular value at one speed: all four pass half their target within a few steps."""
    prob = MatrixFactorisation()
    p, half_at = prob.start.copy(), {}
    for t in range(60):
        s = prob.singular_values(p)[:4]
        half_at.update(
            {i: t for i in range(4) if i not in half_at and s[i] > 0.5 * prob.target_singular_values[i]}
        )
        g, step = prob.grad(p), np.empty(prob.dim)
        for name in ("A", "B"):
            U, _, Vt = np.linalg.svd(prob.layout.view(g, name), full_matrices=False)
            step[prob.layout.span(name)] = (U @ Vt).ravel()
        p = p - 0.05 * step
    assert sorted(half_at) == [0, 1, 2, 3]
    assert max(half_at.values()) - min(half_at.values()) <= 20  # measured 12 to 29; GD: 39 to 247


def test_matrix_sensing_sees_the_factorisation_through_its_measurements():
    fact, sensing = MatrixFactorisation(), MatrixSensing(n=400)
    assert np.array_equal(fact.target, sensing.target)  # same seed, same target
    assert sensing.loss(fact.layout.flatten({"A": fact.target, "B": np.eye(8)})) < 1e-25
    assert not hasattr(fact, "n")  # no data: the runner must not offer minibatches
    p = sensing.start.copy()
    for _ in range(400):
        p = p - 0.05 * sensing.grad(p)
    np.testing.assert_allclose(sensing.singular_values(p)[:4], [4, 2, 1, 0.5], rtol=0.02)


@pytest.mark.parametrize("case", ["linear-12", "mlp-moons-tanh-3x5x2", "matrix-3x6-k2"])
def test_sharpness_is_the_top_hessian_eigenvalue(case):
    prob = PROBLEMS[case]()
    P = points(prob, 2)
    for p, lam in zip(P, prob.sharpness(P, iters=300)):
        E = np.eye(prob.dim)
        H = (prob.grad(p + 1e-5 * E) - prob.grad(p - 1e-5 * E)) / 2e-5  # dense, by central differences
        ev = np.linalg.eigvalsh((H + H.T) / 2)
        top = ev[np.argmax(np.abs(ev))]
        assert lam == pytest.approx(top, rel=1e-5), (ev[0], ev[-1])
    if isinstance(prob, LinearRegression):
        np.testing.assert_allclose(prob.sharpness(P), prob.max_curvature, rtol=1e-7)


def test_random_plane_is_filter_normalised_and_passes_through_the_start():
    prob = MLP("spiral", (16, 16))
    plane = prob.random_plane(3)
    assert np.array_equal(plane.lift(np.zeros(2)), prob.start)
    for b in prob.layout.blocks:
        o = prob.layout.view(prob.start, b.name).reshape(
            -1 if not b.is_matrix else b.shape[0], b.shape[-1] if b.is_matrix else 1
        )
        for d in plane.directions:
            v = prob.layout.view(d, b.name).reshape(o.shape)
            if b.is_matrix:
                np.testing.assert_allclose(np.linalg.norm(v, axis=1), np.linalg.norm(o, axis=1))
            else:
                np.testing.assert_allclose(np.linalg.norm(v), np.linalg.norm(o))
    uv = np.array([[0.3, -0.7]])
    np.testing.assert_allclose(plane.project(plane.lift(uv)), uv, atol=1e-12)
