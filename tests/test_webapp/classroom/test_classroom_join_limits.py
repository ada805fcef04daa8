"""Joining cannot be flooded, on SQLite and PostgreSQL: the student cap and the join rates hold
under concurrent joins (never overshot), a closed exercise writes no student, wrong join codes are
limited exactly per address and overall, and the educator removes a student from the dashboard."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from test_classroom_pages import CASES
from test_classroom_pages import create
from test_classroom_pages import join

from tests.support.apps import csrf_token
from webapp.classroom.service import GRACE_SECONDS
from webapp.extensions import db
from webapp.models import Exercise
from webapp.models import Student
from webapp.models import utcnow

ANSWER = {"findings": [], "lean": CASES[0].key.lean, "mechanisms": [], "confidence": 80}


def api_join(app, code: str, nickname: str, address: str = "127.0.0.1"):
    """A new API student (its first answer joins it), from `address`."""
    return app.test_client().post(
        f"/api/v1/exercises/{code}/submissions",
        json={"nickname": nickname, "case_id": CASES[0].id, "answer": ANSWER},
        environ_base={"REMOTE_ADDR": address},
    )


def students(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Student)).scalar_one()


def at_once(count: int, call) -> list[int]:
    """`call(i)` for i in range(count), from 12 threads at once; the status codes."""
    with ThreadPoolExecutor(12) as pool:
        return sorted(r.status_code for r in pool.map(call, range(count)))


def test_concurrent_joins_never_overshoot_the_cap(db_app, db_client):
    db_app.config["CLASSROOM_MAX_STUDENTS"] = 5
    code = create(db_client)
    codes = at_once(30, lambda i: api_join(db_app, code, f"s{i}", f"10.0.{i}.1"))
    assert codes.count(201) == 5 and codes.count(409) == 25, codes
    assert students(db_app) == 5


def test_one_address_cannot_fill_an_exercise_but_another_still_joins(db_app, db_client):
    db_app.config["JOINS_PER_CLIENT"] = 4
    code = create(db_client)
    codes = at_once(12, lambda i: api_join(db_app, code, f"flood{i}", "10.9.9.9"))
    assert codes.count(201) == 4 and codes.count(429) == 8, codes
    refused = api_join(db_app, code, "one-more", "10.9.9.9")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    # The browser form follows the same rule, with the form back and its message.
    page = db_app.test_client()
    page.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    form = join(page, code, "form-flood")
    assert form.status_code == 429 and "Too many students joined from this network" in form.get_data(as_text=True)
    assert api_join(db_app, code, "neighbour", "10.1.1.1").status_code == 201
    assert students(db_app) == 5


def test_an_exercise_takes_only_so_many_new_students_a_minute_from_all_addresses(db_app, db_client):
    db_app.config["JOINS_PER_EXERCISE"] = 3
    code = create(db_client)
    codes = at_once(9, lambda i: api_join(db_app, code, f"s{i}", f"10.0.{i}.1"))
    assert codes.count(201) == 3 and codes.count(429) == 6, codes
    assert students(db_app) == 3


def test_a_closed_exercise_takes_no_new_student_and_writes_no_row(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    assert join(student, code, "early").status_code == 302
    token = csrf_token(db_client, f"/classroom/{code}")
    assert db_client.post(f"/classroom/{code}/close", data={"csrf_token": token}).status_code == 302
    form = join(db_app.test_client(), code, "late")
    assert form.status_code == 409 and "This exercise is closed" in form.get_data(as_text=True)
    # An API student joins with its first answer, which the grace period after the close still
    # keeps (docs/classroom.md); past it, no API student either.
    with db_app.app_context():
        db.session.execute(update(Exercise).values(closed_at=utcnow() - timedelta(seconds=GRACE_SECONDS + 1)))
        db.session.commit()
    api = api_join(db_app, code, "late-api")
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "exercise_closed"
    assert students(db_app) == 1
    # Its own students still come back to see their answers.
    assert student.get(f"/join/{code}").status_code == 200


def wrong_code(app, i: int, address: str):
    """A look-up of a join code that names no exercise, from `address`."""
    return app.test_client().get(f"/api/v1/exercises/ZZZ{i:03d}/state", environ_base={"REMOTE_ADDR": address})


def test_wrong_join_codes_from_one_address_are_limited_exactly_under_concurrency(db_app):
    db_app.config["JOIN_RATE_LIMIT"] = 5
    codes = at_once(24, lambda i: wrong_code(db_app, i, "10.7.7.7"))
    assert codes.count(404) == 5 and codes.count(429) == 19, codes
    assert wrong_code(db_app, 99, "10.7.7.8").status_code == 404  # another address has its own budget


def test_wrong_join_codes_from_every_address_together_have_a_limit(db_app):
    db_app.config["JOIN_GLOBAL_RATE_LIMIT"] = 6
    codes = at_once(20, lambda i: wrong_code(db_app, i, f"10.{i}.0.1"))
    assert codes.count(404) == 6 and codes.count(429) == 14, codes


def test_the_educator_removes_a_student_from_the_dashboard(db_app, db_client):
    code = create(db_client)
    join(db_app.test_client(), code, "made-up")
    with db_app.app_context():
        student_id = db.session.execute(select(Student.id)).scalar_one()
    page = db_client.get(f"/classroom/{code}/students/{student_id}").get_data(as_text=True)
    assert "Remove <bdi>made-up</bdi> and their answers" in page
    token = csrf_token(db_client, f"/classroom/{code}/students/{student_id}")
    resp = db_client.post(
        f"/classroom/{code}/students/{student_id}/remove", data={"csrf_token": token, "back": "dashboard"}
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/classroom/{code}#live-students")
    assert students(db_app) == 0
