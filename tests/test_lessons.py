"""Every lesson is valid data, has its texts in both languages, opens from a URL, and really shows
the point its explanation makes (checked on the runs its page computes)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import optviz
from optviz import i18n
from optviz.lessons import (
    LESSONS,
    Lesson,
    compare_config,
    get_lesson,
    lesson_query,
    lesson_url,
    lessons_for,
    playground_config,
)
from optviz.problems import SHARP_FLAT_MINIMA


def _sign_changes(a: np.ndarray) -> int:
    s = np.sign(a)
    s = s[s != 0]
    return int((s[1:] != s[:-1]).sum())


def _late_mean(loss: np.ndarray, n: int = 100) -> float:
    return float(np.mean(loss[-n:]))


def _variant(lesson: Lesson, optimizer: str | None = None, **changes) -> dict[str, optviz.Trace]:
    """Runs of ``lesson`` with settings changed (hparams of ``optimizer`` merged, others replaced)."""
    hp = changes.pop("hparams", None)
    setups = {k: dict(v) for k, v in lesson.setups.items()}
    if hp:
        setups[optimizer or lesson.optimizers[0]].update(hp)
    return dataclasses.replace(lesson, setups=setups, **changes).runs()


# --- one check per lesson: the point its explanation makes -------------------------------------------
def check_ravine_momentum(lesson, runs):
    sgd, mom = runs["sgd"], runs["momentum"]
    # SGD overshoots in y on every one of its first 20 steps: a zig-zag.
    assert _sign_changes(sgd.params[:21, 1]) == 20
    assert mom.converged_at is not None and sgd.converged_at is not None
    assert mom.converged_at < sgd.converged_at / 2
    assert lesson.setups["sgd"]["learning_rate"] == lesson.setups["momentum"]["learning_rate"]


def check_momentum_overshoot(lesson, runs):
    tr = runs["momentum"]
    x_star = tr.problem.minima[0, 0]
    assert _sign_changes(tr.params[:, 0] - x_star) >= 2  # runs past the minimum and back
    assert np.sum(np.diff(tr.loss) > 0) > 0.2 * tr.k  # the loss goes up again and again
    calm = _variant(lesson, hparams={"momentum": 0.5})["momentum"]
    assert _sign_changes(calm.params[:, 0] - x_star) == 0


def check_stability_limit(lesson, runs):
    tr = runs["sgd"]
    limit = 2.0 / lesson.build_problem().max_curvature
    assert lesson.setups["sgd"]["learning_rate"] > limit
    assert tr.diverged_at is not None
    safe = _variant(lesson, hparams={"learning_rate": 0.9 * limit})["sgd"]
    assert safe.diverged_at is None and safe.converged_at is not None


def check_adam_sign(lesson, runs):
    lr = lesson.setups["adam"]["learning_rate"]
    for problem in ({}, {"x_high": 100.0}):  # inputs x 100: gradients ~1000 times larger
        trs = _variant(lesson, problem_params=problem, steps=5) if problem else runs
        adam, sgd = trs["adam"], trs["sgd"]
        g0 = adam.grads[0]
        np.testing.assert_allclose(adam.updates[0], -lr * np.sign(g0), rtol=1e-6)
        np.testing.assert_allclose(np.abs(adam.updates[:5]), lr, rtol=0.01)
        np.testing.assert_allclose(sgd.updates[0], -lesson.setups["sgd"]["learning_rate"] * g0, rtol=1e-12)
    # SGD's first step follows the gradient, which is not diagonal; Adam's is.
    first = runs["sgd"].updates[0]
    assert abs(abs(first[0]) - abs(first[1])) > 0.2 * np.abs(first).max()


def check_epsilon_dominates(lesson, runs):
    tr = runs["adam"]
    hp = lesson.setups["adam"]
    lr, eps = hp["learning_rate"], hp["epsilon"]
    root = np.sqrt(tr.state["v_hat"][-1])
    assert root[0] < 0.5 * eps  # on x, eps is more than twice sqrt(v_hat)
    assert root[1] > eps  # on y it is not
    np.testing.assert_allclose(tr.state["effective_lr"][-1, 0], lr / (root[0] + eps))
    assert tr.state["effective_lr"][-1, 0] > 0.7 * lr / eps
    # x crawls: still far from 0 at the end, while y has settled; eps = 1e-8 reaches x = 0.
    assert abs(tr.params[-1, 0]) > 0.03 and abs(tr.params[-1, 1]) < 1e-5
    default = _variant(lesson, hparams={"epsilon": 1e-8})["adam"]
    assert abs(default.params[-1, 0]) < 1e-4
    assert tr.final_loss > 100 * default.final_loss


def check_beta2_noisy(lesson, runs):
    noisy = runs["adam"]
    calm = _variant(lesson, hparams={"beta2": 0.999})["adam"]

    def jumpiness(tr):
        return float(np.log10(tr.state["effective_lr"][50:]).std(axis=0).mean())

    assert jumpiness(noisy) > 3 * jumpiness(calm)
    step = lambda tr: np.linalg.norm(tr.updates[-100:], axis=1).mean()  # noqa: E731
    assert step(noisy) > 5 * step(calm)


def check_adagrad_stalls(lesson, runs):
    ada, rms = runs["adagrad"], runs["rmsprop"]
    eff = ada.state["effective_lr"]
    assert np.all(np.diff(eff, axis=0) <= 0)  # the step size only shrinks
    steps = np.linalg.norm(ada.updates, axis=1)
    assert steps[-1] < steps[0] / 50
    problem = lesson.build_problem()
    assert ada.converged_at is None and ada.final_loss - problem.min_loss > 10 * problem.min_loss
    assert rms.converged_at is not None


def check_adamw_vs_adam(lesson, runs):
    problem = lesson.build_problem()
    lam = lesson.setups["adam"]["weight_decay"]
    assert lesson.setups["adamw"]["weight_decay"] == lam
    # Adam + L2 ends at the minimum of loss + lam/2 |theta|^2 (ridge regression); AdamW does not.
    H = problem.hessian
    ridge = np.linalg.solve(H + lam * np.eye(2), H @ problem.minima[0])
    np.testing.assert_allclose(runs["adam"].params[-1], ridge, atol=1e-4)
    assert np.linalg.norm(runs["adamw"].params[-1] - ridge) > 0.3


def check_saddle_escape(lesson, runs):
    escaped = {}
    for key, tr in runs.items():
        out = np.abs(tr.params[:, 1]) > 1.0
        assert out.any(), key
        escaped[key] = int(np.argmax(out))
    assert escaped["adam"] < escaped["momentum"] < escaped["sgd"]
    assert 60 <= escaped["sgd"] <= 80  # "about 70 steps"


def check_rastrigin_local_minima(lesson, runs):
    ends = []
    for key, tr in runs.items():
        assert tr.diverged_at is None, key
        assert np.linalg.norm(tr.grads[-1]) < 1e-2, key  # stopped at a stationary point ...
        assert tr.final_loss > 1.0, key  # ... which is not the global minimum (loss 0)
        ends.append(tuple(np.round(tr.params[-1], 2)))
    assert ends[0] == ends[1] != ends[2]  # SGD and momentum: the nearest one; Adam: further


def check_warmup(lesson, runs):
    tr = runs["momentum"]
    assert tr.diverged_at is None and tr.converged_at is not None
    np.testing.assert_allclose(tr.params[-1], [3.0, 0.5], atol=1e-3)
    constant = _variant(lesson, schedule="constant", schedule_params={})["momentum"]
    assert constant.diverged_at is not None and constant.diverged_at < 10


def check_minibatch_noise(lesson, runs):
    tr = runs["sgd"]
    full = _variant(lesson, batch_size=None)["sgd"]
    assert full.converged_at is not None and tr.converged_at is None
    assert tr.loss[-100:].std() > 1000 * full.loss[-100:].std()
    opt = tr.problem.minima[0]
    assert np.linalg.norm(tr.params[-1] - opt) > 10 * np.linalg.norm(full.params[-1] - opt)


def check_lion_sign(lesson, runs):
    tr = runs["lion"]
    lr = lesson.setups["lion"]["learning_rate"]
    np.testing.assert_allclose(np.abs(tr.updates), lr, rtol=1e-9)  # every coordinate, every step
    assert tr.converged_at is None
    tail = tr.params[-20:]
    assert np.abs(tail).max() < 3 * lr  # hopping around the minimum ...
    assert _sign_changes(tail[:, 0]) >= 5  # ... back and forth


def check_schedule_free(lesson, runs):
    assert lesson.schedule == "constant" and lesson.grad_noise > 0
    problem = lesson.build_problem()
    for seed in range(3):  # not a lucky seed
        trs = runs if seed == lesson.seed else _variant(lesson, seed=seed)
        sgd = _late_mean(trs["sgd"].loss)
        sf_x = float(problem.loss(trs["sf_sgd"].state["x"][-100:]).mean())
        sf_y = _late_mean(trs["sf_sgd"].loss)
        assert sf_x < sgd / 3 and sf_y < sgd / 2, seed


def check_prodigy_finds_step(lesson, runs):
    tr = runs["prodigy"]
    d0 = optviz.OPTIMIZERS["prodigy"].param("d0").default
    assert tr.state["d"][0] == pytest.approx(d0)
    assert tr.state["d"][50] > 1e5 * d0
    assert np.all(np.diff(tr.state["d"]) >= 0)
    assert tr.converged_at is not None


def check_rosenbrock_valley(lesson, runs):
    dist = {}
    for key, tr in runs.items():
        x, y = tr.params[:, 0], tr.params[:, 1]
        assert np.argmax(np.abs(y - x**2) < 0.05) <= 5, key  # in the valley within 5 steps
        dist[key] = float(np.hypot(x[-1] - 1, y[-1] - 1))
    assert dist["momentum"] < 0.05 < dist["adam"] < dist["sgd"]


def check_shampoo_rotated_ravine(lesson, runs):
    """The ravine is rotated: Adagrad's per-coordinate scaling stalls, Shampoo's full matrix converges;
    the same Adagrad converges on the axis-aligned ravine (the rotation is what stops it)."""
    problem = lesson.build_problem()
    vectors = np.linalg.eigh(problem.hessian)[1]
    assert np.all(np.abs(vectors) > 0.3)  # neither eigenvector lies along an axis
    ada, sham = runs["adagrad"], runs["shampoo"]
    assert sham.converged_at is not None and sham.converged_at < 100
    assert ada.converged_at is None and ada.final_loss - problem.min_loss > 1e-3
    aligned = optviz.run(
        "adagrad", "ill_conditioned", steps=lesson.steps, hparams=dict(lesson.setups["adagrad"])
    )
    assert aligned.converged_at is not None


def check_lbfgs_rosenbrock(lesson, runs):
    """L-BFGS reaches (1, 1) within 100 steps at one gradient per step; Adam is still in the valley."""
    lbfgs, adam = runs["lbfgs"], runs["adam"]
    assert lbfgs.converged_at is not None and lbfgs.converged_at < 100
    np.testing.assert_allclose(lbfgs.params[-1], [1.0, 1.0], atol=1e-4)
    np.testing.assert_array_equal(lbfgs.state["evals"], 1.0)  # no line search: one evaluation a step
    assert adam.converged_at is None and adam.final_loss > 0.1


def check_sam_flat_minimum(lesson, runs):
    """SGD and Adam end in the sharp well (the lowest loss); SAM(Adam) ends in the flat one, 30 times less
    curved; with a small rho SAM stays in the sharp well too."""
    problem = lesson.build_problem()
    sharp, flat = SHARP_FLAT_MINIMA  # the global minimum and the flat, local one
    np.testing.assert_array_equal(problem.minima, [sharp])
    for key in ("sgd", "adam"):
        np.testing.assert_allclose(runs[key].params[-1], sharp, atol=1e-6)
    sam = runs["sam-adam"]
    assert np.linalg.norm(sam.params[-1] - flat) < 0.02 and sam.final_loss > problem.min_loss + 0.2
    curvature = [np.linalg.eigvalsh(_hessian(problem, m)).max() for m in (sharp, flat)]
    assert curvature[0] > 20 * curvature[1]
    timid = _variant(lesson, "sam-adam", hparams={"sam.rho": 0.1})["sam-adam"]
    assert np.linalg.norm(timid.params[-1] - sharp) < 0.05


def _hessian(problem, p, h=1e-6):
    """Central differences of the analytic gradient."""
    return np.array([(problem.grad(p + h * e) - problem.grad(p - h * e)) / (2 * h) for e in np.eye(2)])


def _crossings(problem, params: np.ndarray) -> int:
    """How often the horizontal line through the centre (x1 from -1.6 to 1.6, the boundary view's window)
    crosses the network's decision boundary."""
    x1 = np.linspace(-1.6, 1.6, 801)
    logits = problem.logits(params, np.stack([x1, np.zeros_like(x1)], -1))
    return int((np.diff(np.sign(logits)) != 0).sum())


def check_spiral_boundary(lesson, runs):
    """SGD stays on the spiral's plateau (61% after 500 steps, steps of 0.005 on a gradient of 0.01, one
    gentle boundary), and no larger learning rate rescues it; Adam's steps are forty times longer: 90% by
    step 200, 95% by 380, a boundary winding along the arms; 97% train against 85% test at the end, and a
    test loss that climbs back from 0.56 (step 45) to 1.0 while the train loss falls to 0.07."""
    from optviz.plots.networks import accuracy, on_test_split

    problem = lesson.build_problem()
    assert (problem.data.name, problem.hidden, problem.dim) == ("spiral", (16, 16), 337)
    assert (len(problem.data.y_train), len(problem.data.y_test)) == (160, 40)
    sgd, adam = runs["sgd"], runs["adam"]
    acc = {key: accuracy(problem, tr.params) for key, tr in runs.items()}
    test = {key: accuracy(problem, tr.params, "test") for key, tr in runs.items()}
    assert round(100 * acc["sgd"][-1]) == 61 and acc["sgd"].max() < 0.65
    assert round(sgd.loss[0], 2) == 0.71 and round(sgd.final_loss, 2) == 0.62
    plateau = slice(25, 200)
    grad = np.median(np.linalg.norm(sgd.grads[plateau], axis=1))
    steps = {key: np.median(np.linalg.norm(tr.updates[plateau], axis=1)) for key, tr in runs.items()}
    assert 0.008 < grad < 0.012 and 0.004 < steps["sgd"] < 0.006  # SGD's step: 0.5 x the gradient
    assert 0.15 < steps["adam"] < 0.25 and steps["adam"] > 35 * steps["sgd"]
    first = {p: int(np.argmax(acc["adam"] >= p)) for p in (0.90, 0.95)}
    assert 150 < first[0.90] <= 200 and 300 < first[0.95] <= 380
    assert (round(100 * acc["adam"][-1]), round(100 * test["adam"][-1])) == (97, 85)
    test_loss = on_test_split(problem).loss(adam.params)  # the curves' dashed loss
    assert (int(test_loss.argmin()), round(test_loss.min(), 2), round(test_loss[-1], 1)) == (45, 0.56, 1.0)
    assert round(adam.final_loss, 2) == 0.07 and test_loss[-1] > test_loss[0]
    assert (_crossings(problem, sgd.params[-1]), _crossings(problem, adam.params[-1])) == (2, 6)
    for lr in (1.0, 2.0, 4.0):  # a larger learning rate does not rescue SGD
        longer = dataclasses.replace(lesson, setups={"sgd": {"learning_rate": lr}}, steps=1000).runs()["sgd"]
        assert longer.diverged_at is None and accuracy(problem, longer.params[-1:])[0] < 0.7, lr


def check_slice_caveat(lesson, runs):
    """The PCA slice through SGD's end holds 71% + 26% of the paths' spread; SGD's path ends on it, but the
    slice under the start (0.36) and under Adam's end (0.060) are far from the losses the network had (0.66
    and 0.021): Adam ends three times below SGD and below every point of the slice. Not a lucky seed."""
    from optviz.i18n import t
    from optviz.plots.networks import caveat_losses, landscape, pca_plane, slice_loss

    def measure(trs):
        plane = pca_plane(trs)  # as the Networks page computes its slice
        view = landscape(trs, plane)
        lowest = slice_loss(trs["sgd"].problem, plane, view.window)[2].min()
        under = {key: caveat_losses(tr, plane)[1] for key, tr in trs.items()}
        return plane, lowest, under

    assert lesson.optimizers[0] == "sgd"  # the slice goes through the first optimizer's final weights
    plane, lowest, under = measure(runs)
    sgd, adam = runs["sgd"], runs["adam"]
    assert sgd.problem.dim == 105
    assert plane.labels == tuple(t("net.pc", "en", i=i, share=share) for i, share in ((1, 71), (2, 26)))
    P = np.concatenate([tr.params for tr in runs.values()])  # every step of both paths
    kept = np.sum(plane.project(P) ** 2) / np.sum((P - plane.origin) ** 2)  # orthonormal directions
    assert 0.96 < kept < 0.99  # "a few percent" are left out
    np.testing.assert_allclose(under["sgd"][-1], sgd.final_loss, rtol=1e-12)  # on the plane
    assert (round(sgd.loss[0], 2), round(under["sgd"][0], 2)) == (0.66, 0.36)
    ends = (adam.final_loss, under["adam"][-1], sgd.final_loss)
    assert tuple(round(x, 3) for x in ends) == (0.021, 0.060, 0.065)
    assert 2.5 < under["adam"][-1] / adam.final_loss < 3.5 and 2.5 < sgd.final_loss / adam.final_loss < 3.5
    assert round(lowest, 3) == 0.032 and lowest > adam.final_loss
    for seed in (1, 2):  # other initial weights: the same caveat
        trs = _variant(lesson, problem_params={**lesson.problem_params, "init_seed": seed})
        _, lowest, under = measure(trs)
        loss = {key: tr.loss for key, tr in trs.items()}
        assert under["sgd"][0] < 0.7 * loss["sgd"][0], seed
        assert under["adam"][-1] > 2 * loss["adam"][-1] and loss["adam"][-1] < loss["sgd"][-1] / 2, seed
        assert lowest > loss["adam"][-1], seed


def check_adopt_small_beta2(lesson, runs):
    """One-term minibatches, beta2 = 0.1, no momentum: Adam ends near x = +1, the wrong side of the minimum
    (-1, 0), on every seed tried; ADOPT ends near the minimum, AMSGrad on its side but behind. A rare large
    gradient moves Adam by lr / sqrt(1 - beta2) at most, about as far as a small one; ADOPT several times
    further. The same Adam with the full batch, or with beta2 = 0.999, ends at the minimum; with
    beta1 = 0.9 on the minimum's side (the question)."""
    problem = lesson.build_problem()
    minimum = problem.minima[0]
    np.testing.assert_array_equal(minimum, [-1.0, 0.0])
    assert problem.start[0] > minimum[0] and lesson.batch_size == 1
    assert len({tuple(sorted(hp.items())) for hp in lesson.setups.values()}) == 1  # the same settings
    assert lesson.setups["adam"]["beta2"] == 0.1 and lesson.setups["adam"]["beta1"] == 0.0
    for seed in range(3):  # not a lucky seed
        trs = runs if seed == lesson.seed else _variant(lesson, seed=seed)
        adam, adopt, ams = trs["adam"], trs["adopt"], trs["amsgrad"]
        assert all(tr.diverged_at is None for tr in trs.values()), seed
        assert adam.params[-1, 0] > 0.8 and adam.params[-200:, 0].mean() > 0.9, seed  # the wrong side
        assert np.linalg.norm(adopt.params[-1] - minimum) < 0.2, seed
        assert abs(adopt.params[-200:, 0].mean() - minimum[0]) < 0.2, seed
        assert -1.2 < ams.params[-1, 0] < -0.8, seed
        near = [int(np.argmax(np.abs(tr.params[:, 0] - minimum[0]) < 0.2)) for tr in (adopt, ams)]
        assert 0 < near[0] < near[1], seed  # AMSGrad gets there later

    lr, beta2 = lesson.setups["adam"]["learning_rate"], lesson.setups["adam"]["beta2"]
    # Adam's largest step when beta1 = 0: |g| / sqrt(v_hat) <= 1 / sqrt(1 - beta2)
    cap = lr / np.sqrt(1.0 - beta2)

    def steps(tr):  # |step in x| on the rare large gradients, and on the small ones away from x = +1
        rare, step, x = tr.grads[:, 0] > 4.0, np.abs(tr.updates[:, 0]), tr.params[:-1, 0]
        assert 0.15 < rare.mean() < 0.25  # the minibatches: one term in five is a rare one
        return step[rare], step[~rare & (x < 0.5)]

    rare, small = steps(runs["adam"])
    assert rare.max() <= cap * (1 + 1e-12) and np.median(rare) > 0.99 * cap  # about 1.05 lr, never more
    assert 0.8 * lr < np.median(small) < cap
    rare, small = steps(runs["adopt"])
    assert np.median(rare) > 3 * max(lr, np.median(small))  # a large gradient, a large step
    for changes in ({"batch_size": None}, {"hparams": {"beta2": 0.999}}):
        adam = _variant(lesson, "adam", **changes)["adam"]
        assert np.linalg.norm(adam.params[-1] - minimum) < 0.02, changes
    momentum = _variant(lesson, "adam", hparams={"beta1": 0.9})["adam"]
    assert momentum.params[-1, 0] < -0.5  # the question: momentum averages the rare gradients back in


def check_muon_singular_values(lesson, runs):
    """SGD learns the target's singular values one at a time, largest first; Muon learns them together,
    the smallest first and before the others do; its constant step length keeps its loss above SGD's."""
    problem = lesson.build_problem()
    target = problem.target_singular_values

    def reached(trace) -> np.ndarray:  # first step at which each singular value is 90% learned
        sv = np.array([problem.singular_values(p)[: target.size] for p in trace.params])  # largest first
        hit = sv >= 0.9 * target
        assert hit.any(axis=0).all()
        return hit.argmax(axis=0)

    sgd, adamw, muon = (reached(runs[k]) for k in ("sgd", "adamw", "muon"))
    assert np.all(np.diff(sgd) > 0) and sgd[-1] >= 4 * sgd[0]  # one at a time, largest first
    assert np.all(np.diff(muon) < 0) and muon[0] <= 3 * muon[-1]  # together, smallest first
    assert muon[-1] < adamw[-1] < sgd[-1]  # the smallest singular value: Muon, then AdamW, then SGD
    assert runs["muon"].final_loss > 1e-3 > 1e-9 > runs["sgd"].final_loss


CHECKS = {name.removeprefix("check_"): fn for name, fn in globals().items() if name.startswith("check_")}


def test_every_lesson_has_a_check():
    assert set(CHECKS) == set(LESSONS)


@pytest.mark.parametrize("key", list(LESSONS))
def test_lesson_shows_its_point(key):
    lesson = LESSONS[key]
    CHECKS[key](lesson, lesson.runs())


# --- the registry as data ------------------------------------------------------------------------------
def test_enough_lessons_on_every_page():
    assert len(LESSONS) >= 14
    assert {lesson.page for lesson in LESSONS.values()} == {"playground", "compare", "networks"}


@pytest.mark.parametrize("key", list(LESSONS))
@pytest.mark.parametrize("part", ["title", "text", "question"])
def test_lesson_texts_in_both_languages(key, part):
    en, zh = i18n.strings()[f"lesson.{key}.{part}"]
    assert en.strip() and zh.strip() and en != zh
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert i18n.t(LESSONS[key].title_key, "zh") == i18n.strings()[f"lesson.{key}.title"][1]


def test_no_lesson_texts_without_a_lesson():
    keys = {k.split(".")[1] for k in i18n.strings() if k.startswith("lesson.")}
    assert keys == set(LESSONS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"page": "sweep"}, "page must be one of"),
        ({"setups": {"adam": {}, "sgd": {}}}, "exactly one optimizer"),
        ({"setups": {"nope": {}}}, "unknown optimizer 'nope'"),
        ({"setups": {"adam": {"learning_rate": 100.0}}}, "learning_rate=100.0 is outside"),
        ({"setups": {"adam": {"momentum": 0.9}}}, "unknown parameter 'momentum'"),
        ({"problem": "nope"}, "unknown problem 'nope'"),
        ({"problem_params": {"noise": -1.0}}, "noise=-1.0 is outside"),
        ({"schedule": "nope"}, "unknown schedule 'nope'"),
    ],
)
def test_bad_lesson_data_is_rejected(changes, message):
    base = dict(key="x", page="playground", problem="linear_regression", setups={"adam": {}}, steps=10)
    with pytest.raises(ValueError, match=message):
        Lesson(**(base | changes))


