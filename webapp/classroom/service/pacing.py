"""The pace of an exercise: who moves the class on, when answers count, and the state every page
and poll reads (docs/decisions/0023-the-educator-paces-the-class.md).

Self pace (homework): every case at once, in any order; a time limit, if any, runs for the whole
exercise from when it opened (its creation, or a reopening). Educator pace (a lecture): a lobby
until the educator starts it; then one case at a time, stage by stage, each with its own limit
from when it opened. One function per control (start, advance, reveal, remove a student, re-admit
a nickname) and one that computes the state (`class_state`), so the dashboard, the projector, the
API and the students' pages move the class the same way.

An answer is on time while its case is open; sent within GRACE_SECONDS after the case closed
(its limit ran out, the educator revealed it or moved on, or closed the exercise) it is kept and
marked late; after that it is refused and changes nothing.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime
from datetime import timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from rules import KnowledgeBase

from ...extensions import db
from ...models import Exercise
from ...models import ExerciseCase
from ...models import Student
from ...models import Submission
from ...models import utcnow
from .authored import resolve_case
from .common import ClassroomError

PACES = ("educator", "self")
# Seconds after a case closes during which an answer is still kept (and marked late): the student
# who pressed "Commit" as the educator moved on, or whose phone was a moment offline, loses nothing.
GRACE_SECONDS = 30
# Minutes during which the next person who joins with a re-admitted nickname takes it over.
READMIT_MINUTES = 10


def current_case(exercise: Exercise) -> ExerciseCase | None:
    """The case the educator has open (educator pace, once started), or None."""
    if exercise.pace != "educator" or exercise.current_position is None:
        return None
    return next((c for c in exercise.cases if c.position == exercise.current_position), None)


def state(exercise: Exercise, now: datetime | None = None) -> str:
    """ "lobby" (educator pace, not started), "running" or "closed" (closed by the educator, ended
    after the last case, or, in self pace, past the time limit)."""
    now = now or utcnow()
    if exercise.closed_at is not None:
        return "closed"
    if exercise.pace == "self":
        return "running" if exercise.is_open(now) else "closed"
    return "lobby" if exercise.current_position is None else "running"


def _limit_end(exercise: Exercise, row: ExerciseCase | None) -> datetime | None:
    """When the time limit ends: the case's (educator pace) or the exercise's (self pace)."""
    if exercise.pace == "self":
        return exercise.deadline
    if row is None or row.opened_at is None or exercise.minutes_per_case is None:
        return None
    return row.opened_at + timedelta(minutes=exercise.minutes_per_case)


def limit_end(exercise: Exercise) -> datetime | None:
    """When the time limit of the open case (educator pace) or of the exercise (self pace) ends."""
    return _limit_end(exercise, current_case(exercise))


def closes_at(exercise: Exercise, row: ExerciseCase) -> datetime | None:
    """When answers to this case stop being on time (None: nothing has closed it yet)."""
    ends = [exercise.closed_at, _limit_end(exercise, row)]
    if exercise.pace == "educator":
        ends += [row.closed_at, row.revealed_at]
    return min((t for t in ends if t is not None), default=None)


def answer_window(exercise: Exercise, row: ExerciseCase, now: datetime | None = None) -> str:
    """Whether an answer to this case sent `now` is "open" (on time), "late" (within GRACE_SECONDS
    after the case closed: kept, marked) or "closed" (refused; also a case the educator has not opened)."""
    now = now or utcnow()
    if exercise.pace == "educator" and row.opened_at is None:
        return "closed"
    end = closes_at(exercise, row)
    if end is None or now < end:
        return "open"
    return "late" if now < end + timedelta(seconds=GRACE_SECONDS) else "closed"


def _stages(exercise: Exercise, row: ExerciseCase, kb: KnowledgeBase) -> int:
    case = resolve_case(row.case_id, exercise.educator_id, kb)
    return len(case.unfolding) if case is not None else 1


def _open(exercise: Exercise, row: ExerciseCase, kb: KnowledgeBase, now: datetime) -> None:
    """Open a case: its first stage (None for a case without stages), its limit from now."""
    row.opened_at, row.closed_at = now, None
    exercise.current_position = row.position
    exercise.current_stage = 1 if _stages(exercise, row, kb) > 1 else None


def _paced(exercise: Exercise) -> None:
    if exercise.pace != "educator":
        raise ClassroomError(
            409, "not_paced", gettext("This exercise runs at each student's own pace: there is nothing to start.")
        )


def start(exercise: Exercise, kb: KnowledgeBase, now: datetime | None = None) -> None:
    """Open the first case (educator pace, from the lobby); 409 otherwise."""
    _paced(exercise)
    if state(exercise, now) != "lobby":
        raise ClassroomError(409, "already_started", gettext("This exercise has already started."))
    _open(exercise, exercise.cases[0], kb, now or utcnow())
    db.session.commit()


def advance(exercise: Exercise, kb: KnowledgeBase, now: datetime | None = None) -> None:
    """The next stage of the open case; else (no stage left, or the case revealed) the next case;
    after the last case, the end of the exercise (closed, the last case still shown). 409 in the
    lobby, when closed, or in self pace."""
    _paced(exercise)
    now = now or utcnow()
    current = state(exercise, now)
    if current != "running":
        raise ClassroomError(
            409,
            "not_started" if current == "lobby" else "exercise_closed",
            gettext("Start the exercise first.") if current == "lobby" else gettext("This exercise is closed."),
        )
    row = current_case(exercise)
    assert row is not None  # running in educator pace: a case is open
    stage = exercise.current_stage
    if stage is not None and stage < _stages(exercise, row, kb) and row.revealed_at is None:
        exercise.current_stage = stage + 1
    else:
        row.closed_at = row.closed_at or now
        following = next((c for c in exercise.cases if c.position == row.position + 1), None)
        if following is None:
            exercise.closed_at = now
        else:
            _open(exercise, following, kb, now)
    db.session.commit()


def reveal(exercise: Exercise, case_id: str | None = None, now: datetime | None = None) -> None:
    """Reveal the answer of one case (by id) or, with none, of the whole exercise (self pace) or of
    the open case (educator pace). 404 for a case not in it; in educator pace, 409 for a case the
    educator has not opened yet."""
    now = now or utcnow()
    if case_id is None and exercise.pace == "self":
        exercise.revealed_at = exercise.revealed_at or now
        db.session.commit()
        return
    if case_id is None:
        row = current_case(exercise)
        if row is None:
            raise ClassroomError(409, "not_started", gettext("Start the exercise first: no case is open."))
    else:
        found = next((c for c in exercise.cases if c.case_id == case_id), None)
        if found is None:
            raise ClassroomError(
                404, "unknown_case", gettext("Case %(id)s is not part of this exercise.", id=repr(case_id))
            )
        if exercise.pace == "educator" and found.opened_at is None:
            raise ClassroomError(409, "case_not_open", gettext("This case has not been opened yet."))
        row = found
    row.revealed_at = row.revealed_at or now
    db.session.commit()


def remove_student(exercise: Exercise, student_id: int) -> None:
    """Remove a student and their answers (the nickname is free again); 404 for another exercise's."""
    student = db.session.get(Student, student_id)
    if student is None or student.exercise_id != exercise.id:
        raise ClassroomError(404, "not_found", gettext("No student with this number in this exercise."))
    db.session.execute(delete(Submission).where(Submission.student_id == student.id))
    db.session.delete(student)
    db.session.commit()


