"""The JSON API against its own OpenAPI schema, in both modes (the clinic's signed in as a patient): schemathesis
generates requests; none may be a server error, every answer must be one the schema describes (its status,
content type and body), and a request the schema calls valid must be accepted (schemathesis' positive data
check), but for the app's own rules, which JSON Schema cannot say (SCHEMA_WORDS). In the clinic, no answer may be
"sign in first": the whole run is signed in."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from backstretch.core.accounts import Role
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.store import open_store
from backstretch.store.accounts import Accounts
from backstretch.web.app import create_app

# A request the schema calls valid may still break a rule JSON Schema has no words for: a stretch named must be in
# the library (the person's own stretches too, so no fixed list), a day is judged against today, one field depends
# on another (a pregnancy stage only with pregnancy, a value only for some kinds of reading, work hours with room
# for a break). The app refuses those with a 422 in its own words. A 422 in pydantic's words for a type or a shape
# is the schema saying too little (or too much), and fails.
SCHEMA_WORDS = ("Input should", "Field required", "Extra inputs", "String should", "List should", "Dictionary should",
                "should have at")  # fmt: skip


def valid_data_is_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' positive data check, less the app's own rules (above)."""
    if response.status_code == 422 and not any(words in response.text for words in SCHEMA_WORDS):
        return None
    return positive_data_acceptance(ctx, response, case)


def signed_in_throughout(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every answer in the clinic's run is to the signed-in patient: a run that lost its login would pass the other
    checks with nothing but 401s, which the schema allows."""
    assert response.status_code not in (401, 403), f"{case.method} {case.path}: {response.status_code} {response.text}"
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          valid_data_is_accepted]  # fmt: skip
SIGNED_IN: dict[str, str] = {}  # the clinic patient's cookies and CSRF header


def _app_in_a_fresh_folder(multi_user: bool) -> FastAPI:
    # Built at import (schemathesis reads the schema then), so it gets its own data folder rather than the
    # per-test one; schemathesis' fixture loader does not work with this pytest version.
    folder = tempfile.mkdtemp(prefix="backstretch-api-")
    before = os.environ.get("BACKSTRETCH_HOME")
    os.environ["BACKSTRETCH_HOME"] = folder
    url = f"sqlite:///{folder}/api.sqlite3"
    try:
        app = create_app(url, multi_user=multi_user, hosts=["testserver"])
    finally:
        if before is None:
            del os.environ["BACKSTRETCH_HOME"]
        else:
            os.environ["BACKSTRETCH_HOME"] = before
    if multi_user:
        accounts = Accounts(open_store(url).engine)
        doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", "a long clinic password")
        amy = accounts.join(accounts.issue_link("invite", "amy@example.org", Role.PATIENT, doc.id), "Amy",
                            "a long clinic password")  # fmt: skip
        store = open_store(url).for_person(amy.id)
        store.save_profile(Profile(minutes=5))
        store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
        SIGNED_IN.update({"Cookie": f"backstretch_login={accounts.open_login(amy.id)}; backstretch_csrf=t",
                          "X-CSRF-Token": "t"})  # fmt: skip
    return app


single = schemathesis.openapi.from_asgi("/openapi.json", _app_in_a_fresh_folder(multi_user=False))
clinic = schemathesis.openapi.from_asgi("/openapi.json", _app_in_a_fresh_folder(multi_user=True))


@single.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_on_one_persons_computer_is_one_the_schema_describes(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)


@clinic.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_to_a_signed_in_patient_is_one_the_schema_describes(case: Any) -> None:
    case.call_and_validate(checks=[*CHECKS, signed_in_throughout], headers=SIGNED_IN)
