"""Reading figures as the browser gets them: Plotly's base64 typed arrays back into NumPy arrays."""

from __future__ import annotations

import base64

import numpy as np


def decode(obj):
    """A figure dict (or any part of it) with every typed array ({"dtype", "bdata", "shape"}) decoded."""
    if isinstance(obj, dict):
        if set(obj) >= {"dtype", "bdata"} and set(obj) <= {"dtype", "bdata", "shape"}:
            arr = np.frombuffer(
                base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]).newbyteorder("<")
            )
            return arr.reshape([int(n) for n in str(obj["shape"]).split(",")]) if "shape" in obj else arr
        return {k: decode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [decode(v) for v in obj]
    return obj
