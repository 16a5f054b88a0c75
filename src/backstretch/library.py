"""Loading the stretch library (the files shipped in the package and the person's own) and changing their own, and
the lessons shipped beside it."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from backstretch.core.catalogue import (
    Catalogue,
    CatalogueError,
    Problem,
    Stretch,
    TomlError,
    parse_stretch,
    read_toml,
    stretch_from_data,
)
from backstretch.core.lessons import Lesson, parse_lessons
from backstretch.paths import user_stretches_dir

BUILTIN_PACKAGE = "backstretch.data"
SET_KEY = "stretches"  # an exported set is a TOML file with an array of [[stretches]] tables

Loaded = dict[str, tuple[Stretch, str]]


def _read_builtin(kind: str = "stretches") -> list[tuple[str, str, str]]:
    """(file name without .toml, where it is, text) of each shipped file of a kind: stretches or lessons."""
    folder = resources.files(BUILTIN_PACKAGE).joinpath(kind)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found.append((entry.name.removesuffix(".toml"), f"{kind}/{entry.name}", entry.read_text("utf-8")))
    return sorted(found)


@cache
def load_lessons() -> tuple[Lesson, ...]:
    """The shipped lessons in their order, checked (LessonError names every file and field at fault). Read once:
    they are part of the package and never change while it runs."""
    return parse_lessons([(f"{stem}.toml", text, source) for stem, source, text in _read_builtin("lessons")])


def _read_folder(folder: Path) -> list[tuple[str, str, str]]:
    if not folder.is_dir():
        return []
    return [(p.stem, str(p), p.read_text("utf-8")) for p in sorted(folder.glob("*.toml"))]


def load_builtin() -> Loaded:
    return _parse_all(_read_builtin(), {})


def _parse_all(files: list[tuple[str, str, str]], taken: Loaded) -> Loaded:
    problems: list[Problem] = []
    parsed: Loaded = {}
    for stem, source, text in files:
        try:
            stretch = parse_stretch(text, source)
        except CatalogueError as error:
            problems.extend(error.problems)
            continue
        if stretch.id != stem:
            problems.append(Problem(source, "id", f"is {stretch.id!r} but the file is named {stem}.toml"))
            continue
        clash = _clash(stretch.id, taken, parsed, source)
        if clash:
            problems.append(clash)
        else:
            parsed[stretch.id] = (stretch, source)
    if problems:
        raise CatalogueError(problems)
    return parsed


def _clash(sid: str, builtin: Loaded, others: Loaded, source: str) -> Problem | None:
    if sid in builtin:
        return Problem(source, "id", f"{sid!r} is a built-in stretch; give your own stretch a different id")
    if sid in others:
        return Problem(source, "id", f"{sid!r} is already used by {others[sid][1]}")
    return None


def _with_back_links(builtin: Loaded, own: Loaded) -> Loaded:
    """A person's stretch may name a built-in one as its variant; the built-in gains the link back.

    Built-in files cannot know about a person's stretches, so the reverse link is added in memory, which keeps
    "variants point both ways" true for the planner and player.
    """
    merged = dict(builtin)
    for sid, (stretch, _) in own.items():
        for field, back in (("easier", "harder"), ("harder", "easier")):
            for other_id in getattr(stretch, field):
                if other_id in merged and other_id not in own:
                    other, where = merged[other_id]
                    if sid not in getattr(other, back):
                        linked = other.model_copy(update={back: (*getattr(other, back), sid)})
                        merged[other_id] = (linked, where)
    return {**merged, **own}


def _catalogue(loaded: Loaded) -> Catalogue:
    return Catalogue({k: v[0] for k, v in loaded.items()}, {k: v[1] for k, v in loaded.items()})


def load_catalogue(user_folder: Path | None = None) -> Catalogue:
    """Built-in stretches plus the person's own; any problem in any file stops the load with all messages."""
    builtin = load_builtin()
    own = _parse_all(_read_folder(user_folder or user_stretches_dir()), builtin)
    return _catalogue(_with_back_links(builtin, own))


