"""Swap: one stretch swapped is one stretch changed, and the routine it makes keeps every hard rule of the planner
(docs/planner.md), for any person, day and history."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstretch.core.planner import (
    FLARE_MAX_MINUTES,
    DayRecord,
    History,
    Plan,
    build_problem,
    plan_day,
    plan_with_swaps,
    selection_seconds,
)
from backstretch.core.profile import Profile
from backstretch.core.vocab import SpinalMovement
from tests.test_planner import CATALOGUE, situations

Situation = tuple[Profile, date, History]


def assert_hard_rules(plan: Plan, profile: Profile, on: date, history: History, desk: bool, flare: bool) -> None:
    """Every stretch one the planner itself could choose today (allowed for the person, not painful lately, past
    the progression gate, fit for a flare-up or desk day) at its hold and within its repetitions; the whole
    session within the minutes; few enough to learn; at most a third bending forward; one new step at most."""
    problem = build_problem(CATALOGUE(), profile, on, history, None, desk, flare)
    candidates = {c.stretch.id: c for c in problem.candidates}
    chosen = []
    for item in plan.items:
        assert item.stretch in candidates, f"{item.stretch} is not one the rules allow today"
        c = candidates[item.stretch]
        assert item.hold_seconds == c.hold and c.min_reps <= item.reps <= c.max_reps, item
        chosen.append((c, item.reps))
    minutes = min(profile.minutes, FLARE_MAX_MINUTES) if flare else profile.minutes
    assert plan.total_seconds <= 60 * minutes
    assert selection_seconds(chosen) <= problem.budget_s
    assert len(plan.items) <= problem.max_stretches
    assert 3 * sum(1 for i in plan.items if i.spinal_movement is SpinalMovement.FLEXION) <= len(plan.items)
    assert sum(1 for c, _ in chosen if c.step_up) <= 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations(), st.booleans(), st.booleans(), st.integers(0, 20))
def test_a_swap_changes_exactly_one_stretch_and_keeps_every_hard_rule(situation: Situation, desk: bool,
                                                                       flare: bool, pick: int) -> None:  # fmt: skip
    profile, on, history = situation
    plan = plan_day(CATALOGUE(), profile, on, history, desk=desk, flare=flare)
    if not plan.items:
        return
    out = plan.items[pick % len(plan.items)].stretch
    swapped = plan_with_swaps(CATALOGUE(), profile, on, history, [out], desk=desk, flare=flare)
    assert_hard_rules(swapped, profile, on, history, desk, flare)
    stuck = [w for w in swapped.warnings if CATALOGUE()[out].name in w and "No other stretch fits" in w]
    if stuck:
        assert swapped.items == plan.items, "nothing replaces it: the routine is as it was, and says so"
        return
    before, after = {i.stretch for i in plan.items}, {i.stretch for i in swapped.items}
    assert before - after == {out}
    assert len(after - before) == 1
    kept = [i for i in plan.items if i.stretch != out]
    assert [i for i in swapped.items if i.stretch in before] == kept, "the others keep their order and dose"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations(), st.integers(0, 20), st.integers(0, 20))
def test_two_swaps_change_at_most_two_stretches_and_never_bring_back_one_swapped(situation: Situation, first: int,
                                                                                  second: int) -> None:  # fmt: skip
    profile, on, history = situation
    plan = plan_day(CATALOGUE(), profile, on, history)
    if not plan.items:
        return
    one = plan.items[first % len(plan.items)].stretch
    once = plan_with_swaps(CATALOGUE(), profile, on, history, [one])
    two = once.items[second % len(once.items)].stretch
    twice = plan_with_swaps(CATALOGUE(), profile, on, history, [one, two])
    assert_hard_rules(twice, profile, on, history, False, False)
    after = {i.stretch for i in twice.items}
    assert len({i.stretch for i in plan.items} - after) <= 2
    stuck = " ".join(twice.warnings)
    assert one not in after or CATALOGUE()[one].name in stuck
    assert two not in after or CATALOGUE()[two].name in stuck


def test_a_stretch_nothing_can_replace_stays_and_the_routine_says_so() -> None:
    """Three minutes for someone who can do little: the one or two stretches that fit have no stand-in."""
    on = date(2026, 12, 7)
    profile = Profile(minutes=3, can_get_to_floor=False, can_kneel=False, equipment=())
    plan = plan_day(CATALOGUE(), profile, on)
    out = plan.items[0].stretch
    everything_else = tuple(sid for sid in CATALOGUE() if sid != out)
    painful = History((DayRecord(on - timedelta(days=1), everything_else, painful=everything_else),))
    alone = plan_day(CATALOGUE(), profile, on, painful)
    assert [i.stretch for i in alone.items] == [out]
    swapped = plan_with_swaps(CATALOGUE(), profile, on, painful, [out])
    assert swapped.items == alone.items
    assert f"No other stretch fits in place of {CATALOGUE()[out].name} today" in " ".join(swapped.warnings)
