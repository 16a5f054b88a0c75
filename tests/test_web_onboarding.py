"""Onboarding and today in the browser: profile, safety questions, and a plan only when the answers allow one."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from backstretch.core.planner import DayRecord, History, allowed_reason, plan_with_swaps
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS
from backstretch.library import load_catalogue
from backstretch.web.app import create_app
from tests.web import LiveServer, screenshot

NO_TO_ALL = {q.id: False for q in QUESTIONS}


def _no_violations(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def _fill_profile(page: Page) -> None:
    page.get_by_label("Minutes a day").fill("10")
    page.get_by_role("group", name="Where does it hurt?").get_by_label("neck").check()
    page.get_by_role("group", name="Can you kneel comfortably?").get_by_label("No").check()
    page.get_by_role("group", name="What do you have at hand?").get_by_label("strap").check()


def _answer_safety(page: Page, yes: Collection[str] = ()) -> None:
    for q in QUESTIONS:
        group = page.locator(f"#q-{q.id}")
        group.get_by_label("Yes" if q.id in yes else "No").check()
    page.get_by_role("button", name="Save my answers").click()


def test_a_new_person_onboards_and_gets_a_plan_that_changes_with_minutes_and_swaps(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url)
    expect(page.get_by_text("general advice, not a diagnosis").first).to_be_visible()
    screenshot(page, "welcome")
    _no_violations(page)
    page.get_by_role("link", name="Get started").click()
    expect(page).to_have_url(f"{live_server.url}/onboarding/profile")
    _fill_profile(page)
    screenshot(page, "onboarding-profile")
    _no_violations(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(f"{live_server.url}/onboarding/safety")
    expect(page.locator("fieldset legend")).to_have_count(len(QUESTIONS))
    screenshot(page, "onboarding-safety")
    _no_violations(page)
    _answer_safety(page)

    expect(page).to_have_url(f"{live_server.url}/today")
    steps = page.locator("#routine .step")
    expect(steps.first).to_be_visible()
    assert steps.count() >= 3
    expect(page.locator("#routine .step img").first).to_have_attribute("src", "/figures/" + (
        steps.first.get_attribute("data-stretch") or "") + ".svg")  # fmt: skip
    expect(page.get_by_role("link", name="Start")).to_have_attribute("href", "/player")
    expect(page.locator("#plan-budget")).to_have_text("10")
    screenshot(page, "today")
    _no_violations(page)
    assert steps.locator("img").evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")

    page.get_by_label("Minutes today").select_option("20")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("#plan-budget")).to_have_text("20")
    expect(page.get_by_role("link", name="Start")).to_have_attribute("href", "/player")  # the minutes are kept

    profile = Profile.model_validate(page.request.get(f"{live_server.url}/api/profile").json())
    catalogue = load_catalogue()
    before = steps.evaluate_all("els => els.map(e => e.dataset.stretch)")
    first = before[0]
    page.get_by_role("link", name=f"Swap {catalogue[first].name} for another stretch").click()
    expect(page.locator(f'#routine .step[data-stretch="{first}"]')).to_have_count(0)
    after = steps.evaluate_all("els => els.map(e => e.dataset.stretch)")
    assert after and all(allowed_reason(catalogue[s], profile, desk=False) is None for s in after)
    expect(page.get_by_role("link", name="Start")).to_have_attribute("href", f"/player?swap={first}")
    second = after[0]
    page.get_by_role("link", name=f"Swap {catalogue[second].name} for another stretch").click()
    stacked = steps.evaluate_all("els => els.map(e => e.dataset.stretch)")
    assert first not in stacked and second not in stacked
    expect(page.locator("#plan-budget")).to_have_text("20")
    expect(page.get_by_text("Swapped out today:")).to_contain_text(catalogue[second].name)


def test_a_bad_profile_value_is_named_and_nothing_is_saved(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/onboarding/profile")
    _fill_profile(page)
    page.get_by_label("Minutes a day").fill("99")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#error-minutes")).to_contain_text("less than or equal to 30")
    expect(page.get_by_label("Minutes a day")).to_have_value("99")
    expect(page.get_by_role("group", name="Where does it hurt?").get_by_label("neck")).to_be_checked()
    _no_violations(page)
    assert page.request.get(f"{live_server.url}/api/profile").status == 404
    page.goto(f"{live_server.url}/today")
    expect(page).to_have_url(f"{live_server.url}/onboarding/profile")


def test_a_red_flag_explains_and_gives_no_plan_until_cleared(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/onboarding/profile")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save my answers").click()  # unanswered: the browser keeps the form
    expect(page).to_have_url(f"{live_server.url}/onboarding/safety")
    _answer_safety(page, yes={"night-pain"})
    expect(page.get_by_role("heading", name="Please see a doctor or physiotherapist first")).to_be_visible()
    page.goto(f"{live_server.url}/today")
    expect(page.locator("#routine")).to_have_count(0)
    expect(page.get_by_role("link", name="Start")).to_have_count(0)
    expect(page.get_by_text(next(q.text for q in QUESTIONS if q.id == "night-pain"))).to_be_visible()
    screenshot(page, "red-flag")
    _no_violations(page)
    page.get_by_label("told me stretching is fine for me").check()
    page.get_by_role("button", name="Confirm I have been cleared").click()
    expect(page).to_have_url(f"{live_server.url}/today")
    expect(page.locator("#routine .step").first).to_be_visible()


def test_an_emergency_answer_gives_urgent_advice_and_no_plan(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/onboarding/profile")
    page.get_by_role("button", name="Save and continue").click()
    _answer_safety(page, yes={"saddle-numbness"})
    expect(page.get_by_role("heading", name="Please get urgent medical help now")).to_be_visible()
    expect(page.get_by_text("emergency department")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm I have been cleared")).to_have_count(0)
    screenshot(page, "emergency")
    _no_violations(page)
    page.goto(f"{live_server.url}/today")
    expect(page.get_by_role("heading", name="Please get urgent medical help now")).to_be_visible()
    expect(page.locator("#routine")).to_have_count(0)


def test_api_profile_screening_and_plan(database_url: str) -> None:
    client = TestClient(create_app(database_url))
    assert client.get("/api/profile").status_code == 404
    assert client.get("/api/plan").status_code == 404
    bad = client.put("/api/profile", json={"minutes": 99})
    assert bad.status_code == 422 and bad.json()["detail"][0].startswith("minutes:")
    assert client.put("/api/profile", json={"pain_areas": ["elbow"]}).status_code == 422
    assert client.get("/api/profile").status_code == 404
    assert client.put("/api/profile", json={"minutes": 12, "pain_areas": ["neck"]}).status_code == 200
    assert client.get("/api/profile").json()["minutes"] == 12

    refused = client.get("/api/plan")
    assert refused.status_code == 409 and refused.json()["refused"] is True and refused.json()["reasons"]
    assert client.post("/api/screening", json={"answers": {"cancer": False}}).status_code == 422
    assert client.post("/api/screening", json={"answers": {**NO_TO_ALL, "nope": True}}).status_code == 422
    verdict = client.post("/api/screening", json={"answers": {**NO_TO_ALL, "cancer": True}}).json()
    assert verdict["may_plan"] is False and verdict["see_clinician"] == ["cancer"]
    assert client.get("/api/plan").status_code == 409
    assert client.post("/api/screening/clearance").json()["may_plan"] is True
    assert client.get("/api/screening").json()["may_plan"] is True

    plan = client.get("/api/plan").json()
    assert plan["minutes_budget"] == 12 and plan["items"]
    assert client.get("/api/plan", params={"minutes": 5}).json()["minutes_budget"] == 5
    first = plan["items"][0]["stretch"]
    swapped = client.get("/api/plan", params={"swap": [first]}).json()
    assert first not in [i["stretch"] for i in swapped["items"]]
    assert client.get("/api/plan", params={"minutes": 2}).status_code == 422
    assert client.get("/api/plan", params={"swap": ["no-such-stretch"]}).status_code == 422
    assert client.get("/api/plan", params={"date": "0001-01-01"}).status_code == 422
    assert client.get("/today", params={"minutes": 99}).status_code == 422

    emergency = client.post("/api/screening", json={"answers": {**NO_TO_ALL, "bladder-bowel": True}}).json()
    assert emergency["emergency"] == ["bladder-bowel"]
    assert client.post("/api/screening/clearance").status_code == 409


def test_swapping_out_a_stretch_the_planner_names_in_a_reason_does_not_crash() -> None:
    catalogue = load_catalogue()
    easier, harder = next((sid, s.harder[0]) for sid, s in sorted(catalogue.items()) if s.harder)
    on = date(2026, 3, 10)
    done = tuple(DayRecord(on - timedelta(days=n), (easier,), pain_free=(easier,)) for n in range(1, 5))
    painful = (DayRecord(on - timedelta(days=1), (harder,), painful=(harder,)),)
    profile = Profile(minutes=30, can_kneel=True, equipment=tuple(catalogue[easier].equipment))
    for history in (History(done), History(painful)):
        for left_out in (easier, harder):
            plan = plan_with_swaps(catalogue, profile, on, history, [left_out])
            stuck = any(catalogue[left_out].name in w for w in plan.warnings)
            assert left_out not in [i.stretch for i in plan.items] or stuck


def test_pregnancy_asks_the_trimester_and_later_stages_plan_nothing_lying_down(
    page: Page, live_server: LiveServer
) -> None:
    """Rule pregnancy: the form asks how far along; a blank answer is named; from the second trimester no stretch
    lying on the back or front is planned. The conditions are in plain words, never vocabulary terms."""
    page.goto(f"{live_server.url}/onboarding/profile")
    conditions = page.get_by_role("group", name="Do any of these apply to you?")
    expect(conditions).to_contain_text("Back pain that is worse bending forward or sitting")
    expect(conditions).not_to_contain_text("flexion")
    page.get_by_label("Minutes a day").fill("15")
    page.get_by_role("group", name="Where does it hurt?").get_by_label("hips").check()
    page.get_by_role("group", name="What do you have at hand?").get_by_label("mat").check()
    conditions.get_by_label("Pregnancy", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#error-pregnancy_trimester")).to_contain_text("how far along you are")
    _no_violations(page)
    screenshot(page, "onboarding-pregnancy-trimester-error")
    assert page.request.get(f"{live_server.url}/api/profile").status == 404
    stage = page.get_by_role("group", name="If you are pregnant: how far along are you?")
    stage.get_by_label("Second trimester (14 to 27 weeks)").check()
    page.get_by_role("button", name="Save and continue").click()
    profile = page.request.get(f"{live_server.url}/api/profile").json()
    assert profile["conditions"] == ["pregnancy"] and profile["pregnancy_trimester"] == "2"
    page.goto(f"{live_server.url}/onboarding/profile")
    expect(stage.get_by_label("Second trimester (14 to 27 weeks)")).to_be_checked()
    assert page.request.post(f"{live_server.url}/api/screening", data={"answers": NO_TO_ALL}).ok
    plan = page.request.get(f"{live_server.url}/api/plan").json()
    catalogue = load_catalogue()
    assert plan["items"]
    for item in plan["items"]:
        assert catalogue[item["stretch"]].position.value not in ("floor-supine", "floor-prone"), item["stretch"]


def test_trimester_is_dropped_without_pregnancy_and_checked_by_the_api(database_url: str) -> None:
    client = TestClient(create_app(database_url))
    bad = client.put("/api/profile", json={"pregnancy_trimester": "2"})
    assert bad.status_code == 422 and bad.json()["detail"][0].startswith("pregnancy_trimester:")
    wrong = client.put("/api/profile", json={"conditions": ["pregnancy"], "pregnancy_trimester": "4"})
    assert wrong.status_code == 422
    assert "'1', '2', '3' or 'not-known'" in wrong.json()["detail"][0]
    assert client.put("/api/profile", json={"conditions": ["pregnancy"], "pregnancy_trimester": "1"}).status_code == 200
