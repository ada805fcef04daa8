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


def api_create(client, **extra):
    """An exercise made through the API; its JSON answer."""
    body = {"title": "Lecture", "case_ids": [CASES[0].id], **extra}
    return client.post("/api/v1/exercises", json=body)


def test_the_educator_sets_the_class_size_on_the_form_and_through_the_api(db_app, db_client):
    page = db_client.get("/classroom/new").get_data(as_text=True)
    assert 'name="max_students"' in page and "At most this many students" in page
    token = csrf_token(db_client, "/classroom/new")
    form = {"csrf_token": token, "title": "Small group", "cases": [CASES[0].id], "pace": "self"}
    resp = db_client.post("/classroom/new", data={**form, "max_students": "2"})
    assert resp.status_code == 302
    code = resp.headers["Location"].rstrip("/").split("/")[-2]
    assert [join(db_app.test_client(), code, f"s{i}").status_code for i in range(3)] == [302, 302, 409]
    assert students(db_app) == 2
    # Out of bounds on the form: the form again with the bounds, nothing made.
    refused = db_client.post("/classroom/new", data={**form, "max_students": "0"})
    assert refused.status_code == 400 and "A class size is 1 to 5000 students." in refused.get_data(as_text=True)
    made = api_create(db_app.test_client(), max_students=3)
    assert made.status_code == 201 and made.get_json()["max_students"] == 3
    api_code = made.get_json()["code"]
    codes = at_once(8, lambda i: api_join(db_app, api_code, f"a{i}", f"10.2.{i}.1"))
    assert codes.count(201) == 3 and codes.count(409) == 5, codes
    # None given: the server's cap; out of bounds or of the wrong kind: 400 with its code.
    assert api_create(db_app.test_client()).get_json()["max_students"] == db_app.config["CLASSROOM_MAX_STUDENTS"]
    for wrong in (0, 5001, "ten", 2.5, True):
        bad = api_create(db_app.test_client(), max_students=wrong)
        assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_max_students", wrong
    # The server's cap bounds what an educator sets.
    db_app.config["CLASSROOM_MAX_STUDENTS"] = 2
    assert api_create(db_app.test_client(), max_students=50).get_json()["max_students"] == 2


def test_a_locked_exercise_takes_no_new_student_but_its_students_answer_and_rejoin(db_app, db_client):
    made = api_create(db_client).get_json()
    code, key = made["code"], made["educator_key"]
    bearer = {"Authorization": f"Bearer {key}"}
    first = api_join(db_app, code, "early").get_json()
    browser = db_app.test_client()
    assert join(browser, code, "in-class").status_code == 302
    locked = db_client.post(f"/api/v1/exercises/{code}/lock", headers=bearer)
    assert locked.status_code == 200 and locked.get_json()["joining_locked"] is True
    assert locked.get_json()["students"] == 2
    assert db_client.post(f"/api/v1/exercises/{code}/lock").status_code == 401  # the educator's only
    late = api_join(db_app, code, "late", "10.3.3.3")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "joining_locked"
    form = join(db_app.test_client(), code, "late-form")
    assert form.status_code == 409 and "locked joining" in form.get_data(as_text=True)
    assert students(db_app) == 2
    # Those who joined still answer, and come back with their rejoin code.
    again = db_app.test_client().post(
        f"/api/v1/exercises/{code}/submissions",
        json={"nickname": "early", "case_id": CASES[0].id, "answer": ANSWER, "student_token": first["student_token"]},
    )
    assert again.status_code == 201
    back = db_app.test_client().post(
        f"/api/v1/exercises/{code}/rejoin", json={"nickname": "early", "rejoin_code": first["rejoin_code"]}
    )
    assert back.status_code == 200
    assert browser.get(f"/join/{code}").status_code == 200
    opened = db_client.post(f"/api/v1/exercises/{code}/unlock", headers=bearer)
    assert opened.status_code == 200 and opened.get_json()["joining_locked"] is False
    assert api_join(db_app, code, "late", "10.3.3.3").status_code == 201


def test_the_dashboard_and_the_projector_lock_and_open_joining(db_app, db_client):
    code = create(db_client, pace="educator")
    dashboard = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert f'action="/classroom/{code}/lock"' in dashboard and ">Lock joining</button>" in dashboard
    token = csrf_token(db_client, f"/classroom/{code}/projector")
    projector = db_client.get(f"/classroom/{code}/projector").get_data(as_text=True)
    assert f'action="/classroom/{code}/lock"' in projector
    resp = db_client.post(f"/classroom/{code}/lock", data={"csrf_token": token, "back": "projector"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/classroom/{code}/projector")
    refused = join(db_app.test_client(), code, "latecomer")
    assert refused.status_code == 409 and "locked joining" in refused.get_data(as_text=True)
    dashboard = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert ">Open joining</button>" in dashboard and "Joining is locked" in dashboard
    assert db_client.post(f"/classroom/{code}/unlock", data={"csrf_token": token}).status_code == 302
    assert join(db_app.test_client(), code, "latecomer").status_code == 302
    # Without the form's token, nothing changes.
    assert db_client.post(f"/classroom/{code}/lock").status_code == 400
    assert db_app.test_client().post(f"/classroom/{code}/lock", data={"csrf_token": token}).status_code in (400, 401)
