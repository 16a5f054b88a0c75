"""Export and import through the real command line: everything comes back, and a bad file changes nothing."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from backstretch.app.routine import item_json
from backstretch.core import measures
from backstretch.core.breaks import BreakSettings
from backstretch.core.consistency import EARLIEST_DAY
from backstretch.core.planner import PlanItem, item_seconds
from backstretch.core.profile import Profile
from backstretch.core.reminders import BREAK_MINUTES, EVERY_MAX, EVERY_MIN
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.spreadsheet import FORMULA_STARTS
from backstretch.core.timeline import Step, StepKind
from backstretch.library import load_catalogue
from backstretch.store import open_store
from backstretch.store.transfer import (
    COLUMNS,
    NOT_EXPORTED,
    TABLES,
    TransferError,
    check_document,
    export_data,
    from_csv,
    from_json,
    import_data,
    to_csv,
    to_json,
)
from backstretch.web.app import create_app
from tests.helpers import backstretch
from tests.strategies import measures as any_measure

NO_BREAKS_OR_LESSONS: dict[str, Any] = {"break_settings": None, "break_events": [], "lessons_read": []}


def a_document(**records: Any) -> dict[str, Any]:
    """An export holding only these records (and anything else given), the rest empty, as an export writes it."""
    return {"format": "backstretch", "version": 1, "exported_at": "2026-11-24T08:00:00+01:00", "profile": None,
            "screenings": [], "sessions": [], "measures": [], **NO_BREAKS_OR_LESSONS, **records}  # fmt: skip


NOTE = 'Felt "loose", then tight;\nback of the leg — zäh 😊, 50 % better'


def real_item(stretch_id: str, reps: int) -> dict[str, Any]:
    """A plan item as the players store it."""
    stretch = load_catalogue()[stretch_id]
    hold = stretch.hold_seconds.default
    return item_json(PlanItem(stretch=stretch.id, name=stretch.name, hold_seconds=hold, reps=reps,
                              sides=2 if stretch.per_side else 1, position=stretch.position,
                              regions=stretch.regions.primary, spinal_movement=stretch.spinal_movement,
                              seconds=item_seconds(hold, reps, stretch.per_side)))  # fmt: skip


def seed(url: str) -> None:
    """A realistic history: two screenings, sessions that ended every way, every feeling, every measure."""
    store = open_store(url)
    store.save_profile(Profile.model_validate({
        "minutes": 10, "pain_areas": ["lower-back", "neck"], "equipment": ["chair", "wall", "strap"],
        "conditions": ["osteoporosis"], "age_band": "50-64", "likes_yoga": True, "stretch_days": ["mon", "wed"],
    }))  # fmt: skip
    no = {q.id: False for q in QUESTIONS}
    store.add_screening(Screening(date(2026, 10, 1), {**no, "cancer": True}, cleared_on=date(2026, 10, 3)))
    store.add_screening(Screening(date(2026, 11, 1), no))
    plan = {"items": [real_item("chair-chin-tuck", reps=2), real_item("doorway-hamstring", reps=1)]}

    def steps(session: int, stretch: str, outcomes: list[str]) -> None:
        store.record_step(session, Step(0, StepKind.CHECKLIST, 0, 30, "Before you start"), 30, "done")
        for n, outcome in enumerate(outcomes, start=1):
            side = "right" if n % 2 else "left"
            store.record_step(session, Step(n * 2 - 1, StepKind.MOVE_IN, 0, 5, "Move in", stretch=stretch,
                                            side=side, rep=1), 5.0, "done")  # fmt: skip
            store.record_step(session, Step(n * 2, StepKind.HOLD, 0, 20, "Hold", stretch=stretch, side=side,
                                            rep=1), 12.3456 + n / 3, outcome)  # fmt: skip

    first = store.start_session(date(2026, 11, 2), plan, pain_before=4)
    steps(first, "chair-chin-tuck", ["done", "done"])
    store.report_feeling(first, date(2026, 11, 2), "chair-chin-tuck", "just-a-stretch")
    store.report_feeling(first, date(2026, 11, 2), "doorway-hamstring", "uncomfortable")
    store.finish_session(first, "completed", pain_after=3, note=NOTE)
    second = store.start_session(date(2026, 11, 3), plan, pain_before=5)
    steps(second, "doorway-hamstring", ["stopped"])
    store.report_feeling(second, date(2026, 11, 3), "doorway-hamstring", "sharp")
    store.finish_session(second, "stopped")
    third = store.start_session(date(2026, 11, 4), plan, pain_before=None)
    steps(third, "chair-chin-tuck", ["done", "skipped"])
    store.report_feeling(third, date(2026, 11, 4), "chair-chin-tuck", "painful")
    store.finish_session(third, "partial", pain_after=4, note="quit: phone rang")
    fourth = store.start_session(date(2026, 11, 5), plan, pain_before=2)  # the player died: still in progress
    steps(fourth, "chair-chin-tuck", ["done"])
    store.add_measure(measures.pain(3, date(2026, 11, 2), morning=True, note="on waking, stiff"))
    store.add_measure(measures.pain(6, date(2026, 11, 3), note=NOTE))
    store.add_measure(measures.function([("putting on socks", 4), ('sitting "through" a meeting, 1 h', 7)],
                                        date(2026, 11, 2), note="ça va"))  # fmt: skip
    store.add_measure(measures.function([("lifting the shopping", 3)], date(2026, 11, 4)))
    store.add_measure(measures.reach(-3.5, date(2026, 11, 2), note="stood on a step,\r\npast my toes"))
    store.add_measure(measures.reach(12.7, date(2026, 11, 4), unit="in"))
    store.save_break_settings(BreakSettings(45, time(8, 30), time(16, 15), frozenset({0, 2, 4})))
    store.pause_breaks(datetime(2026, 11, 5, 13, 0))
    for kind, stretch, at in (("offered", "chair-chin-tuck", datetime(2026, 11, 2, 10, 15)),
                              ("snoozed", "chair-chin-tuck", datetime(2026, 11, 2, 10, 16)),
                              ("skipped", "", datetime(2026, 11, 3, 14, 0)),
                              ("started", "seated-chair-twist", datetime(2026, 11, 4, 11, 30))):  # fmt: skip
        store.add_break_event(kind, stretch, at)
    store.mark_lesson_read("a-few-minutes-every-day", date(2026, 11, 2))
    store.mark_lesson_read("hurt-is-not-always-harm", date(2026, 11, 4))


def url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def source(database_url: str) -> str:
    """The seeded database, on SQLite and on PostgreSQL: imports go from it and into it."""
    seed(database_url)
    return database_url


def export(db: str, *args: str | Path) -> str:
    result = backstretch("export", "--db", db, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def export_csv(db: str, path: Path) -> bytes:
    """To a file: reading standard output as text would turn the "\\r\\n" inside a quoted note into "\\n"."""
    export(db, "--format", "csv", "-o", path)
    return path.read_bytes()


def snapshot(db: str) -> dict[str, Any]:
    """The database as an export holds it, read in this process (starting the program takes seconds)."""
    document = export_data(open_store(db))
    del document["exported_at"]
    return document


def without_time(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    assert isinstance(document.pop("exported_at"), str)
    return document


def counts(db: str) -> dict[str, int]:
    store = open_store(db)
    with store.session() as s:
        return {name: s.scalar(select(func.count()).select_from(table)) or 0 for name, table in TABLES.items()}


def words(text: str) -> str:
    """The terminal wraps long messages; compare them as one line."""
    return " ".join(text.split())


def test_every_column_of_every_table_is_exported() -> None:
    """All but the owner: an export is one person's, and an import becomes the importing person's."""
    for record, table in TABLES.items():
        assert COLUMNS[record] == tuple(c.name for c in table.__table__.columns if c.name not in NOT_EXPORTED), record


def test_json_export_imports_into_an_empty_database_and_exports_identically(source: str, tmp_path: Path) -> None:
    first = tmp_path / "backup.json"
    result = backstretch("export", "--db", source, "-o", first)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", "with -o, standard output stays clean"
    assert "1 profile, 2 screenings, 4 sessions (16 steps, 4 reports), 6 measures" in words(result.stderr)
    document = without_time(first.read_text("utf-8"))
    assert [s["status"] for s in document["sessions"]] == ["completed", "stopped", "partial", "in-progress"]
    assert document["sessions"][0]["note"] == NOTE
    assert {r["feeling"] for s in document["sessions"] for r in s["reports"]} == {
        "just-a-stretch", "uncomfortable", "painful", "sharp"}  # fmt: skip

    target = url(tmp_path / "target.sqlite3")
    result = backstretch("import", first, "--db", target)
    assert result.returncode == 0, result.stderr
    assert "Imported 1 profile" in result.stderr
    assert without_time(export(target)) == document
    assert counts(target) == counts(source)
    # The app reads the imported data exactly as it read the original.
    old, new = open_store(source), open_store(target)
    assert new.load_profile() == old.load_profile()
    assert new.latest_screening() == old.latest_screening()
    assert new.history() == old.history()
    assert new.measures() == old.measures()
    assert new.planner_history(date(2026, 11, 6)) == old.planner_history(date(2026, 11, 6))
    # Desk breaks and lessons too: the hours and the pause, what happened to each break, and what was read when.
    assert new.load_break_settings() == old.load_break_settings()
    assert new.load_break_settings()[1] == datetime(2026, 11, 5, 13, 0)
    assert new.break_history_rows(date(2026, 11, 1)) == old.break_history_rows(date(2026, 11, 1))
    assert new.lessons_read() == old.lessons_read() == {"a-few-minutes-every-day": date(2026, 11, 2),
                                                        "hurt-is-not-always-harm": date(2026, 11, 4)}  # fmt: skip
    assert "1 desk-break setting, 4 desk-break events, 2 lessons read" in words(result.stderr)


def test_csv_export_imports_and_exports_identically(source: str, tmp_path: Path) -> None:
    path = tmp_path / "backup.csv"
    first = export_csv(source, path)
    assert first.startswith(b"record,id,session_id,") and b'"stood on a step,\r\npast my toes"' in first
    target = url(tmp_path / "target.sqlite3")
    result = backstretch("import", path, "--db", target)
    assert result.returncode == 0, result.stderr
    second = export_csv(target, tmp_path / "again.csv")
    drop_time = [line for line in first.split(b"\r\n") if not line.startswith(b"export,")]
    assert [line for line in second.split(b"\r\n") if not line.startswith(b"export,")] == drop_time
    assert snapshot(target) == snapshot(source)
    # Piped to standard output it is the same file.
    piped = export(source, "--format", "csv")
    assert piped.startswith("record,id,") and piped.count("\n") == first.count(b"\n")


def test_json_to_csv_to_json_gives_the_same_document(source: str, tmp_path: Path) -> None:
    text = export(source)  # standard output, as a pipe gets it
    original = without_time(text)
    (tmp_path / "a.json").write_text(text, "utf-8")
    middle = url(tmp_path / "middle.sqlite3")
    assert backstretch("import", tmp_path / "a.json", "--db", middle).returncode == 0
    # No extension: the format is sniffed.
    export_csv(middle, tmp_path / "b")
    last = url(tmp_path / "last.sqlite3")
    result = backstretch("import", tmp_path / "b", "--db", last)
    assert result.returncode == 0, result.stderr
    assert snapshot(last) == original
    read_back = from_csv((tmp_path / "b").read_bytes().decode("utf-8"))
    read_back.pop("exported_at")
    assert read_back == original


@st.composite
def measure_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    found = []
    for n in range(1, draw(st.integers(0, 8)) + 1):
        # The import refuses NUL and days the pages refuse (in the future, before 1970), as the API does.
        measure = draw(any_measure(EARLIEST_DAY, date.today()).filter(lambda m: "\x00" not in m.note))
        value = measure.value
        found.append({"id": n, "kind": measure.kind.value, "taken_on": measure.on.isoformat(), "value": value,
                      "activities": [a.model_dump() for a in measure.activities], "morning": measure.morning,
                      "note": measure.note, "recorded_at": draw(st.datetimes()).isoformat(),
                      "stretch": measure.stretch})  # fmt: skip
    return found


@settings(max_examples=150, deadline=None)
@given(measure_records())
def test_any_valid_measures_round_trip_through_csv_exactly(records: list[dict[str, Any]]) -> None:
    document = a_document(measures=records)
    assert from_csv(to_csv(document)) == document


# --- refusals ----------------------------------------------------------------------------------------------------


def _pain_11(d: dict[str, Any]) -> None:
    d["sessions"][2]["pain_before"] = 11


def _bad_kind(d: dict[str, Any]) -> None:
    d["measures"][3]["kind"] = "weight"


def _bad_outcome(d: dict[str, Any]) -> None:
    d["sessions"][1]["steps"][2]["outcome"] = "maybe"


def _orphan_step(d: dict[str, Any]) -> None:
    d["sessions"][1]["steps"][0]["session_id"] = 99


def _duplicate_id(d: dict[str, Any]) -> None:
    d["measures"][4]["id"] = d["measures"][1]["id"]


def _wrong_version(d: dict[str, Any]) -> None:
    d["version"] = 2


def _two_problems(d: dict[str, Any]) -> None:
    d["measures"][0]["value"] = 11.0  # found second
    d["screenings"][1]["answers"]["cancer"] = "yes"  # found first


def _bad_function_mean(d: dict[str, Any]) -> None:
    d["measures"][2]["value"] = 9.0


REFUSALS = {
    "pain 11": (_pain_11, "sessions[2] (id 3): field 'pain_before': must be less than or equal to 10; got 11"),
    "measure kind": (_bad_kind, "measures[3] (id 4): field 'kind': must be one of pain, function, reach, rom, "
                                "leg_pain, global_change, rmdq, odi, ndi, peg; got 'weight'"),
    "outcome": (_bad_outcome, "sessions[1] (id 2): steps[2] (id 8): field 'outcome': must be one of done, skipped, "
                              "stopped; got 'maybe'"),
    "orphan step": (_orphan_step, "sessions[1] (id 2): steps[0] (id 6): field 'session_id': is 99, but the step is "
                                  "listed under session 2"),
    "duplicate id": (_duplicate_id, "measures[4] (id 2): field 'id': 2 is used twice; the first is measures[1]"),
    "version": (_wrong_version, "this export is format version 2; this backstretch reads version 1 only"),
    "first of two": (_two_problems, "screenings[1] (id 2): field 'answers.cancer': must be a valid boolean; "
                                    "got 'yes'"),
    "function mean": (_bad_function_mean, "measures[2] (id 3): a function value must be the mean of its "
                                          "activities' scores"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_file_with_one_bad_record_is_refused_whole(case: str, source: str, tmp_path: Path) -> None:
    spoil, message = REFUSALS[case]
    document = export_data(open_store(source))
    spoil(document)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), "utf-8")
    empty = url(tmp_path / "empty.sqlite3")
    result = backstretch("import", bad, "--db", empty)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert message in words(result.stderr)
    assert "nothing was imported" in words(result.stderr)
    assert not any(counts(empty).values())
    # Even when asked to replace, the data already there survives a bad file untouched.
    before = snapshot(source)
    result = backstretch("import", bad, "--replace", "--db", source)
    assert result.returncode == 2 and message in words(result.stderr)
    assert snapshot(source) == before


def csv_lines(db: str) -> list[str]:
    return to_csv(export_data(open_store(db))).split("\r\n")


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda row: row.replace("session,3,", "sesion,3,", 1),
         "unknown record type 'sesion'; the record types are export, profile, screening, session, step, report, "
         "measure"),
        (lambda row: row.replace("step,11,3,", "step,11,99,", 1),
         "(step id 11): field 'session_id': there is no session with id 99 in the file"),
        (lambda row: row.replace(",2026-11-04,", ",4 Nov,", 1) if row.startswith("session,3,") else row,
         "(session id 3): field 'day': must be a date like 2026-11-24; got '4 Nov'"),
    ],
)  # fmt: skip
def test_a_csv_file_names_the_line_of_its_first_bad_record(spoil: Any, message: str, source: str,
                                                             tmp_path: Path) -> None:  # fmt: skip
    lines = csv_lines(source)
    spoiled = [spoil(line) for line in lines]
    assert spoiled != lines
    bad_line = next(n for n, (a, b) in enumerate(zip(lines, spoiled, strict=True), start=1) if a != b)
    bad = tmp_path / "bad.csv"
    bad.write_text("\r\n".join(spoiled), "utf-8", newline="")
    empty = url(tmp_path / "empty.sqlite3")
    result = backstretch("import", bad, "--db", empty)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    # Line numbers count the note's line break in session 1, so they match what an editor shows.
    assert f"line {bad_line + 1}" in words(result.stderr)
    assert message in words(result.stderr)
    assert not any(counts(empty).values())


def test_unreadable_or_foreign_files_give_one_clear_line(source: str, tmp_path: Path) -> None:
    empty = url(tmp_path / "empty.sqlite3")
    truncated = tmp_path / "cut.json"
    truncated.write_text(to_json(export_data(open_store(source)))[:500], "utf-8")
    other = tmp_path / "notes.txt"
    other.write_text("shopping: milk, eggs\n", "utf-8")
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"format": "something-else", "version": 1}), "utf-8")
    header_only = tmp_path / "header.csv"
    header_only.write_text("record,id\nprofile,1\n", "utf-8")
    cases = [
        (truncated, "cut.json: not valid JSON:"),
        (tmp_path / "missing.json", "cannot read"),
        (other, "notes.txt: not a backstretch export"),
        (foreign, "not a backstretch export: \"format\" is 'something-else'"),
        (header_only, "line 1: the column 'session_id' is missing"),
        (tmp_path, "cannot read"),
    ]
    for path, message in cases:
        result = backstretch("import", path, "--db", empty)
        assert result.returncode == 2, path
        assert "Traceback" not in result.stderr
        assert message in words(result.stderr), (path, result.stderr)
        assert len(result.stderr.strip().splitlines()) <= 4, "one message, wrapped at most"
    assert not any(counts(empty).values())


def test_importing_over_existing_data_needs_replace(source: str, tmp_path: Path) -> None:
    smaller = url(tmp_path / "smaller.sqlite3")
    store = open_store(smaller)
    store.save_profile(Profile(minutes=20))
    store.add_measure(measures.reach(5, date(2026, 12, 1), note="new machine"))
    path = tmp_path / "smaller.json"
    path.write_text(to_json(export_data(store)), "utf-8")
    before = snapshot(source)

    result = backstretch("import", path, "--db", source)
    assert result.returncode == 2
    assert "already holds data" in words(result.stderr) and "--replace" in result.stderr
    assert snapshot(source) == before

    result = backstretch("import", path, "--replace", "--db", source)
    assert result.returncode == 0, result.stderr
    assert snapshot(source) == without_time(path.read_text("utf-8"))
    assert counts(source) == {
        "profile": 1,
        "screening": 0,
        "session": 0,
        "step": 0,
        "report": 0,
        "measure": 1,
        "break_settings": 0,
        "break_event": 0,
        "lesson_read": 0,
    }, "replaced, breaks too"
    profile = open_store(source).load_profile()
    assert profile is not None and profile.minutes == 20
    # New rows after an import continue after the imported ids.
    later = open_store(source).add_measure(measures.pain(2, date(2026, 12, 2)))
    assert later == 2


def test_import_reads_standard_input_and_exports_an_empty_database(tmp_path: Path) -> None:
    empty = url(tmp_path / "empty.sqlite3")
    text = export(empty)
    assert without_time(text) == {"format": "backstretch", "version": 1, "profile": None, "screenings": [],
                                  "sessions": [], "measures": [], **NO_BREAKS_OR_LESSONS}  # fmt: skip
    result = backstretch("import", "-", "--db", url(tmp_path / "other.sqlite3"), stdin=text)
    assert result.returncode == 0, result.stderr
    assert datetime.fromisoformat(json.loads(text)["exported_at"]).tzinfo is not None


@pytest.mark.parametrize(("spoil", "message"), [
    (lambda i: i.pop("name"), "field 'plan.items.0.name': is missing"),
    (lambda i: i.update(hold_seconds="20"), "field 'plan.items.0.hold_seconds': must be a whole number"),
    (lambda i: i.update(reps=0), "field 'plan.items.0.reps': must be greater than or equal to 1"),
    (lambda i: i.update(sides=3), "field 'plan.items.0.sides'"),
    (lambda i: i.update(position="upside-down"), "field 'plan.items.0.position'"),
    (lambda i: i.update(regions=["elbow"]), "field 'plan.items.0.regions.0'"),
    (lambda i: i.update(colour="red"), "field 'plan.items.0.colour': is not a known field"),
])  # fmt: skip
def test_a_session_plan_the_players_cannot_read_is_refused(spoil: Any, message: str, source: str,
                                                           tmp_path: Path) -> None:  # fmt: skip
    document = export_data(open_store(source))
    spoil(document["sessions"][1]["plan"]["items"][0])
    target = url(tmp_path / "target.sqlite3")
    with pytest.raises(TransferError) as refused:
        import_data(open_store(target), document)
    assert str(refused.value).startswith("sessions[1] (id 2): ") and message in str(refused.value), refused.value
    assert sum(counts(target).values()) == 0
    # The reported case: a plan item with only a stretch.
    document["sessions"][1]["plan"] = {"items": [{"stretch": "x"}]}
    with pytest.raises(TransferError, match=r"sessions\[1\] \(id 2\): field 'plan.items.0.name': is missing"):
        import_data(open_store(target), document)


def test_an_export_after_real_sessions_imports(tmp_path: Path) -> None:
    """Whatever the web player, a desk break and the terminal player store as a plan imports again."""
    db = url(tmp_path / "real.sqlite3")
    store = open_store(db)
    store.save_profile(Profile(minutes=5))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    client = TestClient(create_app(db))
    session = client.post("/api/sessions", json={"minutes": 5, "pain_before": 2}).json()
    for step in session["steps"][:3]:
        client.post(f"/api/sessions/{session['id']}/steps", json={"index": step["index"], "seconds": 1,
                                                                  "outcome": "done"})  # fmt: skip
    client.post(f"/api/sessions/{session['id']}/finish", json={"status": "partial"})
    desk = client.get("/api/desk/next").json()
    assert client.post("/api/desk/breaks", json={"stretch": desk["stretch"], "seconds": 20}).status_code == 201
    # The terminal player stores the plan it shows in the same form (backstretch.cli.player).
    store.start_session(date.today(), {"items": [real_item("doorway-hamstring", reps=2)]}, None)
    document = export_data(store)
    assert len(document["sessions"]) == 3 and document["sessions"][1]["plan"].get("desk_break") is True
    target = open_store(url(tmp_path / "target.sqlite3"))
    import_data(target, document)
    assert export_data(target)["sessions"] == document["sessions"]


def test_a_number_too_long_to_read_is_a_clear_error(tmp_path: Path) -> None:
    text = '{"format": "backstretch", "version": 1, "n": ' + "9" * 5000 + "}"
    with pytest.raises(TransferError, match="too long to read"):
        from_json(text)
    path = tmp_path / "huge.json"
    path.write_text(text, encoding="utf-8")
    result = backstretch("import", path, "--db", url(tmp_path / "target.sqlite3"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "too long to read" in words(result.stderr)
    upload = TestClient(create_app(url(tmp_path / "web.sqlite3"))).post(
        "/settings/import", files={"file": ("huge.json", text.encode())}
    )
    assert upload.status_code == 422 and "too long to read" in upload.text


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00")), st.text(alphabet="=+-@\t\r'abc1 ", max_size=4))
def test_no_exported_cell_is_a_formula_and_every_note_reads_back_as_typed(tail: str, head: str) -> None:
    """CSV injection: text a spreadsheet would run (=, +, -, @, tab, carriage return first) is written as text, and
    the import gives back exactly what was typed."""
    note = head + tail
    measure = {"id": 1, "kind": "pain", "taken_on": "2026-11-20", "value": 3.0, "activities": [], "morning": False,
               "note": note, "recorded_at": "2026-11-20T08:00:00", "stretch": None}  # fmt: skip
    document = a_document(measures=[measure])
    text = to_csv(document)
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:  # a number alone ("-3.5") is a number to a spreadsheet, not a formula
            assert not cell.startswith(FORMULA_STARTS) or re.fullmatch(r"[+-][0-9.eE+-]+", cell), cell
    assert from_csv(text)["measures"][0]["note"] == note


def test_an_import_with_a_nul_character_is_refused_whole() -> None:
    """The pages and the API never take a NUL character (PostgreSQL cannot store one); neither does an import."""
    measure = {"id": 1, "kind": "pain", "taken_on": "2026-11-20", "value": 3.0, "activities": [], "morning": False,
               "note": "left\x00hip", "recorded_at": "2026-11-20T08:00:00", "stretch": None}  # fmt: skip
    document = a_document(measures=[measure])
    with pytest.raises(TransferError, match="NUL character"):
        check_document(from_json(json.dumps(document)))


def _one_record_document(day: date) -> dict[str, Any]:
    """A backup with one safety check, one session with a feeling, and one pain reading, all dated `day`."""
    on, at = day.isoformat(), f"{day.isoformat()}T08:00:00"
    no = {q.id: False for q in QUESTIONS}
    return {"format": "backstretch", "version": 1, "exported_at": None, "profile": None,
            "screenings": [{"id": 1, "taken_on": on, "answers": no, "cleared_on": None, "note": ""}],
            "sessions": [{"id": 1, "day": on, "started_at": at, "ended_at": at, "status": "completed",
                          "plan": {"items": []}, "pain_before": None, "pain_after": None, "note": "",
                          "client_key": None, "steps": [],
                          "reports": [{"id": 1, "session_id": 1, "day": on, "stretch": "cat-stretch",
                                       "feeling": "painful", "reported_at": at}]}],
            "measures": [{"id": 1, "kind": "pain", "taken_on": on, "value": 3.0, "activities": [], "morning": False,
                          "note": "", "recorded_at": at, "stretch": ""}],
            "break_events": [{"id": 1, "day": on, "at": at, "kind": "started", "stretch": "chair-chin-tuck"}],
            "lessons_read": [{"id": 1, "slug": "hurt-is-not-always-harm", "read_on": on, "read_at": at}]}  # fmt: skip


def _dated(document: dict[str, Any], record: str, day: date) -> dict[str, Any]:
    """The document with one record's day moved to `day`."""
    if record == "screening":
        document["screenings"][0]["taken_on"] = day.isoformat()
    elif record == "cleared":
        document["screenings"][0]["cleared_on"] = day.isoformat()
    elif record == "session":
        document["sessions"][0]["day"] = day.isoformat()
    elif record == "report":
        document["sessions"][0]["reports"][0]["day"] = day.isoformat()
    elif record == "break":
        document["break_events"][0]["day"] = day.isoformat()
    elif record == "lesson":
        document["lessons_read"][0]["read_on"] = day.isoformat()
    else:
        document["measures"][0]["taken_on"] = day.isoformat()
    return document


