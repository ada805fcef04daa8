"""The OpenAPI 3.1 description of /api/v1, assembled explicitly from each API module's own part.

Each domain's API module declares the operations it serves as PATHS (and any component schemas of its
own as SCHEMAS); this module declares the API's own (webapp/api/views.py: health and this document) and
puts the parts together, refusing two parts that describe the same path or name
the same schema. The vocabularies the schemas refer to (finding ids, onsets, ...) are
components built from the knowledge base when the document is served.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from rules import PUBLIC_CASE_ID_PATTERN
from rules import differential_choices
from rules import load_cases
from rules import next_step_choices
from rules import offered_entries

from .api.schemas import ERROR
from .api.schemas import HPO_ID_PATTERN
from .api.schemas import SPACES
from .api.schemas import json_response
from .checklist import api as checklist_api
from .classroom import api as classroom_api
from .infra.knowledge import kb
from .infra.language import UI_LANGUAGES
from .interop import api as interop_api
from .practice import api as practice_api

# The API's own operations (webapp/api/views.py); each domain declares its own beside its views.
PATHS: dict[str, Any] = {
    "/api/v1/health": {
        "get": {
            "summary": "Liveness",
            "responses": {
                "200": json_response(
                    {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}
                )
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "responses": {"200": json_response({"type": "object", "required": ["openapi", "info", "paths"]})},
        }
    },
}
# A part of the document: (who declares it, its paths, its component schemas).
Part = tuple[str, Mapping[str, Any], Mapping[str, Any]]


def _one_of_words(words: list[str], extra: str = "") -> str:
    """A pattern for any of these words (or `extra`), surrounding whitespace allowed as the parsers strip it."""
    alternatives = [re.escape(w) for w in words] + ([extra] if extra else [])
    return f"^{SPACES}(?:{'|'.join(alternatives)}){SPACES}$"


def vocabulary_schemas() -> dict[str, Any]:
    """The knowledge base's vocabularies as component schemas."""
    knowledge = kb()
    onset_terms = [t for o in knowledge.onsets.values() for t in o.hpo]
    simulated = "sim-(?:" + "|".join(e.number for e in offered_entries()) + ")-[0-9]{1,9}"
    # authored-<n>: no sign, no leading zero, n at most 2147483647 (an SQL integer).
    authored = (
        "authored-(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
        "|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])"
    )
    return {
        "CaseId": {
            "type": "string",
            "pattern": _one_of_words(list(load_cases()), f"{PUBLIC_CASE_ID_PATTERN}|{simulated}|{authored}"),
            "description": "a case's public id (GET /api/v1/cases: 13 letters that do not name the answer), "
            "the id a written case is written with, a simulated patient sim-<number>-<n> (the type's OMIM "
            "number, and any whole number n: the same n gives the same patient), "
            "or, with the educator's key, one of their authored cases authored-<n>",
        },
        "ExerciseCaseId": {
            "type": "string",
            "pattern": _one_of_words(
                list(load_cases()), f"{PUBLIC_CASE_ID_PATTERN}|{simulated}|{authored}|[bcdfghjklmnpqrstvwxz]{{15}}"
            ),
            "description": "one of the exercise's cases: its own id for it (15 letters, as POST "
            "/api/v1/exercises answers them: they name nothing outside the exercise), or any id of a "
            "CaseId the exercise was created with",
        },
        "EntryChoiceId": {
            "type": "string",
            "enum": [c.id for c in differential_choices(knowledge)],
            "description": "an entry of the ranking a trainee may put in their differential "
            "(`choices.differential` of GET /api/v1/cases/{case_id})",
        },
        "NextStepId": {
            "type": "string",
            "enum": [c.id for c in next_step_choices(knowledge)],
            "description": "a next-step choice (`choices.next_step` of GET /api/v1/cases/{case_id})",
        },
        "FindingId": {
            "type": "string",
            "pattern": _one_of_words(list(knowledge.findings), HPO_ID_PATTERN),
            "description": "a finding id (GET /api/v1/findings) or an HPO id HP:0000000",
        },
        "FindingSlug": {
            "type": "string",
            "pattern": _one_of_words(list(knowledge.findings)),
            "description": "a finding id (GET /api/v1/findings)",
        },
        "MechanismSlug": {
            "type": "string",
            "pattern": _one_of_words(list(knowledge.mechanisms)),
            "description": "a mechanism id",
        },
        "Onset": {
            "anyOf": [{"type": "null"}, {"type": "string", "enum": ["", *knowledge.onsets, *onset_terms]}],
            "description": "an onset class or its HPO onset id; null or empty means unknown",
        },
        "FamilyHistory": {
            "anyOf": [{"type": "null"}, {"type": "string", "enum": ["", *knowledge.family_histories]}],
            "description": "null or empty means unknown",
        },
        # As an answer gives them back (GET /api/v1/knowledge has their labels).
        "OnsetClass": {"type": "string", "enum": list(knowledge.onsets), "description": "an onset class"},
        "FamilyHistoryClass": {
            "type": "string",
            "enum": list(knowledge.family_histories),
            "description": "a family-history answer",
        },
    }


