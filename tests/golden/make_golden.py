"""Generate golden optimizer trajectories from the reference libraries.

For each of the 19 optimizers in ``shared/optimizers.md`` this script runs the
reference implementation (``torch.optim``, ``optax``, ``lion-pytorch``,
``schedulefree``, ``prodigyopt``, ``adabelief-pytorch``) for 200 steps in
float64 and writes one JSON file per case into ``tests/golden/fixtures/``:

* ``{key}-linear_regression``: linear regression (default problem parameters)
  with non-default hyperparameters that switch every feature on;
* ``{key}-rosenbrock``: Rosenbrock from (-1.2, 1.0), non-default hyperparameters;
* ``{key}-defaults``: linear regression with exactly the contract's defaults.

Gradients are computed in NumPy float64 and handed to the reference optimizer
(``p.grad = torch.from_numpy(g.copy()); opt.step()`` for torch-based references,
``opt.update`` + ``optax.apply_updates`` for optax). Every fixture records all of
the optimizer's hyperparameters under optviz's names, the exact reference call,
the trajectory (``steps + 1`` rows, row 0 the start) and the library versions.

The reference libraries are not dependencies of optviz; they are only needed to
regenerate the fixtures. Install them into a separate virtualenv, torch first on
its own (a CPU build is all that is needed; installing it first keeps the other
packages from pulling a different torch)::

    python3 -m venv /path/to/venv
    /path/to/venv/bin/pip install torch==2.13.0
    /path/to/venv/bin/pip install -r tests/golden/requirements-golden.txt

and run, from the repository root::

    /path/to/venv/bin/python tests/golden/make_golden.py

Optional arguments: ``--out DIR`` (default: ``fixtures/`` beside this file) and
case names to regenerate only those cases.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import math
import platform
import re
import sys
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

STEPS = 200
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"
VERSIONED_PACKAGES = (
    "numpy",
    "torch",
    "jax",
    "optax",
    "lion-pytorch",
    "schedulefree",
    "prodigyopt",
    "adabelief-pytorch",
)

# --------------------------------------------------------------------------
# Problems: loss and gradient in NumPy float64, exactly as optimizers.md says.
# --------------------------------------------------------------------------


def _linear_regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.random(100) * (1.0 - 0.0) + 0.0
    y = 3.0 * x + 4.0 + 0.1 * rng.standard_normal(100)
    return x, y


_LR_X, _LR_Y = _linear_regression_data()


def linreg_loss(p: np.ndarray) -> float:
    w, b = p
    return float(np.mean((w * _LR_X + b - _LR_Y) ** 2))


def linreg_grad(p: np.ndarray) -> np.ndarray:
    w, b = p
    r = w * _LR_X + b - _LR_Y
    return np.array([2 * np.mean(r * _LR_X), 2 * np.mean(r)], dtype=np.float64)


def rosenbrock_loss(p: np.ndarray) -> float:
    x, y = p
    return float((1 - x) ** 2 + 100 * (y - x**2) ** 2)


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], dtype=np.float64)


PROBLEMS: dict[str, tuple[list[float], Callable, Callable]] = {
    "linear_regression": ([0.0, 0.0], linreg_loss, linreg_grad),
    "rosenbrock": ([-1.2, 1.0], rosenbrock_loss, rosenbrock_grad),
}

# --------------------------------------------------------------------------
# Hyperparameters (optviz names). DEFAULTS is the contract's default table.
# --------------------------------------------------------------------------

_ADAM_DEFAULTS = {
    "learning_rate": 1e-3,
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
    "weight_decay": 0.0,
}

DEFAULTS: dict[str, dict[str, float]] = {
    "sgd": {"learning_rate": 0.01, "weight_decay": 0.0},
    "momentum": {
        "learning_rate": 0.01,
        "momentum": 0.9,
        "dampening": 0.0,
        "weight_decay": 0.0,
    },
    "nesterov": {"learning_rate": 0.01, "momentum": 0.9, "weight_decay": 0.0},
    "adagrad": {
        "learning_rate": 0.01,
        "lr_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "epsilon": 1e-10,
        "weight_decay": 0.0,
    },
    "rmsprop": {
        "learning_rate": 0.01,
        "alpha": 0.99,
        "epsilon": 1e-8,
        "momentum": 0.0,
        "weight_decay": 0.0,
    },
    "adadelta": {
        "learning_rate": 1.0,
        "rho": 0.9,
        "epsilon": 1e-6,
        "weight_decay": 0.0,
    },
    "adam": dict(_ADAM_DEFAULTS),
    "adamw": {**_ADAM_DEFAULTS, "weight_decay": 1e-2},
    "amsgrad": dict(_ADAM_DEFAULTS),
    "adamax": {**_ADAM_DEFAULTS, "learning_rate": 2e-3},
    "nadam": {
        "learning_rate": 2e-3,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "momentum_decay": 4e-3,
        "weight_decay": 0.0,
    },
    "radam": dict(_ADAM_DEFAULTS),
    "adabelief": {**_ADAM_DEFAULTS, "epsilon": 1e-16},
    "lion": {
        "learning_rate": 1e-4,
        "beta1": 0.9,
        "beta2": 0.99,
        "weight_decay": 0.0,
    },
    "yogi": {"learning_rate": 1e-2, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-3},
    "adan": {
        "learning_rate": 1e-3,
        "beta1": 0.98,
        "beta2": 0.92,
        "beta3": 0.99,
        "epsilon": 1e-8,
        "weight_decay": 0.0,
    },
    "sf_sgd": {"learning_rate": 1.0, "momentum": 0.9, "weight_decay": 0.0},
    "sf_adamw": {**_ADAM_DEFAULTS, "learning_rate": 2.5e-3},
    "prodigy": {
        "learning_rate": 1.0,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "d0": 1e-6,
        "weight_decay": 0.0,
    },
}

# Non-default settings for linear regression: every feature switched on.
LINEAR_REGRESSION: dict[str, dict[str, float]] = {
    "sgd": {"learning_rate": 0.3, "weight_decay": 0.01},
    "momentum": {
        "learning_rate": 0.05,
        "momentum": 0.8,
        "dampening": 0.1,
        "weight_decay": 0.01,
    },
    "nesterov": {"learning_rate": 0.05, "momentum": 0.8, "weight_decay": 0.01},
    "adagrad": {
        "learning_rate": 0.5,
        "lr_decay": 0.01,
        "initial_accumulator_value": 0.1,
        "epsilon": 1e-8,
        "weight_decay": 0.01,
    },
    "rmsprop": {
        "learning_rate": 0.01,
        "alpha": 0.9,
        "epsilon": 1e-6,
        "momentum": 0.5,
        "weight_decay": 0.01,
    },
    "adadelta": {
        "learning_rate": 5.0,
        "rho": 0.95,
        "epsilon": 1e-4,
        "weight_decay": 0.01,
    },
    "adam": {
        "learning_rate": 0.1,
        "beta1": 0.8,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 0.01,
    },
    "adamw": {
        "learning_rate": 0.1,
        "beta1": 0.85,
        "beta2": 0.995,
        "epsilon": 1e-7,
        "weight_decay": 0.05,
    },
    "amsgrad": {
        "learning_rate": 0.1,
        "beta1": 0.8,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 0.01,
    },
    "adamax": {
        "learning_rate": 0.1,
        "beta1": 0.8,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 0.01,
    },
    "nadam": {
        "learning_rate": 0.1,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "momentum_decay": 0.01,
        "weight_decay": 0.01,
    },
    "radam": {
        "learning_rate": 0.1,
        "beta1": 0.85,
        "beta2": 0.995,
        "epsilon": 1e-6,
        "weight_decay": 0.01,
    },
    "adabelief": {
        "learning_rate": 0.1,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-10,
        "weight_decay": 0.01,
    },
    "lion": {
        "learning_rate": 0.03,
        "beta1": 0.85,
        "beta2": 0.98,
        "weight_decay": 0.01,
    },
    "yogi": {"learning_rate": 0.1, "beta1": 0.85, "beta2": 0.99, "epsilon": 1e-4},
    "adan": {
        "learning_rate": 0.1,
        "beta1": 0.9,
        "beta2": 0.9,
        "beta3": 0.95,
        "epsilon": 1e-7,
        "weight_decay": 0.01,
    },
    "sf_sgd": {"learning_rate": 0.3, "momentum": 0.8, "weight_decay": 0.01},
    "sf_adamw": {
        "learning_rate": 0.1,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 0.01,
    },
    "prodigy": {
        "learning_rate": 0.5,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-7,
        "d0": 1e-4,
        "weight_decay": 0.01,
    },
}

# Non-default settings for Rosenbrock, chosen to move visibly and stay finite.
ROSENBROCK: dict[str, dict[str, float]] = {
    "sgd": {"learning_rate": 1e-3, "weight_decay": 1e-3},
    "momentum": {
        "learning_rate": 2e-4,
        "momentum": 0.9,
        "dampening": 0.1,
        "weight_decay": 1e-3,
    },
    "nesterov": {"learning_rate": 2e-4, "momentum": 0.9, "weight_decay": 1e-3},
    "adagrad": {
        "learning_rate": 0.5,
        "lr_decay": 1e-3,
        "initial_accumulator_value": 0.1,
        "epsilon": 1e-8,
        "weight_decay": 1e-3,
    },
    "rmsprop": {
        "learning_rate": 0.005,
        "alpha": 0.95,
        "epsilon": 1e-6,
        "momentum": 0.5,
        "weight_decay": 1e-3,
    },
    "adadelta": {
        "learning_rate": 0.3,
        "rho": 0.95,
        "epsilon": 1e-4,
        "weight_decay": 1e-3,
    },
    "adam": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 1e-3,
    },
    "adamw": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 0.02,
    },
    "amsgrad": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 1e-3,
    },
    "adamax": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 1e-3,
    },
    "nadam": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "momentum_decay": 0.01,
        "weight_decay": 1e-3,
    },
    "radam": {
        "learning_rate": 3e-3,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 1e-3,
    },
    "adabelief": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-8,
        "weight_decay": 1e-3,
    },
    "lion": {
        "learning_rate": 0.01,
        "beta1": 0.85,
        "beta2": 0.98,
        "weight_decay": 1e-3,
    },
    "yogi": {"learning_rate": 0.05, "beta1": 0.85, "beta2": 0.99, "epsilon": 1e-4},
    "adan": {
        "learning_rate": 0.02,
        "beta1": 0.9,
        "beta2": 0.9,
        "beta3": 0.95,
        "epsilon": 1e-7,
        "weight_decay": 1e-3,
    },
    "sf_sgd": {"learning_rate": 1e-3, "momentum": 0.8, "weight_decay": 1e-3},
    "sf_adamw": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-6,
        "weight_decay": 1e-3,
    },
    "prodigy": {
        "learning_rate": 0.2,
        "beta1": 0.85,
        "beta2": 0.99,
        "epsilon": 1e-7,
        "d0": 1e-4,
        "weight_decay": 1e-3,
    },
}

# --------------------------------------------------------------------------
# Mapping optviz hyperparameters onto the reference constructors.
# Each entry returns (dotted constructor name, keyword arguments).
# --------------------------------------------------------------------------

Reference = tuple[str, dict[str, object]]


def _betas(h: dict[str, float]) -> tuple[float, float]:
    return (h["beta1"], h["beta2"])


def _torch_adam_like(name: str, h: dict[str, float], **extra: object) -> Reference:
    kwargs = {
        "lr": h["learning_rate"],
        "betas": _betas(h),
        "eps": h["epsilon"],
        "weight_decay": h["weight_decay"],
        **extra,
        "foreach": False,
    }
    return name, kwargs


REFERENCES: dict[str, Callable[[dict[str, float]], Reference]] = {
    "sgd": lambda h: (
        "torch.optim.SGD",
        {
            "lr": h["learning_rate"],
            "momentum": 0.0,
            "dampening": 0.0,
            "weight_decay": h["weight_decay"],
            "nesterov": False,
            "foreach": False,
        },
    ),
    "momentum": lambda h: (
        "torch.optim.SGD",
        {
            "lr": h["learning_rate"],
            "momentum": h["momentum"],
            "dampening": h["dampening"],
            "weight_decay": h["weight_decay"],
            "nesterov": False,
            "foreach": False,
        },
    ),
    "nesterov": lambda h: (
        "torch.optim.SGD",
        {
            "lr": h["learning_rate"],
            "momentum": h["momentum"],
            "dampening": 0.0,
            "weight_decay": h["weight_decay"],
            "nesterov": True,
            "foreach": False,
        },
    ),
    "adagrad": lambda h: (
        "torch.optim.Adagrad",
        {
            "lr": h["learning_rate"],
            "lr_decay": h["lr_decay"],
            "weight_decay": h["weight_decay"],
            "initial_accumulator_value": h["initial_accumulator_value"],
            "eps": h["epsilon"],
            "foreach": False,
        },
    ),
    "rmsprop": lambda h: (
        "torch.optim.RMSprop",
        {
            "lr": h["learning_rate"],
            "alpha": h["alpha"],
            "eps": h["epsilon"],
            "weight_decay": h["weight_decay"],
            "momentum": h["momentum"],
            "centered": False,
            "foreach": False,
        },
    ),
    "adadelta": lambda h: (
        "torch.optim.Adadelta",
        {
            "lr": h["learning_rate"],
            "rho": h["rho"],
            "eps": h["epsilon"],
            "weight_decay": h["weight_decay"],
            "foreach": False,
        },
    ),
    "adam": lambda h: _torch_adam_like("torch.optim.Adam", h, amsgrad=False),
    "adamw": lambda h: _torch_adam_like("torch.optim.AdamW", h, amsgrad=False),
    "amsgrad": lambda h: _torch_adam_like("torch.optim.Adam", h, amsgrad=True),
    "adamax": lambda h: _torch_adam_like("torch.optim.Adamax", h),
    "nadam": lambda h: _torch_adam_like(
        "torch.optim.NAdam",
        h,
        momentum_decay=h["momentum_decay"],
        decoupled_weight_decay=False,
    ),
    "radam": lambda h: _torch_adam_like("torch.optim.RAdam", h, decoupled_weight_decay=False),
    "adabelief": lambda h: (
        "adabelief_pytorch.AdaBelief",
        {
            "lr": h["learning_rate"],
            "betas": _betas(h),
            "eps": h["epsilon"],
            "weight_decay": h["weight_decay"],
            "amsgrad": False,
            "weight_decouple": True,
            "fixed_decay": False,
            "rectify": False,
            "print_change_log": False,
        },
    ),
    "lion": lambda h: (
        "lion_pytorch.Lion",
        {
            "lr": h["learning_rate"],
            "betas": _betas(h),
            "weight_decay": h["weight_decay"],
            "use_triton": False,
            "decoupled_weight_decay": False,
        },
    ),
    "yogi": lambda h: (
        "optax.yogi",
        {
            "learning_rate": h["learning_rate"],
            "b1": h["beta1"],
            "b2": h["beta2"],
            "eps": h["epsilon"],
        },
    ),
    "adan": lambda h: (
        "optax.adan",
        {
            "learning_rate": h["learning_rate"],
            "b1": h["beta1"],
            "b2": h["beta2"],
            "b3": h["beta3"],
            "eps": h["epsilon"],
            "eps_root": h["epsilon"],
            "weight_decay": h["weight_decay"],
        },
    ),
    "sf_sgd": lambda h: (
        "schedulefree.SGDScheduleFree",
        {
            "lr": h["learning_rate"],
            "momentum": h["momentum"],
            "weight_decay": h["weight_decay"],
            "warmup_steps": 0,
            "r": 0.0,
            "weight_lr_power": 2.0,
            "foreach": False,
        },
    ),
    "sf_adamw": lambda h: (
        "schedulefree.AdamWScheduleFree",
        {
            "lr": h["learning_rate"],
            "betas": _betas(h),
            "eps": h["epsilon"],
            "weight_decay": h["weight_decay"],
            "warmup_steps": 0,
            "r": 0.0,
            "weight_lr_power": 2.0,
            "foreach": False,
        },
    ),
    "prodigy": lambda h: (
        "prodigyopt.Prodigy",
        {
            "lr": h["learning_rate"],
            "betas": _betas(h),
            "beta3": None,
            "eps": h["epsilon"],
            "weight_decay": h["weight_decay"],
            "decouple": True,
            "use_bias_correction": False,
            "safeguard_warmup": False,
            "d0": h["d0"],
            "d_coef": 1.0,
            "growth_rate": math.inf,
        },
    ),
}


def _fmt(value: object) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "float('inf')"
    return repr(value)


def describe(name: str, kwargs: dict[str, object]) -> str:
    args = ", ".join(f"{k}={_fmt(v)}" for k, v in kwargs.items())
    call = f"{name}({args})"
    if name.startswith("schedulefree."):
        call += "; opt.train()"
    return call


def _resolve(name: str) -> Callable:
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


# --------------------------------------------------------------------------
# Running a reference.
# --------------------------------------------------------------------------


def run_torch(name: str, kwargs: dict[str, object], start: list[float], grad: Callable) -> np.ndarray:
    import torch

    torch.set_default_dtype(torch.float64)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    # Some references print banners from their constructors; keep them quiet.
    with contextlib.redirect_stdout(io.StringIO()):
        opt = _resolve(name)([p], **kwargs)
    if name.startswith("schedulefree."):
        opt.train()  # gradients are taken at (and we record) the train-mode point
    rows = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        g = grad(rows[-1])
        p.grad = torch.from_numpy(g.copy())
        opt.step()
        rows.append(p.detach().numpy().copy())
    return np.array(rows)


def run_optax(name: str, kwargs: dict[str, object], start: list[float], grad: Callable) -> np.ndarray:
    import jax
    import jax.numpy as jnp
    import optax

    jax.config.update("jax_enable_x64", True)
    opt = _resolve(name)(**kwargs)
    params = jnp.asarray(start, dtype=jnp.float64)
    state = opt.init(params)
    rows = [np.asarray(params)]
    for _ in range(STEPS):
        g = jnp.asarray(grad(rows[-1]), dtype=jnp.float64)
        updates, state = opt.update(g, state, params)
        params = optax.apply_updates(params, updates)
        rows.append(np.asarray(params))
    return np.array(rows)


def build_cases() -> list[tuple[str, str, str, dict[str, float]]]:
    """(case, optimizer, problem, hparams) for every case, in a stable order."""
    cases = []
    for key, defaults in DEFAULTS.items():
        variants = (
            ("linear_regression", "linear_regression", LINEAR_REGRESSION[key]),
            ("rosenbrock", "rosenbrock", ROSENBROCK[key]),
            ("defaults", "linear_regression", defaults),
        )
        for suffix, problem, hparams in variants:
            if hparams.keys() != defaults.keys():
                raise ValueError(f"{key}-{suffix}: hyperparameter names differ")
            # Keep the contract's key order and store every value as a float.
            hp = {k: float(hparams[k]) for k in defaults}
            cases.append((f"{key}-{suffix}", key, problem, hp))
    return cases


def to_json(obj: dict) -> str:
    """``json.dumps(indent=1)`` with every innermost list of numbers on one line.

    Floats are written with ``repr`` by the json module, so they round-trip exactly.
    """
    text = json.dumps(obj, indent=1)
    return (
        re.sub(
            r"\[\s+([^\[\]{}\"]*?)\s+\]",
            lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]",
            text,
        )
        + "\n"
    )


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in VERSIONED_PACKAGES:
        out[pkg] = metadata.version(pkg)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="only these cases (default: all)")
    parser.add_argument("--out", type=Path, default=FIXTURE_DIR)
    args = parser.parse_args(argv)

    cases = build_cases()
    known = {c[0] for c in cases}
    unknown = set(args.cases) - known
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    if args.cases:
        cases = [c for c in cases if c[0] in args.cases]

    args.out.mkdir(parents=True, exist_ok=True)
    vers = versions()
    failures = []
    print(f"{'case':<32} {'start':>22} {'final':>40} {'final loss':>12}")
    for case, key, problem, hparams in cases:
        start, loss, grad = PROBLEMS[problem]
        name, kwargs = REFERENCES[key](hparams)
        runner = run_optax if name.startswith("optax.") else run_torch
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            traj = runner(name, kwargs, start, grad)
        for w in caught:
            print(f"  warning in {case}: {w.category.__name__}: {w.message}")
        final = traj[-1]
        moved = float(np.max(np.abs(final - np.asarray(start))))
        if not np.all(np.isfinite(traj)) or moved == 0.0:
            failures.append(case)
        fixture = {
            "case": case,
            "optimizer": key,
            "problem": problem,
            "problem_params": {},
            "start": [float(v) for v in start],
            "steps": STEPS,
            "hparams": hparams,
            "reference": describe(name, kwargs),
            "params": traj.tolist(),
            "versions": vers,
        }
        (args.out / f"{case}.json").write_text(to_json(fixture))
        print(f"{case:<32} {start!s:>22} [{final[0]:>18.12g}, {final[1]:>18.12g}] {loss(final):>12.6g}")
    print(f"wrote {len(cases)} fixtures to {args.out}")
    if failures:
        print(f"NOT FINITE OR NOT MOVING: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
