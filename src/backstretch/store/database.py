"""Opening the database: the URL, SQLite settings that keep data safe, and migrations on first use."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from backstretch.core.profile import Profile
from backstretch.core.safety import Screening, validate_answers
from backstretch.paths import home
from backstretch.store.models import ProfileRow, ScreeningRow

URL_ENV = "BACKSTRETCH_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(explicit: str | None = None) -> str:
    """--db beats BACKSTRETCH_DATABASE_URL beats the SQLite file in the person's data folder."""
    if explicit:
        return explicit
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    folder = home()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'backstretch.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL keeps finished writes safe if the process is killed; foreign keys are off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    """The person's stored data, in plain core types at the boundary."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def load_profile(self) -> Profile | None:
        with self.session() as s:
            row = s.get(ProfileRow, 1)
            return None if row is None else Profile.model_validate(row.data)

    def save_profile(self, profile: Profile) -> None:
        with self.session() as s, s.begin():
            row = s.get(ProfileRow, 1)
            data = profile.model_dump(mode="json")
            if row is None:
                s.add(ProfileRow(id=1, data=data, updated_at=datetime.now()))
            else:
                row.data, row.updated_at = data, datetime.now()

    def add_screening(self, screening: Screening) -> None:
        validate_answers(screening.answers)
        with self.session() as s, s.begin():
            s.add(ScreeningRow(taken_on=screening.taken_on, answers=dict(screening.answers),
                               cleared_on=screening.cleared_on))  # fmt: skip

    def latest_screening(self) -> Screening | None:
        with self.session() as s:
            row = s.scalars(select(ScreeningRow).order_by(ScreeningRow.taken_on.desc(), ScreeningRow.id.desc())).first()
            if row is None:
                return None
            return Screening(taken_on=row.taken_on, answers=dict(row.answers), cleared_on=row.cleared_on)

    def confirm_clearance(self, on: date) -> bool:
        """Record that a clinician cleared the person after their latest screening; False when there is none."""
        with self.session() as s, s.begin():
            row = s.scalars(select(ScreeningRow).order_by(ScreeningRow.taken_on.desc(), ScreeningRow.id.desc())).first()
            if row is None:
                return False
            row.cleared_on = on
            return True


def open_store(url: str | None = None) -> Store:
    resolved = database_url(url)
    engine = create_engine(resolved)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return Store(engine)
