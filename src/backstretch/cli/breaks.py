"""`backstretch breaks`: desk breaks as desktop notifications, outside the browser.

A small loop in the foreground (a login item starts it with `--install`): in the person's work hours it shows one
chair or standing stretch every 30 to 60 minutes, with Start (opens the break in the web app, starting the app if
it is not running), Snooze and Skip. When a break is due and which stretch it is are decided in core/breaks.py and
app/breaks.py; this module only wires the clock, the notifier and the idle source to them, each injectable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import socket
import subprocess
import sys
import threading
import time as clock_time
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Protocol

import typer

from backstretch.app.breaks import BreakRefused, break_settings, next_stretch
from backstretch.cli import autostart
from backstretch.cli.idle import NOT_KNOWN, UnknownIdle, system_idle
from backstretch.cli.plan import DbOption
from backstretch.cli.stretches import fail, out
from backstretch.core.breaks import SNOOZE_MINUTES, BreakSettings, after_idle, next_break, parse_pause, snooze_until
from backstretch.core.catalogue import Stretch
from backstretch.core.consistency import WEEKDAYS, parse_weekdays
from backstretch.core.reminders import parse_clock, parse_every
from backstretch.library import load_catalogue
from backstretch.optional import BREAKS, MissingPart
from backstretch.store import Store, open_store

TICK_SECONDS = 30.0  # how often the loop looks again: at the clock, the idle time and a pause asked for elsewhere
SERVER_WAIT_SECONDS = 20.0
START, SNOOZE, SKIP = "start", "snooze", "skip"
EVENT_OF = {START: "started", SNOOZE: "snoozed", SKIP: "skipped"}

app = typer.Typer(no_args_is_help=False)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def wait(self, seconds: float, wake: threading.Event) -> None:
        """Return after ``seconds``, or sooner when ``wake`` is set (a button was pressed)."""


class Notifier(Protocol):
    def show(self, title: str, message: str, buttons: Mapping[str, str], answer: Callable[[str], None]) -> None:
        """Show one notification with buttons (action: label); ``answer(action)`` when one is pressed, ``skip``
        when the notification is closed. A new one replaces the one on screen."""

    def close(self) -> None: ...


class IdleSource(Protocol):
    def seconds(self) -> float | None: ...


class NotificationsUnavailable(RuntimeError):
    """This desktop cannot show notifications; the message says why."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now()

    def wait(self, seconds: float, wake: threading.Event) -> None:
        wake.wait(max(0.0, seconds))


@dataclass
class LoopState:
    since: datetime  # when the timer last started
    snoozed_until: datetime | None = None
    last: str | None = None  # the stretch of the last break offered
    before: str | None = None  # ... and of the one before it, so a snooze brings the same stretch back
    showing: str | None = None
    silent: tuple[str, ...] = ()  # why breaks are silent today, said once
    failing: bool = False  # the last notification could not be shown (said once until one can)


