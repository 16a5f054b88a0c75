"""Tables. Every change to them comes with an Alembic migration in store/migrations/versions."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

MAX_ID = 2**31 - 1  # the largest Integer column value: PostgreSQL's integer is 32 bits (SQLite's 64)
PAINFUL_FEELINGS = ("painful", "sharp")  # the reports a clinician is shown (clinical-facts: stop)
PAINFUL_REPORT = text(f"feeling IN {PAINFUL_FEELINGS!r}")


class Base(DeclarativeBase):
    pass


class PersonRow(Base):
    """Someone whose data the store holds. The app on one computer has one, with no email or password; a clinic has
    an account for each patient and clinician (later)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # person, patient, clinician, admin
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


def new_plan_key() -> str:
    return secrets.token_hex(16)


def _owner() -> Mapped[int | None]:
    # Nullable only because SQLite cannot add a NOT NULL column with a foreign key to a table that has rows (the
    # migration would have to rebuild the table); the store always sets it.
    return mapped_column(ForeignKey("person.id"), nullable=True, index=True)


class ProfileRow(Base):
    """A person's profile as validated JSON; one row per person."""

    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True, unique=True, index=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ScreeningRow(Base):
    """A red-flag screening and, when a flag was raised, the date a clinician's clearance was confirmed."""

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = _owner()
    taken_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    answers: Mapped[dict[str, bool]] = mapped_column(JSON, nullable=False)
    cleared_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class SessionRow(Base):
    """One guided session. ``status`` stays "in-progress" if the player dies; history shows that as partial."""

    __tablename__ = "session"
    # A person's days, for clinic views; with the id, pain before and whether they stretched, so a dashboard reads
    # the index alone.
    __table_args__ = (Index("ix_session_person_day", "person_id", "day", "id", "pain_before", "stretched"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = _owner()
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    plan: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    pain_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pain_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    # Whether a hold was done in it (a day of stretching), so a clinician's dashboard need not look through every
    # session's steps. A trigger sets it as a done hold is written, whoever writes it (migration 0014).
    stretched: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    # A web page's own id for the session, chosen before the server has seen it (it may start offline), so that
    # sending the start again opens one session.
    client_key: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)
    # A new random value whenever the plan changes: a step is saved, or the plan changed, only "if the plan is
    # still the one I read", in one statement, so app processes need no lock between them. Not exported.
    plan_key: Mapped[str] = mapped_column(String(32), nullable=False, default=lambda: new_plan_key(), server_default="")
    steps: Mapped[list[StepRow]] = relationship(back_populates="session", order_by="StepRow.id")
    reports: Mapped[list[ReportRow]] = relationship(back_populates="session", order_by="ReportRow.id")


class StepRow(Base):
    """A finished step of a session, written the moment it finishes."""

    __tablename__ = "session_step"
    # One row per step of a session: a step sent again (a retry, another app process) is not stored twice.
    __table_args__ = (
        Index("uq_session_step_index", "session_id", "step_index", unique=True),
        # What a dashboard sums of each session's steps, read from the index alone.
        Index("ix_session_step_totals", "session_id", "kind", "outcome", "seconds"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), nullable=False)
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
    __table_args__ = (
        Index("uq_stretch_report_feeling", "session_id", "stretch", "feeling", unique=True),
        # The stretches that hurt, which a clinician's dashboard looks for in every recent session (migration 0013).
        Index(
            "ix_stretch_report_painful",
            "session_id",
            "stretch",
            postgresql_where=PAINFUL_REPORT,
            sqlite_where=PAINFUL_REPORT,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    stretch: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    feeling: Mapped[str] = mapped_column(String(20), nullable=False)
    reported_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    session: Mapped[SessionRow] = relationship(back_populates="reports")


class MeasureRow(Base):
    """A logged measure; ``value`` is what trends use (pain 0–10, function mean, reach in cm), or a range of motion
    in degrees with its ``stretch``."""

    __tablename__ = "measure"
    __table_args__ = (
        Index("ix_measure_kind_taken_on", "kind", "taken_on"),
        Index("ix_measure_person_kind_day_value", "person_id", "kind", "taken_on", "value"),  # read alone by clinics
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = _owner()
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    activities: Mapped[list[dict[str, object]]] = mapped_column(JSON, nullable=False)
    morning: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    stretch: Mapped[str] = mapped_column(String(60), nullable=False, default="", server_default="")


class DeletedMeasureRow(Base):
    """A measure the person deleted, kept whole (its id and when it was logged too) so Undo puts back exactly what
    was there; the store forgets it a day after the deletion. Apart from ``measure``, so no reading of measures has
    to leave deleted ones out."""

    __tablename__ = "deleted_measure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # the id it had, and gets back
    person_id: Mapped[int | None] = _owner()
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    activities: Mapped[list[dict[str, object]]] = mapped_column(JSON, nullable=False)
    morning: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str] = mapped_column(String(500), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    stretch: Mapped[str] = mapped_column(String(60), nullable=False)
    deleted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class LoginRow(Base):
    """A signed-in browser in clinic mode: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "login"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    # When it was last used, written at most once an hour (core/accounts.py: LAST_SEEN_EVERY): the idle timeout.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class LinkRow(Base):
    """A one-time link: an invitation to join (for an email, with a role) or a password reset (for a person)."""

    __tablename__ = "link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    purpose: Mapped[str] = mapped_column(String(10), nullable=False)  # invite, reset
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=True)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class CareRow(Base):
    """A clinician looking after a patient."""

    __tablename__ = "care"

    clinician_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)  # fmt: skip


class LoginFailureRow(Base):
    """A failed login, kept a short while so tries can be slowed down across every app process."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), nullable=False)  # email and address
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ProgramRow(Base):
    """A program a clinician assigned to a patient; the newest active one is the patient's."""

    __tablename__ = "program"
    __table_args__ = (Index("ix_program_person_id_active", "person_id", "active"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    weekdays: Mapped[list[int]] = mapped_column(JSON, nullable=False)
    fill_free_days: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    items: Mapped[list[dict[str, object]]] = mapped_column(JSON, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False)


class LessonReadRow(Base):
    """A lesson a person has read, and the day they marked it read; one row per person and lesson."""

    __tablename__ = "lesson_read"
    __table_args__ = (Index("uq_lesson_read_person_slug", "person_id", "slug", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    slug: Mapped[str] = mapped_column(String(60), nullable=False)
    read_on: Mapped[date] = mapped_column(Date, nullable=False)
    read_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class LessonAssignedRow(Base):
    """A lesson a clinician asked a patient to read (clinic mode); assigned lessons come first in the patient's
    order."""

    __tablename__ = "lesson_assigned"
    __table_args__ = (Index("uq_lesson_assigned_person_slug", "person_id", "slug", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    slug: Mapped[str] = mapped_column(String(60), nullable=False)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    assigned_on: Mapped[date] = mapped_column(Date, nullable=False)


class BreakSettingsRow(Base):
    """A person's desk-break hours and interval, and a pause they asked for: one row per person, read by the web
    page and the desktop notifier alike (migration 0017)."""

    __tablename__ = "break_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False, unique=True)
    every: Mapped[int] = mapped_column(Integer, nullable=False)
    work_from: Mapped[str] = mapped_column(String(5), nullable=False)  # 24-hour clock, like 09:00
    work_to: Mapped[str] = mapped_column(String(5), nullable=False)
    days: Mapped[list[int]] = mapped_column(JSON, nullable=False)  # 0 is Monday
    paused_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class BreakEventRow(Base):
    """What happened to a desk break the desktop notifier offered: offered, started, snoozed or skipped. A break
    done is a one-stretch session, as from the web page."""

    __tablename__ = "break_event"
    __table_args__ = (Index("ix_break_event_person_day", "person_id", "day", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    stretch: Mapped[str] = mapped_column(String(60), nullable=False, default="", server_default="")


class FlareDayRow(Base):
    """A day the person said their back is worse (a flare-up): that day's routines are the gentle flare-up kind."""

    __tablename__ = "flare_day"
    __table_args__ = (Index("uq_flare_day_person_day", "person_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    # The newest safety answers when the flare-up was said (none: no answers yet): answers after it count.
    screened_before: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DayMinutesRow(Base):
    """The minutes a person chose for one day only (Today's "just for today"); their default is in the profile."""

    __tablename__ = "day_minutes"
    __table_args__ = (Index("uq_day_minutes_person_day", "person_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)


class ScorePromptRow(Base):
    """A checkpoint of the outcome-score schedule (core/scores.py) whose prompt the person dismissed."""

    __tablename__ = "score_prompt"
    __table_args__ = (Index("uq_score_prompt_person_week", "person_id", "week", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    week: Mapped[int] = mapped_column(Integer, nullable=False)
    dismissed_on: Mapped[date] = mapped_column(Date, nullable=False)
