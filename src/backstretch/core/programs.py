"""A clinician's program for a patient, the day's routine it gives, how closely it is followed, and what needs the
clinician's attention.

The program is the clinician's prescription, but the safety rules still hold for every routine: a prescribed
stretch that the patient's profile rules out, or that they found painful in the last 14 days, is left out that day
and the patient is told to tell their clinician (clinical-facts: contraindication, stop).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backstretch.core.catalogue import REPS_MAX, Stretch
from backstretch.core.measures import Trend
from backstretch.core.planner import (
    OLDER_HOLD_CAP_S,
    History,
    Plan,
    PlanItem,
    allowed_reason,
    item_seconds,
    painful_recently,
    transitions_seconds,
)
from backstretch.core.profile import AgeBand, Profile
from backstretch.core.words import day_words

MAX_ITEMS = 20
NOTE_MAX = 1000
QUIET_DAYS = 4  # no session for this many days (with a program day among them) is worth a look


class ProgramError(ValueError):
    """A program that cannot be assigned; the message names the first problem."""


@dataclass(frozen=True)
class ProgramItem:
    stretch: str
    hold_seconds: int
    reps: int


@dataclass(frozen=True)
class Program:
    items: tuple[ProgramItem, ...]
    weekdays: frozenset[int]  # Monday is 0
    fill_free_days: bool  # on other days the planner may suggest a routine
    note: str
    starts_on: date


def check_program(program: Program, catalogue: Mapping[str, Stretch]) -> None:
    """Raise ProgramError unless every stretch exists and every dose is within that stretch's safe range."""
    if not program.items:
        raise ProgramError("Please choose at least one stretch.")
    if len(program.items) > MAX_ITEMS:
        raise ProgramError(f"Please keep a program to at most {MAX_ITEMS} stretches.")
    if not program.weekdays or not program.weekdays <= set(range(7)):
        raise ProgramError("Please choose at least one day of the week.")
    if len(program.note) > NOTE_MAX:
        raise ProgramError(f"Please keep the note to at most {NOTE_MAX} characters.")
    seen = set()
    for item in program.items:
        stretch = catalogue.get(item.stretch)
        if stretch is None:
            raise ProgramError(f"There is no stretch called {item.stretch[:60]!r} in the library.")
        if item.stretch in seen:
            raise ProgramError(f"{stretch.name} is in the program twice.")
        seen.add(item.stretch)
        # The stretch's own safe range, as the planner and the players check it (clinical-facts: hold-time).
        low, high = stretch.hold_seconds.min, stretch.hold_seconds.max
        if not low <= item.hold_seconds <= high:
            raise ProgramError(f"{stretch.name}: hold it {low} to {high} s, not {item.hold_seconds} s.")
        if not 1 <= item.reps <= REPS_MAX:
            raise ProgramError(f"{stretch.name}: 1 to {REPS_MAX} repetitions, not {item.reps}.")


def program_plan(program: Program, catalogue: Mapping[str, Stretch], profile: Profile, on: date,
                 history: History) -> Plan | None:  # fmt: skip
    """The routine the program gives on a day; None on a day it does not cover (a free day)."""
    if on < program.starts_on or on.weekday() not in program.weekdays:
        return None
    painful = painful_recently(history, on)
    cap = OLDER_HOLD_CAP_S if profile.age_band is AgeBand.FROM_65 else None
    items, warnings = [], []
    for prescribed in program.items:
        stretch = catalogue.get(prescribed.stretch)
        if stretch is None:
            warnings.append("One stretch of your program is no longer in the library; please tell your clinician.")
            continue
        why = allowed_reason(stretch, profile, desk=False)
        if why is None and stretch.id in painful:
            why = f"you found it painful on {day_words(painful[stretch.id])}"
        if why is not None:
            warnings.append(f"{stretch.name} is left out today ({why}); please tell your clinician.")
            continue
        hold = min(prescribed.hold_seconds, cap) if cap else prescribed.hold_seconds
        items.append(PlanItem(stretch.id, stretch.name, hold, prescribed.reps, 2 if stretch.per_side else 1,
                              stretch.position, stretch.regions.primary, stretch.spinal_movement,
                              item_seconds(hold, prescribed.reps, stretch.per_side)))  # fmt: skip
    total = sum(i.seconds for i in items) + (transitions_seconds({i.position for i in items}) if items else 0)
    regions = tuple(dict.fromkeys(r for i in items for r in i.regions))
    reasons = ("Your clinician's program for today.", *([program.note] if program.note else []))
    return Plan(
        on, max(1, math.ceil(total / 60)), total, tuple(items), regions, tuple(warnings), reasons, 0, program=True
    )


def prescribed_days(program: Program, start: date, end: date) -> int:
    """Program days from start to end, both included (none before the program started)."""
    first = max(start, program.starts_on)
    return sum(1 for n in range((end - first).days + 1) if (first + timedelta(days=n)).weekday() in program.weekdays)


@dataclass(frozen=True)
class Adherence:
    done: int  # days stretched in the window, at most one a day
    prescribed: int

    @property
    def share(self) -> float | None:
        return None if self.prescribed == 0 else min(1.0, self.done / self.prescribed)

    def __str__(self) -> str:
        return "no program days yet" if self.prescribed == 0 else f"{self.done} of {self.prescribed} days"


def adherence(program: Program, days: Sequence[date], today: date, window: int) -> Adherence:
    """Days stretched (each once) against days prescribed over the last `window` days, today included."""
    start = today - timedelta(days=window - 1)
    done = sum(1 for d in days if max(start, program.starts_on) <= d <= today)
    return Adherence(done, prescribed_days(program, start, today))


@dataclass(frozen=True)
class Attention:
    """What a clinician should look at for one patient; more flags sort first."""

    flags: tuple[str, ...]
    pain: Trend
    function: Trend
    week: Adherence | None
    month: Adherence | None


def attention(program: Program | None, days: Sequence[date], pain: Trend, function: Trend, red_flag: bool,
              painful: Sequence[str], today: date) -> Attention:  # fmt: skip
    """The flags the issue asks for: pain up by at least the important change (clinical-facts: trends), a red
    flag in the latest safety answers, stretches reported painful in the last 14 days, and no session in the last
    QUIET_DAYS days while a program is running (`days` must reach back that far)."""
    flags = []
    if red_flag:
        flags.append("red flag in the latest safety answers")
    if pain.enough and pain.important and pain.better is False:
        flags.append(f"pain up by {pain.change:g} points")
    if painful:
        flags.append(f"painful: {', '.join(painful)}")
    week = month = None
    if program is not None:
        week, month = adherence(program, days, today, 7), adherence(program, days, today, 28)
        quiet_from = today - timedelta(days=QUIET_DAYS - 1)
        recent = [d for d in days if quiet_from <= d <= today]
        if program.starts_on <= quiet_from and not recent and prescribed_days(program, quiet_from, today):
            flags.append(f"no session in the last {QUIET_DAYS} days")
    return Attention(tuple(flags), pain, function, week, month)
