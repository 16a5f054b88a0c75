"""Printed handouts: the day's routine sheet and the progress report, as PDF.

Both are HTML from the web app's own Jinja templates (`web/templates/print/`), laid out for paper by WeasyPrint, so
the command line and the web app print the same thing. Figures and charts go in as SVG and stay vector in the PDF.
Nothing is fetched: the fonts are the system's (DejaVu, installed by scripts/_env.sh) and every image is inline.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

import jinja2

from backstretch.app.scores import latest_change
from backstretch.core.catalogue import Catalogue, Stretch
from backstretch.core.consistency import Consistency
from backstretch.core.figure import render_svg
from backstretch.core.lessons import Lesson
from backstretch.core.measures import (
    MEASURES,
    Measure,
    MeasureInfo,
    Trend,
    title_of,
)
from backstretch.core.planner import History, Plan, PlanItem
from backstretch.core.profile import Profile
from backstretch.core.programs import Program, program_plan
from backstretch.core.timeline import CHECKLIST
from backstretch.core.words import day_words, plain_words
from backstretch.optional import weasyprint_html
from backstretch.store import Store
from backstretch.store.database import SESSION_PAIN_NOTE, SessionSummary
from backstretch.store.progress import progress_of

TEMPLATES = Path(__file__).parent / "web" / "templates"
MAX_WEEKS = 104  # as the progress API allows
PAINFUL_LEFT_OUT_DAYS = 14  # the planner leaves a painful stretch out this long (planner.painful_recently)

# When to stop and get help: clinical-facts sections 3 and 5 (rule stop, rule red-flag), in our own words.
STOP_SIGNS = (
    "Stop a stretch at once if it hurts; a stretch should only ever feel like mild tension.",
    "Stop the whole routine if you feel sharp or shooting pain, pain spreading down a leg, or numbness or pins "
    "and needles, and see a clinician if it does not settle.",
    "Get medical help the same day, instead of stretching, if you have new trouble passing urine, lose control of "
    "your bladder or bowel, feel numb between your legs, or your legs become weak.",
    "See a doctor before you go on if you have a fever, pain after a fall or accident, pain at night that does not "
    "ease when you change position, or pain that keeps getting worse.",
)
NOT_ADVICE = ("General advice, not a diagnosis. backstretch does not treat anything; if you are unsure whether a "
              "stretch is right for you, ask a clinician.")  # fmt: skip


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


PAGE_SIZE = {Paper.A4: "A4", Paper.LETTER: "letter"}


class PrintError(ValueError):
    """A handout or report that cannot be made, with a message that says why."""


@dataclass(frozen=True)
class HandoutStretch:
    """One stretch on the sheet: the dose the plan gives it, and the library's words and figure."""

    number: int
    item: PlanItem
    stretch: Stretch
    figure: str  # inline SVG


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined)  # fmt: skip


_ENV = _environment()
_ENV.filters["plain_words"] = plain_words
_ENV.filters["day_words"] = day_words


