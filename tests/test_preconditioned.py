"""Shampoo and SOAP: the 2-parameter rules, rotation awareness, the float32 QR, networks' blocks."""

import numpy as np
import pytest

import optviz
from optviz import nets
from optviz.optimizers.base import StepContext
from optviz.optimizers.preconditioned import _qr_q_float32, tensors


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
