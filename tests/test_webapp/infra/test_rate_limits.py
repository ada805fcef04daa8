"""Rate limits on the endpoints that write or parse uploads (webapp/infra/ratelimit.py), on SQLite and (where
set) PostgreSQL, with low limits so the tests reach them: 429 with the error contract and a
Retry-After header; counted per client address; POST /api/v1/assess never limited."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from rules.practice.cases import load_cases
from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import csrf_token
from tests.support.apps import drop_everything
from webapp import create_app
from webapp.config import Config
from webapp.extensions import db
from webapp.infra import ratelimit
from webapp.models import Exercise
from webapp.models import RateEvent
from webapp.models import Student

CASE = next(iter(load_cases().values()))
ANSWER = {"findings": list(CASE.key.present), "lean": CASE.key.lean, "mechanisms": [], "confidence": 80}
WINDOW = 300
LOW = {"EXERCISE_RATE_LIMIT": 2, "SUBMISSION_RATE_LIMIT": 3, "IMPORT_RATE_LIMIT": 2}


@pytest.fixture
def limited(database_url, tmp_path):
    """An app with low limits on each configured backend."""
    app = app_with_schema({**base_config(tmp_path, database_url), **LOW})
    yield app
    drop_everything(app)


def create(client):
    return client.post("/api/v1/exercises", json={"title": "Rate", "case_ids": [CASE.id]})


def submit(client, code: str, nickname: str, token: str | None = None):
    return client.post(
        f"/api/v1/exercises/{code}/submissions",
        json={
            "nickname": nickname,
            "case_id": CASE.id,
            "answer": ANSWER,
            **({"student_token": token} if token else {}),
        },
    )


def assert_limited_json(response) -> None:
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert "try again in 5 minutes" in response.get_json()["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= WINDOW


def test_creating_exercises_is_limited_per_client_in_the_api_and_the_form(limited):
    client = limited.test_client()
    assert [create(client).status_code for _ in range(2)] == [201, 201]
    assert_limited_json(create(client))
    # The form shares the budget: the page still opens, its POST gets the HTML 429 page.
    token = csrf_token(client, "/classroom/new")
    page = client.post("/classroom/new", data={"csrf_token": token, "title": "Form", "cases": [CASE.id]})
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "Too many requests from this network" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) <= WINDOW
    other = limited.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.7"  # another network has its own budget
    assert create(other).status_code == 201


def test_submissions_are_limited_per_student_and_the_budget_frees_up(limited):
    # Issue 16: per student, not per address (a lecture hall behind one NAT is many students).
    client = limited.test_client()
    code = create(client).get_json()["code"]
    first = submit(client, code, "s0")
    token = first.get_json()["student_token"]
    # The first submission (no token yet) is counted apart from those carrying the token.
    again = [submit(client, code, "s0", token).status_code for _ in range(3)]
    assert [first.status_code, *again] == [201, 201, 201, 201]
    assert_limited_json(submit(client, code, "s0", token))
    assert [submit(client, code, f"other{i}").status_code for i in range(5)] == [201] * 5  # same address
    with limited.app_context():  # five minutes later
        db.session.execute(update(RateEvent).values(at=RateEvent.at - timedelta(seconds=WINDOW + 1)))
        db.session.commit()
    assert submit(client, code, "s0", token).status_code == 201


def test_phenopacket_imports_are_limited_in_the_form_and_the_api_but_assess_never(limited):
    client = limited.test_client()
    token = csrf_token(client, "/")
    imported = client.post("/import", data={"csrf_token": token, "import_text": "HP:0001873"})
    assert imported.status_code == 200
    assert client.post("/api/v1/phenopacket", json={"findings": ["anemia"]}).status_code == 200
    assert_limited_json(client.post("/api/v1/phenopacket", json={"findings": ["anemia"]}))
    page = client.post("/import", data={"csrf_token": token, "import_text": "HP:0001873"})
    assert page.status_code == 429 and "Too many requests" in page.get_data(as_text=True)
    for _ in range(5):  # stores nothing and must stay fast: not limited
        assert client.post("/api/v1/assess", json={"findings": ["anemia"]}).status_code == 200
    assert client.get("/").status_code == 200  # reading is never limited


def test_a_limit_of_zero_turns_it_off(database_url, tmp_path):
    app = app_with_schema({**base_config(tmp_path, database_url), "EXERCISE_RATE_LIMIT": 0})
    client = app.test_client()
    assert {create(client).status_code for _ in range(3)} == {201}
    drop_everything(app)


def test_the_defaults_let_a_lecture_hall_behind_one_address_answer_every_case():
    # Per student: each of 2,000 students (the cap) answers 20 cases, several times over.
    assert Config.SUBMISSION_RATE_LIMIT >= 20 * 3 and Config.SUBMISSION_RATE_WINDOW_SECONDS <= 300
    assert Config.CLASSROOM_MAX_STUDENTS >= 1000
    assert Config.EXERCISE_RATE_LIMIT >= 20 and Config.IMPORT_RATE_LIMIT >= 100


def test_without_its_table_the_limiter_lets_an_import_through(tmp_path, caplog):
    app = create_app({**base_config(tmp_path), "WTF_CSRF_ENABLED": False})  # no schema at all
    with caplog.at_level(logging.WARNING):
        response = app.test_client().post("/import", data={"import_text": "HP:0001873"})
    assert response.status_code == 200
    assert "rate limit imports not counted" in caplog.text


def test_an_answer_and_its_rate_event_are_stored_in_one_commit(limited, monkeypatch):
    # One request in PRUNE_ONE_IN also clears expired events in a commit of its own: not this one.
    monkeypatch.setattr(ratelimit.secrets, "randbelow", lambda n: 1)
    client = limited.test_client()
    code = create(client).get_json()["code"]
    token = submit(client, code, "first").get_json()["student_token"]  # the student exists from here on
    commits = []
    with limited.app_context():
        engine = db.engine
        before = db.session.query(RateEvent).count()

    def count(connection):
        commits.append(connection)

    event.listen(engine, "commit", count)
    try:
        assert submit(client, code, "first", token).status_code == 201
    finally:
        event.remove(engine, "commit", count)
    with limited.app_context():
        assert db.session.query(RateEvent).count() == before + 1
    assert len(commits) == 1  # one write transaction per answer, not one for the limit and one for the answer


def test_rejected_requests_count_too_and_leave_nothing_else_behind(limited):
    client = limited.test_client()
    code = create(client).get_json()["code"]
    wrong = {"nickname": "x", "case_id": "no-such-case", "answer": ANSWER}
    for _ in range(3):
        assert client.post(f"/api/v1/exercises/{code}/submissions", json=wrong).status_code == 404
    assert_limited_json(client.post(f"/api/v1/exercises/{code}/submissions", json=wrong))
    with limited.app_context():
        assert db.session.query(RateEvent).filter(RateEvent.bucket.startswith("submissions:")).count() == 3
        assert db.session.query(Student).count() == 0  # the rejected answers created no student


def test_behind_a_proxy_each_forwarded_client_has_its_own_budget(database_url, tmp_path):
    behind = app_with_schema({**base_config(tmp_path, database_url), **LOW, "PROXY_HOPS": 1})
    direct = create_app({**base_config(tmp_path, database_url), **LOW})  # the same database, no proxy

    def from_client(app, address):
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address  # set by the proxy, in front of REMOTE_ADDR
        return client

    first, second = from_client(behind, "203.0.113.5"), from_client(behind, "203.0.113.6")
    assert [create(first).status_code for _ in range(2)] == [201, 201]
    assert_limited_json(create(first))
    assert create(second).status_code == 201  # another client behind the same proxy
    # Without PROXY_HOPS the header is not trusted: a forged address does not buy a new budget.
    assert [create(from_client(direct, "198.51.100.9")).status_code for _ in range(2)] == [201, 201]
    assert_limited_json(create(from_client(direct, "198.51.100.10")))
    with direct.app_context():  # release its connections before the tables are dropped
        db.session.remove()
        db.engine.dispose()
    drop_everything(behind)


def test_a_classroom_request_the_limiter_cannot_count_is_refused_busy_not_let_through(limited, monkeypatch):
    def busy(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(ratelimit, "select", busy)  # the limiter's count waits past its deadline
    client = limited.test_client()
    refused = create(client)
    assert refused.status_code == 503 and refused.get_json()["error"]["code"] == "database_busy"
    assert refused.headers["Retry-After"] == "5"
    with limited.app_context():
        assert db.session.execute(sa_select(func.count()).select_from(Exercise)).scalar_one() == 0
    # The import needs no database: it still goes through, uncounted.
    limited.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/import", data={"import_text": "HP:0001873"}).status_code == 200
