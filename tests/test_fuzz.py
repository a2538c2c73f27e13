"""Fuzzing what a visitor can type or send: formulas, CSV files and hand-edited URLs.

Each fuzz run counts exceptions other than the documented ``ValueError`` subclasses, and code
executions: a sentinel builtin that any evaluated payload would call, plus an audit hook that flags
any executed code object naming a dangerous builtin or the sentinel, and any process, socket or
file-write event. Both counts must be 0; the number of inputs tried is printed.
"""

from __future__ import annotations

import builtins
import json
import pickle
import random
import sys
import time
import types

import numpy as np
import pytest

import optviz
from optviz.formula import FUNCTIONS, FormulaError, FormulaProblem, compile_formula
from optviz.upload import MAX_BYTES, CsvError, load_regression

# ast.parse warns about odd literals ("1e,2") in the fuzz corpus; the warnings are expected.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")

SENTINEL = "optviz_sentinel"
DANGEROUS_NAMES = {
    SENTINEL, "__import__", "eval", "exec", "compile", "open", "system", "popen", "getattr", "setattr",
    "globals", "locals", "vars", "breakpoint", "__subclasses__", "__globals__", "__builtins__", "input",
}  # fmt: skip
DANGEROUS_EVENTS = (
    "os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.kill",
    "socket.connect", "socket.bind", "os.remove", "os.rename", "shutil.", "ctypes.",
)  # fmt: skip


class Watch:
    """Counts code executions while active: sentinel calls and suspicious audit events."""

    def __init__(self):
        self.executions: list[str] = []
        self.active = False

    def fire(self, *args, **kwargs):
        self.executions.append("sentinel called")
        return 0

    def hook(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        # Dynamically compiled code only ("<string>", "<lambdifygenerated-1>"), not module imports.
        if event == "exec" and args and isinstance(args[0], types.CodeType):
            if not args[0].co_filename.startswith("<"):
                return
            names = _code_names(args[0])
            bad = names & DANGEROUS_NAMES
            if bad:
                self.executions.append(f"exec of code naming {sorted(bad)}")
        elif event.startswith(DANGEROUS_EVENTS):
            self.executions.append(event)
        elif event == "open" and len(args) > 1 and isinstance(args[1], str) and set(args[1]) & set("wax+"):
            self.executions.append(f"open for writing: {args[0]!r}")


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names) | set(code.co_varnames)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
        elif isinstance(const, str):
            names.add(const)
    return names


_WATCH = Watch()
sys.addaudithook(_WATCH.hook)  # audit hooks cannot be removed; this one is inert unless active


@pytest.fixture
def watch(monkeypatch):
    compile_formula("x**2 + sin(y)")  # import SymPy's modules before watching
    monkeypatch.setattr(builtins, SENTINEL, _WATCH.fire, raising=False)
    _WATCH.executions.clear()
    _WATCH.active = True
    yield _WATCH
    _WATCH.active = False


def report(capsys, what: str, tried: int, exceptions: int, executions: int) -> None:
    with capsys.disabled():
        print(f"\nfuzz {what}: {tried} tried, {exceptions} exceptions, {executions} code executions")


def test_the_watch_sees_executed_payloads(watch):
    """Control: an evaluated payload is counted, so a count of 0 in the fuzz runs means something."""
    eval(f"{SENTINEL}()")  # noqa: S307 - the positive control
    assert watch.executions == [f"exec of code naming ['{SENTINEL}']", "sentinel called"]
    watch.executions.clear()
    exec(compile("getattr(1, 'real')", "<string>", "exec"))  # noqa: S102
    assert watch.executions == ["exec of code naming ['getattr']"]


