"""The cases API: vignettes without keys, scored attempts, the error contract, OpenAPI."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from rules.practice.cases import load_cases
from rules.practice.library import get_case
from rules.practice.library import public_id

CASE = "miop-newborn-twitching"


def post(client, case_id, body):
    return client.post(f"/api/v1/cases/{case_id}/attempts", json=body)


def test_list_of_cases_without_keys(client):
    body = client.get("/api/v1/cases").get_json()
    assert {c["id"] for c in body["cases"]} == {public_id(c) for c in load_cases()}
    assert "Educational use only" in body["disclaimer"]
    assert any(e["entry"] == "OMIM:259700" for e in body["simulated"]["entries"])
    for case in body["cases"]:
        assert "key" not in case and "teaching_points" not in case


def test_one_case(client):
    body = client.get(f"/api/v1/cases/{public_id('sim-259700-42')}").get_json()
    assert body["case"]["id"] == public_id("sim-259700-42") and body["case"]["kind"] == "simulated"


@pytest.mark.parametrize("older", ["sim-259700-42", "lrp5-jaw-ache"])
def test_an_older_id_is_accepted_and_answered_with_the_public_one(client, older):
    """Documented in docs/api.md: the API takes both ids (no redirect), and answers with the public id."""
    assert client.get(f"/api/v1/cases/{older}").get_json() == client.get(f"/api/v1/cases/{public_id(older)}").get_json()
    assert client.get(f"/api/v1/cases/{older}").get_json()["case"]["id"] == public_id(older)
    body = {"findings": [], "lean": "dominant", "confidence": 50}
    assert post(client, older, body).get_json()["case"]["id"] == public_id(older)


def test_a_perfect_attempt_scores_one_and_reveals_the_key(client):
    key = get_case(CASE).key
    body = post(
        client,
        CASE,
        {
            "findings": list(key.present),
            "lean": "recessive",
            "mechanisms": list(key.mechanisms),
            "confidence": 90,
        },
    ).get_json()
    assert body["score"] == 1
    assert {"hit", "missed", "extra"} <= set(body["findings"]) and body["findings"]["missed"] == []
    assert [f["slug"] for f in body["findings"]["hit"]] == list(key.present)
    assert body["lean"]["correct"] is True and body["lean"]["expected"] == "recessive" and body["lean"]["why"]
    assert {"hit", "missed", "extra"} <= set(body["mechanisms"])
    assert body["teaching_points"] and all(p["source"]["text"] for p in body["teaching_points"])
    assert body["case"]["key"]["lean"] == "recessive" and body["case"]["entry"] == "OMIM:259700"


def test_an_empty_attempt_scores_low_with_everything_missed(client):
    body = post(client, CASE, {"findings": [], "lean": "dominant", "mechanisms": [], "confidence": 50}).get_json()
    assert body["score"] == 0
    assert len(body["findings"]["missed"]) == 6 and body["lean"]["correct"] is False


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"findings": ["nope"], "lean": "recessive", "mechanisms": [], "confidence": 80}, "unknown_finding"),
        ({"findings": [], "lean": "maybe", "mechanisms": [], "confidence": 80}, "invalid_lean"),
        ({"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 120}, "invalid_confidence"),
        ({"findings": [], "lean": "recessive", "mechanisms": ["x"], "confidence": 80}, "unknown_mechanism"),
        ([1, 2], "invalid_body"),
    ],
)
def test_bad_attempts_are_4xx_with_the_error_contract(client, body, code):
    resp = post(client, CASE, body)
    assert resp.status_code == 400
    err = resp.get_json()["error"]
    assert err["code"] == code and err["message"]
    if code == "unknown_finding":
        assert "nope" in err["message"]


def test_unknown_case_non_json_and_bad_json(client):
    resp = post(client, "nope", {"findings": [], "lean": "recessive", "confidence": 80})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "unknown_case"
    assert client.get("/api/v1/cases/sim-1-1").status_code == 404
    assert (
        client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", data="x", content_type="text/plain").status_code == 415
    )
    bad = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", data="{", content_type="application/json")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_json"


def test_openapi_describes_the_cases_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/attempts",
    } <= set(paths)
    assert "post" in paths["/api/v1/cases/{case_id}/attempts"]


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=16),
    st.sampled_from(["anemia", "recessive", "marrow_failure", 80]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["findings", "lean", "mechanisms", "confidence", "x"]), inner, max_size=5)
    ),
    max_leaves=12,
)


@FUZZ
@given(body=VALUES, case_id=st.sampled_from([CASE, "sim-259700-3", "sim-x", "nope", "sim-ORPHA53-999999999"]))
def test_fuzzing_attempts_never_gives_a_server_error(client, body, case_id):
    resp = post(client, case_id, body)
    assert resp.status_code in (200, 400, 404, 415), resp.get_data(as_text=True)
    assert resp.is_json


@FUZZ
@given(case_id=st.text(alphabet="sim-ORPHA0123456789x_.bcdfghz", max_size=24))
def test_fuzzing_case_ids_never_gives_a_server_error(client, case_id):
    for path in (f"/api/v1/cases/{case_id}", f"/practice/{case_id}"):
        assert client.get(path).status_code in (200, 404, 308), path
