"""Classroom persistence: exercises, educator keys, students, submissions and the join rate limit.

Views (HTML and JSON) call these functions; they hold no request state of their own, so any
worker of any instance can serve any request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from rules import Attempt
from rules import Case
from rules import Feedback
from rules import KnowledgeBase
from rules import KnowledgeError
from rules import case_from_mapping
from rules import get_case
from rules import score_attempt

from ..extensions import Model
from ..extensions import db
from ..infra.errors import DomainError
from ..limits import EXERCISE_CASES_MAX
from ..limits import NICKNAME_MAX
from ..limits import TIME_LIMIT_MAX
from ..limits import TIME_LIMIT_MIN
from ..limits import TIME_LIMIT_WORDS
from ..limits import TITLE_MAX
from ..models import AuthoredCase
from ..models import Educator
from ..models import Exercise
from ..models import ExerciseCase
from ..models import RateEvent
from ..models import Student
from ..models import Submission
from ..models import utcnow
from .stats import ExerciseStats
from .stats import Key
from .stats import Row
from .stats import exercise_stats

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

# Unambiguous characters: no 0/O, 1/I/L, so a code read off a projector is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
AUTHORED_PREFIX = "authored-"
DRAFT_ID = "authored-draft"  # the id a case is validated under before it is stored
# The one spelling of an authored case's id: no sign, no leading zero, within an SQL integer.
AUTHORED_ID = re.compile(r"authored-([1-9][0-9]{0,9})")
SQL_INT_MAX = 2_147_483_647
FEEDBACK_MODES = ("immediate", "after_reveal")
DEFAULT_MAX_STUDENTS = 2000


class ClassroomError(DomainError):
    """A request the classroom cannot honour; `status` and `code` follow the API error contract.
    `claim_code`: the exercise whose educator key this browser lacks (its page offers the claim form);
    `retry_after`: the seconds a refused client waits (a 429's Retry-After)."""

    def __init__(self, status: int, code: str, message: str, claim_code: str | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.claim_code = claim_code
        self.retry_after = retry_after


def hash_key(key: str) -> str:
    """The stored form of an educator key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def one_line(raw: str) -> str:
    """Free text on one line: control characters (PostgreSQL refuses NUL) and lone surrogates (not
    UTF-8) dropped, spaces collapsed. Format characters stay: an emoji's zero-width joiner, a
    right-to-left mark in a name."""
    return " ".join("".join(ch for ch in raw if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")).split())


def normalise_code(raw: str) -> str:
    """A join code as typed (spaces, dashes, lower case) in its canonical form."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def new_code() -> str:
    """A random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --- educators ------------------------------------------------------------------------------


def educator_for_key(key: str | None) -> Educator | None:
    """The educator holding this key, if any."""
    if not key:
        return None
    digest = hash_key(key)
    educator = db.session.execute(select(Educator).where(Educator.key_hash == digest)).scalar_one_or_none()
    if educator is None or not hmac.compare_digest(educator.key_hash, digest):
        return None
    return educator


def new_educator() -> tuple[Educator, str]:
    """A new educator and their private key (returned once, stored only hashed)."""
    key = secrets.token_urlsafe(24)
    educator = Educator(key_hash=hash_key(key))
    db.session.add(educator)
    db.session.flush()
    return educator, key


def authorise(exercise: Exercise, key: str | None) -> None:
    """Raise 401 without a key and 403 with a key that is not this exercise's educator's (a page
    then offers the exercise's claim form; the API answers JSON)."""
    if not key:
        raise ClassroomError(401, "unauthorized", "This page needs the educator key of the exercise.",
                             claim_code=exercise.code)
    if not hmac.compare_digest(exercise.educator.key_hash, hash_key(key)):
        raise ClassroomError(403, "forbidden", "This educator key does not open this exercise.",
                             claim_code=exercise.code)


# --- cases ----------------------------------------------------------------------------------


def authored_number(case_id: str) -> int | None:
    """The number in a canonical `authored-<n>` id; None for any other spelling (`authored-07`,
    `authored-+7`, a number beyond an SQL integer)."""
    match = AUTHORED_ID.fullmatch(case_id)
    if match is None or int(match[1]) > SQL_INT_MAX:
        return None
    return int(match[1])


def authored_case(case_id: str, educator_id: int | None, kb: KnowledgeBase) -> Case | None:
    """An authored case, only for the educator who wrote it."""
    number = authored_number(case_id)
    if number is None:
        return None
    row = db.session.get(AuthoredCase, number)
    if row is None or educator_id is None or row.educator_id != educator_id:
        return None
    return case_from_mapping(authored_mapping(row), kb, kind="authored")


def authored_mapping(row: AuthoredCase) -> dict[str, object]:
    """An authored case as the mapping rules.cases validates."""
    return {
        "id": row.case_id,
        "title": row.title,
        "age": row.age,
        "sex": row.sex,
        "narrative": row.narrative,
        "difficulty": row.difficulty,
        "entry": "",
        "label": "Written by the educator of this exercise",
        "key": row.answer_key,
        "teaching_point": row.teaching_points,
    }


def resolve_case(case_id: str, educator_id: int | None, kb: KnowledgeBase) -> Case | None:
    """A library, simulated or (this educator's) authored case by id."""
    if case_id.startswith(AUTHORED_PREFIX):
        return authored_case(case_id, educator_id, kb)
    try:
        return get_case(case_id)
    except (KnowledgeError, ValueError, KeyError):  # a malformed sim-… id
        return None


def educator_cases(educator_id: int) -> list[AuthoredCase]:
    """The cases this educator wrote, newest first."""
    return list(
        db.session.execute(
            select(AuthoredCase)
            .where(AuthoredCase.educator_id == educator_id)
            .order_by(AuthoredCase.id.desc())
        ).scalars()
    )


def own_authored_case(educator: Educator | None, number: int) -> AuthoredCase:
    """A case this educator wrote, by its number; 404 for any other (theirs to know, nobody else's)."""
    row = db.session.get(AuthoredCase, number)
    if row is None or educator is None or row.educator_id != educator.id:
        raise ClassroomError(404, "not_found", "You wrote no case with this number (from this browser's key).")
    return row


def case_uses(educator_id: int) -> dict[str, int]:
    """How many of this educator's exercises use each of their authored cases (those in use only)."""
    rows = db.session.execute(
        select(ExerciseCase.case_id, func.count())
        .join(Exercise)
        .where(Exercise.educator_id == educator_id, ExerciseCase.case_id.startswith(AUTHORED_PREFIX))
        .group_by(ExerciseCase.case_id)
    )
    return {case_id: count for case_id, count in rows}


def changeable_authored_case(educator: Educator | None, number: int) -> AuthoredCase:
    """A case this educator wrote that no exercise uses, to change or delete: 404 if it is not
    theirs, 409 while an exercise uses it (its students' answers are shown and judged against it)."""
    row = own_authored_case(educator, number)
    used = case_uses(row.educator_id).get(row.case_id, 0)
    if used:
        raise ClassroomError(409, "case_in_use", f"“{row.title}” is used in {plural(used, 'exercise')}, so it "
                                                 "stays as it is: their answers are judged against it.")
    return row


def delete_authored_case(educator: Educator | None, number: int) -> None:
    """Delete a case this educator wrote (404, 409: see changeable_authored_case)."""
    db.session.delete(changeable_authored_case(educator, number))
    db.session.commit()


def plural(count: int, noun: str) -> str:
    """"1 exercise", "2 exercises"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def save_authored_case(educator: Educator, raw: dict[str, object], kb: KnowledgeBase,
                       number: int | None = None) -> AuthoredCase:
    """Validate a case written through the form (KnowledgeError if invalid) and store it: a new
    case, or case `number` changed (404, 409: see changeable_authored_case)."""
    row = AuthoredCase(educator_id=educator.id) if number is None else changeable_authored_case(educator, number)
    for column, value in {"title": raw["title"], "age": raw["age"], "sex": raw["sex"], "difficulty": raw["difficulty"],
                          "narrative": raw["narrative"], "answer_key": raw["key"],
                          "teaching_points": raw["teaching_point"]}.items():
        setattr(row, column, value)
    try:
        case_from_mapping({**authored_mapping(row), "id": DRAFT_ID}, kb, kind="authored")
    except KnowledgeError:
        db.session.rollback()  # the changed row stays as it was stored
        raise
    db.session.add(row)
    db.session.commit()
    return row


# --- exercises ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Created:
    """A new exercise and, when a new educator was made for it, their key (shown once)."""

    exercise: Exercise
    key: str | None


def create_exercise(
    title: str,
    case_ids: Sequence[str],
    educator_key: str | None,
    kb: KnowledgeBase,
    time_limit_minutes: int | None = None,
    feedback: str = "immediate",
    educator: Educator | None = None,
) -> Created:
    """Store a new exercise with a fresh join code; a new educator unless the key names one."""
    if feedback not in FEEDBACK_MODES:
        raise ClassroomError(400, "invalid_feedback", 'feedback is "immediate" or "after_reveal".')
    raw_length, title = len(title), one_line(title)
    if not title or raw_length > TITLE_MAX:  # the length as sent, as the form counts it
        raise ClassroomError(400, "invalid_title", f"Give the exercise a title of 1 to {TITLE_MAX} characters.")
    ids = list(dict.fromkeys(c.strip() for c in case_ids if c.strip()))
    if not ids or len(ids) > EXERCISE_CASES_MAX:
        raise ClassroomError(400, "invalid_cases", f"Pick 1 to {EXERCISE_CASES_MAX} cases.")
    if time_limit_minutes is not None and not TIME_LIMIT_MIN <= time_limit_minutes <= TIME_LIMIT_MAX:
        raise ClassroomError(400, "invalid_time_limit",
                             f"The time limit is {TIME_LIMIT_WORDS}")
    educator = educator or educator_for_key(educator_key)
    for case_id in ids:
        if resolve_case(case_id, educator.id if educator else None, kb) is None:
            # A well-formed authored-<n> that is not this educator's names a case that is not there
            # (404); any other id is malformed (400).
            status = 404 if authored_number(case_id) is not None else 400
            raise ClassroomError(status, "unknown_case", f"There is no case {case_id!r} you can use.")
    key = None
    if educator is None:
        educator, key = new_educator()
        db.session.commit()
    for _ in range(10):
        exercise = Exercise(
            code=new_code(), title=title, educator_id=educator.id, time_limit_minutes=time_limit_minutes,
            feedback=feedback,
        )
        exercise.cases = [ExerciseCase(position=i, case_id=c) for i, c in enumerate(ids)]
        db.session.add(exercise)
        try:
            db.session.commit()
            return Created(exercise, key)
        except IntegrityError:  # the code was taken (one chance in ~10^8): draw another
            db.session.rollback()
    raise ClassroomError(503, "unavailable", "Could not draw a free join code; try again.")


def find_exercise(code: str) -> Exercise | None:
    """The exercise with this join code, its case list loaded with it (every page of it needs the list)."""
    return db.session.execute(
        select(Exercise).options(joinedload(Exercise.cases)).where(Exercise.code == normalise_code(code))
    ).unique().scalar_one_or_none()


def set_open(exercise: Exercise, is_open: bool) -> None:
    """Close the exercise, or reopen it (which restarts its time limit)."""
    if is_open:
        exercise.closed_at = None
        exercise.opened_at = utcnow()
    else:
        exercise.closed_at = utcnow()
    db.session.commit()


def reveal(exercise: Exercise, case_id: str | None = None) -> None:
    """Reveal the answer of one case (by id) or of the whole exercise; 404 for a case not in it."""
    now = utcnow()
    if case_id is None:
        exercise.revealed_at = exercise.revealed_at or now
    else:
        row = next((c for c in exercise.cases if c.case_id == case_id), None)
        if row is None:
            raise ClassroomError(404, "unknown_case", f"Case {case_id!r} is not part of this exercise.")
        row.revealed_at = row.revealed_at or now
    db.session.commit()


def revealed_ids(exercise: Exercise) -> set[str]:
    """The ids of the cases whose answer the room and the students may see."""
    return {c.case_id for c in exercise.cases if c.revealed}


def shows_feedback(exercise: Exercise, case_id: str) -> bool:
    """Whether a student who answered this case sees their feedback (and so the key) now."""
    return exercise.feedback == "immediate" or case_id in revealed_ids(exercise)


def move_case(exercise: Exercise, position: int, step: int) -> None:
    """Move the case at `position` (0-based) one place up (step -1) or down (+1); the ends stay."""
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
    """A new exercise with the same cases, order, time limit and feedback, a new code, no answers."""
    created = create_exercise(f"{exercise.title[:113]} (copy)", exercise_case_ids(exercise), None, kb,
                              exercise.time_limit_minutes, exercise.feedback, educator=exercise.educator)
    return created.exercise


@dataclass(frozen=True, slots=True)
class ExerciseFacts:
    """An exercise as its pages, its JSON and its CSV show it (plain data, not the database row)."""

    code: str
    title: str
    feedback: str
    created_at: datetime
    deadline: datetime | None
    closed_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """Whether submissions are accepted at `now` (as Exercise.is_open)."""
        return self.closed_at is None and (self.deadline is None or now < self.deadline)


def facts(exercise: Exercise) -> ExerciseFacts:
    """The exercise's plain facts (no query: every column is loaded with the row)."""
    return ExerciseFacts(exercise.code, exercise.title, exercise.feedback, exercise.created_at,
                         exercise.deadline, exercise.closed_at)


@dataclass(frozen=True, slots=True)
class ExerciseSummary:
    """One line of an educator's "your exercises" list."""

    exercise: ExerciseFacts
    students: int
    answers: int


def educator_exercises(educator: Educator) -> list[ExerciseSummary]:
    """This educator's exercises, newest first, with how many students and answers each has."""
    answers = (select(Submission.exercise_id, func.count().label("n")).group_by(Submission.exercise_id)
               .subquery())
    students = (select(Student.exercise_id, func.count().label("n")).group_by(Student.exercise_id).subquery())
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


def exercise_cases(exercise: Exercise, kb: KnowledgeBase) -> list[Case]:
    """The exercise's cases in order (an authored case deleted since is skipped)."""
    cases = (resolve_case(c, exercise.educator_id, kb) for c in exercise_case_ids(exercise))
    return [c for c in cases if c is not None]


# --- the join rate limit --------------------------------------------------------------------


def _bucket(client: str, secret: str) -> str:
    # A keyed hash: the table never holds a client's IP address.
    return "join:" + hmac.new(secret.encode(), client.encode(), hashlib.sha256).hexdigest()[:40]


def lookup_exercise(code: str, client: str, secret: str, limit: int, window_seconds: int) -> Exercise:
    """The exercise for a code a student typed. A code that exists always opens (a class behind one
    address is never locked out by its neighbours' typos); a wrong one is counted, and after too many
    failures from this client in the window it answers 429 instead of 404."""
    exercise = find_exercise(code) if code else None
    if exercise is not None:
        return exercise
    count_failure(client, secret, limit, window_seconds, "wrong join codes")
    raise ClassroomError(404, "unknown_code", "There is no exercise with this join code. Check it and try again.")


def count_failure(client: str, secret: str, limit: int, window_seconds: int, what: str) -> None:
    """Count one failed guess (a wrong join code or student token) from this client; 429 once the
    client has used up its failures in the window."""
    bucket = _bucket(client, secret)
    since = utcnow() - timedelta(seconds=window_seconds)
    failures = db.session.execute(
        select(func.count()).select_from(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at > since)
    ).scalar_one()
    if failures >= limit:
        db.session.rollback()
        raise ClassroomError(429, "too_many_requests",
                             f"Too many {what} from this network; wait {window_seconds // 60} minutes.",
                             retry_after=window_seconds)
    # Only join events: the other limits' windows may be longer (webapp/ratelimit.py).
    db.session.execute(delete(RateEvent).where(RateEvent.bucket.startswith("join:"), RateEvent.at <= since))
    db.session.add(RateEvent(bucket=bucket))
    db.session.commit()


# --- students and submissions ---------------------------------------------------------------


def _insert(model: type[Model]) -> PostgresInsert | SqliteInsert:
    # INSERT … ON CONFLICT exists in both dialects but is spelled through each dialect's insert().
    # Imported here: the PostgreSQL dialect module takes ~25 ms to import, which a SQLite
    # deployment never needs (and a PostgreSQL one has loaded by the time this runs).
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(model)


def clean_nickname(raw: str) -> str:
    """A nickname as stored; ClassroomError when empty, too long or an e-mail address."""
    nickname = one_line(raw)
    if not nickname:
        raise ClassroomError(400, "invalid_nickname", "Choose a nickname.")
    if len(raw) > NICKNAME_MAX:  # the length as sent, as the join form counts it
        raise ClassroomError(400, "invalid_nickname", f"A nickname is at most {NICKNAME_MAX} characters.")
    if "@" in nickname:
        raise ClassroomError(400, "invalid_nickname", "Use a nickname, not an e-mail address.")
    return nickname


def join(exercise: Exercise, nickname: str, commit: bool = True, source: str = "browser",
         max_students: int = DEFAULT_MAX_STUDENTS) -> Student | None:
    """A new student with this nickname, or None when the nickname is taken in this exercise; 409
    once the exercise has `max_students` (0: no cap)."""
    nickname = clean_nickname(nickname)
    if max_students and student_count(exercise) >= max_students:
        raise ClassroomError(409, "exercise_full", f"This exercise is full: it takes at most {max_students} "
                                                   "students. Ask your educator to open another one.")
    stmt = (
        _insert(Student)
        .values(
            exercise_id=exercise.id,
            token=secrets.token_urlsafe(24),
            nickname=nickname,
            nickname_key=nickname.casefold(),
            source=source,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["exercise_id", "nickname_key"])
        .returning(Student.id)
    )
    new_id = db.session.execute(stmt).scalar_one_or_none()
    if commit:
        db.session.commit()
    return None if new_id is None else db.session.get(Student, new_id)


def student_count(exercise: Exercise) -> int:
    """How many students have joined the exercise (the lobby's count)."""
    return db.session.execute(select(func.count(Student.id)).where(Student.exercise_id == exercise.id)).scalar_one()


@dataclass(frozen=True, slots=True)
class ApiStudent:
    """The API's student and, on its first submission, the token every later one must carry."""

    student: Student
    new_token: str | None


def student_by_nickname(exercise: Exercise, nickname: str, token: object = None,
                        max_students: int = DEFAULT_MAX_STUDENTS) -> ApiStudent:
    """The API's student: (exercise, nickname) and, after the first submission, its student_token.
    Created on first use (committed with the caller's submission, so a submission costs one write
    transaction). 403 for a nickname someone joined with in the browser, or a missing or wrong token."""
    nickname = clean_nickname(nickname)
    query = select(Student).where(
        Student.exercise_id == exercise.id, Student.nickname_key == nickname.casefold()
    )
    student = db.session.execute(query).scalar_one_or_none()
    if student is None:
        made = join(exercise, nickname, commit=False, source="api", max_students=max_students)
        if made is not None:
            return ApiStudent(made, made.token)
        student = db.session.execute(query).scalar_one()  # another request made it just now
    if student.source != "api":
        raise ClassroomError(403, "forbidden", "This nickname joined in the browser; only that browser can "
                                               "answer for it. Pick another nickname.")
    if not isinstance(token, str) or not hmac.compare_digest(
            student.token.encode(), token.encode("utf-8", "surrogatepass")):
        raise ClassroomError(403, "invalid_student_token", "This nickname is taken: send the student_token its "
                                                           "first submission answered.")
    return ApiStudent(student, None)


def student_by_token(exercise: Exercise, token: str | None) -> Student | None:
    """The session's student in this exercise."""
    if not token:
        return None
    student = db.session.execute(select(Student).where(Student.token == token)).scalar_one_or_none()
    return student if student is not None and student.exercise_id == exercise.id else None


def submit(exercise: Exercise, student: Student, case: Case, attempt: Attempt, kb: KnowledgeBase) -> Feedback:
    """Score the attempt and store it, replacing the student's earlier answer to this case."""
    if not exercise.is_open():
        raise ClassroomError(
            409, "exercise_closed", "This exercise is closed: answers are no longer accepted."
        )
    if case.id not in exercise_case_ids(exercise):
        raise ClassroomError(404, "unknown_case", f"Case {case.id!r} is not part of this exercise.")
    feedback = score_attempt(case, attempt, kb)
    values = {
        "findings": list(attempt.findings),
        "lean": attempt.lean,
        "mechanisms": list(attempt.mechanisms),
        "confidence": attempt.confidence,
        "score": feedback.score,
        "submitted_at": utcnow(),
    }
    stmt = _insert(Submission).values(
        exercise_id=exercise.id, student_id=student.id, case_id=case.id, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["student_id", "case_id"], set_={k: stmt.excluded[k] for k in values}
    )
    db.session.execute(stmt)
    db.session.commit()
    return feedback


@dataclass(frozen=True, slots=True)
class Answer:
    """One stored answer, as the pages and the CSV read it (plain data, not the database row)."""

    case_id: str
    lean: str
    confidence: int
    score: float
    findings: tuple[str, ...]
    mechanisms: tuple[str, ...]
    submitted_at: datetime

    @classmethod
    def of(cls, sub: Submission) -> Answer:
        return cls(sub.case_id, sub.lean, sub.confidence, sub.score, tuple(sub.findings),
                   tuple(sub.mechanisms), sub.submitted_at)


def stored_feedback(case: Case, answer: Answer, kb: KnowledgeBase) -> Feedback:
    """The feedback of a stored answer (scored again: the same function, the same answer)."""
    attempt = Attempt(answer.findings, answer.lean, answer.mechanisms, answer.confidence)
    return score_attempt(case, attempt, kb)


def student_submissions(student: Student) -> dict[str, Answer]:
    """The student's own answers by case id."""
    rows = db.session.execute(select(Submission).where(Submission.student_id == student.id)).scalars()
    return {r.case_id: Answer.of(r) for r in rows}


def all_submissions(exercise: Exercise) -> list[tuple[Answer, str]]:
    """Every submission with its student's nickname, oldest first (the CSV export)."""
    return [
        (Answer.of(sub), nickname)
        for sub, nickname in db.session.execute(
            select(Submission, Student.nickname)
            .join(Student, Student.id == Submission.student_id)
            .where(Submission.exercise_id == exercise.id)
            .order_by(Submission.submitted_at, Submission.id)
        ).all()
    ]


@dataclass(frozen=True, slots=True)
class Activity:
    """What changes the dashboard: answers (how many, the latest) and students who joined."""

    submissions: int
    latest: datetime | None
    students: int


def activity(exercise: Exercise) -> Activity:
    """The exercise's answers and students, counted (two small queries, no rows read)."""
    count, latest = db.session.execute(
        select(func.count(Submission.id), func.max(Submission.submitted_at)).where(
            Submission.exercise_id == exercise.id
        )
    ).one()
    students = db.session.execute(
        select(func.count(Student.id)).where(Student.exercise_id == exercise.id)
    ).scalar_one()
    return Activity(count, latest, students)


@dataclass(frozen=True, slots=True)
class StudentRow:
    """One student of an exercise and how many cases they answered."""

    id: int
    nickname: str
    answered: int


def student_rows(exercise: Exercise) -> list[StudentRow]:
    """The exercise's students by nickname, each with their number of answers."""
    rows = db.session.execute(
        select(Student.id, Student.nickname, func.count(Submission.id))
        .outerjoin(Submission, Submission.student_id == Student.id)
        .where(Student.exercise_id == exercise.id)
        .group_by(Student.id, Student.nickname)
        .order_by(Student.nickname)
    ).all()
    return [StudentRow(i, n, k) for i, n, k in rows]


def exercise_student(exercise: Exercise, student_id: int) -> Student:
    """Student `student_id` of this exercise; 404 for a student of no or another exercise."""
    student = db.session.get(Student, student_id)
    if student is None or student.exercise_id != exercise.id:
        raise ClassroomError(404, "not_found", "No student with this number in this exercise.")
    return student


def results(exercise: Exercise, kb: KnowledgeBase) -> tuple[ExerciseStats, list[Case]]:
    """The class's statistics, computed from the stored rows, and the cases they are about."""
    cases = exercise_cases(exercise, kb)
    rows = [
        Row(s, c, tuple(f), lean, conf, score)
        for s, c, f, lean, conf, score in db.session.execute(
            select(
                Submission.student_id,
                Submission.case_id,
                Submission.findings,
                Submission.lean,
                Submission.confidence,
                Submission.score,
            ).where(Submission.exercise_id == exercise.id)
        )
    ]
    keys = {c.id: Key(frozenset(c.key.present), c.key.lean) for c in cases}
    return exercise_stats(keys, rows, list(kb.findings)), cases
