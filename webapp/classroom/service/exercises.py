"""Exercises: created with a join code, opened and closed, their cases revealed and reordered, and
found by a typed code under the join rate limit (wrong codes and student tokens count as guesses)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from rules import PUBLIC_CASE_ID_PATTERN
from rules import Case
from rules import KnowledgeBase

from ...extensions import db
from ...limits import CLASS_SIZE_MAX
from ...limits import CLASS_SIZE_MIN
from ...limits import EXERCISE_CASES_MAX
from ...limits import TIME_LIMIT_MAX
from ...limits import TIME_LIMIT_MIN
from ...limits import TITLE_MAX
from ...models import Educator
from ...models import Exercise
from ...models import ExerciseCase
from ...models import RateEvent
from ...models import Student
from ...models import Submission
from ...models import utcnow
from .authored import authored_number
from .authored import resolve_case
from .common import ClassroomError
from .common import normalise_code
from .common import one_line
from .common import serialise
from .educators import educator_for_key
from .educators import new_educator
from .pacing import PACES
from .pacing import current_case

# Unambiguous characters: no 0/O, 1/I/L, so a code read off a projector is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
FEEDBACK_MODES = ("immediate", "after_reveal")


def new_code() -> str:
    """A random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True, slots=True)
class Created:
    """A new exercise and, when a new educator was made for it, their key (shown once)."""

    exercise: Exercise
    key: str | None


def _check_settings(feedback: str, pace: str, time_limit_minutes: int | None, minutes_per_case: int | None) -> None:
    """400 for a feedback mode or pace that does not exist, or a time limit of the wrong kind or size."""
    if feedback not in FEEDBACK_MODES:
        raise ClassroomError(400, "invalid_feedback", gettext('feedback is "immediate" or "after_reveal".'))
    if pace not in PACES:
        raise ClassroomError(400, "invalid_pace", gettext('pace is "educator" or "self".'))
    if (pace == "self" and minutes_per_case is not None) or (pace == "educator" and time_limit_minutes is not None):
        raise ClassroomError(
            400,
            "invalid_time_limit",
            gettext(
                "A class you pace takes minutes_per_case; a self-paced one takes time_limit_minutes "
                "(for the whole exercise)."
            ),
        )
    if any(m is not None and not TIME_LIMIT_MIN <= m <= TIME_LIMIT_MAX for m in (time_limit_minutes, minutes_per_case)):
        raise ClassroomError(
            400,
            "invalid_time_limit",
            gettext("The time limit is %(min)s to %(max)s minutes.", min=TIME_LIMIT_MIN, max=TIME_LIMIT_MAX),
        )


