"""Muon, LAMB, LARS and Adafactor act per tensor of the layout: what that means, checked on networks
(matrices and vectors) and on the 2-D problems ((w, b) as one tensor); sweeps of them on a network
equal their runs bit for bit (batched Newton-Schulz and per-tensor norms)."""

import numpy as np
import pytest

import optviz
from optviz import nets
from optviz.layout import Layout
from optviz.optimizers.base import StepContext
from optviz.optimizers.structured import groups, newton_schulz

KEYS = ["muon", "lamb", "lars", "adafactor"]
#: A layout with every kind of tensor: a tall and a wide matrix, a vector and two scalars.
MIXED = Layout.of({"W1": (4, 2), "b1": (4,), "W2": (3, 4), "s": (), "t": ()})


def ctx_of(layout):
    return StepContext(layout, 1, lambda P, i: None)


@pytest.fixture(scope="module")
def mlp():
    return nets.MLP("moons", [5, 7, 3], "tanh")


@pytest.mark.parametrize("key", KEYS)
def test_sweep_cells_on_a_network_equal_their_runs_bit_for_bit(key, mlp):
    """The update batched over configurations ((N, D), batched @ and norms) is the single run's."""
    opt = optviz.OPTIMIZERS[key]
    lr = opt.defaults["learning_rate"]
    other = {"muon": "momentum", "lamb": "beta1", "lars": "momentum", "adafactor": "beta2_decay"}[key]
    grid = {"learning_rate": [lr / 2, lr, 2 * lr], other: [opt.defaults[other], opt.defaults[other] * 0.9]}
    kw = {"batch_size": 32, "seed": 5, "hparams": {"weight_decay": 0.01}}
    res = optviz.sweep(key, mlp, steps=15, grid=grid, **kw)
    for i, a in enumerate(grid["learning_rate"]):
        for j, b in enumerate(grid[other]):
            tr = optviz.run(key, mlp, steps=15, hparams={**kw["hparams"], "learning_rate": a, other: b},
                            batch_size=32, seed=5)  # fmt: skip
            np.testing.assert_array_equal(res.final_params[i, j], tr.params[-1])
            assert tr.params[-1].tolist() != tr.params[0].tolist()


def test_groups_follow_the_tensors():
    gs = groups(ctx_of(MIXED), MIXED.size)
    assert [(g.shape, g.scalars) for g in gs] == [
        ((2,), True),
        ((4, 2), False),
        ((4,), False),
        ((3, 4), False),
    ]
    assert list(gs[0].index) == [MIXED.span("s").start, MIXED.span("t").start]
    (whole,) = groups(ctx_of(Layout.scalars("w", "b")), 2)
    assert whole.shape == (2,) and whole.scalars and whole.index == slice(None)
    assert groups(None, 2)[0] == whole  # no context: the 2-D problems' one tensor


def test_newton_schulz_drives_singular_values_towards_one():
    """Singular values from 1e-2 to 1e2 come out in the quintic's band around 1 (not exactly 1, by
    design), with the same singular vectors; a batch of matrices is each matrix alone, bit for bit."""
    rng = np.random.default_rng(0)
    for rows, cols in [(6, 3), (3, 6), (5, 5)]:
        k = min(rows, cols)
        U, _ = np.linalg.qr(rng.standard_normal((rows, k)))
        V, _ = np.linalg.qr(rng.standard_normal((cols, k)))
        s_in = np.geomspace(10.0, 0.1, k)
        G = U @ np.diag(s_in) @ V.T
        O = newton_schulz(G.reshape(-1), rows, cols, 1e-7).reshape(rows, cols)
        inner = U.T @ O @ V  # diagonal when O keeps G's singular vectors
        assert np.abs(inner - np.diag(np.diag(inner))).max() < 1e-12
        s_out = np.diag(inner)
        assert np.all((s_out > 0.6) & (s_out < 1.25)), s_out  # a spread of 100 collapses to under 2
    B = rng.standard_normal((3, 4 * 2))
    np.testing.assert_array_equal(newton_schulz(B, 4, 2, 1e-7)[1], newton_schulz(B[1], 4, 2, 1e-7))


def test_muon_on_the_two_parameters_is_normalised_momentum():
    """(w, b) is one 1 x 2 matrix: the step is the Nesterov direction scaled to a length set by the
    quintic alone (about lr), whatever the gradient's size."""
    lengths = []
    for scale in (1e-3, 1.0, 1e3):
        tr = optviz.run("muon", "booth", steps=1, start=[0.0, 0.0])
        g = tr.grads[0] * scale
        opt = optviz.OPTIMIZERS["muon"]
        p, _ = opt.update(g, opt.init(np.zeros(2), opt.defaults), np.zeros(2), 1, 0.02, opt.defaults)
        cos = -p @ g / (np.linalg.norm(p) * np.linalg.norm(g))
        assert cos == pytest.approx(1.0, abs=1e-12)
        lengths.append(np.linalg.norm(p))
    assert lengths[0] == pytest.approx(lengths[2], rel=1e-12)
    assert lengths[1] == pytest.approx(0.6964364 * 0.02, rel=1e-6)  # the Learn card's 0.696 lr


