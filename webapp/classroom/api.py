"""The classroom API under /api/v1: create exercises, submit answers, read the class's results.

Educators authenticate with `Authorization: Bearer <educator_key>`; API students are identified
by (exercise, nickname). No cookie is read, so CSRF tokens do not apply.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import request
from flask import url_for

from rules.inputs import InputError
from rules.inputs import whole_number
from rules.scoring import parse_attempt

from ..api.common import ApiError
from ..api.common import api_error_response
from ..api.common import json_body
from ..api.common import ok
from ..api.openapi import INVISIBLE
from ..api.openapi import VISIBLE
from ..api.openapi import error_responses
from ..api.openapi import json_response
from ..api.openapi import ref
from ..api.openapi import register_paths
from ..extensions import csrf
from ..knowledge import kb
from ..practice.api import ATTEMPT_SCHEMA
from ..practice.api import FEEDBACK_SCHEMA
from ..practice.presenters import present_feedback
from ..ratelimit import rate_limited
from . import service
from .service import ClassroomError
from .stats import results_payload
from .views import classroom_error_response
from .views import lookup

bp = Blueprint("classroom_api", __name__)
csrf.exempt(bp)
bp.register_error_handler(ApiError, api_error_response)


bp.register_error_handler(ClassroomError, classroom_error_response)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    return body


@bp.post("/exercises")
@rate_limited("exercises")
def create():
    """Create an exercise; a new educator key unless a Bearer key names an existing educator."""
    body = _object(json_body())
    title, case_ids, limit = body.get("title"), body.get("case_ids"), body.get("time_limit_minutes")
    if not isinstance(title, str):
        raise ApiError(400, "invalid_title", "title is required: a string of 1 to 120 characters.")
    if (not isinstance(case_ids, list) or not 1 <= len(case_ids) <= service.MAX_CASES
            or not all(isinstance(c, str) and c.strip() for c in case_ids)):
        raise ApiError(400, "invalid_cases", f"case_ids is required: a list of 1 to {service.MAX_CASES} case ids "
                                             "(GET /api/v1/cases).")
    if limit is not None:
        limit = whole_number(limit)
        if limit is None:
            raise ApiError(400, "invalid_time_limit", "time_limit_minutes is a whole number of minutes.")
    given = _bearer()
    created = service.create_exercise(title, case_ids, given, kb(), limit)
    code = created.exercise.code
    return ok(
        {
            "code": code,
            "educator_key": created.key or given,
            "join_url": url_for("classroom.join", code=code, _external=True),
            "dashboard_url": url_for("classroom.dashboard", code=code, _external=True),
            "cases": service.exercise_case_ids(created.exercise),
        },
        201,
    )


@bp.post("/exercises/<code>/submissions")
@rate_limited("submissions")
def submit(code: str):
    """Score and store one student's answer to one case (re-submitting replaces it)."""
    exercise = lookup(code)
    body = _object(json_body())
    nickname, case_id = body.get("nickname"), body.get("case_id")
    if not isinstance(nickname, str):
        raise ApiError(400, "invalid_nickname", "nickname is required (a pseudonym, not a real name).")
    if not isinstance(case_id, str):
        raise ApiError(400, "unknown_case", "case_id is required: one of the exercise's cases.")
    knowledge = kb()
    case = service.resolve_case(case_id, exercise.educator_id, knowledge)
    if case is None or case_id not in service.exercise_case_ids(exercise):
        raise ApiError(404, "unknown_case", f"Case {case_id!r} is not part of this exercise.")
    try:
        attempt = parse_attempt(body.get("answer"), knowledge)
    except InputError as err:
        raise ApiError(400, err.code, err.message) from None
    student = service.student_by_nickname(exercise, nickname)
    return ok(present_feedback(service.submit(exercise, student, case, attempt, knowledge), knowledge), 201)


@bp.get("/exercises/<code>/results")
def results(code: str):
    """The class's answers per case and per finding (educator key required)."""
    exercise = lookup(code)
    service.authorise(exercise, _bearer())
    stats, _ = service.results(exercise, kb())
    return ok(
        {"code": exercise.code, "title": exercise.title, "open": exercise.is_open(), **results_payload(stats)}
    )


_CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "the join code",
}
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_BEARER = [{"educatorKey": []}]


register_paths(
    {
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
                                    "title": {"type": "string", "maxLength": 120, "pattern": VISIBLE},
                                    "case_ids": {
                                        "type": "array",
                                        "items": ref("CaseId"),
                                        "minItems": 1,
                                        "maxItems": service.MAX_CASES,
                                    },
                                    "time_limit_minutes": {
                                        "anyOf": [{"type": "null"}, {"type": "integer", "minimum": 1, "maximum": 240}]
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
                                    for k in ("code", "educator_key", "join_url", "dashboard_url", "disclaimer")
                                },
                                "cases": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                        "Created",
                    ),
                    **error_responses(400, 413, 415, 429),
                },
            }
        },
        "/api/v1/exercises/{code}/submissions": {
            "post": {
                "summary": "Submit a student's answer to one case; re-submitting replaces it",
                "description": "The student is identified by (exercise, nickname). Wrong join codes are "
                "rate-limited per client (429). A closed exercise answers 409.",
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
                                        "maxLength": service.NICKNAME_MAX,
                                        # No @ anywhere, one visible character that is not @.
                                        "pattern": f"^[^@]*[^@{INVISIBLE}][^@]*$",
                                        "description": "a pseudonym, not a real name or an e-mail address",
                                    },
                                    "case_id": {"type": "string"},
                                    "answer": ATTEMPT_SCHEMA,
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": json_response(FEEDBACK_SCHEMA, "Stored; the same feedback as an attempt"),
                    **error_responses(400, 404, 409, 413, 415, 429),
                },
            }
        },
        "/api/v1/exercises/{code}/results": {
            "get": {
                "summary": "The class's results per case and finding "
                "(needs `Authorization: Bearer <educator_key>`)",
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
                                "submissions": {"type": "integer"},
                                "students": {"type": "integer"},
                                "cases": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["id", "answered", "lean_counts", "findings"],
                                        "properties": {
                                            "id": {"type": "string"},
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
)
