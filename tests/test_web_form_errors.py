"""A value a page's form or address cannot use: the page says so in a plain sentence that names the field as its
label does (never pydantic's "Input should be a valid integer"), offers the way back to the form, and the JSON API
keeps its per-field list."""

from __future__ import annotations

import pkgutil
import re
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page, expect

from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.store import open_store
from backstretch.web import routes
from backstretch.web.app import FIELD_WORDS, create_app
from tests.web import LiveServer, screenshot

PYDANTIC_WORDS = re.compile(r"Input should|valid integer|greater than or equal|less than or equal|unable to parse|"
                            r"literal_error|\bloc\b|body\.|query\.", re.IGNORECASE)  # fmt: skip


def _main_text(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, re.S)
    assert main, html[:300]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.group(0))).replace("&#39;", "'").strip()


def _field_names(dependant: Any) -> set[str]:
    names = {p.alias for kind in ("query_params", "body_params", "path_params") for p in getattr(dependant, kind)}
    for below in dependant.dependencies:
        names |= _field_names(below)
    return names


def test_every_field_of_every_page_has_words_for_people() -> None:
    areas = [import_module(f"{routes.__name__}.{m.name}") for m in pkgutil.iter_modules(routes.__path__)]
    names = {
        name
        for area in areas
        if hasattr(area, "pages")
        for route in area.pages.routes
        for name in _field_names(route.dependant)
    }
    assert names, "the pages have fields"
    missing = sorted(names - set(FIELD_WORDS))
    assert not missing, f"fields a page could name only by their code name: {missing}"


def _person(tmp_path: Path) -> TestClient:
    url = f"sqlite:///{tmp_path / 'forms.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(minutes=8))
    store.add_screening(Screening(date.today() - timedelta(days=1), {q.id: False for q in QUESTIONS}))
    return TestClient(create_app(url))


def test_a_few_forms_answer_in_plain_sentences(tmp_path: Path) -> None:
    client = _person(tmp_path)
    for send, sentences in (
        (lambda: client.post("/today/minutes", data={"minutes": "ten"}),
         ["Minutes today: please give a whole number, in figures."]),
        (lambda: client.post("/today/minutes", data={"minutes": "12", "keep": "forever"}),
         ["Keep them: please pick one of the choices offered."]),
        (lambda: client.get("/today", params={"minutes": "99"}), ["Minutes today: please give 30 or less."]),
        (lambda: client.get("/progress/report.pdf", params={"weeks": "0", "paper": "a3"}),
         ["Weeks: please give 1 or more.", "Paper size: please pick one of the choices offered."]),
        (lambda: client.get("/player", params={"speed": "fast"}), ["Speed: please give a number, in figures."]),
        (lambda: client.get("/progress/measures/first"), ["The reading: please give a whole number, in figures."]),
    ):  # fmt: skip
        answer = send()
        text = _main_text(answer.text)
        assert answer.status_code == 422, text
        assert all(sentence in text for sentence in sentences), text
        assert not PYDANTIC_WORDS.search(text), text


def test_the_profile_form_names_a_bad_number_in_plain_words(tmp_path: Path) -> None:
    answer = _person(tmp_path).post("/onboarding/profile", data={"minutes": "ten", "stretch_days": "mon"})
    assert answer.status_code == 422
    text = _main_text(answer.text)
    assert "Minutes a day : Please give a whole number, in figures." in text, text
    assert not PYDANTIC_WORDS.search(text), text


def test_the_api_keeps_its_list_of_problems_by_field(tmp_path: Path) -> None:
    answer = _person(tmp_path).put("/api/today/minutes", json={"minutes": "ten"})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert isinstance(detail, list) and detail[0].startswith("minutes: ")


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=20).filter(lambda t: not re.fullmatch(r"\s*[+-]?\d+\s*", t)))
def test_any_non_number_in_the_minutes_is_one_plain_sentence(tmp_path: Path, typed: str) -> None:
    client = _person(tmp_path)
    answer = client.post("/today/minutes", data={"minutes": typed})
    text = _main_text(answer.text)
    assert answer.status_code == 422
    assert "Minutes today: please give a whole number, in figures." in text, text
    assert not PYDANTIC_WORDS.search(text), text
    assert open_store(f"sqlite:///{tmp_path / 'forms.sqlite3'}").day_minutes(date.today()) is None, "nothing kept"


def test_a_non_number_in_the_minutes_at_phone_size(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    store.save_profile(Profile(minutes=8))
    store.add_screening(Screening(date.today() - timedelta(days=1), {q.id: False for q in QUESTIONS}))
    page.goto(f"{live_server.url}/today")
    page.get_by_text("Change the minutes").click()
    # A page changed in the browser (or an old copy of it) can send what the list never offers.
    page.locator("#minutes option:checked").evaluate("option => { option.value = 'ten' }")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Something is not right")
    expect(page.locator("main .notice")).to_have_text("Minutes today: please give a whole number, in figures.")
    screenshot(page, "form-error")
    page.get_by_role("link", name="Go back and change it").click()
    expect(page).to_have_url(f"{live_server.url}/today")
    expect(page.locator("#plan-budget")).to_have_text("8")
