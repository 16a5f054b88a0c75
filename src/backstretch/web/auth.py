"""Clinic mode's guard: who is signed in, what they may open, and a CSRF token on every write.

On one person's computer (the default) nobody signs in and this guard does nothing. In clinic mode every request
passes through `guard`, a dependency of the whole app:
- the browser's login cookie (HttpOnly, SameSite=Lax, Secure over https) names the person, or nobody;
- signed out, only the sign-in, invitation and reset pages and the stretch library open: a page goes to /login,
  the API says 401;
- the personal pages and API (routine, player, progress, settings, desk breaks) are for patients; clinicians and
  admins have their own pages, and get 403 on a patient's;
- saving a session step checks the sign-in itself, in the statement that saves it (`signs_in_itself`): it is
  the busiest request, and the same answers (401, 403) come from there;
- a write (POST, PUT, DELETE, PATCH) must carry the CSRF token, in the form field `csrf` or the header
  `X-CSRF-Token`, equal to the `backstretch_csrf` cookie (double submit: another site can neither read nor set
  that cookie, so it cannot forge the field).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup, escape

from backstretch.core.accounts import PATIENT_ROLES, STAFF_ROLES
from backstretch.store.accounts import Accounts, Person
from backstretch.web.security import CLEAR_SITE_DATA, LOGIN_COOKIE

CSRF_COOKIE = "backstretch_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Open signed out: signing in, and the stretch library (the same for everyone, nobody's data).
OPEN = ("/login", "/join", "/reset", "/static/", "/sw.js", "/figures/", "/library", "/api/stretches", "/api/health")
# Of those, what answers the same whoever asks: no need to look up who is signed in (a database query).
ANYONE = ("/static/", "/sw.js", "/figures/", "/api/stretches", "/api/health")
CLINIC = ("/clinic", "/api/clinic")  # clinicians' and admins' own
ANY_ROLE = ("/logout", "/account")  # every signed-in person (the API's schema, /openapi.json, is public anyway)
SIGN_IN_FIRST = "Please sign in first."
FOR_PATIENTS = "These pages are for patients; your patients' data is under Patients."
# Patients' API routes that check the sign-in themselves, in the statement that does their work (saving a step):
# the guard checks only the CSRF token for them, which spares the busiest write a query and a thread of its own.
SIGNS_IN_ITSELF: set[Callable[..., Any]] = set()
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def signs_in_itself(endpoint: Endpoint) -> Endpoint:
    """Mark a patients' API route that checks the sign-in itself: with `login_token` and the login's hash in its
    statement, and with `patient_signed_in` when that statement does not go through."""
    SIGNS_IN_ITSELF.add(endpoint)
    return endpoint


class GoTo(Exception):
    """A page that is somewhere else for this visitor (signed out: the sign-in page); the app redirects there."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def multi_user(request: Request) -> bool:
    return bool(getattr(request.app.state, "multi_user", False))


def clinic_only(request: Request) -> None:
    """A dependency for the accounts' and clinicians' pages: on one person's computer they do not exist."""
    if not multi_user(request):
        raise HTTPException(404, "There are no accounts here: this app belongs to the one person using this computer.")


def accounts(request: Request) -> Accounts:
    found: Accounts = request.app.state.accounts
    return found


def signed_in(request: Request) -> Person | None:
    person: Person | None = getattr(request.state, "person", None)
    return person


def home_of(person: Person) -> str:
    return "/clinic" if person.role in STAFF_ROLES else "/today"


def _starts(path: str, prefixes: tuple[str, ...]) -> bool:
    """The path is one of these, or under one of them ("/library" covers "/library/cat-stretch")."""
    return any(path == p or path.startswith(p if p.endswith("/") else p + "/") for p in prefixes)


