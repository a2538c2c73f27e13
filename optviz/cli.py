"""Command line: ``python -m optviz OPTIMIZER PROBLEM [options]`` runs one optimizer or a sweep."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence

import numpy as np

from .optimizers import MODIFIERS, OPTIMIZERS
from .problems import PROBLEMS, get_problem
from .runner import Trace, run
from .schedules import SCHEDULES
from .sweep import SweepResult, sweep


def _listing() -> str:
    """The registries, for --help."""
    lines = ["optimizers (hyperparameters with defaults):"]
    for o in OPTIMIZERS.values():
        hp = ", ".join(f"{p.name}={p.default:g}" for p in o.hparams)
        lines.append(f"  {o.key:<10} {o.name} [{o.family}]: {hp}")
    lines.append("modifiers (wrap any optimizer: <modifier>-<optimizer>, e.g. lookahead-adam):")
    for m in MODIFIERS.values():
        hp = ", ".join(f"{m.hparam(p.name)}={p.default:g}" for p in m.hparams) or "no hyperparameters"
        lines.append(f"  {m.key:<10} {m.name}: {hp}")
    lines.append("problems (parameters with defaults):")
    for p in PROBLEMS.values():
        params = ", ".join(f"{q.name}={q.default:g}" for q in p.params)
        lines.append(f"  {p.key:<18} {p.name}" + (f": {params}" if params else ""))
    lines.append("schedules (parameters with defaults):")
    for s in SCHEDULES.values():
        params = ", ".join(f"{q.name}={q.default:g}" for q in s.params)
        lines.append(f"  {s.key:<14} {s.name}" + (f": {params}" if params else ""))
    lines += [
        "examples:",
        "  python -m optviz adam linear_regression --steps 500 --set learning_rate=0.05",
        "  python -m optviz sgd ill_conditioned --problem-param condition_number=50 --set learning_rate=0.3",
        "  python -m optviz adam linear_regression --grid learning_rate=1e-4:1:9:log --grid beta1=0.5,0.9,0.99",
        "  python -m optviz sam-lookahead-adam rosenbrock --set lookahead.k=10 --grid sam.rho=0,0.05,0.5",
    ]
    return "\n".join(lines)


def _pairs(items: Sequence[str], what: str) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"{what} must look like name=value, got {item!r}")
        try:
            out[name] = float(value)
        except ValueError:
            raise ValueError(f"{what} {name}: {value!r} is not a number") from None
    return out


def _grid_axis(item: str) -> tuple[str, np.ndarray]:
    """``name=v1,v2,...`` or ``name=lo:hi:n[:log]``."""
    name, sep, spec = item.partition("=")
    if not sep or not name or not spec:
        raise ValueError(f"--grid must look like name=v1,v2 or name=lo:hi:n[:log], got {item!r}")
    try:
        if ":" in spec:
            parts = spec.split(":")
            if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] not in ("log", "lin")):
                raise ValueError
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
            if not 1 <= n <= 1000:
                raise ValueError
            log = len(parts) == 4 and parts[3] == "log"
            if log and (lo <= 0 or hi <= 0):
                raise ValueError
            return name, np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)
        return name, np.array([float(v) for v in spec.split(",")])
    except ValueError:
        raise ValueError(
            f"--grid {name}: {spec!r} is not a list of numbers or lo:hi:n[:log] (n from 1 to 1000)"
        ) from None


def _start(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(v) for v in text.split(",")]  # the run checks the count against the problem's D
    except ValueError:
        raise ValueError(f"--start must be numbers like 0,0 (got {text!r})") from None


def _summary(trace: Trace) -> str:
    point = ", ".join(
        f"{name}={v:.6g}" for name, v in zip(trace.problem.layout.coord_names, trace.params[-1])
    )
    lines = [
        f"{OPTIMIZERS[trace.optimizer].name} on {trace.problem.name}, {trace.k} of {trace.steps} steps",
        "hyperparameters: " + ", ".join(f"{k}={v:g}" for k, v in trace.hparams.items()),
        f"final point: {point}",
        f"final loss: {trace.final_loss:.6g}"
        + ("" if trace.problem.min_loss is None else f" (minimum {trace.problem.min_loss:.6g})"),
    ]
    if trace.optimum_distance is not None:
        lines.append(f"distance to the nearest minimum: {trace.optimum_distance:.6g}")
    if trace.diverged_at is not None:
        lines.append(f"DIVERGED at step {trace.diverged_at}")
    elif trace.converged_at is not None:
        lines.append(f"converged at step {trace.converged_at}")
    else:
        lines.append("not converged")
    return "\n".join(lines)


def _sweep_summary(res: SweepResult) -> str:
    best = np.unravel_index(np.argmin(np.where(res.diverged, np.inf, res.final_loss)), res.shape)
    axes = " x ".join(f"{name} ({len(v)})" for name, v in res.grid.items())
    cfg = ", ".join(f"{k}={v:g}" for k, v in res.config(best).items() if k in res.grid)
    return "\n".join(
        [
            f"sweep of {OPTIMIZERS[res.optimizer].name} on {res.problem.name}: {axes}, {res.steps} steps",
            f"diverged: {int(res.diverged.sum())} of {res.final_loss.size}",
            f"converged: {int((res.steps_to_converge >= 0).sum())} of {res.final_loss.size}",
            f"best final loss: {res.final_loss[best]:.6g} at {cfg}",
        ]
    )


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m optviz",
        description="Train an optimizer on a problem (or sweep its hyperparameters) and summarise the run.",
        epilog=_listing(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("optimizer", help="optimizer key (listed below)")
    ap.add_argument("problem", help="problem key (listed below)")
    ap.add_argument("--steps", type=int, default=100, help="number of steps (default 100)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a hyperparameter")
    ap.add_argument("--problem-param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--start", metavar="X,Y", help="start point (default: the problem's)")
    ap.add_argument("--schedule", choices=list(SCHEDULES), default=None)
    ap.add_argument("--schedule-param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--batch-size", type=int, default=None, help="minibatch size (linear regression)")
    ap.add_argument("--grad-noise", type=float, default=0.0, help="std of Gaussian gradient noise")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--grid", action="append", default=[], metavar="NAME=SPEC",
        help="sweep a hyperparameter: name=v1,v2,... or name=lo:hi:n[:log]; repeat for more axes",
    )  # fmt: skip
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the full trace (or sweep) as JSON")
    out.add_argument("--csv", action="store_true", help="print the trace (or sweep cells) as CSV")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        problem = get_problem(args.problem, _pairs(args.problem_param, "--problem-param"))
        common = dict(
            steps=args.steps, start=_start(args.start), hparams=_pairs(args.set, "--set"),
            schedule=args.schedule, schedule_params=_pairs(args.schedule_param, "--schedule-param"),
            batch_size=args.batch_size, grad_noise=args.grad_noise, seed=args.seed,
        )  # fmt: skip
        if args.grid:
            grid = dict(_grid_axis(item) for item in args.grid)
            res = sweep(args.optimizer, problem, grid=grid, **common)
            if args.json:
                print(json.dumps({"optimizer": res.optimizer, "problem": problem.key, "cells": res.rows()}))
            elif args.csv:
                print(_csv(res.rows()), end="")
            else:
                print(_sweep_summary(res))
            return 0
        trace = run(args.optimizer, problem, **common)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(trace.to_json())
    elif args.csv:
        print(trace.to_csv(), end="")
    else:
        print(_summary(trace))
    return 0
