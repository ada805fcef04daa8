"""Database models: classroom exercises, their students and submissions, authored cases, rate events.

Nothing from the clinician checklist is stored; only classroom data lives here. Educator keys are
stored as SHA-256 hashes, students are pseudonymous nicknames, client IPs only as keyed hashes.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from .extensions import Model
from .limits import CASE_AGE_MAX
from .limits import TITLE_MAX


def utcnow() -> datetime:
    """Naive UTC now: both SQLite and PostgreSQL columns hold naive UTC timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


class Educator(Model):
    """Whoever holds one educator key: owns exercises and authored cases."""

    __tablename__ = "educator"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    exercises: Mapped[list[Exercise]] = relationship(back_populates="educator")


class Exercise(Model):
    """A classroom exercise: a title, an ordered list of cases, a join code, open or closed.

    Its pace (webapp/classroom/service/pacing.py): "self" (every case at once, in any order; the time
    limit, if any, runs from opened_at for the whole exercise) or "educator" (a lobby until the
    educator starts it, then one case at a time, stage by stage; a limit per case runs from when
    that case opened)."""

    __tablename__ = "exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    educator_id: Mapped[int] = mapped_column(ForeignKey("educator.id", ondelete="CASCADE"), index=True)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    # The time limit runs from opened_at; reopening restarts it.
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # "immediate": a student sees the key as soon as they answer (practice style); "after_reveal":
    # only once the educator reveals the case (or the whole exercise).
    feedback: Mapped[str] = mapped_column(String(16), default="immediate", server_default="immediate")
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime)  # the whole exercise revealed
    pace: Mapped[str] = mapped_column(String(8), default="self", server_default="self")
    minutes_per_case: Mapped[int | None] = mapped_column(Integer)  # educator pace: each case's limit
    # Educator pace: the open case (0-based position; None in the lobby) and how many of its stages
    # the students see (1-based).
    current_position: Mapped[int | None] = mapped_column(Integer)
    current_stage: Mapped[int | None] = mapped_column(Integer)
    # Whether the students are asked, beside findings and lean, for a ranked differential and the next step.
    asks_decisions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Bumped when the educator signs out every paired phone: a paired phone's cookie holds the value it
    # was paired under, and counts only while it is the current one.
    remote_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The class size the educator set (None: the server's cap, CLASSROOM_MAX_STUDENTS), and whether
    # they locked joining: a locked exercise takes no new student, its students still answer and rejoin.
    max_students: Mapped[int | None] = mapped_column(Integer)
    joining_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    educator: Mapped[Educator] = relationship(back_populates="exercises")
    cases: Mapped[list[ExerciseCase]] = relationship(
        order_by="ExerciseCase.position", cascade="all, delete-orphan", back_populates="exercise"
    )

    @property
    def deadline(self) -> datetime | None:
        """When the time limit ends, if there is one."""
        if self.time_limit_minutes is None:
            return None
        return self.opened_at + timedelta(minutes=self.time_limit_minutes)

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether submissions are accepted now."""
        now = now or utcnow()
        deadline = self.deadline
        return self.closed_at is None and (deadline is None or now < deadline)


class ExerciseCase(Model):
    """One case of an exercise, in order: a library id, a simulated id or `authored-<n>`."""

    __tablename__ = "exercise_case"
    __table_args__ = (
        UniqueConstraint("exercise_id", "position"),
        UniqueConstraint("exercise_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(String(64))
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime)  # this case revealed by itself
    # Educator pace: when the educator opened this case and when they moved on from it.
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    exercise: Mapped[Exercise] = relationship(back_populates="cases")

    @property
    def revealed(self) -> bool:
        """Whether the key of this case may be shown to the room and the students."""
        return self.revealed_at is not None or self.exercise.revealed_at is not None


class Student(Model):
    """A pseudonymous participant: a nickname unique within the exercise, a random session token."""

    __tablename__ = "student"
    __table_args__ = (UniqueConstraint("exercise_id", "nickname_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(40))
    # Case-folded nickname, so "Ana" and "ana" are one student.
    nickname_key: Mapped[str] = mapped_column(String(40))
    # "browser" (joined through /join: the API can never write it) or "api" (its token is the
    # student_token every later API submission must carry).
    source: Mapped[str] = mapped_column(String(8), default="browser", server_default="browser")
    # The hash of the short rejoin code that brings the student back from another browser (None:
    # joined before rejoin codes existed).
    rejoin_hash: Mapped[str | None] = mapped_column(String(64))
    # Until then the educator lets the next person who joins with this nickname take it over.
    readmit_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Submission(Model):
    """A student's answer to one case of an exercise; re-submitting replaces it."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("student_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    case_id: Mapped[str] = mapped_column(String(64))
    findings: Mapped[list[str]] = mapped_column(JSON)
    lean: Mapped[str] = mapped_column(String(16))
    mechanisms: Mapped[list[str]] = mapped_column(JSON)
    confidence: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    # Sent within the grace period after its case (or the exercise) closed: kept, and marked.
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The decisions, when the exercise asks them: entry ids best first (up to three), a next-step id.
    differential: Mapped[list[str] | None] = mapped_column(JSON)
    next_step: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuthoredCase(Model):
    """A case an educator wrote; usable only in that educator's exercises."""

    __tablename__ = "authored_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    educator_id: Mapped[int] = mapped_column(ForeignKey("educator.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    age: Mapped[str] = mapped_column(String(CASE_AGE_MAX))
    sex: Mapped[str] = mapped_column(String(16))
    difficulty: Mapped[str] = mapped_column(String(8))
    narrative: Mapped[str] = mapped_column(Text)
    # {"present": [...], "absent": [...], "onset", "family_history", "lean", "mechanisms": [...]}
    answer_key: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{"text", "cite": {"source", "locator"}}]: the shape of a written case's teaching points
    teaching_points: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def case_id(self) -> str:
        """The id exercises refer to it by."""
        return f"authored-{self.id}"


