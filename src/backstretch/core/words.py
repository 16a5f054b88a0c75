"""How pages, printouts and calendar files say a date or a vocabulary term: one function for each.

A page never shows "2026-12-19" or "floor-supine": the stored forms are for files and code, these are for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from backstretch.core.profile import (
    AGE_BAND_WORDS,
    PAIN_AREA_WORDS,
    TRIMESTER_LABELS,
    AgeBand,
    PainArea,
    Trimester,
    Weekday,
)
from backstretch.core.vocab import (
    BALANCE_WORDS,
    CONDITION_LABELS,
    EQUIPMENT_WORDS,
    POSITION_WORDS,
    REGION_WORDS,
    SPINE_WORDS,
    SUPPORT_WORDS,
    Balance,
    Condition,
    Equipment,
    Position,
    Region,
    SpinalMovement,
    Support,
)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip

# Every vocabulary a page may need to name, with its plain words (the crawl in tests/test_plain_words.py builds its
# detector from this table, so a new vocabulary added here is looked for on every page).
VOCABULARIES: Mapping[type[StrEnum], Mapping[Any, str]] = {
    Region: REGION_WORDS,
    Position: POSITION_WORDS,
    Equipment: EQUIPMENT_WORDS,
    Support: SUPPORT_WORDS,
    Balance: BALANCE_WORDS,
    SpinalMovement: SPINE_WORDS,
    Condition: CONDITION_LABELS,
    PainArea: PAIN_AREA_WORDS,
    AgeBand: AGE_BAND_WORDS,
    Trimester: TRIMESTER_LABELS,
    Weekday: dict(zip(Weekday, WEEKDAY_NAMES, strict=True)),
}


def plain_words(term: StrEnum) -> str:
    """What a page says for a vocabulary term ("lying on your back" for floor-supine)."""
    return VOCABULARIES[type(term)][term]


def day_words(day: date, today: date | None = None) -> str:
    """A day as people say it, "Saturday 19 December"; with the year too when `today` is given and is in another
    year."""
    words = f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    return words if today is None or day.year == today.year else f"{words} {day.year}"
