"""An API student joins in the lobby, before any answer, as the join page does: on SQLite and
PostgreSQL the student shows in the joined count at once, answers with its token, and the join page's
rules hold (a nickname in use, a locked, closed or full exercise, the cap under concurrency)."""

from __future__ import annotations

from sqlalchemy import update
from test_classroom_join_limits import ANSWER
from test_classroom_join_limits import api_create
from test_classroom_join_limits import at_once
from test_classroom_join_limits import students
from test_classroom_pages import CASES
from test_classroom_pages import join

from webapp.extensions import db
from webapp.models import Exercise
from webapp.models import utcnow


def lobby_join(app, code: str, nickname: object, address: str = "127.0.0.1"):
    return app.test_client().post(
        f"/api/v1/exercises/{code}/students", json={"nickname": nickname}, environ_base={"REMOTE_ADDR": address}
    )


def submit(app, code: str, nickname: str, token: str | None = None):
    body = {"nickname": nickname, "case_id": CASES[0].id, "answer": ANSWER}
    if token is not None:
        body["student_token"] = token
    return app.test_client().post(f"/api/v1/exercises/{code}/submissions", json=body)


def test_a_student_joins_in_the_lobby_shows_in_the_count_and_answers_with_its_token(db_app, db_client):
    code = api_create(db_client, pace="educator").get_json()["code"]
    joined = lobby_join(db_app, code, "  Zoe ")
    assert joined.status_code == 201, joined.get_json()
    body = joined.get_json()
    assert body["nickname"] == "Zoe" and len(body["rejoin_code"]) == 6 and body["student_token"]
    assert "not a diagnosis" in body["disclaimer"]
    state = db_client.get(f"/api/v1/exercises/{code}/state").get_json()
    assert (state["state"], state["joined"], state["answered"]) == ("lobby", 1, 0)
    assert students(db_app) == 1


def test_the_joined_student_answers_once_the_class_runs(db_app, db_client):
    made = api_create(db_client, pace="educator").get_json()
    code, bearer = made["code"], {"Authorization": f"Bearer {made['educator_key']}"}
    token = lobby_join(db_app, code, "Ann").get_json()["student_token"]
    assert db_client.post(f"/api/v1/exercises/{code}/start", headers=bearer).status_code == 200
    # Its answers carry the token; without it the nickname is someone else's (nothing stored).
    refused = submit(db_app, code, "ann")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "invalid_student_token"
    stored = submit(db_app, code, "ann", token)
    assert stored.status_code == 201, stored.get_json()
    assert "student_token" not in stored.get_json()  # the same student, not a new one
    assert students(db_app) == 1
    state = db_client.get(f"/api/v1/exercises/{code}/state").get_json()
    assert (state["joined"], state["answered"]) == (1, 1)


def test_a_nickname_in_use_is_a_409_and_its_owner_rejoins_with_the_code(db_app, db_client):
    code = api_create(db_client).get_json()["code"]
    first = lobby_join(db_app, code, "Max").get_json()
    again = lobby_join(db_app, code, "MAX", "10.1.1.1")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "nickname_taken"
    browser = db_app.test_client()
    assert join(browser, code, "max").status_code == 400  # the join page sees the same student
    back = db_app.test_client().post(
        f"/api/v1/exercises/{code}/rejoin", json={"nickname": "max", "rejoin_code": first["rejoin_code"]}
    )
    assert back.status_code == 200 and back.get_json()["student_token"] == first["student_token"]
    assert students(db_app) == 1


def test_the_join_pages_rules_hold_locked_closed_full_and_bad_nicknames(db_app, db_client):
    made = api_create(db_client, max_students=2).get_json()
    code, bearer = made["code"], {"Authorization": f"Bearer {made['educator_key']}"}
    for bad in (None, 7, "", "\u200b\u200b", "a\u202eb"):
        refused = lobby_join(db_app, code, bad)
        assert refused.status_code == 400, (bad, refused.get_json())
    assert db_client.post(f"/api/v1/exercises/{code}/lock", headers=bearer).status_code == 200
    locked = lobby_join(db_app, code, "late")
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "joining_locked"
    assert db_client.post(f"/api/v1/exercises/{code}/unlock", headers=bearer).status_code == 200
    codes = at_once(10, lambda i: lobby_join(db_app, code, f"s{i}", f"10.0.{i}.1"))
    assert codes.count(201) == 2 and codes.count(409) == 8, codes
    assert students(db_app) == 2
    # Closed a moment ago: a join alone has no grace period (an answer has, docs/classroom.md).
    with db_app.app_context():
        db.session.execute(update(Exercise).where(Exercise.code == code).values(closed_at=utcnow()))
        db.session.commit()
    closed = lobby_join(db_app, code, "after")
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "exercise_closed"
    assert students(db_app) == 2
    assert lobby_join(db_app, "ZZZZZZ", "x").status_code == 404
