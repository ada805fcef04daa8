"""What every part of the classroom service shares: its error (the API error contract) and the
cleaning of what people type."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from ...extensions import db
from ...infra.errors import DomainError


class ClassroomError(DomainError):
    """A request the classroom cannot honour; `status` and `code` follow the API error contract.
    `claim_code`: the exercise whose educator key this browser lacks (its page offers the claim form);
    `retry_after`: the seconds a refused client waits (a 429's Retry-After)."""

    def __init__(
        self, status: int, code: str, message: str, claim_code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.claim_code = claim_code
        self.retry_after = retry_after


def one_line(raw: str) -> str:
    """Free text on one line: control characters (PostgreSQL refuses NUL) and lone surrogates (not
    UTF-8) dropped, spaces collapsed. Format characters stay: an emoji's zero-width joiner, a
    right-to-left mark in a name."""
    return " ".join("".join(ch for ch in raw if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")).split())


def normalise_code(raw: str) -> str:
    """A join code as typed (spaces, dashes, lower case) in its canonical form."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def plural(count: int, noun: str) -> str:
    """ "1 exercise", "2 exercises"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def serialise(name: str) -> None:
    """Hold a write lock named `name` until the session's transaction ends, so a count made after
    it and the row written on it are one step (a cap or a limit is never overshot by a race).

    PostgreSQL: a transaction-scoped advisory lock on the name's hash (other names go on in
    parallel). SQLite: the database's write lock, taken now by a write that changes no row (what
    BEGIN IMMEDIATE takes), so the counts read after it are the latest and nobody writes in between.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name})
    else:
        db.session.execute(text("UPDATE rate_event SET id = id WHERE 0"))


# Other ways into the classroom (an LMS, webapp/lti/) plug in here without the classroom knowing
# them: after every stored answer each ANSWER_HOOKS(exercise, student) runs (it must never raise
# into the student's request), and the dashboard shows what each DASHBOARD_NOTES(exercise) says.
# STUDENT_NAMES(exercise) gives the students' names from elsewhere (an LMS) by student id, for the
# educator's own pages only (dashboard, one student's answers, the CSV files; never the projector
# nor a student's page), or None when the exercise shows none.
ANSWER_HOOKS: list[Callable[[Any, Any], None]] = []
DASHBOARD_NOTES: list[Callable[[Any], str | None]] = []
STUDENT_NAMES: list[Callable[[Any], dict[int, str] | None]] = []
