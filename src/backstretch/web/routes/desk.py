"""Desk mode: while the page is open in work hours, a short break every 30 to 60 minutes with one chair or
standing stretch (clinical-facts section 7, rule desk-break; sources D1 to D5).

The work hours, days and interval are stored (app/breaks.py), so this page and the desktop notifier
(`backstretch breaks`) follow the same choice; the page's timer runs in the browser. The server picks the next
stretch, with the same filtering and rotation as calendar reminders, and records a finished break as a one-stretch
session, so it counts toward the day like any other stretching. Breaks never promise pain relief.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from backstretch.app.breaks import BreakRefused, break_item, break_settings, next_stretch, rotation, save_done_break
from backstretch.core.breaks import SNOOZE_MINUTES, BreakSettings
from backstretch.core.catalogue import Stretch
from backstretch.core.reminders import BREAK_MINUTES, EVERY_MAX, EVERY_MIN, parse_clock
from backstretch.web.deps import CatalogueDep, StoreDep
from backstretch.web.routes.player import refusal, refused
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["desk"])

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # indexed by Python's weekday(), Monday is 0


# What the schema says of these fields is what they accept; the checks themselves give the plain messages.
CLOCK_TIME = WithJsonSchema({"type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$"})
WEEKDAY_LIST = WithJsonSchema({"type": "array", "items": {"enum": list(DAY_KEYS)}, "uniqueItems": True})


class BreakDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stretch: str
    seconds: Annotated[float, Field(ge=0, le=60 * BREAK_MINUTES, description="Seconds held, both sides together.")]


class DeskSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    every: Annotated[int, Field(ge=EVERY_MIN, le=EVERY_MAX, description="Minutes between breaks.")]
    start: Annotated[str, CLOCK_TIME, Field(alias="from", max_length=5, description="Start of work hours, like 09:00.")]
    end: Annotated[str, CLOCK_TIME, Field(alias="to", max_length=5, description="End of work hours, like 17:00.")]
    days: Annotated[list[str], WEEKDAY_LIST, Field(max_length=7, description="Work days: mon, tue, ... sun.")]


def _settings_json(s: BreakSettings) -> dict[str, Any]:
    return {"every": s.every, "from": f"{s.start:%H:%M}", "to": f"{s.end:%H:%M}",
            "days": [DAY_KEYS[d] for d in sorted(s.days)]}  # fmt: skip


def break_json(stretch: Stretch) -> dict[str, Any]:
    item = break_item(stretch)
    return {
        "stretch": stretch.id, "name": stretch.name, "summary": stretch.summary, "steps": list(stretch.steps.into),
        "release": list(stretch.steps.out),
        "hold_seconds": item.hold_seconds, "sides": item.sides, "seconds": item.seconds,
        "position": stretch.position.value, "figure": f"/figures/{stretch.id}.svg",
    }  # fmt: skip


@pages.get("/desk", response_class=HTMLResponse)
def desk_page(request: Request, store: StoreDep) -> Response:
    chosen, _ = break_settings(store)
    return templates.TemplateResponse(request, "desk.html", {
        "reasons": refusal(store, date.today()), "every_min": EVERY_MIN, "every_max": EVERY_MAX,
        "chosen": _settings_json(chosen), "snooze": SNOOZE_MINUTES,
        "weekdays": [("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
                     ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday")],
    })  # fmt: skip


@api.get("/desk/settings")
def desk_settings(store: StoreDep) -> dict[str, Any]:
    """The work hours, days and interval desk breaks follow, here and in the desktop notifier."""
    return _settings_json(break_settings(store)[0])


@api.put("/desk/settings")
def save_desk_settings(body: DeskSettings, store: StoreDep) -> dict[str, Any]:
    """Store the work hours, days and interval, for this page and the desktop notifier alike."""
    try:
        start, end = parse_clock(body.start), parse_clock(body.end)
        unknown = [d for d in body.days if d not in DAY_KEYS]
        if unknown:
            raise ValueError(f"days: {unknown[0]!r} is not a day; use mon, tue, wed, thu, fri, sat or sun")
        chosen = BreakSettings(body.every, start, end, frozenset(DAY_KEYS.index(d) for d in body.days))
    except ValueError as error:
        raise HTTPException(422, [str(error)]) from None
    store.save_break_settings(chosen)
    return _settings_json(chosen)


def _offer(store: StoreDep, catalogue: CatalogueDep, after: str | None) -> Stretch:
    try:
        return next_stretch(store, catalogue, date.today(), after)
    except BreakRefused as refusal_:
        raise refused(refusal_.reasons) from None


@api.get("/desk/next")
def next_break(
    store: StoreDep,
    catalogue: CatalogueDep,
    after: Annotated[str | None, Query(max_length=80, description="The stretch of the last break.")] = None,
) -> dict[str, Any]:
    """One chair or standing stretch for the next desk break: the next in the rotation after `after`, so
    consecutive breaks differ (unless only one desk stretch suits the person)."""
    return break_json(_offer(store, catalogue, after))


@api.get("/desk/breaks/{stretch_id}")
def one_break(stretch_id: str, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """The break a desktop notification offered (its Start opens /desk?break=...), if it still suits today."""
    _offer(store, catalogue, None)  # refused while the safety answers say no
    suits = {s.id: s for s in rotation(store, catalogue, date.today())}
    if stretch_id not in suits:
        raise HTTPException(404, [f"{stretch_id!r} is not a desk stretch that suits you today."])
    return break_json(suits[stretch_id])


@api.post("/desk/breaks", status_code=201)
def record_break(body: BreakDone, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """Record a finished micro-break as a completed one-stretch session, so it counts toward today."""
    try:
        done = save_done_break(store, catalogue, body.stretch, body.seconds, date.today())
    except BreakRefused as refusal_:
        raise refused(refusal_.reasons) from None
    except ValueError as error:
        raise HTTPException(422, [str(error)]) from None
    return {"session": done.session, "day": done.day.isoformat(), "stretch": done.stretch.id,
            "name": done.stretch.name, "seconds": done.seconds}  # fmt: skip
