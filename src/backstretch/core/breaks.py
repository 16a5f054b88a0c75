"""When the next desk break is due, as pure functions of the time: work hours and days, the interval, a snooze, a
pause the person asked for, and time away from the computer (which counts as a break).

Clinical-facts section 7, rule desk-break: a short break every 30 to 60 minutes at the person's choice, at most
2 minutes each. All times are naive local clock times, as the person reads them on their computer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backstretch.core.reminders import BREAK_MINUTES, EVERY_DEFAULT, EVERY_MAX, EVERY_MIN, EVERY_SOURCES, WORK_DAYS

SNOOZE_MINUTES = 10
IDLE_MINUTES = 5  # away from the keyboard this long counts as a break: the timer starts again
PAUSE_MAX_HOURS = 12  # longer than a working day is "until tomorrow"
WORK_FROM, WORK_TO = time(9, 0), time(17, 0)
_LOOKAHEAD_DAYS = 15  # two weeks and a day: any set of work days has a window in it

_PAUSE = re.compile(r"(\d{1,4})\s*(m|min|mins|minutes?|h|hours?)")


@dataclass(frozen=True)
class BreakSettings:
    """The person's choice: a break every ``every`` minutes, from ``start`` to ``end`` on ``days`` (0 is Monday)."""

    every: int = EVERY_DEFAULT
    start: time = WORK_FROM
    end: time = WORK_TO
    days: frozenset[int] = WORK_DAYS

    def __post_init__(self) -> None:
        if not EVERY_MIN <= self.every <= EVERY_MAX:
            raise ValueError(f"desk breaks must come every {EVERY_MIN} to {EVERY_MAX} minutes, not {self.every} "
                             f"({EVERY_SOURCES})")  # fmt: skip
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("choose at least one work day")
        if _minutes(self.start) + self.every + BREAK_MINUTES > _minutes(self.end):
            raise ValueError(f"no break fits between {self.start:%H:%M} and {self.end:%H:%M} every {self.every} "
                             "minutes: widen your work hours")  # fmt: skip


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _window(day: date, s: BreakSettings) -> tuple[datetime, datetime]:
    """The first and the last moment a break may start on a day (it must end by the end of work hours)."""
    return datetime.combine(day, s.start), datetime.combine(day, s.end) - timedelta(minutes=BREAK_MINUTES)


def in_work_hours(when: datetime, s: BreakSettings) -> bool:
    """Whether a break may start at ``when``: on a work day, and ending by the end of work hours."""
    first, last = _window(when.date(), s)
    return when.weekday() in s.days and first <= when <= last


def at_work(when: datetime, s: BreakSettings) -> bool:
    """Whether ``when`` is inside work hours at all (the timer only runs then)."""
    return when.weekday() in s.days and s.start <= when.time() < s.end


def _next_start(when: datetime, s: BreakSettings) -> datetime:
    """The start of the first work period that begins after ``when``."""
    for n in range(_LOOKAHEAD_DAYS):
        day = when.date() + timedelta(days=n)
        first, _ = _window(day, s)
        if day.weekday() in s.days and first > when:
            return first
    raise AssertionError("settings always have a work day")  # BreakSettings refuses an empty set of days


def _fresh(anchor: datetime, s: BreakSettings) -> datetime:
    """A full interval of work time from ``anchor`` (or from the next work period, outside one)."""
    return (anchor if at_work(anchor, s) else _next_start(anchor, s)) + timedelta(minutes=s.every)


def next_break(
    now: datetime,
    s: BreakSettings,
    since: datetime,
    snoozed_until: datetime | None = None,
    paused_until: datetime | None = None,
) -> datetime:
    """When the next break is due, never before ``now``: a full interval of work time after ``since`` (when the
    timer last started: the last break offered, skipped or done, or time away), or at the end of a snooze; never
    outside work hours and never during a pause, after which a full interval starts again."""
    anchor = since
    if paused_until is not None and paused_until > anchor:
        anchor = paused_until
    if snoozed_until is not None and snoozed_until >= anchor and in_work_hours(snoozed_until, s):
        due = snoozed_until
    else:
        due = _allowed(_fresh(anchor, s), s, paused_until)
    if due >= now:
        return due
    if due.date() == now.date():  # overdue (the loop was late): now, if a break may come now
        return _allowed(now, s, paused_until)
    # Overdue since an earlier day (the computer slept): today's work counts from its start.
    return _allowed(max(_fresh(datetime.combine(now.date(), time()), s), now), s, paused_until)


def _allowed(candidate: datetime, s: BreakSettings, paused_until: datetime | None) -> datetime:
    """``candidate`` if a break may come then, else the first moment after it that one may."""
    for _ in range(_LOOKAHEAD_DAYS * 2):
        if paused_until is not None and candidate < paused_until:
            candidate = _fresh(paused_until, s)
        elif in_work_hours(candidate, s):
            return candidate
        else:
            candidate = _next_start(candidate, s) + timedelta(minutes=s.every)
    raise AssertionError("a break always fits: BreakSettings checks the window holds one")


def after_idle(since: datetime, now: datetime, idle_seconds: float | None) -> datetime:
    """The timer's start once idle time is known: time away of IDLE_MINUTES or more was a break, so it starts
    again now; unknown idle time (None) changes nothing."""
    if idle_seconds is not None and idle_seconds >= IDLE_MINUTES * 60:
        return max(since, now)
    return since


def snooze_until(now: datetime) -> datetime:
    return now + timedelta(minutes=SNOOZE_MINUTES)


def parse_pause(text: str, now: datetime) -> datetime:
    """Until when a pause lasts, from ``1h``, ``90m``, ``45 minutes`` or ``tomorrow`` (the start of the next day)."""
    words = text.strip().lower()
    if words in ("tomorrow", "until tomorrow"):
        return datetime.combine(now.date() + timedelta(days=1), time())
    match = _PAUSE.fullmatch(words)
    if match is None:
        raise ValueError(f"{text!r} is not a length of time: say 1h, 30m or tomorrow")
    minutes = int(match[1]) * (60 if match[2].startswith("h") else 1)
    if not 1 <= minutes <= PAUSE_MAX_HOURS * 60:
        raise ValueError(f"a pause lasts 1 minute to {PAUSE_MAX_HOURS} hours; for longer, say tomorrow")
    return now + timedelta(minutes=minutes)
