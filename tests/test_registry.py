"""The registries are complete, consistent and follow shared/optimizers.md."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz.optimizers import FAMILIES
from optviz.optimizers.base import with_context

KEYS = list(optviz.OPTIMIZERS)
CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "optimizers.md"


def contract_table() -> dict[str, dict[str, float]]:
    """key -> {hyperparameter: default} parsed from the contract's table ('as Adam' expanded)."""
    rows = {}
    for line in CONTRACT.read_text().splitlines():
        m = re.match(r"\| `(\w+)` \| [^|]+ \| [^|]+ \| (.+) \|$", line)
        if not m:
            continue
        key, spec = m.groups()
        found = dict(re.findall(r"(\w+) \(([-+.\deE]+)", spec))
        names = re.findall(r"\b([a-z][a-z0-9_]*)\b(?: \(|,|$)", spec)
        hp = {}
        if spec.startswith("as Adam"):
            hp.update(rows["adam"])
        for name in names:
            if name in {"as", "adam", "here", "torch"}:
                continue
            hp[name] = float(found[name]) if name in found else None
        rows[key] = hp
    return rows


#: Second-wave optimizers and modifiers the contract lists that are not registered yet. Registering one
#: (or dropping one from the contract) fails test_second_wave_follows_the_contract until this is updated.
PENDING: set[str] = set()
PENDING_MODIFIERS: set[str] = set()


def bold_rows() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The contract's second-wave and modifier tables (keys in bold): key -> name, reference, spec."""
    optimizers, modifiers = {}, {}
    table = optimizers
    for line in CONTRACT.read_text().splitlines():
        if line.startswith("Keys in these two tables are in bold"):
            table = modifiers  # the modifiers table follows this paragraph
        m = re.match(r"\| \*\*(\w+)\*\* \| ([^|]+) \| ([^|]+) \| (.+) \|$", line)
        if m:
            key, name, reference, spec = (x.strip() for x in m.groups())
            table[key] = {"name": name, "reference": reference, "spec": spec}
    return optimizers, modifiers


def row_hparams(spec: str) -> dict[str, float | None] | None:
    """Hyperparameters named in a second-wave row ('name (default)'), or None for 'its defaults'."""
    if spec.startswith("its defaults"):
        return None
    head = re.split(r"; |\. ", spec)[0]  # the list comes first; notes follow after '; ' or '. '
    out: dict[str, float | None] = {}
    for name, inside in re.findall(r"\b([a-z][a-z0-9_]*) \(([^)]*)\)", head):
        try:
            out[name] = float(inside.split(",")[0])
        except ValueError:
            out[name] = None  # line_search (none or strong_wolfe): not a number
    return out


needs_contract = pytest.mark.skipif(
    not CONTRACT.exists(), reason="shared/optimizers.md is not beside this checkout"
)


@needs_contract
def test_keys_names_and_defaults_follow_the_contract():
    table = contract_table()
    second, _ = bold_rows()
    assert set(table) | (set(second) - PENDING) == set(KEYS)
    for key, hp in table.items():
        opt = optviz.OPTIMIZERS[key]
        assert set(hp) == set(opt.hparam_names), key
        for name, default in hp.items():
            if default is not None:  # "beta1, beta2" without a number: Adam's defaults
                assert opt.defaults[name] == pytest.approx(default), (key, name)
            elif name in ("beta1", "beta2") and key != "adan":
                assert opt.defaults[name] == {"beta1": 0.9, "beta2": 0.999}[name], (key, name)


