"""The state polls of a class answered from a worker's last look (webapp/classroom/service/state_cache.py),
on SQLite and PostgreSQL: every change the educator makes (start, advance, reveal, removal) shows
in the next poll even when the cache would keep a state for an hour, while joins and answers (the
counts) do not make every worker ask again; a change the worker did not make (another worker, another
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


def test_every_change_the_educator_makes_shows_in_the_next_poll(db_app, db_client):
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 3600  # a stale state would show for an hour
    code, educator = paced(db_client, minutes_per_case=5)
    assert state(db_client, code)["state"] == "lobby"
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    assert (state(db_client, code)["state"], state(db_client, code)["case"]) == ("running", 1)
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 0  # joins and answers (counts) show within the cache's seconds
    assert submit(db_client, code, "ana", CASES[0]).status_code == 201
    assert submit(db_client, code, "ben", CASES[0]).status_code == 201
    assert (state(db_client, code)["joined"], state(db_client, code)["answered"]) == (2, 2)
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 3600
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


def test_one_poll_asks_the_database_while_the_others_answer_the_state_before_it():
    """1,000 phones after an answer: one thread computes the class's state, the worker's other
    polls meanwhile answer the state it had (not one query each); a class never seen waits for it."""
    import threading

    state_cache.clear()
    started, release, calls = threading.Event(), threading.Event(), []

    def slow(n: int, block: bool = True):
        def compute():
            calls.append(n)
            if block:
                started.set()
                release.wait(5)
            return 7, {"seconds_left": None, "n": n}, f"t{n}", None

        return compute

    state_cache.polled_state("CODE", 60, slow(0, block=False))
    state_cache.forget({7})  # this worker changed the class: the next poll asks again
    asking = threading.Thread(target=state_cache.polled_state, args=("CODE", 60, slow(1)))
    asking.start()
    assert started.wait(5)
    others = [state_cache.polled_state("CODE", 60, slow(2 + i)) for i in range(50)]
    assert {tag for _, tag in others} == {"t0"} and calls == [0, 1]  # the state before, no second query
    # A class no thread has a state of yet: its polls wait for the one being asked.
    started.clear()
    first = threading.Thread(target=state_cache.polled_state, args=("NEW", 60, slow(100)))
    first.start()
    assert started.wait(5)
    waited: list[tuple] = []
    waiter = threading.Thread(target=lambda: waited.append(state_cache.polled_state("NEW", 60, slow(101))))
    waiter.start()
    release.set()
    for t in (asking, first, waiter):
        t.join(5)
    assert waited == [({"seconds_left": None, "n": 100}, "t100")] and 101 not in calls
    assert state_cache.polled_state("CODE", 60, slow(200))[1] == "t1"  # the new state, kept


def test_a_change_committed_while_the_state_is_being_read_is_asked_again():
    state_cache.clear()

    def compute():
        state_cache.forget({9})  # a commit lands between the query and the store
        return 9, {"seconds_left": None}, "before", None

    state_cache.polled_state("RACE", 60, compute)
    assert state_cache.polled_state("RACE", 60, lambda: (9, {"seconds_left": None}, "after", None))[1] == "after"


def test_answers_do_not_make_the_worker_ask_again_but_show_once_the_cache_has_expired(db_app, db_client):
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 0.5
    code, educator = paced(db_client)
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    assert state(db_client, code)["answered"] == 0
    assert submit(db_client, code, "ana", CASES[0]).status_code == 201
    assert state(db_client, code)["answered"] == 0  # the count a quarter of a second late, no query
    time.sleep(0.6)
    assert (state(db_client, code)["joined"], state(db_client, code)["answered"]) == (1, 1)
