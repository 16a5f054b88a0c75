"""The player area: a guided session in the browser, saved step by step through a small JSON API.

The server owns the plan and the timeline: a session's plan is stored when it starts, and its timeline is rebuilt
from it on every request, so a reload, a second tab or a retried request always sees the same steps. The page only
keeps the clock; every step it finishes is posted at once, and saving the same step twice stores it once.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from backstretch.cli.plan import item_json
from backstretch.cli.player import SHARP_ADVICE
from backstretch.core.catalogue import Catalogue
from backstretch.core.planner import PlanItem
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN
from backstretch.core.safety import assess
from backstretch.core.timeline import Step, StepKind, Timeline, build_timeline
from backstretch.store import Store
from backstretch.store.models import ReportRow, SessionRow
from backstretch.store.transfer import StoredPlan
from backstretch.web.deps import CatalogueDep, StoreDep
from backstretch.web.routes.today import make_plan, swaps_to_leave_out
from backstretch.web.templating import templates

ID_MAX = 2**63 - 1  # the largest id SQLite and PostgreSQL store; larger ones are a 422, not a crash
SessionId = Annotated[int, FastAPIPath(ge=1, le=ID_MAX)]

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["player"])

_saving = threading.Lock()  # the check "is this step saved yet?" and the save happen together
Pain = Annotated[int, Field(ge=0, le=10)]


class NewSession(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: Annotated[int, Field(ge=MINUTES_MIN, le=MINUTES_MAX)] | None = None
    swap: list[str] = Field(default_factory=list, max_length=50, description="Stretches to leave out today.")
    pain_before: Pain | None = None


class StepDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: Annotated[int, Field(ge=0)]
    seconds: Annotated[float, Field(ge=0, le=3600)]
    outcome: Literal["done", "skipped", "stopped"]


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stretch: str
    feeling: Literal["just-a-stretch", "uncomfortable", "painful", "sharp"]


class Finish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["completed", "partial", "stopped"]
    pain_after: Pain | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


def refusal(store: Store, today: date) -> list[str]:
    """Why no session may start today; empty when one may."""
    if store.load_profile() is None:
        return ["Please set up your profile first: a few questions about your back, your time and your space."]
    verdict = assess(store.latest_screening(), today)
    return [] if verdict.may_plan else list(verdict.reasons)


def refuse_unless_allowed(store: Store, today: date) -> None:
    """A 409 with the reasons when no session may start today."""
    reasons = refusal(store, today)
    if reasons:
        raise HTTPException(409, {"refused": True, "reasons": reasons})


def _refuse_if_unsafe(store: Store, status: str) -> None:
    """A session still in progress goes on only while a new one could start: a later safety check counts."""
    if status == "in-progress":
        refuse_unless_allowed(store, date.today())


def _items(session_id: int, plan: object) -> list[PlanItem]:
    try:
        checked = StoredPlan.model_validate(plan)
    except ValidationError:
        raise HTTPException(409, f"Session {session_id} has a stored plan this app cannot read (it may come from "
                                 "an edited import), so it cannot be shown or played.") from None  # fmt: skip
    return [
        PlanItem(stretch=i.stretch, name=i.name, hold_seconds=i.hold_seconds, reps=i.reps, sides=i.sides,
                 position=i.position, regions=tuple(i.regions), spinal_movement=i.spinal_movement,
                 seconds=i.seconds)
        for i in checked.items
    ]  # fmt: skip


def step_json(step: Step) -> dict[str, Any]:
    return {
        "index": step.index, "kind": step.kind.value, "title": step.title, "lines": list(step.lines),
        "start": step.start_s, "seconds": step.seconds, "item": step.item, "stretch": step.stretch,
        "side": step.side, "rep": step.rep, "cues": [{"at": c.at_s, "text": c.text} for c in step.cues],
    }  # fmt: skip


def _next_index(timeline: Timeline, recorded: dict[int, str]) -> int:
    """Where a reloaded page goes on: after the last saved step, or after its whole stretch if it was cut short."""
    if not recorded:
        return 0
    last = max(recorded)
    step = timeline.steps[last] if last < len(timeline.steps) else None
    if step is not None and step.item is not None and recorded[last] in ("skipped", "stopped"):
        return timeline.steps_of_item(step.item)[-1].index + 1
    return last + 1


class Loaded:
    """A stored session with its timeline rebuilt from its plan."""

    def __init__(self, store: Store, catalogue: Catalogue, session_id: int) -> None:
        with store.session() as s:
            row = s.get(SessionRow, session_id)
            if row is None:
                raise HTTPException(404, f"There is no session {session_id}.")
            self.id, self.day, self.status = row.id, row.day, row.status
            self.pain_before, self.pain_after, self.note = row.pain_before, row.pain_after, row.note
            self.items = _items(row.id, row.plan)
            self.recorded = {r.step_index: r.outcome for r in row.steps}
            reports = s.scalars(select(ReportRow).where(ReportRow.session_id == session_id))
            self.reports = {r.stretch: r.feeling for r in reports}
        missing = [i.stretch for i in self.items if i.stretch not in catalogue]
        if missing:
            raise HTTPException(409, f"This session names stretches no longer in your library: {', '.join(missing)}.")
        self.timeline = build_timeline(self.items, catalogue)

    def step(self, index: int) -> Step:
        if index >= len(self.timeline.steps):
            raise HTTPException(422, [f"index: this session has steps 0 to {len(self.timeline.steps) - 1}"])
        return self.timeline.steps[index]

    def pending_check(self) -> str | None:
        """A stretch whose last step is saved but whose pain check was never answered (the page was reloaded)."""
        if not self.recorded or self.status != "in-progress":
            return None
        last = self.timeline.steps[max(self.recorded)] if max(self.recorded) < len(self.timeline.steps) else None
        if last is None or last.item is None or last.stretch is None or last.kind is not StepKind.RELEASE:
            return None
        final = self.timeline.steps_of_item(last.item)[-1].index == last.index
        return last.stretch if final and last.stretch not in self.reports else None

    def json(self, catalogue: Catalogue) -> dict[str, Any]:
        names = {i.stretch: catalogue[i.stretch].name for i in self.items}
        return {
            "id": self.id, "day": self.day.isoformat(), "status": self.status,
            "pain_before": self.pain_before, "pain_after": self.pain_after, "note": self.note,
            "breaths_per_minute": self.timeline.breaths_per_minute, "total_seconds": self.timeline.total_s,
            "steps": [step_json(s) for s in self.timeline.steps],
            "items": [{**item_json(i), "name": names[i.stretch]} for i in self.items],
            "recorded": [{"index": i, "outcome": o} for i, o in sorted(self.recorded.items())],
            "reports": self.reports, "next_index": _next_index(self.timeline, self.recorded),
            "pending_check": self.pending_check(), "sharp_advice": SHARP_ADVICE,
        }  # fmt: skip


def _open(loaded: Loaded) -> None:
    if loaded.status != "in-progress":
        raise HTTPException(409, f"Session {loaded.id} is already finished ({loaded.status}).")


@pages.get("/player", response_class=HTMLResponse)
def player_page(
    request: Request,
    store: StoreDep,
    catalogue: CatalogueDep,
    minutes: Annotated[int | None, Query(ge=MINUTES_MIN, le=MINUTES_MAX)] = None,
    swap: Annotated[list[str] | None, Query(max_length=50)] = None,
    session: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    speed: Annotated[float, Query(ge=1, le=200)] = 1,
) -> Response:
    swaps_to_leave_out(catalogue, swap, page=True)
    if session is None:
        reasons = refusal(store, date.today())
    else:  # a clear 404 page for a session that does not exist; one still open goes on only if a new one may start
        loaded = Loaded(store, catalogue, session)
        reasons = refusal(store, date.today()) if loaded.status == "in-progress" else []
    setup = {"minutes": minutes, "swap": swap or [], "session": session, "speed": speed}
    return templates.TemplateResponse(request, "player.html", {"reasons": reasons, "setup": setup})


@api.post("/sessions", status_code=201)
def create_session(body: NewSession, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """Plan today's routine afresh (without the stretches in `swap`) and open a session for it."""
    today = date.today()
    refuse_unless_allowed(store, today)
    swaps = swaps_to_leave_out(catalogue, body.swap)
    profile = store.load_profile()
    assert profile is not None  # refuse_unless_allowed() checked
    # The Today page's planning, so a session follows the plan the person saw (and swapped stretches that the
    # planner still looks up by name, to explain a variant, do not break it).
    plan = make_plan(catalogue, store, profile, today, body.minutes, swaps)
    if not plan.items:
        raise HTTPException(409, {"refused": True, "reasons": list(plan.warnings) or
                                  ["There is no stretch that suits you today."]})  # fmt: skip
    data: dict[str, object] = {"items": [item_json(i) for i in plan.items]}
    session_id = store.start_session(today, data, body.pain_before)
    return Loaded(store, catalogue, session_id).json(catalogue)


