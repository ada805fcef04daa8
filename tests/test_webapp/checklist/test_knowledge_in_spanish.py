"""The knowledge's own texts follow the page language (webapp.infra.knowledge.kb reads
current_language()): with the page in Spanish the result shows the Spanish overlays' texts, the
same lean and the same ids; in English nothing changes."""

from __future__ import annotations

import json

import pytest
from flask import g

from rules import load_knowledge
from tests.support.language import client_in

QUERY = "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia,visual_impairment&onset=neonatal"


@pytest.fixture
def spanish(app):
    return client_in(app, "es")


def test_the_result_in_spanish_shows_the_knowledge_s_spanish_texts(spanish, client):
    es = spanish.get(QUERY).get_data(as_text=True)
    en = client.get(QUERY).get_data(as_text=True)
    kb_es, kb_en = load_knowledge("es"), load_knowledge()
    for slug in ("hypocalcemia", "hepatosplenomegaly", "anemia", "visual_impairment"):
        assert kb_es.findings[slug].label in es
    flag = next(r for r in kb_es.red_flags if r.id == "symptomatic_hypocalcemia")
    assert flag.title in es and flag.action in es
    assert "Calcio en sangre y hormona paratiroidea" in es  # the work-up
    assert "Blood calcium and parathyroid hormone" not in es
    english_flag = next(r for r in kb_en.red_flags if r.id == "symptomatic_hypocalcemia")
    assert english_flag.action in en and english_flag.action not in es


def test_the_api_answers_the_same_lean_and_ids_with_spanish_texts(spanish, client):
    body = {"findings": {"hypocalcemia": "present", "anemia": "present"}, "onset": "neonatal"}
    es = spanish.post("/api/v1/assess?detail=full", json=body).get_json()
    en = client.post("/api/v1/assess?detail=full", json=body).get_json()
    assert es["inheritance"]["lean"] == en["inheritance"]["lean"]
    assert [r["id"] for r in es["red_flags"]] == [r["id"] for r in en["red_flags"]]
    assert es["red_flags"][0]["title"] != en["red_flags"][0]["title"]
    # the differential: the same entries and probabilities, the evidence named in Spanish
    assert [(e["id"], e["probability"]) for e in es["differential"]] == [
        (e["id"], e["probability"]) for e in en["differential"]
    ]
    assert "Calcio en sangre bajo" in json.dumps(es["differential"], ensure_ascii=False)
    assert "Calcio en sangre bajo" not in json.dumps(en["differential"], ensure_ascii=False)
    tcirg1 = next(e for e in es["differential"] if e["id"] == "OMIM:259700")
    assert tcirg1["prior"]["basis"].startswith("la mitad de la incidencia de la ARO")
    assert (
        tcirg1["prior"]["source"] == next(e for e in en["differential"] if e["id"] == "OMIM:259700")["prior"]["source"]
    )


def test_a_language_without_knowledge_texts_gets_the_english_knowledge(app):
    with app.test_request_context("/"):
        g.language = "fr"
        from webapp.infra.knowledge import kb

        assert kb() is load_knowledge()


def test_the_look_alikes_the_differential_names_are_in_spanish(spanish, client):
    query = "/assessment?present=dense_bone,hypocalcemia&onset=neonatal"
    es, en = spanish.get(query).get_data(as_text=True), client.get(query).get_data(as_text=True)
    assert "Osteopetrosis infantil transitoria" in es and "Transient infantile osteopetrosis" not in es
    assert "Transient infantile osteopetrosis" in en
