"""The daily routine planner: a pure, deterministic function of profile, date and history.

Objective (what "best" means). Among the stretches the person may do today, choose the set that maximises

    score = sum of the weights of the features it covers + sum of each chosen stretch's own bonus

where the features are: each required group (hamstrings; hips, hip flexors or glutes; neck, shoulders or upper
back) at 10,000,000; each of the person's pain areas at 100,000; each region at 200 plus 150 for every day (up to
7) since it was last stretched, which brings every region round within a week. The weights are lexicographic:
one required group outweighs everything below it put together, and so does one pain area, so the optimum covers
every required group and pain area whenever any plan within the rules can. A stretch's own bonus is 120 if
it was not planned yesterday, 0-40 from a rotation that changes with the date, 60 for a yoga pose when the
person likes yoga, and 500 or 300 when it stands in for a painful stretch or is the next step after three
pain-free sessions. Subject to: total time (set-up, moving in and out, holds, side switches, position changes,
getting down to the floor and up once) within the budget, and at most one third of the stretches bending the
spine forward. The selection is an integer program solved exactly by HiGHS (scipy.optimize.milp); tests compare
it with exhaustive search, and bench/plan.py with an independent CP-SAT model. Leftover time then goes to
repetitions (up to each stretch's usual count and about 60 s of holding per muscle group: clinical-facts: volume).
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from backstretch.core.catalogue import Stretch
from backstretch.core.profile import AgeBand, Profile
from backstretch.core.vocab import FLOOR_POSITIONS, Position, Region, SpinalMovement

# Time model, in seconds (shared with the session timeline).
SESSION_START_S = 20  # the checklist before the first stretch
SETUP_S = 10  # read the steps and get into position
MOVE_IN_S = 5  # clinical-facts: gentle-first; move in slowly
RELEASE_S = 5
BETWEEN_REPS_S = 5
SWITCH_SIDE_S = 5
POSITION_CHANGE_S = 10
FLOOR_DOWN_AND_UP_S = 30

# Weights of the objective (see the module docstring).
W_REQUIRED, W_PAIN, W_REGION, W_STALE_PER_DAY, STALE_DAYS_CAP = 10_000_000, 100_000, 200, 150, 7
B_FRESH, B_ROTATION_MAX, B_YOGA, B_REPLACES_PAINFUL, B_PROGRESSION = 120, 40, 60, 500, 300

PAINFUL_EXCLUSION = timedelta(days=14)  # a stretch reported painful is left out for 14 days
PAIN_FREE_SESSIONS_TO_PROGRESS = 3  # clinical-facts: progress
NEXT_DAY_RISE = 2  # clinical-facts: next-day, pain 2+ points above usual
VOLUME_PER_GROUP_S = 60  # clinical-facts: volume
OLDER_HOLD_S, OLDER_HOLD_CAP_S = 30, 60  # clinical-facts: hold-time, people 65 and over

REQUIRED_GROUPS: dict[str, frozenset[Region]] = {
    "hamstrings": frozenset({Region.HAMSTRINGS}),
    "hips": frozenset({Region.HIPS, Region.HIP_FLEXORS, Region.GLUTES}),
    "neck-shoulders-upper-back": frozenset({Region.NECK, Region.SHOULDERS, Region.UPPER_BACK}),
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
    """A stretch the person may do today, with what choosing it is worth."""

    stretch: Stretch
    hold: int
    seconds_one_rep: int
    features: int  # bitmask over the feature list
    bonus: int
    flexion: bool
    position: Position
    reason: str | None = None  # shown when the stretch is chosen: why it is in today's plan


@dataclass
class SelectionProblem:
    """The selection problem the search solves; also what the exhaustive checker in the tests reads."""

    candidates: list[Candidate]
    feature_weights: list[int]
    budget_s: int
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


def selection_seconds(chosen: Sequence[Candidate]) -> int:
    return sum(c.seconds_one_rep for c in chosen) + transitions_seconds({c.position for c in chosen})


def selection_score(problem: SelectionProblem, chosen: Sequence[Candidate]) -> int:
    covered = 0
    for c in chosen:
        covered |= c.features
    weights = sum(w for i, w in enumerate(problem.feature_weights) if covered >> i & 1)
    return weights + sum(c.bonus for c in chosen)


def feasible(problem: SelectionProblem, chosen: Sequence[Candidate]) -> bool:
    flexion = sum(1 for c in chosen if c.flexion)
    return selection_seconds(chosen) <= problem.budget_s and 3 * flexion <= len(chosen)


def levels(catalogue: Mapping[str, Stretch]) -> dict[str, int]:
    """How many easier steps lie below each stretch: 0 is the gentlest of its family."""
    found: dict[str, int] = {}

    def level(sid: str, seen: frozenset[str]) -> int:
        if sid in found:
            return found[sid]
        below = [e for e in catalogue[sid].easier if e in catalogue and e not in seen]
        value = 1 + max(level(e, seen | {sid}) for e in below) if below else 0
        found[sid] = value
        return value

    for sid in catalogue:
        level(sid, frozenset())
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


def check_items(
    items: Sequence[PlanItem], catalogue: Mapping[str, Stretch], profile: Profile, history: History, on: date
) -> list[str]:
    """Why a saved plan may not be followed today: the same safety rules the planner applies, checked again."""
    problems = []
    painful = painful_recently(history, on)
    cap = OLDER_HOLD_CAP_S if profile.age_band is AgeBand.FROM_65 else None
    for item in items:
        stretch = catalogue.get(item.stretch)
        if stretch is None:
            problems.append(f"{item.stretch}: not in your library")
            continue
        reason = allowed_reason(stretch, profile, desk=False)
        if reason:
            problems.append(f"{item.stretch}: {reason}")
        if item.stretch in painful:
            problems.append(f"{item.stretch}: you found it painful on {painful[item.stretch].isoformat()}")
        if not stretch.hold_seconds.min <= item.hold_seconds <= (cap or stretch.hold_seconds.max):
            problems.append(f"{item.stretch}: hold {item.hold_seconds} s is outside its safe range")
        if not 1 <= item.reps <= stretch.reps or item.sides != (2 if stretch.per_side else 1):
            problems.append(f"{item.stretch}: repetitions or sides do not match the stretch")
    flexion = sum(
        1 for i in items if i.stretch in catalogue and catalogue[i.stretch].spinal_movement is SpinalMovement.FLEXION
    )
    if 3 * flexion > len(items):
        problems.append("more than a third of the stretches bend the spine forward")
    return problems


def allowed_reason(stretch: Stretch, profile: Profile, desk: bool) -> str | None:
    """Why a stretch is ruled out for this person, or None when it is allowed (clinical-facts: contraindication)."""
    blocked = set(stretch.avoid_if) & profile.effective_conditions()
    if blocked:
        return f"not safe with {', '.join(sorted(c.value for c in blocked))}"
    missing = [e.value for e in stretch.equipment if not profile.has(e)]
    if missing:
        return f"needs {', '.join(missing)}"
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
    for its shortest time, once per side, as the planner does on a gentler day.
    """
    painful = painful_recently(history, on)
    for sid in catalogue[stretch_id].easier:
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


