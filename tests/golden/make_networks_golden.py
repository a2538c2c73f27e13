"""Record torch's loss, gradient and optimizer trajectories on optviz's network problems.

For each case this script builds the problem with ``optviz.nets`` (the data and the start are
NumPy's), rebuilds the same model in torch (``torch.nn.Linear`` layers, ``torch.tanh``/``relu``,
``binary_cross_entropy_with_logits``, ``mse_loss``) in float64, and writes into ``networks/``
beside this file:

* ``grad-<case>.json``: the loss and the autograd gradient at three points (the start, a second
  seeded init, and the start plus a Gaussian offset);
* ``train-<optimizer>-<case>.json``: a minibatch training run of ``torch.optim`` (SGD with
  momentum, Adam, AdamW) on the MLP, same start and minibatches (recorded), every 10th iterate;
  of the structure-aware optimizers, whose rules act per tensor: ``torch.optim.Muon`` on the
  weight matrices with ``torch.optim.AdamW`` (its defaults, the same learning rate) on the biases,
  Newton-Schulz in float64 (``make_golden.float64_newton_schulz``); ``torch.optim.Adafactor``; and
  ``optax.lamb`` / ``optax.lars`` on the list of tensors (jax in float64), fed torch's gradients;
  and of pytorch-optimizer 4.1.0's Shampoo (on the MLP) and SOAP (on 2 x 2 matrix sensing);
  Muon, Adafactor, LAMB, LARS and Shampoo also on a 5 x 7 factorisation through k = 3 (full batch:
  ``batch_size`` and ``batches`` are null), keyed ``<optimizer>-matrix``.

torch is not a dependency of optviz; it is only needed here. Install it into a separate venv
(``python -m venv /work/venv-golden --system-site-packages``, then ``pip install torch==2.13.0``)
plus ``pip install pytorch-optimizer==4.1.0`` for Shampoo and SOAP, and run from the repository root: ``/work/venv-golden/bin/python tests/golden/make_networks_golden.py``.
"""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optviz import nets  # noqa: E402
from optviz.nets.base import step_batches  # noqa: E402

OUT = Path(__file__).resolve().parent / "networks"

GRAD_CASES = {
    "mlp-circle-tanh-8": ("MLP", ["circle", [8], "tanh"], {}),
    "mlp-spiral-relu-16x16": ("MLP", ["spiral", [16, 16], "relu"], {}),
    "mlp-moons-tanh-5x7x3": ("MLP", ["moons", [5, 7, 3], "tanh"], {"n": 120, "noise": 0.2}),
    "mlp-xor-relu-4": ("MLP", ["xor", [4], "relu"], {"noise": 0.3, "data_seed": 3, "init_seed": 2}),
    "mlp-gaussians-tanh-16": ("MLP", ["gaussians", [16], "tanh"], {"n": 64, "test_fraction": 0.5}),
    "linear-1": ("LinearRegression", [1], {"correlation": 0.0}),
    "linear-8-corr0.99": ("LinearRegression", [8], {"correlation": 0.99, "noise": 0.5, "seed": 4}),
    "matrix-8x8-k8": ("MatrixFactorisation", [], {}),
    "matrix-5x7-k3": ("MatrixFactorisation", [5, 7, 3, [3.0, 1.0]], {"init_scale": 0.3, "seed": 2}),
    "sensing-6x5-k3": ("MatrixSensing", [6, 5, 3, [2.0, 1.0]], {"n": 60, "init_scale": 0.5}),
    # 2 x 2 factors: SOAP's eigenbases are unique there (a wider factor's G G^T has a null space whose
    # basis LAPACK picks at will) and its float32 QR is LAPACK's bit for bit
    "sensing-2x2-k2": ("MatrixSensing", [2, 2, 2, [2.0, 1.0]], {"n": 96, "init_scale": 0.5}),
}

