"""Building the web app: one store and one catalogue per server, routers per area, assets from the package."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstretch import __version__
from backstretch.app.routine import Routines
from backstretch.library import load_catalogue
from backstretch.store import open_store
from backstretch.store.accounts import Accounts
from backstretch.web.auth import GoTo, csrf_cookie, guard
from backstretch.web.routes import (
    accounts,
    clinic,
    desk,
    ending,
    library,
    onboarding,
    player,
    printouts,
    progress,
    settings,
    today,
)
from backstretch.web.templating import templates

STATIC = Path(__file__).parent / "static"
MULTI_USER_ENV = "BACKSTRETCH_MULTI_USER"
YOUNG_OBJECTS_BEFORE_COLLECTING = 10_000  # Python's default is 700
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE = ("This request came from another website, so it was refused: backstretch only accepts changes made on "
              "its own pages.")  # fmt: skip


def cross_site(request: Request) -> bool:
    """A write sent by another website's page (the app has no login, so any site could post a form to it).

    Browsers say where a request comes from in Sec-Fetch-Site, or else in Origin; a request with neither (curl,
    scripts, tests) is not from a web page and passes."""
    if request.method in SAFE_METHODS:
        return False
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site.strip().lower() in ("cross-site", "same-site")
    origin = request.headers.get("origin")
    return origin is not None and origin.strip().lower() != f"{request.url.scheme}://{request.url.netloc}".lower()


class SameOriginWrites:
    """Refuses writes sent by other websites' pages, and sets the CSRF cookie on the way out.

    Plain ASGI: a middleware made with @app.middleware("http") passes every response through a task and a stream
    of its own (about a tenth of a saved step's server CPU, in py-spy under bench/load.py's load).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if cross_site(request):
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


def create_app(database: str | None = None, multi_user: bool = False) -> FastAPI:
    """The app over a database: one person's own (the default), or a clinic's, where everyone signs in."""
    # No /docs or /redoc: their pages load scripts from a CDN, and the app must work with no internet.
    app = FastAPI(title="backstretch", version=__version__, docs_url=None, redoc_url=None,
                  description="General advice, not a diagnosis.", dependencies=[Depends(guard)])  # fmt: skip
    app.state.store = open_store(database)
    app.state.multi_user = multi_user
    app.state.accounts = Accounts(app.state.store.engine)
    app.state.catalogue = load_catalogue()
    app.state.routines = Routines(app.state.catalogue)
    app.state.read_sessions = player.ReadSessions()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.add_middleware(SameOriginWrites)

    for area in (onboarding, today, player, ending, progress, library, desk, settings):
        app.include_router(area.pages)
        app.include_router(area.api, prefix="/api")
    app.include_router(printouts.pages)
    app.include_router(accounts.pages)
    app.include_router(clinic.pages)

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

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        return templates.TemplateResponse(request, "error.html", {"status": error.status_code,
                                          "detail": error.detail}, status_code=error.status_code)  # fmt: skip

    @app.exception_handler(DataError)
    async def cannot_store(request: Request, error: DataError) -> Response:
        # A value the database itself refuses (PostgreSQL: a NUL character in text, a number out of range): the
        # request was wrong, not the server, and nothing was written.
        detail = "Something in this request cannot be stored (a character or a number the database refuses)."
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": detail}, status_code=422)
        return templates.TemplateResponse(request, "error.html", {"status": 422, "detail": detail}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in error.errors()]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": problems}, status_code=422)
        return HTMLResponse(templates.get_template("error.html").render(request=request, status=422,
                            detail="; ".join(problems)), status_code=422)  # fmt: skip

    return app


def app_from_environment() -> FastAPI:
    """The app for each of several workers: the database from BACKSTRETCH_DATABASE_URL, clinic mode when
    BACKSTRETCH_MULTI_USER is set (`backstretch serve --workers N` sets both)."""
    app = create_app(None, multi_user=bool(os.environ.get(MULTI_USER_ENV)))
    tune_garbage_collector()
    return app


def tune_garbage_collector() -> None:
    """For a server, once its app is built: what is there now (modules, templates, the library) stays for good, so
    the collector stops looking at it, and it looks at new objects less often.

    A dashboard or Today request makes tens of thousands of objects that live as long as the request. With Python's
    defaults they reached the oldest generation, and its collections, each going over every object in the process,
    paused a worker for 90 to 170 ms, 30 times in 13 s across the two workers of bench/load.py's clinic with eight
    dashboards at a time (a gc callback timed them). Side by side, alternating, two runs each: 60 and 60 dashboards
    a second, p99 319 and 312 ms with the defaults; 79 and 77, p99 194 and 191 ms with this; workers' memory the
    same (127 MB). Not for tests, which build many apps in one process: frozen objects are never freed."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING, *gc.get_threshold()[1:])
