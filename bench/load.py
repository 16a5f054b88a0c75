"""Clinic-mode load benchmark on PostgreSQL: a big seeded clinic, two app workers, load from another process.

Run: .venv/bin/python bench/load.py [--patients 10000] [--clinicians 100] [--days 365] [--seconds 10]
                                    [--rounds 3] [--concurrency 2,8] [--server postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

It makes a database `backstretch_load` on the server (BACKSTRETCH_TEST_POSTGRES_URL, or 127.0.0.1:5432), seeds it
with COPY (patients across clinicians, each with a profile, a screening, and a session a day with two steps, a
report and a pain reading for `--days` days), starts `backstretch serve --multi-user --workers 2` on it, and drives
each endpoint in turn from a separate process: `--concurrency` threads, each with its own keep-alive connection
and its own signed-in person, for `--seconds` seconds, after a few untimed requests (the figures are for a warm
server); the whole set `--rounds` times over, with medians at the end, and all of that for each concurrency given.
It prints, per endpoint, requests, errors, throughput and p50/p99 latency, the CPU time each request cost the
app's processes and the whole PostgreSQL server (read from /proc when both run here; the server's background
writing after the step logging counts too), and how the load's connections were spread over the two workers (each
keep-alive connection stays with the worker that accepted it: "8+0" means one worker served everything). CPU
time moves less than latency when the machine is busy with something else. Then the step logging's share of the
trivial endpoint's throughput, and the targets from issue 7.

Two concurrencies by default: 2, about one request at a time for each worker; and 8, about four for each (as the
connections fall), where a request mostly waits for the others on a machine with few cores.
`--reuse` keeps an already seeded database (seeding a year for 10,000 patients takes minutes).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backstretch.app.routine import item_json
from backstretch.core.planner import PlanItem, item_seconds
from backstretch.core.safety import QUESTIONS
from backstretch.core.timeline import build_timeline
from backstretch.library import load_catalogue
from backstretch.store import open_store
from backstretch.store.accounts import Accounts
from backstretch.store.transfer import continue_ids

DATABASE = "backstretch_load"
SESSIONS_PER_THREAD = 40  # enough fresh steps for a long run
WARM_UP = 3  # untimed requests per thread before measuring (steady state, not start-up)
TODAY = date.today()


def seed(url: str, patients: int, clinicians: int, days: int) -> None:
    """Everything with COPY, ids given, then each id sequence moved past them."""
    open_store(url)  # the schema, by the app's own migrations
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    password = PasswordHasher().hash("load test password")
    now = datetime.now()
    profile = json.dumps(
        {"minutes": 8, "pain_areas": ["lower-back"], "stretch_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}
    )
    answers = json.dumps({q.id: False for q in QUESTIONS})
    with psycopg.connect(conninfo) as db, db.cursor() as cur:
        cur.execute("DELETE FROM person")  # open_store made the one-computer person: a clinic has none
        with cur.copy("COPY person (id, role, email, password_hash, name, created_at) FROM STDIN") as copy:
            for n in range(1, clinicians + 1):
                copy.write_row((n, "clinician", f"doc{n}@load.example", password, f"Doctor {n}", now))
            for n in range(patients):
                pid = clinicians + 1 + n
                copy.write_row((pid, "patient", f"pat{n}@load.example", password, f"Patient {n}", now))
        with cur.copy("COPY care (clinician_id, patient_id) FROM STDIN") as copy:
            for n in range(patients):
                copy.write_row((1 + n % clinicians, clinicians + 1 + n))
        with cur.copy("COPY profile (id, person_id, data, updated_at) FROM STDIN") as copy:
            for n in range(patients):
                copy.write_row((n + 1, clinicians + 1 + n, profile, now))
        with cur.copy("COPY screening (id, person_id, taken_on, answers, note) FROM STDIN") as copy:
            for n in range(patients):
                copy.write_row((n + 1, clinicians + 1 + n, TODAY, answers, ""))
        session_id = step_id = 0
        with cur.copy("COPY session (id, person_id, day, started_at, ended_at, status, plan, pain_before, "
                      "pain_after, note, stretched) FROM STDIN") as copy:  # fmt: skip
            for n in range(patients):
                for d in range(days, 0, -1):
                    session_id += 1
                    day = TODAY - timedelta(days=d)
                    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
                    copy.write_row((session_id, clinicians + 1 + n, day, start, start + timedelta(minutes=8),
                                    "completed", '{"items": []}', 3 + (n + d) % 4, 2 + (n + d) % 3, "",
                                    True))  # stretched: each has a hold done, below  # fmt: skip
        stretches = sorted(load_catalogue())
        with cur.copy("COPY session_step (id, session_id, step_index, kind, stretch, side, rep, seconds, outcome, "
                      "finished_at) FROM STDIN") as copy:  # fmt: skip
            for sid in range(1, session_id + 1):
                at = now - timedelta(days=1)
                step_id += 1
                copy.write_row((step_id, sid, 0, "checklist", None, None, None, 30.0, "done", at))
                step_id += 1
                copy.write_row((step_id, sid, 1, "hold", stretches[sid % len(stretches)], None, 1, 20.0, "done", at))
        with cur.copy("COPY stretch_report (id, session_id, day, stretch, feeling, reported_at) FROM STDIN") as copy:
            sid = 0
            for _ in range(patients):
                for d in range(days, 0, -1):
                    sid += 1
                    copy.write_row((sid, sid, TODAY - timedelta(days=d), stretches[sid % len(stretches)],
                                    "just-a-stretch", now))  # fmt: skip
        with cur.copy("COPY measure (id, person_id, kind, taken_on, value, activities, morning, note, recorded_at) "
                      "FROM STDIN") as copy:  # fmt: skip
            mid = 0
            for n in range(patients):
                for d in range(days, 0, -1):
                    mid += 1
                    copy.write_row((mid, clinicians + 1 + n, "pain", TODAY - timedelta(days=d), float(2 + (n + d) % 5),
                                    "[]", True, "", now))  # fmt: skip
    with create_engine(url).begin() as connection:  # rows were written with their ids: move each id sequence on
        continue_ids(connection, ("person", "profile", "screening", "session", "session_step", "stretch_report",
                                  "measure"))  # fmt: skip
    with psycopg.connect(conninfo, autocommit=True) as db:
        # As autovacuum leaves a live server's tables: statistics, and pages marked all-visible so that queries
        # can read covering indexes alone.
        db.execute("VACUUM ANALYZE")


def long_plan() -> tuple[dict[str, Any], int]:
    """A session with many steps, so step logging has fresh steps to save; and how many steps it has."""
    catalogue = load_catalogue()
    items = []
    for sid in sorted(catalogue)[:12]:
        s = catalogue[sid]
        hold = s.hold_seconds.min
        items.append(
            PlanItem(
                s.id,
                s.name,
                hold,
                1,
                2 if s.per_side else 1,
                s.position,
                s.regions.primary,
                s.spinal_movement,
                item_seconds(hold, 1, s.per_side),
            )
        )
    return {"items": [item_json(i) for i in items]}, len(build_timeline(items, catalogue).steps)


def drive(base: str, name: str, targets: list[dict[str, Any]], seconds: float, results: Any, running: Any) -> None:
    """Run in its own process: one thread per target (a signed-in person with what to request), until time is up."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    for target in targets:  # warm up first, untimed: each worker's first requests load its imports
        if target["method"] == "GET":
            with httpx.Client(base_url=base, cookies=target["cookies"], headers=target["headers"], timeout=60) as c:
                for _ in range(WARM_UP):
                    c.get(target["paths"][0])
    deadline = time.perf_counter() + seconds

    def worker(target: dict[str, Any]) -> None:
        mine: list[float] = []
        codes: dict[int, int] = {}
        with httpx.Client(base_url=base, cookies=target["cookies"], headers=target["headers"], timeout=30) as client:
            paths, steps = target["paths"], target.get("steps", 1)
            n = 0
            while time.perf_counter() < deadline:
                path = paths[(n // steps) % len(paths)]
                started = time.perf_counter()
                if target["method"] == "POST":  # each session's steps in order, then the next session's
                    response = client.post(path, json={"index": n % steps, "seconds": 1, "outcome": "done"})
                else:
                    response = client.get(path)
                n += 1
                mine.append(time.perf_counter() - started)
                codes[response.status_code] = codes.get(response.status_code, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=worker, args=(t,)) for t in targets]
    started = time.perf_counter()
    for t in threads:
        t.start()
    running.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    results.put({"name": name, "latencies": latencies, "statuses": statuses, "elapsed": elapsed})


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--clinicians", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=_levels, default=[2, 8], help="threads, or several: 2,8")
    parser.add_argument("--server", default=os.environ.get("BACKSTRETCH_TEST_POSTGRES_URL")
                        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    args = parser.parse_args()

    server = make_url(args.server)
    url = server.set(database=DATABASE).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        exists = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}).first()
        if exists and not args.reuse:
            c.execute(text(f'DROP DATABASE "{DATABASE}" WITH (FORCE)'))
        if not exists or not args.reuse:
            c.execute(text(f'CREATE DATABASE "{DATABASE}"'))
            started = time.perf_counter()
            seed(url, args.patients, args.clinicians, args.days)
            print(f"seeded in {time.perf_counter() - started:.0f} s")
    engine = create_engine(url)
    with engine.connect() as c:
        counts = {t: c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                  for t in ("person", "session", "session_step", "stretch_report", "measure")}  # fmt: skip
    print("rows:", ", ".join(f"{t} {n:,}" for t, n in counts.items()), f"(total {sum(counts.values()):,})")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    app = subprocess.Popen([sys.executable, "-m", "backstretch", "serve", "--multi-user", "--workers", "2",
                            "--port", str(port), "--db", url], stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        for level in args.concurrency:
            print(f"\n== {level} threads in one process")
            report(base, prepare(url, args, level), args.seconds, args.rounds, app.pid)
    finally:
        app.terminate()
        app.wait(timeout=20)
    print(f"\nmachine: {os.cpu_count()} cores; server: 2 workers; load: {args.concurrency} threads")


def _levels(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def _cpu_seconds(pid: int, children: bool = False) -> float:
    """User and system CPU time of a process so far (with `children`, also of its children that have ended), from
    /proc; 0 where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(f) for f in fields[11 : 15 if children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str]]:
    """Every process here: its parent and its command line."""
    found = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            found[int(entry.name)] = (parent, (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError):
            continue
    return found


def _cpu_now(app_pid: int) -> tuple[float, float]:
    """CPU seconds so far of the app (its supervisor, workers and any that ended) and of the whole local PostgreSQL
    server (its main process, its running backends, and those that ended: connections come and go with the pool)."""
    processes = _processes()
    backends = [pid for pid, (_, command) in processes.items() if command.startswith("postgres:")]
    servers = {processes[pid][0] for pid in backends}
    app = _cpu_seconds(app_pid, children=True) + sum(
        _cpu_seconds(pid) for pid, (parent, _) in processes.items() if parent == app_pid
    )
    database = sum(_cpu_seconds(pid, children=True) for pid in servers) + sum(_cpu_seconds(pid) for pid in backends)
    return app, database


def _connections_per_worker(port: int, app_pid: int) -> str:
    """How the load's connections are spread over the app's workers, as "5+3": a keep-alive connection stays with
    the worker that accepted it, and which one does is chance, so one worker may serve most of the requests and
    its share of a core bounds them (from /proc; "?" where there is none)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # our side, ESTABLISHED
                established.add(f"socket:[{fields[9]}]")
    counts = []
    for pid, (parent, command) in _processes().items():
        if parent == app_pid and "spawn_main" in command:  # a worker, not multiprocessing's resource tracker
            try:
                counts.append(sum(os.readlink(fd) in established for fd in Path(f"/proc/{pid}/fd").iterdir()))
            except OSError:
                continue
    return "+".join(str(n) for n in sorted(counts, reverse=True)) or "?"


def prepare(url: str, args: argparse.Namespace, concurrency: int) -> dict[str, list[dict[str, Any]]]:
    """Who requests what: patients and clinicians signed in directly (no password hashing in the measurement)."""
    store = open_store(url)
    accounts = Accounts(store.engine)
    headers = {"X-CSRF-Token": "load", "Content-Type": "application/json"}

    def signed(pid: int) -> dict[str, Any]:
        return {"cookies": {"backstretch_login": accounts.open_login(pid), "backstretch_csrf": "load"},
                "headers": headers}  # fmt: skip

    patients = [args.clinicians + 1 + n * (args.patients // concurrency) for n in range(concurrency)]
    clinicians = [1 + n * max(1, args.clinicians // concurrency) for n in range(concurrency)]
    plan, count = long_plan()
    steps = []
    for pid in patients:
        mine = store.for_person(pid)
        sessions = [mine.start_session(TODAY, plan, None) for _ in range(SESSIONS_PER_THREAD)]
        steps.append({**signed(pid), "method": "POST", "steps": count,
                      "paths": [f"/api/sessions/{s}/steps" for s in sessions]})  # fmt: skip
    return {
        "trivial (GET /api/health)": [{**signed(pid), "method": "GET", "paths": ["/api/health"]} for pid in patients],
        "session step (POST /api/sessions/{id}/steps)": steps,
        # Other patients than the step logging's, whose days fill up with test sessions run after run.
        "patient Today (GET /today)": [{**signed(pid + 1), "method": "GET", "paths": ["/today"]} for pid in patients],
        "clinician dashboard (GET /clinic)": [{**signed(c), "method": "GET", "paths": ["/clinic"]} for c in clinicians],
    }


TRIVIAL, STEP = "trivial (GET /api/health)", "session step (POST /api/sessions/{id}/steps)"
DASHBOARD = "clinician dashboard (GET /clinic)"


def report(base: str, scenarios: dict[str, list[dict[str, Any]]], seconds: float, rounds: int, app_pid: int) -> None:
    """Every endpoint in turn, `rounds` times over, so a slow spell of this shared machine hits them all alike;
    the summary gives medians over the rounds and the step/trivial ratio of each round."""
    context = multiprocessing.get_context("spawn")
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in scenarios}
    print(f"{'round endpoint':<52} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU ms/request: app':>20} {'database':>9} {'connections':>12}")  # fmt: skip
    for n in range(1, rounds + 1):
        for name, targets in scenarios.items():
            queue, running = context.Queue(), context.Event()
            process = context.Process(target=drive, args=(base, name, targets, seconds, queue, running))
            before = _cpu_now(app_pid)
            process.start()
            running.wait(timeout=120)  # a load process that died never says so
            time.sleep(min(1.0, seconds / 2))  # every thread connected by then
            spread = _connections_per_worker(int(base.rsplit(":", 1)[1]), app_pid)
            result = queue.get()
            process.join()
            lat = result["latencies"]
            after = _cpu_now(app_pid)
            app_cpu, db_cpu = ((after[i] - before[i]) * 1000 / len(lat) for i in (0, 1))
            errors = sum(count for code, count in result["statuses"].items() if code >= 400)
            run = {"rate": len(lat) / result["elapsed"], "p50": statistics.median(lat) * 1000,
                   "p99": percentile(lat, 0.99) * 1000, "errors": errors, "app": app_cpu, "db": db_cpu}  # fmt: skip
            runs[name].append(run)
            print(f"{n:<5} {name:<46} {len(lat):>9} {errors:>7} {run['rate']:>8.1f} {run['p50']:>8.1f} "
                  f"{run['p99']:>8.1f} {app_cpu:>20.1f} {db_cpu:>9.1f} {spread:>12}   "
                  f"{dict(sorted(result['statuses'].items()))}")  # fmt: skip
    print(f"\nmedians over {rounds} rounds:")
    for name, got in runs.items():
        rate, p50, p99, app, db = (statistics.median(r[k] for r in got) for k in ("rate", "p50", "p99", "app", "db"))
        print(f"  {name:<46} {rate:>8.1f} req/s   p50 {p50:.1f} ms   p99 {p99:.1f} ms   "
              f"CPU a request: app {app:.1f} ms, database {db:.1f} ms")  # fmt: skip
    ratios = [step["rate"] / trivial["rate"] for step, trivial in zip(runs[STEP], runs[TRIVIAL], strict=True)]
    shown = ", ".join(f"{v:.2f}" for v in ratios)
    print(f"step logging / trivial throughput per round: {shown}; median {statistics.median(ratios):.2f} "
          "(target at least 0.5)")  # fmt: skip
    slowest = [r["p99"] for r in runs[DASHBOARD]]
    shown = ", ".join(f"{v:.0f}" for v in slowest)
    print(f"dashboard p99 per round: {shown} ms; median {statistics.median(slowest):.0f} ms (target under 200 ms)")
    print(f"errors in all: {sum(r['errors'] for got in runs.values() for r in got):.0f} (target 0)")


if __name__ == "__main__":
    main()
