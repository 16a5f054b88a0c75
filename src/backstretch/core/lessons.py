"""The short lessons ("a minute of learning a day"): the model of one lesson and the checks every lesson file passes.

A lesson is text we wrote, read in a minute or less, and every fact in it is cited to a rule or section of
docs/clinical-facts.md or to a guideline that document names. The package must not need the docs folder at run
time, so the citations a lesson may use are listed here; tests/test_lessons.py checks the list against the document.
Parsing is pure: text in, a Lesson or every Problem out, each naming the file and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from backstretch.core.catalogue import Problem
from backstretch.core.errors import field_messages

# The sections of docs/clinical-facts.md, by number, as a page names them.
FACT_SECTIONS: dict[int, str] = {
    1: "Stretching dose",
    2: "Guidelines",
    3: "Red flags",
    4: "Conditions that change what may be planned",
    5: "Pain during and after stretching",
    6: "Measures and what counts as a real change",
    7: "Desk work",
}
# Each rule of docs/clinical-facts.md and the section that holds it.
FACT_RULES: dict[str, int] = {
    "learnable-routine": 1, "warm-up": 1, "progression-gate": 1, "flare": 1, "hold-time": 1, "volume": 1,
    "frequency": 1, "gentle-first": 1, "honesty": 2, "clearance-carry": 3, "red-flag": 3, "spine-surgery": 4,
    "pregnancy": 4, "derived-tags": 4, "contraindication": 4, "stop": 5, "next-day": 5, "progress": 5,
    "reach-safety": 6, "trends": 6, "desk-break": 7,
}  # fmt: skip
# Guidelines that docs/clinical-facts.md names, by the name it gives them, with the title a page shows.
GUIDELINES: dict[str, str] = {
    "NICE NG59": "NICE guideline NG59, Low back pain and sciatica in over 16s (2016, updated 2020)",
    "NICE NG65": "NICE guideline NG65, Spondyloarthritis in over 16s (2017)",
    "ACP 2017": "American College of Physicians guideline on low back pain, Ann Intern Med 2017",
    "Lancet 2018": "The Lancet low back pain series, 2018",
    "GIRFT 2023": "Getting It Right First Time, national suspected cauda equina syndrome pathway (2023)",
    "ACSM 2011": "American College of Sports Medicine Position Stand, Garber et al., Med Sci Sports Exerc 2011",
}
SECTION_REF = re.compile(r"^section (\d+)$")

WORDS_MIN, WORDS_MAX = 60, 170  # about a minute's reading at 170-200 words a minute
READING_WORDS_PER_MINUTE = 200

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=700)]
Point = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]


def known_citation(ref: str) -> bool:
    """A rule name, "section N" of the clinical facts, or a guideline they name."""
    section = SECTION_REF.match(ref)
    return ref in FACT_RULES or ref in GUIDELINES or (section is not None and int(section[1]) in FACT_SECTIONS)


def citation_words(ref: str) -> str:
    """Where a fact comes from, in words for a page: never a bare rule name or a source key."""
    if ref in GUIDELINES:
        return GUIDELINES[ref]
    section = SECTION_REF.match(ref)
    number = int(section[1]) if section else FACT_RULES[ref]
    return f"backstretch's clinical facts, section {number}: {FACT_SECTIONS[number]}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    """Where a fact in the lesson comes from, and the fact itself in a few words."""

    ref: str
    supports: Text

    @field_validator("ref")
    @classmethod
    def _known(cls, ref: str) -> str:
        if not known_citation(ref):
            raise ValueError(
                f"{ref!r} is not a rule or section of the clinical facts, nor a guideline they name; "
                f"use a rule name such as 'stop', 'section 5', or one of: {', '.join(GUIDELINES)}"
            )
        return ref

    @property
    def source(self) -> str:
        return citation_words(self.ref)


class Lesson(_Strict):
    """One lesson as its file describes it. `body` is paragraphs; a list of short points inside it is shown as a
    bulleted list."""

    slug: Slug
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=70)]
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=160)]
    body: tuple[Text | tuple[Point, ...], ...] = Field(min_length=1)
    try_this: Text | None = None
    cites: tuple[Citation, ...] = Field(min_length=1)

    @field_validator("body")
    @classmethod
    def _no_empty_lists(cls, body: tuple[str | tuple[str, ...], ...]) -> tuple[str | tuple[str, ...], ...]:
        if any(isinstance(block, tuple) and not block for block in body):
            raise ValueError("a list of points must hold at least one point")
        return body

    @model_validator(mode="after")
    def _a_minute(self) -> Lesson:
        if not WORDS_MIN <= self.words <= WORDS_MAX:
            raise ValueError(f"the text has {self.words} words; a lesson is {WORDS_MIN} to {WORDS_MAX} words, "
                             "read in a minute or less")  # fmt: skip
        return self

    @property
    def words(self) -> int:
        blocks = [b if isinstance(b, str) else " ".join(b) for b in self.body]
        return sum(len(text.split()) for text in (*blocks, self.try_this or ""))

    @property
    def reading_seconds(self) -> int:
        """Rounded up to the next 10 s, so a page never promises less time than it takes."""
        seconds = self.words * 60 / READING_WORDS_PER_MINUTE
        return int(-(-seconds // 10) * 10)


class LessonError(Exception):
    """Every problem found in the lesson files, so one run shows the author all there is to fix."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


