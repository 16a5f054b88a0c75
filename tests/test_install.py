"""The package as a person installs it: the wheel in a fresh virtual environment with none of the optional parts
(no printing, no clinic mode, no camera), driven through its own command line and its web API. It proves the app
starts and the core journey works where an extra cannot be installed, and that each missing part says so."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.install

REPO = Path(__file__).resolve().parents[1]
PROFILE = """minutes = 8
pain_areas = ["lower-back"]
equipment = ["chair", "wall"]

[screening]
taken_on = {today}
{answers}
"""


@pytest.fixture(scope="module")
def fresh_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a new virtual environment holding the wheel and only its required dependencies, at the
    app lock's versions. uv (a development dependency) builds and installs it: the same wheel and the same
    packages as pip would, in a fraction of pip's time; pip does it where uv is missing."""
    root = tmp_path_factory.mktemp("fresh")
    wheels, venv = root / "wheels", root / "venv"
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    lock = ["--constraint", str(REPO / "requirements" / "app.lock")]
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    if uv:
        subprocess.run([uv, "build", "--quiet", "--wheel", "--out-dir", str(wheels), str(REPO)], check=True,
                       capture_output=True)  # fmt: skip
        install = [uv, "pip", "install", "--quiet", "--python", python, *lock]
    else:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels),
                        str(REPO)], check=True, capture_output=True)  # fmt: skip
        install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *lock]
    wheel = next(wheels.glob("backstretch-*.whl"))
    installed = subprocess.run([*install, str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    return venv / "bin"


class Installed:
    """The fresh environment's `backstretch`, run as a person would, with its data in the test's folder."""

    def __init__(self, bin_folder: Path, home: Path) -> None:
        self.bin = bin_folder
        self.env = {**os.environ, "BACKSTRETCH_HOME": str(home)}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.bin / "backstretch"), *args], capture_output=True, text=True, timeout=120,
                              env=self.env)  # fmt: skip

    @contextmanager
    def served(self) -> Iterator[httpx.Client]:
        port = _free_port()
        server = subprocess.Popen([str(self.bin / "backstretch"), "serve", "--port", str(port)], env=self.env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                _wait_until_up(client, server)
                yield client
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture
def installed(fresh_bin: Path, backstretch_home: Path) -> Installed:
    return Installed(fresh_bin, backstretch_home)


def test_none_of_the_optional_parts_is_installed(fresh_bin: Path) -> None:
    optional = ("weasyprint", "argon2", "psycopg", "zxcvbn", "cv2", "mediapipe", "desktop_notifier")
    probe = f"import importlib.util as u; print([m for m in {optional!r} if u.find_spec(m)])"
    found = subprocess.run([str(fresh_bin / "python"), "-c", probe], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_the_core_journey_works_without_any_extra(installed: Installed, tmp_path: Path) -> None:
    from datetime import date

    from backstretch.core.safety import QUESTIONS

    answers = "\n".join(f"{q.id} = false" for q in QUESTIONS)
    me = tmp_path / "me.toml"
    me.write_text(PROFILE.format(today=date.today().isoformat(), answers=answers))
    assert installed.run("profile", "--from", str(me)).returncode == 0
    plan = json.loads(installed.run("plan", "--json").stdout)
    assert plan["items"], "a routine is planned without any extra"
    assert installed.run("log", "pain", "4").returncode == 0

    handout = installed.run("handout", "-o", str(tmp_path / "routine.pdf"))
    assert handout.returncode == 2
    assert "pip install 'backstretch[print]'" in handout.stderr and "Traceback" not in handout.stderr

    clinic = installed.run("serve", "--multi-user", "--port", str(_free_port()))
    assert clinic.returncode == 2
    assert "pip install 'backstretch[clinic]'" in clinic.stderr and "Traceback" not in clinic.stderr

    with installed.served() as web:
        for page in ("/", "/today", "/player", "/progress", "/library", "/settings", "/desk"):
            response = web.get(page)
            assert response.status_code == 200, page
        session = web.post("/api/sessions", json={"pain_before": 4}).json()
        for step in session["steps"]:
            saved = web.post(f"/api/sessions/{session['id']}/steps",
                             json={"index": step["index"], "seconds": step["seconds"], "outcome": "done"})  # fmt: skip
            assert saved.status_code in (200, 201), saved.text
        finished = web.post(f"/api/sessions/{session['id']}/finish", json={"status": "completed", "pain_after": 2})
        assert finished.status_code == 200, finished.text
        progress = web.get("/api/progress").json()
        assert progress["consistency"]["days_stretched"] == 1 and progress["consistency"]["current_streak"] == 1

        printed = web.get("/today/handout.pdf")
        assert printed.status_code == 503
        assert "not set up on this computer" in printed.text and "pip install" not in printed.text

    history = json.loads(installed.run("history", "--json").stdout)
    assert [h["status"] for h in history] == ["completed"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(client: httpx.Client, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.get("/api/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the server did not start: {server.communicate()[1].decode()}")
        time.sleep(0.2)
