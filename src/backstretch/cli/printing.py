"""`backstretch handout` and `report`: the routine sheet to keep beside you on the floor, and a progress report to
take to a clinician, both as PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from backstretch.app.routine import Refusal, Routines
from backstretch.cli.plan import DbOption, refuse
from backstretch.cli.stretches import err, fail
from backstretch.core.catalogue import Catalogue
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN
from backstretch.library import load_catalogue, write_bytes_atomic
from backstretch.printing import (
    MAX_WEEKS,
    Paper,
    PrintError,
    handout_html,
    program_sheet,
    render_pdf,
    report_data,
    report_html,
)
from backstretch.store import open_store

OutputOption = Annotated[Path, typer.Option("--output", "-o", help="The PDF file to write.", show_default=False)]
PaperOption = Annotated[Paper, typer.Option("--paper", help="a4, or letter for US Letter.")]
NameOption = Annotated[str, typer.Option("--name", help="A name to print at the top (left off unless given).")]


def write_pdf(output: Path, html: str) -> None:
    """Lay out the whole PDF first, then write it in one step: a failure never leaves half a file behind."""
    if not output.parent.is_dir():
        raise fail(f"folder {str(output.parent)!r} does not exist")
    if output.is_dir():
        raise fail(f"{str(output)!r} is a folder; give a file name such as routine.pdf")
    pdf = render_pdf(html)
    try:
        write_bytes_atomic(output, pdf)
    except OSError as error:
        raise fail(f"cannot write {str(output)!r}: {error.strerror or error}") from None
    err.print(f"Wrote {output}.", markup=False)


def handout_command(
    output: OutputOption,
    on: Annotated[str | None, typer.Option("--date", help="The day's routine (YYYY-MM-DD, default today).")] = None,
    program_id: Annotated[int | None, typer.Option("--program", min=1, help="Print this program instead.")] = None,
    minutes: Annotated[int | None, typer.Option(min=MINUTES_MIN, max=MINUTES_MAX, help="Minutes available.")] = None,
    paper: PaperOption = Paper.A4,
    name: NameOption = "",
    db: DbOption = None,
) -> None:
    """The day's routine (or a program) as a PDF sheet: figures, holds, steps, cues and the safety basics."""
    if program_id is not None and (on is not None or minutes is not None):
        raise fail("--program prints the program as your clinician set it; leave out --date and --minutes")
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise fail(f"--date must look like 2026-11-24, not {on!r}") from None
    store = open_store(db)
    routines = Routines(load_catalogue())
    found = routines.today(store, day, minutes)
    if isinstance(found, Refusal):
        raise refuse(found)
    catalogue = routines.catalogue
    assert isinstance(catalogue, Catalogue)
    plan, days = found.plan, ""
    if program_id is not None:
        program = store.program(program_id)
        if program is None:
            ids = store.program_ids()
            raise fail(
                f"there is no program {program_id} of yours; "
                + (f"your programs are: {', '.join(map(str, ids))}" if ids else "you have no program yet")
            )
        plan, days = program_sheet(program, catalogue, found.profile, store.planner_history(day), day)
    try:
        html = handout_html(plan, catalogue, paper, name, days)
    except PrintError as error:
        raise fail(str(error)) from None
    write_pdf(output, html)


def report_command(
    output: OutputOption,
    weeks: Annotated[int, typer.Option(min=1, max=MAX_WEEKS, help="How many weeks the report covers.")] = 8,
    paper: PaperOption = Paper.A4,
    name: NameOption = "",
    db: DbOption = None,
) -> None:
    """A progress report for a clinician: consistency, measures against the important change, charts, painful
    stretches and what changed, and notes."""
    store = open_store(db)
    html = report_html(report_data(store, date.today(), weeks, name), load_catalogue(), paper)
    write_pdf(output, html)
