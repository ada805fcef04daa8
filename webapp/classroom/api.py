"""The classroom API under /api/v1: create exercises, submit answers, read the class's results.

Educators authenticate with `Authorization: Bearer <educator_key>`; API students are identified
by (exercise, nickname) and, after their first submission, the `student_token` it answered. No
cookie is read, so CSRF tokens do not apply.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import g
from flask import make_response
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from rules import Case
from rules import parse_attempt
from rules import score_attempt
from rules import whole_number

from ..api.common import ApiError
from ..api.common import json_body
from ..api.common import ok
from ..api.schemas import INVISIBLE
from ..api.schemas import VISIBLE
from ..api.schemas import error_responses
from ..api.schemas import json_response
from ..api.schemas import ref
from ..extensions import csrf
from ..infra.knowledge import kb
from ..infra.ratelimit import rate_limited
from ..limits import CLASS_SIZE_MAX
from ..limits import CLASS_SIZE_MIN
from ..limits import EXERCISE_CASES_MAX
from ..limits import JOIN_CODE_MAX
from ..limits import KEY_MAX
from ..limits import NICKNAME_MAX
from ..limits import TIME_LIMIT_MAX
from ..limits import TIME_LIMIT_MIN
from ..limits import TITLE_MAX
from ..models import Exercise
from ..practice.api import ATTEMPT_SCHEMA
from ..practice.api import FEEDBACK_SCHEMA
from ..practice.presenters import present_feedback
from . import identity
from . import service
from .presenters import ClassResults
from .service import state_cache

bp = Blueprint("classroom_api", __name__)
csrf.exempt(bp)


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", gettext("The body must be a JSON object."))
    return body


@bp.post("/exercises")
@rate_limited("exercises")
def create() -> ResponseReturnValue:
    """Create an exercise; a new educator key unless a Bearer key names an existing educator."""
    body = _object(json_body())
    title, case_ids, limit = body.get("title"), body.get("case_ids"), body.get("time_limit_minutes")
    feedback, pace = body.get("feedback", "immediate"), body.get("pace", "self")
    if feedback not in service.FEEDBACK_MODES:
        raise ApiError(400, "invalid_feedback", gettext('feedback is "immediate" (the default) or "after_reveal".'))
    if pace not in service.PACES:
        raise ApiError(400, "invalid_pace", gettext('pace is "self" (the default) or "educator".'))
    if not isinstance(title, str):
        raise ApiError(
            400, "invalid_title", gettext("title is required: a string of 1 to %(max)s characters.", max=TITLE_MAX)
        )
    if (
        not isinstance(case_ids, list)
        or not 1 <= len(case_ids) <= EXERCISE_CASES_MAX
        or not all(isinstance(c, str) and c.strip() for c in case_ids)
    ):
        raise ApiError(
            400,
            "invalid_cases",
            gettext(
                "case_ids is required: a list of 1 to %(max)s case ids (GET /api/v1/cases).", max=EXERCISE_CASES_MAX
            ),
        )
    limit, per_case = _minutes(limit, "time_limit_minutes"), _minutes(body.get("minutes_per_case"), "minutes_per_case")
    decisions = body.get("decisions", False)
    if not isinstance(decisions, bool):
        raise ApiError(
            400,
            "invalid_decisions",
            gettext("decisions is true (ask for the differential and the next step) or false."),
        )
    size = body.get("max_students")
    if size is not None and whole_number(size) is None:
        raise ApiError(
            400,
            "invalid_max_students",
            gettext("max_students is a whole number from %(min)s to %(max)s.", min=CLASS_SIZE_MIN, max=CLASS_SIZE_MAX),
        )
    given = identity.bearer()
    created = service.create_exercise(
        title,
        case_ids,
        given,
        kb(),
        limit,
        feedback,
        pace=pace,
        minutes_per_case=per_case,
        asks_decisions=decisions,
        max_students=None if size is None else whole_number(size),
    )
    code = created.exercise.code
    return ok(
        {
            "code": code,
            "feedback": created.exercise.feedback,
            "pace": created.exercise.pace,
            "decisions": created.exercise.asks_decisions,
            "max_students": service.class_size(created.exercise, current_app.config["CLASSROOM_MAX_STUDENTS"]) or None,
            "educator_key": created.key or given,
            "join_url": url_for("classroom.join", code=code, _external=True),
            "dashboard_url": url_for("classroom.dashboard", code=code, _external=True),
            # The exercise's own ids: the stored ones may name the answer (ado2-anemia-adult).
            "cases": [service.exercise_case_token(code, c) for c in service.exercise_case_ids(created.exercise)],
        },
        201,
    )


def _minutes(value: object, name: str) -> int | None:
    """An optional whole number of minutes; 400 for anything else."""
    if value is None:
        return None
    minutes = whole_number(value)
    if minutes is None:
        raise ApiError(400, "invalid_time_limit", gettext("%(name)s is a whole number of minutes.", name=name))
    return minutes


def _parsed_body() -> Any:
    """The JSON body, read once per request (the limiter's client key and the view both need it)."""
    if "classroom_body" not in g:
        try:
            g.classroom_body = (json_body(), None)
        except ApiError as refused:
            g.classroom_body = (None, refused)
    body, error = g.classroom_body
    if error is not None:
        raise error
    return body


def _api_student_client() -> str:
    """An API student's own submissions budget: the exercise, the nickname and the token sent (so
    someone who knows a nickname but not its token cannot spend its owner's budget)."""
    try:
        body = _parsed_body()
    except ApiError:
        body = None  # the view answers the error; the request counts against the address
    body = body if isinstance(body, dict) else {}
    nickname, token = body.get("nickname"), body.get("student_token")
    if not isinstance(nickname, str):
        return request.remote_addr or "unknown"
    code = service.normalise_code((request.view_args or {}).get("code", ""))
    tag = hashlib.sha256(str(token).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"api-student:{code}:{service.normal_nickname(nickname).casefold()}:{tag}"


def _nickname(body: dict[str, Any]) -> str:
    """The body's nickname, as sent (400 when it is missing or not a string)."""
    nickname = body.get("nickname")
    if not isinstance(nickname, str):
        raise ApiError(400, "invalid_nickname", gettext("nickname is required (a pseudonym, not a real name)."))
    return nickname


def _api_student(exercise: Exercise, body: dict[str, Any], create: bool = True) -> service.ApiStudent:
    """The submitting student (made at its first answer unless `create` is false); a wrong
    student_token counts as a failed guess (the join limit)."""
    return identity.api_student(exercise, _nickname(body), body.get("student_token"), create)


def _case(exercise: Exercise, case_id: object) -> Case:
    if not isinstance(case_id, str):
        raise ApiError(400, "unknown_case", gettext("case_id is required: one of the exercise's cases."))
    case_id = service.exercise_case_by_token(exercise, case_id) or case_id  # its own id, or a library one
    case = service.resolve_case(case_id, exercise.educator_id, kb())
    if case is None or case.id not in service.exercise_case_ids(exercise):
        raise ApiError(404, "unknown_case", gettext("Case %(case)r is not part of this exercise.", case=case_id))
    return case


@bp.post("/exercises/<code>/submissions")
@rate_limited("submissions", client=_api_student_client)
def submit(code: str) -> ResponseReturnValue:
    """Score and store one student's answer to one case (re-submitting replaces it). The first
    submission of a nickname answers its `student_token`; every later one must send it back."""
    exercise = identity.lookup(code)
    body = _object(_parsed_body())
    _nickname(body)  # refused before the answer is scored
    knowledge = kb()
    case = _case(exercise, body.get("case_id"))
    attempt = parse_attempt(body.get("answer"), knowledge)  # an InputError is a 400 (webapp/infra/errors.py)
    # Scored first: a new student's join holds the exercise's lock until its answer is stored.
    scored = score_attempt(case, attempt, knowledge)
    service.check_answerable(exercise, case)  # a refused answer makes no student either
    service.check_decisions(exercise, attempt)
    found = _api_student(exercise, body)
    stored = service.submit(exercise, found.student, case, attempt, knowledge, scored=scored)
    extra: dict[str, Any] = {"late": stored.late}
    if found.new_token:
        extra |= {"student_token": found.new_token, "rejoin_code": found.rejoin_code}
    if not service.shows_feedback(exercise, case.id):
        return ok(
            {
                "stored": True,
                "revealed": False,
                **extra,
                "message": gettext(
                    "Stored. The feedback comes when the educator reveals this case "
                    "(POST /api/v1/exercises/{code}/feedback)."
                ),
            },
            201,
        )
    return ok({**present_feedback(stored.feedback, knowledge), "stored": True, "revealed": True, **extra}, 201)


@bp.post("/exercises/<code>/feedback")
def feedback(code: str) -> ResponseReturnValue:
    """An API student's feedback on a case they answered, once the educator revealed it (409 before)."""
    exercise = identity.lookup(code)
    body = _object(json_body())
    case = _case(exercise, body.get("case_id"))
    if "student_token" not in body:
        raise ApiError(403, "invalid_student_token", gettext("Send the student_token of this nickname."))
    student = _api_student(exercise, body, create=False).student
    saved = service.student_submissions(student).get(case.id)
    if saved is None:
        raise ApiError(404, "not_answered", gettext("This student has not answered this case."))
    if not service.shows_feedback(exercise, case.id):
        raise ApiError(409, "not_revealed", gettext("The educator has not revealed this case yet; ask again later."))
    knowledge = kb()
    return ok(present_feedback(service.stored_feedback(case, saved, knowledge), knowledge))


def _control_body() -> None:
    """A control's body: empty, or a JSON object (nothing in it is read)."""
    _object(request.get_json(silent=True) if request.content_length else {})


@bp.post("/exercises/<code>/reveal")
def reveal(code: str) -> ResponseReturnValue:
    """Reveal one case (`case_id`) or, with an empty body or no case_id, every case (self pace) or
    the open case (educator pace) (educator key)."""
    exercise = identity.api_educator_exercise(code)
    body = _object(request.get_json(silent=True) if request.content_length else {})
    case_id = body.get("case_id")
    if case_id is not None and not isinstance(case_id, str):
        raise ApiError(400, "unknown_case", gettext("case_id is one of the exercise's cases."))
    if case_id is not None:
        case_id = service.exercise_case_by_token(exercise, case_id) or _stored_id(exercise, case_id)
    service.reveal(exercise, case_id)
    return ok({"code": exercise.code, "revealed": sorted(service.revealed_ids(exercise))})


def _stored_id(exercise: Exercise, case_id: str) -> str:
    """The stored id of a case named by a library id (public or older): as stored when it names one."""
    case = service.resolve_case(case_id, exercise.educator_id, kb())
    return case.id if case is not None else case_id


@bp.post("/exercises/<code>/start")
def start(code: str) -> ResponseReturnValue:
    """Open the first case of a class the educator paces (educator key); answers the new state."""
    exercise = identity.api_educator_exercise(code)
    _control_body()
    service.start(exercise, kb())
    return ok(service.class_state(exercise))


@bp.post("/exercises/<code>/advance")
def advance(code: str) -> ResponseReturnValue:
    """The next stage of the open case, else the next case, else the end (educator key); answers the new state."""
    exercise = identity.api_educator_exercise(code)
    _control_body()
    service.advance(exercise, kb())
    return ok(service.class_state(exercise))


def _joining(code: str, locked: bool) -> ResponseReturnValue:
    exercise = identity.api_educator_exercise(code)
    _control_body()
    service.set_joining_locked(exercise, locked)
    return ok(
        {
            "code": exercise.code,
            "joining_locked": exercise.joining_locked,
            "students": service.student_count(exercise),
            "max_students": service.class_size(exercise, current_app.config["CLASSROOM_MAX_STUDENTS"]) or None,
        }
    )


@bp.post("/exercises/<code>/lock")
def lock(code: str) -> ResponseReturnValue:
    """Lock joining (educator key): no new student; those who joined still answer and rejoin."""
    return _joining(code, True)


@bp.post("/exercises/<code>/unlock")
def unlock(code: str) -> ResponseReturnValue:
    """Open joining again (educator key)."""
    return _joining(code, False)


@bp.get("/exercises/<code>/state")
def state(code: str) -> ResponseReturnValue:
    """Where the class is, for anyone with the code (never the key). A weak ETag: a poll while only
    the clock moved is a 304 (the page counts the seconds down itself)."""

    def compute() -> tuple[int, dict[str, Any], str, datetime | None]:
        exercise = identity.lookup(code)
        body = service.class_state(exercise)
        return exercise.id, body, service.state_tag(exercise, body), service.limit_end(exercise)

    ttl = float(current_app.config["CLASS_STATE_CACHE_SECONDS"])
    body, tag = state_cache.polled_state(service.normalise_code(code), ttl, compute)
    if request.if_none_match.contains_weak(tag):
        response = make_response("", 304)
    else:
        response = make_response(body)
    response.set_etag(tag, weak=True)
    return response


@bp.post("/exercises/<code>/students")
def join(code: str) -> ResponseReturnValue:
    """Join before answering, as the join page does in the lobby: the nickname's student_token (sent
    with every submission) and its rejoin code. 409 for a nickname in use, a closed, locked or full
    exercise; 429 past the join rates."""
    exercise = identity.lookup(code)
    joined = identity.api_join(exercise, _nickname(_object(json_body())))
    return ok(
        {"nickname": joined.student.nickname, "student_token": joined.new_token, "rejoin_code": joined.rejoin_code},
        201,
    )


@bp.post("/exercises/<code>/rejoin")
def rejoin(code: str) -> ResponseReturnValue:
    """An API student's token again, from their nickname and rejoin code (another device, a lost
    token). A wrong code is a 403, counted per nickname (429 once too many)."""
    exercise = identity.lookup(code)
    body = _object(json_body())
    nickname, given = body.get("nickname"), body.get("rejoin_code")
    if not isinstance(nickname, str) or not isinstance(given, str):
        raise ApiError(400, "invalid_body", gettext("Send nickname and rejoin_code (strings)."))
    student = identity.rejoin(exercise, nickname, given)
    if student.source != "api":
        raise ApiError(
            403,
            "forbidden",
            gettext("This nickname joined in the browser: rejoin on the join page with the same code."),
        )
    return ok({"student_token": student.token})


@bp.get("/exercises/<code>/results")
def results(code: str) -> ResponseReturnValue:
    """The class's answers per case and per finding (educator key required)."""
    exercise = identity.api_educator_exercise(code)
    knowledge = kb()
    stats, cases = service.results(exercise, knowledge)
    results = ClassResults(service.facts(exercise), stats, cases, knowledge, frozenset(service.revealed_ids(exercise)))
    return ok(results.api())


_CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "the join code",
}
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_BEARER: list[dict[str, list[str]]] = [{"educatorKey": []}]
_STORED = {
    "stored": {"type": "boolean"},
    "revealed": {"type": "boolean", "description": "whether the feedback (and so the key) is in this answer"},
    "late": {
        "type": "boolean",
        "description": f"sent within the grace period ({service.GRACE_SECONDS} s) after the case closed: "
        "kept and marked",
    },
    "student_token": {"type": "string", "description": "only on a nickname's first submission: keep it"},
    "rejoin_code": {
        "type": "string",
        "description": "only on a nickname's first submission: with the nickname it gives the "
        "student_token again (POST .../rejoin)",
    },
}
_MINUTES = {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": TIME_LIMIT_MIN, "maximum": TIME_LIMIT_MAX}]}
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NICKNAME = {
    "type": "string",
    # The rules past the pattern (invisible characters, alphabets mixed in a word) are the format's.
    "format": "nickname",
    "maxLength": NICKNAME_MAX,
    # No @ and no direction control anywhere, one visible character that is not @.
    "pattern": f"^[^@{_BIDI}]*[^@{INVISIBLE}{_BIDI}][^@{_BIDI}]*$",
    "description": "a pseudonym, not a real name or an e-mail address; kept composed (NFKC: fullwidth "
    "letters are the letters they stand for), and refused (400 `invalid_nickname`) with control, "
    "private-use or unassigned characters, invisible characters (zero-width spaces or joiners outside an "
    "emoji, soft hyphens, fillers), direction "
    "controls, or look-alike alphabets mixed in one word (Latin with Cyrillic or Greek)",
}
_NULLABLE_INT = {"type": ["integer", "null"], "minimum": 0}
STATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["state", "case", "stage", "revealed", "seconds_left", "joined", "answered"],
    "additionalProperties": False,
    "properties": {
        "state": {"type": "string", "enum": ["lobby", "running", "closed"]},
        "case": {
            **_NULLABLE_INT,
            "description": "the open case's position in the exercise (1-based); null in the lobby and in self pace",
        },
        "stage": {
            **_NULLABLE_INT,
            "description": "how many stages of the open case are shown (1-based); null for a case without stages",
        },
        "revealed": {"type": "boolean", "description": "the open case's answer is revealed (self pace: every case's)"},
        "seconds_left": {
            **_NULLABLE_INT,
            "description": "of the open case's limit (self pace: the exercise's); null without one, 0 once it closed",
        },
        "joined": {"type": "integer", "minimum": 0, "description": "every student who joined, by any path"},
        "answered": {
            "type": "integer",
            "minimum": 0,
            "description": "students who answered the open case (self pace: any case)",
        },
    },
}
_CONTROL_BODY = {
    "required": False,
    "content": {"application/json": {"schema": {"type": "object", "maxProperties": 0}}},
}


def _educator_post(
    summary: str, description: str, schema: dict[str, Any], words: str, errors: tuple[int, ...]
) -> dict[str, Any]:
    """An educator's POST on a class: the key, an empty body, a 200 with `schema` (`words` say what it is)."""
    return {
        "post": {
            "summary": summary + " (needs `Authorization: Bearer <educator_key>`)",
            "description": description,
            "parameters": [_CODE],
            "security": _BEARER,
            "requestBody": _CONTROL_BODY,
            "responses": {"200": json_response(schema, words), **error_responses(*errors)},
        }
    }


def _control(summary: str, description: str) -> dict[str, Any]:
    """An educator's control of a paced class: the key, an empty body, the new state."""
    state = {**STATE_SCHEMA, "additionalProperties": True, "required": [*STATE_SCHEMA["required"], "disclaimer"]}
    return _educator_post(
        summary, description, state, "The class's new state", (400, 401, 403, 404, 409, 413, 415, 429)
    )


def _joining_control(summary: str, description: str) -> dict[str, Any]:
    """Locking or opening joining: the key, an empty body, whether joining is locked now."""
    locked = {
        "type": "object",
        "required": ["code", "joining_locked", "students", "max_students", "disclaimer"],
        "properties": {
            "code": {"type": "string"},
            "joining_locked": {"type": "boolean"},
            "students": {"type": "integer", "minimum": 0, "description": "how many joined"},
            "max_students": {
                "type": ["integer", "null"],
                "description": "the most students who may join (null: no cap)",
            },
            "disclaimer": {"type": "string"},
        },
    }
    return _educator_post(
        summary, description, locked, "Whether joining is locked now", (400, 401, 403, 404, 413, 415, 429)
    )


PATHS: dict[str, Any] = {
    "/api/v1/exercises": {
        "post": {
            "summary": "Create a classroom exercise; answers with a join code and a private educator key",
            "description": "Send `Authorization: Bearer <educator_key>` to add the exercise to an "
            "existing educator (and use that educator's authored cases, `authored-<n>`); without it, or "
            "with a key no educator holds, a new educator and key are made.",
            "security": [{}, *_BEARER],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["title", "case_ids"],
                            # Each pace takes its own kind of time limit.
                            "if": {"required": ["pace"], "properties": {"pace": {"const": "educator"}}},
                            "then": {"properties": {"time_limit_minutes": {"type": "null"}}},
                            "else": {"properties": {"minutes_per_case": {"type": "null"}}},
                            "properties": {
                                "title": {"type": "string", "maxLength": TITLE_MAX, "pattern": VISIBLE},
                                "case_ids": {
                                    "type": "array",
                                    "items": ref("CaseId"),
                                    "minItems": 1,
                                    "maxItems": EXERCISE_CASES_MAX,
                                },
                                "time_limit_minutes": {
                                    **_MINUTES,
                                    "description": "self pace only: the limit of the whole exercise, from its creation",
                                },
                                "pace": {
                                    "type": "string",
                                    "enum": list(service.PACES),
                                    "description": "`self` (the default): every case at once, in any order "
                                    "(homework); `educator`: a lobby until POST .../start, then one case at a "
                                    "time, stage by stage, as the educator moves the class on (POST .../advance)",
                                },
                                "minutes_per_case": {
                                    **_MINUTES,
                                    "description": "educator pace only: each case's limit, from when it opens",
                                },
                                "feedback": {
                                    "type": "string",
                                    "enum": list(service.FEEDBACK_MODES),
                                    "description": "when students see the key: as soon as they answer "
                                    "(`immediate`, the default) or once the educator reveals the case "
                                    "(`after_reveal`)",
                                },
                                "max_students": {
                                    "type": ["integer", "null"],
                                    "minimum": CLASS_SIZE_MIN,
                                    "maximum": CLASS_SIZE_MAX,
                                    "description": "the class size: the most students who may join (a join past "
                                    "it answers 409 `exercise_full`); null or left out: the server's cap, well above "
                                    "a lecture hall, which also bounds what is sent here",
                                },
                                "decisions": {
                                    "type": "boolean",
                                    "description": "ask the students, beside findings and lean, for a ranked "
                                    "differential (up to three entries, best first) and the next step, as practice "
                                    "does (default false); answers then may send `differential` and `next_step`",
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": json_response(
                    {
                        "type": "object",
                        "required": ["code", "educator_key", "join_url", "dashboard_url", "cases", "disclaimer"],
                        "properties": {
                            **{
                                k: {"type": "string"}
                                for k in (
                                    "code",
                                    "educator_key",
                                    "join_url",
                                    "dashboard_url",
                                    "disclaimer",
                                    "feedback",
                                    "pace",
                                )
                            },
                            "decisions": {"type": "boolean"},
                            "max_students": {
                                "type": ["integer", "null"],
                                "description": "the most students who may join (null: no cap)",
                            },
                            "cases": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": "the exercise's own id of each case, in order (15 letters that "
                                "name nothing outside it); submissions, feedback and reveal take them, or the "
                                "ids the exercise was created with",
                            },
                        },
                    },
                    "Created",
                ),
                **error_responses(400, 404, 413, 415, 429),
            },
        }
    },
    "/api/v1/exercises/{code}/submissions": {
        "post": {
            "summary": "Submit a student's answer to one case; re-submitting replaces it",
            "description": "The student is identified by (exercise, nickname): the first submission of a "
            "nickname answers a `student_token` and a `rejoin_code`, and every later one must send the token "
            "(else 403, nothing changes; POST .../rejoin gives it again); a nickname that joined in the "
            "browser answers 403. Wrong join codes and tokens are rate-limited per client (429), answers "
            "per student. A closed exercise, one full of students or one whose educator locked joining (a new "
            "nickname: `joining_locked`) answers 409; in educator pace a case "
            f"that is not open answers 409 `case_not_open` and changes nothing. An answer sent within "
            f"{service.GRACE_SECONDS} s after its case closed is kept and marked `late`. With `after_reveal` "
            "feedback the answer is stored and the feedback waits for the reveal (POST .../feedback).",
            "parameters": [_CODE],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["nickname", "case_id", "answer"],
                            "properties": {
                                "nickname": _NICKNAME,
                                "case_id": ref("ExerciseCaseId"),
                                "answer": ATTEMPT_SCHEMA,
                                "student_token": {
                                    "type": "string",
                                    "maxLength": KEY_MAX,
                                    "description": "what this nickname's first submission "
                                    "answered; required on every later one",
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": json_response(
                    {
                        "anyOf": [
                            {**FEEDBACK_SCHEMA, "properties": {**FEEDBACK_SCHEMA["properties"], **_STORED}},
                            {
                                "type": "object",
                                "required": ["stored", "revealed", "disclaimer"],
                                "properties": {
                                    **_STORED,
                                    "message": {"type": "string"},
                                    "disclaimer": {"type": "string"},
                                },
                            },
                        ]
                    },
                    "Stored; the same feedback as an attempt, or (before the reveal) only that it is stored",
                ),
                **error_responses(400, 403, 404, 409, 413, 415, 429),
            },
        }
    },
    "/api/v1/exercises/{code}/feedback": {
        "post": {
            "summary": "An API student's feedback on a case they answered, once the educator revealed it",
            "parameters": [_CODE],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["nickname", "student_token", "case_id"],
                            "properties": {
                                "nickname": _NICKNAME,
                                "student_token": {"type": "string", "maxLength": KEY_MAX},
                                "case_id": ref("ExerciseCaseId"),
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(FEEDBACK_SCHEMA, "The feedback, as an attempt's"),
                **error_responses(400, 403, 404, 409, 413, 415, 429),
            },
        }
    },
    "/api/v1/exercises/{code}/start": _control(
        "Start a class the educator paces: open its first case",
        "409 when the exercise is self-paced or has started already.",
    ),
    "/api/v1/exercises/{code}/advance": _control(
        "Move a paced class on: the next stage of the open case, else the next case",
        "After the reveal of a case, or at its last stage, the next case opens (the one before closes: "
        "answers to it within the grace period are kept and marked late). Advancing from the last case "
        "ends the exercise (closed; the last case stays shown). 409 in the lobby, when closed, or in self pace.",
    ),
    "/api/v1/exercises/{code}/lock": _joining_control(
        "Lock joining: the exercise takes no new student",
        "A join after it (the first answer of a new nickname, the join form) answers 409 `joining_locked`; "
        "the students who joined still answer, and come back with their rejoin code.",
    ),
    "/api/v1/exercises/{code}/unlock": _joining_control(
        "Open joining again, up to the class size", "New students join again (until the exercise is full)."
    ),
    "/api/v1/exercises/{code}/state": {
        "get": {
            "summary": "Where the class is, for anyone with the join code (never the key)",
            "description": "Answers exactly these fields (no disclaimer: it is polled by every phone). "
            "A weak ETag leaves out `seconds_left`: send If-None-Match and a poll while only the clock moved "
            "is a 304 with no body (count the seconds down yourself).",
            "parameters": [_CODE],
            "responses": {
                "200": json_response(STATE_SCHEMA),
                "304": {"description": "Not modified: the state is the one of the ETag sent"},
                **error_responses(404, 429),
            },
        }
    },
    "/api/v1/exercises/{code}/students": {
        "post": {
            "summary": "Join before answering (the lobby): the nickname's `student_token` and `rejoin_code`",
            "description": "What the join page does, for an API client: a student who joins here shows in the "
            "lobby and the joined count at once, and sends the `student_token` with every submission (a "
            "submission of a new nickname joins it too). Same rules as the join page: a nickname in use answers "
            "409 `nickname_taken` (its owner: POST .../rejoin), a closed exercise 409 `exercise_closed`, a "
            "locked one 409 `joining_locked`, a full one 409 `exercise_full`, and the join rates 429.",
            "parameters": [_CODE],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "required": ["nickname"], "properties": {"nickname": _NICKNAME}}
                    }
                },
            },
            "responses": {
                "201": json_response(
                    {
                        "type": "object",
                        "required": ["nickname", "student_token", "rejoin_code", "disclaimer"],
                        "properties": {
                            "nickname": {"type": "string", "description": "as stored (normalised)"},
                            "student_token": {"type": "string", "description": "send it with every submission"},
                            "rejoin_code": {"type": "string", "description": "with the nickname, the token again"},
                            "disclaimer": {"type": "string"},
                        },
                    },
                    "Joined",
                ),
                **error_responses(400, 404, 409, 413, 415, 429),
            },
        }
    },
    "/api/v1/exercises/{code}/rejoin": {
        "post": {
            "summary": "An API student's `student_token` again, from the nickname and the rejoin code",
            "description": "A wrong code (or a nickname nobody uses) is a 403; wrong codes are counted per "
            "nickname, not per address, and once too many every try is a 429 until the window has passed. "
            "A nickname that joined in the browser answers 403 (it rejoins on the join page).",
            "parameters": [_CODE],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["nickname", "rejoin_code"],
                            "properties": {
                                "nickname": _NICKNAME,
                                "rejoin_code": {"type": "string", "maxLength": JOIN_CODE_MAX},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["student_token", "disclaimer"],
                        "properties": {"student_token": {"type": "string"}, "disclaimer": {"type": "string"}},
                    }
                ),
                **error_responses(400, 403, 404, 413, 415, 429),
            },
        }
    },
    "/api/v1/exercises/{code}/reveal": {
        "post": {
            "summary": "Reveal one case's answer (`case_id`), or with no body every case's (self pace) or "
            "the open case's (educator pace), to the class (needs `Authorization: Bearer <educator_key>`)",
            "parameters": [_CODE],
            "security": _BEARER,
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": {"case_id": ref("ExerciseCaseId")}}}
                },
            },
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["code", "revealed"],
                        "properties": {
                            "code": {"type": "string"},
                            "revealed": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                ),
                **error_responses(400, 401, 403, 404, 409, 413, 415, 429),
            },
        }
    },
    "/api/v1/exercises/{code}/results": {
        "get": {
            "summary": "The class's results per case and finding (needs `Authorization: Bearer <educator_key>`)",
            "description": "Rates are over the students who answered the case; `hit_rate` and "
            "`miss_rate` are null for findings not in the case, `overcall_rate` for findings in it.",
            "parameters": [_CODE],
            "security": _BEARER,
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["submissions", "students", "cases"],
                        "properties": {
                            "feedback": {"type": "string", "enum": list(service.FEEDBACK_MODES)},
                            "submissions": {"type": "integer"},
                            "students": {"type": "integer"},
                            "cases": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["id", "answered", "lean_counts", "findings"],
                                    "properties": {
                                        "id": {"type": "string"},
                                        "revealed": {
                                            "type": "boolean",
                                            "description": "whether the educator revealed its answer",
                                        },
                                        "answered": {"type": "integer"},
                                        "decisions": {
                                            "type": "object",
                                            "description": "only when the exercise asks for the differential "
                                            "and the next step: how many gave each, how many put a key entry "
                                            "first (or anywhere) and chose a keyed next step, and the counts",
                                            "properties": {
                                                k: {"type": "integer"}
                                                for k in (
                                                    "differentials",
                                                    "key_first",
                                                    "key_listed",
                                                    "next_steps",
                                                    "next_step_keyed",
                                                )
                                            },
                                        },
                                        "lean_counts": {
                                            "type": "object",
                                            "additionalProperties": {"type": "integer"},
                                        },
                                        "findings": {
                                            "type": "object",
                                            "additionalProperties": {
                                                "type": "object",
                                                "properties": {
                                                    "hit_rate": _RATE,
                                                    "miss_rate": _RATE,
                                                    "overcall_rate": _RATE,
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    }
                ),
                **error_responses(401, 403, 404, 429),
            },
        }
    },
}
