"""Today and the end of a session in real Chromium at phone size: Today before and after a session made through the
real API, one Swap changing one stretch, minutes that stick, and the warm ending page and its JSON twin."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import APIRequestContext, Page, expect

from backstretch.core.profile import Profile, Weekday
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store
from tests.helpers import record_session
from tests.web import LiveServer, screenshot

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _seed(tmp_path: Path, minutes: int = 8) -> Store:
    """A profile for every day but Sunday, a safety check, and a session yesterday (so there is a run to continue)."""
    store = open_store(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    days = tuple(d for d in Weekday if d is not Weekday.SUN)
    store.save_profile(Profile(minutes=minutes, stretch_days=days))
    store.add_screening(Screening(date.today() - timedelta(days=3), {q.id: False for q in QUESTIONS}))
    record_session(store, date.today() - timedelta(days=1), 6)
    return store


def _play(request: APIRequestContext, url: str, pain_before: int, pain_after: int,
          painful: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Today's routine played through the session API as the player does: every step done, each stretch reported
    as just a stretch (or `painful`), then finished with the pain after."""
    session = request.post(f"{url}/api/sessions", data={"pain_before": pain_before}).json()
    for step in session["steps"]:
        saved = request.post(f"{url}/api/sessions/{session['id']}/steps",
                             data={"index": step["index"], "seconds": step["seconds"], "outcome": "done"})  # fmt: skip
        assert saved.ok, saved.text()
    for item in session["items"]:
        feeling = "painful" if item["stretch"] == painful else "just-a-stretch"
        request.post(
            f"{url}/api/sessions/{session['id']}/reports", data={"stretch": item["stretch"], "feeling": feeling}
        )
    finished = request.post(f"{url}/api/sessions/{session['id']}/finish", data={"status": "completed",
                                                                             "pain_after": pain_after})  # fmt: skip
    assert finished.ok, finished.text()
    return session


