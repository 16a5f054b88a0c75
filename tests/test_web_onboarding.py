"""Onboarding and today in the browser: profile, safety questions, and a plan only when the answers allow one."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date, timedelta
from html.parser import HTMLParser

from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, expect

from backstretch.core.planner import DayRecord, History, allowed_reason, plan_with_swaps
from backstretch.core.profile import AgeBand, Experience, PainArea, Profile, Trimester, Weekday
from backstretch.core.safety import QUESTION_BY_ID, QUESTIONS
from backstretch.core.vocab import DERIVED_CONDITIONS, Condition, Equipment
from backstretch.library import load_catalogue
from backstretch.web.app import create_app
from backstretch.web.routes.onboarding import STEPS, form_values
from tests.onboarding import answer_safety, fill_profile, next_step, yes_no
from tests.web import PHONE, LiveServer, screenshot

NO_TO_ALL = {q.id: False for q in QUESTIONS}


def _no_violations(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_a_new_person_onboards_and_gets_a_plan_that_changes_with_minutes_and_swaps(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url)
    expect(page.get_by_text("general advice, not a diagnosis").first).to_be_visible()
    screenshot(page, "welcome")
    _no_violations(page)
    page.get_by_role("link", name="Get started").click()
    expect(page).to_have_url(f"{live_server.url}/onboarding/profile")
    fill_profile(page, pain=("Neck",), kneel="No", equipment=("strap",))
    expect(page).to_have_url(f"{live_server.url}/onboarding/safety")
    expect(page.locator("fieldset legend")).to_have_count(1)
    _no_violations(page)
    answer_safety(page)

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

    page.get_by_text("Change the minutes").click()
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


ONBOARDING_HEIGHT_MAX = 1400  # px at 390x844; the single form it replaced was 2,807 px, the safety page 5,156 px


def _phone_height(page: Page) -> int:
    height: int = page.evaluate("document.documentElement.scrollHeight")
    return height


def _look(page: Page, name: str, heights: dict[str, int]) -> None:
    """Screenshots at both sizes, axe, and the screen's height on a phone."""
    heights[name] = _phone_height(page)
    screenshot(page, name)
    _no_violations(page)


