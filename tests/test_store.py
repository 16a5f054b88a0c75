"""The store: migrations that upgrade an older database in place, and values it refuses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, inspect, select, text

from backstretch.core.measures import Measure, MeasureKind, usual_morning_pain
from backstretch.core.planner import DayRecord, MorningPain
from backstretch.core.profile import Profile, Trimester
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.timeline import Step, StepKind
from backstretch.core.vocab import Condition
from backstretch.store import Store, open_store
from backstretch.store.database import FEELINGS, MIGRATIONS, SessionChanged
from backstretch.store.models import Base, SessionRow
from backstretch.store.transfer import export_data, import_data


def _migrations(connection: Connection) -> Config:
    """Alembic's configuration for the store's own migrations, run on this connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _database_at(url: str, revision: str) -> Iterator[Connection]:
    """A database as that version of the app left it, with its one person (id 1), to write old rows into."""
    with create_engine(url).begin() as connection:
        command.upgrade(_migrations(connection), revision)
        connection.execute(text("INSERT INTO person (id, role, name, created_at) VALUES (1, 'person', '', :now)"),
                           {"now": datetime(2026, 11, 1)})  # fmt: skip
        yield connection


def test_database_from_the_first_version_upgrades_in_place(database_url: str) -> None:
    url = database_url
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(_migrations(connection), "0001")
        connection.execute(
            text("INSERT INTO profile (id, data, updated_at) VALUES (1, :data, '2026-01-01 08:00:00')"),
            {"data": Profile(minutes=12).model_dump_json()},
        )
    assert "session" not in inspect(engine).get_table_names()
    store = open_store(url)
    profile = store.load_profile()
    assert profile is not None and profile.minutes == 12
    assert {"session", "session_step", "stretch_report"} <= set(inspect(store.engine).get_table_names())


def test_pain_outside_0_to_10_is_refused_and_nothing_is_written(database_url: str) -> None:
    store = open_store(database_url)
    with pytest.raises(ValueError, match="0 to 10"):
        store.start_session(date(2026, 11, 24), {"items": []}, pain_before=11)
    assert store.history() == []
    session = store.start_session(date(2026, 11, 24), {"items": []}, pain_before=3)
    with pytest.raises(ValueError, match="0 to 10"):
        store.finish_session(session, "completed", pain_after=-1)
    assert store.history()[0].status == "partial", "an unfinished session shows as partial"
    with pytest.raises(ValueError, match="feeling"):
        store.report_feeling(session, date(2026, 11, 24), "chair-chin-tuck", "meh")


