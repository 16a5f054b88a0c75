"""`backstretch start`: the guided session in the terminal.

The player is a thin loop around the pure timeline: it advances a clock (real time times --speed), records each
step in the store the moment it finishes, reads single keys, and redraws a Rich Live panel. A step that waits for the
person (reading a stretch and getting into position, changing position, the checklist) stops the clock until Enter.
Pain checks pause the clock and ask; a sharp, shooting or numb feeling ends the session with calm advice
(clinical-facts: stop).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import termios
import time
import tty
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.prompt import Prompt
from rich.table import Table
from rich.text import Text

from backstretch.app.routine import Refusal, Routines, item_json
from backstretch.app.today import session_ending
from backstretch.cli.ending import print_ending
from backstretch.cli.plan import DbOption, refuse
from backstretch.cli.stretches import fail, out
from backstretch.core.catalogue import Catalogue
from backstretch.core.figure import render_text
from backstretch.core.planner import PlanItem
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN, Profile
from backstretch.core.safety import DISCLAIMER, SHARP_ADVICE
from backstretch.core.timeline import Step, StepKind, Timeline, breath_at, build_timeline, slower_moves
from backstretch.core.vocab import Position, Region, SpinalMovement
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store

DIGITS = {
    "0": ("███", "█ █", "█ █", "█ █", "███"), "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"), "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"), "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"), "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"), "9": ("███", "█ █", "███", "  █", "███"),
}  # fmt: skip


# What a step that waits for the person asks for: Enter, once they have read it and are there.
WAIT_PROMPTS = {
    StepKind.CHECKLIST: "Press Enter when you are ready.",
    StepKind.SETUP: "Press Enter when you are in position.",
    StepKind.POSITION: "Press Enter when you have moved.",
}


def big_number(value: int) -> str:
    rows = ["  ".join(DIGITS[d][r] for d in str(value)) for r in range(5)]
    return "\n".join(rows)


class Keys:
    """Single key presses from a terminal, without waiting for Enter; nothing when stdin is not a terminal."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno() if sys.stdin.isatty() else None
        self.saved: Any = None

    @contextlib.contextmanager
    def raw(self) -> Iterator[None]:
        if self.fd is None:
            yield
            return
        self.saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        try:
            yield
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def read(self, timeout: float) -> str | None:
        if self.fd is None:
            time.sleep(timeout)
            return None
        ready, _, _ = select.select([sys.stdin], [], [], timeout)
        return os.read(self.fd, 1).decode(errors="ignore") if ready else None

    def wait_for(self, allowed: str) -> str:
        while True:
            key = self.read(0.2)
            if key and key.lower() in allowed:
                return key.lower()


