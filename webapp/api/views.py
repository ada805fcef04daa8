"""JSON API views: thin wrappers around rules and the presenters."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from rules import evaluate
from rules import load_hpo
from rules import parse_request

from ..extensions import csrf
from ..knowledge import kb
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


def assessment_of(body: Any) -> dict[str, Any]:
    """The presented assessment of an /assess body; InputError for input it cannot read."""
    knowledge = kb()
    parsed = parse_request(body, knowledge, load_hpo())
    return present_assessment(evaluate(parsed.answers, knowledge), knowledge, parsed)


@bp.post("/assess")
def assess():
    """Evaluate a checklist given as JSON; nothing is stored."""
    return ok(assessment_of(json_body()))  # an InputError is a 400 (webapp/errors.py)


@bp.get("/health")
def health():
    """A trivial liveness answer (also the benchmarks' baseline endpoint)."""
    return {"status": "ok"}


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return openapi_document(kb().version)
