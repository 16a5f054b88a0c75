"""Red-flag screening: questions that send a person to a clinician instead of a stretching plan.

clinical-facts: red-flag (section 3). Any emergency answer: urgent advice and no plan. Any other flag: no plan
until the person confirms a clinician has cleared them for stretching. Sources R1 (NHS Gloucestershire low back
pain pathway), R2 (NICE/NCBI red-flag table NBK52120), R3 (cauda equina guidance). Single flags often turn out to
be harmless (R1), so the wording is "get checked", never a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    SEE_CLINICIAN = "see-clinician"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    urgency: Urgency
    advice: str
    source: str


EMERGENCY_ADVICE = (
    "This needs a doctor today. Go to an emergency department or call your emergency number now; "
    "do not wait to see if it settles, and do not stretch."
)
CLINICIAN_ADVICE = (
    "Please get this checked by a doctor or physiotherapist before you start stretching. It is often nothing "
    "serious, but it is worth ruling out. Once they say stretching is fine for you, come back and confirm it here."
)

QUESTIONS: tuple[Question, ...] = (
    Question("bladder-bowel", "Since your back pain started, have you had new trouble passing urine, or lost "
             "control of your bladder or bowels?", Urgency.EMERGENCY, EMERGENCY_ADVICE, "R1, R2, R3"),
    Question("saddle-numbness", "Do you have numbness or an odd feeling between your legs, around your back "
             "passage or genitals?", Urgency.EMERGENCY, EMERGENCY_ADVICE, "R1, R2, R3"),
    Question("leg-weakness", "Do you have pain, numbness or weakness in both legs, leg weakness that is severe or "
             "getting worse, or a change in the way you walk?", Urgency.EMERGENCY, EMERGENCY_ADVICE, "R1, R2, R3"),
    Question("cancer", "Have you ever had cancer?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2"),
    Question("weight-loss", "Have you lost weight recently without trying?", Urgency.SEE_CLINICIAN,
             CLINICIAN_ADVICE, "R1, R2"),
    Question("new-pain-age", "Is this back pain new, and are you younger than 20 or older than 50?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2"),
    Question("no-improvement", "Has the pain not improved at all after a month?", Urgency.SEE_CLINICIAN,
             CLINICIAN_ADVICE, "R1"),
    Question("night-pain", "Is the pain there at night, and does it not ease when you change position, or is it "
             "worse lying down?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2"),
    Question("infection", "Do you have a fever or chills, a weakened immune system, a recent bacterial infection, "
             "or have you injected drugs?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2"),
    Question("trauma", "Did the pain start after a fall or accident, or after a minor knock if you have "
             "osteoporosis, are older, or take steroids long-term?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE,
             "R1, R2"),
    Question("deformity-worsening", "Can you see a change in the shape of your back, or are symptoms in your legs "
             "or elsewhere steadily getting worse?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2"),
)  # fmt: skip

QUESTION_BY_ID = {q.id: q for q in QUESTIONS}

# clinical-facts: red-flag. Screen at onboarding, at every flare-up, and at least every 4 weeks.
RESCREEN_AFTER = timedelta(weeks=4)


@dataclass(frozen=True)
class Screening:
    """One completed screening. ``cleared_on`` records a clinician's clearance the person confirmed."""

    taken_on: date
    answers: dict[str, bool]
    cleared_on: date | None = None


@dataclass(frozen=True)
class Verdict:
    may_plan: bool
    emergency: tuple[Question, ...]
    see_clinician: tuple[Question, ...]
    reasons: tuple[str, ...]


class ScreeningError(ValueError):
    """Answers that do not cover every question, or name questions that do not exist."""


def validate_answers(answers: dict[str, bool]) -> None:
    unknown = sorted(set(answers) - set(QUESTION_BY_ID))
    if unknown:
        raise ScreeningError(f"unknown screening question(s): {', '.join(unknown)}; known: {', '.join(QUESTION_BY_ID)}")
    missing = [q.id for q in QUESTIONS if q.id not in answers]
    if missing:
        raise ScreeningError(f"every screening question needs an answer; missing: {', '.join(missing)}")


def assess(screening: Screening | None, today: date, flare_or_new_symptoms: bool = False) -> Verdict:
    """May this person be given a plan today? Anything unclear is a no, with the reason."""
    if screening is None:
        return Verdict(False, (), (), ("Please answer the safety questions before your first plan.",))
    validate_answers(screening.answers)
    if screening.taken_on > today:
        return Verdict(False, (), (), ("The last safety check is dated in the future; please answer it again.",))
    if today - screening.taken_on > RESCREEN_AFTER:
        return Verdict(
            False, (), (), ("It has been more than 4 weeks since your safety check; please answer it again.",)
        )
    if flare_or_new_symptoms and screening.taken_on != today:
        return Verdict(False, (), (), ("Your pain is much worse or you have new symptoms: please answer the safety "
                                       "questions again first.",))  # fmt: skip
    flagged = [QUESTION_BY_ID[qid] for qid, yes in screening.answers.items() if yes]
    emergency = tuple(q for q in flagged if q.urgency is Urgency.EMERGENCY)
    clinician = tuple(q for q in flagged if q.urgency is Urgency.SEE_CLINICIAN)
    if emergency:
        # The emergency comes first; the other flags are still named so the person sees every answer that counts.
        reasons = tuple(f"You answered yes to: {q.text} {q.advice}" for q in emergency + clinician)
        return Verdict(False, emergency, clinician, reasons)
    if clinician and (screening.cleared_on is None or screening.cleared_on < screening.taken_on):
        reasons = tuple(f"You answered yes to: {q.text} {q.advice}" for q in clinician)
        return Verdict(False, emergency, clinician, reasons)
    return Verdict(True, emergency, clinician, ())
