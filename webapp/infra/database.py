"""Database wiring: which URL to use, and SQLite settings that make concurrent writers safe."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from flask import Flask
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .dbguard import guard_engine
from .dbguard import is_guarded

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
# What a 503 for an unreachable database tells clients to wait before retrying: a restart or a
# failover takes seconds, and pool_pre_ping replaces the dead pooled connections once it is back.
RETRY_AFTER_SECONDS = 5
# How long a new PostgreSQL connection may take: a host that drops packets must not hold a worker
# until gunicorn's timeout kills it; the request gets its 503 instead.
CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 5
# PostgreSQL connections each worker keeps open (DATABASE_POOL_SIZE): a fixed pool, no overflow. A
# request past them waits for one (at most POOL_TIMEOUT_SECONDS, then a 503 "busy"): connections
# opened for a burst and closed after it cost the server a process each (a lecture's answers opened
# about 1,100 in two minutes), and a laptop's two cores run no more than a few queries at once anyway.
# Workers x instances x this stays under PostgreSQL's default max_connections (100).
POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE") or 16)
# SQLite's OperationalError also covers bad SQL and a missing table (bugs: 500); these mean the
# file cannot be used just now, and what kind of fault it is (the start of SQLite's message).
_SQLITE_FAULTS = (
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("attempt to write a readonly database", "read_only"),
    ("database or disk is full", "full"),
    ("unable to open database file", "unreachable"),
    ("disk i/o error", "unreachable"),
)


def bind_migrations(app: Flask) -> None:
    """Attach Flask-Migrate: the `flask db` commands and flask_migrate.upgrade() need it."""
    from ..extensions import db
    from ..extensions import migrate

    migrate.init_app(app, db, directory=str(MIGRATIONS))


def normalise_url(url: str) -> str:
    """Map the postgres:// and postgresql:// forms hosting platforms hand out to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def resolve_database_uri(app: Flask) -> None:
    """SQLite in the instance folder unless SQLALCHEMY_DATABASE_URI or DATABASE_URL names a database."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'miop.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url = normalise_url(url)
    if url.startswith("postgresql"):
        # Notice a peer that stops acknowledging (a cut network): keepalive probes on an idle
        # connection, and at most 10 s for sent data to be acknowledged. The URL's own values win.
        given = make_url(url).query
        defaults = {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            "tcp_user_timeout": 10_000,
        }
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {
            **{k: v for k, v in defaults.items() if k not in given},
            **options.get("connect_args", {}),
        }
        # A request waits at most this long for a pooled connection, then gets its 503.
        options.setdefault("pool_timeout", POOL_TIMEOUT_SECONDS)
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", 0)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def fault(err: BaseException) -> str | None:
    """What a database error says about the database, for a 503 that names it: "busy" (a lock
    wait or the pool ran out), "read_only" (the storage refuses writes), "full" (no space left),
    "unreachable" (down, refusing, hanging); None for anything else (a bug: 500)."""
    if isinstance(err, PoolTimeoutError):
        return "busy"
    if not isinstance(err, DBAPIError):
        return None
    orig = err.orig
    if isinstance(orig, sqlite3.Error):
        message = str(orig).lower()
        kind = next((k for start, k in _SQLITE_FAULTS if message.startswith(start)), None)
        return kind if isinstance(err, OperationalError) else None
    if isinstance(orig, psycopg.errors.DiskFull):
        return "full"
    if isinstance(orig, psycopg.errors.ReadOnlySqlTransaction):
        return "read_only"
    if isinstance(orig, psycopg.errors.LockNotAvailable):
        return "busy"
    if err.connection_invalidated or isinstance(err, (OperationalError, InterfaceError)):
        return "unreachable"
    return None


def unavailable(err: BaseException) -> bool:
    """Whether a database error means "not usable just now" (503) rather than a bug (500)."""
    return fault(err) is not None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside one writer; busy_timeout makes a second writer wait for the lock
    # instead of failing with "database is locked"; synchronous=FULL makes each commit durable
    # before the request is acknowledged.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def configure_engine(engine: Engine) -> None:
    """Attach the SQLite connection settings, or PostgreSQL's deadlines (webapp/infra/dbguard.py)."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg" and not is_guarded(engine):
        guard_engine(engine, current_app.config.get("DATABASE_TIMEOUT"))
