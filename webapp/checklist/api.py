"""The checklist's JSON API under /api/v1: the finding vocabulary, POST /assess (nothing is stored)
and the knowledge document a compact answer refers to; thin wrappers around rules and the presenters."""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

from flask import Blueprint
from flask import Response
from flask import request
from flask_babel import gettext

from rules import HPO_LANGUAGES
from rules import KnowledgeBase
from rules import evaluate
from rules import load_hpo
from rules import parse_request
from rules import search_hpo

from ..api.common import ApiError
from ..api.common import json_body
from ..api.common import ok
from ..api.schemas import ERROR
from ..api.schemas import VISIBLE
from ..api.schemas import error_responses
from ..api.schemas import json_response
from ..api.schemas import ref
from ..extensions import csrf
from ..infra.knowledge import kb
from ..infra.language import request_language
from ..infra.language import ui_language
from ..interop.schemas import PHENOPACKET_BODY
from .presenters import DETAILS
from .presenters import EVIDENCE
from .presenters import knowledge_document
from .presenters import present_assessment
from .presenters import present_vocabulary
from .schemas import ASSESS_BODY
from .schemas import ASSESSMENT
from .schemas import ASSESSMENT_COMPACT
from .schemas import DIFFERENTIAL
from .schemas import DIFFERENTIAL_COMPACT
from .schemas import DIFFERENTIAL_NOTES
from .schemas import DIFFERENTIAL_NOTES_COMPACT
from .schemas import FINDING
from .schemas import KNOWLEDGE

bp = Blueprint("checklist_api", __name__)
# The API authenticates nothing by cookie, so CSRF tokens do not apply to it.
csrf.exempt(bp)


@bp.get("/findings")
def findings() -> Response:
    """The finding vocabulary."""
    knowledge = kb()
    return ok({"knowledge_version": knowledge.version, "findings": present_vocabulary(knowledge)})


def assessment_of(body: Any, detail: str = "compact", evidence: str = "top") -> dict[str, Any]:
    """The presented assessment of an /assess body; InputError for input it cannot read."""
    knowledge = kb()
    parsed = parse_request(body, knowledge, load_hpo())
    return present_assessment(evaluate(parsed.answers, knowledge), knowledge, parsed, detail, evidence == "all")


def _detail() -> str:
    """The answer asked for: `?detail=compact` (the default) or `?detail=full`; a 400 for any other,
    or for the parameter given twice (which one was meant cannot be told)."""
    given = request.args.getlist("detail")
    if len(given) > 1:
        raise ApiError(400, "invalid_detail", gettext("Give detail once: compact or full."))
    detail = given[0] if given else "compact"
    if detail not in DETAILS:
        raise ApiError(
            400,
            "invalid_detail",
            gettext("detail must be one of %(allowed)s, not %(given)r.", allowed=", ".join(DETAILS), given=detail[:40]),
        )
    return detail


def _evidence() -> str:
    """Whose evidence the full answer gives: `?evidence=top` (the default: the first entries') or
    `?evidence=all`; a 400 for any other value, or for the parameter given twice. The compact answer
    always gives the first entries' evidence."""
    given = request.args.getlist("evidence")
    if len(given) > 1 or (given and given[0] not in EVIDENCE):
        raise ApiError(
            400,
            "invalid_evidence",
            gettext("Give evidence once: %(first)s or %(second)s.", first=EVIDENCE[0], second=EVIDENCE[1]),
        )
    return given[0] if given else EVIDENCE[0]


@bp.post("/assess")
def assess() -> Response:
    """Evaluate a checklist given as JSON; nothing is stored."""
    detail = _detail()  # before the body: a wrong parameter changes nothing either way
    evidence = _evidence()
    return ok(assessment_of(json_body(), detail, evidence))  # an InputError is a 400 (webapp/infra/errors.py)


@bp.get("/knowledge")
def knowledge() -> Response:
    """What every item of an answer says, by id, once: the texts the compact answer refers to."""
    body, etag = knowledge_answer(kb(), ui_language())
    # The same for everyone and free of anything entered: a client may keep it, and asks again with
    # its ETag (weak comparison, as If-None-Match has it) to learn whether the knowledge changed.
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Language")
    return response


