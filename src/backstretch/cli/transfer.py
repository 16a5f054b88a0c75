"""`backstretch export` and `import`: a backup you can keep, move to another machine, or open in a spreadsheet."""

from __future__ import annotations

import contextlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from backstretch.cli.plan import DbOption
from backstretch.cli.stretches import err, fail
from backstretch.fhir import export_bundle
from backstretch.library import write_text_atomic
from backstretch.store import open_store
from backstretch.store.transfer import (
    MAX_IMPORT_BYTES,
    DatabaseNotEmptyError,
    TransferError,
    check_document,
    count,
    export_data,
    from_csv,
    from_json,
    import_data,
    to_csv,
    to_json,
)


class FileFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    FHIR = "fhir"


def export_command(
    file_format: Annotated[
        FileFormat,
        typer.Option(
            "--format",
            "-f",
            help="json; csv for a spreadsheet; fhir: measures and sessions as an HL7 FHIR R4 Bundle.",
        ),
    ] = FileFormat.JSON,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default or -: print it).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="fhir only: a name for the Patient (none unless given).")] = "",
    db: DbOption = None,
) -> None:
    """Everything stored (profile, safety answers, sessions, measures) in one file that `import` reads back; or, with
    --format fhir, your measures and sessions for another health system."""
    if name and file_format is not FileFormat.FHIR:
        raise fail("--name is for --format fhir only (the json and csv exports hold no name)")
    store = open_store(db)
    if file_format is FileFormat.FHIR:
        where = _write(output, export_bundle(store, name))
        err.print(f"Exported your measures and sessions as FHIR to {where}.", markup=False)
        return
    document = export_data(store)
    text = to_json(document) if file_format is FileFormat.JSON else to_csv(document)
    where = _write(output, text)
    err.print(f"Exported {count(document)} to {where}.", markup=False)
    try:
        check_document(document)
    except TransferError as error:
        # Export everything anyway, but say so now rather than when the backup is needed.
        warning = f"Warning: `backstretch import` would refuse this file as it is: {error}"
        err.print(warning, markup=False)


def _write(output: Path | None, text: str) -> str:
    """Print the text, or write it to a file in one step; where it went."""
    if output is None or str(output) == "-":
        # Bytes, so the file is UTF-8 whatever the terminal's encoding, and no newline is translated.
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        where = "standard output"
    else:
        if not output.parent.is_dir():
            raise fail(f"folder {str(output.parent)!r} does not exist")
        try:
            write_text_atomic(output, text)
        except OSError as error:
            raise fail(f"cannot write {str(output)!r}: {error.strerror or error}") from None
        where = str(output)
    return where


def _read(file: Path) -> tuple[str, str]:
    """The file's text and its format: by extension, else by its first character."""
    try:
        with contextlib.nullcontext(sys.stdin.buffer) if str(file) == "-" else file.open("rb") as stream:
            raw = stream.read(MAX_IMPORT_BYTES + 1)
    except OSError as error:
        raise fail(f"cannot read {str(file)!r}: {error.strerror or error}") from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise fail(f"{file}: larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB, far more than any export; nothing was "
                   "imported")  # fmt: skip
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(f"{file}: not a backstretch export (it is not UTF-8 text)") from None
    suffix = file.suffix.lower()
    if suffix in (".json", ".csv"):
        return text, suffix[1:]
    start = text.lstrip()[:1]
    if start == "{":
        return text, "json"
    if text.startswith("record,"):
        return text, "csv"
    raise fail(f"{file}: not a backstretch export (neither its JSON nor its CSV form)")


def import_command(
    file: Annotated[Path, typer.Argument(help="A file made by `backstretch export` (- reads standard input).")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete everything stored now and import the file instead.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Bring back an export. The whole file is checked first; if any record is wrong, nothing is imported."""
    text, file_format = _read(file)
    try:
        document = from_json(text) if file_format == "json" else from_csv(text)
        counts = import_data(open_store(db), document, replace=replace)
    except DatabaseNotEmptyError as error:
        raise fail(
            f"the database already holds data ({error.counts}); nothing was imported. To delete it "
            f"and import {file} instead, add --replace (export it first if you may want it back)"
        ) from None
    except TransferError as error:
        raise fail(f"{file}: {error}; nothing was imported") from None
    except SQLAlchemyError as error:  # a locked or read-only database, say: the transaction was rolled back
        raise fail(f"the database refused the import ({str(error).splitlines()[0]}); nothing was imported") from None
    err.print(f"Imported {counts} from {file}.", markup=False)
