"""Plain words everywhere: a crawl of every page the web app serves, the printed sheets and the calendar files finds
no command line, raw vocabulary term, source key or ISO date (tests/plain_words.py says what each is).

The pages come from the app's own route table, so a new page is crawled without editing this file; a person with a
profile, safety answers, sessions, measures, lessons and desk breaks fills every page, on one computer and in clinic
mode (a patient, their clinician, and someone signed out); someone new, with nothing stored, shows the empty states."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backstretch.app.breaks import rotation, save_done_break
from backstretch.core.accounts import Role
from backstretch.core.breaks import BreakSettings
from backstretch.core.profile import PainArea, Profile
from backstretch.core.programs import Program, ProgramItem
from backstretch.core.vocab import Condition, Equipment
from backstretch.core.words import VOCABULARIES, day_words, plain_words
from backstretch.library import load_catalogue, load_lessons
from backstretch.store import Store, open_store
from backstretch.store.accounts import Accounts
from backstretch.store.models import CareRow
from tests.plain_words import problems, raw_terms, source_keys, subcommands
from tests.printing_data import seed
from tests.web import LiveServer, all_routes, in_position

# What the crawl does not read, by the start of the path, with why.
NOT_PAGES = {
    "/api/": "the JSON API, for programs",
    "/static/": "the app's own files",
    "/sw.js": "the service worker's script",
    "/settings/export.": "exports are data files for other programs, where an ISO date is the format",
    "/clinic/export.csv": "a spreadsheet of records for other programs, where an ISO date is the format",
}
# Query strings that make a route show what it is for (a calendar needs something to remind of).
QUERIES = {"/settings/reminders.ics": "?at=07:30&days=mon&days=thu&desk_breaks=true&every=45&from=09:00&to=17:00"
                                      "&work_days=mon&work_days=tue",
           "/player": "?minutes=3&speed=100"}  # fmt: skip
PERSON = Profile(minutes=10, pain_areas=(PainArea.LOWER_BACK, PainArea.LEG),
                 equipment=(Equipment.CHAIR, Equipment.WALL, Equipment.STRAP),
                 conditions=(Condition.FLEXION_INTOLERANT, Condition.OSTEOPOROSIS))  # fmt: skip


def _seed_person(store: Store, today: date) -> None:
    """Four weeks of stretching (tests/printing_data.py), a profile with conditions, two lessons read (one of them
    assigned in clinic mode), desk-break hours and breaks taken."""
    seed(store, today)
    store.save_profile(PERSON)
    lessons = load_lessons()
    store.mark_lesson_read(lessons[0].slug, today - timedelta(days=3))
    store.mark_lesson_read(lessons[1].slug, today)
    store.save_break_settings(BreakSettings(every=45, start=time(9), end=time(17), days=frozenset(range(7))))
    catalogue = load_catalogue()
    first = rotation(store, catalogue, today)[0]
    store.add_break_event("offered", first.id, datetime.combine(today, time(9, 45)) - timedelta(days=1))
    store.add_break_event("snoozed", first.id, datetime.combine(today, time(9, 46)) - timedelta(days=1))
    save_done_break(store, catalogue, first.id, 40, today)


@dataclass
class Crawl:
    """The problems found, page by page; fails the test with all of them at once."""

    found: dict[str, list[str]] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # what each path answered, by where

    def check(self, where: str, text: str, kind: str = "text/html") -> None:
        assert text.strip(), f"{where}: nothing to read"
        self.read.append(where)
        self.kinds[where] = kind
        if found := problems(text):
            self.found[where] = found

    def assert_clean(self) -> None:
        report = "\n".join(f"{where}: {'; '.join(sorted(set(p)))}" for where, p in self.found.items())
        assert not self.found, f"{len(self.found)} of {len(self.read)} pages show what people should not see:\n{report}"


def _svg_text(data: bytes) -> str:
    root = ElementTree.fromstring(data)
    return "\n".join("".join(e.itertext()) for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("text", "title"))


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _calendar_text(data: bytes) -> str:
    """What a calendar app shows of each event: its title, its description and its alarm's words."""
    events = Calendar.from_ical(data).walk("VEVENT")
    assert events, "a calendar with no event"
    return "\n".join(f"{e['summary']}\n{e['description']}\n{e.walk('VALARM')[0]['description']}" for e in events)


def _paths(app: Any, ids: dict[str, list[str]]) -> Iterator[str]:
    """Every GET route that shows something to a person, with its path filled from `ids`."""
    for path, route in all_routes(app.routes):
        if "GET" not in route.methods or path.startswith(tuple(NOT_PAGES)):
            continue
        names = re.findall(r"{(\w+)}", path)
        missing = [n for n in names if n not in ids]
        assert not missing, f"{path}: the crawl has no value for {missing}; add one to the seeded data"
        for values in zip(*(ids[n] for n in names), strict=False) if names else [()]:
            filled = path
            for name, value in zip(names, values, strict=True):
                filled = filled.replace(f"{{{name}}}", value)
            yield filled + QUERIES.get(path, "")


