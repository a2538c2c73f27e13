"""Problems with many parameters: small networks and matrices, with gradients by hand in NumPy.

Each maps parameters ``P`` of shape ``(..., D)`` to ``loss(P)`` and ``grad(P)`` (one point, a
sweep's ``(N, D)``, a slice's ``(41, 41, D)``), declares its blocks in ``layout`` (weights are
(outputs, inputs) as in torch.nn.Linear), draws a seeded start with ``init(seed)`` (``start`` is
``init(init_seed)``), and, where there is data (``n`` points or measurements), gives minibatch
gradients with ``stochastic(batch_size, steps, seed)``, shared by every configuration::

    prob = MLP("spiral", hidden=(16, 16), activation="tanh")
    loss, grad = prob.loss_and_grad(prob.start)
    grad_at = prob.stochastic(32, steps=1000, seed=0)  # grad_at(P, i) on step i's minibatch
    prob.accuracy(P, "test"), prob.sharpness(P), prob.plane  # plane: filter-normalised slice

They are ``optviz.Problem`` subclasses, so the runner and sweep take them as instances.
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