DATED = {
    "screening": "screenings[0] (id 1): field 'taken_on':",
    "cleared": "screenings[0] (id 1): field 'cleared_on':",
    "session": "sessions[0] (id 1): field 'day':",
    "report": "sessions[0] (id 1): reports[0] (id 1): field 'day':",
    "measure": "measures[0] (id 1): field 'taken_on':",
    "break": "break_events[0] (id 1): field 'day':",
    "lesson": "lessons_read[0] (id 1): field 'read_on':",
}


@pytest.mark.parametrize("record", list(DATED))
@pytest.mark.parametrize(("days", "problem"), [(3, "is in the future"), (-365 * 60, "is before 1970")])
def test_an_import_refuses_the_days_the_pages_refuse(record: str, days: int, problem: str, tmp_path: Path) -> None:
    """A day in the future or before 1970 is refused whole, naming the record, as the pages and the API do."""
    today = date.today()
    document = _dated(_one_record_document(today - timedelta(days=30)), record, today + timedelta(days=days))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), "utf-8")
    empty = url(tmp_path / "empty.sqlite3")
    result = backstretch("import", bad, "--db", empty)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert DATED[record] in words(result.stderr) and problem in words(result.stderr), result.stderr
    assert not re.search(r"\d{4}-\d\d-\d\d", words(result.stderr).split(":", 2)[-1])  # the day in words
    assert not any(counts(empty).values())


