"""Today's routine, decided in one place for every face: the web pages and API, the command line, the handout and
the desk breaks all ask here, so they cannot drift apart.

A routine needs a profile and a safety check that lets the person stretch today (recent spine surgery counts, as in
core.safety). On the days a clinician's program covers (clinic mode) it is the program; otherwise the planner's, with
each stretch the person swapped replaced by one other and the rest kept. The answer is a Routine or a Refusal with
its reasons, never an exception. A plan is worked out once and reused while nothing it depends on changes: the key
holds every input (profile, history, program, day, minutes, swaps, desk mode, flare-up), so a change to any of them
plans afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from backstretch.core.catalogue import Stretch
from backstretch.core.planner import (
    DayRecord,
    History,
    Plan,
    PlanItem,
    allowed_reason,
    check_items,
    easier_instead,
    plan_day,
    plan_week,
    plan_with_swaps,
)
from backstretch.core.profile import Profile
from backstretch.core.programs import Program, program_plan
from backstretch.core.reminders import desk_rotation
from backstretch.core.safety import FLARE_RESCREEN, Screening, Verdict, assess
from backstretch.core.vocab import SpinalMovement

REST_DAY = ("A rest day in your program: nothing is planned today. Moving about as usual is good for your back; "
            "your clinician chose the days.")  # fmt: skip
NOTHING_SUITS = "No stretch in the library suits you today; please talk to a clinician about what is safe."
NO_PROFILE = "Please set up your profile first: a few questions about your back, your time and your space."
MAX_SESSION_ITEMS = 100  # a session grows by easier variants; as many as a stored plan may hold


class PersonData(Protocol):
    """What the routine needs to know about one person; the store gives it, and so can a profile file."""

    def load_profile(self) -> Profile | None: ...

    def latest_screening(self) -> Screening | None: ...

    def planner_history(self, on: date) -> History: ...

    def program(self) -> Program | None: ...

    def day_minutes(self, on: date) -> int | None: ...

    def flare_day(self, on: date) -> bool: ...

    def screened_since_flare(self, on: date) -> bool: ...


@dataclass(frozen=True)
class Refusal:
    """No routine today, and why. `needs` says what the person must do first, when it is a missing step."""

    reasons: tuple[str, ...]
    verdict: Verdict | None = None
    needs: Literal["profile", "screening"] | None = None

    @property
    def emergency(self) -> bool:
        return self.verdict is not None and bool(self.verdict.emergency)


@dataclass(frozen=True)
class Routine:
    plan: Plan
    profile: Profile
    verdict: Verdict


_PlanKey = tuple[Profile, History, Program | None, date, int | None, tuple[str, ...], bool, bool]


def day_verdict(person: PersonData, on: date, flare: bool = False, profile: Profile | None = None,
                screening: Screening | None = None, screening_given: bool = False) -> Verdict | Refusal:  # fmt: skip
    """The safety verdict for the day (recent spine surgery counts), or a Refusal when the person has no profile or
    safety check yet. `profile` and `screening` (with `screening_given`) stand in for the stored ones."""
    profile = profile or person.load_profile()
    if profile is None:
        return Refusal((NO_PROFILE,), needs="profile")
    latest = screening if screening_given else person.latest_screening()
    flare = flare or person.flare_day(on)  # clinical-facts: red-flag, screened again at every flare-up
    verdict = assess(latest, on, flare_or_new_symptoms=flare, conditions=profile.conditions)
    if verdict.may_plan and flare and not screening_given and not person.screened_since_flare(on):
        # Answered this morning, worse this afternoon: the answers must come after the flare-up was said.
        verdict = Verdict(False, (), (), (FLARE_RESCREEN,))
    if latest is None:
        return Refusal(verdict.reasons, verdict, needs="screening")
    return verdict


def cleared(
    person: PersonData,
    on: date,
    flare: bool = False,
    profile: Profile | None = None,
    screening: Screening | None = None,
    screening_given: bool = False,
) -> tuple[Profile, Verdict] | Refusal:
    """The person's profile and a verdict that lets them stretch on the day, or the Refusal."""
    profile = profile or person.load_profile()
    verdict = day_verdict(person, on, flare, profile, screening, screening_given)
    if isinstance(verdict, Refusal):
        return verdict
    if not verdict.may_plan:
        return Refusal(verdict.reasons, verdict)
    assert profile is not None  # day_verdict() refuses without one
    return profile, verdict


