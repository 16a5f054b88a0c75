"""Accounts for clinic mode: passwords, sign-in, slowing down guessing, invitations and reset links."""

from __future__ import annotations

import contextlib
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from backstretch.core.accounts import (
    FAILURE_WINDOW,
    FAILURES_ALLOWED,
    FAILURES_PER_ACCOUNT,
    FAILURES_PER_ADDRESS,
    LAST_SEEN_EVERY,
    LOGIN_IDLE,
    LOGIN_VALID,
    AccountError,
    Role,
    check_name,
    check_password,
    normal_email,
    wait_before_login,
)
from backstretch.store import accounts as store_accounts
from backstretch.store import open_store
from backstretch.store.accounts import Accounts, LoginRefused
from backstretch.store.models import LinkRow, LoginFailureRow, LoginRow, PersonRow

NOW = datetime(2026, 11, 24, 12, 0)
GOOD = "correct horse battery"


def _accounts(url: str) -> Accounts:
    return Accounts(open_store(url).engine)


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=12), st.integers(min_value=0, max_value=3600))
def test_the_wait_is_never_negative_and_ends_when_the_window_has_passed(ago: list[int], later: int) -> None:
    failures = [NOW - timedelta(seconds=s) for s in ago]
    wait = wait_before_login(failures, NOW)
    recent = [f for f in failures if NOW - FAILURE_WINDOW < f <= NOW]
    assert wait >= timedelta(0)
    assert (wait > timedelta(0)) == (len(recent) >= FAILURES_ALLOWED)
    assert wait_before_login(failures, NOW + wait + timedelta(seconds=later)) == timedelta(0)


def test_emails_and_passwords_are_checked_in_plain_words() -> None:
    assert normal_email("  Pat@Example.ORG ") == "pat@example.org"
    for bad in ("", "pat", "pat@", "pat@example", "a b@example.org"):
        with pytest.raises(AccountError):
            normal_email(bad)
    with pytest.raises(AccountError, match="at least 10"):
        check_password("short")
    with pytest.raises(AccountError, match="not your email"):
        check_password("pat@example.org", "pat@example.org")
    check_password("ten chars!")


def test_a_password_signs_in_and_only_its_hash_is_stored(database_url: str) -> None:
    accounts = _accounts(database_url)
    pat = accounts.create("Pat@example.org", Role.CLINICIAN, "Pat Doe", GOOD)
    assert accounts.check_login("pat@example.org", GOOD, "1.2.3.4", NOW).id == pat.id
    with accounts.sessions() as s:
        stored = s.scalars(select(PersonRow.password_hash).where(PersonRow.id == pat.id)).one()
    assert stored is not None and stored.startswith("$argon2id$") and GOOD not in stored
    token = accounts.open_login(pat.id)
    assert accounts.signed_in(token) == pat
    with accounts.sessions() as s:
        kept = s.execute(text("SELECT token_hash FROM login")).scalars().all()
    assert token not in kept and len(kept) == 1
    accounts.close_login(token)
    assert accounts.signed_in(token) is None
    with pytest.raises(AccountError, match="already an account"):
        accounts.create("pat@example.org", Role.PATIENT, "Someone")


def test_guessing_is_slowed_down_per_email_and_address(database_url: str) -> None:
    accounts = _accounts(database_url)
    accounts.create("pat@example.org", Role.CLINICIAN, "Pat", GOOD)
    for n in range(FAILURES_ALLOWED):
        with pytest.raises(LoginRefused) as refused:
            accounts.check_login("pat@example.org", "wrong guess", "1.2.3.4", NOW + timedelta(seconds=n))
        assert refused.value.wait is None, "a wrong password says only that"
    with pytest.raises(LoginRefused) as refused:
        accounts.check_login("pat@example.org", GOOD, "1.2.3.4", NOW + timedelta(seconds=10))
    assert refused.value.wait is not None and refused.value.wait > timedelta(minutes=14)
    # Another address is not held up, nor is the same one once the window has passed.
    assert accounts.check_login("pat@example.org", GOOD, "5.6.7.8", NOW + timedelta(seconds=10)).email
    assert accounts.check_login("pat@example.org", GOOD, "1.2.3.4", NOW + FAILURE_WINDOW + timedelta(seconds=5))
    # An unknown email gets the same answer as a wrong password.
    with pytest.raises(LoginRefused) as unknown:
        accounts.check_login("nobody@example.org", GOOD, "1.2.3.4", NOW)
    assert unknown.value.wait is None


