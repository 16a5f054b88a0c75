"""The lessons area: a minute of learning a day. A page listing every lesson with what was read, a page for each
with "Mark as read", a printable sheet of them all, and the same through the API. What today's lesson is comes from
app/lessons.py, as for Today and the command line."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from backstretch.app.lessons import LessonEntry, UnknownLesson, find_lesson, lesson_list, mark_read, todays_lesson
from backstretch.core.lessons import Lesson
from backstretch.printing import Paper, lessons_html
from backstretch.web.deps import StoreDep
from backstretch.web.routes.printouts import PaperQuery, pdf_response
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["lessons"])


async def get_lessons(request: Request) -> tuple[Lesson, ...]:
    lessons: tuple[Lesson, ...] = request.app.state.lessons
    return lessons


LessonsDep = Annotated[tuple[Lesson, ...], Depends(get_lessons)]


def _entry(lessons: tuple[Lesson, ...], store: StoreDep, slug: str) -> LessonEntry:
    try:
        return find_lesson(lessons, store, slug)
    except UnknownLesson as error:
        raise HTTPException(404, f"{str(error)[0].upper()}{str(error)[1:]}.") from None


@pages.get("/lessons", response_class=HTMLResponse)
def lessons_page(request: Request, lessons: LessonsDep, store: StoreDep) -> Response:
    entries = lesson_list(lessons, store)
    return templates.TemplateResponse(request, "lessons.html", {
        "entries": entries, "read": sum(1 for e in entries if e.read_on), "today": date.today(),
    })  # fmt: skip


@pages.get("/lessons/print.pdf")
def lessons_sheet(lessons: LessonsDep, paper: PaperQuery = Paper.A4) -> Response:
    """Every lesson on paper, in order, with its sources."""
    return pdf_response(lessons_html(lessons, paper), "backstretch-lessons.pdf")


@pages.get("/lessons/{slug}", response_class=HTMLResponse)
def lesson_page(request: Request, slug: str, lessons: LessonsDep, store: StoreDep) -> Response:
    entry = _entry(lessons, store, slug)
    following = lessons[entry.number] if entry.number < len(lessons) else None
    return templates.TemplateResponse(request, "lesson.html", {
        "entry": entry, "lesson": entry.lesson, "total": len(lessons), "following": following,
        "todays": todays_lesson(lessons, store, date.today()), "today": date.today(),
    })  # fmt: skip


@pages.post("/lessons/{slug}/read")
def mark_read_page(slug: str, lessons: LessonsDep, store: StoreDep) -> Response:
    """The page's "Mark as read": back to the lesson, which now says when it was read and offers the next."""
    entry = _entry(lessons, store, slug)
    mark_read(lessons, store, slug, date.today())
    return RedirectResponse(f"/lessons/{entry.lesson.slug}#read", status_code=303)


class CitationOut(BaseModel):
    ref: str
    source: str
    supports: str


class LessonOut(BaseModel):
    number: int
    slug: str
    title: str
    summary: str
    body: list[str | list[str]]
    try_this: str | None
    reading_seconds: int
    citations: list[CitationOut]
    read_on: date | None
    today: bool
    assigned: bool


class TodayOut(BaseModel):
    lesson: LessonOut | None
    read_today: LessonOut | None
    read: int
    total: int


class ReadOut(BaseModel):
    lesson: LessonOut
    newly: bool
    next: LessonOut | None


def lesson_out(entry: LessonEntry) -> LessonOut:
    lesson = entry.lesson
    return LessonOut(
        number=entry.number,
        slug=lesson.slug,
        title=lesson.title,
        summary=lesson.summary,
        body=[b if isinstance(b, str) else list(b) for b in lesson.body],
        try_this=lesson.try_this,
        reading_seconds=lesson.reading_seconds,
        read_on=entry.read_on,
        today=entry.today,
        assigned=entry.assigned,
        citations=[CitationOut(ref=c.ref, source=c.source, supports=c.supports) for c in lesson.cites],
    )


def _maybe(entry: LessonEntry | None) -> LessonOut | None:
    return None if entry is None else lesson_out(entry)


@api.get("/lessons")
def list_lessons(lessons: LessonsDep, store: StoreDep) -> list[LessonOut]:
    """Every lesson in order, with the day each was read and which one is today's."""
    return [lesson_out(e) for e in lesson_list(lessons, store)]


@api.get("/lessons/today")
def get_todays_lesson(lessons: LessonsDep, store: StoreDep) -> TodayOut:
    """Today's lesson: the first not read yet (null once all are read), and the one read today, if any."""
    found = todays_lesson(lessons, store, date.today())
    return TodayOut(lesson=_maybe(found.lesson), read_today=_maybe(found.read_today), read=found.read,
                    total=found.total)  # fmt: skip


@api.post("/lessons/{slug}/read", responses={404: {"description": "No such lesson"}})
def read_lesson(slug: str, lessons: LessonsDep, store: StoreDep) -> ReadOut:
    """Mark a lesson read today (reading it again keeps the first day); `next` is today's lesson after it."""
    _entry(lessons, store, slug)
    marked = mark_read(lessons, store, slug, date.today())
    return ReadOut(lesson=lesson_out(marked.entry), newly=marked.newly, next=_maybe(marked.next))
