"""The OpenAPI 3.1 description of /api/v1, built from plain dicts.

Request schemas say exactly what the API accepts (the fuzz tests send schema-valid bodies and expect
them accepted, schema-invalid ones and expect a 4xx); the vocabularies they refer to (finding slugs,
onsets, ...) are components built from the knowledge base when the document is served.
"""

from __future__ import annotations

import re
from typing import Any

from ..knowledge import kb

STATE = {"type": "string", "enum": ["present", "absent", "unknown", "not_assessed", "not assessed"],
         "description": "not_assessed is a synonym of unknown; case and surrounding spaces are ignored"}
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
# In an assessment a citation names its source by id (the answer's `sources` map has each source once).
CITE = {"type": "object", "required": ["id"],
        "properties": {k: {"type": "string"} for k in ("id", "passage", "locator")},
        "description": "a source id of the answer's `sources` map, and the passage or locator cited"}
LEAN_PAIR = {"lean": {"type": "string", "enum": ["recessive", "dominant", "indeterminate"]},
             "strength": {"type": ["string", "null"], "enum": ["weak", "moderate", "strong", None]}}
# An HPO id as the parsers take it: HP: (any case) and seven ASCII digits.
HPO_ID_PATTERN = r"[Hh][Pp]:[0-9]{7}"
# The characters Python's str.strip() removes, which is how the parsers trim input. Spelled out
# because \s means different things to JSON Schema (ECMA 262), Python and other regex engines.
SPACES = r"[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"
# Such spaces and the control characters: free text (a title, a nickname) needs one character that is
# neither (VISIBLE) to be left with something once it is put on one line.
INVISIBLE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
VISIBLE = f"[^{INVISIBLE}]"


