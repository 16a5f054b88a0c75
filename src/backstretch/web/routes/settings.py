"""The settings area: profile and re-screening links, calendar reminders, export and import, deleting everything."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from backstretch.app.reminders import app_address, build_reminders, calendar_bytes
from backstretch.core.catalogue import Catalogue
from backstretch.core.consistency import WEEKDAYS, parse_weekdays
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN
from backstretch.core.reminders import (
    DAILY_MINUTES_DEFAULT,
    EVERY_DEFAULT,
    EVERY_MAX,
    EVERY_MIN,
    break_times,
    parse_clock,
    parse_every,
)
from backstretch.fhir import export_bundle
from backstretch.store import Store
from backstretch.store.transfer import (
    MAX_IMPORT_BYTES,
    DatabaseNotEmptyError,
    TransferError,
    export_data,
    from_csv,
    from_json,
    import_data,
    stored_counts,
    to_csv,
    to_json,
)
from backstretch.web.auth import multi_user
from backstretch.web.deps import CatalogueDep, StoreDep
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["settings"])

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _reminder_defaults(store: Store) -> dict[str, Any]:
    profile = store.load_profile()
    days = sorted(profile.planned_weekdays) if profile else list(range(7))
    return {"at": "07:30", "days": [WEEKDAYS[d] for d in days], "minutes": str(profile.minutes if profile else ""),
            "desk_breaks": False, "every": str(EVERY_DEFAULT), "from": "09:00", "to": "17:00",
            "work_days": list(WEEKDAYS[:5])}  # fmt: skip


def _page(request: Request, store: Store, errors: dict[str, str] | None = None,
          reminders: dict[str, Any] | None = None, status: int = 200) -> Response:  # fmt: skip
    profile = store.load_profile()
    return templates.TemplateResponse(request, "settings.html", {
        "profile": profile, "screening": store.latest_screening(), "errors": errors or {}, "today": date.today(),
        "r": reminders or _reminder_defaults(store), "weekdays": list(zip(WEEKDAYS, DAY_NAMES, strict=True)),
        "every_min": EVERY_MIN, "every_max": EVERY_MAX, "minutes_min": MINUTES_MIN, "minutes_max": MINUTES_MAX,
        "default_minutes": profile.minutes if profile else DAILY_MINUTES_DEFAULT,
        # Only a fixed code comes from the address, so a link cannot make up a confirmation; the counts are the
        # database's own.
        "imported": f"Imported. What is stored now: {stored_counts(store)}."
        if request.query_params.get("done") == "imported" else "",
    }, status_code=status)  # fmt: skip


@pages.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, store: StoreDep) -> Response:
    return _page(request, store)


# --- reminders --------------------------------------------------------------------------------------------------


class ReminderError(ValueError):
    pass


def _clock(label: str, text: str) -> time:
    try:
        return parse_clock(text)
    except ValueError as error:
        raise ReminderError(f"{label}: {error}") from None


def _days(label: str, names: list[str]) -> frozenset[int]:
    try:
        return parse_weekdays(",".join(names))
    except ValueError as error:
        raise ReminderError(f"{label}: {error}") from None


def _calendar(request: Request, store: Store, catalogue: Catalogue, r: dict[str, Any]) -> bytes:
    at, desk = r["at"].strip(), r["desk_breaks"]
    if not at and not desk:
        raise ReminderError("nothing to remind you of: give a time for the daily stretch, ask for desk breaks, or both")
    daily_at = _clock("Time of the daily stretch", at) if at else None
    daily_days = _days("Days for the daily stretch", r["days"]) if at else None
    minutes = None
    if at and r["minutes"].strip():
        try:
            minutes = int(r["minutes"].strip())
        except ValueError:
            minutes = -1
        if not MINUTES_MIN <= minutes <= MINUTES_MAX:
            raise ReminderError(f"Minutes: the daily stretch is {MINUTES_MIN} to {MINUTES_MAX} minutes, "
                                f"not {r['minutes'].strip()!r}")  # fmt: skip
    times: list[time] = []
    break_days = frozenset[int]()
    if desk:
        try:
            every = parse_every(r["every"])
        except ValueError as error:
            raise ReminderError(f"Desk breaks every: {error}") from None
        window = (_clock("Working day from", r["from"]), _clock("Working day to", r["to"]))
        try:
            times = break_times(*window, every)
        except ValueError as error:
            raise ReminderError(f"Working day: {error}") from None
        break_days = _days("Days for desk breaks", r["work_days"])
    try:
        reminders = build_reminders(catalogue, store.load_profile(), date.today(), daily_at, minutes, daily_days, times,
                                    break_days, app_address(str(request.base_url)))  # fmt: skip
    except ValueError as error:
        raise ReminderError(str(error)) from None
    return calendar_bytes(reminders)


@pages.get("/settings/reminders.ics")
def reminders_ics(
    request: Request,
    store: StoreDep,
    catalogue: CatalogueDep,
    at: str = "",
    days: Annotated[list[str] | None, Query()] = None,
    minutes: str = "",
    desk_breaks: str = "",
    every: str = str(EVERY_DEFAULT),
    from_: Annotated[str, Query(alias="from")] = "09:00",
    to: str = "17:00",
    work_days: Annotated[list[str] | None, Query()] = None,
) -> Response:
    """The same calendar file `backstretch remind` writes, for the options chosen in the form."""
    r = {"at": at, "days": days or [], "minutes": minutes, "desk_breaks": desk_breaks not in ("", "false", "0"),
         "every": every, "from": from_, "to": to, "work_days": work_days or []}  # fmt: skip
    try:
        data = _calendar(request, store, catalogue, r)
    except ReminderError as error:
        return _page(request, store, {"reminders": str(error)}, r, status=422)
    return Response(data, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="backstretch-reminders.ics"'})  # fmt: skip


# --- export and import ------------------------------------------------------------------------------------------


def _attachment(text: str, fmt: Literal["json", "csv", "fhir.json"]) -> Response:
    media = "text/csv" if fmt == "csv" else "application/fhir+json" if fmt == "fhir.json" else "application/json"
    name = f"backstretch-export-{date.today().isoformat()}.{fmt}"
    return Response(text.encode("utf-8"), media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@pages.get("/settings/export.json")
def export_json(store: StoreDep) -> Response:
    return _attachment(to_json(export_data(store)), "json")


@pages.get("/settings/export.csv")
def export_csv(store: StoreDep) -> Response:
    return _attachment(to_csv(export_data(store)), "csv")


@pages.get("/settings/export.fhir.json")
def export_fhir(store: StoreDep) -> Response:
    """Measures and sessions as a FHIR R4 Bundle, as `backstretch export --format fhir` writes it (no name)."""
    return _attachment(export_bundle(store), "fhir.json")


def _document(name: str, raw: bytes) -> dict[str, Any]:
    """The upload's document, told JSON from CSV as `backstretch import` does: by extension, else by content."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TransferError("not a backstretch export (it is not UTF-8 text)") from None
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "json" or (suffix != "csv" and text.lstrip()[:1] == "{"):
        return from_json(text)
    if suffix == "csv" or text.startswith("record,"):
        return from_csv(text)
    raise TransferError("not a backstretch export (neither its JSON nor its CSV form)")


