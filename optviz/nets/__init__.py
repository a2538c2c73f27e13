"""Problems with many parameters: small networks and matrices, with gradients by hand in NumPy."""

from .data import GENERATORS, Dataset, make_dataset
from .mlp import MLP

__all__ = ["GENERATORS", "MLP", "Dataset", "make_dataset"]