def create_exercise(
    title: str,
    case_ids: Sequence[str],
    educator_key: str | None,
    kb: KnowledgeBase,
    time_limit_minutes: int | None = None,
    feedback: str = "immediate",
    educator: Educator | None = None,
    pace: str = "self",
    minutes_per_case: int | None = None,
    asks_decisions: bool = False,
    max_students: int | None = None,
) -> Created:
    """Store a new exercise with a fresh join code; a new educator unless the key names one. Self
    pace takes a time limit for the whole exercise (`time_limit_minutes`), educator pace one per
    case (`minutes_per_case`). `asks_decisions`: the students are asked for a ranked differential
    and the next step too. `max_students`: the class size (None: the server's cap)."""
    _check_settings(feedback, pace, time_limit_minutes, minutes_per_case)
    if max_students is not None and not CLASS_SIZE_MIN <= max_students <= CLASS_SIZE_MAX:
        raise ClassroomError(
            400,
            "invalid_max_students",
            gettext(
                "The class size is a whole number from %(min)s to %(max)s.", min=CLASS_SIZE_MIN, max=CLASS_SIZE_MAX
            ),
        )
    raw_length, title = len(title), one_line(title)
    if not title or raw_length > TITLE_MAX:  # the length as sent, as the form counts it
        raise ClassroomError(
            400, "invalid_title", gettext("Give the exercise a title of 1 to %(max)s characters.", max=TITLE_MAX)
        )
    ids = list(dict.fromkeys(c.strip() for c in case_ids if c.strip()))
    if not ids or len(ids) > EXERCISE_CASES_MAX:
        raise ClassroomError(400, "invalid_cases", gettext("Pick 1 to %(max)s cases.", max=EXERCISE_CASES_MAX))
    educator = educator or educator_for_key(educator_key)
    resolved = []
    for case_id in ids:
        case = resolve_case(case_id, educator.id if educator else None, kb)
        if case is None:
            # A well-formed authored-<n> that is not this educator's, or a well-formed public id that
            # names no case, is a case that is not there (404); any other id is malformed (400).
            there = authored_number(case_id) is not None or re.fullmatch(PUBLIC_CASE_ID_PATTERN, case_id)
            status = 404 if there else 400
            raise ClassroomError(
                status, "unknown_case", gettext("There is no case %(id)s you can use.", id=repr(case_id))
            )
        resolved.append(case.id)  # a practice case's public id is stored as the id it is written with
    ids = list(dict.fromkeys(resolved))
    key = None
    if educator is None:
        educator, key = new_educator()
        db.session.commit()
    for _ in range(10):
        exercise = Exercise(
            code=new_code(),
            title=title,
            educator_id=educator.id,
            time_limit_minutes=time_limit_minutes,
            feedback=feedback,
            pace=pace,
            minutes_per_case=minutes_per_case,
            asks_decisions=asks_decisions,
            max_students=max_students,
        )
        exercise.cases = [ExerciseCase(position=i, case_id=c) for i, c in enumerate(ids)]
        db.session.add(exercise)
        try:
            db.session.commit()
            return Created(exercise, key)
        except IntegrityError:  # the code was taken (one chance in ~10^8): draw another
            db.session.rollback()
    raise ClassroomError(503, "unavailable", gettext("Could not draw a free join code; try again."))


def find_exercise(code: str) -> Exercise | None:
    """The exercise with this join code, its case list loaded with it (every page of it needs the list)."""
    return (
        db.session.execute(
            select(Exercise).options(joinedload(Exercise.cases)).where(Exercise.code == normalise_code(code))
        )
        .unique()
        .scalar_one_or_none()
    )


def set_open(exercise: Exercise, is_open: bool) -> None:
    """Close the exercise, or reopen it (which restarts its time limit; in educator pace, the open
    case's)."""
    if is_open:
        exercise.closed_at = None
        exercise.opened_at = utcnow()
        row = current_case(exercise)
        if row is not None:
            row.opened_at, row.closed_at = exercise.opened_at, None
    else:
        exercise.closed_at = utcnow()
    db.session.commit()


def set_joining_locked(exercise: Exercise, locked: bool) -> None:
    """Lock joining (no new student; those who joined still answer and rejoin), or open it again."""
    exercise.joining_locked = locked
    db.session.commit()


def class_size(exercise: Exercise, server_cap: int) -> int:
    """The most students the exercise takes: the size its educator set, never above the server's
    cap (`server_cap`, 0: none); 0 when neither bounds it."""
    sizes = [n for n in (exercise.max_students, server_cap) if n]
    return min(sizes, default=0)


def revealed_ids(exercise: Exercise) -> set[str]:
    """The ids of the cases whose answer the room and the students may see."""
    return {c.case_id for c in exercise.cases if c.revealed}


def shows_feedback(exercise: Exercise, case_id: str) -> bool:
    """Whether a student who answered this case sees their feedback (and so the key) now."""
    return exercise.feedback == "immediate" or case_id in revealed_ids(exercise)


def move_case(exercise: Exercise, position: int, step: int) -> None:
    """Move the case at `position` (0-based) one place up (step -1) or down (+1); the ends stay.
    409 once a class the educator paces has started (its open case is a position)."""
    if exercise.pace == "educator" and exercise.current_position is not None:
        raise ClassroomError(409, "already_started", gettext("The order is fixed once the class has started."))
    cases = list(exercise.cases)
    other = position + step
    if not (0 <= position < len(cases) and 0 <= other < len(cases)):
        return
    first, second = cases[position], cases[other]
    first.position = -1  # (exercise, position) is unique: swap through a free position
    db.session.flush()
    second.position = position
    db.session.flush()
    first.position = other
    db.session.commit()
    db.session.expire(exercise, ["cases"])


