"""Issue 16 and 12.5 through the pages and the API, on SQLite and PostgreSQL: the educator paces
the reveal and nothing a student or the projector sees gives the key away before it; the educator
is never lost; students never start over; API students are secrets, not nicknames; join caps and
canonical case ids."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select
from test_classroom_pages import CASES
from test_classroom_pages import create
from test_classroom_pages import join
from test_classroom_pages import perfect

from tests.support.apps import csrf_token
from webapp.extensions import db
from webapp.models import Student
from webapp.models import Submission

KEY = CASES[0].key


def reveal(client, code: str, case_id: str | None = None):
    data = {"csrf_token": csrf_token(client, f"/classroom/{code}")}
    if case_id:
        data["case_id"] = case_id
    return client.post(f"/classroom/{code}/reveal", data=data)


def test_before_the_reveal_no_student_or_projector_page_shows_the_key(db_app, db_client):
    code = create(db_client, feedback="after_reveal")
    student = db_app.test_client()
    join(student, code, "ana")
    saved = perfect(student, code, 1)
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Saved — waiting for the reveal" in body and "data-state=" in body
    assert 'id="fb-h"' not in body  # no feedback section
    pages = {
        "student case": student.get(f"/join/{code}/1").get_data(as_text=True),
        "student home": student.get(f"/join/{code}").get_data(as_text=True),
        "projector lobby": db_client.get(f"/classroom/{code}/projector").get_data(as_text=True),
        "projector case": db_client.get(f"/classroom/{code}/projector?case=1").get_data(as_text=True),
        "projector live": db_client.get(f"/classroom/{code}/live.json?view=projector&case=1").get_json()["html"],
    }
    for name, page in pages.items():
        for marker in ("expected: ", "Most common misses", "✓", "✗ ", "Answer key", 'id="fb-h"', " %</span>"):
            assert marker not in page, (name, marker)
    assert student.get(f"/join/{code}/1/state.json").get_json() == {"revealed": False, "open": True}
    # The educator's dashboard has the key, marked for them only.
    dash = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert "not on the projector" in dash and "answer not revealed" in dash

    assert reveal(db_client, code, CASES[0].id).status_code == 302
    assert student.get(f"/join/{code}/1/state.json").get_json()["revealed"] is True
    after = student.get(f"/join/{code}/1").get_data(as_text=True)
    assert (
        "Saved — waiting for the reveal" not in after and 'id="fb-h"' in after
    )  # the feedback, from the stored answer
    projected = db_client.get(f"/classroom/{code}/projector?case=1").get_data(as_text=True)
    assert "expected: " in projected and "Most common misses" in projected
    # Case 2 is still hidden: revealing one case reveals only that one.
    assert "expected: " not in db_client.get(f"/classroom/{code}/projector?case=2").get_data(as_text=True)
    assert reveal(db_client, code).status_code == 302
    assert "expected: " in db_client.get(f"/classroom/{code}/projector?case=2").get_data(as_text=True)


def test_immediate_feedback_shows_the_student_their_key_but_the_projector_still_waits(db_app, db_client):
    code = create(db_client, feedback="immediate")
    student = db_app.test_client()
    join(student, code, "ben")
    assert 'id="fb-h"' in perfect(student, code, 1).get_data(as_text=True)  # the feedback, at once
    assert "expected: " not in db_client.get(f"/classroom/{code}/projector?case=1").get_data(as_text=True)
    reloaded = student.get(f"/join/{code}/1").get_data(as_text=True)  # a reload keeps the feedback
    assert "Answer this case again" in reloaded and "data-state=" not in reloaded


def test_the_api_has_the_reveal_and_the_feedback_mode(db_client):
    made = db_client.post(
        "/api/v1/exercises", json={"title": "API", "case_ids": [CASES[0].id], "feedback": "after_reveal"}
    ).get_json()
    code, bearer = made["code"], {"Authorization": f"Bearer {made['educator_key']}"}
    assert made["feedback"] == "after_reveal"
    sub = db_client.post(
        f"/api/v1/exercises/{code}/submissions",
        json={
            "nickname": "api",
            "case_id": CASES[0].id,
            "answer": {"findings": list(KEY.present), "lean": KEY.lean, "mechanisms": [], "confidence": 80},
        },
    )
    body = sub.get_json()
    assert sub.status_code == 201 and body["stored"] is True and body["revealed"] is False
    assert "lean" not in body and "findings" not in body  # no key before the reveal
    ask = {"nickname": "api", "case_id": CASES[0].id, "student_token": body["student_token"]}
    early = db_client.post(f"/api/v1/exercises/{code}/feedback", json=ask)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_revealed"
    assert db_client.post(f"/api/v1/exercises/{code}/reveal").status_code == 401
    done = db_client.post(f"/api/v1/exercises/{code}/reveal", json={"case_id": CASES[0].id}, headers=bearer)
    assert done.status_code == 200 and done.get_json()["revealed"] == [CASES[0].id]
    late = db_client.post(f"/api/v1/exercises/{code}/feedback", json=ask)
    assert late.status_code == 200 and late.get_json()["lean"]["expected"] == KEY.lean
    results = db_client.get(f"/api/v1/exercises/{code}/results", headers=bearer).get_json()
    assert results["cases"][0]["revealed"] is True and results["feedback"] == "after_reveal"
    bad = db_client.post("/api/v1/exercises", json={"title": "x", "case_ids": [CASES[0].id], "feedback": "later"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_feedback"
    # Asking the feedback of a nickname nobody answered with makes no student.
    stranger = db_client.post(f"/api/v1/exercises/{code}/feedback", json={**ask, "nickname": "nobody"})
    assert stranger.status_code == 404 and stranger.get_json()["error"]["code"] == "not_answered"
    assert db_client.get(f"/api/v1/exercises/{code}/state").get_json()["joined"] == 1


def test_the_projector_lobby_has_a_giant_code_a_named_qr_code_and_the_count_of_students(db_app, db_client):
    code = create(db_client)
    for name in ("a", "b"):
        join(db_app.test_client(), code, name)
    page = db_client.get(f"/classroom/{code}/projector").get_data(as_text=True)
    assert f'<p class="pj-code">{code}</p>' in page and "<strong>2</strong> joined" in page
    assert re.search(r'<svg role="img" aria-label="QR code for http://localhost/join\?code=' + code, page)
    assert 'class="site"' not in page  # no site header or footer on the projector
    assert "not a diagnosis" in page  # the disclaimer stays


def test_an_api_student_is_a_secret_not_a_nickname(db_app, db_client):
    code = db_client.post("/api/v1/exercises", json={"title": "T", "case_ids": [CASES[0].id]}).get_json()["code"]
    answer = {"findings": list(KEY.present), "lean": KEY.lean, "mechanisms": [], "confidence": 80}
    url = f"/api/v1/exercises/{code}/submissions"
    first = db_client.post(url, json={"nickname": "Eve", "case_id": CASES[0].id, "answer": answer})
    token = first.get_json()["student_token"]
    other = {**answer, "lean": "dominant", "confidence": 50}
    for wrong in ({}, {"student_token": "guess"}, {"student_token": 7}, {"student_token": "\ud800"}):
        resp = db_client.post(url, json={"nickname": "eve", "case_id": CASES[0].id, "answer": other, **wrong})
        assert resp.status_code in (400, 403), wrong
    ok = db_client.post(url, json={"nickname": "eve", "case_id": CASES[0].id, "answer": other, "student_token": token})
    assert ok.status_code == 201 and "student_token" not in ok.get_json()
    # A browser student can never be written through the API, whatever is sent.
    browser = db_app.test_client()
    join(browser, code, "Ann")
    perfect(browser, code, 1)
    with db_app.app_context():
        browser_token = db.session.execute(select(Student.token).where(Student.nickname == "Ann")).scalar_one()
    for extra in ({}, {"student_token": browser_token}):
        resp = db_client.post(url, json={"nickname": "ann", "case_id": CASES[0].id, "answer": other, **extra})
        assert resp.status_code == 403
    with db_app.app_context():
        rows = dict(db.session.execute(select(Student.nickname, Submission.lean).join(Submission)).all())
    assert rows == {"Eve": "dominant", "Ann": KEY.lean}


def test_wrong_student_tokens_count_as_failed_guesses(db_app, db_client):
    db_app.config["JOIN_RATE_LIMIT"] = 2
    code = db_client.post("/api/v1/exercises", json={"title": "T", "case_ids": [CASES[0].id]}).get_json()["code"]
    answer = {"findings": [], "lean": KEY.lean, "mechanisms": [], "confidence": 80}
    url = f"/api/v1/exercises/{code}/submissions"
    db_client.post(url, json={"nickname": "v", "case_id": CASES[0].id, "answer": answer})
    codes = [
        db_client.post(
            url, json={"nickname": "v", "case_id": CASES[0].id, "answer": answer, "student_token": f"g{i}"}
        ).status_code
        for i in range(3)
    ]
    assert codes == [403, 403, 429]


def test_joins_per_exercise_are_capped_with_a_clear_409(db_app, db_client):
    db_app.config["CLASSROOM_MAX_STUDENTS"] = 2
    code = create(db_client)
    assert [join(db_app.test_client(), code, n).status_code for n in ("a", "b")] == [302, 302]
    full = join(db_app.test_client(), code, "c")
    assert full.status_code == 409 and "This exercise is full" in full.get_data(as_text=True)
    api = db_client.post(
        f"/api/v1/exercises/{code}/submissions",
        json={
            "nickname": "d",
            "case_id": CASES[0].id,
            "answer": {"findings": [], "lean": KEY.lean, "mechanisms": [], "confidence": 80},
        },
    )
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "exercise_full"
    with db_app.app_context():
        assert db.session.execute(select(func.count()).select_from(Student)).scalar_one() == 2


@pytest.mark.parametrize(
    "case_id",
    [
        "authored-07",
        "authored-+7",
        "authored--1",
        "authored-0",
        "authored- 7",
        "authored-2147483648",
        "authored-9223372036854775808",
        "authored-99999999999999999999999",
        "authored-٧",
    ],
)
def test_authored_case_ids_have_one_canonical_form_and_never_cause_a_5xx(db_client, case_id):
    resp = db_client.post("/api/v1/exercises", json={"title": "Ids", "case_ids": [case_id]})
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "unknown_case"


def test_the_openapi_pattern_of_case_ids_is_the_canonical_form(db_client):
    pattern = db_client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["CaseId"]["pattern"]
    for good in ("authored-7", "authored-2147483647", "authored-1000000000"):
        assert re.search(pattern, good), good
    for bad in ("authored-07", "authored-+7", "authored-2147483648", "authored-0"):
        assert not re.search(pattern, bad), bad


def test_a_wrong_code_keeps_what_the_student_typed(db_app, db_client):
    student = db_app.test_client()
    resp = join(student, "ZZZZZZ", "Carla")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 404 and 'value="ZZZZZZ"' in page and 'value="Carla"' in page
    assert "There is no exercise with this join code" in page and "<form" in page


def test_a_student_who_joined_goes_back_to_their_place(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    join(student, code, "dee")
    again = student.get(f"/join?code={code}")
    assert again.status_code == 302 and again.location.endswith(f"/join/{code}")


def test_the_educator_is_never_lost(db_app, db_client):
    # A key made by authoring a case is shown on /classroom/new, to keep.
    from test_classroom_pages import author_data

    resp = db_client.post("/classroom/cases/new", data=author_data(db_client))
    assert resp.status_code == 302
    page = db_client.get("/classroom/new").get_data(as_text=True)
    assert "First, keep your recovery link" in page and 'id="claim-key"' in page
    code = create(db_client, title="Monday group")
    student = db_app.test_client()
    join(student, code, "s")
    perfect(student, code, 1)
    mine = db_client.get("/classroom/new").get_data(as_text=True)
    assert "Your exercises" in mine and "Monday group" in mine and "1 student, 1 answer" in mine
    # Duplicate: same cases, a new code, no answers.
    dup = db_client.post(f"/classroom/{code}/duplicate", data={"csrf_token": csrf_token(db_client, "/classroom/new")})
    assert dup.status_code == 302
    copy = re.fullmatch(r"/classroom/([A-Z0-9]+)/created", dup.location).group(1)
    assert copy != code and "Monday group (copy)" in db_client.get(f"/classroom/{copy}").get_data(as_text=True)
    # Another device without the key: the 401 page links to the claim form.
    elsewhere = db_app.test_client().get(f"/classroom/{code}")
    assert elsewhere.status_code == 401 and f'href="/classroom/{code}/claim"' in elsewhere.get_data(as_text=True)


def test_the_educator_sets_the_order_and_sees_one_student_s_answers(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    join(student, code, "zed")
    perfect(student, code, 1)
    token = csrf_token(db_client, f"/classroom/{code}")
    db_client.post(f"/classroom/{code}/move", data={"csrf_token": token, "position": "0", "direction": "down"})
    dash = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert dash.index(f"Case 1: {CASES[1].title}") < dash.index(f"Case 2: {CASES[0].title}")
    link = re.search(r'href="(/classroom/' + code + r'/students/\d+)"><bdi>zed<', dash).group(1)
    detail = db_client.get(link).get_data(as_text=True)
    assert "Answers of <bdi>zed</bdi>" in detail and "not answered yet" in detail and "(right)" in detail
    assert db_client.get(f"/classroom/{code}/students/999999").status_code == 404


def test_live_updates_are_conditional_requests(db_app, db_client):
    code = create(db_client)
    page = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    etag = re.search(r'data-etag="&quot;([0-9a-f]+)&quot;"', page).group(1)
    same = db_client.get(f"/classroom/{code}/live.json", headers={"If-None-Match": f'"{etag}"'})
    assert same.status_code == 304 and same.get_data() == b""
    student = db_app.test_client()
    join(student, code, "new")
    changed = db_client.get(f"/classroom/{code}/live.json", headers={"If-None-Match": f'"{etag}"'})
    assert changed.status_code == 200 and changed.headers["ETag"] != f'"{etag}"' and "new" in changed.get_json()["html"]
