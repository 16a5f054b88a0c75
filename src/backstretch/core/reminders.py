"""Calendar reminders as plain data: a daily stretch and short desk breaks, ready for any calendar format.

Times are floating local times (a clock time with no time zone), so "07:30" stays 07:30 wherever the person
is. Desk breaks follow clinical-facts section 7, rule desk-break: every 30 to 60 minutes at the person's
choice, at most 2 minutes each, one chair or standing stretch, and no promise that breaks alone relieve pain.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from backstretch.core.catalogue import Stretch
from backstretch.core.vocab import Position, Region

EVERY_MIN = 30
EVERY_MAX = 60
EVERY_DEFAULT = 45
BREAK_MINUTES = 2  # the rule allows 30 s to 2 min; one calendar slot of 2 min holds any single desk stretch
DAILY_MINUTES_DEFAULT = 8
# clinical-facts: desk-break. Said to people as readable references, never as the source keys D1, D2, D3.
EVERY_SOURCES = (
    "from studies of short breaks in desk work: Buckley et al. 2015, McLean et al. 2001, Henning et al. 1997"
)
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # indexed by Python's weekday(), Monday is 0
WORK_DAYS = frozenset(range(5))
# The usual targets of office stretching (clinical-facts section 7, sources D6, D8) lead the rotation.
DESK_TARGETS = (Region.NECK, Region.CHEST, Region.HIP_FLEXORS, Region.SHOULDERS, Region.UPPER_BACK)

_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_EVERY = re.compile(r"(\d{1,4})\s*(m|min|mins|minutes?|h|hours?)?")

Kind = Literal["daily", "desk-break"]


@dataclass(frozen=True)
class Reminder:
    """One recurring event: it starts at ``first`` and repeats every week on ``weekdays``."""

    kind: Kind
    first: datetime  # floating local time; the first day is always one of ``weekdays``
    minutes: int
    weekdays: tuple[int, ...]
    summary: str
    description: str
    url: str  # the app's page the event opens: Today for the daily stretch, the desk-break page for a break
    stretch_id: str | None = None

    @property
    def end(self) -> datetime:
        return self.first + timedelta(minutes=self.minutes)

    @property
    def uid(self) -> str:
        """Derived from the content, so the same inputs give the same file and re-imports do not duplicate."""
        key = "\x1f".join(
            [
                self.kind,
                self.first.isoformat(),
                str(self.minutes),
                ",".join(map(str, self.weekdays)),
                self.summary,
                self.description,
                self.url,
            ]
        )
        return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@backstretch"


def parse_clock(text: str) -> time:
    """A 24-hour clock time like 07:30 or 7:30."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time: use the 24-hour clock, like 07:30 or 17:00")
    return time(int(match[1]), int(match[2]))


def parse_every(text: str) -> int:
    """Minutes between desk breaks, from ``45m``, ``45`` or ``1h``; only 30 to 60 minutes is allowed."""
    match = _EVERY.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a length of time: use minutes like 45m (or 45), or 1h")
    minutes = int(match[1]) * (60 if (match[2] or "m").startswith("h") else 1)
    if not EVERY_MIN <= minutes <= EVERY_MAX:
        raise ValueError(
            f"desk breaks must come every {EVERY_MIN} to {EVERY_MAX} minutes, not {minutes} ({EVERY_SOURCES})"
        )
    return minutes


def first_day(start: date, weekdays: frozenset[int]) -> date:
    """The first day from ``start`` that is one of ``weekdays``: calendars expect the start to match the rule."""
    if not weekdays:
        raise ValueError("name at least one day")
    return next(day for day in (start + timedelta(days=n) for n in range(7)) if day.weekday() in weekdays)


def _minute(t: time) -> int:
    return t.hour * 60 + t.minute


