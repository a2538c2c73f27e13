"""Generate golden optimizer trajectories from the reference libraries.

For each optimizer of ``shared/optimizers.md`` (the first table, the
elementwise ones of the second wave, its structure-aware Muon, LAMB, LARS and
Adafactor, which see (w, b) as one tensor, and its matrix-preconditioned Shampoo,
SOAP and L-BFGS) this script runs the reference implementation (``torch.optim``,
``optax``, ``lion-pytorch``, ``schedulefree``, ``prodigyopt``,
``adabelief-pytorch``, ``timm``, ``pytorch-optimizer``; torch.optim.LBFGS through
a closure) for 200 steps in float64 and writes one JSON file per case into
``tests/golden/fixtures/``:

* ``{key}-linear_regression``: linear regression (default problem parameters)
  with non-default hyperparameters that switch every feature on;
* ``{key}-rosenbrock``: Rosenbrock from (-1.2, 1.0), non-default hyperparameters;
* ``{key}-defaults``: linear regression with exactly the contract's defaults;
* ``{key}-schedule`` (Schedule-Free only): the linear-regression settings under
  a warm-up + cosine learning-rate schedule, set on the reference's param group
  before each step as a torch LR scheduler would. The learning rate falls after
  the warm-up, which tells the reference's weighting (largest learning rate so
  far, squared) from a plain lr^2 one. The fixture records the schedule (optviz
  names) and the learning rate of every step.

Modifiers (``MODIFIED``) around two inner optimizers each: ``optax.lookahead`` and
``optax.contrib.sam`` (opaque mode) around optax's sgd and adam with coupled decay
(``optax.chain(add_decayed_weights, ...)``, optviz's torch-style sgd and adam), and timm 1.0.31's
``caution=True`` on ``AdamWLegacy`` ('cadamw') and ``Lion`` ('clion'); cases
``{modifier}-{inner}-{linear_regression,rosenbrock,defaults}``, the inner's settings from the tables
below plus the modifier's. A Lookahead fixture records the fast weights.

For the second-wave optimizers the script also checks that the contract's
defaults (``DEFAULTS``) are the reference's own signature defaults (except where
the contract says otherwise: ``CONTRACT_OVERRIDES``). torch.optim.Muon runs its
Newton-Schulz iteration on a bfloat16 copy; the fixtures run torch's own function
with that cast removed (``float64_newton_schulz``), as the float64 contract asks.

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
    /path/to/venv/bin/pip install --no-deps timm==1.0.31

and run, from the repository root::

    /path/to/venv/bin/python tests/golden/make_golden.py

Optional arguments: ``--out DIR`` (default: ``fixtures/`` beside this file) and
case names (``adopt-rosenbrock``) or optimizer keys (``adopt``) to regenerate only
those cases. A fixture records the versions of the reference packages installed
when it was made.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import inspect
import io
import json
import math
import platform
import re
import sys
import types
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
    "timm",
    "pytorch-optimizer",
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
    # second wave (elementwise)
    "adopt": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.9999, "epsilon": 1e-6},
    "ademamix": {
        "learning_rate": 1e-3,
        "beta1": 0.9,
        "beta2": 0.999,
        "beta3": 0.9999,
        "alpha": 5.0,
        "epsilon": 1e-8,
        "weight_decay": 0.0,
    },
    "rprop": {
        "learning_rate": 1e-2,
        "eta_minus": 0.5,
        "eta_plus": 1.2,
        "step_min": 1e-6,
        "step_max": 50.0,
    },
    "mars": {
        "learning_rate": 3e-3,
        "beta1": 0.9,
        "beta2": 0.99,
        "epsilon": 1e-8,
        "weight_decay": 0.0,
        "gamma": 0.025,
    },
    # second wave (structure-aware; on these problems (w, b) is one tensor)
    "muon": {"learning_rate": 0.02, "momentum": 0.95, "epsilon": 1e-7, "weight_decay": 0.0},
    "lamb": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-6, "weight_decay": 0.0},
    "lars": {
        "learning_rate": 0.1,
        "momentum": 0.9,
        "trust_coefficient": 1e-3,
        "epsilon": 0.0,
        "weight_decay": 0.0,
    },
    "adafactor": {"learning_rate": 1e-2, "beta2_decay": -0.8, "epsilon": 1e-3, "d": 1.0, "weight_decay": 0.0},
    # second wave (matrix preconditioners): pytorch-optimizer 4.1.0's signature defaults
    "shampoo": {
        "learning_rate": 1e-3,
        "momentum": 0.0,
        "weight_decay": 0.0,
        "epsilon": 1e-6,
        "preconditioning_compute_steps": 1.0,
    },
    "soap": {
        "learning_rate": 3e-3,
        "beta1": 0.95,
        "beta2": 0.95,
        "weight_decay": 1e-2,
        "precondition_frequency": 10.0,
        "epsilon": 1e-8,
    },
    # torch.optim.LBFGS with max_iter=1; the contract's history_size 10 (torch's default is 100)
    "lbfgs": {"learning_rate": 1.0, "history_size": 10.0, "line_search": 0.0},
}
SECOND_WAVE = ("adopt", "ademamix", "rprop", "mars", "muon", "lamb", "lars", "adafactor", "shampoo", "soap")
#: Defaults the contract sets apart from its reference's signature (checked against it otherwise):
#: torch.optim.Muon defaults to lr=1e-3 and weight_decay=0.1, the contract to 0.02 and 0.
CONTRACT_OVERRIDES = {"muon": {"lr", "weight_decay"}}

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
    "adopt": {"learning_rate": 0.1, "beta1": 0.85, "beta2": 0.99, "epsilon": 1e-4},
    "ademamix": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.99,
        "beta3": 0.995,
        "alpha": 3.0,
        "epsilon": 1e-7,
        "weight_decay": 0.01,
    },
    "rprop": {
        "learning_rate": 0.05,
        "eta_minus": 0.4,
        "eta_plus": 1.3,
        "step_min": 1e-4,
        "step_max": 0.5,
    },
    "mars": {
        "learning_rate": 0.05,
        "beta1": 0.85,
        "beta2": 0.98,
        "epsilon": 1e-7,
        "weight_decay": 0.01,
        "gamma": 0.1,
    },
    "muon": {"learning_rate": 0.05, "momentum": 0.9, "epsilon": 1e-6, "weight_decay": 0.01},
    "lamb": {"learning_rate": 0.1, "beta1": 0.85, "beta2": 0.99, "epsilon": 1e-5, "weight_decay": 0.01},
    "lars": {
        "learning_rate": 0.05,
        "momentum": 0.8,
        "trust_coefficient": 0.01,
        "epsilon": 1e-3,
        "weight_decay": 0.01,
    },
    "adafactor": {
        "learning_rate": 0.05,
        "beta2_decay": -0.6,
        "epsilon": 1e-2,
        "d": 1.0,
        "weight_decay": 0.01,
    },
    "shampoo": {
        "learning_rate": 0.3,
        "momentum": 0.5,
        "weight_decay": 0.01,
        "epsilon": 1e-3,
        "preconditioning_compute_steps": 2.0,
    },
    "soap": {
        "learning_rate": 0.05,
        "beta1": 0.9,
        "beta2": 0.99,
        "weight_decay": 0.05,
        "precondition_frequency": 4.0,
        "epsilon": 1e-6,
    },
    "lbfgs": {"learning_rate": 0.5, "history_size": 3.0, "line_search": 1.0},
}

# Non-default settings for Rosenbrock, chosen to move visibly and stay finite (and not chaotic: at
# lr 0.02 MARS amplifies a 1e-13 change of the start to 1e-2 within 200 steps).
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
    "adopt": {"learning_rate": 0.02, "beta1": 0.85, "beta2": 0.99, "epsilon": 1e-4},
    "ademamix": {
        "learning_rate": 0.01,
        "beta1": 0.85,
        "beta2": 0.99,
        "beta3": 0.995,
        "alpha": 3.0,
        "epsilon": 1e-7,
        "weight_decay": 1e-3,
    },
    "rprop": {
        "learning_rate": 1e-3,
        "eta_minus": 0.5,
        "eta_plus": 1.2,
        "step_min": 1e-5,
        "step_max": 0.1,
    },
    "mars": {
        "learning_rate": 0.01,
        "beta1": 0.85,
        "beta2": 0.98,
        "epsilon": 1e-7,
        "weight_decay": 1e-3,
        "gamma": 0.1,
    },
    "muon": {"learning_rate": 0.01, "momentum": 0.9, "epsilon": 1e-7, "weight_decay": 1e-3},
    "lamb": {"learning_rate": 0.01, "beta1": 0.85, "beta2": 0.99, "epsilon": 1e-6, "weight_decay": 1e-3},
    "lars": {
        "learning_rate": 0.1,
        "momentum": 0.9,
        "trust_coefficient": 0.01,
        "epsilon": 1e-4,
        "weight_decay": 1e-3,
    },
    "adafactor": {
        "learning_rate": 0.005,
        "beta2_decay": -0.7,
        "epsilon": 1e-3,
        "d": 1.2,
        "weight_decay": 1e-3,
    },
    "shampoo": {
        "learning_rate": 0.02,
        "momentum": 0.2,
        "weight_decay": 1e-3,
        "epsilon": 1e-2,
        "preconditioning_compute_steps": 3.0,
    },
    "soap": {
        "learning_rate": 5e-3,
        "beta1": 0.9,
        "beta2": 0.99,
        "weight_decay": 0.05,
        "precondition_frequency": 4.0,
        "epsilon": 1e-6,
    },
    "lbfgs": {"learning_rate": 0.5, "history_size": 3.0, "line_search": 1.0},
}

# Schedule-Free under a learning rate that rises, then falls (optviz's warmup_cosine, steps = STEPS).
SCHEDULED: dict[str, tuple[str, dict[str, float]]] = {
    "sf_sgd": ("warmup_cosine", {"warmup_fraction": 0.1, "min_ratio": 0.1}),
    "sf_adamw": ("warmup_cosine", {"warmup_fraction": 0.1, "min_ratio": 0.1}),
}


def schedule_factors(key: str, params: dict[str, float], total: int) -> list[float]:
    """Learning-rate multipliers of steps 1..total, as optviz's schedules define them."""
    if key != "warmup_cosine":
        raise ValueError(f"no golden schedule {key!r}")
    warm, floor = max(1, round(params["warmup_fraction"] * total)), params["min_ratio"]
    out = []
    for t in range(1, total + 1):
        if t <= warm:
            out.append(t / warm)
        else:
            progress = (t - warm) / (total - warm)
            out.append(floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress)))
    return out


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
    "adopt": lambda h: (
        "optax.contrib.adopt",
        {
            "learning_rate": h["learning_rate"],
            "b1": h["beta1"],
            "b2": h["beta2"],
            "eps": h["epsilon"],
            "nesterov": False,
            "use_clipping": True,
        },
    ),
    "ademamix": lambda h: (
        "optax.contrib.ademamix",
        {
            "learning_rate": h["learning_rate"],
            "b1": h["beta1"],
            "b2": h["beta2"],
            "b3": h["beta3"],
            "alpha": h["alpha"],
            "eps": h["epsilon"],
            "eps_root": 0.0,
            "weight_decay": h["weight_decay"],
        },
    ),
    "rprop": lambda h: (
        "torch.optim.Rprop",
        {
            "lr": h["learning_rate"],
            "etas": (h["eta_minus"], h["eta_plus"]),
            "step_sizes": (h["step_min"], h["step_max"]),
            "foreach": False,
        },
    ),
    "mars": lambda h: (
        "timm.optim.Mars",
        {
            "lr": h["learning_rate"],
            "betas": _betas(h),
            "eps": h["epsilon"],
            "weight_decay": h["weight_decay"],
            "gamma": h["gamma"],
        },
    ),
    "muon": lambda h: (
        "torch.optim.Muon",
        {
            "lr": h["learning_rate"],
            "weight_decay": h["weight_decay"],
            "momentum": h["momentum"],
            "nesterov": True,
            "ns_coefficients": (3.4445, -4.775, 2.0315),
            "eps": h["epsilon"],
            "ns_steps": 5,
            "adjust_lr_fn": None,
        },
    ),
    "lamb": lambda h: (
        "optax.lamb",
        {
            "learning_rate": h["learning_rate"],
            "b1": h["beta1"],
            "b2": h["beta2"],
            "eps": h["epsilon"],
            "eps_root": 0.0,
            "weight_decay": h["weight_decay"],
        },
    ),
    "lars": lambda h: (
        "optax.lars",
        {
            "learning_rate": h["learning_rate"],
            "weight_decay": h["weight_decay"],
            "trust_coefficient": h["trust_coefficient"],
            "eps": h["epsilon"],
            "momentum": h["momentum"],
            "nesterov": False,
        },
    ),
    "adafactor": lambda h: (
        "torch.optim.Adafactor",
        {
            "lr": h["learning_rate"],
            "beta2_decay": h["beta2_decay"],
            "eps": (None, h["epsilon"]),
            "d": h["d"],
            "weight_decay": h["weight_decay"],
            "foreach": False,
        },
    ),
    # (w, b) is one 1-D tensor of length 2: Shampoo's one 2 x 2 preconditioner, SOAP's 2 x 2 eigenbasis
    "shampoo": lambda h: (
        "pytorch_optimizer.Shampoo",
        {
            "lr": h["learning_rate"],
            "momentum": h["momentum"],
            "weight_decay": h["weight_decay"],
            "matrix_eps": h["epsilon"],
            "preconditioning_compute_steps": int(h["preconditioning_compute_steps"]),
        },
    ),
    "soap": lambda h: (
        "pytorch_optimizer.SOAP",
        {
            "lr": h["learning_rate"],
            "betas": _betas(h),
            "weight_decay": h["weight_decay"],
            "precondition_frequency": int(h["precondition_frequency"]),
            "eps": h["epsilon"],
            "precondition_1d": True,
        },
    ),
    "lbfgs": lambda h: (
        "torch.optim.LBFGS",
        {
            "lr": h["learning_rate"],
            "max_iter": 1,
            "history_size": int(h["history_size"]),
            "line_search_fn": "strong_wolfe" if h["line_search"] else None,
        },
    ),
}