TRAIN_STEPS, TRAIN_BATCH, TRAIN_SEED = 100, 32, 7
RECORD_EVERY = 10  # iterates 0, 10, ..., 100 keep the fixtures small; errors would show at any of them
TRAIN_CASES = {
    # optviz key: (torch.optim class, torch kwargs, optviz hyperparameters, problem case)
    "momentum": (
        "SGD",
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 1e-3},
        {"learning_rate": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 1e-3},
        "mlp-circle-tanh-8",
    ),
    "adam": (
        "Adam",
        {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-7, "weight_decay": 1e-3},
        {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-7, "weight_decay": 1e-3},
        "mlp-moons-tanh-5x7x3",
    ),
    "adamw": (
        "AdamW",
        {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.1},
        {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 0.1},
        "mlp-spiral-relu-16x16",
    ),
    # structure-aware: an MLP with tall (5 x 2, 7 x 5) and wide (3 x 7, 1 x 3) matrices and bias vectors
    "muon": (
        "Muon",
        {"lr": 0.02, "momentum": 0.95, "eps": 1e-7, "weight_decay": 0.01, "nesterov": True,
         "ns_coefficients": (3.4445, -4.775, 2.0315), "ns_steps": 5, "adjust_lr_fn": None},
        {"learning_rate": 0.02, "momentum": 0.95, "epsilon": 1e-7, "weight_decay": 0.01},
        "mlp-moons-tanh-5x7x3",
    ),
    "adafactor": (
        "Adafactor",
        {"lr": 0.05, "beta2_decay": -0.8, "eps": (None, 1e-3), "d": 1.0, "weight_decay": 0.01},
        {"learning_rate": 0.05, "beta2_decay": -0.8, "epsilon": 1e-3, "d": 1.0, "weight_decay": 0.01},
        "mlp-moons-tanh-5x7x3",
    ),
    "lamb": (
        "optax.lamb",
        {"learning_rate": 0.02, "b1": 0.9, "b2": 0.99, "eps": 1e-6, "eps_root": 0.0, "weight_decay": 0.01},
        {"learning_rate": 0.02, "beta1": 0.9, "beta2": 0.99, "epsilon": 1e-6, "weight_decay": 0.01},
        "mlp-moons-tanh-5x7x3",
    ),
    "lars": (
        "optax.lars",
        {"learning_rate": 1.0, "weight_decay": 1e-3, "trust_coefficient": 0.02, "eps": 1e-6,
         "momentum": 0.9, "nesterov": False},
        {"learning_rate": 1.0, "momentum": 0.9, "trust_coefficient": 0.02, "epsilon": 1e-6, "weight_decay": 1e-3},
        "mlp-moons-tanh-5x7x3",
    ),
    # pytorch-optimizer 4.1.0: Shampoo's left/right roots of the 8 x 2 and 1 x 8 weights, full 8 x 8 and
    # 1 x 1 ones of the biases; SOAP's eigenbases of two 2 x 2 factors (refreshed every 10 steps).
    # Shampoo's epsilon is 1e-2: with 1e-4 the 8 x 8 bias statistic is nearly singular for 8 steps and
    # amplifies torch's fused lerp (momentum) and MKL's SVD, last-bit differences, to 7e-9.
    "shampoo": (
        "pytorch_optimizer.Shampoo",
        {"lr": 0.05, "momentum": 0.5, "weight_decay": 1e-3, "matrix_eps": 1e-2, "preconditioning_compute_steps": 2},
        {
            "learning_rate": 0.05, "momentum": 0.5, "weight_decay": 1e-3, "epsilon": 1e-2,
            "preconditioning_compute_steps": 2.0,
        },
        "mlp-circle-tanh-8",
    ),
    "soap": (
        "pytorch_optimizer.SOAP",
        {"lr": 0.02},
        {
            "learning_rate": 0.02, "beta1": 0.95, "beta2": 0.95, "weight_decay": 1e-2,
            "precondition_frequency": 10.0, "epsilon": 1e-8,
        },
        "sensing-2x2-k2",
    ),
    # the same structure-aware optimizers on a 5 x 7 rank-2 target through k = 3 factors, full batch (the
    # factorisation has no data): a tall A (5 x 3) and a wide B (3 x 7), so Newton-Schulz, the trust
    # ratios, the factored second moments and Shampoo's left/right roots see both orientations and
    # no bias vector; "<optimizer>-<anything>" keys give an optimizer a second case
    "adafactor-matrix": (
        "Adafactor",
        {"lr": 0.02, "beta2_decay": -0.8, "eps": (None, 1e-3), "d": 1.0, "weight_decay": 0.01},
        {"learning_rate": 0.02, "beta2_decay": -0.8, "epsilon": 1e-3, "d": 1.0, "weight_decay": 0.01},
        "matrix-5x7-k3",
    ),
    "lamb-matrix": (
        "optax.lamb",
        {"learning_rate": 0.01, "b1": 0.9, "b2": 0.99, "eps": 1e-6, "eps_root": 0.0, "weight_decay": 0.01},
        {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.99, "epsilon": 1e-6, "weight_decay": 0.01},
        "matrix-5x7-k3",
    ),
    # Shampoo's epsilon is 1e-1 here: B's rows never leave span(B_0, M) (5 of 7 dimensions), and in the
    # other 2 the right statistic is epsilon * I; the momentum buffer (the preconditioned step, lerped
    # into the next gradient) feeds that null space back through roots of size epsilon^(-1/4), and with
    # epsilon 1e-2 the loop's gain exceeds 1: the reference's own rounding noise there grows from 1e-16
    # to 1e-8 in 100 steps and optviz's differs from it by 5.8e-9. With 1e-1 the noise stays at 1e-16.
    "shampoo-matrix": (
        "pytorch_optimizer.Shampoo",
        {"lr": 0.02, "momentum": 0.5, "weight_decay": 1e-3, "matrix_eps": 1e-1, "preconditioning_compute_steps": 2},
        {
            "learning_rate": 0.02, "momentum": 0.5, "weight_decay": 1e-3, "epsilon": 1e-1,
            "preconditioning_compute_steps": 2.0,
        },
        "matrix-5x7-k3",
    ),
}  # fmt: skip
# Muon and LARS on the matrix with their MLP settings
TRAIN_CASES |= {f"{key}-matrix": (*TRAIN_CASES[key][:3], "matrix-5x7-k3") for key in ("muon", "lars")}


