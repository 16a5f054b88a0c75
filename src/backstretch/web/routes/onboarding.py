"""The onboarding area: what the app is and is not, then the profile and the safety questions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from backstretch.web.deps import StoreDep
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["onboarding"])


@pages.get("/", response_class=HTMLResponse)
def welcome(request: Request, store: StoreDep) -> Response:
    return templates.TemplateResponse(request, "welcome.html", {"has_profile": store.load_profile() is not None})
