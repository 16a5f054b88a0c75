"""The store: migrations that upgrade an older database in place, and values it refuses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from backstretch.core.profile import Profile
from backstretch.store import open_store
from backstretch.store.database import MIGRATIONS


def test_database_from_the_first_version_upgrades_in_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text("INSERT INTO profile (id, data, updated_at) VALUES (1, :data, '2026-01-01 08:00:00')"),
            {"data": Profile(minutes=12).model_dump_json()},
        )
    assert "session" not in inspect(engine).get_table_names()
    store = open_store(url)
    profile = store.load_profile()
    assert profile is not None and profile.minutes == 12
    assert {"session", "session_step", "stretch_report"} <= set(inspect(store.engine).get_table_names())


def test_pain_outside_0_to_10_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with pytest.raises(ValueError, match="0 to 10"):
        store.start_session(date(2026, 11, 24), {"items": []}, pain_before=11)
    assert store.history() == []
    session = store.start_session(date(2026, 11, 24), {"items": []}, pain_before=3)
    with pytest.raises(ValueError, match="0 to 10"):
        store.finish_session(session, "completed", pain_after=-1)
    assert store.history()[0].status == "partial", "an unfinished session shows as partial"
    with pytest.raises(ValueError, match="feeling"):
        store.report_feeling(session, date(2026, 11, 24), "chair-chin-tuck", "meh")
