"""Red-flag screening: questions that send a person to a clinician instead of a stretching plan.

clinical-facts: red-flag (section 3). Any emergency answer: urgent advice and no plan. Any other flag: no plan
until the person confirms a clinician has cleared them for stretching. Sources R1 (NHS Gloucestershire low back
pain pathway), R2 (NICE/NCBI red-flag table NBK52120), R3 (cauda equina guidance). Single flags often turn out to
be harmless (R1), so the wording is "get checked", never a diagnosis. Further cauda equina features (GIRFT 2023)
and inflammatory back pain (NICE NG65) are asked too; recent spine surgery (from the profile) is a flag cleared by
the surgical team (clinical-facts: spine-surgery), and a clearance carries to a later screening with no new flag
(clinical-facts: clearance-carry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    SEE_CLINICIAN = "see-clinician"


@dataclass(frozen=True)
class Question:
    """One yes/no question; "yes" is always the answer that needs a look. ``hint`` explains it in more detail."""

    id: str
    text: str
    urgency: Urgency
    advice: str
    source: str
    topic: str = ""
    hint: str = ""


EMERGENCY_ADVICE = (
    "This needs a doctor today. Go to an emergency department or call your emergency number now; "
    "do not wait to see if it settles, and do not stretch."
)
CLINICIAN_ADVICE = (
    "Please get this checked by a doctor or physiotherapist before you start stretching. It is often nothing "
    "serious, but it is worth ruling out. Once they say stretching is fine for you, come back and confirm it here."
)
# clinical-facts: section 3, inflammatory back pain (NICE NG65): a rheumatologist, through the GP; not urgent.
INFLAMMATORY_ADVICE = (
    "Please mention this pattern to your GP, who may refer you to a rheumatologist (a doctor for inflamed joints "
    "and spine). It is not urgent, but this kind of back pain has its own treatments. Once a clinician says "
    "stretching is fine for you, come back and confirm it here."
)
# clinical-facts: spine-surgery (section 4). Not a question: it comes from the profile's conditions.
SURGERY_ADVICE = (
    "After spine surgery only your surgical team can say when stretching is safe for you and which movements to "
    "leave out. Please ask them first; once they have cleared you for stretching, come back and confirm it here."
)

TOILET = "Bladder, bowels and the area between your legs"
LEGS = "Your legs and walking"
HEALTH = "Your health"
PAIN = "How your back pain began and how it behaves"
CAUDA = "R1, R2, R3, GIRFT 2023"

# clinical-facts: red-flag (section 3), with the further cauda equina features and inflammatory back pain. Every
# question asks one thing, and "yes" is the answer that needs a look. An id keeps its meaning for good: a question
# whose wording changed keeps its id only when it asks the same thing (or a part of what it used to ask).
QUESTIONS: tuple[Question, ...] = (
    Question("urine-difficulty", "Since your back pain began, have you had new trouble starting to pass urine or "
             "emptying your bladder?", Urgency.EMERGENCY, EMERGENCY_ADVICE, "R1, R2, R3", TOILET),
    Question("bladder-bowel", "Since your back pain began, have you leaked urine or stool without being able to "
             "hold it?", Urgency.EMERGENCY, EMERGENCY_ADVICE, "R1, R2, R3", TOILET),
    Question("toilet-feeling", "When you pass urine or open your bowels, does it feel different from usual, for "
             "example you can hardly feel it happening?", Urgency.EMERGENCY, EMERGENCY_ADVICE, CAUDA, TOILET),
    Question("bladder-fullness", "Have you stopped being able to feel when your bladder is full?",
             Urgency.EMERGENCY, EMERGENCY_ADVICE, CAUDA, TOILET),
    Question("saddle-numbness", "Have you noticed new numbness, tingling or less feeling between your legs, around "
             "your back passage or around your genitals?", Urgency.EMERGENCY, EMERGENCY_ADVICE, CAUDA, TOILET),
    Question("sexual-problems", "Since your back pain began, have you had new problems with sex, such as less "
             "feeling, or trouble getting an erection or reaching orgasm?", Urgency.EMERGENCY, EMERGENCY_ADVICE,
             CAUDA, TOILET),
    Question("both-legs", "Do you have pain, numbness or weakness in both legs at the same time?",
             Urgency.EMERGENCY, EMERGENCY_ADVICE, "R1, R2, R3", LEGS),
    Question("leg-weakness", "Do you have weakness in a leg that is new or getting worse?", Urgency.EMERGENCY,
             EMERGENCY_ADVICE, CAUDA, LEGS, "A weak leg you have had for a long time, and that is not changing, "
             "does not count here."),
    Question("walking-change", "Since your back pain began, has the way you walk changed, for example you trip, "
             "feel unsteady or your legs give way?", Urgency.EMERGENCY, EMERGENCY_ADVICE, "R1, R2, R3", LEGS),
    Question("cancer", "Have you ever had cancer?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", HEALTH),
    Question("weight-loss", "Have you lost weight in recent months without trying to?", Urgency.SEE_CLINICIAN,
             CLINICIAN_ADVICE, "R1, R2", HEALTH),
    Question("fever", "Since your back pain began, have you had a fever, or felt hot and shivery?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", HEALTH),
    Question("weak-immunity", "Is your immune system weakened, for example by an illness or by medicine such as "
             "chemotherapy?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", HEALTH),
    Question("infection", "Have you recently had an infection caused by bacteria, for example in your urine, skin "
             "or chest?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", HEALTH),
    Question("injected-drugs", "Have you ever injected drugs other than medicines prescribed for you?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", HEALTH),
    Question("new-pain-age", "Did this back pain first begin when you were under 20 or over 50?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", PAIN),
    Question("trauma", "Did this pain start after a fall, an accident or a blow to your back?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", PAIN),
    Question("minor-trauma", "Did this pain start after only a small knock, lift or twist, while you have thin "
             "bones (osteoporosis), take steroid tablets long-term, or are 70 or over?", Urgency.SEE_CLINICIAN,
             CLINICIAN_ADVICE, "R1, R2", PAIN),
    Question("no-improvement", "Has this pain stayed as bad as it was, or got worse, for a month or more?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1", PAIN),
    Question("night-pain", "At night, does the pain carry on however you change position?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", PAIN),
    Question("lying-down-pain", "Is the pain worse when you lie down?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE,
             "R1, R2", PAIN),
    Question("deformity", "Has the shape of your back changed in a way you or others can see, such as a new hump "
             "or lean?", Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", PAIN),
    Question("getting-worse", "Are symptoms in your legs or elsewhere in your body getting steadily worse?",
             Urgency.SEE_CLINICIAN, CLINICIAN_ADVICE, "R1, R2", PAIN),
    Question("inflammatory", "Has your back pain gone on for more than 3 months, having started before you were "
             "45, with several of the signs of the inflammatory kind?", Urgency.SEE_CLINICIAN, INFLAMMATORY_ADVICE,
             "NICE NG65", PAIN, "The signs: it wakes you in the second half of the night; it is stiff in the "
             "morning and eases as you move about; you feel it in your buttocks; it is much better within two days of "
             "an anti-inflammatory such as ibuprofen; it started before you were 35; a parent, brother, sister or "
             "child has spondyloarthritis (such as ankylosing spondylitis); you have had psoriasis, or swollen "
             "joints, or a painful swelling where a tendon meets the bone."),
)  # fmt: skip

# Why each question is asked, in a sentence or two of plain words, shown beside it (clinical-facts: red-flag). Our
# own wording of the reasons the sources give; none of it is a diagnosis.
WHY_ASKED: dict[str, str] = {
    "urine-difficulty": "The nerves at the bottom of the spine also work the bladder. New trouble passing urine can "
    "mean they are being squeezed, and a doctor should check that the same day.",
    "bladder-bowel": "Losing control of the bladder or bowels since the pain began can mean the nerves at the base "
    "of the spine are squeezed. It is rare, and treatment works best when it is quick.",
    "toilet-feeling": "A change in how it feels to pass urine or open your bowels can be an early sign that the "
    "nerves at the base of the spine are under pressure.",
    "bladder-fullness": "Not feeling when your bladder is full is another early sign of pressure on the nerves at "
    "the base of the spine.",
    "saddle-numbness": "This skin gets its feeling from the same nerves as the bladder and bowels, so new numbness "
    "there is a sign doctors want to see straight away.",
    "sexual-problems": "The same nerves serve the genitals, so a new change in sex can be an early sign that they "
    "are under pressure. We ask only for that reason.",
    "both-legs": "Back pain usually reaches one leg at most. Both legs at once can mean several nerves are "
    "squeezed together.",
    "leg-weakness": "A leg that is getting weaker can mean a nerve is being squeezed harder. That needs a doctor, "
    "not stretching.",
    "walking-change": "Tripping, feeling unsteady or legs giving way can mean the nerves to the legs are not "
    "working as they should.",
    "cancer": "Rarely, back pain comes from a cancer that has spread to the spine, even years later. A doctor can "
    "rule this out.",
    "weight-loss": "Losing weight without trying can be a sign of an illness elsewhere in the body that also "
    "causes back pain.",
    "fever": "Fever with back pain can mean an infection in or near the spine, which needs treatment, not stretching.",
    "weak-immunity": "With a weakened immune system an infection of the spine is more likely and easier to miss.",
    "infection": "Bacteria from an infection elsewhere in the body can, now and then, settle in the spine.",
    "injected-drugs": "Injecting can carry bacteria into the blood, and they can settle in the spine. We ask only "
    "for that reason.",
    "new-pain-age": "Back pain that first starts before 20 or after 50 more often has a cause other than an "
    "ordinary strain, so it is worth a check.",
    "trauma": "After a fall, an accident or a blow, a doctor should make sure nothing is broken before you stretch.",
    "minor-trauma": "With thin bones, long-term steroids or at 70 or over, even a small knock or twist can crack a "
    "bone in the spine.",
    "no-improvement": "Most ordinary back pain gets at least a little better within a month. Pain that does not is "
    "worth a check.",
    "night-pain": "Ordinary back pain usually eases once you find a comfortable position. Pain that never eases at "
    "night can have another cause.",
    "lying-down-pain": "Ordinary back pain is usually easier lying down. Pain that is worse then is worth a "
    "doctor's look.",
    "deformity": "A new change in the shape of the back can mean a problem with the bones of the spine.",
    "getting-worse": "Symptoms that keep getting worse point to something more than ordinary back pain.",
    "inflammatory": "This pattern can be inflammation of the joints of the spine, which has its own treatments. "
    "Stretching may still help once it has been checked.",
}

# clinical-facts: honesty. Said on every face: advice, not a diagnosis.
DISCLAIMER = (
    "General advice, not a diagnosis. Move slowly, never bounce, and stop if it hurts. "
    "If you have worrying symptoms, see a clinician."
)

# clinical-facts: stop. What to say when a stretch gives sharp or shooting pain, pain down a leg, or numbness.
SHARP_ADVICE = (
    "Sharp or shooting pain, pain running down a leg, numbness or pins and needles are signs to stop. "
    "We have ended this session. Rest in a comfortable position. If it does not settle, or it comes back, "
    "please see a doctor or physiotherapist before stretching again."
)

QUESTION_BY_ID = {q.id: q for q in QUESTIONS}
# Ids that earlier versions asked and no longer do; a stored screening may still hold them (and is out of date).
RETIRED_IDS = frozenset({"deformity-worsening"})

# clinical-facts: spine-surgery. Recorded in a screening's answers (from the profile, when it is saved or cleared)
# so that a clearance covers it only when the surgery was known at the time.
SPINE_SURGERY = Question(
    "recent-spine-surgery",
    "Your profile says you have had spine surgery recently.",
    Urgency.SEE_CLINICIAN,
    SURGERY_ADVICE,
    "clinical-facts section 4, Rule spine-surgery",
)
SURGERY_CONDITION = "recent-spine-surgery"  # the profile condition (core.vocab.Condition.RECENT_SPINE_SURGERY)

# clinical-facts: red-flag. Screen at onboarding, at every flare-up, and at least every 4 weeks.
RESCREEN_AFTER = timedelta(weeks=4)

FLARE_RESCREEN = (
    "Your pain is much worse or you have new symptoms: please answer the safety questions again "
    "first."
)  # clinical-facts: section 3, screened at every flare-up
OUT_OF_DATE = ("The safety questions have changed since you last answered them. Please answer them again; there "
               "is no plan until you do.")  # fmt: skip


@dataclass(frozen=True)
class Screening:
    """One completed screening. ``cleared_on`` records the clinician's clearance the person confirmed for these
    answers (its own date, also when it was carried over from an earlier screening with the same flags)."""

    taken_on: date
    answers: dict[str, bool]
    cleared_on: date | None = None


@dataclass(frozen=True)
class Verdict:
    may_plan: bool
    emergency: tuple[Question, ...]
    see_clinician: tuple[Question, ...]
    reasons: tuple[str, ...]
    out_of_date: bool = False  # answered before the questions changed: they need answering again


class ScreeningError(ValueError):
    """Answers that do not cover every question, or name questions that do not exist."""


def validate_answers(answers: dict[str, bool]) -> None:
    """A person's new answers: every current question, and nothing else."""
    retired = sorted(set(answers) & RETIRED_IDS)
    if retired:
        missing = [q.id for q in QUESTIONS if q.id not in answers]
        raise ScreeningError(
            f"the safety questions have changed: {', '.join(retired)} is no longer asked (its parts "
            f"are separate questions now); answer every current one, missing: {', '.join(missing)}"
        )
    unknown = sorted(set(answers) - set(QUESTION_BY_ID))
    if unknown:
        raise ScreeningError(f"unknown screening question(s): {', '.join(unknown)}; known: {', '.join(QUESTION_BY_ID)}")
    missing = [q.id for q in QUESTIONS if q.id not in answers]
    if missing:
        raise ScreeningError(f"every screening question needs an answer; missing: {', '.join(missing)}")


