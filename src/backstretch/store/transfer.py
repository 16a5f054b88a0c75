"""Everything the person has stored, out to one JSON or CSV file and back in again.

A backup that drops a field, or an import that stops halfway, is worse than none. So an export holds every
column of every row, ids included, and an import checks the whole file first, names the first bad record, and
only then writes it, in one transaction, so a problem anywhere means nothing is written.

The JSON document is the reference form; a CSV file is read back into exactly the same document, and both go
through the same checks. JSON places are counted from 0 (``sessions[3]`` is the fourth session), as in ``jq``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError, field_validator
from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstretch.core.breaks import BreakSettings
from backstretch.core.consistency import day_done_problem
from backstretch.core.measures import Measure, MeasureKind
from backstretch.core.profile import Profile
from backstretch.core.safety import ScreeningError, validate_stored_answers
from backstretch.core.spreadsheet import SafeWriter, plain_cell
from backstretch.core.timeline import StepKind
from backstretch.core.vocab import Position, Region, SpinalMovement
from backstretch.core.words import day_words
from backstretch.store.database import BREAK_EVENTS, FEELINGS, Store
from backstretch.store.models import (
    MAX_ID,
    Base,
    BreakEventRow,
    BreakSettingsRow,
    LessonReadRow,
    MeasureRow,
    ProfileRow,
    ReportRow,
    ScreeningRow,
    SessionRow,
    StepRow,
)

FORMAT = "backstretch"
VERSION = 1
STATUSES = ("completed", "partial", "stopped", "in-progress")
OUTCOMES = ("done", "skipped", "stopped")
SIDES = ("right", "left")

# The fields of each record, in the order they are written. A test checks they are exactly the table's columns
# but these, so a new column cannot be left out of exports by accident: the owner (an export is one person's, and
# an import is the importing person's), a session's plan key (the app's own check; an import makes new ones), and
# whether a session has a hold done (the database marks it as its steps are written, imported ones too).
NOT_EXPORTED = frozenset({"person_id", "plan_key", "stretched"})
COLUMNS: dict[str, tuple[str, ...]] = {
    "profile": ("id", "data", "updated_at"),
    "screening": ("id", "taken_on", "answers", "cleared_on", "note"),
    "session": ("id", "day", "started_at", "ended_at", "status", "plan", "pain_before", "pain_after", "note",
                "client_key"),
    "step": ("id", "session_id", "step_index", "kind", "stretch", "side", "rep", "seconds", "outcome",
             "finished_at"),
    "report": ("id", "session_id", "day", "stretch", "feeling", "reported_at"),
    "measure": ("id", "kind", "taken_on", "value", "activities", "morning", "note", "recorded_at", "stretch"),
    "break_settings": ("id", "every", "work_from", "work_to", "days", "paused_until", "updated_at"),
    "break_event": ("id", "day", "at", "kind", "stretch"),
    "lesson_read": ("id", "slug", "read_on", "read_at"),
}  # fmt: skip
TABLES: dict[str, type[Base]] = {
    "profile": ProfileRow,
    "screening": ScreeningRow,
    "session": SessionRow,
    "step": StepRow,
    "report": ReportRow,
    "measure": MeasureRow,
    "break_settings": BreakSettingsRow,
    "break_event": BreakEventRow,
    "lesson_read": LessonReadRow,
}
# The document's lists of records (the profile and the desk-break settings are one object each, or null).
LISTS = {"screenings": "screening", "sessions": "session", "measures": "measure", "break_events": "break_event",
         "lessons_read": "lesson_read"}  # fmt: skip
DOCUMENT_KEYS = ("format", "version", "exported_at", "profile", "screenings", "sessions", "measures",
                 "break_settings", "break_events", "lessons_read")  # fmt: skip
# Added after the first exports: a file without them has none (desk breaks and lessons came later).
LATER_KEYS = frozenset({"break_settings", "break_events", "lessons_read"})

# The CSV file: a header, then an "export" row with the format and version, then one row per record. Columns
# are the union of every record's fields: identity first, then what a person reads, then the JSON cells, and
# last the export row's own three. An empty cell is a missing value (null where the field may be null).
CSV_RECORDS = ("export", "profile", "screening", "session", "step", "report", "measure", "break_settings",
               "break_event", "lesson_read")  # fmt: skip
CSV_COLUMNS = (
    "record", "id", "session_id", "day", "taken_on", "kind", "stretch", "side", "rep", "step_index", "status",
    "outcome", "feeling", "pain_before", "pain_after", "value", "seconds", "morning", "started_at", "ended_at",
    "cleared_on", "finished_at", "reported_at", "recorded_at", "updated_at", "note", "answers", "activities",
    "plan", "data", "client_key", "every", "work_from", "work_to", "days", "paused_until", "at", "slug", "read_on",
    "read_at", "format", "version", "exported_at",
)  # fmt: skip
# Added later: files exported before them still import.
_OPTIONAL_COLUMNS = frozenset({"client_key", "every", "work_from", "work_to", "days", "paused_until", "at", "slug",
                               "read_on", "read_at"})  # fmt: skip
_EXPORT_COLUMNS = ("format", "version", "exported_at")
_INT_CELLS = frozenset({"id", "session_id", "step_index", "rep", "pain_before", "pain_after", "version", "every"})
_FLOAT_CELLS = frozenset({"value", "seconds"})
_BOOL_CELLS = frozenset({"morning"})
_JSON_CELLS = frozenset({"answers", "activities", "plan", "data", "days"})
_TEXT_CELLS = frozenset({"note"})  # an empty cell is empty text, not a missing value
_NULLABLE_CELLS = {
    "screening": frozenset({"cleared_on"}),
    "session": frozenset({"ended_at", "pain_before", "pain_after", "client_key"}),
    "step": frozenset({"stretch", "side", "rep"}),
    "break_settings": frozenset({"paused_until"}),
    "export": frozenset({"exported_at"}),
}
assert set(CSV_COLUMNS) == {c for cols in COLUMNS.values() for c in cols} | {"record", *_EXPORT_COLUMNS}

# The largest backup the import reads (from the web page or the command line): years of daily sessions are a few MB.
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class TransferError(ValueError):
    """A file that cannot be imported; the message names the first bad record, and nothing was written."""


@dataclass(frozen=True)
class Counts:
    profile: int = 0
    screenings: int = 0
    sessions: int = 0
    steps: int = 0
    reports: int = 0
    measures: int = 0
    break_settings: int = 0
    break_events: int = 0
    lessons_read: int = 0

    @property
    def total(self) -> int:
        return (self.profile + self.screenings + self.sessions + self.steps + self.reports + self.measures
                + self.break_settings + self.break_events + self.lessons_read)  # fmt: skip

    def __str__(self) -> str:
        def many(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return (f"{many(self.profile, 'profile')}, {many(self.screenings, 'screening')}, "
                f"{many(self.sessions, 'session')} ({many(self.steps, 'step')}, {many(self.reports, 'report')}), "
                f"{many(self.measures, 'measure')}, {many(self.break_settings, 'desk-break setting')}, "
                f"{many(self.break_events, 'desk-break event')}, {many(self.lessons_read, 'lesson')} read")  # fmt: skip


class DatabaseNotEmptyError(TransferError):
    """Importing on top of existing data would mix two histories; the caller must ask to replace it."""

    def __init__(self, counts: Counts) -> None:
        super().__init__(f"the database already holds data ({counts})")
        self.counts = counts


# --- export ----------------------------------------------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value


def _fields(record: str, source: object) -> dict[str, object]:
    return {name: _plain(getattr(source, name)) for name in COLUMNS[record]}


def export_data(store: Store) -> dict[str, Any]:
    """Everything of the person's as one document, ordered by id so two exports of the same data are identical."""
    mine = store.person_id
    with store.session() as s:
        profile = s.scalars(select(ProfileRow).where(ProfileRow.person_id == mine)).first()
        screenings = s.scalars(select(ScreeningRow).where(ScreeningRow.person_id == mine)
                               .order_by(ScreeningRow.id)).all()  # fmt: skip
        sessions = s.scalars(select(SessionRow).where(SessionRow.person_id == mine).order_by(SessionRow.id)).all()
        ids = [row.id for row in sessions]
        steps = s.scalars(select(StepRow).where(StepRow.session_id.in_(ids)).order_by(StepRow.id)).all()
        reports = s.scalars(select(ReportRow).where(ReportRow.session_id.in_(ids)).order_by(ReportRow.id)).all()
        measures = s.scalars(select(MeasureRow).where(MeasureRow.person_id == mine).order_by(MeasureRow.id)).all()
        breaks = s.scalars(select(BreakSettingsRow).where(BreakSettingsRow.person_id == mine)).first()
        events = s.scalars(select(BreakEventRow).where(BreakEventRow.person_id == mine)
                           .order_by(BreakEventRow.id)).all()  # fmt: skip
        read = s.scalars(select(LessonReadRow).where(LessonReadRow.person_id == mine).order_by(LessonReadRow.id)).all()
    return _document(profile, screenings, sessions, steps, reports, measures,
                     datetime.now().astimezone().isoformat(timespec="seconds"), breaks, events, read)  # fmt: skip


