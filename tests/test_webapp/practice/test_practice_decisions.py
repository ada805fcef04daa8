"""The decisions in the pages and the API: the form without JavaScript, the feedback just below the
score, the API's choices and its 400s."""

from __future__ import annotations

import html
import re

import pytest

from rules.checklist import load_knowledge
from rules.practice.decisions import differential_choices
from rules.practice.decisions import next_step_choices
from rules.practice.library import public_id
from tests.support.apps import csrf_token

CASE = "miop-newborn-twitching"  # OMIM:259700 (TCIRG1); low calcium, marrow failure in a newborn
PATH = f"/practice/{public_id(CASE)}?stage=3"


def commit(client, **extra):
    data = {
        "findings": ["hypocalcemia"],
        "lean": "recessive",
        "confidence": "90",
        "csrf_token": csrf_token(client, PATH),
    }
    return client.post(PATH, data=data | extra)


def test_the_form_asks_for_a_differential_and_a_next_step_without_javascript(client):
    page = client.get(PATH).get_data(as_text=True)
    form = page[page.index('<form method="post"') : page.index("</form>")]
    assert "<script" not in form
    for n in (1, 2, 3):
        select = re.search(rf'<select id="differential_{n}" name="differential_{n}">(.*?)</select>', form, re.S)
        assert select, n
        values = re.findall(r'<option (?:selected )?value="([^"]*)"', select[1])
        # none first, then every entry of the ranking, the osteopetroses in their own group first
        assert values == ["", *(c.id for c in differential_choices(load_knowledge()))]
        assert select[1].index('label="Osteopetroses"') < select[1].index('label="Other dense-bone disorders"')
    steps = re.findall(r'name="next_step"[^>]*value="([^"]*)"', form)
    assert steps == ["", *(c.id for c in next_step_choices(load_knowledge()))]
    assert re.search(r'<input checked id="next_step-0" name="next_step" type="radio" value="">', form)


def test_a_commit_with_decisions_shows_their_feedback_just_below_the_score(client):
    resp = commit(client, differential_1="OMIM:611490", differential_2="OMIM:259700", next_step="calcium")
    assert resp.status_code == 303
    page = html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))
    score, decisions, findings = (page.index(s) for s in ('id="score"', 'id="fb-decisions"', 'id="fb-findings"'))
    assert score < decisions < findings
    part = page[decisions:findings]
    assert "The case's entry is your second choice: credit 0.5." in part
    assert "Next step: right" in part and "Low blood calcium" in part and "Table 7" in part
    assert "differential 0.5 × 0.2 · next step 1 × 0.2" in page
    assert "the case's entry is your second choice; your next step is right." in page  # the verdict
    # the ranking's top three with their probabilities, and the key's evidence
    assert re.search(r"Osteopetrosis, autosomal recessive 1 \(TCIRG1\): \d+ %", part)
    assert "strongest evidence" in part


def test_a_commit_without_decisions_is_scored_as_before(client):
    resp = commit(client)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="fb-decisions"' not in page and "× 0.5" in page and "× 0.3" in page


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"differential_1": "OMIM:259700", "differential_2": "OMIM:259700"}, "each entry once"),
        ({"differential_1": "OMIM:999999"}, "Not a valid choice"),
        ({"next_step": "pray"}, "Not a valid choice"),
    ],
)
def test_a_bad_decision_is_refused_and_records_nothing(client, extra, message):
    resp = commit(client, **extra)
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    with client.session_transaction() as s:
        assert not s.get("practice")


def test_the_api_lists_the_choices_the_same_for_every_case_and_never_the_key(client):
    one = client.get(f"/api/v1/cases/{public_id(CASE)}").get_json()["choices"]
    other = client.get(f"/api/v1/cases/{public_id('lrp5-jaw-ache')}").get_json()["choices"]
    assert one == other
    assert [c["id"] for c in one["differential"]] == [c.id for c in differential_choices(load_knowledge())]
    assert one["differential"][0]["group"] == "osteopetrosis" and one["differential"][-1]["group"] == "other"
    assert [c["id"] for c in one["next_step"]][-1] == "nothing"


def test_the_api_scores_the_decisions(client):
    body = {"lean": "recessive", "confidence": 90, "differential": ["OMIM:259700"], "next_step": "genetic"}
    answer = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json=body).get_json()
    assert answer["parts"]["differential"] == {"weight": 0.2, "credit": 1.0}
    assert answer["parts"]["next_step"] == {"weight": 0.2, "credit": 0.0}
    assert answer["parts"]["lean"]["weight"] == 0.18
    assert answer["decisions"]["next_step"]["right"] is False
    assert answer["certainty"]["mark"] == 3 + 3 - 6  # the lean and the differential right, the next step wrong


@pytest.mark.parametrize(
    "decisions, code",
    [
        ({"differential": ["OMIM:259700", "OMIM:611490", "OMIM:259710", "OMIM:259720"]}, "invalid_differential"),
        ({"differential": ["OMIM:259700", "OMIM:259700"]}, "invalid_differential"),
        ({"differential": ["OMIM:000000"]}, "invalid_differential"),
        ({"differential": ["ORPHA:667"]}, "invalid_differential"),  # a pooled group is not ranked itself
        ({"differential": "OMIM:259700"}, "invalid_differential"),
        ({"next_step": "pray"}, "invalid_next_step"),
        ({"next_step": 3}, "invalid_next_step"),
    ],
)
def test_the_api_refuses_a_bad_decision_with_400(client, decisions, code):
    body = {"lean": "recessive", "confidence": 90} | decisions
    resp = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json=body)
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code