#: Arguments a signature default does not decide: optax's required learning rate, torch's code-path switch,
#: and SOAP's precondition_1d (on for the 2-parameter vector: the contract's 2 x 2 eigenbasis).
NOT_DEFAULTS = {"learning_rate", "foreach", "precondition_1d"}


def check_reference_defaults(key: str) -> None:
    """The contract's defaults of a second-wave optimizer are its reference's signature defaults."""
    name, kwargs = REFERENCES[key](DEFAULTS[key])
    signature = inspect.signature(_resolve(name))
    for arg, value in kwargs.items():
        default = signature.parameters[arg].default
        if arg in NOT_DEFAULTS or arg in CONTRACT_OVERRIDES.get(key, ()):
            continue
        same = (tuple(default) == tuple(value)) if isinstance(value, tuple) else default == value
        same = same or (default is None and value is None)
        if not same:
            raise ValueError(f"{key}: {name}'s default {arg}={default!r}, the contract's {value!r}")


def _fmt(value: object) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "float('inf')"
    return repr(value)


def describe(name: str, kwargs: dict[str, object]) -> str:
    args = ", ".join(f"{k}={_fmt(v)}" for k, v in kwargs.items())
    call = f"{name}({args})"
    if name.startswith("schedulefree."):
        call += "; opt.train()"
    if name in MATRIX_REFERENCES:
        call += "; the parameter is one 1 x 2 tensor"
    if name == "torch.optim.Muon":
        call += "; " + FLOAT64_NEWTON_SCHULZ
    return call


