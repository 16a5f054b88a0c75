"""Four weeks of someone's stretching, as the players and the log commands store it, for the printed report and the
FHIR export: sessions (one with a stretch that hurt, then its easier variant), notes, and all three measures."""

from __future__ import annotations

from datetime import date, timedelta

from backstretch.core.measures import function, pain, reach
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.timeline import Step, StepKind
from backstretch.store import Store

PAINFUL = "standing-hamstring-step"
EASIER = "chair-hamstring-reach"  # its easier variant in the library


def _session(store: Store, day: date, stretches: list[str], painful: str | None = None, note: str = "") -> int:
    session = store.start_session(day, {"items": []}, pain_before=4)
    for n, sid in enumerate(stretches):
        step = Step(n, StepKind.HOLD, n * 40.0, 30.0, "Hold", stretch=sid, rep=1)
        store.record_step(session, step, 30.0, "hurt" if sid == painful else "done")
        store.report_feeling(session, day, sid, "painful" if sid == painful else "just-a-stretch")
    store.finish_session(session, "partial" if painful else "completed", pain_after=3, note=note)
    return session


def seed(store: Store, today: date) -> None:
    """Profile, safety answers, 4 weeks of sessions and measures ending today: pain from 6 to 3, reach 20 to 12."""
    start = today - timedelta(days=27)
    store.save_profile(Profile(minutes=8, equipment=["chair", "wall", "strap"]))
    store.add_screening(Screening(start, {q.id: False for q in QUESTIONS}))
    store.add_screening(Screening(today, {q.id: False for q in QUESTIONS}))
    for n in range(0, 28, 2):
        day = start + timedelta(days=n)
        if n == 6:
            _session(store, day, ["chair-chin-tuck", PAINFUL], painful=PAINFUL, note="Back of the knee pulled.")
        else:
            _session(store, day, ["chair-chin-tuck", EASIER if n > 6 else "cross-body-shoulder"])
    for n in range(0, 28, 3):
        day = start + timedelta(days=n)
        store.add_measure(pain(6 - n // 9, day, morning=n % 2 == 0, note="stiff after the drive" if n == 3 else ""))
    for n in (0, 9, 18, 27):
        day = start + timedelta(days=n)
        store.add_measure(function([("putting on socks", 3 + n // 9), ("sitting an hour", 4 + n // 9)], day))
        store.add_measure(reach(20 - n * 8 / 27, day, note="tight legs" if n == 0 else ""))