def render_pdf(html: str) -> bytes:
    """The HTML laid out as PDF. WeasyPrint (the print extra) is imported here: it is slow to load and only printing
    needs it; without it this raises MissingPart."""
    pdf: bytes = weasyprint_html()(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf


def handout_html(plan: Plan, catalogue: Catalogue, paper: Paper = Paper.A4, name: str = "", days: str = "") -> str:
    """The routine sheet: who and when, the safety basics, then each stretch with its figure, dose, steps and cues."""
    if not plan.items:
        raise PrintError(f"there is no stretch in the routine for {day_words(plan.date)}, so there is nothing to "
                         f"print" + (f": {plan.reasons[0]}" if plan.reasons else ""))  # fmt: skip
    stretches = [HandoutStretch(n, item, catalogue[item.stretch],
                                render_svg(catalogue.figure_of(item.stretch), title=item.name, size=150))
                 for n, item in enumerate(plan.items, start=1)]  # fmt: skip
    return _ENV.get_template("print/handout.html").render(
        plan=plan, stretches=stretches, paper=PAGE_SIZE[paper], name=name.strip(), checklist=CHECKLIST,
        stop_signs=STOP_SIGNS, not_advice=NOT_ADVICE, minutes=_minutes(plan.total_seconds), days=days,
    )  # fmt: skip


def lessons_html(lessons: Sequence[Lesson], paper: Paper = Paper.A4) -> str:
    """Every lesson on paper, in order, each with where its facts come from: to read away from a screen."""
    return _ENV.get_template("print/lessons.html").render(lessons=lessons, paper=PAGE_SIZE[paper],
                                                          not_advice=NOT_ADVICE)  # fmt: skip


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def program_sheet(program: Program, catalogue: Catalogue, profile: Profile, history: History,
                  today: date) -> tuple[Plan, str]:  # fmt: skip
    """A clinician's program as a home sheet: the routine `program_plan` gives on its next day (so the same safety
    rules leave out what the patient must not do), and the days it is for."""
    day = max(today, program.starts_on)
    while day.weekday() not in program.weekdays:
        day += timedelta(days=1)
    found = program_plan(program, catalogue, profile, day, history)
    assert found is not None  # a program day, on or after the start
    # A sheet is kept for every program day, so it does not say "for today" as the day's routine does.
    plan = replace(found, reasons=("Your clinician's program.", *([program.note] if program.note else [])))
    days = ", ".join(WEEKDAYS[d] for d in sorted(program.weekdays))
    return plan, f"Program days: {days}."


def _minutes(seconds: int) -> str:
    whole, rest = divmod(seconds, 60)
    return f"{whole} min {rest} s" if rest else f"{whole} min"


# --- the progress report ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    """One line of the report's measures table."""

    info: MeasureInfo
    trend: Trend
    latest: Measure | None

    @property
    def unit(self) -> str:
        return "" if self.info.unit == "points" else f" {self.info.unit}"

    @property
    def threshold(self) -> str:
        share = f" or {self.info.important_share * 100:.0f} % of the start" if self.info.important_share else ""
        return f"{self.info.important_change:g}{self.unit or ' points'}{share}"

    @property
    def verdict(self) -> str:
        t = self.trend
        if not t.enough or t.change is None:
            return "Not enough readings yet to judge"
        if t.change == 0:
            return "No change"
        if not t.important:
            return "Change smaller than the important change"
        return "Important change, better" if t.better else "Important change, worse"


@dataclass(frozen=True)
class PainfulReport:
    """A stretch reported painful in a session, and what the app changed because of it."""

    day: date
    stretch: str
    name: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    day: date
    where: str
    text: str


def _name(catalogue: Catalogue, sid: str) -> str:
    return catalogue[sid].name if sid in catalogue else sid


def painful_reports(sessions: list[SessionSummary], catalogue: Catalogue, since: date) -> list[PainfulReport]:
    """Each painful report since a day, with what followed: left out of routines, and an easier variant done."""
    found = []
    for s in sessions:
        if s.day < since:
            continue
        for sid in s.painful:
            until = s.day + timedelta(days=PAINFUL_LEFT_OUT_DAYS)
            changes = [f"Left out of the planner's routines until {day_words(until)}."]
            if s.status == "stopped":
                changes.insert(0, "The session ended there, with advice to get checked if it did not settle.")
            easier = catalogue[sid].easier if sid in catalogue else ()
            later = [x for x in sessions if x.id > s.id]
            tried = [e for e in easier if any(e in x.done for x in later)]
            if tried:
                days = sum(1 for x in later if any(e in x.done for e in tried))
                changes.append(f"Easier variant done instead: {', '.join(_name(catalogue, e) for e in tried)} "
                               f"({days} session{'s' if days != 1 else ''} since).")  # fmt: skip
            elif easier:
                changes.append(f"Easier variant offered: {', '.join(_name(catalogue, e) for e in easier)} "
                               f"(not done yet).")  # fmt: skip
            found.append(PainfulReport(s.day, sid, _name(catalogue, sid), tuple(changes)))
    return found


def notes_since(sessions: list[SessionSummary], readings: list[Measure], since: date) -> list[Note]:
    """The person's own notes, on sessions and on measures, oldest first."""
    found = [Note(s.day, "session", s.note.strip()) for s in sessions if s.day >= since and s.note.strip()]
    found += [Note(m.on, title_of(m.kind).lower(), m.note.strip()) for m in readings
              if m.on >= since and m.note.strip() and m.note != SESSION_PAIN_NOTE]  # fmt: skip
    return sorted(found, key=lambda n: n.day)


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, gathered by the caller from the same store calls the Progress page uses."""

    today: date
    weeks: int
    name: str
    consistency: Consistency
    trends: list[Trend]
    readings: list[Measure]
    sessions: list[SessionSummary]
    progress_svg: bytes
    calendar_svg: bytes


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def report_html(data: ReportData, catalogue: Catalogue, paper: Paper = Paper.A4) -> str:
    """The progress report: a summary a clinician reads in a minute, then the detail behind it."""
    since = data.today - timedelta(weeks=data.weeks) + timedelta(days=1)
    latest = {t.kind: next((m for m in reversed(data.readings) if m.kind is t.kind), None) for t in data.trends}
    rows = [MeasureRow(MEASURES[t.kind], t, latest[t.kind]) for t in data.trends]
    window = [s for s in data.sessions if since <= s.day <= data.today]
    change = latest_change(data.readings)
    return _ENV.get_template("print/report.html").render(
        change=change,
        d=data, c=data.consistency, rows=rows, since=since, sessions=window,
        completed=sum(1 for s in window if s.status == "completed"), days=len({s.day for s in window if s.done}),
        minutes=round(sum(s.seconds for s in window) / 60),
        painful=painful_reports(data.sessions, catalogue, since), notes=notes_since(window, data.readings, since),
        progress_chart=_data_uri(data.progress_svg), calendar_chart=_data_uri(data.calendar_svg),
        paper=PAGE_SIZE[paper], not_advice=NOT_ADVICE,
    )  # fmt: skip


def report_data(store: Store, today: date, weeks: int, name: str = "") -> ReportData:
    """What the report shows, from `progress_of` (what the Progress page and `backstretch progress` show)."""
    from backstretch import charts  # matplotlib is slow to import; only load it when drawing

    if not 1 <= weeks <= MAX_WEEKS:
        raise PrintError(f"weeks must be from 1 to {MAX_WEEKS}, not {weeks}")
    p = progress_of(store, today, weeks)
    whose = f"{name.strip()}'s" if name.strip() else "Your"
    progress_svg = charts.render(charts.progress_figure(p.readings, p.days, p.today, whose=whose), "svg")
    calendar_svg = charts.render(charts.calendar_figure(p.days, p.today, weeks), "svg")
    sessions = [s for s in store.history() if s.day <= today]
    return ReportData(today, weeks, name.strip(), p.summary, p.trends, p.readings, sessions, progress_svg,
                      calendar_svg)  # fmt: skip