#: torch.optim.Muon runs Newton-Schulz on a bfloat16 copy (about 3 significant digits); the contract is
#: float64, so the fixtures run torch's own function with that one cast removed.
FLOAT64_NEWTON_SCHULZ = "torch.optim._muon._zeropower_via_newtonschulz with grad.bfloat16() -> grad.clone()"


def float64_newton_schulz() -> None:
    """Replace torch.optim._muon._zeropower_via_newtonschulz by its own source minus the bfloat16 cast."""
    import torch.optim._muon as muon

    source = inspect.getsource(muon._zeropower_via_newtonschulz)
    if source.count("grad.bfloat16()") != 1:
        raise RuntimeError("torch's Newton-Schulz no longer casts with grad.bfloat16(): review the patch")
    exec(compile(source.replace("grad.bfloat16()", "grad.clone()"), muon.__file__, "exec"), vars(muon))


#: References that see the two parameters as one 1 x 2 matrix: timm's Mars runs its MARS branch only
#: for tensors of 2 or more dimensions (a 1-D tensor gets plain AdamW unless optimize_1d=True).
MATRIX_REFERENCES = {"timm.optim.Mars", "torch.optim.Muon"}


def _load_timm_optim() -> None:
    """Make ``timm.optim.*`` importable without running timm's package ``__init__``.

    That ``__init__`` imports timm's models and through them torchvision, which has no build for
    torch 2.13.0's CPU wheel; the optimizer modules themselves need only torch.
    """
    if "timm.optim" in sys.modules:
        return
    spec = importlib.util.find_spec("timm")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("timm is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    for name, folder in (("timm", root), ("timm.optim", root / "optim")):
        module = types.ModuleType(name)
        module.__path__ = [str(folder)]
        sys.modules[name] = module


def _resolve(name: str) -> Callable:
    module, _, attr = name.rpartition(".")
    if module.startswith("timm.optim"):
        _load_timm_optim()
        if module == "timm.optim":  # timm.optim.Mars lives in timm/optim/mars.py
            module = f"timm.optim.{attr.lower()}"
    return getattr(importlib.import_module(module), attr)


# --------------------------------------------------------------------------
# Running a reference.
# --------------------------------------------------------------------------


def run_torch(
    name: str, kwargs: dict[str, object], start: list[float], grad: Callable, lrs: list[float] | None = None
) -> np.ndarray:
    """``lrs``: the learning rate of every step, set on the param group before it (as an LR scheduler)."""
    import torch

    torch.set_default_dtype(torch.float64)
    shape = (1, len(start)) if name in MATRIX_REFERENCES else (len(start),)
    if name == "torch.optim.Muon":
        float64_newton_schulz()
    p = torch.tensor(start, dtype=torch.float64).reshape(shape).requires_grad_(True)
    # Some references print banners from their constructors; keep them quiet.
    with contextlib.redirect_stdout(io.StringIO()):
        opt = _resolve(name)([p], **kwargs)
    if name.startswith("schedulefree."):
        opt.train()  # gradients are taken at (and we record) the train-mode point
    rows = [p.detach().numpy().reshape(-1).copy()]
    for i in range(STEPS):
        g = grad(rows[-1])
        p.grad = torch.from_numpy(g.copy()).reshape(shape)
        if lrs is not None:
            for group in opt.param_groups:
                group["lr"] = lrs[i]
        opt.step()
        rows.append(p.detach().numpy().reshape(-1).copy())
    return np.array(rows)


def run_lbfgs(
    kwargs: dict[str, object], start: list[float], loss: Callable, grad: Callable, steps: int = STEPS
) -> tuple[np.ndarray, list[int]]:
    """torch.optim.LBFGS driven by a closure (loss and gradient in NumPy): the iterates, and the
    loss-and-gradient evaluations each step cost (its func_evals counter's increments)."""
    import torch

    torch.set_default_dtype(torch.float64)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([p], **kwargs)

    def closure():
        x = p.detach().numpy().copy()
        p.grad = torch.from_numpy(grad(x).copy())
        return torch.tensor(loss(x))

    rows, evals = [p.detach().numpy().copy()], []
    for _ in range(steps):
        before = opt.state[p].get("func_evals", 0) if p in opt.state else 0
        opt.step(closure)
        rows.append(p.detach().numpy().copy())
        evals.append(int(opt.state[p]["func_evals"] - before))
    return np.array(rows), evals


#: L-BFGS with torch's full strong-Wolfe search (max_eval=25, so up to 24 trials after the first):
#: optviz's search with MAX_LS = 24, the masked bracketing and zoom the registry's max_eval=1 never runs.
#: Written to ``lbfgs/`` beside this file (tests/test_preconditioned.py reads them).
FULL_SEARCH = {
    "lbfgs-max_eval25-rosenbrock": (
        "rosenbrock",
        {"learning_rate": 3.0, "history_size": 5.0, "line_search": 1.0},
    ),
    "lbfgs-max_eval25-linear_regression": (
        "linear_regression",
        {"learning_rate": 3.0, "history_size": 5.0, "line_search": 1.0},
    ),
}


def write_full_search(out: Path, vers: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for case, (problem, hparams) in FULL_SEARCH.items():
        start, loss, grad = PROBLEMS[problem]
        name, kwargs = REFERENCES["lbfgs"](hparams)
        kwargs = {**kwargs, "max_eval": 25}
        traj, evals = run_lbfgs(kwargs, start, loss, grad)
        fixture = {
            "case": case, "optimizer": "lbfgs", "problem": problem, "problem_params": {},
            "start": [float(v) for v in start], "steps": STEPS, "hparams": hparams, "max_ls": 24,
            "reference": describe(name, kwargs) + "; closure = loss and gradient",
            "params": traj.tolist(), "evals": evals, "versions": vers,
        }  # fmt: skip
        (out / f"{case}.json").write_text(to_json(fixture))
        print(f"{case:<32} evals per step up to {max(evals)}, final {traj[-1]}")


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


# --------------------------------------------------------------------------
# Modifiers (shared/optimizers.md's third table) around two inner optimizers each.
# optax's wrappers take an optax inner: optviz's sgd and adam (torch.optim, coupled decay) are
# optax.chain(add_decayed_weights(wd), sgd | adam), the same maths in float64.
# --------------------------------------------------------------------------

#: composite key -> (inner key, {problem: modifier hyperparameters}); the inner's come from the tables above.
MODIFIED: dict[str, tuple[str, dict[str, dict[str, float]]]] = {
    "lookahead-sgd": (
        "sgd",
        {
            "linear_regression": {"lookahead.k": 5.0, "lookahead.alpha": 0.5},
            "rosenbrock": {"lookahead.k": 3.0, "lookahead.alpha": 0.7},
        },
    ),
    "lookahead-adam": (
        "adam",
        {
            "linear_regression": {"lookahead.k": 4.0, "lookahead.alpha": 0.3},
            "rosenbrock": {"lookahead.k": 5.0, "lookahead.alpha": 0.5},
        },
    ),
    "sam-sgd": ("sgd", {"linear_regression": {"sam.rho": 0.05}, "rosenbrock": {"sam.rho": 0.1}}),
    "sam-adam": ("adam", {"linear_regression": {"sam.rho": 0.2}, "rosenbrock": {"sam.rho": 0.05}}),
    # a higher rate and momentum than adamw's own case, so that the mask drops coordinates (20 steps)
    "cautious-adamw": (
        "adamw",
        {"linear_regression": {"learning_rate": 0.2, "beta1": 0.95}, "rosenbrock": {}},
    ),
    "cautious-lion": ("lion", {"linear_regression": {}, "rosenbrock": {}}),
}
MODIFIER_DEFAULTS = {"lookahead.k": 5.0, "lookahead.alpha": 0.5, "sam.rho": 0.05}


def _optax_inner(key: str, h: dict[str, float]) -> str:
    """Python source of the optax transformation that is optviz's ``key`` with ``h``."""
    decay = f"optax.add_decayed_weights({h['weight_decay']!r}), "
    if key == "sgd":
        return f"optax.chain({decay}optax.sgd({h['learning_rate']!r}))"
    if key == "adam":
        return (
            f"optax.chain({decay}optax.adam({h['learning_rate']!r}, b1={h['beta1']!r}, "
            f"b2={h['beta2']!r}, eps={h['epsilon']!r}))"
        )
    raise ValueError(f"no optax inner for {key!r}")


def modified_reference(key: str, h: dict[str, float]) -> str:
    """The reference call of a composite, as Python source (run_modified evaluates it)."""
    mod, inner = key.split("-", 1)
    if mod == "lookahead":
        return (
            f"optax.lookahead({_optax_inner(inner, h)}, sync_period={int(h['lookahead.k'])}, "
            f"slow_step_size={h['lookahead.alpha']!r}, reset_state=False)"
        )
    if mod == "sam":
        return (
            f"optax.contrib.sam({_optax_inner(inner, h)}, optax.chain(optax.contrib.normalize(), "
            f"optax.sgd({h['sam.rho']!r})), sync_period=2, opaque_mode=True)"
        )
    if mod == "cautious":
        cls = {"adamw": "timm.optim.adamw.AdamWLegacy", "lion": "timm.optim.Lion"}[inner]
        eps = f", eps={h['epsilon']!r}" if "epsilon" in h else ""
        return (
            f"{cls}(lr={h['learning_rate']!r}, betas=({h['beta1']!r}, {h['beta2']!r}){eps}, "
            f"weight_decay={h['weight_decay']!r}, caution=True)"
        )
    raise ValueError(f"no reference for {key!r}")


def check_modified_defaults(key: str) -> None:
    """timm's cautious classes default to optviz's inner defaults (lr, betas, eps, weight_decay)."""
    mod, inner = key.split("-", 1)
    if mod != "cautious":
        return
    cls, _, args = modified_reference(key, DEFAULTS[inner]).partition("(")
    signature = inspect.signature(_resolve(cls))
    for arg, value in eval(f"dict({args}").items():
        default = signature.parameters[arg].default
        if arg != "caution" and (tuple(default) if isinstance(value, tuple) else default) != value:
            raise ValueError(f"{key}: {cls}'s default {arg}={default!r}, optviz's {value!r}")


def run_modified(key: str, source: str, start: list[float], grad: Callable) -> np.ndarray:
    """The fast weights (Lookahead), or the parameters, after each of STEPS steps of ``source``."""
    mod = key.split("-", 1)[0]
    if mod == "cautious":
        cls, _, args = source.partition("(")
        kwargs = eval(f"dict({args}")  # our own literal keyword arguments
        return run_torch(cls, {**kwargs, "foreach": False}, start, grad)
    import jax
    import jax.numpy as jnp
    import optax
    import optax.contrib  # noqa: F401

    jax.config.update("jax_enable_x64", True)
    opt = eval(source, {"optax": optax})
    x0 = jnp.asarray(start, dtype=jnp.float64)
    params = optax.LookaheadParams.init_synced(x0) if mod == "lookahead" else x0
    state = opt.init(params)
    rows = [np.asarray(x0)]

    def grad_fn(p, i):  # SAM's gradient at the ascent point (full batch: the same data)
        return jnp.asarray(grad(np.asarray(p)), dtype=jnp.float64)

    for _ in range(STEPS):
        fast = params.fast if mod == "lookahead" else params
        g = jnp.asarray(grad(np.asarray(fast)), dtype=jnp.float64)
        if mod == "sam":
            updates, state = opt.update(g, state, params, grad_fn=grad_fn)
        else:
            updates, state = opt.update(g, state, params)
        params = optax.apply_updates(params, updates)
        rows.append(np.asarray(params.fast if mod == "lookahead" else params))
    return np.array(rows)


def build_modified_cases() -> list[tuple[str, str, str, dict[str, float]]]:
    """(case, composite key, problem, hparams): the inner's non-default settings of that problem (its
    defaults for the -defaults case) and the modifier's."""
    cases = []
    for key, (inner, per_problem) in MODIFIED.items():
        tables = {"linear_regression": LINEAR_REGRESSION, "rosenbrock": ROSENBROCK}
        for problem, table in tables.items():
            cases.append((f"{key}-{problem}", key, problem, {**table[inner], **per_problem[problem]}))
        own = {k: v for k, v in MODIFIER_DEFAULTS.items() if k.startswith(key.split("-")[0] + ".")}
        cases.append((f"{key}-defaults", key, "linear_regression", {**DEFAULTS[inner], **own}))
    return [(c, k, p, {n: float(v) for n, v in h.items()}) for c, k, p, h in cases]


Case = tuple[str, str, str, dict[str, float], tuple[str, dict[str, float]] | None]


def build_cases() -> list[Case]:
    """(case, optimizer, problem, hparams, schedule or None) for every case, in a stable order."""
    cases = []
    for key, defaults in DEFAULTS.items():
        variants = [
            ("linear_regression", "linear_regression", LINEAR_REGRESSION[key], None),
            ("rosenbrock", "rosenbrock", ROSENBROCK[key], None),
            ("defaults", "linear_regression", defaults, None),
        ]
        if key in SCHEDULED:
            variants.append(("schedule", "linear_regression", LINEAR_REGRESSION[key], SCHEDULED[key]))
        for suffix, problem, hparams, schedule in variants:
            if hparams.keys() != defaults.keys():
                raise ValueError(f"{key}-{suffix}: hyperparameter names differ")
            # Keep the contract's key order and store every value as a float.
            hp = {k: float(hparams[k]) for k in defaults}
            cases.append((f"{key}-{suffix}", key, problem, hp, schedule))
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
    """Python's and every installed reference package's version (a case needs only its own)."""
    out = {"python": platform.python_version()}
    for pkg in VERSIONED_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="only these cases or optimizer keys (default: all)")
    parser.add_argument("--out", type=Path, default=FIXTURE_DIR)
    args = parser.parse_args(argv)

    cases = build_cases()
    modified = build_modified_cases()
    known = {c[0] for c in cases} | {c[0] for c in modified}
    by_optimizer = {c[1] for c in cases} | {c[1] for c in modified}
    args.cases = [
        c
        for name in args.cases
        for c in (
            [name] if name not in by_optimizer else [case[0] for case in cases + modified if case[1] == name]
        )
    ]
    unknown = set(args.cases) - known
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    if args.cases:
        cases = [c for c in cases if c[0] in args.cases]
        modified = [c for c in modified if c[0] in args.cases]

    args.out.mkdir(parents=True, exist_ok=True)
    vers = versions()
    failures = []
    print(f"{'case':<32} {'start':>22} {'final':>40} {'final loss':>12}")
    for case, key, problem, hparams, schedule in cases:
        start, loss, grad = PROBLEMS[problem]
        name, kwargs = REFERENCES[key](hparams)
        if key in SECOND_WAVE and case.endswith("-defaults"):
            check_reference_defaults(key)
        lrs = None
        if schedule is not None:
            lrs = [hparams["learning_rate"] * f for f in schedule_factors(*schedule, STEPS)]
        runner = run_optax if name.startswith("optax.") else run_torch
        evals = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if name == "torch.optim.LBFGS":
                traj, evals = run_lbfgs(kwargs, start, loss, grad)
            else:
                traj = (
                    runner(name, kwargs, start, grad)
                    if lrs is None
                    else run_torch(name, kwargs, start, grad, lrs)
                )
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
            "reference": describe(name, kwargs)
            + ("" if lrs is None else "; before step t: opt.param_groups[0]['lr'] = lr[t - 1]"),
            **(
                {}
                if schedule is None
                else {"schedule": schedule[0], "schedule_params": schedule[1], "lr": lrs}
            ),
            "params": traj.tolist(),
            **({} if evals is None else {"evals": evals}),
            "versions": vers,
        }
        (args.out / f"{case}.json").write_text(to_json(fixture))
        print(f"{case:<32} {start!s:>22} [{final[0]:>18.12g}, {final[1]:>18.12g}] {loss(final):>12.6g}")
    if not args.cases or any(c.startswith("lbfgs") for c in args.cases):
        write_full_search(args.out.parent / "lbfgs", vers)
    for case, key, problem, hparams in modified:
        start, loss, grad = PROBLEMS[problem]
        source = modified_reference(key, hparams)
        if case.endswith("-defaults"):
            check_modified_defaults(key)
        traj = run_modified(key, source, start, grad)
        final = traj[-1]
        if not np.all(np.isfinite(traj)) or float(np.max(np.abs(final - np.asarray(start)))) == 0.0:
            failures.append(case)
        fixture = {
            "case": case,
            "optimizer": key,
            "problem": problem,
            "problem_params": {},
            "start": [float(v) for v in start],
            "steps": STEPS,
            "hparams": hparams,
            "reference": source,
            "params": traj.tolist(),
            "versions": vers,
        }
        (args.out / f"{case}.json").write_text(to_json(fixture))
        print(f"{case:<32} {start!s:>22} [{final[0]:>18.12g}, {final[1]:>18.12g}] {loss(final):>12.6g}")
    print(f"wrote {len(cases) + len(modified)} fixtures to {args.out}")
    if failures:
        print(f"NOT FINITE OR NOT MOVING: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
