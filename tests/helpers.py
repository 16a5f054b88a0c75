"""Running the real command-line program the way a person does."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from backstretch.core.timeline import Step, StepKind
from backstretch.store import Store


def backstretch(*args: str | Path, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backstretch", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        env=None,  # inherits BACKSTRETCH_HOME from the autouse fixture
    )


def record_session(store: Store, day: date, minutes: int) -> None:
    """A finished session of the given length with one hold done, as the player would store it."""
    session = store.start_session(day, {"items": []}, pain_before=None)
    hold = minutes * 60 - 40
    steps = [Step(0, StepKind.CHECKLIST, 0, 20, "Before you start"),
             Step(1, StepKind.HOLD, 20, hold, "Hold", stretch="chair-chin-tuck", rep=1),
             Step(2, StepKind.RELEASE, 20 + hold, 20, "Release", stretch="chair-chin-tuck")]  # fmt: skip
    for step in steps:
        store.record_step(session, step, step.seconds, "done")
    store.finish_session(session, "completed", pain_after=None)


def app_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Every route of a FastAPI app (an APIRoute) with its full path, also inside included routers (FastAPI keeps
    those as wrappers)."""
    from fastapi.routing import APIRoute

    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # an included router: its routes under its prefix
            found += app_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return found
