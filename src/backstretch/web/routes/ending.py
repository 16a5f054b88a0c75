"""The end of a session: a page (where the player goes when a session is over) and its JSON twin, both from the
app layer's session_ending. A session is only ever its owner's: anyone else's is a 404, as in the session API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from backstretch.app.routine import Routines
from backstretch.app.today import PAIN_SOURCE, Ending, session_ending
from backstretch.core.words import day_words
from backstretch.store import Store
from backstretch.web.deps import RoutinesDep, StoreDep
from backstretch.web.routes.player import SessionId
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["player"])


class EndingOut(BaseModel):
    """The summary of a finished session, in words ready to show."""

    session_id: int
    day: str = Field(description='The session\'s day in words, such as "Monday 7 December".')
    status: Literal["completed", "partial", "stopped"]
    headline: str
    minutes: int
    stretches: list[str] = Field(description="The names of the stretches done.")
    streak: int = Field(description="Stretching days in a row (days the person does not plan to stretch do not "
                        "break a run).")  # fmt: skip
    first_day: bool
    streak_words: str
    week_done: int = Field(description="The days the person planned this week (Monday to Sunday) with stretching.")
    week_extra: int = Field(description="Other days of this week with stretching.")
    week_meant: int = Field(description="The days the person planned to stretch this week, from their first day.")
    week_words: str
    pain_before: int | None
    pain_after: int | None
    pain_change: int | None = Field(description="Pain after minus pain before, when both were rated.")
    pain_noticed: bool = Field(description="Whether the change reaches 2 points, the smallest most people notice.")
    pain_words: str
    tomorrow: list[str] = Field(description="What changes in the coming routines because of this session.")
    next_day: str | None = Field(description="The next planned session's day in words.")
    next_words: str


def _ending(store: Store, routines: Routines, session_id: int) -> Ending:
    ending = session_ending(store, routines, session_id, date.today())
    if ending is None:
        raise HTTPException(404, f"There is no session {session_id}.")
    return ending


@pages.get("/sessions/{session_id}/done", response_class=HTMLResponse)
def ending_page(request: Request, session_id: SessionId, store: StoreDep, routines: RoutinesDep) -> Response:
    ending = _ending(store, routines, session_id)
    return templates.TemplateResponse(request, "ending.html", {"ending": ending, "pain_source": PAIN_SOURCE})


@api.get("/sessions/{session_id}/ending", responses={404: {"description": "No such session of yours"}})
def get_ending(session_id: SessionId, store: StoreDep, routines: RoutinesDep) -> EndingOut:
    """The warm ending of a session, as its page shows it: the run of days, the week, pain before and after, what
    changes tomorrow and the next session."""
    e = _ending(store, routines, session_id)
    return EndingOut(
        session_id=e.session_id, day=day_words(e.day), status=e.status,
        headline=e.headline, minutes=e.minutes, stretches=list(e.stretches), streak=e.streak,
        first_day=e.first_day, streak_words=e.streak_words, week_done=e.week_done, week_extra=e.week_extra,
        week_meant=e.week_meant, week_words=e.week_words, pain_before=e.pain_before, pain_after=e.pain_after,
        pain_change=e.pain_change, pain_noticed=e.pain_noticed, pain_words=e.pain_words,
        tomorrow=list(e.tomorrow), next_day=day_words(e.next_day) if e.next_day else None, next_words=e.next_words,
    )  # fmt: skip
