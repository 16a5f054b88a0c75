"""The JSON API against its own OpenAPI schema: schemathesis generates requests, and none may be a server error."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from backstretch.web.app import create_app


def _app_in_a_fresh_folder() -> FastAPI:
    # Built at import (schemathesis reads the schema then), so it gets its own data folder rather than the
    # per-test one; schemathesis' fixture loader does not work with this pytest version.
    folder = tempfile.mkdtemp(prefix="backstretch-api-")
    before = os.environ.get("BACKSTRETCH_HOME")
    os.environ["BACKSTRETCH_HOME"] = folder
    try:
        return create_app(f"sqlite:///{folder}/api.sqlite3", hosts=["testserver"])
    finally:
        if before is None:
            del os.environ["BACKSTRETCH_HOME"]
        else:
            os.environ["BACKSTRETCH_HOME"] = before


schema = schemathesis.openapi.from_asgi("/openapi.json", _app_in_a_fresh_folder())


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_the_schema_allows_is_a_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