def refusal_reasons(person: PersonData, on: date) -> list[str]:
    """Why no session may start on a day; empty when one may."""
    verdict = day_verdict(person, on)
    if isinstance(verdict, Refusal):
        return list(verdict.reasons)
    return [] if verdict.may_plan else list(verdict.reasons)


class Routines:
    """The routine service for one catalogue (the built-in library plus the person's own stretches)."""

    def __init__(self, catalogue: Mapping[str, Stretch], remembered: int = 512) -> None:
        self.catalogue = catalogue
        self._plans: OrderedDict[_PlanKey, Plan] = OrderedDict()
        self._remembered = remembered
        self._lock = threading.Lock()

    def today(
        self,
        person: PersonData,
        on: date,
        minutes: int | None = None,
        swaps: Sequence[str] = (),
        desk: bool = False,
        flare: bool = False,
        profile: Profile | None = None,
        screening: Screening | None = None,
        screening_given: bool = False,
    ) -> Routine | Refusal:
        """The routine for a day, or why there is none. `profile` and `screening` (with `screening_given`) stand in
        for the stored ones, as `backstretch plan --profile FILE` does; the history still comes from `person`.
        Without `minutes`, the minutes the person chose for that day, else their profile's."""
        allowed = cleared(person, on, flare, profile, screening, screening_given)
        if isinstance(allowed, Refusal):
            return allowed
        profile, verdict = allowed
        return Routine(self.day_plan(person, profile, on, minutes, swaps, desk, flare), profile, verdict)

    def day_plan(self, person: PersonData, profile: Profile, on: date, minutes: int | None = None,
                 swaps: Sequence[str] = (), desk: bool = False, flare: bool = False) -> Plan:  # fmt: skip
        """The day's plan for someone the safety check has cleared: the minutes kept for the day unless others are
        asked for, and on a day the person said is a flare-up, the flare-up routine instead of a program
        (clinical-facts: flare)."""
        if minutes is None:
            minutes = person.day_minutes(on)
        flare = flare or person.flare_day(on)
        program = None if desk or flare else person.program()
        return self.plan(profile, on, person.planner_history(on), program, minutes, swaps, desk, flare)

    def week(self, person: PersonData, start: date, minutes: int | None = None, desk: bool = False,
             profile: Profile | None = None, screening: Screening | None = None,
             screening_given: bool = False) -> list[Plan] | Refusal:  # fmt: skip
        """The routines of the seven days from `start`: the person's stretch days, or a clinician's program days
        (and the person's own days besides, when the program lets the planner fill them)."""
        allowed = cleared(person, start, False, profile, screening, screening_given)
        if isinstance(allowed, Refusal):
            return allowed
        profile = allowed[0]
        program = None if desk else person.program()
        history = person.planner_history(start)
        if program is None:
            return plan_week(self.catalogue, profile, start, history, minutes, desk)
        # The program's days, and the person's own stretch days when the program lets the planner fill them;
        # each day sees the ones planned before it, as plan_week does.
        plans, days = [], list(history.days)
        for offset in range(7):
            on = start + timedelta(days=offset)
            own = program.fill_free_days and on.weekday() in profile.planned_weekdays
            if on.weekday() not in program.weekdays and not own:
                continue
            plan = self.plan(profile, on, History(tuple(days), history.mornings), program, minutes, (), desk)
            plans.append(plan)
            days.append(DayRecord(on, tuple(i.stretch for i in plan.items)))
        return plans

    def plan(self, profile: Profile, on: date, history: History, program: Program | None, minutes: int | None = None,
             swaps: Sequence[str] = (), desk: bool = False, flare: bool = False) -> Plan:  # fmt: skip
        """The plan for these inputs, worked out once: the program's on its days, else the planner's."""
        key: _PlanKey = (profile, history, program, on, minutes, tuple(swaps), desk, flare)
        with self._lock:
            found = self._plans.get(key)
            if found is not None:
                self._plans.move_to_end(key)
                return found
        plan = self._work_out(profile, on, history, program, minutes, swaps, desk, flare)
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > self._remembered:
                self._plans.popitem(last=False)
        return plan

    def _work_out(self, profile: Profile, on: date, history: History, program: Program | None, minutes: int | None,
                  swaps: Sequence[str], desk: bool, flare: bool) -> Plan:  # fmt: skip
        if program is not None:
            prescribed = program_plan(program, self.catalogue, profile, on, history)
            if prescribed is not None:
                return prescribed
            if not program.fill_free_days:
                return Plan(on, 0, 0, (), (), (REST_DAY,), (), 0, program=True)
        if swaps:
            return plan_with_swaps(self.catalogue, profile, on, history, swaps, minutes, desk, flare)
        return plan_day(self.catalogue, profile, on, history, minutes, desk, flare)

    def check_saved(self, person: PersonData, items: Sequence[PlanItem], profile: Profile, history: History,
                    on: date) -> list[str]:  # fmt: skip
        """Why a routine saved earlier (a plan file, a page kept offline) may not be followed today: on a day the
        person said is a flare-up, the flare-up's rules too."""
        return check_items(items, self.catalogue, profile, history, on, person.flare_day(on))

    def easier_variant(self, items: Sequence[PlanItem], stretch: str, profile: Profile, history: History,
                       on: date) -> PlanItem | Refusal:  # fmt: skip
        """The easier variant to put in a session right after a stretch that hurt, or why there is none: it must
        suit the person, not be in the session already, and keep the session within the planner's rules (at most
        a third of the stretches bending forward)."""
        if stretch not in self.catalogue:
            return Refusal((f"{stretch} is not in your library.",))
        in_session: Collection[str] = {i.stretch for i in items}
        variant = easier_instead(stretch, self.catalogue, profile, history, on, leave_out=in_session)
        name = self.catalogue[stretch].name
        if variant is None:
            return Refusal((f"There is no easier variant of {name} that suits you.",))
        after = [*items, variant]
        forward = sum(1 for i in after if i.stretch in self.catalogue
                      and self.catalogue[i.stretch].spinal_movement is SpinalMovement.FLEXION)  # fmt: skip
        if len(after) > MAX_SESSION_ITEMS or 3 * forward > len(after):
            return Refusal((f"The easier variant of {name} does not fit this session.",))
        return variant


def desk_stretches(catalogue: Mapping[str, Stretch], profile: Profile | None,
                   painful: Collection[str] = ()) -> list[Stretch]:  # fmt: skip
    """The stretches a desk break may suggest, in the order breaks take them: only what the person's conditions and
    equipment allow, as the planner does, and none they found painful lately. With no profile yet, the default one
    assumes just a chair and a wall, which any desk has."""
    person = profile or Profile()
    return desk_rotation([s for s in catalogue.values()
                          if allowed_reason(s, person, desk=True) is None and s.id not in painful])  # fmt: skip


def item_json(item: PlanItem) -> dict[str, Any]:
    return {
        **asdict(item),
        "position": item.position.value,
        "spinal_movement": item.spinal_movement.value,
        "regions": [r.value for r in item.regions],
    }


def plan_json(plan: Plan) -> dict[str, Any]:
    """A plan as `backstretch plan --json` prints it and `/api/plan` returns it."""
    data = asdict(plan)
    data["date"] = plan.date.isoformat()
    data["items"] = [item_json(i) for i in plan.items]
    data["covered_regions"] = [r.value for r in plan.covered_regions]
    data["warnings"], data["reasons"] = list(plan.warnings), list(plan.reasons)
    return data
