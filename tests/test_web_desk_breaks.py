"""The desk page and the desktop notifier share one choice of work hours, kept in the store; a notification's Start
opens /desk?break=<stretch> with that break on screen, and Done saves it toward the day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from backstretch.app.breaks import break_history
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.store import Store, open_store
from backstretch.web.app import create_app
from tests.web import PHONE, LiveServer, screenshot


def _seed(url: str, flagged: bool = False) -> Store:
    store = open_store(url)
    store.save_profile(Profile())
    store.add_screening(Screening(date.today(), {q.id: flagged and q is QUESTIONS[0] for q in QUESTIONS}))
    return store


def test_the_hours_are_stored_for_the_page_and_the_notifier_alike(database_url: str) -> None:
    store = _seed(database_url)
    client = TestClient(create_app(database_url))
    assert client.get("/api/desk/settings").json() == {"every": 45, "from": "09:00", "to": "17:00",
                                                       "days": ["mon", "tue", "wed", "thu", "fri"]}  # fmt: skip
    chosen = {"every": 30, "from": "08:30", "to": "16:00", "days": ["mon", "wed", "sat"]}
    assert client.put("/api/desk/settings", json=chosen).json() == chosen
    stored, paused = store.load_break_settings()
    assert stored is not None and (stored.every, stored.start, stored.end, stored.days) == (
        30,
        time(8, 30),
        time(16),
        frozenset({0, 2, 5}),
    )
    assert paused is None
    page = client.get("/desk").text
    assert 'value="30"' in page and 'value="08:30"' in page and 'value="16:00"' in page
    assert 'value="sat" checked' in page and 'value="tue" checked' not in page

    for bad, words in (({**chosen, "every": 20}, "greater than or equal to 30"),
                       ({**chosen, "to": "08:45"}, "widen your work hours"),
                       ({**chosen, "from": "8 am"}, "24-hour clock"),
                       ({**chosen, "days": ["someday"]}, "'someday' is not a day"),
                       ({**chosen, "days": []}, "at least one work day")):  # fmt: skip
        refused = client.put("/api/desk/settings", json=bad)
        assert refused.status_code == 422 and words in refused.text, refused.text
    assert store.load_break_settings()[0] == stored, "nothing half-written"


def test_one_break_by_name_only_when_it_suits_today(database_url: str) -> None:
    _seed(database_url)
    client = TestClient(create_app(database_url))
    assert client.get("/api/desk/breaks/chair-chin-tuck").json()["name"]
    assert client.get("/api/desk/breaks/childs-pose").status_code == 404, "a floor stretch is no desk break"
    _seed(database_url, flagged=True)  # newer safety answers that flag something
    assert client.get("/api/desk/breaks/chair-chin-tuck").status_code == 409


def test_start_in_a_notification_opens_that_break_and_done_counts(browser: Browser, live_server: LiveServer,
                                                                  tmp_path: Path) -> None:  # fmt: skip
    store = _seed(f"sqlite:///{tmp_path / 'web.sqlite3'}")  # the live server's database
    context = browser.new_context(viewport=PHONE, timezone_id="UTC")  # type: ignore[arg-type]
    page = context.new_page()
    page.clock.install(time=datetime.combine(date.today(), time(10, 0), UTC))
    page.goto(f"{live_server.url}/desk?break=chair-chin-tuck")
    card = page.locator("#break")
    expect(card).to_be_visible()
    expect(page.locator("#break-figure")).to_have_attribute("src", "/figures/chair-chin-tuck.svg")
    screenshot(page, "desk-break-from-notification")
    page.get_by_role("button", name="Done").click()
    expect(page.locator("#saved")).to_contain_text("It counts toward today's stretching.")
    expect(card).to_be_hidden()
    (session,) = store.history()
    assert (session.status, session.done) == ("completed", ("chair-chin-tuck",))
    assert break_history(store, date.today())[0].done == 1
    page.goto(f"{live_server.url}/progress")  # the break shows beside the sessions on Progress
    expect(page.locator("#break-history tbody tr").first).to_contain_text("Last 7 days")
    expect(page.locator("#break-history tbody tr").first.locator("td").nth(1)).to_have_text("1")
    page.goto(f"{live_server.url}/desk")

    # Changing the hours on the page stores them, so the notifier follows.
    page.get_by_label("Every (30 to 60 minutes)").fill("50")
    page.get_by_label("Every (30 to 60 minutes)").dispatch_event("change")
    page.wait_for_timeout(500)
    stored, _ = store.load_break_settings()
    assert stored is not None and stored.every == 50
    context.close()
