"""Explanations in words and numbers: why a run diverged or stalled, and one step worked by hand.

``diagnose(trace)`` returns findings with a translation ``code`` and the numbers behind them (for a
quadratic, the learning rate against the stability limit 2/lambda_max). ``by_hand(trace, step)``
evaluates the optimizer's registry ``by_hand`` lines with that step's recorded numbers and renders
each as LaTeX: symbols, then numbers substituted, then the result (the trace's own value where the
trace records it).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .optimizers import OPTIMIZERS, Optimizer
from .runner import CONVERGENCE_RTOL, Trace

# --- diagnosis ---------------------------------------------------------------------------------------
#: A run "stalls" when, over its last quarter, it moved less than this fraction of its remaining
#: distance to the optimum.
STALL_RATIO = 1e-2
#: A step size that fell by more than this factor over the run counts as "shrinking" (Adagrad).
SHRINK_FACTOR = 10.0
#: A run "oscillates" when, over its last quarter, the updates of one coordinate reverse direction
#: (or the loss alternates up and down) in at least this fraction of the steps ...
OSCILLATION_FLIPS = 0.3
#: ... while the gap to the optimum (or to the lowest loss seen) shrank by less than this factor.
OSCILLATION_PROGRESS = 0.5
#: A classic learning rate within this fraction below 2/lambda_max is "at the stability limit".
AT_LIMIT = 0.98

EXPLAIN_TEXTS = {
    "converged": "Converged at step {step}: from there to the end of the run the loss stayed within 1e-6 "
    "of its starting gap to the optimum.",
    "diverged": "Diverged at step {step}: the loss blew up (last finite loss {loss} at step {last}). "
    "The charts show the finite part.",
    "unstable_lr": "On this quadratic, gradient descent is stable only if the learning rate is below "
    "2/lambda_max = {limit} (lambda_max = {lam}, the largest curvature). Here lr = {lr}, "
    "{ratio} times the limit, so every step overshoots further along the steepest direction.",
    "unstable_momentum": "With heavy-ball momentum mu = {mu} the limit widens to 2(1+mu)/lambda_max = "
    "{limit}; lr = {lr} is beyond it.",
    "unstable_effective": "This optimizer scales its step per coordinate: at the last step the effective "
    "step size was {eff} (largest coordinate), against a stability limit 2/lambda_max = {limit} "
    "(lambda_max = {lam}).",
    "diverged_nonquadratic": "The learning rate lr = {lr} is too large for the curvature this run met; "
    "try a value about 10 times smaller.",
    "stable_lr": "For reference: lr = {lr} is below the plain gradient-descent stability limit "
    "2/lambda_max = {limit} (lambda_max = {lam}).",
    "stalled": "Stalled: over the last {window} steps the parameters moved {moved} in total, while the "
    "optimum is still {distance} away.",
    "shrinking": "The step size shrank from {first} to {last} (a factor of {factor}) and never grew back: "
    "when a denominator only accumulates (Adagrad's sum of squared gradients), the steps fade away "
    "before the optimum is reached.",
    "not_yet": "Not converged after {steps} steps (gap to the optimum {gap}); it is still moving: "
    "try more steps or a larger learning rate.",
    "not_yet_lr_max": "Not converged after {steps} steps (gap to the optimum {gap}); it is still moving "
    "and the learning rate is already at its maximum ({high}): try more steps.",
    "oscillating": "Oscillating: over the last {window} steps the update reversed direction in {flips} "
    "of the steps and the gap to the lowest loss only went from {gap0} to {gap1}. More steps will not "
    "help: try a smaller learning rate (about half) or a decaying schedule.",
    "at_limit": "lr = {lr} is at the stability limit 2/lambda_max = {limit}: along the steepest direction "
    "each step multiplies the distance to the optimum by 1 - lr*lambda_max = {factor}, so the run jumps "
    "from side to side without getting closer. Take lr clearly below the limit (for example {half}).",
    "noisy_bounce": "The loss came within 1e-6 of its starting gap at step {step} but did not stay there "
    "(it ended at gap {gap}): with noisy gradients (minibatches or added noise) the run keeps bouncing "
    "around the optimum. A decaying schedule or a smaller learning rate lets it settle.",
    "unbounded": "This problem has no minimum (it is unbounded below): the loss can fall forever, "
    "so the run never 'converges'.",
    "minimum_unknown": "The app does not know where this problem's minimum is, so it reports no "
    "convergence step. The loss went from {start} to {end}; the lowest was {best}, at step {step}.",
    "loss_rose": "The loss ended higher than it started ({start} -> {end}) without blowing up: the steps "
    "are too large for this landscape; try a smaller learning rate.",
}


@dataclass(frozen=True)
class Finding:
    """One sentence about a run: ``code`` selects the text, ``fields`` are its numbers (formatted)."""

    code: str
    fields: dict[str, str] = field(default_factory=dict)
    level: str = "info"  # "success", "info", "warning", "error"

    @property
    def text(self) -> str:
        return EXPLAIN_TEXTS[self.code].format(**self.fields)


def num(x: float, digits: int = 4) -> str:
    """A number for a sentence: 4 significant digits."""
    return f"{float(x):.{digits}g}"


def stability_limit(curvature: float) -> float:
    """Largest stable learning rate of gradient descent on a quadratic: 2 / lambda_max."""
    return 2.0 / curvature


def diagnose(trace: Trace) -> list[Finding]:
    """What happened in this run, in words, with the numbers that explain it."""
    opt = OPTIMIZERS[trace.optimizer]
    problem = trace.problem
    lr = float(trace.hparams.get("learning_rate", math.nan))
    lam = problem.max_curvature
    out: list[Finding] = []
    if trace.diverged_at is not None:
        out.append(
            Finding("diverged", {"step": str(trace.diverged_at), "loss": num(trace.loss[-1]), "last": str(trace.k)},
                    "error")
        )  # fmt: skip
        if lam:
            out.extend(_instability(trace, opt, lr, lam))
        else:
            out.append(Finding("diverged_nonquadratic", {"lr": num(lr)}, "warning"))
        return out
    if problem.min_loss is None:
        if problem.unbounded_below:
            out.append(Finding("unbounded", {}, "info"))
        else:
            best = int(np.argmin(trace.loss))
            out.append(Finding("minimum_unknown", {"start": num(trace.loss[0]), "end": num(trace.loss[-1]),
                                                   "best": num(trace.loss[best]), "step": str(best)}))  # fmt: skip
            oscillating = _oscillation(trace)
            if oscillating:
                out.append(oscillating)
    elif trace.converged_at is not None:
        out.append(Finding("converged", {"step": str(trace.converged_at)}, "success"))
    else:
        out.extend(_progress(trace, opt, lr))
    shrink = _shrinking(trace) if problem.min_loss is not None and trace.converged_at is None else None
    if shrink:
        out.append(shrink)
    if trace.loss[-1] > trace.loss[0] and problem.min_loss is not None:
        out.append(Finding("loss_rose", {"start": num(trace.loss[0]), "end": num(trace.loss[-1])}, "warning"))
    classic_quadratic = lam and opt.family == "classic" and trace.converged_at is None
    if classic_quadratic and not trace.hparams.get("momentum") and AT_LIMIT <= lr * lam / 2 <= 1.0:
        limit = stability_limit(lam)
        out.append(Finding("at_limit", {"lr": num(lr), "limit": num(limit), "factor": num(1 - lr * lam, 3),
                                        "half": num(limit / 2)}, "warning"))  # fmt: skip
    elif classic_quadratic and lr < stability_limit(lam):
        out.append(Finding("stable_lr", {"lr": num(lr), "limit": num(stability_limit(lam)), "lam": num(lam)}))
    return out


def _progress(trace: Trace, opt: Optimizer, lr: float) -> list[Finding]:
    """Why a run with a known minimum has not converged: stalled, bouncing, oscillating or still moving.

    "Try a larger learning rate" is only said when it can help: not while the run oscillates, not
    when the loss is above its start (``loss_rose`` says why), not when lr is at its maximum.
    """
    stalled = _stall(trace)
    if stalled:
        return stalled
    bounce = _noisy_bounce(trace)
    if bounce:
        return [bounce]
    oscillating = _oscillation(trace)
    if oscillating:
        return [oscillating]
    if trace.k < 4 or trace.loss[-1] > trace.loss[0]:
        return []
    gap = num(trace.loss[-1] - trace.problem.min_loss)
    high = opt.param("learning_rate").high
    if lr >= high:
        return [Finding("not_yet_lr_max", {"steps": str(trace.k), "gap": gap, "high": num(high)})]
    return [Finding("not_yet", {"steps": str(trace.k), "gap": gap}, "info")]


def _oscillation(trace: Trace) -> Finding | None:
    """Over the last quarter: updates (or loss changes) keep reversing, and the gap hardly shrinks."""
    k = trace.k
    if k < 8:
        return None
    window = max(k // 4, 4)
    updates = trace.updates[-window:]
    signs = np.sign(updates)
    flips = float(np.max(np.mean(signs[1:] * signs[:-1] < 0, axis=0)))
    dl = np.sign(np.diff(trace.loss[-window - 1 :]))
    flips = max(flips, float(np.mean(dl[1:] * dl[:-1] < 0)))
    ref = trace.problem.min_loss if trace.problem.min_loss is not None else float(np.min(trace.loss))
    gap0, gap1 = float(trace.loss[-window - 1] - ref), float(trace.loss[-1] - ref)
    if flips < OSCILLATION_FLIPS or not gap1 > OSCILLATION_PROGRESS * gap0:
        return None
    return Finding("oscillating", {"window": str(window), "flips": f"{flips:.0%}", "gap0": num(gap0),
                                   "gap1": num(gap1)}, "warning")  # fmt: skip


def _noisy_bounce(trace: Trace) -> Finding | None:
    """A stochastic run that came within the tolerance once and did not stay there."""
    if trace.batch_size is None and not trace.grad_noise:
        return None
    gap = trace.loss - trace.problem.min_loss
    inside = gap <= CONVERGENCE_RTOL * gap[0]
    if not inside.any():
        return None
    return Finding("noisy_bounce", {"step": str(int(np.argmax(inside))), "gap": num(gap[-1])})


def _instability(trace: Trace, opt: Optimizer, lr: float, lam: float) -> list[Finding]:
    limit = stability_limit(lam)
    fields = {"lr": num(lr), "limit": num(limit), "lam": num(lam), "ratio": num(lr / limit, 3)}
    out = [Finding("unstable_lr", fields, "warning")]
    mu = trace.hparams.get("momentum")
    if opt.family == "classic" and mu:
        wide = 2.0 * (1.0 + mu) / lam
        out.append(
            Finding("unstable_momentum", {"mu": num(mu), "limit": num(wide), "lr": num(lr)}, "warning")
        )
    eff = trace.state.get("effective_lr")
    if opt.family != "classic" and eff is not None and len(eff):
        last = np.asarray(eff[-1], dtype=float)
        last = last[np.isfinite(last)]
        if len(last):
            out.append(
                Finding("unstable_effective", {"eff": num(np.max(last)), "limit": num(limit), "lam": num(lam)},
                        "warning")
            )  # fmt: skip
    return out


def _stall(trace: Trace) -> list[Finding]:
    distance = trace.optimum_distance
    k = trace.k
    if distance is None or k < 4:
        return []
    window = max(k // 4, 1)
    moved = float(np.sum(np.linalg.norm(np.diff(trace.params[-window - 1 :], axis=0), axis=1)))
    if moved < STALL_RATIO * distance:
        return [
            Finding(
                "stalled", {"window": str(window), "moved": num(moved), "distance": num(distance)}, "warning"
            )
        ]
    return []


def _shrinking(trace: Trace) -> Finding | None:
    eff = trace.state.get("effective_lr")
    if eff is None or len(eff) < 10 or trace.schedule != "constant":
        return None
    eff = np.asarray(eff, dtype=float).reshape(len(eff), -1)
    first, last = np.max(eff[0]), np.max(eff[-1])
    if not (np.isfinite(first) and np.isfinite(last)) or last <= 0:
        return None
    if first > SHRINK_FACTOR * last and np.all(np.diff(np.max(eff, axis=1)) <= 1e-15 * first):
        with np.errstate(over="ignore"):  # a last step near the smallest float: the factor is inf
            factor = first / last
        return Finding("shrinking", {"first": num(first), "last": num(last), "factor": num(factor, 3)},
                       "warning")  # fmt: skip
    return None


# --- this step, by hand --------------------------------------------------------------------------
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sign": np.sign,
    "max": np.maximum,
    "min": np.minimum,
    "dot": lambda a, b: np.sum(np.asarray(a) * np.asarray(b)),
    "l1": lambda a: np.sum(np.abs(a)),
    "mean": lambda a: np.mean(a),
}
BASE_SYMBOLS = {
    "t": "t",
    "lr": r"\eta_t",
    "g": "g_t",
    "g_last": "g_{t-1}",
    "p_prev": r"\theta_{t-1}",
    "p": r"\theta_t",
    "start": r"\theta_0",
}


@dataclass
class HandLine:
    """One evaluated line: ``target = expr`` with the values it produced (per coordinate or scalar)."""

    target: str
    expr: str
    symbol: str
    computed: Any
    recorded: Any  # the trace's own value for this target at the step, or None
    symbolic: str  # right-hand side in symbols
    numeric: tuple[str, ...]  # right-hand side with the step's numbers, per coordinate
    rewrite: bool = False  # the line gives an input a new value (g <- g + weight_decay * p)

    @property
    def value(self) -> Any:
        """What the panel shows: the trace's value when it records this target, else the computed one."""
        return self.recorded if self.recorded is not None else self.computed


