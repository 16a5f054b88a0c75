"""Jinja templates shared by every area, with the disclaimer and navigation every page shows."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from backstretch.core.accounts import STAFF_ROLES
from backstretch.core.safety import DISCLAIMER
from backstretch.core.vocab import SOURCES
from backstretch.core.words import day_words, plain_words
from backstretch.web.auth import csrf_input, multi_user, signed_in

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["disclaimer"] = DISCLAIMER
templates.env.filters["plain_words"] = plain_words  # a vocabulary term as people say it
templates.env.filters["day_words"] = day_words  # a date as people say it, never an ISO date
templates.env.filters["source_name"] = lambda ref: SOURCES[ref]  # the citation, never the key
PERSONAL = [("/today", "Today"), ("/library", "Library"), ("/lessons", "Lessons"), ("/progress", "Progress"),
            ("/desk", "Desk breaks"), ("/settings", "Settings")]  # fmt: skip
STAFF = [("/clinic", "Patients"), ("/library", "Library")]


def nav(request: Request) -> list[tuple[str, str]]:
    """The main links: a person's own pages; in clinic mode, a clinician's, and an account link when signed in."""
    if not multi_user(request):
        return PERSONAL
    person = signed_in(request)
    if person is None:
        return [("/login", "Sign in"), ("/library", "Library")]
    return [*(STAFF if person.role in STAFF_ROLES else PERSONAL), ("/account", "Account")]


templates.env.globals["nav"] = nav
templates.env.globals["csrf_input"] = csrf_input
templates.env.globals["signed_in"] = signed_in
