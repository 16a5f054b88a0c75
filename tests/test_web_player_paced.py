"""A whole session in the browser at phone size, played as a person plays it: reading each stretch and getting into
position at their own pace (the session never moves on while they read), the holds timed, a pain check after each
stretch, and the ending. Every player state is saved as a screenshot at phone and desk sizes."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.vocab import Equipment
from backstretch.store import open_store
from tests.web import LiveServer, screenshot

SPEED = 20
MOVED_ON = "(t) => document.getElementById('step-title').textContent !== t || !document.getElementById('end').hidden"
READING_MS = 3000  # at 20 times the speed, a minute of session time: far longer than any setup's estimate


def _in_view(page: Page, selector: str) -> bool:
    """Whether the element is wholly inside the phone's screen, without scrolling."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0


def _still(page: Page, kind: str, title: str) -> None:
    """The person reads for a while: the step on screen stays the same, with no timer running."""
    page.wait_for_timeout(READING_MS)
    expect(page.locator("body")).to_have_attribute("data-step", kind)
    expect(page.locator("#step-title")).to_have_text(title)
    expect(page.locator("#ring")).to_be_hidden()
    expect(page.locator("#pause")).to_be_hidden()


def test_a_whole_session_at_a_persons_own_pace_on_a_phone(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    database = tmp_path / "web.sqlite3"
    store = open_store(f"sqlite:///{database}")
    store.save_profile(Profile(minutes=8, equipment=(Equipment.MAT, Equipment.CHAIR, Equipment.WALL)))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    page.goto(f"{live_server.url}/player?speed={SPEED}")
    draft = page.evaluate("JSON.parse(document.getElementById('setup').textContent).draft")
    assert any(s["kind"] == "position" for s in draft["steps"]), "this routine goes down to the floor and up again"
    page.locator("#before").get_by_role("button", name="3", exact=True).click()
    page.wait_for_url("**/player?*")

    # The checklist waits for "I'm ready"; no site navigation while the session is under way.
    expect(page.locator("body")).to_have_attribute("data-step", "checklist")
    _still(page, "checklist", "Before you start")
    expect(page.locator(".top nav")).to_be_hidden()
    assert _in_view(page, "#go"), "the button to go on is on screen, without scrolling"
    screenshot(page, "player-paced-checklist")
    page.keyboard.press("Enter")

    expect(page.locator("body")).to_have_attribute("data-step", "warm-up")
    page.keyboard.press(" ")  # paused, to look at it
    expect(page.locator("#paused-label")).to_be_visible()
    screenshot(page, "player-paced-warm-up")
    page.keyboard.press(" ")

    seen: set[str] = set()
    checks = 0
    body = page.locator("body")
    for _ in range(400):
        if page.locator("#end").is_visible():
            break
        if page.get_by_role("button", name="Just a stretch").is_visible():
            if "check" not in seen:
                seen.add("check")
                screenshot(page, "player-paced-pain-check")
            checks += 1
            page.get_by_role("button", name="Just a stretch").click()
            continue
        kind = body.get_attribute("data-step")
        if kind in ("setup", "position") and page.locator("#go").is_visible():
            title = page.locator("#step-title").inner_text()
            _still(page, kind, title)
            assert _in_view(page, "#go") and _in_view(page, "#hurts"), "the controls stay on screen"
            expect(page.locator("#go")).to_have_text("I'm in position")
            if kind == "setup":
                # The start pose at full contrast beside the goal, each at least half the phone's width.
                figures = page.locator("#figure figure")
                expect(figures).to_have_count(2)
                expect(figures.nth(0)).to_contain_text("Start like this")
                expect(figures.nth(1)).to_contain_text("Then move into this")
                width = figures.nth(0).locator("svg").bounding_box()
                assert width is not None and width["width"] >= 390 / 2
            else:
                expect(page.locator("#lines li").first).to_be_visible()  # how to get down or up, step by step
            if kind not in seen:
                seen.add(kind)
                screenshot(page, f"player-paced-{kind}")
            # Space on the first stretch, the button after: both say "I'm in position".
            if len(seen) % 2:
                page.keyboard.press(" ")
            else:
                page.locator("#go").click()
            page.wait_for_function(MOVED_ON, arg=title)
            continue
        if kind == "hold" and "hold" not in seen:
            seen.add("hold")
            expect(page.locator("#go")).to_be_hidden()  # nothing to press during a hold
            page.keyboard.press(" ")
            screenshot(page, "player-paced-hold")
            page.keyboard.press(" ")
        page.wait_for_timeout(50)
    expect(page.get_by_role("heading", name="Well done")).to_be_visible()
    assert {"setup", "position", "hold", "check"} <= seen
    assert checks == len(draft["items"]), "a pain check after each stretch"
    page.locator("#end").get_by_role("button", name="1", exact=True).click()
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text(f"{len(draft['items'])} stretches done")
    expect(page.locator(".top nav")).to_be_visible()  # the session is over: the site is there again
    ending = page.get_by_role("link", name="How today went")
    expect(ending).to_have_attribute("href", re.compile(r"^/sessions/\d+/done$"))
    screenshot(page, "player-paced-ending")

    session_id = int(page.url.split("session=")[1].split("&")[0])
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT step_index, kind, outcome, seconds FROM session_step WHERE session_id = ? "
                          "ORDER BY step_index", (session_id,)).fetchall()  # fmt: skip
    assert [r[0] for r in rows] == list(range(len(draft["steps"]))), "every step saved once, in order"
    assert {r[2] for r in rows} == {"done"}
    waited = [r for r in rows if r[1] in ("setup", "position", "checklist")]
    assert waited and all(r[3] <= draft["steps"][r[0]]["seconds"] for r in waited)
    (session,) = store.history()
    assert (session.status, session.pain_before, session.pain_after) == ("completed", 3, 1)

    # How it went: the run of days and the week, then Today says the day is done, with the same run.
    page.goto(f"{live_server.url}/sessions/{session_id}/done")
    expect(page.locator("#ending-streak")).to_contain_text("1 day")
    expect(page.locator("#ending-streak")).to_contain_text("Your first day of stretching")
    expect(page.locator("#ending-week .big-number")).to_have_text(re.compile(r"^1 of [1-7]$"))
    expect(page.locator("#ending-pain")).to_contain_text("3")
    screenshot(page, "player-paced-how-it-went")
    page.goto(f"{live_server.url}/today")
    expect(page.get_by_role("heading", name="Done for today", exact=True)).to_be_visible()
    expect(page.locator("#done-streak")).to_have_text("your first day of stretching")
    expect(page.locator("#start")).to_have_count(0)  # no big Start again: a second round is offered, not asked
    expect(page.locator("#routine li")).to_have_count(len(draft["items"]))  # the routine stays in view
    screenshot(page, "player-paced-today-done")