@dataclass
class StepWorkings:
    """All lines of one step, and the parameters' names (one per coordinate)."""

    optimizer: str
    step: int
    coords: tuple[str, ...]
    lines: list[HandLine]

    def latex(self, coord: int) -> str:
        """The working for coordinate ``coord`` (0 to D - 1) as one aligned LaTeX block."""
        rows = []
        for line in self.lines:
            value = _pick(line.value, coord)
            parts = [line.symbol, line.symbolic]
            if line.numeric[coord] != line.symbolic:
                parts.append(line.numeric[coord])
            if fmt(value) != line.numeric[coord]:
                parts.append(fmt(value))
            rows.append(parts[0] + (r" &\leftarrow " if line.rewrite else " &= ") + " = ".join(parts[1:]))
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def _pick(value: Any, coord: int) -> float:
    arr = np.asarray(value, dtype=float)
    return float(arr.reshape(-1)[coord] if arr.size > 1 else arr.reshape(-1)[0])


def fmt(x: float) -> str:
    """A number as the by-hand panel prints it: 6 significant digits, powers of ten as 10^{k}."""
    x = float(x)
    if x == 0:
        return "0"
    if math.isnan(x):
        return r"\mathrm{NaN}"
    if not math.isfinite(x):
        return r"\infty" if x > 0 else r"-\infty"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.6g}"
    mantissa, exponent = f"{x:.5e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _recorded_names(opt: Optimizer) -> set[str]:
    return {v.name for v in opt.all_state} | {"p"}


