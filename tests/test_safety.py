"""Red-flag screening: any flag stops the plan, for every combination of answers and dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstretch.core.safety import QUESTIONS, RESCREEN_AFTER, Screening, ScreeningError, Urgency, assess

answer_sets = st.fixed_dictionaries({q.id: st.booleans() for q in QUESTIONS})
days = st.dates(date(2025, 1, 1), date(2028, 12, 31))
ages = st.integers(0, 27)


@given(answer_sets, days, ages, st.one_of(st.none(), st.integers(-30, 30)))
def test_no_plan_with_any_flag_unless_cleared_after_a_non_emergency_flag(
    answers: dict[str, bool], taken: date, age: int, cleared_after: int | None
) -> None:
    cleared_on = None if cleared_after is None else taken + timedelta(days=cleared_after)
    verdict = assess(Screening(taken, answers, cleared_on), taken + timedelta(days=age))
    flagged = [q for q in QUESTIONS if answers[q.id]]
    emergency = any(q.urgency is Urgency.EMERGENCY for q in flagged)
    cleared = cleared_on is not None and cleared_on >= taken
    assert verdict.may_plan == (not emergency and (not flagged or cleared))
    for q in flagged:
        if not verdict.may_plan:
            assert any(q.text in r for r in verdict.reasons) or (not emergency and cleared)


@given(answer_sets, days)
def test_screening_expires_after_four_weeks(answers: dict[str, bool], taken: date) -> None:
    late = taken + RESCREEN_AFTER + timedelta(days=1)
    verdict = assess(Screening(taken, answers), late)
    assert not verdict.may_plan
    assert "4 weeks" in verdict.reasons[0]


def test_no_screening_means_no_plan() -> None:
    assert not assess(None, date(2026, 11, 24)).may_plan


def test_flare_asks_for_a_fresh_screening() -> None:
    clear = {q.id: False for q in QUESTIONS}
    today = date(2026, 11, 24)
    assert not assess(Screening(today - timedelta(days=1), clear), today, flare_or_new_symptoms=True).may_plan
    assert assess(Screening(today, clear), today, flare_or_new_symptoms=True).may_plan


def test_incomplete_or_unknown_answers_are_refused() -> None:
    clear = {q.id: False for q in QUESTIONS}
    missing = dict(list(clear.items())[1:])
    with pytest.raises(ScreeningError, match="missing"):
        assess(Screening(date(2026, 11, 24), missing), date(2026, 11, 24))
    with pytest.raises(ScreeningError, match="unknown"):
        assess(Screening(date(2026, 11, 24), {**clear, "made-up": True}), date(2026, 11, 24))