def build(case: str):
    cls, args, kwargs = GRAD_CASES[case]
    return getattr(nets, cls)(*args, **kwargs)


class TorchModel:
    """The problem rebuilt from torch modules; ``params`` in optviz's layout order."""

    def __init__(self, prob, P: np.ndarray):
        self.prob = prob
        views = {b.name: torch.tensor(prob.layout.view(P, b.name)) for b in prob.layout.blocks}
        if isinstance(prob, nets.MLP):
            self.layers = []
            for l, (fan_in, fan_out) in enumerate(zip(prob.sizes, prob.sizes[1:]), 1):
                lin = torch.nn.Linear(fan_in, fan_out, dtype=torch.float64)
                with torch.no_grad():
                    lin.weight.copy_(views[f"W{l}"])
                    lin.bias.copy_(views[f"b{l}"])
                self.layers.append(lin)
            self.params = [t for lin in self.layers for t in (lin.weight, lin.bias)]
        elif isinstance(prob, nets.LinearRegression):
            self.lin = torch.nn.Linear(prob.input_dim, 1, dtype=torch.float64)
            with torch.no_grad():
                self.lin.weight.copy_(views["W"])
                self.lin.bias.copy_(views["b"])
            self.params = [self.lin.weight, self.lin.bias]
        else:
            self.params = [views["A"].requires_grad_(True), views["B"].requires_grad_(True)]

    def loss(self, idx: np.ndarray | None = None) -> torch.Tensor:
        prob = self.prob
        if isinstance(prob, nets.MLP):
            X, y = prob.data.X_train, prob.data.y_train.astype(float)
            X, y = (X, y) if idx is None else (X[idx], y[idx])
            h = torch.from_numpy(X)
            act = torch.tanh if prob.activation == "tanh" else torch.relu
            for lin in self.layers[:-1]:
                h = act(lin(h))
            z = self.layers[-1](h)[:, 0]
            return torch.nn.functional.binary_cross_entropy_with_logits(z, torch.from_numpy(y))
        if isinstance(prob, nets.LinearRegression):
            pred = self.lin(torch.from_numpy(prob.X))[:, 0]
            return torch.nn.functional.mse_loss(pred, torch.from_numpy(prob.y))
        A, B = self.params
        if isinstance(prob, nets.MatrixSensing):
            S, y = (prob.sensing, prob.y) if idx is None else (prob.sensing[idx], prob.y[idx])
            r = torch.from_numpy(S) @ (A @ B).reshape(-1) - torch.from_numpy(y)
            return 0.5 * (r**2).mean()
        return 0.5 * ((A @ B - torch.from_numpy(prob.target)) ** 2).sum()

    def flat(self, grads: bool = False) -> np.ndarray:
        return np.concatenate([(t.grad if grads else t).detach().numpy().ravel() for t in self.params])


def meta() -> dict:
    return {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version()}


def grad_fixture(case: str) -> dict:
    prob = build(case)
    rng = np.random.default_rng(11)
    points = [prob.start, prob.init(1), prob.start + 0.5 * rng.standard_normal(prob.dim)]
    losses, grads = [], []
    for P in points:
        model = TorchModel(prob, P)
        L = model.loss()
        L.backward()
        losses.append(L.item())
        grads.append(model.flat(grads=True).tolist())
    cls, args, kwargs = GRAD_CASES[case]
    return {
        "case": case,
        "problem": {"class": cls, "args": args, "kwargs": kwargs},
        "points": [np.asarray(P).tolist() for P in points],
        "loss": losses,
        "grad": grads,
        "reference": "torch autograd, float64, torch.nn.Linear layers",
        "versions": meta(),
    }


