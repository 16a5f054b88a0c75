"""The lessons: every shipped file loads, reads in a minute, and cites only rules, sections and guidelines that
docs/clinical-facts.md holds; a malformed file is refused with its file and field named, never half-loaded."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from backstretch.app.lessons import UnknownLesson, lesson_list, mark_read, todays_lesson
from backstretch.core.lessons import (
    FACT_RULES,
    FACT_SECTIONS,
    GUIDELINES,
    WORDS_MAX,
    LessonError,
    known_citation,
    parse_lessons,
)
from backstretch.library import load_lessons
from backstretch.store import Store, open_store
from backstretch.store.models import PersonRow

ROOT = Path(__file__).resolve().parents[1]
FACTS = (ROOT / "docs" / "clinical-facts.md").read_text()
LESSONS = ROOT / "src" / "backstretch" / "data" / "lessons"


def _facts_rules() -> dict[str, int]:
    """Each rule of the clinical facts and the section it is written in."""
    found, section = {}, 0
    for line in FACTS.splitlines():
        heading = re.match(r"^## (\d+)\.", line)
        if heading:
            section = int(heading[1])
        for rule in re.findall(r"\*\*Rule ([a-z-]+)\*\*", line):
            found[rule] = section
    return found


def test_the_citations_a_lesson_may_use_are_the_clinical_facts_own() -> None:
    assert _facts_rules() == FACT_RULES
    sections = {int(n): title for n, title in re.findall(r"^## (\d+)\. (.+)$", FACTS, flags=re.MULTILINE)}
    assert set(sections) == set(FACT_SECTIONS)
    for number, title in FACT_SECTIONS.items():
        assert sections[number].startswith(title), (number, sections[number])
    bullets = re.split(r"\n(?:- |## )", FACTS)
    for name in GUIDELINES:
        assert any(all(word in " ".join(b.split()) for word in name.split()) for b in bullets), name


def test_every_lesson_cites_only_what_the_clinical_facts_hold() -> None:
    rules, sections = set(_facts_rules()), {f"section {n}" for n in re.findall(r"^## (\d+)\.", FACTS, re.MULTILINE)}
    lessons = load_lessons()
    assert 12 <= len(lessons) <= 20
    for lesson in lessons:
        for cite in lesson.cites:
            assert cite.ref in rules | sections | set(GUIDELINES), (lesson.slug, cite.ref)
            assert "clinical facts" in cite.source or cite.source == GUIDELINES[cite.ref]


def test_each_lesson_is_a_minute_of_plain_words() -> None:
    for lesson in load_lessons():
        assert lesson.words <= WORDS_MAX and lesson.reading_seconds <= 60, lesson.slug
        text = " ".join(b if isinstance(b, str) else " ".join(b) for b in lesson.body)
        assert not re.search(r"\b[A-Z]\d\b|floor-supine|\d{4}-\d{2}-\d{2}|`| --[a-z]", text), lesson.slug


def test_the_files_are_in_order_with_unique_places() -> None:
    names = sorted(p.name for p in LESSONS.glob("*.toml"))
    assert [int(n[:2]) for n in names] == list(range(1, len(names) + 1))
    assert [lesson.slug for lesson in load_lessons()] == [n[3:].removesuffix(".toml") for n in names]


def _good() -> dict[str, Any]:
    return tomllib.loads((LESSONS / "01-a-few-minutes-every-day.toml").read_text())


def _problems(data: dict[str, Any], name: str = "01-a-few-minutes-every-day.toml") -> list[str]:
    with pytest.raises(LessonError) as refused:
        parse_lessons([(name, tomli_w.dumps(data), f"lessons/{name}")])
    return [str(p) for p in refused.value.problems]


def test_a_malformed_lesson_names_its_file_and_field() -> None:
    data = _good()
    data["cites"][1]["ref"] = "stretch-hard"
    data["title"] = ""
    problems = _problems(data)
    assert any("lessons/01-a-few-minutes-every-day.toml: field 'cites.1.ref'" in p and "stretch-hard" in p
               for p in problems), problems  # fmt: skip
    assert any("field 'title'" in p for p in problems)
    assert "field 'slug'" in _problems(_good(), "01-another-name.toml")[0]
    assert "(file name)" in _problems(_good(), "first.toml")[0]
    long = _good() | {"body": ["word " * 100, ["word " * 30] * 3]}
    assert "read in a minute" in _problems(long)[0]
    with pytest.raises(LessonError, match="not valid TOML"):
        parse_lessons([("01-a.toml", "title = ", "lessons/01-a.toml")])
    twice = [("01-a-few-minutes-every-day.toml", tomli_w.dumps(_good()), "a"),
             ("02-a-few-minutes-every-day.toml", tomli_w.dumps(_good()), "b")]  # fmt: skip
    with pytest.raises(LessonError, match="already used by a"):
        parse_lessons(twice)


FIELDS = ("slug", "title", "summary", "body", "try_this", "cites")
junk = st.one_of(st.none(), st.integers(), st.text(max_size=30), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))  # fmt: skip


@given(field=st.sampled_from(FIELDS), value=junk, drop=st.booleans())
def test_the_loader_refuses_any_broken_field_with_its_name(field: str, value: object, drop: bool) -> None:
    data = _good()
    if drop:
        data.pop(field, None)
    elif value is None:
        return  # TOML has no null
    else:
        data[field] = value
    text = tomli_w.dumps(data)
    try:
        lessons = parse_lessons([("01-a-few-minutes-every-day.toml", text, "lessons/01.toml")])
    except LessonError as error:
        assert error.problems and all(str(p).startswith("lessons/01.toml: field '") for p in error.problems)
        assert any(p.field.split(".")[0] in (field, "(file)") or p.field == "slug" for p in error.problems)
        return
    # Accepted only when the change left a valid lesson: an optional field dropped, or a value that is still good.
    assert field == "try_this" or lessons[0].model_dump()[field] == data[field]


@given(st.text(min_size=1, max_size=40))
def test_any_citation_outside_the_facts_is_refused(ref: str) -> None:
    if ref in FACT_RULES or ref in GUIDELINES or re.fullmatch(r"section [1-7]", ref):
        assert known_citation(ref)
        return
    data = _good()
    data["cites"][0]["ref"] = ref
    assert any("field 'cites.0.ref'" in p for p in _problems(data))


def test_todays_lesson_goes_through_them_in_order_one_read_at_a_time(database_url: str) -> None:
    lessons = load_lessons()
    store = open_store(database_url)
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    first = todays_lesson(lessons, store, monday)
    assert first.lesson is not None and first.lesson.number == 1 and first.read_today is None
    assert (first.read, first.total) == (0, len(lessons))
    marked = mark_read(lessons, store, lessons[0].slug, monday)
    assert marked.newly and marked.entry.read_on == monday and marked.next is not None and marked.next.number == 2
    after = todays_lesson(lessons, store, monday)
    assert after.lesson is not None and after.lesson.lesson == lessons[1]
    assert after.read_today is not None and after.read_today.lesson == lessons[0] and after.read == 1
    assert todays_lesson(lessons, store, tuesday).read_today is None, "yesterday's reading is not today's"
    again = mark_read(lessons, store, "1", tuesday)  # by number; the first day stays
    assert not again.newly and again.entry.read_on == monday
    mark_read(lessons, store, lessons[2].slug, tuesday)  # read ahead: today's is still the first one not read
    entries = lesson_list(lessons, store)
    assert [e.number for e in entries if e.today] == [2]
    assert [e.read_on for e in entries[:3]] == [monday, None, tuesday]
    other = store.for_person(_another_person(store))
    assert todays_lesson(lessons, other, tuesday).read == 0, "one person's reading is theirs alone"
    for entry in lessons:
        mark_read(lessons, store, entry.slug, tuesday)
    done = todays_lesson(lessons, store, tuesday)
    assert done.lesson is None and done.read == done.total
    with pytest.raises(UnknownLesson, match="numbered 1 to 15"):
        mark_read(lessons, store, "no-such-lesson", tuesday)
    store.delete_all()
    assert store.lessons_read() == {}


def _another_person(store: Store) -> int:
    with store.session() as s, s.begin():
        row = PersonRow(role="patient", email="b@example.org", name="B", created_at=datetime(2026, 11, 1))
        s.add(row)
        s.flush()
        return row.id
