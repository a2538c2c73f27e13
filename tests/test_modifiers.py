"""Modifiers compose every field of the optimizer they wrap, resolve from keys, and keep the promises
of every optimizer: one code path for runs and sweeps (bit for bit), by-hand lines equal to the trace."""

import numpy as np
import pytest

import optviz
from optviz import explain
from optviz.compare import compare, entry_optimizer, split_entry
from optviz.optimizers.modifiers import CAUTIOUS, LOOKAHEAD, MODIFIERS, SAM, compose

#: Composites exercised everywhere below: each modifier around unlike inner optimizers, and chains.
COMPOSITES = [
    "lookahead-sgd", "lookahead-adam", "lookahead-rmsprop", "lookahead-sf_sgd", "lookahead-prodigy",
    "sam-sgd", "sam-adam", "sam-adadelta", "sam-lion", "sam-adan",
    "cautious-adamw", "cautious-lion", "cautious-adam", "cautious-mars",
    "lookahead-cautious-adamw", "sam-lookahead-adam", "cautious-sam-adamw",
]  # fmt: skip


def test_registry_lists_optimizers_and_resolves_composites():
    assert set(MODIFIERS) == {"lookahead", "sam", "cautious"} and optviz.MODIFIERS is MODIFIERS
    keys = list(optviz.OPTIMIZERS)
    assert keys == list(optviz.optimizers.BASE) and not any("-" in k for k in keys)  # optimizers only
    opt = optviz.OPTIMIZERS["lookahead-cautious-adamw"]
    assert opt is optviz.get_optimizer("lookahead-cautious-adamw") is compose("lookahead-cautious-adamw")
    assert "lookahead-adamw" in optviz.OPTIMIZERS and optviz.OPTIMIZERS.get("sam-adam").key == "sam-adam"
    assert "lookahead-nothing" not in optviz.OPTIMIZERS and optviz.OPTIMIZERS.get("x-adam") is None
    assert opt.name == "Lookahead(Cautious AdamW)" and opt.inner.name == "Cautious AdamW"
    assert (opt.modifier, opt.inner.modifier, opt.inner.inner.key) == ("lookahead", "cautious", "adamw")
    with pytest.raises(KeyError):
        optviz.OPTIMIZERS["nothing"]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("lookahead-lookahead-adam", "appears once"),
        ("blink-adam", "unknown modifier 'blink'"),
        ("lookahead-nothing", "unknown optimizer 'nothing'"),
        ("lookahead-", "unknown optimizer ''"),
        ("adam-lookahead", "names modifiers first"),
    ],
)
def test_bad_composite_keys_say_which_part_is_wrong(key, message):
    with pytest.raises(ValueError, match=message):
        optviz.get_optimizer(key)
    assert key not in optviz.OPTIMIZERS


def test_hyperparameters_are_namespaced_and_never_clash():
    sam_adadelta = optviz.OPTIMIZERS["sam-adadelta"]
    assert sam_adadelta.hparam_names == ("learning_rate", "rho", "epsilon", "weight_decay", "sam.rho")
    assert sam_adadelta.defaults["rho"] == 0.9 and sam_adadelta.defaults["sam.rho"] == 0.05
    la = optviz.OPTIMIZERS["lookahead-rmsprop"]
    assert la.defaults["alpha"] == 0.99 and la.defaults["lookahead.alpha"] == 0.5
    assert la.defaults["lookahead.k"] == 5 and la.param("lookahead.k").integer
    assert optviz.OPTIMIZERS["cautious-adamw"].hparams == optviz.OPTIMIZERS["adamw"].hparams
    # both rho's reach the maths: changing either changes the run
    base = optviz.run("sam-adadelta", "rosenbrock", steps=30).params[-1]
    for hp in ({"rho": 0.5}, {"sam.rho": 0.5}):
        assert not np.array_equal(
            optviz.run("sam-adadelta", "rosenbrock", steps=30, hparams=hp).params[-1], base
        )
    with pytest.raises(ValueError, match="outside its range"):
        optviz.run("lookahead-adam", "rosenbrock", steps=3, hparams={"lookahead.k": 0})
    with pytest.raises(ValueError, match="whole number"):
        optviz.run("lookahead-adam", "rosenbrock", steps=3, hparams={"lookahead.k": 2.5})


