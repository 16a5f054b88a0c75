"""The session timeline: a plan turned into timed steps with spoken and shown cues.

Pure: it never reads a clock. Players (terminal, web) ask what is happening at a given number of seconds into the
session, so tests can run a whole session instantly and a demo can run it faster. The durations follow the
planner's time model exactly, so a routine takes the time its plan promised.

Some steps wait for the person (`Step.waits`): the checklist, reading a stretch's steps and getting into its start
position, and every change of position. Their seconds are only the planner's estimate; a player shows no countdown
for them and goes on when the person says "I'm in position" (or "I'm ready"), so nobody races a timer to read.
Moving in, holds, releases and rests stay timed, so a person never has to touch the screen during a hold.
"""

from __future__ import annotations

import re
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
from backstretch.core.profile import AgeBand, Profile
from backstretch.core.vocab import FLOOR_POSITIONS, Position

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


# Getting down to the floor and up again, in small supported steps (clinical-facts: section 4, osteoporosis and
# falls: careful, supported transitions to and from the floor [R4]). Our own words.
DOWN_TO_FLOOR = (
    "Stand beside a sturdy chair or sofa and rest one hand on it.",
    "Step one foot back and lower that knee gently to the floor, then the other knee.",
    "Put your hands on the floor and sit down to one side, onto your hip.",
)
UP_FROM_FLOOR = (
    "Bend your knees and roll onto your side.",
    "Push up with your hands to sit on one hip, then come onto your hands and knees.",
    "Bring one foot forward, flat on the floor, and put a hand on your knee or on a sturdy chair.",
    "Push up slowly to standing.",
)
# For people 65 and over: the same moves with a rest at each stage. There is no measured pace in clinical-facts, so
# the pace is the person's own (these steps wait for them) and the words ask for pauses.
OLDER_DOWN = "Take your time: pause for a breath at each stage."
OLDER_UP = "Stand still for a few breaths before you walk or go on, in case you feel light-headed."
# How to settle into each floor position from sitting on the floor, and how to move between floor positions.
SETTLE = {
    Position.FLOOR_SUPINE: "Lie down on your side, then roll onto your back and bend your knees.",
    Position.FLOOR_PRONE: "Lie down on your side, then roll onto your front and rest your forehead on your hands.",
    Position.FLOOR_SEATED: "Sit up tall with your legs out in front of you.",
    Position.KNEELING: "Come onto your hands and knees, with your hands under your shoulders.",
    Position.SIDE_LYING: "Lie down on your side with your knees bent, your head resting on your arm.",
}
POSITION_TITLES = {
    Position.STANDING: "Stand up",
    Position.CHAIR: "Sit on a chair",
    Position.FLOOR_SUPINE: "Lie on your back",
    Position.FLOOR_PRONE: "Lie on your front",
    Position.FLOOR_SEATED: "Sit on the floor",
    Position.KNEELING: "Come onto your hands and knees",
    Position.SIDE_LYING: "Lie on your side",
}

# The parts of a stretch's release words that point at what comes next in that stretch (the other side, another
# repetition) or at getting up: a release keeps them only when that really comes next. Getting up is always the
# position step's job, so the release never says "stand up" just before the next stretch on the floor.
_OTHER_SIDE = re.compile(r",? (?:before (?:the other side|changing sides|you change sides|you turn to the other side|"
                         r"you cross the left arm on top|turning to the left)|then (?:turn around to do the other "
                         r"side|shuffle across to the other side of the frame for the left leg|let the knees sink to "
                         r"the right side|onto your other side for the second round))(?=\.$)")  # fmt: skip
_NEXT_REP = re.compile(r",? before (?:the next repetition|the next one|you do it again|you repeat)(?=\.$)")
_GET_UP = re.compile(r",? (?:then push up with your hands to sit|then push yourself up to sitting with your hands|"
                     r"then roll to your side to get up|or push up to stand|and push yourself up to sitting with "
                     r"your hands)(?=\.$)")  # fmt: skip


_SIDE_WORD = re.compile(r"\b(right|left|Right|Left|RIGHT|LEFT)\b")
_OPPOSITE = {"right": "left", "left": "right"}


def mirrored(text: str) -> str:
    """The same words for the other side: right and left trade places, each keeping its capitals."""

    def swap(found: re.Match[str]) -> str:
        word = found.group(1)
        other = _OPPOSITE[word.lower()]
        return other.upper() if word.isupper() else other.capitalize() if word[0].isupper() else other

    return _SIDE_WORD.sub(swap, text)


def slower_moves(profile: Profile | None) -> bool:
    """Whether the position steps ask for a rest at each stage: for people 65 and over."""
    return profile is not None and profile.age_band is AgeBand.FROM_65


