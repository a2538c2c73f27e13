"""A visitor's CSV of (x, y) points, validated in memory and turned into a ``LinearRegression``.

The file's bytes are parsed here and never written anywhere. Limits: ``MAX_BYTES`` bytes,
``MAX_ROWS`` data rows, values at most ``MAX_VALUE`` in size. A first line that is not two numbers
is a header; blank lines and lines starting with ``#`` are skipped; the separator is a comma,
semicolon or tab (taken from the first data line). Every rejection is a ``CsvError`` (a
``ValueError``) that says what is wrong and on which line; ``code`` and ``fields`` select the
translated message in ``optviz/locales/custom.py``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .i18n import t
from .problems import LinearRegression

MAX_BYTES = 1_000_000
MAX_ROWS = 100_000
#: Larger values would put the least-squares line outside the parameter box runs may explore.
MAX_VALUE = 1e6
SEPARATORS = (",", ";", "\t")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class CsvError(ValueError):
    """A rejected file; ``line`` is 1-based (None for whole-file problems)."""

    def __init__(self, code: str, line: int | None = None, **fields: Any):
        self.code, self.line, self.fields = code, line, dict(fields, line=line)
        super().__init__(t(f"custom.csv.{code}", "en", **self.fields))


def _shown(cell: str) -> str:
    """A cell as quoted in a message: printable, at most 20 characters."""
    cell = "".join(c if c.isprintable() else "?" for c in cell)
    return cell if len(cell) <= 20 else cell[:20] + "..."


def _number(cell: str) -> float | None:
    cell = cell.strip()
    return float(cell) if _NUMBER.fullmatch(cell) else None


def _decode(data: Any) -> str:
    if isinstance(data, str):
        raw = data.encode("utf-8", "surrogatepass")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise CsvError("not_bytes", kind=type(data).__name__)
    if len(raw) > MAX_BYTES:
        raise CsvError("too_big", size=len(raw), limit=MAX_BYTES)
    if not raw.strip():
        raise CsvError("empty")
    if b"\x00" in raw:
        raise CsvError("binary")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CsvError("encoding", line=line) from None


def read_points(data: bytes | str) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) columns of a CSV given as bytes or text, validated; raises CsvError."""
    text = _decode(data)
    xs: list[float] = []
    ys: list[float] = []
    sep: str | None = None
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if sep is None:
            sep = next((s for s in SEPARATORS if s in line), None)
            if sep is None:
                raise CsvError("separator", line=number)
        cells = line.split(sep)
        if len(cells) != 2:
            raise CsvError("columns", line=number, found=len(cells))
        values = [_number(c) for c in cells]
        if not xs and not header_seen and values[0] is None and values[1] is None:
            header_seen = True  # a header: two non-numbers on the first line
            continue
        for axis, cell, value in zip("xy", cells, values):
            if value is None:
                raise CsvError("not_number", line=number, axis=axis, cell=_shown(cell.strip()))
            if not np.isfinite(value) or abs(value) > MAX_VALUE:
                raise CsvError(
                    "too_large", line=number, axis=axis, cell=_shown(cell.strip()), limit=f"{MAX_VALUE:g}"
                )
        if len(xs) >= MAX_ROWS:
            raise CsvError("too_many_rows", line=number, limit=MAX_ROWS)
        xs.append(values[0])
        ys.append(values[1])
    if len(xs) < 2:
        raise CsvError("too_few_rows", found=len(xs))
    x, y = np.array(xs), np.array(ys)
    if np.ptp(x) <= 1e-9 * max(1.0, float(np.abs(x).max())):
        raise CsvError("same_x")
    return x, y


def load_regression(data: bytes | str) -> LinearRegression:
    """A ``LinearRegression`` on the points of a CSV (bytes or text, kept in memory); raises CsvError."""
    x, y = read_points(data)
    try:
        problem = LinearRegression(x, y)
    except (ValueError, np.linalg.LinAlgError):
        raise CsvError("degenerate") from None
    if not (np.isfinite(problem.minima).all() and np.abs(problem.minima).max() < 1e6):
        raise CsvError("degenerate")
    return problem
