"""Where a person's data lives: one folder, overridable for tests and portable installs."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

HOME_ENV = "BACKSTRETCH_HOME"


def home() -> Path:
    """The person's data folder; BACKSTRETCH_HOME overrides the platform's user data dir."""
    override = os.environ.get(HOME_ENV)
    return Path(override) if override else Path(user_data_dir("backstretch", appauthor=False))


def user_stretches_dir() -> Path:
    return home() / "stretches"
