"""The classroom JSON API on SQLite and (where set) PostgreSQL: create, submit, results, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from rules.practice.cases import load_cases
from rules.practice.library import get_case
from webapp.extensions import db
from webapp.models import Student
from webapp.models import Submission
from webapp.openapi import openapi_document

CASES = list(load_cases().values())[:2]


def perfect(case) -> dict:
    return {
        "findings": list(case.key.present),
        "lean": case.key.lean,
        "mechanisms": list(case.key.mechanisms),
        "confidence": 90,
    }


def new_exercise(client, case_ids=None) -> dict:
    resp = client.post("/api/v1/exercises", json={"title": "API class", "case_ids": case_ids or [c.id for c in CASES]})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_creating_an_exercise_answers_code_key_and_urls(db_client):
    body = new_exercise(db_client)
    assert body["join_url"].endswith(f"/join?code={body['code']}")
    assert body["dashboard_url"].endswith(f"/classroom/{body['code']}")
    assert len(body["educator_key"]) >= 32 and "not a diagnosis" in body["disclaimer"]


def test_a_submission_gets_the_same_feedback_as_a_practice_attempt(db_client):
    body = new_exercise(db_client)
    answer = {**perfect(CASES[0]), "findings": list(CASES[0].key.present)[1:], "confidence": 60}
    resp = db_client.post(
        f"/api/v1/exercises/{body['code']}/submissions",
        json={"nickname": "api-ana", "case_id": CASES[0].id, "answer": answer},
    )
    practice = db_client.post(f"/api/v1/cases/{CASES[0].id}/attempts", json=answer)
    assert resp.status_code == 201 and practice.status_code == 200
    given = resp.get_json()
    assert given.pop("stored") is True and given.pop("revealed") is True and given.pop("student_token")
    assert given.pop("late") is False and len(given.pop("rejoin_code")) == 6
    assert given == practice.get_json()


def test_an_exercise_takes_the_public_ids_the_cases_api_lists(db_client):
    """GET /api/v1/cases lists public ids: an exercise made with them stores the ids the cases are
    written with, so it works as one made with those, and a submission may use either."""
    listed = [c["id"] for c in db_client.get("/api/v1/cases").get_json()["cases"]][:2]
    body = new_exercise(db_client, listed)
    resp = db_client.post(
        f"/api/v1/exercises/{body['code']}/submissions",
        json={"nickname": "api-bo", "case_id": listed[0], "answer": perfect(get_case(listed[0]))},
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["score"] == 1


def test_results_need_the_bearer_key_and_aggregate_every_answer(db_client):
    body = new_exercise(db_client)
    code, key = body["code"], body["educator_key"]
    first = CASES[0]
    missing = first.key.present[0]
    for nickname, findings, lean in (
        ("a", list(first.key.present), first.key.lean),
        ("b", [s for s in first.key.present if s != missing], first.key.lean),
        ("c", [], "indeterminate"),
    ):
        resp = db_client.post(
            f"/api/v1/exercises/{code}/submissions",
            json={
                "nickname": nickname,
                "case_id": first.id,
                "answer": {"findings": findings, "lean": lean, "mechanisms": [], "confidence": 70},
            },
        )
        assert resp.status_code == 201
    assert db_client.get(f"/api/v1/exercises/{code}/results").status_code == 401
    wrong = db_client.get(f"/api/v1/exercises/{code}/results", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "forbidden"
    results = db_client.get(f"/api/v1/exercises/{code}/results", headers={"Authorization": f"Bearer {key}"}).get_json()
    assert (results["submissions"], results["students"]) == (3, 3)
    case = results["cases"][0]
    assert case["id"] == first.id and case["answered"] == 3
    expected_leans = {"recessive": 0, "dominant": 0, "indeterminate": 1}
    expected_leans[first.key.lean] += 2
    assert case["lean_counts"] == expected_leans
    assert case["findings"][missing] == {
        "hit_rate": round(1 / 3, 4),
        "miss_rate": round(2 / 3, 4),
        "overcall_rate": None,
    }
    assert results["cases"][1] == {**results["cases"][1], "id": CASES[1].id, "answered": 0}


def test_an_api_student_is_its_nickname_and_resubmitting_replaces(db_app, db_client):
    code = new_exercise(db_client)["code"]
    token = None
    for confidence in (50, 100):
        resp = db_client.post(
            f"/api/v1/exercises/{code}/submissions",
            json={
                "nickname": "Same",
                "case_id": CASES[0].id,
                "answer": {**perfect(CASES[0]), "confidence": confidence},
                **({"student_token": token} if token else {}),
            },
        )
        assert resp.status_code == 201
        token = token or resp.get_json()["student_token"]
        assert resp.get_json().get("student_token") in (token, None)
    db_client.post(
        f"/api/v1/exercises/{code}/submissions",
        json={"nickname": "same", "case_id": CASES[1].id, "answer": perfect(CASES[1]), "student_token": token},
    )
    with db_app.app_context():
        assert db.session.execute(select(func.count()).select_from(Student)).scalar_one() == 1
        rows = db.session.execute(select(Submission.case_id, Submission.confidence)).all()
    assert sorted(rows) == sorted([(CASES[0].id, 100), (CASES[1].id, 90)])


def test_an_existing_educator_key_adds_exercises_to_the_same_educator(db_client):
    key = new_exercise(db_client)["educator_key"]
    resp = db_client.post(
        "/api/v1/exercises",
        json={"title": "Second", "case_ids": [CASES[0].id]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert resp.status_code == 201 and resp.get_json()["educator_key"] == key
    code = resp.get_json()["code"]
    assert (
        db_client.get(f"/api/v1/exercises/{code}/results", headers={"Authorization": f"Bearer {key}"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": "x"}, 400, "invalid_cases"),
        ({"case_ids": ["a"]}, 400, "invalid_title"),
        ({"title": "x", "case_ids": []}, 400, "invalid_cases"),
        ({"title": "x", "case_ids": ["no-such-case"]}, 400, "unknown_case"),
        ({"title": "x", "case_ids": ["authored-1"]}, 404, "unknown_case"),  # well formed, not there
        ({"title": "x", "case_ids": ["bcdfghjklmnpq"]}, 404, "unknown_case"),  # a public id of no case
        ({"title": " ", "case_ids": ["sim-259700-1"]}, 400, "invalid_title"),
        ({"title": "x", "case_ids": ["sim-259700-1"], "time_limit_minutes": 0}, 400, "invalid_time_limit"),
        (["not", "an", "object"], 400, "invalid_body"),
    ],
)
def test_bad_exercise_bodies_get_a_clear_4xx(db_client, body, status, code):
    resp = db_client.post("/api/v1/exercises", json=body)
    assert resp.status_code == status and resp.get_json()["error"]["code"] == code


def test_bad_submissions_get_a_clear_4xx(db_client):
    code = new_exercise(db_client)["code"]
    url = f"/api/v1/exercises/{code}/submissions"
    good = {"nickname": "n", "case_id": CASES[0].id, "answer": perfect(CASES[0])}
    cases = [
        ({**good, "answer": {**perfect(CASES[0]), "findings": ["nope"]}}, 400, "unknown_finding"),
        ({**good, "answer": {**perfect(CASES[0]), "confidence": 20}}, 400, "invalid_confidence"),
        ({**good, "answer": None}, 400, "invalid_body"),
        ({**good, "nickname": "me@example.org"}, 400, "invalid_nickname"),
        ({**good, "nickname": 5}, 400, "invalid_nickname"),
        ({**good, "case_id": "sim-259700-99"}, 404, "unknown_case"),
    ]
    for body, status, err in cases:
        resp = db_client.post(url, json=body)
        assert (resp.status_code, resp.get_json()["error"]["code"]) == (status, err), body
    assert db_client.post(url, data="x", content_type="text/plain").status_code == 415
    assert db_client.post("/api/v1/exercises/ZZZZZZ/submissions", json=good).status_code == 404


def test_a_closed_exercise_keeps_an_answer_within_the_grace_period_then_answers_409(db_app, db_client):
    body = new_exercise(db_client)
    from webapp.classroom import service
    from webapp.models import Exercise

    url = f"/api/v1/exercises/{body['code']}/submissions"
    with db_app.app_context():
        service.set_open(db.session.execute(select(Exercise)).scalar_one(), False)
    late = db_client.post(url, json={"nickname": "n", "case_id": CASES[0].id, "answer": perfect(CASES[0])})
    assert late.status_code == 201 and late.get_json()["late"] is True
    with db_app.app_context():
        exercise = db.session.execute(select(Exercise)).scalar_one()
        exercise.closed_at -= timedelta(seconds=service.GRACE_SECONDS)
        db.session.commit()
    resp = db_client.post(url, json={"nickname": "m", "case_id": CASES[0].id, "answer": perfect(CASES[0])})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "exercise_closed"


def test_wrong_codes_are_rate_limited_on_the_api_too_but_a_real_code_always_answers(db_app, db_client):
    db_app.config["JOIN_RATE_LIMIT"] = 2
    code = new_exercise(db_client)["code"]
    good = {"nickname": "n", "case_id": CASES[0].id, "answer": perfect(CASES[0])}
    assert db_client.post("/api/v1/exercises/AAAAAA/submissions", json=good).status_code == 404
    assert db_client.get("/api/v1/exercises/BBBBBB/results").status_code == 404
    limited = db_client.post("/api/v1/exercises/CCCCCC/submissions", json=good)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "too_many_requests"
    assert limited.headers["Retry-After"] == "300"
    assert db_client.post(f"/api/v1/exercises/{code}/submissions", json=good).status_code == 201


def test_the_openapi_document_describes_the_classroom_operations(db_client):
    doc = db_client.get("/api/v1/openapi.json").get_json()
    for path, method in (
        ("/api/v1/exercises", "post"),
        ("/api/v1/exercises/{code}/submissions", "post"),
        ("/api/v1/exercises/{code}/results", "get"),
    ):
        assert method in doc["paths"][path], path
    assert {"401", "403"} <= set(doc["paths"]["/api/v1/exercises/{code}/results"]["get"]["responses"])
    assert doc == openapi_document(doc["info"]["version"])


NASTY = ["\x00", "a\x00b", "\U0001f4a5" * 40, "<script>alert(1)</script>", " \t ", "x" * 5000, "Ünïcødé ☃"]


@pytest.mark.parametrize("text", NASTY)
def test_odd_text_in_titles_nicknames_and_codes_never_causes_a_5xx(db_client, text):
    resp = db_client.post("/api/v1/exercises", json={"title": text, "case_ids": [CASES[0].id]})
    assert resp.status_code in (201, 400)
    code = new_exercise(db_client)["code"]
    sub = db_client.post(
        f"/api/v1/exercises/{code}/submissions",
        json={"nickname": text, "case_id": CASES[0].id, "answer": perfect(CASES[0])},
    )
    assert sub.status_code in (201, 400)
    assert db_client.post(f"/api/v1/exercises/{text[:50]}/submissions", json={}).status_code in (404, 429)
    assert db_client.post("/api/v1/exercises", json={"title": "t", "case_ids": [text]}).status_code == 400
