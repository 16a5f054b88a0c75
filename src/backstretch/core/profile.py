"""What the planner needs to know about a person, validated so a bad value names its field and the choices."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

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


class Trimester(StrEnum):
    """The stage of a pregnancy, asked only when pregnancy is among the conditions (Rule pregnancy)."""

    FIRST = "1"
    SECOND = "2"
    THIRD = "3"
    NOT_KNOWN = "not-known"


# What pages show for the person's answers: plain words, never the vocabulary term.
PAIN_AREA_WORDS: dict[PainArea, str] = {
    PainArea.LOWER_BACK: "Lower back",
    PainArea.UPPER_BACK: "Upper back",
    PainArea.NECK: "Neck",
    PainArea.HIPS: "Hips",
    PainArea.LEG: "Down a leg (sciatica)",
}
AGE_BAND_WORDS: dict[AgeBand, str] = {
    AgeBand.UNDER_35: "Under 35",
    AgeBand.FROM_35_TO_49: "35 to 49",
    AgeBand.FROM_50_TO_64: "50 to 64",
    AgeBand.FROM_65: "65 or older",
}
TRIMESTER_LABELS: dict[Trimester, str] = {
    Trimester.FIRST: "First trimester (up to 13 weeks)",
    Trimester.SECOND: "Second trimester (14 to 27 weeks)",
    Trimester.THIRD: "Third trimester (28 weeks on)",
    Trimester.NOT_KNOWN: "I am not sure",
}


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    minutes: int = Field(default=MINUTES_DEFAULT, ge=MINUTES_MIN, le=MINUTES_MAX)
    pain_areas: tuple[PainArea, ...] = (PainArea.LOWER_BACK,)
    sits_most_of_day: bool = True
    equipment: tuple[Equipment, ...] = (Equipment.CHAIR, Equipment.WALL)
    can_get_to_floor: bool = True
    can_kneel: bool = True
    conditions: tuple[Condition, ...] = ()
    # Only with pregnancy among the conditions. Left out (as in profiles saved before it was asked), a pregnancy
    # counts as of unknown stage, which rules out what the second and third trimesters rule out.
    pregnancy_trimester: Trimester | None = None
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

    @model_validator(mode="before")
    @classmethod
    def _stated_as_answers(cls, data: object) -> object:
        """Conditions the questions ask another way, written as conditions (by the API or a file), become those
        answers, so saving the profile again from a form that does not list them cannot lose them: cannot kneel,
        cannot get to the floor, and pregnancy after the first trimester (of unknown stage, unless given)."""
        if not isinstance(data, dict) or not isinstance(data.get("conditions"), list | tuple):
            return data
        found = [str(c) for c in data["conditions"]]
        fixed = dict(data)
        if Condition.CANNOT_KNEEL.value in found:
            fixed["can_kneel"] = False
        if Condition.CANNOT_GET_TO_FLOOR.value in found:
            fixed["can_get_to_floor"] = False
        if Condition.PREGNANCY_AFTER_FIRST_TRIMESTER.value in found:
            if Condition.PREGNANCY.value not in found:
                found.append(Condition.PREGNANCY.value)
            if fixed.get("pregnancy_trimester") in (None, "1", 1):
                fixed["pregnancy_trimester"] = Trimester.NOT_KNOWN.value
        derived = {c.value for c in (Condition.CANNOT_KNEEL, Condition.CANNOT_GET_TO_FLOOR,
                                     Condition.PREGNANCY_AFTER_FIRST_TRIMESTER)}  # fmt: skip
        fixed["conditions"] = [c for c in found if c not in derived]
        return fixed

    @field_validator("pregnancy_trimester", mode="before")
    @classmethod
    def _trimester_number(cls, value: object) -> object:
        # A profile file may say 2 rather than "2".
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("pregnancy_trimester")
    @classmethod
    def _trimester_with_pregnancy(cls, value: Trimester | None, info: ValidationInfo) -> Trimester | None:
        if value is not None and Condition.PREGNANCY not in info.data.get("conditions", ()):
            raise ValueError(
                "is only asked when pregnancy is among the conditions; add pregnancy to conditions or leave "
                "pregnancy_trimester out"
            )
        return value

    @property
    def pregnant_after_first_trimester(self) -> bool:
        """Pregnant and not known to be in the first trimester: no lying on the back or front (Rule pregnancy)."""
        return Condition.PREGNANCY in self.conditions and self.pregnancy_trimester is not Trimester.FIRST

    def effective_conditions(self) -> frozenset[Condition]:
        """Conditions plus the abilities the person said they lack, which stretches list the same way, and the
        stage of a pregnancy: past the first trimester, or not known, adds pregnancy-after-first-trimester."""
        found = set(self.conditions)
        if self.pregnant_after_first_trimester:
            found.add(Condition.PREGNANCY_AFTER_FIRST_TRIMESTER)
        if Condition.PREGNANCY_AFTER_FIRST_TRIMESTER in found:  # stated outright (the API allows it): pregnant
            found.add(Condition.PREGNANCY)
        if not self.can_get_to_floor:
            found.add(Condition.CANNOT_GET_TO_FLOOR)
        if not self.can_kneel:
            found.add(Condition.CANNOT_KNEEL)
        return frozenset(found)

    def has(self, equipment: Equipment) -> bool:
        # A mat helps but a carpet or folded blanket does the same job, so it never rules a stretch out.
        return equipment in (Equipment.NONE, Equipment.MAT) or equipment in self.equipment
