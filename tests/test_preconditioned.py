"""Shampoo, SOAP and L-BFGS: the 2-parameter rules, rotation awareness, the float32 QR, networks'
blocks, the masked strong-Wolfe search, the loss oracle of the step context."""

import json
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz import nets
from optviz.optimizers import preconditioned
from optviz.optimizers.base import StepContext
from optviz.optimizers.preconditioned import _qr_q_float32, tensors
from optviz.runner import prepare
from optviz.settings import RunSettings


def rotation(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def test_shampoo_on_two_parameters_is_full_matrix_adagrad():
    """One 2 x 2 preconditioner: p <- p - lr (eps I + sum g g^T)^(-1/2) g, the root from eigh here."""
    prob = optviz.PROBLEMS["linear_regression"]()
    lr, eps = 0.3, 1e-3
    tr = optviz.run("shampoo", prob, steps=40, hparams={"learning_rate": lr, "epsilon": eps})
    L, p = eps * np.eye(2), prob.start.copy()
    for i in range(40):
        g = prob.grad(p)
        L = L + np.outer(g, g)
        w, V = np.linalg.eigh(L)
        p = p - lr * (V @ np.diag(w**-0.5) @ V.T) @ g
        np.testing.assert_allclose(tr.params[i + 1], p, rtol=1e-9, atol=1e-12)
    # and not diagonal Adagrad, whose step ignores how w and b vary together
    ada = optviz.run("adagrad", prob, steps=40, hparams={"learning_rate": lr, "epsilon": 1e-10})
    assert np.abs(ada.params[-1] - tr.params[-1]).max() > 1e-2


@pytest.mark.parametrize("key", ["shampoo", "soap"])
def test_two_parameter_rules_see_rotations(key):
    """Rotate the gradients and the start: the whole trajectory rotates with them (full 2 x 2 matrices,
    not per-coordinate scalings); diagonal Adagrad does not."""
    opt = optviz.OPTIMIZERS[key]
    hp = {**opt.defaults, "learning_rate": 0.05, "weight_decay": 0.0}
    if key == "soap":  # its QR refresh runs in float32 (as the reference's): equivariant only to 1e-7
        hp["precondition_frequency"] = 100.0
    R = rotation(0.7)
    rng = np.random.default_rng(3)
    grads = rng.standard_normal((12, 2)) * [5.0, 0.2]
    p, q = np.array([1.0, -2.0]), R @ np.array([1.0, -2.0])
    s, r = opt.init(p, hp), opt.init(q, hp)
    for t, g in enumerate(grads, 1):
        p, s = opt.update(g, s, p, t, hp["learning_rate"], hp)
        q, r = opt.update(R @ g, r, q, t, hp["learning_rate"], hp)
        np.testing.assert_allclose(q, R @ p, rtol=1e-10, atol=1e-12)
    ada = optviz.OPTIMIZERS["adagrad"]
    hp_a = {**ada.defaults, "learning_rate": 0.05}
    p, q = np.array([1.0, -2.0]), R @ np.array([1.0, -2.0])
    s, r = ada.init(p, hp_a), ada.init(q, hp_a)
    for t, g in enumerate(grads, 1):
        p, s = ada.update(g, s, p, t, 0.05, hp_a)
        q, r = ada.update(R @ g, r, q, t, 0.05, hp_a)
    assert np.abs(q - R @ p).max() > 1e-3


def test_soap_first_step_only_fills_the_statistics():
    tr = optviz.run("soap", "rosenbrock", steps=3)
    np.testing.assert_array_equal(tr.params[1], tr.params[0])
    g = tr.grads[0]
    GG = tr.state["GG"][0].reshape(2, 2)
    np.testing.assert_allclose(GG, 0.05 * np.outer(g, g), rtol=1e-15)
    Q = tr.state["Q"][0].reshape(2, 2)
    np.testing.assert_allclose(Q.T @ Q, np.eye(2), atol=1e-15)
    assert abs(abs(Q[:, 0] @ g) - np.linalg.norm(g)) < 1e-12  # largest eigenvalue first: g's direction
    assert not np.array_equal(tr.params[2], tr.params[1])


#: torch.linalg.qr(A.float())[0] of 2 x 2 matrices (torch 2.13.0, MKL), as float64 hex.
TORCH_QR = [
    ([[3.0, 1.0], [2.0, 5.0]], ["-0x1.aa028p-1", "-0x1.1c01acp-1", "-0x1.1c01acp-1", "0x1.aa027ep-1"]),
    ([[-0.7, 1e-3], [0.3, 2.5]], ["-0x1.d69a2cp-1", "0x1.935f96p-2", "0x1.935f96p-2", "0x1.d69a2cp-1"]),
    ([[1e-5, 4.0], [-2.0, 0.1]], ["-0x1.5p-18", "0x1p+0", "0x1p+0", "0x1.5p-18"]),
]


@pytest.mark.parametrize(("A", "Q"), TORCH_QR)
def test_float32_qr_is_torchs_bit_for_bit(A, Q):
    got = _qr_q_float32(np.array(A))
    assert [x.hex() for x in got.ravel()] == [float.fromhex(h).hex() for h in Q]
    batch = _qr_q_float32(np.stack([np.array(A)] * 3))  # batched: the same bits in every row
    assert all(np.array_equal(b, got) for b in batch)


def test_float32_qr_of_larger_matrices_is_a_qr():
    A = np.random.default_rng(0).standard_normal((4, 5, 5))
    Q = _qr_q_float32(A)
    np.testing.assert_allclose(Q @ np.swapaxes(Q, -1, -2), np.broadcast_to(np.eye(5), Q.shape), atol=1e-6)
    R = np.swapaxes(Q, -1, -2) @ A
    assert np.abs(np.tril(R, -1)).max() < 1e-5


def test_blocks_follow_the_layout():
    """Networks: each block is a tensor (matrices keep their shape); the 2-D problems: one vector."""
    prob = nets.MLP("circle", [4], "tanh", n=64)
    parts = tensors(StepContext(prob.layout, 1, None), prob.dim)
    assert [shape for _, shape in parts] == [(4, 2), (4,), (1, 4), (1,)]
    booth = optviz.PROBLEMS["booth"]()
    assert tensors(StepContext(booth.layout, 1, None), 2) == ((slice(0, 2), (2,)),)
    tr = optviz.run("shampoo", prob, steps=3)
    # Shampoo's statistics: per matrix 4x4 + 2x2 and 1x1 + 4x4, per vector 4x4 and 1x1
    assert tr.state["pre_cond"].shape == (3, 16 + 4 + 16 + 1 + 1 + 16)


@pytest.mark.parametrize("key", ["shampoo", "soap"])
def test_network_sweep_cells_equal_their_runs(key):
    prob = nets.MLP("circle", [4], "tanh", n=64)
    grid = {"learning_rate": [0.01, 0.05], "weight_decay": [0.0, 0.01]}
    res = optviz.sweep(key, prob, steps=25, grid=grid, batch_size=16, seed=3)
    for idx in np.ndindex(*res.shape):
        tr = optviz.run(key, prob, steps=25, hparams=res.config(idx), batch_size=16, seed=3)
        np.testing.assert_array_equal(res.final_params[idx], tr.params[-1])
        assert res.final_loss[idx] == tr.loss[-1]


# --- L-BFGS ----------------------------------------------------------------------------------------
FULL_SEARCH = sorted((Path(__file__).parent / "golden" / "lbfgs").glob("*.json"))


@pytest.mark.parametrize("path", FULL_SEARCH, ids=[p.stem for p in FULL_SEARCH])
def test_full_strong_wolfe_search_matches_torch(path, monkeypatch):
    """torch.optim.LBFGS(max_iter=1, max_eval=25): the masked bracketing and zoom, 24 trials allowed,
    give torch's iterates and its evaluation counts (the registry's max_eval=1 never zooms)."""
    case = json.loads(path.read_text())
    monkeypatch.setattr(preconditioned, "MAX_LS", case["max_ls"])
    prob = optviz.PROBLEMS[case["problem"]]()
    tr = optviz.run("lbfgs", prob, steps=case["steps"], start=case["start"], hparams=case["hparams"])
    ref = np.array(case["params"])
    assert np.max(np.abs(tr.params - ref) / np.maximum(np.abs(ref), 1.0)) <= 1e-10
    assert tr.state["evals"].tolist() == case["evals"]
    assert max(case["evals"]) >= 3  # the search really brackets and zooms


@pytest.mark.parametrize("max_ls", [0, 24])
def test_lbfgs_sweep_cells_equal_their_runs(max_ls, monkeypatch):
    """Every configuration searches until its own search ends: mixed search lengths, history sizes and
    line-search choices in one batch, each cell bit for bit its run (minibatches and noise too)."""
    monkeypatch.setattr(preconditioned, "MAX_LS", max_ls)
    grid = {"learning_rate": [0.1, 1.0, 3.0], "history_size": [2, 10], "line_search": [0, 1]}
    for problem, kw in (("rosenbrock", {}), ("linear_regression", {"batch_size": 10, "grad_noise": 0.3})):
        res = optviz.sweep("lbfgs", problem, steps=40, grid=grid, **kw)
        for idx in np.ndindex(*res.shape):
            tr = optviz.run("lbfgs", problem, steps=40, hparams=res.config(idx), **kw)
            np.testing.assert_array_equal(res.final_params[idx], tr.params[-1])
            assert res.final_loss[idx] == tr.loss[-1]


def test_lbfgs_solves_a_quadratic_in_a_few_steps():
    tr = optviz.run("lbfgs", "ill_conditioned", steps=12)
    assert tr.loss[8] < 1e-10 * tr.loss[0]  # condition number 20, and no learning rate to tune
    assert tr.state["evals"].tolist() == [1.0] * 12 and tr.state["func_evals"][-1] == 12
    assert tr.state["stored"].max() >= 2
    # then torch's tolerance_change stops it: g.d > -1e-9, so the step is 0 (1.3e-6 from the minimum)
    assert tr.state["taken"][-1] == 0 and np.array_equal(tr.params[-1], tr.params[-2])


def test_one_trial_search_can_reject_the_same_step_forever():
    """torch's search with max_eval=1 keeps a step only if the loss falls: from Rosenbrock's start at
    lr 1 the first trial overshoots, the step is 0, the memory gets no pair, and the trial repeats."""
    tr = optviz.run("lbfgs", "rosenbrock", steps=5, hparams={"line_search": 1})
    assert (tr.params == tr.params[0]).all()
    assert tr.state["evals"].tolist() == [2.0] * 5 and (tr.state["taken"] == 0).all()
    moved = optviz.run("lbfgs", "rosenbrock", steps=5, hparams={"line_search": 1, "learning_rate": 0.5})
    assert (moved.state["taken"] > 0).all()


def test_loss_oracle_is_the_minibatch_loss_with_noise():
    """ctx.loss_and_grad_at: the loss of step i's minibatch plus <noise, P>, whose gradient is exactly
    the noisy gradient the optimizer gets."""
    prob = optviz.PROBLEMS["linear_regression"](n=40, seed=1)
    s = prepare("lbfgs", prob, RunSettings(20, None, None, None, 8, 0.5, 2))
    P = np.array([[0.3, -1.0], [2.0, 0.5]])
    for i in (0, 7):
        idx = prob.batch_indices(i, 8, 2)
        x, y = prob.x[idx], prob.y[idx]
        loss, g = s.loss_grad_at(P, i)
        mse = ((P[:, :1] * x + P[:, 1:] - y) ** 2).mean(1)
        np.testing.assert_allclose(loss, mse + P @ s.noise[i], rtol=1e-12)
        np.testing.assert_array_equal(g, s.grad_at(P, i))
    net = nets.MLP("circle", [4], "tanh", n=64)
    s = prepare("lbfgs", net, RunSettings(5, None, None, None, 16, 0.0, 0))
    loss, g = s.loss_grad_at(net.start, 3)
    np.testing.assert_array_equal(g, s.grad_at(net.start, 3))
    h = 1e-6 * np.eye(net.dim)[0]
    slope = (s.loss_grad_at(net.start + h, 3)[0] - s.loss_grad_at(net.start - h, 3)[0]) / 2e-6
    assert abs(slope - g[0]) < 1e-6


def test_line_search_without_a_context_says_how_to_call_it():
    opt = optviz.OPTIMIZERS["lbfgs"]
    hp = {**opt.defaults, "line_search": 1.0}
    p = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="step context"):
        opt.update(np.array([1.0, 1.0]), opt.init(p, hp), p, 1, 1.0, hp)
