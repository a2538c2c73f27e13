"""Start the app exactly like ``python -m streamlit run serve.py ...``, with two test instruments inside the
server process (used only by tests/e2e/test_hardening.py, never by the app):

- an audit hook (``sys.addaudithook``) that appends to ``$OPTVIZ_AUDIT_LOG`` one line per file the
  process creates or opens in the temporary directory (``open`` events, which ``os.open`` and
  ``tempfile`` also raise, and ``tempfile.mkstemp``/``mkdtemp``), so a test can prove that an upload
  is never spooled to disk;
- a crash switch: a run of exactly ``CRASH_STEPS`` steps makes ``optviz.explain.diagnose`` raise, so a
  test can open a page that fails inside its body without depending on any real bug.

Usage: ``python tests/e2e/audited_server.py run serve.py --server.port ...``.
"""

from __future__ import annotations

import os
import runpy
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CRASH_STEPS = 13
CRASH_MESSAGE = "deliberate crash for the page-guard test in /srv/secret/module.py"


def _install_audit_hook(log_path: str) -> None:
    tmp = tempfile.gettempdir()
    log = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - lives as long as the process

    def hook(event: str, args: tuple) -> None:
        if event in ("tempfile.mkstemp", "tempfile.mkdtemp"):
            log.write(f"{event} {args[0]}\n")
        elif event == "open" and args and isinstance(args[0], (str, bytes)):
            path = os.fsdecode(args[0])
            if path == tmp or path.startswith(tmp + os.sep):
                log.write(f"open {path}\n")

    sys.addaudithook(hook)


def _install_crash_switch() -> None:
    import optviz.explain

    diagnose = optviz.explain.diagnose

    def crashing_diagnose(trace, *args, **kwargs):
        if trace.steps == CRASH_STEPS:
            raise RuntimeError(CRASH_MESSAGE)
        return diagnose(trace, *args, **kwargs)

    optviz.explain.diagnose = crashing_diagnose


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _install_crash_switch()
    _install_audit_hook(os.environ["OPTVIZ_AUDIT_LOG"])
    sys.argv = ["streamlit", *sys.argv[1:]]
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)
