"""The progress area: streaks, the week-by-week table, honest trends and the charts; logging pain, function, reach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from backstretch.app.breaks import break_history
from backstretch.app.progress import (
    MeasureChange,
    MeasureNotFound,
    ReachRefused,
    delete_measure,
    edit_measure,
    progress_json,
    reach_refusal,
    restore_measure,
)
from backstretch.app.scores import RECORDED, due, due_json, latest_change
from backstretch.app.scores import dismiss as dismiss_scores
from backstretch.app.scores import record as record_score
from backstretch.core.catalogue import Catalogue
from backstretch.core.chart import Chart, measure_chart, reading_words, weeks_chart
from backstretch.core.consistency import day_done_problem
from backstretch.core.measures import (
    ELSEWHERE,
    FUNCTION_MAX_ACTIVITIES,
    GLOBAL_CHANGE_ANSWERS,
    GLOBAL_CHANGE_QUESTION,
    MEASURES,
    REACH_NOT_SAVED,
    Measure,
    MeasureError,
    MeasureKind,
    check_taken_on,
    function,
    outcome_score,
    pain,
    parse_activity,
    plain_name,
    reach,
    rom_lines,
    title_of,
    trend_basis,
)
from backstretch.core.scores import prompt_words
from backstretch.core.words import day_words
from backstretch.store import Store
from backstretch.store.database import LoggedMeasure, SessionSummary
from backstretch.store.models import MAX_ID
from backstretch.store.progress import WEEKS, Progress, progress_of
from backstretch.web.deps import StoreDep, catalogue_of
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["progress"])

CALENDAR_WEEKS = 26
RECENT_SESSIONS = 10
RECENT_ON_PAGE = 5  # the Progress page shows fewer: on a phone each is a card of its own
STATUS_WORDS = {"completed": "Completed", "partial": "Ended early", "stopped": "Stopped for safety",
                "in-progress": "Not finished"}  # fmt: skip


def _day(text: str | None) -> date:
    """The day a measure was taken (a date field sends it as 2026-11-24): blank is today; never in the future."""
    if not text or not text.strip():
        return date.today()
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise MeasureError("the day is not a date: choose it in the day field") from None
    return check_taken_on(day, date.today())


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


def _score_value(kind: MeasureKind, text: str) -> float:
    """A score as typed; the rating of change comes as its number from -3 to 3."""
    try:
        value = float(text.strip())
    except ValueError:
        what = "one of the answers" if kind is MeasureKind.GLOBAL_CHANGE else "a number"
        raise MeasureError(f"choose {what} for {title_of(kind).lower()}, not {text.strip()!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise MeasureError(f"{title_of(kind).lower()} needs a number, not {text.strip()!r}")
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


@dataclass(frozen=True)
class Card:
    """One measure on the page: what its trend says and from what, every reading drawn, and the readings as a table
    (newest first) with a way to edit or delete each one logged here."""

    kind: MeasureKind
    title: str
    name: str  # the title inside a sentence: "leg pain", but "Roland-Morris total"
    statement: str
    basis: str
    chart: Chart | None  # None for the rating of change: it rates change itself, so it has no trend to draw
    rows: list[tuple[int | None, str, str, str]]  # id (None: given before a session), day, reading, note


def _cards(p: Progress, entries: list[LoggedMeasure], refused: str | None, notice_card: str = "") -> list[Card]:
    cards = []
    for t in p.trends:
        if t.kind is MeasureKind.REACH and refused and not t.points and notice_card != t.kind.value:
            continue  # the reach test is not for this person, and there is nothing from before to show
        mine = [e for e in entries if e.measure.kind is t.kind and e.measure.on <= p.today]
        rows = [(e.id, day_words(e.measure.on, p.today), reading_words(e.measure), e.measure.note)
                for e in reversed(mine)]  # fmt: skip
        cards.append(Card(t.kind, MEASURES[t.kind].title, plain_name(t.kind), t.statement,
                          trend_basis(p.readings, t.kind), measure_chart(t.kind, p.readings, p.today, t),
                          rows))  # fmt: skip
    rated = [e for e in entries if e.measure.kind is MeasureKind.GLOBAL_CHANGE and e.measure.on <= p.today]
    change = latest_change([e.measure for e in rated])
    if change is not None:
        rows = [(e.id, day_words(e.measure.on, p.today), reading_words(e.measure), e.measure.note)
                for e in reversed(rated)]  # fmt: skip
        statement = f"On {day_words(change.on, p.today)} you rated your back {change.words} than when you started."
        if change.value == 0:
            statement = f"On {day_words(change.on, p.today)} you rated your back about the same as when you started."
        cards.append(Card(MeasureKind.GLOBAL_CHANGE, title_of(MeasureKind.GLOBAL_CHANGE),
                          plain_name(MeasureKind.GLOBAL_CHANGE), statement,
                          "Each rating compares the day you give it with when you started.", None, rows))  # fmt: skip
    return cards


FORMS = ("pain", "function", "reach")


def _notice(store: Store, request: Request) -> tuple[str, int | None, str]:
    """The confirmation to show, from what the store holds (never text from the address), the id that Undo puts
    back when a reading was just deleted, and the measure whose card shows it (where the person just was; blank:
    at the top, by the log form)."""
    query = request.query_params
    logged = next((k for k in (*MEASURES, MeasureKind.GLOBAL_CHANGE) if k.value == query.get("logged")), None)
    if logged is not None:
        where = "scores" if logged in RECORDED else ""
        return f"Saved your {plain_name(logged)} reading. Thank you.", None, where
    for key in ("edited", "restored", "deleted"):
        text = query.get(key, "")
        if not text.isdigit() or not 0 < int(text) <= MAX_ID:
            continue
        found = store.deleted_measure(int(text)) if key == "deleted" else store.logged_measure(int(text))
        if found is None:
            continue
        what = f"{plain_name(found.kind)} reading of {day_words(found.on, date.today())}"
        if key == "deleted":
            return f"Deleted your {what}.", int(text), found.kind.value
        return (f"Changed your {what}." if key == "edited" else f"Put back your {what}."), None, found.kind.value
    return "", None, ""


def _page(request: Request, store: Store, errors: dict[str, str] | None = None,
          values: dict[str, Any] | None = None, status: int = 200) -> Response:  # fmt: skip
    p = progress_of(store)
    given = values or {}
    activities = given.get("activity") or _last_activities(p.readings)
    activities = [*activities, *[""] * FUNCTION_MAX_ACTIVITIES][:FUNCTION_MAX_ACTIVITIES]
    scores = [*(given.get("score") or []), *[""] * FUNCTION_MAX_ACTIVITIES][:FUNCTION_MAX_ACTIVITIES]
    reach_refused = reach_refusal(store)
    notice, undo, notice_card = _notice(store, request)
    asked = request.query_params.get("log") or request.query_params.get("logged")
    chosen = next(iter(errors or {}), None) or (asked if asked in FORMS else "pain")
    weeks = [(w.starts, w.days_stretched) for w in p.summary.weeks]
    return templates.TemplateResponse(request, "progress.html", {
        "p": p, "c": p.summary, "measures": MEASURES, "kinds": MeasureKind, "errors": errors or {},
        "values": given, "activities": activities, "scores": scores, "today": p.today.isoformat(),
        "notice": notice, "undo": undo, "notice_card": notice_card, "chosen": chosen, "forms": FORMS,
        "cards": _cards(p, store.logged_measures(), reach_refused, notice_card),
        "weeks_chart": weeks_chart(weeks, p.today),
        "breaks": [b for b in break_history(store, p.today) if b.offered or b.done],
        "rom": rom_lines(p.readings, catalogue_of(request)),
        "recent": recent_sessions(store, catalogue_of(request), RECENT_ON_PAGE), "reach_refused": reach_refused,
        **scores_context(store, p.today), "elsewhere": [(k, MEASURES[k]) for k in ELSEWHERE],
        "change_question": GLOBAL_CHANGE_QUESTION, "change_answers": GLOBAL_CHANGE_ANSWERS,
    }, status_code=status)  # fmt: skip


def scores_context(store: Store, today: date) -> dict[str, Any]:
    """What the scores prompt needs on any page (Today shows it too)."""
    checkpoint = due(store, today)
    return {"scores_due": checkpoint, "scores_due_words": prompt_words(checkpoint) if checkpoint else ""}


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
        refused = reach_refusal(store)
        if refused:
            raise MeasureError(f"{refused} {REACH_NOT_SAVED}")
        if unit not in ("cm", "in"):
            raise MeasureError(f"reach is measured in cm or in, not {unit!r}")
        return reach(_reach_value(value), _day(on), unit="in" if unit == "in" else "cm", note=note.strip())

    return _save(request, store, MeasureKind.REACH, build, values)


SCORE_FORMS = {"leg-pain": MeasureKind.LEG_PAIN, "global-change": MeasureKind.GLOBAL_CHANGE}


@pages.post("/progress/scores/{form}")
def log_score(request: Request, store: StoreDep, form: Annotated[str, Path(max_length=20)],
              value: Annotated[str, Form()] = "", instrument: Annotated[str, Form()] = "",
              on: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """Leg pain, the rating of change, or a questionnaire's total (`total`, with its `instrument`)."""
    if form == "total":
        kind = next((k for k in ELSEWHERE if k.value == instrument), None)
        key = "total"
    else:
        kind, key = SCORE_FORMS.get(form), form.replace("-", "_")
    values = {f"{key}_value": value, f"{key}_on": on, f"{key}_note": note, "instrument": instrument}
    if kind is None:
        error = "choose which questionnaire the total is from" if form == "total" else "there is no such score"
        return _page(request, store, {key: error}, values, status=422)
    try:
        record_score(store, kind, _score_value(kind, value), _day(on), date.today(), note)
    except MeasureError as error:
        return _page(request, store, {key: str(error)}, values, status=422)
    target = request.url_for("progress_page").include_query_params(logged=kind.value)
    return RedirectResponse(f"{target.path}?{target.query}#scores", status_code=303)


