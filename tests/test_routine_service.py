"""One routine service behind every face: the command line and the web API give the same routine for the same
person and day, both follow a clinician's program, and a plan is worked out once until something it depends on
changes."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.app.routine import Refusal, Routine, Routines
from backstretch.core.planner import DayRecord, History, PlanItem
from backstretch.core.profile import PainArea, Profile
from backstretch.core.programs import Program, ProgramItem
from backstretch.core.safety import QUESTIONS, SPINE_SURGERY, Screening
from backstretch.core.vocab import DERIVED_CONDITIONS, Condition, Equipment, Position, Region
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store
from backstretch.web.app import create_app
from tests.helpers import backstretch

TODAY = date.today()
PROFILE = Profile(minutes=12, pain_areas=(PainArea.LOWER_BACK, PainArea.NECK), equipment=(Equipment.CHAIR,
                                                                                           Equipment.WALL))  # fmt: skip


def _person() -> Store:
    store = open_store()
    store.save_profile(PROFILE)
    store.add_screening(Screening(TODAY, {q.id: False for q in QUESTIONS}))
    return store


def _both() -> tuple[dict[str, object], dict[str, object]]:
    """Today's routine from `backstretch plan --json` and from GET /api/plan, over the same data folder."""
    cli = backstretch("plan", "--json")
    assert cli.returncode == 0, cli.stderr
    with TestClient(create_app()) as client:
        api = client.get("/api/plan")
    assert api.status_code == 200, api.text
    return json.loads(cli.stdout), api.json()


def test_the_command_line_and_the_web_api_give_the_same_routine() -> None:
    _person()
    from_cli, from_api = _both()
    assert from_cli == from_api
    assert from_cli["items"] and from_cli["program"] is False


def test_every_face_follows_a_clinicians_program_on_its_days() -> None:
    store = _person()
    prescribed = (ProgramItem("chair-chin-tuck", 20, 3), ProgramItem("chair-hamstring-reach", 25, 2))
    store.assign_program(Program(prescribed, frozenset(range(7)), False, "Keep going.", TODAY), clinician_id=None)
    from_cli, from_api = _both()
    assert from_cli == from_api
    assert from_cli["program"] is True
    items = from_cli["items"]
    assert isinstance(items, list)
    assert [(i["stretch"], i["hold_seconds"], i["reps"]) for i in items] == [
        ("chair-chin-tuck", 20, 3), ("chair-hamstring-reach", 25, 2)]  # fmt: skip


def test_a_plan_is_worked_out_once_and_again_when_its_history_changes() -> None:
    store = _person()
    routines = Routines(load_catalogue())
    first = routines.today(store, TODAY)
    again = routines.today(store, TODAY)
    assert isinstance(first, Routine) and isinstance(again, Routine)
    assert again.plan is first.plan, "the same inputs reuse the plan"
    done = tuple(i.stretch for i in first.plan.items)
    later = routines.plan(PROFILE, TODAY + timedelta(days=1), History((DayRecord(TODAY, done, pain_free=done),)),
                          None)  # fmt: skip
    fresh = routines.plan(PROFILE, TODAY + timedelta(days=1), History(), None)
    assert later is not fresh and later.date == fresh.date
    changed = routines.today(store, TODAY, minutes=20)
    assert isinstance(changed, Routine) and changed.plan is not first.plan


def test_no_profile_or_no_safety_check_is_a_refusal_that_says_what_is_missing() -> None:
    store = open_store()
    routines = Routines(load_catalogue())
    missing = routines.today(store, TODAY)
    assert isinstance(missing, Refusal) and missing.needs == "profile"
    store.save_profile(PROFILE)
    unscreened = routines.today(store, TODAY)
    assert isinstance(unscreened, Refusal) and unscreened.needs == "screening" and unscreened.reasons


def test_an_easier_variant_never_tips_a_session_past_a_third_bending_forward() -> None:
    catalogue = load_catalogue()
    routines = Routines(catalogue)
    hurt, easier = "childs-pose", "chair-forward-lean"  # both bend the spine forward
    assert easier in catalogue[hurt].easier

    def item(sid: str) -> PlanItem:
        s = catalogue[sid]
        return PlanItem(sid, s.name, 20, 2, 2 if s.per_side else 1, s.position, s.regions.primary,
                        s.spinal_movement, 60)  # fmt: skip

    neutral = ["chair-chin-tuck", "chair-neck-side-tilt", "chair-scalene-stretch", "chair-overhead-triceps",
               "standing-cross-body-shoulder"]  # fmt: skip
    offered = routines.easier_variant([item(hurt), *map(item, neutral)], hurt, Profile(), History(), TODAY)
    assert isinstance(offered, PlanItem) and offered.stretch == easier
    crowded = routines.easier_variant([item(hurt), *map(item, neutral[:2])], hurt, Profile(), History(), TODAY)
    assert isinstance(crowded, Refusal) and "does not fit" in crowded.reasons[0]


