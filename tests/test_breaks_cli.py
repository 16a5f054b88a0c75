"""`backstretch breaks` through the real command line and a real database, with a notification backend that
records what it is asked to show and presses buttons as a test tells it, and a clock the test moves: a day of work
passes in a moment."""

from __future__ import annotations

import plistlib
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from backstretch.app.breaks import break_history
from backstretch.cli import autostart, breaks
from backstretch.cli.idle import parse_ioreg, parse_mutter, parse_xprintidle
from backstretch.cli.main import app
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.library import load_catalogue
from backstretch.optional import MissingPart
from backstretch.store import Store, open_store
from backstretch.store.progress import progress_of
from backstretch.web.app import create_app

TODAY = date.today()
MORNING = datetime.combine(TODAY, time(8, 0))
ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"


@dataclass
class Shown:
    at: datetime
    title: str
    message: str
    buttons: Mapping[str, str]


@dataclass
class FakeClock:
    """Moves on by whatever the loop waits; at ``end`` it stops the loop as Ctrl-C would. ``at`` runs a test's
    action (a pause from another terminal, say) once the clock reaches its time."""

    now_: datetime
    end: datetime
    at: dict[datetime, Callable[[], None]] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.now_

    def wait(self, seconds: float, wake: threading.Event) -> None:
        if wake.is_set():
            return
        self.now_ += timedelta(seconds=seconds)
        for when in sorted(w for w in self.at if w <= self.now_):
            self.at.pop(when)()
        if self.now_ >= self.end:
            raise KeyboardInterrupt


@dataclass
class FakeNotifier:
    clock: FakeClock
    press: Callable[[int, Shown], str | None] = lambda n, shown: None  # which button to press, if any
    shown: list[Shown] = field(default_factory=list)
    closed: int = 0

    def show(self, title: str, message: str, buttons: Mapping[str, str], answer: Callable[[str], None]) -> None:
        note = Shown(self.clock.now(), title, message, buttons)
        self.shown.append(note)
        action = self.press(len(self.shown) - 1, note)
        if action is not None:
            answer(action)

    def close(self) -> None:
        self.closed += 1


@dataclass
class FakeIdle:
    clock: FakeClock
    away: tuple[datetime, datetime] | None = None  # no input between these times

    def seconds(self) -> float | None:
        now = self.clock.now()
        if self.away and self.away[0] <= now < self.away[1]:
            return (now - self.away[0]).total_seconds()
        return 0.0


@dataclass
class Desk:
    url: str
    store: Store
    clock: FakeClock
    notifier: FakeNotifier
    idle: FakeIdle
    opened: list[str]

    def run(self, *args: str) -> str:
        result = CliRunner().invoke(app, ["breaks", *args, "--db", self.url])
        assert result.exit_code == 0, result.output
        return result.output

    def times(self) -> list[str]:
        return [f"{s.at:%a %H:%M}" for s in self.notifier.shown]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    url = f"sqlite:///{tmp_path / 'breaks.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile())
    store.add_screening(Screening(TODAY, {q.id: False for q in QUESTIONS}))
    clock = FakeClock(MORNING, MORNING + timedelta(hours=11))
    desk = Desk(url, store, clock, FakeNotifier(clock), FakeIdle(clock), [])
    monkeypatch.setattr(breaks, "make_clock", lambda: clock)
    monkeypatch.setattr(breaks, "make_notifier", lambda: desk.notifier)
    monkeypatch.setattr(breaks, "make_idle", lambda: desk.idle)
    monkeypatch.setattr(breaks, "make_opener", lambda port, db, say: desk.opened.append)
    yield desk


def _day(hour: int, minute: int = 0) -> str:
    return f"{datetime.combine(TODAY, time(hour, minute)):%a %H:%M}"


def test_breaks_come_every_interval_inside_work_hours_and_never_outside(desk: Desk) -> None:
    out = desk.run("--every", "45m", "--from", "09:00", "--to", "12:00", "--work-days", ALL_DAYS)
    assert "Desk breaks are on: every 45 minutes from 09:00 to 12:00, every day." in out
    assert "Desk breaks stopped." in out
    assert desk.times() == [_day(9, 45), _day(10, 30), _day(11, 15)], "none before 09:00 or after 12:00"
    first = desk.notifier.shown[0]
    assert first.title == "Time for a short desk break"
    assert list(first.buttons.values()) == ["Start", "Snooze 10 min", "Skip"]
    assert "stop if it hurts" in first.message
    catalogue = load_catalogue()
    names = [s.message.split(":")[0] for s in desk.notifier.shown]
    assert len(set(names)) == 3, "consecutive breaks differ"
    assert all(catalogue[s].desk_friendly for s in catalogue if catalogue[s].name in names)
    # The hours are stored: the web app's desk page shows the same choice.
    client = TestClient(create_app(desk.url))
    assert client.get("/api/desk/settings").json() == {
        "every": 45,
        "from": "09:00",
        "to": "12:00",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }


