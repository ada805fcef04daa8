"""The answer and the page in context: nothing entered gets no result (`entered` false; the form
again), "(MIOP)" only with the premise confirmed, the contradicted premise names what was entered,
the X-linked lean as served and shown, and the work-up per answer (docs/api.md;
docs/decisions/0020-an-x-linked-lean.md)."""

from __future__ import annotations

import re

import jsonschema_rs

from tests.support.apps import csrf_token


def assess(client, body, detail="compact"):
    response = client.post(f"/api/v1/assess?detail={detail}", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_nothing_entered_is_an_answer_whose_state_says_so_with_no_result(client):
    for body in (
        {},
        {"findings": {}},
        {"findings": {"fractures": "unknown"}, "onset": "unknown"},
        {"findings": [], "onset": None, "family_history": ""},
    ):
        for detail in ("compact", "full"):
            answer = assess(client, body, detail)
            assert answer["entered"] is False, body
            assert answer["inheritance"]["summary"] == "No result: nothing was entered."
            assert answer["inheritance"]["message"].startswith("Nothing was entered. Mark at least one finding")
            assert answer["red_flags"] == answer["mechanisms"] == answer["workup"] == []
    # One thing entered is enough: a finding absent, an onset, a family history, a term not on the checklist.
    for body in (
        {"findings": {"fractures": "absent"}},
        {"findings": {}, "onset": "infancy"},
        {"findings": {}, "family_history": "affected_parent"},
        {"findings": {"HP:0000256": "present"}},
    ):
        answer = assess(client, body)
        assert answer["entered"] is True and answer["workup"], body


def test_nothing_entered_on_the_page_and_by_link_shows_the_form_with_the_message(client):
    data = {"onset": "unknown", "family_history": "unknown", "csrf_token": csrf_token(client)}
    for response in (client.post("/", data=data), client.get("/assessment")):
        page = text(response)
        assert response.status_code == 400 and "Result:" not in page
        assert "Nothing was entered." in page and 'name="onset"' in page


def test_the_openapi_document_says_entered_and_the_x_linked_values(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for name in ("Assessment", "AssessmentCompact"):
        assert "entered" in schemas[name]["required"]
        assert "nothing at all was entered" in schemas[name]["properties"]["entered"]["description"]
    assert "x_linked_pattern" in schemas["FamilyHistoryClass"]["enum"]
    assert "x_linked" in schemas["Assessment"]["properties"]["inheritance"]["properties"]["lean"]["enum"]
    assert "x_linked" in schemas["AssessmentCompact"]["properties"]["inheritance"]["properties"]["lean"]["enum"]


def test_miop_is_named_only_with_the_premise_confirmed(client):
    body = {"findings": {"hypocalcemia": "present", "anemia": "present"}, "onset": "neonatal"}
    unconfirmed = assess(client, body)["inheritance"]["summary"]
    assert "toward autosomal recessive osteopetrosis;" in unconfirmed and "MIOP" not in unconfirmed
    body["findings"]["dense_bone"] = "present"
    assert "toward autosomal recessive osteopetrosis (MIOP);" in assess(client, body)["inheritance"]["summary"]


def test_the_contradicted_premise_names_what_was_entered(client):
    def message(findings):
        premise = assess(client, {"findings": findings, "onset": "infancy"})["premise"]
        assert premise["state"] == "contradicted"
        return premise["message"]

    assert message({"HP:0000939": "present"}).startswith("Osteoporosis was entered: that argues against osteopetrosis")
    assert message({"HP:0004349": "present"}).startswith("Reduced bone mineral density was entered:")
    assert message({"dense_bone": "absent"}).startswith("No dense bone on imaging was entered:")
    both = message({"dense_bone": "absent", "HP:0000939": "present"})
    assert both.startswith("No dense bone on imaging and osteoporosis were entered:")
    assert "Reduced bone density" not in message({"dense_bone": "absent"})  # never what was not entered


def test_rickets_leaves_the_premise_unconfirmed_not_contradicted(client):
    answer = assess(client, {"findings": {"HP:0002748": "present", "anemia": "present"}, "onset": "infancy"})
    assert answer["premise"]["state"] == "unconfirmed" and answer["inheritance"]["lean"] == "recessive"


def test_the_x_linked_lean_as_served_validates_and_as_shown_on_the_page(client):
    body = {
        "findings": {"recurrent_infections": "present", "dense_bone": "present"},
        "onset": "infancy",
        "family_history": "x_linked_pattern",
    }
    document = client.get("/api/v1/openapi.json").get_json()
    for detail, name in (("compact", "AssessmentCompact"), ("full", "Assessment")):
        answer = assess(client, body, detail)
        validator = jsonschema_rs.Draft202012Validator(
            {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        )
        assert validator.is_valid(answer), list(validator.iter_errors(answer))[:3]
        inh = answer["inheritance"]
        assert (inh["lean"], inh["strength"]) == ("x_linked", "weak")
    assert inh["summary"] == (
        "The picture leans weakly toward X-linked osteopetrosis; it rests on an X-linked family pattern alone."
    )
    assert inh["clues_for"] == ["x_linked_pattern"] and "infant_onset" in inh["clues_against"]
    assert answer["genes"][0]["symbol"] == "IKBKG" and answer["genes"][0]["consistent"]
    page = text(
        client.get("/assessment?present=recurrent_infections,dense_bone&onset=infancy&family_history=x_linked_pattern")
    )
    assert 'Result: <span class="lean-word">X-linked</span>' in page and "for X-linked" in page
    assert "X-linked pattern: a boy affected, with an affected maternal uncle or male cousin" in page


def test_the_work_up_is_per_answer(client):
    def workup(findings, onset="unknown"):
        return [w["id"] for w in assess(client, {"findings": findings, "onset": onset})["workup"]]

    assert workup({"anemia": "present"}, "infancy")[0] == "skeletal_radiographs"
    assert "skeletal_radiographs" not in workup({"dense_bone": "present"})
    assert "transplant_centre" not in workup({"anemia": "present"}, "adulthood")
    page = text(client.get("/assessment?present=dense_bone,anemia&onset=adulthood"))
    assert "Skeletal radiographs" not in page and "early referral to a transplant centre" not in page
    assert "Genetic testing" in page
