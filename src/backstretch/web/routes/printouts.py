"""Printing from the web app: the day's routine sheet from Today and the progress report from Progress, as PDF made
by the same code and templates as `backstretch handout` and `backstretch report` (backstretch/printing.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from backstretch.app.routine import Refusal
from backstretch.printing import MAX_WEEKS, Paper, PrintError, handout_html, render_pdf, report_data, report_html
from backstretch.store.progress import WEEKS
from backstretch.web.auth import signed_in
from backstretch.web.deps import CatalogueDep, RoutinesDep, StoreDep
from backstretch.web.routes.today import Minutes, Swaps, swaps_to_leave_out

pages = APIRouter(include_in_schema=False)
PaperQuery = Annotated[Paper, Query(description="a4, or letter for US Letter.")]


def pdf_response(html: str, filename: str) -> Response:
    """The PDF, opened in the browser's viewer (from where it prints or saves), never cached."""
    return Response(render_pdf(html), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             "Cache-Control": "no-store"})  # fmt: skip


def _name(request: Request) -> str:
    """In clinic mode the signed-in patient's own name heads their printouts; on one's own computer, none."""
    person = signed_in(request)
    return person.name if person is not None else ""


@pages.get("/today/handout.pdf")
def today_handout(request: Request, store: StoreDep, catalogue: CatalogueDep, routines: RoutinesDep,
                  minutes: Minutes = None, swap: Swaps = None, paper: PaperQuery = Paper.A4) -> Response:  # fmt: skip
    """Today's routine, with the minutes and swaps chosen on the page, as a sheet to print."""
    today = date.today()
    found = routines.today(store, today, minutes, swaps_to_leave_out(catalogue, swap, page=True))
    if isinstance(found, Refusal):
        if found.needs == "profile":
            raise HTTPException(409, "Answer the profile questions first: there is no routine to print yet.")
        raise HTTPException(409, " ".join(found.reasons))
    plan = found.plan
    try:
        html = handout_html(plan, catalogue, paper, _name(request))
    except PrintError as error:
        raise HTTPException(409, f"Nothing to print: {error}.") from None
    return pdf_response(html, f"backstretch-routine-{today.isoformat()}.pdf")


@pages.get("/progress/report.pdf")
def progress_report(request: Request, store: StoreDep, catalogue: CatalogueDep,
                    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = WEEKS,
                    paper: PaperQuery = Paper.A4) -> Response:  # fmt: skip
    """The progress report for a clinician, as `backstretch report` writes it."""
    today = date.today()
    html = report_html(report_data(store, today, weeks, _name(request)), catalogue, paper)
    return pdf_response(html, f"backstretch-report-{today.isoformat()}.pdf")
