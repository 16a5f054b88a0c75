"""The session timeline: exactly the time the plan promised, cues inside their holds, breathing at a calm pace."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core.planner import PlanItem, plan_day
from backstretch.core.profile import AgeBand, Profile
from backstretch.core.timeline import CHECKLIST, StepKind, breath_at, build_timeline, mirrored
from backstretch.core.vocab import FLOOR_POSITIONS, Equipment, Position
from backstretch.library import load_catalogue

CATALOGUE = load_catalogue()
profiles = st.builds(
    Profile,
    minutes=st.integers(3, 30),
    equipment=st.lists(st.sampled_from(list(Equipment)), max_size=4, unique=True).map(tuple),
    can_get_to_floor=st.booleans(),
    age_band=st.sampled_from(list(AgeBand)),
)


@settings(max_examples=150, deadline=None)
@given(profiles, st.dates(date(2026, 1, 1), date(2027, 12, 31)))
def test_session_takes_exactly_the_planned_time(profile: Profile, on: date) -> None:
    plan = plan_day(CATALOGUE, profile, on)
    timeline = build_timeline(plan.items, CATALOGUE)
    assert timeline.total_s == plan.total_seconds <= 60 * profile.minutes
    holds = [s for s in timeline.steps if s.kind is StepKind.HOLD]
    assert len(holds) == sum(i.reps * i.sides for i in plan.items)
    for step in timeline.steps:
        assert step.seconds > 0
        assert all(0 <= cue.at_s < step.seconds for cue in step.cues)
    for a, b in zip(timeline.steps, timeline.steps[1:], strict=False):
        assert b.start_s == a.end_s


def test_every_hold_starts_with_no_bouncing_and_is_preceded_by_a_slow_move_in() -> None:
    plan = plan_day(CATALOGUE, Profile(minutes=15), date(2026, 11, 24))
    timeline = build_timeline(plan.items, CATALOGUE)
    assert timeline.steps[0].kind is StepKind.CHECKLIST and timeline.steps[0].lines == CHECKLIST
    for step in timeline.steps:
        if step.kind is StepKind.HOLD:
            assert "No bouncing" in step.cues[0].text
            assert timeline.steps[step.index - 1].kind is StepKind.MOVE_IN
            assert timeline.steps[step.index + 1].kind is StepKind.RELEASE


def test_per_side_stretches_switch_sides() -> None:
    plan = plan_day(CATALOGUE, Profile(minutes=15), date(2026, 11, 24))
    timeline = build_timeline(plan.items, CATALOGUE)
    for n, item in enumerate(plan.items):
        sides = {s.side for s in timeline.steps_of_item(n) if s.kind is StepKind.HOLD}
        assert sides == ({"right", "left"} if item.sides == 2 else {None})


def _one_stretch(stretch_id: str, reps: int = 1) -> list[PlanItem]:
    stretch = CATALOGUE[stretch_id]
    return [PlanItem(stretch.id, stretch.name, 20, reps, 2, stretch.position, (), stretch.spinal_movement, 60)]


def test_the_left_side_is_told_left_where_the_right_side_is_told_right() -> None:
    # A person holding the left leg up the door frame must not be told to bend the right knee.
    steps = build_timeline(_one_stretch("doorway-hamstring"), CATALOGUE).steps
    release = {s.side: s.lines for s in steps if s.kind is StepKind.RELEASE}
    assert release["right"][0] == "Bend the right knee and slide the foot down the frame to the floor."
    assert release["left"][0] == "Bend the left knee and slide the foot down the frame to the floor."
    assert "left leg" in release["right"][1] and "other side" not in release["left"][1]
    hold = {s.side: s.lines for s in steps if s.kind is StepKind.HOLD}
    neck = build_timeline(_one_stretch("chair-neck-side-tilt"), CATALOGUE).steps
    feel = {s.side: s.lines[0] for s in neck if s.kind is StepKind.HOLD}
    assert "right side of the neck" in feel["right"] and "left side of the neck" in feel["left"]
    assert hold["right"] == hold["left"]  # words with no side in them stay as written


@pytest.mark.parametrize("stretch_id", sorted(s.id for s in CATALOGUE.values() if s.per_side))
def test_every_step_of_the_second_side_mirrors_the_first(stretch_id: str) -> None:
    steps = build_timeline(_one_stretch(stretch_id, reps=2), CATALOGUE).steps
    for kind in (StepKind.MOVE_IN, StepKind.HOLD):
        right = [s for s in steps if s.kind is kind and s.side == "right"]
        left = [s for s in steps if s.kind is kind and s.side == "left"]
        assert [tuple(map(mirrored, s.lines)) for s in right] == [s.lines for s in left]
        assert [[mirrored(c.text) for c in s.cues] for s in right] == [[c.text for c in s.cues] for s in left]


@given(st.text())
def test_mirroring_twice_gives_back_the_words(text: str) -> None:
    assert mirrored(mirrored(text)) == text
    assert len(mirrored(text).split()) == len(text.split())


def test_step_at_finds_the_running_step_and_none_at_the_end() -> None:
    plan = plan_day(CATALOGUE, Profile(minutes=8), date(2026, 11, 24))
    timeline = build_timeline(plan.items, CATALOGUE)
    for step in timeline.steps:
        assert timeline.step_at(step.start_s) == step
        assert timeline.step_at(step.end_s - 0.01) == step
    assert timeline.step_at(timeline.total_s) is None


@given(st.floats(0, 600), st.floats(3, 12))
def test_breathing_alternates_in_and_out_at_the_chosen_pace(t: float, bpm: float) -> None:
    phase, fraction = breath_at(t, bpm)
    assert phase in ("in", "out") and 0 <= fraction <= 1
    assert breath_at(t + 60 / bpm, bpm)[0] == phase or abs(fraction) < 1e-6 or abs(fraction - 1) < 1e-6


def test_six_breaths_a_minute_by_default() -> None:
    starts = [t / 10 for t in range(600) if breath_at(t / 10)[0] == "in" and breath_at((t - 1) / 10)[0] == "out"]
    assert len(starts) == 6


TIMED = {StepKind.WARM_UP, StepKind.MOVE_IN, StepKind.HOLD, StepKind.RELEASE, StepKind.REST, StepKind.SWITCH_SIDE}


@settings(max_examples=150, deadline=None)
@given(profiles, st.dates(date(2026, 1, 1), date(2027, 12, 31)))
def test_reading_and_moving_wait_for_the_person_and_holds_stay_timed(profile: Profile, on: date) -> None:
    plan = plan_day(CATALOGUE, profile, on)
    timeline = build_timeline(plan.items, CATALOGUE, older=profile.age_band is AgeBand.FROM_65)
    for step in timeline.steps:
        assert step.waits == (step.kind not in TIMED), step
        if step.kind is StepKind.POSITION:
            assert step.lines, "a change of position says how to make it"
            assert not any("-" in p.value and p.value in step.title for p in Position), "plain words, not the term"
    floor = [i for i in plan.items if i.position in FLOOR_POSITIONS]
    moves = [s for s in timeline.steps if s.kind is StepKind.POSITION]
    if floor:
        titles = [s.title for s in moves]
        assert titles.count("Get down to the floor slowly") == 1 and titles.count("Come up from the floor slowly") == 1
    for step in timeline.steps:
        if step.kind is not StepKind.RELEASE:
            continue
        following = timeline.steps[step.index + 1] if step.index + 1 < len(timeline.steps) else None
        said = " ".join(step.lines).lower()
        if following is None or following.kind is not StepKind.SWITCH_SIDE:
            assert "other side" not in said and "changing sides" not in said and "second round" not in said, step
        if following is None or following.kind is not StepKind.REST:
            assert "next repetition" not in said and "do it again" not in said, step
        assert "push up to stand" not in said and "to get up" not in said, "getting up is the position step's job"


def test_people_65_and_over_are_asked_to_pause_on_the_way_down_and_up() -> None:
    profile = Profile(minutes=15, age_band=AgeBand.FROM_65)
    plan = plan_day(CATALOGUE, profile, date(2026, 11, 24))
    assert any(i.position in FLOOR_POSITIONS for i in plan.items), "this example goes to the floor"
    older = [s for s in build_timeline(plan.items, CATALOGUE, older=True).steps if s.kind is StepKind.POSITION]
    younger = [s for s in build_timeline(plan.items, CATALOGUE).steps if s.kind is StepKind.POSITION]
    assert [s.index for s in older] == [s.index for s in younger], "the same steps, so a saved session stays in step"
    assert all(len(o.lines) > len(y.lines) for o, y in zip(older, younger, strict=True))
    assert "light-headed" in " ".join(older[-1].lines) and "light-headed" not in " ".join(younger[-1].lines)