def _crawl(crawl: Crawl, context: BrowserContext, base: str, who: str, paths: Iterator[str], tmp_path: Path) -> None:
    page = context.new_page()
    for path in paths:
        where = f"{who} {path}"
        answer = page.request.get(base + path)
        kind = answer.headers.get("content-type", "").split(";")[0]
        if kind == "text/html":
            page.goto(base + path)
            crawl.check(where, f"{page.title()}\n{page.inner_text('body')}")
        elif kind == "application/pdf":
            crawl.check(where, _pdf_text(answer.body(), tmp_path), kind)
        elif kind == "text/calendar":
            crawl.check(where, _calendar_text(answer.body()), kind)
        elif kind == "image/svg+xml":
            text = _svg_text(answer.body())
            if text.strip():  # a stretch's figure has no words
                crawl.check(where, text, kind)
        else:
            pytest.fail(f"{where} answers {kind!r}: say how the crawl reads it, or why it is not a page")
    page.close()


def _player_states(crawl: Crawl, page: Page, base: str, who: str) -> None:
    """The player's three faces: before the session, during a hold, and its ending."""
    page.goto(f"{base}/player?minutes=3&speed=100")
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    crawl.check(f"{who} player before", page.inner_text("body"))
    page.locator("#before").get_by_role("button", name="3", exact=True).click()
    in_position(page, "hold")
    crawl.check(f"{who} player holding", page.inner_text("body"))
    check, go = page.get_by_role("button", name="Just a stretch"), page.locator("#go")
    for _ in range(400):
        if page.locator("#end").is_visible():
            break
        if check.is_visible():
            check.click()
        elif go.is_visible():
            go.click()
        page.wait_for_timeout(100)
    expect(page.get_by_role("heading", name="Well done")).to_be_visible()
    crawl.check(f"{who} player ending", page.inner_text("body"))
    page.locator("#end").get_by_role("button", name="1", exact=True).click()
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    crawl.check(f"{who} player saved", page.inner_text("body"))


def _library_ids() -> dict[str, list[str]]:
    return {"stretch_id": sorted(load_catalogue()), "slug": [lesson.slug for lesson in load_lessons()]}


