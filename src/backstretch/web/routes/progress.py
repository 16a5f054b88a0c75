"""The progress area: streaks, the week-by-week table, honest trends and the charts; logging pain, function, reach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from backstretch.app.progress import progress_json
from backstretch.core.catalogue import Catalogue
from backstretch.core.measures import (
    FUNCTION_MAX_ACTIVITIES,
    MEASURES,
    REACH_NOT_SAVED,
    Measure,
    MeasureError,
    MeasureKind,
    function,
    pain,
    parse_activity,
    reach,
    reach_test_refusal,
    rom_lines,
)
from backstretch.store import Store
from backstretch.store.database import SessionSummary
from backstretch.store.progress import WEEKS, Progress, progress_of
from backstretch.web.deps import StoreDep, catalogue_of
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["progress"])

CALENDAR_WEEKS = 26
RECENT_SESSIONS = 10
STATUS_WORDS = {"completed": "Completed", "partial": "Ended early", "stopped": "Stopped for safety",
                "in-progress": "Not finished"}  # fmt: skip
EARLIEST = date(1970, 1, 1)  # progress as it stood before then has nothing to show, and far back overflows


def _day(text: str | None) -> date:
    """The day a measure was taken: blank is today; never in the future (as `backstretch log --date`)."""
    if not text or not text.strip():
        return date.today()
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise MeasureError(f"the date must look like 2026-11-24, not {text.strip()!r}") from None
    return _not_future(day)


def _not_future(day: date) -> date:
    if day > date.today():
        raise MeasureError(f"{day.isoformat()} is in the future; log measures on the day you take them")
    return day


def _whole_pain(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise MeasureError(f"pain is a whole number from 0 to 10, not {text.strip()!r}") from None


def _reach_value(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise MeasureError(f"reach is a distance such as 12 or 12.5, not {text.strip()!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise MeasureError(f"reach is a distance such as 12 or 12.5, not {text.strip()!r}")
    return value


def _activities(names: list[str], scores: list[str]) -> list[tuple[str, int]]:
    extra = [n for n, (name, score) in enumerate(zip(names, scores, strict=True), start=1)
             if n > FUNCTION_MAX_ACTIVITIES and (name.strip() or score.strip())]  # fmt: skip
    if extra:
        raise MeasureError(f"rate at most {FUNCTION_MAX_ACTIVITIES} activities; activity {extra[0]} is one too many")
    pairs = []
    for n, (name, score) in enumerate(zip(names, scores, strict=True), start=1):
        name, score = name.strip(), score.strip()
        if not name and not score:
            continue
        if not name:
            raise MeasureError(f"activity {n} has a score but no name: say what the activity is")
        if not score:
            raise MeasureError(f"give {name!r} a score from 0 (cannot do it) to 10 (as well as before)")
        pairs.append(parse_activity(f"{name}={score}"))
    if not pairs:
        raise MeasureError("name at least one activity your back makes hard, and give it a score from 0 to 10")
    return pairs


def _last_activities(readings: list[Measure]) -> list[str]:
    """The activities rated last time, so the form offers the same ones: the score compares best that way."""
    last = [m for m in readings if m.kind is MeasureKind.FUNCTION]
    return [a.activity for a in last[-1].activities] if last else []


def _alt_chart(p: Progress) -> str:
    if not p.readings:
        return "Chart of your measures over time: no measures logged yet."
    parts = []
    for t in p.trends:
        if not t.points:
            continue
        info = MEASURES[t.kind]
        unit = "" if info.unit == "points" else f" {info.unit}"
        values = [m.value for m in p.readings if m.kind is t.kind]
        level = (f"from {t.baseline:g} to {t.current:g}{unit}" if t.baseline is not None and t.current is not None
                 else f"latest {values[-1]:g}{unit}")  # fmt: skip
        parts.append(f"{info.title}: {t.points} reading{'s' if t.points != 1 else ''}, {level}.")
    return f"Chart of your measures over time, with stretching days marked along the bottom. {' '.join(parts)}"


def _alt_calendar(p: Progress) -> str:
    since = p.today.toordinal() - (p.today.weekday() + 7 * (CALENDAR_WEEKS - 1))
    count = sum(1 for d in p.days if d.on.toordinal() >= since)
    c = p.summary
    return (f"Calendar of the last {CALENDAR_WEEKS} weeks, one square a day, darker for more minutes: "
            f"{count} stretching day{'s' if count != 1 else ''}. Current run {c.current_streak}, "
            f"longest run {c.longest_streak}.")  # fmt: skip


@dataclass(frozen=True)
class RecentSession:
    """One row of the Recent sessions table, in plain words."""

    id: int
    day: date
    status: str
    status_words: str
    minutes: float
    done: int
    painful: list[str]
    pain_before: int | None
    pain_after: int | None
    note: str  # what the person wrote at the end: in clinic mode, the one message a patient sends their clinician


def recent_sessions(store: Store, catalogue: Catalogue, count: int = RECENT_SESSIONS) -> list[RecentSession]:
    """The last sessions, newest first."""
    found: list[SessionSummary] = store.history()[-count:][::-1]

    def name(stretch: str) -> str:
        return catalogue[stretch].name if stretch in catalogue else stretch

    return [RecentSession(id=h.id, day=h.day, status=h.status, status_words=STATUS_WORDS.get(h.status, h.status),
                          minutes=round(h.seconds / 60, 1), done=len(h.done), painful=[name(s) for s in h.painful],
                          pain_before=h.pain_before, pain_after=h.pain_after, note=h.note)
            for h in found]  # fmt: skip


def _page(request: Request, store: Store, errors: dict[str, str] | None = None,
          values: dict[str, Any] | None = None, status: int = 200) -> Response:  # fmt: skip
    p = progress_of(store)
    given = values or {}
    activities = given.get("activity") or _last_activities(p.readings)
    activities = [*activities, *[""] * FUNCTION_MAX_ACTIVITIES][:FUNCTION_MAX_ACTIVITIES]
    scores = [*(given.get("score") or []), *[""] * FUNCTION_MAX_ACTIVITIES][:FUNCTION_MAX_ACTIVITIES]
    logged = request.query_params.get("logged", "")
    reach_refused = _reach_refusal(store)
    kind = next((k for k in MEASURES if k.value == logged), None)
    return templates.TemplateResponse(request, "progress.html", {
        "p": p, "c": p.summary, "measures": MEASURES, "kinds": MeasureKind, "errors": errors or {},
        "values": given, "activities": activities, "scores": scores, "today": p.today.isoformat(),
        # Only a known code comes from the address, so a link cannot make up a confirmation.
        "logged": kind.value if kind else "", "logged_text": f"your {MEASURES[kind].title.lower()} reading" if kind
        else "",
        "alt_chart": _alt_chart(p), "alt_calendar": _alt_calendar(p),
        "rom": rom_lines(p.readings, catalogue_of(request)),
        "recent": recent_sessions(store, catalogue_of(request)), "reach_refused": reach_refused,
    }, status_code=status)  # fmt: skip


def _reach_refusal(store: Store) -> str | None:
    """Rule reach-safety, from the stored profile (no profile: nothing known that bars the test)."""
    profile = store.load_profile()
    return reach_test_refusal(profile.effective_conditions()) if profile is not None else None


@pages.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, store: StoreDep) -> Response:
    return _page(request, store)


def _save(request: Request, store: StoreDep, kind: MeasureKind, build: Callable[[], Measure],
          values: dict[str, Any]) -> Response:  # fmt: skip
    """Store the measure and go back to the page (post, redirect, get), or show the form again with the message."""
    try:
        measure = build()
    except MeasureError as error:
        return _page(request, store, {kind.value: str(error)}, {kind.value: True, **values}, status=422)
    store.add_measure(measure)
    target = request.url_for("progress_page").include_query_params(logged=kind.value)
    return RedirectResponse(f"{target.path}?{target.query}#log-{kind.value}", status_code=303)


@pages.post("/progress/pain")
def log_pain(request: Request, store: StoreDep, value: Annotated[str, Form()] = "",
             morning: Annotated[bool, Form()] = False, on: Annotated[str, Form()] = "",
             note: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    values = {"pain_value": value, "pain_morning": morning, "pain_on": on, "pain_note": note}
    return _save(request, store, MeasureKind.PAIN,
                 lambda: pain(_whole_pain(value), _day(on), morning=morning, note=note.strip()), values)  # fmt: skip


@pages.post("/progress/function")
def log_function(request: Request, store: StoreDep, activity: Annotated[list[str] | None, Form()] = None,
                 score: Annotated[list[str] | None, Form()] = None, on: Annotated[str, Form()] = "",
                 note: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    given = max(len(activity or []), len(score or []), FUNCTION_MAX_ACTIVITIES)
    names = [*(activity or []), *[""] * given][:given]  # all of them: a fourth is an error, not dropped
    marks = [*(score or []), *[""] * given][:given]
    values = {"activity": names, "score": marks, "function_on": on, "function_note": note}
    return _save(request, store, MeasureKind.FUNCTION,
                 lambda: function(_activities(names, marks), _day(on), note=note.strip()), values)  # fmt: skip


@pages.post("/progress/reach")
def log_reach(request: Request, store: StoreDep, value: Annotated[str, Form()] = "",
              unit: Annotated[str, Form()] = "cm", on: Annotated[str, Form()] = "",
              note: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    values = {"reach_value": value, "reach_unit": unit, "reach_on": on, "reach_note": note}

    def build() -> Measure:
        refused = _reach_refusal(store)
        if refused:
            raise MeasureError(f"{refused} {REACH_NOT_SAVED}")
        if unit not in ("cm", "in"):
            raise MeasureError(f"reach is measured in cm or in, not {unit!r}")
        return reach(_reach_value(value), _day(on), unit="in" if unit == "in" else "cm", note=note.strip())

    return _save(request, store, MeasureKind.REACH, build, values)


def _svg(data: bytes) -> Response:
    return Response(data, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@pages.get("/progress/chart.svg")
def chart(store: StoreDep) -> Response:
    from backstretch import charts  # matplotlib is slow to import; only load it when drawing

    p = progress_of(store)
    return _svg(charts.render(charts.progress_figure(p.readings, p.days, p.today), "svg"))


@pages.get("/progress/rom.svg")
def rom_chart(request: Request, store: StoreDep) -> Response:
    from backstretch import charts

    today = date.today()  # only the range of motion is drawn: no need for the whole of progress_of
    readings = [m for m in store.measures(MeasureKind.ROM) if m.on <= today]
    return _svg(charts.render(charts.rom_figure(rom_lines(readings, catalogue_of(request)), today), "svg"))


@pages.get("/progress/calendar.svg")
def calendar(store: StoreDep) -> Response:
    from backstretch import charts

    p = progress_of(store)
    return _svg(charts.render(charts.calendar_figure(p.days, p.today, CALENDAR_WEEKS), "svg"))


# --- JSON API ---------------------------------------------------------------------------------------------------


def _measure_json(measure: Measure) -> dict[str, Any]:
    found = measure.model_dump(mode="json")
    found["date"] = found.pop("on")
    if not found["stretch"]:  # only a range of motion has one: the other kinds keep the shape they always had
        del found["stretch"]
    return found


@api.get("/progress")
def get_progress(store: StoreDep, weeks: Annotated[int, Query(ge=1, le=104)] = WEEKS,
                 on: Annotated[date | None, Query(alias="date")] = None) -> Response:  # fmt: skip
    """Consistency and trends, exactly as `backstretch progress --json` prints them (`date`: as it stood then)."""
    try:
        today = _not_future(on) if on is not None else None
    except MeasureError as error:
        return JSONResponse({"detail": str(error)}, status_code=422)
    if today is not None and today < EARLIEST:
        return JSONResponse({"detail": f"date must be {EARLIEST.isoformat()} or later"}, status_code=422)
    p = progress_of(store, today, weeks)
    return JSONResponse(progress_json(p.summary, p.trends))


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    activity: str = Field(max_length=200)
    score: int


class MeasureIn(BaseModel):
    """A reading to log: pain (`value` 0-10, whole), function (`activities`, up to 3) or reach (`value` in `unit`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    kind: MeasureKind
    value: float | None = Field(default=None, allow_inf_nan=False)
    activities: list[ActivityIn] | None = Field(default=None, max_length=10)
    unit: Literal["cm", "in"] = "cm"
    morning: bool = False
    on: date | None = Field(default=None, alias="date", description="The day it was taken (default today).")
    note: str = Field(default="", max_length=2000)


def _build(body: MeasureIn) -> Measure:
    on = _not_future(body.on) if body.on is not None else date.today()
    if body.kind is MeasureKind.ROM:
        raise MeasureError("a range of motion is measured by the camera coach in a session and saved with it "
                           "(POST /api/sessions/{id}/rom), not logged by hand")  # fmt: skip
    if body.kind is MeasureKind.FUNCTION:
        if body.value is not None:
            raise MeasureError("a function reading is given as activities with scores, not as a value")
        if not body.activities:
            raise MeasureError("function needs 1 to 3 activities, each with a score from 0 to 10")
        if body.morning:
            raise MeasureError("only pain readings can be marked as morning readings")
        return function([(a.activity, a.score) for a in body.activities], on, note=body.note)
    if body.activities:
        raise MeasureError(f"only function readings have activities, not {body.kind.value}")
    if body.value is None:
        raise MeasureError(f"a {body.kind.value} reading needs a value")
    if body.kind is MeasureKind.PAIN:
        if not body.value.is_integer():
            raise MeasureError(f"pain is a whole number from 0 to 10, not {body.value:g}")
        return pain(int(body.value), on, morning=body.morning, note=body.note)
    if body.morning:
        raise MeasureError("only pain readings can be marked as morning readings")
    return reach(body.value, on, unit=body.unit, note=body.note)


@api.post("/measures", status_code=201, responses={409: {"description": "The reach test is not for this person"}})
def post_measure(body: MeasureIn, store: StoreDep) -> Response:
    """Log one reading; 422 with a plain message (and nothing stored) when it cannot be stored; 409 for a reach
    reading from a person whose profile bars forward bends (Rule reach-safety)."""
    if body.kind is MeasureKind.REACH:
        refused = _reach_refusal(store)
        if refused:
            return JSONResponse({"detail": f"{refused} {REACH_NOT_SAVED}"}, status_code=409)
    try:
        measure = _build(body)
    except MeasureError as error:
        return JSONResponse({"detail": str(error)}, status_code=422)
    measure_id = store.add_measure(measure)
    return JSONResponse({"id": measure_id, **_measure_json(measure)}, status_code=201)


@api.get("/measures")
def list_measures(store: StoreDep, kind: MeasureKind | None = None, since: date | None = None) -> list[dict[str, Any]]:
    """Logged readings oldest first, including the pain given before each guided session."""
    return [_measure_json(m) for m in store.measures(kind, since)]