def _state_before(trace: Trace, opt: Optimizer, step: int) -> dict[str, Any]:
    """Every state variable's value before ``step`` (1-based): the init state for step 1."""
    if step == 1:
        init = opt.init(trace.start.copy(), trace.hparams)
        return {
            v.name: (
                np.asarray(x, dtype=float)
                if v.per_coordinate or v.packed
                else float(np.asarray(x).reshape(-1)[0])
            )
            for v, x in zip(opt.state, init)
        }
    return {v.name: _row(trace.state[v.name], step - 2) for v in opt.state}


def _row(series: np.ndarray, i: int) -> Any:
    row = np.asarray(series)[i]
    return np.asarray(row, dtype=float) if np.ndim(row) else float(row)


def step_environment(trace: Trace, step: int) -> dict[str, Any]:
    """The numbers a by-hand line may use at ``step`` (1-based): hyperparameters, g, lr, state before."""
    opt = OPTIMIZERS[trace.optimizer]
    env: dict[str, Any] = dict(trace.hparams)
    g = np.asarray(trace.grads[step - 1], dtype=float)
    env.update(
        t=float(step),
        lr=float(trace.lr[step - 1]),
        g=g,
        g_last=np.asarray(trace.grads[step - 2], dtype=float) if step > 1 else np.zeros_like(g),
        p_prev=np.asarray(trace.params[step - 1], dtype=float),
        start=np.asarray(trace.start, dtype=float),
    )
    for name, value in _state_before(trace, opt, step).items():
        env[f"{name}_prev"] = value
    return env


