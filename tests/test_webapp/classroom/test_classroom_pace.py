"""A class the educator paces, on SQLite and PostgreSQL: the lobby, start, advance and reveal
(services and API, every status), the state a page polls (exactly, with its ETag), answers only to
the open case (409 changes nothing), late answers within the grace period, time limits that run
from when a case opens (a controllable clock, no sleeping), rejoin codes (API and join form, wrong
codes limited per nickname), re-admission and removal, and answer pages that are post/redirect/get."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select
from test_classroom_pages import CASES
from test_classroom_pages import create
from test_classroom_pages import join

from tests.support.apps import csrf_token
from webapp.classroom import service
from webapp.extensions import db
from webapp.infra.knowledge import kb
from webapp.models import Exercise
from webapp.models import Student
from webapp.models import Submission

STAGES = [len(c.unfolding) for c in CASES]
T0 = datetime(2027, 3, 1, 9, 0, 0)


def perfect(case) -> dict:
    key = case.key
    return {"findings": list(key.present), "lean": key.lean, "mechanisms": list(key.mechanisms), "confidence": 90}


def paced(client, minutes_per_case: int | None = None, feedback: str = "after_reveal") -> tuple[str, dict]:
    """A class the educator paces, made through the API: its code and the educator's header."""
    body = {"title": "Paced", "case_ids": [c.id for c in CASES], "pace": "educator", "feedback": feedback}
    if minutes_per_case is not None:
        body["minutes_per_case"] = minutes_per_case
    made = client.post("/api/v1/exercises", json=body)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["pace"] == "educator"
    return made.get_json()["code"], {"Authorization": "Bearer " + made.get_json()["educator_key"]}


def state(client, code: str) -> dict:
    resp = client.get(f"/api/v1/exercises/{code}/state")
    assert resp.status_code == 200
    return resp.get_json()


def submit(client, code: str, nickname: str, case, token: str | None = None):
    body = {"nickname": nickname, "case_id": case.id, "answer": perfect(case)}
    return client.post(f"/api/v1/exercises/{code}/submissions", json=body | ({"student_token": token} if token else {}))


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.execute(select(func.count(Submission.id))).scalar_one(),
            db.session.execute(select(func.count(Student.id))).scalar_one(),
        )


def test_the_state_follows_the_controls_and_answers_exactly_its_fields(db_app, db_client):
    assert CASES[0].stages and STAGES[0] >= 2  # the first case unfolds in stages
    code, educator = paced(db_client, minutes_per_case=5)
    assert state(db_client, code) == {
        "state": "lobby",
        "case": None,
        "stage": None,
        "revealed": False,
        "seconds_left": None,
        "joined": 0,
        "answered": 0,
    }
    first = submit(db_client, code, "ana", CASES[0])  # in the lobby: no case is open
    assert first.status_code == 409 and first.get_json()["error"]["code"] == "case_not_open"
    assert counts(db_app) == (0, 0)  # nothing changed, not even a student
    started = db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    assert started.status_code == 200 and started.get_json()["state"] == "running"
    now = state(db_client, code)
    assert now == {
        "state": "running",
        "case": 1,
        "stage": 1,
        "revealed": False,
        "seconds_left": now["seconds_left"],
        "joined": 0,
        "answered": 0,
    }
    assert 298 <= now["seconds_left"] <= 300
    ana = submit(db_client, code, "ana", CASES[0])
    assert ana.status_code == 201 and ana.get_json()["late"] is False
    assert state(db_client, code)["joined"] == 1 and state(db_client, code)["answered"] == 1
    # Case 2 is not open: 409, and nothing changes (no answer, no new student).
    before = counts(db_app)
    refused = submit(db_client, code, "ben", CASES[1])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "case_not_open"
    assert counts(db_app) == before
    for stage in range(2, STAGES[0] + 1):
        db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator)
        assert state(db_client, code)["stage"] == stage
    revealed = db_client.post(f"/api/v1/exercises/{code}/reveal", headers=educator, json={})
    assert revealed.status_code == 200 and revealed.get_json()["revealed"] == [CASES[0].id]  # the open case only
    assert state(db_client, code)["revealed"] is True and state(db_client, code)["seconds_left"] == 0
    moved = db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator).get_json()
    assert (moved["case"], moved["revealed"], moved["answered"]) == (2, False, 0)
    assert moved["stage"] == (1 if STAGES[1] > 1 else None)
    while state(db_client, code)["state"] == "running":  # the last stage of the last case, then the end
        db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator)
    ended = state(db_client, code)
    assert (ended["state"], ended["case"], ended["seconds_left"]) == ("closed", 2, 0)
    again = db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "exercise_closed"
    assert "educator_key" not in str(state(db_client, code))


