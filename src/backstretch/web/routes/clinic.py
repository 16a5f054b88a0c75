"""A clinician's own pages in clinic mode: the dashboard of their patients sorted by who needs attention, a
patient's page (history, trends, charts and their program), inviting a new patient, a password link for one, and
a CSV of all their patients' data.

An admin invites clinicians from the same page. A patient id in an address that is not one of the clinician's own
patients is a 404, as if there were no such patient.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backstretch.app.lessons import UnknownLesson, assign, lesson_list
from backstretch.core.accounts import AccountError, Role, normal_email
from backstretch.core.catalogue import Catalogue
from backstretch.core.measures import MEASURES, SCORES, MeasureKind, trend_of
from backstretch.core.programs import Attention, Program, ProgramError, ProgramItem, attention, check_program
from backstretch.core.safety import SURGERY_CONDITION, assess
from backstretch.core.scores import score_summary
from backstretch.core.spreadsheet import SafeWriter
from backstretch.printing import (
    MAX_WEEKS,
    Paper,
    PrintError,
    handout_html,
    program_sheet,
    report_data,
    report_html,
)
from backstretch.store import Store
from backstretch.store.accounts import Person
from backstretch.store.clinic import WINDOW_DAYS, PatientFacts, facts_of_patient, facts_of_patients
from backstretch.store.models import MAX_ID
from backstretch.store.progress import progress_of
from backstretch.web.auth import accounts, clinic_only, signed_in
from backstretch.web.deps import CatalogueDep, RoutinesDep
from backstretch.web.routes.printouts import pdf_response
from backstretch.web.routes.progress import recent_sessions
from backstretch.web.security import link_origin
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False, dependencies=[Depends(clinic_only)])
PersonId = Annotated[int, FastAPIPath(ge=1, le=MAX_ID)]
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _me(request: Request) -> Person:
    person = signed_in(request)
    assert person is not None  # the guard lets only clinicians and admins here
    return person


def _invites(me: Person) -> Role:
    """Whom this person invites: an admin invites clinicians, a clinician patients."""
    return Role.CLINICIAN if me.role is Role.ADMIN else Role.PATIENT


def _url(request: Request, path: str, token: str) -> str:
    server = request.scope.get("server")  # the socket this server listens on, not what the request says
    origin = link_origin(request.app.state.hosts, request.url.scheme, server[1] if server else None)
    return f"{origin}{path}?token={token}"


def _patient(request: Request, patient_id: int) -> tuple[Person, Store]:
    """One of the clinician's own patients and their data; anyone else's is a 404."""
    me = _me(request)
    patient = accounts(request).person(patient_id)
    if patient is None or not accounts(request).cares_for(me.id, patient_id):
        raise HTTPException(404, f"There is no patient {patient_id} of yours.")
    store: Store = request.app.state.store
    return patient, store.for_person(patient_id)


def _attention(facts: PatientFacts, catalogue: Catalogue, today: date, with_slopes: bool = True) -> Attention:
    """What needs a look for one patient, from the facts read for all of them at once (store/clinic.py)."""
    # Recent spine surgery as recorded with the answers (the dashboard reads no profiles): uncleared, it needs a look.
    recorded = facts.screening is not None and facts.screening.answers.get(SURGERY_CONDITION) is True
    surgery = (SURGERY_CONDITION,) if recorded else ()
    verdict = assess(facts.screening, today, conditions=surgery) if facts.screening is not None else None
    red = verdict is not None and bool(verdict.emergency or verdict.see_clinician)
    names = [catalogue[s].name if s in catalogue else s for s in facts.painful]
    pain = trend_of(MeasureKind.PAIN, facts.pain, with_slopes)
    function = trend_of(MeasureKind.FUNCTION, facts.function, with_slopes)
    return attention(facts.program, facts.days, pain, function, red, names, today)


@dataclass(frozen=True)
class Row:
    patient: Person
    attention: Attention
    scores: list[str]  # each outcome score the patient has, in a few words (core/scores.py)

    @property
    def order(self) -> tuple[int, float, str]:
        """More flags first, then the least followed program, then by name."""
        month = self.attention.month
        share = month.share if month is not None and month.share is not None else 1.0
        return (-len(self.attention.flags), share, self.patient.name.lower())


def _page(request: Request, catalogue: Catalogue, link: str = "", link_for: str = "", error: str = "",
          status: int = 200) -> Response:  # fmt: skip
    me = _me(request)
    patients = accounts(request).patients_of(me.id)
    today = date.today()
    found = facts_of_patients(request.app.state.store.engine, me.id, today)
    rows = sorted((Row(p, _attention(facts := found.get(p.id, PatientFacts()), catalogue, today, with_slopes=False),
                       [score_summary(k, series) for k, series in sorted(facts.scores.items())])
                   for p in patients), key=lambda r: r.order)  # fmt: skip
    return templates.TemplateResponse(request, "clinic.html", {
        "me": me, "rows": rows, "invites": _invites(me), "link": link, "link_for": link_for, "error": error,
        "weeks": WINDOW_DAYS // 7,
    }, status_code=status)  # fmt: skip


@pages.get("/clinic", response_class=HTMLResponse)
def clinic_page(request: Request, catalogue: CatalogueDep) -> Response:
    return _page(request, catalogue)


@pages.post("/clinic/invite")
def invite(request: Request, catalogue: CatalogueDep, email: Annotated[str, Form(max_length=300)] = "") -> Response:
    me = _me(request)
    try:
        # Made even if the email has an account already: saying so would tell any clinician who has one (other
        # clinicians' patients, admins). The link itself then says to sign in instead.
        address = normal_email(email)
    except AccountError as error:
        return _page(request, catalogue, error=str(error), status=422)
    token = accounts(request).issue_link("invite", address, _invites(me), issued_by=me.id)
    return _page(request, catalogue, link=_url(request, "/join", token), link_for=address)


@pages.post("/clinic/patients/{patient_id}/reset")
def password_link(request: Request, patient_id: PersonId, catalogue: CatalogueDep) -> Response:
    patient, _ = _patient(request, patient_id)
    if patient.email is None:
        raise HTTPException(404, f"There is no patient {patient_id} of yours.")
    token = accounts(request).issue_link("reset", patient.email, patient.role, issued_by=_me(request).id,
                                         person_id=patient.id)  # fmt: skip
    return _page(request, catalogue, link=_url(request, "/reset", token), link_for=patient.email)


# --- one patient ------------------------------------------------------------------------------------------------


def _form_values(program: Program | None, catalogue: Catalogue) -> dict[str, object]:
    chosen = {i.stretch: i for i in program.items} if program else {}
    return {
        "items": {sid: {"use": sid in chosen, "hold": chosen[sid].hold_seconds if sid in chosen
                        else s.hold_seconds.default, "reps": chosen[sid].reps if sid in chosen else 1}
                  for sid, s in catalogue.items()},
        "days": sorted(program.weekdays) if program else [0, 1, 2, 3, 4],
        "fill": program.fill_free_days if program else True,
        "note": program.note if program else "",
    }  # fmt: skip


def _patient_page(request: Request, catalogue: Catalogue, patient_id: int, values: dict[str, object] | None = None,
                  error: str = "", status: int = 200) -> Response:  # fmt: skip
    patient, store = _patient(request, patient_id)
    today = date.today()
    program = store.program()
    found = _attention(facts_of_patient(store.engine, patient_id, today), catalogue, today)
    p = progress_of(store, today)
    return templates.TemplateResponse(request, "patient.html", {
        "patient": patient, "program": program, "attention": found, "p": p,
        "scores": [(MEASURES[t.kind].title, t) for t in p.trends if t.kind in SCORES],
        "recent": recent_sessions(store, catalogue), "catalogue": catalogue,
        "values": values or _form_values(program, catalogue), "weekdays": list(enumerate(WEEKDAY_NAMES)),
        "error": error, "saved": request.query_params.get("saved") == "1", "profile": store.load_profile(),
        "weeks": WINDOW_DAYS // 7, "lessons": lesson_list(request.app.state.lessons, store),
        "lessons_saved": request.query_params.get("lessons") == "1", "today": today,
    }, status_code=status)  # fmt: skip


@pages.get("/clinic/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(request: Request, patient_id: PersonId, catalogue: CatalogueDep, routines: RoutinesDep,
                 suggest: bool = False) -> Response:  # fmt: skip
    """A patient's history, trends and charts, and their program; `suggest` fills the form from the planner."""
    if not suggest:
        return _patient_page(request, catalogue, patient_id)
    _, store = _patient(request, patient_id)
    profile = store.load_profile()
    if profile is None:
        return _patient_page(request, catalogue, patient_id, error="This patient has not answered the profile "
                             "questions yet, so the planner has nothing to go on.", status=409)  # fmt: skip
    today = date.today()
    plan = routines.plan(profile, today, store.planner_history(today), program=None)  # the planner's, not a program
    suggested = Program(tuple(ProgramItem(i.stretch, i.hold_seconds, i.reps) for i in plan.items),
                        profile.planned_weekdays, True, "", today)  # fmt: skip
    return _patient_page(request, catalogue, patient_id, _form_values(suggested, catalogue))


