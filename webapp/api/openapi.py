"""The OpenAPI 3.1 description of /api/v1, built from plain dicts."""

from __future__ import annotations

from typing import Any

STATE = {"type": "string", "enum": ["present", "absent", "unknown", "not_assessed"]}
ERROR = {
    "type": "object",
    "required": ["error", "disclaimer"],
    "properties": {
        "error": {"type": "object", "required": ["code", "message"],
                  "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
        "disclaimer": {"type": "string"},
    },
}
SOURCE = {"type": "object", "properties": {k: {"type": "string"} for k in
                                           ("id", "kind", "title", "url", "passage", "locator", "text")}}
ASSESS_BODY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "findings": {
            "oneOf": [
                {"type": "object", "additionalProperties": STATE,
                 "description": "finding slug or HPO id (HP:0000000) -> state"},
                {"type": "array", "items": {"type": "string"}, "description": "ids, all present"},
            ]
        },
        "onset": {"type": "string", "description": "neonatal, infancy, childhood, adolescence, adulthood, "
                                                   "unknown, or an HPO onset id"},
        "family_history": {"type": "string",
                           "enum": ["affected_parent", "unaffected_parents", "consanguineous_parents", "unknown"]},
    },
}
ASSESSMENT = {
    "type": "object",
    "required": ["inheritance", "mechanisms", "red_flags", "genes", "next_checks", "recognized",
                 "unmapped", "disclaimer", "knowledge_version"],
    "properties": {
        "knowledge_version": {"type": "string"},
        "inheritance": {
            "type": "object",
            "required": ["lean", "strength", "clues"],
            "properties": {
                "lean": {"type": "string", "enum": ["recessive", "dominant", "indeterminate"]},
                "strength": {"type": ["string", "null"], "enum": ["weak", "moderate", "strong", None]},
                "score": {"type": "number"},
                "summary": {"type": "string"},
                "message": {"type": "string"},
                "clues": {"type": "array", "items": {
                    "type": "object",
                    "required": ["finding", "points_to", "weight", "why", "source"],
                    "properties": {"finding": {"type": ["string", "null"]}, "points_to": {"type": "string"},
                                   "weight": {"type": "number"}, "why": {"type": "string"},
                                   "source": SOURCE}}},
            },
        },
        "mechanisms": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "findings": {"type": "array", "items": {"type": "string"}},
            "explanation": {"type": "string"}, "source": SOURCE}}},
        "red_flags": {"type": "array", "items": {"type": "object"}},
        "genes": {"type": "array", "items": {"type": "object"}},
        "next_checks": {"type": "array", "items": {"type": "object"}},
        "recognized": {"type": "array", "items": {"type": "object", "properties": {
            "input": {"type": "string"}, "finding": {"type": "string"}}}},
        "unmapped": {"type": "array", "items": {"type": "object"}},
        "disclaimer": {"type": "string"},
    },
}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": "error", "content": {"application/json": {"schema": ERROR}}}
            for s in statuses}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# Other blueprints add their operations here at import time (see register_paths).
EXTRA_PATHS: dict[str, dict[str, Any]] = {}


def register_paths(paths: dict[str, dict[str, Any]]) -> None:
    """Let another API module describe its operations in the same document."""
    for path, ops in paths.items():
        EXTRA_PATHS.setdefault(path, {}).update(ops)


def openapi_document(version: str) -> dict[str, Any]:
    """The whole document."""
    paths: dict[str, Any] = {
        "/api/v1/findings": {"get": {
            "summary": "The finding vocabulary",
            "responses": {"200": _json({"type": "object", "required": ["findings", "disclaimer"]})},
        }},
        "/api/v1/assess": {"post": {
            "summary": "Evaluate a checklist (nothing is stored)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": ASSESS_BODY}}},
            "responses": {"200": _json(ASSESSMENT), **_errors(400, 413, 415)},
        }},
        "/api/v1/health": {"get": {
            "summary": "Liveness", "responses": {"200": _json({"type": "object"})},
        }},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document", "responses": {"200": _json({"type": "object"})},
        }},
        **EXTRA_PATHS,
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "MIOP Checklist API", "version": version,
                 "description": "Educational use only, not a diagnosis. Every answer carries `disclaimer`."},
        "paths": paths,
        "components": {"schemas": {"Error": ERROR, "Assessment": ASSESSMENT, "AssessBody": ASSESS_BODY}},
    }
