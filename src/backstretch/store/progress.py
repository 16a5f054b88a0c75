"""A person's progress as of a day: their stretching days, readings, consistency and trends.

One place for what `backstretch progress`, the Progress page, a clinician's patient page and the PDF report show,
read with the same store calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backstretch.core.consistency import ActiveDay, Consistency, consistency
from backstretch.core.measures import EVERYDAY, SCORES, Measure, Trend, trend
from backstretch.store.database import Store

WEEKS = 8  # the week-by-week table and charts, unless asked for another number


@dataclass(frozen=True)
class Progress:
    today: date
    days: list[ActiveDay]
    readings: list[Measure]
    summary: Consistency
    trends: list[Trend]


def progress_of(store: Store, today: date | None = None, weeks: int = WEEKS) -> Progress:
    today = today or date.today()
    profile = store.load_profile()
    planned = profile.planned_weekdays if profile else frozenset(range(7))
    days = [d for d in store.active_days() if d.on <= today]
    readings = [m for m in store.measures() if m.on <= today]
    scored = {m.kind for m in readings}
    kinds = [*EVERYDAY, *(k for k in SCORES if k in scored)]  # a score once the person has one; never empty ones
    return Progress(today, days, readings, consistency(days, today, planned, weeks),
                    [trend(readings, kind) for kind in kinds])  # fmt: skip
