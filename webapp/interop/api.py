"""POST /api/v1/phenopacket: an /assess body in, a GA4GH Phenopacket v2 out (nothing stored)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint
from flask import Response

from rules import export_phenopacket
from rules import load_hpo
from rules import parse_request

from ..api.common import json_body
from ..api.schemas import ERROR
from ..api.schemas import json_response
from ..checklist.schemas import ASSESS_BODY
from ..extensions import csrf
from ..infra.knowledge import kb
from ..infra.ratelimit import rate_limited
from ..wording import DISCLAIMER
from .schemas import PHENOPACKET
from .schemas import PHENOPACKET_BODY

bp = Blueprint("interop_api", __name__)
# Like the rest of the API: no cookie authentication, so no CSRF token.
csrf.exempt(bp)


@bp.post("/phenopacket")
@rate_limited("imports")
def phenopacket() -> Response:
    """The checklist of an /assess body (or of a phenopacket) as a Phenopacket v2."""
    knowledge, hpo = kb(), load_hpo()
    parsed = parse_request(json_body(), knowledge, hpo)  # an InputError is a 400 (webapp/infra/errors.py)
    packet = export_phenopacket(parsed.answers, knowledge, hpo, disclaimer=DISCLAIMER, other_terms=parsed.other_terms)
    return Response(json.dumps(packet, indent=2, ensure_ascii=False) + "\n", mimetype="application/json")


_ERRORS = {str(s): json_response(ERROR, "error") for s in (400, 413, 415)}
PATHS: dict[str, Any] = {
    "/api/v1/phenopacket": {
        "post": {
            "summary": "A GA4GH Phenopacket v2 of a checklist: absent findings excluded, onset on each "
            "present feature, a random id, the disclaimer in metaData.externalReferences",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"oneOf": [ASSESS_BODY, PHENOPACKET_BODY]}}},
            },
            "responses": {
                "200": json_response(PHENOPACKET, "the phenopacket"),
                **_ERRORS,
                "429": json_response(ERROR, "too many imports from this client; see Retry-After"),
            },
        }
    },
}
