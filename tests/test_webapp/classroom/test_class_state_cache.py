"""The state polls of a class answered from a worker's last look (webapp/classroom/service/state_cache.py),
on SQLite and PostgreSQL: every change made through the app shows in the next poll even when the
cache would keep a state for an hour; a change the worker did not make (another worker, another
instance) shows once the cache's seconds have passed; a cached countdown keeps counting."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import create_engine
from sqlalchemy import text
from test_classroom_pace import CASES
from test_classroom_pace import paced
from test_classroom_pace import state
from test_classroom_pace import submit

from webapp.classroom import service
from webapp.classroom.service import state_cache
from webapp.extensions import db
from webapp.models import Student
from webapp.models import utcnow


def test_every_change_made_through_the_app_shows_in_the_next_poll(db_app, db_client):
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 3600  # a stale state would show for an hour
    code, educator = paced(db_client, minutes_per_case=5)
    assert state(db_client, code)["state"] == "lobby"
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    assert (state(db_client, code)["state"], state(db_client, code)["case"]) == ("running", 1)
    assert submit(db_client, code, "ana", CASES[0]).status_code == 201  # a join and an answer: INSERTs
    assert (state(db_client, code)["joined"], state(db_client, code)["answered"]) == (1, 1)
    assert submit(db_client, code, "ben", CASES[0]).status_code == 201
    assert (state(db_client, code)["joined"], state(db_client, code)["answered"]) == (2, 2)
    db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator)
    assert state(db_client, code)["stage"] == 2
    db_client.post(f"/api/v1/exercises/{code}/reveal", headers=educator, json={})
    assert state(db_client, code)["revealed"] is True
    with db_app.app_context():  # the educator removes a student (an ORM delete)
        exercise = service.find_exercise(code)
        ben = db.session.execute(db.select(Student).where(Student.nickname == "ben")).scalar_one()
        service.remove_student(exercise, ben.id)
    assert (state(db_client, code)["joined"], state(db_client, code)["answered"]) == (1, 1)


def test_a_change_made_elsewhere_shows_once_the_cache_has_expired(db_app, db_client):
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 0.3
    code, educator = paced(db_client)
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    assert state(db_client, code)["joined"] == 0
    # Another worker's join: a row written on a connection of its own, which this worker never sees.
    other = create_engine(db_app.config["SQLALCHEMY_DATABASE_URI"])
    with other.begin() as conn:
        exercise_id = conn.execute(text("SELECT id FROM exercise WHERE code = :c"), {"c": code}).scalar_one()
        conn.execute(
            text(
                "INSERT INTO student (exercise_id, token, nickname, nickname_key, source, created_at) "
                "VALUES (:e, 'tok-elsewhere', 'zoe', 'zoe', 'api', :t)"
            ),
            {"e": exercise_id, "t": utcnow()},
        )
    other.dispose()
    time.sleep(0.35)
    assert state(db_client, code)["joined"] == 1


def test_a_cached_countdown_keeps_counting(db_app, db_client, monkeypatch):
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 3600
    code, educator = paced(db_client, minutes_per_case=5)
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    first = state(db_client, code)["seconds_left"]
    assert 298 <= first <= 300
    later = utcnow() + timedelta(seconds=100)
    monkeypatch.setattr(state_cache, "utcnow", lambda: later)
    assert first - 101 <= state(db_client, code)["seconds_left"] <= first - 99
    monkeypatch.setattr(state_cache, "utcnow", lambda: later + timedelta(minutes=10))
    assert state(db_client, code)["seconds_left"] == 0  # never below zero
