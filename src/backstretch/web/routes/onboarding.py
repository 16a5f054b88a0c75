"""The onboarding area: what the app is and is not, then the profile and the safety questions."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import FormData

from backstretch.app.screening import clearance_refused, save_screening
from backstretch.core.errors import field_messages
from backstretch.core.profile import (
    MINUTES_MAX,
    MINUTES_MIN,
    TRIMESTER_LABELS,
    AgeBand,
    Experience,
    PainArea,
    Profile,
    Trimester,
    Weekday,
)
from backstretch.core.safety import (
    QUESTIONS,
    Question,
    Screening,
    ScreeningError,
    Verdict,
    assess,
    validate_answers,
)
from backstretch.core.vocab import CONDITION_LABELS, DERIVED_CONDITIONS, Condition, Equipment
from backstretch.store import Store
from backstretch.web.deps import StoreDep
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["onboarding"])

# The profile form: which fields take several values, which are yes/no, and the choices each one offers.
MANY = ("pain_areas", "equipment", "conditions", "stretch_days")
YES_NO = ("sits_most_of_day", "can_get_to_floor", "can_kneel", "likes_yoga")
CHOICES: dict[str, list[str]] = {
    "pain_areas": [a.value for a in PainArea],
    "equipment": [e.value for e in Equipment if e is not Equipment.NONE],
    "conditions": [c.value for c in Condition if c not in DERIVED_CONDITIONS],
    "stretch_days": [d.value for d in Weekday],
    "age_band": [a.value for a in AgeBand],
    "experience": [e.value for e in Experience],
    "pregnancy_trimester": [t.value for t in Trimester],
}
# Plain words for the choices whose values are vocabulary terms.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "conditions": {c.value: label for c, label in CONDITION_LABELS.items()},
    "pregnancy_trimester": {t.value: label for t, label in TRIMESTER_LABELS.items()},
}
LABELS = {
    "pain_areas": "Where does it hurt?",
    "equipment": "What do you have at hand?",
    "conditions": "Do any of these apply to you?",
    "stretch_days": "Which days do you mean to stretch?",
    "sits_most_of_day": "Do you sit for most of the day?",
    "can_get_to_floor": "Can you get down to the floor and back up comfortably?",
    "can_kneel": "Can you kneel comfortably?",
    "likes_yoga": "Do you enjoy yoga?",
    "pregnancy_trimester": "If you are pregnant: how far along are you?",
}


def form_values(profile: Profile) -> dict[str, Any]:
    """A profile as the form shows it: lists for the checkbox groups, "yes"/"no" for the yes/no questions."""
    data = profile.model_dump(mode="json")
    values = {k: ("yes" if v else "no") if k in YES_NO else list(v) if k in MANY else str(v) for k, v in data.items()}
    values["pregnancy_trimester"] = data["pregnancy_trimester"] or ""
    return values


def _read_form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: [str(v) for v in form.getlist(name)] for name in MANY}
    for name in ("minutes", "age_band", "experience", "pregnancy_trimester", *YES_NO):
        raw = form.get(name)
        values[name] = str(raw).strip() if raw is not None else ""
    return values


def _trimester_error(values: dict[str, Any]) -> str | None:
    """The form asks the stage whenever pregnancy is ticked: a blank answer there is an error, not a guess."""
    if Condition.PREGNANCY.value in values["conditions"] and not values["pregnancy_trimester"]:
        return "please choose how far along you are, or \"I am not sure\""
    return None


def _profile_data(values: dict[str, Any]) -> dict[str, Any]:
    """What the form sent, as Profile fields: the stage is only kept with pregnancy ticked."""
    data = dict(values)
    if Condition.PREGNANCY.value not in values["conditions"] or not values["pregnancy_trimester"]:
        data["pregnancy_trimester"] = None
    return data


def _profile_page(request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Response:
    return templates.TemplateResponse(request, "profile.html", {
        "values": values, "errors": errors, "choices": CHOICES, "labels": LABELS, "yes_no": YES_NO,
        "choice_labels": CHOICE_LABELS,
        "minutes_min": MINUTES_MIN, "minutes_max": MINUTES_MAX,
    }, status_code=status)  # fmt: skip


def conditions_of(store: Store) -> tuple[Condition, ...]:
    """The profile's conditions (none without a profile): recent spine surgery counts like a safety flag."""
    profile = store.load_profile()
    return profile.conditions if profile is not None else ()


