"""The JSON API and its error contract."""

from __future__ import annotations

import io
import json

import pytest

DISCLAIMER = "Educational use only, not a diagnosis"


def assess(client, body):
    return client.post("/api/v1/assess", json=body)


def test_findings_vocabulary(client):
    body = client.get("/api/v1/findings").get_json()
    assert len(body["findings"]) >= 23 + 1 + 9  # the 23, dense bone (the premise), 9 that tell the types apart
    beyond = [f["slug"] for f in body["findings"] if f.get("panel") == "distinguishing"]
    assert "renal_tubular_acidosis" in beyond and "hypopigmentation" in beyond
    first = body["findings"][0]
    assert {"slug", "label", "hpo", "groups"} <= set(first)
    assert DISCLAIMER in body["disclaimer"]
    assert body["knowledge_version"].endswith("(HPO 2025-01-16)")


def test_assess_answer_shape_and_lean(client):
    body = assess(client, {"findings": {"hypocalcemia": "present"}, "onset": "neonatal"}).get_json()
    inh = body["inheritance"]
    # One finding with its onset earns "moderate" (it was "strong"), and a source is given
    # once in the answer's `sources` map, referred to by its id. The compact answer (the default) names
    # each item by id; what it says is in GET /api/v1/knowledge.
    assert (inh["lean"], inh["strength"]) == ("recessive", "moderate")
    clue = inh["clues"][0]
    assert {"id", "findings", "points_to", "effect", "weight", "source"} == set(clue)
    assert clue["findings"] == ["hypocalcemia"]  # the entered finding behind it
    assert body["sources"][clue["source"]] == {"kind": "seed"}  # the source document
    assert body["mechanisms"][0]["id"] == "calcium_trapping"
    assert {"id", "findings", "source"} == set(body["mechanisms"][0])
    full = client.post(
        "/api/v1/assess?detail=full", json={"findings": {"hypocalcemia": "present"}, "onset": "neonatal"}
    ).get_json()
    assert {"finding", "points_to", "weight", "why", "source"} <= set(full["inheritance"]["clues"][0])
    assert full["sources"][full["inheritance"]["clues"][0]["source"]["id"]]["kind"] == "seed"
    assert {"id", "title", "findings", "explanation", "source"} <= set(full["mechanisms"][0])
    assert body["red_flags"] and body["genes"] and body["next_checks"] is not None
    assert body["recognized"] == [{"input": "hypocalcemia", "finding": "hypocalcemia", "state": "present"}]
    assert body["unmapped"] == []
    assert DISCLAIMER in body["disclaimer"]


def test_a_plain_list_means_all_present(client):
    body = assess(
        client, {"findings": ["fractures", "HP:0031846"], "onset": "adulthood", "family_history": "affected_parent"}
    ).get_json()
    assert body["inheritance"]["lean"] == "dominant"
    assert {"input": "HP:0031846", "finding": "fractures", "state": "present"} in body["recognized"]


def test_hpo_ids_map_through_descendants_and_unmapped_are_reported(client):
    body = assess(
        client,
        {
            "findings": {
                "HP:0003472": "present",
                "HP:0001876": "present",
                "HP:0010628": "present",
                "HP:0000256": "present",
            },
            "onset": "HP:0003623",
        },
    ).get_json()
    found = {r["finding"] for r in body["recognized"]}
    assert {"hypocalcemia", "tetany", "anemia", "thrombocytopenia", "leukopenia", "facial_paralysis"} <= found
    assert body["unmapped"][0]["input"] == "HP:0000256"
    assert body["unmapped"][0]["name"] == "Macrocephaly"
    assert body["inheritance"]["lean"] == "recessive"  # neonatal onset given as an HPO id


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"findings": {"nope": "present"}}, "unknown_finding"),
        ({"findings": {"HP:12": "present"}}, "invalid_hpo_id"),
        ({"findings": {"fractures": "sometimes"}}, "invalid_state"),
        ({"findings": {"fractures": 1}}, "invalid_state"),
        ({"onset": "yesterday"}, "invalid_onset"),
        ({"family_history": "cousin"}, "invalid_family_history"),
        ({"findings": "fractures"}, "invalid_findings"),
        ({"findings": [3]}, "invalid_findings"),
        ({"name": "Jane"}, "invalid_body"),
        ([1, 2], "invalid_body"),
    ],
)
def test_bad_input_is_a_clear_400(client, body, code):
    response = assess(client, body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_unknown_slug_is_named_in_the_message(client):
    error = assess(client, {"findings": {"broken_leg": "present"}}).get_json()["error"]
    assert "broken_leg" in error["message"]


def test_non_json_is_415(client):
    response = client.post("/api/v1/assess", data="findings=fractures", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/assess", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_body_over_64_kib_is_413(client):
    big = json.dumps({"findings": {"fractures": "present"}, "pad": "x" * 70_000})
    response = client.post("/api/v1/assess", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_a_body_shorter_than_its_declared_length_is_400(client):
    body = b'{"findings": {"anemia": "present"}}'
    response = client.post(
        "/api/v1/assess",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": str(len(body) + 10)},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_a_chunked_body_without_a_length_is_read_too(client):
    # A server that de-chunks the body passes it on with no Content-Length (wsgi.input_terminated).
    body = b'{"findings": {"hypocalcemia": "present"}, "onset": "neonatal"}'
    response = client.post(
        "/api/v1/assess",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert response.status_code == 200
    assert response.get_json()["inheritance"]["lean"] == "recessive"


def test_wrong_method_is_405_json(client):
    response = client.get("/api/v1/assess")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_openapi_describes_the_api(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/findings", "/api/v1/assess", "/api/v1/openapi.json"} <= set(doc["paths"])
    assert "400" in doc["paths"]["/api/v1/assess"]["post"]["responses"]


def test_an_excluded_narrow_term_does_not_exclude_the_whole_finding(client):
    # "No femur fracture" does not mean "no fractures"; the term is reported with what it relates to.
    body = assess(client, {"findings": {"HP:0031846": "absent"}}).get_json()
    assert "fractures" not in body["answers"]["findings"]  # the compact answer lists what was entered
    full = client.post("/api/v1/assess?detail=full", json={"findings": {"HP:0031846": "absent"}}).get_json()
    assert full["answers"]["findings"]["fractures"] == "unknown"
    assert body["unmapped"] == [{"input": "HP:0031846", "name": "Femur fracture", "related": ["fractures"]}]


def test_a_direct_statement_outweighs_an_inferred_one(client):
    body = assess(client, {"findings": {"cranial_nerve_compression": "absent", "HP:0007209": "present"}}).get_json()
    states = body["answers"]["findings"]
    assert states["cranial_nerve_compression"] == "absent"
    assert states["facial_paralysis"] == "present"
