"""Headers every response carries, decided in one place: what a browser may keep and, in clinic mode, that nothing
personal is stored anywhere along the way."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
                if personal:
                    # In clinic mode every page and answer is someone's: neither the browser's cache, nor the
                    # service worker (which keeps nothing marked so), nor a proxy keeps a copy.
                    headers["cache-control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_with_headers)