def _whole(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ProgramError(f"{what}: {text.strip()[:20]!r} is not a whole number.") from None


@pages.post("/clinic/patients/{patient_id}/program")
async def assign_program(request: Request, patient_id: PersonId, catalogue: CatalogueDep) -> Response:
    """Assign the program in the form: the stretches ticked, with their holds and repetitions."""
    _, store = _patient(request, patient_id)
    form = await request.form()
    text = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    values: dict[str, object] = {
        "items": {sid: {"use": f"use-{sid}" in text, "hold": text.get(f"hold-{sid}", ""),
                        "reps": text.get(f"reps-{sid}", "")} for sid in catalogue},
        "days": [int(v) for k, v in form.multi_items() if k == "day" and isinstance(v, str) and v.isdigit()],
        "fill": "fill" in text, "note": text.get("note", "")[:2000],
    }  # fmt: skip
    try:
        items = tuple(ProgramItem(sid, _whole(text.get(f"hold-{sid}", ""), f"{catalogue[sid].name} hold"),
                                  _whole(text.get(f"reps-{sid}", ""), f"{catalogue[sid].name} repetitions"))
                      for sid in catalogue if f"use-{sid}" in text)  # fmt: skip
        days = values["days"]
        assert isinstance(days, list)
        program = Program(items, frozenset(days), "fill" in text, text.get("note", "").strip(), date.today())
        check_program(program, catalogue)
    except ProgramError as error:
        return _patient_page(request, catalogue, patient_id, values, str(error), 422)
    store.assign_program(program, _me(request).id)
    return RedirectResponse(f"/clinic/patients/{patient_id}?saved=1#program", status_code=303)


@pages.post("/clinic/patients/{patient_id}/lessons")
def assign_lessons(request: Request, patient_id: PersonId,
                   lesson: Annotated[list[str], Form(max_length=100)] = []) -> Response:  # noqa: B006  # fmt: skip
    """Assign the lessons ticked (none ticked: none assigned); they come first in the patient's order."""
    _, store = _patient(request, patient_id)
    try:
        assign(request.app.state.lessons, store, lesson, _me(request).id, date.today())
    except UnknownLesson as error:
        raise HTTPException(422, f"{str(error)[0].upper()}{str(error)[1:]}.") from None
    return RedirectResponse(f"/clinic/patients/{patient_id}?lessons=1#lessons", status_code=303)


@pages.get("/clinic/patients/{patient_id}/chart.svg")
def patient_chart(request: Request, patient_id: PersonId) -> Response:
    from backstretch import charts  # matplotlib is slow to import; only load it when drawing

    patient, store = _patient(request, patient_id)
    p = progress_of(store)
    figure = charts.progress_figure(p.readings, p.days, p.today, whose=f"{patient.name}'s")
    return Response(charts.render(figure, "svg"),
                    media_type="image/svg+xml", headers={"Cache-Control": "no-store"})  # fmt: skip


@pages.get("/clinic/patients/{patient_id}/handout.pdf")
def program_handout(request: Request, patient_id: PersonId, catalogue: CatalogueDep,
                    paper: Annotated[Paper, Query()] = Paper.A4) -> Response:  # fmt: skip
    """The patient's current program as a home sheet to hand over, with their name at the top."""
    patient, store = _patient(request, patient_id)
    program, profile = store.program(), store.load_profile()
    if program is None or profile is None:
        raise HTTPException(409, "There is nothing to print yet: " + ("assign a program first." if program is None
                                 else "the patient has not answered the profile questions."))  # fmt: skip
    today = date.today()
    plan, days = program_sheet(program, catalogue, profile, store.planner_history(today), today)
    try:
        html = handout_html(plan, catalogue, paper, patient.name, days)
    except PrintError as error:
        raise HTTPException(409, f"Nothing to print: {error}.") from None
    return pdf_response(html, f"backstretch-program-{patient_id}-{today.isoformat()}.pdf")


@pages.get("/clinic/patients/{patient_id}/report.pdf")
def patient_report(request: Request, patient_id: PersonId, catalogue: CatalogueDep,
                   weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = WINDOW_DAYS // 7,
                   paper: Annotated[Paper, Query()] = Paper.A4) -> Response:  # fmt: skip
    """The patient's progress report, as they would print it from Progress, to read before a visit."""
    patient, store = _patient(request, patient_id)
    today = date.today()
    html = report_html(report_data(store, today, weeks, patient.name), catalogue, paper)
    return pdf_response(html, f"backstretch-report-{patient_id}-{today.isoformat()}.pdf")


CSV_COLUMNS = ("patient_id", "name", "email", "record", "day", "status", "minutes", "stretches_done", "painful",
               "pain_before", "pain_after", "measure", "value", "note")  # fmt: skip


@pages.get("/clinic/export.csv")
def export_csv(request: Request, catalogue: CatalogueDep) -> Response:
    """Every session and measure of the clinician's patients, a row each, for a spreadsheet."""
    me = _me(request)
    store: Store = request.app.state.store
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    for patient in accounts(request).patients_of(me.id):
        theirs = store.for_person(patient.id)
        who = [patient.id, patient.name, patient.email]
        for h in theirs.history():
            writer.writerow(
                [
                    *who,
                    "session",
                    h.day.isoformat(),
                    h.status,
                    round(h.seconds / 60, 1),
                    "; ".join(h.done),
                    "; ".join(h.painful),
                    h.pain_before,
                    h.pain_after,
                    "",
                    "",
                    h.note,
                ]
            )
        for m in theirs.measures():
            if m.note == "before a session":
                continue  # already in its session's row
            writer.writerow([*who, "measure", m.on.isoformat(), "", "", "", "", "", "", m.kind.value, m.value, m.note])
    name = f"backstretch-patients-{date.today().isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
