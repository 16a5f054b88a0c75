"""Opening the database: the URL, SQLite settings that keep data safe, and migrations on first use."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import ArgumentError, DatabaseError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from backstretch.core.consistency import ActiveDay, active_days
from backstretch.core.measures import Measure, MeasureKind, usual_morning_pain
from backstretch.core.planner import DayRecord, History, MorningPain
from backstretch.core.profile import Profile
from backstretch.core.safety import Screening, validate_answers
from backstretch.core.timeline import Step, StepKind
from backstretch.paths import home
from backstretch.store.models import MeasureRow, ProfileRow, ReportRow, ScreeningRow, SessionRow, StepRow

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
            row = _latest_screening_row(s)
            if row is None:
                return None
            return Screening(taken_on=row.taken_on, answers=dict(row.answers), cleared_on=row.cleared_on)

    def start_session(self, day: date, plan: dict[str, object], pain_before: int | None) -> int:
        _check_pain(pain_before)
        with self.session() as s, s.begin():
            row = SessionRow(day=day, started_at=datetime.now(), status="in-progress", plan=plan,
                             pain_before=pain_before, note="")  # fmt: skip
            s.add(row)
            s.flush()
            return row.id

    def record_step(self, session_id: int, step: Step, seconds: float, outcome: str) -> None:
        """Commit one finished step at once: a crash later loses at most the step in progress."""
        with self.session() as s, s.begin():
            s.add(StepRow(session_id=session_id, step_index=step.index, kind=step.kind.value, stretch=step.stretch,
                          side=step.side, rep=step.rep, seconds=round(seconds, 2), outcome=outcome,
                          finished_at=datetime.now()))  # fmt: skip

    def recorded_steps(self, session_id: int) -> set[int]:
        """The step indices already saved for a session, so a player that resumes or retries never saves one twice."""
        with self.session() as s:
            return set(s.scalars(select(StepRow.step_index).where(StepRow.session_id == session_id)))

    def report_feeling(self, session_id: int, day: date, stretch: str, feeling: str) -> None:
        if feeling not in FEELINGS:
            raise ValueError(f"feeling must be one of {', '.join(FEELINGS)}, not {feeling!r}")
        with self.session() as s, s.begin():
            s.add(ReportRow(session_id=session_id, day=day, stretch=stretch, feeling=feeling,
                            reported_at=datetime.now()))  # fmt: skip

    def finish_session(self, session_id: int, status: str, pain_after: int | None = None, note: str = "") -> None:
        if status not in ("completed", "partial", "stopped"):
            raise ValueError(f"unknown session status {status!r}")
        _check_pain(pain_after)
        with self.session() as s, s.begin():
            row = s.get(SessionRow, session_id)
            if row is None:
                raise ValueError(f"no session {session_id}")
            row.status, row.ended_at, row.pain_after, row.note = status, datetime.now(), pain_after, note[:2000]

    def _sessions(self, s: Session, since: date | None) -> list[SessionRow]:
        query = select(SessionRow).options(selectinload(SessionRow.steps), selectinload(SessionRow.reports))
        if since is not None:
            query = query.where(SessionRow.day >= since)
        return list(s.scalars(query.order_by(SessionRow.day, SessionRow.id)))

    def history(self, since: date | None = None) -> list[SessionSummary]:
        with self.session() as s:
            return [_summary(row) for row in self._sessions(s, since)]

    def planner_history(self, on: date) -> History:
        """The last four weeks as the planner reads them: what was done, what felt fine, what hurt."""
        days: list[DayRecord] = []
        with self.session() as s:
            for row in self._sessions(s, on - timedelta(days=HISTORY_DAYS_FOR_PLANNER)):
                if row.day > on:
                    continue
                summary = _summary(row)
                fine = tuple(r.stretch for r in row.reports if r.feeling == "just-a-stretch")
                days.append(DayRecord(row.day, summary.done, fine, summary.painful))
        return History(days=tuple(days), mornings=self._mornings(on))

    def _mornings(self, on: date) -> tuple[MorningPain, ...]:
        """Morning pain of today and yesterday, each beside the person's usual level before it (next-day rule)."""
        readings = self.measures(MeasureKind.PAIN, since=on - timedelta(days=16))
        found = []
        for day in (on - timedelta(days=1), on):
            todays = [m for m in readings if m.morning and m.on == day]
            usual = usual_morning_pain(readings, day)
            if todays and usual is not None:
                found.append(MorningPain(day, int(max(m.value for m in todays)), usual))
        return tuple(found)

    def add_measure(self, measure: Measure) -> int:
        with self.session() as s, s.begin():
            row = MeasureRow(kind=measure.kind.value, taken_on=measure.on, value=measure.value,
                             activities=[a.model_dump() for a in measure.activities], morning=measure.morning,
                             note=measure.note, recorded_at=datetime.now())  # fmt: skip
            s.add(row)
            s.flush()
            return row.id

    def measures(self, kind: MeasureKind | None = None, since: date | None = None) -> list[Measure]:
        """Logged measures, oldest first, plus the pain ratings taken before sessions (they are pain-now too)."""
        with self.session() as s:
            query = select(MeasureRow)
            if kind is not None:
                query = query.where(MeasureRow.kind == kind.value)
            if since is not None:
                query = query.where(MeasureRow.taken_on >= since)
            found = [_measure(row) for row in s.scalars(query.order_by(MeasureRow.taken_on, MeasureRow.id))]
            if kind in (None, MeasureKind.PAIN):
                sessions = select(SessionRow.day, SessionRow.pain_before).where(SessionRow.pain_before.is_not(None))
                if since is not None:
                    sessions = sessions.where(SessionRow.day >= since)
                found += [Measure(kind=MeasureKind.PAIN, on=day, value=pain, note="before a session")
                          for day, pain in s.execute(sessions)]  # fmt: skip
        return sorted(found, key=lambda m: m.on)

    def active_days(self, since: date | None = None) -> list[ActiveDay]:
        """Days with at least one hold done, and the minutes spent in sessions on them."""
        return active_days([(h.day, h.seconds, bool(h.done)) for h in self.history(since)])

    def confirm_clearance(self, on: date) -> bool:
        """Record that a clinician cleared the person after their latest screening; False when there is none."""
        with self.session() as s, s.begin():
            row = _latest_screening_row(s)
            if row is None:
                return False
            row.cleared_on = on
            return True