def test_a_backup_from_a_computer_a_day_ahead_imports(tmp_path: Path) -> None:
    """Time zones put another computer's date up to a day ahead of this one's: its today is not the future."""
    document = _one_record_document(date.today() + timedelta(days=1))
    assert check_document(from_json(json.dumps(document))).total == 6


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_whatever_day_the_api_refuses_for_a_reading_the_import_refuses(day: date) -> None:
    """One rule for the day a reading was taken, on every way in (bar the day of time-zone slack)."""
    if day == date.today() + timedelta(days=1):
        return
    store_url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'api.sqlite3'}"
    api = TestClient(create_app(store_url)).post("/api/measures", json={"kind": "pain", "value": 3,
                                                                       "date": day.isoformat()})  # fmt: skip
    try:
        check_document(
            from_json(
                json.dumps(
                    _one_record_document(day)
                    | {"screenings": [], "sessions": [], "break_events": [], "lessons_read": []}
                )
            )
        )
        imported = True
    except TransferError:
        imported = False
    assert (api.status_code == 201) == imported, (day, api.status_code, api.text)


# --- desk breaks and lessons read ------------------------------------------------------------------------------


@st.composite
def breaks_and_lessons(draw: st.DrawFn) -> dict[str, Any]:
    """Valid desk-break settings (or none), break events and lessons read, as an export writes them."""
    moments = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).map(lambda d: d.isoformat())
    settings_record = None
    if draw(st.booleans()):
        every = draw(st.integers(EVERY_MIN, EVERY_MAX))
        start = draw(st.integers(0, 20 * 60))
        end = draw(st.integers(start + every + BREAK_MINUTES, 24 * 60 - 1))
        settings_record = {"id": draw(st.integers(1, 10**6)), "every": every,
                           "work_from": f"{start // 60:02}:{start % 60:02}", "work_to": f"{end // 60:02}:{end % 60:02}",
                           "days": sorted(draw(st.sets(st.integers(0, 6), min_size=1))),
                           "paused_until": draw(st.none() | moments), "updated_at": draw(moments)}  # fmt: skip
    events = []
    for n in range(1, draw(st.integers(0, 6)) + 1):
        at = draw(st.datetimes(datetime(2020, 1, 1), datetime.combine(date.today(), time())))  # days done: not ahead
        events.append({"id": n, "day": at.date().isoformat(), "at": at.isoformat(),
                       "kind": draw(st.sampled_from(["offered", "started", "snoozed", "skipped"])),
                       "stretch": draw(st.sampled_from(["", "chair-chin-tuck", "seated-chair-twist"]))})  # fmt: skip
    slugs = draw(st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,40}", fullmatch=True), max_size=5, unique=True))
    read = [{"id": n, "slug": slug, "read_on": draw(st.dates(date(2020, 1, 1), date.today())).isoformat(),
             "read_at": draw(moments)} for n, slug in enumerate(slugs, start=1)]  # fmt: skip
    return {"break_settings": settings_record, "break_events": events, "lessons_read": read}


