"""Changing, deleting and putting back a logged reading through the JSON API and the command line, on SQLite and
PostgreSQL: only the owner's readings, bad values refused with a plain message and nothing changed, and Undo restoring
exactly what was there (its id and when it was logged too)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from backstretch.core import measures as m
from backstretch.core.accounts import Role
from backstretch.core.measures import MeasureKind
from backstretch.core.profile import Profile
from backstretch.core.vocab import Condition
from backstretch.store import open_store
from backstretch.store.accounts import Accounts
from backstretch.store.models import MeasureRow
from backstretch.web.app import create_app
from tests.helpers import backstretch


def _row(url: str, measure_id: int) -> tuple[object, ...] | None:
    store = open_store(url)
    with store.session() as s:
        row = s.scalar(select(MeasureRow).where(MeasureRow.id == measure_id))
        found = None if row is None else (row.id, row.person_id, row.kind, row.taken_on, row.value, row.activities,
                                          row.morning, row.note, row.recorded_at, row.stretch)  # fmt: skip
    store.engine.dispose()
    return found


def test_patch_delete_and_restore_each_measure(database_url: str) -> None:
    client = TestClient(create_app(database_url))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    pain = client.post("/api/measures", json={"kind": "pain", "value": 4, "morning": True}).json()["id"]
    reach = client.post("/api/measures", json={"kind": "reach", "value": 12}).json()["id"]
    function = client.post("/api/measures", json={"kind": "function", "activities": [
        {"activity": "socks", "score": 3}, {"activity": "sitting", "score": 5}]}).json()["id"]  # fmt: skip

    changed = client.patch(f"/api/measures/{pain}", json={"value": 2, "date": yesterday, "note": "better"})
    assert changed.status_code == 200
    assert changed.json() == {"id": pain, "kind": "pain", "value": 2, "activities": [], "morning": True,
                              "note": "better", "date": yesterday}  # fmt: skip
    # Past the floor: a minus number, standing on a step.
    assert client.patch(f"/api/measures/{reach}", json={"value": -4}).json()["value"] == -4
    assert client.patch(f"/api/measures/{reach}", json={"value": -2, "unit": "in"}).json()["value"] == -5.1
    socks = client.patch(f"/api/measures/{function}", json={"activities": [{"activity": "socks", "score": 7}]})
    assert socks.json()["value"] == 7 and socks.json()["activities"] == [{"activity": "socks", "score": 7}]

    # Bad values: a plain message, nothing changed.
    before = {i: _row(database_url, i) for i in (pain, reach, function)}
    for measure_id, body, message in (
        (pain, {"value": 11}, "pain is a whole number from 0 to 10, not 11"),
        (pain, {"value": 2.5}, "pain is a whole number from 0 to 10, not 2.5"),
        (pain, {"date": (date.today() + timedelta(days=1)).isoformat()}, "is in the future"),
        (reach, {"value": 200}, "reach is measured from -40 to 80 cm, not 200 cm"),
        (reach, {"morning": True}, "only pain readings can be marked as morning readings"),
        (function, {"value": 3}, "a function reading is given as activities with scores"),
        (function, {"activities": []}, "function needs 1 to 3 activities"),
        (pain, {"activities": [{"activity": "socks", "score": 3}]}, "only function readings have activities"),
    ):
        answer = client.patch(f"/api/measures/{measure_id}", json=body)
        assert answer.status_code == 422 and message in answer.json()["detail"], (body, answer.text)
    assert client.patch(f"/api/measures/{pain}", json={"kind": "reach"}).status_code == 422  # the kind stays
    assert {i: _row(database_url, i) for i in (pain, reach, function)} == before

    # Delete, then undo: exactly what was there, the same id and time logged; a second undo finds nothing.
    deleted = client.delete(f"/api/measures/{reach}")
    assert deleted.status_code == 200 and deleted.json()["value"] == -5.1
    assert _row(database_url, reach) is None
    assert reach not in [x["id"] for x in client.get("/api/measures").json()]
    assert client.patch(f"/api/measures/{reach}", json={"value": 3}).status_code == 404
    assert client.delete(f"/api/measures/{reach}").json() == {
        "detail": f"there is no reading {reach} of yours: it may have been deleted"}  # fmt: skip
    restored = client.post(f"/api/measures/{reach}/restore")
    assert restored.status_code == 200 and restored.json() == deleted.json()
    assert _row(database_url, reach) == before[reach]
    again = client.post(f"/api/measures/{reach}/restore")
    assert again.status_code == 404 and "deleted in the last day" in again.json()["detail"]
    for missing in ("/api/measures/999999", "/api/measures/999999/restore"):
        assert client.request("DELETE" if "restore" not in missing else "POST", missing).status_code == 404
    assert client.delete(f"/api/measures/{2**40}").status_code == 422  # past any id: refused before the database
    # A new reading after the undo gets a new id, never the restored one.
    assert client.post("/api/measures", json={"kind": "pain", "value": 1}).json()["id"] not in (pain, reach, function)


def test_api_documents_the_answers() -> None:
    schema = TestClient(create_app("sqlite://")).get("/openapi.json").json()
    patch = schema["paths"]["/api/measures/{measure_id}"]["patch"]
    assert {"200", "404", "409", "422"} <= set(patch["responses"])
    assert "MeasurePatch" in str(patch["requestBody"])
    assert "404" in schema["paths"]["/api/measures/{measure_id}"]["delete"]["responses"]
    assert "404" in schema["paths"]["/api/measures/{measure_id}/restore"]["post"]["responses"]


def test_a_reach_reading_is_not_changed_for_someone_the_test_is_not_for(database_url: str) -> None:
    store = open_store(database_url)
    reach = store.add_measure(m.reach(10, date.today()))
    store.save_profile(Profile(conditions=(Condition.PREGNANCY,)))
    client = TestClient(create_app(database_url))
    refused = client.patch(f"/api/measures/{reach}", json={"value": 5})
    assert refused.status_code == 409 and refused.json()["detail"].startswith("The reach test is not for you")
    assert client.delete(f"/api/measures/{reach}").status_code == 200  # deleting it is always allowed


def test_in_clinic_mode_only_the_owner_changes_a_reading(database_url: str) -> None:
    app = create_app(database_url, multi_user=True)
    accounts = Accounts(open_store(database_url).engine)
    people = {who: accounts.create(f"{who}@example.org", Role.PATIENT, who) for who in ("ann", "bob")}

    def client(who: str) -> TestClient:
        c = TestClient(app)
        csrf = secrets.token_urlsafe(16)
        c.cookies.set("backstretch_csrf", csrf)
        c.headers["X-CSRF-Token"] = csrf
        c.cookies.set("backstretch_login", accounts.open_login(people[who].id))
        return c

    ann, bob = client("ann"), client("bob")
    reading = ann.post("/api/measures", json={"kind": "pain", "value": 5}).json()["id"]
    assert bob.patch(f"/api/measures/{reading}", json={"value": 0}).status_code == 404
    assert bob.delete(f"/api/measures/{reading}").status_code == 404
    assert bob.post(f"/progress/measures/{reading}/delete", follow_redirects=False).status_code == 404
    assert bob.get(f"/progress/measures/{reading}").status_code == 404
    assert [x["value"] for x in ann.get("/api/measures").json()] == [5]
    assert ann.delete(f"/api/measures/{reading}").status_code == 200
    assert bob.post(f"/api/measures/{reading}/restore").status_code == 404  # not Bob's to put back either
    assert ann.post(f"/api/measures/{reading}/restore").status_code == 200


def test_command_line_lists_changes_deletes_and_undoes(database_url: str) -> None:
    store = open_store(database_url)
    reach = store.add_measure(m.reach(12, date.today()))
    pain = store.add_measure(m.pain(4, date.today()))
    listed = backstretch("log", "list", "--db", database_url)
    assert listed.returncode == 0, listed.stderr
    assert "12 cm above the floor" in listed.stdout and "4 out of 10" in listed.stdout
    changed = backstretch("log", "change", str(reach), "--value", "-3", "--note", "on the step", "--db", database_url)
    assert changed.returncode == 0, changed.stderr
    assert "now reach 3 cm past the floor" in changed.stdout
    assert [(x.value, x.note) for x in store.measures(MeasureKind.REACH)] == [(-3.0, "on the step")]
    bad = backstretch("log", "change", str(pain), "--value", "11", "--db", database_url)
    assert bad.returncode == 2 and "pain is a whole number from 0 to 10, not 11; nothing was changed" in bad.stderr
    assert "Traceback" not in bad.stderr and [x.value for x in store.measures(MeasureKind.PAIN)] == [4]
    deleted = backstretch("log", "delete", str(pain), "--db", database_url)
    assert deleted.returncode == 0 and f"backstretch log undo {pain}" in deleted.stdout
    assert store.measures(MeasureKind.PAIN) == []
    undone = backstretch("log", "undo", str(pain), "--db", database_url)
    assert undone.returncode == 0 and "Put back reading" in undone.stdout
    assert [x.value for x in store.measures(MeasureKind.PAIN)] == [4]
    missing = backstretch("log", "delete", "999999", "--db", database_url)
    assert missing.returncode == 2 and "there is no reading 999999 of yours" in missing.stderr
