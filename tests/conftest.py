"""Suite-wide collection rule: the browser tests run in one pytest-xdist worker, the deployment's in another.

``python -m pytest`` runs two workers (``-n auto --dist loadgroup`` in pyproject.toml): the browser
tests (tests/e2e) share one Streamlit server and one Chromium in one worker, in file order, while the
other worker takes the in-process tests, the deployment tests (which start their own nginx and
replicas) and a few browser tests (``BESIDE``, with their own server and Chromium). On 2 cores the
suite then takes about as long as the main browser group alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent / "e2e"
#: Browser tests that run beside the in-process tests, with a server and a Chromium of their own, so the
#: two workers finish at about the same time (the main browser group is the suite's long pole).
BESIDE = {"test_hostile_links.py", "test_hardening.py"}


def _group(name: str) -> str:
    return "deploy" if name == "test_deploy.py" else "browser-beside" if name in BESIDE else "browser"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(item.fspath).resolve()
        if E2E in path.parents:
            item.add_marker(pytest.mark.xdist_group(_group(path.name)))
