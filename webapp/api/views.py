"""The API's own endpoints under /api/v1: liveness and the OpenAPI document. Each domain serves its
operations from its own blueprint (webapp/checklist/api.py, webapp/practice/api.py, ...)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..extensions import csrf
from ..infra.knowledge import kb
from ..openapi import openapi_document

bp = Blueprint("api", __name__)
# The API authenticates nothing by cookie, so CSRF tokens do not apply to it.
csrf.exempt(bp)


@bp.get("/health")
def health() -> dict[str, str]:
    """A trivial liveness answer (also the benchmarks' baseline endpoint)."""
    return {"status": "ok"}


@bp.get("/openapi.json")
def openapi() -> dict[str, Any]:
    """The OpenAPI 3 description of this API."""
    return openapi_document(kb().version)