def test_migrations_build_exactly_the_tables_the_code_declares(database_url: str) -> None:
    """A column or index added to the models without a migration (or the reverse) would break existing databases."""
    store = open_store(database_url)
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_every_migration_can_be_undone_and_done_again(database_url: str) -> None:
    url = database_url
    open_store(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        command.downgrade(_migrations(connection), "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(_migrations(connection), "head")
    assert "client_key" in {c["name"] for c in inspect(engine).get_columns("session")}


def test_a_step_or_feeling_saved_twice_is_one_row_whoever_saves_it(database_url: str) -> None:
    """Two app processes (two stores on one database) saving the same retried step store it once."""
    first, second = open_store(database_url), open_store(database_url)
    session = first.start_session(date(2026, 11, 24), {"items": []}, None)
    step = Step(0, StepKind.CHECKLIST, 0, 30, "Before you start")
    assert first.record_step(session, step, 30, "done") is True
    assert second.record_step(session, step, 12, "done") is False
    assert first.report_feeling(session, date(2026, 11, 24), "cat-stretch", "painful") is True
    assert second.report_feeling(session, date(2026, 11, 24), "cat-stretch", "painful") is False
    (summary,) = first.history()
    assert summary.seconds == 30 and summary.painful == ("cat-stretch",)


def test_a_step_read_from_a_plan_that_changed_meanwhile_is_refused_not_misplaced(database_url: str) -> None:
    """Two app processes: one reads the plan to save a step, the other puts an easier variant in first. The step's
    index would now name another stretch, so the database refuses it and the first reads the plan again."""
    first, second = open_store(database_url), open_store(database_url)
    session = first.start_session(date(2026, 11, 24), {"items": ["a"]}, None)
    read = first.running_session(session)
    assert read is not None and read.status == "in-progress" and read.plan == {"items": ["a"]}
    assert second.change_plan(session, {"items": ["a", "b"]}, read.plan_key) is True
    step = Step(0, StepKind.CHECKLIST, 0, 30, "Before you start")
    with pytest.raises(SessionChanged):
        first.record_step(session, step, 30, "done", read)
    assert first.recorded_steps(session) == set()
    assert first.change_plan(session, {"items": ["c"]}, read.plan_key) is False, "a change from a stale read"
    again = first.running_session(session)
    assert again is not None and again.plan == {"items": ["a", "b"]}
    assert first.record_step(session, step, 30, "done", again) is True
    first.add_screening(Screening(date(2026, 11, 24), {q.id: False for q in QUESTIONS}))
    with pytest.raises(SessionChanged):  # newer safety answers than those read: they must be judged first
        first.record_step(session, Step(1, StepKind.SETUP, 30, 10, "Next"), 10, "done", again)
    latest = first.running_session(session)
    assert latest is not None and latest.screenings_up_to > again.screenings_up_to
    assert first.record_step(session, Step(1, StepKind.SETUP, 30, 10, "Next"), 10, "done", latest) is True


def test_a_session_ends_once_and_then_takes_no_more_steps(database_url: str) -> None:
    first, second = open_store(database_url), open_store(database_url)
    session = first.start_session(date(2026, 11, 24), {"items": []}, None)
    assert first.finish_session(session, "stopped", pain_after=6) is True
    assert second.finish_session(session, "completed", pain_after=2) is False
    (summary,) = first.history()
    assert (summary.status, summary.pain_after) == ("stopped", 6)
    with pytest.raises(SessionChanged):
        second.record_step(session, Step(0, StepKind.CHECKLIST, 0, 30, "Before you start"), 30, "done")
    assert second.change_plan(session, {"items": ["a"]}) is False


def test_the_upgrade_keeps_the_first_of_steps_saved_twice(database_url: str) -> None:
    with _database_at(database_url, "0007") as connection:
        connection.execute(text("INSERT INTO session (id, person_id, day, started_at, status, plan, note) VALUES "
                                "(1, 1, '2026-11-01', '2026-11-01 08:00', 'completed', '{}', '')"))  # fmt: skip
        for n, seconds in enumerate((30, 12)):
            connection.execute(text("INSERT INTO session_step (id, session_id, step_index, kind, seconds, outcome, "
                                    "finished_at) VALUES (:id, 1, 0, 'checklist', :s, 'done', '2026-11-01 08:01')"),
                               {"id": n + 1, "s": seconds})  # fmt: skip
    store = open_store(database_url)
    assert [h.seconds for h in store.history()] == [30]


def _stretched(store: Store) -> dict[int, bool]:
    with store.session() as s:
        return {sid: stretched for sid, stretched in s.execute(select(SessionRow.id, SessionRow.stretched))}


def test_a_session_is_a_day_of_stretching_once_a_hold_is_done_and_an_import_says_so_again(database_url: str) -> None:
    """The mark a clinician's dashboard counts days by: only a hold done sets it, not a checklist or a skipped hold,
    and a person's export imported elsewhere carries the same days."""
    store = open_store(database_url)
    day = date(2026, 11, 24)
    session, other = store.start_session(day, {"items": []}, None), store.start_session(day, {"items": []}, None)
    store.record_step(session, Step(0, StepKind.CHECKLIST, 0, 30, "Before you start"), 30, "done")
    store.record_step(session, Step(1, StepKind.HOLD, 30, 20, "Hold", stretch="cat-stretch"), 4, "skipped")
    store.record_step(other, Step(0, StepKind.HOLD, 0, 20, "Hold", stretch="cat-stretch"), 20, "stopped")
    assert _stretched(store) == {session: False, other: False}
    store.record_step(session, Step(2, StepKind.HOLD, 50, 20, "Hold", stretch="cat-stretch"), 20, "done")
    store.record_step(session, Step(3, StepKind.HOLD, 70, 20, "Hold", stretch="cat-stretch"), 20, "done")
    assert _stretched(store) == {session: True, other: False}
    assert [d.on for d in store.active_days()] == [day]
    document = export_data(store)
    with store.session() as s, s.begin():
        store.delete_data(s)
    import_data(store, document)
    assert _stretched(store) == {session: True, other: False}


def test_the_upgrade_marks_the_sessions_with_a_hold_done(database_url: str) -> None:
    with _database_at(database_url, "0013") as connection:
        for sid, (kind, outcome) in enumerate((("hold", "done"), ("hold", "skipped"), ("checklist", "done")), 1):
            connection.execute(text("INSERT INTO session (id, person_id, day, started_at, status, plan, note) VALUES "
                                    "(:id, 1, '2026-11-01', '2026-11-01 08:00', 'completed', '{}', '')"),
                               {"id": sid})  # fmt: skip
            connection.execute(text("INSERT INTO session_step (id, session_id, step_index, kind, seconds, outcome, "
                                    "finished_at) VALUES (:id, :id, 0, :kind, 20, :outcome, '2026-11-01 08:01')"),
                               {"id": sid, "kind": kind, "outcome": outcome})  # fmt: skip
    assert _stretched(open_store(database_url)) == {1: True, 2: False, 3: False}


_STRETCHES = st.sampled_from([None, "cat-stretch", "child-pose", "chair-chin-tuck"])
_SESSIONS = st.lists(st.tuples(
    st.integers(-32, 2),  # the session's day, from `on`
    st.one_of(st.none(), st.integers(0, 10)),  # pain before
    st.lists(st.tuples(st.sampled_from([StepKind.HOLD, StepKind.CHECKLIST]), _STRETCHES,
                       st.sampled_from(["done", "skipped", "stopped"])), max_size=5),
    st.lists(st.tuples(_STRETCHES.filter(bool), st.sampled_from(FEELINGS)), max_size=4),
), max_size=8)  # fmt: skip
_READINGS = st.lists(st.tuples(st.integers(-20, 1), st.integers(0, 10), st.booleans()), max_size=12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions=_SESSIONS, readings=_READINGS)
def test_the_planners_history_says_what_the_sessions_and_readings_say(
    tmp_path_factory: pytest.TempPathFactory, sessions: list[Any], readings: list[Any]
) -> None:
    """The planner's four weeks, read as plain rows, agree with the same sessions read whole through `history()`
    (what was done, what hurt), with the reports as given (what felt fine), and with the next-day rule worked out
    from every pain reading `measures()` returns."""
    on = date(2026, 11, 25)
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('history') / 'history.sqlite3'}")
    fine: dict[int, list[str]] = {}
    for offset, pain_before, steps, reports in sessions:
        day = on + timedelta(days=offset)
        sid = store.start_session(day, {"items": []}, pain_before)
        for index, (kind, stretch, outcome) in enumerate(steps):
            store.record_step(sid, Step(index, kind, index * 20, 20, "A step", stretch=stretch), 20, outcome)
        for stretch, feeling in reports:
            if store.report_feeling(sid, day, stretch, feeling) and feeling == "just-a-stretch":
                fine.setdefault(sid, []).append(stretch)
    for offset, value, morning in readings:
        store.add_measure(Measure(kind=MeasureKind.PAIN, on=on + timedelta(days=offset), value=value, morning=morning))

    got = store.planner_history(on)
    whole = [h for h in store.history(on - timedelta(days=28)) if h.day <= on]
    assert got.days == tuple(DayRecord(h.day, h.done, tuple(fine.get(h.id, ())), h.painful) for h in whole)
    pain = store.measures(MeasureKind.PAIN, since=on - timedelta(days=16))
    expected = []
    for day in (on - timedelta(days=1), on):
        todays = [m.value for m in pain if m.morning and m.on == day]
        usual = usual_morning_pain(pain, day)
        if todays and usual is not None:
            expected.append(MorningPain(day, int(max(todays)), usual))
    assert got.mornings == tuple(expected)


def test_a_profile_saved_before_the_trimester_was_asked_loads_as_stage_not_known(database_url: str) -> None:
    """Profiles are stored as JSON, so no migration: a pregnancy saved without pregnancy_trimester still loads, and
    counts as of unknown stage, which rules out lying on the back or front (Rule pregnancy)."""
    store = open_store(database_url)
    old = {k: v for k, v in Profile(conditions=(Condition.PREGNANCY,)).model_dump(mode="json").items()
           if k != "pregnancy_trimester"}  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO profile (person_id, data, updated_at) VALUES (:person, :data, '2026-01-01 08:00:00')"),
            {"person": store.person_id, "data": json.dumps(old)},
        )
    profile = store.load_profile()
    assert profile is not None and profile.pregnancy_trimester is None
    assert Condition.PREGNANCY_AFTER_FIRST_TRIMESTER in profile.effective_conditions()
    store.save_profile(profile.model_copy(update={"pregnancy_trimester": Trimester.FIRST}))
    again = store.load_profile()
    assert again is not None and Condition.PREGNANCY_AFTER_FIRST_TRIMESTER not in again.effective_conditions()