def test_modifier_called_on_an_optimizer_with_new_defaults():
    opt = LOOKAHEAD(optviz.OPTIMIZERS["adam"], k=10)
    assert opt.key == "lookahead-adam" and opt.defaults["lookahead.k"] == 10
    assert optviz.run(opt, "rosenbrock", steps=12).hparams["lookahead.k"] == 10
    with pytest.raises(ValueError, match="unknown hyperparameter 'rho'"):
        LOOKAHEAD("adam", rho=1.0)
    with pytest.raises(ValueError, match="outside its range"):
        SAM("adam", rho=-1.0)


@pytest.mark.parametrize("key", COMPOSITES)
def test_composite_declares_and_records_its_whole_state(key):
    opt = optviz.OPTIMIZERS[key]
    state = opt.init(np.zeros(2), opt.defaults)
    assert tuple(type(state)._fields) == tuple(v.name for v in opt.state)
    names = [v.name for v in opt.all_state]
    assert len(names) == len(set(names))
    assert [v.name for v in opt.inner.state] == names[: len(opt.inner.state)]
    own = MODIFIERS[opt.modifier].state
    assert names[len(opt.inner.state) : len(opt.state)] == [f"{opt.modifier}_{v.name}" for v in own]
    assert opt.family == opt.inner.family and opt.inner.latex in opt.latex
    assert opt.uses_context == (opt.modifier in ("sam", "cautious") or opt.inner.uses_context)
    trace = optviz.run(key, "linear_regression", steps=12)
    for v in opt.all_state:
        assert trace.state[v.name].shape == ((12, 2) if v.per_coordinate else (12,)), v.name
        assert np.isfinite(trace.state[v.name]).all(), v.name
    assert trace.optimizer == key
    again = optviz.run(**{**trace.config(), "problem": trace.problem})  # the recorded config reruns it
    np.testing.assert_array_equal(again.params, trace.params)


@pytest.mark.parametrize(
    ("key", "grid"),
    [
        ("lookahead-adam", {"lookahead.k": [1, 2, 3, 5], "lookahead.alpha": [0.0, 0.3, 1.0]}),
        ("lookahead-sgd", {"learning_rate": [0.01, 0.1], "lookahead.alpha": [0.2, 0.8]}),
        ("sam-adam", {"sam.rho": [0.0, 0.05, 0.5], "beta1": [0.5, 0.9]}),
        ("sam-adadelta", {"rho": [0.5, 0.9], "sam.rho": [0.01, 0.2]}),
        ("cautious-adamw", {"weight_decay": [0.0, 0.1], "learning_rate": [0.01, 0.3]}),
        ("cautious-lion", {"learning_rate": [0.003, 0.03]}),
        ("lookahead-cautious-adamw", {"lookahead.k": [2, 4], "learning_rate": [0.05, 0.2]}),
    ],
)
@pytest.mark.parametrize("noisy", [False, True])
def test_sweep_cells_equal_their_runs_bit_for_bit(key, grid, noisy):
    kw = {"batch_size": 10, "grad_noise": 0.3, "seed": 4} if noisy else {}
    res = optviz.sweep(key, "linear_regression", steps=40, grid=grid, schedule="cosine", **kw)
    assert res.optimizer == key
    for idx in np.ndindex(*res.shape):
        tr = optviz.run(key, "linear_regression", steps=40, hparams=res.config(idx), schedule="cosine", **kw)
        np.testing.assert_array_equal(tr.params[-1], res.final_params[idx])
        assert tr.final_loss == res.final_loss[idx]


def test_lookahead_syncs_every_k_steps_and_starts_slow_weights_at_the_start():
    k = 4
    tr = optviz.run(
        "lookahead-adam", "rosenbrock", steps=13, hparams={"learning_rate": 0.05, "lookahead.k": k}
    )
    slow = tr.state["lookahead_slow"]
    for t in range(1, 14):
        before = slow[t - 2] if t > 1 else tr.start
        if t % k:
            np.testing.assert_array_equal(slow[t - 1], before)  # the slow weights wait
        else:
            np.testing.assert_array_equal(tr.params[t], slow[t - 1])  # the fast weights restart there
            assert not np.array_equal(slow[t - 1], before)
    # alpha = 1: the slow weights follow the fast ones, which is the inner optimizer itself
    one = optviz.run("lookahead-adam", "rosenbrock", steps=30, hparams={"lookahead.alpha": 1.0})
    np.testing.assert_allclose(one.params, optviz.run("adam", "rosenbrock", steps=30).params, rtol=1e-14)


