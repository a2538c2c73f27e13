"""Network problems: optviz's NumPy backprop against the same computation in torch float64.

Measured side by side in one process, torch on one thread (``torch.set_num_threads(1)``):

(a) a 1,000-step recorded Adam run on the MLP (500 training points): optviz's
    ``loss_and_grad`` + ``OPTIMIZERS["adam"].update``, every iterate, gradient and state kept,
    against torch.nn.Linear layers + autograd + torch.optim.Adam(foreach=False), iterates and
    losses kept. Goal: ratio <= 1.0.
(b) a 100-configuration sweep (100 learning rates) of 50 Adam steps on the same MLP: one
    ``(100, D)`` array, against torch with batched matmuls (bmm) and the same Adam written in
    torch ops on the ``(100, D)`` tensor. Goal: ratio <= 1.0.
(c) a 41 x 41 loss slice (1,681 configurations) through two filter-normalised directions on the
    500 points: optviz ``loss(plane.lift(UV))``, and torch under no_grad beside it. Goal < 100 ms.

Run: python benchmarks/bench_networks.py [--repeat N] [--hidden 16 16] [--activation tanh]
torch is imported only here and only when present; without it the NumPy times are printed alone.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optviz  # noqa: E402
from optviz.nets import MLP  # noqa: E402

STEPS, SWEEP_N, SWEEP_STEPS, GRID = 1000, 100, 50, 41
CHECK_EVERY = 50  # as the runner: losses of recorded iterates are checked in chunks


def best_of(fn, repeat: int, clock=time.perf_counter) -> float:
    """Minimum time over ``repeat`` calls (the least disturbed measurement); wall time by default."""
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return min(times)


# --- optviz ------------------------------------------------------------------------------------------
def optviz_run(prob: MLP, hp: dict) -> np.ndarray:
    """A recorded run as the runner does it: iterates, gradients and state kept every step."""
    opt = optviz.OPTIMIZERS["adam"]
    p = prob.start.copy()
    state = opt.init(p, hp)
    ps, gs, states, losses = [p], [], [], []
    lr = hp["learning_rate"]
    for i in range(STEPS):
        loss, g = prob.loss_and_grad(p)
        p, state = opt.update(g, state, p, i + 1, lr, hp)
        ps.append(p)
        gs.append(g)
        states.append(state)
        losses.append(loss)
    losses.append(prob.loss(p))
    return np.array(losses)


def optviz_sweep(prob: MLP, lrs: np.ndarray) -> np.ndarray:
    opt = optviz.OPTIMIZERS["adam"]
    hp = {**opt.defaults, "learning_rate": lrs[:, None]}
    P = np.repeat(prob.start[None], len(lrs), 0)
    state = opt.init(P, hp)
    for t in range(1, SWEEP_STEPS + 1):
        P, state = opt.update(prob.grad(P), state, P, t, hp["learning_rate"], hp)
    return prob.loss(P)


def slice_points(prob: MLP) -> np.ndarray:
    plane = prob.random_plane(0)
    u = np.linspace(-1.0, 1.0, GRID)
    UV = np.stack(np.meshgrid(u, u), -1)
    return plane.lift(UV)


# --- torch -------------------------------------------------------------------------------------------
def torch_side(prob: MLP):
    """The same three computations in torch float64, built from the problem's data and start."""
    import torch

    torch.set_num_threads(1)
    X = torch.from_numpy(prob.data.X_train)
    y = torch.from_numpy(prob.data.y_train.astype(float))
    act = torch.tanh if prob.activation == "tanh" else torch.relu
    spans = [(w, b, shape) for w, b, shape in prob._layers]
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def layers_from(p: np.ndarray) -> list:
        out = []
        for w, b, shape in spans:
            lin = torch.nn.Linear(shape[1], shape[0], dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(p[w].reshape(shape)))
                lin.bias.copy_(torch.from_numpy(p[b]))
            out.append(lin)
        return out

    def run(hp: dict) -> np.ndarray:
        layers = layers_from(prob.start)
        params = [t for lin in layers for t in (lin.weight, lin.bias)]
        opt = torch.optim.Adam(
            params, lr=hp["learning_rate"], betas=(hp["beta1"], hp["beta2"]), eps=hp["epsilon"], foreach=False
        )
        ps, losses = [], []
        for _ in range(STEPS):
            opt.zero_grad()
            h = X
            for lin in layers[:-1]:
                h = act(lin(h))
            loss = bce(layers[-1](h)[:, 0], y)
            loss.backward()
            opt.step()
            ps.append(torch.cat([t.detach().reshape(-1) for t in params]))
            losses.append(loss.detach())
        return torch.stack(losses).numpy()

    def forward(P):  # P: (N, D) tensor; batched matmuls
        N = P.shape[0]
        h = X.expand(N, -1, -1)
        for k, (w, b, shape) in enumerate(spans):
            W = P[:, w].reshape(N, *shape)
            z = torch.baddbmm(P[:, None, b], h, W.transpose(1, 2))
            h = act(z) if k < len(spans) - 1 else z[..., 0]
        return bce(h, y.expand(N, -1), reduction="none").mean(1)

    def sweep(lrs: np.ndarray) -> np.ndarray:
        b1, b2, eps = 0.9, 0.999, 1e-8
        lr = torch.from_numpy(lrs[:, None])
        P = torch.from_numpy(np.repeat(prob.start[None], len(lrs), 0)).requires_grad_(True)
        m, v = torch.zeros_like(P), torch.zeros_like(P)
        for t in range(1, SWEEP_STEPS + 1):
            (g,) = torch.autograd.grad(forward(P).sum(), P)
            with torch.no_grad():
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                denom = (v / (1 - b2**t)).sqrt_().add_(eps)
                P = (P - lr / (1 - b1**t) * m / denom).requires_grad_(True)
        with torch.no_grad():
            return forward(P).numpy()

    def slice_loss(points: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            flat = torch.from_numpy(points.reshape(-1, points.shape[-1]))
            return torch.cat([forward(flat[i : i + 64]) for i in range(0, len(flat), 64)]).numpy()

    return torch.__version__, run, sweep, slice_loss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--hidden", type=int, nargs="+", default=[16, 16])
    ap.add_argument("--activation", default="tanh")
    args = ap.parse_args()
    r = args.repeat
    prob = MLP("circle", tuple(args.hidden), args.activation, n=625, test_fraction=0.2)  # 500 train
    hp = {**optviz.OPTIMIZERS["adam"].defaults, "learning_rate": 0.01}
    lrs = np.logspace(-4, -1, SWEEP_N)
    points = slice_points(prob)
    print(
        f"MLP {prob.sizes}, D = {prob.dim}, {len(prob.data.X_train)} training points, NumPy {np.__version__}"
    )

    t_run = best_of(lambda: optviz_run(prob, hp), r)
    t_sweep = best_of(lambda: optviz_sweep(prob, lrs), r)
    t_slice = best_of(lambda: prob.loss(points), max(r, 5))
    # CPU time too: on a shared machine the wall time of one call also counts other processes' turns
    cpu_slice = best_of(lambda: prob.loss(points), max(r, 5), time.process_time)
    try:
        version, run, sweep, slice_loss = torch_side(prob)
    except ImportError:
        print("torch is not installed: NumPy times only (pip install torch==2.13.0 to compare)")
        print(f"(a) {STEPS}-step recorded run: {t_run * 1e3:.0f} ms")
        print(f"(b) {SWEEP_N}-config x {SWEEP_STEPS}-step sweep: {t_sweep * 1e3:.0f} ms")
        print(
            f"(c) {GRID}x{GRID} loss slice: {t_slice * 1e3:.1f} ms, CPU {cpu_slice * 1e3:.1f} ms (goal < 100 ms)"
        )
        return
    # the two sides compute the same numbers (a check that the comparison is fair); over 1,000 steps
    # rounding differences can grow (relu kinks, Adam's division), so the run is checked on 100
    np.testing.assert_allclose(optviz_run(prob, hp)[:100], run(hp)[:100], rtol=1e-9)
    np.testing.assert_allclose(optviz_sweep(prob, lrs), sweep(lrs), rtol=1e-8)
    np.testing.assert_allclose(prob.loss(points).ravel(), slice_loss(points), rtol=1e-12)
    tt_run = best_of(lambda: run(hp), r)
    tt_sweep = best_of(lambda: sweep(lrs), r)
    tt_slice = best_of(lambda: slice_loss(points), max(r, 5))
    print(f"torch {version}, 1 thread, float64")
    print(f"{'':38s} {'optviz':>10s} {'torch':>10s} {'ratio':>7s}")
    rows = [
        (f"(a) {STEPS}-step recorded Adam run", t_run, tt_run),
        (f"(b) {SWEEP_N} configs x {SWEEP_STEPS} Adam steps", t_sweep, tt_sweep),
        (f"(c) {GRID}x{GRID} loss slice", t_slice, tt_slice),
    ]
    for label, a, b in rows:
        print(f"{label:38s} {a * 1e3:8.1f}ms {b * 1e3:8.1f}ms {a / b:7.2f}")
    print(f"(c) optviz CPU time: {cpu_slice * 1e3:.1f} ms")
    print("goals: (a) and (b) ratio <= 1.0; (c) optviz < 100 ms")


if __name__ == "__main__":
    main()