def release_lines(lines: Sequence[str], *, side_next: bool, rep_next: bool) -> tuple[str, ...]:
    """A stretch's release words with what does not come next taken out ("before the other side" after the second
    side, "push up to sit" before another stretch lying down)."""
    kept = []
    for line in lines:
        if not side_next:
            line = _OTHER_SIDE.sub("", line)
        if not rep_next:
            line = _NEXT_REP.sub("", line)
        line = _GET_UP.sub("", line)
        kept.append(line)
    return tuple(kept)


def position_step(before: Position | None, after: Position | None, older: bool) -> tuple[str, tuple[str, ...]]:
    """The title and plain instructions for moving from one position to another (None: standing before the session,
    or the end of it)."""
    was_floor = before in FLOOR_POSITIONS
    floor = after in FLOOR_POSITIONS
    lines: list[str] = []
    if floor and not was_floor:
        title = "Get down to the floor slowly"
        if before is Position.CHAIR:
            lines.append("Stand up and put the chair beside your mat, to lean on.")
        lines += DOWN_TO_FLOOR
        if after is not None:
            lines.append(SETTLE[after])
        if older:
            lines.insert(0, OLDER_DOWN)
        return title, tuple(lines)
    if was_floor and not floor:
        title = "Come up from the floor slowly"
        lines += UP_FROM_FLOOR
        if after is Position.CHAIR:
            lines.append("Then sit down on the chair, feet flat on the floor.")
        if older:
            lines.insert(0, OLDER_DOWN)
            lines.append(OLDER_UP)
        return title, tuple(lines)
    assert after is not None
    title = POSITION_TITLES[after]
    if floor:  # from one floor position to another
        if before is not Position.FLOOR_SEATED and after is not Position.KNEELING:
            lines.append("Bend your knees and roll onto your side first.")
        lines.append(SETTLE[after])
    elif after is Position.CHAIR:
        lines.append("Sit well back on a sturdy chair without wheels, feet flat on the floor.")
    else:
        lines += ["Shuffle to the front of the seat with your feet under your knees.",
                  "Lean forward, push through your hands on the seat, and stand up slowly."]  # fmt: skip
        if older:
            lines.append(OLDER_UP)
    return title, tuple(lines)


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
    waits: bool = False  # the person says when to go on; `seconds` is only the planner's estimate

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
    older: bool = False,
) -> Timeline:
    """Every step of a session, in order, with its start time and cues. `older` (65 and over) adds rests to the
    instructions for getting down to the floor and up again."""
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
        waits = kind in (StepKind.CHECKLIST, StepKind.SETUP, StepKind.POSITION)
        if side == "left":  # a stretch's words are written for the right side, done first
            lines = tuple(mirrored(line) for line in lines)
            cues = tuple(Cue(cue.at_s, mirrored(cue.text)) for cue in cues)
        steps.append(Step(len(steps), kind, clock, seconds, title, lines, cues, item, stretch, side, rep, waits))
        clock += seconds

    add(StepKind.CHECKLIST, checklist_s, "Before you start", lines=CHECKLIST)
    if warm_up_s and items:
        add(StepKind.WARM_UP, warm_up_s, "Warm up with easy movement", lines=WARM_UP)
    went_down = came_up = False
    previous: Position | None = None
    for n, item in enumerate(items):
        stretch = catalogue[item.stretch]
        floor = item.position in FLOOR_POSITIONS
        if item.position is not previous and (previous is not None or floor):
            # One step for each change, with its whole time: the first way down to the floor (and the first way
            # up) also has the floor's time, as the planner counts it.
            seconds = POSITION_CHANGE_S if previous is not None else 0.0
            if floor and not went_down:
                seconds, went_down = seconds + FLOOR_DOWN_AND_UP_S / 2, True
            elif went_down and not floor and not came_up and previous in FLOOR_POSITIONS:
                seconds, came_up = seconds + FLOOR_DOWN_AND_UP_S / 2, True
            title, lines = position_step(previous, item.position, older)
            add(StepKind.POSITION, seconds or POSITION_CHANGE_S, title, lines=lines, item=n)
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
                out = release_lines(stretch.steps.out, side_next=rep == item.reps and side_index + 1 < len(sides),
                                    rep_next=rep < item.reps)  # fmt: skip
                add(StepKind.RELEASE, RELEASE_S, "Release slowly", lines=out, item=n, stretch=stretch.id, side=side,
                    rep=rep)  # fmt: skip
    if previous in FLOOR_POSITIONS:
        title, lines = position_step(previous, None, older)
        add(StepKind.POSITION, FLOOR_DOWN_AND_UP_S / 2 if not came_up else POSITION_CHANGE_S, title, lines=lines)
    return Timeline(tuple(steps), breaths_per_minute)
