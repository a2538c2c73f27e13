"""Core speed and memory, as ratios measured in one process (issue 2's targets).

(a) optviz.sweep of Adam over a 100 x 100 (learning_rate x beta1) grid x 500 steps on linear
    regression, against a hand-fused NumPy Adam on the same 10,000 configurations. Goal <= 1.5x.
(b) a 1,000-step optviz.run recording all state, against the seed's dict-based Adam loop (no
    recording) for the same steps. Goal <= 1.0x.
(c) a 400 x 400 contour grid for linear regression with n = 100,000. Goal < 10 ms.
(d) sweep peak memory for 500 vs 5,000 steps (O(configurations), so the ratio should be ~1).

Run: python benchmarks/bench_core.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optviz  # noqa: E402


def best_of(fn, repeat: int) -> float:
    """Minimum wall time over ``repeat`` calls (the least disturbed measurement)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def fused_adam_sweep(x, y, lrs, b1s, steps, b2=0.999, eps=1e-8):
    """A hand-written NumPy Adam over all configurations at once: no registry, no checks."""
    lr, beta1 = (a.reshape(-1, 1) for a in np.meshgrid(lrs, b1s, indexing="ij"))
    n = x.size
    sx, sxx, sy, sxy = x.sum(), x @ x, y.sum(), x @ y
    p = np.zeros((lr.size, 2))
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, steps + 1):
        w, b = p[:, :1], p[:, 1:]
        g = np.concatenate([2 * (w * sxx + b * sx - sxy) / n, 2 * (w * sx + b * n - sy) / n], axis=1)
        m = beta1 * m + (1 - beta1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr / (1 - beta1**t) * m / (np.sqrt(v / (1 - b2**t)) + eps)
    w, b = p[:, 0], p[:, 1]
    return np.mean((np.outer(w, x) + b[:, None] - y) ** 2, axis=1) if lr.size <= 0 else p


def seed_adam(x, y, steps, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    """The seed script's training loop: parameters, moments and gradients in dicts, no recording."""
    params = {"w": 0.0, "b": 0.0}
    m = {"w": 0.0, "b": 0.0}
    v = {"w": 0.0, "b": 0.0}
    for t in range(1, steps + 1):
        y_pred = params["w"] * x + params["b"]
        error = y_pred - y
        grads = {"w": 2 * np.mean(error * x), "b": 2 * np.mean(error)}
        for k in params:
            m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
            v[k] = beta2 * v[k] + (1 - beta2) * grads[k] ** 2
            m_hat = m[k] / (1 - beta1**t)
            v_hat = v[k] / (1 - beta2**t)
            params[k] -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return params


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    r = args.repeat
    prob = optviz.PROBLEMS["linear_regression"]()
    x, y = prob.x, prob.y

    lrs, b1s = np.logspace(-4, 0, 100), np.linspace(0.0, 0.999, 100)
    grid = {"learning_rate": lrs, "beta1": b1s}
    ours = best_of(lambda: optviz.sweep("adam", prob, steps=500, grid=grid), r)
    fused = best_of(lambda: fused_adam_sweep(x, y, lrs, b1s, 500), r)
    print(f"(a) sweep adam 100x100x500: optviz {ours * 1e3:.0f} ms, fused numpy {fused * 1e3:.0f} ms, "
          f"ratio {ours / fused:.2f}x (goal <= 1.5x)")  # fmt: skip

    hp = {"learning_rate": 0.01}
    ours = best_of(lambda: optviz.run("adam", prob, steps=1000, hparams=hp), r)
    seed = best_of(lambda: seed_adam(x, y, 1000), r)
    print(f"(b) run adam 1000 steps, all state recorded: optviz {ours * 1e3:.1f} ms, seed dict loop "
          f"{seed * 1e3:.1f} ms, ratio {ours / seed:.2f}x (goal <= 1.0x)")  # fmt: skip

    big = optviz.PROBLEMS["linear_regression"](n=100_000)
    times = []
    for _ in range(max(r, 20)):
        t0 = time.perf_counter()
        big.contour_grid(400)
        times.append(time.perf_counter() - t0)
    print(f"(c) 400x400 contour, linear regression n=100,000: median {statistics.median(times) * 1e3:.2f} ms, "
          f"best {min(times) * 1e3:.2f} ms (goal < 10 ms)")  # fmt: skip

    peaks = {}
    for steps in (500, 5000):
        tracemalloc.start()
        optviz.sweep("adam", prob, steps=steps, grid={"learning_rate": np.logspace(-4, 0, 10_000)})
        peaks[steps] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"(d) sweep peak memory, 10,000 configs: 500 steps {peaks[500] / 1e6:.2f} MB, 5,000 steps "
          f"{peaks[5000] / 1e6:.2f} MB, ratio {peaks[5000] / peaks[500]:.2f}x (O(configs): ~1x)")  # fmt: skip


if __name__ == "__main__":
    main()
