"""Students and their answers: joining by nickname (browser) or by nickname and token (API), the
stored submissions, and what the educator's pages count and compute from them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING
from typing import Any

from flask_babel import gettext
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import make_transient_to_detached

from rules import Attempt
from rules import Case
from rules import Feedback
from rules import KnowledgeBase
from rules import mark_decisions
from rules import score_attempt

from ...extensions import Model
from ...extensions import db
from ...limits import NICKNAME_MAX
from ...models import Exercise
from ...models import RateEvent
from ...models import Student
from ...models import Submission
from ...models import utcnow
from ..stats import ExerciseStats
from ..stats import Key
from ..stats import Row
from ..stats import exercise_stats
from .common import ANSWER_HOOKS
from .common import ClassroomError
from .common import normalise_code
from .common import serialise
from .exercises import CODE_ALPHABET
from .exercises import exercise_cases
from .nicknames import nickname_problem
from .nicknames import normal_nickname
from .nicknames import sent_problem
from .pacing import GRACE_SECONDS
from .pacing import answer_window

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

DEFAULT_MAX_STUDENTS = 2000
PRUNE_JOINS_ONE_IN = 50  # how often a join also clears expired join events
REJOIN_LENGTH = 6  # a rejoin code: this many characters of the join codes' unambiguous alphabet


def _insert(model: type[Model]) -> PostgresInsert | SqliteInsert:
    # INSERT … ON CONFLICT exists in both dialects but is spelled through each dialect's insert().
    # Imported here: the PostgreSQL dialect module takes ~25 ms to import, which a SQLite
    # deployment never needs (and a PostgreSQL one has loaded by the time this runs).
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(model)


_ANSWER_FIELDS = (
    "findings",
    "lean",
    "mechanisms",
    "confidence",
    "score",
    "late",
    "differential",
    "next_step",
    "submitted_at",
)
_upserts: dict[str, Any] = {}


def _answer_upsert() -> Any:
    """INSERT … ON CONFLICT (student, case) DO UPDATE of one answer, built once per dialect (building
    it, its `excluded` columns above all, cost more than running it)."""
    dialect = db.session.get_bind().dialect.name
    stmt = _upserts.get(dialect)
    if stmt is None:
        ins = _insert(Submission)
        stmt = _upserts[dialect] = ins.on_conflict_do_update(
            index_elements=["student_id", "case_id"], set_={k: ins.excluded[k] for k in _ANSWER_FIELDS}
        )
    return stmt


def clean_nickname(raw: str) -> str:
    """A nickname as stored (service/nicknames.py); ClassroomError when empty, too long, an e-mail
    address, or hiding or disguising characters (invisible, direction controls, mixed alphabets)."""
    undrawn = sent_problem(raw)
    if undrawn is not None:
        raise ClassroomError(400, "invalid_nickname", gettext(undrawn))
    nickname = normal_nickname(raw)
    if nickname and (len(raw) > NICKNAME_MAX or len(nickname) > NICKNAME_MAX):  # as sent, as the form counts
        raise ClassroomError(
            400, "invalid_nickname", gettext("A nickname is at most %(max)s characters.", max=NICKNAME_MAX)
        )
    if "@" in nickname:
        raise ClassroomError(400, "invalid_nickname", gettext("Use a nickname, not an e-mail address."))
    problem = nickname_problem(nickname)
    if problem is not None:
        raise ClassroomError(400, "invalid_nickname", gettext(problem))
    return nickname


def new_rejoin_code() -> str:
    """A random rejoin code (the join codes' alphabet: read off a phone, typed right)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(REJOIN_LENGTH))


def rejoin_hash(exercise_id: int, nickname_key: str, code: str) -> str:
    """The stored form of a student's rejoin code (salted by exercise and nickname)."""
    return hashlib.sha256(f"{exercise_id}:{nickname_key}:{normalise_code(code)}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Joined:
    """A student who just joined (or took over a re-admitted nickname), and their rejoin code (shown once)."""

    student: Student
    rejoin_code: str


@dataclass(frozen=True, slots=True)
class JoinRules:
    """What bounds the students of an exercise: at most `max_students` (0: no cap), at most
    `per_exercise` new students in `window_seconds` (0: no limit), and at most `per_client` of
    them from one client (`client`: the keyed bucket of the joining address; "" for none)."""

    max_students: int = DEFAULT_MAX_STUDENTS
    client: str = ""
    per_client: int = 0
    per_exercise: int = 0
    window_seconds: int = 60


def _refused(status: int, code: str, message: str, retry_after: int | None = None) -> ClassroomError:
    db.session.rollback()  # nothing of the refused join is kept, and the lock is released
    return ClassroomError(status, code, message, retry_after=retry_after)


def _admit(exercise: Exercise, rules: JoinRules, now: datetime) -> str | None:
    """Raise when the exercise takes no new student now (full, or past a join rate); else the
    rate bucket the new student counts in (None: none). Call under the exercise's lock."""
    if rules.max_students and student_count(exercise) >= rules.max_students:
        raise _refused(
            409,
            "exercise_full",
            gettext(
                "This exercise is full: it takes at most %(max)s students. Ask your educator to open another one.",
                max=rules.max_students,
            ),
        )
    since = now - timedelta(seconds=rules.window_seconds)
    if rules.per_exercise:
        recent = db.session.execute(
            select(func.count(Student.id)).where(Student.exercise_id == exercise.id, Student.created_at > since)
        ).scalar_one()
        if recent >= rules.per_exercise:
            raise _refused(
                429,
                "too_many_requests",
                gettext("Many students are joining this exercise right now; try again in a minute."),
                rules.window_seconds,
            )
    if not (rules.client and rules.per_client):
        return None
    bucket = f"joins:{exercise.id}:{rules.client}"
    mine = db.session.execute(
        select(func.count(RateEvent.id)).where(RateEvent.bucket == bucket, RateEvent.at > since)
    ).scalar_one()
    if mine >= rules.per_client:
        raise _refused(
            429,
            "too_many_requests",
            gettext("Too many students joined from this network in the last minute; try again in a minute."),
            rules.window_seconds,
        )
    return bucket


def join(
    exercise: Exercise,
    nickname: str,
    commit: bool = True,
    source: str = "browser",
    rules: JoinRules | None = None,
    answering: bool = False,
) -> Joined | None:
    """A new student with this nickname and their rejoin code, or None when the nickname is taken
    in this exercise. Refused, with nothing written: 409 when the exercise is closed, its educator
    locked joining or it has `rules.max_students`, 429 past its join rates. The count and the new
    row are one step under the exercise's lock (`serialise`): concurrent joins never overshoot the
    cap or a rate."""
    rules = rules or JoinRules()
    nickname = clean_nickname(nickname)
    serialise(f"join:{exercise.id}")
    closed_at, locked = db.session.execute(
        select(Exercise.closed_at, Exercise.joining_locked).where(Exercise.id == exercise.id)
    ).one()
    now = utcnow()
    # An API student may join with its first answer (`answering`): one sent within the grace period
    # after the close is kept (service/pacing.py), so its student is made too. A join alone is
    # refused at once.
    grace = timedelta(seconds=GRACE_SECONDS if answering else 0)
    closes = min((t for t in (closed_at, exercise.deadline) if t is not None), default=None)
    if closes is not None and now >= closes + grace:
        if by_nickname(exercise, nickname) is not None:
            db.session.rollback()
            return None  # taken: the caller may still let its owner back in (rejoin code, re-admitted)
        raise _refused(409, "exercise_closed", gettext("This exercise is closed: it takes no new students."))
    if locked:
        if by_nickname(exercise, nickname) is not None:
            db.session.rollback()
            return None  # its owner still comes back (rejoin code, re-admitted)
        raise _refused(
            409, "joining_locked", gettext("Your educator has locked joining: this exercise takes no new students.")
        )
    bucket = _admit(exercise, rules, now)
    code = new_rejoin_code()
    row = {
        "exercise_id": exercise.id,
        "token": secrets.token_urlsafe(24),
        "nickname": nickname,
        "nickname_key": nickname.casefold(),
        "source": source,
        "rejoin_hash": rejoin_hash(exercise.id, nickname.casefold(), code),
        "readmit_until": None,
        "created_at": now,
    }
    stmt = (
        _insert(Student)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["exercise_id", "nickname_key"])
        .returning(Student.id)
    )
    new_id = db.session.execute(stmt).scalar_one_or_none()  # a count: polls may show it late (state_cache)
    if new_id is not None and commit and db.session.get_bind().dialect.name == "postgresql":
        # A join need not wait for the disk: the student's first answer, committed after it, makes
        # both durable (PostgreSQL writes its log in order); a join lost in a crash is joined again.
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    if new_id is not None and bucket is not None:
        db.session.execute(insert(RateEvent).values(bucket=bucket, at=now))
        if secrets.randbelow(PRUNE_JOINS_ONE_IN) == 0:  # expired join events only cost space
            since = now - timedelta(seconds=rules.window_seconds)
            db.session.execute(delete(RateEvent).where(RateEvent.bucket.startswith("joins:"), RateEvent.at <= since))
    if commit:
        db.session.commit()
    if new_id is None:
        return None
    # The row as written, in the session without reading it back.
    student = Student(id=new_id, **row)
    make_transient_to_detached(student)
    db.session.add(student)
    return Joined(student, code)


def by_nickname(exercise: Exercise, nickname: str) -> Student | None:
    """The student of this exercise with this nickname (any case), if any."""
    key = normal_nickname(nickname).casefold()
    return db.session.execute(
        select(Student).where(Student.exercise_id == exercise.id, Student.nickname_key == key)
    ).scalar_one_or_none()


def rejoin(exercise: Exercise, nickname: str, code: str) -> Student | None:
    """The student this nickname and rejoin code name, or None (a wrong code, an unknown nickname,
    or a student who joined before rejoin codes existed)."""
    student = by_nickname(exercise, nickname)
    if student is None or student.rejoin_hash is None:
        return None
    given = rejoin_hash(exercise.id, student.nickname_key, code)
    return student if hmac.compare_digest(student.rejoin_hash, given) else None


def take_over(student: Student, now: datetime | None = None, commit: bool = True) -> Joined | None:
    """A re-admitted nickname taken over by whoever joins with it now: a new token (the lost browser
    is out) and a new rejoin code; None unless the educator re-admitted it within READMIT_MINUTES."""
    if student.readmit_until is None or (now or utcnow()) >= student.readmit_until:
        return None
    code = new_rejoin_code()
    student.token = secrets.token_urlsafe(24)
    student.rejoin_hash = rejoin_hash(student.exercise_id, student.nickname_key, code)
    student.readmit_until = None
    if commit:
        db.session.commit()
    return Joined(student, code)


def student_count(exercise: Exercise) -> int:
    """How many students have joined the exercise (the lobby's count)."""
    return db.session.execute(select(func.count(Student.id)).where(Student.exercise_id == exercise.id)).scalar_one()


@dataclass(frozen=True, slots=True)
class ApiStudent:
    """The API's student and, on its first submission, the token every later one must carry and
    the rejoin code that brings it back."""

    student: Student
    new_token: str | None
    rejoin_code: str | None = None


def student_by_nickname(
    exercise: Exercise, nickname: str, token: object = None, rules: JoinRules | None = None, create: bool = True
) -> ApiStudent:
    """The API's student: (exercise, nickname) and, after the first submission, its student_token.
    Created on first use (committed with the caller's submission, so a submission costs one write
    transaction). 403 for a nickname someone joined with in the browser, or a missing or wrong token.
    A nickname the educator re-admitted is taken over: a new token and rejoin code."""
    nickname = clean_nickname(nickname)
    query = select(Student).where(Student.exercise_id == exercise.id, Student.nickname_key == nickname.casefold())
    student = db.session.execute(query).scalar_one_or_none()
    if student is None and not create:  # asked for what a student sent (feedback): nobody is made
        raise ClassroomError(404, "not_answered", gettext("This student has not answered this case."))
    if student is None:
        # On PostgreSQL the join commits by itself, so the exercise's lock is held for the join
        # only (answers go on in parallel); SQLite has one writer anyway, and one commit costs less.
        separate = db.session.get_bind().dialect.name == "postgresql"
        made = join(exercise, nickname, commit=separate, source="api", rules=rules, answering=True)
        if made is not None:
            return ApiStudent(made.student, made.student.token, made.rejoin_code)
        student = db.session.execute(query).scalar_one()  # another request made it just now
    taken = _api_take_over(student)
    if taken is not None:
        return ApiStudent(student, student.token, taken.rejoin_code)
    if student.source != "api":
        raise ClassroomError(
            403,
            "forbidden",
            gettext("This nickname joined in the browser; only that browser can answer for it. Pick another nickname."),
        )
    if not isinstance(token, str) or not hmac.compare_digest(
        student.token.encode(), token.encode("utf-8", "surrogatepass")
    ):
        raise ClassroomError(
            403,
            "invalid_student_token",
            gettext("This nickname is taken: send the student_token its first submission answered."),
        )
    return ApiStudent(student, None)


def _api_take_over(student: Student) -> Joined | None:
    """A re-admitted nickname taken over by an API client (take_over, committed with the caller)."""
    joined = take_over(student, commit=False)
    if joined is not None:
        student.source = "api"
    return joined


def api_join(exercise: Exercise, nickname: str, rules: JoinRules) -> ApiStudent:
    """A new API student with this nickname, in the lobby before any answer, by the join form's
    rules (the class size, the join lock, the join rates); a nickname the educator re-admitted is
    taken over. 409 `nickname_taken` for a nickname in use (its owner comes back with its rejoin code)."""
    joined = join(exercise, nickname, source="api", rules=rules)
    if joined is None:
        taken = by_nickname(exercise, nickname)
        joined = _api_take_over(taken) if taken is not None else None
        if joined is None:
            raise ClassroomError(
                409,
                "nickname_taken",
                gettext(
                    "Someone in this exercise already uses this nickname. Pick another one, or come back "
                    "with its rejoin code (POST /api/v1/exercises/{code}/rejoin)."
                ),
            )
        db.session.commit()
    return ApiStudent(joined.student, joined.student.token, joined.rejoin_code)


def student_by_token(exercise: Exercise, token: str | None) -> Student | None:
    """The session's student in this exercise."""
    if not token:
        return None
    student = db.session.execute(select(Student).where(Student.token == token)).scalar_one_or_none()
    return student if student is not None and student.exercise_id == exercise.id else None


@dataclass(frozen=True, slots=True)
class Submitted:
    """A stored answer's feedback, and whether it came late (within the grace period)."""

    feedback: Feedback
    late: bool


def check_decisions(exercise: Exercise, attempt: Attempt) -> None:
    """409 for an answer with a differential or a next step to an exercise that does not ask them (the
    answer is well formed: it is the exercise that does not take them)."""
    if not exercise.asks_decisions and (attempt.differential or attempt.next_step):
        raise ClassroomError(
            409,
            "decisions_not_asked",
            gettext(
                "This exercise does not ask for a differential or a next step: "
                "send findings, lean, mechanisms and confidence."
            ),
        )


def check_answerable(exercise: Exercise, case: Case, now: datetime | None = None) -> str:
    """The case's answer window now ("open" or "late"); 404 for a case not in the exercise, 409
    when it takes no answer (service/pacing.py: within the grace period it is kept and marked late)."""
    row = next((c for c in exercise.cases if c.case_id == case.id), None)
    if row is None:
        raise ClassroomError(
            404, "unknown_case", gettext("Case %(id)s is not part of this exercise.", id=repr(case.id))
        )
    window = answer_window(exercise, row, now or utcnow())
    if window == "closed" and exercise.pace == "self":
        raise ClassroomError(
            409, "exercise_closed", gettext("This exercise is closed: answers are no longer accepted.")
        )
    if window == "closed":
        raise ClassroomError(
            409,
            "case_not_open",
            gettext("This case is not open: your answer was not counted. Answer the case your educator has open."),
        )
    return window


def submit(
    exercise: Exercise,
    student: Student,
    case: Case,
    attempt: Attempt,
    kb: KnowledgeBase,
    now: datetime | None = None,
    scored: Feedback | None = None,
) -> Submitted:
    """Score the attempt (unless `scored` is its feedback already) and store it, replacing the
    student's earlier answer to this case. 409 when the case is not open (service/pacing.py: within
    the grace period it is kept and marked late)."""
    now = now or utcnow()
    window = check_answerable(exercise, case, now)
    check_decisions(exercise, attempt)
    feedback = scored or score_attempt(case, attempt, kb)
    values = {
        "findings": list(attempt.findings),
        "lean": attempt.lean,
        "mechanisms": list(attempt.mechanisms),
        "confidence": attempt.confidence,
        "score": feedback.score,
        "late": window == "late",
        "differential": list(attempt.differential) if exercise.asks_decisions else None,
        "next_step": attempt.next_step,
        "submitted_at": now,
    }
    # A Core statement on the session's connection (its transaction): an answer changes the class's
    # counts only, which its state polls may show a quarter of a second late (service/state_cache.py).
    row = {"exercise_id": exercise.id, "student_id": student.id, "case_id": case.id, **values}
    db.session.connection().execute(_answer_upsert(), row)
    db.session.commit()
    for hook in ANSWER_HOOKS:
        hook(exercise, student)
    return Submitted(feedback, window == "late")


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
    late: bool = False
    differential: tuple[str, ...] = ()  # the decisions, when the exercise asks them
    next_step: str | None = None

    @classmethod
    def of(cls, sub: Submission) -> Answer:
        return cls(
            sub.case_id,
            sub.lean,
            sub.confidence,
            sub.score,
            tuple(sub.findings),
            tuple(sub.mechanisms),
            sub.submitted_at,
            sub.late,
            tuple(sub.differential or ()),
            sub.next_step,
        )


def stored_feedback(case: Case, answer: Answer, kb: KnowledgeBase) -> Feedback:
    """The feedback of a stored answer (scored again: the same function, the same answer)."""
    attempt = Attempt(
        answer.findings,
        answer.lean,
        answer.mechanisms,
        answer.confidence,
        differential=answer.differential,
        next_step=answer.next_step,
    )
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
    students = db.session.execute(select(func.count(Student.id)).where(Student.exercise_id == exercise.id)).scalar_one()
    return Activity(count, latest, students)


@dataclass(frozen=True, slots=True)
class StudentRow:
    """One student of an exercise, how many cases they answered, and whether their nickname is
    re-admitted now (the next person to join with it takes it over)."""

    id: int
    nickname: str
    answered: int
    readmitted: bool = False


def student_rows(exercise: Exercise, now: datetime | None = None) -> list[StudentRow]:
    """The exercise's students by nickname, each with their number of answers."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Student.id, Student.nickname, Student.readmit_until, func.count(Submission.id))
        .outerjoin(Submission, Submission.student_id == Student.id)
        .where(Student.exercise_id == exercise.id)
        .group_by(Student.id, Student.nickname, Student.readmit_until)
        .order_by(Student.nickname)
    ).all()
    return [StudentRow(i, n, k, r is not None and now < r) for i, n, r, k in rows]


def exercise_student(exercise: Exercise, student_id: int) -> Student:
    """Student `student_id` of this exercise; 404 for a student of no or another exercise."""
    student = db.session.get(Student, student_id)
    if student is None or student.exercise_id != exercise.id:
        raise ClassroomError(404, "not_found", gettext("No student with this number in this exercise."))
    return student


def results(exercise: Exercise, kb: KnowledgeBase) -> tuple[ExerciseStats, list[Case]]:
    """The class's statistics, computed from the stored rows, and the cases they are about."""
    cases = exercise_cases(exercise, kb)
    rows = [
        Row(s, c, tuple(f), lean, conf, score, tuple(d or ()), step)
        for s, c, f, lean, conf, score, d, step in db.session.execute(
            select(
                Submission.student_id,
                Submission.case_id,
                Submission.findings,
                Submission.lean,
                Submission.confidence,
                Submission.score,
                Submission.differential,
                Submission.next_step,
            ).where(Submission.exercise_id == exercise.id)
        )
    ]
    keys = {c.id: _key(c, kb, exercise.asks_decisions) for c in cases}
    return exercise_stats(keys, rows, list(kb.findings), exercise.asks_decisions), cases


def _key(case: Case, kb: KnowledgeBase, decisions: bool) -> Key:
    if not decisions:
        return Key(frozenset(case.key.present), case.key.lean)
    marks = mark_decisions(case, (), None, kb)
    return Key(frozenset(case.key.present), case.key.lean, marks.key_entries, frozenset(marks.keyed_next_steps))
