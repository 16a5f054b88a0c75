"""What a clinician's dashboard needs about all their patients at once, in a handful of queries.

Reading each patient through their own Store costs several queries and their whole history each: a dashboard of a
hundred patients with a year of sessions took 1.5 s (bench/load.py). Here every fact is one query for all the
patients, bounded to the four weeks the dashboard shows: 41 ms for those hundred patients, page 81 ms in-process.
With covering indexes (migration 0011) and trends without slopes: 37 ms and 51 ms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import Connection, Engine, and_, case, func, select
from sqlalchemy.orm import Session

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
    """Pain and function within the window, one value a day; pain before a session counts as a pain reading."""
    values: dict[tuple[int, MeasureKind], dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    logged = select(MeasureRow.person_id, MeasureRow.kind, MeasureRow.taken_on, MeasureRow.value).where(
        MeasureRow.person_id.in_(ids), MeasureRow.kind.in_([MeasureKind.PAIN.value, MeasureKind.FUNCTION.value]),
        MeasureRow.taken_on >= since, MeasureRow.taken_on <= today)  # fmt: skip
    for pid, kind, day, value in c.execute(logged).all():
        if pid is not None:
            values[(pid, MeasureKind(kind))][day].append(float(value))
    before = select(SessionRow.person_id, SessionRow.day, SessionRow.pain_before).where(
        SessionRow.person_id.in_(ids), SessionRow.day >= since, SessionRow.day <= today,
        SessionRow.pain_before.is_not(None))  # fmt: skip
    for pid, day, pain in c.execute(before).all():
        if pid is not None and pain is not None:
            values[(pid, MeasureKind.PAIN)][day].append(float(pain))
    for (pid, kind), by_day in values.items():
        series = [(day, float(median(v))) for day, v in sorted(by_day.items())]
        if kind is MeasureKind.PAIN:
            facts[pid].pain = series
        else:
            facts[pid].function = series


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