@needs_contract
def test_second_wave_follows_the_contract():
    second, modifiers = bold_rows()
    assert {"adopt", "rprop", "muon"} <= set(second) and "lookahead" in modifiers  # the parser found them
    assert set(second) - set(KEYS) == PENDING
    assert not set(table := contract_table()) & set(second), "a key in both tables"
    assert set(modifiers) - set(getattr(optviz, "MODIFIERS", {})) == PENDING_MODIFIERS
    for key in set(second) - PENDING:
        row, opt = second[key], optviz.OPTIMIZERS[key]
        assert opt.name == row["name"], key
        assert row["reference"].split()[0] in opt.reference, key  # the same library entry point
        hp = row_hparams(row["spec"])
        if hp is None:  # "its defaults (gamma 0.025 and the rest)": the numbers it names, and the
            # reference's own signature defaults, which make_golden.py checked for the defaults fixture
            named = re.findall(r"\b([a-z][a-z0-9_]*) ([-+]?[\d.]+(?:e[-+]?\d+)?)\b", row["spec"])
            for name, value in named:
                if name not in opt.hparam_names:  # prose ("the 2 x 2 eigenbasis"), not a default
                    continue
                assert opt.defaults[name] == pytest.approx(float(value)), (key, name)
            assert (Path(__file__).parent / "golden" / "fixtures" / f"{key}-defaults.json").exists(), key
            continue
        assert set(hp) == set(opt.hparam_names), key
        for name, default in hp.items():
            if default is None:  # "line_search (none or strong_wolfe)": a choice, 0 = the first named
                spec = opt.param(name)
                assert spec.integer and (spec.low, spec.high, spec.default) == (0, 1, 0), (key, name)
                continue
            assert opt.defaults[name] == pytest.approx(default), (key, name)
    assert table  # the first table parsed too


@needs_contract
def test_modifiers_follow_the_contract():
    """Each modifier row: the name, the reference's entry point, the hyperparameters and defaults."""
    _, modifiers = bold_rows()
    assert set(modifiers) == set(optviz.MODIFIERS) == {"lookahead", "sam", "cautious"}
    for key, row in modifiers.items():
        mod = optviz.MODIFIERS[key]
        assert mod.name == row["name"], key
        assert row["reference"].split()[0].strip("`") in mod.reference, key
        hp = row_hparams(row["spec"])
        assert hp is not None and {p.name: p.default for p in mod.hparams} == hp, key
        assert mod.summary and mod.paper and 2015 < mod.year <= 2026 and "{}" in mod.label


def test_row_parser_reads_every_kind_of_row():
    """The second-wave parser on the row shapes the contract uses (so a contract edit cannot slip by)."""
    assert row_hparams("learning_rate (1e-2), eta_minus (0.5), step_max (50)") == {
        "learning_rate": 0.01, "eta_minus": 0.5, "step_max": 50.0,
    }  # fmt: skip
    assert row_hparams("epsilon (1e-3, the second of torch's pair), d (1.0), weight_decay (0); factored") == {
        "epsilon": 1e-3, "d": 1.0, "weight_decay": 0.0,
    }  # fmt: skip
    assert row_hparams("learning_rate (0.02), weight_decay (0). On the 2-parameter problems (w, b) is") == {
        "learning_rate": 0.02, "weight_decay": 0.0,
    }  # fmt: skip
    assert row_hparams("history_size (10), line_search (none or strong_wolfe); record") == {
        "history_size": 10.0, "line_search": None,
    }  # fmt: skip
    assert row_hparams("its defaults (gamma 0.025 and the rest)") is None


def test_ranges_reach_the_interesting_regimes():
    for opt in optviz.OPTIMIZERS.values():
        lr = opt.param("learning_rate")
        assert lr.scale == "log" and lr.low <= 1e-5 and lr.high >= 10
        if "beta1" in opt.hparam_names:
            assert opt.param("beta1").high >= 0.999 and opt.param("beta1").scale == "log1m"
        if "beta2" in opt.hparam_names:
            assert opt.param("beta2").high >= 0.9999 and opt.param("beta2").scale == "log1m"
        if "epsilon" in opt.hparam_names:
            eps = opt.param("epsilon")
            if eps.default == 0.0:  # LARS (optax's default 0): a log scale cannot hold it, so linear from 0
                assert eps.scale == "linear" and eps.low == 0.0 and eps.high >= 1, opt.key
                continue
            assert eps.scale == "log" and eps.low <= 1e-12 and eps.high >= 1


