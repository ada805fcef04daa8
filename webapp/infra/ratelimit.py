"""Per-client rate limits on the endpoints that write to the database or parse uploads.

Counted in the database (the rate_event table the join limit uses, a sliding window per client),
so a limit holds across gunicorn workers and instances. The limits are in webapp/config.py
(`<NAME>_RATE_LIMIT` requests per `<NAME>_RATE_WINDOW_SECONDS`, 0 turns one off) and generous: a
class of 200 behind one NAT address must still get through. POST /api/v1/assess is deliberately
not limited: it stores nothing and must stay fast.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from flask import g
from flask import has_request_context
from flask import make_response
from flask import request
from sqlalchemy import delete
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import RateEvent
from ..models import utcnow
from .database import RETRY_AFTER_SECONDS
from .database import fault
from .dbguard import Unavailable
from .dbguard import known_down
from .dbguard import with_deadline
from .errors import error_response

# Limit name -> config prefix. The names prefix the stored buckets, as "join:" does for join codes.
LIMITS = {"exercises": "EXERCISE", "submissions": "SUBMISSION", "imports": "IMPORT"}
PRUNE_ONE_IN = 100  # how often a request also clears other clients' expired events
PENDING = "rate_limit_pending"  # flask.g: (limit, bucket, time) of the events not stored yet
PRUNE = "rate_limit_prune"  # flask.g: (limit, window start) whose expired events this request clears
# The limiter's own database waits give up sooner than a view's, and a database known to be down
# or keeping another request waiting longer than that (webapp/infra/dbguard.py) is not asked at all: the
# request then goes through uncounted.
LIMITER_DEADLINE_SECONDS = 1.0
# Limits whose endpoints write to the database anyway: a request the limiter could not count there
# because the database is busy (a lock wait, or no answer within the limiter's deadline) is refused
# with a 503 "busy, retry" rather than let through uncounted. An unreachable database or a bug lets
# the request through to the view, which answers its own error.
# The import limit lets a request through (the import itself needs no database).
FAIL_CLOSED = frozenset({"exercises", "submissions"})
UNCOUNTED = -1  # what spend() answers for a request it could not count


def bucket(name: str, client: str, secret: str) -> str:
    """The stored key of one client's budget: a keyed hash, so the table never holds an IP address."""
    return f"{name}:" + hmac.new(secret.encode(), client.encode(), hashlib.sha256).hexdigest()[:40]


@with_deadline(LIMITER_DEADLINE_SECONDS)
def spend(name: str, client: str | None = None) -> int | None:
    """Check the client's budget: the seconds to wait when it is spent, else None (the request counts).

    A request that is let through is recorded in the same commit as the request's own write, so a
    classroom answer costs one write transaction, not two; a request that writes nothing (or fails)
    is recorded by itself once the view is done (`record`).
    """
    cfg = current_app.config
    limit, window = cfg[f"{LIMITS[name]}_RATE_LIMIT"], cfg[f"{LIMITS[name]}_RATE_WINDOW_SECONDS"]
    if not limit or known_down(db.engine, LIMITER_DEADLINE_SECONDS):
        return None
    key = bucket(name, client or request.remote_addr or "unknown", cfg["SECRET_KEY"])
    now = utcnow()
    since = now - timedelta(seconds=window)
    recent = (RateEvent.bucket == key, RateEvent.at > since)
    try:
        capped = select(RateEvent.id).where(*recent).limit(limit).subquery()
        if db.session.execute(select(func.count()).select_from(capped)).scalar_one() >= limit:
            oldest = db.session.execute(select(func.min(RateEvent.at)).where(*recent)).scalar_one()
            db.session.rollback()
            return max(1, math.ceil((oldest - since).total_seconds())) if oldest else window
    except SQLAlchemyError as err:
        # The import stores nothing: without the database it goes through, uncounted. A classroom
        # endpoint writes anyway: it is refused (503, retry) rather than let through uncounted.
        db.session.rollback()
        current_app.logger.warning("rate limit %s not counted: %s", name, type(err).__name__)
        busy = fault(err) == "busy" or isinstance(getattr(err, "orig", None), Unavailable)
        return UNCOUNTED if name in FAIL_CLOSED and busy else None
    g.setdefault(PENDING, []).append((name, key, now))
    if secrets.randbelow(PRUNE_ONE_IN) == 0:  # expired events only cost space: clear them now and then
        g.setdefault(PRUNE, []).append((name, since))
    return None


def _with_the_request_s_commit(session: Session) -> None:
    """Add the request's pending rate events to the commit it makes (a session event)."""
    if has_request_context() and session is db.session() and g.get(PENDING):
        rows = [{"bucket": key, "at": now} for _, key, now in g.pop(PENDING)]
        session.connection().execute(insert(RateEvent), rows)  # a Core insert: no unit of work for a log row


@with_deadline(LIMITER_DEADLINE_SECONDS)
def record() -> None:
    """Record the rate events the request's own commit did not carry, by themselves (and prune)."""
    pending, prune = g.pop(PENDING, []), g.pop(PRUNE, [])
    if not pending and not prune or known_down(db.engine, LIMITER_DEADLINE_SECONDS):
        return
    try:
        db.session.rollback()  # what the view left uncommitted is not kept, as at the end of any request
        if db.session.get_bind().dialect.name == "postgresql":
            # A counted request need not survive a crash: spare this commit the wait for the disk.
            db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        for name, since in prune:
            db.session.execute(delete(RateEvent).where(RateEvent.bucket.startswith(f"{name}:"), RateEvent.at <= since))
        db.session.add_all([RateEvent(bucket=key, at=now) for _, key, now in pending])
        db.session.commit()
    except SQLAlchemyError as err:
        db.session.rollback()
        current_app.logger.warning("rate limit %s not counted: %s", (pending or prune)[0][0], type(err).__name__)


def rate_limited(
    name: str, client: Callable[[], str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit a view's POST requests per client under the named limit; 429 with Retry-After beyond it.
    `client` says who one client is (default: the address), e.g. one classroom student."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            wait = spend(name, client() if client else None) if request.method == "POST" else None
            if wait == UNCOUNTED:
                response = make_response(
                    error_response(
                        503,
                        "The classroom database is busy just now. Please try again in a few seconds.",
                        "database_busy",
                    )
                )
                response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
            if wait is None:
                try:
                    return view(*args, **kwargs)
                finally:
                    record()
            minutes = max(1, math.ceil(wait / 60))
            response = make_response(
                error_response(
                    429,
                    f"Too many requests from this network; try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                    "too_many_requests",
                )
            )
            response.headers["Retry-After"] = str(wait)
            return response

        return wrapper

    return decorate


event.listen(Session, "before_commit", _with_the_request_s_commit)
