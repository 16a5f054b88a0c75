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
from backstretch.app.scores import answer_value, due, kind_named, latest_change
from backstretch.app.scores import dismiss as dismiss_scores
from backstretch.app.scores import record as record_score
from backstretch.cli.plan import REFUSED_EXIT, DbOption
from backstretch.cli.stretches import fail, out
from backstretch.core.chart import reading_words
from backstretch.core.consistency import Consistency
from backstretch.core.measures import (
    ELSEWHERE,
    GLOBAL_CHANGE_ANSWERS,
    GLOBAL_CHANGE_QUESTION,
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
    plain_name,
    reach,
    reach_test_refusal,
    rom_lines,
    title_of,
)
from backstretch.core.safety import DISCLAIMER
from backstretch.core.scores import prompt_words
from backstretch.core.words import day_words
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store
from backstretch.store.models import MAX_ID
from backstretch.store.progress import WEEKS, progress_of

app = typer.Typer(help="Log a measure: pain now, your own function scale, how far you reach, or an outcome score.",
                  no_args_is_help=True)  # fmt: skip

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


def _record(kind: MeasureKind, value: float, on: str | None, note: str, db: str | None) -> Measure:
    try:
        return record_score(open_store(db), kind, value, _day(on), date.today(), note)
    except MeasureError as error:
        raise fail(f"{error}; nothing was saved") from None


@app.command("leg-pain", help=f"Leg pain right now, 0 to 10.\n\n{MEASURES[MeasureKind.LEG_PAIN].how_to}")
def log_leg_pain(
    value: Annotated[str, typer.Argument(help="0 (none) to 10 (as bad as you can imagine).", show_default=False)],
    on: DateOption = None,
    note: NoteOption = "",
    db: DbOption = None,
) -> None:
    try:
        number = float(value)
    except ValueError:
        raise fail(f"leg pain is a whole number from 0 to 10, not {value!r}") from None
    measure = _record(MeasureKind.LEG_PAIN, number, on, note, db)
    out.print(f"Logged leg pain {measure.value:g}/10 for {measure.on.isoformat()}.")


ANSWERS_HELP = ", ".join(w.replace(" ", "-") for w in GLOBAL_CHANGE_ANSWERS.values())


@app.command("global-change", help=f"{GLOBAL_CHANGE_QUESTION} One of: {ANSWERS_HELP} (or -3 to 3).")
def log_global_change(
    answer: Annotated[str, typer.Argument(help=f"One of {ANSWERS_HELP}.", show_default=False)],
    on: DateOption = None,
    note: NoteOption = "",
    db: DbOption = None,
) -> None:
    try:
        value = answer_value(answer)
    except MeasureError as error:
        raise fail(f"{error}; nothing was saved") from None
    measure = _record(MeasureKind.GLOBAL_CHANGE, value, on, note, db)
    out.print(f"Logged your rating of change, {reading_words(measure)} since you started, for "
              f"{measure.on.isoformat()}.")  # fmt: skip


INSTRUMENTS_HELP = "; ".join(f"{MEASURES[k].short.lower()}: {MEASURES[k].title}, 0 to {MEASURES[k].maximum:g}"
                             for k in ELSEWHERE)  # fmt: skip


@app.command(
    "total",
    help="The total of a questionnaire taken elsewhere (with your clinician, for example); backstretch never asks "
    f"its questions, it only keeps the total and shows whether it changes. {INSTRUMENTS_HELP}.",
)
def log_total(
    instrument: Annotated[str, typer.Argument(help="rmdq, odi, ndi or peg.", show_default=False)],
    value: Annotated[str, typer.Argument(help="The total you were given.", show_default=False)],
    on: DateOption = None,
    note: Annotated[str, typer.Option("--note", help="Where it was taken, or anything to remember.")] = "",
    db: DbOption = None,
) -> None:
    try:
        kind = kind_named(instrument)
    except MeasureError as error:
        raise fail(str(error)) from None
    if kind not in ELSEWHERE:
        raise fail(f"{instrument!r} is not a questionnaire total: use `backstretch log {kind.value.replace('_', '-')}`")
    try:
        number = float(value)
    except ValueError:
        raise fail(f"the total is a number such as 12, not {value!r}") from None
    measure = _record(kind, number, on, note, db)
    out.print(f"Logged {MEASURES[kind].title} {reading_words(measure)} for {measure.on.isoformat()}.")


@app.command("skip-scores")
def skip_scores(db: DbOption = None) -> None:
    """Put away the scores due today (at the start, 2, 6 or 12 weeks); they are asked again at the next one."""
    store = open_store(db)
    checkpoint = due(store, date.today())
    if checkpoint is None:
        out.print("No scores are due today.")
        return
    dismiss_scores(store, checkpoint.week, date.today())
    out.print("Put away; the scores are asked again at the next checkpoint.")


IdArgument = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The reading's number, from `backstretch log list`.",
                                           show_default=False)]  # fmt: skip


VALUE_HELP = ("Pain (0-10, whole), reach (a minus number is past the floor, standing on a step), or a score on its "
              "scale (a rating of change from -3 to 3).")  # fmt: skip
ACTIVITY_HELP = 'Function: each activity as "ACTIVITY=SCORE", all of them (the ones not given are dropped).'


def _described(measure: Measure) -> str:
    return f"{plain_name(measure.kind)} {reading_words(measure)} on {day_words(measure.on, date.today())}"


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
        table.add_row("-" if e.id is None else str(e.id), day_words(m.on, date.today()), title_of(m.kind),
                      reading_words(m), m.note)  # fmt: skip
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
    _print_scores(store, readings, today)
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


def _print_scores(store: Store, readings: list[Measure], today: date) -> None:
    """The latest rating of change, and the scores due today with how to give them."""
    change = latest_change(readings)
    if change is not None:
        out.print(f"Rating of change: {change.words} since you started (on {day_words(change.on, today)}).")
    checkpoint = due(store, today)
    if checkpoint is not None and today == date.today():
        out.print(f"[bold]{prompt_words(checkpoint)}[/]")
        out.print("[dim]backstretch log leg-pain 3, log global-change much-better, log total rmdq 12; "
                  "backstretch log skip-scores puts this away.[/]")  # fmt: skip


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
