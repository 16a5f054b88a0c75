"""Outcome scores in the browser: the prompt on Today, the Scores section of Progress and a score's card, at phone
and desk sizes, with no accessibility violations and no raw words on the page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from backstretch.core import measures as m
from backstretch.core.measures import MeasureKind, outcome_score
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.store import open_store
from tests.web import LiveServer, screenshot


def _ready(tmp_path: Path, weeks_ago: int) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    store.save_profile(Profile())
    store.add_screening(Screening(taken_on=date.today(), answers={q.id: False for q in QUESTIONS}))
    if weeks_ago:
        start = date.today() - timedelta(weeks=weeks_ago)
        for n, total in enumerate((16, 13, 10)):
            store.add_measure(outcome_score(MeasureKind.RMDQ, total, start + timedelta(weeks=(0, 2, 6)[n]),
                                            note="with my physio"))  # fmt: skip
            store.add_measure(outcome_score(MeasureKind.LEG_PAIN, 6 - n, start + timedelta(weeks=(0, 2, 6)[n])))
        store.add_measure(outcome_score(MeasureKind.GLOBAL_CHANGE, 1, start + timedelta(weeks=6)))
        store.add_measure(m.pain(4, start))


def test_the_prompt_and_the_scores_section_as_a_person_uses_them(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    _ready(tmp_path, weeks_ago=12)  # the 12-week checkpoint: leg pain, the rating of change and the Roland-Morris
    page.goto(f"{live_server.url}/today")
    prompt = page.locator("#scores-due")
    expect(prompt).to_contain_text("It is 12 weeks since you started: a minute for your scores (leg pain, rating of "
                                   "change and Roland-Morris total)")  # fmt: skip
    screenshot(page, "scores-prompt-today")
    assert Axe().run(page).violations_count == 0
    prompt.get_by_role("link", name="Give your scores").click()
    section = page.locator("#scores")
    section.get_by_label("Leg pain now: 0 (none)").fill("2")
    section.get_by_role("button", name="Save leg pain").click()
    expect(page.get_by_role("status")).to_have_text("Saved your leg pain reading. Thank you.")
    page.locator("#scores").get_by_label("Much better", exact=True).check()
    page.locator("#scores").get_by_role("button", name="Save my answer").click()
    page.locator("#scores").get_by_text("A questionnaire total from your clinician").click()
    page.locator("#scores").get_by_label("Questionnaire", exact=True).select_option("rmdq")
    page.locator("#scores").get_by_label("Total", exact=True).fill("7")
    page.locator("#scores").get_by_role("button", name="Save the total").click()
    expect(page.get_by_role("status")).to_have_text("Saved your Roland-Morris total reading. Thank you.")
    expect(page.locator("#scores-due")).to_have_count(0)  # all given: the prompt has gone
    rmdq = page.locator('.trend[data-kind="rmdq"]')  # 16 → 7: past the 5 points (Ostelo et al. 2008)
    expect(rmdq).to_contain_text("Roland-Morris total is down 9 points since you started (16 → 7): a change most")
    expect(rmdq).to_contain_text("which is the good direction.")
    expect(page.locator("#card-global_change")).to_contain_text("you rated your back much better than when you")
    screenshot(page, "scores-progress")
    assert Axe().run(page).violations_count == 0
    for details in page.locator("main details").all():
        details.evaluate("d => { d.open = true; }")
    text = page.locator("main").inner_text()
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text) and "backstretch " not in text
    assert "rmdq" not in text and "global_change" not in text  # the names people read, not the keys


def test_skip_puts_the_prompt_away_on_a_phone(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _ready(tmp_path, weeks_ago=0)
    page.goto(f"{live_server.url}/today")
    expect(page.locator("#scores-due")).to_contain_text("As you start: a minute for your scores (leg pain)")
    page.get_by_role("button", name="Skip this time").click()
    expect(page).to_have_url(f"{live_server.url}/today")
    expect(page.locator("#scores-due")).to_have_count(0)
    page.goto(f"{live_server.url}/progress")
    expect(page.locator("#scores-due")).to_have_count(0)
