"""A minute of learning a day: today's lesson, the list of all lessons with what was read, and marking one read.

Decided once here for Today, the lessons pages, the API and the command line. Today's lesson is the first one not
read yet, in the lessons' order, so a person goes through them one by one until all are read; whether one was read
today comes with it, so Today can offer one a day and say when today's is done. In clinic mode a clinician may
assign lessons to a patient: those not read yet come first, in their order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from backstretch.core.lessons import Lesson


class LessonRecords(Protocol):
    """Where the lessons a person has read are kept; the store is one."""

    def lessons_read(self) -> dict[str, date]: ...

    def mark_lesson_read(self, slug: str, on: date) -> bool: ...

    def assigned_lessons(self) -> frozenset[str]: ...

    def assign_lessons(self, slugs: Collection[str], clinician_id: int | None, on: date) -> None: ...


class UnknownLesson(LookupError):
    """No lesson by that name or number; the message lists what there is."""


@dataclass(frozen=True)
class LessonEntry:
    """One lesson in the list: its number in the order, when it was read (None: not yet), whether it is today's, and
    whether a clinician assigned it."""

    number: int
    lesson: Lesson
    read_on: date | None
    today: bool
    assigned: bool = False


@dataclass(frozen=True)
class TodaysLesson:
    """What Today shows. `lesson` is the next one to read (None once all are read); `read_today` is a lesson already
    read today, when there is one, so Today can say that today's minute is done and offer the next as extra."""

    lesson: LessonEntry | None
    read_today: LessonEntry | None
    read: int
    total: int

    @property
    def to_show(self) -> LessonEntry | None:
        """The one lesson of the day: the one read today, once there is one, else the next to read (None when all
        are read and none was read today)."""
        return self.read_today or self.lesson


@dataclass(frozen=True)
class MarkedRead:
    entry: LessonEntry
    newly: bool  # False when it had been read before
    next: LessonEntry | None  # today's lesson now


def lesson_list(lessons: Sequence[Lesson], records: LessonRecords) -> list[LessonEntry]:
    """Every lesson in order, with when each was read and which is today's: the first assigned one not read yet, or
    else the first not read yet."""
    read, assigned = records.lessons_read(), records.assigned_lessons()
    unread = [lesson.slug for lesson in lessons if lesson.slug not in read]
    first = next((slug for slug in unread if slug in assigned), unread[0] if unread else None)
    return [LessonEntry(n, lesson, read.get(lesson.slug), lesson.slug == first, lesson.slug in assigned)
            for n, lesson in enumerate(lessons, start=1)]  # fmt: skip


def todays_lesson(lessons: Sequence[Lesson], records: LessonRecords, today: date) -> TodaysLesson:
    """Today's lesson for the Today page (and `GET /api/lessons/today`, `backstretch lessons today`)."""
    entries = lesson_list(lessons, records)
    done_today = [e for e in entries if e.read_on == today]
    return TodaysLesson(lesson=next((e for e in entries if e.today), None),
                        read_today=done_today[-1] if done_today else None,
                        read=sum(1 for e in entries if e.read_on is not None), total=len(entries))  # fmt: skip


def find_lesson(lessons: Sequence[Lesson], records: LessonRecords, key: str) -> LessonEntry:
    """A lesson by its slug or its number in the order; UnknownLesson naming the choices if there is none."""
    entries = lesson_list(lessons, records)
    for entry in entries:
        if key.strip() in (entry.lesson.slug, str(entry.number)):
            return entry
    raise UnknownLesson(
        f"there is no lesson {key[:60]!r}; the lessons are numbered 1 to {len(entries)}, or use "
        f"their short names, such as {entries[0].lesson.slug!r}"
        if entries
        else "there are no lessons"
    )


def mark_read(lessons: Sequence[Lesson], records: LessonRecords, key: str, today: date) -> MarkedRead:
    """Mark a lesson read today (reading it again keeps the first day); what is today's lesson after it."""
    entry = find_lesson(lessons, records, key)
    newly = records.mark_lesson_read(entry.lesson.slug, today)
    after = lesson_list(lessons, records)
    return MarkedRead(after[entry.number - 1], newly, next((e for e in after if e.today), None))


def assign(lessons: Sequence[Lesson], records: LessonRecords, keys: Collection[str], clinician_id: int | None,
           today: date) -> list[LessonEntry]:  # fmt: skip
    """A clinician's choice of lessons for a patient, replacing the one before; every key is checked first, so an
    unknown one changes nothing. The patient's list as it is now."""
    slugs = {find_lesson(lessons, records, key).lesson.slug for key in keys}
    records.assign_lessons(slugs, clinician_id, today)
    return lesson_list(lessons, records)