def recorded_value(trace: Trace, name: str, step: int) -> Any:
    """The trace's own value of ``name`` at ``step`` (state/derived variable or the new parameters)."""
    if name == "p":
        return np.asarray(trace.params[step], dtype=float)
    if name in trace.state:
        return _row(trace.state[name], step - 1)
    return None


def by_hand(trace: Trace, step: int | None = None) -> StepWorkings:
    """Evaluate and render the optimizer's update at ``step`` (1-based; default: the last step)."""
    if trace.k < 1:
        raise ValueError("the run has no completed step to work through")
    step = trace.k if step is None else int(step)
    if not 1 <= step <= trace.k:
        raise ValueError(f"step must be between 1 and {trace.k}, got {step}")
    opt = OPTIMIZERS[trace.optimizer]
    coords = trace.problem.layout.coord_names
    symbols = _symbols(opt)
    env = step_environment(trace, step)
    recorded_names = _recorded_names(opt)
    lines: list[HandLine] = []
    with np.errstate(all="ignore"):
        for hs in opt.by_hand:
            if hs.when and not bool(evaluate(hs.when, env)):
                continue
            symbol = hs.symbol or symbols.get(hs.target, rf"\text{{{hs.target}}}")
            if not hs.expr:  # an opt-out line: the trace's own value (SAM's gradient at the ascent point)
                value = recorded_value(trace, hs.target, step)
                if value is None:
                    raise ValueError(f"{opt.key}: a by-hand line without expr needs a recorded {hs.target!r}")
                numeric = (hs.latex,) * len(coords)
                lines.append(
                    HandLine(hs.target, "", symbol, value, value, hs.latex, numeric, hs.target in env)
                )
                env[hs.target] = value
                continue
            tree = ast.parse(hs.expr, mode="eval").body
            numeric = tuple(render(tree, symbols, env, j) for j in range(len(coords)))
            symbolic = render(tree, symbols, None, 0)
            computed = _evaluate(tree, env)
            recorded = recorded_value(trace, hs.target, step) if hs.target in recorded_names else None
            rewrite = hs.target in env  # g <- g + wd*p: a new value of an input
            lines.append(HandLine(hs.target, hs.expr, symbol, computed, recorded, symbolic, numeric, rewrite))
            env[hs.target] = recorded if recorded is not None else computed
    return StepWorkings(opt.key, step, coords, lines)


