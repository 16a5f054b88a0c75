"""Progress as data (the JSON that `backstretch progress --json` prints and `/api/progress` returns), and editing,
deleting and putting back a logged reading, decided once for the web pages, the API and the command line."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal, Protocol

from backstretch.core.consistency import Consistency
from backstretch.core.measures import (
    REACH_NOT_SAVED,
    SCORES,
    Measure,
    MeasureError,
    MeasureKind,
    Trend,
    check_taken_on,
    function,
    outcome_score,
    pain,
    reach,
    reach_test_refusal,
)
from backstretch.core.profile import Profile


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


# --- changing a logged reading --------------------------------------------------------------------------------


class MeasureRecords(Protocol):
    """Where a person's readings are kept; the store is one. Each call sees only the person's own."""

    def load_profile(self) -> Profile | None: ...

    def logged_measure(self, measure_id: int) -> Measure | None: ...

    def update_measure(self, measure_id: int, measure: Measure) -> bool: ...

    def delete_measure(self, measure_id: int) -> bool: ...

    def restore_measure(self, measure_id: int) -> Measure | None: ...


class MeasureNotFound(LookupError):
    """No such reading of this person's (there never was, it is someone else's, or it is deleted)."""

    def __init__(self, measure_id: int, deleted: bool = False) -> None:
        super().__init__(f"there is no reading {measure_id} of yours deleted in the last day to put back" if deleted
                         else f"there is no reading {measure_id} of yours: it may have been deleted")  # fmt: skip


class ReachRefused(MeasureError):
    """Rule reach-safety: the person's profile bars the reach test, so no reach reading is stored or changed."""


@dataclass(frozen=True)
class MeasureChange:
    """What to change in a reading; None keeps what is there. A unit goes with a new reach value."""

    value: float | None = None
    unit: Literal["cm", "in"] = "cm"
    activities: tuple[tuple[str, int], ...] | None = None
    morning: bool | None = None
    on: date | None = None
    note: str | None = None


def reach_refusal(records: MeasureRecords) -> str | None:
    """Rule reach-safety, from the stored profile (no profile: nothing known that bars the test)."""
    profile = records.load_profile()
    return reach_test_refusal(profile.effective_conditions()) if profile is not None else None


def changed(old: Measure, change: MeasureChange, today: date) -> Measure:
    """The reading with the change made, checked as a new one would be; MeasureError says what to fix."""
    on = old.on if change.on is None else check_taken_on(change.on, today)
    note = old.note if change.note is None else change.note.strip()
    if old.kind is not MeasureKind.FUNCTION and change.activities is not None:
        raise MeasureError(f"only function readings have activities, not {old.kind.value}")
    if old.kind is not MeasureKind.PAIN and change.morning:
        raise MeasureError("only pain readings can be marked as morning readings")
    if old.kind is MeasureKind.PAIN:
        value = old.value if change.value is None else change.value
        if not float(value).is_integer():
            raise MeasureError(f"pain is a whole number from 0 to 10, not {value:g}")
        morning = old.morning if change.morning is None else change.morning
        return pain(int(value), on, morning=morning, note=note)
    if old.kind is MeasureKind.FUNCTION:
        if change.value is not None:
            raise MeasureError("a function reading is given as activities with scores, not as a value")
        pairs = list(change.activities) if change.activities is not None else [
            (a.activity, a.score) for a in old.activities]  # fmt: skip
        return function(pairs, on, note=note)
    if old.kind is MeasureKind.REACH:
        if change.value is None:
            return reach(old.value, on, note=note)
        return reach(change.value, on, unit=change.unit, note=note)
    if old.kind in SCORES or old.kind is MeasureKind.GLOBAL_CHANGE:
        return outcome_score(old.kind, old.value if change.value is None else change.value, on, note=note)
    raise MeasureError("a range of motion comes from the camera coach and is not changed by hand")


def edit_measure(records: MeasureRecords, measure_id: int, change: MeasureChange, today: date) -> Measure:
    """Change one of the person's readings in place; MeasureNotFound, ReachRefused or MeasureError when not."""
    old = records.logged_measure(measure_id)
    if old is None:
        raise MeasureNotFound(measure_id)
    if old.kind is MeasureKind.REACH:
        refused = reach_refusal(records)
        if refused:
            raise ReachRefused(f"{refused} {REACH_NOT_SAVED}")
    new = changed(old, change, today)
    if not records.update_measure(measure_id, new):
        raise MeasureNotFound(measure_id)
    return new


def delete_measure(records: MeasureRecords, measure_id: int) -> Measure:
    """Delete one of the person's readings (it can be put back for a day); the reading deleted."""
    old = records.logged_measure(measure_id)
    if old is None or not records.delete_measure(measure_id):
        raise MeasureNotFound(measure_id)
    return old


def restore_measure(records: MeasureRecords, measure_id: int) -> Measure:
    """Put back a reading deleted in the last day, exactly as it was (its id too)."""
    restored = records.restore_measure(measure_id)
    if restored is None:
        raise MeasureNotFound(measure_id, deleted=True)
    return restored
