"""What a clinician's dashboard needs about all their patients at once, in a handful of queries.

Reading each patient through their own Store costs several queries and their whole history each, which is far too
slow for a hundred patients with a year of sessions. Here every fact is one query for all the patients, bounded to
the four weeks the dashboard shows, each statement built once, with the people chosen by a subquery; the indexes
it reads are in migrations 0011 and 0013 (bench/load.py measures it; docs/performance.md has the figures).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Float,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from backstretch.core.measures import SCORES, MeasureKind
from backstretch.core.programs import Program
from backstretch.core.safety import Screening
from backstretch.store.database import NEWEST_SCREENING_FIRST, program_of
from backstretch.store.models import (
    PAINFUL_FEELINGS,
    CareRow,
    MeasureRow,
    PersonRow,
    ProgramRow,
    ReportRow,
    ScreeningRow,
    SessionRow,
)

WINDOW_DAYS = 28  # the dashboard looks at the last 4 weeks: adherence over 28 days, and trends over the same
PAINFUL_DAYS = 14  # clinical-facts: stop (the 14 days are our own choice)


@dataclass
class PatientFacts:
    program: Program | None = None
    days: list[date] = field(default_factory=list)  # days with a hold done, within the window, oldest first
    pain: list[tuple[date, float]] = field(default_factory=list)  # one value a day (the median), within the window
    function: list[tuple[date, float]] = field(default_factory=list)
    screening: Screening | None = None
    painful: list[str] = field(default_factory=list)  # stretches reported painful or sharp lately
    # The outcome scores with trends (core/measures.py SCORES), all of them: they come every few weeks, not daily.
    scores: dict[MeasureKind, list[tuple[date, float]]] = field(default_factory=dict)


Facts = defaultdict[int, PatientFacts]


class _Queries:
    """Every query of the dashboard for one way of choosing the people, built once: each is then the same
    statement text every time, with the person or clinician, the window's first day and today as parameters. So
    SQLAlchemy, psycopg and PostgreSQL reuse their work, where a hundred ids spelt out in each statement cost a
    good share of the dashboard's time in building, rendering and parsing them."""

    def __init__(self, chosen: Select[int]) -> None:
        ids = chosen.scalar_subquery()
        since, today = bindparam("since", type_=Date), bindparam("today", type_=Date)
        self.programs = select(ProgramRow).where(ProgramRow.person_id.in_(ids), ProgramRow.active.is_(True)).order_by(
            ProgramRow.id)  # fmt: skip
        self.days = select(SessionRow.person_id, SessionRow.day).where(
            SessionRow.person_id.in_(ids), SessionRow.day >= since, SessionRow.day <= today,
            SessionRow.stretched.is_(True)).distinct().order_by(SessionRow.person_id, SessionRow.day)  # fmt: skip
        logged = select(MeasureRow.person_id.label("pid"), MeasureRow.kind.label("kind"),
                        MeasureRow.taken_on.label("day"), MeasureRow.value.label("value")).where(
            MeasureRow.person_id.in_(ids), MeasureRow.kind.in_([MeasureKind.PAIN.value, MeasureKind.FUNCTION.value]),
            MeasureRow.taken_on >= since, MeasureRow.taken_on <= today)  # fmt: skip
        before = select(SessionRow.person_id, literal(MeasureKind.PAIN.value, String), SessionRow.day,
                        cast(SessionRow.pain_before, Float)).where(
            SessionRow.person_id.in_(ids), SessionRow.day >= since, SessionRow.day <= today,
            SessionRow.pain_before.is_not(None))  # fmt: skip
        self.values = union_all(logged, before).subquery()  # pain before a session counts as a pain reading
        v = self.values.c
        self.per_day = select(v.pid, v.kind, v.day, case((func.count() <= 2, func.avg(v.value)))).group_by(
            v.pid, v.kind, v.day).order_by(v.pid, v.kind, v.day)  # fmt: skip
        ranked = select(ScreeningRow, func.row_number().over(
            partition_by=ScreeningRow.person_id, order_by=NEWEST_SCREENING_FIRST).label("n")).where(
            ScreeningRow.person_id.in_(ids)).subquery()  # fmt: skip
        self.screenings = select(ranked.c.person_id, ranked.c.taken_on, ranked.c.answers, ranked.c.cleared_on).where(
            ranked.c.n == 1)  # the latest of each person  # fmt: skip
        self.scores = select(MeasureRow.person_id, MeasureRow.kind, MeasureRow.taken_on, MeasureRow.value).where(
            MeasureRow.person_id.in_(ids), MeasureRow.kind.in_([k.value for k in SCORES]),
            MeasureRow.taken_on <= today).order_by(
            MeasureRow.person_id, MeasureRow.kind, MeasureRow.taken_on)  # fmt: skip
        self.painful = select(SessionRow.person_id, ReportRow.stretch).join(
            ReportRow, ReportRow.session_id == SessionRow.id).where(
            SessionRow.person_id.in_(ids), SessionRow.day >= bindparam("painful_since", type_=Date),
            SessionRow.day <= today, ReportRow.feeling.in_(PAINFUL_FEELINGS)).distinct().order_by(
            SessionRow.person_id, ReportRow.stretch)  # fmt: skip