def _no_violations(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def _routine(page: Page) -> list[str]:
    return page.locator("#routine .step").evaluate_all("els => els.map(e => e.dataset.stretch)")


def test_today_before_and_after_a_session(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(tmp_path)
    page.goto(f"{live_server.url}/today")
    expect(page.get_by_role("heading", name="Today's routine", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Start")).to_be_visible()
    expect(page.locator("#done")).to_have_count(0)
    # Start, then the routine; the minutes are one small line under Start and printing is folded away below.
    start_box, routine_box = page.locator("#start").bounding_box(), page.locator("#routine").bounding_box()
    print_box = page.locator("#print-routine").bounding_box()
    assert start_box and routine_box and print_box and start_box["y"] < routine_box["y"] < print_box["y"]
    assert start_box["y"] + start_box["height"] <= 844, "Start is on the first screen of a phone"
    first_stretch = page.locator("#routine .step").first.bounding_box()
    assert first_stretch and first_stretch["y"] < 844 * 0.75, "the first stretch shows on the first screen too"
    expect(page.locator("#minutes")).to_be_hidden()
    minutes_box = page.locator("#change-minutes").bounding_box()
    assert minutes_box and start_box["y"] < minutes_box["y"] < routine_box["y"] and minutes_box["height"] < 60
    expect(page.locator("#paper")).to_be_hidden()
    lesson = page.locator(".lesson-of-the-day")
    expect(lesson.get_by_role("link")).to_have_attribute("href", re.compile(r"^/lessons/[a-z0-9-]+$"))
    _no_violations(page)
    screenshot(page, "today-before")
    before = _routine(page)

    _play(page.request, live_server.url, 5, 3)
    page.goto(f"{live_server.url}/today")
    expect(page.get_by_role("heading", name="Done for today", level=1)).to_be_visible()
    done = page.locator("#done")
    expect(done).to_contain_text(re.compile(r"\d+ minutes?,\s+\d+ stretch(es)?:\s+a run of 2 stretching days\."))
    expect(page.get_by_role("link", name="Start")).to_have_count(0)
    expect(done.get_by_role("link", name="Do a second round")).to_have_attribute("href", "/player")
    expect(done.get_by_role("link", name="Take a desk break")).to_have_attribute("href", "/desk")
    expect(page.get_by_role("heading", name="Today's routine", level=2)).to_be_visible()
    assert len(_routine(page)) == len(before), "the routine stays in view"
    assert not ISO.search(page.locator("main").inner_text())
    _no_violations(page)
    screenshot(page, "today-after")
    page.get_by_role("link", name="How it went").click()
    expect(page.get_by_role("heading", name=re.compile("Well done"))).to_be_visible()


def test_one_swap_changes_one_stretch_and_keeps_the_rest(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(tmp_path, minutes=15)
    catalogue = load_catalogue()
    page.goto(f"{live_server.url}/today")
    steps = page.locator("#routine .step")
    before = _routine(page)
    doses = dict(zip(before, steps.locator(".dose").all_inner_texts(), strict=True))
    out = before[1]
    page.get_by_role("link", name=f"Swap {catalogue[out].name} for another stretch").click()
    expect(page.locator(f'#routine .step[data-stretch="{out}"]')).to_have_count(0)
    after = _routine(page)
    assert len(after) == len(before) and len(set(after) - set(before)) == 1
    assert [s for s in after if s in before] == [s for s in before if s != out], "the others keep their order"
    kept = dict(zip(after, steps.locator(".dose").all_inner_texts(), strict=True))
    assert all(kept[s] == doses[s] for s in after if s in doses), "and their repetitions"
    expect(page.get_by_text("Swapped out today:")).to_contain_text(catalogue[out].name)
    expect(page.get_by_role("link", name="Start")).to_have_attribute("href", f"/player?swap={out}")
    played = page.request.post(f"{live_server.url}/api/sessions", data={"swap": [out]}).json()
    assert [i["stretch"] for i in played["items"]] == after, "the player plays the routine the page shows"


def test_the_chosen_minutes_stick_for_today_or_from_now_on(page: Page, live_server: LiveServer,
                                                           tmp_path: Path) -> None:  # fmt: skip
    store = _seed(tmp_path)
    page.goto(f"{live_server.url}/today")
    expect(page.locator("#plan-budget")).to_have_text("8")
    page.get_by_text("Change the minutes").click()
    expect(page.get_by_label("From now on")).to_be_checked()
    screenshot(page, "today-minutes-open")
    page.get_by_label("Minutes today").select_option("12")
    page.get_by_label("Just for today").check()
    page.get_by_role("button", name="Change").click()
    expect(page.locator("#minutes-kept")).to_have_text("12 minutes for today.")
    expect(page.locator("#plan-budget")).to_have_text("12")
    page.goto(f"{live_server.url}/today")  # no minutes in the address: they are kept
    expect(page.locator("#plan-budget")).to_have_text("12")
    page.get_by_text("Change the minutes").click()
    expect(page.get_by_label("Just for today")).to_be_checked()
    assert page.request.get(f"{live_server.url}/api/plan").json()["minutes_budget"] == 12
    usual = store.load_profile()
    assert usual is not None and usual.minutes == 8, "the usual minutes stay as they were"
    _no_violations(page)

    page.get_by_label("Minutes today").select_option("15")
    page.get_by_label("From now on").check()
    page.get_by_role("button", name="Change").click()
    expect(page.locator("#minutes-kept")).to_have_text("15 minutes from now on.")
    profile = store.load_profile()
    assert profile is not None and profile.minutes == 15 and store.day_minutes(date.today()) is None
    played = page.request.post(f"{live_server.url}/api/sessions", data={}).json()
    assert sum(i["seconds"] for i in played["items"]) > 12 * 60 - 200, "a session started now plans 15 minutes"


def test_the_warm_ending_page_and_its_json(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(tmp_path)
    page.goto(f"{live_server.url}/today")
    hurt = _routine(page)[0]
    session = _play(page.request, live_server.url, 6, 3, painful=hurt)
    page.goto(f"{live_server.url}/sessions/{session['id']}/done")
    headline = re.compile(r"^Well done: \d+ stretch(es)? in \d+ minutes?\.$")
    expect(page.get_by_role("heading", level=1)).to_have_text(headline)
    expect(page.locator("#ending-streak")).to_contain_text("2 days")
    expect(page.locator("#ending-streak")).to_contain_text("A run of 2 stretching days.")
    expect(page.locator("#ending-week")).to_contain_text("you planned this week")
    pain = page.locator("#ending-pain")
    expect(pain).to_contain_text("Your pain went from 6 to 3 out of 10: 3 points lower, a change big enough to notice.")
    expect(pain).to_contain_text("Why we say this:")
    left_out = f"{load_catalogue()[hurt].name} hurt today, so it is left out"
    expect(page.locator("#ending-tomorrow")).to_contain_text(left_out)
    next_day = re.compile(r"Your next session: (tomorrow, )?[A-Z][a-z]+day \d+ [A-Z]")
    expect(page.locator("#ending-next")).to_contain_text(next_day)
    assert not ISO.search(page.locator("main").inner_text())
    _no_violations(page)
    screenshot(page, "ending")

    data = page.request.get(f"{live_server.url}/api/sessions/{session['id']}/ending").json()
    assert data["pain_noticed"] is True and data["pain_change"] == -3 and data["streak"] == 2
    assert data["headline"] == page.get_by_role("heading", level=1).inner_text()
    assert data["next_words"] == page.locator("#ending-next").inner_text()
    assert page.request.get(f"{live_server.url}/api/sessions/{session['id'] + 1}/ending").status == 404
    missing = page.goto(f"{live_server.url}/sessions/{session['id'] + 1}/done")
    assert missing is not None and missing.status == 404