# --- formulas ------------------------------------------------------------------------------------
MALICIOUS_FORMULAS = [
    f"{SENTINEL}()",
    f"{SENTINEL}(x)",
    f"x + {SENTINEL}()",
    f"sin({SENTINEL}())",
    f"__import__('builtins').{SENTINEL}()",
    f"(lambda: {SENTINEL}())()",
    f"[{SENTINEL}() for _ in 'a']",
    f"{{{SENTINEL}()}}",
    f"f'{{{SENTINEL}()}}'",
    f"x if {SENTINEL}() else y",
    f"(z := {SENTINEL}())",
    "x.__class__.__base__.__subclasses__()[0]",
    "().__class__.__bases__[0].__subclasses__()",
    "__import__('os').system('touch /tmp/optviz_pwned')",
    "__import__('subprocess').Popen(['true'])",
    "eval('1+1')",
    "exec('import os')",
    "compile('1', 'f', 'eval')",
    "open('/etc/passwd').read()",
    "open('/tmp/optviz_pwned', 'w')",
    "getattr(x, '__class__')",
    "globals()",
    "locals()",
    "vars()",
    "breakpoint()",
    "input()",
    "__builtins__",
    "__builtins__['eval']('1')",
    "sin.__globals__",
    "sin.__self__",
    "x.func",
    "x.evalf()",
    "Symbol('x')",
    "sympify('x')",
    "S('__import__(\"os\")')",
    "Integer(9)**Integer(9)**Integer(9)",
    "exp.__call__(x)",
    "sin(x).subs(x, 1)",
    "import os",
    "x = 1",
    "del x",
    "x; y",
    "x\ny",
    "x # comment",
    "'''doc'''",
    "b'bytes'",
    "1j",
    "True",
    "None",
    "...",
    "x[0]",
    "x[::-1]",
    "x @ y",
    "x % y",
    "x // y",
    "x << y",
    "~x",
    "not x",
    "x and y",
    "x or y",
    "x < y",
    "x == y",
    "x is y",
    "x in y",
    "*x",
    "**x",
    "await x",
    "yield x",
    "x if y else 1",
    "lambda x: x",
    "sin(x, y)",
    "sin()",
    "sin(x=1)",
    "sin(*[x])",
    "sin(**{})",
    "sin",
    "x^y",
    "9**9**9**9",
    "10**10**10",
    "x**1000000",
    "x**(10**10)",
    "2**x**x**x**x**x**x**x**x",
    "(((((((((((((((((((((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))))))))))))))))))))",
    "-" * 299 + "x",
    "(" * 250,
    ")" * 250,
    "sin(" * 70 + "x" + ")" * 70,
    "x" * 10_000,
    "x+" * 5000 + "x",
    "1" * 5000 + "*x",
    "1e99999*x",
    "0x10*x",
    "0b1*x",
    "0o7*x",
    "1_000*x",
    "\x00x",
    "x\x00",
    "ｘ + y",  # fullwidth x
    "х + y",  # Cyrillic x
    "x + y\u200b",
    "\\N{LATIN SMALL LETTER X}",
    "x/0",
    "log(0)*x",
    "sqrt(-1)*x",
    "0**-1*x",
    "exp(exp(exp(exp(exp(x)))))",
    "sinh(sinh(sinh(sinh(sinh(sinh(x))))))",
    "tan(x)**16/cos(y)**16",
    "log(log(log(log(x))))",
    "abs(abs(abs(abs(x))))*sign(y)",
    "nan*x",
    "inf*x",
    "oo*x",
    "zoo",
    "E*x",
    "I*x",
    "pi(x)",
    "e(x)",
    "x(y)",
    "(x)(y)",
    "1(x)",
]


def _mutate(text: str, rng: random.Random) -> str:
    pool = "xy0123456789.+-*/()_ [],'\"\\:;=<>!@#$%&|~^`{}?eEpi\tabcdefghijklmnopqrstuvwz"
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        i = rng.randrange(len(chars) + 1)
        if op < 0.4:
            chars.insert(i, rng.choice(pool))
        elif op < 0.7 and chars:
            del chars[min(i, len(chars) - 1)]
        elif chars:
            chars[min(i, len(chars) - 1)] = rng.choice(pool)
    return "".join(chars)


