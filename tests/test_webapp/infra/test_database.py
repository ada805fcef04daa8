"""The database layer: migrations build exactly the models' schema on SQLite and PostgreSQL,
URLs are mapped to the right driver, and SQLite is set up for concurrent writers."""

from __future__ import annotations

import os
import subprocess
import sys

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy import text

from tests.support.apps import base_config
from tests.support.apps import drop_everything
from webapp import create_app
from webapp.extensions import db
from webapp.infra.database import bind_migrations
from webapp.infra.database import normalise_url

TABLES = {"educator", "exercise", "exercise_case", "student", "submission", "authored_case", "rate_event"}


def test_migrations_upgrade_an_empty_database_to_the_models_schema(database_url, tmp_path):
    app = create_app(base_config(tmp_path, database_url))
    bind_migrations(app)
    try:
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                pending = compare_metadata(context, db.metadata)
                current = context.get_current_revision()
            head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
            assert pending == [], f"models and migrations differ; run `flask db migrate`: {pending}"
            assert current == head
            assert TABLES <= set(inspect(db.engine).get_table_names())
            flask_migrate.downgrade(revision="base")
            assert not TABLES & set(inspect(db.engine).get_table_names())
    finally:
        drop_everything(app)


def test_heroku_style_urls_use_the_psycopg3_driver():
    assert normalise_url("postgres://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    app = create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": None})
    try:
        assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/miop.db"
        assert os.path.isdir(app.instance_path)
    finally:
        with app.app_context():
            db.engine.dispose()


def test_sqlite_connections_use_wal_and_wait_for_the_write_lock(app):
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_serving_never_imports_alembic():
    # Only `flask db` needs Flask-Migrate; a gunicorn worker starts faster without alembic.
    code = (
        "import sys; from webapp import create_app; create_app({'TESTING': True}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'flask_migrate')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"},
    )
    assert out.stdout.strip() == "[]"


def test_postgresql_keeps_a_fixed_pool_of_connections(pg_url, tmp_path):
    """A burst past the pool waits for a pooled connection instead of opening (and then closing) one
    PostgreSQL process per request: a lecture's answers opened about 1,100 in two minutes."""
    from webapp.infra.database import POOL_SIZE

    app = create_app(base_config(tmp_path, pg_url))
    with app.app_context():
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (POOL_SIZE, 0)
    sqlite = create_app(base_config(tmp_path))
    with sqlite.app_context():
        assert "pool_size" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]  # SQLite's own pool
