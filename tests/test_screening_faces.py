"""The safety questions on every face that plans: a screening stored before the questions changed asks for new
answers (never an error), recent spine surgery waits for the surgical team, and a clearance carries to a later
screening only while no new flag appears. Through the real store, web app and command line."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.vocab import Condition
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store
from backstretch.store.clinic import PatientFacts, facts_of_patients
from backstretch.store.models import CareRow, PersonRow
from backstretch.store.transfer import export_data, import_data
from backstretch.web.app import create_app
from backstretch.web.routes.clinic import _attention
from tests.helpers import backstretch

TODAY = date.today()
NO = {q.id: False for q in QUESTIONS}
# A screening as the previous version stored it: its questions only (some then asked several things at once).
OLD = {"bladder-bowel": False, "saddle-numbness": False, "leg-weakness": False, "cancer": False, "weight-loss": False,
       "new-pain-age": False, "no-improvement": False, "night-pain": False, "infection": False, "trauma": False,
       "deformity-worsening": False}  # fmt: skip
CHANGED = "safety questions have changed"
SURGERY = (Condition.RECENT_SPINE_SURGERY,)


def _old_store(url: str, cleared: bool = True) -> Store:
    """A person whose latest screening is from before the questions changed (and was cleared for its flag)."""
    store = open_store(url)
    store.save_profile(Profile(minutes=5))
    store.add_screening(Screening(TODAY - timedelta(days=3), {**OLD, "cancer": True},
                                  TODAY - timedelta(days=2) if cleared else None))  # fmt: skip
    return store


def test_an_old_screening_asks_for_new_answers_on_every_web_face(database_url: str) -> None:
    _old_store(database_url)
    client = TestClient(create_app(database_url))
    verdict = client.get("/api/screening")
    assert verdict.status_code == 200
    assert verdict.json()["out_of_date"] is True and verdict.json()["may_plan"] is False
    assert CHANGED in verdict.json()["reasons"][0]
    plan = client.get("/api/plan")
    assert plan.status_code == 409 and CHANGED in plan.json()["reasons"][0] and "items" not in plan.json()
    started = client.post("/api/sessions", json={"minutes": 3})
    assert started.status_code == 409 and CHANGED in json.dumps(started.json())
    assert client.get("/api/desk/next").status_code == 409
    assert client.get("/today/handout.pdf").status_code == 409
    page = client.get("/today")
    assert page.status_code == 200 and CHANGED in page.text and 'href="/onboarding/safety"' in page.text
    assert "Confirm I have been cleared" not in page.text, "old answers are answered again, not cleared"
    assert "deformity-worsening" not in page.text and not re.search(r"\d{4}-\d\d-\d\d", page.text)
    desk = client.get("/desk")
    assert desk.status_code == 200 and CHANGED in desk.text
    assert CHANGED in client.get("/onboarding/verdict").text
    # Confirming a clearance for old answers is not possible: they are answered again first.
    assert client.post("/api/screening/clearance").status_code == 409
    form = client.post("/onboarding/clearance", data={"confirm": "yes"},
                       follow_redirects=False)  # fmt: skip
    assert form.status_code == 303 and form.headers["location"] == "/onboarding/safety"
    # Answering again brings the plan back; the old clearance covered cancer, which carries.
    again = client.post("/api/screening", json={"answers": {**NO, "cancer": True}}).json()
    assert again["may_plan"] is True and again["out_of_date"] is False
    assert client.get("/api/plan").status_code == 200


def test_an_old_screening_on_the_command_line_the_dashboard_and_in_export(database_url: str, tmp_path: Path) -> None:
    store = _old_store(database_url)
    for command in (("plan", "--json"), ("handout", "-o", str(tmp_path / "sheet.pdf")), ("start",)):
        result = backstretch(*command, "--db", database_url)
        assert result.returncode == 3, (command, result.stdout, result.stderr)
        assert CHANGED in result.stdout + result.stderr and "Traceback" not in result.stderr
    cleared = backstretch("screen", "--cleared", "--db", database_url)
    assert cleared.returncode == 2 and "changed" in cleared.stderr and "Traceback" not in cleared.stderr

    # The clinic dashboard reads every patient's latest screening in one query.
    with store.session() as s, s.begin():
        doctor = PersonRow(role="clinician", email="doc@example.org", name="Doc", created_at=datetime.now())
        s.add(doctor)
        s.flush()
        s.add(CareRow(clinician_id=doctor.id, patient_id=store.person_id))
        doctor_id = doctor.id
    facts = facts_of_patients(store.engine, doctor_id, TODAY)
    assert facts[store.person_id].screening is not None
    _attention(facts.get(store.person_id, PatientFacts()), load_catalogue(), TODAY)

    # Exported, and imported again into an empty store: still the old answers, still out of date.
    document = export_data(store)
    fresh = open_store(f"sqlite:///{tmp_path / 'again.sqlite3'}")
    import_data(fresh, json.loads(json.dumps(document)))
    latest = fresh.latest_screening()
    assert latest is not None and latest.answers == {**OLD, "cancer": True}
    exported = tmp_path / "old.json"
    assert backstretch("export", "-o", exported, "--db", database_url).returncode == 0
    imported = backstretch("import", exported, "--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert imported.returncode == 0, imported.stderr
    fhir = backstretch("export", "--format", "fhir", "--db", database_url)
    assert fhir.returncode == 0 and "Traceback" not in fhir.stderr


def test_recent_spine_surgery_needs_the_surgical_team_on_the_web_api(database_url: str) -> None:
    client = TestClient(create_app(database_url))
    assert client.put("/api/profile", json={"minutes": 5, "conditions": ["recent-spine-surgery"]}).status_code == 200
    verdict = client.post("/api/screening", json={"answers": NO}).json()
    assert verdict["may_plan"] is False and verdict["see_clinician"] == ["recent-spine-surgery"]
    assert any("surgical team" in r for r in verdict["reasons"])
    refused = client.get("/api/plan")
    assert refused.status_code == 409 and any("surgical team" in r for r in refused.json()["reasons"])
    assert client.post("/api/sessions", json={"minutes": 3}).status_code == 409
    assert client.get("/today/handout.pdf").status_code == 409
    page = client.get("/today")
    assert "My surgical team has cleared me for stretching." in page.text
    assert "Please check with your surgical team first" in page.text

    cleared = client.post("/api/screening/clearance").json()
    assert cleared["may_plan"] is True and cleared["screening"]["cleared_on"] == TODAY.isoformat()
    assert client.get("/api/plan").status_code == 200
    # The same answers again: the clearance carries. A new flag: a new clearance is needed.
    assert client.post("/api/screening", json={"answers": NO}).json()["may_plan"] is True
    assert client.get("/api/plan").status_code == 200
    flagged = client.post("/api/screening", json={"answers": {**NO, "lying-down-pain": True}}).json()
    assert flagged["may_plan"] is False and flagged["screening"]["cleared_on"] is None
    assert client.get("/api/plan").status_code == 409


def test_spine_surgery_added_after_a_clearance_is_not_covered_by_it(database_url: str) -> None:
    store = open_store(database_url)
    store.save_profile(Profile(minutes=5))
    client = TestClient(create_app(database_url))
    assert client.post("/api/screening", json={"answers": {**NO, "cancer": True}}).json()["may_plan"] is False
    assert client.post("/api/screening/clearance").json()["may_plan"] is True
    store.save_profile(Profile(minutes=5, conditions=SURGERY))
    refused = client.get("/api/plan")
    assert refused.status_code == 409 and any("surgical team" in r for r in refused.json()["reasons"])
    assert client.post("/api/screening/clearance").json()["may_plan"] is True
    assert client.get("/api/plan").status_code == 200


def test_the_web_form_carries_a_clearance_and_asks_again_for_a_new_flag(database_url: str) -> None:
    store = open_store(database_url)
    store.save_profile(Profile(minutes=5))
    client = TestClient(create_app(database_url))
    assert client.get("/onboarding/safety").status_code == 200

    def answer(yes: set[str]) -> str:
        data = {q.id: "yes" if q.id in yes else "no" for q in QUESTIONS}
        return str(client.post("/onboarding/safety", data=data, follow_redirects=False).headers["location"])

    assert answer({"weight-loss"}) == "/onboarding/verdict"
    client.post("/onboarding/clearance", data={"confirm": "yes"})
    assert answer({"weight-loss"}) == "/today", "the clearance carries to the same flag"
    assert answer(set()) == "/today"
    assert answer({"weight-loss", "inflammatory"}) == "/onboarding/verdict", "a new flag needs a new clearance"
    page = client.get("/onboarding/verdict").text
    assert "rheumatologist" in page and "Please see a doctor or physiotherapist first" in page
    assert answer({"leg-weakness"}) == "/onboarding/verdict"
    assert "urgent" in client.get("/onboarding/verdict").text.lower()


def _profile_file(tmp_path: Path, screening: str, conditions: str = '["recent-spine-surgery"]') -> Path:
    path = tmp_path / "me.toml"
    path.write_text(f"minutes = 5\nconditions = {conditions}\n\n[screening]\ntaken_on = {TODAY}\n{screening}\n")
    return path


def test_recent_spine_surgery_on_the_command_line(tmp_path: Path, backstretch_home: Path) -> None:
    all_no = "\n".join(f"{q.id} = false" for q in QUESTIONS)
    refused = backstretch("plan", "--profile", _profile_file(tmp_path, all_no), "--json")
    assert refused.returncode == 3 and "surgical team" in refused.stdout
    allowed = backstretch("plan", "--profile", _profile_file(tmp_path, all_no + f"\ncleared_on = {TODAY}"), "--json")
    assert allowed.returncode == 0, allowed.stderr

    assert backstretch("profile", "--from", _profile_file(tmp_path, all_no)).returncode == 0
    for command in (("plan",), ("handout", "-o", str(tmp_path / "sheet.pdf")), ("start",)):
        result = backstretch(*command)
        assert result.returncode == 3 and "surgical team" in result.stderr, (command, result.stderr)
    confirmed = backstretch("screen", "--cleared")
    assert confirmed.returncode == 0 and "surgical team" in confirmed.stdout
    assert backstretch("plan", "--json").returncode == 0
    # Answering again with no new flag keeps the clearance; a new flag needs a new one.
    same = backstretch("screen", stdin="n\n" * len(QUESTIONS))
    assert same.returncode == 0 and "Nothing here stops you stretching" in same.stdout
    assert backstretch("plan", "--json").returncode == 0
    answers = ["y" if q.id == "cancer" else "n" for q in QUESTIONS]
    flagged = backstretch("screen", stdin="\n".join(answers) + "\n")
    assert "surgical team" in flagged.stderr and "cancer" in flagged.stderr
    assert backstretch("plan", "--json").returncode == 3


def test_a_profile_file_clearance_dated_before_its_answers_is_a_clear_error(tmp_path: Path) -> None:
    all_no = "\n".join(f"{q.id} = false" for q in QUESTIONS)
    early = _profile_file(tmp_path, all_no + f"\ncleared_on = {TODAY - timedelta(days=1)}")
    result = backstretch("plan", "--profile", early)
    assert result.returncode == 2 and "cleared_on" in result.stderr and "Traceback" not in result.stderr
    old = _profile_file(tmp_path, "\n".join(f"{k} = false" for k in OLD), conditions="[]")
    result = backstretch("plan", "--profile", old)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "questions have changed" in result.stderr and "missing: urine-difficulty" in result.stderr


def test_a_profile_read_from_a_file_carries_the_stored_clearance(tmp_path: Path, backstretch_home: Path) -> None:
    def answers(*yes: str) -> str:
        return "\n".join(f"{q.id} = {'true' if q.id in yes else 'false'}" for q in QUESTIONS)

    cleared = _profile_file(tmp_path, answers("cancer") + f"\ncleared_on = {TODAY}", conditions="[]")
    assert backstretch("profile", "--from", cleared).returncode == 0
    assert backstretch("plan", "--json").returncode == 0
    assert backstretch("profile", "--from", _profile_file(tmp_path, answers("cancer"), conditions="[]")).returncode == 0
    assert backstretch("plan", "--json").returncode == 0, "the same flag: the clearance carries"
    new_flag = _profile_file(tmp_path, answers("cancer", "fever"), conditions="[]")
    assert backstretch("profile", "--from", new_flag).returncode == 0
    refused = backstretch("plan", "--json")
    assert refused.returncode == 3 and "fever" in refused.stdout


def test_spine_surgery_added_on_the_profile_page_leads_to_the_clearance(database_url: str) -> None:
    client = TestClient(create_app(database_url))
    assert client.put("/api/profile", json={"minutes": 5}).status_code == 200
    assert client.post("/api/screening", json={"answers": NO}).json()["may_plan"] is True
    form = {"minutes": "5", "pain_areas": ["lower-back"], "equipment": ["chair"],
            "conditions": ["recent-spine-surgery"], "stretch_days": ["mon", "thu"], "age_band": "50-64",
            "experience": "new", "sits_most_of_day": "yes", "can_get_to_floor": "yes", "can_kneel": "yes",
            "likes_yoga": "no"}  # fmt: skip
    saved = client.post("/onboarding/profile", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/onboarding/verdict"
    page = client.get("/onboarding/verdict").text
    assert "Please check with your surgical team first" in page and "Confirm I have been cleared" in page
    client.post("/onboarding/clearance", data={"confirm": "yes"})
    assert client.get("/api/plan").status_code == 200
