"""The lessons in the browser and through the API: the list shows every lesson with today's marked, a lesson page
marks itself read and the next one becomes today's, the library links to them, and unknown lessons are a 404."""

from __future__ import annotations

import html
from datetime import date

from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from backstretch.library import load_lessons
from backstretch.web.app import create_app
from tests.web import LiveServer, screenshot


def test_read_todays_lesson_on_a_phone_and_the_next_becomes_todays(page: Page, live_server: LiveServer) -> None:
    lessons = load_lessons()
    page.goto(f"{live_server.url}/library")
    page.get_by_role("link", name="Read the lessons").click()
    expect(page.get_by_role("heading", name="A minute of learning a day")).to_be_visible()
    expect(page.locator("#lesson-list .lesson-item")).to_have_count(len(lessons))
    expect(page.locator(".lesson-item.is-today .title")).to_have_text(lessons[0].title)
    expect(page.get_by_text(f"You have read 0 of {len(lessons)}.")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    screenshot(page, "lessons")
    page.locator(".lesson-item.is-today a").click()
    expect(page.get_by_role("heading", level=1, name=lessons[0].title)).to_be_visible()
    expect(page.get_by_text("Today's lesson")).to_be_visible()
    expect(page.get_by_role("heading", name="Where this comes from")).to_be_visible()
    page_text = page.locator("main").inner_text()
    assert "clinical facts, section 1" in page_text and "learnable-routine" not in page_text
    assert Axe().run(page).violations_count == 0
    screenshot(page, "lesson")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("You read this today.")).to_be_visible()
    expect(page.get_by_text("That is today's minute done.")).to_be_visible()
    screenshot(page, "lesson-read")
    page.get_by_role("link", name=f"Next: {lessons[1].title}").click()
    expect(page.get_by_role("heading", level=1, name=lessons[1].title)).to_be_visible()
    expect(page.get_by_role("button", name="Mark as read")).to_be_visible()
    page.get_by_role("link", name="All lessons").click()
    expect(page.locator(".lesson-item.is-today .title")).to_have_text(lessons[1].title)
    expect(page.locator(".lesson-item.is-read")).to_have_count(1)
    expect(page.locator(".lesson-item.is-read .meta")).to_contain_text("Read today")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Lessons")).to_have_attribute(
        "aria-current", "page"
    )


def test_the_api_gives_todays_lesson_and_marks_lessons_read(tmp_path: object) -> None:
    lessons = load_lessons()
    client = TestClient(create_app())
    listed = client.get("/api/lessons").json()
    assert [x["slug"] for x in listed] == [lesson.slug for lesson in lessons]
    assert [x["today"] for x in listed].count(True) == 1 and listed[0]["today"]
    assert all(x["citations"] and x["reading_seconds"] <= 60 and x["read_on"] is None for x in listed)
    today = client.get("/api/lessons/today").json()
    assert today["lesson"]["slug"] == lessons[0].slug and today["read_today"] is None
    assert (today["read"], today["total"]) == (0, len(lessons))
    read = client.post(f"/api/lessons/{lessons[0].slug}/read").json()
    assert read["newly"] and read["lesson"]["read_on"] == date.today().isoformat()
    assert read["next"]["slug"] == lessons[1].slug
    assert not client.post("/api/lessons/1/read").json()["newly"], "read once; by number it is the same lesson"
    today = client.get("/api/lessons/today").json()
    assert today["lesson"]["slug"] == lessons[1].slug and today["read_today"]["slug"] == lessons[0].slug
    missing = client.post("/api/lessons/no-such-lesson/read")
    assert missing.status_code == 404 and "numbered 1 to" in missing.json()["detail"]
    assert client.get("/lessons/no-such-lesson").status_code == 404
    schema = client.get("/openapi.json").json()
    assert schema["paths"]["/api/lessons/today"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_a_lesson_page_read_before_keeps_its_day_and_the_last_one_says_all_are_read() -> None:
    lessons = load_lessons()
    client = TestClient(create_app())
    for lesson in lessons[:-1]:
        client.post(f"/api/lessons/{lesson.slug}/read")
    last = client.get(f"/lessons/{lessons[-1].slug}").text
    assert "Mark as read" in last and "Skip to the next lesson" not in last
    done = client.post(f"/lessons/{lessons[-1].slug}/read", follow_redirects=True)
    assert done.url.path == f"/lessons/{lessons[-1].slug}" and "You have read every lesson." in done.text
    assert "You have read them all." in client.get("/lessons").text


def test_a_clinician_assigns_lessons_which_come_first_for_their_patient(database_url: str) -> None:
    from tests.test_clinic_web import _clinic_with_two_patients, _signed_in_as

    lessons = load_lessons()
    app, accounts, doc, amy, ben = _clinic_with_two_patients(database_url)
    clinic = _signed_in_as(app, accounts, doc.id)
    page = clinic.get(f"/clinic/patients/{amy}")
    assert page.status_code == 200 and f"0 of {len(lessons)} read" in page.text and lessons[13].title in page.text
    chosen = [lessons[13].slug, lessons[10].slug]
    refused = clinic.post(f"/clinic/patients/{amy}/lessons", data={"lesson": [*chosen, "no-such-lesson"]})
    assert refused.status_code == 422 and "no lesson 'no-such-lesson'" in html.unescape(refused.text)
    assert not any(x["assigned"] for x in _signed_in_as(app, accounts, amy).get("/api/lessons").json()), "none saved"
    saved = clinic.post(f"/clinic/patients/{amy}/lessons", data={"lesson": chosen}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?lessons=1#lessons")
    assert "The lessons are assigned." in clinic.get(saved.headers["location"]).text

    amy_client = _signed_in_as(app, accounts, amy)
    today = amy_client.get("/api/lessons/today").json()
    assert today["lesson"]["slug"] == lessons[10].slug, "the assigned lessons come first, in their order"
    assert [x["slug"] for x in amy_client.get("/api/lessons").json() if x["assigned"]] == [
        lessons[10].slug,
        lessons[13].slug,
    ]
    assert "From your clinician" in amy_client.get("/lessons").text
    amy_client.post(f"/api/lessons/{lessons[10].slug}/read")
    assert amy_client.get("/api/lessons/today").json()["lesson"]["slug"] == lessons[13].slug
    amy_client.post(f"/api/lessons/{lessons[13].slug}/read")
    assert amy_client.get("/api/lessons/today").json()["lesson"]["slug"] == lessons[0].slug, "then the rest in order"
    ben_client = _signed_in_as(app, accounts, ben)
    assert ben_client.get("/api/lessons/today").json()["lesson"]["slug"] == lessons[0].slug, "Amy's alone"
    assert "2 of" in clinic.get(f"/clinic/patients/{amy}").text
    cleared = clinic.post(f"/clinic/patients/{amy}/lessons", data={}, follow_redirects=False)
    assert cleared.status_code == 303 and not any(x["assigned"] for x in amy_client.get("/api/lessons").json())
    assert clinic.get("/api/lessons").status_code == 403, "a clinician has no lessons of their own to mark"
