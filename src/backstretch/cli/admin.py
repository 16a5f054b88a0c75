"""`backstretch admin`: setting up clinic mode from the server's own terminal.

backstretch sends no email: a new account gets a one-time link to set its password, printed here for the admin to
pass on.
"""

from __future__ import annotations

from typing import Annotated

import typer

from backstretch.cli.plan import DbOption
from backstretch.cli.stretches import fail, out
from backstretch.core.accounts import AccountError, Role
from backstretch.settings import LOCAL_ADDRESS
from backstretch.settings import current as current_settings
from backstretch.store import open_store
from backstretch.store.accounts import Accounts

app = typer.Typer(help="Set up clinic mode: clinicians and admins.", no_args_is_help=True)

BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help=f"The address people open the app at, for the link (default: BACKSTRETCH_BASE_URL, or {LOCAL_ADDRESS}).",
        show_default=False,
    ),
]
Name = Annotated[str, typer.Option("--name", help="Their name, as patients will see it.")]


def _create(email: str, role: Role, name: str, base_url: str | None, db: str | None) -> None:
    origin = base_url or current_settings().base_url or LOCAL_ADDRESS
    accounts = Accounts(open_store(db).engine)
    try:
        person = accounts.create(email, role, name or email.split("@")[0])
    except AccountError as error:
        raise fail(str(error)) from None
    assert person.email is not None
    token = accounts.issue_link("reset", person.email, role, issued_by=None, person_id=person.id)
    out.print(f"Made the {role.value} account for [bold]{person.email}[/]. To set a password, they open this link "
              f"(it works once, within 24 hours):")  # fmt: skip
    out.print(f"{origin.rstrip('/')}/reset?token={token}", soft_wrap=True, markup=False, highlight=False)


@app.command("create-clinician")
def create_clinician(email: str, name: Name = "", base_url: BaseUrl = None, db: DbOption = None) -> None:
    """Make a clinician's account and print their link to set a password."""
    _create(email, Role.CLINICIAN, name, base_url, db)


@app.command("create-admin")
def create_admin(email: str, name: Name = "", base_url: BaseUrl = None, db: DbOption = None) -> None:
    """Make an admin's account (admins invite clinicians) and print their link to set a password."""
    _create(email, Role.ADMIN, name, base_url, db)