def test_compare_lesson_needs_two_optimizers():
    with pytest.raises(ValueError, match="2-8 optimizers"):
        Lesson("x", "compare", "booth", {"adam": {}}, steps=10)


def test_get_lesson_and_lessons_for():
    assert get_lesson("warmup") is LESSONS["warmup"]
    with pytest.raises(ValueError, match="allowed: ravine_momentum"):
        get_lesson("nope")
    assert [lesson.key for lesson in lessons_for("lion")] == ["lion_sign"]
    assert all("adam" in lesson.setups for lesson in lessons_for("adam"))


# --- URLs ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", [k for k, v in LESSONS.items() if v.page == "playground"])
def test_playground_lesson_url_round_trips(key):
    from optviz.app_state import parse_playground, run_kwargs

    lesson = LESSONS[key]
    config, warnings = parse_playground(lesson_query(lesson))
    assert warnings == []
    assert config == playground_config(lesson)
    # The Playground runs exactly the lesson's run.
    kwargs = run_kwargs(config)
    trace = optviz.run(config.optimizer, lesson.build_problem(), **kwargs)
    np.testing.assert_array_equal(trace.params, lesson.runs()[config.optimizer].params)


@pytest.mark.parametrize("key", [k for k, v in LESSONS.items() if v.page == "compare"])
def test_compare_lesson_url_round_trips(key):
    from optviz.app_state import parse_compare, run_kwargs
    from optviz.compare import compare

    lesson = LESSONS[key]
    config, warnings = parse_compare(lesson_query(lesson))
    assert warnings == []
    expected = compare_config(lesson)
    assert config.optimizers == expected.optimizers and dict(config.hparams) == dict(expected.hparams)
    base = dataclasses.replace(config.base, optimizer=expected.base.optimizer, hparams=expected.base.hparams)
    assert base == expected.base
    # The Compare page computes exactly the lesson's runs.
    kwargs = {k: v for k, v in run_kwargs(config.base).items() if k != "hparams"}
    traces = compare(dict(config.hparams), lesson.build_problem(), **kwargs)
    for opt, trace in lesson.runs().items():
        np.testing.assert_array_equal(traces[opt].params, trace.params)


