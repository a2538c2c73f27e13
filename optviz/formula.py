"""A 2-D objective typed by a visitor, e.g. ``x**2 + 10*sin(y)``, turned safely into a ``Problem``.

The text is parsed by Python's ``ast`` in "eval" mode and every node is checked against a whitelist
(numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * / **``, unary minus, calls of the functions in
``FUNCTIONS``). The SymPy expression is then built node by node from that checked tree: raw text
never reaches ``eval``, ``sympify`` or ``parse_expr``, so a formula can describe a function but can
never run code. SymPy differentiates it exactly and ``lambdify`` turns loss and gradient into
vectorised NumPy functions. Size limits keep parsing, differentiation and evaluation cheap:

- ``MAX_LENGTH`` characters, ``MAX_NODES`` parts (numbers, names, operations, calls), ``MAX_DEPTH`` levels of nesting;
- literals at most ``MAX_LITERAL`` in size, constant exponents at most ``MAX_EXPONENT``;
  a power of two constants is folded into one float (so ``9**9**9`` is never an exact integer);
- ``abs`` nested at most ``MAX_ABS_NESTING`` deep: SymPy's time to differentiate nested ``abs`` grows
  about 1.35x per level (19 levels took 4-9 s), so this bound is decided on the parsed tree, before
  any SymPy work;
- all SymPy work (building, differentiating, LaTeX, lambdify) within ``SYMBOLIC_BUDGET_S`` seconds of
  CPU: a watcher thread interrupts it (an asynchronous exception in the compiling thread, which SymPy's pure-Python
  code receives within microseconds) and the formula is rejected as ``symbolic_too_slow``; nested
  ``abs`` of ``sqrt`` of ... made SymPy's complex-valued derivative rules run for 25 s without it;
- the gradient at most ``MAX_GRADIENT_NODES`` nodes, and loss plus gradient on a
  ``PROBE_RESOLUTION``-squared probe grid within ``EVAL_BUDGET_S`` seconds;
- the loss finite on at least ``MIN_FINITE_FRACTION`` of the window, on the probe grid and on each
  grid the charts draw (``VIEW_RESOLUTIONS``), so no chart meets a loss that is finite nowhere.

Every rejection is a ``FormulaError`` (a ``ValueError``) whose ``code`` and ``fields`` select a
translated message in ``optviz/locales/custom.py``; ``str(error)`` is the English text.
"""

from __future__ import annotations

import ast
import ctypes
import math
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np

from .i18n import t
from .problems import PARAM_BOUND, Problem, Window

MAX_LENGTH = 300
MAX_NODES = 120
MAX_DEPTH = 40
MAX_LITERAL = 1e6
MAX_EXPONENT = 16.0
MAX_GRADIENT_NODES = 4000
#: Most ``abs`` calls on one path from the formula's root to a leaf (see the module docstring).
MAX_ABS_NESTING = 8
#: Larger gradients are treated as undefined: their squares (Adam's v, ...) would overflow.
MAX_GRADIENT = 1e75
#: CPU seconds SymPy may spend on one formula (typical formulas need 0.01-0.2 s).
SYMBOLIC_BUDGET_S = 1.5
PROBE_RESOLUTION = 101
#: Grid sizes of the charts over the window: the Playground's shift check (40), the contour
#: (plots.space.CONTOUR_RESOLUTION, 56) and the 3-D surface (plots.space.SURFACE_RESOLUTION, 60).
VIEW_RESOLUTIONS = (40, 56, 60)
#: Least fraction of each grid over the window where the loss must be finite.
MIN_FINITE_FRACTION = 0.05
EVAL_BUDGET_S = 0.5
#: The search box for the automatic window, and the largest window a visitor may set.
DEFAULT_BOX = 5.0
MAX_WINDOW = 1e4

