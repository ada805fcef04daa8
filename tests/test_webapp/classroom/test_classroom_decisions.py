"""An exercise that asks, as practice does, for a ranked differential and the next step: the students'
form asks them (only when the educator chose so), the answer is scored with them, and the dashboard,
the results API and the answers CSV show what the class chose, against the key once revealed."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func
from sqlalchemy import select

from rules import differential_choices
from rules import mark_decisions
from rules import next_step_choices
from tests.support.apps import csrf_token
from tests.test_webapp.classroom.test_classroom_pages import CASES
from tests.test_webapp.classroom.test_classroom_pages import join
from webapp.extensions import db
from webapp.infra.knowledge import kb
from webapp.models import Submission


def create(client, decisions: bool, feedback: str = "after_reveal") -> str:
    data = {
        "csrf_token": csrf_token(client, "/classroom/new"),
        "title": "Week 4: what next",
        "cases": [CASES[0].id],
        "simulated": "0",
        "feedback": feedback,
        "pace": "self",
    }
    if decisions:
        data["decisions"] = "y"
    resp = client.post("/classroom/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return re.fullmatch(r"/classroom/([A-Z0-9]+)/created", resp.location).group(1)


def the_key():
    """The first case's key entry and a keyed next step, and an entry and a step that are not keyed."""
    case = CASES[0]
    marks = mark_decisions(case, (), None, kb())
    assert marks.key_entries and marks.keyed_next_steps, "the first test case must key both decisions"
    entry = sorted(marks.key_entries)[0]
    other = next(c.id for c in differential_choices(kb()) if c.id not in marks.key_entries)
    wrong = next(c.id for c in next_step_choices(kb()) if c.id not in marks.keyed_next_steps)
    return entry, other, marks.keyed_next_steps[0], wrong


def answer(client, code: str, differential: list[str], next_step: str):
    path = f"/join/{code}/1"
    key = CASES[0].key
    data = {
        "csrf_token": csrf_token(client, path),
        "findings": list(key.present),
        "lean": key.lean,
        "mechanisms": list(key.mechanisms),
        "confidence": "90",
        "next_step": next_step,
    }
    for i, entry in enumerate(differential, start=1):
        data[f"differential_{i}"] = entry
    return client.post(path, data=data, follow_redirects=True)


def test_the_class_is_asked_the_decisions_and_the_educator_sees_what_it_chose(db_app, db_client):
    entry, other, keyed, wrong = the_key()
    code = create(db_client, decisions=True)
    ana, ben = db_app.test_client(), db_app.test_client()
    join(ana, code, "ana")
    join(ben, code, "ben")
    form = ana.get(f"/join/{code}/1").get_data(as_text=True)
    assert 'name="differential_1"' in form and 'name="next_step"' in form  # the questions are asked
    assert answer(ana, code, [entry], keyed).status_code == 200
    assert answer(ben, code, [other, entry], wrong).status_code == 200
    with db_app.app_context():
        stored = {
            (tuple(d), step) for d, step in db.session.execute(select(Submission.differential, Submission.next_step))
        }
    assert stored == {((entry,), keyed), ((other, entry), wrong)}
    # Before the reveal the dashboard shows what was chosen, never how it compares with the key.
    names = {c.id: c.name for c in differential_choices(kb())}
    page = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert "Differential: first choices" in page and "2 gave a differential." in page
    assert names[entry] in page and names[other] in page
    assert "put the case's entry first" not in page
    db_client.post(f"/classroom/{code}/reveal", data={"csrf_token": csrf_token(db_client, f"/classroom/{code}")})
    page = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert "2 gave a differential; 1 (50%) put the case's entry first." in page
    assert "2 chose a next step; 1 (50%) chose one the case's findings call for." in page
    rows = list(csv.DictReader(io.StringIO(db_client.get(f"/classroom/{code}/submissions.csv").get_data(as_text=True))))
    by_name = {r["nickname"]: r for r in rows}
    assert (by_name["ana"]["differential_ids"], by_name["ana"]["differential_credit_percent"]) == (entry, "100")
    assert (by_name["ben"]["differential_ids"], by_name["ben"]["differential_credit_percent"]) == (
        f"{other};{entry}",
        "50",
    )
    assert (by_name["ana"]["next_step_id"], by_name["ana"]["next_step_keyed"]) == (keyed, "yes")
    assert (by_name["ben"]["next_step_id"], by_name["ben"]["next_step_keyed"]) == (wrong, "no")
    assert by_name["ana"]["next_step"] == {c.id: c.label for c in next_step_choices(kb())}[keyed]


def test_an_exercise_that_does_not_ask_them_neither_shows_nor_takes_them(db_app, db_client):
    entry, _, keyed, _ = the_key()
    code = create(db_client, decisions=False)
    ana = db_app.test_client()
    join(ana, code, "ana")
    form = ana.get(f"/join/{code}/1").get_data(as_text=True)
    assert 'name="differential_1"' not in form and 'name="next_step"' not in form
    body = {"nickname": "cy", "case_id": CASES[0].id}
    answer_ = {"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 80}
    refused = db_client.post(
        f"/api/v1/exercises/{code}/submissions", json=body | {"answer": answer_ | {"differential": [entry]}}
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "decisions_not_asked"
    with db_app.app_context():
        assert db.session.execute(select(func.count(Submission.id))).scalar_one() == 0  # nothing stored
    page = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert "Differential: first choices" not in page
    rows = list(csv.DictReader(io.StringIO(db_client.get(f"/classroom/{code}/submissions.csv").get_data(as_text=True))))
    assert rows and all(r["differential"] == r["next_step"] == "" for r in rows)


def test_the_api_asks_them_too_and_the_results_count_them(db_client):
    entry, other, keyed, wrong = the_key()
    made = db_client.post(
        "/api/v1/exercises", json={"title": "API class", "case_ids": [CASES[0].id], "decisions": True}
    )
    assert made.status_code == 201 and made.get_json()["decisions"] is True
    code, educator = made.get_json()["code"], {"Authorization": "Bearer " + made.get_json()["educator_key"]}
    key = CASES[0].key
    for nickname, differential, step in (
        ("ana", [entry], keyed),
        ("ben", [other], wrong),
        ("cy", [other, entry], keyed),
    ):
        attempt = {
            "findings": list(key.present),
            "lean": key.lean,
            "mechanisms": [],
            "confidence": 80,
            "differential": differential,
            "next_step": step,
        }
        sent = db_client.post(
            f"/api/v1/exercises/{code}/submissions",
            json={"nickname": nickname, "case_id": CASES[0].id, "answer": attempt},
        )
        assert sent.status_code == 201, sent.get_json()
    results = db_client.get(f"/api/v1/exercises/{code}/results", headers=educator).get_json()
    decisions = results["cases"][0]["decisions"]
    assert (decisions["differentials"], decisions["key_first"], decisions["key_listed"]) == (3, 1, 2)
    assert (decisions["next_steps"], decisions["next_step_keyed"]) == (3, 2)
    assert decisions["first_choices"][0] == {"entry": other, "students": 2}
    bad = db_client.post("/api/v1/exercises", json={"title": "x", "case_ids": [CASES[0].id], "decisions": "yes"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_decisions"