def readmit(exercise: Exercise, nickname: str, now: datetime | None = None) -> Student:
    """Let the next person who joins with this nickname (within READMIT_MINUTES) take it over, with
    its answers: a student who lost both their browser and their rejoin code. 404 for a nickname
    nobody uses."""
    student = db.session.execute(
        select(Student).where(Student.exercise_id == exercise.id, Student.nickname_key == nickname.strip().casefold())
    ).scalar_one_or_none()
    if student is None:
        raise ClassroomError(404, "not_found", gettext("Nobody in this exercise uses that nickname."))
    student.readmit_until = (now or utcnow()) + timedelta(minutes=READMIT_MINUTES)
    db.session.commit()
    return student


def _counts(exercise: Exercise, row: ExerciseCase | None) -> tuple[int, int]:
    """Students joined, and those who answered the open case (self pace: who answered any case), in
    one query."""
    joined = select(func.count(Student.id)).where(Student.exercise_id == exercise.id).scalar_subquery()
    answers = select(func.count(func.distinct(Submission.student_id))).where(Submission.exercise_id == exercise.id)
    if exercise.pace == "educator":
        if row is None:
            return db.session.execute(select(joined)).scalar_one(), 0
        answers = answers.where(Submission.case_id == row.case_id)
    counted = db.session.execute(select(joined, answers.scalar_subquery())).one()
    return counted[0], counted[1]


def class_state(exercise: Exercise, now: datetime | None = None) -> dict[str, Any]:
    """What GET /api/v1/exercises/<code>/state answers and every page of the class follows: the
    state, the open case (1-based position) and stage (1-based; None for a case without stages),
    whether its answer is revealed, the seconds left of its limit (None without one; 0 once it has
    closed), the students joined and those who answered the open case. Never the key."""
    now = now or utcnow()
    current = state(exercise, now)
    row = current_case(exercise)
    joined, answered = _counts(exercise, row)
    if exercise.pace == "educator":
        case = None if row is None else row.position + 1
        stage = None if row is None else exercise.current_stage
        revealed = row is not None and row.revealed
    else:
        case = stage = None
        revealed = exercise.revealed_at is not None or all(c.revealed for c in exercise.cases)
    end = _limit_end(exercise, row)
    seconds_left = None
    if end is not None and current != "lobby":
        closed = row is not None and (closes_at(exercise, row) or end) < end
        seconds_left = 0 if closed or current == "closed" else max(0, math.ceil((end - now).total_seconds()))
    return {
        "state": current,
        "case": case,
        "stage": stage,
        "revealed": revealed,
        "seconds_left": seconds_left,
        "joined": joined,
        "answered": answered,
    }


def state_tag(exercise: Exercise, body: dict[str, Any]) -> str:
    """A weak ETag of a state: every field but the seconds left, which a page counts down itself
    (the end of the limit is in the tag instead, so a reopened case is a change)."""
    end = limit_end(exercise)
    parts = [str(body[k]) for k in ("state", "case", "stage", "revealed", "joined", "answered")]
    return hashlib.sha256(" ".join([*parts, end.isoformat() if end else "none"]).encode()).hexdigest()[:32]
