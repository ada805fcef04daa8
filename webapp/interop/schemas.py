"""The OpenAPI schema of a GA4GH phenopacket as the importer reads it, and of an /assess body made of
one (POST /api/v1/assess and /api/v1/phenopacket take either kind of body)."""

from __future__ import annotations

from typing import Any
from typing import cast

from ..api.schemas import HPO_ID_PATTERN
from ..api.schemas import SPACES
from ..checklist.schemas import ASSESS_BODY


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    # The protobuf JSON mapping reads null as "not set", and so does the importer.
    return {"anyOf": [{"type": "null"}, schema]}


def _strict(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with only these fields, each nullable unless required (the importer checks both)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": {k: v if k in required else _nullable(v) for k, v in properties.items()},
    }


_TEXT = {"type": "string"}
_ANY: dict[str, Any] = {}
_OBJECTS = {"type": "array", "items": {"type": "object"}}
# An HPO id (any case, seven digits) or another ontology's CURIE.
_CURIE = {
    "anyOf": [
        {"type": "string", "pattern": f"^{HPO_ID_PATTERN}$"},
        {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_.-]*:[!-~]+$", "not": {"pattern": "^[Hh][Pp]:"}},
    ]
}
_ONTOLOGY_CLASS = _strict({"id": _CURIE, "label": _TEXT}, ("id",))
_ONTOLOGY_CLASSES = {"type": "array", "items": _ONTOLOGY_CLASS}


def _age(field: str) -> dict[str, Any]:
    return _strict({field: {"type": "string", "description": "ISO 8601 duration, e.g. P3M"}}, (field,))


def _age_range(field: str) -> dict[str, Any]:
    return _strict({"start": _age(field), "end": _age(field)}, ("start", "end"))


_TIME_ELEMENTS = {
    "gestationalAge": _strict({"weeks": {"type": "integer"}, "days": {"type": "integer"}}),
    "age": _age("iso8601duration"),
    "ageRange": _age_range("iso8601duration"),
    "ontologyClass": _ONTOLOGY_CLASS,
    "timestamp": _TEXT,
    "interval": _strict({"start": _TEXT, "end": _TEXT}),
}
# A v2 TimeElement: exactly one of its fields set.
_TIME_ELEMENT = {
    **_strict(_TIME_ELEMENTS),
    "oneOf": [{"required": [k], "properties": {k: v}} for k, v in _TIME_ELEMENTS.items()],
}
_FEATURE_COMMON = {
    "description": _TEXT,
    "type": _ONTOLOGY_CLASS,
    "severity": _ONTOLOGY_CLASS,
    "modifiers": _ONTOLOGY_CLASSES,
    "evidence": _OBJECTS,
}
_FEATURE_V2 = _strict(
    {**_FEATURE_COMMON, "excluded": {"type": "boolean"}, "onset": _TIME_ELEMENT, "resolution": _TIME_ELEMENT}, ("type",)
)
_FEATURE_V1 = _strict(
    {
        **_FEATURE_COMMON,
        "negated": {"type": "boolean"},
        "ageOfOnset": _age("age"),
        "ageRangeOfOnset": _age_range("age"),
        "classOfOnset": _ONTOLOGY_CLASS,
    },
    ("type",),
)
_META = _strict(
    {
        "created": _TEXT,
        "createdBy": _TEXT,
        "submittedBy": _TEXT,
        "phenopacketSchemaVersion": {"type": "string", "description": "1.0 or 2.0 (the major version counts)"},
        "resources": {
            "type": "array",
            "items": _strict({k: _TEXT for k in ("id", "name", "url", "version", "namespacePrefix", "iriPrefix")}),
        },
        "externalReferences": {
            "type": "array",
            "items": _strict({k: _TEXT for k in ("id", "reference", "description")}),
        },
        "updates": _OBJECTS,
    }
)
_SUBJECT = _strict(
    {
        "id": _TEXT,
        **{
            k: _ANY
            for k in (
                "alternateIds",
                "dateOfBirth",
                "timeAtLastEncounter",
                "vitalStatus",
                "sex",
                "karyotypicSex",
                "gender",
                "taxonomy",
                "ageAtCollection",
                "ageRangeAtCollection",
            )
        },
    }
)


def _version(major: int, feature: dict[str, Any]) -> dict[str, Any]:
    """A packet of one schema version: declared in metaData (or not declared), features of that version."""
    # The importer trims the version and reads the part before the first dot.
    pattern = f"^{SPACES}{major}(?:{SPACES}|\\.[\\s\\S]*)$"
    blank = f"^{SPACES}$"
    return {
        "properties": {
            "metaData": {
                "anyOf": [
                    {"type": "null"},
                    {
                        "properties": {
                            "phenopacketSchemaVersion": {
                                "anyOf": [
                                    {"type": "null"},
                                    {"type": "string", "pattern": pattern},
                                    {"type": "string", "pattern": blank},
                                ]
                            }
                        }
                    },
                ]
            },
            "phenotypicFeatures": {"anyOf": [{"type": "null"}, {"type": "array", "items": feature}]},
        }
    }


PHENOPACKET = {
    **_strict(
        {
            "id": _TEXT,
            "subject": _SUBJECT,
            "phenotypicFeatures": {"type": "array", "items": {"type": "object"}},
            "metaData": _META,
            **{
                k: _OBJECTS
                for k in (
                    "measurements",
                    "biosamples",
                    "interpretations",
                    "diseases",
                    "medicalActions",
                    "files",
                    "genes",
                    "variants",
                    "hgvsFiles",
                    "htsFiles",
                )
            },
        }
    ),
    "description": "A GA4GH Phenopacket (schema v2; v1 is read too, and so are the snake_case field names of "
    "the protobuf). Only phenotypicFeatures (type, excluded or v1 negated, onset) are used; the "
    "rest is checked for shape. Without a declared phenopacketSchemaVersion, a feature with a "
    "v1-only field makes the whole packet v1.",
    "allOf": [
        # Something to read: features or metaData.
        {
            "anyOf": [
                {"required": ["phenotypicFeatures"], "properties": {"phenotypicFeatures": {"type": "array"}}},
                {"required": ["metaData"], "properties": {"metaData": {"type": "object"}}},
            ]
        },
        {"anyOf": [_version(2, _FEATURE_V2), _version(1, _FEATURE_V1)]},
    ],
}
PHENOPACKET_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["phenopacket"],
    "properties": {
        "phenopacket": PHENOPACKET,
        "family_history": cast(dict[str, Any], ASSESS_BODY["properties"])["family_history"],
    },
}