def _random_formula(rng: random.Random, depth: int = 0, clean: bool = False) -> str:
    """A random expression: from the grammar (``clean``) or a superset with forbidden constructs."""
    leaf = ["x", "y", "pi", "e", "2", "0.5", "1e6", "1e-300", "0", "3", "16"]
    ops = ["+", "-", "*", "/", "**"]
    fns = list(FUNCTIONS)
    if not clean:
        leaf += ["z", "__name__", SENTINEL, "'s'"]
        ops += ["%", "//", "^", "@", "<", "and"]
        fns += ["eval", "getattr", "print", SENTINEL, "sign"]
    if depth > rng.randint(1, 6):
        return rng.choice(leaf)
    a, b = _random_formula(rng, depth + 1, clean), _random_formula(rng, depth + 1, clean)
    kind = rng.random()
    if kind < 0.45:
        return f"({a}){rng.choice(ops)}({b})"
    if kind < 0.8:
        return f"{rng.choice(fns)}({a})"
    if kind < 0.9 or clean:
        return f"-({a})"
    return rng.choice([f"({a}).real", f"[{a}]", f"{a}[0]", f"(lambda: {a})()", f"({a}, {b})"])


def formula_corpus() -> list[str]:
    rng = random.Random(20240601)
    seeds = [
        "x**2 + 10*sin(y)", "(1 - x)**2 + 100*(y - x**2)**2", "exp(-x**2 - y**2)", "log(x**2 + 1) + y**2",
        "sqrt(x**2 + y**2)", "abs(x) + abs(y)", "x*y", "tanh(x) * cosh(y)", "x**(1/2) + y**4",
    ]  # fmt: skip
    corpus = list(MALICIOUS_FORMULAS)
    corpus += [_mutate(rng.choice(seeds + MALICIOUS_FORMULAS[:40]), rng) for _ in range(700)]
    corpus += [_random_formula(rng) for _ in range(400)]
    corpus += [_random_formula(rng, clean=True) for _ in range(300)]
    return corpus


def test_fuzz_formulas(watch, capsys):
    corpus = formula_corpus()
    assert len(corpus) >= 1000
    exceptions: list[tuple[str, str]] = []
    accepted = 0
    slowest = 0.0
    for text in corpus:
        began = time.perf_counter()
        try:
            problem = compile_formula(text)
        except FormulaError:
            continue
        except Exception as error:  # noqa: BLE001 - counting is the point
            exceptions.append((text, repr(error)))
            continue
        finally:
            slowest = max(slowest, time.perf_counter() - began)
        accepted += 1
        assert isinstance(problem, FormulaProblem)
        try:
            trace = optviz.run("adam", problem, steps=20, hparams={"learning_rate": 0.1})
        except Exception as error:  # noqa: BLE001
            exceptions.append((text, "run: " + repr(error)))
            continue
        for arr in (trace.params, trace.loss, trace.grads, *trace.state.values()):
            assert np.isfinite(arr).all(), text
    what = f"formulas ({accepted} accepted, slowest compile {slowest * 1000:.0f} ms)"
    report(capsys, what, len(corpus), len(exceptions), len(watch.executions))
    assert exceptions == []
    assert watch.executions == []
    assert 50 < accepted < len(corpus) - 500  # the corpus exercises both paths


