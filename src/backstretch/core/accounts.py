"""Accounts in clinic mode: roles, what an email and a password must be, and when logins are slowed down.

Pure rules only; hashing, tokens and cookies live in the shells. Numbers with a source:
- NIST SP 800-63B (Digital Identity Guidelines, authentication), section 5.1.1.2: passwords of at least 8
  characters, at least 64 allowed, every printable character and space allowed, no composition rules (no "one digit,
  one capital"), and a limit on failed attempts. We ask for 10, which the guideline permits. The same section asks
  that a new password be checked against commonly used, expected or compromised values, repetitive or sequential
  characters, and context-specific words (the service's name, the username): zxcvbn (Dropbox's estimator, its
  word and password lists shipped inside the package, nothing fetched) estimates how many guesses a password takes
  with all of those in mind, and we refuse fewer than 10^8 (its score 3, "safely unguessable" for an online attack
  and slowed offline guessing).
- OWASP Authentication Cheat Sheet: the same answer whether the email or the password was wrong, and throttling per
  account and address rather than locking the account for good.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    PERSON = "person"  # the one person using the app on their own computer
    PATIENT = "patient"  # a person in a clinic, linked to one or more clinicians
    CLINICIAN = "clinician"
    ADMIN = "admin"


PATIENT_ROLES = frozenset({Role.PATIENT, Role.PERSON})  # who follows a routine and saves sessions
STAFF_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})  # who looks after patients


PASSWORD_MIN = 10  # NIST SP 800-63B allows any minimum of 8 or more
GUESSES_MIN = 1e8  # zxcvbn's score 3
PASSWORD_MAX = 128  # above NIST's "at least 64", and short enough that hashing it costs nothing unusual
EMAIL_MAX = 254  # RFC 5321's longest path, less the angle brackets
FAILURES_ALLOWED = 5  # failed logins for one email from one address...
FAILURE_WINDOW = timedelta(minutes=15)  # ...within this long; then the next try waits
# Failed logins for one email from any address within the window: a cap on guessing from many addresses. Someone
# can hold an account up this way for at most the window, never lock it for good (OWASP: throttle, don't lock).
FAILURES_PER_ACCOUNT = 20
# Failed logins from one address for any email within the window: a cap on password spraying (one password tried
# on many accounts). Higher than one person's, since a clinic's computers may share one address.
FAILURES_PER_ADDRESS = 50
INVITE_VALID = timedelta(days=7)
RESET_VALID = timedelta(hours=24)
LOGIN_VALID = timedelta(days=14)
# A login also ends when it has not been used for a while (an idle timeout: OWASP Session Management Cheat Sheet,
# "Session Expiration", which asks for one besides the absolute limit). OWASP's example ranges are 15 to 30 minutes
# idle for a low-risk application and 4 to 8 hours in all for one used through a working day. The default here is a
# working day, 8 hours, for the idle time: a clinician's computer left signed in overnight, or a patient's on a
# shared computer, is signed out by the next morning, while a clinic day or a patient's daily few minutes go on
# undisturbed. Each clinic may shorten it (BACKSTRETCH_IDLE_HOURS, docs/settings.md).
LOGIN_IDLE = timedelta(hours=8)
# A login's last use is written at most this often, so the busiest requests do not each write a row. So the idle
# time is counted from a last use up to this much older than the real one, and must be longer than it.
LAST_SEEN_EVERY = timedelta(hours=1)
IDLE_HOURS_MIN = 2

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class AccountError(ValueError):
    """An email, a password or a name that cannot be used; the message says why in plain words."""


def normal_email(email: str) -> str:
    """The email as stored and compared: trimmed and in lower case, checked only for a plausible shape."""
    text = email.strip().lower()
    if not text:
        raise AccountError("Please give an email address.")
    if len(text) > EMAIL_MAX or not _EMAIL.match(text) or _CONTROL.search(text):
        raise AccountError(f"{email.strip()[:60]!r} does not look like an email address.")
    return text


def check_password(password: str, email: str = "", name: str = "") -> None:
    """A new password: long enough, not absurdly long, not the email itself, and not easy to guess."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"Please choose a password of at least {PASSWORD_MIN} characters; a few words together "
                           "make a good one.")  # fmt: skip
    if len(password) > PASSWORD_MAX or "\x00" in password:
        raise AccountError(f"Please keep the password to at most {PASSWORD_MAX} characters.")
    if email and password.strip().lower() == email.strip().lower():
        raise AccountError("Please choose a password that is not your email address.")
    if guesses(password, (email, *email.split("@"), *name.split(), "backstretch")) < GUESSES_MIN:
        raise AccountError("That password is easy to guess: it is common, a repeated or sequential pattern, or close "
                           "to your email or name. A few words of your own together make a good one.")  # fmt: skip


def guesses(password: str, context: Sequence[str] = ()) -> float:
    """About how many guesses an attacker who knows the common passwords, words, patterns and `context` needs."""
    from zxcvbn import zxcvbn  # its word lists load on first use, not with every import of the core

    return float(zxcvbn(password, user_inputs=[c for c in context if c])["guesses"])


def check_name(name: str) -> str:
    text = " ".join(_CONTROL.sub(" ", name).split())
    if not text:
        raise AccountError("Please give your name, as your clinician knows you.")
    if len(text) > 100:
        raise AccountError("Please keep the name to at most 100 characters.")
    return text


def wait_before_login(failures: Sequence[datetime], now: datetime, allowed: int = FAILURES_ALLOWED) -> timedelta:
    """How long the next login must wait, given the failed attempts that count against it; zero for none.

    After `allowed` failures within FAILURE_WINDOW, until the oldest of those leaves the window."""
    recent = sorted(f for f in failures if now - FAILURE_WINDOW < f <= now)
    if len(recent) < allowed:
        return timedelta(0)
    return recent[-allowed] + FAILURE_WINDOW - now
