"""The README and docs/ stay true: the front door is short and names the commands CI runs, every link resolves,
the command-line reference matches the code, and every citation of the clinical facts names a rule or section
that the shipped copy holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FACTS = DOCS / "clinical-facts.md"
SHARED_FACTS = ROOT.parent / "shared" / "clinical-facts.md"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def test_the_readme_is_a_short_front_door_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    assert "./scripts/run.sh " in readme and "./scripts/test.sh " in readme
    assert "./scripts/test.sh" in (ROOT / ".ci" / "run").read_text(), "CI runs the README's test command"
    assert not re.search(r"\| \d{2}-\d{2}\b", readme), "no dated benchmark rows on the front door"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_to_a_file_resolves(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        assert (page.parent / target).exists(), f"{page.name} links to {target}, which is not there"


def test_the_command_line_reference_is_generated_from_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "cli.md"
    script = ROOT / "scripts" / "cli_docs.sh"
    subprocess.run(["bash", str(script), str(fresh)], check=True, capture_output=True,
                   env={**os.environ, "PYTHON": sys.executable})  # fmt: skip
    assert (DOCS / "cli.md").read_text() == fresh.read_text(), "docs/cli.md is out of date: run scripts/cli_docs.sh"


def _rules_and_sections() -> set[str]:
    facts = FACTS.read_text()
    rules = set(re.findall(r"\*\*Rule ([a-z-]+)\*\*", facts))
    sections = {f"section {n}" for n in re.findall(r"^## (\d+)\.", facts, flags=re.MULTILINE)}
    return rules | sections


def test_every_citation_of_the_clinical_facts_resolves() -> None:
    known = _rules_and_sections()
    unresolved = []
    for path in sorted((ROOT / "src" / "backstretch").rglob("*.py")):
        for cited in re.findall(r"clinical-facts: ([a-z-]+(?: \d+)?)", path.read_text()):
            if cited not in known:
                unresolved.append(f"{path.name}: {cited}")
    assert not unresolved, unresolved


@pytest.mark.skipif(not SHARED_FACTS.exists(), reason="no ../shared/clinical-facts.md beside this clone to compare")
def test_the_shipped_clinical_facts_are_the_shared_ones() -> None:
    assert FACTS.read_text() == SHARED_FACTS.read_text(), "copy ../shared/clinical-facts.md into docs/ again"
