"""Storage faults heal and say what they are (SQLite; PostgreSQL's kinds by their errors): a
read-only episode, a full disk and a lock wait each give a 503 with Retry-After and a log line
that names the cause, and the app writes again by itself once the fault clears."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import drop_everything
from webapp.extensions import db
from webapp.infra.database import fault

CASE = "miop-newborn-tetany"


@pytest.fixture
def sqlite_app(tmp_path):
    app = app_with_schema(base_config(tmp_path))
    yield app
    drop_everything(app)


@contextmanager
def every_new_connection(app, pragma: str, drop_after: bool = False):
    """While inside: every connection the app opens runs `pragma` (those pooled now are dropped;
    `drop_after`: those pooled then too, as when the fault lies in the connection, not the app)."""

    def run(dbapi_connection, _record):
        dbapi_connection.execute(pragma)

    with app.app_context():
        event.listen(db.engine, "connect", run)
        db.engine.dispose()
        try:
            yield
        finally:
            event.remove(db.engine, "connect", run)
            if drop_after:
                db.engine.dispose()


def create(client):
    return client.post("/api/v1/exercises", json={"title": "Week 3", "case_ids": [CASE]})


def assert_503(response, code: str, says: str) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"] == "5"
    error = response.get_json()["error"]
    assert error["code"] == code and says in error["message"]


def test_a_read_only_episode_heals_by_itself_and_the_log_says_read_only(sqlite_app, caplog):
    client = sqlite_app.test_client()
    # Connections opened while the file could not be written refuse every write (as SQLite's
    # fallback to a read-only open does), and stay pooled.
    with every_new_connection(sqlite_app, "PRAGMA query_only=ON"):
        with caplog.at_level(logging.WARNING):
            assert_503(create(client), "database_read_only", "read-only")
        assert "database read-only" in caplog.text
    # The file is writable again: the next write succeeds, with no restart.
    assert create(client).status_code == 201


def test_a_full_disk_is_a_503_with_retry_after_and_the_log_says_so(sqlite_app, caplog):
    client = sqlite_app.test_client()
    with every_new_connection(
        sqlite_app, "PRAGMA max_page_count=1", drop_after=True
    ):  # the file cannot grow (clamped to its size)
        with caplog.at_level(logging.WARNING):
            sent = next(r for r in (create(client) for _ in range(200)) if r.status_code != 201)  # until full
            assert_503(sent, "database_full", "disk is full")
        assert "database disk is full" in caplog.text
    assert create(client).status_code == 201


def test_a_lock_wait_reaches_a_student_as_busy_not_unreachable(sqlite_app, tmp_path):
    client = sqlite_app.test_client()
    code = create(client).get_json()["code"]
    holder = sqlite3.connect(tmp_path / "test.db")
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the wait
    try:
        with every_new_connection(sqlite_app, "PRAGMA busy_timeout=100"):
            answer = {"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 70}
            sent = client.post(
                f"/api/v1/exercises/{code}/submissions", json={"nickname": "n", "case_id": CASE, "answer": answer}
            )
            assert_503(sent, "database_busy", "busy")
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize(
    ("orig", "kind"),
    [
        (psycopg.errors.DiskFull("could not extend file: No space left on device"), "full"),
        (psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"), "read_only"),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), "busy"),
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("database is locked"), "busy"),
        (sqlite3.OperationalError("no such table: exercise"), None),
    ],
)
def test_postgresql_and_sqlite_faults_are_named(orig, kind):
    assert fault(OperationalError("INSERT …", {}, orig)) == kind
