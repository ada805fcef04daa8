"""The class state's polls answered before Flask while the worker's state is fresh
(webapp/classroom/state_polls.py), on SQLite and PostgreSQL: such a poll gets exactly what Flask
answers (status, headers, body), an educator's change still shows at the next poll, and anything
Flask would refuse or answer differently (an untrusted Host, another port, a query string, an
unknown code) still goes to Flask."""

from __future__ import annotations

import pytest
from test_classroom_pace import paced

from webapp.classroom.service import state_cache
from webapp.classroom.state_polls import StatePolls


@pytest.fixture
def counted(db_app):
    """The app with its state cache on, and a count of the requests that reached Flask."""
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 3600
    state_cache.clear()
    polls = db_app.wsgi_app
    assert isinstance(polls, StatePolls)
    reached = []
    inner = polls.wsgi_app

    def flask(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    polls.wsgi_app = flask
    yield reached
    polls.wsgi_app = inner
    state_cache.clear()


def headers_of(resp) -> dict[str, str]:
    return {k: v for k, v in resp.headers.items() if k != "Date"}


def test_a_fresh_poll_gets_what_flask_answers_without_reaching_it(db_app, db_client, counted):
    code, educator = paced(db_client, minutes_per_case=5)
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    path = f"/api/v1/exercises/{code}/state"
    first = db_client.get(path)  # Flask computes the state; the worker keeps it
    counted.clear()
    again = db_client.get(path)
    assert counted == [], "the fresh poll reached Flask"
    assert again.status_code == first.status_code == 200
    assert headers_of(again) == headers_of(first)
    assert again.get_json() == first.get_json() and again.get_json()["state"] == "running"
    assert again.headers["Content-Security-Policy"] and again.headers["Cache-Control"] == "no-store"
    # The 304: Flask's first, then the same from the cache.
    tag = first.headers["ETag"]
    flask_304 = db_client.get(path, headers={"If-None-Match": tag})
    assert counted == [path] and flask_304.status_code == 304
    cached_304 = db_client.get(path, headers={"If-None-Match": tag})
    assert counted == [path] and cached_304.status_code == 304
    assert headers_of(cached_304) == headers_of(flask_304) and cached_304.get_data() == b""


def test_an_educator_change_shows_at_the_next_poll(db_app, db_client, counted):
    code, educator = paced(db_client)
    path = f"/api/v1/exercises/{code}/state"
    assert db_client.get(path).get_json()["state"] == "lobby"
    assert db_client.get(path).get_json()["state"] == "lobby"
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    assert db_client.get(path).get_json()["state"] == "running"
    db_client.post(f"/api/v1/exercises/{code}/reveal", headers=educator, json={})
    assert db_client.get(path).get_json()["revealed"] is True


def test_what_flask_would_refuse_or_answer_otherwise_still_reaches_it(db_app, db_client, counted):
    code, _ = paced(db_client)
    path = f"/api/v1/exercises/{code}/state"
    assert db_client.get(path).status_code == 200
    counted.clear()
    untrusted = db_client.get(path, headers={"Host": "evil.example"})
    assert untrusted.status_code == 400 and counted == [path]
    other_port = db_client.get(path, headers={"Host": "localhost:9999"})
    assert other_port.status_code == 400 and counted == [path, path]
    assert db_client.get(path + "?x=1").status_code == 200 and len(counted) == 3
    assert db_client.get("/api/v1/exercises/ZZZZZZ/state").status_code == 404 and len(counted) == 4
    assert db_client.head(path).status_code == 200 and len(counted) == 5
    assert db_client.get(path).status_code == 200 and len(counted) == 5  # the fresh one, from the cache


def test_with_the_cache_off_every_poll_reaches_flask(db_app, db_client, counted):
    db_app.config["CLASS_STATE_CACHE_SECONDS"] = 0
    code, _ = paced(db_client)
    path = f"/api/v1/exercises/{code}/state"
    counted.clear()
    db_client.get(path)
    db_client.get(path)
    assert counted == [path, path]