def _document(profile: object | None, screenings: Any, sessions: Any, steps: Any, reports: Any, measures: Any,
              exported_at: str | None, break_settings: object | None, break_events: Any,
              lessons_read: Any) -> dict[str, Any]:  # fmt: skip
    by_session: dict[int, dict[str, list[dict[str, object]]]] = {}
    for row in sessions:
        by_session[row.id] = {"steps": [], "reports": []}
    for row in steps:
        by_session[row.session_id]["steps"].append(_fields("step", row))
    for row in reports:
        by_session[row.session_id]["reports"].append(_fields("report", row))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "profile": None if profile is None else _fields("profile", profile),
        "screenings": [_fields("screening", row) for row in screenings],
        "sessions": [{**_fields("session", row), **by_session[row.id]} for row in sessions],
        "measures": [_fields("measure", row) for row in measures],
        "break_settings": None if break_settings is None else _fields("break_settings", break_settings),
        "break_events": [_fields("break_event", row) for row in break_events],
        "lessons_read": [_fields("lesson_read", row) for row in lessons_read],
    }


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the very same float
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return str(value)


def to_csv(document: dict[str, Any]) -> str:
    """One sheet a spreadsheet opens directly; nested values are compact JSON in their cell."""
    buffer = io.StringIO(newline="")
    writer = SafeWriter(buffer)  # "\r\n" between rows, so a lone "\r" inside a note is quoted too
    writer.writerow(CSV_COLUMNS)

    def row(record: str, fields: dict[str, Any]) -> None:
        writer.writerow([record if c == "record" else _cell(fields.get(c)) for c in CSV_COLUMNS])

    row("export", {c: document.get(c) for c in _EXPORT_COLUMNS})
    if document["profile"] is not None:
        row("profile", document["profile"])
    for screening in document["screenings"]:
        row("screening", screening)
    for session in document["sessions"]:
        row("session", session)
        for step in session["steps"]:
            row("step", step)
        for report in session["reports"]:
            row("report", report)
    for measure in document["measures"]:
        row("measure", measure)
    if document.get("break_settings") is not None:
        row("break_settings", document["break_settings"])
    for event in document.get("break_events", []):
        row("break_event", event)
    for read in document.get("lessons_read", []):
        row("lesson_read", read)
    return buffer.getvalue()