def build_problem(
    catalogue: Mapping[str, Stretch],
    profile: Profile,
    on: date,
    history: History,
    minutes: int | None = None,
    desk: bool = False,
    flare: bool = False,
) -> SelectionProblem:
    # The whole session, checklist included, fits the minutes asked for.
    budget_s = 60 * (minutes if minutes is not None else profile.minutes) - SESSION_START_S
    reasons: list[str] = []
    recent = [d for d in history.days if d.on < on]
    yesterday = {s for d in recent if d.on == on - timedelta(days=1) for s in d.stretches}

    painful = painful_recently(history, on)

    morning = max((m for m in history.mornings if on - timedelta(days=1) <= m.on <= on), key=lambda m: m.on,
                  default=None)  # fmt: skip
    gentler = morning is not None and morning.pain - morning.usual >= NEXT_DAY_RISE
    if gentler and morning is not None:
        reasons.append(f"Your pain on {morning.on.isoformat()} was {morning.pain}/10, {morning.pain - morning.usual} "
                       f"above your usual {morning.usual}: today's routine is gentler, with easier stretches and "
                       "shorter holds.")  # fmt: skip
    if flare:
        reasons.append("Flare-up day: only the gentlest stretches, with short holds and nothing deep.")

    level = levels(catalogue)
    pain_free_count: dict[str, int] = {}
    for d in sorted(recent, key=lambda d: d.on):
        for sid in d.pain_free:
            pain_free_count[sid] = pain_free_count.get(sid, 0) + 1
        for sid in d.painful:
            pain_free_count[sid] = 0

    older = profile.age_band is AgeBand.FROM_65
    features: list[tuple[str, frozenset[Region], int]] = [
        (f"group:{name}", regions, W_REQUIRED) for name, regions in REQUIRED_GROUPS.items()
    ]
    features += [(f"pain:{area.value}", area.regions, W_PAIN) for area in profile.pain_areas]
    last_seen: dict[Region, date] = {}
    for d in recent:
        for sid in d.stretches:
            if sid in catalogue:
                for r in catalogue[sid].regions.primary:
                    last_seen[r] = max(last_seen.get(r, d.on), d.on)
    for region in Region:
        days = (on - last_seen[region]).days if region in last_seen else STALE_DAYS_CAP
        features.append((f"region:{region.value}", frozenset({region}), W_REGION + W_STALE_PER_DAY *
                         min(days, STALE_DAYS_CAP)))  # fmt: skip

    candidates: list[Candidate] = []
    for sid in sorted(catalogue):
        stretch = catalogue[sid]
        if allowed_reason(stretch, profile, desk) is not None:
            continue
        if sid in painful:
            continue
        if (gentler or flare) and level[sid] > 0:
            continue
        bonus = (B_FRESH if sid not in yesterday else 0) + _rotation(on, sid)
        if profile.likes_yoga and stretch.yoga_name:
            bonus += B_YOGA
        reason = None
        replaced = [p for p in stretch.harder if p in painful]
        earned = [e for e in stretch.easier if pain_free_count.get(e, 0) >= PAIN_FREE_SESSIONS_TO_PROGRESS]
        if replaced:
            bonus += B_REPLACES_PAINFUL
            reason = (
                f"{stretch.name} is in place of {catalogue[replaced[0]].name}, which you found painful "
                f"on {painful[replaced[0]].isoformat()}."
            )
        elif earned and not (gentler or flare):
            bonus += B_PROGRESSION
            reason = (
                f"{stretch.name} is the next step: you did {catalogue[earned[0]].name} without pain "
                f"{PAIN_FREE_SESSIONS_TO_PROGRESS} times."
            )
        hold = stretch.hold_seconds.default
        cap = OLDER_HOLD_CAP_S if older else stretch.hold_seconds.max
        if older:
            hold = max(hold, OLDER_HOLD_S)
        steps = pain_free_count.get(sid, 0) // PAIN_FREE_SESSIONS_TO_PROGRESS
        if steps and not stretch.harder and not (gentler or flare) and hold < cap:
            hold = min(cap, hold + 5 * steps)
            reason = f"{stretch.name} is held {hold} s: you have done it without pain {pain_free_count[sid]} times."
        if gentler or flare:
            hold = stretch.hold_seconds.min
        primary = set(stretch.regions.primary)
        mask = 0
        for i, (_, regions, _) in enumerate(features):
            if primary & regions:
                mask |= 1 << i
        candidates.append(
            Candidate(
                stretch=stretch,
                hold=hold,
                seconds_one_rep=item_seconds(hold, 1, stretch.per_side),
                features=mask,
                bonus=bonus,
                flexion=stretch.spinal_movement is SpinalMovement.FLEXION,
                position=stretch.position,
                reason=reason,
            )
        )
    for sid in sorted(painful):
        if sid in catalogue:
            reasons.append(f"{catalogue[sid].name} is left out until "
                           f"{(painful[sid] + PAINFUL_EXCLUSION).isoformat()}: you found it painful.")  # fmt: skip
    return SelectionProblem(candidates, [w for _, _, w in features], budget_s, reasons, level)