@api.get("/sessions/{session_id}")
def get_session(session_id: SessionId, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """A session's timeline, the steps saved so far, and where a player should go on.

    A session still in progress is a 409 with the reasons (as for a new one) when the safety check now says no."""
    loaded = Loaded(store, catalogue, session_id)
    _refuse_if_unsafe(store, loaded.status)
    return loaded.json(catalogue)


@api.post("/sessions/{session_id}/steps")
def record_step(session_id: SessionId, body: StepDone, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """Save one finished step. Saving the same step again (a retry, a reload) changes nothing.

    A 409 with the reasons when the safety check now says no: the session stops there (a pain report and the
    finish are still saved)."""
    loaded = Loaded(store, catalogue, session_id)
    _open(loaded)
    _refuse_if_unsafe(store, loaded.status)
    step = loaded.step(body.index)
    with _saving:
        saved = body.index in store.recorded_steps(session_id)
        if not saved:
            store.record_step(session_id, step, min(body.seconds, step.seconds), body.outcome)
    return {"index": body.index, "saved": not saved, "already_saved": saved}


def _reported(store: Store, session_id: int, stretch: str, feeling: str) -> bool:
    with store.session() as s:
        found = select(ReportRow.id).where(ReportRow.session_id == session_id, ReportRow.stretch == stretch,
                                           ReportRow.feeling == feeling)  # fmt: skip
        return s.scalars(found.limit(1)).first() is not None


@api.post("/sessions/{session_id}/reports")
def report(session_id: SessionId, body: Report, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """How a stretch felt. Painful or sharp leaves it out of plans for 14 days; sharp also means: stop.

    The same feeling for the same stretch again in a session (a retry) is stored once."""
    loaded = Loaded(store, catalogue, session_id)
    if body.stretch not in {i.stretch for i in loaded.items}:
        raise HTTPException(422, [f"stretch: {body.stretch!r} is not part of session {session_id}"])
    with _saving:  # a replayed report (the page was offline, or reloaded) is stored once
        if not _reported(store, session_id, body.stretch, body.feeling):
            store.report_feeling(session_id, loaded.day, body.stretch, body.feeling)
    easier = [catalogue[e].name for e in catalogue[body.stretch].easier if e in catalogue]
    return {"stretch": body.stretch, "feeling": body.feeling, "easier": easier[:1],
            "advice": SHARP_ADVICE if body.feeling == "sharp" else None}  # fmt: skip


@api.post("/sessions/{session_id}/finish")
def finish(session_id: SessionId, body: Finish, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """End the session: completed, partial (stopped early) or stopped (for safety), with pain after and a note.

    Finishing a finished session again with the same status (a retry) changes nothing and gives the same summary;
    with another status it is a 409."""
    with _saving:
        loaded = Loaded(store, catalogue, session_id)
        if loaded.status != body.status:  # the same finish again (a replay after going offline) changes nothing
            _open(loaded)
            store.finish_session(session_id, body.status, body.pain_after, body.note)
    done = Loaded(store, catalogue, session_id)
    summary = next(h for h in store.history(done.day) if h.id == session_id)
    return {**done.json(catalogue), "summary": {"status": summary.status, "minutes": round(summary.seconds / 60, 1),
            "done": [catalogue[s].name for s in summary.done if s in catalogue],
            "skipped": [catalogue[s].name for s in summary.skipped if s in catalogue],
            "painful": [catalogue[s].name for s in summary.painful if s in catalogue]}}  # fmt: skip
