"""Starting `backstretch breaks` when the person logs in: an XDG autostart entry on Linux and other free desktops,
a LaunchAgent on macOS, the Run key in the registry on Windows. Each entry's text is made by a plain function, so
every platform's is tested anywhere.
"""

from __future__ import annotations

import contextlib
import importlib
import plistlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

NAME = "backstretch-breaks"
LABEL = "org.backstretch.breaks"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class AutostartError(Exception):
    """Autostart cannot be set up here; the message says why in one line."""


def command(db: str | None = None, platform: str = sys.platform, python: str = sys.executable) -> list[str]:
    """The command that starts the desk-break notifier, with the Python that runs this one (on Windows its
    windowless twin, so no console window opens at login)."""
    if platform == "win32":
        quiet = Path(python).with_name("pythonw.exe")
        python = str(quiet) if quiet.exists() else python
    return [python, "-m", "backstretch", "breaks", *(["--db", db] if db else [])]


def _desktop_quote(arg: str) -> str:
    """An argument as the Desktop Entry specification's Exec key wants it."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`%="):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'.replace("%", "%%")


def desktop_entry(argv: Sequence[str]) -> str:
    """An XDG autostart entry (freedesktop.org Desktop Application Autostart Specification)."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=backstretch desk breaks\n"
        "Comment=A short stretch every 30 to 60 minutes in your work hours\n"
        f"Exec={' '.join(_desktop_quote(a) for a in argv)}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def launch_agent(argv: Sequence[str]) -> bytes:
    """A macOS LaunchAgent that runs at login and is not restarted when the person stops it."""
    return plistlib.dumps({"Label": LABEL, "ProgramArguments": list(argv), "RunAtLoad": True, "KeepAlive": False,
                           "ProcessType": "Interactive"})  # fmt: skip


def run_value(argv: Sequence[str]) -> str:
    """The Windows Run key's value: one command line, quoted as Windows parses it."""
    return subprocess.list2cmdline(list(argv))


def entry_path(platform: str = sys.platform, home: Path | None = None) -> Path | None:
    """Where the entry goes: a file on Linux and macOS, None on Windows (the registry)."""
    if platform.startswith("linux") or platform.startswith("freebsd") or platform.startswith("openbsd"):
        return user_config_path() / "autostart" / f"{NAME}.desktop"
    if platform == "darwin":
        return (home or Path.home()) / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    return None


def install(argv: Sequence[str], platform: str = sys.platform) -> str:
    """Add the entry; the message says where it went."""
    path = entry_path(platform)
    if platform == "win32":
        _registry(run_value(argv))
        return "Desk breaks will start when you sign in to Windows (registry: HKEY_CURRENT_USER Run key)."
    if path is None:
        raise AutostartError(f"starting at login is not set up for this system ({platform}); start "
                             "`backstretch breaks` yourself, or add it to your desktop's startup programs")  # fmt: skip
    data = launch_agent(argv) if platform == "darwin" else desktop_entry(argv).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as error:
        raise AutostartError(f"cannot write {path}: {error.strerror}") from None
    return f"Desk breaks will start when you log in ({path})."


def uninstall(platform: str = sys.platform) -> str:
    path = entry_path(platform)
    if platform == "win32":
        _registry(None)
        return "Desk breaks will no longer start when you sign in to Windows."
    if path is None:
        raise AutostartError(f"starting at login is not set up for this system ({platform}), so there is nothing "
                             "to remove")  # fmt: skip
    if not path.exists():
        return f"Desk breaks were not set to start at login (no {path})."
    try:
        path.unlink()
    except OSError as error:
        raise AutostartError(f"cannot remove {path}: {error.strerror}") from None
    return f"Desk breaks will no longer start when you log in (removed {path})."


def _registry(value: str | None) -> None:  # pragma: no cover - Windows only
    winreg: Any = importlib.import_module("winreg")  # Windows only; Any, as type checkers elsewhere lack its names

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            if value is None:
                with contextlib.suppress(FileNotFoundError):  # not there: nothing to remove
                    winreg.DeleteValue(key, NAME)
            else:
                winreg.SetValueEx(key, NAME, 0, winreg.REG_SZ, value)
    except OSError as error:
        raise AutostartError(f"cannot change the Windows Run key: {error.strerror}") from None
