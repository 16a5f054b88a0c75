"""A real server on a free port and real headless Chromium, for tests of the web app as a person uses it.

Playwright, uvicorn and the web app are imported where they are used, so the tests that need none of them (the
core's, most of all) start without loading them; the conftest marks every test that opens a browser `browser`."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fastapi.routing import APIRoute
    from playwright.sync_api import Browser, Page

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1366, "height": 900}
# Script errors a page met, kept for a failing test's message (init scripts run before the page's own, CSP or not).
RECORD_ERRORS = """window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));"""


def all_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every route of the app with its full path, also inside included routers (FastAPI keeps those as wrappers)."""
    from fastapi.routing import APIRoute

    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # an included router: its routes under its prefix
            found += all_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return found


def chromium_path() -> str:
    """Debian's chromium (installed by .ci/run); Playwright's own browser download is not reachable here."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium found: install Debian's chromium package (.ci/run does)")


class LiveServer:
    def __init__(self, database: str, multi_user: bool = False) -> None:
        import uvicorn

        from backstretch.web.app import create_app

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(database, multi_user), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the web server did not start within 20 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(f"sqlite:///{tmp_path / 'web.sqlite3'}") as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path())
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    context.add_init_script(RECORD_ERRORS)
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str, check: Callable[[str], None] | None = None) -> None:
    """Save the page at phone and desk widths into build/screenshots, for people to look at; `check` (axe, say)
    runs at each size first, given the size as "390x844"."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size in (PHONE, DESK):
        label = f"{size['width']}x{size['height']}"
        page.set_viewport_size(size)  # type: ignore[arg-type]
        if check is not None:
            check(label)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]


def in_position(page: Page, kind: str = "hold", timeout: float = 30000) -> None:
    """Press "I'm ready" or "I'm in position" at each step that waits for it (the checklist, reading a stretch,
    changing position) until a step of this kind runs, as a person who has read the steps and got there would.

    The look and the press happen in one turn of the page's script, so a press meant for one step can never land on
    the next (a mouse click retried by Playwright while a step changed could skip the very step waited for)."""
    press_unless_there = """(kind) => {
        if (document.body.dataset.step === kind) return true;
        const go = document.querySelector('#go');
        if (go && !go.hidden && !go.disabled && go.offsetParent !== null) go.click();
        return false;
    }"""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(press_unless_there, kind):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {kind} step came; the page showed: {_player_state(page)}")
        page.wait_for_timeout(100)


def _player_state(page: Page) -> str:
    """What the player showed, for a failure message: its step, whether paused, its words, any refusal."""
    return str(
        page.evaluate(
            """() => ({url: location.href, step: document.body.dataset.step || null,
            classes: document.body.className, title: document.querySelector('#step-title')?.textContent,
            cue: document.querySelector('#cue')?.textContent,
            go: document.querySelector('#go') ? !document.querySelector('#go').hidden : null,
            refused: document.querySelector('#refused')?.innerText || null,
            error: [...document.querySelectorAll('.error:not([hidden])')].map((e) => e.textContent),
            scriptErrors: window.__errors || []})"""
        )
    )


def past_the_warm_up(page: Page) -> None:
    """From the warm-up (the step after the checklist) on to the first stretch, as a person in a hurry would."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Warm up with easy movement")).to_be_visible()
    page.get_by_role("button", name="Skip").click()