def save_answers(store: Store, answers: dict[str, bool], today: date) -> Screening:
    """Store today's answers, with a clinician's clearance carried over when no new flag needs one."""
    return save_screening(store, Screening(taken_on=today, answers=answers), conditions_of(store))


def confirm(store: Store, today: date) -> None:
    """A clinician (and, after spine surgery, the surgical team) has cleared the person since their flags."""
    store.confirm_clearance(today, spine_surgery=Condition.RECENT_SPINE_SURGERY in conditions_of(store))


def topics(questions: tuple[Question, ...]) -> list[tuple[str, int, list[Question]]]:
    """The questions in their topics, in order, each with the number its first question has on the page."""
    found: list[tuple[str, int, list[Question]]] = []
    for n, question in enumerate(questions, start=1):
        if not found or found[-1][0] != question.topic:
            found.append((question.topic, n, []))
        found[-1][2].append(question)
    return found


def verdict_json(screening: Screening | None, verdict: Verdict) -> dict[str, Any]:
    return {
        "screening": None if screening is None else {
            "taken_on": screening.taken_on.isoformat(), "answers": dict(screening.answers),
            "cleared_on": screening.cleared_on.isoformat() if screening.cleared_on else None,
        },
        "may_plan": verdict.may_plan,
        "emergency": [q.id for q in verdict.emergency],
        "see_clinician": [q.id for q in verdict.see_clinician],
        "reasons": list(verdict.reasons),
        "out_of_date": verdict.out_of_date,
    }  # fmt: skip


@pages.get("/", response_class=HTMLResponse)
def welcome(request: Request, store: StoreDep) -> Response:
    return templates.TemplateResponse(request, "welcome.html", {"has_profile": store.load_profile() is not None})


@pages.get("/start")
def start() -> Response:
    return RedirectResponse("/onboarding/profile", status_code=303)


@pages.get("/onboarding/profile", response_class=HTMLResponse)
def profile_page(request: Request, store: StoreDep) -> Response:
    return _profile_page(request, form_values(store.load_profile() or Profile()), {})


@pages.post("/onboarding/profile", response_class=HTMLResponse)
async def profile_submit(request: Request, store: StoreDep) -> Response:
    values = _read_form(await request.form())
    errors: dict[str, str] = {}
    try:
        profile = Profile.model_validate(_profile_data(values))  # a blank answer is an error, never a default
    except ValidationError as error:
        for field, message in field_messages(error):
            errors.setdefault(field.split(".")[0], message)
    trimester = _trimester_error(values)
    if trimester:
        errors.setdefault("pregnancy_trimester", trimester)
    if errors:
        return _profile_page(request, values, errors, status=422)
    store.save_profile(profile)
    verdict = assess(store.latest_screening(), date.today(), conditions=profile.conditions)
    # Fresh answers with a flag (or spine surgery newly in the profile) go to what to do about it.
    flagged = (verdict.emergency or verdict.see_clinician) and not verdict.out_of_date
    where = "/today" if verdict.may_plan else "/onboarding/verdict" if flagged else "/onboarding/safety"
    return RedirectResponse(where, status_code=303)


def _safety_page(request: Request, answers: dict[str, str], missing: list[str], status: int = 200) -> Response:
    return templates.TemplateResponse(request, "screening.html", {
        "topics": topics(QUESTIONS), "answers": answers, "missing": missing,
    }, status_code=status)  # fmt: skip


@pages.get("/onboarding/safety", response_class=HTMLResponse)
def safety_page(request: Request) -> Response:
    return _safety_page(request, {}, [])


@pages.post("/onboarding/safety", response_class=HTMLResponse)
async def safety_submit(request: Request, store: StoreDep) -> Response:
    form = await request.form()
    answers = {q.id: str(form.get(q.id, "")) for q in QUESTIONS}
    missing = [q.id for q in QUESTIONS if answers[q.id] not in ("yes", "no")]
    if missing:
        return _safety_page(request, answers, missing, status=422)
    today = date.today()
    latest = save_answers(store, {k: v == "yes" for k, v in answers.items()}, today)
    if assess(latest, today, conditions=conditions_of(store)).may_plan:
        return RedirectResponse("/today", status_code=303)
    return RedirectResponse("/onboarding/verdict", status_code=303)