PROPERTY_DATABASE = f"sqlite:///{tempfile.mkdtemp(prefix='backstretch-transfer-')}/breaks.sqlite3"


@settings(max_examples=150, deadline=None)
@given(breaks_and_lessons())
def test_any_desk_breaks_and_lessons_read_round_trip_through_csv_and_a_database(found: dict[str, Any]) -> None:
    document = a_document(**found)
    assert from_csv(to_csv(document)) == document
    store = open_store(PROPERTY_DATABASE)
    imported = import_data(store, from_json(json.dumps(document)), replace=True)
    assert (imported.break_settings, imported.break_events, imported.lessons_read) == (
        int(found["break_settings"] is not None),
        len(found["break_events"]),
        len(found["lessons_read"]),
    )
    again = export_data(store)
    again["exported_at"] = document["exported_at"]
    assert again == document


def test_an_export_from_before_desk_breaks_and_lessons_still_imports(tmp_path: Path) -> None:
    old = {"format": "backstretch", "version": 1, "exported_at": "2026-01-05T08:00:00+01:00", "profile": None,
           "screenings": [], "sessions": [], "measures": []}  # fmt: skip
    store = open_store(url(tmp_path / "old.sqlite3"))
    assert import_data(store, old).total == 0
    assert export_data(store)["lessons_read"] == [] and export_data(store)["break_settings"] is None
    # The CSV form as it was then: without the columns desk breaks and lessons added.
    later = {"every", "work_from", "work_to", "days", "paused_until", "at", "slug", "read_on", "read_at"}
    rows = list(csv.reader(io.StringIO(to_csv(old), newline="")))
    keep = [i for i, column in enumerate(rows[0]) if column not in later]
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([[row[i] for i in keep] for row in rows])
    assert len(keep) == len(rows[0]) - len(later)
    assert from_csv(buffer.getvalue())["break_events"] == []


