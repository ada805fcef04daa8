"""Apps for the tests: built through the factory with CSRF on (as in production), on a throwaway
database; the backends a database test runs on; the CSRF token a page carries."""

from __future__ import annotations

import os
import re
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from webapp import create_app
from webapp.extensions import db

COOKIE_BUDGET = 4093  # bytes a browser keeps for one cookie, name and attributes included (the session's budget)
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

# Tests that touch the database take `db_app`/`db_client` (tests/conftest.py): they run on SQLite always
# and on PostgreSQL as well where TEST_DATABASE_URL is set. Under CI the PostgreSQL run must not be lost.
PG_ENV = "TEST_DATABASE_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) or os.environ.get("CI") else [])


def base_config(tmp_path: Path, database_url: str | None = None) -> dict[str, object]:
    """Test configuration: CSRF stays on, the database is a throwaway (SQLite unless given)."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "LISTEN_HOST": "127.0.0.1",  # whatever HOST the shell has: tests that serve the LAN say so
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_path / 'test.db'}",
        # A class's state polls answered from the database every time: a test that counts a join or
        # an answer sees it in the next poll. The cache has tests of its own (test_class_state_cache.py).
        "CLASS_STATE_CACHE_SECONDS": 0,
    }


def dispose(app: Flask) -> None:
    """Release the app's connections, so no idle transaction or open file outlives the test."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def app_with_schema(config: dict[str, object]) -> Flask:
    """An app built through the factory, its tables created."""
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


def drop_everything(app: Flask) -> None:
    """Drop the app's tables and Alembic's version table, then close every connection."""
    with app.app_context():
        db.session.remove()  # an open transaction would make DROP wait forever on PostgreSQL
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def csrf_token(client, path: str = "/") -> str:
    """GET a page and return the CSRF token its form carries, as a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)
