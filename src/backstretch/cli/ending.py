"""The warm ending of a session in the terminal: the same summary as the web app's end page (app/today.py's
session_ending), drawn with Rich. The terminal player calls `print_ending` when a session is over; `backstretch
ending` shows it again for the latest session (or one by its number)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backstretch.app.routine import Routines
from backstretch.app.today import PAIN_SOURCE, Ending, session_ending
from backstretch.cli.plan import DbOption
from backstretch.cli.stretches import fail, out
from backstretch.library import load_catalogue
from backstretch.store import open_store

CALM = "green"


def ending_panel(ending: Ending) -> Panel:
    """The ending as one panel: headline, the run and the week side by side, pain, what changes, the next session."""
    facts = Table.grid(padding=(0, 3))
    facts.add_column()
    facts.add_column()
    run = f"{ending.streak} day{'s' if ending.streak != 1 else ''}"
    facts.add_row(Text("Your run", style="bold"), Text("This week", style="bold"))
    facts.add_row(Text(run, style=f"bold {CALM}"), Text(f"{ending.week_done} of {ending.week_meant}",
                                                        style=f"bold {CALM}"))  # fmt: skip
    facts.add_row(Text(ending.streak_words[:1].upper() + ending.streak_words[1:] + "."), Text(ending.week_words))
    parts: list[Text | Table] = [Text(ending.headline, style="bold")]
    if ending.stretches:
        parts.append(Text(f"You did {', '.join(ending.stretches)}.", style="dim"))
    parts += [Text(""), facts, Text(""), Text("Your pain", style="bold"), Text(ending.pain_words)]
    if ending.pain_before is not None and ending.pain_after is not None:
        parts.append(Text(f"Why we say this: {PAIN_SOURCE}", style="dim"))
    parts += [Text(""), Text("Because of today", style="bold")]
    parts += [Text(f"• {line}") for line in ending.tomorrow] or [
        Text("Your next routine stays much the same, so it keeps getting easier to follow.")
    ]
    parts += [Text(""), Text(ending.next_words, style=CALM)]
    return Panel(Group(*parts), title="Session done", title_align="left", border_style=CALM, padding=(1, 2))


def print_ending(console: Console, ending: Ending) -> None:
    """Draw the ending on a console: what the terminal player shows when a session is over."""
    console.print(ending_panel(ending))


def ending_command(
    session: Annotated[
        int | None,
        typer.Option(
            "--session",
            min=1,
            help="A session's number (default: the latest, as `backstretch history --json` lists them).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """How your last session went: your run of days, the week, pain before and after, and what comes next."""
    store = open_store(db)
    if session is None:
        sessions = store.history()
        if not sessions:
            raise fail("no sessions yet: start one with `backstretch start`")
        session = sessions[-1].id
    ending = session_ending(store, Routines(load_catalogue()), session, date.today())
    if ending is None:
        raise fail(f"there is no session {session}")
    print_ending(out, ending)
