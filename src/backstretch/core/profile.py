"""What the planner needs to know about a person, validated so a bad value names its field and the choices."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backstretch.core.vocab import Condition, Equipment, Region

MINUTES_MIN, MINUTES_MAX, MINUTES_DEFAULT = 3, 30, 8


class PainArea(StrEnum):
    LOWER_BACK = "lower-back"
    UPPER_BACK = "upper-back"
    NECK = "neck"
    HIPS = "hips"
    LEG = "leg"  # pain into a leg, sciatica

    @property
    def regions(self) -> frozenset[Region]:
        """Regions whose stretches speak to pain in this area."""
        return _PAIN_REGIONS[self]


_PAIN_REGIONS: dict[PainArea, frozenset[Region]] = {
    PainArea.LOWER_BACK: frozenset({Region.LOWER_BACK}),
    PainArea.UPPER_BACK: frozenset({Region.UPPER_BACK}),
    PainArea.NECK: frozenset({Region.NECK}),
    PainArea.HIPS: frozenset({Region.HIPS, Region.HIP_FLEXORS, Region.GLUTES}),
    PainArea.LEG: frozenset({Region.GLUTES, Region.HAMSTRINGS}),
}


class AgeBand(StrEnum):
    UNDER_35 = "under-35"
    FROM_35_TO_49 = "35-49"
    FROM_50_TO_64 = "50-64"
    FROM_65 = "65-plus"


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class Experience(StrEnum):
    NEW = "new"
    SOME = "some"


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    minutes: int = Field(default=MINUTES_DEFAULT, ge=MINUTES_MIN, le=MINUTES_MAX)
    pain_areas: tuple[PainArea, ...] = (PainArea.LOWER_BACK,)
    sits_most_of_day: bool = True
    equipment: tuple[Equipment, ...] = (Equipment.CHAIR, Equipment.WALL)
    can_get_to_floor: bool = True
    can_kneel: bool = True
    conditions: tuple[Condition, ...] = ()
    age_band: AgeBand = AgeBand.FROM_35_TO_49
    experience: Experience = Experience.NEW
    likes_yoga: bool = False
    stretch_days: tuple[Weekday, ...] = tuple(Weekday)  # the days the person means to stretch; others never count

    @property
    def planned_weekdays(self) -> frozenset[int]:
        """Python weekday numbers (Monday is 0) of the days the person means to stretch."""
        return frozenset(list(Weekday).index(d) for d in self.stretch_days)

    @field_validator("stretch_days")
    @classmethod
    def _some_day(cls, days: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if not days:
            raise ValueError("choose at least one day to stretch on")
        return tuple(sorted(set(days), key=list(Weekday).index))

    def effective_conditions(self) -> frozenset[Condition]:
        """Conditions plus the abilities the person said they lack, which stretches list the same way."""
        found = set(self.conditions)
        if not self.can_get_to_floor:
            found.add(Condition.CANNOT_GET_TO_FLOOR)
        if not self.can_kneel:
            found.add(Condition.CANNOT_KNEEL)
        return frozenset(found)

    def has(self, equipment: Equipment) -> bool:
        # A mat helps but a carpet or folded blanket does the same job, so it never rules a stretch out.
        return equipment in (Equipment.NONE, Equipment.MAT) or equipment in self.equipment
