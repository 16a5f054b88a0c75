"""Every page at the narrowest phone the issue names (360 px), and the player with reduced motion asked for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.store import open_store
from tests.web import LiveServer, in_position, past_the_warm_up

NARROW = {"width": 360, "height": 740}
PAGES = ["/", "/onboarding/profile", "/onboarding/safety", "/today", "/player", "/progress", "/library",
         "/library/cat-stretch", "/settings", "/desk"]  # fmt: skip


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[LiveServer]:
    store = open_store(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    store.save_profile(Profile(minutes=5))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    with LiveServer(f"sqlite:///{tmp_path / 'web.sqlite3'}") as server:
        yield server


def test_every_page_fits_a_360_px_phone_and_passes_axe(browser: Browser, seeded: LiveServer) -> None:
    context = browser.new_context(viewport=NARROW)  # type: ignore[arg-type]
    page = context.new_page()
    problems = []
    for path in PAGES:
        page.goto(seeded.url + path)
        expect(page.locator("h1").first).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{path}: scrolls sideways by {overflow} px")
        result = Axe().run(page)
        if result.violations_count:
            problems.append(f"{path}: {result.generate_report()}")
    context.close()
    assert problems == []


def test_the_pages_can_be_used_from_the_keyboard(browser: Browser, seeded: LiveServer) -> None:
    """Tab reaches every link and button of the Today page, and each shows where the focus is."""
    context = browser.new_context(viewport=NARROW)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(seeded.url + "/today")
    wanted = page.evaluate("[...document.querySelectorAll('a[href], button:not([disabled])')].length")
    reached = set()
    for _ in range(wanted + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate("""(() => { const e = document.activeElement;
            if (!e || e === document.body) return null;
            const style = getComputedStyle(e);
            return [e.outerHTML.slice(0, 80), style.outlineStyle !== 'none' || style.boxShadow !== 'none'];
        })()""")
        if focused:
            reached.add(focused[0])
            assert focused[1], f"no visible focus on {focused[0]}"
    context.close()
    assert len(reached) >= wanted


def test_reduced_motion_keeps_the_player_still(browser: Browser, seeded: LiveServer) -> None:
    context = browser.new_context(viewport=NARROW, reduced_motion="reduce")  # type: ignore[arg-type]
    page: Page = context.new_page()
    page.goto(seeded.url + "/player?speed=2")
    page.locator("#before").get_by_role("button", name="Skip this question").click()
    page.get_by_role("button", name="I'm ready").click()
    past_the_warm_up(page)
    in_position(page)
    sizes, labels = set(), set()
    for _ in range(60):  # six seconds: a whole breath at twice the speed
        sizes.add(page.locator("#pacer-dot").evaluate("(e) => e.style.transform"))
        labels.add(page.locator("#pacer-label").inner_text())
        page.wait_for_timeout(100)
    assert sizes == {"scale(1)"}, "the breathing dot does not grow and shrink"
    assert labels == {"Breathe in", "Breathe out"}, "the words still pace the breath"
    fade = page.locator("#figure .pose-hold").evaluate("(e) => getComputedStyle(e).transitionDuration")
    assert float(fade.rstrip("s")) <= 0.001, "the figure changes pose at once"
    context.close()
