"""Desk mode: while the page is open in work hours, a short break every 30 to 60 minutes with one chair or
standing stretch (clinical-facts section 7, rule desk-break; sources D1 to D5).

The timer, the work hours and the choice of interval live in the browser (localStorage): the server only picks
the next stretch, with the same filtering and rotation as calendar reminders, and records a finished break as a
one-stretch session, so it counts toward the day like any other stretching. Breaks never promise pain relief.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from backstretch.app.routine import desk_stretches, item_json
from backstretch.core.catalogue import Catalogue, Stretch
from backstretch.core.planner import PlanItem, item_seconds, painful_recently
from backstretch.core.reminders import BREAK_MINUTES, EVERY_DEFAULT, EVERY_MAX, EVERY_MIN
from backstretch.core.timeline import StepKind, build_timeline
from backstretch.store import Store
from backstretch.web.deps import CatalogueDep, StoreDep
from backstretch.web.routes.player import refusal, refuse_unless_allowed, refused
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["desk"])

SNOOZE_MINUTES = 10
WORK_FROM, WORK_TO = "09:00", "17:00"
NOTHING_SUITS = "No desk stretch in the library suits your profile today, so there is nothing to suggest in a break."


class BreakDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stretch: str
    seconds: Annotated[float, Field(ge=0, le=60 * BREAK_MINUTES, description="Seconds held, both sides together.")]


def rotation(store: Store, catalogue: Catalogue, today: date) -> list[Stretch]:
    """The desk stretches this person may do, in the order breaks take them (the routine service decides)."""
    painful = painful_recently(store.planner_history(today), today)
    return desk_stretches(catalogue, store.load_profile(), painful)


def _item(stretch: Stretch) -> PlanItem:
    hold = stretch.hold_seconds.default
    return PlanItem(stretch=stretch.id, name=stretch.name, hold_seconds=hold, reps=1,
                    sides=2 if stretch.per_side else 1, position=stretch.position,
                    regions=stretch.regions.primary, spinal_movement=stretch.spinal_movement,
                    seconds=item_seconds(hold, 1, stretch.per_side))  # fmt: skip


def break_json(stretch: Stretch) -> dict[str, Any]:
    item = _item(stretch)
    return {
        "stretch": stretch.id, "name": stretch.name, "summary": stretch.summary, "steps": list(stretch.steps.into),
        "release": list(stretch.steps.out),
        "hold_seconds": item.hold_seconds, "sides": item.sides, "seconds": item.seconds,
        "position": stretch.position.value, "figure": f"/figures/{stretch.id}.svg",
    }  # fmt: skip


@pages.get("/desk", response_class=HTMLResponse)
def desk_page(request: Request, store: StoreDep) -> Response:
    return templates.TemplateResponse(request, "desk.html", {
        "reasons": refusal(store, date.today()), "every_min": EVERY_MIN, "every_max": EVERY_MAX,
        "every_default": EVERY_DEFAULT, "work_from": WORK_FROM, "work_to": WORK_TO, "snooze": SNOOZE_MINUTES,
        "weekdays": [("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
                     ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday")],
    })  # fmt: skip


@api.get("/desk/next")
def next_break(
    store: StoreDep,
    catalogue: CatalogueDep,
    after: Annotated[str | None, Query(max_length=80, description="The stretch of the last break.")] = None,
) -> dict[str, Any]:
    """One chair or standing stretch for the next desk break: the next in the rotation after `after`, so
    consecutive breaks differ (unless only one desk stretch suits the person)."""
    today = date.today()
    refuse_unless_allowed(store, today)
    order = rotation(store, catalogue, today)
    if not order:
        raise refused([NOTHING_SUITS])
    ids = [s.id for s in order]
    at = (ids.index(after) + 1) % len(ids) if after in ids else 0
    return break_json(order[at])


@api.post("/desk/breaks", status_code=201)
def record_break(body: BreakDone, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """Record a finished micro-break as a completed one-stretch session, so it counts toward today."""
    today = date.today()
    refuse_unless_allowed(store, today)
    if body.stretch not in catalogue:
        raise HTTPException(422, [f"stretch: no stretch called {body.stretch!r}"])
    stretch = catalogue[body.stretch]
    if stretch.id not in {s.id for s in rotation(store, catalogue, today)}:
        raise refused([f"{stretch.name} is not a desk stretch that suits you today."])
    item = _item(stretch)
    session_id = store.start_session(today, {"items": [item_json(item)], "desk_break": True}, None)
    holds = [s for s in build_timeline([item], catalogue).steps if s.kind is StepKind.HOLD]
    for step in holds:
        store.record_step(session_id, step, min(step.seconds, body.seconds / len(holds)), "done")
    store.finish_session(session_id, "completed")
    return {"session": session_id, "day": today.isoformat(), "stretch": stretch.id, "name": stretch.name,
            "seconds": round(min(body.seconds, float(item.hold_seconds * item.sides)), 1)}  # fmt: skip
