"""Tables. Every change to them comes with an Alembic migration in store/migrations/versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ProfileRow(Base):
    """The person's profile as validated JSON; one row in the single-person app."""

    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ScreeningRow(Base):
    """A red-flag screening and, when a flag was raised, the date a clinician's clearance was confirmed."""

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    answers: Mapped[dict[str, bool]] = mapped_column(JSON, nullable=False)
    cleared_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
