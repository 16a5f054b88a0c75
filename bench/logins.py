"""Memory and responsiveness under many password checks at once: 32 wrong logins in clinic mode on PostgreSQL.

Run: .venv/bin/python bench/logins.py [--logins 32] [--src path/to/src] [--server postgresql+psycopg://...]

It makes a database `backstretch_logins` on the server (BACKSTRETCH_TEST_POSTGRES_URL, or 127.0.0.1:5432), starts
`backstretch serve --multi-user` (one process) on it from `--src` (this checkout's by default: point it at an older
checkout's src to compare), and sends `--logins` wrong passwords at once, each for an email of its own (so the
per-account limit never answers first), from as many threads, while another thread asks /api/health in a loop.
It prints the server's resident memory before, its peak (VmHWM from /proc), the time the logins took, and
/api/health's median and slowest answer meanwhile.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def _memory(pid: int, field: str) -> int:
    """A /proc/PID/status figure in MB (VmRSS: now, VmHWM: the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise RuntimeError(f"no {field} for {pid}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=32)
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--server", default=os.environ.get("BACKSTRETCH_TEST_POSTGRES_URL")
                        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")  # fmt: skip
    args = parser.parse_args()
    server = make_url(args.server)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "backstretch_logins" WITH (FORCE)'))
        connection.execute(text('CREATE DATABASE "backstretch_logins"'))
    admin.dispose()
    url = server.set(database="backstretch_logins").render_as_string(hide_password=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "PYTHONPATH": args.src}
    process = subprocess.Popen([sys.executable, "-m", "backstretch", "serve", "--multi-user", "--port", str(port),
                                "--db", url], env=environment, stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        for _ in range(20):
            httpx.get(f"{base}/api/health")
        before = _memory(process.pid, "VmRSS")
        clients = []
        for _ in range(args.logins):
            client = httpx.Client(base_url=base, timeout=120)
            client.get("/login")
            clients.append(client)
        start = threading.Barrier(args.logins + 1)
        statuses: list[int] = []

        def login(n: int, client: httpx.Client) -> None:
            start.wait()
            answer = client.post("/login", data={"email": f"nobody{n}@example.org", "password": "wrong password",
                                                 "csrf": client.cookies.get("backstretch_csrf", "")})  # fmt: skip
            statuses.append(answer.status_code)

        threads = [threading.Thread(target=login, args=(n, c)) for n, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        health: list[float] = []
        done = threading.Event()

        def watch() -> None:
            with httpx.Client(base_url=base, timeout=120) as client:
                while not done.is_set():
                    began = time.perf_counter()
                    client.get("/api/health")
                    health.append((time.perf_counter() - began) * 1000)

        watcher = threading.Thread(target=watch)
        began = time.perf_counter()
        start.wait()
        watcher.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - began
        done.set()
        watcher.join()
        peak = _memory(process.pid, "VmHWM")
        print(f"source: {args.src}")
        print(f"{args.logins} wrong logins at once: answers {sorted(set(statuses))}, all done in {took:.2f} s")
        print(f"server memory: {before} MB before, peak {peak} MB")
        print(f"/api/health meanwhile: {len(health)} answers, median {statistics.median(health):.0f} ms, "
              f"slowest {max(health):.0f} ms")  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    main()