def test_sam_takes_the_gradient_at_the_ascent_point_on_the_same_minibatch():
    kw = {"steps": 25, "batch_size": 7, "grad_noise": 0.2, "seed": 3}
    zero = optviz.run("sam-momentum", "linear_regression", hparams={"sam.rho": 0.0}, **kw)
    np.testing.assert_array_equal(zero.params, optviz.run("momentum", "linear_regression", **kw).params)
    np.testing.assert_array_equal(zero.state["sam_grad"], zero.grads)  # rho = 0: the ascent point is p
    tr = optviz.run("sam-sgd", "rosenbrock", steps=20, hparams={"learning_rate": 1e-3, "sam.rho": 0.1})
    step = tr.state["sam_ascent"] - tr.params[:-1]
    np.testing.assert_allclose(np.linalg.norm(step, axis=1), 0.1, rtol=1e-12)  # rho along g / |g|
    np.testing.assert_allclose(step * 10, tr.grads / np.linalg.norm(tr.grads, axis=1)[:, None], rtol=1e-12)
    np.testing.assert_array_equal(tr.state["sam_grad"], tr.problem.grad(tr.state["sam_ascent"]))
    np.testing.assert_allclose(tr.params[1:], tr.params[:-1] - 1e-3 * tr.state["sam_grad"], rtol=1e-15)
    # with minibatches the ascent gradient is step i's minibatch gradient at the ascent point
    prob = optviz.PROBLEMS["linear_regression"]()
    tr = optviz.run("sam-adam", prob, steps=15, batch_size=9, seed=5, hparams={"sam.rho": 0.3})
    batch_grad = prob.stochastic(9, 15, 5)
    for i in range(15):
        np.testing.assert_array_equal(tr.state["sam_grad"][i], batch_grad(tr.state["sam_ascent"][i], i))
        np.testing.assert_array_equal(tr.grads[i], batch_grad(tr.params[i], i))
    # at a stationary point there is no direction to ascend along: no step, no NaN
    flat = optviz.run("sam-adam", "booth", steps=3, start=[1.0, 3.0])
    assert np.isfinite(flat.params).all() and np.array_equal(flat.state["sam_ascent"][0], [1.0, 3.0])


def test_cautious_drops_the_uphill_coordinates_and_rescales_the_rest():
    hp = {"learning_rate": 0.2, "beta1": 0.95, "weight_decay": 0.05}
    tr = optviz.run("cautious-adamw", "linear_regression", steps=200, hparams=hp)
    plain = optviz.run("adamw", "linear_regression", steps=200, hparams=hp)
    masked = tr.state["cautious_masked"]
    assert set(np.unique(masked)) <= {0.0, 0.5, 1.0} and (masked > 0).sum() >= 10
    assert (masked == 0.5).any() and (masked == 1.0).any()  # one coordinate dropped, and both
    first = int(np.argmax(masked > 0))  # until the first dropped coordinate the runs are one
    np.testing.assert_array_equal(tr.params[: first + 1], plain.params[: first + 1])
    first = int(np.argmax(masked == 0.5))
    decayed = tr.params[first] * (1 - 0.2 * 0.05)  # AdamW's decay is not masked, as in timm
    moved = tr.params[first + 1] - decayed
    agree = moved * tr.grads[first] < 0
    assert agree.sum() == 1 and moved[~agree] == pytest.approx(0.0, abs=1e-15)
    # the kept coordinate moves twice as far as AdamW's own step would (mask / mean(mask) = 2)
    t, m, v = first + 1, tr.state["m"][first], tr.state["v"][first]
    assert (m * tr.grads[first] > 0).tolist() == agree.tolist()  # timm's mask: m agrees with g
    own_step = 0.2 / (1 - 0.95**t) * m / (np.sqrt(v) / np.sqrt(1 - 0.999**t) + 1e-8)
    np.testing.assert_allclose(moved[agree], -2 * own_step[agree], rtol=1e-12)


@pytest.mark.parametrize("key", COMPOSITES)
@pytest.mark.parametrize("problem", ["linear_regression", "rosenbrock"])
def test_by_hand_reproduces_every_recorded_value(key, problem):
    opt = optviz.OPTIMIZERS[key]
    lr = opt.defaults["learning_rate"]
    hp = {"learning_rate": min(lr, 1e-3) if problem == "rosenbrock" else lr}
    hp.update({n: v for n, v in (("lookahead.k", 3), ("weight_decay", 0.01)) if n in opt.hparam_names})
    trace = optviz.run(key, problem, steps=8, hparams=hp, schedule="cosine")
    assert trace.k == 8  # two syncs of Lookahead (k = 3)
    checked = set()
    for step in range(1, trace.k + 1):
        work = explain.by_hand(trace, step)
        assert work.lines[-1].target in {"p", "x", "m"} and "p" in [line.target for line in work.lines]
        for line in work.lines:
            if line.recorded is None:
                continue
            checked.add(line.target)
            computed, recorded = np.asarray(line.computed, float), np.asarray(line.recorded, float)
            scale = max(1.0, float(np.abs(recorded).max()))
            np.testing.assert_allclose(computed, recorded, rtol=1e-9, atol=1e-13 * scale, err_msg=line.target)
    own = {f"{opt.modifier}_{v.name}" for v in MODIFIERS[opt.modifier].state}
    assert {"p"} | own <= checked


