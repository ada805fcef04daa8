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
from flask_babel import gettext
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.contrib.flask import FlaskServiceConnector
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
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
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_TAG = "miop-exercise"
LINEITEMS_READ_MAX = 1000  # line items looked through for the activity's own before making one
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
    """The platform takes scores for this activity: at its line item, or at one the tool makes."""
    if not link.ags or SCORE_SCOPE not in (link.ags.get("scope") or []):
        return False
    return bool(link.ags.get("lineitem") or _needs_lineitem(link))


def _needs_lineitem(link: LtiLink) -> bool:
    """The activity has no line item (a link added without deep linking, or whose deep link made
    none) but the platform lets the tool make one (the line items' URL and the lineitem scope)."""
    ags = link.ags or {}
    return bool(not ags.get("lineitem") and ags.get("lineitems") and LINEITEM_SCOPE in (ags.get("scope") or []))


def ensure_lineitem(link: LtiLink, exercise: Exercise, quiet: bool = True) -> None:
    """Give the activity a line item of its own, once (AGS 2.0 line item service): found among the
    platform's line items by its resource link and tag, else made (score maximum, label, resource
    link id, tag); its URL is kept with the link, and scores go there. A failure is logged and
    tried again with the next grade (`quiet`), or raised (the grade stays pending)."""
    if not _needs_lineitem(link):
        return
    try:
        url = _find_or_create_lineitem(link, exercise)
    except Exception as err:
        if not quiet:
            raise
        db.session.rollback()
        log.warning("LTI line item not made (link %s): %s", link.id, type(err).__name__)
        return
    link.ags = {**(link.ags or {}), "lineitem": url, "created": True}
    db.session.commit()


def _find_or_create_lineitem(link: LtiLink, exercise: Exercise) -> str:
    ags = AssignmentsGradesService(service_connector(tool_config(), link), cast(Any, link.ags or {}))
    wanted = (
        LineItem()
        .set_score_maximum(SCORE_MAXIMUM)
        .set_label(exercise.title)
        .set_resource_link_id(link.resource_link_id)
        .set_tag(LINEITEM_TAG)
    )
    seen = 0

    def ours(item: Any) -> bool:
        nonlocal seen
        seen += 1
        if seen > LINEITEMS_READ_MAX:
            raise LookupError("too many line items to look through")
        return bool(item.get("resourceLinkId") == link.resource_link_id and item.get("tag") == LINEITEM_TAG)

    url = ags.find_or_create_lineitem(wanted, condition=ours).get_id()
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or len(url) > ERROR_MAX * 5:
        raise ValueError("the platform's line item has no usable id")
    return url


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


def service_connector(config: object, link: LtiLink, timeout: float = TIMEOUT_SECONDS) -> FlaskServiceConnector:
    """The library's service connector for the link's platform (its access tokens cached per
    process), every request to the platform bounded by `timeout` seconds."""
    registration = config.find_registration_by_params(link.issuer, link.client_id)  # type: ignore[attr-defined]
    if registration is None:
        raise LookupError("the platform is no longer registered")
    connector = FlaskServiceConnector(registration)
    session_request = connector._requests_session.request
    connector._requests_session.request = _with_timeout(session_request, timeout)  # type: ignore[method-assign]
    return connector


def _post(config: object, link: LtiLink, learner: LtiLearner) -> None:
    if _needs_lineitem(link):
        ensure_lineitem(link, db.session.get_one(Exercise, link.exercise_id), quiet=False)
    ags = AssignmentsGradesService(service_connector(config, link), cast(Any, link.ags or {}))
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


def _with_timeout(request: Any, timeout: float = TIMEOUT_SECONDS) -> Any:
    def call(method: str, url: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", timeout)
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
    return gettext(
        "%(count)s grade(s) not yet taken by the LMS; they are sent again (last error: %(error)s).",
        count=found["count"],
        error=found["last_error"],
    )


def install() -> None:
    """Plug grades into the classroom (once per process)."""
    if answer_hook not in service.ANSWER_HOOKS:
        service.ANSWER_HOOKS.append(answer_hook)
    if dashboard_note not in service.DASHBOARD_NOTES:
        service.DASHBOARD_NOTES.append(dashboard_note)