# --- CSV files -----------------------------------------------------------------------------------
def csv_corpus() -> list[bytes]:
    rng = random.Random(7)
    good = "x,y\n" + "".join(f"{i},{2 * i + 1}\n" for i in range(20))
    cases: list[bytes] = [
        b"", b"\n\n\n", b"x,y", b"x,y\n", b"1,2", b"1,2\n", b"\xef\xbb\xbf", b"\x00" * 100,
        b"1,2\n1,2\n1,2\n", b"x;y\n1;2\n1;3\n", b"1,2\n3,4,5\n", b"1,2\n3\n", b"1 2\n3 4\n",
        b"1,nan\n2,3\n", b"1,NaN\n2,3\n", b"1,inf\n2,3\n", b"inf,1\n2,3\n", b"-inf,1\n2,3\n",
        b"1e309,1\n2,3\n", b"1,2\n2,-1e309\n", b"1e7,1\n2,3\n", b"1,2\n2,1e-400\n3,x\n",
        b"=cmd|' /C calc'!A0,1\n2,3\n", b"@SUM(1+1),1\n2,3\n", b"+1+1,2\n3,4\n",
        b"<script>alert(1)</script>,1\n2,3\n", b"<img src=x onerror=alert(1)>,2\n2,3\n",
        b"{{7*7}},1\n2,3\n", b"${7*7},1\n2,3\n", b"__import__('os'),1\n2,3\n",
        f"{SENTINEL}(),1\n2,3\n".encode(), b"'1','2'\n'3','4'\n", b'"1","2"\n"3","4"\n',
        b"1,2\r3,4\r", b"1,2\r\n3,4\r\n", "x,y\n١,٢\n٣,٤\n".encode(), "x,y\n１,２\n３,４\n".encode(),
        "1,2\n3,4\n".encode("utf-16"), "1,2\n3,4\n".encode("utf-32"), b"\xff\xfe\xfd,1\n2,3\n",
        b"\x80abc,1\n", b"1,2\n" * (MAX_BYTES // 4 + 10), b"9" * (MAX_BYTES + 1),
        b"x" * 100_000 + b",1\n", b"," * 1000, b";;;;\n;;;;\n", b"\t\t\n", b"x,y\n,\n,\n",
        b"x,y\n1,\n2,3\n", b"x,y\n,1\n2,3\n", b"0x1,2\n3,4\n", b"1_0,2\n3,4\n", b"1e,2\n3,4\n",
        b"1.2.3,4\n5,6\n", b"--1,2\n3,4\n", b"+-1,2\n3,4\n", b".,1\n2,3\n", b"e5,1\n2,3\n",
        b"1,2\n1.0,3\n1.00,4\n", b"1e-300,1\n2e-300,2\n", b"1e6,1\n1e6,2\n1000000.0000001,3\n",
        b"0,0\n-0,1\n", b"#only comments\n#here\n", b"x,y\n# 1,2\n", b"\x1b[31m1,2\n3,4\n",
        b"1\x002,3\n4,5\n", b"x,y,\n1,2,\n3,4,\n", b"x,,y\n1,,2\n",
    ]  # fmt: skip
    mutable = good.encode()
    noise = b"\x00\xff,;\t\n\r\"'x=+-e.9\\<>"
    for _ in range(90):
        data = bytearray(mutable)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.5:
                data[i] = rng.choice(noise)
            elif choice < 0.8:
                data.insert(i, rng.choice(noise))
            else:
                del data[i]
        cases.append(bytes(data))
    for _ in range(30):
        cases.append(bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))))
    return cases


def test_fuzz_csv(watch, capsys):
    corpus = csv_corpus()
    assert len(corpus) >= 100
    exceptions: list[tuple[bytes, str]] = []
    rejected = 0
    for data in corpus:
        try:
            problem = load_regression(data)
        except CsvError as error:
            rejected += 1
            assert str(error) and ("{" not in str(error) or b"{" in data)  # every field filled in
            continue
        except Exception as error:  # noqa: BLE001
            exceptions.append((data[:60], repr(error)))
            continue
        assert np.isfinite(problem.x).all() and np.isfinite(problem.y).all()
        assert np.isfinite(problem.minima).all()
    report(capsys, "CSV files", len(corpus), len(exceptions), len(watch.executions))
    assert exceptions == []
    assert watch.executions == []
    assert rejected >= 100


