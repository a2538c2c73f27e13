"""``streamlit`` with each script run's CPU time written down, for the load test (never the app's own server).

    OPTVIZ_RUN_CPU_LOG=/tmp/runs.txt python benchmarks/timed_server.py run app.py ...

Every script run (a whole page or a fragment) appends the CPU time its thread used, in ms, as one line
of the log. /proc's process CPU counts in 10 ms ticks and sums every run; this gives one number per
run, so a median per slider change can be taken (``load_test.py`` adds the server's other threads'
CPU per change: the event loop's serialization and websocket sends)."""

from __future__ import annotations

import os
import sys
import time

from streamlit.runtime.scriptrunner import script_runner

LOG = os.environ["OPTVIZ_RUN_CPU_LOG"]
_run_script = script_runner.ScriptRunner._run_script


def _timed(self, *args, **kwargs):
    began = time.thread_time()
    try:
        return _run_script(self, *args, **kwargs)
    finally:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{(time.thread_time() - began) * 1e3:.3f}\n")


script_runner.ScriptRunner._run_script = _timed

if __name__ == "__main__":
    from streamlit.web.cli import main

    sys.exit(main())