def test_every_control_needs_the_educators_key_and_refuses_what_it_cannot_do(db_client):
    code, educator = paced(db_client)
    other = {"Authorization": "Bearer " + paced(db_client)[1]["Authorization"].split()[1]}
    for control in ("start", "advance", "reveal"):
        url = f"/api/v1/exercises/{code}/{control}"
        assert db_client.post(url, json={}).status_code == 401
        assert db_client.post(url, json={}, headers=other).status_code == 403
        assert db_client.post(url, json={}, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator).get_json()["error"]["code"] == (
        "not_started"
    )
    assert db_client.post(f"/api/v1/exercises/{code}/reveal", headers=educator).status_code == 409
    assert db_client.post(f"/api/v1/exercises/{code}/start", headers=educator, json=[]).status_code == 400
    assert db_client.post(f"/api/v1/exercises/{code}/start", headers=educator).status_code == 200
    assert db_client.post(f"/api/v1/exercises/{code}/start", headers=educator).status_code == 409  # started already
    hidden = db_client.post(f"/api/v1/exercises/{code}/reveal", headers=educator, json={"case_id": CASES[1].id})
    assert hidden.status_code == 409 and hidden.get_json()["error"]["code"] == "case_not_open"
    assert db_client.get("/api/v1/exercises/ZZZZZZ/state").status_code == 404
    # A self-paced exercise has nothing to start or advance.
    homework = db_client.post("/api/v1/exercises", json={"title": "H", "case_ids": [CASES[0].id]}).get_json()
    mine = {"Authorization": "Bearer " + homework["educator_key"]}
    for control in ("start", "advance"):
        resp = db_client.post(f"/api/v1/exercises/{homework['code']}/{control}", headers=mine)
        assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_paced"
    assert state(db_client, homework["code"])["state"] == "running"


@pytest.mark.parametrize(
    "body",
    [
        {"pace": "fast"},
        {"pace": "educator", "time_limit_minutes": 5},
        {"minutes_per_case": 5},
        {"pace": "educator", "minutes_per_case": 0},
        {"pace": "educator", "minutes_per_case": "five"},
    ],
)
def test_a_pace_or_time_limit_that_does_not_fit_is_a_400(db_client, body):
    resp = db_client.post("/api/v1/exercises", json={"title": "T", "case_ids": [CASES[0].id], **body})
    assert resp.status_code == 400, resp.get_json()