def test_sam_shows_its_ascent_gradient_as_the_recorded_value():
    """The one line the expressions cannot compute (a gradient) shows the trace's value; the inner's lines
    then read it as g, and Adan's previous gradient as the previous ascent gradient."""
    trace = optviz.run("sam-adan", "rosenbrock", steps=4, hparams={"learning_rate": 1e-3, "sam.rho": 0.2})
    work = explain.by_hand(trace, 3)
    assert [line.target for line in work.lines][:5] == ["sam_ascent", "sam_grad", "g", "g_last", "delta"]
    grad_line = work.lines[1]
    assert grad_line.expr == "" and r"\nabla L(\tilde\theta_t)" in work.latex(0)
    np.testing.assert_array_equal(grad_line.value, trace.state["sam_grad"][2])
    np.testing.assert_array_equal(work.lines[3].value, trace.state["sam_grad"][1])
    assert work.lines[-1].target == "p"
    np.testing.assert_allclose(work.lines[-1].computed, trace.params[3], rtol=1e-12)


def test_compare_runs_composites_and_their_copies():
    entries = {"adam": None, "lookahead-adam": None, "lookahead-adam~2": {"lookahead.k": 2}, "sam-adam": None}
    assert split_entry("lookahead-adam~2") == ("lookahead-adam", 2)
    assert entry_optimizer("cautious-lion") == "cautious-lion"
    traces = compare(entries, "rosenbrock", steps=20, batch_size=None)
    assert list(traces) == list(entries)
    assert traces["lookahead-adam~2"].hparams["lookahead.k"] == 2
    for name, tr in traces.items():
        key = entry_optimizer(name)
        np.testing.assert_array_equal(
            tr.params, optviz.run(key, "rosenbrock", steps=20, hparams=entries[name]).params
        )


def test_cautious_reads_the_inner_decay_structure():
    assert [o.key for o in optviz.OPTIMIZERS.values() if o.decoupled_decay] == ["adamw", "adabelief", "lion"]
    assert CAUTIOUS("adamw").decoupled_decay and SAM("adamw").decoupled_decay
    assert not LOOKAHEAD("adamw").decoupled_decay  # its sync moves p outside the inner's step


def test_composites_have_their_own_colours_and_state_panels():
    from optviz.plots import internals, style

    taken = {style.optimizer_color(k) for k in optviz.OPTIMIZERS}
    chains = ["lookahead-adam", "sam-adam", "cautious-adam", "lookahead-sgd"]
    colours = [style.optimizer_color(k) for k in chains]
    assert len(set(colours)) == len(colours) and not set(colours) & taken
    assert style.FALLBACK_COLOR not in colours and style.optimizer_color("blink-adam") == style.FALLBACK_COLOR
    for key in ("lookahead-adam", "sam-lion", "cautious-adamw"):
        trace = optviz.run(key, "rosenbrock", steps=30, hparams={"learning_rate": 1e-3})
        d = internals.internals_figure(trace, cursor=10).to_dict()
        titles = [a["text"] for a in d["layout"]["annotations"]]
        for v in optviz.OPTIMIZERS[key].all_state:
            assert any(text.startswith(f"<b>{v.name}</b>") for text in titles), (key, v.name)


