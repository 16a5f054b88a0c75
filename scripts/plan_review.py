"""The plan review: the routines the planner gives a dozen typical people, as tables a clinician can read in one
sitting.

Usage: python scripts/plan_review.py [OUT.md]   (prints to the terminal without OUT.md)

Read it every time the planner changes; docs/plan-review.md keeps the latest output.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from backstretch.core.catalogue import Stretch
from backstretch.core.planner import DayRecord, History, MorningPain, Plan, plan_day
from backstretch.core.profile import AgeBand, Experience, PainArea, Profile
from backstretch.core.vocab import Condition, Equipment
from backstretch.library import load_catalogue

DAY = date(2026, 12, 7)  # a Monday
DESK = (Equipment.CHAIR, Equipment.WALL)
HOME = (Equipment.CHAIR, Equipment.WALL, Equipment.STRAP, Equipment.MAT, Equipment.CUSHION)


@dataclass(frozen=True)
class Person:
    title: str
    profile: Profile
    history: History = field(default_factory=History)
    flare: bool = False
    desk: bool = False
    days_before: int = 0  # plan this many days first, each done without pain, to show a later day
    notes: tuple[str, ...] = field(default=())


def _done_days(catalogue: Mapping[str, Stretch], person: Person) -> History:
    """The person's history after planning and doing `days_before` routines without pain."""
    days = list(person.history.days)
    for back in range(person.days_before, 0, -1):
        on = DAY - timedelta(days=back)
        plan = plan_day(catalogue, person.profile, on, History(tuple(days), person.history.mornings))
        done = tuple(i.stretch for i in plan.items)
        days.append(DayRecord(on, done, pain_free=done))
    return History(tuple(days), person.history.mornings)


PEOPLE = (
    Person("Desk worker, new to stretching, lower-back pain, 10 minutes",
           Profile(minutes=10, pain_areas=(PainArea.LOWER_BACK,), equipment=DESK)),
    Person("The same desk worker the next day, after a pain-free first session",
           Profile(minutes=10, pain_areas=(PainArea.LOWER_BACK,), equipment=DESK), days_before=1),
    Person("The same desk worker after three weeks of pain-free sessions",
           Profile(minutes=10, pain_areas=(PainArea.LOWER_BACK,), equipment=DESK), days_before=21),
    Person("Desk worker with 3 minutes", Profile(minutes=3, pain_areas=(PainArea.LOWER_BACK,), equipment=DESK)),
    Person("Desk worker with 30 minutes at home, some experience",
           Profile(minutes=30, pain_areas=(PainArea.LOWER_BACK, PainArea.NECK), equipment=HOME,
                   experience=Experience.SOME)),
    Person("Neck and shoulder pain, a desk break of 5 minutes (desk mode)",
           Profile(minutes=5, pain_areas=(PainArea.NECK,), equipment=DESK), desk=True),
    Person("Older adult (65 or over), hips and lower back, cannot get down to the floor, 15 minutes",
           Profile(minutes=15, pain_areas=(PainArea.HIPS, PainArea.LOWER_BACK), equipment=DESK,
                   age_band=AgeBand.FROM_65, can_get_to_floor=False, can_kneel=False)),
    Person("Pregnant, lower-back pain, 15 minutes",
           Profile(minutes=15, pain_areas=(PainArea.LOWER_BACK,), equipment=HOME, conditions=(Condition.PREGNANCY,))),
    Person("Osteoporosis, aged 50 to 64, 15 minutes",
           Profile(minutes=15, pain_areas=(PainArea.LOWER_BACK,), equipment=HOME, age_band=AgeBand.FROM_50_TO_64,
                   conditions=(Condition.OSTEOPOROSIS,))),
    Person("Hip replacement, 20 minutes",
           Profile(minutes=20, pain_areas=(PainArea.HIPS,), equipment=HOME, conditions=(Condition.HIP_REPLACEMENT,))),
    Person("Knee replacement, cannot kneel, 10 minutes",
           Profile(minutes=10, equipment=HOME, can_kneel=False, conditions=(Condition.KNEE_REPLACEMENT,))),
    Person("Pain worse bending forward and sitting (flexion-intolerant), 10 minutes",
           Profile(minutes=10, equipment=HOME, conditions=(Condition.FLEXION_INTOLERANT,))),
    Person("Flare-up day, lower-back pain, asked for 30 minutes",
           Profile(minutes=30, pain_areas=(PainArea.LOWER_BACK,), equipment=HOME), flare=True),
    Person("Morning pain 3 points above usual, 15 minutes",
           Profile(minutes=15, pain_areas=(PainArea.LOWER_BACK,), equipment=HOME),
           History(mornings=(MorningPain(DAY, pain=6, usual=3),))),
    Person("Likes yoga, some experience, all equipment, 20 minutes",
           Profile(minutes=20, pain_areas=(PainArea.LOWER_BACK, PainArea.HIPS), equipment=tuple(Equipment),
                   experience=Experience.SOME, likes_yoga=True)),
)  # fmt: skip


def _clock(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def review(catalogue: Mapping[str, Stretch], person: Person) -> tuple[Plan, list[str]]:
    history = _done_days(catalogue, person)
    plan = plan_day(catalogue, person.profile, DAY, history, desk=person.desk, flare=person.flare)
    lines = [f"## {person.title}", ""]
    lines += ["| # | stretch | position | dose | time | works on |", "|---|---|---|---|---|---|"]
    for n, item in enumerate(plan.items, start=1):
        sides = ", each side" if item.sides == 2 else ""
        regions = ", ".join(r.value.replace("-", " ") for r in item.regions)
        lines.append(f"| {n} | {item.name} | {item.position.value.replace('-', ' ')} | {item.hold_seconds} s × "
                     f"{item.reps}{sides} | {_clock(item.seconds)} | {regions} |")  # fmt: skip
    count = f"{len(plan.items)} stretch{'es' if len(plan.items) != 1 else ''}"
    lines += ["", f"{count}, {_clock(plan.total_seconds)} of {plan.minutes_budget} minutes "
                  "(with the checklist and a minute's warm-up)."]  # fmt: skip
    lines += [f"- Why: {r}" for r in plan.reasons] + [f"- Note: {w}" for w in plan.warnings]
    return plan, [*lines, ""]


def main() -> None:
    catalogue = load_catalogue()
    out = ["# Plan review", "", f"What the planner gives typical people on {DAY:%A} {DAY.day} {DAY:%B %Y}, made by "
           "`python scripts/plan_review.py docs/plan-review.md`. Doses are hold × repetitions.", ""]  # fmt: skip
    for person in PEOPLE:
        out += review(catalogue, person)[1]
    text = "\n".join(out)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