def test_no_break_on_a_day_off(desk: Desk) -> None:
    day_off = (TODAY.weekday() + 1) % 7
    desk.run(
        "--every",
        "30m",
        "--work-days",
        ",".join(
            d
            for n, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
            if n != TODAY.weekday() and n != day_off
        )
        or "mon",
    )
    assert desk.notifier.shown == []


def test_snooze_brings_the_same_stretch_back_in_ten_minutes_and_skip_waits_a_full_interval(desk: Desk) -> None:
    desk.clock.end = datetime.combine(TODAY, time(10, 30))
    desk.notifier.press = lambda n, shown: {0: "snooze", 1: "skip"}.get(n)
    desk.run("--every", "30m", "--work-days", ALL_DAYS)
    assert desk.times() == [_day(9, 30), _day(9, 40), _day(10, 10)]
    first, again, third = desk.notifier.shown
    assert again.message == first.message, "the snoozed break comes back as it was"
    assert third.message != first.message
    assert [p.snoozed for p in break_history(desk.store, TODAY)] == [1, 1]
    assert [p.skipped for p in break_history(desk.store, TODAY)] == [1, 1]
    assert break_history(desk.store, TODAY)[0].offered == 3


def test_a_pause_holds_and_resume_ends_it(desk: Desk) -> None:
    desk.clock.end = datetime.combine(TODAY, time(13, 0))
    desk.clock.at[datetime.combine(TODAY, time(9, 10))] = lambda: desk.run("pause", "1h")
    desk.clock.at[datetime.combine(TODAY, time(11, 0))] = lambda: desk.run("pause", "tomorrow")
    desk.clock.at[datetime.combine(TODAY, time(11, 50))] = lambda: desk.run("resume")
    desk.run("--every", "30m", "--work-days", ALL_DAYS)
    # Paused 09:10 to 10:10, then a full interval; paused again from 11:00 until resumed at 11:50.
    assert desk.times() == [_day(10, 40), _day(12, 20), _day(12, 50)]


def test_the_pause_command_says_until_when(desk: Desk) -> None:
    assert "paused until 09:00" in desk.run("pause", "1h")
    assert "paused until" in desk.run("pause", "tomorrow") and "at 00:00" in desk.run("pause", "tomorrow")
    result = CliRunner().invoke(app, ["breaks", "pause", "soon", "--db", desk.url])
    assert result.exit_code == 2 and "say 1h, 30m or tomorrow" in result.output


def test_time_away_from_the_computer_resets_the_timer(desk: Desk) -> None:
    desk.clock.end = datetime.combine(TODAY, time(10, 30))
    desk.idle.away = (datetime.combine(TODAY, time(9, 15)), datetime.combine(TODAY, time(9, 40)))
    desk.run("--every", "30m", "--work-days", ALL_DAYS)
    assert desk.times() == [_day(10, 9)], "30 minutes after coming back, not at 09:30"


def test_a_break_started_from_the_notification_opens_the_web_app_and_counts_toward_the_day(desk: Desk) -> None:
    desk.clock.end = datetime.combine(TODAY, time(9, 45))
    desk.notifier.press = lambda n, shown: "start"
    desk.run("--every", "30m", "--work-days", ALL_DAYS)
    assert len(desk.opened) == 1
    stretch = desk.opened[0]
    assert not progress_of(desk.store, TODAY).days, "offered and started, not done yet"
    # The person does the break on the page Start opened, which saves it.
    client = TestClient(create_app(desk.url))
    assert client.get(f"/api/desk/breaks/{stretch}").json()["stretch"] == stretch
    assert client.post("/api/desk/breaks", json={"stretch": stretch, "seconds": 30}).status_code == 201
    assert [d.on for d in progress_of(desk.store, TODAY).days] == [TODAY]
    week, month = break_history(desk.store, TODAY)
    assert (week.offered, week.started, week.done, week.sessions) == (1, 1, 1, 0)
    assert (month.started, month.done) == (1, 1)
    shown = CliRunner().invoke(app, ["progress", "--db", desk.url])
    assert "Desk breaks and sessions" in shown.output
    rows = {line.split("│")[1].strip(): line.split("│")[2:-1] for line in shown.output.splitlines() if "Last" in line}
    assert [int(n) for n in rows["Last 7 days"]] == [0, 1, 1, 1, 0, 0], shown.output


def test_silent_while_the_safety_answers_flag_something(desk: Desk) -> None:
    flagged = Screening(TODAY, {q.id: q is QUESTIONS[0] for q in QUESTIONS})
    desk.store.add_screening(flagged)
    out = desk.run("--every", "30m", "--work-days", ALL_DAYS)
    assert desk.notifier.shown == []
    assert out.count("Desk breaks are silent for now") == 1, "said once, not at every break"
    assert break_history(desk.store, TODAY)[0].offered == 0