class Sound:
    """A cue at each change: spoken with espeak-ng when it is installed, else the terminal bell."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.espeak = shutil.which("espeak-ng") if enabled else None

    def cue(self, text: str) -> None:
        if not self.enabled:
            return
        if self.espeak:
            subprocess.Popen([self.espeak, "-s", "150", text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            # Straight to the terminal: Rich's live display would strip a bell written through sys.stdout.
            os.write(sys.__stdout__.fileno() if sys.__stdout__ else 1, b"\a")


def _ask_pain(question: str) -> int | None:
    answer = Prompt.ask(f"{question} [dim](0 none to 10 worst; Enter to skip)[/]", default="", show_default=False)
    while answer.strip():
        if answer.strip().isdigit() and 0 <= int(answer) <= 10:
            return int(answer)
        answer = Prompt.ask("[yellow]A whole number from 0 to 10, or Enter to skip[/]", default="", show_default=False)
    return None


def _plan_from_file(path: Path, catalogue: Catalogue) -> list[PlanItem]:
    try:
        data = json.loads(path.read_text("utf-8"))
        items = [
            PlanItem(
                stretch=i["stretch"],
                name=i["name"],
                hold_seconds=int(i["hold_seconds"]),
                reps=int(i["reps"]),
                sides=int(i["sides"]),
                position=Position(i["position"]),
                regions=tuple(Region(r) for r in i["regions"]),
                spinal_movement=SpinalMovement(i["spinal_movement"]),
                seconds=int(i["seconds"]),
            )
            for i in data["items"]
        ]
    except OSError as error:
        raise fail(f"cannot read {str(path)!r}: {error.strerror}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise fail(f"{path} is not a plan written by `backstretch plan --json` ({error})") from None
    unknown = [i.stretch for i in items if i.stretch not in catalogue]
    if unknown:
        raise fail(f"{path} names stretches that are not in your library: {', '.join(unknown)}")
    return items


class Player:
    def __init__(self, store: Store, session_id: int, day: date, items: list[PlanItem], catalogue: Catalogue,
                 profile: Profile, speed: float, sound: Sound,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.clock = clock  # injected so a session can run on any time source, not only the wall clock
        self.store, self.session_id, self.day = store, session_id, day
        self.items, self.catalogue, self.profile = items, catalogue, profile
        self.speed, self.sound, self.keys = speed, sound, Keys()
        self.timeline: Timeline = build_timeline(items, catalogue, older=slower_moves(profile))
        self.elapsed = 0.0
        self.waited = 0.0  # seconds spent at the step that waits for the person
        self.next_to_record = 0
        self.paused = False
        self.status = "completed"
        self.messages: list[str] = []

    def _record_through(self, elapsed: float) -> None:
        """Record every step that has finished by this moment, in order, each in its own transaction."""
        while (
            self.next_to_record < len(self.timeline.steps) and self.timeline.steps[self.next_to_record].end_s <= elapsed
        ):
            step = self.timeline.steps[self.next_to_record]
            seconds = min(step.seconds, self.waited) if step.waits else step.seconds
            self.store.record_step(self.session_id, step, seconds, "done")
            self.next_to_record += 1
            following = self.timeline.step_at(step.end_s)
            if following is not None:
                # A step to read is read aloud whole; a timed one only by its title.
                self.sound.cue(" ".join((following.title, *following.lines)) if following.waits else following.title)
            if step.kind is StepKind.RELEASE and self._last_step_of_item(step):
                self._pain_check(step)

    def _last_step_of_item(self, step: Step) -> bool:
        return step.item is not None and self.timeline.steps_of_item(step.item)[-1].index == step.index

    def _advance(self, seconds: float) -> None:
        """Move the clock on, but never past the start of a step that waits for the person."""
        step = self.timeline.step_at(self.elapsed)
        if step is not None and step.waits:
            self.waited += seconds / self.speed
            return
        target = self.elapsed + seconds
        for following in self.timeline.steps[step.index + 1 if step else len(self.timeline.steps) :]:
            if following.start_s > target:
                break
            if following.waits:
                target, self.waited = following.start_s, 0.0
                break
        self.elapsed = target

    def _go_on(self, step: Step) -> None:
        """Enter at a step that waits: the person is ready, so it ends now."""
        self.elapsed = step.end_s
        self._record_through(self.elapsed)
        self.waited = 0.0

    def _jump_past_item(self, item: int | None) -> None:
        """Go on with the step after this stretch's last one (the next stretch, or getting up from the floor)."""
        if item is None:
            return
        following = self.timeline.steps_of_item(item)[-1].index + 1
        steps = self.timeline.steps
        self.elapsed = steps[following].start_s if following < len(steps) else self.timeline.total_s
        self.next_to_record = following

    def _pain_check(self, step: Step) -> None:
        assert step.stretch is not None
        self.live.stop()
        out.print(f"How did [bold]{self.catalogue[step.stretch].name}[/] feel? "
                  "[bold]1[/] just a stretch  [bold]2[/] uncomfortable  [bold]3[/] painful")  # fmt: skip
        key = self.keys.wait_for("123q")
        if key == "q":  # no answer is not "fine": record nothing and end here
            self.status = "partial"
            return
        feeling = {"1": "just-a-stretch", "2": "uncomfortable", "3": "painful"}[key]
        if feeling == "painful":
            self._hurt(step, from_check=True)
        else:
            self.store.report_feeling(self.session_id, self.day, step.stretch, feeling)
        if self.status == "completed":
            self.live.start()

    def _hurt(self, step: Step, from_check: bool = False) -> None:
        """Stop the stretch at once; end the session for sharp symptoms; otherwise offer its easier variant."""
        assert step.stretch is not None
        if not from_check:
            self.live.stop()
            self.store.record_step(self.session_id, step, self.elapsed - step.start_s, "stopped")
        out.print(
            "[bold]Stopped.[/] Is it sharp or shooting, running down a leg, or numb or tingling? [bold]y[/]/[bold]n[/]"
        )
        sharp = self.keys.wait_for("yn") == "y"
        self.store.report_feeling(self.session_id, self.day, step.stretch, "sharp" if sharp else "painful")
        if sharp:
            out.print(Panel(SHARP_ADVICE, title="Session ended", border_style="red"))
            self.status = "stopped"
            return
        variant = None
        if not from_check:
            history = self.store.planner_history(self.day)
            offered = Routines(self.catalogue).easier_variant(self.items, step.stretch, self.profile, history,
                                                              self.day)  # fmt: skip
            variant = None if isinstance(offered, Refusal) else offered
        if variant is not None and step.item is not None:
            out.print(f"Try the easier [bold]{variant.name}[/] instead? [bold]y[/]/[bold]n[/]")
            if self.keys.wait_for("yn") == "y":
                # The variant goes in right after the stretch that hurt, so the steps already saved keep their
                # places, and the stored plan says what was really done.
                self.items.insert(step.item + 1, variant)
                self.store.change_plan(self.session_id, {"items": [item_json(i) for i in self.items]})
                self.timeline = build_timeline(self.items, self.catalogue)
                first = self.timeline.steps_of_item(step.item + 1)[0]
                self.elapsed, self.next_to_record = first.start_s, first.index
                self.live.start()
                return
        if from_check:
            out.print("Noted. It will be left out of your plans for the next 14 days.")
            return
        out.print("Skipping it. It will be left out of your plans for the next 14 days.")
        self._jump_past_item(step.item)
        self.live.start()

    def view(self) -> Group:
        step = self.timeline.step_at(self.elapsed)
        parts: list[Any] = []
        if step is None:
            return Group(Text("Done."))
        left = max(0, int(step.end_s - self.elapsed + 0.999))
        title = step.title
        if step.side:
            title += f"  ({step.side} side)"
        if step.rep and step.kind is StepKind.HOLD:
            title += f"  rep {step.rep}"
        grid = Table.grid(padding=(0, 3))
        figure: Any = Text("")
        if step.stretch is not None and step.kind is StepKind.SETUP:
            # While getting into position: where to start, and the goal beside it.
            spec = self.catalogue.figure_of(step.stretch)
            figure = Table.grid(padding=(0, 2))
            figure.add_row(Text("Start like this", style="bold"), Text("Then move to this", style="bold"))
            figure.add_row(Text("\n".join(render_text(spec, columns=24, rows=11, pose="start")), style="bold white"),
                           Text("\n".join(render_text(spec, columns=24, rows=11)), style="cyan"))  # fmt: skip
        elif step.stretch is not None:
            figure = Text("\n".join(render_text(self.catalogue.figure_of(step.stretch))), style="cyan")
        side = Text()
        if not step.waits:  # a step that waits has no countdown: its prompt is below, the width of the screen
            side.append(big_number(left) + "\n\n", style="bold")
        if step.kind is StepKind.HOLD:
            phase, fraction = breath_at(self.elapsed - step.start_s, self.timeline.breaths_per_minute)
            width = int(4 + 24 * (fraction if phase == "in" else 1 - fraction))
            side.append(("breathe in  " if phase == "in" else "breathe out ") + "█" * width + "\n", style="green")
            spoken = [c.text for c in step.cues if c.at_s <= self.elapsed - step.start_s]
            if spoken:
                side.append(spoken[-1] + "\n", style="italic")
        for line in step.lines if step.waits else step.lines[:5]:
            side.append(f"• {line}\n")
        grid.add_row(figure, side)
        parts.append(Panel(grid, title=f"[bold]{title}[/]", subtitle="PAUSED" if self.paused else None))
        footer = Table.grid()
        if step.waits:
            footer.add_row(Text(f"Take your time. {WAIT_PROMPTS[step.kind]}", style="bold green"))
        footer.add_row(ProgressBar(total=self.timeline.total_s, completed=self.elapsed, width=60))
        footer.add_row(Text("Enter go on   space pause/resume   h it hurts   s skip   q quit", style="dim"))
        parts.append(footer)
        return Group(*parts)

    def run(self) -> str:
        last = self.clock()
        with self.keys.raw(), Live(self.view(), console=out, refresh_per_second=8, transient=False) as live:
            self.live = live
            while self.status == "completed" and self.elapsed < self.timeline.total_s:
                key = self.keys.read(0.05)
                now = self.clock()
                if not self.paused:
                    self._advance((now - last) * self.speed)
                # Steps that finished before the key was read are saved first; a pain check's time is not counted.
                self._record_through(self.elapsed)
                last = self.clock()
                if self.status != "completed":
                    break
                step = self.timeline.step_at(min(self.elapsed, self.timeline.total_s - 1e-9))
                if key in ("\r", "\n") and step is not None and step.waits and not self.paused:
                    self._go_on(step)
                    last = self.clock()
                elif key == " ":
                    self.paused = not self.paused
                elif key in ("q", "Q"):
                    self.status = "partial"
                    break
                elif key in ("s", "S") and step is not None and step.item is not None:
                    self.store.record_step(self.session_id, step, self.elapsed - step.start_s, "skipped")
                    self._jump_past_item(step.item)
                    self.waited = 0.0
                elif key in ("h", "H") and step is not None and step.stretch is not None:
                    self._hurt(step)
                    last = self.clock()
                live.update(self.view())
            if self.status == "completed":
                self._record_through(self.timeline.total_s)
        return self.status


