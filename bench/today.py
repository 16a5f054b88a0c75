"""Today page benchmark: what a view of Today costs the app when the routine service reuses the day's plan, and
when it works the plan out afresh on every view (as before the service remembered plans).

Run: .venv/bin/python bench/today.py [--views 40] [--rounds 5]
One person on SQLite in a temporary folder, with four weeks of sessions done the way the planner gave them. Each
round times `--views` GET /today in this process, first with plans remembered, then with none remembered, and
prints the median CPU and wall milliseconds a view of each and their ratio. Run the tests once first: this needs
the development packages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, timedelta

from fastapi.testclient import TestClient

from backstretch.app.routine import Routines
from backstretch.core.profile import PainArea, Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.timeline import build_timeline
from backstretch.core.vocab import Equipment
from backstretch.library import load_catalogue
from backstretch.store import open_store


def seed(days: int = 28) -> None:
    """A desk worker who did the planner's routine, every step, on each of the last `days` days."""
    store = open_store()
    today = date.today()
    store.save_profile(Profile(minutes=12, pain_areas=(PainArea.LOWER_BACK,), equipment=(Equipment.CHAIR,
                                                                                          Equipment.WALL)))  # fmt: skip
    store.add_screening(Screening(today, {q.id: False for q in QUESTIONS}))
    routines = Routines(load_catalogue())
    profile = store.load_profile()
    assert profile is not None
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        items = routines.plan(profile, day, store.planner_history(day), None).items
        session = store.start_session(day, {"items": []}, pain_before=3)
        for step in build_timeline(items, routines.catalogue).steps:
            store.record_step(session, step, step.seconds, "done")
        store.finish_session(session, "completed", pain_after=2)


def views(client: TestClient, count: int) -> tuple[float, float]:
    """Median CPU and wall milliseconds of `count` views of Today."""
    cpu, wall = [], []
    for _ in range(count):
        c0, w0 = time.process_time(), time.perf_counter()
        response = client.get("/today")
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["BACKSTRETCH_HOME"] = home
        from backstretch.web.app import create_app  # after BACKSTRETCH_HOME is set

        seed()
        app = create_app()
        remembering, forgetting = app.state.routines, Routines(app.state.catalogue, remembered=0)
        results: dict[str, list[tuple[float, float]]] = {"remembered": [], "worked out each view": []}
        with TestClient(app) as client:
            views(client, 5)  # warm up: imports, templates, the first plan
            for _ in range(args.rounds):
                for label, service in (("remembered", remembering), ("worked out each view", forgetting)):
                    app.state.routines = service
                    results[label].append(views(client, args.views))
    print(f"GET /today in process, SQLite, 28 days of history; {args.rounds} rounds of {args.views} views each")
    medians = {}
    for label, rounds in results.items():
        cpu = statistics.median(r[0] for r in rounds)
        wall = statistics.median(r[1] for r in rounds)
        medians[label] = cpu
        print(f"  plans {label}: median CPU {cpu:.1f} ms, wall {wall:.1f} ms a view "
              f"(rounds' CPU medians {', '.join(f'{r[0]:.1f}' for r in rounds)})")  # fmt: skip
    print(f"  ratio worked out / remembered (CPU): {medians['worked out each view'] / medians['remembered']:.1f}")


if __name__ == "__main__":
    main()