# --- the records and their checks ------------------------------------------------------------------------------


def _choice(choices: tuple[str, ...]) -> BeforeValidator:
    def check(value: object) -> object:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return BeforeValidator(check)


def _iso_date(value: object) -> object:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date like 2026-11-24")


def _iso_datetime(value: object) -> object:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed
            raise ValueError("must be a local time without a time zone, like 2026-11-24T08:30:00")
    raise ValueError("must be a date and time like 2026-11-24T08:30:00")


def _finite(value: object) -> object:
    # Whole numbers are fine for a float; true/false and text are not, and neither are NaN or infinity.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return float(value)


def _integral(value: object) -> object:
    # JSON has one kind of number: 2.0 is the whole number 2 (as JSON Schema's "integer" says), while true and "2"
    # are still refused.
    return int(value) if isinstance(value, float) and value.is_integer() else value


WHOLE = BeforeValidator(_integral)
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_ID)]
Pain = Annotated[int, Strict(), Field(ge=0, le=10)]
Day = Annotated[date, BeforeValidator(_iso_date)]
Moment = Annotated[datetime, BeforeValidator(_iso_datetime)]
Number = Annotated[float, BeforeValidator(_finite)]
Name = Annotated[str, Strict(), Field(min_length=1, max_length=60)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        """No NUL character in any text: PostgreSQL cannot store one, and the pages and API never take one."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain a NUL character")
        return value


class ProfileRecord(_Record):
    data: dict[str, Any]
    updated_at: Moment


class ScreeningRecord(_Record):
    taken_on: Day
    answers: dict[str, Annotated[bool, Strict()]]
    cleared_on: Day | None
    note: Annotated[str, Strict(), Field(max_length=500)]


MAX_PLAN_ITEMS = 100


class StoredPlanItem(BaseModel):
    """One stretch of a stored session plan: exactly what `backstretch.cli.plan.item_json` writes and what the
    players read back to rebuild the session's timeline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stretch: Name
    name: Annotated[str, Strict(), Field(min_length=1, max_length=200)]
    hold_seconds: Annotated[int, Strict(), Field(ge=1, le=600), WHOLE]
    reps: Annotated[int, Strict(), Field(ge=1, le=20), WHOLE]
    sides: Annotated[int, Strict(), Field(ge=1, le=2), WHOLE]
    position: Position
    regions: Annotated[list[Region], Field(max_length=20)]
    spinal_movement: SpinalMovement
    seconds: Annotated[int, Strict(), Field(ge=0, le=86400), WHOLE]


class StoredPlan(BaseModel):
    """A session's stored plan: its items, and other keys (such as ``desk_break``) kept as they are."""

    model_config = ConfigDict(extra="allow", frozen=True)

    items: Annotated[list[StoredPlanItem], Field(max_length=MAX_PLAN_ITEMS)] = []


class SessionRecord(_Record):
    day: Day
    started_at: Moment
    ended_at: Moment | None
    status: Annotated[str, _choice(STATUSES)]
    plan: dict[str, Any]
    pain_before: Pain | None
    pain_after: Pain | None
    note: Annotated[str, Strict(), Field(max_length=2000)]
    client_key: Annotated[str, Strict(), Field(min_length=1, max_length=36)] | None = None


class StepRecord(_Record):
    session_id: Id
    step_index: Count
    kind: Annotated[str, _choice(tuple(k.value for k in StepKind))]
    stretch: Name | None
    side: Annotated[str, _choice(SIDES)] | None
    rep: Annotated[int, Strict(), Field(ge=1, le=MAX_ID)] | None
    seconds: Annotated[Number, Field(ge=0)]
    outcome: Annotated[str, _choice(OUTCOMES)]
    finished_at: Moment


class ReportRecord(_Record):
    session_id: Id
    day: Day
    stretch: Name
    feeling: Annotated[str, _choice(FEELINGS)]
    reported_at: Moment


class MeasureRecord(_Record):
    kind: Annotated[str, _choice(tuple(k.value for k in MeasureKind))]
    taken_on: Day
    value: Number
    activities: list[dict[str, Any]]
    morning: Annotated[bool, Strict()]
    note: Annotated[str, Strict()]
    recorded_at: Moment
    stretch: Annotated[str, Strict(), Field(max_length=60)] = ""  # a range of motion's; files from before lack it


def _clock(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{2}:[0-9]{2}", value):
        try:
            time.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise ValueError("must be a time on the 24-hour clock, like 09:00")


Clock = Annotated[str, BeforeValidator(_clock)]


class BreakSettingsRecord(_Record):
    every: Annotated[int, Strict()]
    work_from: Clock
    work_to: Clock
    days: Annotated[list[Annotated[int, Strict()]], Field(max_length=7)]
    paused_until: Moment | None
    updated_at: Moment


class BreakEventRecord(_Record):
    day: Day
    at: Moment
    kind: Annotated[str, _choice(BREAK_EVENTS)]
    stretch: Annotated[str, Strict(), Field(max_length=60)] = ""  # the desk stretch offered, when there was one


class LessonReadRecord(_Record):
    slug: Name
    read_on: Day
    read_at: Moment


MODELS: dict[str, type[_Record]] = {
    "profile": ProfileRecord,
    "screening": ScreeningRecord,
    "session": SessionRecord,
    "step": StepRecord,
    "report": ReportRecord,
    "measure": MeasureRecord,
    "break_settings": BreakSettingsRecord,
    "break_event": BreakEventRecord,
    "lesson_read": LessonReadRecord,
}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: ValidationError, prefix: str = "", rename: dict[str, str] | None = None) -> str:
    """The first problem pydantic found, as "field 'x': what is wrong; got what was there"."""
    item = error.errors(include_url=False)[0]
    loc = [str(part) for part in item["loc"]]
    if loc and rename:
        loc[0] = rename.get(loc[0], loc[0])
    name = ".".join([prefix, *loc] if prefix else loc)
    kind = item["type"]
    if kind == "missing":
        return f"field '{name}': is missing"
    if kind == "extra_forbidden":
        return f"field '{name}': is not a known field"
    message = item["msg"].removeprefix("Value error, ").replace("Input should", "must").replace("String should", "must")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        message = "must be a whole number"
    if not name:
        return message
    shown = item.get("input")
    scalar = isinstance(shown, str | int | float | None) and kind != "string_too_long"
    got = f"; got {_shown(shown)}" if scalar else ""
    return f"field '{name}': {message}{got}"


@dataclass(frozen=True)
class _Entry:
    """One record as found in a file, before it is checked."""

    record: str
    label: str  # what an error message calls it: "sessions[3] (id 17): steps[2] (id 40)", or "line 14 (step id 40)"
    place: str  # the short form, to point back at it: "sessions[3]", "line 14"
    fields: dict[str, Any]
    parent: int | None = None  # the session a step or report is listed under in a JSON document
    problem: str | None = None  # something wrong before the fields could be read


SINGLE = ("profile", "break_settings")  # one of each at most


@dataclass
class _Checked:
    single: dict[str, _Record | None] = field(default_factory=lambda: dict.fromkeys(SINGLE))
    records: dict[str, list[_Record]] = field(default_factory=lambda: {r: [] for r in COLUMNS if r not in SINGLE})

    def counts(self) -> Counts:
        r = self.records
        return Counts(int(self.single["profile"] is not None), len(r["screening"]), len(r["session"]),
                      len(r["step"]), len(r["report"]), len(r["measure"]),
                      int(self.single["break_settings"] is not None), len(r["break_event"]),
                      len(r["lesson_read"]))  # fmt: skip

    def document(self, exported_at: str | None) -> dict[str, Any]:
        r = {record: sorted(found, key=_by_id) for record, found in self.records.items()}
        return _document(self.single["profile"], r["screening"], r["session"], r["step"], r["report"],
                         r["measure"], exported_at, self.single["break_settings"], r["break_event"],
                         r["lesson_read"])  # fmt: skip


def _by_id(record: _Record) -> int:
    return record.id


# A backup may come from a computer whose date is a day ahead of this one's (time zones run from 12 hours behind
# to 14 ahead): its "today" is not in the future.
TIME_ZONE_SLACK = timedelta(days=1)
_DAYS_DONE: dict[str, tuple[str, ...]] = {"screening": ("taken_on", "cleared_on"), "session": ("day",),
                                          "report": ("day",), "measure": ("taken_on",), "break_event": ("day",),
                                          "lesson_read": ("read_on",)}  # fmt: skip


def _check(entries: list[_Entry]) -> _Checked:
    """Every record, in file order, so the error names the first bad one."""
    session_ids = {e.fields.get("id") for e in entries if e.record == "session"}
    today = date.today() + TIME_ZONE_SLACK
    checked = _Checked()
    seen: dict[str, dict[int, str]] = {record: {} for record in COLUMNS}
    keys: dict[str, str] = {}
    slugs: dict[str, str] = {}
    for entry in entries:
        try:
            record = _check_entry(entry, session_ids, today)
        except ValidationError as error:
            raise TransferError(f"{entry.label}: {_message(error)}") from None
        except ValueError as error:
            raise TransferError(f"{entry.label}: {error}") from None
        first = seen[entry.record].setdefault(record.id, entry.place)
        if first != entry.place:
            raise TransferError(f"{entry.label}: field 'id': {record.id} is used twice; the first is {first}")
        if isinstance(record, SessionRecord) and record.client_key is not None:
            first = keys.setdefault(record.client_key, entry.place)
            if first != entry.place:
                raise TransferError(f"{entry.label}: field 'client_key': {record.client_key!r} is used twice; the "
                                    f"first is {first}")  # fmt: skip
        if isinstance(record, LessonReadRecord):
            first = slugs.setdefault(record.slug, entry.place)
            if first != entry.place:
                raise TransferError(f"{entry.label}: field 'slug': the lesson {record.slug!r} is marked read twice; "
                                    f"the first is {first}")  # fmt: skip
        if entry.record in SINGLE:
            if checked.single[entry.record] is not None:
                raise TransferError(f"{entry.label}: there is only one {entry.record.replace('_', ' ')} record; "
                                    "this is a second")  # fmt: skip
            checked.single[entry.record] = record
        else:
            checked.records[entry.record].append(record)
    return checked


def _check_entry(entry: _Entry, session_ids: set[object], today: date) -> _Record:
    if entry.problem is not None:
        raise ValueError(entry.problem)
    record = MODELS[entry.record].model_validate(entry.fields)
    for name in _DAYS_DONE.get(entry.record, ()):  # the pages and the API refuse these days, and so does an import
        day = getattr(record, name)
        problem = None if day is None else day_done_problem(day, today)
        if problem is not None:
            raise ValueError(f"field {name!r}: {day_words(day, today)} {problem}")
    if isinstance(record, ProfileRecord):
        try:
            Profile.model_validate(record.data)
        except ValidationError as error:
            raise ValueError(_message(error, prefix="data")) from None
    elif isinstance(record, ScreeningRecord):
        try:
            validate_stored_answers(record.answers)
        except ScreeningError as error:
            raise ValueError(f"field 'answers': {error}") from None
    elif isinstance(record, SessionRecord):
        try:
            StoredPlan.model_validate(record.plan)
        except ValidationError as error:
            raise ValueError(_message(error, prefix="plan")) from None
    elif isinstance(record, StepRecord | ReportRecord):
        if entry.parent is not None and record.session_id != entry.parent:
            raise ValueError(f"field 'session_id': is {record.session_id}, but the {entry.record} is listed "
                             f"under session {entry.parent}")  # fmt: skip
        if record.session_id not in session_ids:
            raise ValueError(f"field 'session_id': there is no session with id {record.session_id} in the file")
    elif isinstance(record, BreakSettingsRecord):
        BreakSettings(record.every, time.fromisoformat(record.work_from), time.fromisoformat(record.work_to),
                      frozenset(record.days))  # its ValueError names what is wrong  # fmt: skip
        if len(set(record.days)) != len(record.days):
            raise ValueError("field 'days': a day is listed twice")
    elif isinstance(record, MeasureRecord):
        try:
            Measure.model_validate({"kind": record.kind, "on": record.taken_on, "value": record.value,
                                    "activities": record.activities, "morning": record.morning,
                                    "note": record.note, "stretch": record.stretch})  # fmt: skip
        except ValidationError as error:
            raise ValueError(_message(error, rename={"on": "taken_on"})) from None
    return record


# --- reading a document ----------------------------------------------------------------------------------------


def _check_header(data: object) -> dict[str, Any]:
    if not isinstance(data, dict) or "format" not in data:
        raise TransferError(f'this is not a backstretch export: it has no "format": "{FORMAT}"')
    if data["format"] != FORMAT:
        raise TransferError(f"this is not a backstretch export: \"format\" is {_shown(data['format'])}, "
                            f"not {FORMAT!r}")  # fmt: skip
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        raise TransferError(f"this export is format version {_shown(version)}; this backstretch reads version "
                            f"{VERSION} only")  # fmt: skip
    exported_at = data.get("exported_at")
    if exported_at is not None and not isinstance(exported_at, str):
        raise TransferError(f'"exported_at" must be a date and time as text; got {_shown(exported_at)}')
    return data


def _id_label(fields: object) -> str:
    value = fields.get("id") if isinstance(fields, dict) else None
    return f" (id {value})" if isinstance(value, int) and not isinstance(value, bool) else ""


def _object(record: str, label: str, place: str, raw: object, parent: int | None = None) -> _Entry:
    if isinstance(raw, dict):
        return _Entry(record, label, place, raw, parent)
    return _Entry(record, label, place, {}, parent, f"must be an object; got {_shown(raw)}")


def _document_entries(data: object) -> list[_Entry]:
    """The records of a JSON document in the order they appear in it."""
    document = _check_header(data)
    unknown = [k for k in document if k not in DOCUMENT_KEYS]
    if unknown:
        raise TransferError(f"unknown top-level field {unknown[0]!r}; the fields are {', '.join(DOCUMENT_KEYS)}")
    for key in DOCUMENT_KEYS[3:]:
        if key not in document and key not in LATER_KEYS:
            raise TransferError(f"the top-level field {key!r} is missing")
    for key in LISTS:
        if not isinstance(document.get(key, []), list):
            raise TransferError(f"the top-level field {key!r} must be a list")
    entries: list[_Entry] = []
    if document["profile"] is not None:
        entries.append(_object("profile", "profile", "profile", document["profile"]))
    for i, raw in enumerate(document["screenings"]):
        entries.append(_object("screening", f"screenings[{i}]{_id_label(raw)}", f"screenings[{i}]", raw))
    for i, raw in enumerate(document["sessions"]):
        place, label = f"sessions[{i}]", f"sessions[{i}]{_id_label(raw)}"
        if not isinstance(raw, dict):
            entries.append(_object("session", label, place, raw))
            continue
        problems = [f"field {key!r}: is missing" if key not in raw else f"field {key!r}: must be a list"
                    for key in ("steps", "reports") if not isinstance(raw.get(key), list)]  # fmt: skip
        fields = {k: v for k, v in raw.items() if k not in ("steps", "reports")}
        entries.append(_Entry("session", label, place, fields, problem=problems[0] if problems else None))
        if problems:
            continue
        parent = raw.get("id") if isinstance(raw.get("id"), int) else None
        for key, record in (("steps", "step"), ("reports", "report")):
            for j, child in enumerate(raw[key]):
                entries.append(_object(record, f"{label}: {key}[{j}]{_id_label(child)}", f"{place}.{key}[{j}]",
                                       child, parent))  # fmt: skip
    for key in ("measures", "break_events", "lessons_read"):
        for i, raw in enumerate(document.get(key, [])):
            entries.append(_object(LISTS[key], f"{key}[{i}]{_id_label(raw)}", f"{key}[{i}]", raw))
    if document.get("break_settings") is not None:
        entries.append(_object("break_settings", "break_settings", "break_settings", document["break_settings"]))
    return entries


def from_json(text: str) -> dict[str, Any]:
    """A JSON export, parsed; its records are checked when it is imported."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TransferError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise TransferError("not valid JSON: nested too deeply") from None
    except ValueError as error:  # an integer longer than Python reads (4300 digits): no export holds one
        too_long = "digits" in str(error)
        raise TransferError("not valid JSON: it holds a number too long to read (over 4300 digits)" if too_long
                            else f"not valid JSON: {error}") from None  # fmt: skip
    _check_header(data)
    return dict(data)


def count(document: dict[str, Any]) -> Counts:
    """How many records of each kind an exported document holds, without checking them."""
    sessions = document["sessions"]
    return Counts(int(document["profile"] is not None), len(document["screenings"]), len(sessions),
                  sum(len(x["steps"]) for x in sessions), sum(len(x["reports"]) for x in sessions),
                  len(document["measures"]), int(document.get("break_settings") is not None),
                  len(document.get("break_events", [])), len(document.get("lessons_read", [])))  # fmt: skip


def check_document(data: object) -> Counts:
    """Check a whole document without writing anything; the error names its first bad record."""
    return _check(_document_entries(data)).counts()


# --- reading CSV -----------------------------------------------------------------------------------------------


def _csv_value(column: str, text: str) -> object:
    """A cell as the JSON document holds it; text that does not fit stays text, for the checks to name."""
    if column in _INT_CELLS and re.fullmatch(r"\s*[+-]?[0-9]{1,19}\s*", text):
        return int(text)
    if column in _FLOAT_CELLS:
        try:
            return float(text)
        except ValueError:
            return text
    if column in _BOOL_CELLS and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    if column in _JSON_CELLS:
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError(f"field {column!r}: is not valid JSON") from None
    return plain_cell(text)


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise TransferError(f"line {start}: not valid CSV: {error}") from None
        if any(cell.strip() for cell in row):
            yield start, row
        start = reader.line_num + 1


def _csv_entry(line: int, header: list[str], row: list[str]) -> _Entry:
    record = row[0].strip()
    cells = dict(zip(header, row, strict=False))
    raw_id = cells.get("id", "").strip()
    label = f"line {line} ({record} id {raw_id})" if raw_id and record in COLUMNS else f"line {line}"
    if record == "export":
        label = f"line {line} (export)"
    place = f"line {line}"
    if record not in CSV_RECORDS:
        return _Entry(record, label, place, {}, problem=f"unknown record type {record!r}; the record types are "
                      f"{', '.join(CSV_RECORDS)}")  # fmt: skip
    if len(row) > len(header):
        return _Entry(record, label, place, {}, problem=f"has {len(row)} cells but the header has {len(header)}")
    own = _EXPORT_COLUMNS if record == "export" else COLUMNS[record]
    stray = [c for c in header[1:] if c not in own and cells.get(c, "") != ""]
    if stray:
        return _Entry(record, label, place, {}, problem=f"column {stray[0]!r} is not used by {record} records and "
                      f"must be empty")  # fmt: skip
    fields: dict[str, object] = {}
    try:
        for column in own:
            text = cells.get(column, "")
            if text != "":
                fields[column] = _csv_value(column, text)
            elif column in _TEXT_CELLS:
                fields[column] = ""
            elif column in _NULLABLE_CELLS.get(record, ()):
                fields[column] = None
    except ValueError as error:
        return _Entry(record, label, place, {}, problem=str(error))
    return _Entry(record, label, place, fields)


def from_csv(text: str) -> dict[str, Any]:
    """A CSV export, checked line by line (errors name the line), as the same document a JSON export is."""
    rows = _csv_rows(text.removeprefix("\ufeff"))
    first = next(rows, None)
    if first is None:
        raise TransferError("the file is empty")
    header = [cell.strip() for cell in first[1]]
    if not header or header[0] != "record":
        raise TransferError("line 1: this is not a backstretch CSV export: the first column must be 'record'")
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise TransferError(f"line 1: unknown column {unknown[0]!r}")
    repeated = [c for i, c in enumerate(header) if c in header[:i]]
    if repeated:
        raise TransferError(f"line 1: the column {repeated[0]!r} appears twice")
    missing = [c for c in CSV_COLUMNS if c not in header and c not in _OPTIONAL_COLUMNS]
    if missing:
        raise TransferError(f"line 1: the column {missing[0]!r} is missing")
    entries = [_csv_entry(line, header, row) for line, row in rows]
    if not entries or entries[0].record != "export":
        raise TransferError(f"line {entries[0].place.split()[1] if entries else 2}: the first row must be the "
                            f"'export' row with the format and version")  # fmt: skip
    head = entries[0]
    if head.problem is not None:
        raise TransferError(f"{head.label}: {head.problem}")
    try:
        _check_header(head.fields)
    except TransferError as error:
        raise TransferError(f"{head.label}: {error}") from None
    records = [_Entry(e.record, e.label, e.place, {}, problem="only the first row may be the 'export' row")
               if e.record == "export" else e for e in entries[1:]]  # fmt: skip
    return _check(records).document(head.fields.get("exported_at"))


# --- import ----------------------------------------------------------------------------------------------------


def _counts(s: Session, person_id: int) -> Counts:
    def count(table: type[ProfileRow | ScreeningRow | SessionRow | MeasureRow | BreakSettingsRow | BreakEventRow
                          | LessonReadRow]) -> int:  # fmt: skip
        return s.scalar(select(func.count()).select_from(table).where(table.person_id == person_id)) or 0

    def in_sessions(table: type[StepRow | ReportRow]) -> int:
        sessions = select(SessionRow.id).where(SessionRow.person_id == person_id)
        return s.scalar(select(func.count()).select_from(table).where(table.session_id.in_(sessions))) or 0

    return Counts(count(ProfileRow), count(ScreeningRow), count(SessionRow), in_sessions(StepRow),
                  in_sessions(ReportRow), count(MeasureRow), count(BreakSettingsRow), count(BreakEventRow),
                  count(LessonReadRow))  # fmt: skip


def stored_counts(store: Store) -> Counts:
    """How many records of each kind the person has now."""
    with store.session() as s:
        return _counts(s, store.person_id)


def import_data(store: Store, data: object, replace: bool = False) -> Counts:
    """Check the whole document, then write it as the person's, with its ids, in one transaction; a person with data
    already is only replaced when asked, and then in that same transaction."""
    checked = _check(_document_entries(data))
    try:
        with store.session() as s, s.begin():
            existing = _counts(s, store.person_id)
            if existing.total and not replace:
                raise DatabaseNotEmptyError(existing)
            if replace:
                store.delete_data(s)
            for record, single in checked.single.items():
                if single is not None:
                    s.execute(insert(TABLES[record]), [_values(record, single, store.person_id)])
            for record in ("screening", "session", "step", "report", "measure", "break_event", "lesson_read"):
                rows = [_values(record, r, store.person_id) for r in sorted(checked.records[record], key=_by_id)]
                if rows:
                    s.execute(insert(TABLES[record]), rows)
            if s.get_bind().dialect.name == "postgresql":
                continue_ids(s.connection(), [t.__tablename__ for t in TABLES.values()])
    except IntegrityError:
        raise TransferError("the file's record ids are already used in this database by someone else's records, "
                            "so nothing was imported") from None  # fmt: skip
    return checked.counts()


def continue_ids(connection: Connection, tables: Iterable[str]) -> None:
    """PostgreSQL hands out ids from a sequence that rows written with their own ids do not move: set each one past
    the largest id now in its table, so the next row written does not collide (SQLite looks at the table itself)."""
    for name in tables:
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                       f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))  # fmt: skip


def _values(record: str, source: _Record, person_id: int) -> dict[str, Any]:
    values = {name: getattr(source, name) for name in COLUMNS[record]}
    return values if record in ("step", "report") else {**values, "person_id": person_id}
