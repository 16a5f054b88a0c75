"""The authorization matrix, built from the app's own route table: every route that takes an id (in its path, or a
session in its query) is called, for every role, by someone who must not see that id, and must answer 401, 403 or
404 (a page signed out: the way to sign in). A route with an id that this test does not know fails it, so none is
left out. Positive controls show the same calls work for the owner, so the refusals are not an accident."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backstretch.core.accounts import Role
from backstretch.core.measures import pain
from backstretch.core.profile import Profile
from backstretch.core.programs import Program, ProgramItem
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.store import Store, open_store
from backstretch.store.accounts import Accounts
from backstretch.store.models import CareRow
from backstretch.web.app import create_app
from tests.web import all_routes

# Routes that take an id but show nothing personal, with why.
PUBLIC = {
    "/library/{stretch_id}": "the stretch library is the same for everyone",
    "/figures/{stretch_id}.svg": "a stretch's figure is part of the library",
    "/api/stretches/{stretch_id}": "the stretch library is the same for everyone",
    "/lessons/{slug}": "a lesson is the same for everyone; its read mark is the signed-in person's own",
    "/lessons/{slug}/read": "marks a lesson read for the signed-in person only",
    "/api/lessons/{slug}/read": "marks a lesson read for the signed-in person only",
    "/api/desk/breaks/{stretch_id}": "a stretch of the library, checked against the signed-in person's own profile",
    "/progress/scores/{form}": "which score form was sent; the score is the signed-in person's own",
}
ID_QUERIES = ("session",)  # query parameters that name someone's record


def _routes_with_ids(app: Any) -> list[tuple[str, str]]:
    found = []
    for path, route in all_routes(app.routes):
        names = {p.name for p in route.dependant.path_params}
        names |= {q.name for q in route.dependant.query_params if q.name in ID_QUERIES}
        if names:
            found += [(method, path) for method in sorted(route.methods)]
    return found


class Clinic:
    """Two patients, each with a session; a clinician for the first; another clinician; an admin."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.app = create_app(url, multi_user=True)
        self.accounts = Accounts(open_store(url).engine)
        self.people = {role: self.accounts.create(f"{role}@example.org", Role(role.split("-")[0]), role)
                       for role in ("patient", "patient-b", "clinician", "clinician-b", "admin")}  # fmt: skip
        store = open_store(url)
        with store.session() as s, s.begin():
            s.add(CareRow(clinician_id=self.people["clinician"].id, patient_id=self.people["patient"].id))
        self.session = self._session(store.for_person(self.people["patient"].id))
        self.measure = store.for_person(self.people["patient"].id).add_measure(pain(3, date.today()))
        self._session(store.for_person(self.people["patient-b"].id))

    def _session(self, store: Store) -> int:
        store.save_profile(Profile(minutes=5))
        store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
        client = self.client("patient" if store.person_id == self.people["patient"].id else "patient-b")
        started = client.post("/api/sessions", json={"minutes": 5})
        assert started.status_code == 201, started.text
        self.stretch = started.json()["items"][0]["stretch"]
        return int(started.json()["id"])

    def client(self, who: str | None) -> TestClient:
        """A browser signed in as someone (or nobody), with the CSRF cookie and header every write needs."""
        client = TestClient(self.app)
        csrf = secrets.token_urlsafe(16)
        client.cookies.set("backstretch_csrf", csrf)
        client.headers["X-CSRF-Token"] = csrf
        if who is not None:
            client.cookies.set("backstretch_login", self.accounts.open_login(self.people[who].id))
        return client

    def call(self, client: TestClient, method: str, path: str) -> int:
        ids = {"session_id": self.session, "patient_id": self.people["patient"].id, "measure_id": self.measure}
        target = path.format(**ids)
        bodies: dict[str, Any] = {
            "/api/sessions/{session_id}/steps": {"index": 0, "seconds": 1, "outcome": "done"},
            "/api/sessions/{session_id}/reports": {"stretch": self.stretch, "feeling": "painful"},
            "/api/sessions/{session_id}/finish": {"status": "completed"},
            "/api/sessions/{session_id}/easier": {"stretch": self.stretch},
            "/api/sessions/{session_id}/rom": {"stretch": "standing-forward-fold", "degrees": 60},
            "/api/measures/{measure_id}": {"value": 0},
        }
        if path == "/player":
            target = f"/player?session={self.session}"
        if method == "GET":
            return client.get(target, follow_redirects=False).status_code
        return client.request(method, target, json=bodies.get(path), follow_redirects=False).status_code


@pytest.fixture
def clinic(database_url: str) -> Clinic:
    return Clinic(database_url)


