"""No key before the reveal, on SQLite and PostgreSQL: in an exercise that withholds its answers, a
student reaches nothing that names one of its cases (title, id, a simulated patient's seed) or
gives its key elsewhere (practice, the cases API); the exercise serves its own case ids."""

from __future__ import annotations

import re

import pytest
from test_classroom_pages import CASES
from test_classroom_pages import create
from test_classroom_pages import join

from rules import get_case
from rules import public_case_id
from tests.support.apps import csrf_token
from webapp.classroom import withheld

SIM = "sim-259700-424242"
LIBRARY = CASES[0]
ANSWER = {"findings": [], "lean": LIBRARY.key.lean, "mechanisms": [], "confidence": 80}


@pytest.fixture(autouse=True)
def _fresh_withheld_cache():
    withheld._cache.clear()
    yield
    withheld._cache.clear()


def exercise(client, feedback: str = "after_reveal", pace: str = "self") -> dict:
    resp = client.post(
        "/api/v1/exercises",
        json={"title": "Exam", "case_ids": [LIBRARY.id, SIM], "feedback": feedback, "pace": pace},
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def names_the_case(text: str) -> list[str]:
    """What in `text` would name the library case or the simulated patient."""
    sim = get_case(SIM)
    markers = [LIBRARY.title, LIBRARY.id, public_case_id(LIBRARY.id), SIM, public_case_id(SIM), "424242", sim.title]
    return [m for m in markers if m in text]


def test_the_exercise_serves_its_own_case_ids_and_accepts_the_old_ones(db_client):
    body = exercise(db_client)
    own = body["cases"]
    assert len(own) == 2 and all(re.fullmatch(r"[bcdfghjklmnpqrstvwxz]{15}", c) for c in own)
    assert not names_the_case(str(body))
    url = f"/api/v1/exercises/{body['code']}/submissions"
    first = db_client.post(url, json={"nickname": "a", "case_id": own[0], "answer": ANSWER})
    assert first.status_code == 201 and first.get_json()["revealed"] is False
    token = first.get_json()["student_token"]
    again = {"nickname": "a", "student_token": token, "answer": ANSWER}
    assert db_client.post(url, json={**again, "case_id": LIBRARY.id}).status_code == 201  # the old id still works
    assert db_client.post(url, json={**again, "case_id": own[1]}).status_code == 201
    # Practice does not know the exercise's ids.
    assert db_client.get(f"/api/v1/cases/{own[0]}").status_code == 404
    # The educator reveals by the exercise's id.
    key = {"Authorization": f"Bearer {body['educator_key']}"}
    assert (
        db_client.post(f"/api/v1/exercises/{body['code']}/reveal", json={"case_id": own[0]}, headers=key).status_code
        == 200
    )


def test_a_student_page_names_a_hidden_case_by_its_position_only(db_app, db_client):
    body = exercise(db_client, pace="educator")
    code = body["code"]
    student = db_app.test_client()
    assert join(student, code, "ana").status_code == 302
    key = {"Authorization": f"Bearer {body['educator_key']}"}
    assert db_client.post(f"/api/v1/exercises/{code}/start", headers=key).status_code == 200
    pages = {"case 1": student.get(f"/join/{code}").get_data(as_text=True)}
    assert db_client.post(f"/api/v1/exercises/{code}/advance", headers=key).status_code == 200
    pages["case 2"] = student.get(f"/join/{code}").get_data(as_text=True)
    for name, page in pages.items():
        assert '<h2 id="case-title">Case ' in page, name
        assert not names_the_case(page), (name, names_the_case(page))


def test_practice_gives_no_key_for_a_case_hidden_in_a_running_exam(db_app, db_client):
    body = exercise(db_client)
    practice = db_app.test_client()
    attempt = practice.post(f"/api/v1/cases/{public_case_id(LIBRARY.id)}/attempts", json=ANSWER)
    assert attempt.status_code == 409 and attempt.get_json()["error"]["code"] == "case_withheld"
    assert "expected" not in str(attempt.get_json())
    sim = practice.post(f"/api/v1/cases/{public_case_id(SIM)}/attempts", json=ANSWER)
    assert sim.status_code == 409
    # Once the educator reveals it, practice gives its feedback again.
    key = {"Authorization": f"Bearer {body['educator_key']}"}
    assert db_client.post(f"/api/v1/exercises/{body['code']}/reveal", headers=key).status_code == 200
    withheld._cache.clear()  # the set is read at most every CACHE_SECONDS
    assert practice.post(f"/api/v1/cases/{public_case_id(LIBRARY.id)}/attempts", json=ANSWER).status_code == 200


def test_an_exercise_with_immediate_feedback_holds_back_nothing_in_practice(db_app, db_client):
    exercise(db_client, feedback="immediate")
    attempt = db_app.test_client().post(f"/api/v1/cases/{public_case_id(LIBRARY.id)}/attempts", json=ANSWER)
    assert attempt.status_code == 200


def test_a_simulated_patient_s_title_does_not_carry_its_seed():
    assert "424242" not in get_case(SIM).title


def test_the_projector_names_a_hidden_case_by_its_position_only_until_the_reveal(db_client):
    code = create(db_client, case_ids=[LIBRARY.id], feedback="after_reveal")
    before = db_client.get(f"/classroom/{code}/projector?case=1").get_data(as_text=True)
    assert not names_the_case(before)
    token = csrf_token(db_client, f"/classroom/{code}")
    db_client.post(f"/classroom/{code}/reveal", data={"csrf_token": token, "case_id": LIBRARY.id})
    assert LIBRARY.title in db_client.get(f"/classroom/{code}/projector?case=1").get_data(as_text=True)
