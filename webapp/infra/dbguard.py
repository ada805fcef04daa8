"""A PostgreSQL that hangs (answers nothing, keeps the socket open) must not hold a request for long.

libpq's connect_timeout bounds a new connection, statement_timeout makes the server cancel a slow
statement, keepalives and tcp_user_timeout notice a peer whose packets stop being acknowledged. None
of them helps when the peer still acknowledges but never answers (a stuck server, a stuck proxy or
pooler in between): the client waits on its socket for ever. So every wait of a connection
(a statement, the pool's ping, a commit) has a deadline here, through psycopg's own wait timeout;
past it the connection is closed and the request gets its 503.

And once a wait has timed out that way, the engine knows the database is down: for COOLDOWN seconds
every further wait fails at once instead of holding another thread (a circuit breaker), then one
request tries again. So during a stall the classroom answers 503s at once and the threads stay
free for the checklist, which never uses the database.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
import weakref
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine

COOLDOWN_SECONDS = 5
_local = threading.local()
_breakers: weakref.WeakKeyDictionary[Engine, Breaker] = weakref.WeakKeyDictionary()


class Breaker:
    """Open for COOLDOWN seconds after the database failed to answer; then one caller probes."""

    def __init__(self, cooldown: float = COOLDOWN_SECONDS) -> None:
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()
        self.waiting: dict[int, float] = {}  # connection id -> when its current wait began

    def stalled_for(self) -> float:
        """How long the oldest wait still in flight has been waiting (0 when none is)."""
        try:
            started = min(tuple(self.waiting.values()), default=None)
        except RuntimeError:  # another thread changed the dict mid-copy: ask again next time
            return 0.0
        return 0.0 if started is None else time.monotonic() - started

    def allow(self) -> bool:
        if not self._open_until:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._open_until:
                return False
            self._open_until = now + self.cooldown  # this caller probes; the others keep failing fast
            return True

    def trip(self) -> None:
        self._open_until = time.monotonic() + self.cooldown

    def reset(self) -> None:
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        return bool(self._open_until) and time.monotonic() < self._open_until


class Unavailable(psycopg.OperationalError):
    """The database did not answer in time, or is known to be down just now."""


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Within the block, this thread's database waits get this deadline (None: no deadline at all,
    for migrations), whatever the engine's DATABASE_TIMEOUT."""
    before = getattr(_local, "limit", False)
    _local.limit, _local.gave_up = seconds, False
    try:
        yield
    finally:
        _local.limit, _local.gave_up = before, False


