"""Jinja templates shared by every area, with the disclaimer and navigation every page shows."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from backstretch.cli.stretches import DISCLAIMER

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["disclaimer"] = DISCLAIMER
templates.env.globals["nav"] = [("/today", "Today"), ("/library", "Library"), ("/progress", "Progress"),
                                ("/desk", "Desk breaks"), ("/settings", "Settings")]  # fmt: skip
