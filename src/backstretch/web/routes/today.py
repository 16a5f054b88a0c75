"""The today area: the day's routine fitted to the person, with other minutes or a stretch swapped out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from backstretch.cli.plan import plan_json
from backstretch.core.catalogue import Catalogue, Stretch
from backstretch.core.planner import Plan, plan_day
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN, Profile
from backstretch.core.programs import program_plan
from backstretch.core.safety import assess
from backstretch.store import Store
from backstretch.web.deps import CatalogueDep, StoreDep
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["today"])

MAX_SWAPS = 20
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class Without(Mapping[str, Stretch]):
    """The catalogue less some stretches, for the planner to choose from.

    Only the choice changes: every stretch can still be looked up, so the planner's reasons that name a stretch
    (an easier step done without pain, a harder one found painful) work even when that stretch was swapped out.
    """

    def __init__(self, catalogue: Mapping[str, Stretch], left_out: frozenset[str]) -> None:
        self._catalogue, self._left_out = catalogue, left_out

    def __getitem__(self, key: str) -> Stretch:
        return self._catalogue[key]

    def __contains__(self, key: object) -> bool:
        return key in self._catalogue

    def __iter__(self) -> Iterator[str]:
        return (sid for sid in self._catalogue if sid not in self._left_out)

    def __len__(self) -> int:
        return sum(1 for _ in self)


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


REST_DAY = ("A rest day in your program: nothing is planned today. Moving about as usual is good for your back; "
            "your clinician chose the days.")  # fmt: skip


def make_plan(catalogue: Catalogue, store: Store, profile: Profile, on: date, minutes: int | None,
              swaps: list[str]) -> Plan:  # fmt: skip
    """The day's plan: the clinician's program on its days (clinic mode), else the planner's, as the CLI makes it,
    with the swapped-out stretches left out of the choice."""
    history = store.planner_history(on)
    program = store.program()
    if program is not None:
        prescribed = program_plan(program, catalogue, profile, on, history)
        if prescribed is not None:
            return prescribed
        if not program.fill_free_days:
            return Plan(on, 0, 0, (), (), (REST_DAY,), (), 0, program=True)
    choose_from: Mapping[str, Stretch] = Without(catalogue, frozenset(swaps)) if swaps else catalogue
    return plan_day(choose_from, profile, on, history, minutes)


def query(minutes: int | None, swaps: list[str]) -> str:
    """The query string that keeps today's choices: minutes and every swap so far."""
    params: list[tuple[str, str | int]] = [("minutes", minutes)] if minutes is not None else []
    params += [("swap", s) for s in swaps]
    return urlencode(params)


@pages.get("/today", response_class=HTMLResponse)
def today_page(request: Request, store: StoreDep, catalogue: CatalogueDep, minutes: Minutes = None,
               swap: Swaps = None) -> Response:  # fmt: skip
    profile = store.load_profile()
    if profile is None:
        return RedirectResponse("/onboarding/profile", status_code=303)
    today = date.today()
    latest = store.latest_screening()
    if latest is None:
        return RedirectResponse("/onboarding/safety", status_code=303)
    verdict = assess(latest, today, conditions=profile.conditions)
    if not verdict.may_plan:
        return templates.TemplateResponse(request, "today.html", {"verdict": verdict, "plan": None})
    swaps = swaps_to_leave_out(catalogue, swap, page=True)
    plan = make_plan(catalogue, store, profile, today, minutes, swaps)
    return templates.TemplateResponse(request, "today.html", {
        "verdict": verdict, "plan": plan, "minutes": minutes, "swaps": swaps,
        "swapped": [catalogue[s] for s in swaps], "query": query,
        "minute_choices": range(MINUTES_MIN, MINUTES_MAX + 1),
        "chosen_minutes": minutes if minutes is not None else profile.minutes,
    })  # fmt: skip


REFUSED = {"description": "The safety questions refuse a plan today: {refused: true, reasons: [...]}"}


@api.get("/plan", responses={404: {"description": "No profile yet"}, 409: REFUSED})
def get_plan(store: StoreDep, catalogue: CatalogueDep,
             on: Annotated[date | None, Query(alias="date", description="The day to plan (default today).")] = None,
             minutes: Minutes = None, swap: Swaps = None) -> Any:  # fmt: skip
    """The day's routine, the same JSON as `backstretch plan --json`."""
    day = on or date.today()
    if not EARLIEST <= day <= LATEST:
        raise HTTPException(422, [f"date: must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}"])
    profile = store.load_profile()
    if profile is None:
        raise HTTPException(404, "No profile yet: PUT /api/profile or fill in /onboarding/profile.")
    verdict = assess(store.latest_screening(), day, conditions=profile.conditions)
    if not verdict.may_plan:
        return JSONResponse({"refused": True, "reasons": list(verdict.reasons)}, status_code=409)
    swaps = swaps_to_leave_out(catalogue, swap)
    data: dict[str, Any] = plan_json(make_plan(catalogue, store, profile, day, minutes, swaps))
    return data
