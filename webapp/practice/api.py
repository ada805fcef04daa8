"""The cases API under /api/v1: vignettes without keys, and scored attempts (nothing stored)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask_babel import gettext

from rules import CONFIDENCE_MAX
from rules import CONFIDENCE_MIN
from rules import MAX_DIFFERENTIAL
from rules import Case
from rules import case_id_for
from rules import case_in_language
from rules import get_case
from rules import load_cases
from rules import offered_entries
from rules import parse_attempt
from rules import public_case_id
from rules import score_attempt

from ..api.common import ApiError
from ..api.common import json_body
from ..api.common import ok
from ..api.schemas import ERROR
from ..api.schemas import ref
from ..classroom.withheld import withheld
from ..classroom.withheld import withheld_message
from ..extensions import csrf
from ..infra.knowledge import kb
from ..infra.language import current_language
from .presenters import present_case
from .presenters import present_choices
from .presenters import present_feedback

bp = Blueprint("practice_api", __name__)
# Like the rest of the API: no cookie authentication, so no CSRF token.
csrf.exempt(bp)


def _case(case_id: str) -> Case:
    case = get_case(case_id)
    if case is None:
        raise ApiError(404, "unknown_case", gettext("There is no case %(case)r: see GET /api/v1/cases.", case=case_id))
    return case_in_language(case, current_language())


@bp.get("/cases")
def cases() -> Response:
    """The written cases (without keys) and how to ask for simulated ones."""
    return ok(
        {
            "cases": [present_case(c) for c in load_cases().values()],
            "simulated": {
                "id_pattern": "sim-<OMIM number>-<n> or sim-ORPHA<number>-<n>, n 0..999999999: the answer "
                "gives the patient's public id, which does not name the entry",
                "entries": [
                    {"entry": e.id, "name": e.name, "example_id": public_case_id(case_id_for(e, 1))}
                    for e in offered_entries()
                ],
            },
        }
    )


@bp.get("/cases/<case_id>")
def case(case_id: str) -> Response:
    """One vignette, never its answer key, and the decisions' choices (the same for every case). Asked
    for by an older id (one that names the answer), the same answer, with the public id."""
    return ok({"case": present_case(_case(case_id)), "choices": present_choices(kb())})


@bp.post("/cases/<case_id>/attempts")
def attempt(case_id: str) -> Response:
    """Score an attempt and reveal the key, the clues and the teaching points."""
    current = _case(case_id)
    knowledge = kb()
    if withheld(current.id):
        raise ApiError(409, "case_withheld", withheld_message())
    scored = score_attempt(current, parse_attempt(json_body(), knowledge), knowledge)  # InputError: a 400
    return ok(present_feedback(scored, knowledge))


_CASE = {
    "type": "object",
    "required": ["id", "title", "age", "sex", "narrative", "difficulty", "kind"],
    "properties": {
        k: {"type": "string"}
        for k in ("id", "title", "age", "sex", "sex_label", "narrative", "difficulty", "kind", "label")
    }
    | {
        "stages": {
            "type": "array",
            "description": "the case as it unfolds (history, examination, investigations); never the key",
            "items": {
                "type": "object",
                "required": ["title", "narrative"],
                "properties": {"title": {"type": "string"}, "narrative": {"type": "string"}},
            },
        }
    },
}
_ITEMS = {"type": "array", "items": {"type": "object"}}
ATTEMPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["lean", "confidence"],
    "properties": {
        "findings": {
            "type": "array",
            "items": ref("FindingSlug"),
            "description": "ids of the findings present (GET /api/v1/findings)",
        },
        "lean": {"type": "string", "enum": ["recessive", "dominant", "indeterminate"]},
        "mechanisms": {"type": "array", "items": ref("MechanismSlug"), "description": "mechanism ids"},
        "confidence": {"type": "integer", "minimum": CONFIDENCE_MIN, "maximum": CONFIDENCE_MAX},
        "stage": {
            "type": "integer",
            "minimum": 1,
            "description": "how many of the case's stages were read before committing (default, or more "
            "than the case has: all)",
        },
        "differential": {
            "type": "array",
            "maxItems": MAX_DIFFERENTIAL,
            "uniqueItems": True,
            "items": ref("EntryChoiceId"),
            "description": "optional: up to three entry ids of `choices.differential` (GET /api/v1/cases/{case_id}), "
            "best first",
        },
        "next_step": {
            "anyOf": [ref("NextStepId"), {"type": "null"}],
            "description": "optional (null: no answer): the id of one of `choices.next_step` "
            "(GET /api/v1/cases/{case_id})",
        },
    },
}
CHOICES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "the decisions' choices, the same list in the same order for every case (never its key)",
    "properties": {
        "differential": {
            "type": "array",
            "description": "every entry the ranking covers, the osteopetroses first",
            "items": {
                "type": "object",
                "required": ["id", "name", "genes", "group"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "genes": {"type": "array", "items": {"type": "string"}},
                    "group": {"type": "string", "enum": ["osteopetrosis", "other"]},
                },
            },
        },
        "next_step": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label"],
                "properties": {"id": {"type": "string"}, "label": {"type": "string"}},
            },
        },
    },
}
FEEDBACK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["score", "findings", "lean", "mechanisms", "teaching_points", "disclaimer"],
    "properties": {
        "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "see `rule`"},
        "rule": {"type": "string"},
        "findings": {"type": "object", "properties": {"hit": _ITEMS, "missed": _ITEMS, "extra": _ITEMS}},
        "lean": {
            "type": "object",
            "properties": {
                "correct": {"type": "boolean"},
                "given": {"type": "string"},
                "expected": {"type": "string"},
                "why": {"type": "string"},
                "clues": _ITEMS,
            },
        },
        "mechanisms": {"type": "object", "properties": {"hit": _ITEMS, "missed": _ITEMS, "extra": _ITEMS}},
        "teaching_points": _ITEMS,
        "case": {"type": "object", "description": "the case with its key, the entry and the genes it models"},
        "unfolding": {
            "type": "object",
            "description": "what each stage added, and whether the commit came early, on time or late",
        },
        "certainty": {
            "type": "object",
            "description": "certainty-based mark of the lean and of each decision given (UCL LAPT: levels 1-3, "
            "+1/+2/+3 right, 0/-2/-6 wrong)",
        },
        "decisions": {
            "type": "object",
            "description": "the differential (against the case's entry and beside the ranking of what was "
            "shown) and the next step (against the steps the red flags raised call for, with their sources); "
            "each null when not given",
            "properties": {
                "differential": {"type": ["object", "null"]},
                "next_step": {"type": ["object", "null"]},
            },
        },
        "disclaimer": {"type": "string"},
    },
}


def _err(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for s in statuses}


PATHS: dict[str, Any] = {
    "/api/v1/cases": {
        "get": {
            "summary": "The case library: written vignettes without their answer keys",
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "cases": {"type": "array", "items": _CASE},
                                    "simulated": {"type": "object"},
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    "/api/v1/cases/{case_id}": {
        "get": {
            "summary": "One case without its answer key, by its public id (an older id, or sim-<number>-<n>, "
            "gives the same answer with the public id)",
            "parameters": [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"case": _CASE, "choices": CHOICES_SCHEMA}}
                        }
                    },
                },
                **_err(404),
            },
        }
    },
    "/api/v1/cases/{case_id}/attempts": {
        "post": {
            "summary": "Score an attempt; the answer key is revealed only here (nothing is stored). 409 "
            "`case_withheld` while the case is hidden in a class exercise that reveals its answers later",
            "parameters": [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ATTEMPT_SCHEMA}}},
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": FEEDBACK_SCHEMA}}},
                **_err(400, 404, 409, 413, 415),
            },
        }
    },
}
