"""The desk-break schedule's rules, for every input: never outside work hours, never during a pause, a full
30 to 60 minutes between breaks, a snooze of ten minutes, and time away counting as a break."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from backstretch.core.breaks import (
    IDLE_MINUTES,
    BreakSettings,
    after_idle,
    in_work_hours,
    next_break,
    parse_pause,
    snooze_until,
)
from backstretch.core.reminders import BREAK_MINUTES, EVERY_MAX, EVERY_MIN

MONDAY = datetime(2030, 1, 7)


@st.composite
def work_settings(draw: st.DrawFn) -> BreakSettings:
    every = draw(st.integers(EVERY_MIN, EVERY_MAX))
    start = draw(st.integers(0, 23 * 60 - every - BREAK_MINUTES))
    end = draw(st.integers(start + every + BREAK_MINUTES, 24 * 60 - 1))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return BreakSettings(every, time(*divmod(start, 60)), time(*divmod(end, 60)), days)


moments = st.datetimes(min_value=MONDAY, max_value=MONDAY + timedelta(days=21)).map(lambda d: d.replace(microsecond=0))


@given(work_settings(), moments, moments, st.none() | moments, st.none() | moments)
def test_a_break_is_never_outside_work_hours_nor_in_the_past(
    s: BreakSettings, now: datetime, since: datetime, snoozed: datetime | None, paused: datetime | None
) -> None:
    due = next_break(now, s, since, snoozed, paused)
    assert in_work_hours(due, s)
    assert due.weekday() in s.days and s.start <= due.time()
    assert due + timedelta(minutes=BREAK_MINUTES) <= datetime.combine(due.date(), s.end)
    assert due >= now


@given(work_settings(), moments, moments, st.none() | moments, moments)
def test_never_during_a_pause(
    s: BreakSettings, now: datetime, since: datetime, snoozed: datetime | None, paused: datetime
) -> None:
    assert next_break(now, s, since, snoozed, paused) >= paused


@given(work_settings(), moments)
def test_within_a_working_day_breaks_come_exactly_every_interval(s: BreakSettings, since: datetime) -> None:
    assume(in_work_hours(since, s))
    due = next_break(since, s, since)
    if due.date() == since.date():
        assert due - since == timedelta(minutes=s.every)
    else:  # the day's window had no room left: the next work day, one interval after it starts
        assert due.time() == (datetime.combine(due.date(), s.start) + timedelta(minutes=s.every)).time()


@given(work_settings(), moments, moments)
def test_consecutive_breaks_are_30_to_60_minutes_apart_within_a_day(s: BreakSettings, start: datetime,
                                                                     now: datetime) -> None:  # fmt: skip
    """A day of breaks offered and left alone: each gap is the chosen interval, 30 to 60 minutes."""
    assume(in_work_hours(start, s))
    shown = [next_break(start, s, start)]
    while len(shown) < 30 and shown[-1].date() == start.date():
        shown.append(next_break(shown[-1], s, shown[-1]))
    gaps = [b - a for a, b in itertools.pairwise(shown) if a.date() == b.date()]
    assert all(timedelta(minutes=EVERY_MIN) <= g <= timedelta(minutes=EVERY_MAX) for g in gaps)


def test_the_first_break_of_the_day_comes_one_interval_after_work_starts() -> None:
    s = BreakSettings(45, time(9), time(17), frozenset(range(5)))
    friday_evening = datetime(2030, 1, 11, 16, 40)
    assert next_break(friday_evening, s, friday_evening) == datetime(2030, 1, 14, 9, 45), "Monday, not the weekend"
    # The computer slept overnight: today's first break still waits a full interval of work.
    assert next_break(datetime(2030, 1, 8, 9, 5), s, datetime(2030, 1, 7, 16, 0)) == datetime(2030, 1, 8, 9, 45)
    # ... but the loop being a few seconds late on the same day means now.
    late = datetime(2030, 1, 8, 10, 31)
    assert next_break(late, s, datetime(2030, 1, 8, 9, 45)) == late


def test_a_snooze_brings_a_break_back_in_ten_minutes_unless_work_ends() -> None:
    s = BreakSettings(30, time(9), time(17), frozenset(range(7)))
    now = datetime(2030, 1, 7, 10, 0)
    assert next_break(now, s, now, snooze_until(now)) == datetime(2030, 1, 7, 10, 10)
    evening = datetime(2030, 1, 7, 16, 55)
    assert next_break(evening, s, evening, snooze_until(evening)) == datetime(2030, 1, 8, 9, 30)


def test_after_a_pause_a_full_interval_passes() -> None:
    s = BreakSettings(30, time(9), time(17), frozenset(range(7)))
    now = datetime(2030, 1, 7, 10, 0)
    assert next_break(now, s, now, paused_until=datetime(2030, 1, 7, 11, 0)) == datetime(2030, 1, 7, 11, 30)
    assert next_break(now, s, now, snooze_until(now), datetime(2030, 1, 7, 11, 0)) == datetime(2030, 1, 7, 11, 30)


@given(moments, st.floats(0, 10_000), st.integers(0, 600))
def test_time_away_resets_the_timer_and_short_pauses_do_not(since: datetime, idle: float, later: int) -> None:
    now = since + timedelta(seconds=later)
    restarted = after_idle(since, now, idle)
    assert restarted == (now if idle >= IDLE_MINUTES * 60 else since)
    assert after_idle(since, now, None) == since, "unknown idle time changes nothing"


def test_pause_lengths_in_words() -> None:
    now = datetime(2030, 1, 7, 10, 15)
    assert parse_pause("1h", now) == datetime(2030, 1, 7, 11, 15)
    assert parse_pause(" 90 minutes ", now) == datetime(2030, 1, 7, 11, 45)
    assert parse_pause("tomorrow", now) == datetime(2030, 1, 8)
    for bad, words in (("soon", "not a length of time"), ("0m", "1 minute to 12 hours"), ("13h", "say tomorrow")):
        with pytest.raises(ValueError, match=words):
            parse_pause(bad, now)


def test_settings_that_hold_no_break_are_refused_in_words() -> None:
    with pytest.raises(ValueError, match="every 30 to 60 minutes, not 20"):
        BreakSettings(20)
    with pytest.raises(ValueError, match="no break fits between 09:00 and 09:30 every 30 minutes"):
        BreakSettings(30, time(9), time(9, 30))
    with pytest.raises(ValueError, match="at least one work day"):
        BreakSettings(days=frozenset())