def validate_stored_answers(answers: dict[str, bool]) -> None:
    """Answers as stored or imported: any question this or an earlier version asked, and the recorded spine
    surgery; some may be missing (a screening from before a question existed, which is out of date)."""
    known = set(QUESTION_BY_ID) | RETIRED_IDS | {SPINE_SURGERY.id}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ScreeningError(f"unknown screening question(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    if not all(isinstance(v, bool) for v in answers.values()):
        raise ScreeningError("screening answers must be true or false")


def is_out_of_date(screening: Screening) -> bool:
    """Answered before today's questions existed (or holding answers to questions no longer asked)."""
    asked = set(QUESTION_BY_ID) | {SPINE_SURGERY.id}
    return any(q.id not in screening.answers for q in QUESTIONS) or not set(screening.answers) <= asked


def _yes(screening: Screening) -> frozenset[str]:
    return frozenset(qid for qid, yes in screening.answers.items() if yes is True)


def flags(screening: Screening, conditions: Iterable[str] = ()) -> frozenset[str]:
    """The ids that need a look: every yes answer, and recent spine surgery when the profile names it now."""
    surgery = {SPINE_SURGERY.id} if SURGERY_CONDITION in {str(c) for c in conditions} else set()
    return (_yes(screening) - {SPINE_SURGERY.id}) | surgery


def cleared_flags(screening: Screening) -> frozenset[str]:
    """What the screening's clearance covers: its yes answers, with the spine surgery recorded in it, if cleared.

    A clearance dated before the screening was taken is none (it was given for earlier answers): that is how
    records from before clearances carried over said "not cleared", and a stale date in an import says the same."""
    if screening.cleared_on is None or screening.cleared_on < screening.taken_on:
        return frozenset()
    return _yes(screening)


def has_emergency(screening: Screening) -> bool:
    """Whether any answer is a yes to an emergency question, however old the screening: such answers are never
    cleared in the app (clinical-facts: clearance-carry)."""
    return any(_is_emergency(qid) for qid in _yes(screening))


def urgent_so_far(answers: Mapping[str, bool]) -> tuple[Question, ...]:
    """The emergency questions answered yes so far, in the order they are asked, while the rest may still be
    unanswered: their advice cannot wait for the end of the questions, so every face shows it on the next screen
    (clinical-facts: red-flag), and the person may finish the questions afterwards."""
    return tuple(q for q in QUESTIONS if q.urgency is Urgency.EMERGENCY and answers.get(q.id) is True)


URGENT_NOW = (
    "You do not need to finish the questions first. Your answer is a sign that a doctor should see you today: "
    "it is not a diagnosis, and it is quick to check. Please do not stretch until you have been seen."
)


def _is_emergency(qid: str) -> bool:
    question = QUESTION_BY_ID.get(qid)
    return question is not None and question.urgency is Urgency.EMERGENCY


def carry_clearance(previous: Screening | None, new: Screening, conditions: Iterable[str] = ()) -> Screening:
    """The new screening as it is to be saved: the spine surgery the profile names recorded in its answers, and
    the previous clearance carried over when every new flag was already cleared and none is an emergency.

    clinical-facts: clearance-carry. A newly flagged answer needs a new clearance; an emergency answer never has
    one. A clearance the new screening brings itself (a profile file's cleared_on) is kept as it is."""
    surgery = SURGERY_CONDITION in {str(c) for c in conditions}
    recorded = Screening(new.taken_on, {**new.answers, SPINE_SURGERY.id: surgery}, new.cleared_on)
    if new.cleared_on is not None or previous is None or previous.cleared_on is None:
        return recorded
    now = flags(recorded, conditions)
    if any(_is_emergency(qid) for qid in now) or not now <= cleared_flags(previous):
        return recorded
    # Dated the day of the new answers: the clearance now covers them, and an older date would read as none.
    return Screening(recorded.taken_on, recorded.answers, recorded.taken_on)


def _reason(question: Question) -> str:
    if question is SPINE_SURGERY:
        return f"{question.text} {question.advice}"
    return f"You answered yes to: {question.text} {question.advice}"


def assess(
    screening: Screening | None, today: date, flare_or_new_symptoms: bool = False, conditions: Iterable[str] = ()
) -> Verdict:
    """May this person be given a plan today? Anything unclear is a no, with the reason. ``conditions`` are the
    profile's: recent spine surgery needs the surgical team's clearance, as a flag does (clinical-facts:
    spine-surgery)."""
    if screening is None:
        return Verdict(False, (), (), ("Please answer the safety questions before your first plan.",))
    now = flags(screening, conditions)
    flagged = [q for q in (*QUESTIONS, SPINE_SURGERY) if q.id in now]
    emergency = tuple(q for q in flagged if q.urgency is Urgency.EMERGENCY)
    clinician = tuple(q for q in flagged if q.urgency is Urgency.SEE_CLINICIAN)
    if is_out_of_date(screening):
        # An emergency answer to a question still asked keeps its urgent advice; the rest waits for new answers.
        return Verdict(False, emergency, clinician, (OUT_OF_DATE, *(_reason(q) for q in emergency)), out_of_date=True)
    if screening.taken_on > today:
        return Verdict(False, (), (), ("The last safety check is dated in the future; please answer it again.",))
    if today - screening.taken_on > RESCREEN_AFTER:
        return Verdict(
            False, (), (), ("It has been more than 4 weeks since your safety check; please answer it again.",)
        )
    if flare_or_new_symptoms and screening.taken_on != today:
        return Verdict(False, (), (), (FLARE_RESCREEN,))
    if emergency:
        # The emergency comes first; the other flags are still named so the person sees every answer that counts.
        return Verdict(False, emergency, clinician, tuple(_reason(q) for q in emergency + clinician))
    if clinician and not now <= cleared_flags(screening):
        return Verdict(False, emergency, clinician, tuple(_reason(q) for q in clinician))
    return Verdict(True, emergency, clinician, ())
