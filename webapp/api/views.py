"""JSON API views: thin wrappers around rules and the presenters."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from flask import Blueprint
from flask import Response
from flask import request

from rules import KnowledgeBase
from rules import evaluate
from rules import load_hpo
from rules import parse_request

from ..errors import ApiError
from ..extensions import csrf
from ..knowledge import kb
from ..presenters import DETAILS
from ..presenters import knowledge_document
from ..presenters import present_assessment
from ..presenters import present_vocabulary
from .common import json_body
from .common import ok
from .openapi import openapi_document

bp = Blueprint("api", __name__)
# The API authenticates nothing by cookie, so CSRF tokens do not apply to it.
csrf.exempt(bp)


@bp.get("/findings")
def findings():
    """The finding vocabulary."""
    knowledge = kb()
    return ok({"knowledge_version": knowledge.version, "findings": present_vocabulary(knowledge)})


def assessment_of(body: Any, detail: str = "compact") -> dict[str, Any]:
    """The presented assessment of an /assess body; InputError for input it cannot read."""
    knowledge = kb()
    parsed = parse_request(body, knowledge, load_hpo())
    return present_assessment(evaluate(parsed.answers, knowledge), knowledge, parsed, detail)


def _detail() -> str:
    """The answer asked for: `?detail=compact` (the default) or `?detail=full`; a 400 for any other,
    or for the parameter given twice (which one was meant cannot be told)."""
    given = request.args.getlist("detail")
    if len(given) > 1:
        raise ApiError(400, "invalid_detail", "Give detail once: compact or full.")
    detail = given[0] if given else "compact"
    if detail not in DETAILS:
        raise ApiError(400, "invalid_detail", f"detail must be one of {', '.join(DETAILS)}, not {detail[:40]!r}.")
    return detail


@bp.post("/assess")
def assess():
    """Evaluate a checklist given as JSON; nothing is stored."""
    detail = _detail()  # before the body: a wrong parameter changes nothing either way
    return ok(assessment_of(json_body(), detail))  # an InputError is a 400 (webapp/errors.py)


@bp.get("/knowledge")
def knowledge():
    """What every item of an answer says, by id, once: the texts the compact answer refers to."""
    body, etag = knowledge_answer(kb())
    # The same for everyone and free of anything entered: a client may keep it, and asks again with
    # its ETag (weak comparison, as If-None-Match has it) to learn whether the knowledge changed.
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@functools.cache
def knowledge_answer(knowledge: KnowledgeBase) -> tuple[bytes, str]:
    """The knowledge document's answer as served (with the version and the disclaimer), encoded once
    per process, and its ETag: a digest of those very bytes, so any change to them changes it."""
    body = ok(knowledge_document(knowledge).sections).get_data()
    return body, hashlib.sha256(body).hexdigest()[:32]


@bp.get("/health")
def health():
    """A trivial liveness answer (also the benchmarks' baseline endpoint)."""
    return {"status": "ok"}


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return openapi_document(kb().version)
