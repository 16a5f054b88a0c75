"""Calendar reminders through the real command line, read back the way a calendar app would read them."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from backstretch.core.catalogue import Catalogue
from backstretch.core.planner import allowed_reason
from backstretch.core.profile import Profile
from backstretch.core.reminders import (
    BREAK_MINUTES,
    EVERY_MAX,
    EVERY_MIN,
    break_times,
    desk_breaks,
    desk_rotation,
    first_day,
    parse_every,
)
from backstretch.core.vocab import Position
from backstretch.library import load_catalogue
from tests.helpers import backstretch
from tests.plain_words import problems

START = "2026-11-24"  # a Tuesday
SHOW = re.compile(r"http://127\.0\.0\.1:8000/library/([a-z0-9-]+)")  # the stretch's page, at the local address


def error_of(result: subprocess.CompletedProcess[str]) -> str:
    """The error message with Rich's wrapping at the console width undone."""
    assert result.returncode == 2 and "Traceback" not in result.stderr
    return " ".join(result.stderr.split())


def read(path: Path) -> tuple[Any, list[Any]]:
    """The daily event (or None) and the desk breaks in time order."""
    calendar = Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    daily = [e for e in events if str(e["summary"]).startswith("Stretch for your back")]
    breaks = sorted((e for e in events if str(e["summary"]).startswith("Desk break")), key=lambda e: e.start)
    assert len(daily) + len(breaks) == len(events)
    return (daily[0] if daily else None), breaks


