"""The daily routine planner: a pure, deterministic function of profile, date and history.

A routine is what a physiotherapist would hand this person today: a few stretches, each done for its repetitions,
covering the muscle groups that matter, gentlest first, mostly the same as last time so it can be learned.

Who may get which stretch (hard rules). Nothing the person's conditions, abilities or equipment rule out, nothing
they found painful in the last 14 days, and only desk stretches in desk mode. Progression is a gate, not a bonus
(clinical-facts: progression-gate): a person new to stretching starts at the gentlest step of each family that suits
them, someone with some experience one step up (never past the back-stretcher's lowest setting), and a harder step
comes only once the step below was done without pain in 3 sessions (or the harder step itself was done without pain
lately), and one such new step a day. On a gentler day (morning pain up: clinical-facts: next-day) or a flare-up
day, only the gentlest steps with their shortest holds, and 40 s of holding a group is enough; a flare-up day also
lasts 10 minutes at most and has no back-stretcher and nothing that goes to the end of a joint's range
(clinical-facts: flare).

What "best" means. Among those stretches the planner chooses which to do and how many repetitions of each, to
maximise, in strict order of importance:

1. covering the seed's required groups: the backs of the legs; the hips, hip flexors or buttocks; the neck,
   shoulders or upper back;
2. covering each of the person's pain areas;
3. on a flare-up day only, using as few positions as possible;
4. the core of the dose: seconds of holding (per side) for each of those groups, counted up to 40 s a group;
5. keeping the last routine (the latest within a week): fewer than half of its stretches, and at most two, left
   out, where the rules allow (clinical-facts: learnable-routine);
6. the rest of the dose, from 40 s up to 60 s a group (clinical-facts: volume), so spare time goes to repetitions
   before another stretch is added;
7. then breadth and preference together: each further region covered, more the longer since it was last
   stretched; a stretch kept from the last routine; a little more for each of
   up to two swaps of one of its stretches for one not done in the last week (so one or two rotate); a rotation
   that changes with the date; yoga poses for people who like yoga; the easier variant of a stretch that hurt;
   the next step, once earned; less a cost for each different stretch, so a stretch is added only when it brings
   something.

Subject to: the whole session (checklist, warm-up, set-up, moving in and out, holds, rests between repetitions,
side switches, position changes, and getting down to the floor and up once) within the minutes; at most one
different stretch per 120 s of the minutes for a new person, 100 s with some experience, 150 s on a gentler or
flare-up day, rounded up (clinical-facts: learnable-routine); from 10 minutes, every stretch done at least twice or
held 40 s or more; 1 to 4 repetitions (clinical-facts: volume), and no more than bring 60 s of holding; at most a
third of the stretches bending the spine forward.

Time still left over then goes to repetitions, in routine order, for stretches whose regions have less than 60 s
of holding, so a long routine is filled with repetitions rather than more stretches.

The weights below make the order strict: one unit of a tier outweighs everything below it put together. The
choice is an integer program solved exactly by HiGHS (scipy.optimize.milp); tests compare it with exhaustive
search, and bench/plan.py with an independent CP-SAT model.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from backstretch.core.catalogue import REPS_MAX, Stretch
from backstretch.core.profile import AgeBand, Experience, Profile
from backstretch.core.vocab import FLOOR_POSITIONS, Equipment, Position, Region, SpinalMovement
from backstretch.core.words import day_words, plain_words

# Time model, in seconds (shared with the session timeline).
SESSION_START_S = 20  # the checklist before the first stretch
WARM_UP_S = 60  # clinical-facts: warm-up, about a minute of easy movement first
SETUP_S = 10  # read the steps and get into position
MOVE_IN_S = 5  # clinical-facts: gentle-first; move in slowly
RELEASE_S = 5
BETWEEN_REPS_S = 5
SWITCH_SIDE_S = 5
POSITION_CHANGE_S = 10
FLOOR_DOWN_AND_UP_S = 30

# Weights of the objective, tier by tier (see the module docstring).
W_REQUIRED, W_PAIN, W_FLARE_POSITION, W_VOLUME_PER_S = 10**14, 10**13, 10**12, 10**9
W_EXTRA_DROP, W_TOP_UP_PER_S = 3 * 10**7, 150_000
W_REGION, W_STALE_PER_DAY, STALE_DAYS_CAP = 1_000, 300, 7
B_KEPT, B_SWAP, SWAPS_COUNTED, B_ROTATION_MAX, B_YOGA = 2_000, 2_150, 2, 40, 60
B_REPLACES_PAINFUL, B_PROGRESSION = 500, 300
C_STRETCH = 1_000  # the cost of one more different stretch: more than any stretch's own bonuses

PAINFUL_EXCLUSION = timedelta(days=14)  # a stretch reported painful is left out for 14 days
PAIN_FREE_SESSIONS_TO_PROGRESS = 3  # clinical-facts: progress, progression-gate
NEXT_DAY_RISE = 2  # clinical-facts: next-day, pain 2+ points above usual
VOLUME_PER_GROUP_S = 60  # clinical-facts: volume
GENTLE_VOLUME_PER_GROUP_S = 40  # a gentler or flare-up day: short holds, and less of them
CORE_VOLUME_S = 40  # the part of a group's dose that outranks keeping the routine: 2 repetitions of 20 s
OLDER_HOLD_S, OLDER_HOLD_CAP_S = 30, 60  # clinical-facts: hold-time, people 65 and over
DOSE_FROM_MINUTES, DOSE_MIN_REPS, DOSE_MIN_HOLD_S = 10, 2, 40  # from 10 minutes: 2 repetitions or 40 s a side
SECONDS_PER_STRETCH = {Experience.NEW: 120, Experience.SOME: 100}  # clinical-facts: learnable-routine
GENTLE_SECONDS_PER_STRETCH = 150  # a worse day: fewer, familiar stretches
FLARE_MAX_MINUTES = 10  # clinical-facts: flare
LAST_ROUTINE_WITHIN = timedelta(days=7)  # the routine to keep most of: the latest within a week

REQUIRED_GROUPS: dict[str, frozenset[Region]] = {
    "hamstrings": frozenset({Region.HAMSTRINGS}),
    "hips": frozenset({Region.HIPS, Region.HIP_FLEXORS, Region.GLUTES}),
    "neck-shoulders-upper-back": frozenset({Region.NECK, Region.SHOULDERS, Region.UPPER_BACK}),
}
REQUIRED_GROUP_LABELS = {
    "hamstrings": "the backs of the legs",
    "hips": "the hips",
    "neck-shoulders-upper-back": "the neck, shoulders or upper back",
}

# Gentle first: standing and chair, then down to the floor once, ending lying on the back.
POSITION_ORDER = (
    Position.STANDING, Position.CHAIR, Position.KNEELING, Position.FLOOR_SEATED, Position.SIDE_LYING,
    Position.FLOOR_PRONE, Position.FLOOR_SUPINE,
)  # fmt: skip


@dataclass(frozen=True)
class DayRecord:
    """What happened on one past day: stretches planned or done, and those done without pain."""

    on: date
    stretches: tuple[str, ...]
    pain_free: tuple[str, ...] = ()
    painful: tuple[str, ...] = ()


@dataclass(frozen=True)
class MorningPain:
    on: date
    pain: int
    usual: int


@dataclass(frozen=True)
class History:
    days: tuple[DayRecord, ...] = ()
    mornings: tuple[MorningPain, ...] = ()


@dataclass(frozen=True)
class PlanItem:
    stretch: str
    name: str
    hold_seconds: int
    reps: int
    sides: int
    position: Position
    regions: tuple[Region, ...]
    spinal_movement: SpinalMovement
    seconds: int


@dataclass(frozen=True)
class Plan:
    date: date
    minutes_budget: int
    total_seconds: int
    items: tuple[PlanItem, ...]
    covered_regions: tuple[Region, ...]
    warnings: tuple[str, ...]
    reasons: tuple[str, ...]
    score: int
    program: bool = False  # a clinician's program gave it (clinic mode), not the planner


@dataclass(frozen=True)
class Candidate:
    """A stretch the person may do today, with what choosing it, and each repetition of it, is worth."""

    stretch: Stretch
    hold: int
    seconds_one_rep: int  # set-up and one repetition (each side)
    seconds_per_extra_rep: int  # a rest and one more repetition (each side)
    min_reps: int
    max_reps: int
    features: int  # bitmask over the coverage features
    groups: int  # bitmask over the dose groups
    bonus: int
    flexion: bool
    position: Position
    new: bool = False  # not in the last routine, when there is one
    kept: bool = False  # in the last routine
    step_up: bool = False  # a harder step the person has not done yet: one a day
    reason: str | None = None  # shown when the stretch is chosen: why it is in today's plan

    def seconds(self, reps: int) -> int:
        return self.seconds_one_rep + (reps - 1) * self.seconds_per_extra_rep


Selection = Sequence[tuple[Candidate, int]]  # chosen candidates with their repetitions


@dataclass
class SelectionProblem:
    """The selection problem the search solves; also what the exhaustive checker in the tests reads."""

    candidates: list[Candidate]
    feature_weights: list[int]
    dose_groups: list[tuple[frozenset[Region], int]]  # regions, and the weight of a second of holding for them
    budget_s: int
    max_stretches: int
    keepable: int = 0  # candidates from the last routine: a swap drops one of them for a new one
    free_drops: int = SWAPS_COUNTED  # how many of them may be left out before it costs: most must stay
    volume_s: int = VOLUME_PER_GROUP_S  # seconds of holding a group that count
    flare: bool = False
    reasons: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)  # easier steps below each stretch, for ordering


def item_seconds(hold: int, reps: int, per_side: bool) -> int:
    sides = 2 if per_side else 1
    per_side_s = reps * (MOVE_IN_S + hold + RELEASE_S) + (reps - 1) * BETWEEN_REPS_S
    return SETUP_S + sides * per_side_s + (sides - 1) * SWITCH_SIDE_S


def transitions_seconds(positions: set[Position]) -> int:
    if not positions:
        return 0
    floor = FLOOR_DOWN_AND_UP_S if positions & FLOOR_POSITIONS else 0
    return POSITION_CHANGE_S * (len(positions) - 1) + floor


def selection_seconds(chosen: Selection) -> int:
    return sum(c.seconds(reps) for c, reps in chosen) + transitions_seconds({c.position for c, _ in chosen})


def dose_seconds(problem: SelectionProblem, chosen: Selection) -> list[int]:
    """Seconds of holding (per side) for each dose group, counted up to the day's volume per group: the core part
    (up to 40 s) and the top-up (from 40 s to the day's volume, 60 s on most days)."""
    return [
        min(problem.volume_s, sum(c.hold * reps for c, reps in chosen if c.groups >> g & 1))
        for g in range(len(problem.dose_groups))
    ]


def selection_score(problem: SelectionProblem, chosen: Selection) -> int:
    covered = 0
    for c, _ in chosen:
        covered |= c.features
    score = sum(w for i, w in enumerate(problem.feature_weights) if covered >> i & 1)
    for (_, w), held in zip(problem.dose_groups, dose_seconds(problem, chosen), strict=True):
        core = min(CORE_VOLUME_S, held)
        score += w * core + W_TOP_UP_PER_S * (held - core)
    score += sum(c.bonus - C_STRETCH for c, _ in chosen)
    dropped = problem.keepable - sum(1 for c, _ in chosen if c.kept)
    score += B_SWAP * min(SWAPS_COUNTED, sum(1 for c, _ in chosen if c.new), dropped)
    score -= W_EXTRA_DROP * max(0, dropped - problem.free_drops)
    if problem.flare:
        score -= W_FLARE_POSITION * len({c.position for c, _ in chosen})
    return score


def feasible(problem: SelectionProblem, chosen: Selection) -> bool:
    flexion = sum(1 for c, _ in chosen if c.flexion)
    return (
        selection_seconds(chosen) <= problem.budget_s
        and 3 * flexion <= len(chosen)
        and len(chosen) <= problem.max_stretches
        and sum(1 for c, _ in chosen if c.step_up) <= 1
        and all(c.min_reps <= reps <= c.max_reps for c, reps in chosen)
    )


def levels(catalogue: Mapping[str, Stretch], suitable: Collection[str] | None = None) -> dict[str, int]:
    """How many easier steps lie below each stretch: 0 is the gentlest of its family.

    With `suitable`, only those steps count, but the family is followed through the others: a harder step whose
    easier one needs a strap is still above the step below that, for someone with no strap.
    """
    counted = set(catalogue) if suitable is None else set(suitable)
    found: dict[str, int] = {}

    def level(sid: str, seen: frozenset[str]) -> int:
        if sid not in found:
            steps = [e for e in catalogue[sid].easier if e in catalogue and e not in seen]
            deeper = [level(e, seen | {sid}) + (1 if e in counted else 0) for e in steps]
            found[sid] = max(deeper, default=0)
        return found[sid]

    for sid in catalogue:
        level(sid, frozenset())
    return found


def steps_below(catalogue: Mapping[str, Stretch], sid: str, suitable: Collection[str]) -> list[str]:
    """The nearest easier steps that suit the person, passing over the ones that do not."""
    found: list[str] = []
    todo, seen = list(catalogue[sid].easier), {sid}
    while todo:
        e = todo.pop(0)
        if e in seen or e not in catalogue:
            continue
        seen.add(e)
        if e in suitable:
            found.append(e)
        else:
            todo.extend(catalogue[e].easier)
    return found


def _rotation(on: date, sid: str) -> int:
    # crc32, not hash(): the same date and id must give the same plan in every process.
    return zlib.crc32(f"{on.isoformat()}:{sid}".encode()) % (B_ROTATION_MAX + 1)


def painful_recently(history: History, on: date) -> dict[str, date]:
    """Stretches reported painful in the last 14 days, today included, with the latest date of each."""
    painful: dict[str, date] = {}
    for d in history.days:
        if d.on <= on and on - d.on <= PAINFUL_EXCLUSION:
            for sid in d.painful:
                painful[sid] = max(painful.get(sid, d.on), d.on)
    return painful


def pain_free_counts(history: History, before: date) -> dict[str, int]:
    """Sessions in a row each stretch was done without pain, before a day; a painful report starts it again."""
    counts: dict[str, int] = {}
    for d in sorted((d for d in history.days if d.on < before), key=lambda d: d.on):
        for sid in d.pain_free:
            counts[sid] = counts.get(sid, 0) + 1
        for sid in d.painful:
            counts[sid] = 0
    return counts


def free_level(stretch: Stretch, profile: Profile) -> int:
    """The highest step of a family a person may start at: the gentlest when new, one up with some experience (the
    back-stretcher always starts at its lowest setting)."""
    device = Equipment.BACK_STRETCHER in stretch.equipment
    return 1 if profile.experience is Experience.SOME and not device else 0


def gate_reason(
    stretch: Stretch,
    level: int,
    below: Collection[str],
    profile: Profile,
    pain_free: Mapping[str, int],
    gentlest_only: bool,
) -> str | None:
    """Why the progression gate keeps this step out today, or None when the person may do it.

    clinical-facts: progression-gate. `level` counts the easier steps below it that suit the person, and `below`
    names the nearest of them.
    """
    if level == 0:
        return None
    if gentlest_only:
        return "only the gentlest step of each family today"
    if level <= free_level(stretch, profile) or pain_free.get(stretch.id, 0) > 0:
        return None
    if any(pain_free.get(e, 0) >= PAIN_FREE_SESSIONS_TO_PROGRESS for e in below):
        return None
    return f"not yet: first do the step before it without pain in {PAIN_FREE_SESSIONS_TO_PROGRESS} sessions"


def flare_reason(stretch: Stretch) -> str | None:
    """Why a stretch is left out on a flare-up day, or None (clinical-facts: flare)."""
    if Equipment.BACK_STRETCHER in stretch.equipment:
        return "no back-stretcher on a flare-up day"
    if stretch.end_range or stretch.neck_end_range:
        return "nothing to the end of the range on a flare-up day"
    return None


def check_items(
    items: Sequence[PlanItem],
    catalogue: Mapping[str, Stretch],
    profile: Profile,
    history: History,
    on: date,
    flare: bool = False,
) -> list[str]:
    """Why a saved plan may not be followed today: the same safety rules the planner applies, checked again (on a
    flare-up day, the flare-up's too: its stretches, the gentlest steps only, and its minutes)."""
    problems = []
    painful = painful_recently(history, on)
    cap = OLDER_HOLD_CAP_S if profile.age_band is AgeBand.FROM_65 else None
    level: dict[str, int] = {}
    if flare:  # the flare-up's gate: how far each stretch is from the gentlest step of its family
        suitable = {sid for sid, s in catalogue.items() if allowed_reason(s, profile, desk=False) is None}
        level = levels(catalogue, suitable)
    for item in items:
        stretch = catalogue.get(item.stretch)
        if stretch is None:
            problems.append(f"{item.name or item.stretch}: not in your library")
            continue
        reason = allowed_reason(stretch, profile, desk=False)
        if reason:
            problems.append(f"{stretch.name}: {reason}")
        elif flare:
            reason = flare_reason(stretch) or gate_reason(stretch, level[item.stretch], (), profile, {}, True)
            if reason:
                problems.append(f"{stretch.name}: {reason}")
        if item.stretch in painful:
            problems.append(f"{stretch.name}: you found it painful on {day_words(painful[item.stretch])}")
        if not stretch.hold_seconds.min <= item.hold_seconds <= (cap or stretch.hold_seconds.max):
            problems.append(f"{stretch.name}: hold {item.hold_seconds} s is outside its safe range")
        if not 1 <= item.reps <= REPS_MAX or item.sides != (2 if stretch.per_side else 1):
            problems.append(f"{stretch.name}: repetitions or sides do not match the stretch")
    flexion = sum(
        1 for i in items if i.stretch in catalogue and catalogue[i.stretch].spinal_movement is SpinalMovement.FLEXION
    )
    if 3 * flexion > len(items):
        problems.append("more than a third of the stretches bend the spine forward")
    if flare and SESSION_START_S + WARM_UP_S + sum(i.seconds for i in items) > 60 * FLARE_MAX_MINUTES:
        problems.append(f"a flare-up day's routine takes {FLARE_MAX_MINUTES} minutes at most")
    return problems


def allowed_reason(stretch: Stretch, profile: Profile, desk: bool) -> str | None:
    """Why a stretch is ruled out for this person, or None when it is allowed (clinical-facts: contraindication)."""
    blocked = set(stretch.avoid_if) & profile.effective_conditions()
    if blocked:
        return f"not suitable for you ({'; '.join(sorted(plain_words(c).lower() for c in blocked))})"
    missing = [plain_words(e) for e in stretch.equipment if not profile.has(e)]
    if missing:
        return f"needs {' and '.join(missing)}"
    if desk and not stretch.desk_friendly:
        return "not a desk stretch"
    return None


def easier_instead(
    stretch_id: str,
    catalogue: Mapping[str, Stretch],
    profile: Profile,
    history: History,
    on: date,
    leave_out: Collection[str] = (),
) -> PlanItem | None:
    """The easier variant to try in place of a stretch that hurt, or None when none is safe for this person.

    Like any planned stretch, it must be allowed for them and not found painful in the last 14 days; it is held
    for its shortest time, once per side, as the planner does on a gentler day. One done in the same position
    comes first when one suits, so a person on the floor is not sent back up to stand for it.
    """
    painful = painful_recently(history, on)
    here = catalogue[stretch_id].position
    for sid in sorted(catalogue[stretch_id].easier, key=lambda s: s not in catalogue or catalogue[s].position != here):
        variant = catalogue.get(sid)
        if variant is None or sid in painful or sid in leave_out:
            continue
        if allowed_reason(variant, profile, desk=False) is not None:
            continue
        hold = variant.hold_seconds.min
        return PlanItem(variant.id, variant.name, hold, 1, 2 if variant.per_side else 1, variant.position,
                        variant.regions.primary, variant.spinal_movement,
                        item_seconds(hold, 1, variant.per_side))  # fmt: skip
    return None


def _last_routine(history: History, on: date) -> set[str]:
    """The stretches of the latest day within a week before `on` that had any: the routine to keep most of."""
    earlier = [d for d in history.days if on - LAST_ROUTINE_WITHIN <= d.on < on and d.stretches]
    if not earlier:
        return set()
    latest = max(d.on for d in earlier)
    return {s for d in earlier if d.on == latest for s in d.stretches}


def _pain_label(area: str) -> str:
    return f"your {area.replace('-', ' ')} pain"


def build_problem(
    catalogue: Mapping[str, Stretch],
    profile: Profile,
    on: date,
    history: History,
    minutes: int | None = None,
    desk: bool = False,
    flare: bool = False,
) -> SelectionProblem:
    asked = minutes if minutes is not None else profile.minutes
    if flare:
        asked = min(asked, FLARE_MAX_MINUTES)
    # The whole session, checklist and warm-up included, fits the minutes asked for.
    budget_s = 60 * asked - SESSION_START_S - WARM_UP_S
    reasons: list[str] = []
    recent = [d for d in history.days if d.on < on]
    last = _last_routine(history, on)
    this_week = {s for d in history.days if on - LAST_ROUTINE_WITHIN <= d.on < on for s in d.stretches}
    painful = painful_recently(history, on)

    morning = max((m for m in history.mornings if on - timedelta(days=1) <= m.on <= on), key=lambda m: m.on,
                  default=None)  # fmt: skip
    gentler = morning is not None and morning.pain - morning.usual >= NEXT_DAY_RISE
    if gentler and morning is not None:
        when = "this morning" if morning.on == on else "yesterday morning"
        reasons.append(f"Your pain {when} was {morning.pain}/10, {morning.pain - morning.usual} above your usual "
                       f"{morning.usual}: today's routine is gentler, with easier stretches and shorter "
                       "holds.")  # fmt: skip
    if flare:
        reasons.append(f"Flare-up day: {asked} minutes at most, only the gentlest stretches with short holds, "
                       "nothing deep and few changes of position. Gentle movement is good for your back; you do "
                       "not need to rest.")  # fmt: skip
    gentlest_only = gentler or flare
    volume_s = GENTLE_VOLUME_PER_GROUP_S if gentlest_only else VOLUME_PER_GROUP_S

    suitable = {sid: s for sid, s in catalogue.items() if allowed_reason(s, profile, desk) is None}
    level = levels(catalogue, suitable)
    pain_free = pain_free_counts(history, on)

    older = profile.age_band is AgeBand.FROM_65
    features: list[tuple[frozenset[Region], int]] = [(regions, W_REQUIRED) for regions in REQUIRED_GROUPS.values()]
    features += [(area.regions, W_PAIN) for area in profile.pain_areas]
    targets = list(dict.fromkeys(regions for regions, _ in features))
    dose_groups = [(regions, W_VOLUME_PER_S) for regions in targets]
    last_seen: dict[Region, date] = {}
    for d in recent:
        for sid in d.stretches:
            if sid in catalogue:
                for r in catalogue[sid].regions.primary:
                    last_seen[r] = max(last_seen.get(r, d.on), d.on)
    for region in Region:
        days = (on - last_seen[region]).days if region in last_seen else STALE_DAYS_CAP
        features.append((frozenset({region}), W_REGION + W_STALE_PER_DAY * min(days, STALE_DAYS_CAP)))

    candidates: list[Candidate] = []
    for sid in sorted(suitable):
        stretch = suitable[sid]
        if sid in painful:
            continue
        if flare and flare_reason(stretch) is not None:
            continue
        below = steps_below(catalogue, sid, suitable)
        if gate_reason(stretch, level[sid], below, profile, pain_free, gentlest_only) is not None:
            continue
        bonus = (B_KEPT if sid in last else 0) + _rotation(on, sid)
        if profile.likes_yoga and stretch.yoga_name:
            bonus += B_YOGA
        reason = None
        replaced = [p for p in stretch.harder if p in painful]
        earned = [e for e in below if pain_free.get(e, 0) >= PAIN_FREE_SESSIONS_TO_PROGRESS]
        if replaced:
            bonus += B_REPLACES_PAINFUL
            reason = f"{stretch.name} is in place of {catalogue[replaced[0]].name}, which you found painful lately."
        elif earned and not gentlest_only and level[sid] > 0 and pain_free.get(sid, 0) == 0:
            bonus += B_PROGRESSION
            reason = (
                f"{stretch.name} is the next step: you did {catalogue[earned[0]].name} without pain "
                f"{PAIN_FREE_SESSIONS_TO_PROGRESS} times."
            )
        hold = stretch.hold_seconds.default
        cap = OLDER_HOLD_CAP_S if older else stretch.hold_seconds.max
        if older:
            hold = max(hold, OLDER_HOLD_S)
        steps = pain_free.get(sid, 0) // PAIN_FREE_SESSIONS_TO_PROGRESS
        if steps and not stretch.harder and not gentlest_only and hold < cap:
            before = min(cap, hold + 5 * (steps - 1))
            hold = min(cap, hold + 5 * steps)
            if hold > before and pain_free[sid] % PAIN_FREE_SESSIONS_TO_PROGRESS == 0:  # said once, as it rises
                reason = f"{stretch.name} is held {hold} s now: you have done it without pain {pain_free[sid]} times."
        if gentlest_only:
            hold = stretch.hold_seconds.min
        primary = set(stretch.regions.primary)
        mask = sum(1 << i for i, (regions, _) in enumerate(features) if primary & regions)
        groups = sum(1 << g for g, (regions, _) in enumerate(dose_groups) if primary & regions)
        min_reps = DOSE_MIN_REPS if asked >= DOSE_FROM_MINUTES and hold < DOSE_MIN_HOLD_S else 1
        one = item_seconds(hold, 1, stretch.per_side)
        candidates.append(
            Candidate(
                stretch=stretch,
                hold=hold,
                seconds_one_rep=one,
                seconds_per_extra_rep=item_seconds(hold, 2, stretch.per_side) - one,
                min_reps=min_reps,
                max_reps=max(min_reps, min(REPS_MAX, -(-volume_s // hold))),
                features=mask,
                groups=groups,
                bonus=bonus,
                flexion=stretch.spinal_movement is SpinalMovement.FLEXION,
                position=stretch.position,
                new=bool(last) and sid not in this_week,
                kept=sid in last,
                step_up=level[sid] > free_level(stretch, profile) and pain_free.get(sid, 0) == 0 and not replaced,
                reason=reason,
            )
        )
    for sid in sorted(painful):
        if sid in catalogue:
            until = painful[sid] + PAINFUL_EXCLUSION
            reasons.append(f"{catalogue[sid].name} is left out until {day_words(until)}: you found it "
                           "painful.")  # fmt: skip
    per_stretch = GENTLE_SECONDS_PER_STRETCH if gentlest_only else SECONDS_PER_STRETCH[profile.experience]
    max_stretches = -(-60 * asked // per_stretch)  # rounded up
    keepable = sum(1 for c in candidates if c.kept)
    return SelectionProblem(candidates, [w for _, w in features], dose_groups, budget_s, max_stretches,
                            keepable=keepable, free_drops=min(SWAPS_COUNTED, max(0, (keepable - 1) // 2)),
                            volume_s=volume_s, flare=flare,
                            reasons=reasons, levels=level)  # fmt: skip


def _dominance_pairs(cands: Sequence[Candidate]) -> list[tuple[int, int]]:
    """Pairs (a, b) where b may be chosen only with a: a is as good as b in every respect that counts.

    Same position, covers every feature and dose group b covers with at least b's hold, takes no longer for any
    number of repetitions b may have, has no smaller bonus, bends forward no more, is new exactly when b is. Putting
    a, with b's repetitions, in b's place never lowers the score nor breaks a rule, so some optimal plan keeps every
    such pair; the constraints spare the solver plans that differ only by such swaps. Ties go to the earlier index.
    """
    pairs = []
    for ia, a in enumerate(cands):
        for ib, b in enumerate(cands):
            if ia == ib or a.position is not b.position or b.features & ~a.features or b.groups & ~a.groups:
                continue
            if (a.seconds_one_rep > b.seconds_one_rep or a.seconds_per_extra_rep > b.seconds_per_extra_rep
                    or a.hold < b.hold or a.bonus < b.bonus or a.flexion > b.flexion
                    or a.new != b.new or a.kept != b.kept or a.step_up > b.step_up
                    or a.min_reps > b.min_reps or a.max_reps < b.max_reps):  # fmt: skip
                continue
            key_a = (a.seconds_one_rep, a.seconds_per_extra_rep, a.hold, a.bonus, a.flexion, a.features, a.groups,
                     a.min_reps, a.max_reps)  # fmt: skip
            key_b = (b.seconds_one_rep, b.seconds_per_extra_rep, b.hold, b.bonus, b.flexion, b.features, b.groups,
                     b.min_reps, b.max_reps)  # fmt: skip
            if key_a != key_b or ia < ib:
                pairs.append((ia, ib))
    return pairs


def solve(problem: SelectionProblem) -> list[tuple[Candidate, int]]:
    """Exact maximum of selection_score over feasible selections, as a mixed-integer program solved by HiGHS.

    Variables: x (each stretch chosen), t (its repetitions after the first), y (each feature covered), v and o
    (each dose group's seconds: up to 40, then the top-up to the day's volume), u (the positions used), f (the
    floor used), w (swaps counted: new stretches in place of ones from the last routine, at most 2), d (those of
    the last routine left out beyond the free ones). The gap is set to zero so HiGHS proves optimality to the unit
    rather than stopping within its default 0.01 %.
    """
    cands, weights, groups = problem.candidates, problem.feature_weights, problem.dose_groups
    if not cands:
        return []
    n, e, m, d, positions = len(cands), len(cands), len(weights), len(groups), list(Position)
    p = len(positions)
    X, R, Y, V, T = 0, n, n + e, n + e + m, n + e + m + d  # first index of each kind of variable
    U = T + d
    F, W, D = U + p, U + p + 1, U + p + 2
    size = D + 1
    objective = np.zeros(size)
    objective[X:R] = [C_STRETCH - c.bonus for c in cands]
    objective[Y:V] = [-w for w in weights]
    objective[V:T] = [-w for _, w in groups]
    objective[T:U] = -W_TOP_UP_PER_S
    if problem.flare:
        objective[U:F] = W_FLARE_POSITION
    objective[W] = -B_SWAP
    objective[D] = W_EXTRA_DROP
    rows: list[NDArray[np.float64]] = []
    low: list[float] = []
    high: list[float] = []

    def add(row: NDArray[np.float64], lo: float, hi: float) -> None:
        rows.append(row)
        low.append(lo)
        high.append(hi)

    for f in range(m):
        row = np.zeros(size)
        row[Y + f] = 1
        row[X:R] = [-(c.features >> f & 1) for c in cands]
        add(row, -np.inf, 0)
    reps_rows = {i: np.zeros(size) for i in range(n)}  # the repetitions of each stretch: x_i + t_i
    for i, c in enumerate(cands):
        reps_rows[i][X + i] = reps_rows[i][R + i] = 1
        row = np.zeros(size)
        row[R + i], row[X + i] = 1, -(c.max_reps - 1)  # t_i extra repetitions, only for a chosen stretch
        add(row, -np.inf, 0)
        row = np.zeros(size)
        row[R + i], row[X + i] = 1, -(c.min_reps - 1)
        add(row, 0, np.inf)
    for g in range(d):
        row = np.zeros(size)
        row[V + g] = row[T + g] = 1
        for i, c in enumerate(cands):
            if c.groups >> g & 1:
                row -= c.hold * reps_rows[i]
        add(row, -np.inf, 0)
    for i, c in enumerate(cands):
        row = np.zeros(size)
        row[X + i], row[U + positions.index(c.position)] = 1, -1
        add(row, -np.inf, 0)
        if c.position in FLOOR_POSITIONS:
            row = np.zeros(size)
            row[X + i], row[F] = 1, -1
            add(row, -np.inf, 0)
    row = np.zeros(size)
    row[X:R] = [c.seconds_one_rep for c in cands]
    row[R:Y] = [c.seconds_per_extra_rep for c in cands]
    row[U:F] = POSITION_CHANGE_S
    row[F] = FLOOR_DOWN_AND_UP_S
    add(row, -np.inf, problem.budget_s + POSITION_CHANGE_S)
    row = np.zeros(size)
    row[X:R] = [2 if c.flexion else -1 for c in cands]
    add(row, -np.inf, 0)
    row = np.zeros(size)
    row[X:R] = 1
    add(row, -np.inf, problem.max_stretches)
    row = np.zeros(size)
    row[X:R] = [1 if c.step_up else 0 for c in cands]
    add(row, -np.inf, 1)
    row = np.zeros(size)
    row[W] = 1
    row[X:R] = [-1 if c.new else 0 for c in cands]
    add(row, -np.inf, 0)
    row = np.zeros(size)
    row[W] = 1
    row[X:R] = [1 if c.kept else 0 for c in cands]
    add(row, -np.inf, problem.keepable)
    row = np.zeros(size)
    row[D] = -1
    row[X:R] = [-1 if c.kept else 0 for c in cands]
    add(row, -np.inf, problem.free_drops - problem.keepable)
    for a, b in _dominance_pairs(cands):
        row = np.zeros(size)
        row[X + b], row[X + a] = 1, -1
        add(row, -np.inf, 0)
    integrality = np.ones(size)
    integrality[V:U] = integrality[W] = integrality[D] = 0
    upper = np.ones(size)
    core = min(CORE_VOLUME_S, problem.volume_s)
    upper[V:T], upper[T:U], upper[W], upper[D] = core, problem.volume_s - core, SWAPS_COUNTED, np.inf
    upper[R:Y] = [c.max_reps - 1 for c in cands]
    x = _highs(objective, np.array(rows), np.array(low), np.array(high), integrality, upper)
    chosen = []
    for i, c in enumerate(cands):
        if x[X + i] > 0.5:
            chosen.append((c, 1 + round(x[R + i])))
    return chosen


def _highs(
    objective: NDArray[np.float64],
    rows: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    integrality: NDArray[np.float64],
    upper: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Minimise objective @ x subject to low <= rows @ x <= high, 0 <= x <= upper, integral where asked."""
    import highspy

    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = rows.shape[1], rows.shape[0]
    lp.col_cost_ = objective
    lp.col_lower_ = np.zeros(rows.shape[1])
    lp.col_upper_ = upper
    lp.row_lower_, lp.row_upper_ = low, high
    nonzero = rows.T != 0  # column-wise, as HiGHS stores it
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate(([0], np.cumsum(nonzero.sum(axis=1)))).astype(np.int32)
    lp.a_matrix_.index_ = np.nonzero(nonzero)[1].astype(np.int32)
    lp.a_matrix_.value_ = rows.T[nonzero]
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integrality]
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # cannot happen: choosing nothing is feasible
        raise RuntimeError(f"planner found no solution: {h.modelStatusToString(h.getModelStatus())}")
    return np.array(h.getSolution().col_value)


def _order(chosen: Selection, level: Mapping[str, int]) -> list[tuple[Candidate, int]]:
    rank = {p: i for i, p in enumerate(POSITION_ORDER)}

    # Within a position: the gentler step first, and a stretch that goes to the end of a joint's range last.
    def key(chosen_item: tuple[Candidate, int]) -> tuple[int, bool, int, str]:
        s = chosen_item[0].stretch
        return rank[chosen_item[0].position], s.end_range, level.get(s.id, 0), s.id

    return sorted(chosen, key=key)


def _fill(problem: SelectionProblem, chosen: Selection) -> list[tuple[Candidate, int]]:
    """Spend time left over on repetitions, round by round in routine order, while a stretch's regions have less
    than 60 s of holding (clinical-facts: volume)."""
    reps = [r for _, r in chosen]
    held: dict[Region, int] = {}
    for c, r in chosen:
        for region in c.stretch.regions.primary:
            held[region] = held.get(region, 0) + c.hold * r
    spare = problem.budget_s - selection_seconds(chosen)
    grew = True
    while grew:
        grew = False
        for k, (c, _) in enumerate(chosen):
            regions = c.stretch.regions.primary
            if reps[k] >= c.max_reps or c.seconds_per_extra_rep > spare:
                continue
            if all(held[region] >= problem.volume_s for region in regions):
                continue
            reps[k] += 1
            spare -= c.seconds_per_extra_rep
            for region in regions:
                held[region] += c.hold
            grew = True
    return [(c, r) for (c, _), r in zip(chosen, reps, strict=True)]


def plan_day(
    catalogue: Mapping[str, Stretch],
    profile: Profile,
    on: date,
    history: History = History(),
    minutes: int | None = None,
    desk: bool = False,
    flare: bool = False,
) -> Plan:
    problem = build_problem(catalogue, profile, on, history, minutes, desk, flare)
    chosen = _fill(problem, _order(solve(problem), problem.levels))
    return _as_plan(problem, chosen, profile, on, minutes, desk, flare)


def _as_plan(problem: SelectionProblem, chosen: Selection, profile: Profile, on: date, minutes: int | None,
             desk: bool, flare: bool, notes: Sequence[str] = ()) -> Plan:  # fmt: skip
    items = tuple(
        PlanItem(
            stretch=c.stretch.id,
            name=c.stretch.name,
            hold_seconds=c.hold,
            reps=reps,
            sides=2 if c.stretch.per_side else 1,
            position=c.position,
            regions=c.stretch.regions.primary,
            spinal_movement=c.stretch.spinal_movement,
            seconds=c.seconds(reps),
        )
        for c, reps in chosen
    )
    asked = minutes if minutes is not None else profile.minutes
    if flare:
        asked = min(asked, FLARE_MAX_MINUTES)
    covered = {r for c, _ in chosen for r in c.stretch.regions.primary}
    warnings = [*_warnings(problem, profile, desk, covered, asked), *notes]
    start = SESSION_START_S + WARM_UP_S if items else 0
    return Plan(
        date=on,
        minutes_budget=asked,
        total_seconds=selection_seconds(chosen) + start,
        items=items,
        covered_regions=tuple(r for r in Region if r in covered),
        warnings=tuple(warnings),
        reasons=tuple(problem.reasons) + tuple(c.reason for c, _ in chosen if c.reason),
        score=selection_score(problem, chosen),
    )


def plan_with_swaps(
    catalogue: Mapping[str, Stretch],
    profile: Profile,
    on: date,
    history: History,
    swaps: Sequence[str],
    minutes: int | None = None,
    desk: bool = False,
    flare: bool = False,
) -> Plan:
    """The day's plan with each swapped stretch replaced by one other, the rest of the routine as it was.

    A swap is a small change a person asks for: the other stretches keep their place and their repetitions, and
    only the swapped one makes way, for the alternative that scores best under the planner's own rules (allowed
    for the person, past the progression gate, a real dose, within the time). A stretch nothing can replace stays,
    and a warning says so. Swaps are taken in order, so a replacement swapped in turn is replaced in turn."""
    problem = build_problem(catalogue, profile, on, history, minutes, desk, flare)
    chosen = _fill(problem, _order(solve(problem), problem.levels))
    stuck = []
    for sid in dict.fromkeys(swaps):
        at = next((k for k, (c, _) in enumerate(chosen) if c.stretch.id == sid), None)
        if at is None:
            continue  # not in today's routine: nothing to change
        replaced = replace_one(problem, chosen, at, leave_out=set(swaps))
        if replaced is None:
            stuck.append(f"No other stretch fits in place of {catalogue[sid].name} today, so it stays in your "
                         "routine; you can skip it during the session.")  # fmt: skip
        else:
            chosen = replaced
    return _as_plan(problem, chosen, profile, on, minutes, desk, flare, stuck)


def replace_one(problem: SelectionProblem, chosen: Selection, at: int,
                leave_out: Collection[str] = ()) -> list[tuple[Candidate, int]] | None:  # fmt: skip
    """`chosen` with its stretch at `at` replaced by the best single other stretch with its best repetitions, every
    other stretch and its repetitions kept; None when no replacement keeps every rule."""
    others = [pair for k, pair in enumerate(chosen) if k != at]
    taken = {c.stretch.id for c, _ in chosen} | set(leave_out)
    best: tuple[int, str, list[tuple[Candidate, int]]] | None = None
    for c in problem.candidates:
        if c.stretch.id in taken:
            continue
        for reps in range(c.min_reps, c.max_reps + 1):
            trial = [*others, (c, reps)]
            if not feasible(problem, trial):
                continue
            score = selection_score(problem, trial)
            if best is None or score > best[0] or (score == best[0] and c.stretch.id < best[1]):
                best = (score, c.stretch.id, trial)
    return None if best is None else _order(best[2], problem.levels)


def _warnings(problem: SelectionProblem, profile: Profile, desk: bool, covered: set[Region], minutes: int) -> list[str]:
    """Say what a plan leaves out and why: not allowed for this person, or no time for it."""
    allowed_regions = {r for c in problem.candidates for r in c.stretch.regions.primary}
    found = []
    wanted = [(REQUIRED_GROUP_LABELS[name], regions) for name, regions in REQUIRED_GROUPS.items()]
    wanted += [(_pain_label(a.value), a.regions) for a in profile.pain_areas]
    for label, regions in wanted:
        if regions & covered:
            continue
        if regions & allowed_regions:
            found.append(f"No time for {label} within {minutes} minutes; a longer routine covers it.")
        else:
            found.append(f"No stretch for {label} suits you today ({'desk mode, ' if desk else ''}your conditions, "
                         "equipment or recent painful stretches).")  # fmt: skip
    if not problem.candidates:
        found.append("No stretch in the library suits you today; please talk to a clinician about what is safe.")
    return found


def plan_week(
    catalogue: Mapping[str, Stretch],
    profile: Profile,
    start: date,
    history: History = History(),
    minutes: int | None = None,
    desk: bool = False,
) -> list[Plan]:
    """The days the person means to stretch in the seven from ``start``, each seeing the ones planned before it."""
    plans: list[Plan] = []
    days = list(history.days)
    for offset in range(7):
        on = start + timedelta(days=offset)
        if on.weekday() not in profile.planned_weekdays:
            continue  # a rest day by the person's own choice
        plan = plan_day(catalogue, profile, on, History(tuple(days), history.mornings), minutes, desk)
        plans.append(plan)
        days.append(DayRecord(on, tuple(i.stretch for i in plan.items)))
    return plans
