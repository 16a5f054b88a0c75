"""Turning validation errors into plain messages: the field, the bad value, and the values allowed."""

from __future__ import annotations

from pydantic import ValidationError


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