def start_command(
    minutes: Annotated[int | None, typer.Option(min=MINUTES_MIN, max=MINUTES_MAX, help="Minutes available.")] = None,
    plan_file: Annotated[Path | None, typer.Option("--plan", help="Follow a plan saved by `plan --json`.")] = None,
    speed: Annotated[float, typer.Option(min=0.1, max=200, help="Run the clock faster (demos and tests).")] = 1.0,
    no_sound: Annotated[bool, typer.Option("--no-sound", help="No spoken cues or bell.")] = False,
    db: DbOption = None,
) -> None:
    """A guided session: move in slowly, hold, breathe, and stop anything that hurts."""
    store = open_store(db)
    today = date.today()
    routines = Routines(load_catalogue())
    found = routines.today(store, today, minutes)
    if isinstance(found, Refusal):
        raise refuse(found)
    profile, catalogue = found.profile, routines.catalogue
    assert isinstance(catalogue, Catalogue)
    if plan_file is not None:
        items = _plan_from_file(plan_file, catalogue)
        problems = routines.check_saved(store, items, profile, store.planner_history(today), today)
        if problems:
            raise fail(f"{plan_file} cannot be followed safely today: " + "; ".join(problems))
    else:
        items = list(found.plan.items)
    if not sys.stdin.isatty():
        raise fail("the guided session needs a terminal to read your keys; use `backstretch plan` to see the routine")
    if not items:
        raise fail("there is no stretch to do today; see `backstretch plan` for why")
    out.print(Panel(Text(DISCLAIMER), title="backstretch", expand=False))
    pain_before = _ask_pain("Before you start: how much pain do you have right now?")
    plan_data: dict[str, object] = {"items": [item_json(i) for i in items]}
    session_id = store.start_session(today, plan_data, pain_before)
    player = Player(store, session_id, today, items, catalogue, profile, speed, Sound(not no_sound))
    status = player.run()
    if status == "completed":
        out.print("[bold green]Well done: that's today's stretching.[/]")
    elif status == "partial":
        out.print("Stopped here. What you did is saved.")
    pain_after = _ask_pain("How much pain do you have now?") if status != "stopped" else None
    note = Prompt.ask("A note on how it felt? [dim](Enter to skip)[/]", default="", show_default=False)
    store.finish_session(session_id, status, pain_after, note)
    ending = session_ending(store, routines, session_id, today)
    if ending is not None:  # the same warm ending as the web page: the week, pain in honest words, tomorrow
        print_ending(out, ending)


