"""Saving a safety check and confirming a clearance, decided once for the web pages, the API and the command line
(clinical-facts: red-flag, clearance-carry)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol

from backstretch.core.safety import Screening, carry_clearance, has_emergency, is_out_of_date


class ScreeningRecords(Protocol):
    """Where a person's safety checks are kept; the store is one."""

    def latest_screening(self) -> Screening | None: ...

    def add_screening(self, screening: Screening) -> None: ...


def save_screening(records: ScreeningRecords, screening: Screening, conditions: Iterable[str]) -> Screening:
    """Store a screening with a clinician's clearance carried over when no new flag needs one; the screening as
    stored."""
    carried = carry_clearance(records.latest_screening(), screening, conditions)
    records.add_screening(carried)
    return carried


def clearance_refused(latest: Screening | None) -> Literal["nothing-to-clear", "out-of-date", "emergency"] | None:
    """Why a clearance may not be confirmed for the latest answers, or None when it may: there are none, they
    predate today's questions, or one is an emergency, which is never cleared here however old."""
    if latest is None:
        return "nothing-to-clear"
    if is_out_of_date(latest):
        return "out-of-date"
    if has_emergency(latest):
        return "emergency"
    return None
