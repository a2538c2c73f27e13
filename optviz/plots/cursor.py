"""What the browser needs to move the step cursor by itself: the whole trace, sent once per run.

The page's step cursor (``webui.cursor``) scrubs and plays a run in the browser, drawing its marks over
the Playground's charts without a rerun, so it needs, for every step 0..k: the point on the path chart
(plane coordinates), the loss, and on a regression the model (w, b) for the fitted line. They travel as
base64 float32 (finer than a screen shows; 12 bytes a step, 120 KB at 10,000 steps) with a digest that
tells the browser when the run changed and the arrays must be decoded again.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

import numpy as np

from ..layout import Plane
from ..problems import LinearRegression
from ..runner import Trace
from .style import CURSOR_COLOR, optimizer_color


def _packed(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def cursor_payload(trace: Trace, plane: Plane | None = None) -> dict[str, object]:
    """The run as the browser's step cursor reads it: ``k``, ``path`` ((k + 1) x 2 plane coordinates,
    row-major), ``loss`` (k + 1), ``model`` ((k + 1) x 2 (w, b) on a regression, else None), the cursor's
    and the path's colours, and ``digest`` (same run, same digest). Non-finite values are sent as NaN and
    the browser draws no mark for them."""
    problem, k = trace.problem, trace.k
    plane = plane or problem.plane
    path = plane.project(trace.params[: k + 1]).astype(np.float32)
    loss = np.asarray(trace.loss[: k + 1], dtype=np.float32)
    model = trace.params[: k + 1].astype(np.float32) if isinstance(problem, LinearRegression) else None
    digest = hashlib.blake2b(digest_size=8)
    for part in (path, loss) + (() if model is None else (model,)):
        digest.update(part.tobytes())
    return {
        "k": int(k),
        "path": _packed(path),
        "loss": _packed(loss),
        "model": None if model is None else _packed(model),
        "color": CURSOR_COLOR,
        "path_color": optimizer_color(trace.optimizer),
        "digest": digest.hexdigest(),
    }


def paths_payload(traces: Mapping[str, Trace], plane: Plane) -> dict[str, object]:
    """Several runs for the browser's step cursor (the Networks page): ``k`` (the longest run's steps)
    and, per run, ``xy`` ((k_i + 1) x 2: its path projected on the slice's ``plane``), ``k`` and its
    colour; the cursor's colour and a ``digest``. A run shorter than the cursor stays at its last step,
    as the page's charts show it."""
    digest = hashlib.blake2b(digest_size=8)
    paths = []
    for key, trace in traces.items():
        xy = plane.project(trace.params[: trace.k + 1]).astype(np.float32)
        digest.update(xy.tobytes())
        paths.append({"xy": _packed(xy), "k": int(trace.k), "color": optimizer_color(key)})
    return {
        "k": max((int(tr.k) for tr in traces.values()), default=0),
        "paths": paths,
        "color": CURSOR_COLOR,
        "digest": digest.hexdigest(),
    }
