"""`backstretch lessons` as a person runs it: the list with read marks, reading one (which marks it read), today's
lesson one a day, and clear errors for a lesson that is not there or a lesson file that is broken."""

from __future__ import annotations

from datetime import date

from backstretch.library import load_lessons
from backstretch.store import open_store
from tests.helpers import backstretch


def test_list_read_and_today_from_the_command_line() -> None:
    lessons = load_lessons()
    listed = backstretch("lessons")
    assert listed.returncode == 0, listed.stderr
    assert all(lesson.title in listed.stdout for lesson in lessons)
    assert f"Read 0 of {len(lessons)}." in listed.stdout and "→" in listed.stdout and "✓" not in listed.stdout
    first = backstretch("lessons", "today")
    assert first.returncode == 0, first.stderr
    assert lessons[0].title in first.stdout and lessons[0].cites[0].source in " ".join(first.stdout.split())
    assert f"Marked as read. Next: 2. {lessons[1].title}." in " ".join(first.stdout.split())
    again = backstretch("lessons", "today")  # one a day: today's stays the one read today
    assert lessons[0].title in again.stdout and "first read today" in again.stdout
    shown = backstretch("lessons", "show", lessons[4].slug)
    assert shown.returncode == 0 and lessons[4].title in shown.stdout
    assert set(open_store(None).lessons_read()) == {lessons[0].slug, lessons[4].slug}
    assert open_store(None).lessons_read()[lessons[4].slug] == date.today()
    after = backstretch("lessons").stdout
    assert f"Read 2 of {len(lessons)}." in after and after.count("✓") == 2 and after.count("today") >= 2


def test_a_lesson_that_is_not_there_is_a_plain_error() -> None:
    missing = backstretch("lessons", "show", "99")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "there is no lesson '99'; the lessons are numbered 1 to" in missing.stderr
    assert open_store(None).lessons_read() == {}


def test_all_read_says_so() -> None:
    store = open_store(None)
    for lesson in load_lessons():
        store.mark_lesson_read(lesson.slug, date(2026, 11, 1))
    done = backstretch("lessons", "today")
    assert done.returncode == 0 and f"You have read all {len(load_lessons())} lessons." in done.stdout