def days_of(event: Any) -> list[str]:
    rule = event["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    return list(rule["BYDAY"])


def alarm_at_start(event: Any) -> bool:
    alarms = list(event.walk("VALARM"))
    return len(alarms) == 1 and alarms[0]["action"] == "DISPLAY" and alarms[0].decoded("trigger") == timedelta(0)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The built-in library only: module fixtures run before the per-test data folder exists."""
    return load_catalogue(tmp_path_factory.mktemp("no-own-stretches"))


@pytest.fixture(scope="module")
def desk_ids(catalogue: Catalogue) -> set[str]:
    return {
        sid for sid, s in catalogue.items() if s.desk_friendly and s.position in (Position.CHAIR, Position.STANDING)
    }


def test_daily_stretch_and_desk_breaks_read_back(tmp_path: Path, catalogue: Catalogue, desk_ids: set[str]) -> None:
    ics = tmp_path / "me.ics"
    result = backstretch("remind", "--at", "07:30", "--days", "mon,wed,fri", "--desk-breaks", "--every", "45m",
                         "--from", "09:00", "--to", "17:00", "--start", START, "--ics", ics)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout
    daily, breaks = read(ics)

    # The first day must be one the rule names: Tuesday the 24th is not, so it starts on Wednesday the 25th.
    assert daily.start == datetime(2026, 11, 25, 7, 30) and daily.start.tzinfo is None  # floating local time
    assert daily.end - daily.start == timedelta(minutes=8)  # no profile: 8 minutes
    assert str(daily["summary"]) == "Stretch for your back (8 min)"
    assert days_of(daily) == ["MO", "WE", "FR"]
    assert "General advice, not a diagnosis" in str(daily["description"])
    # It opens Today at the address `backstretch serve` uses, named in the words too (not every app shows the link).
    assert str(daily["url"]) == "http://127.0.0.1:8000/today" and str(daily["url"]) in str(daily["description"])
    assert alarm_at_start(daily)

    # 09:00 to 17:00 every 45 min: the first break 45 min after 09:00, then every 45 min while a 2-minute break
    # still ends by 17:00. 09:45 + 9 x 45 min = 16:30 is the last; the next, 17:15, is past the end: 10 breaks.
    assert len(breaks) == 10
    expected = [datetime(2026, 11, 25, 9, 45) + n * timedelta(minutes=45) for n in range(10)]
    assert [b.start for b in breaks] == expected
    ids = []
    for b in breaks:
        assert b.start.tzinfo is None
        assert timedelta(0) < b.end - b.start <= timedelta(minutes=2)
        assert days_of(b) == ["MO", "WE", "FR"]  # --days applies to desk breaks too when --work-days is absent
        assert alarm_at_start(b)
        assert str(b["url"]) == "http://127.0.0.1:8000/desk" and str(b["url"]) in str(b["description"])
        text = str(b["description"])
        found = SHOW.findall(text)
        assert len(found) == 1 and found[0] in desk_ids
        stretch = catalogue[found[0]]
        assert stretch.name in text and stretch.summary in text and f"{stretch.hold_seconds.default} s" in text
        assert not re.search(r"reliev|relief|cure|pain[- ]free", text, re.IGNORECASE)
        ids.append(found[0])
    assert all(a != b for a, b in itertools.pairwise(ids))
    assert len({str(e["uid"]) for e in [daily, *breaks]}) == 11


def test_same_options_give_the_same_bytes_on_file_and_stdout(tmp_path: Path) -> None:
    args = ("remind", "--at", "18:15", "--desk-breaks", "--every", "1h", "--start", START)
    folder = tmp_path / "calendars"
    folder.mkdir()
    first, second = folder / "a.ics", folder / "b.ics"
    assert backstretch(*args, "--ics", first).returncode == 0
    assert backstretch(*args, "--ics", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    # Read as bytes: the text-mode helper would turn the CRLF line ends RFC 5545 requires into plain newlines.
    printed = subprocess.run(
        [sys.executable, "-m", "backstretch", *args, "--ics", "-"], capture_output=True, timeout=60
    )
    assert printed.returncode == 0 and printed.stdout == first.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["a.ics", "b.ics"]  # no temporary files left behind


def test_profile_sets_length_and_days_and_rules_out_stretches(tmp_path: Path, catalogue: Catalogue) -> None:
    me = tmp_path / "me.toml"
    me.write_text('minutes = 12\nstretch_days = ["tue", "thu", "sat"]\nconditions = ["osteoporosis"]\n'
                  'equipment = ["chair"]\n')  # fmt: skip
    assert backstretch("profile", "--from", me).returncode == 0
    ics = tmp_path / "me.ics"
    result = backstretch("remind", "--at", "06:00", "--desk-breaks", "--every", "30", "--start", START, "--ics", ics)
    assert result.returncode == 0, result.stderr
    daily, breaks = read(ics)
    assert str(daily["summary"]) == "Stretch for your back (12 min)"
    assert daily.end - daily.start == timedelta(minutes=12)
    assert days_of(daily) == ["TU", "TH", "SA"] and daily.start == datetime(2026, 11, 24, 6, 0)
    # 09:00 to 17:00 every 30 min: 09:30 to 16:30 is 15 breaks; one at 17:00 would run past the end.
    assert len(breaks) == 15 and breaks[-1].start.time() == time(16, 30)
    person = Profile.model_validate({"conditions": ["osteoporosis"], "equipment": ["chair"]})
    for b in breaks:
        assert days_of(b) == ["MO", "TU", "WE", "TH", "FR"]  # desk breaks default to the working week
        assert allowed_reason(catalogue[SHOW.findall(str(b["description"]))[0]], person, desk=True) is None


@pytest.mark.parametrize(
    ("every", "window", "count"),
    [("60", ("09:00", "17:00"), 7), ("1h", ("08:30", "12:00"), 3), ("30m", ("13:00", "13:32"), 1)],
)
def test_every_forms_and_counts(tmp_path: Path, every: str, window: tuple[str, str], count: int) -> None:
    # 09:00-17:00 hourly: 10:00 to 16:00 (17:00 is the end itself). 08:30-12:00: 09:30, 10:30, 11:30.
    # 13:00-13:32 every 30: 13:30 just fits, since its 2 minutes end at 13:32.
    ics = tmp_path / "b.ics"
    result = backstretch("remind", "--desk-breaks", "--every", every, "--from", window[0], "--to", window[1],
                         "--work-days", "sat", "--start", START, "--ics", ics)  # fmt: skip
    assert result.returncode == 0, result.stderr
    daily, breaks = read(ics)
    assert daily is None and len(breaks) == count
    assert all(days_of(b) == ["SA"] and b.start.date() == date(2026, 11, 28) for b in breaks)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--at", "25:00"), "'25:00' is not a time"),
        (("--at", "7.30"), "'7.30' is not a time"),
        (("--at", "07:30", "--days", "mon,funday"), "unknown day 'funday'"),
        (("--desk-breaks", "--from", "17:00", "--to", "09:00"), "must start before it ends"),
        (("--desk-breaks", "--every", "20m"), "every 30 to 60 minutes, not 20"),
        (("--desk-breaks", "--every", "2h"), "every 30 to 60 minutes, not 120"),
        (("--desk-breaks", "--every", "soon"), "not a length of time"),
        (("--desk-breaks", "--from", "09:00", "--to", "09:20"), "no desk break fits"),
        (("--at", "07:30", "--every", "45m"), "--every only apply to desk breaks"),
        (("--at", "07:30", "--start", "24/11/2026"), "--start must look like"),
        ((), "nothing to remind you of"),
    ],
)
def test_bad_input_is_one_clear_line_and_no_file(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    ics = tmp_path / "me.ics"
    error = error_of(backstretch("remind", *args, "--ics", ics))
    assert error.startswith("Error:") and message in error, error
    if "every 30 to 60" in message:
        assert "McLean et al. 2001" in error and "D1" not in error  # where the limit comes from, in readable words
    assert list(tmp_path.iterdir()) == []


def test_unwritable_target_is_an_error(tmp_path: Path) -> None:
    for target, message in ((tmp_path / "missing" / "me.ics", "does not exist"), (tmp_path, "is a folder")):
        assert message in error_of(backstretch("remind", "--at", "07:30", "--ics", target))
    assert list(tmp_path.iterdir()) == []


def unfold(raw: bytes) -> list[tuple[str, str]]:
    """A second reading, by hand and by the RFC: lines end in CRLF, are at most 75 octets, and fold with a space."""
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and len(line) <= 75 for line in lines)
    text = b"\r\n".join(lines[:-1]).replace(b"\r\n ", b"").decode()
    found = []
    for line in text.split("\r\n"):
        name, _, value = line.partition(":")
        found.append((name, value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")))
    return found


def test_file_follows_the_rfc_by_hand(tmp_path: Path) -> None:
    ics = tmp_path / "me.ics"
    days = ("--days", "sun", "--work-days", "tue")
    result = backstretch("remind", "--at", "21:05", *days, "--desk-breaks", "--start", START, "--ics", ics)
    assert result.returncode == 0, result.stderr
    lines = unfold(ics.read_bytes())
    assert lines[0] == ("BEGIN", "VCALENDAR") and lines[-1] == ("END", "VCALENDAR")
    assert ("VERSION", "2.0") in lines and any(name == "PRODID" for name, _ in lines)
    events = lines.count(("BEGIN", "VEVENT"))
    assert events == 1 + 10 and lines.count(("BEGIN", "VALARM")) == events
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "RRULE", "SUMMARY"):
        assert sum(n == name for n, _ in lines) == events, name
    assert sum(n == "DESCRIPTION" for n, _ in lines) == 2 * events  # the event's, and its alarm's
    assert all(value.endswith("Z") for name, value in lines if name == "DTSTAMP")  # DTSTAMP must be UTC
    starts = [value for name, value in lines if name == "DTSTART"]
    assert starts[0] == "20261129T210500"  # Sunday the 29th, no TZID, no Z: floating
    assert starts[1:] == [f"20261124T{h:02d}{m:02d}00" for h, m in (divmod(585 + 45 * n, 60) for n in range(10))]
    # Every first day is one of its rule's days, so a calendar cannot show an extra occurrence.
    for start, (_, rule) in zip(starts, [(n, v) for n, v in lines if n == "RRULE"], strict=True):
        day = datetime.strptime(start, "%Y%m%dT%H%M%S").weekday()
        assert ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day] in rule.split("BYDAY=")[1].split(",")


times_of_day = st.integers(0, 24 * 60 - 1).map(lambda m: time(*divmod(m, 60)))


@settings(max_examples=300, deadline=None)
@given(start=times_of_day, end=times_of_day, every=st.integers(EVERY_MIN, EVERY_MAX))
def test_desk_breaks_stay_in_the_window_and_keep_their_spacing(
    catalogue: Catalogue, start: time, end: time, every: int
) -> None:
    def minute(t: time) -> int:
        return t.hour * 60 + t.minute

    if minute(start) >= minute(end) or minute(start) + every + BREAK_MINUTES > minute(end):
        with pytest.raises(ValueError):
            break_times(start, end, every)
        return
    times = break_times(start, end, every)
    at = [minute(t) for t in times]
    assert at[0] == minute(start) + every
    assert all(b - a == every for a, b in itertools.pairwise(at))
    assert all(minute(start) < m and m + BREAK_MINUTES <= minute(end) for m in at)
    assert at[-1] + every + BREAK_MINUTES > minute(end)  # no room left for one more
    events = desk_breaks(
        times, frozenset({0, 2}), date(2026, 11, 24), desk_rotation(list(catalogue.values())), "http://127.0.0.1:8000"
    )
    assert all(e.minutes <= 2 and e.first.date() == date(2026, 11, 25) for e in events)
    assert all(a.stretch_id != b.stretch_id for a, b in itertools.pairwise(events))


def test_rotation_uses_every_desk_stretch_once(catalogue: Catalogue, desk_ids: set[str]) -> None:
    rotation = desk_rotation(list(catalogue.values()))
    assert sorted(s.id for s in rotation) == sorted(desk_ids)
    assert rotation[0].regions.primary[0].value == "neck"  # the usual office targets lead


@given(st.integers(0, 200), st.sampled_from(["{}", "{}m", "{}min", "{} minutes"]))
def test_every_accepts_only_30_to_60_minutes(minutes: int, form: str) -> None:
    if EVERY_MIN <= minutes <= EVERY_MAX:
        assert parse_every(form.format(minutes)) == minutes
    else:
        with pytest.raises(ValueError, match="30 to 60"):
            parse_every(form.format(minutes))


def test_first_day_matches_the_rule() -> None:
    assert first_day(date(2026, 11, 24), frozenset({1})) == date(2026, 11, 24)
    assert first_day(date(2026, 11, 24), frozenset({0})) == date(2026, 11, 30)


@pytest.mark.parametrize("configured", ["", "https://stretch.clinic.example/"])
def test_the_web_calendar_links_to_the_address_the_app_is_opened_at_or_the_configured_one(
    configured: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from backstretch.web.app import create_app

    monkeypatch.setenv("BACKSTRETCH_BASE_URL", configured)
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'web.sqlite3'}"), base_url="http://testserver:8123")
    answer = client.get("/settings/reminders.ics", params={"at": "07:30", "days": ["mon"], "desk_breaks": "true",
                                                           "work_days": ["tue"]})  # fmt: skip
    assert answer.status_code == 200, answer.text
    base = configured.rstrip("/") or "http://testserver:8123"
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert [str(e["url"]) for e in events] == [f"{base}/today"] + [f"{base}/desk"] * (len(events) - 1)
    assert all(str(e["url"]) in str(e["description"]) and problems(str(e["description"])) == [] for e in events)


def test_a_base_url_that_is_not_a_web_address_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRETCH_BASE_URL", "stretch.clinic.example")
    result = backstretch("remind", "--at", "07:30", "--ics", "-")
    assert result.returncode == 2 and "BACKSTRETCH_BASE_URL" in result.stderr and "https://" in result.stderr
    assert "Traceback" not in result.stderr