_OF_CLINICIAN = _Queries(select(CareRow.patient_id).where(CareRow.clinician_id == bindparam("who")))
_OF_PATIENT = _Queries(select(PersonRow.id).where(PersonRow.id == bindparam("who")))


def facts_of_patients(engine: Engine, clinician_id: int, today: date) -> dict[int, PatientFacts]:
    """Everyone the clinician looks after; a patient with nothing recorded has no entry."""
    return _facts(engine, _OF_CLINICIAN, clinician_id, today)


def facts_of_patient(engine: Engine, patient_id: int, today: date) -> PatientFacts:
    return _facts(engine, _OF_PATIENT, patient_id, today).get(patient_id, PatientFacts())


def _facts(engine: Engine, queries: _Queries, who: int, today: date) -> dict[int, PatientFacts]:
    facts: Facts = defaultdict(PatientFacts)
    window = {"who": who, "since": today - timedelta(days=WINDOW_DAYS - 1), "today": today}
    with Session(engine) as s:
        for row in s.scalars(queries.programs, {"who": who}):  # the newest active one wins
            facts[row.person_id].program = program_of(row)
        # The rest are plain rows, thousands of them: read on the connection itself, skipping the ORM's handling of
        # each row.
        c = s.connection()
        for pid, day in c.execute(queries.days, window).all():  # days with a hold done, as Store.active_days counts
            if pid is not None:
                facts[pid].days.append(day)
        _readings(c, queries, window, facts)
        for pid, taken_on, answers, cleared_on in c.execute(queries.screenings, {"who": who}).all():
            if pid is not None:
                facts[pid].screening = Screening(taken_on=taken_on, answers=dict(answers), cleared_on=cleared_on)
        painful = {**window, "painful_since": today - timedelta(days=PAINFUL_DAYS)}
        for pid, stretch in c.execute(queries.painful, painful).all():
            if pid is not None:
                facts[pid].painful.append(stretch)
        by_day: dict[tuple[int, MeasureKind, date], list[float]] = {}
        for pid, kind, day, value in c.execute(queries.scores, {"who": who, "today": today}).all():
            if pid is not None:
                by_day.setdefault((pid, MeasureKind(kind), day), []).append(float(value))
        for (pid, kind, day), values in by_day.items():  # one value a day, as trends take them
            facts[pid].scores.setdefault(kind, []).append((day, float(median(values))))
    return dict(facts)


def _readings(c: Connection, queries: _Queries, window: dict[str, object], facts: Facts) -> None:
    """Pain and function within the window, one value a day (the median). The database groups them by day and gives
    the mean, which is the median of one or two values; a day of three or more is read again value by value (rows
    read and turned into Python values are the cost here)."""
    found: dict[tuple[int, str, date], float] = {}  # in the order of days
    many: dict[tuple[int, str, date], list[float]] = {}
    for pid, kind, day, mean in c.execute(queries.per_day, window).all():
        found[(pid, kind, day)] = math.nan if mean is None else float(mean)
        if mean is None:
            many[(pid, kind, day)] = []
    if many:
        v = queries.values.c
        again = select(queries.values).where(v.pid.in_({pid for pid, _, _ in many}), v.day.in_({d for _, _, d in many}))
        for pid, kind, day, value in c.execute(again, window).all():
            if (pid, kind, day) in many:
                many[(pid, kind, day)].append(float(value))
        found.update((key, float(median(values))) for key, values in many.items())
    pain = MeasureKind.PAIN.value
    for (pid, kind, day), value in found.items():
        (facts[pid].pain if kind == pain else facts[pid].function).append((day, value))