VARIABLES = ("x", "y")
CONSTANTS = ("pi", "e")
#: Allowed functions (one argument each) and the SymPy function each one builds.
FUNCTIONS = (
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "asin", "acos", "atan",
    "sinh", "cosh", "tanh", "exp", "log", "ln", "log10", "log2", "sqrt", "abs",
)  # fmt: skip
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}
_NOT_PARTS = (ast.operator, ast.unaryop, ast.expr_context)  # not counted as parts of a formula


class FormulaError(ValueError):
    """A formula that is rejected; ``code`` names the reason, ``fields`` fill its message."""

    def __init__(self, code: str, **fields: Any):
        self.code, self.fields = code, fields
        super().__init__(t(f"custom.formula.{code}", "en", **fields))


def _describe(node: ast.AST) -> str:
    """A short, safe name for a rejected construct (never the visitor's raw text beyond 40 chars)."""
    if isinstance(node, ast.Name):
        return node.id[:40]
    if isinstance(node, ast.Attribute):
        return "." + node.attr[:40]
    if isinstance(node, ast.Constant):
        return type(node.value).__name__
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare)):
        op = getattr(node, "op", None) or (node.ops[0] if isinstance(node, ast.Compare) else None)
        return type(op).__name__ if op is not None else type(node).__name__
    return type(node).__name__


def _column(node: ast.AST) -> int:
    return getattr(node, "col_offset", 0) + 1


def _depth(node: ast.AST) -> int:
    """Nesting depth of the tree, iteratively (no recursion on hostile input)."""
    best, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        if d > MAX_DEPTH:
            return d
        stack.extend((c, d + 1) for c in ast.iter_child_nodes(n) if not isinstance(c, _NOT_PARTS))
    return best


def _syntax_error(error: SyntaxError, text: str) -> FormulaError:
    """The parser's complaint with the column a person should look at (1-based).

    Python reports offset 0 when the input ends too early ("x**2 +"): that is the end of the
    formula, not column 1. Brackets get their own message naming the bracket's column.
    """
    message = error.msg or ""
    offset = error.offset or 0
    if "never closed" in message:
        return FormulaError("unclosed", column=max(offset, 1))
    if "unmatched" in message:
        return FormulaError("unmatched", column=max(offset, 1))
    if not 1 <= offset <= len(text):
        return FormulaError("syntax_end", column=len(text))
    return FormulaError("syntax", column=offset)


def _abs_nesting(node: ast.AST) -> int:
    """Most ``abs`` calls on one root-to-leaf path, iteratively (no recursion on hostile input)."""
    best, stack = 0, [(node, 0)]
    while stack:
        n, count = stack.pop()
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "abs":
            count += 1
        best = max(best, count)
        stack.extend((c, count) for c in ast.iter_child_nodes(n))
    return best