def test_bad_hours_are_refused_in_words(desk: Desk) -> None:
    for args, words in ((["--every", "20m"], "every 30 to 60 minutes"), (["--from", "9am"], "24-hour clock"),
                        (["--from", "16:00", "--to", "16:30"], "widen your work hours")):  # fmt: skip
        result = CliRunner().invoke(app, ["breaks", *args, "--db", desk.url])
        assert result.exit_code == 2 and words in result.output, result.output
    assert desk.notifier.shown == []


def test_install_and_uninstall_an_xdg_autostart_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the XDG autostart entry is made on Linux; other platforms' entries are checked as text below")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    runner = CliRunner()
    made = runner.invoke(app, ["breaks", "--install"])
    entry = tmp_path / "config" / "autostart" / "backstretch-breaks.desktop"
    assert made.exit_code == 0 and str(entry) in made.output.replace("\n", "")
    text = entry.read_text()
    assert text.startswith("[Desktop Entry]\nType=Application\n")
    exec_line = re.search(r"^Exec=(.*)$", text, re.M)
    assert exec_line and exec_line[1].endswith("-m backstretch breaks") and sys.executable in exec_line[1]
    removed = runner.invoke(app, ["breaks", "--uninstall"])
    assert removed.exit_code == 0 and not entry.exists()
    again = runner.invoke(app, ["breaks", "--uninstall"])
    assert again.exit_code == 0 and "were not set to start at login" in again.output


def test_the_entries_for_macos_and_windows_and_a_clear_no_elsewhere(tmp_path: Path) -> None:
    argv = autostart.command("sqlite:///C:/my data/b.db", "darwin", "/usr/local/bin/python3")
    agent = plistlib.loads(autostart.launch_agent(argv))
    assert agent["ProgramArguments"] == ["/usr/local/bin/python3", "-m", "backstretch", "breaks", "--db",
                                         "sqlite:///C:/my data/b.db"]  # fmt: skip
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] is False and agent["Label"] == "org.backstretch.breaks"
    assert autostart.entry_path("darwin", tmp_path) == tmp_path / "Library/LaunchAgents/org.backstretch.breaks.plist"
    python = tmp_path / "Python" / "python.exe"
    python.parent.mkdir()
    (python.parent / "pythonw.exe").write_text("")
    windows = autostart.command(None, "win32", str(python))
    assert windows[0].endswith("pythonw.exe"), "no console window at sign-in"
    assert (
        autostart.run_value([r"C:\Program Files\Python\pythonw.exe", "-m", "backstretch", "breaks"])
        == r'"C:\Program Files\Python\pythonw.exe" -m backstretch breaks'
    )
    desktop = autostart.desktop_entry(["/home/a b/venv/bin/python", "-m", "backstretch", "breaks"])
    assert 'Exec="/home/a b/venv/bin/python" -m backstretch breaks\n' in desktop
    with pytest.raises(autostart.AutostartError, match="not set up for this system"):
        autostart.install(argv, "haiku1")


def test_idle_time_read_from_each_platform_s_answer() -> None:
    assert parse_xprintidle("301234\n") == pytest.approx(301.234)
    assert parse_xprintidle("couldn't open display") is None
    assert parse_ioreg('    |   "HIDIdleTime" = 7000000000\n') == pytest.approx(7.0)
    assert parse_mutter("(uint64 4500,)\n") == pytest.approx(4.5)
    assert parse_mutter("Error: no such name") is None


def test_a_desktop_that_shows_no_notification_is_told_once_and_the_loop_goes_on(desk: Desk) -> None:
    def refuse(n: int, shown: Shown) -> str | None:
        raise breaks.NotificationsUnavailable("no notification service answered")

    desk.notifier.press = refuse
    out = desk.run("--every", "30m", "--work-days", ALL_DAYS)
    assert out.count("Could not show a desktop notification (no notification service answered)") == 1
    assert len(desk.notifier.shown) == 15, "tried at every break, 09:30 to 16:30"
    assert break_history(desk.store, TODAY)[0].offered == 0, "none counted as offered"


def test_without_the_breaks_extra_it_says_what_to_install(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(breaks, "make_notifier", breaks.DesktopNotifications)
    monkeypatch.setitem(sys.modules, "desktop_notifier", None)  # as if not installed: importing it fails
    result = CliRunner().invoke(app, ["breaks", "--db", desk.url])
    assert isinstance(result.exception, MissingPart)
    assert str(result.exception) == ("Desk breaks as desktop notifications needs backstretch's breaks extra: "
                                     "pip install 'backstretch[breaks]'")  # fmt: skip