def test_a_new_person_goes_through_onboarding_step_by_step_on_a_phone(page: Page, live_server: LiveServer) -> None:
    """Short screens with where you are, Back keeps what was entered, a question left blank is named (never
    answered for you), the safety questions come one at a time with why each is asked, and it ends on Today."""
    heights: dict[str, int] = {}
    page.goto(live_server.url)
    page.get_by_role("link", name="Get started").click()
    expect(page.get_by_text("Step 1 of 6")).to_be_visible()
    expect(page.locator("main input[type=radio]:checked, main input[type=checkbox]:checked")).to_have_count(0)
    _look(page, "onboarding-1-time", heights)
    page.get_by_label("Minutes a day").fill("6")
    for day in ("Monday", "Tuesday", "Thursday"):
        page.get_by_label(day).check()
    next_step(page, "Your back")
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    page.get_by_role("group", name="Where does it hurt?").get_by_label("Lower back").check()
    page.get_by_label("Bending forward, or sitting").check()
    _look(page, "onboarding-2-back", heights)
    next_step(page, "Your health")
    page.get_by_label("Osteoporosis").check()
    _look(page, "onboarding-3-health", heights)
    next_step(page, "How you move")
    ability = page.locator("main input[type=radio]")
    assert ability.count() >= 8
    expect(page.locator("main input[type=radio]:checked")).to_have_count(0)  # nothing answered for the person
    yes_no(page, "Can you get down to the floor and back up comfortably?", "Yes")
    page.get_by_role("group", name="How old are you?").get_by_label("65 or older").check()
    page.get_by_role("group", name="Have you stretched regularly before?").get_by_label("Yes, some").check()
    page.get_by_role("button", name="Next").click()  # kneeling left unanswered
    expect(page.get_by_role("alert")).to_contain_text("Can you kneel comfortably? Please answer yes or no.")
    expect(page.locator("#error-can_kneel")).to_have_text("Please answer yes or no.")
    expect(page.get_by_role("heading", level=1)).to_have_text("How you move")
    expect(page.get_by_role("group", name="Can you get down to the floor and back up comfortably?")
           .get_by_label("Yes", exact=True)).to_be_checked()  # fmt: skip
    expect(page.get_by_role("group", name="How old are you?").get_by_label("65 or older")).to_be_checked()
    _look(page, "onboarding-4-move-unanswered", heights)
    yes_no(page, "Can you kneel comfortably?", "No")
    _look(page, "onboarding-4-move", heights)
    next_step(page, "Your day")
    yes_no(page, "Do you sit for most of the day?", "Yes")
    page.get_by_role("group", name="What do you have at hand?").get_by_label("A steady chair").check()
    page.get_by_role("button", name="Back").click()  # back one screen: both screens keep their answers
    expect(page.get_by_role("heading", level=1)).to_have_text("How you move")
    expect(page.get_by_role("group", name="Can you kneel comfortably?").get_by_label("No", exact=True)).to_be_checked()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your health")
    expect(page.get_by_label("Osteoporosis")).to_be_checked()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Bending forward, or sitting")).to_be_checked()
    next_step(page, "Your health")
    next_step(page, "How you move")
    next_step(page, "Your day")
    sits = page.get_by_role("group", name="Do you sit for most of the day?")
    expect(sits.get_by_label("Yes", exact=True)).to_be_checked()
    expect(page.get_by_role("group", name="What do you have at hand?").get_by_label("A steady chair")).to_be_checked()
    yes_no(page, "Do you enjoy yoga?", "No")
    _look(page, "onboarding-5-day", heights)
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(f"{live_server.url}/onboarding/safety")
    expect(page.get_by_text("Step 6 of 6 · Safety question 1 of 24")).to_be_visible()
    first, second = QUESTIONS[0], QUESTIONS[1]
    expect(page.get_by_role("heading", level=1)).to_have_text(first.text)
    expect(page.locator(f"#q-{first.id}")).to_contain_text("Why we ask:")
    _look(page, "onboarding-6-safety-first", heights)
    page.get_by_role("button", name="Next").click()
    expect(page.locator(f"#missing-{first.id}")).to_have_text("Please answer yes or no.")
    _look(page, "onboarding-6-safety-unanswered", heights)
    page.locator(f"#q-{first.id}").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.text)
    page.get_by_role("button", name="Back").click()
    expect(page.locator(f"#q-{first.id}").get_by_label("No", exact=True)).to_be_checked()
    answer_safety(page)
    expect(page).to_have_url(f"{live_server.url}/today")
    expect(page.locator("#routine .step").first).to_be_visible()

    profile = page.request.get(f"{live_server.url}/api/profile").json()
    assert profile["minutes"] == 6 and profile["stretch_days"] == ["mon", "tue", "thu"]
    assert set(profile["conditions"]) == {"osteoporosis", "flexion-intolerant"}
    assert (profile["can_get_to_floor"], profile["can_kneel"], profile["sits_most_of_day"]) == (True, False, True)
    assert profile["age_band"] == "65-plus" and profile["equipment"] == ["chair"]
    assert page.request.get(f"{live_server.url}/api/screening").json()["may_plan"] is True
    page.goto(f"{live_server.url}/onboarding/profile")  # with a profile: every answer on one page, to edit
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers")
    expect(page.get_by_label("Osteoporosis")).to_be_checked()
    screenshot(page, "onboarding-edit")
    _no_violations(page)
    print("onboarding screen heights at 390x844:", heights)
    tallest = max(heights, key=heights.__getitem__)
    assert heights[tallest] <= ONBOARDING_HEIGHT_MAX, (tallest, heights[tallest])


