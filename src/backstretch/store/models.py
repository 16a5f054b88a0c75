"""Tables. Every change to them comes with an Alembic migration in store/migrations/versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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


class SessionRow(Base):
    """One guided session. ``status`` stays "in-progress" if the player dies; history shows that as partial."""

    __tablename__ = "session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    plan: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    pain_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pain_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    steps: Mapped[list[StepRow]] = relationship(back_populates="session", order_by="StepRow.id")
    reports: Mapped[list[ReportRow]] = relationship(back_populates="session", order_by="ReportRow.id")


class StepRow(Base):
    """A finished step of a session, written the moment it finishes."""

    __tablename__ = "session_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), nullable=False, index=True)
    step_index: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    stretch: Mapped[str | None] = mapped_column(String(60), nullable=True)
    side: Mapped[str | None] = mapped_column(String(5), nullable=True)
    rep: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seconds: Mapped[float] = mapped_column(Float, nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)  # done, skipped, stopped
    finished_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    session: Mapped[SessionRow] = relationship(back_populates="steps")


class ReportRow(Base):
    """How a stretch felt: just-a-stretch, uncomfortable, painful, or sharp (sharp ends the session)."""

    __tablename__ = "stretch_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), nullable=False, index=True)
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    stretch: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    feeling: Mapped[str] = mapped_column(String(20), nullable=False)
    reported_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    session: Mapped[SessionRow] = relationship(back_populates="reports")


class MeasureRow(Base):
    """A logged measure; ``value`` is what trends use (pain 0–10, function mean, reach in cm)."""

    __tablename__ = "measure"
    __table_args__ = (Index("ix_measure_kind_taken_on", "kind", "taken_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    activities: Mapped[list[dict[str, object]]] = mapped_column(JSON, nullable=False)
    morning: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