def with_deadline(seconds: float | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a function so that its database waits get this deadline (see `deadline`)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with deadline(seconds):
                return func(*args, **kwargs)

        return wrapper

    return decorate


def _limit(default: float | None) -> float | None:
    limit = getattr(_local, "limit", False)
    return default if limit is False else limit


class GuardedConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every wait has a deadline and reports to the engine's breaker."""

    wait_timeout: float | None = None
    breaker: Breaker | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        breaker = self.breaker
        limit = _limit(self.wait_timeout)
        if breaker is not None and limit is not None and not breaker.allow():
            gen.close()
            self.pgconn.finish()  # the connection is broken for SQLAlchemy: it is discarded, not reused
            raise Unavailable("the database did not answer a moment ago; not waiting for it again yet")
        if limit is not None and (timeout is None or timeout > limit):
            timeout = limit
        if breaker is not None:
            breaker.waiting[id(self)] = time.monotonic()
        try:
            result = super().wait(gen, interval, timeout)
        except psycopg.OperationalError as err:
            if type(err).__name__ == "_WaitTimeout":  # psycopg's own "wait timed out"
                self.pgconn.finish()
                if limit == self.wait_timeout:
                    if breaker is not None:
                        breaker.trip()
                else:  # a caller's shorter deadline (the rate limiter's): a slow database is not down,
                    _local.gave_up = True  # but that caller does not wait for a new connection either
                raise Unavailable(f"the database did not answer within {timeout:g} s") from None
            raise  # a refused or broken connection fails at once: nothing to protect the threads from
        finally:
            if breaker is not None:
                breaker.waiting.pop(id(self), None)
        if breaker is not None:
            breaker.reset()
        return result

    @classmethod
    def connect_within(cls, seconds: float, **cparams: Any) -> GuardedConnection:
        """Connect with a deadline below libpq's 2 s minimum connect_timeout (the rate limiter's):
        psycopg's own connect, one attempt, its wait bounded by `seconds`."""
        try:
            from psycopg import waiting
            from psycopg.adapt import AdaptersMap
            from psycopg.conninfo import conninfo_attempts
            from psycopg.conninfo import make_conninfo

            # What psycopg's connect() takes as keywords rather than as connection parameters.
            params = dict(cparams)
            context = params.pop("context", None)
            autocommit = bool(params.pop("autocommit", False))
            prepare_threshold = params.pop("prepare_threshold", 5)
            attempt = conninfo_attempts(cls._get_connection_params("", **params))[0]
            gen = cls._connect_gen(make_conninfo("", **attempt))
        except (ImportError, AttributeError, IndexError, TypeError):  # another psycopg: 2 s at least
            return cls.connect(**cparams)
        try:
            conn: GuardedConnection = waiting.wait_conn(gen, interval=0.1, timeout=seconds)
        except psycopg.OperationalError as err:
            if type(err).__name__ == "_WaitTimeout":
                raise Unavailable(f"the database did not accept a connection within {seconds:g} s") from None
            raise
        conn._autocommit = autocommit
        if context is not None:
            conn._adapters = AdaptersMap(context.adapters)
        conn.prepare_threshold = prepare_threshold
        return conn


def _with_server_timeouts(cparams: dict[str, Any], statement_timeout_ms: int) -> None:
    """Add statement_timeout to the startup options, keeping options the URL gives (search_path)."""
    option = f"-c statement_timeout={statement_timeout_ms}"
    given = str(cparams.get("options") or "")
    if "statement_timeout" not in given:
        cparams["options"] = f"{given} {option}".strip()


def guard_engine(engine: Engine, timeout: float | None) -> Breaker:
    """Connect through GuardedConnection with the deadline `timeout` (seconds; None or 0: off)."""
    breaker = Breaker()
    limit = float(timeout) if timeout else None

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        this = _limit(limit)
        if this is not None:
            if getattr(_local, "gave_up", False) or not breaker.allow():
                raise Unavailable("the database did not answer a moment ago; not connecting again yet")
            # libpq's minimum is 2 s; a shorter deadline of this thread (the rate limiter's) shortens it.
            cparams["connect_timeout"] = max(2, min(int(cparams.get("connect_timeout") or 10), int(this)))
        if limit is not None and this is not None:
            # The server cancels a slow statement a second before the client would give up on it.
            _with_server_timeouts(cparams, int(max(1.0, limit - 1) * 1000))
        try:
            if this is not None and this < 2 and not cargs:
                conn = GuardedConnection.connect_within(this, **cparams)
            else:
                conn = GuardedConnection.connect(*cargs, **cparams)
        except psycopg.errors.ConnectionTimeout:
            if this is not None and this == limit:
                breaker.trip()  # only a database that takes its time: a refusal costs no waiting
            raise
        conn.wait_timeout, conn.breaker = limit, breaker
        breaker.reset()
        return conn

    _breakers[engine] = breaker
    return breaker


def known_down(engine: Engine, patience: float | None = None) -> bool:
    """Whether the engine's database failed to answer within the last few seconds, or (with
    `patience`) has kept a request waiting longer than that right now."""
    breaker = _breakers.get(engine)
    if breaker is None:
        return False
    return breaker.is_open or (patience is not None and breaker.stalled_for() > patience)


def is_guarded(engine: Engine) -> bool:
    return engine in _breakers
