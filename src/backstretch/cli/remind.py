"""`backstretch remind`: calendar reminders (RFC 5545) for the daily stretch and for desk breaks."""

from __future__ import annotations

import os
import sys
from datetime import date, time
from pathlib import Path
from typing import Annotated

import typer

from backstretch.app.reminders import app_address, build_reminders, calendar_bytes
from backstretch.cli.plan import DbOption
from backstretch.cli.stretches import fail, out
from backstretch.core.consistency import WEEKDAYS, parse_weekdays
from backstretch.core.profile import MINUTES_MAX, MINUTES_MIN
from backstretch.core.reminders import (
    EVERY_DEFAULT,
    WORK_DAYS,
    break_times,
    parse_clock,
    parse_every,
)
from backstretch.library import load_catalogue, write_bytes_atomic
from backstretch.store import open_store


def _clock(option: str, text: str) -> time:
    try:
        return parse_clock(text)
    except ValueError as error:
        raise fail(f"{option}: {error}") from None


def _weekdays(option: str, text: str) -> frozenset[int]:
    try:
        return parse_weekdays(text)
    except ValueError as error:
        raise fail(f"{option}: {error}") from None


def _day_names(days: frozenset[int]) -> str:
    return "every day" if len(days) == 7 else ", ".join(WEEKDAYS[d] for d in sorted(days))


def _check_target(ics: str) -> Path | None:
    if ics == "-":
        return None
    path = Path(ics)
    if path.is_dir():
        raise fail(f"--ics {ics!r} is a folder: give a file name, like reminders.ics")
    if not path.parent.is_dir():
        raise fail(f"--ics: folder {str(path.parent)!r} does not exist")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise fail(f"--ics: cannot write {ics!r}: permission denied")
    return path


def remind_command(
    ics: Annotated[str, typer.Option("--ics", help="Calendar file to write (.ics), or - for standard output.")],
    at: Annotated[str | None, typer.Option("--at", help="Time of the daily stretch, 24-hour clock (07:30).")] = None,
    days: Annotated[
        str | None,
        typer.Option(
            "--days",
            help="Days for the daily stretch, like mon,wed,fri (default: your profile's, "
            "else every day); desk breaks use them too unless --work-days is given.",
        ),
    ] = None,
    minutes: Annotated[
        int | None,
        typer.Option(
            min=MINUTES_MIN, max=MINUTES_MAX, help="Length of the daily stretch (default: your profile's, else 8)."
        ),
    ] = None,
    desk_breaks_on: Annotated[
        bool, typer.Option("--desk-breaks", help="Add 2-minute desk breaks, each suggesting one desk stretch.")
    ] = False,
    every: Annotated[
        str | None, typer.Option("--every", help="Time between desk breaks: 30m to 60m, like 45m or 1h (default 45m).")
    ] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Start of the working day (default 09:00).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="End of the working day (default 17:00).")] = None,
    work_days: Annotated[
        str | None, typer.Option("--work-days", help="Days for desk breaks (default: --days if given, else mon-fri).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day of the reminders, YYYY-MM-DD (default today).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write calendar reminders: a daily stretch and, with --desk-breaks, short breaks at your desk.

    Times are floating local time: 07:30 stays 07:30 in whatever time zone you are.
    The first desk break comes one --every after --from and each ends by --to, so
    none falls at --to itself: 09:00 to 17:00 every 45m gives 10, 09:45 to 16:30.
    Breaks are every 30 to 60 minutes, 2 minutes long, one chair or standing
    stretch each, suited to your profile (clinical-facts section 7).
    The same options give the same file, so importing it again adds nothing.
    """
    if at is None and not desk_breaks_on:
        raise fail("nothing to remind you of: give --at HH:MM for the daily stretch, --desk-breaks, or both")
    if not desk_breaks_on:
        given = [
            name
            for name, value in (("--every", every), ("--from", from_), ("--to", to), ("--work-days", work_days))
            if value is not None
        ]
        if given:
            raise fail(f"{', '.join(given)} only apply to desk breaks: add --desk-breaks")
    if at is None and minutes is not None:
        raise fail("--minutes only applies to the daily stretch: add --at HH:MM")
    try:
        first = date.fromisoformat(start) if start else date.today()
    except ValueError:
        raise fail(f"--start must look like 2026-11-24, not {start!r}") from None
    daily_at = _clock("--at", at) if at is not None else None
    daily_days = _weekdays("--days", days) if days is not None else None
    break_days = _weekdays("--work-days", work_days) if work_days is not None else daily_days or WORK_DAYS
    times: list[time] = []
    if desk_breaks_on:
        try:
            every_minutes = parse_every(every) if every is not None else EVERY_DEFAULT
        except ValueError as error:
            raise fail(f"--every: {error}") from None
        window = (_clock("--from", from_ or "09:00"), _clock("--to", to or "17:00"))
        try:
            times = break_times(*window, every_minutes)
        except ValueError as error:
            raise fail(f"--from/--to: {error}") from None
    target = _check_target(ics)

    profile = open_store(db).load_profile()
    try:
        reminders = build_reminders(load_catalogue(), profile, first, daily_at, minutes, daily_days, times, break_days,
                                    app_address())  # fmt: skip
    except ValueError as error:
        raise fail(str(error)) from None

    data = calendar_bytes(reminders)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_bytes_atomic(target, data)
    except OSError as error:
        raise fail(f"--ics: cannot write {ics!r}: {error.strerror}") from None
    parts = []
    if daily_at is not None:
        daily = reminders[0]
        on = _day_names(frozenset(daily.weekdays))
        parts.append(f"a daily stretch of {daily.minutes} min at {daily_at:%H:%M}, {on}")
    if times:
        parts.append(f"{len(times)} desk breaks from {times[0]:%H:%M} to {times[-1]:%H:%M}, {_day_names(break_days)}")
    out.print(f"Wrote {target}: {'; and '.join(parts)}; starting {first.isoformat()}, in local time.")
    out.print("Import it into your calendar app. General advice, not a diagnosis.")