@dataclass
class BreakLoop:
    """The notifier's loop: each `step` looks at the time, acts if a break is due, and says how long to wait."""

    store: Store
    catalogue: Mapping[str, Stretch]
    notifier: Notifier
    idle: IdleSource
    clock: Clock
    start_break: Callable[[str], None]  # opens the break in the web app
    say: Callable[[str], None] = print
    state: LoopState = field(init=False)
    actions: queue.SimpleQueue[tuple[str, str]] = field(init=False, default_factory=queue.SimpleQueue)
    wake: threading.Event = field(init=False, default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.state = LoopState(since=self.clock.now())

    def _answer(self, stretch: str) -> Callable[[str], None]:
        def answer(action: str) -> None:
            self.actions.put((action, stretch))
            self.wake.set()

        return answer

    def _act(self, now: datetime) -> None:
        while not self.actions.empty():
            action, stretch = self.actions.get()
            if stretch != self.state.showing or action not in EVENT_OF:
                continue  # an answer to a notification already dealt with: the first answer counts
            self.state.showing = None
            self.store.add_break_event(EVENT_OF[action], stretch, now)
            if action == SNOOZE:
                self.state.snoozed_until, self.state.last = snooze_until(now), self.state.before
            else:
                self.state.since, self.state.snoozed_until = now, None
            if action == START:
                self.start_break(stretch)

    def _withdraw(self) -> None:
        if self.state.showing is not None:
            self.notifier.close()
            self.state.showing = None

    def step(self) -> float:
        """One look at the time; the seconds to wait before the next."""
        now = self.clock.now()
        self._act(now)
        chosen, paused_until = break_settings(self.store)
        if paused_until is not None and paused_until > now:
            self._withdraw()
        since = after_idle(self.state.since, now, self.idle.seconds())
        if since != self.state.since:  # time away counted as a break
            self.state.since, self.state.snoozed_until = since, None
            self._withdraw()
        due = next_break(now, chosen, self.state.since, self.state.snoozed_until, paused_until)
        if due > now:
            return min(TICK_SECONDS, (due - now).total_seconds())
        self._offer(now)
        return TICK_SECONDS

    def _offer(self, now: datetime) -> None:
        snoozed = self.state.snoozed_until is not None
        self.state.since, self.state.snoozed_until = now, None
        try:
            stretch = next_stretch(self.store, self.catalogue, now.date(), self.state.last)
        except BreakRefused as refusal:
            self._withdraw()
            if tuple(refusal.reasons) != self.state.silent:
                self.state.silent = tuple(refusal.reasons)
                self.say("Desk breaks are silent for now: " + " ".join(refusal.reasons))
            return
        if self.state.silent:
            self.state.silent = ()
            self.say("Desk breaks are on again.")
        if not snoozed:
            self.state.before = self.state.last
        self.state.last, self.state.showing = stretch.id, stretch.id
        sides = " on each side" if stretch.per_side else ""
        message = (f"{stretch.name}: hold {stretch.hold_seconds.default} seconds{sides}. {stretch.summary} "
                   "Move slowly and stop if it hurts.")  # fmt: skip
        buttons = {START: "Start", SNOOZE: f"Snooze {SNOOZE_MINUTES} min", SKIP: "Skip"}
        try:
            self.notifier.show("Time for a short desk break", message, buttons, self._answer(stretch.id))
        except NotificationsUnavailable as error:
            self.state.showing = None
            if not self.state.failing:
                self.say(f"Could not show a desktop notification ({error}); trying again at the next break. The "
                         "web app's desk page shows breaks in the browser instead.")  # fmt: skip
            self.state.failing = True
            return
        self.state.failing = False
        self.store.add_break_event("offered", stretch.id, now)

    def run(self) -> None:
        """Until interrupted (Ctrl-C, logging out, or a test's clock running out)."""
        while True:
            self.wake.clear()  # before the step, so an answer that comes during it cuts the wait short
            wait = self.step()
            self.clock.wait(wait, self.wake)


class DesktopNotifications:
    """Native notifications through desktop-notifier (D-Bus on Linux, the Notification Center on macOS, WinRT
    toasts on Windows), on an event loop of their own so button presses arrive while the main loop waits."""

    def __init__(self) -> None:
        try:
            from desktop_notifier import DesktopNotifier
        except ImportError:
            raise MissingPart(BREAKS) from None
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="notifications", daemon=True).start()
        self._notifier = DesktopNotifier(app_name="backstretch")
        # It logs each failure with a traceback; the loop says it once, in words, instead.
        logging.getLogger("desktop_notifier").propagate = False
        self._current: str | None = None

    def _run(self, work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=15)

    def show(self, title: str, message: str, buttons: Mapping[str, str], answer: Callable[[str], None]) -> None:
        from desktop_notifier import Button

        self.close()

        def press(action: str) -> Callable[[], None]:
            return lambda: answer(action)

        pressed = [Button(title=label, on_pressed=press(action)) for action, label in buttons.items()]
        dispatched = threading.Event()
        try:
            current = self._run(self._notifier.send(title, message, buttons=pressed, on_dispatched=dispatched.set,
                                                    on_clicked=lambda: answer(START),
                                                    on_dismissed=lambda: answer(SKIP)))  # fmt: skip
        except Exception as error:  # the notifier's own thread stopped or timed out
            raise NotificationsUnavailable(str(error) or type(error).__name__) from None
        if not dispatched.is_set():  # desktop-notifier logs a failure rather than raising it
            raise NotificationsUnavailable("no notification service answered")
        self._current = current

    def close(self) -> None:
        if self._current is not None:
            current, self._current = self._current, None
            with contextlib.suppress(Exception):  # a notification the desktop already removed
                self._run(self._notifier.clear(current))


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def web_opener(port: int, db: str | None, say: Callable[[str], None]) -> Callable[[str], None]:
    """Start: open /desk?break=<stretch> in the browser, first starting the web app (detached, so it outlives this
    loop) when nothing listens on the port."""

    def start_break(stretch: str) -> None:
        if not _listening(port):
            argv = [sys.executable, "-m", "backstretch", "serve", "--port", str(port), *(["--db", db] if db else [])]
            # On Windows: a new process group, detached from this console (CREATE_NEW_PROCESS_GROUP, DETACHED_PROCESS).
            detached: dict[str, Any] = ({"creationflags": 0x00000200 | 0x00000008} if sys.platform == "win32"
                                        else {"start_new_session": True})  # fmt: skip
            subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             **detached)  # fmt: skip
            deadline = clock_time.monotonic() + SERVER_WAIT_SECONDS
            while not _listening(port) and clock_time.monotonic() < deadline:
                clock_time.sleep(0.25)
            if not _listening(port):
                say(f"The web app did not start on port {port}; start it with `backstretch serve --port {port}`.")
                return
        webbrowser.open(f"http://127.0.0.1:{port}/desk?break={stretch}")

    return start_break


