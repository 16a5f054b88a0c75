"""What every request must be and every response carries, decided in one place: the names the app answers to (DNS
rebinding), a strict Content-Security-Policy and no framing, and, in clinic mode, that nothing personal is stored
anywhere along the way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstretch.settings import current as current_settings

# Names this computer always answers to; a page reaching the app by any other name (a rebinding domain made to
# point at 127.0.0.1) is refused before anything runs.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
UNKNOWN_HOST = ("This address is not one backstretch was told to answer to. If you meant to open it by this name, "
                "start it with --allow-host and the name.")  # fmt: skip
# Every page: scripts, styles, images and connections only from the app itself (no inline script or style, no CDN);
# 'wasm-unsafe-eval' lets the camera coach compile MediaPipe's WebAssembly (vendored, served from /static), which
# allows no JavaScript eval; no page may be shown in another site's frame (clickjacking).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
                           "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
                           "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")  # fmt: skip
EVERY_RESPONSE = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",  # frame-ancestors for older browsers
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # a one-time link's token never leaves in a Referer
}
# The same for everyone, in both modes: the app's own files and the stretch figures.
SHARED = ("/static/", "/figures/", "/sw.js")
NO_STORE = "no-store"
# Sent with signing out: the browser drops its HTTP cache and the site's storage (Cache Storage, the service
# worker, localStorage with the player's copies of sessions). Not "cookies": the sign-out clears its own cookie, and
# the CSRF cookie names nobody.
CLEAR_SITE_DATA = '"cache", "storage"'


class ResponseHeaders:
    """Adds the headers every response needs on the way out. Plain ASGI, like SameOriginWrites (see there)."""

    def __init__(self, app: ASGIApp, multi_user: bool) -> None:
        self.app = app
        self.multi_user = multi_user

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        personal = self.multi_user and not scope["path"].startswith(SHARED)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(EVERY_RESPONSE)
                if personal:
                    # In clinic mode every page and answer is someone's: neither the browser's cache, nor the
                    # service worker (which keeps nothing marked so), nor a proxy keeps a copy.
                    headers["cache-control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(value: str) -> str:
    """The bare name or address in a Host header, an origin or a base URL, in lower case: no scheme, port or
    brackets ("[::1]:8000" is "::1")."""
    text = value.strip().lower()
    if "://" in text:
        text = urlsplit(text).netloc.rsplit("@", 1)[-1]
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else ""
    return text.split(":", 1)[0].rstrip(".") if text.count(":") <= 1 else text


def configured_hosts(configured: Iterable[str] = ()) -> list[str]:
    """The names and base URLs the app was told it is reached by, in order: BACKSTRETCH_BASE_URL, the ones given
    (`serve --host` and `--allow-host`), then BACKSTRETCH_ALLOWED_HOSTS. "Every address" (0.0.0.0) names none."""
    settings = current_settings()
    given = [settings.base_url or "", *configured, *settings.allowed_hosts.split(",")]
    return [name.strip() for name in given if host_name(name) not in ("", "0.0.0.0", "::")]


def allowed_hosts(configured: Iterable[str] = ()) -> frozenset[str]:
    """The names the app answers to: this computer's loopback names and the configured ones. The one place they
    come from."""
    return frozenset(LOOPBACK_NAMES) | {host_name(name) for name in configured_hosts(configured)}


def link_origin(configured: Iterable[str], scheme: str, port: int | None) -> str:
    """Where a link the app hands out (an invitation, a password link) points: the base URL, or else the first
    configured name on this server's own port, or else this computer. Never the Host a request names: a request
    sent with another name (a proxy that passes any Host on) would otherwise get a link to someone else's site."""
    names = configured_hosts(configured)
    first = names[0] if names else LOOPBACK_NAMES[0]
    if "://" in first:
        return first.rstrip("/")
    host = f"[{host_name(first)}]" if ":" in host_name(first) else host_name(first)
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


class AllowedHosts:
    """Refuses a request whose Host is not on the allowlist (DNS rebinding: another site's page that reaches this
    computer under its own domain name). Starlette's TrustedHostMiddleware does the same but misreads "[::1]:8000"."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and host_name(Headers(scope=scope).get("host", "")) not in self.hosts:
            await PlainTextResponse(UNKNOWN_HOST, status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)


# How much a request may send. Every form and JSON write of the app fits in far less than BODY_LIMIT; a backup to
# import may be IMPORT_LIMIT (the import's own check gives the clear message for a file just over its 50 MB). In
# clinic mode, a request that does not come from someone signed in may send SIGNED_OUT_LIMIT (the sign-in, join and
# reset forms), so nobody can make the server read and parse a large body before it knows who is asking.
BODY_LIMIT = 1024 * 1024
IMPORT_PATHS = ("/settings/import",)
IMPORT_LIMIT = 51 * 1024 * 1024
SIGNED_OUT_LIMIT = 16 * 1024
TOO_LARGE = "This request is larger than backstretch accepts."
LOGIN_COOKIE = "backstretch_login"


class BodyLimits:
    """Refuses a request body over its limit, by its Content-Length before reading anything, or as soon as the
    bytes sent pass it. In clinic mode a body larger than SIGNED_OUT_LIMIT is read only once its sender's login is
    known to be good (one query, only for such bodies: the saved steps and other small writes skip it)."""

    def __init__(self, app: ASGIApp, multi_user: bool, signed_in: Callable[[str], object]) -> None:
        self.app = app
        self.multi_user = multi_user
        self.signed_in = signed_in

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = IMPORT_LIMIT if scope["path"] in IMPORT_PATHS else BODY_LIMIT
        declared = headers.get("content-length", "")
        length = int(declared) if declared.isdigit() else None
        if self.multi_user and (length is None or length > SIGNED_OUT_LIMIT) and not await self._signed_in(headers):
            limit = SIGNED_OUT_LIMIT
        if length is not None and length > limit:
            await _too_large(scope)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, TOO_LARGE)  # read inside the route: the app's own error page or JSON
            return message

        await self.app(scope, counted, send)

    async def _signed_in(self, headers: Headers) -> bool:
        token = cookie_parser(headers.get("cookie", "")).get(LOGIN_COOKIE)
        return token is not None and token != "" and await run_in_threadpool(self.signed_in, token) is not None


def _too_large(scope: Scope) -> PlainTextResponse | JSONResponse:
    if scope["path"].startswith("/api/"):
        return JSONResponse({"detail": TOO_LARGE}, status_code=413)
    return PlainTextResponse(TOO_LARGE, status_code=413)