@pytest.mark.parametrize("key", KEYS)
def test_entry_is_complete(key):
    opt = optviz.OPTIMIZERS[key]
    assert opt.key == key and opt.name and opt.paper and opt.reference and opt.summary
    assert opt.family in FAMILIES and 1950 < opt.year <= 2026
    assert opt.latex.count("\\") > 2
    for p in opt.hparams:
        assert p.help and p.low <= p.default <= p.high, (key, p.name)
    names = [v.name for v in opt.all_state]
    assert len(names) == len(set(names)), f"{key}: state names repeat"
    assert all(v.meaning for v in opt.all_state)
    # Declared state variables are exactly the fields of the state the optimizer keeps.
    state = opt.init(np.zeros(2), opt.defaults)
    assert tuple(type(state)._fields) == tuple(v.name for v in opt.state)
    for v, x in zip(opt.state, state):
        if v.packed:  # matrices or a history, (S,) with S set by the layout and hyperparameters
            assert np.ndim(x) == 1 and not v.per_coordinate, (key, v.name)
            continue
        assert np.shape(x) == ((2,) if v.per_coordinate else (1,)), (key, v.name)


@pytest.mark.parametrize("key", KEYS)
def test_run_records_every_declared_and_derived_state(key):
    trace = optviz.run(key, "linear_regression", steps=12)
    for v in optviz.OPTIMIZERS[key].all_state:
        series = trace.state[v.name]
        if v.packed:
            assert series.ndim == 2 and len(series) == 12 and series.shape[1] > 0, (key, v.name)
        else:
            assert series.shape == ((12, 2) if v.per_coordinate else (12,)), (key, v.name)
        assert np.isfinite(series).all(), (key, v.name)
    assert "effective_lr" in trace.state


@pytest.mark.parametrize("key", KEYS)
def test_update_works_on_any_batch_shape(key):
    """One code path: a (3, 4) batch with array hyperparameters equals 12 single runs."""
    opt = optviz.OPTIMIZERS[key]
    rng = np.random.default_rng(1)
    prob = optviz.PROBLEMS["rosenbrock"]()
    hp_batch = {}
    for p in opt.hparams:
        lo = max(p.default * 0.5, p.low) if p.default > 0 else p.low
        hi = min(p.default * 1.5 if p.default > 0 else p.low + 0.1 * (p.high - p.low), p.high)
        if p.name == "learning_rate":
            lo = max(p.low, p.default * 1e-3)  # small enough to stay finite on Rosenbrock
            hi = 3 * lo
        if p.integer:  # whole numbers from the bottom of the range (a frequency, a history, a choice)
            top = min(p.high, p.low + 2)
            hp_batch[p.name] = rng.integers(p.low, top + 1, size=(3, 4, 1)).astype(float)
            continue
        hp_batch[p.name] = rng.uniform(lo, hi, size=(3, 4, 1))
    P = np.broadcast_to(prob.start, (3, 4, 2)).copy()
    state = opt.init(P, hp_batch)
    # as run and sweep call it: with the step context (the layout, the gradient and the loss elsewhere)
    update = with_context(opt, prob.layout, lambda Q, i: prob.grad(Q), lambda Q, i: prob.loss_and_grad(Q))
    for t in range(1, 6):
        P, state = update(prob.grad(P), state, P, t, hp_batch["learning_rate"], hp_batch)
    for idx in np.ndindex(3, 4):
        hp = {name: float(v[idx][0]) for name, v in hp_batch.items()}
        trace = optviz.run(key, prob, steps=5, hparams=hp)
        np.testing.assert_array_equal(P[idx], trace.params[-1])


def test_problems_and_schedules_registries():
    assert list(optviz.PROBLEMS) == [
        "linear_regression", "rosenbrock", "beale", "himmelblau", "booth", "rastrigin", "ackley",
        "sharp_flat", "rare_gradients", "saddle", "ill_conditioned",
    ]  # fmt: skip
    assert set(optviz.SCHEDULES) == {
        "constant",
        "step",
        "exponential",
        "cosine",
        "warmup_cosine",
        "one_cycle",
    }
    for spec in optviz.PROBLEMS.values():
        prob = spec()
        assert prob.key == spec.key and prob.latex and spec.summary
        (x0, x1), (y0, y1) = prob.window
        assert x0 < x1 and y0 < y1
        assert math.isfinite(float(prob.loss(prob.start)))
    for sched in optviz.SCHEDULES.values():
        assert sched.latex and sched.summary
