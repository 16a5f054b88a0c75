"""Running the real command-line program the way a person does, and a history made the way the app stores it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from backstretch.core import measures as m
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
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


def record_session(store: Store, day: date, minutes: int) -> int:
    """A finished session of the given length with one hold done, as the player would store it; its id."""
    session = store.start_session(day, {"items": []}, pain_before=None)
    hold = minutes * 60 - 40
    steps = [Step(0, StepKind.CHECKLIST, 0, 20, "Before you start"),
             Step(1, StepKind.HOLD, 20, hold, "Hold", stretch="chair-chin-tuck", rep=1),
             Step(2, StepKind.RELEASE, 20 + hold, 20, "Release", stretch="chair-chin-tuck")]  # fmt: skip
    for step in steps:
        store.record_step(session, step, step.seconds, "done")
    store.finish_session(session, "completed", pain_after=None)
    return session


def five_weeks(store: Store) -> Store:
    """Five weeks up to today: stretching most days, pain falling, reach improving, function twice (too few)."""
    today = date.today()
    store.save_profile(Profile(stretch_days=("mon", "tue", "wed", "thu", "fri", "sun")))
    store.add_screening(Screening(taken_on=today, answers={q.id: False for q in QUESTIONS}))
    start = today - timedelta(days=34)
    for n in range(35):
        day = start + timedelta(days=n)
        if day.weekday() != 5 and n % 9 != 4:
            record_session(store, day, 6 if day.weekday() != 6 else 10)
        if n % 3 == 0:
            store.add_measure(m.pain(6 - n // 9, day, morning=True, note="on waking"))
        if n % 7 == 0:
            store.add_measure(m.reach(25 - n / 7 * 1.5, day))
    for day, scores in ((start + timedelta(days=2), (3, 5)), (today - timedelta(days=1), (6, 7))):
        store.add_measure(m.function([("putting on socks", scores[0]), ("sitting an hour", scores[1])], day))
    return store