def test_every_page_of_one_persons_app_is_in_plain_words(browser: Browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    store = open_store(url)
    today = date.today()
    _seed_person(store, today)
    crawl = Crawl()
    with LiveServer(url) as server:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        _player_states(crawl, page, server.url, "person")
        ids = {**_library_ids(), "session_id": [str(store.history()[-1].id)],
               "measure_id": [str(store.logged_measures()[0].id)], "patient_id": ["1"]}  # fmt: skip
        _crawl(crawl, context, server.url, "person", _paths(server.server.config.app, ids), tmp_path)
        context.close()
    # Someone new, with nothing stored yet: the welcome, the questions, and every empty state.
    with LiveServer(f"sqlite:///{tmp_path / 'new.sqlite3'}") as server:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        ids = {"stretch_id": ["cat-stretch"], "slug": [load_lessons()[0].slug], "session_id": ["1"],
               "measure_id": ["1"], "patient_id": ["1"]}  # fmt: skip
        _crawl(crawl, context, server.url, "someone new", _paths(server.server.config.app, ids), tmp_path)
        context.close()
    calendar = subprocess.run([sys.executable, "-m", "backstretch", "remind", "--at", "07:30", "--desk-breaks",
                               "--ics", "-"], capture_output=True, check=True, timeout=60)  # fmt: skip
    crawl.check("backstretch remind", _calendar_text(calendar.stdout))
    assert sum(w.startswith("person /library/") for w in crawl.read) == len(load_catalogue()), "every stretch"
    files = {"/settings/reminders.ics": "text/calendar", "/today/handout.pdf": "application/pdf",
             "/progress/report.pdf": "application/pdf", "/lessons/print.pdf": "application/pdf"}  # fmt: skip
    assert {path: crawl.kinds[f"person {path}{QUERIES.get(path, '')}"] for path in files} == files, "the files read"
    assert {"someone new /", "someone new /progress", "someone new /onboarding/profile"} <= set(crawl.read)
    crawl.assert_clean()


def test_every_page_of_a_clinic_is_in_plain_words(browser: Browser, postgres_url: str, tmp_path: Path) -> None:
    accounts = Accounts(open_store(postgres_url).engine)
    patient = accounts.create("sam@example.org", Role.PATIENT, "Sam Smith")
    clinician = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc")
    store = open_store(postgres_url)
    with store.session() as s, s.begin():
        s.add(CareRow(clinician_id=clinician.id, patient_id=patient.id))
    today = date.today()
    mine = store.for_person(patient.id)
    _seed_person(mine, today)
    items = (ProgramItem("chair-chin-tuck", 20, 2), ProgramItem("cross-body-shoulder", 20, 2))
    mine.assign_program(Program(items, frozenset(range(7)), True, "Gently, please.", today - timedelta(days=7)),
                        clinician.id)  # fmt: skip
    mine.assign_lessons([load_lessons()[2].slug], clinician.id, today)
    ids = {
        "stretch_id": ["cat-stretch"],
        "slug": [load_lessons()[2].slug],
        "patient_id": [str(patient.id)],
        "session_id": [str(mine.history()[-1].id)],
        "measure_id": [str(mine.logged_measures()[0].id)],
    }
    crawl = Crawl()
    with LiveServer(postgres_url, multi_user=True) as server:
        app = server.server.config.app
        for who, person in (("patient", patient.id), ("clinician", clinician.id), ("signed out", None)):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            if person is not None:
                context.add_cookies([{"name": "backstretch_login", "value": accounts.open_login(person),
                                      "url": server.url}])  # fmt: skip
            if who == "patient":
                _player_states(crawl, context.new_page(), server.url, who)
            _crawl(crawl, context, server.url, who, _paths(app, ids), tmp_path)
            context.close()
    assert any(w == f"clinician /clinic/patients/{patient.id}" for w in crawl.read)
    files = {f"patient /settings/reminders.ics{QUERIES['/settings/reminders.ics']}": "text/calendar",
             f"clinician /clinic/patients/{patient.id}/handout.pdf": "application/pdf",
             f"clinician /clinic/patients/{patient.id}/report.pdf": "application/pdf"}  # fmt: skip
    assert {where: crawl.kinds.get(where) for where in files} == files, "the files read"
    crawl.assert_clean()


# --- the detector itself ----------------------------------------------------------------------------------------

SEVERAL_WORDS, SINGLE_WORDS = raw_terms()
ANY_TERM = st.sampled_from([term for vocabulary in VOCABULARIES for term in vocabulary])
SENTENCE = st.text(st.sampled_from("abcdefghij klmnop,."), max_size=30)


@given(ANY_TERM, SENTENCE, SENTENCE)
def test_every_vocabulary_term_in_its_plain_words_passes(term: Any, before: str, after: str) -> None:
    assert problems(f"{before} {plain_words(term)}. {after}") == []


@given(st.sampled_from(sorted(SEVERAL_WORDS)), SENTENCE, SENTENCE)
def test_a_raw_term_of_several_words_is_caught_anywhere(raw: str, before: str, after: str) -> None:
    assert problems(f"{before} {raw} {after}") == [f"vocabulary term {raw!r}"]


@given(st.sampled_from(sorted(SINGLE_WORDS)))
def test_a_raw_single_word_is_caught_on_its_own_but_not_in_a_sentence(raw: str) -> None:
    assert problems(f"Spine\t{raw}\n") == [f"vocabulary term {raw!r} on its own"]
    assert problems(f"Works: {raw}, neck") == [f"vocabulary term {raw!r} on its own"]
    assert problems(f"It eases the back into {raw} gently.") == []


@given(st.sampled_from(sorted(source_keys())))
def test_a_source_key_is_caught_but_a_readable_reference_passes(key: str) -> None:
    for shown in (f"{key}: hold 30 s", f"as studies show [{key}]", f"as studies show ({key})"):
        assert any(p.startswith("source key") for p in problems(shown)), shown
    assert problems("Hold 10 to 30 seconds (Garber et al., Med Sci Sports Exerc 2011).") == []


@given(st.sampled_from(sorted(subcommands())))
def test_a_command_line_is_caught(command: str) -> None:
    assert problems(f"Run backstretch {command} to see it.") == [f"command line 'backstretch {command}'"]
    assert problems(f"Run `{command}`.") == [f"command in backticks '`{command}`'"]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_an_iso_date_is_caught_and_the_day_in_words_passes(day: date) -> None:
    assert problems(f"Last read {day.isoformat()}.") == [f"ISO date {day.isoformat()!r}"]
    assert problems(f"Last read {day_words(day, date(2026, 12, 6))}.") == []


def test_the_detector_knows_the_vocabularies_it_guards() -> None:
    # The terms pages once showed, and which plain words stand for: each vocabulary contributes.
    assert {"flexion-intolerant", "floor-supine", "hip-flexors", "single-leg", "upper-back"} <= SEVERAL_WORDS
    assert {"flexion", "glutes", "hamstrings", "mon"} <= SINGLE_WORDS
    assert not {"chair", "standing", "osteoporosis", "back-stretcher"} & (SEVERAL_WORDS | SINGLE_WORDS)
    assert {"A2", "R4", "MCKENZIE", "D1"} <= source_keys() and {"start", "plan", "stretches"} <= subcommands()
