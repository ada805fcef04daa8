"""Cases that unfold: reveal stage by stage without JavaScript, commit at any stage, see what each added."""

from __future__ import annotations

import html
import re

import pytest

from rules.practice.library import get_case
from rules.practice.library import public_id
from tests.support.apps import csrf_token

CASE = "miop-newborn-twitching"  # History (twitching, cramps) / Examination (liver, spleen) / Investigations


def page(client, path):
    return html.unescape(client.get(path).get_data(as_text=True))


def commit(client, case_id, stage, findings=(), lean="recessive", mechanisms=(), confidence="80"):
    path = f"/practice/{public_id(case_id)}" + ("" if stage is None else f"?stage={stage}")
    data = {
        "findings": list(findings),
        "lean": lean,
        "mechanisms": list(mechanisms),
        "confidence": confidence,
        "csrf_token": csrf_token(client, f"/practice/{public_id(case_id)}"),
    }
    return client.post(path, data=data, follow_redirects=True)


def test_stages_are_revealed_one_by_one_with_plain_links(client):
    case = get_case(CASE)
    first = page(client, f"/practice/{public_id(CASE)}")
    assert case.stages[0].narrative in first
    assert case.stages[1].narrative not in first and case.stages[2].narrative not in first
    assert f'href="/practice/{public_id(CASE)}?stage=2#stage-2"' in first and "Reveal stage 2: Examination" in first
    assert f'action="/practice/{public_id(CASE)}?stage=1"' in first  # a commit now is a commit at stage 1
    second = page(client, f"/practice/{public_id(CASE)}?stage=2")
    assert case.stages[0].narrative in second and case.stages[1].narrative in second
    assert case.stages[2].narrative not in second and 'id="stage-2"' in second
    last = page(client, f"/practice/{public_id(CASE)}?stage=3")
    assert all(s.narrative in last for s in case.stages) and "Reveal stage" not in last
    assert "Stage 3 of 3" in last


@pytest.mark.parametrize("stage", ["0", "4", "two", "-1", "1.5", ""])
def test_a_bad_stage_is_a_clear_400(client, stage):
    resp = client.get(f"/practice/{public_id(CASE)}?stage={stage}")
    assert resp.status_code == 400 and "stage must be a whole number from 1 to 3" in resp.get_data(as_text=True)


def test_an_early_commit_says_what_the_later_stages_added(client):
    body = html.unescape(
        commit(client, CASE, 1, findings=["seizure_like_events", "muscle_cramps"]).get_data(as_text=True)
    )
    assert "How the case unfolded" in body
    assert "<strong>Early.</strong> You committed after stage 1 of 3, while later stages" in body
    assert "Examination would have added Enlarged liver and spleen" in body
    assert "Investigations would have added Low blood calcium, Anemia, Low platelets" in body
    assert "Those are listed apart as not shown yet: they are no misses" in body
    assert body.count("not read before you committed") == 2
    # Scored against what had been shown: both history findings found, nothing missed.
    assert "Missed (0)" in body and "Not shown yet (4)" in body
    # After the commit the whole case is on the page.
    assert all(s.narrative in body for s in get_case(CASE).stages)


def test_commit_on_time_and_late(client):
    key = get_case(CASE).key
    body = commit(client, CASE, 3, key.present, key.lean, key.mechanisms).get_data(as_text=True)
    assert "<strong>On time.</strong> You committed after stage 3 of 3, the last stage" in body
    assert "not read before you committed" not in body
    # Every finding of this case is in its history; the examination and blood count add none.
    late = get_case("ado2-teen-fractures")
    body = html.unescape(
        commit(client, late.id, 3, late.key.present, late.key.lean, late.key.mechanisms).get_data(as_text=True)
    )
    assert "<strong>Late.</strong> You committed after stage 3 of 3;" in body and "by stage 1 (History)" in body


def test_a_post_without_a_stage_counts_as_the_whole_case(client):
    body = commit(client, CASE, None, findings=["tetany"]).get_data(as_text=True)
    assert "after stage 3 of 3" in body


def test_a_simulated_patient_unfolds_too(client):
    case = get_case("sim-259700-42")
    assert [s.title for s in case.stages] == ["History", "Examination", "Investigations"]
    first = page(client, f"/practice/{public_id('sim-259700-42')}")
    assert case.stages[0].narrative in first and case.stages[2].narrative not in first
    body = html.unescape(commit(client, case.id, 2, findings=["fractures"]).get_data(as_text=True))
    assert "<strong>Early.</strong>" in body and "Investigations would have added" in body and "Low platelets" in body


def test_the_api_gives_stages_and_scores_an_attempt_at_a_stage(client):
    case = get_case(CASE)
    got = client.get(f"/api/v1/cases/{public_id(CASE)}").get_json()["case"]
    assert got["stages"] == [{"title": s.title, "narrative": s.narrative} for s in case.stages]
    assert not re.search(r"adds|hypocalcemia", str(got["stages"]))
    body = {"findings": ["tetany"], "lean": "recessive", "mechanisms": [], "confidence": 70, "stage": 1}
    fb = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json=body).get_json()
    assert fb["unfolding"]["timing"] == "early" and fb["unfolding"]["committed"] == 1
    assert fb["unfolding"]["stages"][1]["adds"] == ["Enlarged liver and spleen"]
    more = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json={**body, "stage": 40}).get_json()
    assert more["unfolding"]["committed"] == 3  # more stages than the case has: all of them
    for bad in (0, -1, "1", 1.5, True):
        resp = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json={**body, "stage": bad})
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_stage"
    # An attempt without `stage` (existing clients) is scored as before.
    old = {k: v for k, v in body.items() if k != "stage"}
    assert client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json=old).get_json()["unfolding"]["committed"] == 3
