"""How the classroom answers its own refusals: a browser without the educator key is sent to the
exercise's claim form instead of a dead end; everything else as every domain error is answered
(webapp/infra/errors.py)."""

from __future__ import annotations

from flask import make_response
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue

from ..infra.errors import domain_error_response
from ..infra.errors import wants_json
from .service import ClassroomError


def classroom_error_response(err: ClassroomError) -> ResponseReturnValue:
    """Render a ClassroomError (HTML or JSON by path); a 429 says when to retry."""
    if err.claim_code and not wants_json():
        # A browser without the key: say where to paste it instead of a dead end.
        response = make_response(
            render_template(
                "classroom/need_key.html",
                message=err.message,
                code=err.claim_code,
                claim_url=url_for("classroom.claim", code=err.claim_code),
            ),
            err.status,
        )
        if err.retry_after is not None:
            response.headers["Retry-After"] = str(err.retry_after)
        return response
    return domain_error_response(err)