KNOWN = {
    ("GET", "/api/sessions/{session_id}"), ("POST", "/api/sessions/{session_id}/steps"),
    ("POST", "/api/sessions/{session_id}/reports"), ("POST", "/api/sessions/{session_id}/finish"),
    ("POST", "/api/sessions/{session_id}/easier"), ("POST", "/api/sessions/{session_id}/rom"), ("GET", "/player"),
    ("GET", "/api/sessions/{session_id}/ending"), ("GET", "/sessions/{session_id}/done"),
    ("POST", "/clinic/patients/{patient_id}/reset"), ("GET", "/clinic/patients/{patient_id}"),
    ("POST", "/clinic/patients/{patient_id}/program"), ("GET", "/clinic/patients/{patient_id}/chart.svg"),
    ("GET", "/clinic/patients/{patient_id}/handout.pdf"), ("GET", "/clinic/patients/{patient_id}/report.pdf"),
    ("GET", "/progress/measures/{measure_id}"), ("POST", "/progress/measures/{measure_id}"),
    ("POST", "/progress/measures/{measure_id}/delete"), ("POST", "/progress/measures/{measure_id}/restore"),
    ("PATCH", "/api/measures/{measure_id}"), ("DELETE", "/api/measures/{measure_id}"),
    ("POST", "/api/measures/{measure_id}/restore"),
    ("POST", "/clinic/patients/{patient_id}/lessons"),
}  # fmt: skip
# Who may call each route (the patient for the rest).
OWNER = {path: "clinician" for _, path in KNOWN if path.startswith("/clinic/")}


def test_every_route_with_an_id_is_in_the_matrix(clinic: Clinic) -> None:
    routes = _routes_with_ids(clinic.app)
    unknown = [r for r in routes if r not in KNOWN and r[1] not in PUBLIC]
    assert unknown == [], f"routes with an id that the authorization matrix does not test: {unknown}"
    assert set(routes) >= KNOWN, "the matrix names a route the app no longer has"


@pytest.mark.parametrize("who", [None, "patient-b", "clinician-b", "admin", "clinician", "patient"])
def test_nobody_reaches_an_id_that_is_not_theirs(clinic: Clinic, who: str | None) -> None:
    client = clinic.client(who)
    answers = {}
    for method, path in sorted(KNOWN):
        if who == OWNER.get(path, "patient"):
            continue  # the owner: see the positive controls
        answers[(method, path)] = clinic.call(client, method, path)
    allowed = {401, 403, 404} | ({303} if who is None else set())
    wrong = {route: status for route, status in answers.items() if status not in allowed}
    assert wrong == {}, f"{who or 'signed out'} reached someone else's data: {wrong}"


def test_the_owner_reaches_it(clinic: Clinic) -> None:
    patient, clinician = clinic.client("patient"), clinic.client("clinician")
    assert clinic.call(patient, "GET", "/api/sessions/{session_id}") == 200
    assert clinic.call(patient, "GET", "/player") == 200
    assert clinic.call(patient, "GET", "/api/sessions/{session_id}/ending") == 200
    assert clinic.call(patient, "GET", "/sessions/{session_id}/done") == 200
    assert clinic.call(patient, "POST", "/api/sessions/{session_id}/steps") == 200
    assert clinic.call(patient, "GET", "/progress/measures/{measure_id}") == 200
    assert clinic.call(patient, "PATCH", "/api/measures/{measure_id}") == 200
    assert clinic.call(patient, "DELETE", "/api/measures/{measure_id}") == 200
    assert clinic.call(patient, "POST", "/api/measures/{measure_id}/restore") == 200
    # Reached: saved when the planned session holds the fold, else refused for that reason (not hidden).
    assert clinic.call(patient, "POST", "/api/sessions/{session_id}/rom") in (200, 422)
    assert clinic.call(clinician, "POST", "/clinic/patients/{patient_id}/reset") == 200
    assert clinic.call(clinician, "GET", "/clinic/patients/{patient_id}") == 200
    assert clinic.call(clinician, "GET", "/clinic/patients/{patient_id}/chart.svg") == 200
    assert clinic.call(clinician, "POST", "/clinic/patients/{patient_id}/lessons") == 303
    assert clinic.call(clinician, "GET", "/clinic/patients/{patient_id}/report.pdf") == 200
    assert clinic.call(clinician, "GET", "/clinic/patients/{patient_id}/handout.pdf") == 409  # no program yet
    store = open_store(clinic.url).for_person(clinic.people["patient"].id)
    store.assign_program(Program((ProgramItem(clinic.stretch, 20, 1),), frozenset(range(7)), True, "", date.today()),
                         clinic.people["clinician"].id)  # fmt: skip
    store.engine.dispose()  # its own engine: close the connection now, not whenever it is collected
    assert clinic.call(clinician, "GET", "/clinic/patients/{patient_id}/handout.pdf") == 200


def test_signed_out_pages_send_to_sign_in(clinic: Clinic) -> None:
    answer = clinic.client(None).get(f"/player?session={clinic.session}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=/player")
