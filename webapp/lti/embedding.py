"""Embedding in the LMS: the /lti pages, and the classroom pages of a browser an LMS launched, may be
framed by the registered platforms' origins (and nothing else); every other page keeps
frame-ancestors 'none' and X-Frame-Options: DENY (webapp/infra/security.py)."""

from __future__ import annotations

from flask import Response
from flask import request

from ..classroom import identity
from ..infra.security import CSP
from . import bp
from .tool import platform_origins

EMBEDDABLE = ("/lti/", "/classroom/", "/join/")


def frame_ancestors() -> str | None:
    """The frame-ancestors this response may carry instead of 'none', or None to keep it."""
    path = request.path
    if not path.startswith(EMBEDDABLE):
        return None
    if not path.startswith("/lti/") and not identity.lti_embedded():
        return None
    origins = platform_origins()
    return " ".join(["'self'", *origins]) if origins else None


@bp.after_app_request
def _frame_for_platforms(response: Response) -> Response:
    allowed = frame_ancestors()
    if allowed is None:
        return response
    policy = response.headers.get("Content-Security-Policy", CSP)
    response.headers["Content-Security-Policy"] = policy.replace("frame-ancestors 'none'", f"frame-ancestors {allowed}")
    response.headers.pop("X-Frame-Options", None)
    return response
