"""Helpers every API view uses: strict JSON bodies and the error contract."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask import abort
from flask import jsonify
from flask import request
from flask_babel import gettext

from ..infra.errors import DomainError
from ..infra.knowledge import kb
from ..infra.language import ui_language
from ..wording import disclaimer


class ApiError(DomainError):
    """A 4xx of the API with a machine-readable code (webapp/infra/errors.py answers it)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def json_body() -> Any:
    """The request's JSON body; 415 unless it is JSON, 413 above MAX_CONTENT_LENGTH, 400 when it does not parse."""
    req = request._get_current_object()  # type: ignore[attr-defined]  # Werkzeug's documented way past the proxy
    environ = req.environ
    if environ.get("CONTENT_TYPE") != "application/json" and not req.is_json:  # the usual type, or any JSON type
        raise ApiError(
            415, "unsupported_media_type", gettext("Send the body as JSON (Content-Type: application/json).")
        )
    declared = environ.get("CONTENT_LENGTH", "")
    limit = req.max_content_length
    if declared.isascii() and declared.isdigit() and (limit is None or int(declared) <= limit):
        # The usual body, of a declared length within the limit, read straight from the server's
        # stream: Werkzeug's general reader (below) does the same with more steps per request.
        raw = environ["wsgi.input"].read(int(declared))
        if len(raw) != int(declared):
            raise ApiError(400, "invalid_json", gettext("The body ended before its declared length."))
    else:
        raw = req.get_data(cache=True)  # chunked or too long (413, handled centrally)
    try:
        # Strict JSON: NaN, Infinity and lone surrogates are refused (the standard library takes them).
        return orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise ApiError(400, "invalid_json", gettext("The body is not valid JSON: %(error)s", error=str(err))) from None


def ok(payload: dict[str, Any], status: int = 200) -> Response:
    """A JSON answer carrying its language (of Accept-Language, among the interface's: the language of
    its texts, unless the payload names its own), the disclaimer in it and the knowledge version."""
    response = jsonify(
        {
            **payload,
            "knowledge_version": kb().version,
            "disclaimer": disclaimer(),
            "language": payload.get("language", ui_language()),
        }
    )
    if status != 200:
        response.status_code = status
    return response


__all__ = ["ApiError", "abort", "json_body", "ok"]
