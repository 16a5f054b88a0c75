"""Every test runs with its own empty data folder, so no test touches a real person's data."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def backstretch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("BACKSTRETCH_HOME", str(home))
    return home


pytest_plugins = ["tests.web", "tests.databases"]
