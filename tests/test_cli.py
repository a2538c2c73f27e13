"""python -m optviz: summaries, JSON and CSV output, help from the registries, errors."""

import json
import subprocess
import sys

import optviz
from optviz.cli import main


def cli(*args):
    return subprocess.run([sys.executable, "-m", "optviz", *args], capture_output=True, text=True)


def test_summary_of_a_run(capsys):
    assert main(["adam", "linear_regression", "--steps", "500", "--set", "learning_rate=0.05"]) == 0
    out = capsys.readouterr().out
    tr = optviz.run("adam", "linear_regression", steps=500, hparams={"learning_rate": 0.05})
    assert f"final loss: {tr.final_loss:.6g}" in out
    assert f"distance to the nearest minimum: {tr.optimum_distance:.6g}" in out and "not converged" in out


def test_divergence_is_reported(capsys):
    assert main(["sgd", "ill_conditioned", "--set", "learning_rate=0.6", "--steps", "300"]) == 0
    tr = optviz.run("sgd", "ill_conditioned", steps=300, hparams={"learning_rate": 0.6})
    assert f"DIVERGED at step {tr.diverged_at}" in capsys.readouterr().out


def test_json_and_csv(capsys):
    main(["momentum", "booth", "--steps", "20", "--json", "--set", "dampening=0.1", "--start", "1,2"])
    d = json.loads(capsys.readouterr().out)
    tr = optviz.run("momentum", "booth", steps=20, hparams={"dampening": 0.1}, start=[1, 2])
    assert d["params"] == tr.params.tolist() and d["config"]["hparams"]["dampening"] == 0.1
    main(["adam", "booth", "--steps", "3", "--csv"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("step,x,y,loss,lr") and len(lines) == 5


def test_sweep_outputs(capsys):
    args = ["adam", "linear_regression", "--steps", "50", "--grid", "learning_rate=1e-3:1:4:log",
            "--grid", "beta1=0.5,0.9"]  # fmt: skip
    main(args)
    assert "learning_rate (4) x beta1 (2)" in capsys.readouterr().out
    main([*args, "--csv"])
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0] == "learning_rate,beta1,final_loss,best_loss,steps_to_converge,diverged_at"
        and len(lines) == 9
    )
    main([*args, "--json"])
    assert len(json.loads(capsys.readouterr().out)["cells"]) == 8


def test_help_lists_every_registry_entry():
    out = cli("--help").stdout
    for registry in (optviz.OPTIMIZERS, optviz.PROBLEMS, optviz.SCHEDULES):
        for key in registry:
            assert f"  {key} " in out


def test_errors_exit_2_with_the_message():
    r = cli("adam", "bowl")
    assert r.returncode == 2 and "error: unknown problem 'bowl'; allowed: linear_regression" in r.stderr
    r = cli("adam", "booth", "--set", "beta1=high")
    assert r.returncode == 2 and "--set beta1: 'high' is not a number" in r.stderr
    r = cli("adam", "booth", "--grid", "beta1=0:1")
    assert r.returncode == 2 and "--grid beta1" in r.stderr
    assert "Traceback" not in r.stderr
