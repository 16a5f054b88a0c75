"""`backstretch stretches`: browse the library, draw figures, add and share your own stretches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backstretch.core.catalogue import Catalogue, Stretch, filter_stretches
from backstretch.core.figure import render_svg
from backstretch.core.safety import DISCLAIMER
from backstretch.core.vocab import Equipment, Position, Region
from backstretch.library import add_user_stretches, export_set, load_catalogue, remove_user_stretch, write_text_atomic

app = typer.Typer(help="Browse the stretch library and manage your own stretches.", invoke_without_command=True)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # an error stays one line for scripts and logs


def fail(message: str, code: int = 2) -> typer.Exit:
    # Escaped: file names and values a person typed may hold square brackets, which Rich would read as markup.
    err.print(f"[bold red]Error:[/] {escape(message)}")
    return typer.Exit(code)


def _lookup(catalogue: Catalogue, sid: str) -> Stretch:
    if sid not in catalogue:
        close = [k for k in sorted(catalogue) if sid.lower() in k] or sorted(catalogue)
        raise fail(f"no stretch with the id {sid!r}. Valid ids include: {', '.join(close[:12])}")
    return catalogue[sid]


def _hold(s: Stretch) -> str:
    sides = " each side" if s.per_side else ""
    return f"{s.hold_seconds.default} s × {s.reps}{sides}"


def stretch_table(found: list[Stretch], numbered: bool = False) -> Table:
    table = Table(show_lines=False, header_style="bold", expand=False)
    if numbered:
        table.add_column("#", justify="right", style="dim")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("name")
    table.add_column("regions")
    table.add_column("position")
    table.add_column("hold")
    table.add_column("", no_wrap=True)
    for i, s in enumerate(found, start=1):
        tags = " ".join(t for t, on in (("desk", s.desk_friendly), ("yoga", bool(s.yoga_name))) if on)
        cells = [s.id, s.name, ", ".join(r.value for r in s.regions.primary), s.position.value, _hold(s), tags]
        table.add_row(*([str(i)] if numbered else []), *cells)
    return table


def stretch_panel(catalogue: Catalogue, s: Stretch) -> Panel:
    def bullets(items: tuple[str, ...], numbered: bool = False) -> Text:
        text = Text()
        for i, item in enumerate(items, start=1):
            text.append(f"  {i}. " if numbered else "  • ", style="dim")
            text.append(item + "\n")
        return text

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    where = ", ".join(r.value for r in s.regions.primary)
    if s.regions.secondary:
        where += f" (also {', '.join(r.value for r in s.regions.secondary)})"
    facts.add_row("Stretches", where)
    facts.add_row("Position", s.position.value)
    facts.add_row("Equipment", ", ".join(e.value for e in s.equipment))
    facts.add_row("Spine", s.spinal_movement.value)
    facts.add_row("Hold", f"{_hold(s)} (between {s.hold_seconds.min} and {s.hold_seconds.max} s)")
    if s.yoga_name:
        facts.add_row("Yoga", s.yoga_name)
    if s.also_known_as:
        facts.add_row("Also called", ", ".join(s.also_known_as))
    if s.easier:
        facts.add_row("Easier", ", ".join(s.easier))
    if s.harder:
        facts.add_row("Harder", ", ".join(s.harder))
    if s.camera is not None:
        facts.add_row("Camera coach", f"in position when the {s.camera.describe()}")
    if s.avoid_if:
        facts.add_row("Avoid if", Text(", ".join(c.value for c in s.avoid_if), style="yellow"))
    parts: list[RenderableType] = [
        Text(s.summary, style="italic"),
        Text(),
        facts,
        Text("\nGetting into it", style="bold"),
        bullets(s.steps.into, numbered=True),
        Text("Coming out", style="bold"),
        bullets(s.steps.out, numbered=True),
        Text("Breathing", style="bold"),
        bullets(s.cues.breathing),
        Text("Alignment", style="bold"),
        bullets(s.cues.alignment),
        Text("You should feel", style="bold"),
        bullets(s.cues.feel),
        Text("Stop if you feel", style="bold red"),
        bullets(s.cues.avoid_feeling),
        Text(DISCLAIMER, style="dim"),
    ]
    return Panel(Group(*parts), title=f"[bold]{s.name}[/] [dim]({s.id})[/]", expand=False)


def _dump(items: list[Stretch]) -> str:
    return json.dumps([s.model_dump(mode="json") for s in items], indent=2, ensure_ascii=False)


@app.callback()
def list_stretches(
    ctx: typer.Context,
    region: Annotated[Region | None, typer.Option(help="Only stretches for this region.")] = None,
    position: Annotated[Position | None, typer.Option(help="Only stretches in this position.")] = None,
    equipment: Annotated[Equipment | None, typer.Option(help="Only stretches that use this equipment.")] = None,
    desk: Annotated[bool, typer.Option("--desk", help="Only stretches you can do at a desk.")] = False,
    yoga: Annotated[bool, typer.Option("--yoga", help="Only yoga poses.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List stretches, optionally filtered."""
    if ctx.invoked_subcommand is not None:
        return
    found = filter_stretches(load_catalogue(), region, position, equipment, desk, yoga)
    if as_json:
        typer.echo(_dump(found))
        return
    if not found:
        out.print("No stretches match those filters.")
        return
    out.print(stretch_table(found))
    out.print(f"{len(found)} stretches. See one with [cyan]backstretch stretches show ID[/].")