@pages.get("/onboarding/verdict", response_class=HTMLResponse)
def verdict_page(request: Request, store: StoreDep) -> Response:
    verdict = assess(store.latest_screening(), date.today(), conditions=conditions_of(store))
    return templates.TemplateResponse(request, "verdict.html", {"verdict": verdict})


@pages.post("/onboarding/clearance", response_class=HTMLResponse)
async def clearance_submit(request: Request, store: StoreDep) -> Response:
    form = await request.form()
    today = date.today()
    latest = store.latest_screening()
    refused = clearance_refused(latest)
    if refused in ("nothing-to-clear", "out-of-date"):
        return RedirectResponse("/onboarding/safety", status_code=303)
    if refused == "emergency":
        raise HTTPException(409, "Your last answers need urgent care, not a clearance. Once you have been seen, "
                                 "please answer the safety questions again.")  # fmt: skip
    if form.get("confirm") != "yes":
        verdict = assess(latest, today, conditions=conditions_of(store))
        return templates.TemplateResponse(request, "verdict.html", {
            "verdict": verdict, "confirm_error": "Please tick the box to confirm a clinician has cleared you.",
        }, status_code=422)  # fmt: skip
    confirm(store, today)
    return RedirectResponse("/today", status_code=303)


# The JSON API.


class ScreeningAnswers(BaseModel):
    """Yes (true) or no (false) for every safety question, by its id."""

    answers: dict[str, bool] = Field(examples=[{q.id: False for q in QUESTIONS}])


class ScreeningOut(BaseModel):
    taken_on: date
    answers: dict[str, bool] = Field(description="Each question's answer by id; `recent-spine-surgery` records "
                                     "whether the profile named it when the answers were saved or cleared.")
    cleared_on: date | None


class VerdictOut(BaseModel):
    """The latest screening, and whether it allows a plan today (and if not, why)."""

    screening: ScreeningOut | None
    may_plan: bool
    emergency: list[str]
    see_clinician: list[str]
    reasons: list[str]
    out_of_date: bool = Field(description="Answered before the questions changed: answer them again for a plan.")


@api.get("/profile", responses={404: {"description": "No profile yet"}})
def get_profile(store: StoreDep) -> Profile:
    """The stored profile."""
    profile = store.load_profile()
    if profile is None:
        raise HTTPException(404, "No profile yet: PUT /api/profile or fill in /onboarding/profile.")
    return profile


@api.put("/profile")
def put_profile(profile: Profile, store: StoreDep) -> Profile:
    """Save the profile (every field; a bad value is a 422 naming the field)."""
    store.save_profile(profile)
    return profile


@api.get("/screening")
def get_screening(store: StoreDep) -> VerdictOut:
    """The latest screening and what it means for today."""
    latest = store.latest_screening()
    verdict = assess(latest, date.today(), conditions=conditions_of(store))
    return VerdictOut.model_validate(verdict_json(latest, verdict))


@api.post("/screening")
def post_screening(body: ScreeningAnswers, store: StoreDep) -> VerdictOut:
    """Answer every safety question; stored as today's screening. Returns the verdict."""
    try:
        validate_answers(body.answers)
    except ScreeningError as error:
        raise HTTPException(422, [str(error)]) from None
    today = date.today()
    latest = save_answers(store, dict(body.answers), today)
    return VerdictOut.model_validate(verdict_json(latest, assess(latest, today, conditions=conditions_of(store))))


@api.post("/screening/clearance", responses={409: {"description": "Nothing to clear, or urgent care needed"}})
def post_clearance(store: StoreDep) -> VerdictOut:
    """Confirm a clinician has cleared you for stretching since your latest screening's flags."""
    today = date.today()
    refused = clearance_refused(store.latest_screening())
    if refused == "nothing-to-clear":
        raise HTTPException(409, "There is no safety check to confirm yet: POST /api/screening first.")
    if refused == "out-of-date":
        raise HTTPException(409, "The safety questions have changed since your last answers: answer them again "
                                 "(POST /api/screening) before confirming a clearance.")  # fmt: skip
    if refused == "emergency":
        raise HTTPException(409, "Your last answers need urgent care, not a clearance.")
    confirm(store, today)
    latest = store.latest_screening()
    return VerdictOut.model_validate(verdict_json(latest, assess(latest, today, conditions=conditions_of(store))))