def test_onboarding_works_without_javascript_and_a_red_flag_ends_calmly_with_no_plan(
    browser: Browser, live_server: LiveServer
) -> None:
    """Every step is a server-rendered page (no inline script, handler or style, for a strict Content-Security-
    Policy); a flag found on the way ends at the calm verdict, with no plan and no Start."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_role("link", name="Get started").click()
    assert page.locator("script:not([src]), [style], [onclick], [onchange], [onsubmit]").count() == 0
    fill_profile(page)
    page.get_by_role("button", name="Back").click()  # back from the first question to the last profile step
    expect(page.get_by_role("heading", level=1)).to_have_text("Your day")
    expect(page.get_by_role("group", name="Do you enjoy yoga?").get_by_label("No", exact=True)).to_be_checked()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("script:not([src]), [style], [onclick], [onchange], [onsubmit]").count() == 0
    answer_safety(page, yes={"night-pain"})
    expect(page).to_have_url(f"{live_server.url}/onboarding/verdict")
    expect(page.get_by_role("heading", name="Please see a doctor or physiotherapist first")).to_be_visible()
    expect(page.get_by_text(next(q.text for q in QUESTIONS if q.id == "night-pain"))).to_be_visible()
    expect(page.get_by_role("link", name="Start")).to_have_count(0)
    screenshot(page, "onboarding-7-verdict")
    page.goto(f"{live_server.url}/today")
    expect(page.locator("#routine")).to_have_count(0)
    assert page.request.get(f"{live_server.url}/api/plan").status == 409
    context.close()


def test_a_bad_profile_value_is_named_and_nothing_is_saved(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/onboarding/profile")
    page.get_by_label("Minutes a day").fill("99")
    page.get_by_label("Tuesday").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-minutes")).to_contain_text("Please give 30 or less.")
    expect(page.get_by_label("Minutes a day")).to_have_value("99")
    expect(page.get_by_label("Tuesday")).to_be_checked()
    _no_violations(page)
    page.get_by_label("Minutes a day").fill("")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_contain_text("Minutes a day: Please write how many minutes, from 3 to 30.")
    assert page.request.get(f"{live_server.url}/api/profile").status == 404
    page.goto(f"{live_server.url}/today")
    expect(page).to_have_url(f"{live_server.url}/onboarding/profile")


def test_a_red_flag_explains_and_gives_no_plan_until_cleared(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/onboarding/profile")
    fill_profile(page)
    page.get_by_role("button", name="Next").click()  # unanswered: the same question, with a message
    expect(page.get_by_role("alert")).to_contain_text("Please answer this question with yes or no")
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTIONS[0].text)
    answer_safety(page, yes={"night-pain"})
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


def test_an_emergency_answer_gives_urgent_advice_at_once(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/onboarding/profile")
    fill_profile(page)
    at = next(n for n, q in enumerate(QUESTIONS, start=1) if q.id == "saddle-numbness")
    for q in QUESTIONS[: at - 1]:
        page.locator(f"#q-{q.id}").get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Next").click()
    page.locator("#q-saddle-numbness").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Next").click()
    # The very next screen is the urgent advice, with the rest of the questions still to come.
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get urgent medical help now")
    expect(page.get_by_role("alert")).to_contain_text("emergency department")
    expect(page.get_by_role("alert")).to_contain_text("You do not need to finish the questions first.")
    expect(page.locator("#urgent-answers")).to_have_text(QUESTION_BY_ID["saddle-numbness"].text)
    expect(page.get_by_text(f"({len(QUESTIONS) - at} more)")).to_be_visible()
    _no_violations(page)
    screenshot(page, "emergency-at-once")
    assert page.request.get(f"{live_server.url}/api/screening").json()["screening"] is None, "nothing saved yet"
    # Changing the answer goes back to it; keeping it, the advice is not shown twice and the questions go on.
    page.get_by_role("button", name="Change my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION_BY_ID["saddle-numbness"].text)
    expect(page.locator("#q-saddle-numbness").get_by_label("Yes", exact=True)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTIONS[at].text)
    answer_safety(page, start=at + 1)
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
    page.get_by_label("Minutes a day").fill("15")
    page.get_by_label("Saturday").check()
    next_step(page, "Your back")
    back = page.get_by_role("group", name="Does your back pain get worse with either?")
    expect(back).to_contain_text("Bending forward, or sitting")
    expect(page.locator("main")).not_to_contain_text("flexion")
    page.get_by_role("group", name="Where does it hurt?").get_by_label("Hips").check()
    next_step(page, "Your health")
    conditions = page.get_by_role("group", name="Do any of these apply to you?")
    stage = page.get_by_role("group", name="If you are pregnant: how far along are you?")
    expect(stage).to_be_hidden()  # asked only with pregnancy ticked
    conditions.get_by_label("Pregnancy", exact=True).check()
    expect(stage).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-pregnancy_trimester")).to_contain_text("how far along you are")
    _no_violations(page)
    screenshot(page, "onboarding-pregnancy-trimester-error")
    stage.get_by_label("Second trimester (14 to 27 weeks)").check()
    next_step(page, "How you move")
    yes_no(page, "Can you get down to the floor and back up comfortably?", "Yes")
    yes_no(page, "Can you kneel comfortably?", "Yes")
    page.get_by_role("group", name="How old are you?").get_by_label("Under 35").check()
    page.get_by_role("group", name="Have you stretched regularly before?").get_by_label("Yes, some").check()
    next_step(page, "Your day")
    assert page.request.get(f"{live_server.url}/api/profile").status == 404, "nothing saved before the last step"
    yes_no(page, "Do you sit for most of the day?", "No")
    page.get_by_role("group", name="What do you have at hand?").get_by_label("A mat").check()
    yes_no(page, "Do you enjoy yoga?", "Yes")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(f"{live_server.url}/onboarding/safety")
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


class _Form(HTMLParser):
    """What a page's form would send as it stands: hidden fields, ticked boxes and chosen radios, typed values."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sent: dict[str, list[str]] = defaultdict(list)
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name, kind = a.get("name"), a.get("type")
        if tag != "input" or not name or name in ("csrf_token", "step"):
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        self.sent[name].append(a.get("value") or "")


