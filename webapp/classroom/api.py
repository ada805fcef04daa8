"""The classroom API under /api/v1: create exercises, submit answers, read the class's results.

Educators authenticate with `Authorization: Bearer <educator_key>`; API students are identified
by (exercise, nickname) and, after their first submission, the `student_token` it answered. No
cookie is read, so CSRF tokens do not apply.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint
from flask import g
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from rules import Case
from rules import parse_attempt
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
from ..limits import EXERCISE_CASES_MAX
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

bp = Blueprint("classroom_api", __name__)
csrf.exempt(bp)


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    return body


@bp.post("/exercises")
@rate_limited("exercises")
def create() -> ResponseReturnValue:
    """Create an exercise; a new educator key unless a Bearer key names an existing educator."""
    body = _object(json_body())
    title, case_ids, limit = body.get("title"), body.get("case_ids"), body.get("time_limit_minutes")
    feedback = body.get("feedback", "immediate")
    if feedback not in service.FEEDBACK_MODES:
        raise ApiError(400, "invalid_feedback", 'feedback is "immediate" (the default) or "after_reveal".')
    if not isinstance(title, str):
        raise ApiError(400, "invalid_title", f"title is required: a string of 1 to {TITLE_MAX} characters.")
    if (
        not isinstance(case_ids, list)
        or not 1 <= len(case_ids) <= EXERCISE_CASES_MAX
        or not all(isinstance(c, str) and c.strip() for c in case_ids)
    ):
        raise ApiError(
            400,
            "invalid_cases",
            f"case_ids is required: a list of 1 to {EXERCISE_CASES_MAX} case ids (GET /api/v1/cases).",
        )
    if limit is not None:
        limit = whole_number(limit)
        if limit is None:
            raise ApiError(400, "invalid_time_limit", "time_limit_minutes is a whole number of minutes.")
    given = identity.bearer()
    created = service.create_exercise(title, case_ids, given, kb(), limit, feedback)
    code = created.exercise.code
    return ok(
        {
            "code": code,
            "feedback": created.exercise.feedback,
            "educator_key": created.key or given,
            "join_url": url_for("classroom.join", code=code, _external=True),
            "dashboard_url": url_for("classroom.dashboard", code=code, _external=True),
            "cases": service.exercise_case_ids(created.exercise),
        },
        201,
    )


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
    return f"api-student:{code}:{service.one_line(nickname).casefold()}:{tag}"


def _api_student(exercise: Exercise, body: dict[str, Any]) -> service.ApiStudent:
    """The submitting student; a wrong student_token counts as a failed guess (the join limit)."""
    nickname = body.get("nickname")
    if not isinstance(nickname, str):
        raise ApiError(400, "invalid_nickname", "nickname is required (a pseudonym, not a real name).")
    return identity.api_student(exercise, nickname, body.get("student_token"))


def _case(exercise: Exercise, case_id: object) -> Case:
    if not isinstance(case_id, str):
        raise ApiError(400, "unknown_case", "case_id is required: one of the exercise's cases.")
    case = service.resolve_case(case_id, exercise.educator_id, kb())
    if case is None or case.id not in service.exercise_case_ids(exercise):
        raise ApiError(404, "unknown_case", f"Case {case_id!r} is not part of this exercise.")
    return case


@bp.post("/exercises/<code>/submissions")
@rate_limited("submissions", client=_api_student_client)
def submit(code: str) -> ResponseReturnValue:
    """Score and store one student's answer to one case (re-submitting replaces it). The first
    submission of a nickname answers its `student_token`; every later one must send it back."""
    exercise = identity.lookup(code)
    body = _object(_parsed_body())
    nickname = body.get("nickname")
    if not isinstance(nickname, str):
        raise ApiError(400, "invalid_nickname", "nickname is required (a pseudonym, not a real name).")
    knowledge = kb()
    case = _case(exercise, body.get("case_id"))
    attempt = parse_attempt(body.get("answer"), knowledge)  # an InputError is a 400 (webapp/infra/errors.py)
    found = _api_student(exercise, body)
    feedback = service.submit(exercise, found.student, case, attempt, knowledge)
    extra = {"student_token": found.new_token} if found.new_token else {}
    if not service.shows_feedback(exercise, case.id):
        return ok(
            {
                "stored": True,
                "revealed": False,
                **extra,
                "message": "Stored. The feedback comes when the educator reveals this case "
                "(POST /api/v1/exercises/{code}/feedback).",
            },
            201,
        )
    return ok({**present_feedback(feedback, knowledge), "stored": True, "revealed": True, **extra}, 201)


@bp.post("/exercises/<code>/feedback")
def feedback(code: str) -> ResponseReturnValue:
    """An API student's feedback on a case they answered, once the educator revealed it (409 before)."""
    exercise = identity.lookup(code)
    body = _object(json_body())
    case = _case(exercise, body.get("case_id"))
    if "student_token" not in body:
        raise ApiError(403, "invalid_student_token", "Send the student_token of this nickname.")
    student = _api_student(exercise, body).student
    saved = service.student_submissions(student).get(case.id)
    if saved is None:
        raise ApiError(404, "not_answered", "This student has not answered this case.")
    if not service.shows_feedback(exercise, case.id):
        raise ApiError(409, "not_revealed", "The educator has not revealed this case yet; ask again later.")
    knowledge = kb()
    return ok(present_feedback(service.stored_feedback(case, saved, knowledge), knowledge))