BACK = {"today": "/today", "progress": "/progress#scores"}


@pages.post("/progress/scores-dismiss")
def dismiss_scores_form(store: StoreDep, week: Annotated[int, Form(ge=0, le=52)],
                        back: Annotated[str, Form(max_length=20)] = "progress") -> Response:  # fmt: skip
    """Put away one checkpoint's prompt; back to the page it was on."""
    try:
        dismiss_scores(store, week, date.today())
    except MeasureError as error:
        return JSONResponse({"detail": str(error)}, status_code=422)
    return RedirectResponse(BACK.get(back, BACK["progress"]), status_code=303)


MeasureId = Annotated[int, Path(ge=1, le=MAX_ID, description="The reading's id, as logging it returned.")]


def _edit_page(request: Request, measure_id: int, measure: Measure, error: str = "",
               values: dict[str, Any] | None = None, status: int = 200) -> Response:  # fmt: skip
    """The form for one reading, filled with what is stored, or with what was typed when it could not be saved."""
    typed = values or {}
    names = typed.get("activity") or [a.activity for a in measure.activities]
    marks = typed.get("score") or [str(a.score) for a in measure.activities]
    return templates.TemplateResponse(request, "progress_edit.html", {
        "id": measure_id, "m": measure, "info": MEASURES.get(measure.kind), "name": plain_name(measure.kind),
        "kinds": MeasureKind, "error": error, "scored": measure.kind in RECORDED, "answers": GLOBAL_CHANGE_ANSWERS,
        "day_words": day_words(measure.on, date.today()), "today": date.today().isoformat(),
        "value": typed.get("value", f"{measure.value:g}"), "on": typed.get("on", measure.on.isoformat()),
        "note": typed.get("note", measure.note), "morning": typed.get("morning", measure.morning),
        "activities": [*names, *[""] * FUNCTION_MAX_ACTIVITIES][:FUNCTION_MAX_ACTIVITIES],
        "scores": [*marks, *[""] * FUNCTION_MAX_ACTIVITIES][:FUNCTION_MAX_ACTIVITIES],
    }, status_code=status)  # fmt: skip


