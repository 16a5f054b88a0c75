"""Progress as data: the JSON that `backstretch progress --json` prints and `/api/progress` returns."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from backstretch.core.consistency import Consistency
from backstretch.core.measures import Trend


def progress_json(c: Consistency, trends: list[Trend]) -> dict[str, Any]:
    return {
        "date": c.today.isoformat(),
        "consistency": {
            "first_day": c.first_day.isoformat() if c.first_day else None,
            "current_streak": c.current_streak,
            "longest_streak": c.longest_streak,
            "days_stretched": c.total_days,
            "minutes": c.total_minutes,
            "planned_days": c.planned_days,
            "planned_days_done": c.planned_days_done,
            "planned_share": None if c.planned_share is None else round(c.planned_share, 4),
            "message": c.message,
            "weeks": [{**asdict(w), "starts": w.starts.isoformat()} for w in c.weeks],
        },
        "measures": {t.kind.value: {**asdict(t), "kind": t.kind.value} for t in trends},
    }
