"""Going through onboarding in the browser as a person does: five short profile screens, then the safety
questions one at a time. Shared by the tests that need a new person with a profile and answers."""

from __future__ import annotations

from collections.abc import Collection

from playwright.sync_api import Page, expect

from backstretch.core.safety import QUESTIONS, Urgency

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def yes_no(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def next_step(page: Page, title: str) -> None:
    """Press Next (or Save and continue on the last screen) and check the named screen came."""
    page.locator(".step-buttons button[value=next]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def fill_profile(
    page: Page,
    minutes: str = "10",
    pain: Collection[str] = ("Lower back",),
    kneel: str = "Yes",
    floor: str = "Yes",
    equipment: Collection[str] = ("A steady chair",),
    days: Collection[str] = DAYS,
) -> None:
    """From the first profile screen to the first safety question, answering every question (every day a stretch
    day unless ``days`` says otherwise, so whatever day the test runs has a routine)."""
    expect(page.get_by_text("Step 1 of 6")).to_be_visible()
    page.get_by_label("Minutes a day").fill(minutes)
    for day in days:
        page.get_by_label(day).check()
    next_step(page, "Your back")
    for area in pain:
        page.get_by_role("group", name="Where does it hurt?").get_by_label(area).check()
    next_step(page, "Your health")
    next_step(page, "How you move")
    yes_no(page, "Can you get down to the floor and back up comfortably?", floor)
    yes_no(page, "Can you kneel comfortably?", kneel)
    page.get_by_role("group", name="How old are you?").get_by_label("35 to 49").check()
    page.get_by_role("group", name="Have you stretched regularly before?").get_by_label("No, I am new to it").check()
    next_step(page, "Your day")
    yes_no(page, "Do you sit for most of the day?", "Yes")
    for thing in equipment:
        page.get_by_role("group", name="What do you have at hand?").get_by_label(thing).check()
    yes_no(page, "Do you enjoy yoga?", "No")
    page.get_by_role("button", name="Save and continue").click()


def answer_safety(page: Page, yes: Collection[str] = (), start: int = 1) -> None:
    """Every safety question from number ``start`` on its own screen, "No" unless its id is in ``yes``; the last
    press saves them. A yes that needs urgent care brings its advice first, and the person carries on from there."""
    for n, q in enumerate(QUESTIONS[start - 1 :], start=start):
        expect(page.get_by_role("heading", level=1)).to_have_text(q.text)
        page.locator(f"#q-{q.id}").get_by_label("Yes" if q.id in yes else "No", exact=True).check()
        last = n == len(QUESTIONS)
        page.get_by_role("button", name="Save my answers" if last else "Next").click()
        if q.id in yes and q.urgency is Urgency.EMERGENCY:
            expect(page.get_by_role("heading", level=1)).to_have_text("Please get urgent medical help now")
            page.get_by_role("button", name="Save my answers" if last else "Carry on with the questions").click()
