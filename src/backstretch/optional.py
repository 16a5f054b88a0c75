"""The optional parts of backstretch (the package's extras). The app starts and works without each of them; a
feature that needs a missing part says in one line what is missing, in plain words on a page and with the command
to run in the terminal.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    extra: str
    feature: str
    library: str  # what the extra installs, named for people who want to know
    modules: tuple[str, ...]  # what it makes importable


PRINT = Part("print", "Printing to PDF", "WeasyPrint", ("weasyprint",))
CLINIC = Part(
    "clinic",
    "Clinic mode",
    "the PostgreSQL driver, password hashing and the password-strength check",
    ("argon2", "psycopg", "zxcvbn"),
)
CAMERA = Part("camera", "The camera coach in the terminal", "MediaPipe and OpenCV", ("cv2", "mediapipe"))
BREAKS = Part("breaks", "Desk breaks as desktop notifications", "desktop-notifier", ("desktop_notifier",))

PANGO = (
    "the Pango text library from your system (Debian or Ubuntu: sudo apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0; macOS: brew install pango)"
)


class MissingPart(RuntimeError):
    """A feature asked for an optional part this installation lacks."""

    def __init__(self, part: Part, system_library: bool = False) -> None:
        self.part = part
        self.system_library = system_library
        if system_library:
            command = f"{part.feature} needs {PANGO}."
        else:
            command = f"{part.feature} needs backstretch's {part.extra} extra: pip install 'backstretch[{part.extra}]'"
        super().__init__(command)

    @property
    def page_words(self) -> str:
        """The same for a web page, which never shows a command line."""
        if self.system_library:
            return (f"{self.part.feature} is not set up on this computer: it needs the Pango text library. "
                    "The install guide in backstretch's documentation says how to add it.")  # fmt: skip
        return (f"{self.part.feature} is not set up on this computer: it needs backstretch's optional "
                f"{self.part.extra} part ({self.part.library}). The install guide in backstretch's documentation says "
                "how to add it.")  # fmt: skip


def installed(part: Part) -> bool:
    """Whether the part's Python packages are there (cheap: nothing is imported)."""
    return all(importlib.util.find_spec(name) is not None for name in part.modules)


def require(part: Part) -> None:
    """MissingPart unless the part is installed; for commands that need it from their first step."""
    if not installed(part):
        raise MissingPart(part)


def weasyprint_html() -> Any:
    """WeasyPrint's HTML class, imported on first use (it is slow to load), or MissingPart saying why not."""
    try:
        from weasyprint import HTML
    except ImportError:
        raise MissingPart(PRINT) from None
    except OSError:  # WeasyPrint is there, but it could not load Pango through cffi
        raise MissingPart(PRINT, system_library=True) from None
    return HTML