def _normal(sent: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in sent.items() if any(v)}


form_profiles = st.builds(
    Profile,
    minutes=st.integers(3, 30),
    pain_areas=st.lists(st.sampled_from(list(PainArea)), max_size=3, unique=True).map(tuple),
    sits_most_of_day=st.booleans(),
    equipment=st.lists(st.sampled_from([e for e in Equipment if e is not Equipment.NONE]), unique=True).map(tuple),
    can_get_to_floor=st.booleans(),
    can_kneel=st.booleans(),
    conditions=st.lists(st.sampled_from([c for c in Condition if c not in DERIVED_CONDITIONS
                                         and c is not Condition.PREGNANCY]), max_size=4, unique=True).map(tuple),
    age_band=st.sampled_from(list(AgeBand)),
    experience=st.sampled_from(list(Experience)),
    likes_yoga=st.booleans(),
    stretch_days=st.lists(st.sampled_from(list(Weekday)), min_size=1, unique=True).map(tuple),
) | st.builds(Profile, conditions=st.just((Condition.PREGNANCY,)), pregnancy_trimester=st.sampled_from(list(Trimester)),
              can_kneel=st.booleans(), stretch_days=st.just((Weekday.SAT,)))  # fmt: skip


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form_profiles)
def test_back_and_next_keep_every_answer_and_the_last_step_saves_exactly_them(wanted: Profile) -> None:
    """For any profile the form can express: answering each screen in turn, pressing Back once on every screen
    (each time finding the screen before exactly as it was answered), saves exactly that profile."""
    target = {k: v if isinstance(v, list) else [v] for k, v in form_values(wanted).items()}
    with tempfile.TemporaryDirectory() as folder:
        client = TestClient(create_app(f"sqlite:///{folder}/p.sqlite3"))
        page = client.get("/onboarding/profile").text
        for n, step in enumerate(STEPS, start=1):
            sent = _Form(page).sent
            for name in step.fields:  # the person answers this screen's questions (its part of a shared group)
                shown = step.only.get(name)
                sent[name] = [v for v in sent[name] if shown is not None and v not in shown]
                sent[name] += [v for v in target[name] if shown is None or v in shown]
            answered = _normal(sent)
            if n > 1:
                back = client.post("/onboarding/profile", data={**sent, "step": str(n), "go": "back"})
                assert back.status_code == 200 and f"Step {n - 1} of" in back.text
                assert _normal(_Form(back.text).sent) == answered, f"Back from step {n} lost an answer"
                page = client.post("/onboarding/profile", data={**_Form(back.text).sent, "step": str(n - 1),
                                                                "go": "next"}).text  # fmt: skip
                assert f"Step {n} of" in page and _normal(_Form(page).sent) == answered
            response = client.post("/onboarding/profile", data={**sent, "step": str(n), "go": "next"},
                                   follow_redirects=False)  # fmt: skip
            assert response.status_code in (200, 303), response.text
            page = response.text
        assert response.status_code == 303 and response.headers["location"] == "/onboarding/safety"
        saved = {k: sorted(v) if isinstance(v, list) else v for k, v in client.get("/api/profile").json().items()}
        assert saved == {k: sorted(v) if isinstance(v, list) else v for k, v in wanted.model_dump(mode="json").items()}
