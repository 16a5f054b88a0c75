"""`backstretch lessons`: a minute of learning a day in the terminal. The list with what you have read, one lesson
(reading it marks it read), today's lesson, and all of them as a PDF to print."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backstretch.app.lessons import LessonEntry, UnknownLesson, lesson_list, mark_read, todays_lesson
from backstretch.cli.plan import DbOption
from backstretch.cli.printing import OutputOption, PaperOption, write_pdf
from backstretch.cli.stretches import fail, out
from backstretch.library import load_lessons
from backstretch.printing import Paper, lessons_html
from backstretch.store import open_store

app = typer.Typer(help="Short lessons about your back, a minute each: list them, read one, or print them all.",
                  invoke_without_command=True)  # fmt: skip


def _day(read_on: date, today: date) -> str:
    return "today" if read_on == today else read_on.strftime("%a %-d %b %Y")


@app.callback()
def list_command(ctx: typer.Context, db: DbOption = None) -> None:
    """Every lesson in order: ✓ read, → today's lesson. Read one with `lessons show NUMBER`."""
    if ctx.invoked_subcommand is not None:
        return
    today = date.today()
    entries = lesson_list(load_lessons(), open_store(db))
    table = Table(header_style="bold", expand=False)
    table.add_column("#", style="dim", justify="right")
    table.add_column("")
    table.add_column("lesson", no_wrap=True)
    table.add_column("read")
    for e in entries:
        mark = "✓" if e.read_on else ("→" if e.today else "")
        table.add_row(str(e.number), mark, e.lesson.title, _day(e.read_on, today) if e.read_on else "")
    out.print(table)
    read = sum(1 for e in entries if e.read_on)
    out.print(f"Read {read} of {len(entries)}. " + ("All read." if read == len(entries) else
              "Read today's lesson with: backstretch lessons today"), markup=False)  # fmt: skip


def _bullets(items: list[Text]) -> Table:
    """A bulleted list whose lines wrap under their text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", width=3, justify="right")
    grid.add_column()
    for item in items:
        grid.add_row("•", item)
    return grid


def _panel(entry: LessonEntry, total: int) -> Panel:
    lesson = entry.lesson
    parts: list[RenderableType] = [Text(lesson.summary, style="italic")]
    for block in lesson.body:
        parts.append(Text(block) if isinstance(block, str) else _bullets([Text(point) for point in block]))
    if lesson.try_this:
        parts.append(Text.assemble(("Try this: ", "bold"), lesson.try_this))
    parts.append(Text("Where this comes from:", style="bold"))
    spaced = [Padding(p, (0, 0, 1, 0)) for p in parts[:-1]] + parts[-1:]
    spaced.append(_bullets([Text.assemble((c.supports + " ", "dim"), (f"({c.source})", "dim italic"))
                            for c in lesson.cites]))  # fmt: skip
    return Panel(Group(*spaced), title=f"[bold]{entry.number}. {lesson.title}[/]", subtitle=f"lesson {entry.number} "
                 f"of {total}, about {lesson.reading_seconds} s", width=min(out.width, 88))  # fmt: skip


def _read(key: str, db: str | None, today: date) -> None:
    lessons = load_lessons()
    store = open_store(db)
    try:
        marked = mark_read(lessons, store, key, today)
    except UnknownLesson as error:
        raise fail(str(error)) from None
    out.print(_panel(marked.entry, len(lessons)))
    when = "" if marked.newly else f" (first read {_day(marked.entry.read_on or today, today)})"
    nxt = f" Next: {marked.next.number}. {marked.next.lesson.title}." if marked.next else " You have read every lesson."
    out.print(f"Marked as read{when}.{nxt}", markup=False)


@app.command("show")
def show_command(
    lesson: Annotated[str, typer.Argument(help="The lesson's number or name, as `backstretch lessons` lists them.")],
    db: DbOption = None,
) -> None:
    """Read one lesson; it is marked read."""
    _read(lesson, db, date.today())


@app.command("today")
def today_command(db: DbOption = None) -> None:
    """Read today's lesson: the next one not read yet, or the one you read today. Reading it marks it read."""
    today = date.today()
    found = todays_lesson(load_lessons(), open_store(db), today)
    if found.to_show is None:
        out.print(f"You have read all {found.total} lessons. Read any again with: backstretch lessons show NUMBER",
                  markup=False)  # fmt: skip
        return
    _read(found.to_show.lesson.slug, db, today)


@app.command("print")
def print_command(output: OutputOption, paper: PaperOption = Paper.A4) -> None:
    """Every lesson as a PDF to print or keep."""
    write_pdf(output, lessons_html(load_lessons(), paper))
