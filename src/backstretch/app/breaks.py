"""Desk breaks for every face: the web page's and the desktop notifier's work hours (one stored choice), which
stretch comes next, whether breaks must stay silent today (the safety answers decide, as for any session), a break
done saved as a one-stretch session so it counts toward the day, and the history of breaks beside sessions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from backstretch.app.routine import PersonData, desk_stretches, item_json, refusal_reasons
from backstretch.core.breaks import BreakSettings
from backstretch.core.catalogue import Stretch
from backstretch.core.planner import PlanItem, item_seconds, painful_recently
from backstretch.core.reminders import BREAK_MINUTES
from backstretch.core.timeline import Step, StepKind, build_timeline

NOTHING_SUITS = "No desk stretch in the library suits your profile today, so there is nothing to suggest in a break."
WEEK_DAYS, MONTH_DAYS = 7, 30


class BreakRecords(PersonData, Protocol):
    """What desk breaks need of a person's stored data; the store gives it."""

    def load_break_settings(self) -> tuple[BreakSettings | None, datetime | None]: ...

    def break_history_rows(self, since: date) -> list[tuple[date, str]]: ...

    def start_session(self, day: date, plan: dict[str, object], pain_before: int | None) -> int: ...

    def record_step(self, session_id: int, step: Step, seconds: float, outcome: str) -> bool: ...

    def finish_session(self, session_id: int, status: str) -> bool: ...


class BreakRefused(Exception):
    """No desk break today, and why (the safety answers, or no stretch that suits the person)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def break_settings(store: BreakRecords) -> tuple[BreakSettings, datetime | None]:
    """The person's work hours and interval (the defaults until they choose), and the end of a pause, if any."""
    chosen, paused_until = store.load_break_settings()
    return chosen or BreakSettings(), paused_until


def rotation(store: BreakRecords, catalogue: Mapping[str, Stretch], today: date) -> list[Stretch]:
    """The desk stretches this person may do, in the order breaks take them (none that hurt lately)."""
    painful = painful_recently(store.planner_history(today), today)
    return desk_stretches(catalogue, store.load_profile(), painful)


def next_stretch(store: BreakRecords, catalogue: Mapping[str, Stretch], today: date,
                 after: str | None = None) -> Stretch:  # fmt: skip
    """The stretch for the next break: the one after ``after`` in the rotation, so consecutive breaks differ; or
    BreakRefused while the safety answers (or the profile) say no."""
    reasons = refusal_reasons(store, today)
    if reasons:
        raise BreakRefused(reasons)
    order = rotation(store, catalogue, today)
    if not order:
        raise BreakRefused([NOTHING_SUITS])
    ids = [s.id for s in order]
    return order[(ids.index(after) + 1) % len(ids) if after in ids else 0]


def break_item(stretch: Stretch) -> PlanItem:
    hold = stretch.hold_seconds.default
    return PlanItem(stretch=stretch.id, name=stretch.name, hold_seconds=hold, reps=1,
                    sides=2 if stretch.per_side else 1, position=stretch.position,
                    regions=stretch.regions.primary, spinal_movement=stretch.spinal_movement,
                    seconds=item_seconds(hold, 1, stretch.per_side))  # fmt: skip


@dataclass(frozen=True)
class BreakDone:
    session: int
    day: date
    stretch: Stretch
    seconds: float


def save_done_break(store: BreakRecords, catalogue: Mapping[str, Stretch], stretch_id: str, seconds: float,
                    today: date) -> BreakDone:  # fmt: skip
    """Record a finished break as a completed one-stretch session, so it counts toward the day; ValueError for an
    unknown stretch, BreakRefused when breaks are off today or the stretch is not one of the person's desk stretches."""
    reasons = refusal_reasons(store, today)
    if reasons:
        raise BreakRefused(reasons)
    if stretch_id not in catalogue:
        raise ValueError(f"stretch: no stretch called {stretch_id!r}")
    if not 0 <= seconds <= 60 * BREAK_MINUTES:
        raise ValueError(f"seconds: a break lasts 0 to {60 * BREAK_MINUTES} seconds, not {seconds:g}")
    stretch = catalogue[stretch_id]
    if stretch.id not in {s.id for s in rotation(store, catalogue, today)}:
        raise BreakRefused([f"{stretch.name} is not a desk stretch that suits you today."])
    item = break_item(stretch)
    session_id = store.start_session(today, {"items": [item_json(item)], "desk_break": True}, None)
    holds = [s for s in build_timeline([item], catalogue).steps if s.kind is StepKind.HOLD]
    for step in holds:
        store.record_step(session_id, step, min(step.seconds, seconds / len(holds)), "done")
    store.finish_session(session_id, "completed")
    return BreakDone(session_id, today, stretch, round(min(seconds, float(item.hold_seconds * item.sides)), 1))


@dataclass(frozen=True)
class BreakPeriod:
    """One stretch of days (the last week, the last month) of sessions and desk breaks."""

    label: str
    since: date
    sessions: int  # sessions with stretching in them, not counting desk breaks
    done: int  # desk breaks done (in the web app, from the notification or the desk page)
    offered: int  # breaks the desktop notifier showed
    started: int  # ... whose Start was pressed
    snoozed: int
    skipped: int  # ... skipped or closed


def break_history(store: BreakRecords, today: date | None = None) -> list[BreakPeriod]:
    """The last week and the last month (today included) of breaks taken, snoozed and skipped beside sessions:
    what `backstretch progress` shows, and the Progress page can."""
    today = today or date.today()
    month = today - timedelta(days=MONTH_DAYS - 1)
    rows = [(day, kind) for day, kind in store.break_history_rows(month) if day <= today]
    periods = []
    for label, days in (("Last 7 days", WEEK_DAYS), ("Last 30 days", MONTH_DAYS)):
        since = today - timedelta(days=days - 1)
        counts = Counter(kind for day, kind in rows if day >= since)
        periods.append(BreakPeriod(label, since, counts["session"], counts["done"], counts["offered"],
                                   counts["started"], counts["snoozed"], counts["skipped"]))  # fmt: skip
    return periods