FEELINGS = ("just-a-stretch", "uncomfortable", "painful", "sharp")
PAINFUL_FEELINGS = frozenset({"painful", "sharp"})
HISTORY_DAYS_FOR_PLANNER = 28


@dataclass(frozen=True)
class SessionSummary:
    """One session as history shows it."""

    id: int
    day: date
    status: str  # completed, partial (quit or interrupted), stopped (ended for safety)
    seconds: float
    done: tuple[str, ...]
    skipped: tuple[str, ...]
    painful: tuple[str, ...]
    pain_before: int | None
    pain_after: int | None
    note: str


def _latest_screening_row(s: Session) -> ScreeningRow | None:
    return s.scalars(select(ScreeningRow).order_by(ScreeningRow.taken_on.desc(), ScreeningRow.id.desc())).first()


def _check_pain(value: int | None) -> None:
    if value is not None and not 0 <= value <= 10:
        raise ValueError(f"pain is rated from 0 to 10, not {value}")


def _measure(row: MeasureRow) -> Measure:
    return Measure.model_validate(
        {
            "kind": row.kind,
            "on": row.taken_on,
            "value": row.value,
            "activities": row.activities,
            "morning": row.morning,
            "note": row.note,
        }
    )


def _summary(row: SessionRow) -> SessionSummary:
    done = tuple(dict.fromkeys(s.stretch for s in row.steps if s.kind == StepKind.HOLD and s.outcome == "done"
                               and s.stretch))  # fmt: skip
    skipped = tuple(dict.fromkeys(s.stretch for s in row.steps if s.outcome == "skipped" and s.stretch))
    painful = tuple(dict.fromkeys(r.stretch for r in row.reports if r.feeling in PAINFUL_FEELINGS))
    status = "partial" if row.status == "in-progress" else row.status
    return SessionSummary(row.id, row.day, status, sum(s.seconds for s in row.steps), done,
                          tuple(s for s in skipped if s not in done), painful, row.pain_before, row.pain_after,
                          row.note)  # fmt: skip


class StoreError(Exception):
    """The database cannot be opened: a wrong URL, a missing folder, no server listening."""


def open_store(url: str | None = None) -> Store:
    resolved = database_url(url)
    try:
        engine = create_engine(resolved)
    except (ArgumentError, ImportError) as error:
        raise StoreError(f"{resolved!r} is not a database URL this program can open ({error})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except DatabaseError as error:  # also a file that is not a database, or a server that refuses
        raise StoreError(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
                         f"{error.orig}") from None  # fmt: skip
    return Store(engine)
