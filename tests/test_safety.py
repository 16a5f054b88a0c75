"""Red-flag screening: any flag stops the plan, for every combination of answers and dates; a clearance carries to a
later screening only while no new flag appears; recent spine surgery waits for the surgical team; old answers are
out of date, never an error."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backstretch.core.safety import (
    OUT_OF_DATE,
    QUESTION_BY_ID,
    QUESTIONS,
    RESCREEN_AFTER,
    SPINE_SURGERY,
    WHY_ASKED,
    Screening,
    Urgency,
    assess,
    carry_clearance,
    has_emergency,
    urgent_so_far,
)

answer_sets = st.fixed_dictionaries({q.id: st.booleans() for q in QUESTIONS})
days = st.dates(date(2025, 1, 1), date(2028, 12, 31))
ages = st.integers(0, 27)
SURGERY = ("recent-spine-surgery",)
CLEAR = {q.id: False for q in QUESTIONS}
TODAY = date(2026, 11, 24)
# The screening as an earlier version stored it: these ids only, some asking more than one thing.
OLD_ANSWERS = {"bladder-bowel": False, "saddle-numbness": False, "leg-weakness": False, "cancer": True,
               "weight-loss": False, "new-pain-age": False, "no-improvement": False, "night-pain": False,
               "infection": False, "trauma": False, "deformity-worsening": False}  # fmt: skip


def _flagged(answers: dict[str, bool]) -> set[str]:
    return {qid for qid, yes in answers.items() if yes}


def _emergency(answers: dict[str, bool]) -> bool:
    return any(QUESTION_BY_ID[qid].urgency is Urgency.EMERGENCY for qid in _flagged(answers))


@given(answer_sets, days, ages, st.one_of(st.none(), st.integers(-30, 30)), st.booleans())
def test_no_plan_with_any_flag_unless_cleared_after_a_non_emergency_flag(
    answers: dict[str, bool], taken: date, age: int, cleared_after: int | None, surgery: bool
) -> None:
    cleared_on = None if cleared_after is None else taken + timedelta(days=cleared_after)
    screening = carry_clearance(None, Screening(taken, answers, cleared_on), SURGERY if surgery else ())
    verdict = assess(screening, taken + timedelta(days=age), conditions=SURGERY if surgery else ())
    flagged = [q for q in QUESTIONS if answers[q.id]]
    emergency = any(q.urgency is Urgency.EMERGENCY for q in flagged)
    assert verdict.may_plan == (not emergency and (not (flagged or surgery) or cleared_on is not None))
    for q in flagged:
        if not verdict.may_plan:
            assert any(q.text in r for r in verdict.reasons) or (not emergency and cleared_on is not None)


@given(answer_sets, days)
def test_screening_expires_after_four_weeks(answers: dict[str, bool], taken: date) -> None:
    late = taken + RESCREEN_AFTER + timedelta(days=1)
    verdict = assess(Screening(taken, answers), late)
    assert not verdict.may_plan
    assert "4 weeks" in verdict.reasons[0]


def test_no_screening_means_no_plan() -> None:
    assert not assess(None, TODAY).may_plan


def test_flare_asks_for_a_fresh_screening() -> None:
    assert not assess(Screening(TODAY - timedelta(days=1), CLEAR), TODAY, flare_or_new_symptoms=True).may_plan
    assert assess(Screening(TODAY, CLEAR), TODAY, flare_or_new_symptoms=True).may_plan


@given(st.sets(st.sampled_from([q.id for q in QUESTIONS]), min_size=1), st.booleans(), days)
def test_answers_from_before_the_questions_changed_are_out_of_date_not_an_error(
    left_out: set[str], cleared: bool, taken: date
) -> None:
    """Any current question missing means the screening predates it: no plan, and a plain request to answer again."""
    answers = {qid: yes for qid, yes in CLEAR.items() if qid not in left_out}
    verdict = assess(Screening(taken, answers, taken if cleared else None), taken)
    assert not verdict.may_plan and verdict.out_of_date
    assert verdict.reasons[0] == OUT_OF_DATE
    assert "changed" in OUT_OF_DATE and "answer them again" in OUT_OF_DATE


def test_an_earlier_versions_screening_is_out_of_date_even_when_cleared() -> None:
    verdict = assess(Screening(TODAY, OLD_ANSWERS, cleared_on=TODAY), TODAY)
    assert not verdict.may_plan and verdict.out_of_date
    assert not assess(Screening(TODAY, {**CLEAR, "made-up": True}), TODAY).may_plan
    # An urgent answer to a question still asked keeps its urgent advice while the rest waits.
    urgent = assess(Screening(TODAY, {**OLD_ANSWERS, "saddle-numbness": True}), TODAY)
    assert urgent.out_of_date and [q.id for q in urgent.emergency] == ["saddle-numbness"]
    assert any("emergency" in r for r in urgent.reasons)


@given(answer_sets, st.booleans(), st.booleans(), answer_sets, st.booleans(), st.integers(0, 200))
def test_a_clearance_carries_only_while_no_new_flag_appears_and_never_over_an_emergency(
    before: dict[str, bool],
    cleared_before: bool,
    surgery_before: bool,
    now: dict[str, bool],
    surgery_now: bool,
    later: int,
) -> None:
    """clinical-facts: clearance-carry, for every pair of answer sets (and recent spine surgery before and now)."""
    first = TODAY - timedelta(days=later)
    previous = carry_clearance(None, Screening(first, before), SURGERY if surgery_before else ())
    if cleared_before:
        previous = Screening(previous.taken_on, previous.answers, first + timedelta(days=1))
    conditions = SURGERY if surgery_now else ()
    saved = carry_clearance(previous, Screening(TODAY, now), conditions)
    flags_now = _flagged(now) | ({SPINE_SURGERY.id} if surgery_now else set())
    cleared = (_flagged(before) | ({SPINE_SURGERY.id} if surgery_before else set())) if cleared_before else set()
    carried = cleared_before and flags_now <= cleared and not _emergency(now)
    assert saved.cleared_on == (saved.taken_on if carried else None)
    assert saved.answers == {**now, SPINE_SURGERY.id: surgery_now}
    verdict = assess(saved, TODAY, conditions=conditions)
    assert verdict.may_plan == (not _emergency(now) and (not flags_now or carried))


def test_a_new_flag_needs_a_new_clearance_and_a_carried_one_is_dated_with_the_new_answers() -> None:
    cleared = Screening(TODAY - timedelta(days=30), {**CLEAR, "cancer": True}, cleared_on=TODAY - timedelta(days=28))
    same = carry_clearance(cleared, Screening(TODAY, {**CLEAR, "cancer": True}))
    assert same.cleared_on == TODAY and assess(same, TODAY).may_plan
    more = carry_clearance(cleared, Screening(TODAY, {**CLEAR, "cancer": True, "night-pain": True}))
    assert more.cleared_on is None and not assess(more, TODAY).may_plan
    urgent = carry_clearance(cleared, Screening(TODAY, {**CLEAR, "cancer": True, "bladder-fullness": True}))
    assert urgent.cleared_on is None and assess(urgent, TODAY).emergency
    # Carried from a screening taken before the questions changed: the unchanged question still counts.
    old = Screening(TODAY - timedelta(days=40), OLD_ANSWERS, cleared_on=TODAY - timedelta(days=39))
    assert assess(carry_clearance(old, Screening(TODAY, {**CLEAR, "cancer": True})), TODAY).may_plan


def test_recent_spine_surgery_waits_for_the_surgical_team() -> None:
    saved = carry_clearance(None, Screening(TODAY, CLEAR), SURGERY)
    verdict = assess(saved, TODAY, conditions=SURGERY)
    assert not verdict.may_plan and verdict.see_clinician == (SPINE_SURGERY,)
    assert any("surgical team" in r for r in verdict.reasons)
    cleared = Screening(TODAY, saved.answers, cleared_on=TODAY)
    assert assess(cleared, TODAY, conditions=SURGERY).may_plan
    # A clearance given before the surgery was in the profile does not cover it.
    before = Screening(TODAY, {**CLEAR, "cancer": True, SPINE_SURGERY.id: False}, cleared_on=TODAY)
    assert assess(before, TODAY).may_plan
    assert not assess(before, TODAY, conditions=SURGERY).may_plan
    # No surgery in the profile any more: the recorded one no longer stops a plan.
    assert assess(carry_clearance(None, Screening(TODAY, CLEAR), ()), TODAY).may_plan


def test_every_question_asks_one_thing_with_yes_the_worrying_answer_and_names_its_sources() -> None:
    known = {"R1", "R2", "R3", "GIRFT 2023", "NICE NG65"}
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        assert q.text.endswith("?") and q.text.count("?") == 1, q.id
        assert not re.search(r"\bnot\b|n't\b|\bno longer\b", q.text), f"{q.id} is phrased negatively"
        assert q.source and set(q.source.split(", ")) <= known, q.id
        assert q.topic, q.id
        why = WHY_ASKED[q.id]  # the page says why it asks, in a sentence or two, never as a diagnosis
        assert 30 < len(why) < 220 and why.endswith(".") and "you have" not in why.lower(), q.id
    assert set(WHY_ASKED) == {q.id for q in QUESTIONS}
    leg = QUESTION_BY_ID["leg-weakness"]
    assert "new or getting worse" in leg.text and leg.urgency is Urgency.EMERGENCY
    inflammatory = QUESTION_BY_ID["inflammatory"]
    assert inflammatory.urgency is Urgency.SEE_CLINICIAN and "rheumatologist" in inflammatory.advice
    assert "not urgent" in inflammatory.advice
    for qid in ("toilet-feeling", "bladder-fullness", "sexual-problems"):
        assert QUESTION_BY_ID[qid].urgency is Urgency.EMERGENCY and "GIRFT 2023" in QUESTION_BY_ID[qid].source


def test_a_clearance_dated_before_its_answers_is_none_and_is_not_carried() -> None:
    """Records from before clearances carried said "not cleared" so; a stale date in an import says the same."""
    stale = Screening(TODAY - timedelta(days=10), {**CLEAR, "cancer": True}, cleared_on=TODAY - timedelta(days=200))
    assert not assess(stale, TODAY).may_plan
    again = carry_clearance(stale, Screening(TODAY, {**CLEAR, "cancer": True}))
    assert again.cleared_on is None and not assess(again, TODAY).may_plan


def test_an_emergency_answer_is_one_however_old_the_screening() -> None:
    old = Screening(TODAY - timedelta(days=60), {**CLEAR, "saddle-numbness": True, "cancer": True})
    assert not assess(old, TODAY).emergency, "past four weeks the verdict only asks for new answers"
    assert has_emergency(old)
    assert not has_emergency(Screening(TODAY, {**CLEAR, "cancer": True}))


@given(st.integers(0, len(QUESTIONS)).flatmap(
    lambda n: st.fixed_dictionaries({q.id: st.booleans() for q in QUESTIONS[:n]})), days)  # fmt: skip
def test_urgent_advice_before_the_questions_end_is_what_the_finished_screening_would_say(
    answered: dict[str, bool], today: date
) -> None:
    """Part way through, the urgent answers so far are exactly the emergency the finished screening names, whatever
    the rest of the answers turn out to be (here: all no), so the early advice never says more or less."""
    urgent = urgent_so_far(answered)
    assert all(q.urgency is Urgency.EMERGENCY and answered[q.id] for q in urgent)
    finished = assess(Screening(today, {**{q.id: False for q in QUESTIONS}, **answered}), today)
    assert urgent == finished.emergency
    assert (not urgent) or not finished.may_plan