@functools.cache
def knowledge_answer(knowledge: KnowledgeBase, language: str) -> tuple[bytes, str]:
    """The knowledge document's answer as served (with the version and the disclaimer), encoded once
    per process and language (the request's, which the answer's words and `language` follow), and its
    ETag: a digest of those very bytes, so any change to them changes it."""
    body = ok(knowledge_document(knowledge).sections).get_data()
    return body, hashlib.sha256(body).hexdigest()[:32]


# The HPO search's bounds: the query's length in characters, and how many results may be asked for.
QUERY_MAX = 100
LIMIT_MAX, LIMIT_DEFAULT = 50, 10
SOMETHING_VISIBLE = re.compile(VISIBLE)  # a query of spaces and control characters alone is refused


def _one(name: str) -> str | None:
    """A query parameter given at most once (None when absent); a 400 when it is given twice."""
    given = request.args.getlist(name)
    if len(given) > 1:
        raise ApiError(400, f"invalid_{name}", gettext("Give %(name)s once.", name=name))
    return given[0] if given else None


@bp.get("/hpo/search")
def hpo_search() -> Response:
    """HPO terms of the phenotypic abnormality subtree matching the text typed, labelled in the
    request's language. The query is clinical input: it is neither stored nor logged (the access log
    has no query strings), and the answer may not be cached."""
    query = _one("q")
    if query is None or not SOMETHING_VISIBLE.search(query) or len(query) > QUERY_MAX:
        raise ApiError(
            400, "invalid_q", gettext("Give q: the text to search for, 1 to %(max)s characters.", max=QUERY_MAX)
        )
    raw_limit = _one("limit")
    limit = LIMIT_DEFAULT
    if raw_limit is not None:
        if not (raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit) <= LIMIT_MAX):
            raise ApiError(
                400, "invalid_limit", gettext("limit must be a whole number from 1 to %(max)s.", max=LIMIT_MAX)
            )
        limit = int(raw_limit)
    language = request_language(HPO_LANGUAGES)
    if language is None:
        raise ApiError(
            400, "invalid_lang", gettext("Give lang once, one of %(allowed)s.", allowed=", ".join(HPO_LANGUAGES))
        )
    results = [
        {"id": h.id, "label": h.label, "label_status": h.label_status, "matched": h.matched, "finding": h.finding}
        for h in search_hpo(query, language, limit)
    ]
    response = ok({"language": language, "hpo_release": load_hpo().release, "results": results})
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    return response


