"""Desk mode in the browser: breaks only in work hours, on the chosen interval, one at a time, saved when done.

The page's clock is Playwright's (installed at a Monday morning), so an interval of 30 minutes passes at once.
The only stand-in is a thin wrapper round window.Notification that counts what the page asks of the browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.vocab import Condition, Position
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store
from backstretch.web.app import create_app
from tests.web import PHONE, LiveServer, screenshot

MONDAY_MORNING = datetime(2030, 1, 7, 8, 55, tzinfo=UTC)  # a work day, five minutes before work hours
MONDAY_EVENING = datetime(2030, 1, 7, 17, 30, tzinfo=UTC)

COUNT_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.__asked = 0;
  window.__notes = [];
  class Counting extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options && options.body });
    }
    static get permission() { return Real.permission; }
    static requestPermission(...args) { window.__asked += 1; return Real.requestPermission(...args); }
  }
  window.Notification = Counting;
})();
"""


def _url(tmp_path: Path) -> str:
    """The database the live server opens."""
    return f"sqlite:///{tmp_path / 'web.sqlite3'}"


def _seed(url: str, profile: Profile | None = None, screening: bool = True) -> Store:
    store = open_store(url)
    store.save_profile(profile or Profile())
    if screening:
        store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    return store


def _context_page(browser: Browser, when: datetime, notifications: bool = True) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, timezone_id="UTC",  # type: ignore[arg-type]
                                  permissions=["notifications"] if notifications else [])  # fmt: skip
    page = context.new_page()
    page.add_init_script(COUNT_NOTIFICATIONS)
    page.clock.install(time=when)
    yield page
    context.close()


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    yield from _context_page(browser, MONDAY_MORNING)


def _notes(page: Page) -> list[dict[str, str]]:
    notes: list[dict[str, str]] = page.evaluate("window.__notes")
    return notes


def _turn_on(page: Page, url: str, every: int = 30) -> None:
    page.goto(f"{url}/desk")
    page.get_by_label("Every (30 to 60 minutes)").fill(str(every))
    page.get_by_label("Every (30 to 60 minutes)").dispatch_event("change")
    page.get_by_role("button", name="Turn on desk breaks").click()
    expect(page.locator("#status")).to_contain_text("Next break")