def duplicate_exercise(exercise: Exercise, kb: KnowledgeBase) -> Exercise:
    """A new exercise with the same cases, order, pace, time limits, feedback and questions, a new
    code, no answers."""
    created = create_exercise(
        f"{exercise.title[:113]} (copy)",
        exercise_case_ids(exercise),
        None,
        kb,
        exercise.time_limit_minutes,
        exercise.feedback,
        educator=exercise.educator,
        pace=exercise.pace,
        minutes_per_case=exercise.minutes_per_case,
        asks_decisions=exercise.asks_decisions,
        max_students=exercise.max_students,
    )
    return created.exercise


@dataclass(frozen=True, slots=True)
class ExerciseFacts:
    """An exercise as its pages, its JSON and its CSV show it (plain data, not the database row)."""

    code: str
    title: str
    feedback: str
    pace: str
    created_at: datetime
    deadline: datetime | None
    closed_at: datetime | None
    asks_decisions: bool = False
    max_students: int | None = None
    joining_locked: bool = False

    def is_open(self, now: datetime) -> bool:
        """Whether submissions are accepted at `now` (as Exercise.is_open)."""
        return self.closed_at is None and (self.deadline is None or now < self.deadline)


def facts(exercise: Exercise) -> ExerciseFacts:
    """The exercise's plain facts (no query: every column is loaded with the row)."""
    return ExerciseFacts(
        exercise.code,
        exercise.title,
        exercise.feedback,
        exercise.pace,
        exercise.created_at,
        exercise.deadline,
        exercise.closed_at,
        exercise.asks_decisions,
        exercise.max_students,
        exercise.joining_locked,
    )


@dataclass(frozen=True, slots=True)
class ExerciseSummary:
    """One line of an educator's "your exercises" list."""

    exercise: ExerciseFacts
    students: int
    answers: int


def educator_exercises(educator: Educator) -> list[ExerciseSummary]:
    """This educator's exercises, newest first, with how many students and answers each has."""
    answers = select(Submission.exercise_id, func.count().label("n")).group_by(Submission.exercise_id).subquery()
    students = select(Student.exercise_id, func.count().label("n")).group_by(Student.exercise_id).subquery()
    rows = db.session.execute(
        select(Exercise, func.coalesce(students.c.n, 0), func.coalesce(answers.c.n, 0))
        .outerjoin(students, students.c.exercise_id == Exercise.id)
        .outerjoin(answers, answers.c.exercise_id == Exercise.id)
        .where(Exercise.educator_id == educator.id)
        .order_by(Exercise.created_at.desc(), Exercise.id.desc())
    ).all()
    return [ExerciseSummary(facts(e), s, a) for e, s, a in rows]


def exercise_case_ids(exercise: Exercise) -> list[str]:
    """The exercise's case ids in order."""
    return [c.case_id for c in exercise.cases]


EXERCISE_CASE_ID_LENGTH = 15  # letters of an exercise's own case id (a practice public id has 13)
ID_ALPHABET = "bcdfghjklmnpqrstvwxz"  # consonants, as practice ids: no word, no OMIM or Orphanet number


def exercise_case_token(code: str, case_id: str) -> str:
    """The exercise's own id for one of its cases: letters of a hash keyed with SECRET_KEY and the
    join code. Unlike a practice public id (keyed with a committed key, so anyone can compute or
    turn it back), it names nothing outside the exercise: practice cannot resolve it, nor can a
    student tell from it which library case or which entry's patient it is."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"exercise-case:{code}:{case_id}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest)
    letters = []
    for _ in range(EXERCISE_CASE_ID_LENGTH):
        value, digit = divmod(value, len(ID_ALPHABET))
        letters.append(ID_ALPHABET[digit])
    return "".join(letters)


def exercise_case_by_token(exercise: Exercise, token: str) -> str | None:
    """The stored case id behind one of the exercise's own ids (None when it is none of them)."""
    if len(token) != EXERCISE_CASE_ID_LENGTH or not set(token) <= set(ID_ALPHABET):
        return None  # not one of the exercise's ids (and nothing compare_digest would refuse)
    ids = exercise_case_ids(exercise)
    return next((c for c in ids if hmac.compare_digest(exercise_case_token(exercise.code, c), token)), None)