# --- The OpenAPI description of these operations (webapp/openapi.py assembles the document) -----------
DETAIL = {
    "name": "detail",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": list(DETAILS), "default": DETAILS[0]},
    "description": "compact (the default): each item of the answer by its id, with its source's id; what the "
    "items say (titles, explanations, what to do, the passages cited) is in GET /api/v1/knowledge, "
    "once per knowledge version. full: every text inline, as the result page shows it.",
}
EVIDENCE_PARAMETER = {
    "name": "evidence",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": list(EVIDENCE), "default": EVIDENCE[0]},
    "description": "for detail=full (the compact answer always gives the first ten's). top (the default): "
    "the evidence of the first ten entries of the differential (every entry keeps its "
    "probability); all: every entry's evidence.",
}
ETAG = {
    "description": "the version of the knowledge document; send it back as If-None-Match to be told (304) "
    "that your copy is still the current one",
    "schema": {"type": "string"},
}
HPO_HIT = {
    "type": "object",
    "required": ["id", "label", "label_status", "matched", "finding"],
    "properties": {
        "id": {"type": "string", "pattern": "^HP:[0-9]{7}$"},
        "label": {"type": "string", "description": "the term's label in the answer's language, as HPO gives it"},
        "label_status": {
            "type": "string",
            "enum": ["official", "stale", "english"],
            "description": "official: the official label in that language (or HPO's own, in English); stale: "
            "the official label, translated from an older English label; english: that language has no "
            "official label for the term, so this is the English one",
        },
        "matched": {
            "type": "string",
            "description": "the text that matched: a label (in the answer's language or English) or an "
            "English synonym, layperson ones included",
        },
        "finding": {
            "anyOf": [{"type": "null"}, ref("FindingSlug")],
            "description": "the checklist finding the term counts as (the first, for a term that counts as "
            "several), or null",
        },
    },
}
HPO_SEARCH_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": QUERY_MAX, "pattern": VISIBLE},
        "description": "the text typed: a label, a synonym or plain words, in English or the answer's "
        "language; case and accents do not matter, words may be begun (macroc) and in any order; "
        "Chinese and Japanese match anywhere in a label. Never stored or logged.",
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT},
        "description": "how many terms at most, best first",
    },
    {
        "name": "lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(HPO_LANGUAGES)},
        "description": "the answer's language; without it, the first of Accept-Language the app has "
        "(by primary tag: es-CR is es), else English",
    },
]
PATHS: dict[str, Any] = {
    "/api/v1/hpo/search": {
        "get": {
            "summary": "Find HPO terms of the phenotypic abnormality subtree by label or synonym",
            "description": "Searches the English labels and synonyms (layperson ones included) of every term "
            "at or below Phenotypic abnormality (HP:0000118), and the official labels of the answer's "
            "language. Each term comes once, ranked by its best text: an exact label, an exact "
            "synonym, a label beginning with the query, a label with its words, then the same for "
            "synonyms. Nothing is stored, logged or cached.",
            "parameters": HPO_SEARCH_PARAMETERS,
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["language", "hpo_release", "results", "knowledge_version", "disclaimer"],
                        "properties": {
                            "language": {"type": "string", "enum": list(HPO_LANGUAGES)},
                            "hpo_release": {"type": "string"},
                            "results": {"type": "array", "items": HPO_HIT},
                        },
                    }
                ),
                "400": json_response(
                    ERROR,
                    "q missing, blank, longer than 100 characters or given twice (code invalid_q); "
                    "limit not a whole number from 1 to 50 (invalid_limit); lang not one of the "
                    "languages (invalid_lang)",
                ),
            },
        }
    },
    "/api/v1/findings": {
        "get": {
            "summary": "The finding vocabulary",
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["findings", "knowledge_version", "disclaimer"],
                        "properties": {"findings": {"type": "array", "items": FINDING}},
                    }
                )
            },
        }
    },
    # The body may be findings or a phenopacket (rules.parse_request reads both).
    "/api/v1/assess": {
        "post": {
            "summary": "Evaluate a checklist, given as findings or as a phenopacket (nothing is stored)",
            "parameters": [DETAIL, EVIDENCE_PARAMETER],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"oneOf": [ASSESS_BODY, PHENOPACKET_BODY]}}},
            },
            "responses": {
                "200": json_response(
                    {"oneOf": [ref("AssessmentCompact"), ref("Assessment")]},
                    "the compact answer (the default), or the full one with ?detail=full",
                ),
                "400": json_response(
                    ERROR,
                    "the body cannot be read (the error's code and message say why), or "
                    "detail is neither compact nor full (code invalid_detail), or evidence is "
                    "neither top nor all, or given twice (code invalid_evidence)",
                ),
                **error_responses(413, 415),
            },
        }
    },
    "/api/v1/knowledge": {
        "get": {
            "summary": "What every item of a compact answer says, by id, once per knowledge version",
            "description": "The texts a compact answer of POST /api/v1/assess refers to by id: clues, mechanisms, "
            "red flags, the standard evaluations, genes (by OMIM number), what to check for each item, "
            "findings, the entries of the differential, onsets, family histories and sources. It "
            "changes only with the knowledge version (`knowledge_version` of every answer); keep a copy "
            "and ask again with If-None-Match.",
            "parameters": [
                {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "the ETag of the copy you have",
                }
            ],
            "responses": {
                "200": {**json_response(ref("Knowledge"), "the knowledge document"), "headers": {"ETag": ETAG}},
                "304": {
                    "description": "Not modified: the copy whose ETag you sent is the current one (no body)",
                    "headers": {"ETag": ETAG},
                },
            },
        }
    },
}
SCHEMAS: dict[str, Any] = {
    "Assessment": ASSESSMENT,
    "AssessmentCompact": ASSESSMENT_COMPACT,
    "AssessBody": ASSESS_BODY,
    "Differential": DIFFERENTIAL,
    "DifferentialCompact": DIFFERENTIAL_COMPACT,
    "DifferentialNotes": DIFFERENTIAL_NOTES,
    "DifferentialNotesCompact": DIFFERENTIAL_NOTES_COMPACT,
    "Knowledge": KNOWLEDGE,
}
