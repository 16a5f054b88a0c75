"""Everything that can be set from outside the code, read in this one place (docs/settings.md lists it).

The environment is parsed by pydantic-settings, so a wrong value is refused with the variable's name rather than
read as something else. `current()` parses again only when one of the variables has changed, which keeps it cheap
to call on every request and lets tests change a variable with monkeypatch.
"""

from __future__ import annotations

import os
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_data_dir
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from backstretch.core.accounts import IDLE_HOURS_MIN, LOGIN_IDLE

PREFIX = "BACKSTRETCH_"
LOCAL_ADDRESS = "http://127.0.0.1:8000"  # where `backstretch serve` opens the app when told nothing else


class SettingsError(ValueError):
    """A variable holds a value backstretch cannot use; the message names it."""


class Settings(BaseSettings):
    """The person's or the clinic's choices that live outside the database."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    home: Path | None = None
    """The folder for the person's data (database, own stretches); the platform's user data folder when unset."""
    database_url: str | None = None
    """A SQLAlchemy URL; `--db` beats it, and the SQLite file in `home` is used when neither is given."""
    multi_user: bool = False
    """Clinic mode: accounts for clinicians and patients, everyone signs in (`serve --multi-user` sets it)."""
    idle_hours: int = Field(default=int(LOGIN_IDLE / timedelta(hours=1)), ge=IDLE_HOURS_MIN, le=14 * 24)
    """Clinic mode: a login unused this many hours ends (at least 2: a login's last use is written once an hour)."""
    camera: bool = True
    """`off` hides the camera coach in the web player, for clinics whose computers must not ask for a camera."""
    allowed_hosts: str = ""
    """More names the web app answers to, besides this computer's own (comma-separated names or base URLs);
    `serve --allow-host` sets it for its workers."""
    base_url: str | None = None
    """The address people open the app at (`https://clinic.example.org`): invitation and password links and the
    links in calendar reminders start with it, and the app answers to its name. Unset, reminders point at the
    address the app was opened at, or LOCAL_ADDRESS from the command line."""

    @field_validator("home", "database_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("base_url", mode="before")
    @classmethod
    def _an_address(cls, value: object) -> object:
        if not isinstance(value, str) or not value.strip():
            return None
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - a port that is not a number is refused here, by name
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("give the address people open the app at, such as https://clinic.example.org")
        return value.strip().rstrip("/")

    @field_validator("multi_user", "camera", "idle_hours", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object, info: ValidationInfo) -> object:
        # `serve` hands its workers an empty BACKSTRETCH_MULTI_USER for "no".
        if isinstance(value, str) and not value.strip():
            assert info.field_name is not None
            return cls.model_fields[info.field_name].default
        return value

    @property
    def data_folder(self) -> Path:
        return self.home if self.home is not None else Path(user_data_dir("backstretch", appauthor=False))


def _ours() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX)))


@lru_cache(maxsize=8)
def _parse(_environment: tuple[tuple[str, str], ...]) -> Settings:
    # The argument is the cache key only: pydantic-settings reads the environment itself.
    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        name = PREFIX + str(problem["loc"][0]).upper()
        words = f"{name} is {problem['input']!r}, which backstretch cannot use: {problem['msg']}."
        raise SettingsError(words) from None


def current() -> Settings:
    """The settings from the environment as it is now."""
    return _parse(_ours())


def variable(field: str) -> str:
    """The environment variable behind a setting, for code that hands settings on to worker processes."""
    if field not in Settings.model_fields:
        raise KeyError(field)
    return PREFIX + field.upper()