@pytest.mark.parametrize("key", [k for k, v in LESSONS.items() if v.page == "networks"])
def test_networks_lesson_url_round_trips(key):
    """The link opens exactly the lesson (no step cut by the work budget) and the Networks page trains
    exactly the lesson's runs, whose numbers its check asserts."""
    from optviz.nets.scenes import train
    from optviz.network_state import network_config, parse_networks, scene_problem
    from optviz.settings import RunSettings

    lesson = LESSONS[key]
    config, warnings = parse_networks(lesson_query(lesson))
    assert warnings == []
    assert config == network_config(lesson) and config.steps == lesson.steps
    # as pages/networks.py's _runs builds them from config.key()
    setups = {opt: {**optviz.OPTIMIZERS[opt].defaults, "learning_rate": lr} for opt, lr in config.key()[2]}
    problem = scene_problem(config.scene, config.scene_values)
    traces = train(problem, setups, RunSettings(config.steps, batch_size=config.batch_size, seed=config.seed))
    for opt, trace in lesson.runs().items():
        np.testing.assert_array_equal(traces[opt].params, trace.params)


def test_lesson_url_paths_and_extra_parameters():
    assert lesson_url(LESSONS["warmup"]).startswith("/?opt=momentum&")
    assert lesson_url(LESSONS["ravine_momentum"]).startswith("/compare?opts=sgd,momentum&")
    url = lesson_url(LESSONS["warmup"], {"lang": "zh", "present": "true"})
    assert url.endswith("&lang=zh&present=true")