def test_an_invitation_makes_a_patient_of_the_clinician_once(database_url: str) -> None:
    accounts = _accounts(database_url)
    doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", GOOD)
    token = accounts.issue_link("invite", "Sam@example.org", Role.PATIENT, issued_by=doc.id)
    link = accounts.link(token, "invite")
    assert link is not None and link.email == "sam@example.org"
    with pytest.raises(AccountError, match="at least 10"):
        accounts.join(token, "Sam", "short")
    sam = accounts.join(token, "  Sam   Smith ", "sam's long password")
    assert (sam.role, sam.name) == (Role.PATIENT, "Sam Smith")
    assert accounts.patients_of(doc.id) == [sam] and accounts.cares_for(doc.id, sam.id)
    with pytest.raises(AccountError, match="expired or was used"):
        accounts.join(token, "Sam again", "another long password")
    assert accounts.check_login("sam@example.org", "sam's long password", "1.2.3.4").id == sam.id


def test_a_reset_link_sets_the_password_and_signs_out_everywhere(database_url: str) -> None:
    accounts = _accounts(database_url)
    doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc")  # no password yet: the CLI's way
    with pytest.raises(LoginRefused):
        accounts.check_login("doc@example.org", "", "1.2.3.4")
    first = accounts.open_login(doc.id)
    token = accounts.issue_link("reset", doc.email or "", Role.CLINICIAN, issued_by=None, person_id=doc.id)
    assert accounts.link(token, "invite") is None, "a reset link is not an invitation"
    accounts.reset(token, "a brand new password")
    assert accounts.signed_in(first) is None
    assert accounts.check_login("doc@example.org", "a brand new password", "1.2.3.4").id == doc.id
    with pytest.raises(AccountError):
        accounts.reset(token, "yet another password")
    late = accounts.issue_link("reset", doc.email or "", Role.CLINICIAN, issued_by=None, person_id=doc.id)
    with accounts.sessions() as s, s.begin():
        for row in s.scalars(select(LinkRow)):
            row.expires_at = datetime.now() - timedelta(seconds=1)
    assert accounts.link(late, "reset") is None


def test_guessing_from_many_addresses_is_capped_per_account(database_url: str) -> None:
    accounts = _accounts(database_url)
    accounts.create("pat@example.org", Role.CLINICIAN, "Pat", GOOD)
    for n in range(FAILURES_PER_ACCOUNT):
        with pytest.raises(LoginRefused):
            accounts.check_login("pat@example.org", "wrong guess", f"10.0.0.{n}", NOW + timedelta(seconds=n))
    with pytest.raises(LoginRefused) as held:
        accounts.check_login("pat@example.org", GOOD, "10.9.9.9", NOW + timedelta(seconds=30))
    assert held.value.wait is not None, "a new address does not get a fresh set of guesses"


def test_a_new_password_retires_every_unused_reset_link(database_url: str) -> None:
    accounts = _accounts(database_url)
    doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", GOOD)
    first = accounts.issue_link("reset", "doc@example.org", Role.CLINICIAN, issued_by=None, person_id=doc.id)
    second = accounts.issue_link("reset", "doc@example.org", Role.CLINICIAN, issued_by=None, person_id=doc.id)
    accounts.reset(first, "a brand new password")
    assert accounts.link(second, "reset") is None
    third = accounts.issue_link("reset", "doc@example.org", Role.CLINICIAN, issued_by=None, person_id=doc.id)
    accounts.set_password(doc.id, "yet another password")
    assert accounts.link(third, "reset") is None


def test_control_characters_are_refused_in_plain_words() -> None:
    with pytest.raises(AccountError):
        normal_email("pat\x00@example.org")
    assert check_name("Sam\x00 Smith\n") == "Sam Smith"


