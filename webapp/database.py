"""Database wiring: which URL to use, and SQLite settings that make concurrent writers safe."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def bind_migrations(app: Flask) -> None:
    """Attach Flask-Migrate: the `flask db` commands and flask_migrate.upgrade() need it."""
    from .extensions import db
    from .extensions import migrate

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
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(url)


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
    """Attach the SQLite connection settings (only to SQLite engines)."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)