def ref(name: str) -> dict[str, str]:
    """A reference to one of the document's component schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


ASSESS_BODY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "findings": {
            "oneOf": [
                {"type": "object", "propertyNames": ref("FindingId"), "additionalProperties": STATE,
                 "description": "finding slug or HPO id (HP:0000000) -> state"},
                {"type": "array", "items": ref("FindingId"),
                 "description": "ids, all present"},
            ]
        },
        "onset": ref("Onset"),
        "family_history": ref("FamilyHistory"),
    },
}
STRINGS = {"type": "array", "items": {"type": "string"}}
ASSESSMENT = {
    "type": "object",
    "required": ["inheritance", "mechanisms", "red_flags", "genes", "next_checks", "recognized",
                 "unmapped", "disclaimer", "knowledge_version", "premise", "workup", "sources", "other_terms"],
    "properties": {
        "knowledge_version": {"type": "string"},
        "premise": {"type": "object", "required": ["state", "message"], "properties": {
            "state": {"type": "string", "enum": ["confirmed", "unconfirmed", "contradicted"],
                      "description": "dense bone on imaging entered; not entered; reduced bone density "
                                     "(or no dense bone) entered, and then the lean is indeterminate"},
            "message": {"type": "string"}}},
        "inheritance": {
            "type": "object",
            "required": ["lean", "strength", "clues"],
            "properties": {
                **LEAN_PAIR,
                "score": {"type": "number"},
                "summary": {"type": "string", "description": "the lean, its strength and the clue that weighs most"},
                "message": {"type": "string"},
                "clues": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "finding", "points_to", "weight", "why", "source"],
                    "properties": {"id": {"type": "string"}, "finding": {"type": ["string", "null"]},
                                   "points_to": {"type": "string"}, "weight": {"type": "number"},
                                   "why": {"type": "string"}, "source": CITE}}},
                "clues_for": {**STRINGS, "description": "ids of the clues toward the lean (toward recessive "
                                                        "when indeterminate)"},
                "clues_against": {**STRINGS, "description": "ids of the other clues"},
            },
        },
        "mechanisms": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "findings": STRINGS,
            "explanation": {"type": "string"}, "source": CITE}}},
        "red_flags": {"type": "array", "description": "most urgent first", "items": {
            "type": "object", "required": ["id", "level", "title", "findings", "action", "source"],
            "properties": {"id": {"type": "string"},
                           "level": {"type": "string", "enum": ["urgent", "high", "context"]},
                           "title": {"type": "string"}, "why": {"type": "string"},
                           "findings": {**STRINGS, "description": "the entered findings (present) that raised it"},
                           "action": {"type": "string", "description": "what to do, in plain words"},
                           "action_source": {"oneOf": [CITE, {"type": "null"}]}, "source": CITE}}},
        "genes": {"type": "array", "description": "the genes consistent with the lean first",
                  "items": {"type": "object", "properties": {"source": CITE}}},
        "next_checks": {"type": "array", "description": "unassessed items whose answer could change the lean "
                                                         "or its strength", "items": {
            "type": "object", "properties": {"outcomes": {"type": "array", "items": {
                "type": "object", "required": ["value", "lean", "strength"],
                "properties": {"value": {"type": "string"}, **LEAN_PAIR}}}}}},
        "next_checks_note": {"type": "string", "description": "says so when no item could change the lean"},
        "workup": {"type": "array", "description": "the standard evaluations (beyond the source document)",
                   "items": {"type": "object", "required": ["id", "label", "why", "source"], "properties": {
                       "id": {"type": "string"}, "label": {"type": "string"}, "why": {"type": "string"},
                       "findings": {**STRINGS, "description": "the checklist findings it assesses"},
                       "source": CITE}}},
        "other_terms": {"type": "array", "description": "HPO terms entered that are not checklist findings",
                        "items": {"type": "object", "required": ["id", "label", "state"], "properties": {
                            "id": {"type": "string"}, "label": {"type": "string"},
                            "state": {"type": "string", "enum": ["present", "absent"]}}}},
        "sources": {"type": "object", "description": "each source cited in the answer, once, by id",
                    "additionalProperties": {"type": "object", "required": ["kind", "title", "url"],
                                             "properties": {
                        "kind": {"type": "string", "enum": ["seed", "reference"],
                                 "description": "seed: the project's source document"},
                        "title": {"type": "string"}, "url": {"type": "string"}}}},
        "recognized": {"type": "array", "items": {"type": "object", "properties": {
            "input": {"type": "string"}, "finding": {"type": "string"}}}},
        "unmapped": {"type": "array", "items": {"type": "object"}},
        "differential": ref("Differential"),
        "differential_notes": ref("DifferentialNotes"),
        "disclaimer": {"type": "string"},
    },
}
# The differential (issue 15): every osteopetrosis entry of HPO, best first, probabilities summing to 1,
# each with one likelihood ratio per input item and the annotation it matched (rules/differential.py).
EVIDENCE = {
    "type": "object",
    "required": ["hpo", "label", "state", "lr", "match", "matched", "source"],
    "properties": {
        "hpo": {"type": ["string", "null"], "description": "the item's HPO term (null for family history)"},
        "label": {"type": "string"},
        "state": {"type": "string", "description": "present or absent; the onset or family-history word"},
        "lr": {"type": "number", "exclusiveMinimum": 0, "description": "three significant digits"},
        "match": {"type": "string", "enum": ["exact", "below", "above", "ancestor", "none", "not", "onset",
                                             "no_onset", "family"]},
        "matched": {"type": ["string", "null"], "description": "the annotated term it matched (with `source`, the "
                    "annotation: its frequency is in HPO's phenotype.hpoa)"},
        "source": {"type": "string", "description": "that annotation's reference (PMID:, OMIM:, ORPHA:)"},
    },
}
DIFFERENTIAL = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "name", "genes", "inheritance", "probability", "evidence"],
        "properties": {
            "id": {"type": "string", "description": "OMIM:n (https://omim.org/entry/n) or ORPHA:n (Orphanet)"},
            "name": {"type": "string"},
            "genes": {"type": "array", "items": {"type": "string"}},
            "inheritance": {"type": "string", "enum": ["recessive", "dominant", "unknown"]},
            "probability": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence": {"type": "array", "items": EVIDENCE},
        },
    },
}
DIFFERENTIAL_NOTES = {
    "type": "object",
    "required": ["confident", "message", "disagreement", "by_gene", "separating_checks", "method"],
    "properties": {
        "confident": {"type": "boolean", "description": "some entry above 0.3"},
        "message": {"type": "string"},
        "disagreement": {"oneOf": [{"type": "null"}, {
            "type": "object", "required": ["message", "source"],
            "properties": {"message": {"type": "string"}, "source": CITE}}],
            "description": "the lean and the best entry's inheritance differ: a teaching point"},
        "by_gene": {"type": "array", "items": {"type": "object", "properties": {
            "gene": {"type": "string"}, "probability": {"type": "number"},
            "entries": {"type": "array", "items": {"type": "string"}}}}},
        "separating_checks": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "label": {"type": "string"}, "check": {"type": "string"},
            "gain_bits": {"type": "number"}, "favours_if_present": {"type": "array", "items": {"type": "string"}}}}},
        "method": {"type": "object"},
    },
}


FINDING = {
    "type": "object",
    "required": ["slug", "label", "hpo", "groups", "anchors", "source"],
    "properties": {"slug": {"type": "string"}, "label": {"type": "string"}, "hpo": {"type": "string"},
                   "groups": {"type": "array", "items": {"type": "string"}},
                   "anchors": {"type": "array", "items": {"type": "string"}}, "source": SOURCE},
}


def error_responses(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": "error", "content": {"application/json": {"schema": ERROR}}}
            for s in statuses}


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# Other blueprints add their operations here at import time (see register_paths).
EXTRA_PATHS: dict[str, dict[str, Any]] = {}


def register_paths(paths: dict[str, dict[str, Any]]) -> None:
    """Let another API module describe its operations in the same document."""
    for path, ops in paths.items():
        EXTRA_PATHS.setdefault(path, {}).update(ops)


def _one_of_words(words: list[str], extra: str = "") -> str:
    """A pattern for any of these words (or `extra`), surrounding whitespace allowed as the parsers strip it."""
    alternatives = [re.escape(w) for w in words] + ([extra] if extra else [])
    return f"^{SPACES}(?:{'|'.join(alternatives)}){SPACES}$"


def vocabulary_schemas() -> dict[str, Any]:
    """The knowledge base's vocabularies as component schemas."""
    from rules import load_cases  # the case library loads on the first request, not at import
    from rules import offered_entries

    knowledge = kb()
    onset_terms = [t for o in knowledge.onsets.values() for t in o.hpo]
    simulated = "sim-(?:" + "|".join(e.number for e in offered_entries()) + ")-[0-9]{1,9}"
    # authored-<n>: no sign, no leading zero, n at most 2147483647 (an SQL integer).
    authored = ("authored-(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
                "|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])")
    return {
        "CaseId": {"type": "string", "pattern": _one_of_words(list(load_cases()), f"{simulated}|{authored}"),
                   "description": "a written case (GET /api/v1/cases), a simulated patient sim-<number>-<seed>, "
                                  "or, with the educator's key, one of their authored cases authored-<n>"},
        "FindingId": {"type": "string", "pattern": _one_of_words(list(knowledge.findings), HPO_ID_PATTERN),
                      "description": "a finding slug (GET /api/v1/findings) or an HPO id HP:0000000"},
        "FindingSlug": {"type": "string", "pattern": _one_of_words(list(knowledge.findings)),
                        "description": "a finding slug (GET /api/v1/findings)"},
        "MechanismSlug": {"type": "string", "pattern": _one_of_words(list(knowledge.mechanisms)),
                          "description": "a mechanism slug"},
        "Onset": {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["", *knowledge.onsets, *onset_terms]}],
                  "description": "an onset class or its HPO onset id; null or empty means unknown"},
        "FamilyHistory": {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["", *knowledge.family_histories]}],
                          "description": "null or empty means unknown"},
    }