class RateEvent(Model):
    """One counted event (a failed join attempt) for a sliding-window rate limit."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_bucket_at", "bucket", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RemotePairing(Model):
    """A phone being paired as the educator's remote for one exercise (webapp/classroom/service/
    remotes.py): a short code shown on the projector, valid for a minute and used once; the phone
    that claimed it (the hash of its secret); the educator's confirmation on the laptop. Rows expire
    (`expires_at`) and are deleted once used or stale."""

    __tablename__ = "remote_pairing"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    # A keyed hash of the pairing code (never the code itself).
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The hash of the secret the claiming phone holds in a cookie (None until a phone claims the code).
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The recovery link's key, sealed with the phone's secret (only that phone can read it), when the
    # laptop that confirmed still had it to show.
    sealed_key: Mapped[str | None] = mapped_column(String(256))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LtiRecord(Model):
    """Short-lived LTI launch state every worker sees (webapp/lti/storage.py): the OIDC login's nonce
    (consumed once by its launch, so a replayed token is refused), the state's check and the launch's
    claims (kept for the deep-linking picker). Bounded (one request's claims) and expiring."""

    __tablename__ = "lti_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    value: Mapped[Any] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class LtiLink(Model):
    """An LMS activity (a platform's resource link in one deployment) and the exercise it opens, with
    where its grades go (the Assignment and Grade Services claim of its latest launch)."""

    __tablename__ = "lti_link"
    __table_args__ = (UniqueConstraint("issuer", "deployment_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    # {"scope": [...], "lineitem": url, "lineitems": url} (None: the platform grants no grade service)
    ags: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Whether the students' LMS names are shown to the educator (never to the class: students go by
    # a generated nickname either way), fetched from the platform's membership list (nrps_url).
    asks_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    nrps_url: Mapped[str | None] = mapped_column(String(1000))
    names_at: Mapped[datetime | None] = mapped_column(DateTime)  # the last fetch that worked
    names_note: Mapped[str | None] = mapped_column(String(200))  # why the last fetch gave no names
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LtiLearner(Model):
    """A student who came from an LMS: the platform's pseudonymous user id (`sub`) in one activity,
    and the last score sent to the LMS's grade book (an outbox: pending until the platform took it)."""

    __tablename__ = "lti_learner"
    __table_args__ = (UniqueConstraint("link_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_link.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), unique=True)
    subject: Mapped[str] = mapped_column(String(255))
    # The score to post (0..100), its progress and its timestamp; pending until the platform took it.
    score: Mapped[float | None] = mapped_column(Float)
    grading_progress: Mapped[str | None] = mapped_column(String(16))
    activity_progress: Mapped[str | None] = mapped_column(String(16))
    score_at: Mapped[datetime | None] = mapped_column(DateTime)
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The learner's name in the LMS, for the educator only, when the activity asks for names (from
    # the membership list; None until fetched, or when the LMS gives none).
    lms_name: Mapped[str | None] = mapped_column(String(100))
