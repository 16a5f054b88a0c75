"""The onboarding area: what the app is and is not, then the profile and the safety questions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError, WithJsonSchema
from starlette.datastructures import FormData

from backstretch.app.screening import clearance_refused, save_screening
from backstretch.core.errors import what_is_wanted
from backstretch.core.profile import (
    AGE_BAND_WORDS,
    MINUTES_DEFAULT,
    MINUTES_MAX,
    MINUTES_MIN,
    PAIN_AREA_WORDS,
    TRIMESTER_LABELS,
    AgeBand,
    Experience,
    PainArea,
    Profile,
    Trimester,
    Weekday,
)
from backstretch.core.safety import (
    EMERGENCY_ADVICE,
    QUESTION_BY_ID,
    QUESTIONS,
    URGENT_NOW,
    WHY_ASKED,
    Question,
    Screening,
    ScreeningError,
    Verdict,
    assess,
    urgent_so_far,
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
# Plain words for every choice: the values are vocabulary terms and never reach the page.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "conditions": {c.value: label for c, label in CONDITION_LABELS.items()},
    "pregnancy_trimester": {t.value: label for t, label in TRIMESTER_LABELS.items()},
    "pain_areas": {a.value: words for a, words in PAIN_AREA_WORDS.items()},
    "equipment": {"chair": "A steady chair", "wall": "A bit of clear wall", "strap": "A strap, belt or towel",
                  "mat": "A mat", "cushion": "A cushion", "back-stretcher": "A back stretcher"},
    "stretch_days": {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
                     "sat": "Saturday", "sun": "Sunday"},
    "age_band": {a.value: words for a, words in AGE_BAND_WORDS.items()},
    "experience": {"new": "No, I am new to it", "some": "Yes, some"},
}  # fmt: skip
LABELS = {
    "minutes": "Minutes a day",
    "pain_areas": "Where does it hurt?",
    "equipment": "What do you have at hand?",
    "conditions": "Do any of these apply to you?",
    "stretch_days": "Which days do you mean to stretch?",
    "sits_most_of_day": "Do you sit for most of the day?",
    "can_get_to_floor": "Can you get down to the floor and back up comfortably?",
    "can_kneel": "Can you kneel comfortably?",
    "likes_yoga": "Do you enjoy yoga?",
    "pregnancy_trimester": "If you are pregnant: how far along are you?",
    "age_band": "How old are you?",
    "experience": "Have you stretched regularly before?",
}
# What a blank answer is told: every question is the person's own answer, never a default.
BLANK = {**{f: "please answer yes or no" for f in YES_NO}, "age_band": "please choose your age",
         "experience": "please choose one", "minutes": f"please write how many minutes, from {MINUTES_MIN} to "
         f"{MINUTES_MAX}"}  # fmt: skip
BACK_CONDITIONS = (Condition.FLEXION_INTOLERANT.value, Condition.EXTENSION_INTOLERANT.value)


@dataclass(frozen=True)
class Step:
    """One short screen of the profile: its fields, and for a several-values field shown in parts, which choices
    this screen shows (the others travel with the form, so going back and forth loses nothing)."""

    title: str
    intro: str
    fields: tuple[str, ...]
    only: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    legends: Mapping[str, str] = field(default_factory=dict)
    hints: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)  # plainer words for some choices on this screen
    ids: Mapping[str, str] = field(default_factory=dict)  # a field shown in parts has one id per part


STEPS: tuple[Step, ...] = (
    Step("Your time", "A few minutes on most days helps more than a long session now and then.",
         ("minutes", "stretch_days"), hints={"minutes": "Most people start with 5 to 10; you can change it any day."}),
    Step("Your back", "So the routine works on the places that need it.", ("pain_areas", "conditions"),
         only={"conditions": BACK_CONDITIONS}, legends={"conditions": "Does your back pain get worse with either?"},
         words={BACK_CONDITIONS[0]: "Bending forward, or sitting", BACK_CONDITIONS[1]: "Bending backward, or standing"},
         ids={"conditions": "back-conditions"},
         hints={"pain_areas": "Tick all that apply.",
                "conditions": "Tick one, both or neither. Stretches that move your back that way are left out."}),
    Step("Your health", "Stretches that are not safe with these are left out.", ("conditions", "pregnancy_trimester"),
         only={"conditions": tuple(c for c in CHOICES["conditions"] if c not in BACK_CONDITIONS)},
         hints={"conditions": "Tick any that apply, or none."}),
    Step("How you move", "So every stretch starts in a position you can get into and out of.",
         ("can_get_to_floor", "can_kneel", "age_band", "experience")),
    Step("Your day", "Last few questions before the safety check.", ("sits_most_of_day", "equipment", "likes_yoga"),
         hints={"equipment": "A mat is never needed: a carpet or a folded blanket does the same."}),
)  # fmt: skip
SAFETY_STEP = len(STEPS) + 1  # the safety questions come last, after the profile is saved


def form_values(profile: Profile) -> dict[str, Any]:
    """A profile as the form shows it: lists for the checkbox groups, "yes"/"no" for the yes/no questions."""
    data = profile.model_dump(mode="json")
    values = {k: ("yes" if v else "no") if k in YES_NO else list(v) if k in MANY else str(v) for k, v in data.items()}
    values["pregnancy_trimester"] = data["pregnancy_trimester"] or ""
    return values


def blank_values() -> dict[str, Any]:
    """A new person's form: a suggested number of minutes, and every question still to answer."""
    return {"minutes": str(MINUTES_DEFAULT), **{name: [] for name in MANY},
            **{name: "" for name in ("age_band", "experience", "pregnancy_trimester", *YES_NO)}}  # fmt: skip


