"""The tests run on the versions the app ships: the two lock files agree on every package they share, and each
holds what pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements"
PYPROJECT = REQUIREMENTS.parent / "pyproject.toml"


def _pins(lock: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in (REQUIREMENTS / lock).read_text().splitlines():
        pinned = re.match(r"([A-Za-z0-9][A-Za-z0-9_.\-]*)(\[[^\]]*\])?==([^\s;]+)", line)
        if pinned:
            found.setdefault(_normal(pinned.group(1)), set()).add(pinned.group(3))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _named(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", requirement)
    assert match is not None
    return _normal(match.group(0))


def test_the_app_and_the_tests_pin_every_shared_package_alike() -> None:
    app, dev = _pins("app.lock"), _pins("dev.lock")
    differ = {name: (app[name], dev[name]) for name in app.keys() & dev.keys() if app[name] != dev[name]}
    assert not differ, f"the tests would not run on the app's versions: {differ}"
    assert app.keys() <= dev.keys(), f"the tests lack what the app ships: {sorted(app.keys() - dev.keys())}"


def test_each_lock_holds_what_pyproject_asks_for() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    extras = project["optional-dependencies"]
    optional = [extra for extra in extras if extra != "dev"]  # what scripts/lock.sh puts in the app's lock
    shipped = [*project["dependencies"], *(r for extra in optional for r in extras[extra])]
    app, dev = _pins("app.lock"), _pins("dev.lock")
    assert {_named(r) for r in shipped} <= app.keys()
    assert {_named(r) for r in [*shipped, *extras["dev"]]} <= dev.keys()
