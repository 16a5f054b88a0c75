"""What no page, printout or calendar file may show a person: a command line, a vocabulary term in its raw form, a
source key, an ISO date. Built from the vocabularies, the command's own subcommands and the cited sources, so a new
term, command or source is looked for without editing a list here."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import typer

from backstretch.core.vocab import SOURCES
from backstretch.core.words import VOCABULARIES, plain_words

CLINICAL_FACTS = Path(__file__).resolve().parents[1] / "docs" / "clinical-facts.md"
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
BACKTICKS = re.compile(r"`[^`\n]+`")


def _said_plainly(raw: str) -> bool:
    """A raw value its own plain words use as it is: "chair" in "on a chair", "back-stretcher" in "a back-stretcher"
    (but not "upper-back", whose plain words are "upper back")."""
    for vocabulary in VOCABULARIES:
        for term in vocabulary:
            if term.value != raw:
                continue
            plain = plain_words(term).lower()
            if re.search(rf"(?<![\w-]){re.escape(raw)}(?![\w-])", plain):
                return True
    return False


@cache
def raw_terms() -> tuple[frozenset[str], frozenset[str]]:
    """The vocabulary values a page must not show: those of several words (hyphenated), which no sentence writes,
    and single words ("flexion", "glutes", "mon"), which a sentence may use but a page must not show on their own (a
    line, a table cell, an item of a list)."""
    values = {term.value for vocabulary in VOCABULARIES for term in vocabulary}
    shown_raw = {v for v in values if not _said_plainly(v) and re.search(r"[a-z]", v)}
    return frozenset(v for v in shown_raw if "-" in v), frozenset(v for v in shown_raw if "-" not in v)


@cache
def source_keys() -> frozenset[str]:
    """The keys stretch files and the clinical facts cite sources by (A2, R4, MCKENZIE...)."""
    facts = CLINICAL_FACTS.read_text(encoding="utf-8")
    listed = facts[facts.index("## Sources") :]
    return frozenset(SOURCES) | frozenset(re.findall(r"(?<![\w-])([A-Z]\d{1,2})(?![\w-])", listed))


@cache
def subcommands() -> frozenset[str]:
    from backstretch.cli.main import app

    command = typer.main.get_command(app)
    return frozenset(command.commands)  # type: ignore[attr-defined]


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    several, _ = raw_terms()
    terms = "|".join(sorted(map(re.escape, several), key=len, reverse=True))
    keys = "|".join(sorted(map(re.escape, source_keys()), key=len, reverse=True))
    commands = "|".join(sorted(map(re.escape, subcommands()), key=len, reverse=True))
    return (re.compile(rf"(?<![\w-])(?:{terms})(?![\w-])"),
            re.compile(rf"(?<![\w-])(?:{keys}):|\[(?:{keys})(?:, ?(?:{keys}))*\]|\((?:{keys})\)"
                       rf"|\bsources? (?:{keys})\b|clinical-facts"),
            re.compile(rf"\bbackstretch (?:{commands})\b"))  # fmt: skip


def problems(text: str) -> list[str]:
    """Each thing in the text a person should not see, quoted with what it is."""
    terms, sources, commands = _patterns()
    _, single_words = raw_terms()
    found = [f"command line {m[0]!r}" for m in commands.finditer(text)]
    found += [f"command in backticks {m[0]!r}" for m in BACKTICKS.finditer(text)]
    found += [f"vocabulary term {m[0]!r}" for m in terms.finditer(text)]
    found += [f"vocabulary term {cell.strip()!r} on its own" for cell in re.split(r"[\n\t,;·:]", text)
              if cell.strip() in single_words]  # fmt: skip
    found += [f"source key {m[0]!r}" for m in sources.finditer(text)]
    found += [f"ISO date {m[0]!r}" for m in ISO_DATE.finditer(text)]
    return found