def parse_formula(text: Any) -> ast.Expression:
    """Parse ``text`` and check every node against the whitelist; return the checked tree.

    Raises FormulaError for anything outside the grammar, with the column of the offending part.
    """
    if not isinstance(text, str):
        raise FormulaError("not_text", kind=type(text).__name__)
    text = text.strip()
    if not text:
        raise FormulaError("empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError("too_long", length=len(text), limit=MAX_LENGTH)
    if not text.isascii() or any(c in text for c in "\x00\r\n\t\f\v;"):
        bad = next(c for c in text if not c.isascii() or c in "\x00\r\n\t\f\v;")
        raise FormulaError("bad_character", char=repr(bad)[1:-1], column=text.index(bad) + 1)
    if "^" in text:
        raise FormulaError("caret", column=text.index("^") + 1)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(error, text) from None
    except (ValueError, MemoryError, RecursionError, OverflowError):
        raise FormulaError("too_complex", limit=MAX_DEPTH) from None
    nodes = list(ast.walk(tree))
    parts = sum(not isinstance(n, _NOT_PARTS) for n in nodes)
    if parts > MAX_NODES:
        raise FormulaError("too_many_nodes", count=parts, limit=MAX_NODES)
    if _depth(tree) > MAX_DEPTH:
        raise FormulaError("too_deep", limit=MAX_DEPTH)
    nesting = _abs_nesting(tree)
    if nesting > MAX_ABS_NESTING:
        raise FormulaError("abs_nesting", depth=nesting, limit=MAX_ABS_NESTING)
    callees = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    for node in nodes:
        if id(node) not in callees:  # a call's function name is checked with its call
            _check_node(node)
    _constant_value(tree.body)  # folds and bounds every constant subexpression
    return tree


def _check_node(node: ast.AST) -> None:
    """Reject any node that is not part of the grammar."""
    if isinstance(node, (ast.Expression, ast.Load)) or type(node) in _BINARY or type(node) in _UNARY:
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise FormulaError("operator", what=_describe(node), column=_column(node))
        return
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise FormulaError("operator", what=_describe(node), column=_column(node))
        return
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FormulaError("literal", what=_describe(node), column=_column(node))
        if isinstance(value, int) and value.bit_length() > 64 or not abs(value) <= MAX_LITERAL:
            raise FormulaError("big_literal", limit=f"{MAX_LITERAL:g}", column=_column(node))
        return
    if isinstance(node, ast.Name):
        if node.id not in VARIABLES + CONSTANTS:
            if node.id in FUNCTIONS:
                raise FormulaError("function_needs_call", name=node.id, column=_column(node))
            raise FormulaError(
                "name", name=_describe(node), column=_column(node), allowed=", ".join(VARIABLES + CONSTANTS)
            )
        if not isinstance(node.ctx, ast.Load):
            raise FormulaError("construct", what="assignment", column=_column(node))
        return
    if isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            raise FormulaError(
                "function", name=_describe(func), column=_column(node), allowed=", ".join(FUNCTIONS)
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise FormulaError("arity", name=func.id, column=_column(node))
        return
    raise FormulaError("construct", what=_describe(node), column=_column(node))


def _is_constant(node: ast.AST) -> bool:
    return not any(isinstance(n, ast.Name) and n.id in VARIABLES for n in ast.walk(node))


def _constant_value(node: ast.AST) -> float | None:
    """The float value of a constant subtree (None if it depends on x or y), checking bounds.

    Constant exponents must lie in [-MAX_EXPONENT, MAX_EXPONENT]; constant values must stay finite.
    """
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return {"pi": math.pi, "e": math.e}.get(node.id)
    if isinstance(node, ast.UnaryOp):
        v = _constant_value(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.Call):
        v = _constant_value(node.args[0])
        return None if v is None else _float_call(node.func.id, v, node)
    if isinstance(node, ast.BinOp):
        a, b = _constant_value(node.left), _constant_value(node.right)
        if isinstance(node.op, ast.Pow) and b is not None and not abs(b) <= MAX_EXPONENT:
            raise FormulaError("big_exponent", limit=f"{MAX_EXPONENT:g}", column=_column(node))
        if a is None or b is None:
            return None
        return _float_binop(node.op, a, b, node)
    return None


_FLOAT_FUNCS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "arcsin": math.asin, "arccos": math.acos,
    "arctan": math.atan, "asin": math.asin, "acos": math.acos, "atan": math.atan, "sinh": math.sinh,
    "cosh": math.cosh, "tanh": math.tanh, "exp": math.exp, "log": math.log, "ln": math.log,
    "log10": math.log10, "log2": math.log2, "sqrt": math.sqrt, "abs": abs,
}  # fmt: skip


def _float_call(name: str, v: float, node: ast.AST) -> float:
    try:
        out = _FLOAT_FUNCS[name](v)
    except (ValueError, OverflowError, ZeroDivisionError):
        raise FormulaError("constant_undefined", column=_column(node)) from None
    return _finite(out, node)


def _float_binop(op: ast.operator, a: float, b: float, node: ast.AST) -> float:
    try:
        if isinstance(op, ast.Add):
            out = a + b
        elif isinstance(op, ast.Sub):
            out = a - b
        elif isinstance(op, ast.Mult):
            out = a * b
        elif isinstance(op, ast.Div):
            out = a / b
        else:
            out = math.pow(a, b)
    except (ValueError, OverflowError, ZeroDivisionError):
        raise FormulaError("constant_undefined", column=_column(node)) from None
    return _finite(out, node)


def _finite(v: float, node: ast.AST) -> float:
    if not math.isfinite(v):
        raise FormulaError("constant_undefined", column=_column(node))
    return v


# --- a hard time budget for SymPy ------------------------------------------------------------------
_SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc  # looked up once, at import


class _OutOfTime(BaseException):
    """Raised inside the compiling thread when its SymPy budget is spent (a BaseException, so that
    no ``except Exception`` in SymPy swallows it)."""


def _cpu_clock() -> Callable[[], float]:
    """This thread's CPU time, readable from another thread (wall-clock time where unsupported)."""
    try:
        clock = time.pthread_getcpuclockid(threading.get_ident())
        time.clock_gettime(clock)
    except (AttributeError, OSError):
        return time.perf_counter
    return lambda: time.clock_gettime(clock)


@contextmanager
def _time_budget(seconds: float, poll: float = 0.02):
    """Interrupt the body with ``_OutOfTime`` once it has used ``seconds`` of this thread's CPU time
    (or ten times that in wall-clock time: a safety net, not a limit a busy machine reaches early).

    A watcher thread schedules the exception in this thread (``PyThreadState_SetAsyncExc``); Python
    code receives it between two bytecodes. A lock makes "finished" and "fired" exclusive, and an
    exception scheduled but not yet delivered when the body finishes is withdrawn.
    """
    thread = ctypes.c_ulong(threading.get_ident())
    cpu = _cpu_clock()
    began_cpu, began_wall = cpu(), time.perf_counter()
    lock, done = threading.Lock(), threading.Event()
    state = {"armed": True, "fired": False}

    def watch() -> None:
        while not done.wait(poll):
            if cpu() - began_cpu > seconds or time.perf_counter() - began_wall > 10 * seconds:
                with lock:
                    if state["armed"]:
                        state["fired"] = True
                        _SET_ASYNC_EXC(thread, ctypes.py_object(_OutOfTime))
                return

    watcher = threading.Thread(target=watch, name="formula-budget", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        with lock:
            state["armed"] = False
        done.set()
        if state["fired"]:
            _SET_ASYNC_EXC(thread, ctypes.c_void_p(0))  # withdraw it if it is still pending


# --- SymPy, built from the checked tree only ---------------------------------------------------
def _sympy():
    import sympy  # imported lazily: only custom formulas need it

    return sympy


def _symbols():
    sp = _sympy()
    return sp.Symbol("x", real=True), sp.Symbol("y", real=True)


def to_sympy(tree: ast.Expression):
    """The SymPy expression of a tree returned by ``parse_formula`` (built node by node)."""
    sp = _sympy()
    x, y = _symbols()
    names = {"x": x, "y": y, "pi": sp.pi, "e": sp.E}
    funcs = {
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "arcsin": sp.asin, "arccos": sp.acos,
        "arctan": sp.atan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "sinh": sp.sinh,
        "cosh": sp.cosh, "tanh": sp.tanh, "exp": sp.exp, "log": sp.log, "ln": sp.log,
        "log10": lambda a: sp.log(a, 10), "log2": lambda a: sp.log(a, 2), "sqrt": sp.sqrt,
        "abs": sp.Abs,
    }  # fmt: skip

    def build(node: ast.AST):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            v = node.value
            return sp.Integer(int(v)) if float(v).is_integer() else sp.Float(v)  # 1e6 prints as 1000000
        if isinstance(node, ast.Name):
            return names[node.id]
        if isinstance(node, ast.UnaryOp):
            a = build(node.operand)
            return -a if isinstance(node.op, ast.USub) else a
        if isinstance(node, ast.Call):
            return funcs[node.func.id](build(node.args[0]))
        if isinstance(node, ast.BinOp):
            op = node.op
            if isinstance(op, ast.Pow) and _is_constant(node.left) and _is_constant(node.right):
                # Fold a constant power into one number: exact powers of powers could have millions of digits.
                v = _constant_value(node)
                return sp.Integer(int(v)) if v.is_integer() and abs(v) < 2**53 else sp.Float(v)
            a, b = build(node.left), build(node.right)
            if isinstance(op, ast.Add):
                return a + b
            if isinstance(op, ast.Sub):
                return a - b
            if isinstance(op, ast.Mult):
                return a * b
            if isinstance(op, ast.Div):
                if b == 0:
                    raise FormulaError("constant_undefined", column=_column(node))
                return a / b
            return a**b
        raise FormulaError("construct", what=_describe(node), column=_column(node))  # unreachable

    return build(tree)


def _size(expr) -> int:
    sp = _sympy()
    count = 0
    for _ in sp.preorder_traversal(expr):
        count += 1
        if count > MAX_GRADIENT_NODES:
            break
    return count


@lru_cache(maxsize=64)
def _compiled(text: str):
    """Parse, differentiate and lambdify ``text`` (cached: unpickling a problem reuses it), within
    ``SYMBOLIC_BUDGET_S`` seconds of SymPy work."""
    tree = parse_formula(text)
    _sympy()  # the first import of SymPy takes a second or more: not part of any formula's budget
    try:
        with _time_budget(SYMBOLIC_BUDGET_S):
            return _symbolic(tree)
    except _OutOfTime:
        raise FormulaError("symbolic_too_slow", budget=f"{SYMBOLIC_BUDGET_S:g}") from None


def _symbolic(tree: ast.Expression):
    """Expression, gradient, their LaTeX, NumPy functions and size of a checked tree."""
    sp = _sympy()
    expr = to_sympy(tree)
    x, y = _symbols()
    if not (expr.free_symbols & {x, y}):
        raise FormulaError("constant")
    gx, gy = sp.diff(expr, x), sp.diff(expr, y)
    gradient_nodes = _size(gx) + _size(gy)
    if gradient_nodes > MAX_GRADIENT_NODES:
        raise FormulaError("gradient_too_big", limit=MAX_GRADIENT_NODES)
    if any(g.has(sp.DiracDelta, sp.Derivative, sp.Subs) for g in (gx, gy)):
        raise FormulaError("not_differentiable")
    if any(g.has(sp.I, sp.zoo, sp.nan, sp.oo) for g in (expr, gx, gy)):
        raise FormulaError("complex")  # e.g. (-2)**x, whose derivative holds log(-2) = log 2 + i pi
    loss_fn = sp.lambdify((x, y), expr, modules="numpy")
    grad_fn = sp.lambdify((x, y), [gx, gy], modules="numpy")
    latex = (sp.latex(expr), sp.latex(gx), sp.latex(gy))
    return expr, (gx, gy), latex, loss_fn, grad_fn, _size(expr) + gradient_nodes


def _real(values: Any) -> np.ndarray:
    """Values as floats; a complex result (never expected: the grammar is real) becomes NaN."""
    arr = np.asarray(values)
    if np.iscomplexobj(arr):
        arr = np.where(arr.imag == 0, arr.real, np.nan)
    return arr.astype(float, copy=False)


def _window(value: Any) -> Window:
    try:
        (x0, x1), (y0, y1) = value
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise FormulaError("bad_window") from None
    if not all(math.isfinite(v) and abs(v) <= MAX_WINDOW for v in (x0, x1, y0, y1)):
        raise FormulaError("window_range", limit=f"{MAX_WINDOW:g}")
    if not (x0 < x1 and y0 < y1):
        raise FormulaError("window_order")
    return (x0, x1), (y0, y1)


class FormulaProblem(Problem):
    """A visitor's formula as a ``Problem``: exact gradient, window and start chosen or given.

    Its minima are unknown (``minima`` empty, ``min_loss`` None), so runs never report convergence;
    divergence is judged against 0. ``nodes`` (loss plus gradient) sizes the work of a step (budget.py). Pickles as its text, window and start (for ``st.cache_data``).
    """

    key = "formula"
    param_names = ("x", "y")
    max_curvature = None
    min_loss = None

    def __init__(self, text: str, *, window: Window | None = None, start: Any = None, _probe: bool = True):
        if not isinstance(text, str):
            raise FormulaError("not_text", kind=type(text).__name__)
        expr, (gx, gy), latex, self._loss_fn, self._grad_fn, self.nodes = _compiled(text.strip())
        self.text = text.strip()
        self.expression, self.gradient = expr, (gx, gy)
        self.latex, self.gradient_latex = latex[0], latex[1:]
        self.name = f"f(x, y) = {self.text}"
        self.minima = np.empty((0, 2))
        if _probe:  # skipped when unpickling a problem that passed it already
            self._probe_speed()
        self.window = _window(window) if window is not None else self._auto_window()
        if _probe:
            self._check_defined(self.window)
        self.start = self._checked_start(start) if start is not None else self._auto_start()

    # -- evaluation ---------------------------------------------------------------------------
    def loss(self, P: np.ndarray) -> np.ndarray:
        P = np.asarray(P, dtype=float)
        with np.errstate(all="ignore"):
            out = _real(self._loss_fn(P[..., 0], P[..., 1]))
        return np.broadcast_to(out, P.shape[:-1]).copy() if out.shape != P.shape[:-1] else out

    def _raw_grad(self, P: np.ndarray) -> np.ndarray:
        P = np.asarray(P, dtype=float)
        out = np.empty(P.shape)
        with np.errstate(all="ignore"):
            gx, gy = self._grad_fn(P[..., 0], P[..., 1])
        out[..., 0], out[..., 1] = _real(gx), _real(gy)  # constants (e.g. d/dx of 3x) broadcast here
        return out

    def grad(self, P: np.ndarray) -> np.ndarray:
        out = self._raw_grad(P)
        # A gradient beyond MAX_GRADIENT (or not finite) counts as undefined: NaN makes the step's
        # loss NaN, so the run stops there instead of recording overflowed state (g**2 = inf).
        out[~(np.abs(out) <= MAX_GRADIENT).all(-1)] = np.nan
        return out

    # -- choosing what to show ----------------------------------------------------------------
    def _probe(self, window: Window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        (x0, x1), (y0, y1) = window
        xs = np.linspace(x0, x1, PROBE_RESOLUTION)
        ys = np.linspace(y0, y1, PROBE_RESOLUTION)
        P = np.stack(np.meshgrid(xs, ys), axis=-1)
        return P, self.loss(P), self.grad(P)

    def _probe_speed(self) -> None:
        box = ((-DEFAULT_BOX, DEFAULT_BOX), (-DEFAULT_BOX, DEFAULT_BOX))
        began = time.perf_counter()
        self._probe(box)
        elapsed = time.perf_counter() - began
        if elapsed > EVAL_BUDGET_S:
            raise FormulaError("too_slow", seconds=f"{elapsed:.2f}", budget=f"{EVAL_BUDGET_S:g}")

    def _auto_window(self) -> Window:
        """The bounding box of the probe points inside [-5, 5]^2 where the loss is finite."""
        box = ((-DEFAULT_BOX, DEFAULT_BOX), (-DEFAULT_BOX, DEFAULT_BOX))
        P, L, _ = self._probe(box)
        ok = np.isfinite(L)
        if not ok.any():
            raise FormulaError("undefined", box=f"{DEFAULT_BOX:g}")
        xs, ys = P[..., 0][ok], P[..., 1][ok]
        cell = 2 * DEFAULT_BOX / (PROBE_RESOLUTION - 1)
        if np.ptp(xs) < 2 * cell or np.ptp(ys) < 2 * cell:
            raise FormulaError("undefined", box=f"{DEFAULT_BOX:g}")
        # Edges on finite probe points (rounded: 0.1, not 0.09999999999999964).
        return (
            (round(float(xs.min()), 6), round(float(xs.max()), 6)),
            (round(float(ys.min()), 6), round(float(ys.max()), 6)),
        )

    def _check_defined(self, window: Window) -> None:
        """Reject a loss finite on too little of ``window``, on the probe grid or on a chart's grid
        (``x+y+log(1e-30-x**2*y**2)`` is finite only on the lines x*y = 0: the 101-point grid has
        them, the 56-point contour grid has not)."""
        (x0, x1), (y0, y1) = window
        for n in (PROBE_RESOLUTION, *VIEW_RESOLUTIONS):
            xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
            P = np.stack(np.meshgrid(xs, ys), axis=-1)
            fraction = float(np.isfinite(self.loss(P)).mean())
            if not fraction >= MIN_FINITE_FRACTION or not fraction > 0:
                raise FormulaError(
                    "sparse", percent=f"{100 * fraction:.3g}", least=f"{100 * MIN_FINITE_FRACTION:g}"
                )

    def _usable(self, P: np.ndarray) -> np.ndarray:
        """Points with finite loss and a finite, non-zero gradient (a start must be one)."""
        L, G = self.loss(P), self.grad(P)
        return np.isfinite(L) & np.isfinite(G).all(-1) & (np.abs(G).max(-1) > 1e-12)

    def _auto_start(self) -> np.ndarray:
        """The probe point nearest to 20%/80% across the window with finite loss and a non-zero gradient,
        rounded to 6 decimals where the rounded point is usable too (``asin(x*y)`` at (-0.4, 2.5) is
        not: the gradient is infinite there), else as it is."""
        P, L, G = self._probe(self.window)
        (x0, x1), (y0, y1) = self.window
        target = np.array([x0 + 0.2 * (x1 - x0), y0 + 0.8 * (y1 - y0)])
        usable = np.isfinite(L) & np.isfinite(G).all(-1) & (np.abs(G).max(-1) > 1e-12)
        if not usable.any():
            raw = self._raw_grad(P)
            if (np.isfinite(L) & (np.abs(raw).max(-1) > MAX_GRADIENT)).any():
                raise FormulaError("gradient_too_large", limit=f"{MAX_GRADIENT:g}")
            raise FormulaError("flat")
        candidates = P[usable]
        order = np.argsort(np.linalg.norm(candidates - target, axis=-1), kind="stable")
        candidates = candidates[order]
        rounded = np.round(candidates, 6)
        ok = self._usable(rounded)
        if ok.any():
            return rounded[int(np.argmax(ok))]
        return candidates[0]

    def _checked_start(self, start: Any) -> np.ndarray:
        try:
            arr = np.asarray(start, dtype=float)
        except (TypeError, ValueError):
            raise FormulaError("bad_start") from None
        if arr.shape != (2,) or not np.isfinite(arr).all():
            raise FormulaError("bad_start")
        if np.abs(arr).max() > PARAM_BOUND:
            raise FormulaError("start_outside", limit=f"{PARAM_BOUND:g}")
        if not np.isfinite(self.loss(arr)) or not np.isfinite(self.grad(arr)).all():
            raise FormulaError("start_undefined", x=f"{arr[0]:g}", y=f"{arr[1]:g}")
        return arr

    # -- pickling: rebuild from the text (the lambdified functions cannot be pickled) -----------
    def __reduce__(self):
        return (_rebuild, (self.text, self.window, tuple(float(v) for v in self.start)))

    def __repr__(self) -> str:
        return f"<FormulaProblem {self.text!r}>"


def _rebuild(text: str, window: Window, start: tuple[float, float]) -> FormulaProblem:
    return FormulaProblem(text, window=window, start=start, _probe=False)


def compile_formula(text: str, *, window: Window | None = None, start: Any = None) -> FormulaProblem:
    """A ``Problem`` for the formula ``text``; ``window``/``start`` default to automatic choices.

    Raises FormulaError (a ValueError) with a message naming what is wrong and where.
    """
    return FormulaProblem(text, window=window, start=start)
