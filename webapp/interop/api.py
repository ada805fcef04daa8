"""POST /api/v1/phenopacket: an /assess body in, a GA4GH Phenopacket v2 out (nothing stored)."""

from __future__ import annotations

import json
from typing import Any
from typing import cast

from flask import Blueprint
from flask import Response

from rules.hpo import load_hpo
from rules.inputs import InputError
from rules.inputs import parse_request
from rules.phenopacket import export_phenopacket

from ..api.common import ApiError
from ..api.common import api_error_response
from ..api.common import json_body
from ..api.openapi import ASSESS_BODY
from ..api.openapi import ASSESSMENT
from ..api.openapi import ERROR
from ..api.openapi import register_paths
from ..extensions import csrf
from ..knowledge import kb
from ..presenters import DISCLAIMER

bp = Blueprint("interop_api", __name__)
# Like the rest of the API: no cookie authentication, so no CSRF token.
csrf.exempt(bp)
bp.register_error_handler(ApiError, api_error_response)


@bp.post("/phenopacket")
def phenopacket() -> Response:
    """The checklist of an /assess body (or of a phenopacket) as a Phenopacket v2."""
    knowledge, hpo = kb(), load_hpo()
    try:
        parsed = parse_request(json_body(), knowledge, hpo)
    except InputError as err:
        raise ApiError(400, err.code, err.message) from None
    packet = export_phenopacket(parsed.answers, knowledge, hpo, disclaimer=DISCLAIMER)
    return Response(json.dumps(packet, indent=2, ensure_ascii=False) + "\n", mimetype="application/json")


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ONTOLOGY_CLASS = {"type": "object", "required": ["id"],
                   "properties": {"id": {"type": "string"}, "label": {"type": "string"}}}
PHENOPACKET = {
    "type": "object",
    "description": "A GA4GH Phenopacket (schema v2; v1 is read too). Only phenotypicFeatures (type, "
                   "excluded or v1 negated, onset) are used; the rest is checked for shape.",
    "properties": {
        "id": {"type": "string"},
        "phenotypicFeatures": {"type": "array", "items": {
            "type": "object", "required": ["type"],
            "properties": {"type": _ONTOLOGY_CLASS, "excluded": {"type": "boolean"},
                           "onset": {"type": "object", "properties": {"ontologyClass": _ONTOLOGY_CLASS}}}}},
        "metaData": {"type": "object"},
    },
}
PHENOPACKET_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["phenopacket"],
    "properties": {"phenopacket": PHENOPACKET,
                   "family_history": cast(dict[str, Any], ASSESS_BODY["properties"])["family_history"]},
}
_ERRORS = {str(s): _json(ERROR, "error") for s in (400, 413, 415)}
register_paths({
    "/api/v1/phenopacket": {"post": {
        "summary": "A GA4GH Phenopacket v2 of a checklist: absent findings excluded, onset on each "
                   "present feature, a random id, the disclaimer in metaData.externalReferences",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"oneOf": [ASSESS_BODY, PHENOPACKET_BODY]}}}},
        "responses": {"200": _json(PHENOPACKET, "the phenopacket"), **_ERRORS},
    }},
    # Described here in full because the body may now also be a phenopacket.
    "/api/v1/assess": {"post": {
        "summary": "Evaluate a checklist, given as findings or as a phenopacket (nothing is stored)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"oneOf": [ASSESS_BODY, PHENOPACKET_BODY]}}}},
        "responses": {"200": _json(ASSESSMENT), **_ERRORS},
    }},
})
