"""Suite-wide collection rule: every browser test runs in one pytest-xdist worker.

``python -m pytest`` runs two workers (``-n auto --dist loadgroup`` in pyproject.toml): the browser
tests (tests/e2e) share one Streamlit server and one Chromium in one worker, in file order, while the
other worker takes the in-process tests. On 2 cores the suite then takes about as long as the browser
tests alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent / "e2e"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