async def guard(request: Request) -> None:
    """Sign-in, roles and CSRF for every route, in clinic mode only."""
    if not multi_user(request):
        return
    request.state.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.person = None
    path = request.url.path
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):  # served under a prefix (uvicorn --root-path): check the app's own path
        path = path[len(root) :] or "/"
    if request.method not in SAFE_METHODS:
        await _check_csrf(request)
    if request.method in SAFE_METHODS and _starts(path, ANYONE):
        return
    if request.scope.get("endpoint") in SIGNS_IN_ITSELF:
        return
    token = request.cookies.get(LOGIN_COOKIE)
    # In a worker thread, like the routes' own queries: the event loop goes on serving other requests meanwhile.
    person = await run_in_threadpool(accounts(request).signed_in, token) if token else None
    request.state.person = person
    if _starts(path, OPEN):
        return
    if person is None:
        if path.startswith("/api/"):
            raise HTTPException(401, SIGN_IN_FIRST)
        raise GoTo(login_path(path + (f"?{request.url.query}" if request.url.query else "")))
    if path == "/" and person.role in STAFF_ROLES:
        raise GoTo(home_of(person))
    if _starts(path, ANY_ROLE):
        return
    if _starts(path, CLINIC):
        if person.role not in STAFF_ROLES:
            raise HTTPException(403, "These pages are for clinicians.")
        return
    if person.role not in PATIENT_ROLES:
        raise HTTPException(403, FOR_PATIENTS)


def login_token(request: Request) -> str:
    """The login cookie, for a route that signs in itself: signed out, the 401 the guard would give."""
    token = request.cookies.get(LOGIN_COOKIE)
    if not token:
        raise HTTPException(401, SIGN_IN_FIRST)
    return token


def patient_signed_in(request: Request, token: str) -> Person:
    """Who holds this login, for a route that signs in itself: the guard's answers to nobody or to staff. A query:
    call it from a worker thread."""
    person = accounts(request).signed_in(token)
    if person is None:
        raise HTTPException(401, SIGN_IN_FIRST)
    request.state.person = person
    if person.role not in PATIENT_ROLES:
        raise HTTPException(403, FOR_PATIENTS)
    return person


async def _check_csrf(request: Request) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise HTTPException(403, "This form has expired or did not come from this app's own page; please reload "
                                 "the page and try again.")  # fmt: skip


def csrf_cookie(request: Request) -> str | None:
    """The Set-Cookie header for the CSRF token, on the way out, if the browser did not have it yet."""
    csrf = getattr(request.state, "csrf", None)
    if not csrf or request.cookies.get(CSRF_COOKIE) == csrf:
        return None
    carrier = Response()
    carrier.set_cookie(CSRF_COOKIE, csrf, httponly=False, samesite="strict", secure=_secure(request), path="/")
    return carrier.headers["set-cookie"]


def sign_in(request: Request, response: Response, person: Person) -> None:
    """A new login token, the old one (if any) ended, and a fresh CSRF token for the signed-in pages."""
    old = request.cookies.get(LOGIN_COOKIE)
    if old:
        accounts(request).close_login(old)
    token = accounts(request).open_login(person.id)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), path="/",
                        max_age=14 * 24 * 3600)  # fmt: skip
    request.state.csrf = secrets.token_urlsafe(32)  # set on the way out (csrf_cookie)


def sign_out(request: Request, response: Response) -> None:
    token = request.cookies.get(LOGIN_COOKIE)
    if token:
        accounts(request).close_login(token)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    # On a shared computer nothing of theirs stays readable in this browser (app.js does the same where browsers
    # ignore this header: over plain http to another computer).
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA


def _secure(request: Request) -> bool:
    """Secure cookies when the browser reached us over https (behind a proxy: run uvicorn with proxy headers)."""
    return request.url.scheme == "https"


def csrf_input(request: Request) -> Markup:
    """The hidden CSRF field for a form; nothing on one person's own computer."""
    token = getattr(request.state, "csrf", None)
    if not token:
        return Markup("")
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">')


def login_path(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="/")
