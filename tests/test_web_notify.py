"""The daily notification of the web app, in real headless Chromium at phone size: with notifications allowed it
comes once at the daily time (the page's clock is set by the test), never before; the page says plainly when it
cannot come (browser closed, blocked, not supported)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web import PHONE, LiveServer, screenshot

SHOWN = "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => n.map(x => [x.title, x.body]))"
MORNING = datetime(2026, 12, 7, 7, 29, 0)  # a Monday, a minute before the time chosen below


@pytest.fixture
def allowed(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, permissions=["notifications"])  # type: ignore[arg-type]
    yield context
    context.close()


def _settings(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.clock.install(time=MORNING)
    page.goto(f"{url}/settings")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return page


def _shown(page: Page) -> list[Any]:
    found: list[Any] = page.evaluate(SHOWN)
    return found


def test_the_notification_comes_once_at_the_daily_time(allowed: BrowserContext, live_server: LiveServer) -> None:
    page = _settings(allowed, live_server.url)
    section = page.locator("#app-reminder")
    expect(section.get_by_role("status")).to_have_text("Off.")
    section.get_by_label("Time of the notification").fill("07:30")
    section.get_by_role("button", name="Turn on").click()
    status = section.get_by_role("status")
    expect(status).to_have_text("On: a notification at 07:30 each day, while backstretch is open here.")
    expect(section.get_by_role("button", name="Change the time")).to_be_visible()
    expect(section).to_contain_text("With the browser closed, none can come")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    screenshot(page, "settings-notification-on")

    page.clock.run_for(45_000)  # 07:29:45: not yet
    page.wait_for_timeout(300)
    assert _shown(page) == []
    page.clock.run_for(60_000)  # 07:30:45: the page has looked since 07:30
    deadline = 50
    while not _shown(page) and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    shown = _shown(page)
    assert shown == [["Time for your stretches", "A few minutes of gentle stretching. Open Today to start."]]
    page.clock.run_for(10 * 60_000)  # the rest of the morning: once a day is enough
    page.wait_for_timeout(300)
    assert len(_shown(page)) == 1

    # Another page of the app, later the same day, does not repeat it; the choice stays after a reload.
    page.goto(f"{live_server.url}/settings")
    expect(page.locator("#notice-status")).to_contain_text("On: a notification at 07:30")
    expect(page.get_by_label("Time of the notification")).to_have_value("07:30")
    page.get_by_role("button", name="Turn off").click()
    expect(page.locator("#notice-status")).to_have_text("Off.")


def test_a_time_already_past_today_waits_for_tomorrow(allowed: BrowserContext, live_server: LiveServer) -> None:
    page = _settings(allowed, live_server.url)
    page.get_by_label("Time of the notification").fill("07:00")
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("#notice-status")).to_contain_text("at 07:00")
    page.clock.run_for(2 * 60_000)
    page.wait_for_timeout(300)
    assert _shown(page) == [], "turned on at 07:29 for 07:00: the first one is tomorrow, not at once"


def test_blocked_notifications_are_named_plainly(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{live_server.url}/settings")
    page.get_by_role("button", name="Turn on").click()  # headless Chromium answers the permission request "no"
    expect(page.locator("#notice-status")).to_contain_text("Notifications are blocked for backstretch in this browser")
    expect(page.get_by_role("button", name="Turn off")).to_be_hidden()
    screenshot(page, "settings-notification-blocked")
    context.close()


def test_a_browser_without_notifications_is_told_so(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    context.add_init_script("delete window.Notification")
    page = context.new_page()
    page.goto(f"{live_server.url}/settings")
    expect(page.locator("#notice-status")).to_have_text(
        "This browser cannot show notifications from backstretch. The calendar reminders above work everywhere."
    )
    expect(page.get_by_role("button", name="Turn on")).to_be_disabled()
    context.close()


def test_without_javascript_the_page_says_what_works(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{live_server.url}/settings")
    expect(page.locator("#notice-status")).to_contain_text("the calendar reminders above work without it")
    expect(page.locator("#notice-form")).to_be_hidden()
    context.close()
