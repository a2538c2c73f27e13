"""optviz: exact, vectorised deep-learning optimizers on problems you can see.

The registries (``OPTIMIZERS``, ``MODIFIERS``, ``PROBLEMS``, ``SCHEDULES``) are the single source of truth for what
exists; ``run`` records one trajectory, ``sweep`` runs a grid of configurations with the same code.
"""

from .layout import Block, Layout, Plane
from .optimizers import FAMILIES, MODIFIERS, OPTIMIZERS, Modifier, Optimizer, get_optimizer
from .problems import PROBLEMS, LinearRegression, Problem, ProblemSpec, get_problem
from .runner import CONVERGENCE_RTOL, DIVERGENCE_FACTOR, MAX_STEPS, Trace, run
from .schedules import SCHEDULES, Schedule, get_schedule
from .settings import RunSettings
from .spec import Param, StateVar
from .sweep import SweepResult, sweep

__version__ = "0.1.0"

__all__ = [
    "CONVERGENCE_RTOL",
    "DIVERGENCE_FACTOR",
    "FAMILIES",
    "MAX_STEPS",
    "MODIFIERS",
    "OPTIMIZERS",
    "PROBLEMS",
    "SCHEDULES",
    "Block",
    "Layout",
    "LinearRegression",
    "Modifier",
    "Optimizer",
    "Param",
    "Plane",
    "Problem",
    "ProblemSpec",
    "RunSettings",
    "Schedule",
    "StateVar",
    "SweepResult",
    "Trace",
    "get_optimizer",
    "get_problem",
    "get_schedule",
    "run",
    "sweep",
]
