"""Every test runs with its own empty data folder, so no test touches a real person's data."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Speed is measured by the bench/ scripts, not asserted in tests: on a shared 2-core machine an example that is slow
# once is not a failure (a property test of the catalogue rules failed so under load, at 370 ms against 200 ms).
settings.register_profile("backstretch", deadline=None)
settings.load_profile("backstretch")


@pytest.fixture(autouse=True)
def backstretch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("BACKSTRETCH_HOME", str(home))
    # The names Starlette's test client and the clinic tests reach the app by, on the app's host allowlist.
    monkeypatch.setenv("BACKSTRETCH_ALLOWED_HOSTS", "testserver,clinic.example")
    return home


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need a browser or PostgreSQL by what they use, so `-m` can pick them without each test
    saying so."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"browser", "page"}:
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and "postgresql" in callspec.params.values()
        if on_postgres or "postgres_url" in fixtures:
            item.add_marker(pytest.mark.postgres)


pytest_plugins = ["tests.web", "tests.databases"]