def _stretches_in(path: Path) -> list[Stretch]:
    """A file holds one stretch, or a set of them under [[stretches]] as `export` writes."""
    source = str(path)
    try:
        data = read_toml(path.read_text("utf-8"))
    except OSError as error:
        raise CatalogueError([Problem(source, "(file)", f"cannot be read: {error.strerror}")]) from None
    except UnicodeDecodeError as error:
        raise CatalogueError([Problem(source, "(file)", f"not valid TOML: {error}")]) from None
    except TomlError as error:
        raise CatalogueError([Problem(source, "(file)", str(error))]) from None
    if SET_KEY not in data:
        return [stretch_from_data(data, source)]
    entries = data[SET_KEY]
    if not isinstance(entries, list) or not entries or set(data) != {SET_KEY}:
        raise CatalogueError([Problem(source, SET_KEY, "must be a non-empty list of [[stretches]] tables alone")])
    problems: list[Problem] = []
    found: list[Stretch] = []
    for index, entry in enumerate(entries):
        try:
            found.append(stretch_from_data(entry, f"{source} [[stretches]] #{index + 1}"))
        except CatalogueError as error:
            problems.extend(error.problems)
    if problems:
        raise CatalogueError(problems)
    return found


def add_user_stretches(path: Path, user_folder: Path | None = None, replace: bool = False) -> list[Stretch]:
    """Check a file of one or more stretches against the whole library, then keep them; all or nothing."""
    folder = user_folder or user_stretches_dir()
    builtin = load_builtin()
    own = _parse_all(_read_folder(folder), builtin)
    incoming = _stretches_in(path)
    problems: list[Problem] = []
    seen: set[str] = set()
    for stretch in incoming:
        if stretch.id in seen:
            problems.append(Problem(str(path), "id", f"{stretch.id!r} appears twice in the file"))
        seen.add(stretch.id)
        if stretch.id in builtin:
            problems.append(
                Problem(str(path), "id", f"{stretch.id!r} is a built-in stretch; give your own stretch a different id")
            )
        elif stretch.id in own and not replace:
            problems.append(
                Problem(str(path), "id", f"you already have a stretch {stretch.id!r}; use --replace to update it")
            )
    if problems:
        raise CatalogueError(problems)
    _catalogue(_with_back_links(builtin, {**own, **{s.id: (s, str(path)) for s in incoming}}))  # links must hold
    folder.mkdir(parents=True, exist_ok=True)
    for stretch in incoming:
        write_text_atomic(folder / f"{stretch.id}.toml", to_toml(stretch))
    return incoming


def remove_user_stretch(sid: str, user_folder: Path | None = None) -> None:
    folder = user_folder or user_stretches_dir()
    builtin = load_builtin()
    own = _parse_all(_read_folder(folder), builtin)
    if sid not in own:
        where = "a built-in stretch and cannot be removed" if sid in builtin else "not one of your stretches"
        raise CatalogueError([Problem(sid, "id", f"{sid!r} is {where}")])
    try:
        _catalogue(_with_back_links(builtin, {k: v for k, v in own.items() if k != sid}))
    except CatalogueError as error:
        raise CatalogueError(
            [Problem(sid, "id", f"other stretches still refer to it: {p}") for p in error.problems]
        ) from None
    (folder / f"{sid}.toml").unlink()


def _plain(stretch: Stretch) -> dict[str, Any]:
    return stretch.model_dump(mode="json", exclude_none=True)


def to_toml(stretch: Stretch) -> str:
    return tomli_w.dumps(_plain(stretch))


def export_set(catalogue: Catalogue, ids: list[str]) -> str:
    """A file another person can `add`: borrowed figures are copied in and links outside the set are dropped."""
    unknown = [sid for sid in ids if sid not in catalogue]
    if unknown:
        raise KeyError(unknown[0])
    builtin_ids = set(load_builtin())
    keep = set(ids) | builtin_ids
    entries = []
    for sid in dict.fromkeys(ids):
        stretch = catalogue[sid]
        update: dict[str, Any] = {
            "easier": tuple(v for v in stretch.easier if v in keep),
            "harder": tuple(v for v in stretch.harder if v in keep),
        }
        if stretch.figure_from is not None and stretch.figure_from not in builtin_ids:
            update |= {"figure": catalogue.figure_of(sid), "figure_from": None}
        entries.append(_plain(stretch.model_copy(update=update)))
    return tomli_w.dumps({SET_KEY: entries})


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a crash never leaves half a file; bytes keep line ends as given."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
