"""Both databases the store supports: an SQLite file, and a fresh PostgreSQL database per test.

PostgreSQL comes from BACKSTRETCH_TEST_POSTGRES_URL (a server URL whose user may create databases), or else a
server on this computer at 127.0.0.1:5432. Without one the PostgreSQL half of each test is skipped with the reason;
with BACKSTRETCH_REQUIRE_POSTGRES=1 (set by .ci/run) it fails instead, so CI never passes without it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

POSTGRES_ENV = "BACKSTRETCH_TEST_POSTGRES_URL"
REQUIRE_ENV = "BACKSTRETCH_REQUIRE_POSTGRES"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _server() -> tuple[URL | None, str]:
    """The PostgreSQL server to make test databases on, or None with why there is none."""
    url = make_url(os.environ.get(POSTGRES_ENV) or LOCAL_POSTGRES)
    engine = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        return None, (f"no PostgreSQL server at {url.render_as_string(hide_password=True)} "
                      f"(set {POSTGRES_ENV}): {str(error.orig).strip().splitlines()[0]}")  # fmt: skip
    finally:
        engine.dispose()
    return url, ""


@pytest.fixture(scope="session")
def postgres_server() -> tuple[URL | None, str]:
    url, why = _server()
    if url is None and os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but the PostgreSQL tests cannot run: {why}")
    return url, why


@pytest.fixture
def postgres_url(postgres_server: tuple[URL | None, str]) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    server, why = postgres_server
    if server is None:
        pytest.skip(why)
    name = f"backstretch_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store and API test runs on both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))
