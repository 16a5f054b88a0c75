"""The printed routine sheet and progress report: made by the real command and the real web app, opened with
pypdf and poppler, checked for their pages, text and vector figures, and rendered to PNG in build/prints/ for people
to look at."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from backstretch.core.programs import Program, ProgramItem
from backstretch.fhir import measures_from_bundle
from backstretch.library import load_lessons
from backstretch.store import open_store
from backstretch.web.app import create_app
from tests.helpers import backstretch
from tests.printing_data import EASIER, PAINFUL, seed
from tests.web import LiveServer

pytestmark = pytest.mark.print

PRINTS = Path(__file__).resolve().parent.parent / "build" / "prints"
A4, LETTER = (595, 842), (612, 792)  # points, rounded


def _text(pdf: Path | bytes) -> str:
    """The PDF's text, joined into one line per page so words that wrap still match."""
    reader = PdfReader(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))
    return "\n".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _images(reader: PdfReader) -> int:
    """Raster images anywhere in the PDF, inside forms too: a vector figure or chart has none."""
    found, seen = 0, set()
    stack: list[Any] = [page.get("/Resources") for page in reader.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        resources = resources.get_object()
        for xobject in (resources.get("/XObject") or {}).values():
            obj = xobject.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Image":
                found += 1
            stack.append(obj.get("/Resources"))
    return found


def _size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def look(pdf: Path, name: str) -> Path:
    """The first page as a PNG in build/prints/, to look at; it must not be blank."""
    PRINTS.mkdir(parents=True, exist_ok=True)
    stem = PRINTS / name
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", str(pdf), str(stem)], check=True)
    png = stem.with_suffix(".png")
    assert png.stat().st_size > 20_000, "the first page rendered almost empty"
    return png


@pytest.fixture
def seeded() -> date:
    today = date.today()
    seed(open_store(None), today)
    return today


def test_handout_has_every_planned_stretch_with_its_dose_and_the_safety_basics(seeded: date, tmp_path: Path) -> None:
    plan = json.loads(backstretch("plan", "--json").stdout)
    out = tmp_path / "routine.pdf"
    made = backstretch("handout", "-o", out, "--name", "Ann Example")
    assert made.returncode == 0, made.stderr
    reader = PdfReader(out)
    text = _text(out)
    assert _size(reader) == A4
    assert "Ann Example" in text and seeded.strftime("%A %-d %B %Y") in text
    for item in plan["items"]:
        assert item["name"] in text
        assert f"Hold {item['hold_seconds']} s" in text
    assert f"{len(plan['items'])} stretches" in text
    basics = (
        "Wear comfortable clothes",
        "flat, clean surface",
        "Never bounce",
        "breathe",
        "When to stop and get help",
        "numb between your legs",
        "General advice, not a diagnosis",
        "How to do it",
        "Not for you if any of these apply",
    )
    for words in basics:
        assert words.lower() in text.lower(), words
    assert _images(reader) == 0, "the figures must be vector drawings, not pictures"
    look(out, "handout-a4")


def test_handout_on_us_letter_without_a_name(seeded: date, tmp_path: Path) -> None:
    out = tmp_path / "routine.pdf"
    assert backstretch("handout", "-o", out, "--paper", "letter", "--minutes", "5").returncode == 0
    reader = PdfReader(out)
    assert _size(reader) == LETTER
    assert "Ann Example" not in _text(out)
    look(out, "handout-letter")


def test_handout_prints_a_program_by_its_id(seeded: date, tmp_path: Path) -> None:
    store = open_store(None)
    store.assign_program(Program((ProgramItem("chair-chin-tuck", 25, 3), ProgramItem("cat-cow", 20, 2)),
                                 frozenset({0, 2, 4}), False, "Little and often.", seeded), None)  # fmt: skip
    out = tmp_path / "program.pdf"
    made = backstretch("handout", "--program", "1", "-o", out)
    assert made.returncode == 0, made.stderr
    text = _text(out)
    assert "Your program" in text and "Program days: Monday, Wednesday, Friday." in text
    assert "Hold 25 s · 3 times" in text and "Little and often." in text
    missing = backstretch("handout", "--program", "7", "-o", tmp_path / "none.pdf")
    assert missing.returncode == 2 and "no program 7 of yours; your programs are: 1" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and not (tmp_path / "none.pdf").exists()


def test_a_handout_that_cannot_be_made_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "routine.pdf"
    none_yet = backstretch("handout", "-o", out)
    assert none_yet.returncode == 2 and "no profile yet" in none_yet.stderr and "Traceback" not in none_yet.stderr
    store = open_store(None)
    seed(store, date.today())
    bad_date = backstretch("handout", "-o", out, "--date", "25/11/2026")
    assert bad_date.returncode == 2 and "--date must look like 2026-11-24" in bad_date.stderr
    no_folder = backstretch("handout", "-o", tmp_path / "nowhere" / "routine.pdf")
    assert no_folder.returncode == 2 and "does not exist" in no_folder.stderr
    assert list(tmp_path.glob("**/*.pdf")) == [] and list(tmp_path.glob("**/.routine.pdf.*")) == []


def test_handout_refuses_when_the_safety_questions_do(tmp_path: Path) -> None:
    from backstretch.core.profile import Profile
    from backstretch.core.safety import QUESTIONS, Screening

    store = open_store(None)
    store.save_profile(Profile())
    store.add_screening(Screening(date.today(), {q.id: q.id == "bladder-bowel" for q in QUESTIONS}))
    refused = backstretch("handout", "-o", tmp_path / "routine.pdf")
    assert refused.returncode == 3 and "urgent" in refused.stderr.lower()
    assert not (tmp_path / "routine.pdf").exists()


def test_report_reads_in_a_minute_and_has_the_detail(seeded: date, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    made = backstretch("report", "-o", out, "--weeks", "4", "--name", "Ann Example")
    assert made.returncode == 0, made.stderr
    reader = PdfReader(out)
    text = _text(out)
    first = " ".join((reader.pages[0].extract_text() or "").split())
    assert "Stretching progress report" in first and "Ann Example" in first and "At a glance" in first
    # The one-minute summary: consistency and every measure against its important change, on the first page.
    assert "14 sessions (13 completed), 14 minutes, on 14 days" in first
    assert "Reach: 20 cm → 12 cm (change -8 cm): important change, better" in first
    assert "Pain:" in first and "Function:" in first
    assert "4.5 cm" in text and "2 points or 30 % of the start" in text
    # What hurt, and what the app changed because of it.
    names = {sid: json.loads(backstretch("stretches", "show", sid, "--json").stdout)["name"]
             for sid in (PAINFUL, EASIER)}  # fmt: skip
    assert names[PAINFUL] in text and "Left out of the planner's routines until" in text
    assert f"Easier variant done instead: {names[EASIER]}" in text
    assert "Back of the knee pulled." in text and "stiff after the drive" in text and "tight legs" in text
    assert "before a session" not in text  # the automatic note on a session's pain reading is not the person's
    assert "General advice, not a diagnosis" in text and len(reader.pages) >= 2
    assert _images(reader) == 0, "the charts must be vector drawings, not pictures"
    look(out, "report-a4")


def test_report_with_nothing_logged_says_so(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert backstretch("report", "-o", out, "--paper", "letter").returncode == 0
    text = _text(out)
    assert "0 sessions" in text and "no readings" in text and "No stretch was reported painful" in text
    bad = backstretch("report", "-o", out, "--weeks", "0")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_the_web_app_prints_the_same_sheets(seeded: date, tmp_path: Path) -> None:
    client = TestClient(create_app(None))
    today = client.get("/today?minutes=6")
    assert 'action="/today/handout.pdf"' in today.text and 'name="minutes" value="6"' in today.text
    sheet = client.get("/today/handout.pdf?minutes=6&paper=letter")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    assert _size(PdfReader(io.BytesIO(sheet.content))) == LETTER
    plan = client.get("/api/plan?minutes=6").json()
    assert all(item["name"] in _text(sheet.content) for item in plan["items"])
    assert 'action="/progress/report.pdf"' in client.get("/progress").text
    report = client.get("/progress/report.pdf?weeks=4")
    assert report.status_code == 200 and "At a glance" in _text(report.content)
    (tmp_path / "web-report.pdf").write_bytes(report.content)
    look(tmp_path / "web-report.pdf", "report-web")
    assert client.get("/progress/report.pdf?weeks=0").status_code == 422
    assert client.get("/today/handout.pdf?paper=a3").status_code == 422


def test_poppler_is_there_for_these_tests() -> None:
    assert shutil.which("pdftoppm"), "install poppler-utils (scripts/_env.sh does when run as root)"


def test_a_clinician_prints_a_patients_program_with_their_name(tmp_path: Path) -> None:
    from tests.test_authorization import Clinic

    clinic = Clinic(f"sqlite:///{tmp_path}/clinic.sqlite3")
    patient = clinic.people["patient"]
    clinician = clinic.client("clinician")
    page = f"/clinic/patients/{patient.id}"
    assert "handout.pdf" not in clinician.get(page).text  # nothing to print before a program
    open_store(clinic.url).for_person(patient.id).assign_program(
        Program((ProgramItem("chair-chin-tuck", 15, 2),), frozenset({1, 3}), True, "", date.today()), None
    )
    assert f'action="{page}/handout.pdf"' in clinician.get(page).text
    sheet = clinician.get(f"{page}/handout.pdf")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    text = _text(sheet.content)
    assert patient.name in text and "Program days: Tuesday, Thursday." in text and "Hold 15 s · 2 times" in text
    assert "Your clinician's program." in text and "for today" not in text  # the sheet serves every program day
    (tmp_path / "program.pdf").write_bytes(sheet.content)
    look(tmp_path / "program.pdf", "program-sheet")
    assert clinic.client("clinician-b").get(f"{page}/handout.pdf").status_code == 404
    report = clinician.get(f"{page}/report.pdf?weeks=2")
    assert report.status_code == 200 and f'href="{page}/report.pdf"' in clinician.get(page).text
    assert patient.name in _text(report.content) and "the 2 weeks to" in _text(report.content)
    assert clinic.client("clinician-b").get(f"{page}/report.pdf").status_code == 404


def _pressed_print(page: Page, address: str) -> bytes:
    """Press Print / PDF; the browser asks for this address and gets a PDF (which it shows in its own viewer)."""
    with page.expect_response(lambda r: r.url.endswith(address)) as answer:
        page.click("#print")
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
    # Chromium hands the PDF to its viewer, which keeps the body: fetch the same address in the same browser context.
    return page.request.get(answer.value.url).body()


def test_print_buttons_in_the_browser(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    """A person presses Print / PDF on Today and on Progress in real Chromium and gets the PDFs; the pages with the
    new forms still pass axe; Settings offers the FHIR bundle."""
    seed(open_store(f"sqlite:///{tmp_path / 'web.sqlite3'}"), date.today())
    page.goto(f"{live_server.url}/today?minutes=6")
    names = page.locator("#routine .name").all_inner_texts()
    expect(page.locator("#paper")).to_be_hidden()  # printing is to hand below the routine, not in the way
    page.locator("#print-routine summary").click()
    page.select_option("#paper", "letter")
    assert Axe().run(page).violations_count == 0
    sheet = _pressed_print(page, "/today/handout.pdf?minutes=6&paper=letter")
    assert _size(PdfReader(io.BytesIO(sheet))) == LETTER and all(n in _text(sheet) for n in names)
    page.goto(f"{live_server.url}/progress")
    assert Axe().run(page).violations_count == 0
    page.select_option("#weeks", "4")
    report = _pressed_print(page, "/progress/report.pdf?weeks=4&paper=a4")
    assert _size(PdfReader(io.BytesIO(report))) == A4 and "the 4 weeks to" in _text(report)
    page.goto(f"{live_server.url}/settings")
    with page.expect_download() as got:
        page.click("text=Download as FHIR (JSON)")
    data = json.loads(Path(got.value.path()).read_text("utf-8"))
    assert Bundle.model_validate(data).type == "collection"
    assert measures_from_bundle(data) == open_store(f"sqlite:///{tmp_path / 'web.sqlite3'}").measures()


def test_every_lesson_prints_from_the_command_line_and_the_web_app(tmp_path: Path) -> None:
    lessons = load_lessons()
    out = tmp_path / "lessons.pdf"
    made = backstretch("lessons", "print", "-o", out, "--paper", "letter")
    assert made.returncode == 0, made.stderr
    text = _text(out)
    assert _size(PdfReader(out)) == LETTER
    for n, lesson in enumerate(lessons, start=1):
        assert f"{n}.{lesson.title}" in text.replace(f"{n}. ", f"{n}."), lesson.title
        assert lesson.cites[0].source.split(",")[0] in text
    assert "Where this comes from".upper() in text.upper() and "General advice, not a diagnosis" in text
    look(out, "lessons-letter")
    client = TestClient(create_app(None))
    assert 'action="/lessons/print.pdf"' in client.get("/lessons").text
    sheet = client.get("/lessons/print.pdf")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    assert _size(PdfReader(io.BytesIO(sheet.content))) == A4 and lessons[-1].title in _text(sheet.content)
    assert client.get("/lessons/print.pdf?paper=a3").status_code == 422
