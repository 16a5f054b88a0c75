"""Outcome scores for every face: recording one, which are due today and dismissing that prompt, and the latest
rating of change. The trends of the scores come with the others (store/progress.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from backstretch.core.measures import (
    GLOBAL_CHANGE_ANSWERS,
    MEASURES,
    SCORES,
    Measure,
    MeasureError,
    MeasureKind,
    check_taken_on,
    outcome_score,
    title_of,
)
from backstretch.core.scores import CHECKPOINT_WEEKS, Checkpoint, checkpoint_due, prompt_words

RECORDED = (*SCORES, MeasureKind.GLOBAL_CHANGE)  # what `record` takes, in the order the faces offer them


class ScoreRecords(Protocol):
    """Where the person's readings and dismissed prompts are kept; the store is one."""

    def measures(self, kind: MeasureKind | None = None, since: date | None = None) -> list[Measure]: ...

    def add_measure(self, measure: Measure) -> int: ...

    def started_on(self) -> date: ...

    def dismissed_score_weeks(self) -> set[int]: ...

    def dismiss_score_week(self, week: int, on: date) -> None: ...


def kind_named(text: str) -> MeasureKind:
    """A score from the name a face was given (its short name or its key, any case); MeasureError lists them."""
    wanted = text.strip().casefold().replace("-", "_")
    for kind in RECORDED:
        if wanted in (kind.value, MEASURES[kind].short.casefold().replace(" ", "_") if kind in MEASURES else ""):
            return kind
    names = ", ".join(k.value.replace("_", "-") for k in RECORDED)
    raise MeasureError(f"there is no score called {text.strip()!r}; the scores are {names}")


def answer_value(text: str) -> int:
    """A rating of change from its words ("much better", "much-better") or its number (-3 to 3)."""
    try:
        return int(text.strip())
    except ValueError:
        pass
    wanted = " ".join(text.strip().casefold().replace("-", " ").replace("_", " ").split())
    found = next((value for value, words in GLOBAL_CHANGE_ANSWERS.items() if wanted == words), None)
    if found is None:
        answers = ", ".join(w.replace(" ", "-") for w in GLOBAL_CHANGE_ANSWERS.values())
        raise MeasureError(f"a rating of change is one of {answers} (or -3 to 3), not {text.strip()!r}")
    return found


def record(records: ScoreRecords, kind: MeasureKind, value: float, on: date, today: date, note: str = "") -> Measure:
    """Store one score, checked first; MeasureError says what to fix, and nothing is stored then."""
    if kind not in RECORDED:
        raise MeasureError(f"{title_of(kind).lower()} is not an outcome score")
    measure = outcome_score(kind, value, check_taken_on(on, today), note=note.strip())
    records.add_measure(measure)
    return measure


def due(records: ScoreRecords, today: date) -> Checkpoint | None:
    """The checkpoint whose scores are due today, if any (core/scores.py decides from the dates)."""
    return checkpoint_due(records.started_on(), today, records.measures(), records.dismissed_score_weeks())


def dismiss(records: ScoreRecords, week: int, today: date) -> None:
    """Put away one checkpoint's prompt for good; a week that is no checkpoint is an error, and nothing changes."""
    if week not in CHECKPOINT_WEEKS:
        raise MeasureError(f"the scores are asked at weeks {', '.join(map(str, CHECKPOINT_WEEKS))}, not {week}")
    records.dismiss_score_week(week, today)


@dataclass(frozen=True)
class LatestChange:
    """The person's latest rating of change, in words."""

    on: date
    value: int
    words: str


def latest_change(readings: list[Measure]) -> LatestChange | None:
    found = [m for m in readings if m.kind is MeasureKind.GLOBAL_CHANGE]
    if not found:
        return None
    last = found[-1]
    return LatestChange(last.on, int(last.value), GLOBAL_CHANGE_ANSWERS[int(last.value)])


def due_json(checkpoint: Checkpoint | None) -> dict[str, Any]:
    """What `GET /api/scores/due` answers and `backstretch progress --json` does not need: the prompt, or none."""
    if checkpoint is None:
        return {"due": None}
    return {"due": {"week": checkpoint.week, "day": checkpoint.day.isoformat(),
                    "scores": [k.value for k in checkpoint.kinds], "message": prompt_words(checkpoint)}}  # fmt: skip