# --- URLs ----------------------------------------------------------------------------------------
def url_corpus() -> list[dict[str, list[str]]]:
    """Query parameters as a browser sends them: every key maps to a list of values."""
    app_state = pytest.importorskip("optviz.app_state")
    rng = random.Random(11)
    names = sorted(
        {p.name for o in optviz.OPTIMIZERS.values() for p in o.hparams}
        | {f"problem.{p.name}" for s in optviz.PROBLEMS.values() for p in s.params}
        | {f"schedule.{p.name}" for s in optviz.SCHEDULES.values() for p in s.params}
        | {
            "opt",
            "problem",
            "steps",
            "schedule",
            "start",
            "batch",
            "grad_noise",
            "seed",
            "cursor",
            "lr",
            "lang",
        }
        | {"custom_f", "unknown", "", " ", "__proto__", "opt ", "OPT", "constructor"}
    )
    choices = [*optviz.OPTIMIZERS, *app_state.problem_choices(), *optviz.SCHEDULES]
    bad_values = [
        "", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e308", "-1e308",
        "0", "-0", "1e-400", "-1", "1e100", "-1e100", "10", "0.9999", "1e-12", "5000", "abc", "1,2",
        "1,2,3", ",", "0x10", "1_000", "１", "٣", "true", "None", "null", "[]", "{}", "'1'", "1;2",
        "%00", "\x00", "\n", "<script>alert(1)</script>", f"{SENTINEL}()", "__import__('os')",
        "9" * 400, "1" + "0" * 70, "x" * 10_000, "a,b", "inf,nan", "1e6,1e6", "-1e3,1e3", "end", "full",
        "ADAM", " adam ", "adam\x00", "sgd;drop table", "../../etc/passwd", "x**2", "2.5", "99999999999",
    ]  # fmt: skip
    corpus: list[dict[str, list[str]]] = [{}]
    for _ in range(1100):
        params: dict[str, list[str]] = {}
        for _ in range(rng.randint(1, 8)):
            name = rng.choice(names)
            pool = choices if name in ("opt", "problem", "schedule") and rng.random() < 0.5 else bad_values
            count = 1 if rng.random() < 0.8 else rng.randint(2, 5)  # repeated keys
            params.setdefault(name, []).extend(rng.choice(pool) for _ in range(count))
        corpus.append(params)
    return corpus


def test_fuzz_urls(watch, capsys):
    app_state = pytest.importorskip("optviz.app_state")
    corpus = url_corpus()
    assert len(corpus) >= 1000
    exceptions: list[tuple[dict, str]] = []
    warned = 0
    for params in corpus:
        try:
            config, warnings = app_state.parse_playground(params)
            warned += bool(warnings)
            assert all(isinstance(w, str) and w for w in warnings)
            _check_config(config)
        except Exception as error:  # noqa: BLE001
            exceptions.append((params, repr(error)))
    report(capsys, "URL variants", len(corpus), len(exceptions), len(watch.executions))
    assert exceptions == [], exceptions[:3]
    assert watch.executions == []
    assert warned >= len(corpus) // 2  # bad values are reported, not silently used


def _check_config(config) -> None:
    """The parsed configuration is valid: the core accepts it as it is."""
    app_state = sys.modules["optviz.app_state"]
    opt = optviz.OPTIMIZERS[config.optimizer]
    for p in opt.hparams:
        p.check(config.hparams[p.name], opt.key)
    if config.is_custom:
        return
    problem = app_state.build_problem(config)
    kwargs = app_state.run_kwargs(config)
    kwargs["steps"] = min(kwargs["steps"], 30)
    trace = optviz.run(config.optimizer, problem, **kwargs)
    for arr in (trace.params, trace.loss, trace.grads, *trace.state.values()):
        assert np.isfinite(arr).all()


