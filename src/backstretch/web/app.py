"""Building the web app: one store and one catalogue per server, routers per area, assets from the package."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstretch import __version__
from backstretch.app.routine import Routines
from backstretch.core.errors import what_is_wanted
from backstretch.library import load_catalogue, load_lessons
from backstretch.optional import MissingPart
from backstretch.settings import current as current_settings
from backstretch.store import open_store
from backstretch.store.accounts import Accounts
from backstretch.web.auth import GoTo, csrf_cookie, guard
from backstretch.web.routes import (
    accounts,
    clinic,
    desk,
    ending,
    lessons,
    library,
    onboarding,
    player,
    printouts,
    progress,
    settings,
    today,
)
from backstretch.web.security import AllowedHosts, BodyLimits, ResponseHeaders, allowed_hosts, host_name
from backstretch.web.templating import templates

STATIC = Path(__file__).parent / "static"
YOUNG_OBJECTS_BEFORE_COLLECTING = 10_000  # Python's default is 700
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE = ("This request came from another website, so it was refused: backstretch only accepts changes made on "
              "its own pages.")  # fmt: skip


def cross_site(request: Request, hosts: frozenset[str]) -> bool:
    """A write sent by another website's page (the app has no login, so any site could post a form to it).

    Browsers say where a request comes from in Sec-Fetch-Site, or else in Origin, which must be this very origin
    and one of the names on the allowlist; a request with neither (curl, scripts, tests) is not from a web page and
    passes."""
    if request.method in SAFE_METHODS:
        return False
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site.strip().lower() in ("cross-site", "same-site")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    return origin.strip().lower() != own or host_name(origin) not in hosts


class SameOriginWrites:
    """Refuses writes sent by other websites' pages, and sets the CSRF cookie on the way out.

    Plain ASGI: a middleware made with @app.middleware("http") passes every response through a task and a stream
    of its own (about a tenth of a saved step's server CPU, in py-spy under bench/load.py's load).
    """

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if cross_site(request, self.hosts):
            refusal: Response
            if request.url.path.startswith("/api/"):
                refusal = JSONResponse({"detail": CROSS_SITE}, status_code=403)
            else:
                refusal = templates.TemplateResponse(request, "error.html", {"status": 403, "detail": CROSS_SITE},
                                                     status_code=403)  # fmt: skip
            await refusal(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = csrf_cookie(request)
                if cookie is not None:
                    MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# The pages' form and address fields, in the words their labels use, for the sentence a page shows when one cannot
# be used ("Minutes today: please give a whole number, in figures."). tests/test_web_form_errors.py checks that every
# field of every page has words here.
FIELD_WORDS = {
    "activity": "Activity", "again": "New password, again", "at": "Time", "back": "The page to go back to",
    "confirm": "Confirmation", "flare": "Is your back much worse today", "form": "Which score",
    "instrument": "Questionnaire", "week": "Which time for your scores",
    "current": "Current password", "days": "Days", "desk": "Desk stretches", "desk_breaks": "Desk breaks",
    "email": "Email address", "equipment": "Equipment", "every": "How often", "file": "File", "from": "From",
    "keep": "Keep them", "lesson": "Lessons", "measure_id": "The reading", "minutes": "Minutes today",
    "morning": "Taken on waking", "name": "Name", "next": "The page to go back to", "note": "Note", "on": "Day",
    "paper": "Paper size", "password": "Password", "patient_id": "The person", "pose": "Which picture",
    "position": "Position", "q": "Search", "region": "Body area", "replace": "Replace", "score": "Score",
    "session": "The session", "session_id": "The session", "slug": "The lesson", "speed": "Speed",
    "stretch_id": "The stretch", "suggest": "Suggest", "swap": "Stretches to swap", "to": "Until",
    "token": "The link", "unit": "Unit", "value": "Value", "weeks": "Weeks", "work_days": "Work days",
    "yoga": "Yoga",
}  # fmt: skip


def form_problems(error: RequestValidationError) -> list[str]:
    """Each field a page could not use, as a sentence that names it in the words of its label."""
    sentences = []
    for item in error.errors():
        name = str(item["loc"][-1]) if len(item["loc"]) > 1 else ""
        field = FIELD_WORDS.get(name, name.replace("_", " ").capitalize() or "This page's address")
        sentences.append(f"{field}: {what_is_wanted(item)}.")
    return list(dict.fromkeys(sentences))


def page_before(request: Request) -> str | None:
    """The page of this app the person came from (to go back to a form and change it), or None."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/") or referer.path.startswith("//"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


class Problem(BaseModel):
    """Every error answer of the JSON API: what was wrong, in words (a 422 lists each field's problem; a refused
    session start gives its reasons and what was refused)."""

    detail: str | list[str] | dict[str, Any]


# What any API route may answer besides its own result: the refusals shared by all of them (clinic mode's sign-in
# and roles, a record that is not there or not in a state for this, a body too large, values it cannot use).
API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": what} for status, what in (
        (400, "The body cannot be read (not JSON)"), (401, "Not signed in (clinic mode)"),
        (403, "Not for this person, or from another website"),
        (404, "No such record"), (409, "Not in a state for this"), (413, "The body is too large"),
        (422, "A value that cannot be used; detail lists each problem"))
}  # fmt: skip


