"""Practice pages that behave: public ids with the older ones redirected, and post/redirect/get."""

from __future__ import annotations

import pytest

from rules.practice.library import get_case
from rules.practice.library import public_id
from tests.support.apps import csrf_token

CASE = "miop-newborn-twitching"


def commit(client, case_id, stage=1):
    path = f"/practice/{public_id(case_id)}?stage={stage}"
    data = {"findings": ["anemia"], "lean": "recessive", "confidence": "80", "csrf_token": csrf_token(client, path)}
    return client.post(path, data=data)


def attempts(client):
    with client.session_transaction() as s:
        return len(s.get("practice", []))


@pytest.mark.parametrize("older", [CASE, "sim-259700-42", "sim-ORPHA53-9"])
def test_an_older_address_moves_for_good_to_the_public_one(client, older):
    resp = client.get(f"/practice/{older}?stage=2")
    assert resp.status_code == 308 and resp.headers["Location"] == f"/practice/{public_id(older)}?stage=2"
    assert client.get(f"/practice/{older}/feedback").headers["Location"] == f"/practice/{public_id(older)}/feedback"
    assert client.get(resp.headers["Location"]).status_code == 200


def test_a_commit_is_one_attempt_and_answers_303_to_the_feedback_page(client):
    resp = commit(client, CASE)
    feedback = f"/practice/{public_id(CASE)}/feedback"
    assert resp.status_code == 303 and resp.headers["Location"] == feedback
    assert attempts(client) == 1
    first = client.get(feedback)
    assert first.status_code == 200 and "Not shown yet" in first.get_data(as_text=True)
    # Reloading the feedback page shows the same feedback and records nothing.
    assert client.get(feedback).get_data(as_text=True) == first.get_data(as_text=True)
    assert attempts(client) == 1
    # Back to the case page is the case and its form again, never a resubmission.
    back = client.get(f"/practice/{public_id(CASE)}?stage=1").get_data(as_text=True)
    assert "Commit and reveal" in back and attempts(client) == 1


def test_the_feedback_page_opens_on_the_score_and_the_verdict(client):
    commit(client, CASE)
    body = client.get(f"/practice/{public_id(CASE)}/feedback").get_data(as_text=True)
    main = body[body.index("<main") :]
    assert main.index('id="score"') < main.index('class="verdict"') < main.index('id="fb-findings"')
    assert main.index('class="verdict"') < main.index("The case you answered")
    assert "Your lean is right; you found 0 of the 2 findings shown; 4 more only later stages describe" in body


def test_the_feedback_page_without_an_attempt_leads_to_the_case(client):
    resp = client.get(f"/practice/{public_id(CASE)}/feedback")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/practice/{public_id(CASE)}"
    commit(client, "lrp5-jaw-ache")  # the last attempt is of another case
    assert client.get(f"/practice/{public_id(CASE)}/feedback").status_code == 302


def test_the_feedback_page_of_a_simulated_patient(client):
    case = get_case("sim-259700-42")
    commit(client, case.id, stage=len(case.stages))
    body = client.get(f"/practice/{public_id(case.id)}/feedback").get_data(as_text=True)
    assert "Simulated from the HPO annotations of OMIM:259700" in body
