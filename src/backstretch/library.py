"""Loading the stretch library: the files shipped in the package and the person's own stretches."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from backstretch.core.catalogue import Catalogue, CatalogueError, Problem, Stretch, parse_stretch
from backstretch.paths import user_stretches_dir

BUILTIN_PACKAGE = "backstretch.data"


def _read_builtin() -> list[tuple[str, str, str]]:
    folder = resources.files(BUILTIN_PACKAGE).joinpath("stretches")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found.append((entry.name.removesuffix(".toml"), f"stretches/{entry.name}", entry.read_text("utf-8")))
    return sorted(found)


def _read_folder(folder: Path) -> list[tuple[str, str, str]]:
    if not folder.is_dir():
        return []
    return [(p.stem, str(p), p.read_text("utf-8")) for p in sorted(folder.glob("*.toml"))]


def load_builtin() -> dict[str, tuple[Stretch, str]]:
    return _parse_all(_read_builtin(), {})


def _parse_all(
    files: list[tuple[str, str, str]], taken: dict[str, tuple[Stretch, str]]
) -> dict[str, tuple[Stretch, str]]:
    problems: list[Problem] = []
    parsed: dict[str, tuple[Stretch, str]] = {}
    for stem, source, text in files:
        try:
            stretch = parse_stretch(text, source)
        except CatalogueError as error:
            problems.extend(error.problems)
            continue
        if stretch.id != stem:
            problems.append(Problem(source, "id", f"is {stretch.id!r} but the file is named {stem}.toml"))
        elif stretch.id in taken or stretch.id in parsed:
            first = (taken.get(stretch.id) or parsed[stretch.id])[1]
            problems.append(Problem(source, "id", f"{stretch.id!r} is already used by {first}"))
        else:
            parsed[stretch.id] = (stretch, source)
    if problems:
        raise CatalogueError(problems)
    return parsed


def load_catalogue(user_folder: Path | None = None) -> Catalogue:
    """Built-in stretches plus the person's own; any problem in any file stops the load with all messages."""
    builtin = load_builtin()
    own = _parse_all(_read_folder(user_folder or user_stretches_dir()), builtin)
    merged = {**builtin, **own}
    return Catalogue({k: v[0] for k, v in merged.items()}, {k: v[1] for k, v in merged.items()})
