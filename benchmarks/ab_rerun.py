"""The server's CPU per learning-rate change, this checkout against another commit, side by side.

This machine's speed drifts by a fifth within an hour, so two runs of ``bench_rerun.py`` taken apart
cannot show a change of a few ms. Here two servers run at once, one per tree (this checkout, and
``git archive REF`` unpacked in a temporary folder), each started by ``benchmarks/timed_server.py`` (every
script run's own thread CPU), and take blocks of changes in turn, so both see the same drift. One
websocket session per server moves Adam's learning rate on the default page, asking like the browser
for a rerun of the fragment that drew the slider: over six values in turn (``--values six``: the run and
its views come from the shared stores, as a class on one link mostly asks) or one value never chosen
before per change (``--values new``).

Prints, per tree, the median of the script runs' CPU and the median over blocks of the server process's
CPU per change (/proc: the runs plus the event loop's serialization and websocket sends), and the ratios.

    python benchmarks/ab_rerun.py --against 3082c50 [--rounds 6] [--changes 20] [--values six|new]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
from pathlib import Path

import websockets
from load_test import FINISHED, ROOT, cpu_s, read_runs, timed_server, unpack, ws_rerun
from streamlit.proto.WidgetStates_pb2 import WidgetState

KEY = "pg.hp.adam.learning_rate"
WARM_UP = 8


class Session:
    """One websocket session on one server, moving the learning rate a change at a time."""

    def __init__(self, base: str, pid: int, runs_log: Path) -> None:
        self.base, self.pid, self.runs_log = base, pid, runs_log
        self.runs: list[float] = []
        self.per_change: list[float] = []

    async def open(self) -> None:
        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None, proxy=None)
        self.answer = await ws_rerun(self.ws, "", None, KEY)
        self.options = list(self.answer["element"].options)
        self.start = self.options.index("0.01")

    async def change(self, pick: str) -> None:
        value = WidgetState(id=self.answer["element"].id, string_array_value={"data": [pick]})
        self.answer = await ws_rerun(self.ws, self.answer["query"], [value], KEY, self.answer["fragment"])
        assert self.answer["status"] in FINISHED and not self.answer["exceptions"], self.answer
        await asyncio.sleep(0.02)  # the server's last sends after the run's end

    async def block(self, picks: list[str]) -> None:
        counted, before = len(read_runs(self.runs_log)), cpu_s(self.pid)
        for pick in picks:
            await self.change(pick)
        self.per_change.append((cpu_s(self.pid) - before) * 1e3 / len(picks))
        self.runs += read_runs(self.runs_log)[counted:]


async def measure(sessions: dict[str, Session], rounds: int, changes: int, new: bool) -> None:
    for s in sessions.values():
        await s.open()
        for i in range(WARM_UP):
            await s.change(s.options[s.start + (i % 6) - 3])
    step = 0
    for _ in range(rounds):
        for s in sessions.values():
            picks = []
            for i in range(changes):
                step += 1
                picks.append(
                    s.options[(s.start - 40 + step) % len(s.options)]
                    if new
                    else s.options[s.start + (i % 6) - 3]
                )
            await s.block(picks)
    for s in sessions.values():
        await s.ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the commit to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--changes", type=int, default=20, help="changes per block")
    parser.add_argument("--values", choices=("six", "new"), default="six")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        other = unpack(args.against, Path(stack.enter_context(tempfile.TemporaryDirectory())))
        sessions = {}
        for name, root in ((args.against, other), ("this checkout", ROOT)):
            base, proc, runs_log = stack.enter_context(timed_server(root))
            sessions[name] = Session(base, proc.pid, runs_log)
        asyncio.run(measure(sessions, args.rounds, args.changes, args.values == "new"))
    print(f"{args.rounds} blocks of {args.changes} learning-rate changes per server, values: {args.values}")
    for name, s in sessions.items():
        print(
            f"  {name:>14}: script run median {statistics.median(s.runs):5.1f} ms ({len(s.runs)} runs),"
            f" server CPU per change {statistics.median(s.per_change):5.1f} ms (median of blocks)"
        )
    before, after = sessions.values()
    print(
        f"  ratio this checkout / {args.against}: script run"
        f" {statistics.median(after.runs) / statistics.median(before.runs):.2f},"
        f" server CPU {statistics.median(after.per_change) / statistics.median(before.per_change):.2f}"
    )


if __name__ == "__main__":
    main()