FILE_NAME = re.compile(r"^(\d{2})-([a-z0-9-]+)\.toml$")


def lesson_from_data(data: Mapping[str, Any], source: str) -> Lesson:
    try:
        return Lesson.model_validate(data)
    except ValidationError as error:
        raise LessonError(
            [Problem(source, _plain_field(field), message) for field, message in field_messages(error)]
        ) from None


def _plain_field(field: str) -> str:
    """The field as the file spells it: "body.0", not pydantic's "body.0.constrained-str" for a member of a union."""
    return ".".join(part for part in field.split(".") if re.fullmatch(r"[a-z_]+|\d+|\(file\)", part)) or field


def parse_lesson(name: str, text: str, source: str) -> tuple[int, Lesson]:
    """One lesson file: its place in the order (from the name, NN-slug.toml) and the lesson; LessonError if not."""
    found = FILE_NAME.match(name)
    if found is None:
        raise LessonError([Problem(source, "(file name)", "must look like 03-slug.toml: two digits for its place "
                                                           "in the order, then the lesson's slug")])  # fmt: skip
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LessonError([Problem(source, "(file)", f"not valid TOML: {error}")]) from None
    lesson = lesson_from_data(data, source)
    if lesson.slug != found[2]:
        raise LessonError([Problem(source, "slug", f"is {lesson.slug!r} but the file is named for {found[2]!r}")])
    return int(found[1]), lesson


def parse_lessons(files: Sequence[tuple[str, str, str]]) -> tuple[Lesson, ...]:
    """Every lesson from (file name, text, source) triples, in their order; LessonError with every problem, a place
    or slug used twice included."""
    problems: list[Problem] = []
    placed: dict[int, tuple[Lesson, str]] = {}
    slugs: dict[str, str] = {}
    for name, text, source in files:
        try:
            place, lesson = parse_lesson(name, text, source)
        except LessonError as error:
            problems.extend(error.problems)
            continue
        if place in placed:
            problems.append(Problem(source, "(file name)", f"place {place:02d} is taken by {placed[place][1]}"))
        elif lesson.slug in slugs:
            problems.append(Problem(source, "slug", f"{lesson.slug!r} is already used by {slugs[lesson.slug]}"))
        else:
            placed[place], slugs[lesson.slug] = (lesson, source), source
    if problems:
        raise LessonError(problems)
    return tuple(placed[p][0] for p in sorted(placed))