def _openapi_as_sent(app: FastAPI) -> dict[str, Any]:
    """The schema, with the 422 FastAPI describes for every route replaced by the body this app sends."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schemas = schema.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if "422" in operation.get("responses", {}):
                    operation["responses"]["422"] = {"description": API_ERRORS[422]["description"], "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}  # fmt: skip
        schemas["Problem"] = Problem.model_json_schema()
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(database: str | None = None, multi_user: bool = False, hosts: Iterable[str] = ()) -> FastAPI:
    """The app over a database: one person's own (the default), or a clinic's, where everyone signs in. It answers
    to this computer's loopback names and to `hosts` (see security.allowed_hosts)."""
    # No /docs or /redoc: their pages load scripts from a CDN, and the app must work with no internet.
    app = FastAPI(title="backstretch", version=__version__, docs_url=None, redoc_url=None,
                  description="General advice, not a diagnosis.", dependencies=[Depends(guard)])  # fmt: skip
    app.state.store = open_store(database)
    app.state.multi_user = multi_user
    app.state.accounts = Accounts(app.state.store.engine)
    app.state.catalogue = load_catalogue()
    app.state.lessons = load_lessons()
    app.state.routines = Routines(app.state.catalogue)
    app.state.read_sessions = player.ReadSessions()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.state.hosts = tuple(hosts)
    allowed = allowed_hosts(hosts)
    app.add_middleware(SameOriginWrites, hosts=allowed)
    app.add_middleware(BodyLimits, multi_user=multi_user, signed_in=app.state.accounts.signed_in)
    app.add_middleware(AllowedHosts, hosts=allowed)
    app.add_middleware(ResponseHeaders, multi_user=multi_user)

    for area in (onboarding, today, player, ending, progress, library, lessons, desk, settings):
        app.include_router(area.pages)
        app.include_router(area.api, prefix="/api", responses=API_ERRORS)
    app.include_router(printouts.pages)
    app.include_router(accounts.pages)
    app.include_router(clinic.pages)

    app.openapi = lambda: _openapi_as_sent(app)  # type: ignore[method-assign]

    @app.exception_handler(GoTo)
    async def go_to(request: Request, where: GoTo) -> Response:
        return RedirectResponse(where.location, status_code=303)

    @app.get("/api/health", tags=["server"])
    def health() -> dict[str, bool]:
        """For load balancers and monitors: the process answers (it does not touch the database)."""
        return {"ok": True}

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> FileResponse:
        # Served from the root so its scope covers every page, not only /static/.
        return FileResponse(STATIC / "sw.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    def problem(request: Request, status: int, detail: Any, page: str | None = None,
                headers: Mapping[str, str] | None = None) -> Response:  # fmt: skip
        """One problem, as JSON for the API and as the error page (with `page`'s words when given) for a person."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": detail}, status_code=status, headers=headers)
        shown = detail if page is None else page
        return templates.TemplateResponse(request, "error.html", {
            "status": status, "detail": shown, "back": page_before(request) if status == 422 else None,
        }, status_code=status)  # fmt: skip

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return problem(request, error.status_code, error.detail, headers=error.headers)

    @app.exception_handler(DataError)
    async def cannot_store(request: Request, error: DataError) -> Response:
        # A value the database itself refuses (PostgreSQL: a NUL character in text, a number out of range): the
        # request was wrong, not the server, and nothing was written.
        detail = "Something in this request cannot be stored (a character or a number the database refuses)."
        return problem(request, 422, detail)

    @app.exception_handler(MissingPart)
    async def part_missing(request: Request, error: MissingPart) -> Response:
        # An optional part (printing) is not installed: the rest of the app works, and this says what is missing.
        return problem(request, 503, error.page_words)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in error.errors()]
        return problem(request, 422, problems, page=" ".join(form_problems(error)))

    return app


def app_from_environment() -> FastAPI:
    """The app for each of several workers: the database and clinic mode from the settings, which
    `backstretch serve --workers N` hands on through the environment."""
    app = create_app(None, multi_user=current_settings().multi_user)
    tune_garbage_collector()
    return app


def tune_garbage_collector() -> None:
    """For a server, once its app is built: what is there now (modules, templates, the library) stays for good, so
    the collector stops looking at it, and it looks at new objects less often.

    A dashboard or Today request makes tens of thousands of objects that live as long as the request. With Python's
    defaults they reach the oldest generation, whose collections go over every object in the process and pause a
    worker long enough to show in the dashboard's slowest answers (docs/performance.md). Not for tests, which build
    many apps in one process: frozen objects are never freed."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING, *gc.get_threshold()[1:])
