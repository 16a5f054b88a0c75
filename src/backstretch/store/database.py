"""Opening the database: the URL, SQLite settings that keep data safe, and migrations on first use."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, bindparam, create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy.exc import ArgumentError, DatabaseError, IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql.dml import ReturningInsert

from backstretch import settings
from backstretch.core.accounts import PATIENT_ROLES
from backstretch.core.breaks import BreakSettings
from backstretch.core.consistency import ActiveDay, active_days
from backstretch.core.measures import Measure, MeasureKind, usual_morning_pain
from backstretch.core.planner import DayRecord, History, MorningPain
from backstretch.core.profile import Profile
from backstretch.core.programs import Program, ProgramItem
from backstretch.core.safety import SPINE_SURGERY, Screening, validate_stored_answers
from backstretch.core.timeline import Step, StepKind
from backstretch.optional import CLINIC, MissingPart
from backstretch.paths import home
from backstretch.store.accounts import login_idle
from backstretch.store.models import (
    PAINFUL_FEELINGS,
    BreakEventRow,
    BreakSettingsRow,
    DayMinutesRow,
    DeletedMeasureRow,
    FlareDayRow,
    LessonAssignedRow,
    LessonReadRow,
    LoginRow,
    MeasureRow,
    PersonRow,
    ProfileRow,
    ProgramRow,
    ReportRow,
    ScorePromptRow,
    ScreeningRow,
    SessionRow,
    StepRow,
    new_plan_key,
)

MIGRATIONS = Path(__file__).parent / "migrations"
NEWEST_SCREENING_FIRST = (ScreeningRow.taken_on.desc(), ScreeningRow.id.desc())  # the latest is the one that counts


# The statements of the busiest requests (a step saved, who is signed in) are built once: building a statement
# costs more Python time than the database takes to run it.
_LATEST_SCREENING_ID = (select(ScreeningRow.id).where(ScreeningRow.person_id == bindparam("person_id"))
                        .order_by(*NEWEST_SCREENING_FIRST).limit(1).scalar_subquery())  # fmt: skip
_NEWEST_SCREENING_ROW = (select(func.max(ScreeningRow.id)).where(ScreeningRow.person_id == bindparam("person_id"))
                         .scalar_subquery())  # fmt: skip
# A session (by id and owner) with its owner's latest safety answers, if any, and their newest row.
_RUNNING = (
    select(SessionRow.status, SessionRow.plan, SessionRow.plan_key, _NEWEST_SCREENING_ROW, ScreeningRow.taken_on,
           ScreeningRow.answers, ScreeningRow.cleared_on)
    .select_from(SessionRow)
    .outerjoin(ScreeningRow, ScreeningRow.id == _LATEST_SCREENING_ID)
    .where(SessionRow.id == bindparam("session_id"), SessionRow.person_id == bindparam("person_id"))
)  # fmt: skip


def _save_step_statement(as_read: bool, login: bool = False) -> ReturningInsert[tuple[int]]:
    """A step's row, written only if its session is the person's and running (and still as read: the same plan,
    and no safety answers newer than those read; and with `login`, only while that login is the person's, live,
    and a patient's: the sign-in check of clinic mode, in the same statement)."""
    running = select(SessionRow.id).where(SessionRow.id == bindparam("session_id"),
                                          SessionRow.person_id == bindparam("person_id"),
                                          SessionRow.status == "in-progress")  # fmt: skip
    if as_read:
        newer = select(ScreeningRow.id).where(ScreeningRow.person_id == bindparam("person_id"),
                                              ScreeningRow.id > bindparam("screenings_up_to"))  # fmt: skip
        running = running.where(SessionRow.plan_key == bindparam("plan_key"), ~newer.exists())
    if login:
        live = (
            select(LoginRow.id)
            .join(PersonRow, PersonRow.id == LoginRow.person_id)
            .where(
                LoginRow.token_hash == bindparam("login"),
                LoginRow.person_id == bindparam("person_id"),
                LoginRow.expires_at > bindparam("now"),
                LoginRow.last_seen_at > bindparam("idle_since"),
                # Each role as its own comparison: SQLAlchemy spells an IN list out again at every execution,
                # about 7 % of a step's CPU time in the app (in one process, alternating).
                or_(*(PersonRow.role == role for role in sorted(r.value for r in PATIENT_ROLES))),
            )
        )
        running = running.where(live.exists())
    columns = ("session_id", "step_index", "kind", "stretch", "side", "rep", "seconds", "outcome", "finished_at")
    row = select(*(bindparam(c, type_=StepRow.__table__.c[c].type).label(c) for c in columns))
    return insert(StepRow).from_select(columns, row.where(running.exists())).returning(StepRow.id)


_SAVE_STEP, _SAVE_STEP_AS_READ = _save_step_statement(as_read=False), _save_step_statement(as_read=True)
_SAVE_STEP_SIGNED_IN = _save_step_statement(as_read=True, login=True)


def database_url(explicit: str | None = None) -> str:
    """--db beats BACKSTRETCH_DATABASE_URL beats the SQLite file in the person's data folder."""
    if explicit:
        return explicit
    configured = settings.current().database_url
    if configured:
        return configured
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
    """One person's stored data, in plain core types at the boundary.

    Every read and write is that person's own: a session, a screening or a measure of someone else is not there."""

    def __init__(self, engine: Engine, person_id: int) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.person_id = person_id

    def session(self) -> Session:
        return self.sessions()

    def for_person(self, person_id: int) -> Store:
        """The same database, seen as another person."""
        return Store(self.engine, person_id)

    def _profile_row(self, s: Session) -> ProfileRow | None:
        return s.scalars(select(ProfileRow).where(ProfileRow.person_id == self.person_id)).first()

    def load_profile(self) -> Profile | None:
        with self.session() as s:
            row = self._profile_row(s)
            return None if row is None else Profile.model_validate(row.data)

    def save_profile(self, profile: Profile) -> None:
        with self.session() as s, s.begin():
            row = self._profile_row(s)
            data = profile.model_dump(mode="json")
            if row is None:
                s.add(ProfileRow(person_id=self.person_id, data=data, updated_at=datetime.now()))
            else:
                row.data, row.updated_at = data, datetime.now()

    def day_minutes(self, on: date) -> int | None:
        """The minutes the person chose for this one day, if they did; None when their profile's default holds."""
        with self.session() as s:
            return s.scalar(select(DayMinutesRow.minutes).where(DayMinutesRow.person_id == self.person_id,
                                                                DayMinutesRow.day == on))  # fmt: skip

    def choose_day_minutes(self, on: date, minutes: int | None) -> None:
        """Keep these minutes for this day only; None forgets the day's choice (the profile's default holds)."""
        with self.session() as s, s.begin():
            s.execute(delete(DayMinutesRow).where(DayMinutesRow.person_id == self.person_id, DayMinutesRow.day == on))
            if minutes is not None:
                s.add(DayMinutesRow(person_id=self.person_id, day=on, minutes=minutes))

    def flare_day(self, on: date) -> bool:
        """Whether the person said their back is worse on this day."""
        with self.session() as s:
            return s.scalar(select(FlareDayRow.id).where(FlareDayRow.person_id == self.person_id,
                                                         FlareDayRow.day == on)) is not None  # fmt: skip

    def mark_flare_day(self, on: date, flare: bool) -> None:
        """Keep (or forget) that this day is a flare-up day, with the safety answers it came after."""
        with self.session() as s, s.begin():
            s.execute(delete(FlareDayRow).where(FlareDayRow.person_id == self.person_id, FlareDayRow.day == on))
            if flare:
                latest = self._latest_screening_row(s)
                s.add(FlareDayRow(person_id=self.person_id, day=on, screened_before=latest.id if latest else None))

    def screened_since_flare(self, on: date) -> bool:
        """Whether safety answers were saved after the day was said to be a flare-up (True on any other day)."""
        with self.session() as s:
            mark = s.scalars(select(FlareDayRow).where(FlareDayRow.person_id == self.person_id,
                                                       FlareDayRow.day == on)).first()  # fmt: skip
            if mark is None:
                return True
            latest = self._latest_screening_row(s)
            return latest is not None and (mark.screened_before is None or latest.id > mark.screened_before)

    def started_on(self) -> date:
        """The person's first day with backstretch: when their record was made, or their first reading or session
        if an import brought older ones. The outcome-score schedule counts its weeks from it."""
        with self.session() as s:
            made = s.scalar(select(PersonRow.created_at).where(PersonRow.id == self.person_id))
            first_reading = s.scalar(
                select(func.min(MeasureRow.taken_on)).where(MeasureRow.person_id == self.person_id)
            )
            first_session = s.scalar(select(func.min(SessionRow.day)).where(SessionRow.person_id == self.person_id))
        days = [d for d in (made.date() if made else None, first_reading, first_session) if d is not None]
        return min(days, default=date.today())

    def dismissed_score_weeks(self) -> set[int]:
        """The outcome-score checkpoints (their weeks) whose prompt the person dismissed."""
        with self.session() as s:
            return set(s.scalars(select(ScorePromptRow.week).where(ScorePromptRow.person_id == self.person_id)))

    def dismiss_score_week(self, week: int, on: date) -> None:
        """Dismiss one checkpoint's prompt; dismissing it again changes nothing."""
        with self.session() as s, s.begin():
            found = select(ScorePromptRow.id).where(ScorePromptRow.person_id == self.person_id,
                                                    ScorePromptRow.week == week)  # fmt: skip
            if s.scalar(found) is None:
                s.add(ScorePromptRow(person_id=self.person_id, week=week, dismissed_on=on))

    def add_screening(self, screening: Screening) -> None:
        validate_stored_answers(screening.answers)
        with self.session() as s, s.begin():
            s.add(ScreeningRow(person_id=self.person_id, taken_on=screening.taken_on,
                               answers=dict(screening.answers), cleared_on=screening.cleared_on))  # fmt: skip

    def latest_screening(self) -> Screening | None:
        with self.session() as s:
            row = self._latest_screening_row(s)
            if row is None:
                return None
            return Screening(taken_on=row.taken_on, answers=dict(row.answers), cleared_on=row.cleared_on)

    def start_session(self, day: date, plan: dict[str, object], pain_before: int | None,
                      client_key: str | None = None) -> int:  # fmt: skip
        """Open a session. A ``client_key`` (a page's own id for it) opens it once: starting again with the same key,
        however often a page that was offline retries, gives the first session's id."""
        _check_pain(pain_before)
        if client_key is not None:
            found = self.session_by_key(client_key)
            if found is not None:
                return found
        try:
            with self.session() as s, s.begin():
                row = SessionRow(person_id=self.person_id, day=day, started_at=datetime.now(), status="in-progress",
                                 plan=plan, pain_before=pain_before, note="", client_key=client_key)  # fmt: skip
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            found = self.session_by_key(client_key) if client_key is not None else None
            if found is None and client_key is not None:
                raise ValueError("this session key is already used; a page makes a new one for each session") from None
            if found is None:
                raise
            return found  # another request with the same key got there first

    def session_by_key(self, client_key: str) -> int | None:
        with self.session() as s:
            found = select(SessionRow.id).where(SessionRow.client_key == client_key,
                                                SessionRow.person_id == self.person_id)  # fmt: skip
            return s.scalars(found).first()

    def own_session(self, s: Session, session_id: int) -> SessionRow | None:
        """The session with this id if it is this person's; None for a missing one or someone else's."""
        row = s.get(SessionRow, session_id)
        return row if row is not None and row.person_id == self.person_id else None

    def _session_row(self, s: Session, session_id: int) -> SessionRow:
        row = self.own_session(s, session_id)
        if row is None:
            raise ValueError(f"no session {session_id}")
        return row

    def running_session(self, session_id: int) -> RunningSession | None:
        """This person's session with their latest safety answers, in one query: what saving a step needs."""
        with self.engine.connect() as connection:
            found = connection.execute(_RUNNING, {"session_id": session_id, "person_id": self.person_id}).first()
        if found is None:
            return None
        status, plan, plan_key, newest, taken_on, answers, cleared_on = found
        screening = None if taken_on is None else Screening(taken_on=taken_on, answers=dict(answers),
                                                            cleared_on=cleared_on)  # fmt: skip
        return RunningSession(status, dict(plan), plan_key, screening, newest or 0)

    def change_plan(self, session_id: int, plan: dict[str, object], plan_key: str | None = None) -> bool:
        """Store a running session's changed plan (an easier variant put in after a stretch that hurt). With the
        ``plan_key`` that was read, only if the plan is still that one: False when it changed or ended meanwhile.
        Without it the caller is the session's only writer (the terminal player)."""
        mine = [SessionRow.id == session_id, SessionRow.person_id == self.person_id, SessionRow.status == "in-progress"]
        if plan_key is not None:
            mine.append(SessionRow.plan_key == plan_key)
        with self.session() as s, s.begin():
            changed = s.execute(update(SessionRow).where(*mine).values(plan=plan, plan_key=new_plan_key()))
            if changed.rowcount == 1:  # type: ignore[attr-defined]
                return True
            self._session_row(s, session_id)  # someone else's session, or none: an error, not a changed one
            return False

    def record_step(self, session_id: int, step: Step, seconds: float, outcome: str,
                    as_read: RunningSession | None = None, login: str | None = None) -> bool:  # fmt: skip
        """Commit one finished step at once (a crash later loses at most the step in progress). False when the step
        was saved already: the database keeps one row per step, whichever app process got there first.

        One statement, the busiest write there is: the row is written only if the session is this person's and
        still running, and (given ``as_read``) still as read, with the plan the step came from and no newer safety
        answers, and (given ``login``, the hash of a clinic login token, with ``as_read``) while that login is still
        this patient's; else SessionChanged."""
        now = datetime.now()
        values = {"session_id": session_id, "step_index": step.index, "kind": step.kind.value, "stretch": step.stretch,
                  "side": step.side, "rep": step.rep, "seconds": round(seconds, 2), "outcome": outcome,
                  "finished_at": now, "person_id": self.person_id}  # fmt: skip
        statement = _SAVE_STEP
        if as_read is not None:
            statement = _SAVE_STEP_AS_READ if login is None else _SAVE_STEP_SIGNED_IN
            values.update(plan_key=as_read.plan_key, screenings_up_to=as_read.screenings_up_to)
            if login is not None:
                values.update(login=login, now=now, idle_since=now - login_idle())
        elif login is not None:
            raise ValueError("a step is saved for a login only as read")
        try:
            # One statement is its own transaction (with the trigger it fires): no BEGIN and COMMIT round trips.
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                written = connection.execute(statement, values).first()
        except IntegrityError:
            return False
        if written is None:
            with self.session() as s:
                self._session_row(s, session_id)  # someone else's session, or none
            raise SessionChanged(f"session {session_id} has ended, its plan has changed, or its login has ended")
        return True

    def recorded_steps(self, session_id: int) -> set[int]:
        """The step indices already saved for a session, so a player that resumes or retries never saves one twice."""
        with self.session() as s:
            self._session_row(s, session_id)
            return set(s.scalars(select(StepRow.step_index).where(StepRow.session_id == session_id)))

    def report_feeling(self, session_id: int, day: date, stretch: str, feeling: str) -> bool:
        """Store how a stretch felt; False when that very feeling was stored for it in this session already."""
        if feeling not in FEELINGS:
            raise ValueError(f"feeling must be one of {', '.join(FEELINGS)}, not {feeling!r}")
        try:
            with self.session() as s, s.begin():
                self._session_row(s, session_id)
                s.add(ReportRow(session_id=session_id, day=day, stretch=stretch, feeling=feeling,
                                reported_at=datetime.now()))  # fmt: skip
        except IntegrityError:
            return False
        return True

    def finish_session(self, session_id: int, status: str, pain_after: int | None = None, note: str = "") -> bool:
        """End a running session; False when it had ended already (then nothing changes)."""
        if status not in ("completed", "partial", "stopped"):
            raise ValueError(f"unknown session status {status!r}")
        _check_pain(pain_after)
        running = update(SessionRow).where(SessionRow.id == session_id, SessionRow.person_id == self.person_id,
                                           SessionRow.status == "in-progress")  # fmt: skip
        with self.session() as s, s.begin():
            ended = s.execute(running.values(status=status, ended_at=datetime.now(), pain_after=pain_after,
                                             note=note[:2000]))  # fmt: skip
            if ended.rowcount == 1:  # type: ignore[attr-defined]
                return True
            self._session_row(s, session_id)  # a missing session or someone else's is an error, not an ended one
            return False

    def _sessions(self, s: Session, since: date | None) -> list[SessionRow]:
        query = select(SessionRow).options(selectinload(SessionRow.steps), selectinload(SessionRow.reports))
        query = query.where(SessionRow.person_id == self.person_id)
        if since is not None:
            query = query.where(SessionRow.day >= since)
        return list(s.scalars(query.order_by(SessionRow.day, SessionRow.id)))

    def session_summary(self, session_id: int) -> SessionSummary | None:
        """One of this person's sessions as history shows it; None for a missing one or someone else's."""
        with self.session() as s:
            row = self.own_session(s, session_id)
            return None if row is None else _summary(row)

    def history(self, since: date | None = None) -> list[SessionSummary]:
        with self.session() as s:
            return [_summary(row) for row in self._sessions(s, since)]

    def planner_history(self, on: date) -> History:
        """The last four weeks as the planner reads them: what was done, what felt fine, what hurt.

        Read as plain rows, not through the ORM with every step of every session: the Today page asks for this on
        each visit."""
        since = on - timedelta(days=HISTORY_DAYS_FOR_PLANNER)
        chosen = select(SessionRow.id).where(SessionRow.person_id == self.person_id, SessionRow.day >= since,
                                             SessionRow.day <= on)  # fmt: skip
        done = select(StepRow.session_id, StepRow.stretch).where(
            StepRow.session_id.in_(chosen), StepRow.kind == StepKind.HOLD.value, StepRow.outcome == "done",
            StepRow.stretch.is_not(None), StepRow.stretch != "").order_by(StepRow.id)  # fmt: skip
        felt = select(ReportRow.session_id, ReportRow.stretch, ReportRow.feeling).where(
            ReportRow.session_id.in_(chosen)).order_by(ReportRow.id)  # fmt: skip
        stretches: dict[int, dict[str, None]] = {}  # each session's stretches in the order done, once each
        fine: dict[int, list[str]] = {}
        painful: dict[int, dict[str, None]] = {}
        with self.session() as s:
            days = s.execute(chosen.add_columns(SessionRow.day).order_by(SessionRow.day, SessionRow.id)).all()
            for session_id, stretch in s.execute(done):
                stretches.setdefault(session_id, {})[str(stretch)] = None  # never None: the query says so
            for session_id, stretch, feeling in s.execute(felt):
                if feeling == "just-a-stretch":
                    fine.setdefault(session_id, []).append(stretch)
                elif feeling in PAINFUL_FEELINGS:
                    painful.setdefault(session_id, {})[stretch] = None
            mornings = self._mornings(s, on)
        records = tuple(DayRecord(day, tuple(stretches.get(sid, ())), tuple(fine.get(sid, ())),
                                  tuple(painful.get(sid, ()))) for sid, day in days)  # fmt: skip
        return History(days=records, mornings=mornings)

    def _mornings(self, s: Session, on: date) -> tuple[MorningPain, ...]:
        """Morning pain of today and yesterday, each beside the person's usual level before it (next-day rule)."""
        logged = select(MeasureRow.taken_on, MeasureRow.value).where(
            MeasureRow.person_id == self.person_id, MeasureRow.kind == MeasureKind.PAIN.value,
            MeasureRow.morning.is_(True), MeasureRow.taken_on >= on - timedelta(days=16),
            MeasureRow.taken_on <= on)  # fmt: skip
        readings = [Measure(kind=MeasureKind.PAIN, on=d, value=v, morning=True) for d, v in s.execute(logged)]
        found = []
        for day in (on - timedelta(days=1), on):
            todays = [m for m in readings if m.on == day]
            usual = usual_morning_pain(readings, day)
            if todays and usual is not None:
                found.append(MorningPain(day, int(max(m.value for m in todays)), usual))
        return tuple(found)

    def add_measure(self, measure: Measure) -> int:
        with self.session() as s, s.begin():
            row = MeasureRow(person_id=self.person_id, kind=measure.kind.value, taken_on=measure.on,
                             value=measure.value, activities=[a.model_dump() for a in measure.activities],
                             morning=measure.morning, note=measure.note, recorded_at=datetime.now(),
                             stretch=measure.stretch)  # fmt: skip
            s.add(row)
            s.flush()
            return row.id

    def add_measure_once(self, measure: Measure) -> bool:
        """Store a measure unless the very same reading (kind, day, stretch and value) is stored already: a page
        sends a session's range of motion again after being offline, and it must count once."""
        same = select(MeasureRow.id).where(
            MeasureRow.person_id == self.person_id, MeasureRow.kind == measure.kind.value,
            MeasureRow.taken_on == measure.on, MeasureRow.stretch == measure.stretch, MeasureRow.value == measure.value,
        )  # fmt: skip
        with self.session() as s:
            if s.scalar(same.limit(1)) is not None:
                return False
        self.add_measure(measure)
        return True

    def measures(self, kind: MeasureKind | None = None, since: date | None = None) -> list[Measure]:
        """Logged measures, oldest first, plus the pain ratings taken before sessions (they are pain-now too)."""
        return [entry.measure for entry in self.logged_measures(kind, since)]

    def logged_measures(self, kind: MeasureKind | None = None, since: date | None = None) -> list[LoggedMeasure]:
        """What measures() gives, each with the id that edits and deletes it: None for the pain given before a
        guided session, which belongs to the session and is changed there, not here."""
        with self.session() as s:
            query = select(MeasureRow).where(MeasureRow.person_id == self.person_id)
            if kind is not None:
                query = query.where(MeasureRow.kind == kind.value)
            if since is not None:
                query = query.where(MeasureRow.taken_on >= since)
            rows = s.scalars(query.order_by(MeasureRow.taken_on, MeasureRow.id))
            found = [LoggedMeasure(row.id, _measure(row)) for row in rows]
            if kind in (None, MeasureKind.PAIN):
                sessions = select(SessionRow.day, SessionRow.pain_before).where(
                    SessionRow.person_id == self.person_id, SessionRow.pain_before.is_not(None)
                )
                if since is not None:
                    sessions = sessions.where(SessionRow.day >= since)
                found += [LoggedMeasure(None, Measure(kind=MeasureKind.PAIN, on=day, value=pain,
                                                      note=SESSION_PAIN_NOTE))
                          for day, pain in s.execute(sessions)]  # fmt: skip
        return sorted(found, key=lambda entry: entry.measure.on)

    def logged_measure(self, measure_id: int) -> Measure | None:
        """One of the person's logged readings; None when there is no such reading or it is someone else's."""
        with self.session() as s:
            row = s.get(MeasureRow, measure_id)
            return _measure(row) if row is not None and row.person_id == self.person_id else None

    def update_measure(self, measure_id: int, measure: Measure) -> bool:
        """Change one of the person's readings in place (same id, same time logged); False when it is not theirs.
        The kind of a reading never changes: a pain reading stays pain."""
        with self.session() as s, s.begin():
            row = s.get(MeasureRow, measure_id)
            if row is None or row.person_id != self.person_id or row.kind != measure.kind.value:
                return False
            row.taken_on, row.value, row.morning, row.note = measure.on, measure.value, measure.morning, measure.note
            row.activities = [a.model_dump() for a in measure.activities]
            return True

    def delete_measure(self, measure_id: int) -> bool:
        """Delete one of the person's readings, keeping it for a day so it can be put back; False when not theirs."""
        now = datetime.now()
        with self.session() as s, s.begin():
            row = s.get(MeasureRow, measure_id)
            if row is None or row.person_id != self.person_id:
                return False
            s.execute(delete(DeletedMeasureRow).where(DeletedMeasureRow.person_id == self.person_id,
                                                      DeletedMeasureRow.deleted_at < now - UNDO_WINDOW))  # fmt: skip
            s.execute(delete(DeletedMeasureRow).where(DeletedMeasureRow.id == row.id))
            s.add(DeletedMeasureRow(**{c: getattr(row, c) for c in MEASURE_COLUMNS}, deleted_at=now))
            s.delete(row)
            return True

    def deleted_measure(self, measure_id: int) -> Measure | None:
        """A reading the person deleted in the last day and can still put back; None otherwise."""
        with self.session() as s:
            row = s.get(DeletedMeasureRow, measure_id)
            if row is None or row.person_id != self.person_id or row.deleted_at < datetime.now() - UNDO_WINDOW:
                return None
            return _measure(row)

    def restore_measure(self, measure_id: int) -> Measure | None:
        """Put back a reading the person deleted in the last day, exactly as it was; None when there is none."""
        with self.session() as s, s.begin():
            row = s.get(DeletedMeasureRow, measure_id)
            if row is None or row.person_id != self.person_id or row.deleted_at < datetime.now() - UNDO_WINDOW:
                return None
            if s.get(MeasureRow, measure_id) is not None:  # put back already (a second click on Undo)
                return None
            restored = MeasureRow(**{c: getattr(row, c) for c in MEASURE_COLUMNS})
            s.add(restored)
            s.delete(row)
            s.flush()
            return _measure(restored)

    def active_days(self, since: date | None = None) -> list[ActiveDay]:
        """Days with at least one hold done, and the minutes spent in sessions on them."""
        return active_days([(h.day, h.seconds, bool(h.done)) for h in self.history(since)])

    def program(self, program_id: int | None = None) -> Program | None:
        """The program the person's clinician assigned last, if any (clinic mode); or, given an id, that one of
        the person's programs, current or past (someone else's is None, as if there were none)."""
        with self.session() as s:
            query = select(ProgramRow).where(ProgramRow.person_id == self.person_id)
            query = query.where(ProgramRow.active.is_(True)) if program_id is None else query.where(
                ProgramRow.id == program_id)  # fmt: skip
            row = s.scalars(query.order_by(ProgramRow.id.desc())).first()
        return None if row is None else program_of(row)

    def program_ids(self) -> list[int]:
        """The ids of every program assigned to the person, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(ProgramRow.id).where(ProgramRow.person_id == self.person_id)
                                  .order_by(ProgramRow.id)))  # fmt: skip

    def assign_program(self, program: Program, clinician_id: int | None) -> None:
        """Make this the person's program; the one before stays on record, no longer active."""
        with self.session() as s, s.begin():
            for old in s.scalars(select(ProgramRow).where(ProgramRow.person_id == self.person_id,
                                                          ProgramRow.active.is_(True))):  # fmt: skip
                old.active = False
            s.add(ProgramRow(person_id=self.person_id, clinician_id=clinician_id, created_at=datetime.now(),
                             starts_on=program.starts_on, weekdays=sorted(program.weekdays),
                             fill_free_days=program.fill_free_days, note=program.note, active=True,
                             items=[{"stretch": i.stretch, "hold_seconds": i.hold_seconds, "reps": i.reps}
                                    for i in program.items]))  # fmt: skip

    def lessons_read(self) -> dict[str, date]:
        """Each lesson this person has read, with the day they marked it."""
        with self.session() as s:
            found = select(LessonReadRow.slug, LessonReadRow.read_on).where(LessonReadRow.person_id == self.person_id)
            return {slug: day for slug, day in s.execute(found)}

    def mark_lesson_read(self, slug: str, on: date) -> bool:
        """Record a lesson as read on a day; False when it was read before (the first day stays)."""
        try:
            with self.session() as s, s.begin():
                s.add(LessonReadRow(person_id=self.person_id, slug=slug, read_on=on, read_at=datetime.now()))
        except IntegrityError:
            return False  # read already, perhaps by another request a moment ago
        return True

    def assigned_lessons(self) -> frozenset[str]:
        """The lessons this person's clinician asked them to read (clinic mode)."""
        with self.session() as s:
            found = select(LessonAssignedRow.slug).where(LessonAssignedRow.person_id == self.person_id)
            return frozenset(s.scalars(found))

    def assign_lessons(self, slugs: Collection[str], clinician_id: int | None, on: date) -> None:
        """Make these the person's assigned lessons, all in one transaction: those left out are no longer assigned,
        and one assigned before keeps its first day."""
        with self.session() as s, s.begin():
            mine = LessonAssignedRow.person_id == self.person_id
            s.execute(delete(LessonAssignedRow).where(mine, LessonAssignedRow.slug.not_in(list(slugs))))
            kept = set(s.scalars(select(LessonAssignedRow.slug).where(mine)))
            s.add_all(LessonAssignedRow(person_id=self.person_id, slug=slug, clinician_id=clinician_id,
                                        assigned_on=on) for slug in sorted(set(slugs) - kept))  # fmt: skip

    def _break_row(self, s: Session) -> BreakSettingsRow | None:
        return s.scalars(select(BreakSettingsRow).where(BreakSettingsRow.person_id == self.person_id)).first()

    def load_break_settings(self) -> tuple[BreakSettings | None, datetime | None]:
        """The person's desk-break hours (None until they chose some) and the end of a pause, if one was asked for."""
        with self.session() as s:
            row = self._break_row(s)
            if row is None:
                return None, None
            return BreakSettings(row.every, time.fromisoformat(row.work_from), time.fromisoformat(row.work_to),
                                 frozenset(row.days)), row.paused_until  # fmt: skip

    def save_break_settings(self, settings: BreakSettings) -> None:
        values = {"every": settings.every, "work_from": f"{settings.start:%H:%M}", "work_to": f"{settings.end:%H:%M}",
                  "days": sorted(settings.days), "updated_at": datetime.now()}  # fmt: skip
        with self.session() as s, s.begin():
            row = self._break_row(s)
            if row is None:
                s.add(BreakSettingsRow(person_id=self.person_id, **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)

    def pause_breaks(self, until: datetime | None) -> None:
        """Pause desk breaks until a moment (None resumes them); the hours stay as chosen, or the defaults."""
        with self.session() as s, s.begin():
            row = self._break_row(s)
            if row is None:
                d = BreakSettings()
                row = BreakSettingsRow(person_id=self.person_id, every=d.every, work_from=f"{d.start:%H:%M}",
                                       work_to=f"{d.end:%H:%M}", days=sorted(d.days))  # fmt: skip
                s.add(row)
            row.paused_until, row.updated_at = until, datetime.now()

    def add_break_event(self, kind: str, stretch: str, at: datetime) -> None:
        if kind not in BREAK_EVENTS:
            raise ValueError(f"a break event is one of {', '.join(BREAK_EVENTS)}, not {kind!r}")
        with self.session() as s, s.begin():
            s.add(BreakEventRow(person_id=self.person_id, day=at.date(), at=at, kind=kind, stretch=stretch[:60]))

    def break_history_rows(self, since: date) -> list[tuple[date, str]]:
        """Since a day, each desk-break event as (day, kind); each desk break done (a completed one-stretch session,
        from the web page) as (day, "done"); and each other session with stretching in it as (day, "session")."""
        events = select(BreakEventRow.day, BreakEventRow.kind).where(BreakEventRow.person_id == self.person_id,
                                                                     BreakEventRow.day >= since)  # fmt: skip
        sessions = select(SessionRow.day, SessionRow.plan, SessionRow.status).where(
            SessionRow.person_id == self.person_id, SessionRow.day >= since, SessionRow.stretched.is_(True)
        )
        with self.session() as s:
            found = [(day, str(kind)) for day, kind in s.execute(events)]
            for day, plan, status in s.execute(sessions):
                if not plan.get("desk_break"):
                    found.append((day, "session"))
                elif status == "completed":
                    found.append((day, "done"))
        return found

    def delete_data(self, s: Session) -> None:
        """Everything of this person's, children first, in the caller's transaction (the person stays)."""
        sessions = select(SessionRow.id).where(SessionRow.person_id == self.person_id)
        s.execute(delete(ReportRow).where(ReportRow.session_id.in_(sessions)))
        s.execute(delete(StepRow).where(StepRow.session_id.in_(sessions)))
        for table in (
            SessionRow,
            ScreeningRow,
            MeasureRow,
            DeletedMeasureRow,
            ProfileRow,
            ProgramRow,
            LessonReadRow,
            LessonAssignedRow,
            BreakSettingsRow,
            BreakEventRow,
            DayMinutesRow,
            FlareDayRow,
            ScorePromptRow,
        ):
            s.execute(delete(table).where(table.person_id == self.person_id))

    def delete_all(self) -> None:
        """Everything of this person's, in one transaction: all of it goes, or none of it."""
        with self.session() as s, s.begin():
            self.delete_data(s)

    def _latest_screening_row(self, s: Session) -> ScreeningRow | None:
        query = select(ScreeningRow).where(ScreeningRow.person_id == self.person_id)
        return s.scalars(query.order_by(*NEWEST_SCREENING_FIRST)).first()

    def confirm_clearance(self, on: date, spine_surgery: bool = False) -> bool:
        """Record that a clinician cleared the person after their latest screening; False when there is none. With
        ``spine_surgery`` the clearance covers the recent spine surgery the profile names too (from the surgical
        team), recorded in the screening's answers."""
        with self.session() as s, s.begin():
            row = self._latest_screening_row(s)
            if row is None:
                return False
            row.cleared_on = on
            if spine_surgery:
                row.answers = {**row.answers, SPINE_SURGERY.id: True}
            return True


FEELINGS = ("just-a-stretch", "uncomfortable", "painful", "sharp")
BREAK_EVENTS = ("offered", "started", "snoozed", "skipped")
HISTORY_DAYS_FOR_PLANNER = 28
SESSION_PAIN_NOTE = "before a session"  # the note on the pain reading a guided session starts with


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


def program_of(row: ProgramRow) -> Program:
    items = tuple(ProgramItem(str(i["stretch"]), int(str(i["hold_seconds"])), int(str(i["reps"]))) for i in row.items)
    return Program(items, frozenset(row.weekdays), row.fill_free_days, row.note, row.starts_on)


def _local_person(engine: Engine) -> int:
    """The one person who uses the app on this computer: no email, no password; made on first use."""
    local = select(PersonRow.id).where(PersonRow.role == "person", PersonRow.email.is_(None)).order_by(PersonRow.id)
    with Session(engine) as s, s.begin():
        found = s.scalars(local.limit(1)).first()
        if found is not None:
            return found
        row = PersonRow(role="person", name="", created_at=datetime.now())
        s.add(row)
        s.flush()
        return row.id


UNDO_WINDOW = timedelta(days=1)  # how long a deleted measure can be put back
MEASURE_COLUMNS = ("id", "person_id", "kind", "taken_on", "value", "activities", "morning", "note", "recorded_at",
                   "stretch")  # fmt: skip


@dataclass(frozen=True)
class LoggedMeasure:
    """A reading with the id that edits and deletes it (None: the pain given before a session)."""

    id: int | None
    measure: Measure


def _check_pain(value: int | None) -> None:
    if value is not None and not 0 <= value <= 10:
        raise ValueError(f"pain is rated from 0 to 10, not {value}")


def _measure(row: MeasureRow | DeletedMeasureRow) -> Measure:
    return Measure.model_validate(
        {
            "kind": row.kind,
            "on": row.taken_on,
            "value": row.value,
            "activities": row.activities,
            "morning": row.morning,
            "note": row.note,
            "stretch": row.stretch,
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


@dataclass(frozen=True)
class RunningSession:
    status: str
    plan: dict[str, object]
    plan_key: str
    screening: Screening | None  # the person's latest safety answers
    screenings_up_to: int  # the newest row of safety answers (0: none): a newer one means they must be judged again


class SessionChanged(ValueError):
    """A session is not as it was read a moment ago: its plan changed, it ended, or there are newer safety answers."""


class StoreError(Exception):
    """The database cannot be opened: a wrong URL, a missing folder, no server listening."""


def open_store(url: str | None = None) -> Store:
    """The database, brought up to date, as the one person who uses the app on this computer sees it."""
    resolved = database_url(url)
    try:
        engine = create_engine(resolved)
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("psycopg"):
            raise MissingPart(CLINIC) from None  # PostgreSQL's driver comes with the clinic extra
        raise StoreError(f"{resolved!r} is not a database URL this program can open ({error})") from None
    except (ArgumentError, ImportError) as error:
        raise StoreError(f"{resolved!r} is not a database URL this program can open ({error})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
        person = _local_person(engine)
    except DatabaseError as error:  # also a file that is not a database, or a server that refuses
        raise StoreError(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
                         f"{error.orig}") from None  # fmt: skip
    return Store(engine, person)
