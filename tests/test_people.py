"""One database, several people: each sees and changes only their own data (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient

from backstretch.core import measures
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.timeline import Step, StepKind
from backstretch.store import Store, open_store
from backstretch.store.models import PersonRow
from backstretch.store.transfer import export_data, import_data, stored_counts
from backstretch.web.app import create_app

DAY = date(2026, 11, 2)


def _someone_else(store: Store) -> Store:
    with store.session() as s, s.begin():
        row = PersonRow(role="patient", email="pat@example.org", name="Pat", created_at=datetime.now())
        s.add(row)
        s.flush()
        return store.for_person(row.id)


def _fill(store: Store, minutes: int, pain: int) -> int:
    """A profile, a screening, one session with a step and a report, and a pain reading."""
    store.save_profile(Profile(minutes=minutes))
    store.add_screening(Screening(DAY, {q.id: False for q in QUESTIONS}))
    session = store.start_session(DAY, {"items": []}, pain_before=pain, client_key=f"key-{minutes}")
    store.record_step(session, Step(0, StepKind.CHECKLIST, 0, 30, "Before you start"), 30, "done")
    store.report_feeling(session, DAY, "cat-stretch", "painful")
    store.add_measure(measures.pain(pain, DAY))
    return session


def test_each_person_sees_only_their_own_data(database_url: str) -> None:
    me = open_store(database_url)
    other = _someone_else(me)
    mine, theirs = _fill(me, 10, 3), _fill(other, 20, 7)
    assert me.person_id != other.person_id
    for store, session, minutes, pain in ((me, mine, 10, 3), (other, theirs, 20, 7)):
        profile = store.load_profile()
        assert profile is not None and profile.minutes == minutes
        assert [h.id for h in store.history()] == [session]
        assert {m.value for m in store.measures()} == {pain}
        assert store.planner_history(DAY).days[0].painful == ("cat-stretch",)
        assert store.session_by_key(f"key-{minutes}") == session
        document = export_data(store)
        assert [s["id"] for s in document["sessions"]] == [session] and len(document["screenings"]) == 1
        assert stored_counts(store).total == 6
    assert me.session_by_key("key-20") is None
    assert open_store(database_url).person_id == me.person_id, "the person on this computer stays the same"


def test_nobody_writes_into_someone_elses_session(database_url: str) -> None:
    me = open_store(database_url)
    other = _someone_else(me)
    theirs = _fill(other, 20, 7)
    step = Step(1, StepKind.SETUP, 30, 10, "Next")
    for attempt in (lambda: me.record_step(theirs, step, 5, "done"),
                    lambda: me.report_feeling(theirs, DAY, "cat-stretch", "sharp"),
                    lambda: me.finish_session(theirs, "completed"),
                    lambda: me.change_plan(theirs, {"items": []}),
                    lambda: me.recorded_steps(theirs)):  # fmt: skip
        with pytest.raises(ValueError, match=f"no session {theirs}"):
            attempt()
    assert other.history()[0].status == "partial" and other.recorded_steps(theirs) == {0}


def test_deleting_and_replacing_touch_only_ones_own_data(database_url: str) -> None:
    me = open_store(database_url)
    other = _someone_else(me)
    _fill(me, 10, 3)
    _fill(other, 20, 7)
    before = export_data(other)
    me.delete_all()
    assert me.load_profile() is None and me.history() == [] and stored_counts(me).total == 0
    assert export_data(other)["sessions"] == before["sessions"]
    # An export of someone's own data cannot be imported over another person's rows: nothing is written.
    with pytest.raises(ValueError, match="already used in this database"):
        import_data(me, before)
    assert stored_counts(me).total == 0 and stored_counts(other).total == 6


def test_the_api_does_not_show_someone_elses_session(database_url: str) -> None:
    me = open_store(database_url)
    me.save_profile(Profile(minutes=5))
    me.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    theirs = _fill(_someone_else(me), 20, 7)
    client = TestClient(create_app(database_url))
    assert client.get(f"/api/sessions/{theirs}").status_code == 404
    step = client.post(f"/api/sessions/{theirs}/steps", json={"index": 0, "seconds": 1, "outcome": "done"})
    assert step.status_code == 404
    assert client.post(f"/api/sessions/{theirs}/finish", json={"status": "completed"}).status_code == 404
    assert client.get("/player", params={"session": theirs}).status_code == 404
    assert client.get("/api/export").json()["sessions"] == []