class Given:
    """One person's data held in memory, as a profile file gives it to `backstretch plan --profile`."""

    def __init__(self, profile: Profile, screening: Screening | None) -> None:
        self.profile, self.screening = profile, screening

    def load_profile(self) -> Profile | None:
        return self.profile

    def latest_screening(self) -> Screening | None:
        return self.screening

    def planner_history(self, on: date) -> History:
        return History()

    def program(self) -> Program | None:
        return None

    def day_minutes(self, on: date) -> int | None:
        return None  # a profile file has no minutes kept for a day

    def flare_day(self, on: date) -> bool:
        return False

    def screened_since_flare(self, on: date) -> bool:
        return True


ROUTINES = Routines(load_catalogue())
others = st.lists(st.sampled_from([c for c in Condition if c is not Condition.RECENT_SPINE_SURGERY
                                   and c not in DERIVED_CONDITIONS and c is not Condition.PREGNANCY]),
                  max_size=2, unique=True)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(others, st.integers(3, 30), st.booleans(), st.integers(0, 27), st.booleans())
def test_recent_spine_surgery_gets_no_routine_until_the_surgical_team_cleared_it(
    conditions: list[Condition], minutes: int, cleared: bool, days_ago: int, recorded: bool
) -> None:
    profile = Profile(minutes=minutes, conditions=(Condition.RECENT_SPINE_SURGERY, *conditions))
    answers: dict[str, bool] = {q.id: False for q in QUESTIONS}
    if recorded:
        answers[SPINE_SURGERY.id] = True
    taken = TODAY - timedelta(days=days_ago)
    found = ROUTINES.today(Given(profile, Screening(taken, answers, taken if cleared else None)), TODAY)
    if cleared and recorded:
        assert isinstance(found, Routine), "cleared by the surgical team: a routine"
        assert not any(Condition.RECENT_SPINE_SURGERY in ROUTINES.catalogue[i.stretch].avoid_if
                       for i in found.plan.items)  # fmt: skip
    else:
        assert isinstance(found, Refusal) and not found.emergency
        assert any("surgical team" in r for r in found.reasons)


def test_today_says_the_warm_up_comes_first_and_names_positions_and_regions_in_plain_words() -> None:
    _person()
    with TestClient(create_app()) as client:
        page = client.get("/today")
    assert page.status_code == 200
    routine = page.text[page.text.index('id="warm-up"') : page.text.index("</ol>")]
    assert "a minute of easy movement to warm up" in routine
    shown = " ".join(re.findall(r'<span class="meta">([^<]*)</span>', routine))
    assert shown, "each stretch says where it is done and what it works"
    for term in [p.value for p in Position if "-" in p.value] + [r.value for r in Region if "-" in r.value]:
        assert term not in shown, f"the vocabulary term {term!r} reached the page"


def test_the_week_follows_a_clinicians_program_on_its_days() -> None:
    store = _person()
    monday = TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=7)
    store.add_screening(Screening(monday, {q.id: False for q in QUESTIONS}))
    prescribed = (ProgramItem("chair-chin-tuck", 20, 3),)
    store.assign_program(Program(prescribed, frozenset({0, 2, 4}), False, "", TODAY), clinician_id=None)
    result = backstretch("plan", "--week", "--json", "--date", monday.isoformat())
    assert result.returncode == 0, result.stderr
    week = json.loads(result.stdout)
    assert [date.fromisoformat(d["date"]).weekday() for d in week] == [0, 2, 4], "the program's days only"
    assert all(d["program"] and [i["stretch"] for i in d["items"]] == ["chair-chin-tuck"] for d in week)


def test_an_emergency_answer_cannot_be_cleared_on_the_web_however_old() -> None:
    store = open_store()
    store.save_profile(PROFILE)
    old = TODAY - timedelta(days=40)
    store.add_screening(Screening(old, {**{q.id: False for q in QUESTIONS}, "saddle-numbness": True, "cancer": True}))
    with TestClient(create_app()) as client:
        answer = client.post("/api/screening/clearance")
    assert answer.status_code == 409 and "urgent care" in answer.text
    assert store.latest_screening() is not None and store.latest_screening().cleared_on is None  # type: ignore[union-attr]


def test_conditions_written_as_derived_ones_survive_saving_the_profile_again() -> None:
    stated = Profile.model_validate({"conditions": ["pregnancy-after-first-trimester", "cannot-kneel"]})
    assert stated.conditions == (Condition.PREGNANCY,) and not stated.can_kneel
    assert stated.pregnancy_trimester is not None and stated.pregnant_after_first_trimester
    again = Profile.model_validate(stated.model_dump(mode="json"))
    assert again == stated
    assert {Condition.PREGNANCY_AFTER_FIRST_TRIMESTER, Condition.CANNOT_KNEEL} <= again.effective_conditions()