def _read_form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: [str(v) for v in form.getlist(name)] for name in MANY}
    for name in ("minutes", "age_band", "experience", "pregnancy_trimester", *YES_NO):
        raw = form.get(name)
        values[name] = str(raw).strip() if raw is not None else ""
    return values


def _trimester_error(values: dict[str, Any]) -> str | None:
    """The form asks the stage whenever pregnancy is ticked: a blank answer there is an error, not a guess."""
    if Condition.PREGNANCY.value in values["conditions"] and not values["pregnancy_trimester"]:
        return 'please choose how far along you are, or "I am not sure"'
    return None


def _profile_data(values: dict[str, Any]) -> dict[str, Any]:
    """What the form sent, as Profile fields: the stage is only kept with pregnancy ticked."""
    data = dict(values)
    if Condition.PREGNANCY.value not in values["conditions"] or not values["pregnancy_trimester"]:
        data["pregnancy_trimester"] = None
    return data


def _checked(values: dict[str, Any]) -> tuple[Profile | None, dict[str, str]]:
    """The profile the answers make, or what is wrong with them by field (a blank answer is named, never guessed)."""
    errors = {name: message for name, message in BLANK.items() if not values[name]}
    profile = None
    try:
        profile = Profile.model_validate(_profile_data(values))
    except ValidationError as error:
        for item in error.errors(include_url=False):
            errors.setdefault(str(item["loc"][0]) if item["loc"] else "(file)", what_is_wanted(item))
    trimester = _trimester_error(values)
    if trimester:
        errors.setdefault("pregnancy_trimester", trimester)
    return (None if errors else profile), errors


def _hidden(values: dict[str, Any], step: Step) -> list[tuple[str, str]]:
    """The answers this screen does not show, as hidden fields, so they go on with the form."""
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        shown = step.only.get(name) if name in step.fields else ()
        if name in MANY:
            pairs += [(name, v) for v in value if shown is not None and v not in shown]
        elif name not in step.fields:
            pairs.append((name, value))
    return pairs