def test_the_state_has_an_etag_and_a_poll_while_nothing_changed_is_a_304(db_client):
    code, educator = paced(db_client, minutes_per_case=3)
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    first = db_client.get(f"/api/v1/exercises/{code}/state")
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    same = db_client.get(f"/api/v1/exercises/{code}/state", headers={"If-None-Match": tag})
    assert same.status_code == 304 and same.get_data() == b""
    db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator)  # stage 2
    changed = db_client.get(f"/api/v1/exercises/{code}/state", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.get_json()["stage"] == 2 and changed.headers["ETag"] != tag
    joined = submit(db_client, code, "cy", CASES[0])
    assert joined.status_code == 201
    after = db_client.get(f"/api/v1/exercises/{code}/state", headers={"If-None-Match": changed.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["answered"] == 1


def test_a_class_created_ten_minutes_before_it_starts_gives_every_case_its_full_time(db_app):
    with db_app.app_context():
        knowledge = kb()
        made = service.create_exercise(
            "Early", [c.id for c in CASES], None, knowledge, pace="educator", minutes_per_case=2
        )
        exercise = made.exercise
        exercise.created_at = exercise.opened_at = T0  # created at 9:00
        db.session.commit()
        start = T0 + timedelta(minutes=10)
        assert service.class_state(exercise, start - timedelta(seconds=1))["seconds_left"] is None  # the lobby
        service.start(exercise, knowledge, now=start)  # started at 9:10
        row = service.current_case(exercise)
        assert service.class_state(exercise, start)["seconds_left"] == 120
        assert service.class_state(exercise, start + timedelta(seconds=119))["seconds_left"] == 1
        assert service.answer_window(exercise, row, start + timedelta(seconds=119)) == "open"
        assert service.answer_window(exercise, row, start + timedelta(seconds=121)) == "late"
        assert service.answer_window(exercise, row, start + timedelta(seconds=120 + service.GRACE_SECONDS)) == "closed"
        # The second case opens at 9:20 and has its own two minutes from then.
        while service.class_state(exercise, start)["case"] == 1:
            service.advance(exercise, knowledge, now=T0 + timedelta(minutes=20))
        second = service.current_case(exercise)
        later = T0 + timedelta(minutes=20)
        assert service.class_state(exercise, later)["seconds_left"] == 120
        assert service.answer_window(exercise, second, later + timedelta(seconds=100)) == "open"


def test_an_answer_sent_within_the_grace_period_is_kept_and_marked_late_after_it_refused(db_app, db_client):
    code, educator = paced(db_client)
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    first = submit(db_client, code, "dee", CASES[0])
    token = first.get_json()["student_token"]
    while state(db_client, code)["case"] == 1:  # the educator moves on: case 1 closes
        db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator)
    late = submit(db_client, code, "dee", CASES[0], token)
    assert late.status_code == 201 and late.get_json()["late"] is True
    with db_app.app_context():
        assert db.session.execute(select(Submission.late)).scalar_one() is True
        exercise = db.session.execute(select(Exercise)).scalar_one()
        exercise.cases[0].closed_at -= timedelta(seconds=service.GRACE_SECONDS)
        db.session.commit()
        before = db.session.execute(select(Submission.submitted_at)).scalar_one()
    refused = submit(db_client, code, "dee", CASES[0], token)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "case_not_open"
    with db_app.app_context():
        assert db.session.execute(select(Submission.submitted_at)).scalar_one() == before  # nothing changed


def test_a_late_answer_is_marked_in_the_answers_csv_and_the_students_answers(db_app, db_client):
    code = create(db_client, pace="educator", feedback="after_reveal")
    created = db_client.get(f"/classroom/{code}/created").get_data(as_text=True)
    educator = {"Authorization": "Bearer " + re.search(r"/claim#([A-Za-z0-9_-]+)<", created).group(1)}
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    token = submit(db_client, code, "eve", CASES[0]).get_json()["student_token"]  # on time
    late_token = submit(db_client, code, "fay", CASES[0]).get_json()["student_token"]
    while state(db_client, code)["case"] == 1:
        db_client.post(f"/api/v1/exercises/{code}/advance", headers=educator)
    assert submit(db_client, code, "fay", CASES[0], late_token).get_json()["late"] is True
    assert submit(db_client, code, "eve", CASES[1], token).get_json()["late"] is False
    rows = list(csv.DictReader(io.StringIO(db_client.get(f"/classroom/{code}/submissions.csv").get_data(as_text=True))))
    late = {(r["nickname"], r["case_position"]): r["late"] for r in rows}
    assert late == {("eve", "1"): "no", ("eve", "2"): "no", ("fay", "1"): "yes", ("fay", "2"): ""}
    with db_app.app_context():
        fay = service.by_nickname(service.find_exercise(code), "fay")
        eve = service.by_nickname(service.find_exercise(code), "eve")
    assert '<strong class="tag-late">late</strong>' in db_client.get(f"/classroom/{code}/students/{fay.id}").get_data(
        as_text=True
    )
    assert "tag-late" not in db_client.get(f"/classroom/{code}/students/{eve.id}").get_data(as_text=True)


def test_an_api_student_rejoins_with_the_rejoin_code_and_wrong_codes_are_limited_per_nickname(db_app, db_client):
    db_app.config["REJOIN_RATE_LIMIT"] = 3
    code, educator = paced(db_client)
    db_client.post(f"/api/v1/exercises/{code}/start", headers=educator)
    first = submit(db_client, code, "Eve", CASES[0]).get_json()
    token, rejoin_code = first["student_token"], first["rejoin_code"]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", rejoin_code)
    url = f"/api/v1/exercises/{code}/rejoin"
    back = db_client.post(url, json={"nickname": "eve", "rejoin_code": rejoin_code.lower()})
    assert back.status_code == 200 and back.get_json()["student_token"] == token
    assert db_client.post(url, json={"nickname": "eve"}).status_code == 400
    wrong = "222222" if rejoin_code != "222222" else "333333"
    for _ in range(3):
        resp = db_client.post(url, json={"nickname": "Eve", "rejoin_code": wrong})
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "invalid_rejoin_code"
    # Now every try for this nickname waits, even the right code; another nickname is not affected.
    limited = db_client.post(url, json={"nickname": "Eve", "rejoin_code": rejoin_code})
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    other = submit(db_client, code, "Fay", CASES[0]).get_json()
    assert db_client.post(url, json={"nickname": "Fay", "rejoin_code": other["rejoin_code"]}).status_code == 200
    with db_app.app_context():
        assert all(e not in str(db.session.execute(select(Student.rejoin_hash)).all()) for e in (rejoin_code,))


def test_a_browser_student_comes_back_from_another_browser_with_the_rejoin_code(db_app, db_client):
    code = create(db_client, pace="self")
    first = db_app.test_client()
    join(first, code, "Gus")
    page = first.get(f"/join/{code}").get_data(as_text=True)
    rejoin_code = re.search(r"Your rejoin code: <strong class=\"code\">([A-Z0-9]+)<", page).group(1)
    assert (
        first.post(
            f"/join/{code}/1",
            data={
                "csrf_token": csrf_token(first, f"/join/{code}/1"),
                "findings": list(CASES[0].key.present),
                "lean": CASES[0].key.lean,
                "confidence": "80",
            },
        ).status_code
        == 303
    )
    fresh = db_app.test_client()
    taken = join(fresh, code, "gus")
    assert taken.status_code == 400 and "type the rejoin code" in taken.get_data(as_text=True)
    wrong = fresh.post(
        "/join",
        data={"csrf_token": csrf_token(fresh, "/join"), "code": code, "nickname": "gus", "rejoin_code": "ZZZZZZ"},
    )
    assert wrong.status_code == 403 and "does not match" in wrong.get_data(as_text=True)
    back = fresh.post(
        "/join",
        data={"csrf_token": csrf_token(fresh, "/join"), "code": code, "nickname": "gus", "rejoin_code": rejoin_code},
    )
    assert back.status_code == 302
    home = fresh.get(f"/join/{code}").get_data(as_text=True)
    assert "You are <strong><bdi>Gus</bdi></strong>" in home and 'tag-done">answered' in home and rejoin_code in home
    assert counts(db_app) == (1, 1)  # the same student, not a second one


def test_the_educator_readmits_a_nickname_and_removes_a_student(db_app, db_client):
    code = create(db_client, pace="self")
    lost, again, third = db_app.test_client(), db_app.test_client(), db_app.test_client()
    join(lost, code, "Hal")
    with db_app.app_context():
        exercise = service.find_exercise(code)
        service.readmit(exercise, "hal")
        with pytest.raises(service.ClassroomError) as nobody:
            service.readmit(exercise, "nobody")
        assert nobody.value.status == 404
    assert join(again, code, "HAL").status_code == 302  # taken over, once
    assert again.get(f"/join/{code}").status_code == 200
    assert lost.get(f"/join/{code}").status_code == 403  # the lost browser is out
    assert join(third, code, "hal").status_code == 400  # not a second time
    with db_app.app_context():
        exercise = service.find_exercise(code)
        hal = service.by_nickname(exercise, "hal")
        service.remove_student(exercise, hal.id)
        with pytest.raises(service.ClassroomError):
            service.remove_student(exercise, hal.id)
    assert counts(db_app) == (0, 0)
    assert join(third, code, "hal").status_code == 302  # the nickname is free again


def test_answer_pages_are_post_redirect_get_and_a_reload_sends_nothing_twice(db_app, db_client):
    code = create(db_client, pace="educator", feedback="after_reveal")
    student = db_app.test_client()
    join(student, code, "Ivy")
    lobby = student.get(f"/join/{code}").get_data(as_text=True)
    assert "Waiting for your educator to start" in lobby and 'href="/classroom/new"' not in lobby  # no site nav
    token = csrf_token(db_client, f"/classroom/{code}")
    assert db_client.post(f"/classroom/{code}/start", data={"csrf_token": token}).status_code == 302
    page = student.get(f"/join/{code}").get_data(as_text=True)
    assert "Case 1 of 2" in page and "Stage 1 of" in page and "Stage 2 of" not in page
    assert CASES[1].title not in page  # only the open case
    data = {
        "csrf_token": csrf_token(student, f"/join/{code}"),
        "findings": list(CASES[0].key.present),
        "lean": CASES[0].key.lean,
        "confidence": "90",
    }
    posted = student.post(f"/join/{code}/1", data=data)
    assert posted.status_code == 303 and posted.location == f"/join/{code}"
    saved = student.get(posted.location).get_data(as_text=True)
    top = saved[saved.index("<main") :]
    assert top.index("Saved — waiting for the reveal") < top.index('class="vignette"')  # first on the screen
    for _ in range(2):  # reloads
        student.get(posted.location)
    assert counts(db_app) == (1, 1)
    # Case 2 is not open: refused, nothing stored, what was ticked is on the page.
    refused = student.post(f"/join/{code}/2", data=data)
    assert refused.status_code == 409 and "your answer was not counted" in refused.get_data(as_text=True)
    assert counts(db_app) == (1, 1)
    db_client.post(f"/classroom/{code}/advance", data={"csrf_token": token})
    assert "Stage 2 of" in student.get(f"/join/{code}").get_data(as_text=True)
    db_client.post(f"/classroom/{code}/reveal", data={"csrf_token": token})
    revealed = student.post(f"/join/{code}/1", data=data)  # within the grace period after the reveal
    assert revealed.status_code == 303 and revealed.location == f"/join/{code}#feedback"
    feedback = student.get(f"/join/{code}").get_data(as_text=True)
    assert 'id="feedback"' in feedback and "kept and marked late" in feedback
    dash = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert "Open case 2" in dash
    projector = db_client.get(f"/classroom/{code}/projector").get_data(as_text=True)
    assert "Case 1:" in projector and "expected: " in projector  # the open case, revealed
