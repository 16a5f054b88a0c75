"""The player area: a guided session in the browser, saved step by step through a small JSON API.

The server owns the plan and the timeline. The player page carries today's routine, so it can start at once, even
offline, under a key of its own; the start is checked against the safety rules again when it arrives, and the same
key always opens the same session. A session's plan is stored when it starts (and when an easier variant goes in),
and its timeline is rebuilt from it on every request, so a reload, a second tab or a retried request always sees
the same steps. The page only keeps the clock; every step it finishes is posted at once, and saving the same step
twice stores it once.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from backstretch import settings
from backstretch.app.routine import Refusal, Routines, item_json, refusal_reasons
from backstretch.core.catalogue import Catalogue
from backstretch.core.consistency import day_done_problem
from backstretch.core.measures import ROM_MAX_DEG, MeasureError, rom
from backstretch.core.motion import settings_data, target_data
from backstretch.core.planner import History, PlanItem, item_seconds
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN
from backstretch.core.safety import SHARP_ADVICE, Screening, assess
from backstretch.core.timeline import Step, StepKind, Timeline, build_timeline, slower_moves
from backstretch.core.vocab import POSITION_WORDS
from backstretch.store import Store
from backstretch.store.accounts import token_hash
from backstretch.store.database import RunningSession
from backstretch.store.models import MAX_ID, ReportRow
from backstretch.store.transfer import StoredPlan, StoredPlanItem
from backstretch.web.auth import login_token, multi_user, patient_signed_in, signs_in_itself
from backstretch.web.deps import CatalogueDep, RoutinesDep, StoreDep
from backstretch.web.routes.today import swaps_to_leave_out
from backstretch.web.templating import templates

SessionId = Annotated[int, FastAPIPath(ge=1, le=MAX_ID)]  # a larger id is a 422, not a database error

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["player"])

SAVE_TRIES = 3  # a step read from a plan that changed meanwhile is read again and saved, this many times at most
Pain = Annotated[int, Field(ge=0, le=10)]
NOTHING_SUITS = "There is no stretch that suits you today."
OFFLINE_DAYS = 7  # a session done offline is saved when the page is back online, up to a week later
MAX_ITEMS = 50  # stretches in one session, with room below the stored plan's limit for easier variants put in


class NewSession(BaseModel):
    """Either the routine the player page showed (`plan`, with the page's `key`), or `minutes` and `swap` to plan
    one now."""

    model_config = ConfigDict(extra="forbid")

    minutes: Annotated[int, Field(ge=MINUTES_MIN, le=MINUTES_MAX)] | None = None
    swap: list[str] = Field(default_factory=list, max_length=50, description="Stretches to leave out today.")
    pain_before: Pain | None = None
    key: uuid.UUID | None = Field(None, description="The page's own id for the session: the same start sent again "
                                  "(after being offline) opens one session.")  # fmt: skip
    day: date | None = Field(None, description=f"The day it was done, today or up to {OFFLINE_DAYS} days before "
                             "(default today).")  # fmt: skip
    plan: Annotated[list[StoredPlanItem], Field(min_length=1, max_length=MAX_ITEMS)] | None = Field(
        None, description="The stretches to do, as the page showed them; checked again against the safety rules."
    )
    offline: bool = Field(False, description="The page could not send this start when the session began, so it "
                          "records a session already done: it is saved even if the safety answers or the painful "
                          "stretches changed since; the routine itself is still checked.")  # fmt: skip


class Easier(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stretch: Annotated[str, Field(max_length=60)]


@dataclass(frozen=True)
class ReadSession:
    person_id: int  # whose session it is
    running: RunningSession
    steps: tuple[Step, ...]  # its timeline's steps, from the plan read
    judged_on: date  # the day its safety answers were judged for


class ReadSessions:
    """The sessions this app process saved steps of lately, as read, by the login that saved them (in clinic mode;
    else by session alone). The busiest write of all then takes one statement: the database saves the step only if
    the session is still as read (running, with the same plan, and no newer safety answers) and, in clinic mode,
    the login is still the patient's, so a change made by any app process is seen; when it is not, the session and
    the login are read again."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._read: OrderedDict[tuple[str, int], ReadSession] = OrderedDict()
        self._lock = threading.Lock()  # routes run in a pool of threads

    def get(self, key: tuple[str, int]) -> ReadSession | None:
        with self._lock:
            found = self._read.get(key)
            if found is not None:
                self._read.move_to_end(key)
            return found

    def put(self, key: tuple[str, int], read: ReadSession) -> None:
        with self._lock:
            self._read[key] = read
            self._read.move_to_end(key)
            while len(self._read) > self._size:
                self._read.popitem(last=False)

    def drop(self, key: tuple[str, int]) -> None:
        with self._lock:
            self._read.pop(key, None)


class StepDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: Annotated[int, Field(ge=0)]
    seconds: Annotated[float, Field(ge=0, le=3600)]
    outcome: Literal["done", "skipped", "stopped"]


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stretch: str
    feeling: Literal["just-a-stretch", "uncomfortable", "painful", "sharp"]


class RangeOfMotion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stretch: Annotated[str, Field(max_length=60)]
    degrees: Annotated[float, Field(ge=0, le=ROM_MAX_DEG, allow_inf_nan=False)] = Field(
        description="The deepest joint angle held still in the stretch, as the camera coach measured it."
    )


class Finish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["completed", "partial", "stopped"]
    pain_after: Pain | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


def refusal(store: Store, today: date) -> list[str]:
    """Why no session may start today; empty when one may."""
    return refusal_reasons(store, today)


def refused(reasons: Sequence[str]) -> HTTPException:
    """The 409 a page reads as "not today, and why": {refused: true, reasons: [...]}."""
    return HTTPException(409, {"refused": True, "reasons": list(reasons)})


def refuse_unless_allowed(store: Store, today: date) -> None:
    """A 409 with the reasons when no session may start today."""
    reasons = refusal(store, today)
    if reasons:
        raise refused(reasons)


def _refuse_if_unsafe(status: str, latest_screening: Screening | None) -> None:
    """A session still in progress goes on only while a new one could start: a later safety check counts. (Its
    person has a profile: a session is only started with one, and deleting it deletes the session too. Its recent
    spine surgery, if any, was checked when the session started: saving a step reads no profile.)"""
    if status == "in-progress":
        verdict = assess(latest_screening, date.today())
        if not verdict.may_plan:
            raise refused(verdict.reasons)


def _plan_items(items: Sequence[StoredPlanItem]) -> list[PlanItem]:
    return [
        PlanItem(stretch=i.stretch, name=i.name, hold_seconds=i.hold_seconds, reps=i.reps, sides=i.sides,
                 position=i.position, regions=tuple(i.regions), spinal_movement=i.spinal_movement,
                 seconds=i.seconds)
        for i in items
    ]  # fmt: skip


def _items(session_id: int, plan: object) -> list[PlanItem]:
    try:
        checked = StoredPlan.model_validate(plan)
    except ValidationError:
        raise HTTPException(409, f"Session {session_id} has a stored plan this app cannot read (it may come from "
                                 "an edited import), so it cannot be shown or played.") from None  # fmt: skip
    return _plan_items(checked.items)


def _timeline(items: list[PlanItem], catalogue: Catalogue, older: bool = False) -> Timeline:
    missing = [i.stretch for i in items if i.stretch not in catalogue]
    if missing:
        raise HTTPException(409, f"This session names stretches no longer in your library: {', '.join(missing)}.")
    return build_timeline(items, catalogue, older=older)


def step_json(step: Step) -> dict[str, Any]:
    return {
        "index": step.index, "kind": step.kind.value, "title": step.title, "lines": list(step.lines),
        "start": step.start_s, "seconds": step.seconds, "item": step.item, "stretch": step.stretch,
        "side": step.side, "rep": step.rep, "cues": [{"at": c.at_s, "text": c.text} for c in step.cues],
        "waits": step.waits,
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
            row = store.own_session(s, session_id)
            if row is None:  # someone else's is not there either
                raise HTTPException(404, f"There is no session {session_id}.")
            self.id, self.key, self.day, self.status = row.id, row.client_key, row.day, row.status
            self.plan_key = row.plan_key
            self.plan = dict(row.plan)
            self.pain_before, self.pain_after, self.note = row.pain_before, row.pain_after, row.note
            self.items = _items(row.id, row.plan)
            self.recorded = {r.step_index: r.outcome for r in row.steps}
            reports = s.scalars(select(ReportRow).where(ReportRow.session_id == session_id))
            self.reports = {r.stretch: r.feeling for r in reports}
        # The same steps for every age; only the words for getting down and up differ.
        self.timeline = _timeline(self.items, catalogue, slower_moves(store.load_profile()))

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
        return {
            **routine_json(catalogue, self.items, self.timeline),
            "id": self.id, "key": self.key, "day": self.day.isoformat(), "status": self.status,
            "pain_before": self.pain_before, "pain_after": self.pain_after, "note": self.note,
            "recorded": [{"index": i, "outcome": o} for i, o in sorted(self.recorded.items())],
            "reports": self.reports, "next_index": _next_index(self.timeline, self.recorded),
            "pending_check": self.pending_check(),
        }  # fmt: skip


def routine_json(catalogue: Catalogue, items: Sequence[PlanItem], timeline: Timeline) -> dict[str, Any]:
    """What a player needs to play a routine: its stretches and every step."""
    return {
        "breaths_per_minute": timeline.breaths_per_minute, "total_seconds": timeline.total_s,
        "steps": [step_json(s) for s in timeline.steps],
        "items": [{**item_json(i), "name": catalogue[i.stretch].name} for i in items],
        "sharp_advice": SHARP_ADVICE,
    }  # fmt: skip


def draft_json(catalogue: Catalogue, items: Sequence[PlanItem], day: date, older: bool = False) -> dict[str, Any]:
    """Today's routine as a session not started yet: the page starts it at once, even offline, under a key of its
    own, and sends the start when it can. `until` (seconds since 1970) is the end of the day it was planned for,
    by this server's clock, so a page left open overnight plans again whatever the browser's time zone."""
    until = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return {
        **routine_json(catalogue, items, build_timeline(items, catalogue, older=older)),
        "id": None, "key": None, "day": day.isoformat(), "until": int(until.timestamp()), "status": "in-progress",
        "pain_before": None, "pain_after": None, "note": "", "recorded": [], "reports": {}, "next_index": 0,
        "pending_check": None,
    }  # fmt: skip


def camera_json(catalogue: Catalogue) -> dict[str, Any]:
    """What the page's camera coach (static/motion.js) needs: core/motion.py's thresholds, and for each stretch it
    can coach, its target and what its range of motion measures. Every stretch goes in, small as it is, so a
    resumed session or an easier variant put in later finds its stretch too."""
    targets = {
        s.id: {**target_data(s.camera.target), "measure": s.camera.measure_name(s.name)}
        for s in catalogue.values() if s.camera is not None
    }  # fmt: skip
    return {"settings": settings_data(), "targets": targets}


def _open(session_id: int, status: str) -> None:
    if status != "in-progress":
        raise HTTPException(409, f"Session {session_id} is already finished ({status}).")


@pages.get("/player", response_class=HTMLResponse)
def player_page(
    request: Request,
    store: StoreDep,
    catalogue: CatalogueDep,
    routines: RoutinesDep,
    minutes: Annotated[int | None, Query(ge=MINUTES_MIN, le=MINUTES_MAX)] = None,
    swap: Annotated[list[str] | None, Query(max_length=50)] = None,
    session: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    speed: Annotated[float, Query(ge=1, le=200)] = 1,
) -> Response:
    swaps = swaps_to_leave_out(catalogue, swap, page=True)
    today = date.today()
    found = routines.today(store, today, minutes, swaps)
    now_refused = list(found.reasons) if isinstance(found, Refusal) else []
    if session is None:
        reasons = now_refused
    else:  # a clear 404 page for a session that does not exist; one still open goes on only if a new one may start
        loaded = Loaded(store, catalogue, session)
        reasons = now_refused if loaded.status == "in-progress" else []
    draft = None
    if not isinstance(found, Refusal):
        # The routine goes into the page, so Start works at once, and offline too once the page is kept.
        plan = found.plan
        if plan.items:
            draft = draft_json(catalogue, plan.items, today, slower_moves(found.profile))
        elif session is None:
            reasons = list(plan.warnings) or [NOTHING_SUITS]
    camera = camera_json(catalogue) if settings.current().camera else None
    setup = {"session": session, "speed": speed, "draft": draft, "camera": camera}
    return templates.TemplateResponse(request, "player.html", {"reasons": reasons, "setup": setup})


@api.post("/sessions", status_code=201, responses={200: {"description": "Started before with this key"}})
def create_session(body: NewSession, response: Response, store: StoreDep, catalogue: CatalogueDep,
                   routines: RoutinesDep) -> dict[str, Any]:  # fmt: skip
    """Open a session for the routine the page showed (`plan`), or for today's routine planned afresh.

    A start sent again with the same `key` gives the session it opened the first time (200)."""
    key = str(body.key) if body.key is not None else None
    if key is not None:
        found = store.session_by_key(key)
        if found is not None:
            response.status_code = 200
            return Loaded(store, catalogue, found).json(catalogue)
    today = date.today()
    day = body.day or today
    problem = day_done_problem(day, today, within_days=OFFLINE_DAYS)
    if problem is not None:
        raise HTTPException(422, [f"day: {problem}; a session is saved for today or up to {OFFLINE_DAYS} days before"])
    if body.offline and body.plan is not None:
        profile = store.load_profile()  # already done: losing it would not make it safer
        if profile is None:
            raise refused(refusal(store, today))
    else:
        refuse_unless_allowed(store, today)
        profile = store.load_profile()
        assert profile is not None  # refuse_unless_allowed() checked
    if body.plan is None:
        swaps = swaps_to_leave_out(catalogue, body.swap)
        # The Today page's planning, so a session follows the plan the person saw (and swapped stretches that the
        # planner still looks up by name, to explain a variant, do not break it).
        plan = routines.day_plan(store, profile, day, body.minutes, swaps)
        items = list(plan.items)
        if not items:
            raise refused(list(plan.warnings) or [NOTHING_SUITS])
    else:
        if body.minutes is not None or body.swap:
            raise HTTPException(422, ["plan: give either the plan or minutes and swaps, not both"])
        unknown = [i.stretch for i in body.plan if i.stretch not in catalogue]
        if unknown:
            raise refused([f"This routine names stretches not in your library: {', '.join(unknown)}."])
        items = [_as_in_library(catalogue, i) for i in body.plan]
        history = History(()) if body.offline else store.planner_history(day)
        problems = routines.check_saved(store, items, profile, history, day)
        if problems:
            why = f"This routine cannot be followed now: {'; '.join(problems)}. Please open Today for a fresh one."
            raise refused([why])
    data: dict[str, object] = {"items": [item_json(i) for i in items]}
    try:  # the same key again (a retry, or two at once) opens the one session
        session_id = store.start_session(day, data, body.pain_before, client_key=key)
    except ValueError as error:
        raise HTTPException(409, str(error)) from None
    return Loaded(store, catalogue, session_id).json(catalogue)


def _as_in_library(catalogue: Catalogue, sent: StoredPlanItem) -> PlanItem:
    """A stretch as the library describes it, with only the dose (hold, repetitions, sides) taken from the page."""
    stretch = catalogue[sent.stretch]
    return PlanItem(stretch.id, stretch.name, sent.hold_seconds, sent.reps, sent.sides, stretch.position,
                    stretch.regions.primary, stretch.spinal_movement,
                    item_seconds(sent.hold_seconds, sent.reps, sent.sides == 2))  # fmt: skip


@api.get("/sessions/{session_id}")
def get_session(session_id: SessionId, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """A session's timeline, the steps saved so far, and where a player should go on.

    A session still in progress is a 409 with the reasons (as for a new one) when the safety check now says no."""
    loaded = Loaded(store, catalogue, session_id)
    _refuse_if_unsafe(loaded.status, store.latest_screening())
    return loaded.json(catalogue)


@api.post("/sessions/{session_id}/steps")
@signs_in_itself
async def record_step(session_id: SessionId, body: StepDone, request: Request,
                      catalogue: CatalogueDep) -> dict[str, Any]:  # fmt: skip
    """Save one finished step. Saving the same step again (a retry, a reload) changes nothing.

    A 409 with the reasons when the safety check now says no: the session stops there (a pain report and the
    finish are still saved)."""
    # The whole save in one trip to a worker thread; in clinic mode the sign-in check is part of it (the guard
    # leaves it here), usually inside the one statement that writes the step.
    return await run_in_threadpool(_save_step, request, session_id, body, catalogue)


def _save_step(request: Request, session_id: int, body: StepDone, catalogue: Catalogue) -> dict[str, Any]:
    read_sessions: ReadSessions = request.app.state.read_sessions
    store: Store = request.app.state.store
    token = login = None
    if multi_user(request):
        token = login_token(request)
        login = token_hash(token)
    key = (login or "", session_id)
    for attempt in range(SAVE_TRIES):
        read = read_sessions.get(key) if attempt == 0 else None
        fresh = read is None or read.judged_on != date.today()  # the safety answers are judged for a day
        if fresh or read is None:
            person_id = store.person_id if token is None else patient_signed_in(request, token).id
            read = _read_for_steps(store.for_person(person_id), catalogue, session_id)
            read_sessions.put(key, read)
        if body.index >= len(read.steps):
            if not fresh:
                continue  # the plan may have grown since it was read
            raise HTTPException(422, [f"index: this session has steps 0 to {len(read.steps) - 1}"])
        step = read.steps[body.index]
        seconds = min(body.seconds, step.seconds)
        try:
            saved = store.for_person(read.person_id).record_step(session_id, step, seconds, body.outcome, read.running,
                                                                 login)  # fmt: skip
        except ValueError:  # gone, ended, a new plan, new safety answers, or signed out: read again
            read_sessions.drop(key)
            continue
        return {"index": body.index, "saved": saved, "already_saved": not saved}
    raise HTTPException(409, f"Session {session_id} kept changing while this step was saved; please send it again.")


def _read_for_steps(store: Store, catalogue: Catalogue, session_id: int) -> ReadSession:
    running = store.running_session(session_id)
    if running is None:
        raise HTTPException(404, f"There is no session {session_id}.")
    _open(session_id, running.status)
    _refuse_if_unsafe(running.status, running.screening)
    steps = tuple(_timeline(_items(session_id, running.plan), catalogue).steps)
    return ReadSession(store.person_id, running, steps, date.today())


@api.post("/sessions/{session_id}/reports")
def report(session_id: SessionId, body: Report, store: StoreDep, catalogue: CatalogueDep,
           routines: RoutinesDep) -> dict[str, Any]:  # fmt: skip
    """How a stretch felt. Painful or sharp leaves it out of plans for 14 days; sharp also means: stop.

    The same feeling for the same stretch again in a session (a retry) is stored once."""
    loaded = Loaded(store, catalogue, session_id)
    if body.stretch not in {i.stretch for i in loaded.items}:
        raise HTTPException(422, [f"stretch: {body.stretch!r} is not part of session {session_id}"])
    store.report_feeling(session_id, loaded.day, body.stretch, body.feeling)  # a replay is stored once
    easier = _easier(store, routines, loaded, body.stretch) if body.feeling == "painful" else None
    offer = None
    if easier is not None and not isinstance(easier, Refusal):
        # What it is, before it plays: the page shows its figure, its position and what it does.
        variant = catalogue[easier.stretch]
        offer = {"stretch": easier.stretch, "name": easier.name, "summary": variant.summary,
                 "position": POSITION_WORDS[variant.position],
                 "same_position": variant.position is catalogue[body.stretch].position}  # fmt: skip
    return {"stretch": body.stretch, "feeling": body.feeling, "easier": offer,
            "advice": SHARP_ADVICE if body.feeling == "sharp" else None}  # fmt: skip


def _easier(store: Store, routines: Routines, loaded: Loaded, stretch: str) -> PlanItem | Refusal:
    """The easier variant to offer for a stretch that hurt, or why there is none (the routine service decides)."""
    profile = store.load_profile()
    if profile is None:
        return Refusal(("Please set up your profile first.",))
    return routines.easier_variant(loaded.items, stretch, profile, store.planner_history(loaded.day), loaded.day)


@api.post("/sessions/{session_id}/easier")
def try_easier(session_id: SessionId, body: Easier, store: StoreDep, catalogue: CatalogueDep,
               routines: RoutinesDep) -> dict[str, Any]:  # fmt: skip
    """Put the easier variant of a stretch that just hurt into the session, right after it, and go on with it.

    Only while the session is at that stretch and after it was reported painful; asking again once the variant is
    in changes nothing."""
    loaded = Loaded(store, catalogue, session_id)
    _open(loaded.id, loaded.status)
    _refuse_if_unsafe(loaded.status, store.latest_screening())
    at = [n for n, i in enumerate(loaded.items) if i.stretch == body.stretch]
    if not at:
        raise HTTPException(422, [f"stretch: {body.stretch!r} is not part of session {session_id}"])
    n = at[0]
    if loaded.reports.get(body.stretch) != "painful":
        raise HTTPException(409, f"{body.stretch} was not reported painful in this session.")
    following = loaded.items[n + 1].stretch if n + 1 < len(loaded.items) else None
    if following is not None and following in catalogue[body.stretch].easier:
        return loaded.json(catalogue)  # asked again: the variant is already in
    last = loaded.timeline.steps_of_item(n)[-1].index
    if loaded.recorded and max(loaded.recorded) > last:
        raise HTTPException(409, "This session has already gone on past that stretch.")
    variant = _easier(store, routines, loaded, body.stretch)
    if isinstance(variant, Refusal):
        raise HTTPException(409, " ".join(variant.reasons))
    items = [*loaded.items[: n + 1], variant, *loaded.items[n + 1 :]]
    if not store.change_plan(session_id, {**loaded.plan, "items": [item_json(i) for i in items]}, loaded.plan_key):
        raise HTTPException(409, f"Session {session_id} changed meanwhile (in another tab?); please ask again.")
    return Loaded(store, catalogue, session_id).json(catalogue)


@api.post("/sessions/{session_id}/rom")
def record_rom(session_id: SessionId, body: RangeOfMotion, store: StoreDep,
               catalogue: CatalogueDep) -> dict[str, Any]:  # fmt: skip
    """Save the range of motion the camera coach measured in a stretch of this session, as a measure on the
    session's day. Only for a stretch of the session that the camera can coach; the same reading again (a retry)
    is stored once."""
    loaded = Loaded(store, catalogue, session_id)
    if body.stretch not in {i.stretch for i in loaded.items}:
        raise HTTPException(422, [f"stretch: {body.stretch!r} is not part of session {session_id}"])
    camera = catalogue[body.stretch].camera
    if camera is None:
        raise HTTPException(422, [f"stretch: {body.stretch!r} has no camera target, so it has no range of motion"])
    try:
        measure = rom(body.degrees, loaded.day, body.stretch)
    except MeasureError as error:
        raise HTTPException(422, [f"degrees: {error}"]) from None
    saved = store.add_measure_once(measure)
    name = camera.measure_name(catalogue[body.stretch].name)
    return {"stretch": body.stretch, "degrees": measure.value, "measure": name, "saved": saved}


@api.post("/sessions/{session_id}/finish")
def finish(session_id: SessionId, body: Finish, store: StoreDep, catalogue: CatalogueDep) -> dict[str, Any]:
    """End the session: completed, partial (stopped early) or stopped (for safety), with pain after and a note.

    Finishing a finished session again with the same status (a retry) changes nothing and gives the same summary;
    with another status it is a 409."""
    loaded = Loaded(store, catalogue, session_id)
    if loaded.status != body.status:  # the same finish again (a replay after going offline) changes nothing
        _open(loaded.id, loaded.status)
        store.finish_session(session_id, body.status, body.pain_after, body.note)
    done = Loaded(store, catalogue, session_id)
    if done.status != body.status:  # another request finished it first, another way
        _open(done.id, done.status)
    summary = next(h for h in store.history(done.day) if h.id == session_id)
    return {**done.json(catalogue), "summary": {"status": summary.status, "minutes": round(summary.seconds / 60, 1),
            "done": [catalogue[s].name for s in summary.done if s in catalogue],
            "skipped": [catalogue[s].name for s in summary.skipped if s in catalogue],
            "painful": [catalogue[s].name for s in summary.painful if s in catalogue]}}  # fmt: skip
