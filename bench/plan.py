"""Planner benchmark: 200 random profiles over the full library, timed, and checked against an ILP optimum.

Run: .venv/bin/python bench/plan.py [--profiles 200] [--seed 7]
Each profile has a random history half the time (earlier sessions, the latest the routine to keep most of) and is
a flare-up day one time in ten.
Prints median and p99 milliseconds per plan for the planner (HiGHS MILP, then repetitions and ordering) and for an
independent CP-SAT model of the same selection problem (OR-Tools), and how many planner scores equal CP-SAT's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from ortools.sat.python import cp_model

from backstretch.core.planner import (
    B_SWAP,
    C_STRETCH,
    CORE_VOLUME_S,
    FLOOR_DOWN_AND_UP_S,
    POSITION_CHANGE_S,
    SWAPS_COUNTED,
    W_EXTRA_DROP,
    W_FLARE_POSITION,
    W_TOP_UP_PER_S,
    DayRecord,
    History,
    SelectionProblem,
    build_problem,
    plan_day,
    selection_score,
    solve,
)
from backstretch.core.profile import AgeBand, Experience, PainArea, Profile
from backstretch.core.vocab import FLOOR_POSITIONS, Condition, Equipment, Position
from backstretch.library import load_catalogue


def random_profile(rng: random.Random) -> Profile:
    return Profile(
        minutes=rng.randint(3, 30),
        pain_areas=tuple(rng.sample(list(PainArea), rng.randint(0, 3))),
        sits_most_of_day=rng.random() < 0.7,
        equipment=tuple(rng.sample([e for e in Equipment if e is not Equipment.NONE], rng.randint(0, 4))),
        can_get_to_floor=rng.random() < 0.8,
        can_kneel=rng.random() < 0.7,
        conditions=tuple(rng.sample(list(Condition), rng.choice([0, 0, 1, 2]))),
        age_band=rng.choice(list(AgeBand)),
        experience=rng.choice(list(Experience)),
        likes_yoga=rng.random() < 0.4,
    )


def random_history(rng: random.Random, ids: list[str], on: date) -> History:
    """Half the time, a few earlier sessions (the latest one the routine to keep most of), done without pain."""
    if rng.random() < 0.5:
        return History()
    days = []
    for back in sorted(rng.sample(range(1, 8), rng.randint(1, 4)), reverse=True):
        done = tuple(rng.sample(ids, rng.randint(2, 6)))
        days.append(DayRecord(on - timedelta(days=back), done, pain_free=done))
    return History(tuple(days))


def cpsat_optimum(problem: SelectionProblem) -> int:
    """The same selection problem written again for OR-Tools CP-SAT: an independent check of the optimum."""
    cands, weights, groups = problem.candidates, problem.feature_weights, problem.dose_groups
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(cands))]
    reps = [model.new_int_var(c.min_reps, c.max_reps, f"reps{i}") for i, c in enumerate(cands)]
    done = [model.new_int_var(0, c.max_reps, f"done{i}") for i, c in enumerate(cands)]  # reps if chosen, else 0
    y = [model.new_bool_var(f"y{f}") for f in range(len(weights))]
    core = min(CORE_VOLUME_S, problem.volume_s)
    v = [model.new_int_var(0, core, f"v{g}") for g in range(len(groups))]
    top = [model.new_int_var(0, problem.volume_s - core, f"top{g}") for g in range(len(groups))]
    used = {p: model.new_bool_var(p.value) for p in Position}
    floor = model.new_bool_var("floor")
    swaps = model.new_int_var(0, SWAPS_COUNTED, "swaps")
    extra_drops = model.new_int_var(0, len(cands), "extra_drops")
    for i in range(len(cands)):
        model.add(done[i] == reps[i]).only_enforce_if(x[i])
        model.add(done[i] == 0).only_enforce_if(x[i].Not())
    for f in range(len(weights)):
        model.add(y[f] <= sum(x[i] for i, c in enumerate(cands) if c.features >> f & 1))
    for g in range(len(groups)):
        model.add(v[g] + top[g] <= sum(c.hold * done[i] for i, c in enumerate(cands) if c.groups >> g & 1))
    for i, c in enumerate(cands):
        model.add_implication(x[i], used[c.position])
        if c.position in FLOOR_POSITIONS:
            model.add_implication(x[i], floor)
    model.add(
        sum(c.seconds_one_rep * x[i] + c.seconds_per_extra_rep * (done[i] - x[i]) for i, c in enumerate(cands))
        + POSITION_CHANGE_S * sum(used.values())
        + FLOOR_DOWN_AND_UP_S * floor
        <= problem.budget_s + POSITION_CHANGE_S
    )
    model.add(3 * sum(x[i] for i, c in enumerate(cands) if c.flexion) <= sum(x))
    model.add(sum(x) <= problem.max_stretches)
    model.add(sum(x[i] for i, c in enumerate(cands) if c.step_up) <= 1)
    kept = sum(x[i] for i, c in enumerate(cands) if c.kept)
    model.add(swaps <= sum(x[i] for i, c in enumerate(cands) if c.new))
    model.add(swaps <= problem.keepable - kept)
    model.add(extra_drops >= problem.keepable - kept - problem.free_drops)
    flare = W_FLARE_POSITION * sum(used.values()) if problem.flare else 0
    model.maximize(
        sum(w * y[f] for f, w in enumerate(weights))
        + sum(w * v[g] + W_TOP_UP_PER_S * top[g] for g, (_, w) in enumerate(groups))
        + sum((c.bonus - C_STRETCH) * x[i] for i, c in enumerate(cands))
        + B_SWAP * swaps
        - W_EXTRA_DROP * extra_drops
        - flare
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    assert status == cp_model.OPTIMAL, solver.status_name(status)
    return round(solver.objective_value)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    catalogue = load_catalogue()
    planner_ms, solve_ms, cpsat_ms, equal, candidates = [], [], [], 0, []
    ids = sorted(catalogue)
    for k in range(args.profiles):
        profile = random_profile(rng)
        on = date(2026, 11, 24) + timedelta(days=k)
        history, flare = random_history(rng, ids, on), rng.random() < 0.1
        start = time.perf_counter()
        plan_day(catalogue, profile, on, history, flare=flare)
        planner_ms.append((time.perf_counter() - start) * 1000)
        problem = build_problem(catalogue, profile, on, history, flare=flare)
        candidates.append(len(problem.candidates))
        start = time.perf_counter()
        chosen = solve(problem)
        solve_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        optimum = cpsat_optimum(problem)
        cpsat_ms.append((time.perf_counter() - start) * 1000)
        equal += optimum == selection_score(problem, chosen)
    print(f"library: {len(catalogue)} stretches; profiles: {args.profiles}; candidates per profile: "
          f"median {statistics.median(candidates):.0f}, max {max(candidates)}")  # fmt: skip
    print(f"planner (plan_day, whole plan): median {statistics.median(planner_ms):.2f} ms, "
          f"p99 {percentile(planner_ms, 0.99):.2f} ms")  # fmt: skip
    print(f"  of which the HiGHS selection: median {statistics.median(solve_ms):.2f} ms, "
          f"p99 {percentile(solve_ms, 0.99):.2f} ms")  # fmt: skip
    print(f"CP-SAT (OR-Tools, one worker, selection only): median {statistics.median(cpsat_ms):.2f} ms, "
          f"p99 {percentile(cpsat_ms, 0.99):.2f} ms")  # fmt: skip
    print(f"median ratio planner/CP-SAT: {statistics.median(planner_ms) / statistics.median(cpsat_ms):.2f}")
    print(f"planner score equals the CP-SAT optimum on {equal} of {args.profiles} instances")


if __name__ == "__main__":
    main()