def stepper(cls_name: str, kwargs: dict, model: TorchModel):
    """``step()`` that applies one update to ``model.params`` from their ``.grad``, and the reference's text."""
    if cls_name.startswith("optax."):
        import jax
        import jax.numpy as jnp
        import optax

        jax.config.update("jax_enable_x64", True)
        opt = getattr(optax, cls_name.split(".", 1)[1])(**kwargs)
        state = [opt.init([jnp.asarray(t.detach().numpy()) for t in model.params])]

        def step() -> None:
            params = [jnp.asarray(t.detach().numpy()) for t in model.params]
            grads = [jnp.asarray(t.grad.numpy()) for t in model.params]
            updates, state[0] = opt.update(grads, state[0], params)
            with torch.no_grad():
                for t, new in zip(model.params, optax.apply_updates(params, updates)):
                    t.copy_(torch.from_numpy(np.array(new)))

        return step, f"{cls_name}(**{kwargs!r}) on the list of tensors, jax float64"
    if cls_name.startswith("pytorch_optimizer."):
        import importlib

        module, _, attr = cls_name.rpartition(".")
        opt = getattr(importlib.import_module(module), attr)(model.params, **kwargs)
        return (
            opt.step,
            f"{cls_name}(**{kwargs!r}) (pytorch-optimizer {metadata.version('pytorch-optimizer')})",
        )
    if cls_name == "Muon":  # the matrices; every other tensor through AdamW's defaults at Muon's rate
        from make_golden import FLOAT64_NEWTON_SCHULZ, float64_newton_schulz

        float64_newton_schulz()
        matrices = [t for t in model.params if t.ndim == 2]
        others = [t for t in model.params if t.ndim != 2]
        opts = [torch.optim.Muon(matrices, **kwargs)]
        if others:  # a factorisation has matrices only (torch refuses an empty parameter list)
            opts.append(torch.optim.AdamW(others, lr=kwargs["lr"], foreach=False))
        text = (
            f"torch.optim.Muon(matrices, **{kwargs!r}) + torch.optim.AdamW(vectors, lr={kwargs['lr']!r}, "
            f"foreach=False); {FLOAT64_NEWTON_SCHULZ}"
        )
        return (lambda: [o.step() for o in opts]), text
    opt = getattr(torch.optim, cls_name)(model.params, **kwargs, foreach=False)
    return opt.step, f"torch.optim.{cls_name}(**{kwargs!r}, foreach=False)"


def train_fixture(key: str) -> dict:
    """The run of TRAIN_CASES[key]; the optimizer is the key up to its first "-"."""
    cls_name, torch_kwargs, hparams, case = TRAIN_CASES[key]
    optimizer = key.split("-", 1)[0]
    prob = build(case)
    model = TorchModel(prob, prob.start)
    step, reference = stepper(cls_name, torch_kwargs, model)
    n = len(prob.data.X_train) if isinstance(prob, nets.MLP) else getattr(prob, "n", None)
    # full batch where there is no data to draw from (the factorisation): batch_size and batches null
    batch_size = TRAIN_BATCH if n is not None else None
    batches = step_batches(n, TRAIN_BATCH, TRAIN_STEPS, TRAIN_SEED) if n is not None else None
    params = [model.flat().tolist()]
    for i in range(TRAIN_STEPS):
        for t in model.params:
            t.grad = None
        model.loss(None if batches is None else batches[i]).backward()
        step()
        if (i + 1) % RECORD_EVERY == 0:
            params.append(model.flat().tolist())
    cls, args, kwargs = GRAD_CASES[case]
    return {
        "case": f"{optimizer}-{case}",
        "optimizer": optimizer,
        "hparams": hparams,
        "problem": {"class": cls, "args": args, "kwargs": kwargs},
        "steps": TRAIN_STEPS,
        "batch_size": batch_size,
        "seed": TRAIN_SEED,
        "batches": None if batches is None else batches.tolist(),
        "record_every": RECORD_EVERY,
        "params": params,
        "reference": reference,
        "versions": meta(),
    }


def main(only: list[str]) -> None:
    """Every fixture, or only the training runs of the TRAIN_CASES keys in ``only``."""
    torch.set_default_dtype(torch.float64)
    OUT.mkdir(exist_ok=True)
    for case in GRAD_CASES if not only else ():
        (OUT / f"grad-{case}.json").write_text(json.dumps(grad_fixture(case)) + "\n")
    for key in only or TRAIN_CASES:
        data = train_fixture(key)
        (OUT / f"train-{data['case']}.json").write_text(json.dumps(data) + "\n")
    print(f"wrote {len(only) if only else len(GRAD_CASES) + len(TRAIN_CASES)} fixtures to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