# --- issue 10: nested non-smooth formulas, singular starts, near-empty finite sets ------------------
def _nest(rng: random.Random, depth: int) -> str:
    text = rng.choice(["x", "y", "x*y", "x-y"])
    for _ in range(depth):
        fn = rng.choice(["abs", "abs", "abs", "sqrt", "log", "tanh", "atan", "asin", ""])
        inner = f"{rng.choice(['x', 'y', 'x*y', '2*y', 'y**2'])}{rng.choice('-+*-')}{text}"
        text = f"{fn}({inner})"
    return text


def hostile_formula_corpus() -> list[tuple[str, tuple | None]]:
    """Formulas and windows in the directions issue 10's holes point to."""
    rng = random.Random(10)
    nested = [f"abs({'y-abs(' * d}y-x{')' * d})" for d in range(0, 20, 3)]
    nested += ["+".join(_nest(rng, rng.randint(2, 9)) for _ in range(rng.randint(1, 3))) for _ in range(24)]
    singular = [
        "asin(x*y)", "acos(x*y)", "1/x+y**2", "log(x*y)", "sqrt(x*y)", "tan(x*y)", "1/(x*y)",
        "x**0.5+y**0.5", "log(abs(x))+y", "1/sin(x)+y**2", "asin(x)+acos(y)", "atan(1/x)+y**2",
    ]  # fmt: skip
    windows = [
        None,
        ((-1e-12, 1e-12), (0.0, 1.0)),
        ((0.0, 1e-9), (0.0, 1e-9)),
        ((0.99999, 1.00001), (0.0, 1.0)),
    ]
    near_empty = [
        f"{fn}({eps}-({f})**2)+x+y"
        for fn in ("log", "sqrt")
        for eps in ("1e-30", "1e-12", "1e-3")
        for f in ("x*y", "x-y", "x**2+y**2-1", "sin(x)", "x")
    ]
    corpus = [(t, None) for t in nested + near_empty]
    corpus += [(t, w) for t in singular for w in windows]
    corpus += [("x*1e6**16", None), ("x+y+log(1e-30-x**2*y**2)", None)]
    return [(t, w) for t, w in corpus if len(t) <= 300]


def test_fuzz_hostile_formulas(watch, capsys):
    from test_no_warnings import non_finite  # tests/ is on sys.path (pytest's rootdir-less import)

    from optviz.plots import space

    corpus = hostile_formula_corpus()
    exceptions: list[tuple[str, str]] = []
    accepted = 0
    slowest_compile = slowest_rerun = 0.0
    for text, window in corpus:
        began = time.process_time()
        try:
            problem = compile_formula(text, window=window)
        except FormulaError:
            continue
        except Exception as error:  # noqa: BLE001 - counting is the point
            exceptions.append((text, repr(error)))
            continue
        finally:
            slowest_compile = max(slowest_compile, time.process_time() - began)
        accepted += 1
        try:
            began = time.process_time()
            assert np.isfinite(problem.loss(problem.start)) and np.isfinite(problem.grad(problem.start)).all()
            copy = pickle.loads(pickle.dumps(problem))  # what st.cache_data does on every rerun
            assert copy.window == problem.window and np.array_equal(copy.start, problem.start), text
            trace = optviz.run("adam", copy, steps=50, hparams={"learning_rate": 0.1})
            for arr in (trace.params, trace.loss, trace.grads, *trace.state.values()):
                assert np.isfinite(arr).all(), text
            for fig in (space.path_figure(trace), space.surface_figure(trace)):
                assert not non_finite(json.loads(fig.to_json())), text
            slowest_rerun = max(slowest_rerun, time.process_time() - began)
        except Exception as error:  # noqa: BLE001
            exceptions.append((text, "rerun: " + repr(error)))
    what = (
        f"hostile formulas ({accepted} accepted, max compile CPU {slowest_compile * 1000:.0f} ms, "
        f"max rerun CPU {slowest_rerun * 1000:.0f} ms)"
    )
    report(capsys, what, len(corpus), len(exceptions), len(watch.executions))
    assert exceptions == [], exceptions[:3]
    assert watch.executions == []
    assert 10 < accepted < len(corpus) - 30


