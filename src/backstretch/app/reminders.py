"""Reminders as a calendar (RFC 5545): the daily stretch and desk breaks, for `backstretch remind` and the web
app's settings page alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from backstretch.app.routine import desk_stretches
from backstretch.core.catalogue import Stretch
from backstretch.core.profile import Profile
from backstretch.core.reminders import (
    DAILY_MINUTES_DEFAULT,
    ICAL_DAYS,
    Reminder,
    daily_reminder,
    desk_breaks,
)
from backstretch.core.safety import DISCLAIMER
from backstretch.settings import LOCAL_ADDRESS
from backstretch.settings import current as current_settings

PRODID = "-//backstretch//remind//EN"


def _event(reminder: Reminder) -> Event:
    event = Event()
    event.add("uid", reminder.uid)
    # DTSTAMP must be UTC; taking it from the first day rather than the clock keeps the file reproducible.
    event.add("dtstamp", datetime.combine(reminder.first.date(), time(), UTC))
    event.add("dtstart", reminder.first)
    event.add("dtend", reminder.end)
    event.add("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in reminder.weekdays]})
    event.add("summary", reminder.summary)
    event.add("description", reminder.description)
    event.add("url", reminder.url)
    event.add("categories", ["backstretch", reminder.kind])
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: it should not mark the person as busy
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", reminder.summary)
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event


def calendar_bytes(reminders: Sequence[Reminder]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "backstretch")
    for reminder in reminders:
        calendar.add_component(_event(reminder))
    return bytes(calendar.to_ical())


def app_address(opened_at: str | None = None) -> str:
    """The base address the reminders link to: the configured one (a clinic's), else the address the app was opened
    at, else the one `backstretch serve` uses on this computer."""
    return (current_settings().base_url or opened_at or LOCAL_ADDRESS).rstrip("/")


def build_reminders(catalogue: Mapping[str, Stretch], profile: Profile | None, first: date, daily_at: time | None,
                    minutes: int | None, daily_days: frozenset[int] | None, times: Sequence[time],
                    break_days: frozenset[int], address: str) -> list[Reminder]:  # fmt: skip
    """The reminders `remind` writes (and the web app's settings page downloads), with the profile's minutes and
    days where none are given, each linking to the app's page at `address` (see app_address); a ValueError when desk
    breaks are asked for but no desk stretch suits the profile."""
    reminders: list[Reminder] = []
    if daily_at is not None:
        length = minutes or (profile.minutes if profile else DAILY_MINUTES_DEFAULT)
        chosen_days = daily_days or (profile.planned_weekdays if profile else frozenset(range(7)))
        reminders.append(daily_reminder(daily_at, length, chosen_days, first, DISCLAIMER, address))
    if times:
        rotation = desk_stretches(catalogue, profile)
        if not rotation:
            raise ValueError("no desk stretch in the library suits your profile, so there is nothing to suggest "
                             "in a break")  # fmt: skip
        reminders.extend(desk_breaks(times, break_days, first, rotation, address))
    return reminders
