"""Consistency: streaks, weekly figures and the share of planned days done, worded to encourage.

A stretching day is a day with at least one hold done. Days the person did not plan to stretch neither
break a streak nor count against them; a missed day ends the current run but never the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# The oldest day anything in backstretch may be dated: nobody logged a reading or a session before then, and days
# far before it overflow the date arithmetic of weeks and charts.
EARLIEST_DAY = date(1970, 1, 1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def day_done_problem(day: date, today: date, within_days: int | None = None) -> str | None:
    """What is wrong with dating something done (a session, a reading, a safety check) `day`, or None.

    Everything is dated the day it was done, so never after today, and never before EARLIEST_DAY; the player also
    takes a session done offline only up to `within_days` back. Every face and the import ask this one function,
    so a backup holds nothing the pages would refuse."""
    if day > today:
        return "is in the future"
    if day < EARLIEST_DAY:
        return "is before 1970"
    if within_days is not None and day < today - timedelta(days=within_days):
        return f"is more than {within_days} days ago"
    return None


@dataclass(frozen=True)
class ActiveDay:
    """A day with stretching on it and the minutes spent in sessions."""

    on: date
    minutes: float


@dataclass(frozen=True)
class Week:
    """A Monday-to-Sunday week, cut at ``today`` and at the first day the person used backstretch."""

    starts: date
    days_stretched: int
    minutes: float
    planned_days: int
    planned_days_done: int


@dataclass(frozen=True)
class Consistency:
    today: date
    first_day: date | None
    current_streak: int
    longest_streak: int
    total_days: int
    total_minutes: float
    planned_days: int
    planned_days_done: int
    weeks: tuple[Week, ...]
    message: str

    @property
    def planned_share(self) -> float | None:
        return None if self.planned_days == 0 else self.planned_days_done / self.planned_days


def active_days(sessions: list[tuple[date, float, bool]]) -> list[ActiveDay]:
    """Fold sessions (day, seconds, any hold done) into days; minutes count every session, even short ones."""
    minutes: dict[date, float] = {}
    stretched: set[date] = set()
    for on, seconds, done in sessions:
        minutes[on] = minutes.get(on, 0.0) + seconds / 60
        if done:
            stretched.add(on)
    return [ActiveDay(on, round(minutes[on], 2)) for on in sorted(stretched)]


def consistency(days: list[ActiveDay], today: date, planned_weekdays: frozenset[int] = frozenset(range(7)),
                weeks: int = 8, since: date | None = None) -> Consistency:  # fmt: skip
    """``planned_weekdays`` uses Python's numbering (Monday is 0); ``since`` is when the person started, if known."""
    if not planned_weekdays:
        raise ValueError("at least one day of the week must be planned")
    stretched = {d.on: d.minutes for d in days if d.on <= today}
    first = min([*stretched, *([since] if since else [])], default=None)
    current = _current_streak(stretched, today, planned_weekdays)
    longest = _longest_streak(stretched, planned_weekdays)
    planned = planned_done = 0
    if first is not None:
        for offset in range((today - first).days + 1):
            day = first + timedelta(days=offset)
            if day.weekday() in planned_weekdays and (day < today or day in stretched):
                planned += 1  # today counts once it is done: the day is not over yet
                planned_done += day in stretched
    week_rows = _weeks(stretched, today, planned_weekdays, weeks, first)
    total_minutes = round(sum(stretched.values()), 1)
    result = Consistency(today, first, current, longest, len(stretched), total_minutes, planned, planned_done,
                         week_rows, "")  # fmt: skip
    last = max(stretched, default=None)
    return Consistency(**{**result.__dict__, "message": _message(result, today, last)})


def _planned_run_back(stretched: dict[date, float], start: date, planned: frozenset[int]) -> int:
    count, day = 0, start
    floor = min(stretched, default=start)
    while day >= floor:
        if day in stretched:
            count += 1
        elif day.weekday() in planned:
            break
        day -= timedelta(days=1)
    return count


def _current_streak(stretched: dict[date, float], today: date, planned: frozenset[int]) -> int:
    # Today is still open: a run that reached yesterday is still alive this morning.
    start = today if today in stretched else today - timedelta(days=1)
    return _planned_run_back(stretched, start, planned)


def _longest_streak(stretched: dict[date, float], planned: frozenset[int]) -> int:
    longest = 0
    for day in stretched:
        if day + timedelta(days=1) in stretched:
            continue  # count each run once, from its last day
        longest = max(longest, _planned_run_back(stretched, day, planned))
    return longest


def _weeks(stretched: dict[date, float], today: date, planned: frozenset[int], count: int,
           first: date | None) -> tuple[Week, ...]:  # fmt: skip
    if first is None:
        return ()  # nothing to show yet, and no empty weeks counted against a newcomer
    this_monday = today - timedelta(days=today.weekday())
    rows = []
    for back in range(count - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        days = [monday + timedelta(days=i) for i in range(7)]
        days = [d for d in days if first <= d <= today]
        if not days:
            continue
        planned_days = [d for d in days if d.weekday() in planned and (d < today or d in stretched)]
        rows.append(Week(monday, sum(d in stretched for d in days),
                         round(sum(stretched.get(d, 0.0) for d in days), 1), len(planned_days),
                         sum(d in stretched for d in planned_days)))  # fmt: skip
    return tuple(rows)


def _message(c: Consistency, today: date, last: date | None) -> str:
    """Encouragement that states the facts and never scolds."""
    done_today = last == today
    if c.total_days == 0:
        return "No stretching logged yet. A few minutes today is a good start."
    days = f"{c.total_days} day{'s' if c.total_days != 1 else ''}"
    if c.current_streak >= 2:
        run = f"You are on a run of {c.current_streak} stretching days"
        run += "; well done today." if done_today else "; a few minutes today keeps it going."
    elif c.current_streak == 1:
        when = "yesterday" if last == today - timedelta(days=1) else f"on {last:%A}" if last else "before"
        run = "You stretched today." if done_today else f"You stretched {when}; today can make it two in a row."
    else:
        run = "Today is a good day to start a new run."
    best = f" Your longest run so far is {c.longest_streak} days." if c.longest_streak >= 2 else ""
    return f"You have stretched on {days} in all. {run}{best}"


def parse_weekdays(text: str) -> frozenset[int]:
    """``"mon,wed,fri"`` or ``"monday tuesday"`` → Python weekday numbers; an unknown name is an error."""
    found: set[int] = set()
    for given in text.replace(",", " ").split():
        matches = [i for i, name in enumerate(DAY_NAMES) if len(given) >= 3 and name.startswith(given.lower())]
        if not matches:
            raise ValueError(f"unknown day {given!r}: use {', '.join(WEEKDAYS)}")
        found.add(matches[0])
    if not found:
        raise ValueError(f"name at least one day: {', '.join(WEEKDAYS)}")
    return frozenset(found)
