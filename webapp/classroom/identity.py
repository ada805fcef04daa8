"""The request's side of a classroom lookup, shared by the HTML views and the API: who the client
is, and the exercise of a join code, rate-limited per client (wrong codes count as guesses)."""

from __future__ import annotations

from flask import current_app
from flask import request

from ..models import Exercise
from . import service


def client_id() -> str:
    """Who counts as one client for the join rate limit (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or "unknown"


def lookup(code: str) -> Exercise:
    """The exercise for a code a student typed, rate-limited per client."""
    cfg = current_app.config
    return service.lookup_exercise(
        code, client_id(), cfg["SECRET_KEY"], cfg["JOIN_RATE_LIMIT"], cfg["JOIN_RATE_WINDOW_SECONDS"]
    )
