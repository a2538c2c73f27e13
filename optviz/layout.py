"""The parameter space: named blocks on one flat vector, and the plane a figure looks through.

Optimizers work on a flat ``(..., D)`` array (one run, or a batch of configurations in a sweep).
A ``Layout`` says what those D numbers are: named blocks with shapes (a weight matrix, a bias
vector, the two scalars w and b of the regression), so a structure-aware optimizer (Muon, Shampoo)
can view its matrices while everything else stays elementwise. A ``Plane`` maps the D-dimensional
space to the two axes a chart can draw; the identity plane of a 2-D problem is today's picture.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class Block:
    """One named group of parameters with its shape: ``()`` a scalar, ``(n,)`` a vector,
    ``(m, n)`` a matrix (e.g. a layer's weights, rows = outputs)."""

    name: str
    shape: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise ValueError(f"a block needs a non-empty name, got {self.name!r}")
        shape = tuple(self.shape)
        if any(not isinstance(n, (int, np.integer)) or n < 1 for n in shape):
            raise ValueError(f"block {self.name!r}: shape must hold positive whole numbers, got {shape!r}")
        object.__setattr__(self, "shape", tuple(int(n) for n in shape))

    @property
    def size(self) -> int:
        """Number of parameters in the block (1 for a scalar)."""
        return math.prod(self.shape)

    @property
    def is_matrix(self) -> bool:
        """True for a 2-D block: what matrix optimizers (Muon, Shampoo) orthogonalise or precondition."""
        return len(self.shape) == 2

    def coord_names(self) -> tuple[str, ...]:
        """Flat names of the block's entries: ``w`` for a scalar, ``b[0]``, ``W[1,2]`` otherwise."""
        if not self.shape:
            return (self.name,)
        return tuple(f"{self.name}[{','.join(map(str, i))}]" for i in np.ndindex(*self.shape))


@dataclass(frozen=True)
class Layout:
    """Named blocks laid end to end on a flat vector of ``size`` = D numbers, in declaration order.

    ``view(P, name)`` reads a block of a ``(..., D)`` array as ``(..., *shape)``; ``flatten`` is its
    inverse (blocks back to ``(..., D)``). A 2-D problem has two scalar blocks named by its
    parameters (``Layout.scalars("w", "b")``).
    """

    blocks: tuple[Block, ...]
    _offsets: dict[str, tuple[int, int]] = field(init=False, repr=False, compare=False)
    _size: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        blocks = tuple(self.blocks)
        if not blocks:
            raise ValueError("a layout needs at least one block")
        offsets, start = {}, 0
        for b in blocks:
            if not isinstance(b, Block):
                raise ValueError(f"a layout holds Blocks, got {type(b).__name__}")
            if b.name in offsets:
                raise ValueError(f"two blocks are named {b.name!r}")
            offsets[b.name] = (start, start + b.size)
            start += b.size
        object.__setattr__(self, "blocks", blocks)
        object.__setattr__(self, "_offsets", offsets)
        object.__setattr__(self, "_size", start)

    @classmethod
    def of(cls, blocks: Mapping[str, Iterable[int]] | Iterable[Block]) -> Layout:
        """A layout from ``{name: shape}`` (in order) or from ``Block``s."""
        if isinstance(blocks, Mapping):
            return cls(tuple(Block(name, tuple(shape)) for name, shape in blocks.items()))
        return cls(tuple(blocks))

    @staticmethod
    @lru_cache(maxsize=64)
    def scalars(*names: str) -> Layout:
        """One scalar block per name: the layout of every 2-D problem (``("w", "b")``, ``("x", "y")``)."""
        return Layout(tuple(Block(n) for n in names))

    @property
    def size(self) -> int:
        """D, the total number of parameters."""
        return self._size

    @property
    def names(self) -> tuple[str, ...]:
        """Block names in order."""
        return tuple(b.name for b in self.blocks)

    @property
    def coord_names(self) -> tuple[str, ...]:
        """One name per flat coordinate, D in all (``("w", "b")`` for the regression)."""
        return tuple(n for b in self.blocks for n in b.coord_names())

    @property
    def matrices(self) -> tuple[Block, ...]:
        """The blocks that are matrices, in order."""
        return tuple(b for b in self.blocks if b.is_matrix)

    def block(self, name: str) -> Block:
        """The block called ``name``."""
        for b in self.blocks:
            if b.name == name:
                return b
        raise ValueError(f"unknown block {name!r}; allowed: {', '.join(self.names)}")

    def span(self, name: str) -> slice:
        """Where block ``name`` sits on the flat vector."""
        if name not in self._offsets:
            self.block(name)  # raises with the allowed names
        lo, hi = self._offsets[name]
        return slice(lo, hi)

    def view(self, P: np.ndarray, name: str) -> np.ndarray:
        """Block ``name`` of a ``(..., D)`` array as ``(..., *shape)`` (a view when NumPy can make one)."""
        P = np.asarray(P)
        self._check(P)
        return P[..., self.span(name)].reshape(P.shape[:-1] + self.block(name).shape)

    def flatten(self, parts: Mapping[str, np.ndarray]) -> np.ndarray:
        """The inverse of ``view``: every block's ``(..., *shape)`` array back into one ``(..., D)`` array."""
        missing = [n for n in self.names if n not in parts]
        if missing:
            raise ValueError(f"flatten needs every block; missing {missing[0]!r}")
        pieces = []
        for b in self.blocks:
            x = np.asarray(parts[b.name])
            lead = x.shape[: x.ndim - len(b.shape)]
            if x.shape[len(lead) :] != b.shape:
                raise ValueError(f"block {b.name!r} must end in shape {b.shape}, got {x.shape}")
            pieces.append(x.reshape(lead + (b.size,)))
        lead = np.broadcast_shapes(*(p.shape[:-1] for p in pieces))
        return np.concatenate([np.broadcast_to(p, lead + p.shape[-1:]) for p in pieces], axis=-1)

    def _check(self, P: np.ndarray) -> None:
        if P.ndim < 1 or P.shape[-1] != self.size:
            raise ValueError(f"expected parameters of shape (..., {self.size}), got {P.shape}")


@dataclass(frozen=True, eq=False)
class Plane:
    """A 2-D view of the D-dimensional parameter space: ``origin + u * d_u + v * d_v``.

    ``project(P)`` gives the plane coordinates ``(..., 2)`` of points ``(..., D)`` (the least-squares
    coordinates, exact for points on the plane); ``lift(UV)`` the points ``(..., D)`` of plane
    coordinates. The identity plane of a 2-D problem returns its input unchanged both ways, so every
    2-D figure stays bit for bit what it was.
    """

    origin: np.ndarray  # (D,)
    directions: np.ndarray  # (2, D): d_u and d_v
    labels: tuple[str, str]
    identity: bool = False
    _dual: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        origin = np.array(self.origin, dtype=float)  # own, read-only copies: planes are shared
        directions = np.array(self.directions, dtype=float)
        if origin.ndim != 1 or directions.shape != (2, origin.size):
            raise ValueError(
                f"a plane needs an origin (D,) and two directions (2, D); got {origin.shape} and "
                f"{directions.shape}"
            )
        if not (np.isfinite(origin).all() and np.isfinite(directions).all()):
            raise ValueError("a plane's origin and directions must be finite")
        if np.linalg.matrix_rank(directions) < 2:
            raise ValueError("a plane's two directions must be linearly independent")
        if len(self.labels) != 2:
            raise ValueError(f"a plane needs two axis labels, got {self.labels!r}")
        dual = np.linalg.pinv(directions)  # (D, 2)
        for arr in (origin, directions, dual):
            arr.flags.writeable = False
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "directions", directions)
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "_dual", dual)

    @staticmethod
    @lru_cache(maxsize=64)
    def axes(layout: Layout, i: int = 0, j: int = 1) -> Plane:
        """The plane of coordinates ``i`` and ``j`` through the origin, labelled by their names;
        for D = 2 and (0, 1), the identity (today's 2-D charts)."""
        d = layout.size
        if not (0 <= i < d and 0 <= j < d and i != j):
            raise ValueError(f"axes {i} and {j} must be two different coordinates in [0, {d})")
        directions = np.zeros((2, d))
        directions[0, i] = directions[1, j] = 1.0
        names = layout.coord_names
        return Plane(np.zeros(d), directions, (names[i], names[j]), identity=(d == 2 and (i, j) == (0, 1)))

    @property
    def dim(self) -> int:
        """D, the dimension of the space the plane lies in."""
        return self.origin.size

    def project(self, P: np.ndarray) -> np.ndarray:
        """Plane coordinates ``(..., 2)`` of points ``(..., D)``."""
        if self.identity:
            return P
        P = np.asarray(P, dtype=float)
        return (P - self.origin) @ self._dual

    def lift(self, UV: np.ndarray) -> np.ndarray:
        """Points ``(..., D)`` of plane coordinates ``(..., 2)``."""
        if self.identity:
            return UV
        UV = np.asarray(UV, dtype=float)
        return self.origin + UV @ self.directions