def _profile_page(request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200,
                  step: int | None = None) -> Response:  # fmt: skip
    """One step of the profile (``step`` from 1), or every question on one page to edit a saved profile."""
    shown = STEPS[step - 1] if step else None
    ordered = sorted(errors.items(), key=lambda e: list(LABELS).index(e[0]) if e[0] in LABELS else len(LABELS))
    return templates.TemplateResponse(request, "profile.html", {
        "values": values, "errors": dict(ordered), "choices": CHOICES, "labels": LABELS, "yes_no": YES_NO,
        "choice_labels": CHOICE_LABELS, "minutes_min": MINUTES_MIN, "minutes_max": MINUTES_MAX,
        "steps": STEPS, "step": step, "shown": shown, "total": SAFETY_STEP,
        "hidden": _hidden(values, shown) if shown else [],
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
    return templates.TemplateResponse(request, "welcome.html", {
        "has_profile": store.load_profile() is not None, "question_count": len(QUESTIONS),
    })  # fmt: skip


@pages.get("/start")
def start() -> Response:
    return RedirectResponse("/onboarding/profile", status_code=303)


def _number(raw: object, last: int) -> int | None:
    """A step or question number from the form (1 to ``last``), or None when there is none or it is not one."""
    text = str(raw) if raw is not None else ""
    return int(text) if text.isdigit() and 1 <= int(text) <= last else None


@pages.get("/onboarding/profile", response_class=HTMLResponse)
def profile_page(request: Request, store: StoreDep) -> Response:
    """A new person's first step; with a profile saved, every answer on one page to edit (or ?step= for one step,
    which is where Back from the safety questions goes)."""
    saved = store.load_profile()
    step = _number(request.query_params.get("step"), len(STEPS))
    values = form_values(saved) if saved is not None else blank_values()
    if step is None and saved is not None:
        return _profile_page(request, values, {})
    return _profile_page(request, values, {}, step=step or 1)


@pages.post("/onboarding/profile", response_class=HTMLResponse)
async def profile_submit(request: Request, store: StoreDep) -> Response:
    """A step's Back or Next (nothing saved until the last step), or the whole form at once (the edit page)."""
    form = await request.form()
    values = _read_form(form)
    step = _number(form.get("step"), len(STEPS))
    if step is not None and form.get("go") == "back":
        if step == 1:
            return RedirectResponse("/", status_code=303)
        return _profile_page(request, values, {}, step=step - 1)
    profile, errors = _checked(values)
    if step is not None:
        here = {k: v for k, v in errors.items() if k in STEPS[step - 1].fields}
        if here:
            return _profile_page(request, values, here, status=422, step=step)
        if step < len(STEPS):
            return _profile_page(request, values, {}, step=step + 1)
        # The last step: an answer from an earlier step can only be wrong if the form was altered; show that step.
        first = next((n for n, s in enumerate(STEPS, start=1) if set(errors) & set(s.fields)), None)
        if first is not None:
            return _profile_page(request, values, {k: v for k, v in errors.items() if k in STEPS[first - 1].fields},
                                 status=422, step=first)  # fmt: skip
    if profile is None:
        return _profile_page(request, values, errors, status=422)
    store.save_profile(profile)
    verdict = assess(store.latest_screening(), date.today(), conditions=profile.conditions)
    # Fresh answers with a flag (or spine surgery newly in the profile) go to what to do about it.
    flagged = (verdict.emergency or verdict.see_clinician) and not verdict.out_of_date
    where = "/today" if verdict.may_plan else "/onboarding/verdict" if flagged else "/onboarding/safety"
    return RedirectResponse(where, status_code=303)


def _safety_page(request: Request, store: Store, answers: dict[str, str], at: int, missing: bool = False,
                 told: tuple[str, ...] = ()) -> Response:  # fmt: skip
    """Question ``at`` (from 1) on its own screen, the other answers so far going on with the form (and the
    urgent answers whose advice was shown already, so it is not shown twice)."""
    question = QUESTIONS[at - 1]
    return templates.TemplateResponse(request, "screening.html", {
        "q": question, "at": at, "count": len(QUESTIONS), "answer": answers.get(question.id, ""),
        "why": WHY_ASKED[question.id], "missing": missing,
        "hidden": [(k, v) for k, v in answers.items() if k != question.id and v in ("yes", "no")]
        + [("told", t) for t in told],
        # A first screening is the last step of onboarding; a later one is the safety check on its own.
        "onboarding": store.latest_screening() is None, "step": SAFETY_STEP, "steps": STEPS, "total": SAFETY_STEP,
        "topic_start": at == 1 or QUESTIONS[at - 2].topic != question.topic,
    }, status_code=422 if missing else 200)  # fmt: skip


def _urgent_page(request: Request, answers: dict[str, str], at: int, urgent: tuple[Question, ...]) -> Response:
    """The urgent advice, on the screen after an answer that needs it, before the other questions; carrying on
    goes to the next question with every answer so far (and this advice noted as shown)."""
    return templates.TemplateResponse(request, "urgent.html", {
        "urgent": urgent, "advice": EMERGENCY_ADVICE, "why": URGENT_NOW, "at": at, "count": len(QUESTIONS),
        "hidden": [(k, v) for k, v in answers.items() if v in ("yes", "no")] + [("told", q.id) for q in urgent],
    })  # fmt: skip


@pages.get("/onboarding/safety", response_class=HTMLResponse)
def safety_page(request: Request, store: StoreDep) -> Response:
    return _safety_page(request, store, {}, 1)


@pages.post("/onboarding/safety", response_class=HTMLResponse)
async def safety_submit(request: Request, store: StoreDep) -> Response:
    """One question's Back or Next (nothing saved until the last one is answered), or every answer at once."""
    form = await request.form()
    answers = {q.id: str(form.get(q.id, "")) for q in QUESTIONS}
    told = tuple(dict.fromkeys(str(t) for t in form.getlist("told") if str(t) in QUESTION_BY_ID))
    at = _number(form.get("at"), len(QUESTIONS))
    if at is not None and form.get("go") == "back":
        if at == 1:
            return RedirectResponse(f"/onboarding/profile?step={len(STEPS)}", status_code=303)
        return _safety_page(request, store, answers, at - 1, told=told)
    if at is not None and answers[QUESTIONS[at - 1].id] not in ("yes", "no"):
        return _safety_page(request, store, answers, at, missing=True, told=told)
    urgent = urgent_so_far({k: v == "yes" for k, v in answers.items()})
    if at is not None and form.get("go") == "change":  # from the urgent advice, back to the answer just given
        return _safety_page(request, store, answers, at, told=told)
    if at is not None and any(q.id not in told for q in urgent):
        return _urgent_page(request, answers, at, urgent)
    if at is not None and at < len(QUESTIONS):
        return _safety_page(request, store, answers, at + 1, told=told)
    missing = [n for n, q in enumerate(QUESTIONS, start=1) if answers[q.id] not in ("yes", "no")]
    if missing:
        return _safety_page(request, store, answers, missing[0], missing=True, told=told)
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

    # The schema names every question (the check itself says which is missing or unknown, in words).
    answers: Annotated[dict[str, bool], WithJsonSchema({
        "type": "object", "properties": {q.id: {"type": "boolean"} for q in QUESTIONS},
        "required": [q.id for q in QUESTIONS], "additionalProperties": False,
    })] = Field(examples=[{q.id: False for q in QUESTIONS}])  # fmt: skip


class ScreeningOut(BaseModel):
    taken_on: date
    answers: dict[str, bool] = Field(
        description="Each question's answer by id; `recent-spine-surgery` records "
        "whether the profile named it when the answers were saved or cleared."
    )
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
