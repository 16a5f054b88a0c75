"""Running the real command-line program the way a person does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def backstretch(*args: str | Path, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backstretch", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        env=None,  # inherits BACKSTRETCH_HOME from the autouse fixture
    )