@pages.post("/settings/import")
async def import_upload(request: Request, store: StoreDep, file: UploadFile | None = None,
                        replace: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    name = (file.filename or "the file") if file is not None else ""
    if multi_user(request):
        # A file's record ids would have to fit around everyone else's in the clinic's database; until imports
        # renumber them, a clinic keeps its data in its own backups.
        raise HTTPException(403, "Importing a backup is for the app on one computer; in a clinic, your data is "
                                 "kept and backed up by the clinic.")  # fmt: skip
    try:
        if file is None or not file.filename:
            raise TransferError("choose a file made by Export first")
        raw = await file.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise TransferError(f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
        import_data(store, _document(name, raw), replace=bool(replace))
    except DatabaseNotEmptyError as error:
        message = (
            f"your data is already here ({error.counts}); nothing was imported. To delete it and import "
            f"{name} instead, tick “Replace what is stored now” (export it first if you may want it back)."
        )
        return _page(request, store, {"import": message}, status=409)
    except TransferError as error:
        return _page(request, store, {"import": f"{name}: {error}; nothing was imported."}, status=422)
    except SQLAlchemyError as error:
        message = f"the database refused the import ({str(error).splitlines()[0]}); nothing was imported."
        return _page(request, store, {"import": message}, status=503)
    target = request.url_for("settings_page").include_query_params(done="imported")
    return RedirectResponse(f"{target.path}?{target.query}#import", status_code=303)


# --- deleting everything ----------------------------------------------------------------------------------------


@pages.post("/settings/delete")
def delete_all(request: Request, store: StoreDep, confirm: Annotated[str, Form()] = "") -> Response:
    if confirm.strip() != "DELETE":
        message = "Nothing was deleted: to delete all your data, type DELETE in capital letters in the box."
        return _page(request, store, {"delete": message}, status=422)
    store.delete_all()
    return RedirectResponse("/", status_code=303)


@api.get("/export")
def export_api(store: StoreDep) -> dict[str, Any]:
    """Everything stored, as the JSON export `backstretch export` writes."""
    return export_data(store)
