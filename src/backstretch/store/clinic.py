"""What a clinician's dashboard needs about all their patients at once, in a handful of queries.

Reading each patient through their own Store costs several queries and their whole history each: a dashboard of a
hundred patients with a year of sessions took 1.5 s (bench/load.py). Here every fact is one query for all the
patients, bounded to the four weeks the dashboard shows: 41 ms for those hundred patients, page 81 ms in-process.
With covering indexes (migration 0011) and trends without slopes: 37 ms and 51 ms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import Connection, Engine, Float, String, and_, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from backstretch.core.consistency import ActiveDay
from backstretch.core.measures import MeasureKind
from backstretch.core.programs import Program
from backstretch.core.safety import Screening
from backstretch.store.database import NEWEST_SCREENING_FIRST, program_of
from backstretch.store.models import MeasureRow, ProgramRow, ReportRow, ScreeningRow, SessionRow, StepRow

WINDOW_DAYS = 28  # the dashboard looks at the last 4 weeks: adherence over 28 days, and trends over the same
PAINFUL_DAYS = 14  # clinical-facts: rule painful


@dataclass
class PatientFacts:
    program: Program | None = None
    days: list[ActiveDay] = field(default_factory=list)  # days with a hold done, within the window
    pain: list[tuple[date, float]] = field(default_factory=list)  # one value a day (the median), within the window
    function: list[tuple[date, float]] = field(default_factory=list)
    screening: Screening | None = None
    painful: list[str] = field(default_factory=list)  # stretches reported painful or sharp lately


def dashboard_facts(engine: Engine, patients: Sequence[int], today: date) -> dict[int, PatientFacts]:
    facts = {pid: PatientFacts() for pid in patients}
    if not patients:
        return facts
    since = today - timedelta(days=WINDOW_DAYS - 1)
    ids = list(patients)
    with Session(engine) as s:
        _programs(s, ids, facts)
        # The rest are plain rows, thousands of them: read on the connection itself, skipping the ORM's handling of
        # each row (side by side, about 7 % of this function's time on the bench/load.py clinic).
        c = s.connection()
        _days(c, ids, since, today, facts)
        _readings(c, ids, since, today, facts)
        _screenings(c, ids, facts)
        _painful(c, ids, today, facts)
    return facts


def _programs(s: Session, ids: list[int], facts: dict[int, PatientFacts]) -> None:
    rows = s.scalars(select(ProgramRow).where(ProgramRow.person_id.in_(ids), ProgramRow.active.is_(True))
                     .order_by(ProgramRow.id))  # fmt: skip
    for row in rows:  # the newest active one wins
        facts[row.person_id].program = program_of(row)


def _days(c: Connection, ids: list[int], since: date, today: date, facts: dict[int, PatientFacts]) -> None:
    """Days with a hold done, and the minutes of every session on them (as Store.active_days counts them)."""
    held = func.max(case((and_(StepRow.kind == "hold", StepRow.outcome == "done"), 1), else_=0))
    query = select(SessionRow.person_id, SessionRow.day, func.sum(StepRow.seconds), held).join(
        StepRow, StepRow.session_id == SessionRow.id).where(
        SessionRow.person_id.in_(ids), SessionRow.day >= since, SessionRow.day <= today).group_by(
        SessionRow.person_id, SessionRow.day)  # fmt: skip
    for pid, day, seconds, stretched in c.execute(query.order_by(SessionRow.person_id, SessionRow.day)).all():
        if stretched and pid is not None:
            facts[pid].days.append(ActiveDay(day, round(float(seconds or 0) / 60, 2)))


def _readings(c: Connection, ids: list[int], since: date, today: date, facts: dict[int, PatientFacts]) -> None:
    """Pain and function within the window, one value a day (the median); pain before a session counts as a pain
    reading. The database groups them by day and gives the mean, which is the median of one or two values; a day
    of three or more is read again value by value (rows read and turned into Python values are the cost here)."""
    values = _pain_and_function(ids, since, today)
    count = func.count()
    per_day = (select(values.c.pid, values.c.kind, values.c.day, case((count <= 2, func.avg(values.c.value))))
               .group_by(values.c.pid, values.c.kind, values.c.day).order_by(values.c.pid, values.c.kind, values.c.day))
    found: dict[tuple[int, str, date], float] = {}  # in the order of days
    many: dict[tuple[int, str, date], list[float]] = {}
    for pid, kind, day, mean in c.execute(per_day):
        found[(pid, kind, day)] = math.nan if mean is None else float(mean)
        if mean is None:
            many[(pid, kind, day)] = []
    if many:
        pids, days = {pid for pid, _, _ in many}, {day for _, _, day in many}
        for pid, kind, day, value in c.execute(select(values).where(values.c.pid.in_(pids), values.c.day.in_(days))):
            if (pid, kind, day) in many:
                many[(pid, kind, day)].append(float(value))
        found.update((key, float(median(v))) for key, v in many.items())
    for (pid, kind, day), value in found.items():
        (facts[pid].pain if kind == MeasureKind.PAIN.value else facts[pid].function).append((day, value))


def _pain_and_function(ids: list[int], since: date, today: date) -> Subquery:
    """Every pain and function value of these people within the window: logged ones, and pain before sessions."""
    logged = select(MeasureRow.person_id.label("pid"), MeasureRow.kind.label("kind"),
                    MeasureRow.taken_on.label("day"), MeasureRow.value.label("value")).where(
        MeasureRow.person_id.in_(ids), MeasureRow.kind.in_([MeasureKind.PAIN.value, MeasureKind.FUNCTION.value]),
        MeasureRow.taken_on >= since, MeasureRow.taken_on <= today)  # fmt: skip
    before = select(SessionRow.person_id, literal(MeasureKind.PAIN.value, String), SessionRow.day,
                    cast(SessionRow.pain_before, Float)).where(
        SessionRow.person_id.in_(ids), SessionRow.day >= since, SessionRow.day <= today,
        SessionRow.pain_before.is_not(None))  # fmt: skip
    return union_all(logged, before).subquery()


def _screenings(c: Connection, ids: list[int], facts: dict[int, PatientFacts]) -> None:
    ranked = select(ScreeningRow, func.row_number().over(
        partition_by=ScreeningRow.person_id, order_by=NEWEST_SCREENING_FIRST
    ).label("n")).where(ScreeningRow.person_id.in_(ids)).subquery()  # fmt: skip
    latest = select(ranked.c.person_id, ranked.c.taken_on, ranked.c.answers, ranked.c.cleared_on).where(
        ranked.c.n == 1)  # fmt: skip
    for pid, taken_on, answers, cleared_on in c.execute(latest):
        facts[pid].screening = Screening(taken_on=taken_on, answers=dict(answers), cleared_on=cleared_on)


def _painful(c: Connection, ids: list[int], today: date, facts: dict[int, PatientFacts]) -> None:
    since = today - timedelta(days=PAINFUL_DAYS)
    reports = select(SessionRow.person_id, ReportRow.stretch).join(ReportRow, ReportRow.session_id == SessionRow.id)
    found = reports.where(SessionRow.person_id.in_(ids), SessionRow.day >= since, SessionRow.day <= today,
                          ReportRow.feeling.in_(["painful", "sharp"])).distinct()  # fmt: skip
    for pid, stretch in c.execute(found.order_by(SessionRow.person_id, ReportRow.stretch)).all():
        if pid is not None:
            facts[pid].painful.append(stretch)