def parts() -> tuple[Part, ...]:
    """Every API module's part, in the document's order: the error every operation may answer, the
    checklist's operations and schemas, the API's own, the other domains', then the vocabularies."""
    return (
        ("webapp.api.schemas", {}, {"Error": ERROR}),
        ("webapp.checklist.api", checklist_api.PATHS, checklist_api.SCHEMAS),
        ("webapp.api", PATHS, {}),
        ("webapp.interop.api", interop_api.PATHS, {}),
        ("webapp.practice.api", practice_api.PATHS, {}),
        ("webapp.classroom.api", classroom_api.PATHS, {}),
        ("webapp.openapi", {}, vocabulary_schemas()),
    )


def assemble(pieces: Iterable[Part]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The paths and the component schemas of all the parts; ValueError when two parts describe the
    same path or name the same schema (one would silently hide the other)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    owners: dict[tuple[str, str], str] = {}
    for owner, part_paths, part_schemas in pieces:
        for kind, into, items in (("path", paths, part_paths), ("schema", schemas, part_schemas)):
            for key, value in items.items():
                if (kind, key) in owners:
                    raise ValueError(f"{owner} describes the {kind} {key}, which {owners[kind, key]} already does")
                owners[kind, key] = owner
                into[key] = value
    return paths, schemas


# Every answer's `language` (webapp/api/common.py ok(), and the error contract): the language of its
# texts, from Accept-Language among the interface's; ids and slugs are the same in every language.
LANGUAGE = {
    "type": "string",
    "enum": list(UI_LANGUAGES),
    "description": "The language of the answer's texts (messages, disclaimer), from Accept-Language; "
    "English unless asked otherwise. Ids and slugs are the same in every language.",
}


def with_language(node: Any) -> Any:
    """Every answer's object schema (one carrying `disclaimer`) with `language` beside it, required
    where the disclaimer is. The HPO search's own `language` (its labels' language) is kept."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and "disclaimer" in properties and "language" not in properties:
            node["properties"] = {**properties, "language": LANGUAGE}
            if "disclaimer" in node.get("required", []):
                node["required"] = [*node["required"], "language"]
        for value in node.values():
            with_language(value)
    elif isinstance(node, list):
        for value in node:
            with_language(value)
    return node


def openapi_document(version: str) -> dict[str, Any]:
    """The whole document."""
    paths, schemas = with_language(copy.deepcopy(assemble(parts())))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "MIOP Checklist API",
            "version": version,
            "description": "Educational use only, not a diagnosis. Every answer carries `disclaimer`.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            # The classroom's educator key (POST /api/v1/exercises answers it once).
            "securitySchemes": {
                "educatorKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer <educator_key>",
                }
            },
        },
    }
