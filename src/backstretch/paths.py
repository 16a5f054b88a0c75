"""Where a person's data lives: one folder, overridable for tests and portable installs."""

from __future__ import annotations

from pathlib import Path

from backstretch import settings


def home() -> Path:
    """The person's data folder; BACKSTRETCH_HOME overrides the platform's user data dir."""
    return settings.current().data_folder


def user_stretches_dir() -> Path:
    return home() / "stretches"