def test_permission_only_on_click_then_a_break_after_the_interval_and_done_counts(
    desk: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    store = _seed(_url(tmp_path))
    desk.goto(f"{live_server.url}/desk")
    expect(desk.get_by_role("heading", name="Desk breaks", exact=True)).to_be_visible()
    assert desk.evaluate("window.__asked") == 0, "no permission prompt on page load"
    assert Axe().run(desk).violations_count == 0
    screenshot(desk, "desk")

    _turn_on(desk, live_server.url, every=30)
    assert desk.evaluate("window.__asked") == 1, "asked once, when the button was pressed"
    expect(desk.locator("#denied")).to_be_hidden()
    # Turned on at 08:55, so the first break is at 09:25, one interval later and inside work hours.
    expect(desk.locator("#status")).to_contain_text("09:25")
    desk.clock.fast_forward("29:00")
    desk.wait_for_timeout(300)
    expect(desk.locator("#break")).to_be_hidden()
    assert _notes(desk) == []
    desk.clock.fast_forward("01:30")
    card = desk.locator("#break")
    expect(card).to_be_visible()
    name = desk.locator("#break-name").inner_text()
    (note,) = _notes(desk)
    assert note["title"] == "Time for a short desk break"
    assert name in note["body"] and "seconds" in note["body"] and "relie" not in note["body"]
    shown = desk.evaluate("JSON.parse(localStorage.getItem('backstretch.desk')).last")
    expect(desk.locator("#break-figure")).to_have_attribute("src", f"/figures/{shown}.svg")
    steps = load_catalogue()[shown].steps
    expect(desk.locator("#break-steps li")).to_have_text(list(steps.into))
    expect(desk.locator("#break-release")).to_contain_text(steps.out[0])

    desk.get_by_role("button", name="Start the hold timer").click()
    desk.clock.run_for(3000)
    expect(desk.locator("#count")).to_contain_text(" s")
    assert Axe().run(desk).violations_count == 0
    screenshot(desk, "desk-break")

    desk.get_by_role("button", name="Done").click()
    expect(desk.locator("#saved")).to_contain_text(f"Saved: {name}")
    expect(card).to_be_hidden()
    expect(desk.locator("#status")).to_contain_text("09:55")  # the next one a full interval after Done
    (session,) = store.history()
    stretch = session.done[0]
    assert (session.status, session.done, session.day) == ("completed", (stretch,), date.today())
    assert load_catalogue()[stretch].name == name
    today = store.planner_history(date.today())
    assert any(stretch in day.stretches for day in today.days if day.on == date.today())
    assert len(_notes(desk)) == 1, "no repeat while one was open"


def test_snooze_comes_back_after_ten_minutes_and_not_now_waits_a_full_interval(
    desk: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    store = _seed(_url(tmp_path))
    _turn_on(desk, live_server.url, every=30)
    desk.clock.fast_forward("35:30")
    expect(desk.locator("#break")).to_be_visible()
    first = desk.locator("#break-name").inner_text()

    desk.get_by_role("button", name="Snooze 10 min").click()
    expect(desk.locator("#break")).to_be_hidden()
    desk.clock.fast_forward("09:00")
    desk.wait_for_timeout(300)
    expect(desk.locator("#break")).to_be_hidden()
    assert len(_notes(desk)) == 1
    desk.clock.fast_forward("01:30")
    expect(desk.locator("#break")).to_be_visible()
    expect(desk.locator("#break-name")).to_have_text(first)  # the same stretch, brought back
    assert len(_notes(desk)) == 2

    desk.get_by_role("button", name="Not now").click()
    expect(desk.locator("#break")).to_be_hidden()
    desk.clock.fast_forward("29:00")
    desk.wait_for_timeout(300)
    expect(desk.locator("#break")).to_be_hidden()
    desk.clock.fast_forward("01:30")
    expect(desk.locator("#break")).to_be_visible()
    expect(desk.locator("#break-name")).not_to_have_text(first)  # the next stretch in the rotation
    assert len(_notes(desk)) == 3
    assert store.history() == [], "snooze and not now record nothing"


def test_nothing_fires_outside_work_hours(browser: Browser, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(_url(tmp_path))
    for page in _context_page(browser, MONDAY_EVENING):
        _turn_on(page, live_server.url, every=45)
        expect(page.locator("#status")).to_contain_text("Tuesday at 09:45")
        for _ in range(15):  # through the evening and night, an hour at a time, to 08:30 on Tuesday
            page.clock.fast_forward("01:00:00")
        page.wait_for_timeout(300)
        expect(page.locator("#break")).to_be_hidden()
        assert _notes(page) == []
        page.clock.fast_forward("01:20:00")  # 09:50 on Tuesday: inside work hours
        expect(page.locator("#break")).to_be_visible()


def test_weekend_days_left_out_get_no_break(browser: Browser, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(_url(tmp_path))
    saturday = datetime(2030, 1, 12, 10, 0, tzinfo=UTC)
    for page in _context_page(browser, saturday):
        _turn_on(page, live_server.url, every=60)
        expect(page.locator("#status")).to_contain_text("Monday at 10:00")
        page.clock.fast_forward("06:00:00")
        page.wait_for_timeout(300)
        expect(page.locator("#break")).to_be_hidden()
        assert _notes(page) == []


def test_without_permission_the_break_still_shows_on_the_page(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    _seed(_url(tmp_path))
    for page in _context_page(browser, MONDAY_MORNING, notifications=False):
        page.goto(f"{live_server.url}/desk")
        assert page.evaluate("window.__asked") == 0
        page.get_by_role("button", name="Turn on desk breaks").click()
        expect(page.locator("#denied")).to_contain_text("only on this page while it is open")
        assert page.evaluate("window.__asked") == 1
        page.clock.fast_forward("51:00")  # 09:45 with the default 45 minutes
        expect(page.locator("#break")).to_be_visible()
        assert _notes(page) == []


def test_when_safety_says_no_the_page_says_why_and_stops(desk: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = _seed(_url(tmp_path))
    _turn_on(desk, live_server.url, every=30)
    store.add_screening(Screening(date.today(), {q.id: q.id == "night-pain" for q in QUESTIONS}))
    desk.clock.fast_forward("35:30")
    expect(desk.locator("#stopped")).to_be_visible()
    expect(desk.locator("#stopped-reasons li").first).to_be_visible()
    expect(desk.locator("#break")).to_be_hidden()
    expect(desk.locator("#status")).to_have_text("Desk breaks are off.")
    expect(desk.get_by_role("button", name="Turn on desk breaks")).to_be_disabled()
    desk.clock.fast_forward("02:00:00")
    desk.wait_for_timeout(300)
    assert _notes(desk) == [] and store.history() == []


def test_the_page_explains_a_refusal_before_anything_is_turned_on(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    _seed(_url(tmp_path), screening=False)
    page.goto(f"{live_server.url}/desk")
    expect(page.locator("#refused")).to_contain_text("safety questions")
    expect(page.get_by_role("button", name="Turn on desk breaks")).to_be_disabled()
    assert Axe().run(page).violations_count == 0


def test_the_api_refuses_without_screening(database_url: str) -> None:
    _seed(database_url, screening=False)
    client = TestClient(create_app(database_url))
    refused = client.get("/api/desk/next")
    assert refused.status_code == 409 and refused.json()["detail"]["refused"] is True
    posted = client.post("/api/desk/breaks", json={"stretch": "chair-chin-tuck", "seconds": 20})
    assert posted.status_code == 409
    assert open_store(database_url).history() == []


def test_the_api_picks_only_desk_stretches_the_profile_allows_and_rotates(database_url: str) -> None:
    store = _seed(database_url, Profile(conditions=(Condition.OSTEOPOROSIS,)))
    client = TestClient(create_app(database_url))
    catalogue = load_catalogue()
    seen: list[str] = []
    after = None
    for _ in range(40):
        got = client.get("/api/desk/next", params={"after": after} if after else {})
        assert got.status_code == 200
        body = got.json()
        stretch = catalogue[body["stretch"]]
        assert stretch.desk_friendly and stretch.position in (Position.CHAIR, Position.STANDING)
        assert Condition.OSTEOPOROSIS not in stretch.avoid_if
        assert 30 <= body["seconds"] <= 120 and body["figure"] == f"/figures/{stretch.id}.svg"
        assert body["stretch"] != after, "different from the last"
        seen.append(body["stretch"])
        after = body["stretch"]
    assert {"chair-twist", "chair-forward-lean", "standing-wall-twist"}.isdisjoint(seen)
    assert len(set(seen)) > 5

    twist = client.post("/api/desk/breaks", json={"stretch": "chair-twist", "seconds": 20})
    assert twist.status_code == 409, "not allowed with osteoporosis"
    assert client.post("/api/desk/breaks", json={"stretch": "no-such", "seconds": 20}).status_code == 422
    assert client.post("/api/desk/breaks", json={"stretch": seen[0], "seconds": 500}).status_code == 422
    made = client.post("/api/desk/breaks", json={"stretch": seen[0], "seconds": 20})
    assert made.status_code == 201
    (session,) = store.history()
    assert (session.status, session.done) == ("completed", (seen[0],))
    detail = client.get(f"/api/sessions/{made.json()['session']}").json()
    assert [i["stretch"] for i in detail["items"]] == [seen[0]]
