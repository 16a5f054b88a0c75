"""The dashboard's batch queries give what each patient's own store gives, within the dashboard's window."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from backstretch.core import measures
from backstretch.core.measures import MeasureKind, daily_values
from backstretch.core.programs import Program, ProgramItem
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.timeline import Step, StepKind
from backstretch.store import Store, open_store
from backstretch.store.clinic import WINDOW_DAYS, PatientFacts, facts_of_patient, facts_of_patients
from backstretch.store.models import CareRow, PersonRow

TODAY = date(2026, 11, 24)


def _person(store: Store, n: int) -> Store:
    with store.session() as s, s.begin():
        row = PersonRow(role="patient", email=f"p{n}@example.org", name=f"P{n}", created_at=datetime.now())
        s.add(row)
        s.flush()
        return store.for_person(row.id)


def _history(store: Store, offset: int) -> None:
    """Sessions on most days of the last 100 (some only a checklist), pain before, logged pain and function."""
    for back in range(100, -1, -1):
        day = TODAY - timedelta(days=back)
        if (back + offset) % 5 == 0:
            continue
        session = store.start_session(day, {"items": []}, pain_before=(back + offset) % 7)
        store.record_step(session, Step(0, StepKind.CHECKLIST, 0, 30, "Before you start"), 30, "done")
        if (back + offset) % 3:
            store.record_step(session, Step(1, StepKind.HOLD, 30, 20, "Hold", stretch="cat-stretch"), 20, "done")
        if back in (3, 20):
            store.report_feeling(session, day, "cat-stretch", "painful")
        if back % 4 == 0:
            store.add_measure(measures.pain((back + offset) % 9, day))
            store.add_measure(measures.function([("socks", (back + offset) % 10)], day))
        if back % 8 == 0:  # days of three and four values: a median that is not a mean
            store.add_measure(measures.pain(9, day))
            store.add_measure(measures.function([("socks", 3), ("stairs", 4), ("sitting", 4)], day))
            store.add_measure(measures.function([("socks", 9)], day))
        if back == 16:
            store.add_measure(measures.pain(0, day))


def test_the_dashboard_facts_match_each_patients_own_store(database_url: str) -> None:
    base = open_store(database_url)
    first, second, quiet, stranger = _person(base, 1), _person(base, 2), _person(base, 3), _person(base, 5)
    _history(stranger, 2)
    _history(first, 0)
    _history(second, 1)
    first.add_screening(Screening(TODAY - timedelta(days=40), {q.id: False for q in QUESTIONS}))
    first.add_screening(Screening(TODAY - timedelta(days=2), {q.id: q.id == "cancer" for q in QUESTIONS}))
    second.add_screening(Screening(TODAY - timedelta(days=9), {q.id: False for q in QUESTIONS}))
    stranger.add_screening(Screening(TODAY, {q.id: False for q in QUESTIONS}))  # the newest of all, not a patient
    program = Program((ProgramItem("cat-stretch", 20, 1),), frozenset({0, 2}), True, "note", TODAY)
    second.assign_program(program, None)
    clinician = _person(base, 4)
    with base.session() as s, s.begin():
        s.add_all(CareRow(clinician_id=clinician.person_id, patient_id=p.person_id) for p in (first, second, quiet))
    facts = facts_of_patients(base.engine, clinician.person_id, TODAY)
    assert set(facts) == {first.person_id, second.person_id}, "only the clinician's own, and only those with data"
    since = TODAY - timedelta(days=WINDOW_DAYS - 1)
    for store in (first, second):
        got = facts[store.person_id]
        assert got.days == [d.on for d in store.active_days() if d.on >= since]
        readings = [m for m in store.measures() if m.on >= since]
        assert got.pain == daily_values(readings, MeasureKind.PAIN)
        assert got.function == daily_values(readings, MeasureKind.FUNCTION)
        assert got.painful == ["cat-stretch"], "only the report 3 days ago is within 14 days"
        assert got.screening == store.latest_screening()
        assert facts_of_patient(base.engine, store.person_id, TODAY) == got
    assert facts[second.person_id].program == program and facts[first.person_id].program is None
    assert facts_of_patient(base.engine, quiet.person_id, TODAY) == PatientFacts()