def openapi_document(version: str) -> dict[str, Any]:
    """The whole document."""
    paths: dict[str, Any] = {
        "/api/v1/findings": {"get": {
            "summary": "The finding vocabulary",
            "responses": {"200": json_response({
                "type": "object", "required": ["findings", "knowledge_version", "disclaimer"],
                "properties": {"findings": {"type": "array", "items": FINDING}}})},
        }},
        "/api/v1/assess": {"post": {
            "summary": "Evaluate a checklist (nothing is stored)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": ASSESS_BODY}}},
            "responses": {"200": json_response(ASSESSMENT), **error_responses(400, 413, 415)},
        }},
        "/api/v1/health": {"get": {
            "summary": "Liveness",
            "responses": {"200": json_response({"type": "object", "required": ["status"],
                                        "properties": {"status": {"const": "ok"}}})},
        }},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document",
            "responses": {"200": json_response({"type": "object", "required": ["openapi", "info", "paths"]})},
        }},
        **EXTRA_PATHS,
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "MIOP Checklist API", "version": version,
                 "description": "Educational use only, not a diagnosis. Every answer carries `disclaimer`."},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR, "Assessment": ASSESSMENT, "AssessBody": ASSESS_BODY, **vocabulary_schemas(),
                        "Differential": DIFFERENTIAL, "DifferentialNotes": DIFFERENTIAL_NOTES},
            # The classroom's educator key (POST /api/v1/exercises answers it once).
            "securitySchemes": {"educatorKey": {"type": "http", "scheme": "bearer",
                                               "description": "Authorization: Bearer <educator_key>"}},
        },
    }
