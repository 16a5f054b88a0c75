"""When to ask for the outcome scores: at the start, and 2, 6 and 12 weeks after it, computed from dates alone.

The person's own scores (leg pain, and from 2 weeks on the rating of change) are asked at each checkpoint; a
questionnaire total taken elsewhere is asked again at the later checkpoints once the person has recorded one, so a
clinician's instrument is followed up on the same days. A checkpoint's prompt stays until its scores are in, the
person dismisses it, or the next checkpoint comes (the last one stays two weeks).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from backstretch.core.measures import ELSEWHERE, MEASURES, Measure, MeasureKind, plain_name, trend_of

CHECKPOINT_WEEKS = (0, 2, 6, 12)  # the schedule: at the start, 2, 6 and 12 weeks
LAST_WINDOW_DAYS = 14  # how long the last checkpoint's prompt stays
EARLY_DAYS = 3  # a score taken up to 3 days before a checkpoint counts for it: nobody should answer twice in a week


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint that is due: its week, its day, and the scores still missing, in the order they are asked."""

    week: int
    day: date
    kinds: tuple[MeasureKind, ...]


def checkpoint_days(start: date) -> list[tuple[int, date, date]]:
    """Each checkpoint's week, first day and last day (the day before the next one)."""
    days = [start + timedelta(weeks=w) for w in CHECKPOINT_WEEKS]
    ends = [d - timedelta(days=1) for d in days[1:]] + [days[-1] + timedelta(days=LAST_WINDOW_DAYS - 1)]
    return list(zip(CHECKPOINT_WEEKS, days, ends, strict=True))


def asked_at(week: int, instruments: Collection[MeasureKind]) -> tuple[MeasureKind, ...]:
    """The scores a checkpoint asks for: leg pain always; the rating of change once there is a start to compare
    with; the questionnaire totals the person already has, at the later checkpoints."""
    own = (MeasureKind.LEG_PAIN,) if week == 0 else (MeasureKind.LEG_PAIN, MeasureKind.GLOBAL_CHANGE)
    return own + (tuple(k for k in ELSEWHERE if k in instruments) if week > 0 else ())


def checkpoint_due(
    start: date, today: date, readings: Iterable[Measure], dismissed: Collection[int]
) -> Checkpoint | None:
    """The checkpoint whose scores are due today, with the ones still missing, or None (none due, all given, or
    dismissed)."""
    scored = [m for m in readings if m.kind in MEASURES or m.kind is MeasureKind.GLOBAL_CHANGE]
    for week, first, last in checkpoint_days(start):
        if not first <= today <= last:
            continue
        if week in dismissed:
            return None
        since = start if week == 0 else first - timedelta(days=EARLY_DAYS)
        earlier = {m.kind for m in scored if m.on < since}
        given = {m.kind for m in scored if since <= m.on <= today}
        missing = tuple(k for k in asked_at(week, earlier | given) if k not in given)
        return Checkpoint(week, first, missing) if missing else None
    return None


def prompt_words(checkpoint: Checkpoint) -> str:
    """The gentle sentence Today and Progress show."""
    when = "As you start" if checkpoint.week == 0 else f"It is {checkpoint.week} weeks since you started"
    names = [plain_name(k) for k in checkpoint.kinds]
    wanted = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return (
        f"{when}: a minute for your scores ({wanted}) lets you and your clinician see what has changed. "
        f"It is fine to skip it."
    )


def score_summary(kind: MeasureKind, series: list[tuple[date, float]]) -> str:
    """One score for a clinic's dashboard, in a few words: where it went, and whether that is a real change (rule
    trends: only with enough readings, and only at the important change)."""
    info = MEASURES[kind]
    name = info.short or info.title
    if not series:
        return f"{name}: none yet"
    found = trend_of(kind, series, with_slope=False)
    if not found.enough or found.baseline is None or found.current is None:
        count = len(series)
        return f"{name} {series[-1][1]:g} ({count} reading{'s' if count != 1 else ''}, too few to judge)"
    if found.important:
        verdict = "real change, better" if found.better else "real change, worse"
    else:
        verdict = "no real change yet" if found.change else "no change"
    return f"{name} {found.baseline:g} → {found.current:g}: {verdict}"
