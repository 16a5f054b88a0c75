"""Turning validation errors into plain messages: the field, the bad value, and the values allowed."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails


def field_messages(error: ValidationError) -> list[tuple[str, str]]:
    """(field path, message) for each problem pydantic found, worded for the person who wrote the file."""
    found = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "(file)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "enum" and "expected" in item.get("ctx", {}):
            message = f"{item['input']!r} is not allowed; choose one of {item['ctx']['expected']}"
        found.append((field, message))
    return found


# What a form field needs, by the kind of problem pydantic found, with its limits filled in.
WANTED: dict[str, str] = {
    "missing": "please fill this in",
    **dict.fromkeys(("int_type", "int_parsing", "int_parsing_size", "int_from_float"),
                    "please give a whole number, in figures"),
    **dict.fromkeys(("float_type", "float_parsing"), "please give a number, in figures"),
    "greater_than_equal": "please give {ge} or more", "greater_than": "please give more than {gt}",
    "less_than_equal": "please give {le} or less", "less_than": "please give less than {lt}",
    "string_too_long": "please keep it to {max_length} characters or fewer",
    "string_too_short": "please write at least {min_length} characters",
    "too_long": "please choose {max_length} at most", "too_short": "please choose at least {min_length}",
    **dict.fromkeys(("literal_error", "enum"), "please pick one of the choices offered"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "please answer yes or no"),
    **dict.fromkeys(("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"),
                    "please pick a day from the calendar"),
}  # fmt: skip


def what_is_wanted(item: ErrorDetails) -> str:
    """What a form field needs, for one problem pydantic found, in words for a person at a form (no field name,
    no "Input should", no types): the faces put the field's own label in front."""
    if item["type"] == "value_error":  # our own validators, which already speak to the person
        return str(item["msg"]).removeprefix("Value error, ")
    wanted = WANTED.get(item["type"], "this answer cannot be used; please change it")
    return wanted.format(**item.get("ctx", {}))
