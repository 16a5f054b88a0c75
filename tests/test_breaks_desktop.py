"""The real notification backend (desktop-notifier): on this computer's desktop where it has one, and through a
private D-Bus session bus with a small notification server that speaks the freedesktop.org protocol, so the button
presses travel the same way as on a Linux desktop.

No `from __future__ import annotations` here: dbus-fast reads the D-Bus signatures from the annotations."""

import asyncio
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstretch.cli.breaks import DesktopNotifications, NotificationsUnavailable

pytestmark = pytest.mark.skipif(importlib.util.find_spec("desktop_notifier") is None,
                                reason="the breaks extra (desktop-notifier) is not installed")  # fmt: skip

BUTTONS = {"start": "Start", "snooze": "Snooze 10 min", "skip": "Skip"}


def test_a_real_notification_on_this_desktop() -> None:
    if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.skip("no desktop session here (no D-Bus session bus), so no notification can be shown")
    answers: list[str] = []
    notifier = DesktopNotifications()
    try:
        notifier.show("backstretch test", "A test of desk-break notifications; it closes itself.", BUTTONS,
                      answers.append)  # fmt: skip
    except NotificationsUnavailable as error:
        pytest.skip(f"this desktop does not show notifications: {error}")
    notifier.close()


def _server_module() -> object:
    from dbus_fast.service import ServiceInterface, method, signal

    class Notifications(ServiceInterface):  # type: ignore[misc]
        """The parts of org.freedesktop.Notifications a client uses."""

        def __init__(self) -> None:
            super().__init__("org.freedesktop.Notifications")
            self.shown: list[tuple[str, str, list[str]]] = []
            self.closed: list[int] = []

        @method()
        def GetCapabilities(self) -> "as":  # noqa: F722
            return ["actions", "body"]

        # D-Bus type signatures, which dbus-fast reads from the annotations, not Python types: kept on two lines.
        # fmt: off
        @method()
        def Notify(self, app: "s", replaces: "u", icon: "s", summary: "s", body: "s", actions: "as",  # noqa: F821, F722
                   hints: "a{sv}", timeout: "i") -> "u":  # noqa: F821, F722
            self.shown.append((summary, body, list(actions)))
            return len(self.shown)
        # fmt: on

        @method()
        def CloseNotification(self, number: "u") -> None:  # noqa: F821
            self.closed.append(number)

        @method()
        def GetServerInformation(self) -> "ssss":  # noqa: F821
            return ["test", "backstretch", "1", "1.2"]

        @signal()
        def ActionInvoked(self, number: int, key: str) -> "us":  # noqa: F821
            return [number, key]

        @signal()
        def NotificationClosed(self, number: int, reason: int) -> "uu":  # noqa: F821
            return [number, reason]

    return Notifications


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed, so no private session bus can be started")
    config = Path("/usr/share/dbus-1/session.conf")
    started = subprocess.Popen([daemon, f"--config-file={config}", "--nofork", "--print-address"],
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert started.stdout is not None
    address = started.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    started.terminate()
    started.wait(timeout=10)


def test_the_backend_shows_buttons_and_hears_a_press_through_d_bus(session_bus: str) -> None:
    from dbus_fast.aio import MessageBus

    server = _server_module()()  # type: ignore[operator]
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def serve() -> MessageBus:
        bus = await MessageBus(bus_address=session_bus).connect()
        bus.export("/org/freedesktop/Notifications", server)
        await bus.request_name("org.freedesktop.Notifications")
        return bus

    bus = asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
    answers: list[str] = []
    pressed = threading.Event()

    def answer(action: str) -> None:
        answers.append(action)
        pressed.set()

    notifier = DesktopNotifications()
    notifier.show("Time for a short desk break", "Chin tuck: hold 20 seconds.", BUTTONS, answer)
    ((summary, body, actions),) = server.shown
    assert (summary, body) == ("Time for a short desk break", "Chin tuck: hold 20 seconds.")
    labels = dict(zip(actions[1::2], actions[0::2], strict=True))  # label: key
    assert {"Start", "Snooze 10 min", "Skip"} <= set(labels)
    loop.call_soon_threadsafe(server.ActionInvoked, 1, labels["Snooze 10 min"])
    assert pressed.wait(10), "the press came back"
    assert answers == ["snooze"]
    notifier.show("Time for a short desk break", "Side bend.", BUTTONS, answer)
    notifier.close()
    assert server.closed == [2], "a break the loop withdraws (a pause, time away) leaves the screen"
    loop.call_soon_threadsafe(bus.disconnect)


def test_without_a_notification_service_it_says_so_in_words(session_bus: str) -> None:
    with pytest.raises(NotificationsUnavailable, match="no notification service answered"):
        DesktopNotifications().show("t", "m", BUTTONS, lambda action: None)