@pytest.mark.parametrize(
    "key", ["lookahead-adam", "sam-adadelta", "cautious-lion", "lookahead-sam-cautious-adamw"]
)
def test_update_works_on_any_batch_shape(key):
    """One code path: a (3, 4) batch with array hyperparameters (k and rho included) equals 12 runs."""
    from optviz.optimizers.base import StepContext

    opt = optviz.OPTIMIZERS[key]
    prob = optviz.PROBLEMS["rosenbrock"]()
    rng = np.random.default_rng(2)
    hp = {}
    for p in opt.hparams:
        if p.name == "learning_rate":
            hp[p.name] = rng.uniform(1e-4, 3e-4, size=(3, 4, 1))
        elif p.integer:
            hp[p.name] = rng.integers(1, 4, size=(3, 4, 1)).astype(float)
        else:
            hi = p.default * 1.5 if p.default > 0 else p.low + 0.1 * (p.high - p.low)
            hp[p.name] = rng.uniform(max(p.default * 0.5, p.low), min(hi, p.high), size=(3, 4, 1))
    P = np.broadcast_to(prob.start, (3, 4, 2)).copy()
    state = opt.init(P, hp)
    for t in range(1, 7):
        ctx = StepContext(prob.layout, t, lambda X, i: prob.grad(X))
        P, state = opt.update(prob.grad(P), state, P, t, hp["learning_rate"], hp, ctx=ctx)
    for idx in np.ndindex(3, 4):
        one = {name: float(v[idx][0]) for name, v in hp.items()}
        np.testing.assert_array_equal(P[idx], optviz.run(key, prob, steps=6, hparams=one).params[-1])


def test_cautious_averages_its_mask_per_parameter_tensor():
    """timm averages the mask over each nn.Parameter: a network's W1, b1, W2, b2 each get their own
    rescale; the 2-D problems' scalars (w, b) are one tensor, as in the golden fixtures."""
    from optviz.nets import MLP
    from optviz.optimizers.modifiers import tensors

    prob = MLP("spiral", hidden=(4,), activation="tanh")
    assert list(tensors(prob.layout)) == [prob.layout.span(n) for n in ("W1", "b1", "W2", "b2")]
    assert tensors(optviz.PROBLEMS["rosenbrock"]().layout) == (slice(None),)
    mixed = optviz.Layout.of({"a": (), "W": (2, 2), "c": ()})
    scalars, matrix = tensors(mixed)
    assert scalars.tolist() == [0, 5] and matrix == slice(1, 5)

    hp = {"learning_rate": 0.05, "weight_decay": 0.1}
    tr = optviz.run("cautious-adamw", prob, steps=6, hparams=hp)
    plain = optviz.run("adamw", prob, steps=6, hparams=hp)
    step = int(np.argmax(tr.state["cautious_masked"] > 0))  # the first step that drops a coordinate
    np.testing.assert_array_equal(tr.params[step], plain.params[step])
    p, g = tr.params[step], tr.grads[step]
    base = p * (1 - 0.05 * 0.1)  # AdamW's decay, unmasked; then its step from the recorded moments
    m, v, t = tr.state["m"][step], tr.state["v"][step], step + 1
    descent = 0.05 / (1 - 0.9**t) * m / (np.sqrt(v) / np.sqrt(1 - 0.999**t) + 1e-8)
    expected = base.copy()
    for name in prob.layout.names:
        sl = prob.layout.span(name)
        mask = (descent[sl] * g[sl] > 0).astype(float)
        expected[sl] = base[sl] - descent[sl] * mask / max(mask.mean(), 1e-3)
    np.testing.assert_allclose(tr.params[step + 1], expected, rtol=1e-12, atol=1e-15)
    whole = (descent * g > 0).astype(float)
    assert not np.allclose(expected, base - descent * whole / whole.mean())  # per tensor is not all D


@pytest.mark.parametrize(
    ("key", "grid"),
    [("sam-adam", {"sam.rho": [0.01, 0.3]}), ("cautious-adamw", {"learning_rate": [0.01, 0.05]})],
)
def test_sweep_cells_equal_runs_on_a_network(key, grid):
    """D = 33 and four blocks: SAM's norm and Cautious' per-tensor means sum the same way per row."""
    from optviz.nets import MLP

    prob = MLP("spiral", hidden=(8,), activation="tanh")
    res = optviz.sweep(key, prob, steps=20, grid=grid, batch_size=16, seed=1)
    for idx in np.ndindex(*res.shape):
        tr = optviz.run(key, prob, steps=20, hparams=res.config(idx), batch_size=16, seed=1)
        np.testing.assert_array_equal(tr.params[-1], res.final_params[idx])


@pytest.mark.parametrize("key", ["lookahead-adam", "sam-sgd", "cautious-lion"])
def test_diagnosis_and_exports_take_composites(key):
    trace = optviz.run(key, "ill_conditioned", steps=50, hparams={"learning_rate": 0.05})
    assert explain.diagnose(trace)  # a finding, computed from the composite's hyperparameters
    assert trace.to_csv().splitlines()[0].count(",") >= 8 and key in trace.to_json()