# --- issue 10: links at the extremes of n x batch x steps, on every page --------------------------
def extreme_links() -> list[tuple[str, dict[str, str]]]:
    links = []
    for n in (2, 1000, 1_000_000):
        for batch in sorted({1, 2, max(1, n // 2), max(1, n - 1), n}):
            for steps in ("1", "10000", "99999999"):
                base = {"problem.n": str(n), "batch": str(batch), "steps": steps}
                links.append(("playground", base))
                links.append(
                    ("compare", {**base, "opts": ",".join(list(optviz.OPTIMIZERS)[:8]), "fair": "1"})
                )
                links.append(("sweep", {**base, "res": "200", "sens": ",".join(list(optviz.OPTIMIZERS)[:8])}))
    return links


def _page_work(page: str, config) -> None:
    """What the page runs for ``config`` (the same optviz calls, without Streamlit)."""
    from optviz.compare import compare, learning_rate_scan, tune_learning_rates, with_tuned_rates
    from optviz.plots.sweep import axis_values

    app_state = sys.modules["optviz.app_state"]
    base = config if page == "playground" else config.base
    problem = app_state.build_problem(base)
    kwargs = {k: v for k, v in app_state.run_kwargs(base).items() if k != "hparams"}
    if page == "playground":
        optviz.run(base.optimizer, problem, hparams=dict(base.hparams), **kwargs)
    elif page == "compare":
        setups = {k: dict(hp) for k, hp in config.hparams.items()}
        scans = tune_learning_rates(setups, problem, **kwargs) if config.fair else {}
        compare(with_tuned_rates(setups, scans), problem, **kwargs)
    else:
        opt = optviz.OPTIMIZERS[base.optimizer]
        grid = {
            name: axis_values(opt.param(name), *rng, config.resolution)
            for name, rng in ((config.x, config.x_range), (config.y, config.y_range))
        }
        fixed = {k: v for k, v in base.hparams.items() if k not in grid}
        optviz.sweep(base.optimizer, problem, grid=grid, hparams=fixed, **kwargs)
        for key in config.sensitivity:
            learning_rate_scan(key, problem, **kwargs)


def test_fuzz_extreme_links_stay_within_the_budget(watch, capsys):
    from optviz import app_state, budget

    parse = {"playground": app_state.parse_playground, "compare": app_state.parse_compare,
             "sweep": app_state.parse_sweep}  # fmt: skip
    exceptions, worst = [], {}
    for page, params in extreme_links():
        try:
            config, _ = parse[page](params)
            base = config if page == "playground" else config.base
            load = {
                "playground": budget.page_load("playground"),
                "compare": app_state.compare_load(getattr(config, "optimizers", ()), getattr(config, "fair", False)),
                "sweep": app_state.sweep_load(getattr(config, "resolution", 0), getattr(config, "sensitivity", ())),
            }[page]  # fmt: skip
            # the page's own optimizer counts too (app_state.budget_steps)
            load = budget.with_optimizers(load, [base.optimizer])
            work = budget.work(base.steps, batch_size=base.batch_size, n=base.problem_params.get("n"), **load)
            assert work <= budget.WORK_BUDGET, (page, params)
            if work > worst.get(page, (0,))[0]:
                worst[page] = (work, config)
        except Exception as error:  # noqa: BLE001
            exceptions.append((page, params, repr(error)))
    # Run the costliest link of each page for real, as the page would.
    times = {}
    for page, (_, config) in worst.items():
        began = time.process_time()
        _page_work(page, config)
        times[page] = time.process_time() - began
    shown = ", ".join(f"{p} {s:.2f} s" for p, s in times.items())
    report(capsys, f"extreme links (costliest rerun CPU: {shown})", len(extreme_links()), len(exceptions),
           len(watch.executions))  # fmt: skip
    assert exceptions == [], exceptions[:3]
    assert watch.executions == []