def exercise_cases(exercise: Exercise, kb: KnowledgeBase) -> list[Case]:
    """The exercise's cases in order (an authored case deleted since is skipped)."""
    cases = (resolve_case(c, exercise.educator_id, kb) for c in exercise_case_ids(exercise))
    return [c for c in cases if c is not None]


# --- the join rate limit --------------------------------------------------------------------


def _bucket(kind: str, client: str, secret: str) -> str:
    # A keyed hash: the table never holds a client's IP address (or a nickname).
    return f"{kind}:" + hmac.new(secret.encode(), client.encode(), hashlib.sha256).hexdigest()[:40]


GLOBAL_CLIENT = "*every client*"  # the bucket of the global wrong-code limit (no address is this)


def lookup_exercise(code: str, client: str, secret: str, limit: int, window_seconds: int, overall: int = 0) -> Exercise:
    """The exercise for a code a student typed. A code that exists always opens (a class behind one
    address is never locked out by its neighbours' typos); a wrong one is counted, and after too many
    failures from this client (or `overall` from every client) in the window it answers 429 instead
    of 404."""
    exercise = find_exercise(code) if code else None
    if exercise is not None:
        return exercise
    count_failure(client, secret, limit, window_seconds, gettext("wrong join codes from this network"), overall=overall)
    raise ClassroomError(
        404, "unknown_code", gettext("There is no exercise with this join code. Check it and try again.")
    )


def _failures(bucket: str, window_seconds: int) -> int:
    since = utcnow() - timedelta(seconds=window_seconds)
    return db.session.execute(
        select(func.count()).select_from(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at > since)
    ).scalar_one()


def _spent(what: str, window_seconds: int) -> ClassroomError:
    db.session.rollback()
    return ClassroomError(
        429,
        "too_many_requests",
        gettext("Too many %(what)s; wait %(minutes)s minutes.", what=what, minutes=window_seconds // 60),
        retry_after=window_seconds,
    )


def check_failures(client: str, secret: str, limit: int, window_seconds: int, what: str, kind: str = "join") -> None:
    """429 once this client has used up its failures in the window (nothing is written)."""
    if _failures(_bucket(kind, client, secret), window_seconds) >= limit:
        raise _spent(what, window_seconds)


def count_failure(
    client: str, secret: str, limit: int, window_seconds: int, what: str, kind: str = "join", overall: int = 0
) -> None:
    """Count one failed guess from this client (a wrong join code or student token from an address;
    `kind` "rejoin": a wrong rejoin code for a nickname, whoever sends it); 429 once the client has
    used up its failures in the window, or every client together `overall` of them (0: no overall
    limit). Exact under concurrency: the count and the new event are one step under a lock
    (`serialise`), so no more than `limit` failures are ever let through; a database that cannot be
    asked raises (the request fails, uncounted failures are never let through)."""
    serialise(f"rate:{kind}")
    if _failures(_bucket(kind, client, secret), window_seconds) >= limit:
        raise _spent(what, window_seconds)
    if overall and _failures(_bucket(kind, GLOBAL_CLIENT, secret), window_seconds) >= overall:
        raise _spent("wrong codes from every network together", window_seconds)
    since = utcnow() - timedelta(seconds=window_seconds)
    # Only this kind's events: the other limits' windows may be longer (webapp/infra/ratelimit.py).
    db.session.execute(delete(RateEvent).where(RateEvent.bucket.startswith(f"{kind}:"), RateEvent.at <= since))
    db.session.add(RateEvent(bucket=_bucket(kind, client, secret)))
    if overall:
        db.session.add(RateEvent(bucket=_bucket(kind, GLOBAL_CLIENT, secret)))
    db.session.commit()
