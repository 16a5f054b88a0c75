"""What Today shows, the minutes a person keeps, and the warm ending of a session: decided here once, so the web
pages, the API and the command line say the same thing.

Today before a session is the routine and Start; after one it says what was done and the run of days, and offers
a second round or a desk break, with the routine still there. The ending of a session says what was done, the run
and the week, pain before and after in honest words, what changes tomorrow because of today, and when the next
session is. Dates are in words ("Monday 7 December"), never ISO.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol

from backstretch.app.routine import PersonData, Refusal, Routine, Routines
from backstretch.core.consistency import ActiveDay, consistency
from backstretch.core.measures import MEASURES, MeasureKind
from backstretch.core.planner import (
    PAIN_FREE_SESSIONS_TO_PROGRESS,
    PAINFUL_EXCLUSION,
    History,
    allowed_reason,
    pain_free_counts,
)
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN, Profile
from backstretch.core.words import day_words

# clinical-facts 6: a change of 2 points on the 0-10 pain scale is the smallest most people notice as real
# (Ostelo et al., Spine 2008;33:90); less is not called a change.
PAIN_CHANGE_NOTICED = int(MEASURES[MeasureKind.PAIN].important_change)
PAIN_SOURCE = ("A change of 2 points on the 0 to 10 scale is the smallest that most people notice as a real "
               "change (Ostelo and colleagues, Spine, 2008).")  # fmt: skip
Keep = Literal["today", "default"]


class SessionFacts(Protocol):
    """One session as history shows it (the store's SessionSummary is one)."""

    @property
    def id(self) -> int: ...
    @property
    def day(self) -> date: ...
    @property
    def status(self) -> str: ...
    @property
    def seconds(self) -> float: ...
    @property
    def done(self) -> tuple[str, ...]: ...
    @property
    def painful(self) -> tuple[str, ...]: ...
    @property
    def pain_before(self) -> int | None: ...
    @property
    def pain_after(self) -> int | None: ...


class TodayRecords(PersonData, Protocol):
    """What Today and the ending read and keep of one person; the store gives it."""

    def save_profile(self, profile: Profile) -> None: ...

    def choose_day_minutes(self, on: date, minutes: int | None) -> None: ...

    def mark_flare_day(self, on: date, flare: bool) -> None: ...

    def history(self, since: date | None = None) -> Sequence[SessionFacts]: ...

    def session_summary(self, session_id: int) -> SessionFacts | None: ...

    def active_days(self, since: date | None = None) -> list[ActiveDay]: ...


@dataclass(frozen=True)
class DoneToday:
    """What was done today, for Today's finished state."""

    sessions: int
    minutes: int  # whole minutes, at least 1
    stretches: int  # different stretches with a hold done
    streak: int
    streak_words: str  # "a run of 3 stretching days", "your first day of stretching"
    latest_session: int


@dataclass(frozen=True)
class TodayView:
    """Today as the page shows it: the routine (or why there is none), what was done already, and where the
    minutes came from: asked for now, chosen for today, or the person's default."""

    routine: Routine | Refusal
    done: DoneToday | None
    minutes_from: Literal["asked", "today", "default"]
    flare: bool = False  # the person said their back is worse today


@dataclass(frozen=True)
class MinutesKept:
    minutes: int
    keep: Keep
    words: str


class MinutesError(ValueError):
    """Minutes outside what a routine can be, or no profile yet to keep a default in."""


@dataclass(frozen=True)
class Ending:
    """The summary at the end of a session: warm, true, and in plain words."""

    session_id: int
    day: date
    status: str  # completed, partial, stopped
    headline: str
    minutes: int
    stretches: tuple[str, ...]  # names of the stretches done
    streak: int
    first_day: bool
    streak_words: str
    week_done: int  # planned days of this week (Monday to Sunday) with stretching, so far
    week_extra: int  # other days of the week with stretching
    week_meant: int  # the days the person means to stretch this week (from their first day of stretching)
    week_words: str
    pain_before: int | None
    pain_after: int | None
    pain_change: int | None  # after minus before, when both were rated
    pain_noticed: bool  # the change reaches 2 points
    pain_words: str
    tomorrow: tuple[str, ...]  # what changes because of today
    next_day: date | None
    next_words: str


def today_view(person: TodayRecords, routines: Routines, on: date, minutes: int | None = None,
               swaps: Sequence[str] = ()) -> TodayView:  # fmt: skip
    """The routine for the day with what was already done today: the one decision of what Today shows."""
    routine = routines.today(person, on, minutes, swaps)
    minutes_from: Literal["asked", "today", "default"] = (
        "asked" if minutes is not None else "today" if person.day_minutes(on) is not None else "default"
    )
    flare = person.flare_day(on)
    if isinstance(routine, Refusal):
        return TodayView(routine, None, minutes_from, flare)
    return TodayView(routine, done_today(person, on, routine.profile), minutes_from, flare)


def mark_flare_day(person: TodayRecords, on: date, flare: bool) -> None:
    """The person says their back is worse today (or better again). A flare-up asks the safety questions again
    before the day's routine (clinical-facts: red-flag), which Routines.today sees through the stored day."""
    person.mark_flare_day(on, flare)


def done_today(person: TodayRecords, on: date, profile: Profile) -> DoneToday | None:
    """The sessions of the day with a hold done, or None when there is none yet."""
    sessions = [s for s in person.history(on) if s.day == on and s.done]
    if not sessions:
        return None
    streak, total, _ = _run(person, on, profile)
    stretches = {sid for s in sessions for sid in s.done}
    return DoneToday(len(sessions), max(1, round(sum(s.seconds for s in sessions) / 60)), len(stretches), streak,
                     streak_words(streak, total), sessions[-1].id)  # fmt: skip


def keep_minutes(person: TodayRecords, on: date, minutes: int, keep: Keep) -> MinutesKept:
    """Keep the minutes for this day only, or make them the person's default from now on (and forget the day's
    own choice, so the default holds today too)."""
    if not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise MinutesError(f"minutes: choose from {MINUTES_MIN} to {MINUTES_MAX}, not {minutes}")
    if keep == "today":
        person.choose_day_minutes(on, minutes)
        return MinutesKept(minutes, keep, f"{minutes} minutes for today; your usual minutes stay as they were.")
    profile = person.load_profile()
    if profile is None:
        raise MinutesError("there is no profile yet to keep a default in")
    person.save_profile(profile.model_copy(update={"minutes": minutes}))
    person.choose_day_minutes(on, None)
    return MinutesKept(minutes, keep, f"{minutes} minutes from now on.")


def streak_words(streak: int, total_days: int) -> str:
    """The run of stretching days in words, never a scolding."""
    if total_days <= 1:
        return "your first day of stretching"
    if streak <= 1:
        return "the first day of a new run"
    return f"a run of {streak} stretching days"


def _run(person: TodayRecords, on: date, profile: Profile) -> tuple[int, int, list[ActiveDay]]:
    days = [d for d in person.active_days() if d.on <= on]
    c = consistency(days, on, profile.planned_weekdays)
    return c.current_streak, c.total_days, days


def session_ending(person: TodayRecords, routines: Routines, session_id: int, today: date) -> Ending | None:
    """The ending of one of the person's sessions; None when it is not theirs or does not exist."""
    session = person.session_summary(session_id)
    profile = person.load_profile()
    if session is None or profile is None:
        return None
    day = session.day
    streak, total, days = _run(person, day, profile)
    names = tuple(routines.catalogue[s].name for s in session.done if s in routines.catalogue)
    minutes = round(session.seconds / 60)
    week_done, week_extra, meant = _week(days, day, profile.planned_weekdays)
    change = None if session.pain_before is None or session.pain_after is None else (
        session.pain_after - session.pain_before)  # fmt: skip
    next_day = _next_planned(person, profile, max(day, today))
    return Ending(
        session_id=session.id, day=day, status=session.status,
        headline=_headline(session.status, minutes, len(names)),
        minutes=minutes, stretches=names, streak=streak, first_day=total <= 1,
        streak_words=streak_words(streak, total),
        week_done=week_done, week_extra=week_extra, week_meant=meant,
        week_words=_week_words(week_done, week_extra, meant),
        pain_before=session.pain_before, pain_after=session.pain_after, pain_change=change,
        pain_noticed=change is not None and abs(change) >= PAIN_CHANGE_NOTICED,
        pain_words=pain_words(session.pain_before, session.pain_after),
        tomorrow=_tomorrow(person, routines, profile, session),
        next_day=next_day, next_words=_next_words(person, routines, next_day, today),
    )  # fmt: skip


def _headline(status: str, minutes: int, stretches: int) -> str:
    time = "under a minute" if minutes < 1 else f"{minutes} minute{'s' if minutes != 1 else ''}"
    done = f"{stretches} stretch{'es' if stretches != 1 else ''}"
    if status == "stopped":
        return f"You stopped to be safe, and that was the right thing to do. You did {done} in {time}."
    if status == "partial" or stretches == 0:
        return f"Every minute counts: {done} in {time}."
    return f"Well done: {done} in {time}."


def _week(days: list[ActiveDay], day: date, planned: frozenset[int]) -> tuple[int, int, int]:
    """This week's planned days with stretching, other days with stretching, and the planned days of the week:
    from the first day of stretching on, so someone who starts on a Saturday is not counted against for Monday."""
    monday = day - timedelta(days=day.weekday())
    first = max(monday, min((d.on for d in days), default=day))
    this_week = [d.on for d in days if monday <= d.on <= day]
    done = sum(1 for d in this_week if d.weekday() in planned)
    meant = sum(1 for n in range(7) if monday + timedelta(days=n) >= first and n in planned)
    return done, len(this_week) - done, meant


def _week_words(done: int, extra: int, meant: int) -> str:
    besides = f", and on {extra} more day{'s' if extra != 1 else ''} besides" if extra else ""
    if meant and done >= meant:
        return f"You have stretched on every day you planned this week{besides}. Your week is done."
    return f"You have stretched on {done} of the {meant} day{'s' if meant != 1 else ''} you planned this week{besides}."


def pain_words(before: int | None, after: int | None) -> str:
    """Pain before and after in honest words: a change of 2 points or more is named, a smaller one is not claimed
    (clinical-facts 6, rule trends)."""
    if before is None and after is None:
        return "You did not rate your pain this time. Rating it before and after shows what stretching does for you."
    if after is None:
        return f"Your pain was {before} out of 10 before you started. Rate it at the end next time to see the change."
    if before is None:
        return f"Your pain after the session was {after} out of 10."
    change = after - before
    if abs(change) < PAIN_CHANGE_NOTICED:
        same = "the same" if change == 0 else "about the same"
        return (
            f"Your pain was {before} out of 10 before and {after} after: {same}. A change of less than "
            f"{PAIN_CHANGE_NOTICED} points is within the usual ups and downs, so it is not counted as a change."
        )
    if change < 0:
        return (f"Your pain went from {before} to {after} out of 10: {-change} points lower, a change big enough "
                "to notice.")  # fmt: skip
    return (f"Your pain went from {before} to {after} out of 10: {change} points higher. Stretching should feel like "
            "mild tension, never pain. If it is still up tomorrow morning, rate it on the Progress page and "
            "tomorrow's routine will be gentler.")  # fmt: skip


def _tomorrow(person: TodayRecords, routines: Routines, profile: Profile, session: SessionFacts) -> tuple[str, ...]:
    """What the planner will do differently because of this session: a stretch that hurt is left out for 14 days;
    a stretch now done without pain 3 times in a row opens its next step, or a longer hold (progression-gate)."""
    catalogue, day = routines.catalogue, session.day
    found = []
    for sid in session.painful:
        if sid in catalogue:
            found.append(f"{catalogue[sid].name} hurt today, so it is left out of your routines until "
                         f"{day_words(day + PAINFUL_EXCLUSION)}.")  # fmt: skip
    before, after = _pain_free_around(person, session)
    step = PAIN_FREE_SESSIONS_TO_PROGRESS
    for sid in session.done:
        if sid not in catalogue or sid in session.painful or after.get(sid, 0) // step <= before.get(sid, 0) // step:
            continue
        stretch = catalogue[sid]
        harder = [catalogue[h] for h in stretch.harder if h in catalogue
                  and allowed_reason(catalogue[h], profile, desk=False) is None]  # fmt: skip
        if harder and before.get(sid, 0) < step:
            found.append(f"You have now done {stretch.name} without pain {after[sid]} times in a row, so its next "
                         f"step, {harder[0].name}, can come into your routine.")  # fmt: skip
        elif not stretch.harder:
            found.append(f"You have done {stretch.name} without pain {after[sid]} times in a row, so it can be held "
                         "a little longer.")  # fmt: skip
    return tuple(found)


def _pain_free_around(person: TodayRecords, session: SessionFacts) -> tuple[dict[str, int], dict[str, int]]:
    """Each stretch's pain-free sessions in a row just before this session and just after it: the planner's
    history holds one record a session, in the order of the store's history, so a second session on a day counts
    after the first."""
    day = session.day
    history = person.planner_history(day)
    earlier = [d for d in history.days if d.on < day]
    todays = [d for d in history.days if d.on == day]
    ids = [s.id for s in person.history(day) if s.day == day]
    mine = ids.index(session.id) if session.id in ids and len(ids) == len(todays) else len(todays) - 1

    def through(n: int) -> dict[str, int]:
        return pain_free_counts(History(tuple(earlier + todays[:n])), day + timedelta(days=1))

    return through(mine), through(mine + 1)


def _next_planned(person: TodayRecords, profile: Profile, after: date) -> date:
    """The next day the person means to stretch (or their clinician's program has a session), after `after`."""
    program = person.program()
    days = set(profile.planned_weekdays) | (set(program.weekdays) if program is not None else set())
    return next(after + timedelta(days=n) for n in range(1, 8) if (after + timedelta(days=n)).weekday() in days)


def _next_words(person: TodayRecords, routines: Routines, next_day: date | None, today: date) -> str:
    if next_day is None:
        return ""
    when = ("tomorrow, " if next_day == today + timedelta(days=1) else "") + day_words(next_day)
    found = routines.today(person, next_day)
    if isinstance(found, Refusal) or not found.plan.items:
        return f"Your next session: {when}."
    plan = found.plan
    count = len(plan.items)
    return (f"Your next session: {when}, {count} stretch{'es' if count != 1 else ''} in about "
            f"{max(1, round(plan.total_seconds / 60))} minutes.")  # fmt: skip
