"""Suite-wide collection rule: the browser tests run in one pytest-xdist worker, the deployment's in another.

``python -m pytest`` runs two workers (``-n auto --dist loadgroup`` in pyproject.toml): the browser
tests (tests/e2e) share one Streamlit server and one Chromium in one worker, in file order, while the
other worker takes the in-process tests and the deployment tests (which start their own nginx and
replicas). On 2 cores the suite then takes about as long as the browser tests alone. (In the one run
that put two browser files on the second worker, with a server and a Chromium of their own, two
Compare clicks timed out that pass alone; until that is understood, the browser tests share one.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent / "e2e"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(item.fspath).resolve()
        if E2E in path.parents:
            item.add_marker(pytest.mark.xdist_group("deploy" if path.name == "test_deploy.py" else "browser"))
