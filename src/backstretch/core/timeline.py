"""The session timeline: a plan turned into timed steps with spoken and shown cues.

Pure: it never reads a clock. Players (terminal, web) ask what is happening at a given number of seconds into the
session, so tests can run a whole session instantly and a demo can run it faster. The durations follow the
planner's time model exactly, so a routine takes the time its plan promised.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Literal

from backstretch.core.catalogue import Stretch
from backstretch.core.planner import (
    BETWEEN_REPS_S,
    FLOOR_DOWN_AND_UP_S,
    MOVE_IN_S,
    POSITION_CHANGE_S,
    RELEASE_S,
    SESSION_START_S,
    SETUP_S,
    SWITCH_SIDE_S,
    WARM_UP_S,
    PlanItem,
)
from backstretch.core.vocab import FLOOR_POSITIONS

# About six breaths a minute is a calm, slow pace; in for 40 % of each breath, out for 60 %.
DEFAULT_BREATHS_PER_MINUTE = 6.0
INHALE_SHARE = 0.4

CHECKLIST = (
    "Wear comfortable clothes you can move in.",
    "Find a flat, clean surface with space around you.",
    "Move slowly into each stretch, hold it still, and breathe. Never bounce.",
    "A stretch should feel like mild tension, never pain. If anything hurts, stop that stretch.",
)


# clinical-facts: warm-up. Easy movement that works standing or sitting, before the first stretch.
WARM_UP = (
    "March on the spot, or in your chair, lifting your knees a little.",
    "Roll your shoulders slowly backwards a few times, then forwards.",
    "Rock your pelvis gently forward and back, keeping the movement small.",
    "Keep it easy and keep breathing: this only warms you up.",
)


class StepKind(StrEnum):
    CHECKLIST = "checklist"
    WARM_UP = "warm-up"
    POSITION = "position"  # changing position, or getting down to the floor or back up
    SETUP = "setup"
    MOVE_IN = "move-in"
    HOLD = "hold"
    RELEASE = "release"
    REST = "rest"
    SWITCH_SIDE = "switch-side"


Side = Literal["right", "left"]


@dataclass(frozen=True)
class Cue:
    at_s: float  # seconds into the step
    text: str


@dataclass(frozen=True)
class Step:
    index: int
    kind: StepKind
    start_s: float
    seconds: float
    title: str
    lines: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()
    item: int | None = None  # which plan item (0-based) the step belongs to
    stretch: str | None = None
    side: Side | None = None
    rep: int | None = None

    @property
    def end_s(self) -> float:
        return self.start_s + self.seconds


@dataclass(frozen=True)
class Timeline:
    steps: tuple[Step, ...]
    breaths_per_minute: float

    @property
    def total_s(self) -> float:
        return self.steps[-1].end_s if self.steps else 0.0

    @cached_property
    def _starts(self) -> list[float]:
        return [s.start_s for s in self.steps]

    def step_at(self, elapsed_s: float) -> Step | None:
        """The step running at this moment, or None once the session is over."""
        if elapsed_s >= self.total_s:
            return None
        return self.steps[max(0, bisect_right(self._starts, elapsed_s) - 1)]

    def steps_of_item(self, item: int) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.item == item)


def breath_at(seconds_into_hold: float, breaths_per_minute: float = DEFAULT_BREATHS_PER_MINUTE) -> tuple[str, float]:
    """("in" or "out", how far through that half from 0 to 1): drives the breathing bar and spoken cues."""
    cycle = 60.0 / breaths_per_minute
    phase = (seconds_into_hold % cycle) / cycle
    if phase < INHALE_SHARE:
        return "in", phase / INHALE_SHARE
    return "out", (phase - INHALE_SHARE) / (1 - INHALE_SHARE)


def _hold_cues(hold_s: float, breaths_per_minute: float) -> tuple[Cue, ...]:
    cycle = 60.0 / breaths_per_minute
    cues = [Cue(0.0, "Hold it still. No bouncing.")]
    t = 0.0
    while t < hold_s - 1:
        cues.append(Cue(t, "Breathe in slowly."))
        if t + cycle * INHALE_SHARE < hold_s - 1:
            cues.append(Cue(t + cycle * INHALE_SHARE, "And breathe out, letting go a little."))
        t += cycle
    if hold_s >= 15:
        cues.append(Cue(hold_s / 2, "If it hurts, ease off. It should feel like mild tension."))
    if hold_s >= 10:
        cues.append(Cue(hold_s - 3, "Three more seconds."))
    return tuple(sorted(cues, key=lambda c: c.at_s))


def build_timeline(
    items: Sequence[PlanItem],
    catalogue: Mapping[str, Stretch],
    breaths_per_minute: float = DEFAULT_BREATHS_PER_MINUTE,
    checklist_s: float = SESSION_START_S,
    warm_up_s: float = WARM_UP_S,
) -> Timeline:
    """Every step of a session, in order, with its start time and cues."""
    if not 3 <= breaths_per_minute <= 12:
        raise ValueError("breaths per minute must be between 3 and 12")
    steps: list[Step] = []
    clock = 0.0

    def add(
        kind: StepKind,
        seconds: float,
        title: str,
        *,
        lines: tuple[str, ...] = (),
        cues: tuple[Cue, ...] = (),
        item: int | None = None,
        stretch: str | None = None,
        side: Side | None = None,
        rep: int | None = None,
    ) -> None:
        nonlocal clock
        steps.append(Step(len(steps), kind, clock, seconds, title, lines, cues, item, stretch, side, rep))
        clock += seconds

    add(StepKind.CHECKLIST, checklist_s, "Before you start", lines=CHECKLIST)
    if warm_up_s and items:
        add(StepKind.WARM_UP, warm_up_s, "Warm up with easy movement", lines=WARM_UP)
    on_floor = False
    previous = None
    for n, item in enumerate(items):
        stretch = catalogue[item.stretch]
        floor = item.position in FLOOR_POSITIONS
        if floor and not on_floor:
            add(StepKind.POSITION, FLOOR_DOWN_AND_UP_S / 2, "Get down to the floor slowly", item=n,
                lines=("Use a chair or your hands for support, and take your time.",))  # fmt: skip
            on_floor = True
        if previous is not None and item.position is not previous:
            add(StepKind.POSITION, POSITION_CHANGE_S, f"Change position: {item.position.value}", item=n)
        previous = item.position
        add(StepKind.SETUP, SETUP_S, f"Next: {stretch.name}", lines=stretch.steps.into, item=n, stretch=stretch.id)
        sides: tuple[Side | None, ...] = ("right", "left") if item.sides == 2 else (None,)
        for side_index, side in enumerate(sides):
            if side_index:
                add(StepKind.SWITCH_SIDE, SWITCH_SIDE_S, "Switch to the left side", item=n, stretch=stretch.id,
                    side=side)  # fmt: skip
            for rep in range(1, item.reps + 1):
                if rep > 1:
                    add(StepKind.REST, BETWEEN_REPS_S, "Rest for a breath", item=n, stretch=stretch.id, side=side,
                        rep=rep)  # fmt: skip
                add(StepKind.MOVE_IN, MOVE_IN_S, "Move in slowly", lines=stretch.cues.alignment, item=n,
                    stretch=stretch.id, side=side, rep=rep)  # fmt: skip
                add(StepKind.HOLD, item.hold_seconds, stretch.name, lines=stretch.cues.feel + stretch.cues.breathing,
                    cues=_hold_cues(item.hold_seconds, breaths_per_minute), item=n, stretch=stretch.id, side=side,
                    rep=rep)  # fmt: skip
                add(StepKind.RELEASE, RELEASE_S, "Release slowly", lines=stretch.steps.out, item=n,
                    stretch=stretch.id, side=side, rep=rep)  # fmt: skip
    if on_floor:
        add(StepKind.POSITION, FLOOR_DOWN_AND_UP_S / 2, "Come up from the floor slowly",
            lines=("Roll to your side, push up with your hands, and stand up in your own time.",))  # fmt: skip
    return Timeline(tuple(steps), breaths_per_minute)
