"""`backstretch log` and `backstretch progress`: record how the back is doing, and show whether it is changing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from backstretch.app.breaks import BreakPeriod, break_history
from backstretch.app.progress import (
    MeasureChange,
    MeasureNotFound,
    ReachRefused,
    delete_measure,
    edit_measure,
    progress_json,
    restore_measure,
)
from backstretch.cli.plan import REFUSED_EXIT, DbOption
from backstretch.cli.stretches import fail, out
from backstretch.core.chart import day_words, reading_words
from backstretch.core.consistency import Consistency
from backstretch.core.measures import (
    MEASURES,
    REACH_NOT_SAVED,
    Measure,
    MeasureError,
    MeasureKind,
    RomLine,
    Trend,
    check_taken_on,
    function,
    pain,
    parse_activity,
    reach,
    reach_test_refusal,
    rom_lines,
)
from backstretch.core.safety import DISCLAIMER
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store
from backstretch.store.models import MAX_ID
from backstretch.store.progress import WEEKS, progress_of

app = typer.Typer(help="Log a measure: pain now, your own function scale, or how far you reach.", no_args_is_help=True)

DateOption = Annotated[str | None, typer.Option("--date", help="The day it was measured (YYYY-MM-DD, default today).")]
NoteOption = Annotated[str, typer.Option("--note", help="A short note (what you noticed, what stopped you).")]


def _day(text: str | None, option: str = "--date") -> date:
    if text is None:
        return date.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} must look like 2026-11-24, not {text!r}") from None
    try:
        return check_taken_on(day, date.today())
    except MeasureError as error:
        raise fail(f"{option} {text}: {error}") from None


def _save(store: Store, build: Any) -> Measure:
    try:
        measure: Measure = build()
    except MeasureError as error:
        raise fail(str(error)) from None
    store.add_measure(measure)
    return measure


@app.command("pain", help=f"Pain right now, 0 to 10.\n\n{MEASURES[MeasureKind.PAIN].how_to}")
def log_pain(
    value: Annotated[str, typer.Argument(help="0 (no pain) to 10 (worst imaginable).", show_default=False)],
    morning: Annotated[
        bool, typer.Option("--morning", help="Taken on waking; a rise of 2 or more makes the next routine gentler.")
    ] = False,
    on: DateOption = None,
    note: NoteOption = "",
    db: DbOption = None,
) -> None:
    day = _day(on)
    try:
        number = int(value)
    except ValueError:
        raise fail(f"pain is a whole number from 0 to 10, not {value!r}") from None
    measure = _save(open_store(db), lambda: pain(number, day, morning=morning, note=note))
    out.print(f"Logged pain {measure.value:g}/10{' (morning)' if morning else ''} for {day.isoformat()}.")


@app.command("function", help=f"Your own function scale.\n\n{MEASURES[MeasureKind.FUNCTION].how_to}")
def log_function(
    activities: Annotated[
        list[str], typer.Argument(help='Up to three, each as "ACTIVITY=SCORE", e.g. "putting on socks=4".')
    ],
    on: DateOption = None,
    note: NoteOption = "",
    db: DbOption = None,
) -> None:
    day = _day(on)
    store = open_store(db)
    try:
        pairs = [parse_activity(a) for a in activities]
    except MeasureError as error:
        raise fail(str(error)) from None
    earlier = [m for m in store.measures(MeasureKind.FUNCTION) if m.on <= day]
    measure = _save(store, lambda: function(pairs, day, note=note))
    out.print(f"Logged function {measure.value:g}/10 (the mean of {len(measure.activities)}) for {day.isoformat()}.")
    if earlier:
        before = {a.activity.casefold() for a in earlier[-1].activities}
        if before != {a.activity.casefold() for a in measure.activities}:
            out.print("[yellow]Note:[/] these activities differ from last time; the score compares best when you "
                      "rate the same activities each time.")  # fmt: skip


@app.command(
    "reach",
    context_settings={"ignore_unknown_options": True},  # so that -5 is a value, not an option
    help=f"Fingertip-to-floor distance.\n\n{MEASURES[MeasureKind.REACH].how_to}\n\nNot for people whose profile "
    "rules out bending forward as far as they can (osteoporosis, back pain worse bending forward, pregnancy, "
    "balance problems, a hip replacement): then nothing is saved.",
)
def log_reach(
    value: Annotated[
        str,
        typer.Argument(
            help="Distance from fingertip to floor; 0 if you reach the floor; a minus number for how far "
            "past the edge of a step you stand on."
        ),
    ],
    unit: Annotated[Literal["cm", "in"], typer.Option("--unit", help="cm or in (stored in cm).")] = "cm",
    on: DateOption = None,
    note: NoteOption = "",
    db: DbOption = None,
) -> None:
    store = open_store(db)
    profile = store.load_profile()
    refused = reach_test_refusal(profile.effective_conditions()) if profile is not None else None
    if refused:
        raise fail(f"{refused} {REACH_NOT_SAVED}", code=REFUSED_EXIT)
    day = _day(on)
    try:
        number = float(value)
    except ValueError:
        raise fail(f"reach is a distance such as 12 or 12.5, not {value!r}") from None
    measure = _save(store, lambda: reach(number, day, unit=unit, note=note))
    out.print(f"Logged reach {measure.value:g} cm for {day.isoformat()}.")


IdArgument = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The reading's number, from `backstretch log list`.",
                                           show_default=False)]  # fmt: skip


VALUE_HELP = "Pain (0-10, whole) or reach (a minus number is past the floor, standing on a step)."
ACTIVITY_HELP = 'Function: each activity as "ACTIVITY=SCORE", all of them (the ones not given are dropped).'


def _described(measure: Measure) -> str:
    return f"{MEASURES[measure.kind].title.lower()} {reading_words(measure)} on {day_words(measure.on, date.today())}"


@app.command("list")
def list_readings(
    kind: Annotated[MeasureKind | None, typer.Option("--kind", help="Only this measure.")] = None,
    db: DbOption = None,
) -> None:
    """Your readings with their numbers, to change or delete one."""
    entries = open_store(db).logged_measures(kind)
    if not entries:
        out.print("No readings yet.")
        return
    table = Table(title="Your readings, oldest first", title_justify="left")
    for column in ("number", "day", "measure", "reading", "note"):
        table.add_column(column, overflow="fold")
    for e in entries:
        m = e.measure
        table.add_row("-" if e.id is None else str(e.id), day_words(m.on, date.today()), MEASURES[m.kind].title
                      if m.kind in MEASURES else "Range of motion", reading_words(m), m.note)  # fmt: skip
    out.print(table)
    if any(e.id is None for e in entries):
        out.print("[dim]A reading without a number was given before a session and belongs to it.[/]")


@app.command("change", context_settings={"ignore_unknown_options": False})
def change_reading(
    measure_id: IdArgument,
    value: Annotated[float | None, typer.Option("--value", help=VALUE_HELP)] = None,
    unit: Annotated[Literal["cm", "in"], typer.Option("--unit", help="The unit of a new reach value.")] = "cm",
    activities: Annotated[list[str] | None, typer.Option("--activity", help=ACTIVITY_HELP)] = None,
    morning: Annotated[bool | None, typer.Option("--morning/--not-morning", help="Pain: on waking or not.")] = None,
    on: DateOption = None,
    note: Annotated[str | None, typer.Option("--note", help="A new note (an empty one removes it).")] = None,
    db: DbOption = None,
) -> None:
    """Change one of your readings; what you do not give stays as it is."""
    day = _day(on) if on is not None else None
    try:
        pairs = tuple(parse_activity(a) for a in activities) if activities else None
        change = MeasureChange(value=value, unit=unit, activities=pairs, morning=morning, on=day, note=note)
        changed = edit_measure(open_store(db), measure_id, change, date.today())
    except MeasureNotFound as error:
        raise fail(str(error)) from None
    except ReachRefused as error:
        raise fail(str(error), code=REFUSED_EXIT) from None
    except MeasureError as error:
        raise fail(f"{error}; nothing was changed") from None
    out.print(f"Changed reading {measure_id}: now {_described(changed)}.")


@app.command("delete")
def delete_reading(measure_id: IdArgument, db: DbOption = None) -> None:
    """Delete one of your readings; `backstretch log undo` puts it back within a day."""
    try:
        deleted = delete_measure(open_store(db), measure_id)
    except MeasureNotFound as error:
        raise fail(str(error)) from None
    out.print(f"Deleted reading {measure_id} ({_described(deleted)}). To put it back within a day: "
              f"backstretch log undo {measure_id}")  # fmt: skip


@app.command("undo")
def undo_delete(measure_id: IdArgument, db: DbOption = None) -> None:
    """Put back a reading you deleted in the last day, exactly as it was."""
    try:
        restored = restore_measure(open_store(db), measure_id)
    except MeasureNotFound as error:
        raise fail(str(error)) from None
    out.print(f"Put back reading {measure_id} ({_described(restored)}).")


def progress_command(
    weeks: Annotated[int, typer.Option(min=1, max=104, help="How many weeks the weekly table and charts show.")] = (
        WEEKS
    ),
    on: Annotated[str | None, typer.Option("--date", help="Show progress as it stood on this day.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    svg: Annotated[Path | None, typer.Option("--svg", help="Write the charts as SVG files into this folder.")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Write the charts as PNG files into this folder.")] = None,
    db: DbOption = None,
) -> None:
    """Your consistency, and whether pain, function and reach are changing, said honestly."""
    today = _day(on)
    store = open_store(db)
    p = progress_of(store, today, weeks)
    days, readings, summary, trends = p.days, p.readings, p.summary, p.trends
    rom = rom_lines(readings, load_catalogue())
    formats: tuple[tuple[Path | None, Literal["svg", "png"]], ...] = ((svg, "svg"), (png, "png"))
    for folder, fmt in formats:
        if folder is not None:
            from backstretch import charts  # matplotlib is slow to import; only load it when drawing

            try:
                paths = charts.write_charts(readings, days, today, folder, fmt, rom)
            except OSError as error:
                raise fail(f"cannot write charts into {str(folder)!r}: {error.strerror}") from None
            out.print(f"Wrote {', '.join(str(p) for p in paths)}")
    if as_json:
        typer.echo(json.dumps(progress_json(summary, trends), indent=2, ensure_ascii=False))
        return
    _print_consistency(summary)
    _print_trends(trends, readings)
    _print_rom(rom)
    _print_breaks(break_history(store, today))
    from backstretch import charts

    since = today - timedelta(weeks=weeks)
    out.print(charts.terminal_chart([m for m in readings if m.on >= since], [d for d in days if d.on >= since], today),
              markup=False, highlight=False)  # fmt: skip
    out.print(f"[dim]{DISCLAIMER}[/]")


def _print_consistency(c: Consistency) -> None:
    out.print(f"[bold]{c.message}[/]")
    if not c.weeks:
        return
    table = Table(title="Week by week", title_justify="left")
    for column in ("week of", "days stretched", "minutes", "planned days done"):
        table.add_column(column, justify="right" if column != "week of" else "left")
    for w in c.weeks:
        table.add_row(w.starts.strftime("%d %b"), str(w.days_stretched), f"{w.minutes:g}",
                      f"{w.planned_days_done} of {w.planned_days}" if w.planned_days else "-")  # fmt: skip
    out.print(table)
    if c.planned_share is not None:
        out.print(f"Since you started: {c.planned_days_done} of {c.planned_days} planned days "
                  f"({c.planned_share:.0%}), {c.total_minutes:g} minutes in all.")  # fmt: skip


def _print_breaks(periods: list[BreakPeriod]) -> None:
    """Desk breaks beside sessions, once there are any breaks (from the desk page or desktop notifications)."""
    if not any(p.done or p.offered for p in periods):
        return
    table = Table(title="Desk breaks and sessions", title_justify="left")
    for column in ("", "sessions", "breaks done", "offered", "started", "snoozed", "skipped"):
        table.add_column(column, justify="left" if not column else "right", no_wrap=True)
    for p in periods:
        table.add_row(p.label, str(p.sessions), str(p.done), str(p.offered), str(p.started), str(p.snoozed),
                      str(p.skipped))  # fmt: skip
    out.print(table)
    out.print("[dim]Breaks offered, started, snoozed and skipped are the desktop notifications' (backstretch breaks); "
              "a break done counts toward the day like any stretching.[/]")  # fmt: skip


def _print_rom(lines: list[RomLine]) -> None:
    """The camera coach's range of motion per stretch: no trend statement, as there is no source for a change that
    counts (core/measures.py)."""
    if not lines:
        return
    table = Table(title="Range of motion (camera coach)", title_justify="left")
    for column in ("what", "sessions", "first", "latest", "deepest"):
        table.add_column(column, overflow="fold")
    for line in lines:
        (first_day, first), (last_day, latest) = line.points[0], line.points[-1]
        table.add_row(line.name, str(len(line.points)), f"{first:g} ({first_day.isoformat()})",
                      f"{latest:g} ({last_day.isoformat()})", f"{line.deepest:g}")  # fmt: skip
    out.print(table)


def _print_trends(trends: list[Trend], readings: list[Measure]) -> None:
    table = Table(title="Measures", title_justify="left")
    for column in ("measure", "readings", "start", "now", "what it shows"):
        table.add_column(column, overflow="fold")
    for t in trends:
        info = MEASURES[t.kind]
        unit = "" if info.unit == "points" else f" {info.unit}"
        table.add_row(info.title, str(t.points), "-" if t.baseline is None else f"{t.baseline:g}{unit}",
                      "-" if t.current is None else f"{t.current:g}{unit}", t.statement)  # fmt: skip
    out.print(table)
    if not readings:
        out.print("Log a measure with [bold]backstretch log pain 3[/], [bold]log function[/] or [bold]log reach[/]; "
                  "`backstretch log pain --help` explains how to take each one.")  # fmt: skip
