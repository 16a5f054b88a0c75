"""The `backstretch` command: a thin shell over the core and the store."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from backstretch import __version__
from backstretch.cli import (
    admin,
    breaks,
    coach,
    ending,
    lessons,
    plan,
    player,
    printing,
    progress,
    remind,
    serve,
    stretches,
    transfer,
)
from backstretch.core.catalogue import CatalogueError
from backstretch.core.lessons import LessonError
from backstretch.core.safety import ScreeningError
from backstretch.optional import MissingPart
from backstretch.settings import SettingsError
from backstretch.store import StoreError

app = typer.Typer(
    help="backstretch: a few minutes of safe stretching a day for ordinary back pain. General advice, not a diagnosis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.add_typer(stretches.app, name="stretches")
app.add_typer(lessons.app, name="lessons")
app.command("browse")(stretches.browse)
app.command("serve")(serve.serve_command)
app.command("profile")(plan.profile_command)
app.command("screen")(plan.screen_command)
app.command("plan")(plan.plan_command)
app.command("start")(player.start_command)
app.command("history")(player.history_command)
app.command("ending")(ending.ending_command)
app.command("export")(transfer.export_command)
app.command("import")(transfer.import_command)
app.command("remind")(remind.remind_command)
app.add_typer(breaks.app, name="breaks")
app.command("handout")(printing.handout_command)
app.command("report")(printing.report_command)
app.add_typer(progress.app, name="log")
app.command("progress")(progress.progress_command)
app.add_typer(admin.app, name="admin")
app.add_typer(coach.app, name="coach")

errors = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backstretch {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """backstretch: a few minutes of safe stretching a day."""


def run() -> None:
    """Entry point: problems in data files are reported plainly, never as a traceback."""
    try:
        app()
    except (CatalogueError, LessonError) as error:
        kind = "lesson" if isinstance(error, LessonError) else "stretch"
        errors.print(f"[bold red]Some {kind} data has problems:[/]")
        for problem in error.problems:
            errors.print(f"  {problem}", markup=False)
        sys.exit(2)
    except (ScreeningError, StoreError, SettingsError, MissingPart) as error:
        errors.print(f"[bold red]Error:[/] {escape(str(error))}")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
