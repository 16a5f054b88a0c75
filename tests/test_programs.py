"""A clinician's program: checked when assigned, safe every day it gives a routine, and adherence and attention
counted as a clinician would by hand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core.measures import MeasureKind, pain, trend
from backstretch.core.planner import DayRecord, History, allowed_reason
from backstretch.core.programs import (
    Program,
    ProgramError,
    ProgramItem,
    adherence,
    attention,
    check_program,
    prescribed_days,
    program_plan,
)
from tests.test_planner import CATALOGUE, profiles

MONDAY = date(2026, 11, 2)


@st.composite
def programs(draw: Any) -> Program:
    ids = draw(st.lists(st.sampled_from(sorted(CATALOGUE())), min_size=1, max_size=8, unique=True))
    items = []
    for sid in ids:
        stretch = CATALOGUE()[sid]
        hold = draw(st.integers(stretch.hold_seconds.min, stretch.hold_seconds.max))
        items.append(ProgramItem(sid, hold, draw(st.integers(1, stretch.reps))))
    weekdays = frozenset(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True)))
    return Program(tuple(items), weekdays, draw(st.booleans()), "", MONDAY)


@settings(max_examples=150, deadline=None)
@given(programs(), profiles, st.integers(0, 27), st.lists(st.sampled_from(sorted(CATALOGUE())), max_size=4))
def test_a_program_day_never_holds_a_stretch_the_rules_leave_out(program: Program, profile: Any, offset: int,
                                                                hurt: list[str]) -> None:  # fmt: skip
    check_program(program, CATALOGUE())
    on = MONDAY + timedelta(days=offset)
    history = History((DayRecord(on - timedelta(days=2), tuple(hurt), painful=tuple(hurt)),))
    plan = program_plan(program, CATALOGUE(), profile, on, history)
    if on.weekday() not in program.weekdays:
        assert plan is None, "a free day gives no program routine"
        return
    assert plan is not None and plan.program
    prescribed = {i.stretch: i for i in program.items}
    for item in plan.items:
        stretch = CATALOGUE()[item.stretch]
        assert allowed_reason(stretch, profile, desk=False) is None and item.stretch not in hurt
        assert item.reps == prescribed[item.stretch].reps and item.hold_seconds <= prescribed[item.stretch].hold_seconds
        assert stretch.hold_seconds.min <= item.hold_seconds <= stretch.hold_seconds.max
    left_out = set(prescribed) - {i.stretch for i in plan.items}
    assert len(plan.warnings) == len(left_out), "each stretch left out is named, for the patient to tell"


def test_a_program_is_checked_against_the_library() -> None:
    ok = ProgramItem("cat-stretch", CATALOGUE()["cat-stretch"].hold_seconds.default, 1)
    check_program(Program((ok,), frozenset({0}), False, "", MONDAY), CATALOGUE())
    for items, days, message in (((), {0}, "at least one stretch"), ((ok,), set(), "day of the week"),
                                 ((ProgramItem("nope", 20, 1),), {0}, "no stretch called"),
                                 ((ok, ok), {0}, "twice"), ((ProgramItem("cat-stretch", 999, 1),), {0}, "hold it"),
                                 ((ProgramItem("cat-stretch", ok.hold_seconds, 99),), {0}, "repetitions")):  # fmt: skip
        with pytest.raises(ProgramError, match=message):
            check_program(Program(tuple(items), frozenset(days), False, "", MONDAY), CATALOGUE())


def test_adherence_counts_days_stretched_against_days_prescribed() -> None:
    program = Program((), frozenset({0, 2, 4}), False, "", MONDAY)  # Monday, Wednesday, Friday
    today = MONDAY + timedelta(days=13)  # Sunday of the second week
    assert prescribed_days(program, MONDAY, today) == 6
    days = [MONDAY + timedelta(days=n) for n in (0, 1, 4, 9)]
    week = adherence(program, days, today, 7)
    assert (week.done, week.prescribed) == (1, 3) and str(week) == "1 of 3 days"
    month = adherence(program, days, today, 28)
    assert (month.done, month.prescribed, month.share) == (4, 6, 4 / 6), "only days since the program began"
    assert adherence(program, [], MONDAY - timedelta(days=1), 7).share is None


def test_attention_flags_what_a_clinician_should_look_at() -> None:
    program = Program((), frozenset(range(7)), False, "", MONDAY)
    today = MONDAY + timedelta(days=20)
    readings = [pain(2, MONDAY + timedelta(days=n)) for n in range(4)]
    readings += [pain(5, today - timedelta(days=n)) for n in range(4)]
    rising, none = trend(readings, MeasureKind.PAIN), trend([], MeasureKind.FUNCTION)
    calm = attention(program, [today], trend([], MeasureKind.PAIN), none, False, [], today)
    assert calm.flags == ()
    worried = attention(program, [MONDAY + timedelta(days=3)], rising, none, True, ["Cat stretch"],
                        today)  # fmt: skip
    assert worried.flags == ("red flag in the latest safety answers", "pain up by 3 points", "painful: Cat stretch",
                             "no session in the last 4 days")  # fmt: skip
    few = trend(readings[:2], MeasureKind.PAIN)
    assert attention(None, [], few, none, False, [], today).flags == (), "too few readings to call a change"