def _with(found: dict[str, Any], spoil: Any) -> dict[str, Any]:
    document = a_document(exported_at=None, **found)
    spoil(document)
    return document


BREAKS_AND_LESSONS = {
    "break_settings": {"id": 1, "every": 45, "work_from": "08:30", "work_to": "16:15", "days": [0, 2, 4],
                       "paused_until": None, "updated_at": "2026-11-02T09:00:00"},
    "break_events": [{"id": 1, "day": "2026-11-02", "at": "2026-11-02T10:15:00", "kind": "offered",
                      "stretch": "chair-chin-tuck"}],
    "lessons_read": [{"id": 1, "slug": "a-few-minutes-every-day", "read_on": "2026-11-02",
                      "read_at": "2026-11-02T12:00:00"},
                     {"id": 2, "slug": "hurt-is-not-always-harm", "read_on": "2026-11-03",
                      "read_at": "2026-11-03T12:00:00"}],
}  # fmt: skip


@pytest.mark.parametrize(("spoil", "message"), [
    (lambda d: d["break_settings"].update(every=5), "break_settings: desk breaks must come every 30 to"),
    (lambda d: d["break_settings"].update(work_from="8.30"),
     "break_settings: field 'work_from': must be a time on the 24-hour clock, like 09:00; got '8.30'"),
    (lambda d: d["break_settings"].update(days=[]), "break_settings: choose at least one work day"),
    (lambda d: d["break_events"][0].update(kind="ignored"),
     "break_events[0] (id 1): field 'kind': must be one of offered, started, snoozed, skipped; got 'ignored'"),
    (lambda d: d["lessons_read"][1].update(slug="a-few-minutes-every-day"),
     "lessons_read[1] (id 2): field 'slug': the lesson 'a-few-minutes-every-day' is marked read twice; the first "
     "is lessons_read[0]"),
    (lambda d: d.update(lessons_read={}), "the top-level field 'lessons_read' must be a list"),
])  # fmt: skip
def test_a_bad_desk_break_or_lesson_record_is_named_and_nothing_is_written(spoil: Any, message: str,
                                                                         tmp_path: Path) -> None:  # fmt: skip
    store = open_store(url(tmp_path / "target.sqlite3"))
    document = _with(json.loads(json.dumps(BREAKS_AND_LESSONS)), spoil)
    with pytest.raises(TransferError) as refused:
        import_data(store, document)
    assert message in str(refused.value), refused.value
    assert sum(counts(url(tmp_path / "target.sqlite3")).values()) == 0


def test_the_web_export_and_import_carry_desk_breaks_and_lessons(source: str, tmp_path: Path) -> None:
    exported = TestClient(create_app(source)).get("/api/export").json()
    assert exported["break_settings"]["every"] == 45 and len(exported["break_events"]) == 4
    assert [r["slug"] for r in exported["lessons_read"]] == ["a-few-minutes-every-day", "hurt-is-not-always-harm"]
    target = url(tmp_path / "web-target.sqlite3")
    client = TestClient(create_app(target))
    sent = client.post("/settings/import", files={"file": ("backup.json", json.dumps(exported), "application/json")})
    assert sent.status_code in (200, 303), sent.text
    assert open_store(target).lessons_read() == open_store(source).lessons_read()
    assert open_store(target).load_break_settings() == open_store(source).load_break_settings()