def history_command(
    since: Annotated[str | None, typer.Option("--since", help="Only sessions on or after YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Your sessions: what was done, skipped or painful, minutes, pain before and after, notes."""
    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        raise fail(f"--since must look like 2026-11-24, not {since!r}") from None
    sessions = open_store(db).history(start)
    if as_json:
        typer.echo(json.dumps([
            {"id": s.id, "date": s.day.isoformat(), "status": s.status, "minutes": round(s.seconds / 60, 1),
             "done": list(s.done), "skipped": list(s.skipped), "painful": list(s.painful),
             "pain_before": s.pain_before, "pain_after": s.pain_after, "note": s.note}
            for s in sessions
        ], indent=2))  # fmt: skip
        return
    if not sessions:
        out.print("No sessions yet. Start one with `backstretch start`.")
        return
    table = Table()
    for column in ("date", "status", "min", "done", "skipped", "painful", "pain before→after", "note"):
        table.add_column(column)
    for s in sessions:
        pain = f"{'-' if s.pain_before is None else s.pain_before}→{'-' if s.pain_after is None else s.pain_after}"
        table.add_row(s.day.isoformat(), s.status, f"{s.seconds / 60:.1f}", ", ".join(s.done), ", ".join(s.skipped),
                      ", ".join(s.painful), pain, s.note)  # fmt: skip
    out.print(table)
