"""Accounts in clinic mode, kept in the same database as everyone's data.

Passwords are stored only as Argon2id hashes (argon2-cffi's defaults, the RFC 9106 low-memory profile). Signed-in
browsers and one-time links are random tokens of 256 bits; the database keeps only their SHA-256, so a copy of it
signs nobody in. Failed logins are rows, so every app process behind a proxy sees the same count.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, Row, bindparam, delete, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backstretch.core.accounts import (
    FAILURE_WINDOW,
    FAILURES_PER_ACCOUNT,
    FAILURES_PER_ADDRESS,
    INVITE_VALID,
    LAST_SEEN_EVERY,
    LOGIN_VALID,
    RESET_VALID,
    AccountError,
    Role,
    check_name,
    check_password,
    normal_email,
    wait_before_login,
)
from backstretch.optional import CLINIC, MissingPart
from backstretch.settings import current as current_settings
from backstretch.store.models import CareRow, LinkRow, LoginFailureRow, LoginRow, PersonRow

# Each hash takes 64 MiB for its moment (RFC 9106's low-memory profile): without a bound, many logins at once take a
# worker's memory into gigabytes and every other request waits for the CPU. With it, the rest wait their turn here
# (bench/logins.py measures the peak). Two per process: the machine's cores stay free for everyone else's pages.
HASHES_AT_ONCE = 2
_hashing = threading.BoundedSemaphore(HASHES_AT_ONCE)


class _Argon2:
    """argon2-cffi, from the clinic extra, loaded on first use: the single-person app has no passwords and runs
    without it. Callers take a turn of `_hashing` around it (`_hash`, or a whole login)."""

    @cached_property
    def _hasher(self) -> Any:
        try:
            from argon2 import PasswordHasher
        except ImportError:
            raise MissingPart(CLINIC) from None
        return PasswordHasher()

    @cached_property
    def nobody(self) -> str:
        """Checked when the email is unknown, so a wrong email takes as long as a wrong password."""
        return self.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        hashed: str = self._hasher.hash(password)
        return hashed

    def verify(self, stored: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return bool(self._hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False

    def check_needs_rehash(self, stored: str) -> bool:
        return bool(self._hasher.check_needs_rehash(stored))


_hasher = _Argon2()


def _hash(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


@dataclass(frozen=True)
class Person:
    id: int
    role: Role
    email: str | None
    name: str


@dataclass(frozen=True)
class Link:
    purpose: str  # invite, reset
    email: str
    role: Role
    person_id: int | None
    issued_by: int | None


class LoginRefused(Exception):
    """Wrong email or password (never which), or too many tries: then `wait` says for how long."""

    def __init__(self, wait: timedelta | None = None) -> None:
        super().__init__("too many tries" if wait else "wrong email or password")
        self.wait = wait


_throttle = threading.Lock()  # SQLite has no advisory locks: one login check at a time in this process


def _signed_out_everywhere(s: Session, person_id: int) -> None:
    """After a new password: every browser signed in as them is signed out, and every password link still
    unused stops working."""
    s.execute(delete(LoginRow).where(LoginRow.person_id == person_id))
    for link in s.scalars(select(LinkRow).where(LinkRow.person_id == person_id, LinkRow.purpose == "reset",
                                                LinkRow.used_at.is_(None))):  # fmt: skip
        link.used_at = datetime.now()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Built once: it runs on every request in clinic mode, and building it costs more than running it.
PERSON_COLUMNS = (PersonRow.id, PersonRow.role, PersonRow.email, PersonRow.name)
_SIGNED_IN = (
    select(*PERSON_COLUMNS, LoginRow.id.label("login_id"), LoginRow.last_seen_at)
    .join(LoginRow, LoginRow.person_id == PersonRow.id)
    .where(LoginRow.token_hash == bindparam("token_hash"), LoginRow.expires_at > bindparam("now"),
           LoginRow.last_seen_at > bindparam("idle_since"))
)  # fmt: skip
_SEEN = update(LoginRow).where(LoginRow.id == bindparam("login_id")).values(last_seen_at=bindparam("seen"))


def login_idle() -> timedelta:
    """How long a login may go unused before it ends, as this clinic set it (BACKSTRETCH_IDLE_HOURS)."""
    return timedelta(hours=current_settings().idle_hours)


def _person(row: PersonRow | Row[int, str, str | None, str] | Row[int, str, str | None, str, int, datetime]) -> Person:
    """A person from their row, or from its plain columns PERSON_COLUMNS."""
    return Person(row.id, Role(row.role), row.email, row.name)


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.postgresql = engine.dialect.name == "postgresql"

    def person(self, person_id: int) -> Person | None:
        with self.sessions() as s:
            row = s.get(PersonRow, person_id)
            return None if row is None else _person(row)

    def by_email(self, email: str) -> Person | None:
        with self.sessions() as s:
            row = s.scalars(select(PersonRow).where(PersonRow.email == normal_email(email))).first()
            return None if row is None else _person(row)

    def create(self, email: str, role: Role, name: str, password: str | None = None) -> Person:
        """A new account; without a password it cannot sign in until a reset link sets one."""
        address = normal_email(email)
        if password is not None:
            check_password(password, address, name)
        row = PersonRow(role=role.value, email=address, name=check_name(name), created_at=datetime.now(),
                        password_hash=None if password is None else _hash(password))  # fmt: skip
        try:
            with self.sessions() as s, s.begin():
                s.add(row)
                s.flush()
                return _person(row)
        except IntegrityError:
            raise AccountError(f"There is already an account for {address}.") from None

    def set_password(self, person_id: int, password: str) -> None:
        with self.sessions() as s, s.begin():
            row = s.get(PersonRow, person_id)
            if row is None:
                raise AccountError("There is no such account.")
            check_password(password, row.email or "", row.name)
            row.password_hash = _hash(password)
            _signed_out_everywhere(s, person_id)

    def check_login(self, email: str, password: str, address: str, now: datetime | None = None) -> Person:
        """The person, if the password is theirs and they have not failed too often lately (from this address, or
        from anywhere)."""
        now = now or datetime.now()
        try:
            account = normal_email(email)
        except AccountError:
            raise LoginRefused() from None
        key = f"{account}|{address}"
        # One check at a time per email, so parallel guesses cannot all slip under the limit: across every process
        # with PostgreSQL's advisory lock, within this one with SQLite (one process writes to it at a time anyway).
        # A hash slot first, then a connection: logins waiting their turn hold none of the pool's connections.
        with _hashing, contextlib.nullcontext() if self.postgresql else _throttle, self.sessions() as s, s.begin():
            if self.postgresql:
                s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:account))"), {"account": account})
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= now - FAILURE_WINDOW))
            failures = s.execute(select(LoginFailureRow.key, LoginFailureRow.at).where(
                LoginFailureRow.key.startswith(f"{account}|", autoescape=True))).all()  # fmt: skip
            sprayed = s.scalars(select(LoginFailureRow.at).where(
                LoginFailureRow.key.endswith(f"|{address}", autoescape=True))).all()  # fmt: skip
            wait = max(wait_before_login([at for k, at in failures if k == key], now),
                       wait_before_login([at for _, at in failures], now, FAILURES_PER_ACCOUNT),
                       wait_before_login(list(sprayed), now, FAILURES_PER_ADDRESS))  # fmt: skip
            if wait > timedelta(0):
                raise LoginRefused(wait)
            row = s.scalars(select(PersonRow).where(PersonRow.email == account)).first()
            stored = row.password_hash if row is not None and row.password_hash else _hasher.nobody
            ok = _hasher.verify(stored, password) and row is not None and stored is not _hasher.nobody
            if not ok or row is None:
                s.add(LoginFailureRow(key=key, at=now))
            else:
                if _hasher.check_needs_rehash(stored):
                    row.password_hash = _hasher.hash(password)  # in this slot already
                s.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))
                return _person(row)
        raise LoginRefused()

    def open_login(self, person_id: int, now: datetime | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = now or datetime.now()
        with self.sessions() as s, s.begin():
            s.add(LoginRow(token_hash=token_hash(token), person_id=person_id, created_at=now,
                           expires_at=now + LOGIN_VALID, last_seen_at=now))  # fmt: skip
        return token

    def signed_in(self, token: str, now: datetime | None = None) -> Person | None:
        """Who holds this login token, if it has not expired nor gone unused for the idle time; its last use is
        written when the one written is over LAST_SEEN_EVERY old. Asked on every request in clinic mode, so plain
        columns, no ORM objects, and a write only once an hour per login."""
        now = now or datetime.now()
        with self.engine.connect() as connection:
            row = connection.execute(_SIGNED_IN, {"token_hash": token_hash(token), "now": now,
                                                  "idle_since": now - login_idle()}).first()  # fmt: skip
            if row is not None and row.last_seen_at <= now - LAST_SEEN_EVERY:
                connection.execute(_SEEN, {"login_id": row.login_id, "seen": now})
                connection.commit()
        return None if row is None else _person(row)

    def ended_idle(self, token: str, now: datetime | None = None) -> bool:
        """Whether this token's login ended because it went unused for the idle time, so the sign-in page can say
        so; the login is deleted then (it says so once)."""
        now = now or datetime.now()
        with self.sessions() as s, s.begin():
            ended = s.execute(delete(LoginRow).where(LoginRow.token_hash == token_hash(token),
                                                     LoginRow.expires_at > now,
                                                     LoginRow.last_seen_at <= now - login_idle())
                              .returning(LoginRow.id)).first()  # fmt: skip
        return ended is not None

    def close_login(self, token: str) -> None:
        with self.sessions() as s, s.begin():
            s.execute(delete(LoginRow).where(LoginRow.token_hash == token_hash(token)))

    def issue_link(self, purpose: str, email: str, role: Role, issued_by: int | None,
                   person_id: int | None = None) -> str:  # fmt: skip
        """A one-time link's token: an invitation for an email, or a password reset for an account."""
        token = secrets.token_urlsafe(32)
        valid = INVITE_VALID if purpose == "invite" else RESET_VALID
        with self.sessions() as s, s.begin():
            s.add(LinkRow(token_hash=token_hash(token), purpose=purpose, email=normal_email(email), role=role.value,
                          person_id=person_id, issued_by=issued_by,
                          expires_at=datetime.now() + valid))  # fmt: skip
        return token

    def link(self, token: str, purpose: str) -> Link | None:
        """The link if it is unused and not expired."""
        with self.sessions() as s:
            row = self._link_row(s, token, purpose)
            return None if row is None else Link(row.purpose, row.email, Role(row.role), row.person_id, row.issued_by)

    def _link_row(self, s: Session, token: str, purpose: str) -> LinkRow | None:
        found = select(LinkRow).where(LinkRow.token_hash == token_hash(token), LinkRow.purpose == purpose,
                                      LinkRow.used_at.is_(None), LinkRow.expires_at > datetime.now())  # fmt: skip
        return s.scalars(found).first()

    def _claim(self, s: Session, token: str, purpose: str) -> Link | None:
        """Mark the link used, if it is unused and not expired, in one statement: of two requests with the same link
        at once, one gets it and the other None (PostgreSQL makes the second wait for the first's row lock, then
        finds it used; SQLite lets one writer at a time). If the rest of the transaction fails (a weak password),
        the link is unused again."""
        now = datetime.now()
        claimed = s.execute(
            update(LinkRow)
            .where(LinkRow.token_hash == token_hash(token), LinkRow.purpose == purpose, LinkRow.used_at.is_(None),
                   LinkRow.expires_at > now)
            .values(used_at=now)
            .returning(LinkRow.purpose, LinkRow.email, LinkRow.role, LinkRow.person_id, LinkRow.issued_by)
        ).first()  # fmt: skip
        return None if claimed is None else Link(claimed.purpose, claimed.email, Role(claimed.role),
                                                 claimed.person_id, claimed.issued_by)  # fmt: skip

    def link_used(self, token: str, purpose: str) -> bool:
        """Whether this link was used already (rather than never issued, or expired): the second click's answer."""
        with self.sessions() as s:
            found = select(LinkRow.id).where(LinkRow.token_hash == token_hash(token), LinkRow.purpose == purpose,
                                             LinkRow.used_at.is_not(None))  # fmt: skip
            return s.scalars(found).first() is not None

    def join(self, token: str, name: str, password: str) -> Person:
        """Use an invitation: the account is made, and a patient is linked to the clinician who invited them."""
        with self.sessions() as s, s.begin():
            link = self._claim(s, token, "invite")
            if link is None:
                raise AccountError("This invitation link has expired or was used already; please ask for a new one.")
            check_password(password, link.email, name)
            if s.scalars(select(PersonRow.id).where(PersonRow.email == link.email)).first() is not None:
                raise AccountError(f"There is already an account for {link.email}; please sign in instead.")
            row = PersonRow(role=link.role, email=link.email, name=check_name(name), created_at=datetime.now(),
                            password_hash=_hash(password))  # fmt: skip
            s.add(row)
            try:
                s.flush()
            except IntegrityError:  # the same link used twice at once: the other request made the account
                raise AccountError(f"There is already an account for {link.email}; please sign in instead.") from None
            if link.role == Role.PATIENT and link.issued_by is not None:
                s.add(CareRow(clinician_id=link.issued_by, patient_id=row.id))
            return _person(row)

    def reset(self, token: str, password: str) -> Person:
        """Use a password reset link: the new password is set, and every browser signed in as them is signed out."""
        with self.sessions() as s, s.begin():
            link = self._claim(s, token, "reset")
            row = s.get(PersonRow, link.person_id) if link is not None and link.person_id is not None else None
            if link is None or row is None:
                raise AccountError("This password link has expired or was used already; please ask for a new one.")
            check_password(password, row.email or "", row.name)
            row.password_hash = _hash(password)
            _signed_out_everywhere(s, row.id)
            return _person(row)

    def patients_of(self, clinician_id: int) -> list[Person]:
        found = (
            select(*PERSON_COLUMNS)
            .join(CareRow, CareRow.patient_id == PersonRow.id)
            .where(CareRow.clinician_id == clinician_id)
            .order_by(PersonRow.name, PersonRow.id)
        )
        with self.engine.connect() as connection:  # a hundred people or more for a dashboard: plain rows
            return [_person(row) for row in connection.execute(found)]

    def cares_for(self, clinician_id: int, patient_id: int) -> bool:
        with self.sessions() as s:
            found = select(CareRow).where(CareRow.clinician_id == clinician_id, CareRow.patient_id == patient_id)
            return s.scalars(found).first() is not None
