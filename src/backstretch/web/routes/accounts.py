"""Signing in and out, joining by invitation, setting a password by link, and changing it (clinic mode only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backstretch.core.accounts import AccountError
from backstretch.store.accounts import LoginRefused, Person, login_idle
from backstretch.web.auth import accounts, clinic_only, home_of, sign_in, sign_out, signed_in
from backstretch.web.security import LOGIN_COOKIE
from backstretch.web.templating import templates

pages = APIRouter(include_in_schema=False, dependencies=[Depends(clinic_only)])

Text = Annotated[str, Form(max_length=300)]
Secret = Annotated[str, Form(max_length=1000)]


def _safe_next(next_path: str) -> str:
    """Only a path on this site, never another site's address."""
    return next_path if next_path.startswith("/") and not next_path.startswith("//") else ""


@pages.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str, Query(max_length=500)] = "") -> Response:
    token = request.cookies.get(LOGIN_COOKIE)
    idle = token is not None and accounts(request).ended_idle(token)
    notice = idle_words(login_idle()) if idle else ""
    response = templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": "", "email": "",
                                                                  "notice": notice})  # fmt: skip
    if idle:
        response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


def idle_words(idle: timedelta) -> str:
    hours = round(idle / timedelta(hours=1))
    return (f"You were signed out because this browser had not used backstretch for about {hours} hours. Please sign "
            "in again.")  # fmt: skip


@pages.post("/login")
def login(request: Request, email: Text = "", password: Secret = "", next: Text = "") -> Response:
    address = request.client.host if request.client else "unknown"
    try:
        person = accounts(request).check_login(email, password, address)
    except LoginRefused as refused:
        if refused.wait:
            minutes = max(1, round(refused.wait.total_seconds() / 60))
            plural = "s" if minutes > 1 else ""
            error, status = f"Too many tries. Please wait {minutes} minute{plural} and try again.", 429
        else:
            error, status = "That email and password do not match an account.", 401
        return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": error,
                                          "email": email[:254]}, status_code=status)  # fmt: skip
    response = RedirectResponse(_safe_next(next) or home_of(person), status_code=303)
    sign_in(request, response, person)
    return response


@pages.post("/logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    sign_out(request, response)
    return response


def _link_page(request: Request, template: str, token: str, purpose: str, error: str = "",
               status: int = 200) -> Response:  # fmt: skip
    link = accounts(request).link(token, purpose)
    if link is None:
        used = accounts(request).link_used(token, purpose)
        return templates.TemplateResponse(request, "link_expired.html", {"used": used}, status_code=410)
    return templates.TemplateResponse(request, template, {"link": link, "token": token, "error": error},
                                      status_code=status)  # fmt: skip


Token = Annotated[str, Query(min_length=10, max_length=100)]


@pages.get("/join", response_class=HTMLResponse)
def join_page(request: Request, token: Token) -> Response:
    return _link_page(request, "join.html", token, "invite")


def _use_link(request: Request, template: str, token: str, purpose: str, password: str, again: str,
              use: Callable[[], Person]) -> Response:  # fmt: skip
    """Use a one-time link with a new password typed twice, then sign the person in."""
    try:
        if password != again:
            raise AccountError("The two passwords are not the same.")
        person = use()
    except AccountError as error:
        return _link_page(request, template, token, purpose, str(error), 422)
    response = RedirectResponse(home_of(person), status_code=303)
    sign_in(request, response, person)
    return response


@pages.post("/join")
def join(request: Request, token: Token, name: Text = "", password: Secret = "", again: Secret = "") -> Response:
    return _use_link(request, "join.html", token, "invite", password, again,
                     lambda: accounts(request).join(token, name, password))  # fmt: skip


@pages.get("/reset", response_class=HTMLResponse)
def reset_page(request: Request, token: Token) -> Response:
    return _link_page(request, "reset.html", token, "reset")


@pages.post("/reset")
def reset(request: Request, token: Token, password: Secret = "", again: Secret = "") -> Response:
    return _use_link(request, "reset.html", token, "reset", password, again,
                     lambda: accounts(request).reset(token, password))  # fmt: skip


@pages.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> Response:
    return templates.TemplateResponse(request, "account.html", {"person": signed_in(request), "error": "",
                                      "saved": request.query_params.get("saved") == "1"})  # fmt: skip


@pages.post("/account/password")
def change_password(request: Request, current: Secret = "", password: Secret = "", again: Secret = "") -> Response:
    person = signed_in(request)
    assert person is not None and person.email is not None  # the guard lets only signed-in people here
    error = ""
    if password != again:
        error = "The two new passwords are not the same."
    else:
        try:
            accounts(request).check_login(person.email, current, request.client.host if request.client else "?")
            accounts(request).set_password(person.id, password)
        except LoginRefused as refused:
            error = "Too many tries; please wait and try again." if refused.wait else "The current password is wrong."
        except AccountError as problem:
            error = str(problem)
    if error:
        return templates.TemplateResponse(request, "account.html", {"person": person, "error": error,
                                          "saved": False}, status_code=422)  # fmt: skip
    response = RedirectResponse("/account?saved=1", status_code=303)
    sign_in(request, response, person)  # every other browser was signed out with the old password
    return response