# What `breaks` runs with; tests put stand-ins here.
def make_notifier() -> Notifier:
    return DesktopNotifications()


def make_clock() -> Clock:
    return SystemClock()


def make_idle() -> IdleSource:
    return system_idle()


def make_opener(port: int, db: str | None, say: Callable[[str], None]) -> Callable[[str], None]:
    return web_opener(port, db, say)


def _say(text: str) -> None:
    out.print(text, markup=False, highlight=False)


def _chosen(store: Store, every: str | None, from_: str | None, to: str | None, days: str | None) -> BreakSettings:
    """The stored choice, changed by the options given (and stored again, so the web page follows)."""
    chosen, _ = break_settings(store)
    if every is None and from_ is None and to is None and days is None:
        return chosen
    try:
        changed = BreakSettings(
            parse_every(every) if every is not None else chosen.every,
            parse_clock(from_) if from_ is not None else chosen.start,
            parse_clock(to) if to is not None else chosen.end,
            parse_weekdays(days) if days is not None else chosen.days,
        )
    except ValueError as error:
        raise fail(str(error)) from None
    store.save_break_settings(changed)
    return changed


def _describe(s: BreakSettings) -> str:
    days = "every day" if len(s.days) == 7 else ", ".join(WEEKDAYS[d] for d in sorted(s.days))
    return f"every {s.every} minutes from {s.start:%H:%M} to {s.end:%H:%M}, {days}"


@app.callback(invoke_without_command=True)
def breaks_command(
    ctx: typer.Context,
    every: Annotated[str | None, typer.Option("--every", help="Time between breaks: 30m to 60m, like 45m.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Start of your work hours, like 09:00.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="End of your work hours, like 17:00.")] = None,
    work_days: Annotated[str | None, typer.Option("--work-days", help="Work days, like mon,tue,wed,thu,fri.")] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port of the web app that Start opens.")] = 8000,
    install: Annotated[bool, typer.Option("--install", help="Start desk breaks whenever you log in.")] = False,
    uninstall: Annotated[bool, typer.Option("--uninstall", help="Stop starting them at login.")] = False,
    db: DbOption = None,
) -> None:
    """Desk breaks as desktop notifications: in your work hours, every 30 to 60 minutes, one chair or standing
    stretch that suits you. Runs until you stop it (Ctrl-C); the hours are the ones the web app's desk page uses,
    and the options here change them for both. Quiet while your safety answers say not to stretch, during a pause
    (`backstretch breaks pause 1h`) and after time away from the computer, which counts as a break."""
    if ctx.invoked_subcommand is not None:
        return
    if install and uninstall:
        raise fail("--install and --uninstall go one at a time")
    try:
        if install:
            _say(autostart.install(autostart.command(db)))
            return
        if uninstall:
            _say(autostart.uninstall())
            return
    except autostart.AutostartError as error:
        raise fail(str(error)) from None
    store = open_store(db)
    chosen = _chosen(store, every, from_, to, work_days)
    notifier = make_notifier()
    idle = make_idle()
    loop = BreakLoop(store, load_catalogue(), notifier, idle, make_clock(), make_opener(port, db, _say), _say)
    _say(f"Desk breaks are on: {_describe(chosen)}. Ctrl-C stops them.")
    if isinstance(idle, UnknownIdle):
        _say(NOT_KNOWN)
    try:
        loop.run()
    except KeyboardInterrupt:
        notifier.close()
        _say("Desk breaks stopped.")


@app.command("pause")
def pause_command(
    length: Annotated[str, typer.Argument(help="How long: 1h, 30m, or tomorrow.")],
    db: DbOption = None,
) -> None:
    """Pause desk breaks (for a meeting, say): the running notifier sees it within half a minute."""
    now = make_clock().now()
    try:
        until = parse_pause(length, now)
    except ValueError as error:
        raise fail(str(error)) from None
    open_store(db).pause_breaks(until)
    when = f"{until:%H:%M}" if until.date() == now.date() else f"{until:%A} at {until:%H:%M}"
    _say(f"Desk breaks are paused until {when}. `backstretch breaks resume` starts them again sooner.")


@app.command("resume")
def resume_command(db: DbOption = None) -> None:
    """End a pause now (the next break comes a full interval later)."""
    open_store(db).pause_breaks(make_clock().now())
    _say("Desk breaks are on again.")