@app.command()
def show(
    stretch_id: Annotated[str, typer.Argument(metavar="ID", help="The stretch's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one stretch: how to do it, what to feel, who should avoid it."""
    catalogue = load_catalogue()
    s = _lookup(catalogue, stretch_id)
    if as_json:
        typer.echo(json.dumps(s.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    out.print(stretch_panel(catalogue, s))


@app.command()
def figure(
    stretch_id: Annotated[str, typer.Argument(metavar="ID", help="The stretch's id.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="SVG file to write.")],
    size: Annotated[int, typer.Option(min=64, max=4096, help="Longest side in pixels.")] = 320,
) -> None:
    """Write a stretch's figure as an SVG file."""
    catalogue = load_catalogue()
    s = _lookup(catalogue, stretch_id)
    if output.suffix.lower() != ".svg":
        raise fail(f"the figure is an SVG: name the file with .svg, not {output.name!r}")
    if not output.parent.is_dir():
        raise fail(f"folder {str(output.parent)!r} does not exist")
    write_text_atomic(output, render_svg(catalogue.figure_of(s.id), title=s.name, size=size))
    out.print(f"Wrote {output}")


@app.command()
def add(
    file: Annotated[Path, typer.Argument(help="A stretch file (TOML), or a set written by export.")],
    replace: Annotated[bool, typer.Option("--replace", help="Update your stretches with the same ids.")] = False,
) -> None:
    """Add your own stretch (for example one your physio gave you) to your library."""
    if not file.is_file():
        raise fail(f"no file at {str(file)!r}")
    added = add_user_stretches(file, replace=replace)
    for s in added:
        out.print(f"Added [cyan]{s.id}[/] ({s.name}) to your library.")


@app.command()
def remove(stretch_id: Annotated[str, typer.Argument(metavar="ID", help="One of your own stretches.")]) -> None:
    """Remove one of your own stretches."""
    remove_user_stretch(stretch_id)
    out.print(f"Removed {stretch_id}.")


@app.command()
def export(
    stretch_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Stretches to share.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="TOML file to write.")],
) -> None:
    """Write stretches to one file that someone else can add with `backstretch stretches add`."""
    catalogue = load_catalogue()
    for sid in stretch_ids:
        _lookup(catalogue, sid)
    if not output.parent.is_dir():
        raise fail(f"folder {str(output.parent)!r} does not exist")
    write_text_atomic(output, export_set(catalogue, stretch_ids))
    out.print(f"Wrote {len(set(stretch_ids))} stretches to {output}")


def browse() -> None:
    """Browse the library: pick a stretch by number or id to read it; Enter on its own quits."""
    catalogue = load_catalogue()
    found = filter_stretches(catalogue)
    out.print(Panel(Text(DISCLAIMER), title="backstretch", expand=False))
    out.print(stretch_table(found, numbered=True))
    while True:
        try:
            answer = out.input("[bold]Number or id to read (Enter to quit): [/]").strip()
        except EOFError:
            return
        if not answer:
            return
        if answer.isdigit() and 1 <= int(answer) <= len(found):
            out.print(stretch_panel(catalogue, found[int(answer) - 1]))
        elif answer in catalogue:
            out.print(stretch_panel(catalogue, catalogue[answer]))
        else:
            out.print(f"[yellow]No stretch {answer!r}; type a number from 1 to {len(found)} or an id.[/]")