def break_times(start: time, end: time, every: int) -> list[time]:
    """Breaks from ``every`` minutes after ``start``; each must end by ``end``, so none falls at ``end`` itself."""
    if not EVERY_MIN <= every <= EVERY_MAX:
        raise ValueError(f"desk breaks must come every {EVERY_MIN} to {EVERY_MAX} minutes ({EVERY_SOURCES})")
    if _minute(start) >= _minute(end):
        raise ValueError(f"the desk-break window must start before it ends ({start:%H:%M} is not before {end:%H:%M})")
    times = []
    at = _minute(start) + every
    while at + BREAK_MINUTES <= _minute(end):
        times.append(time(*divmod(at, 60)))
        at += every
    if not times:
        raise ValueError(
            f"no desk break fits between {start:%H:%M} and {end:%H:%M} when they come every "
            f"{every} minutes: widen the window"
        )
    return times


def _region_rank(region: Region) -> tuple[int, str]:
    return (DESK_TARGETS.index(region) if region in DESK_TARGETS else len(DESK_TARGETS), region.value)


def desk_rotation(stretches: Sequence[Stretch]) -> list[Stretch]:
    """Desk stretches in the order breaks use them: round the body's regions in turn, so neighbours differ."""
    usable = sorted(
        (s for s in stretches if s.desk_friendly and s.position in (Position.CHAIR, Position.STANDING)),
        key=lambda s: s.id,
    )
    groups: dict[Region, list[Stretch]] = {}
    for s in usable:
        groups.setdefault(s.regions.primary[0], []).append(s)
    order: list[Stretch] = []
    queues = [groups[region] for region in sorted(groups, key=_region_rank)]
    while any(queues):
        order.extend(queue.pop(0) for queue in queues if queue)
    return order


def _days(weekdays: frozenset[int]) -> tuple[int, ...]:
    if not weekdays or not weekdays <= set(range(7)):
        raise ValueError("days must be weekday numbers 0 (Monday) to 6 (Sunday), at least one")
    return tuple(sorted(weekdays))


def daily_reminder(at: time, minutes: int, weekdays: frozenset[int], start: date, disclaimer: str,
                   address: str) -> Reminder:  # fmt: skip
    """The daily stretch, opening Today at `address` (the app's base address, no trailing slash)."""
    days = _days(weekdays)
    today = f"{address}/today"
    return Reminder(
        kind="daily",
        first=datetime.combine(first_day(start, weekdays), at),
        minutes=minutes,
        weekdays=days,
        summary=f"Stretch for your back ({minutes} min)",
        description=(
            f"Time for your {minutes}-minute stretching routine. Open today's routine in backstretch to see the "
            f"stretches and be guided through them: {today}\n\n{disclaimer}"
        ),
        url=today,
    )


def _break_description(s: Stretch, address: str) -> str:
    sides = " on each side" if s.per_side else ""
    return (
        f"Stand up or sit tall for one stretch: {s.name}.\n"
        f"{s.summary}\n"
        f"Hold it for {s.hold_seconds.default} seconds{sides}, moving slowly, then carry on.\n"
        f"Open your desk break in backstretch: {address}/desk\n"
        f"How to do it, step by step: {address}/library/{s.id}\n\n"
        "General advice, not a diagnosis. Never bounce, and stop if it hurts."
    )


def desk_breaks(
    times: Sequence[time], weekdays: frozenset[int], start: date, stretches: Sequence[Stretch], address: str
) -> list[Reminder]:
    """One recurring event per break time, taking the stretches in turn so consecutive breaks differ; each opens the
    desk-break page at `address`."""
    if not stretches:
        raise ValueError("no desk stretch to suggest")
    days = _days(weekdays)
    day = first_day(start, weekdays)
    return [
        Reminder(
            kind="desk-break",
            first=datetime.combine(day, at),
            minutes=BREAK_MINUTES,
            weekdays=days,
            summary=f"Desk break: {s.name}",
            description=_break_description(s, address),
            url=f"{address}/desk",
            stretch_id=s.id,
        )
        for at, s in ((at, stretches[n % len(stretches)]) for n, at in enumerate(times))
    ]