def _symbols(opt: Optimizer) -> dict[str, str]:
    out = dict(BASE_SYMBOLS)
    for p in opt.hparams:
        out[p.name] = p.latex
    for v in opt.all_state:
        sym = v.symbol or rf"\text{{{v.name}}}"
        out[v.name] = sym if sym.endswith("_t") else rf"{{{sym}}}_t"
        out[f"{v.name}_prev"] = rf"{{{sym[:-2] if sym.endswith('_t') else sym}}}_{{t-1}}"
    for hs in opt.by_hand:
        if hs.symbol:
            out.setdefault(hs.target, hs.symbol)
    return out


# --- a tiny safe evaluator and LaTeX renderer for the by-hand expressions --------------------------
def evaluate(expr: str, env: dict[str, Any]) -> Any:
    """Value of a by-hand expression (names from ``env``, functions from FUNCTIONS only)."""
    return _evaluate(ast.parse(expr, mode="eval").body, env)


_BINOPS = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
    ast.Mod: np.mod,
}
_COMPARE = {
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
}


def _evaluate(node: ast.AST, env: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise ValueError(f"by-hand expression uses unknown name {node.id!r}")
        return env[node.id]
    if _dotted(node):  # a modifier's hyperparameter: lookahead.k
        name = _dotted(node)
        if name not in env:
            raise ValueError(f"by-hand expression uses unknown name {name!r}")
        return env[name]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return _BINOPS[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return np.negative(_evaluate(node.operand, env))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        return FUNCTIONS[node.func.id](*(_evaluate(a, env) for a in node.args))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        result = _COMPARE[type(node.ops[0])](_evaluate(node.left, env), _evaluate(node.comparators[0], env))
        return bool(np.all(result))
    raise ValueError(f"unsupported by-hand expression: {ast.dump(node)}")


def _dotted(node: ast.AST) -> str:
    """'lookahead.k' for the attribute node of a namespaced hyperparameter, else ''."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return ""


_PREC = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 5, ast.Pow: 4, ast.Mod: 2}


def _prec(node: ast.AST) -> int:
    if isinstance(node, ast.BinOp):
        return _PREC[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return 2
    return 5


def _number(x: Any, coord: int) -> str:
    value = _pick(x, coord)
    text = fmt(value)
    return rf"\left({text}\right)" if value < 0 else text


def render(node: ast.AST, symbols: dict[str, str], env: dict[str, Any] | None, coord: int) -> str:
    """LaTeX of a by-hand expression: with symbols (``env=None``) or with coordinate ``coord``'s numbers."""

    def r(n: ast.AST) -> str:
        return render(n, symbols, env, coord)

    def wrap(n: ast.AST, below: int) -> str:
        text = r(n)
        return rf"\left({text}\right)" if _prec(n) < below else text

    if isinstance(node, ast.Constant):
        return fmt(node.value)
    if isinstance(node, ast.Name) or _dotted(node):
        name = node.id if isinstance(node, ast.Name) else _dotted(node)
        if env is None:
            return symbols.get(name, rf"\text{{{name}}}")
        return _number(env[name], coord)
    if isinstance(node, ast.UnaryOp):
        return "-" + wrap(node.operand, 3)
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op is ast.Add:
            return f"{r(node.left)} + {r(node.right)}"
        if op is ast.Sub:
            return f"{r(node.left)} - {wrap(node.right, 2)}"
        if op is ast.Mult:
            joint = r" \cdot " if env is not None or isinstance(node.right, ast.Constant) else r"\,"
            return wrap(node.left, 2) + joint + wrap(node.right, 2)
        if op is ast.Div:
            return rf"\frac{{{r(node.left)}}}{{{r(node.right)}}}"
        if op is ast.Pow:
            return f"{wrap(node.left, 5)}^{{{r(node.right)}}}"
        if op is ast.Mod:
            return rf"{wrap(node.left, 2)} \bmod {wrap(node.right, 2)}"
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        args = node.args
        if name == "sqrt":
            return rf"\sqrt{{{r(args[0])}}}"
        if name == "abs":
            return rf"\left|{r(args[0])}\right|"
        if name == "sign":
            return rf"\operatorname{{sign}}\left({r(args[0])}\right)"
        if name in ("max", "min"):
            return rf"\{name}\left({r(args[0])},\ {r(args[1])}\right)"
        if name == "dot":
            if env is None:
                return rf"\langle {r(args[0])},\ {r(args[1])} \rangle"
            terms = [
                f"{wrap_coord(args[0], symbols, env, i)} \\cdot {wrap_coord(args[1], symbols, env, i)}"
                for i in range(_coords(env))
            ]
            return r"\left(" + " + ".join(terms) + r"\right)"
        if name == "mean":
            if env is None:
                return rf"\overline{{{r(args[0])}}}"
            terms = [render(args[0], symbols, env, i) for i in range(_coords(env))]
            return rf"\tfrac{{1}}{{{len(terms)}}}\left(" + " + ".join(terms) + r"\right)"
        if name == "l1":
            if env is None:
                return rf"\lVert {r(args[0])} \rVert_1"
            terms = [rf"\left|{render(args[0], symbols, env, i)}\right|" for i in range(_coords(env))]
            return r"\left(" + " + ".join(terms) + r"\right)"
    raise ValueError(f"cannot render {ast.dump(node)}")


def _coords(env: dict[str, Any]) -> int:
    """D, read from the step's gradient: how many terms a rendered sum over coordinates has."""
    return int(np.size(env["g"]))


def wrap_coord(node: ast.AST, symbols: dict[str, str], env: dict[str, Any], coord: int) -> str:
    text = render(node, symbols, env, coord)
    return rf"\left({text}\right)" if _prec(node) < 2 else text
