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

With ``--preview`` each change also asks the Playground's preview route for the new value first, as the
browser does, and with a browser's ``Accept-Encoding`` (a tree without the route answers 404): /proc then
counts what a browser's change costs (a browser also asks the next notch ahead: one more request).

    python benchmarks/ab_rerun.py --against 3082c50 [--rounds 6] [--changes 20] [--values six|new] [--preview]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
from pathlib import Path

from load_test import ROOT, RateSession, timed_server, unpack

WARM_UP = 8


async def measure(sessions: dict[str, RateSession], rounds: int, changes: int) -> None:
    """Warm every server up, then ``rounds`` blocks of ``changes`` changes on each in turn: each session
    moves through the same values, so both trees answer the same changes."""
    for s in sessions.values():
        await s.open()
        for _ in range(WARM_UP):
            await s.change()
    for _ in range(rounds):
        for s in sessions.values():
            await s.block(changes)
    for s in sessions.values():
        await s.ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the commit to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--changes", type=int, default=20, help="changes per block")
    parser.add_argument("--values", choices=("six", "new"), default="six")
    parser.add_argument(
        "--preview", action="store_true", help="each change also asks the preview route, as a browser does"
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        other = unpack(args.against, Path(stack.enter_context(tempfile.TemporaryDirectory())))
        sessions = {}
        for name, root in ((args.against, other), ("this checkout", ROOT)):
            base, proc, runs_log = stack.enter_context(timed_server(root))
            sessions[name] = RateSession(
                base, proc.pid, runs_log, new=args.values == "new", preview=args.preview
            )
        asyncio.run(measure(sessions, args.rounds, args.changes))
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