def test_only_a_few_password_checks_run_at_once(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each check takes 64 MiB: many wrong logins at once wait their turn instead of each taking its own."""
    running, most = 0, 0
    lock = threading.Lock()

    class Counting(store_accounts._Argon2):
        def verify(self, stored: str, password: str) -> bool:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                return super().verify(stored, password)
            finally:
                with lock:
                    running -= 1

    monkeypatch.setattr(store_accounts, "_hasher", Counting())
    accounts = Accounts(open_store(database_url).engine)

    def wrong(n: int) -> None:
        with contextlib.suppress(LoginRefused):
            accounts.check_login(f"nobody{n}@example.org", "not the password", "10.0.0.1")

    threads = [threading.Thread(target=wrong, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= most <= store_accounts.HASHES_AT_ONCE  # (SQLite checks one at a time anyway; PostgreSQL would not)


@pytest.mark.parametrize("password", ["password12", "1234567890", "aaaaaaaaaa", " " * 10, "qwertyuiop",
                                      "abcdefghij", "iloveyou123", "Password2024", "sam.smith2024",
                                      "backstretch1", "smith12345"])  # fmt: skip
def test_common_repetitive_and_personal_passwords_are_refused(password: str) -> None:
    """NIST SP 800-63B 5.1.1.2: checked against common passwords, repeats and sequences, and the person's details."""
    with pytest.raises(AccountError, match="easy to guess"):
        check_password(password, "sam.smith@example.org", "Sam Smith")


@pytest.mark.parametrize("password", ["a long clinic password", "correct horse battery staple", "Tr0ub4dor&3x!",
                                      "kettle on the windowsill"])  # fmt: skip
def test_passwords_hard_to_guess_are_accepted(password: str) -> None:
    check_password(password, "sam.smith@example.org", "Sam Smith")


def test_one_address_trying_many_accounts_is_slowed_down(database_url: str) -> None:
    """Password spraying: after FAILURES_PER_ADDRESS failures from one address, across any emails, that address
    waits, even for an account it never tried; other addresses do not."""
    accounts = Accounts(open_store(database_url).engine)
    accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", "a long clinic password")
    now = datetime(2026, 11, 24, 9, 0)
    with accounts.sessions() as s, s.begin():
        s.add_all(LoginFailureRow(key=f"person{n}@example.org|10.0.0.9", at=now - timedelta(minutes=1))
                  for n in range(FAILURES_PER_ADDRESS))  # fmt: skip
    with pytest.raises(LoginRefused) as refused:
        accounts.check_login("doc@example.org", "a long clinic password", "10.0.0.9", now=now)
    assert refused.value.wait is not None and refused.value.wait > timedelta(0)
    assert accounts.check_login("doc@example.org", "a long clinic password", "10.0.0.10", now=now).email


def _last_seen(accounts: Accounts) -> list[datetime]:
    with accounts.sessions() as s:
        return list(s.scalars(select(LoginRow.last_seen_at).order_by(LoginRow.id)))


def test_a_login_unused_for_the_idle_time_ends_and_use_keeps_it_going(database_url: str) -> None:
    """An idle timeout with a clock given to each call: the last use is written at most once an hour, a login used
    within the idle time goes on, one unused for it ends (and the sign-in page is told once), and a login past its
    14 days has expired rather than gone idle."""
    accounts = Accounts(open_store(database_url).engine)
    sam = accounts.create("sam@example.org", Role.PATIENT, "Sam", "a long clinic password")
    start = datetime(2026, 12, 1, 9, 0)
    token = accounts.open_login(sam.id, now=start)
    assert accounts.signed_in(token, start + timedelta(minutes=59)) == sam
    assert _last_seen(accounts) == [start], "no write within the hour"
    later = start + timedelta(minutes=61)
    assert accounts.signed_in(token, later) == sam and _last_seen(accounts) == [later]
    assert accounts.signed_in(token, later + LOGIN_IDLE - timedelta(seconds=1)) == sam, "used just in time"
    gone = later + LOGIN_IDLE - timedelta(seconds=1) + LOGIN_IDLE
    assert accounts.signed_in(token, gone) is None
    assert accounts.ended_idle(token, gone) and not accounts.ended_idle(token, gone), "said once, then gone"

    unused = accounts.open_login(sam.id, now=start)
    assert accounts.signed_in(unused, start + LOGIN_IDLE) is None
    expired = accounts.open_login(sam.id, now=start)
    assert not accounts.ended_idle(expired, start + LOGIN_VALID), "14 days on it has expired, not gone idle"


STEADY_USE = LOGIN_IDLE - LAST_SEEN_EVERY  # the written last use lags the real one by less than LAST_SEEN_EVERY


@settings(max_examples=25)
@given(gaps=st.lists(st.integers(min_value=0, max_value=int(STEADY_USE / timedelta(minutes=1)) - 1), max_size=30))
def test_a_login_used_steadily_never_ends_early_and_writes_at_most_hourly(gaps: list[int]) -> None:
    """Used again within 7 hours each time (the idle time less the hour its last use may lag by), a login holds
    until its 14 days are up, and its last use is written at most once an hour of the time the uses span."""
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'idle.sqlite3'}"
    accounts = Accounts(open_store(url).engine)
    sam = accounts.create("sam@example.org", Role.PATIENT, "Sam", "a long clinic password")
    start = datetime(2026, 12, 1, 9, 0)
    token = accounts.open_login(sam.id, now=start)
    now, writes = start, 0
    for gap in gaps:
        now += timedelta(minutes=gap)
        if now >= start + LOGIN_VALID:
            break
        seen = _last_seen(accounts)
        assert accounts.signed_in(token, now) == sam, (now, seen)
        writes += _last_seen(accounts) != seen
    assert writes <= (now - start) / LAST_SEEN_EVERY, "at most one write an hour"
