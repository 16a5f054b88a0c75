"""The today area: the day's routine fitted to the person, with other minutes or a stretch swapped out, and what
was done today once a session is over (app/today.py decides what the page shows)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from backstretch.app.lessons import todays_lesson
from backstretch.app.routine import Refusal, plan_json
from backstretch.app.today import MinutesError, keep_minutes, mark_flare_day, today_view
from backstretch.core.catalogue import Catalogue
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN
from backstretch.web.deps import CatalogueDep, RoutinesDep, StoreDep
from backstretch.web.routes.progress import scores_context
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["today"])

MAX_SWAPS = 20
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


Minutes = Annotated[int | None, Query(ge=MINUTES_MIN, le=MINUTES_MAX, description="Minutes available today.")]
Swaps = Annotated[list[str] | None, Query(max_length=MAX_SWAPS,
                                          description="Stretches to leave out today; repeat for several.")]  # fmt: skip


def swaps_to_leave_out(catalogue: Catalogue, swap: list[str] | None, page: bool = False) -> list[str]:
    """The stretches to leave out, in order and each once; an unknown one is a 422 naming it."""
    swaps = list(dict.fromkeys(swap or []))
    problems = [f"swap: there is no stretch called {s[:60]!r} in the library" for s in swaps if s not in catalogue]
    if problems:
        raise HTTPException(422, "; ".join(problems) if page else problems)
    return swaps


def query(minutes: int | None, swaps: list[str]) -> str:
    """The query string that keeps today's choices: minutes and every swap so far."""
    params: list[tuple[str, str | int]] = [("minutes", minutes)] if minutes is not None else []
    params += [("swap", s) for s in swaps]
    return urlencode(params)


@pages.get("/today", response_class=HTMLResponse)
def today_page(request: Request, store: StoreDep, catalogue: CatalogueDep, routines: RoutinesDep,
               minutes: Minutes = None, swap: Swaps = None) -> Response:  # fmt: skip
    swaps = swaps_to_leave_out(catalogue, swap, page=True)
    view = today_view(store, routines, date.today(), minutes, swaps)
    found = view.routine
    if isinstance(found, Refusal):
        if found.needs == "profile":
            return RedirectResponse("/onboarding/profile", status_code=303)
        if found.needs == "screening":
            return RedirectResponse("/onboarding/safety", status_code=303)
        return templates.TemplateResponse(request, "today.html", {"verdict": found.verdict, "plan": None,
                                                                  "flare": view.flare})  # fmt: skip
    return templates.TemplateResponse(request, "today.html", {
        "verdict": found.verdict, "plan": found.plan, "minutes": minutes, "swaps": swaps, "done": view.done,
        "swapped": [catalogue[s] for s in swaps], "query": query, "minutes_from": view.minutes_from,
        "minute_choices": range(MINUTES_MIN, MINUTES_MAX + 1), "chosen_minutes": found.plan.minutes_budget,
        "kept": request.query_params.get("kept") if request.query_params.get("kept") in ("today", "default") else None,
        "lesson": todays_lesson(request.app.state.lessons, store, date.today()).to_show,
        "flare": view.flare,
        **scores_context(store, date.today()),
    })  # fmt: skip


@pages.post("/today/flare")
def flare_form(store: StoreDep, flare: Annotated[Literal["yes", "no"], Form()]) -> Response:
    """ "My back is worse today" (or better again): Today then asks the safety questions again, or gives the
    gentle routine."""
    mark_flare_day(store, date.today(), flare == "yes")
    return RedirectResponse("/today", status_code=303)


@pages.post("/today/minutes")
def keep_minutes_form(store: StoreDep, catalogue: CatalogueDep, minutes: Annotated[int, Form()],
                      keep: Annotated[Literal["today", "default"], Form()] = "today",
                      swap: Annotated[list[str] | None, Form()] = None) -> Response:  # fmt: skip
    """The minutes form of Today: keep the minutes for today only or as the new default, then show Today again."""
    swaps = swaps_to_leave_out(catalogue, swap, page=True)
    try:
        keep_minutes(store, date.today(), minutes, keep)
    except MinutesError as error:
        raise HTTPException(422, str(error)) from None
    return RedirectResponse(f"/today?{urlencode([*[('swap', s) for s in swaps], ('kept', keep)])}", status_code=303)


class MinutesChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: Annotated[int, Field(ge=MINUTES_MIN, le=MINUTES_MAX, description="Minutes for a routine.")]
    keep: Literal["today", "default"] = Field("today", description="For today only, or the new default.")


class MinutesKeptOut(BaseModel):
    minutes: int
    keep: Literal["today", "default"]
    words: str


@api.put("/today/minutes", responses={404: {"description": "No profile yet"}})
def put_minutes(body: MinutesChoice, store: StoreDep) -> MinutesKeptOut:
    """Keep the minutes for today only, or make them the default from now on; /api/plan follows them."""
    try:
        kept = keep_minutes(store, date.today(), body.minutes, body.keep)
    except MinutesError as error:
        raise HTTPException(404, str(error)) from None
    return MinutesKeptOut(minutes=kept.minutes, keep=kept.keep, words=kept.words)


REFUSED = {"description": "The safety questions refuse a plan today: {refused: true, reasons: [...]}"}


@api.get("/plan", responses={404: {"description": "No profile yet"}, 409: REFUSED})
def get_plan(store: StoreDep, catalogue: CatalogueDep, routines: RoutinesDep,
             on: Annotated[date | None, Query(alias="date", description="The day to plan (default today).")] = None,
             minutes: Minutes = None, swap: Swaps = None) -> Any:  # fmt: skip
    """The day's routine, the same JSON as `backstretch plan --json`."""
    day = on or date.today()
    if not EARLIEST <= day <= LATEST:
        raise HTTPException(422, [f"date: must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}"])
    swaps = swaps_to_leave_out(catalogue, swap)
    found = routines.today(store, day, minutes, swaps)
    if isinstance(found, Refusal):
        if found.needs == "profile":
            raise HTTPException(404, "No profile yet: PUT /api/profile or fill in /onboarding/profile.")
        return JSONResponse({"refused": True, "reasons": list(found.reasons)}, status_code=409)
    data: dict[str, Any] = plan_json(found.plan)
    return data
