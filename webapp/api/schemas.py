"""The pieces of the OpenAPI 3.1 description that several API modules use, as plain dicts.

Request schemas say exactly what the API accepts (the fuzz tests send schema-valid bodies and expect
them accepted, schema-invalid ones and expect a 4xx). Each API module declares its own PATHS with
these; webapp/api/openapi.py assembles the document.
"""

from __future__ import annotations

from typing import Any

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