def _not_found(request: Request) -> Response:
    return templates.TemplateResponse(request, "progress_edit.html", {"id": None, "m": None}, status_code=404)


def _back(request: Request, key: str, measure_id: int, kind: MeasureKind) -> RedirectResponse:
    target = request.url_for("progress_page").include_query_params(**{key: measure_id})
    return RedirectResponse(f"{target.path}?{target.query}#card-{kind.value}", status_code=303)


@pages.get("/progress/measures/{measure_id}", response_class=HTMLResponse)
def edit_measure_page(request: Request, store: StoreDep, measure_id: MeasureId) -> Response:
    measure = store.logged_measure(measure_id)
    return _not_found(request) if measure is None else _edit_page(request, measure_id, measure)


@pages.post("/progress/measures/{measure_id}")
def edit_measure_form(request: Request, store: StoreDep, measure_id: MeasureId, value: Annotated[str, Form()] = "",
                      unit: Annotated[str, Form()] = "cm", morning: Annotated[bool, Form()] = False,
                      activity: Annotated[list[str] | None, Form()] = None,
                      score: Annotated[list[str] | None, Form()] = None, on: Annotated[str, Form()] = "",
                      note: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """Save a changed reading, or show the form again with what was typed and what to fix (nothing changed)."""
    old = store.logged_measure(measure_id)
    if old is None:
        return _not_found(request)
    given = max(len(activity or []), len(score or []), FUNCTION_MAX_ACTIVITIES)
    names, marks = [*(activity or []), *[""] * given][:given], [*(score or []), *[""] * given][:given]
    typed = {"value": value, "on": on, "note": note, "morning": morning, "activity": names, "score": marks}
    try:
        if unit not in ("cm", "in"):
            raise MeasureError(f"reach is measured in cm or in, not {unit!r}")
        change = MeasureChange(on=_day(on), note=note, morning=morning if old.kind is MeasureKind.PAIN else None,
                               unit="in" if unit == "in" else "cm")  # fmt: skip
        if old.kind is MeasureKind.PAIN:
            change = replace(change, value=_whole_pain(value))
        elif old.kind is MeasureKind.REACH:
            change = replace(change, value=_reach_value(value))
        elif old.kind is MeasureKind.FUNCTION:
            change = replace(change, activities=tuple(_activities(names, marks)))
        elif old.kind in RECORDED:
            change = replace(change, value=_score_value(old.kind, value))
        edit_measure(store, measure_id, change, date.today())
    except MeasureNotFound:
        return _not_found(request)
    except MeasureError as error:
        return _edit_page(request, measure_id, old, str(error), typed, status=422)
    return _back(request, "edited", measure_id, old.kind)


@pages.post("/progress/measures/{measure_id}/delete")
def delete_measure_form(request: Request, store: StoreDep, measure_id: MeasureId) -> Response:
    try:
        deleted = delete_measure(store, measure_id)
    except MeasureNotFound:
        return _not_found(request)
    return _back(request, "deleted", measure_id, deleted.kind)


@pages.post("/progress/measures/{measure_id}/restore")
def restore_measure_form(request: Request, store: StoreDep, measure_id: MeasureId) -> Response:
    try:
        restored = restore_measure(store, measure_id)
    except MeasureNotFound:
        return _not_found(request)
    return _back(request, "restored", measure_id, restored.kind)


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
    problem = None if on is None else day_done_problem(on, date.today())
    if problem is not None:
        return JSONResponse({"detail": [f"date: {problem}"]}, status_code=422)
    p = progress_of(store, on, weeks)
    return JSONResponse(progress_json(p.summary, p.trends))


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    activity: str = Field(min_length=1, max_length=80)  # as the core's Activity takes it
    score: int = Field(ge=0, le=10)


class MeasureIn(BaseModel):
    """A reading to log: pain (`value` 0-10, whole), function (`activities`, up to 3), reach (`value` in `unit`),
    or an outcome score: `leg_pain` 0-10, `global_change` -3 (very much worse) to 3 (very much better), or the total
    of a questionnaire taken elsewhere, `rmdq` 0-24, `odi` 0-100, `ndi` 0-50, `peg` 0-10."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    # A range of motion is refused with the reason (the camera coach saves it), so the schema leaves it out.
    kind: Annotated[MeasureKind, WithJsonSchema({"type": "string", "enum": [k.value for k in MEASURES]})]
    value: float | None = Field(default=None, allow_inf_nan=False)
    activities: list[ActivityIn] | None = Field(default=None, max_length=10)
    unit: Literal["cm", "in"] = "cm"
    morning: bool = False
    on: date | None = Field(default=None, alias="date", description="The day it was taken (default today).")
    note: str = Field(default="", max_length=2000)


def _build(body: MeasureIn) -> Measure:
    on = check_taken_on(body.on, date.today()) if body.on is not None else date.today()
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
    if body.kind in RECORDED:
        return outcome_score(body.kind, body.value, on, note=body.note)
    return reach(body.value, on, unit=body.unit, note=body.note)


@api.post("/measures", status_code=201, responses={409: {"description": "The reach test is not for this person"}})
def post_measure(body: MeasureIn, store: StoreDep) -> Response:
    """Log one reading; 422 with a plain message (and nothing stored) when it cannot be stored; 409 for a reach
    reading from a person whose profile bars forward bends (Rule reach-safety)."""
    if body.kind is MeasureKind.REACH:
        refused = reach_refusal(store)
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
    """Logged readings oldest first, each with the `id` that changes or deletes it, including the pain given before
    each guided session (its `id` is null: it belongs to the session)."""
    return [{"id": e.id, **_measure_json(e.measure)} for e in store.logged_measures(kind, since)]


@api.get("/scores/due")
def get_scores_due(store: StoreDep) -> dict[str, Any]:
    """The outcome scores due today (at the start, 2, 6 and 12 weeks), or `{"due": null}`."""
    return due_json(due(store, date.today()))


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    week: int = Field(ge=0, le=52, description="The checkpoint's week: 0, 2, 6 or 12.")


@api.post("/scores/dismiss", responses={422: {"description": "Not a checkpoint's week"}})
def post_scores_dismiss(body: DismissIn, store: StoreDep) -> Response:
    """Put away one checkpoint's prompt for good; the next checkpoint asks again."""
    try:
        dismiss_scores(store, body.week, date.today())
    except MeasureError as error:
        return JSONResponse({"detail": str(error)}, status_code=422)
    return JSONResponse(due_json(due(store, date.today())))


class Problem(BaseModel):
    """Why a request did nothing, in plain words."""

    detail: str


class MeasureOut(BaseModel):
    """A stored reading. `value` is what trends use: pain 0-10, function the mean of its activities, reach in cm
    (a minus number is past the floor, standing on a step)."""

    id: int | None
    kind: MeasureKind
    date_: date = Field(alias="date")
    value: float
    activities: list[ActivityIn]
    morning: bool
    note: str


class MeasurePatch(BaseModel):
    """What to change in a reading; a field left out keeps what is stored. The kind of a reading never changes."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    value: float | None = Field(default=None, allow_inf_nan=False, description="Pain 0-10 (whole) or reach.")
    unit: Literal["cm", "in"] = Field(default="cm", description="The unit of a new reach value.")
    activities: list[ActivityIn] | None = Field(default=None, max_length=10, description="Function: 1 to 3.")
    morning: bool | None = None
    on: date | None = Field(default=None, alias="date")
    note: str | None = Field(default=None, max_length=2000)


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such reading of yours (or it was deleted)"}
}
CHANGE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": MeasureOut}, **NOT_FOUND,
    409: {"model": Problem, "description": "A reach reading of a person the reach test is not for"},
    422: {"model": Problem, "description": "A value that cannot be stored, with what to fix; nothing changed"},
}  # fmt: skip


def _answer(measure_id: int, measure: Measure, status: int = 200) -> JSONResponse:
    return JSONResponse({"id": measure_id, **_measure_json(measure)}, status_code=status)


def _missing(error: MeasureNotFound) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=404)


@api.patch("/measures/{measure_id}", responses=CHANGE_ANSWERS)
def patch_measure(measure_id: MeasureId, body: MeasurePatch, store: StoreDep) -> Response:
    """Change one of your readings in place (the same id); only the fields given change."""
    change = MeasureChange(value=body.value, unit=body.unit, morning=body.morning, on=body.on, note=body.note,
                           activities=None if body.activities is None else
                           tuple((a.activity, a.score) for a in body.activities))  # fmt: skip
    try:
        return _answer(measure_id, edit_measure(store, measure_id, change, date.today()))
    except MeasureNotFound as error:
        return _missing(error)
    except ReachRefused as error:
        return JSONResponse({"detail": str(error)}, status_code=409)
    except MeasureError as error:
        return JSONResponse({"detail": str(error)}, status_code=422)


@api.delete("/measures/{measure_id}", responses={200: {"model": MeasureOut}, **NOT_FOUND})
def delete_measure_api(measure_id: MeasureId, store: StoreDep) -> Response:
    """Delete one of your readings; the answer is the reading deleted. For a day it can be put back with
    `POST /api/measures/{id}/restore`."""
    try:
        return _answer(measure_id, delete_measure(store, measure_id))
    except MeasureNotFound as error:
        return _missing(error)


@api.post("/measures/{measure_id}/restore", responses={200: {"model": MeasureOut}, **NOT_FOUND})
def restore_measure_api(measure_id: MeasureId, store: StoreDep) -> Response:
    """Undo a delete of the last day: the reading comes back exactly as it was, with the same id."""
    try:
        return _answer(measure_id, restore_measure(store, measure_id))
    except MeasureNotFound as error:
        return _missing(error)