@bp.post("/exercises/<code>/reveal")
def reveal(code: str) -> ResponseReturnValue:
    """Reveal one case (`case_id`) or, with an empty body or no case_id, every case (educator key)."""
    exercise = identity.api_educator_exercise(code)
    body = _object(request.get_json(silent=True) if request.content_length else {})
    case_id = body.get("case_id")
    if case_id is not None and not isinstance(case_id, str):
        raise ApiError(400, "unknown_case", "case_id is one of the exercise's cases.")
    service.reveal(exercise, case_id)
    return ok({"code": exercise.code, "revealed": sorted(service.revealed_ids(exercise))})


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
    "student_token": {"type": "string", "description": "only on a nickname's first submission: keep it"},
}


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
                            "properties": {
                                "title": {"type": "string", "maxLength": TITLE_MAX, "pattern": VISIBLE},
                                "case_ids": {
                                    "type": "array",
                                    "items": ref("CaseId"),
                                    "minItems": 1,
                                    "maxItems": EXERCISE_CASES_MAX,
                                },
                                "time_limit_minutes": {
                                    "anyOf": [
                                        {"type": "null"},
                                        {"type": "integer", "minimum": TIME_LIMIT_MIN, "maximum": TIME_LIMIT_MAX},
                                    ]
                                },
                                "feedback": {
                                    "type": "string",
                                    "enum": list(service.FEEDBACK_MODES),
                                    "description": "when students see the key: as soon as they answer "
                                    "(`immediate`, the default) or once the educator reveals the case "
                                    "(`after_reveal`)",
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
                                for k in ("code", "educator_key", "join_url", "dashboard_url", "disclaimer", "feedback")
                            },
                            "cases": {"type": "array", "items": {"type": "string"}},
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
            "nickname answers a `student_token`, and every later one must send it (else 403, nothing "
            "changes); a nickname that joined in the browser answers 403. Wrong join codes and tokens are "
            "rate-limited per client (429), answers per student. A closed exercise, or one full of "
            "students, answers 409. With `after_reveal` feedback the answer is stored and the feedback "
            "waits for the reveal (POST .../feedback).",
            "parameters": [_CODE],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["nickname", "case_id", "answer"],
                            "properties": {
                                "nickname": {
                                    "type": "string",
                                    "maxLength": NICKNAME_MAX,
                                    # No @ anywhere, one visible character that is not @.
                                    "pattern": f"^[^@]*[^@{INVISIBLE}][^@]*$",
                                    "description": "a pseudonym, not a real name or an e-mail address",
                                },
                                "case_id": ref("CaseId"),
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
                                "nickname": {
                                    "type": "string",
                                    "maxLength": NICKNAME_MAX,
                                    "pattern": f"^[^@]*[^@{INVISIBLE}][^@]*$",
                                },
                                "student_token": {"type": "string", "maxLength": KEY_MAX},
                                "case_id": ref("CaseId"),
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
    "/api/v1/exercises/{code}/reveal": {
        "post": {
            "summary": "Reveal one case's answer (`case_id`) or every case's (no body) to the class "
            "(needs `Authorization: Bearer <educator_key>`)",
            "parameters": [_CODE],
            "security": _BEARER,
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": {"case_id": ref("CaseId")}}}
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
                **error_responses(400, 401, 403, 404, 413, 415, 429),
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
