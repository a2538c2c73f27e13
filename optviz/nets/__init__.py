"""Problems with many parameters: small networks and matrices, with gradients by hand in NumPy.

Each maps parameters ``P`` of shape ``(..., D)`` to ``loss(P)`` and ``grad(P)``, declares its
blocks in ``layout`` and draws a seeded start with ``init(seed)``.
"""

from .base import NetworkProblem
from .data import GENERATORS, Dataset, make_dataset
from .linear import LinearRegression
from .matrix import MatrixFactorisation, MatrixSensing
from .mlp import MLP

__all__ = [
    "GENERATORS",
    "MLP",
    "Dataset",
    "LinearRegression",
    "MatrixFactorisation",
    "MatrixSensing",
    "NetworkProblem",
    "make_dataset",
]
