"""Grades back to the LMS (LTI Assignment and Grade Services 2.0, the score service).

The rule: a student's grade for the activity is the mean of their case scores over every case of
the exercise (an unanswered case counts 0), out of 100. It is recorded when they answer (and again
on every later answer) in the student's row (LtiLearner: an outbox), and posted after the answer's
page has been sent, so the student never waits on the LMS. A post that fails stays pending with its
error, shown on the educator's dashboard, and is sent again on the next answer, when the educator
opens the dashboard, or by `flask lti-send-scores` (a cron job).

Each post is `application/vnd.ims.lis.v1.score+json` with a timestamp newer than the last one
sent (Moodle refuses one that is not), `activityProgress` Completed and `gradingProgress`
FullyGraded once every case is answered (Moodle keeps only those), InProgress/Pending before.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from typing import cast

from flask import Flask
from flask import Response
from flask import after_this_request
from flask import current_app
from flask import has_request_context
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.contrib.flask import FlaskServiceConnector
from pylti1p3.grade import Grade
from sqlalchemy import select

from ..classroom import service
from ..extensions import db
from ..models import Exercise
from ..models import LtiLearner
from ..models import LtiLink
from ..models import Student
from ..models import utcnow
from .tool import NotConfigured
from .tool import tool_config

log = logging.getLogger(__name__)

SCORE_MAXIMUM = 100
ERROR_MAX = 200
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
TIMEOUT_SECONDS = 10  # per request to the platform
SEND_AT_ONCE = 20  # grades posted after one response at most (the rest wait for the next chance)


def grade_of(exercise: Exercise, student: Student) -> tuple[float, bool]:
    """The student's grade (0..100, the mean case score over the exercise's cases) and whether
    every case is answered."""
    ids = service.exercise_case_ids(exercise)
    mine = service.student_submissions(student)
    if not ids:
        return 0.0, False
    mean = sum(mine[c].score for c in ids if c in mine) / len(ids)
    return round(SCORE_MAXIMUM * mean, 2), all(c in mine for c in ids)


def record(exercise: Exercise, student: Student) -> None:
    """A student answered: when they came from an LMS whose activity takes grades, their new grade
    is pending, and is posted once the answer's page has gone (never blocking the student). Only a
    student an LMS launched can have a grade to post: the others cost no query."""
    if student.source != "lti":
        return
    learner = db.session.execute(select(LtiLearner).where(LtiLearner.student_id == student.id)).scalar_one_or_none()
    if learner is None:
        return
    link = db.session.get(LtiLink, learner.link_id)
    if link is None or not _can_post(link):
        return
    score, complete = grade_of(exercise, student)
    now = utcnow()
    if learner.score_at is not None and now <= learner.score_at:
        now = learner.score_at + timedelta(milliseconds=1)  # strictly newer than the last one
    learner.score = score
    learner.activity_progress = "Completed" if complete else "InProgress"
    learner.grading_progress = "FullyGraded" if complete else "Pending"
    learner.score_at = now
    learner.pending = True
    db.session.commit()
    if has_request_context():
        send_after_response(current_app._get_current_object(), [learner.id])  # type: ignore[attr-defined]


def send_after_response(app: Flask, learner_ids: list[int]) -> None:
    """Post these pending grades once the response has been sent (Werkzeug's call_on_close)."""
    learner_ids = learner_ids[:SEND_AT_ONCE]
    if not learner_ids:
        return

    @after_this_request
    def _later(response: Response) -> Response:
        def _send() -> None:
            with app.app_context():
                try:
                    send_pending(learner_ids)
                finally:
                    db.session.remove()

        response.call_on_close(_send)
        return response


def _can_post(link: LtiLink) -> bool:
    return bool(link.ags and link.ags.get("lineitem") and SCORE_SCOPE in (link.ags.get("scope") or []))


def pending_ids(exercise: Exercise | None = None) -> list[int]:
    query = select(LtiLearner.id).where(LtiLearner.pending.is_(True))
    if exercise is not None:
        query = query.join(LtiLink, LtiLink.id == LtiLearner.link_id).where(LtiLink.exercise_id == exercise.id)
    return list(db.session.execute(query).scalars())


def send_pending(learner_ids: list[int] | None = None) -> tuple[int, int]:
    """Post the pending grades (these learners', or all); (sent, failed)."""
    try:
        config = tool_config()
    except NotConfigured:
        return 0, 0
    sent = failed = 0
    for learner_id in learner_ids if learner_ids is not None else pending_ids():
        learner = db.session.get(LtiLearner, learner_id)
        if learner is None or not learner.pending:
            continue
        link = db.session.get(LtiLink, learner.link_id)
        if link is None or not _can_post(link):
            continue
        try:
            _post(config, link, learner)
        except Exception as err:  # noqa: BLE001  (any failure is kept for the retry, never raised)
            learner.attempts += 1
            learner.last_error = f"{type(err).__name__}: {err}"[:ERROR_MAX]
            failed += 1
            log.warning("LTI grade post failed (learner %s): %s", learner.id, type(err).__name__)
        else:
            learner.pending = False
            learner.attempts += 1
            learner.last_error = None
            learner.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent, failed


def _post(config: object, link: LtiLink, learner: LtiLearner) -> None:
    registration = config.find_registration_by_params(link.issuer, link.client_id)  # type: ignore[attr-defined]
    connector = FlaskServiceConnector(registration)
    connector._requests_session.request = _with_timeout(connector._requests_session.request)  # type: ignore[method-assign]
    ags = AssignmentsGradesService(connector, cast(Any, link.ags or {}))
    assert learner.score_at is not None
    grade = (
        Grade()
        .set_score_given(learner.score or 0.0)
        .set_score_maximum(SCORE_MAXIMUM)
        .set_timestamp(learner.score_at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+00:00")
        .set_activity_progress(learner.activity_progress or "InProgress")
        .set_grading_progress(learner.grading_progress or "Pending")
        .set_user_id(learner.subject)
    )
    ags.put_grade(grade)


def _with_timeout(request: Any) -> Any:
    def call(method: str, url: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return request(method, url, **kwargs)

    return call


def failures(exercise: Exercise) -> dict[str, object]:
    """What the educator's dashboard says about grades not yet taken by the LMS."""
    rows = db.session.execute(
        select(LtiLearner.last_error)
        .join(LtiLink, LtiLink.id == LtiLearner.link_id)
        .where(LtiLink.exercise_id == exercise.id, LtiLearner.pending.is_(True), LtiLearner.attempts > 0)
    ).all()
    return {"count": len(rows), "last_error": rows[-1][0] if rows else None}


def is_lti_exercise(exercise: Exercise) -> bool:
    return db.session.execute(select(LtiLink.id).where(LtiLink.exercise_id == exercise.id).limit(1)).first() is not None


def answer_hook(exercise: Exercise, student: Student) -> None:
    """service.ANSWER_HOOKS: record the grade; a failure here is logged, never the student's problem."""
    try:
        record(exercise, student)
    except Exception as err:  # noqa: BLE001
        db.session.rollback()
        log.error("LTI grade not recorded: %s", type(err).__name__)


def dashboard_note(exercise: Exercise) -> str | None:
    """service.DASHBOARD_NOTES: grades the LMS has not taken yet (sent again after this page)."""
    if not is_lti_exercise(exercise):
        return None
    waiting = pending_ids(exercise)
    if has_request_context():
        send_after_response(current_app._get_current_object(), waiting)  # type: ignore[attr-defined]
    found = failures(exercise)
    if not found["count"]:
        return None
    return (
        f"{found['count']} grade(s) not yet taken by the LMS; they are sent again (last error: {found['last_error']})."
    )


def install() -> None:
    """Plug grades into the classroom (once per process)."""
    if answer_hook not in service.ANSWER_HOOKS:
        service.ANSWER_HOOKS.append(answer_hook)
    if dashboard_note not in service.DASHBOARD_NOTES:
        service.DASHBOARD_NOTES.append(dashboard_note)
