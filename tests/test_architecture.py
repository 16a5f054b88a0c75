"""The import rules between layers (docs/architecture.md): the core imports nothing of ours but the core, the
application layer no shell, the store no face, and the faces never each other."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backstretch"
SHELLS = ("store", "cli", "web")
# `backstretch serve` is the command that starts the web app: the one place a shell reaches into another.
ALLOWED = {
    ("cli/serve.py", "backstretch.web.app"),
    ("cli/serve.py", "backstretch.web.app.create_app"),
    ("cli/serve.py", "backstretch.web.app.tune_garbage_collector"),
}


def _ours(path: Path) -> set[str]:
    """Every module of ours the file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "backstretch" or name.startswith("backstretch.")}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _files(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _files("core"), ids=lambda p: p.name)
def test_the_core_imports_only_the_core(path: Path) -> None:
    others = {m for m in _ours(path) if _layer(m) != "core" and m != "backstretch"}
    assert not others, f"{path.name} reaches out of the core: {sorted(others)}"


@pytest.mark.parametrize("path", _files("app"), ids=lambda p: p.name)
def test_the_application_layer_imports_no_shell(path: Path) -> None:
    shells = {m for m in _ours(path) if _layer(m) in SHELLS}
    assert not shells, f"{path.name} imports a shell: {sorted(shells)}"


@pytest.mark.parametrize("shell", SHELLS)
def test_the_store_serves_the_faces_and_the_faces_never_import_each_other(shell: str) -> None:
    # The faces (cli, web) both use the store; the store uses neither, and neither face uses the other.
    barred = {"store": {"cli", "web"}, "cli": {"web"}, "web": {"cli"}}[shell]
    crossing = {(str(path.relative_to(PACKAGE)), module) for path in _files(shell) for module in _ours(path)
                if _layer(module) in barred}  # fmt: skip
    assert crossing <= ALLOWED, sorted(crossing - ALLOWED)


def test_the_test_fixtures_load_nothing_heavy_until_a_test_asks() -> None:
    # The conftest's plugins are imported for every test; the browser, the server and the web app wait for a test
    # that uses them, so the core's tests start quickly.
    heavy = ("playwright", "uvicorn", "fastapi", "backstretch.web")
    probe = f"import sys, tests.conftest, tests.web, tests.databases; print(sorted(set({heavy!r}) & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=PACKAGE.parents[1])  # fmt: skip
    assert loaded.stdout.strip() == "[]"