def _dominance_pairs(cands: Sequence[Candidate]) -> list[tuple[int, int]]:
    """Pairs (a, b) where b may be chosen only with a: a is as good as b in every respect that counts.

    Same position, covers every feature b covers, takes no longer, has no smaller bonus, bends forward no more.
    Swapping b for a never lowers the score nor breaks a rule, so some optimal plan keeps every such pair; the
    constraints spare the solver from trying plans that differ only by such swaps. Ties go to the earlier index.
    """
    pairs = []
    for ia, a in enumerate(cands):
        for ib, b in enumerate(cands):
            if ia == ib or a.position is not b.position or b.features & ~a.features:
                continue
            if a.seconds_one_rep > b.seconds_one_rep or a.bonus < b.bonus or a.flexion > b.flexion:
                continue
            equal = (a.seconds_one_rep, a.bonus, a.flexion, a.features) == (b.seconds_one_rep, b.bonus, b.flexion,
                                                                            b.features)  # fmt: skip
            if not equal or ia < ib:
                pairs.append((ia, ib))
    return pairs


def solve(problem: SelectionProblem) -> list[Candidate]:
    """Exact maximum of selection_score over feasible selections, as a mixed-integer program solved by HiGHS.

    Variables: x (each stretch chosen), y (each feature covered), g (each position used), f (the floor used).
    A feature counts only when a chosen stretch covers it; time is the stretches' own plus 10 s per position
    beyond the first plus 30 s for the floor; 3 x (forward bends) <= (stretches chosen). The gap is set to
    zero so HiGHS proves optimality to the unit rather than stopping within its default 0.01 %.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp  # imported here: it costs half a second at startup

    cands, weights = problem.candidates, problem.feature_weights
    if not cands:
        return []
    n, m, positions = len(cands), len(weights), list(Position)
    p = len(positions)
    size = n + m + p + 1
    objective = np.zeros(size)
    objective[:n] = [-c.bonus for c in cands]
    objective[n : n + m] = [-w for w in weights]
    rows: list[NDArray[np.float64]] = []
    upper: list[float] = []

    def at_most(row: NDArray[np.float64], limit: float) -> None:
        rows.append(row)
        upper.append(limit)

    for f in range(m):
        row = np.zeros(size)
        row[n + f] = 1
        row[:n] = [-(c.features >> f & 1) for c in cands]
        at_most(row, 0)
    for i, c in enumerate(cands):
        row = np.zeros(size)
        row[i], row[n + m + positions.index(c.position)] = 1, -1
        at_most(row, 0)
        if c.position in FLOOR_POSITIONS:
            row = np.zeros(size)
            row[i], row[size - 1] = 1, -1
            at_most(row, 0)
    row = np.zeros(size)
    row[:n] = [c.seconds_one_rep for c in cands]
    row[n + m : n + m + p] = POSITION_CHANGE_S
    row[size - 1] = FLOOR_DOWN_AND_UP_S
    at_most(row, problem.budget_s + POSITION_CHANGE_S)
    row = np.zeros(size)
    row[:n] = [2 if c.flexion else -1 for c in cands]
    at_most(row, 0)
    for a, b in _dominance_pairs(cands):
        row = np.zeros(size)
        row[b], row[a] = 1, -1
        at_most(row, 0)
    result = milp(
        objective,
        constraints=LinearConstraint(np.array(rows), -np.inf, np.array(upper)),
        integrality=np.ones(size),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if result.x is None:  # cannot happen: choosing nothing is always feasible
        raise RuntimeError(f"planner found no solution: {result.message}")
    return [c for c, x in zip(cands, result.x[:n], strict=True) if x > 0.5]


def _order(chosen: Sequence[Candidate], level: Mapping[str, int]) -> list[Candidate]:
    rank = {p: i for i, p in enumerate(POSITION_ORDER)}
    return sorted(chosen, key=lambda c: (rank[c.position], level.get(c.stretch.id, 0), c.stretch.id))


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
    chosen = _order(solve(problem), problem.levels)
    reps = {c.stretch.id: 1 for c in chosen}
    held: dict[Region, int] = {}
    for c in chosen:
        for r in c.stretch.regions.primary:
            held[r] = held.get(r, 0) + c.hold

    def total() -> int:
        items = sum(item_seconds(c.hold, reps[c.stretch.id], c.stretch.per_side) for c in chosen)
        return items + transitions_seconds({c.position for c in chosen})

    # Spend leftover time on repetitions, round by round in routine order (clinical-facts: volume).
    grew = True
    while grew:
        grew = False
        for c in chosen:
            sid = c.stretch.id
            if reps[sid] >= c.stretch.reps or all(held[r] >= VOLUME_PER_GROUP_S for r in c.stretch.regions.primary):
                continue
            reps[sid] += 1
            if total() > problem.budget_s:
                reps[sid] -= 1
                continue
            for r in c.stretch.regions.primary:
                held[r] += c.hold
            grew = True

    items = tuple(
        PlanItem(
            stretch=c.stretch.id,
            name=c.stretch.name,
            hold_seconds=c.hold,
            reps=reps[c.stretch.id],
            sides=2 if c.stretch.per_side else 1,
            position=c.position,
            regions=c.stretch.regions.primary,
            spinal_movement=c.stretch.spinal_movement,
            seconds=item_seconds(c.hold, reps[c.stretch.id], c.stretch.per_side),
        )
        for c in chosen
    )
    covered = {r for c in chosen for r in c.stretch.regions.primary}
    warnings = _warnings(problem, catalogue, profile, desk, covered)
    return Plan(
        date=on,
        minutes_budget=(problem.budget_s + SESSION_START_S) // 60,
        total_seconds=total() + SESSION_START_S,
        items=items,
        covered_regions=tuple(r for r in Region if r in covered),
        warnings=tuple(warnings),
        reasons=tuple(problem.reasons) + tuple(c.reason for c in chosen if c.reason),
        score=selection_score(problem, chosen),
    )


def _warnings(
    problem: SelectionProblem, catalogue: Mapping[str, Stretch], profile: Profile, desk: bool, covered: set[Region]
) -> list[str]:
    """Say what a plan leaves out and why: not allowed for this person, or no time for it."""
    allowed_regions = {r for c in problem.candidates for r in c.stretch.regions.primary}
    found = []
    wanted = [(name.replace("-", ", "), regions) for name, regions in REQUIRED_GROUPS.items()]
    wanted += [(f"your {a.value} pain", a.regions) for a in profile.pain_areas]
    for label, regions in wanted:
        if regions & covered:
            continue
        if regions & allowed_regions:
            found.append(
                f"No time for {label} within {(problem.budget_s + SESSION_START_S) // 60} minutes; "
                "a longer routine covers it."
            )
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
