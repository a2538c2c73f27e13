"""The network problems match torch: loss and autograd gradient to 1e-12, and training runs on
minibatches (torch.optim's SGD with momentum, Adam, AdamW; the structure-aware optimizers, which act
per tensor of the layout: torch.optim.Muon with AdamW on the biases, torch.optim.Adafactor, optax.lamb,
optax.lars; pytorch-optimizer's Shampoo and SOAP, whose blocks are matrices; the first five also full
batch on a factorisation with a tall and a wide factor) to 1e-10, as recorded by
tests/golden/make_networks_golden.py. torch itself is never imported here."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz import nets
from optviz.nets.base import step_batches
from optviz.optimizers.base import with_context

FIXTURES = Path(__file__).parent / "golden" / "networks"
GRADS = sorted(FIXTURES.glob("grad-*.json"))
TRAINS = sorted(FIXTURES.glob("train-*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def build(spec: dict) -> nets.NetworkProblem:
    return getattr(nets, spec["class"])(*spec["args"], **spec["kwargs"])


def test_fixtures_cover_every_network_problem_and_three_optimizers():
    classes = {load(p)["problem"]["class"] for p in GRADS}
    assert classes == {"MLP", "LinearRegression", "MatrixFactorisation", "MatrixSensing"}
    assert {load(p)["optimizer"] for p in TRAINS} == {
        "momentum", "adam", "adamw", "muon", "adafactor", "lamb", "lars", "shampoo", "soap",
    }  # fmt: skip
    # the structure-aware ones on an MLP and on a matrix problem (SOAP's is its 2 x 2 sensing run)
    on_matrices = {load(p)["optimizer"] for p in TRAINS if load(p)["problem"]["class"].startswith("Matrix")}
    on_mlps = {load(p)["optimizer"] for p in TRAINS if load(p)["problem"]["class"] == "MLP"}
    structured = {"muon", "adafactor", "lamb", "lars", "shampoo"}
    assert structured | {"soap"} <= on_matrices and structured <= on_mlps
    mlps = [load(p)["problem"]["args"] for p in GRADS if "mlp" in p.name]
    assert {activation for _, _, activation in mlps} == {"tanh", "relu"}
    assert {len(hidden) for _, hidden, _ in mlps} == {1, 2, 3}  # one, two and three hidden layers


@pytest.mark.parametrize("path", GRADS, ids=[p.stem for p in GRADS])
def test_loss_and_gradient_match_torch_autograd(path):
    case = load(path)
    prob = build(case["problem"])
    P = np.array(case["points"])
    assert np.array_equal(P[0], prob.start)  # the start is torch.nn.Linear's init, drawn the same way
    assert np.array_equal(P[1], prob.init(1))
    L, G = prob.loss_and_grad(P)
    ref_L, ref_G = np.array(case["loss"]), np.array(case["grad"])
    np.testing.assert_allclose(L, ref_L, rtol=1e-12, atol=0)
    # relative to each point's largest gradient entry: an entry near 0 has no relative precision
    scale = np.abs(ref_G).max(-1, keepdims=True)
    assert np.max(np.abs(G - ref_G) / scale) <= 1e-12, path.stem


@pytest.mark.parametrize("path", TRAINS, ids=[p.stem for p in TRAINS])
def test_minibatch_training_matches_torch_optim(path):
    case = load(path)
    prob = build(case["problem"])
    steps, every = case["steps"], case["record_every"]
    if case["batch_size"] is None:  # full batch: the factorisation has no data to draw minibatches from
        assert case["batches"] is None and not hasattr(prob, "n")
        grad_at = lambda P, i: prob.loss_and_grad(P)[1]  # noqa: E731
    else:
        n = len(prob.data.X_train) if isinstance(prob, nets.MLP) else prob.n
        assert np.array_equal(step_batches(n, case["batch_size"], steps, case["seed"]), case["batches"])
        grad_at = prob.stochastic(case["batch_size"], steps, case["seed"])
    opt = optviz.OPTIMIZERS[case["optimizer"]]
    hp = case["hparams"]
    assert set(hp) == set(opt.hparam_names)
    update = with_context(opt, prob.layout, grad_at)  # the structure-aware ones read the layout
    p = prob.start.copy()
    state = opt.init(p, hp)
    rows = [p]
    for i in range(steps):
        p, state = update(grad_at(p, i), state, p, i + 1, hp["learning_rate"], hp)
        if (i + 1) % every == 0:
            rows.append(p)
    ref = np.array(case["params"])
    assert ref.shape == (steps // every + 1, prob.dim)
    assert np.abs(ref[-1] - ref[0]).max() > 0.1  # the run really trains
    err = np.max(np.abs(np.array(rows) - ref) / np.maximum(np.abs(ref), 1.0))
    print(f"{path.stem}: max relative error {err:.3g}")
    assert err <= 1e-10, f"{path.stem}: max relative error {err:.3g}"


def test_optviz_nets_never_imports_torch():
    """torch only records the fixtures; optviz and its tests must run without it."""
    code = (
        "import sys, optviz, optviz.nets as n; p = n.MLP(); p.loss_and_grad(p.start); "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])
