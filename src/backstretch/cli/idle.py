"""How long this computer has had no keyboard or mouse input, where the system tells: time away counts as a desk
break (core/breaks.py). Each platform has its own way; where none works the answer is None, said once in words.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_IOREG = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')
_GDBUS = re.compile(r"\(uint64\s+(\d+),?\)")
NOT_KNOWN = ("Idle time is not known on this computer, so time away from it does not reset the break timer "
             "(on Linux with X11, install xprintidle).")  # fmt: skip


def parse_xprintidle(text: str) -> float | None:
    """Seconds idle from xprintidle's milliseconds."""
    return int(text.strip()) / 1000 if text.strip().isdigit() else None


def parse_ioreg(text: str) -> float | None:
    """Seconds idle from macOS's `ioreg -c IOHIDSystem` (HIDIdleTime is in nanoseconds)."""
    match = _IOREG.search(text)
    return int(match[1]) / 1e9 if match else None


def parse_mutter(text: str) -> float | None:
    """Seconds idle from GNOME's IdleMonitor over D-Bus, as gdbus prints it: ``(uint64 12345,)`` milliseconds."""
    match = _GDBUS.search(text)
    return int(match[1]) / 1000 if match else None


@dataclass(frozen=True)
class CommandIdle:
    """Idle time from a system command's output."""

    command: Sequence[str]
    parse: Callable[[str], float | None]

    def seconds(self) -> float | None:
        try:
            done = subprocess.run(list(self.command), capture_output=True, text=True, timeout=5, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return self.parse(done.stdout) if done.returncode == 0 else None


class WindowsIdle:
    """GetLastInputInfo: milliseconds since the last input, against the tick count."""

    def seconds(self) -> float | None:
        import ctypes

        class LastInput(ctypes.Structure):
            _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

        info = LastInput()
        info.cbSize = ctypes.sizeof(info)
        user32 = ctypes.windll.user32  # type: ignore[attr-defined,unused-ignore]
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        if not user32.GetLastInputInfo(ctypes.byref(info)):
            return None
        ticks: int = kernel32.GetTickCount()
        last: int = info.dwTime
        return ((ticks - last) & 0xFFFFFFFF) / 1000


class UnknownIdle:
    def seconds(self) -> float | None:
        return None


MUTTER = ("gdbus", "call", "--session", "--dest", "org.gnome.Mutter.IdleMonitor", "--object-path",
          "/org/gnome/Mutter/IdleMonitor/Core", "--method", "org.gnome.Mutter.IdleMonitor.GetIdletime")  # fmt: skip


def system_idle(platform: str = sys.platform) -> CommandIdle | WindowsIdle | UnknownIdle:
    """The first way this computer answers; UnknownIdle (always None) where none does."""
    if platform == "win32":
        return WindowsIdle()
    if platform == "darwin":
        return CommandIdle(("ioreg", "-c", "IOHIDSystem", "-d", "4"), parse_ioreg)
    candidates = []
    if shutil.which("xprintidle"):
        candidates.append(CommandIdle(("xprintidle",), parse_xprintidle))
    if shutil.which("gdbus"):
        candidates.append(CommandIdle(MUTTER, parse_mutter))
    for source in candidates:
        if source.seconds() is not None:
            return source
    return UnknownIdle()