def test_muon_sends_vectors_through_adamw_and_matrices_through_newton_schulz():
    opt = optviz.OPTIMIZERS["muon"]
    rng = np.random.default_rng(1)
    p, g = rng.standard_normal(MIXED.size), rng.standard_normal(MIXED.size)
    hp = opt.defaults
    new, state = opt.update(g, opt.init(p, hp), p, 1, 0.02, hp, ctx=ctx_of(MIXED))
    b = MIXED.span("b1")  # torch.optim.AdamW's first step, weight decay 0.01: -lr sign(g) after decay
    np.testing.assert_allclose(
        new[b], p[b] * (1 - 0.02 * 0.01) - 0.02 * g[b] / (np.abs(g[b]) + 1e-8), rtol=1e-12
    )
    assert np.all(state.v[b] > 0) and np.all(state.v[MIXED.span("W1")] == 0)
    W = MIXED.span("W1")  # tall 4 x 2: lr sqrt(4/2) times the orthogonalised g (Newton-Schulz is scale-free)
    step = (p[W] - new[W]) / (0.02 * np.sqrt(2.0))
    np.testing.assert_allclose(step, newton_schulz(g[W], 4, 2, 1e-7), rtol=1e-12)


@pytest.mark.parametrize("key", ["lamb", "lars"])
def test_trust_ratio_is_one_number_per_tensor(key):
    opt = optviz.OPTIMIZERS[key]
    rng = np.random.default_rng(2)
    p, g = rng.standard_normal(MIXED.size), rng.standard_normal(MIXED.size)
    p[MIXED.span("b1")] = 0.0  # a tensor at the origin: ratio 1, as optax
    hp = opt.defaults
    new, state = opt.update(g, opt.init(p, hp), p, 1, 0.1, hp, ctx=ctx_of(MIXED))
    coefficient = hp.get("trust_coefficient", 1.0)
    for grp in groups(ctx_of(MIXED), MIXED.size):
        r = state.trust_ratio[grp.index]
        assert np.all(r == r[0])
        u = g[grp.index] if key == "lars" else np.sign(g[grp.index]) * (1 / (1 + 1e-6 / np.abs(g[grp.index])))
        pn = np.linalg.norm(p[grp.index])
        expected = 1.0 if pn == 0 else coefficient * pn / np.linalg.norm(u)
        assert r[0] == pytest.approx(expected, rel=1e-12), grp
    assert state.trust_ratio[MIXED.span("b1")][0] == 1.0


def test_lars_first_step_from_the_origin_is_plain_sgd():
    tr = optviz.run("lars", "linear_regression", steps=2)  # starts at (0, 0): ||theta|| = 0, ratio 1
    np.testing.assert_array_equal(tr.params[1], -0.1 * tr.grads[0])
    assert tr.state["trust_ratio"][0].tolist() == [1.0, 1.0] and tr.state["trust_ratio"][1][0] < 0.01


def test_adafactor_factors_matrices_only():
    opt = optviz.OPTIMIZERS["adafactor"]
    rng = np.random.default_rng(3)
    p, hp = rng.standard_normal(MIXED.size), opt.defaults
    state = opt.init(p, hp)
    for t in (1, 2, 3):
        g = rng.standard_normal(MIXED.size)
        p, state = opt.update(g, state, p, t, 0.01, hp, ctx=ctx_of(MIXED))
    W = MIXED.span("W2")
    R, C = state.row_var[W].reshape(3, 4), state.col_var[W].reshape(3, 4)
    assert np.all(R[:, :1] == R) and np.all(C[:1, :] == C)  # one number per row, one per column
    np.testing.assert_allclose(state.v[W].reshape(3, 4), R[:, :1] * C[:1, :] / R[:, 0].mean(), rtol=1e-15)
    for name in ("b1", "s", "t"):  # vectors and the scalars: unfactored
        span = MIXED.span(name)
        assert (
            np.all(state.row_var[span] == 0)
            and np.all(state.col_var[span] == 0)
            and np.all(state.v[span] > 0)
        )
    tr = optviz.run("adafactor", "rosenbrock", steps=5)  # (x, y) is one vector: nothing factored
    assert not tr.state["row_var"].any() and not tr.state["col_var"].any()
    np.testing.assert_array_equal(tr.state["v"][0], tr.grads[0] ** 2)  # step 1 takes g^2 whole (1^-0.8 = 1)


@pytest.mark.parametrize("key", KEYS)
def test_a_zero_gradient_at_the_origin_stays_put(key):
    """Zero norms everywhere (Muon's eps floor, the trust ratio's 1, Adafactor's eps1): no NaN, no move."""
    opt = optviz.OPTIMIZERS[key]
    p = np.zeros(MIXED.size)
    new, state = opt.update(
        np.zeros_like(p), opt.init(p, opt.defaults), p, 1, 0.1, opt.defaults, ctx=ctx_of(MIXED)
    )
    assert np.all(new == 0) and all(np.isfinite(x).all() for x in state)
