"""A written case in Spanish (the overlay's `cases` rows): the case page, the library and the API
show its Spanish texts; the key, the ids and the score are those of the English case."""

from __future__ import annotations

from rules import case_in_language
from rules.practice.library import get_case
from rules.practice.library import public_id
from tests.support.language import client_in

CASE = "miop-newborn-tetany"


def test_the_case_page_and_the_library_show_the_spanish_case(app, client):
    spanish = client_in(app, "es")
    case = public_id(CASE)
    page = spanish.get(f"/practice/{case}?stage=2").get_data(as_text=True)
    assert "Manos rígidas en un bebé de tres semanas" in page
    assert "Un análisis de sangre muestra que su calcio está bajo." in page
    assert "Stiff hands in a three-week-old" not in page
    assert "Stiff hands in a three-week-old" in client.get(f"/practice/{case}").get_data(as_text=True)
    assert "Manos rígidas en un bebé de tres semanas" in spanish.get("/practice").get_data(as_text=True)


def test_an_attempt_in_spanish_scores_the_same_and_teaches_in_spanish(app, client):
    spanish = client_in(app, "es")
    key = get_case(CASE).key
    body = {"findings": list(key.present), "lean": "recessive", "mechanisms": list(key.mechanisms), "confidence": 80}
    es = spanish.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json=body).get_json()
    en = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json=body).get_json()
    assert es["score"] == en["score"] == 1
    assert es["teaching_points"][0]["text"].startswith("El calcio bajo en el periodo neonatal")
    es_source, en_source = es["teaching_points"][0]["source"], en["teaching_points"][0]["source"]
    assert {k: v for k, v in es_source.items() if k != "text"} == {k: v for k, v in en_source.items() if k != "text"}
    # The citation stays: the quoted passage is the source's own English; only its lead-in is translated.
    assert es_source["text"].split(": ", 1)[1] == en_source["text"].split(": ", 1)[1]


def test_english_leaves_a_case_as_it_is():
    simulated = get_case("sim-259700-42")
    assert case_in_language(simulated, "en") is simulated
    english = get_case("lrp5-jaw-ache")
    assert case_in_language(english, "en") is english
    assert case_in_language(english, "es").key == english.key


def test_a_simulated_patient_s_page_in_spanish_tells_the_same_patient(app, client):
    spanish = client_in(app, "es")
    case = public_id("sim-259700-42")
    es = spanish.get(f"/practice/{case}?stage=3").get_data(as_text=True)
    assert "Se atiende a una lactante" in es and "Pruebas complementarias" in es
    assert "is seen because of concerns" not in es


def test_a_class_s_library_case_follows_the_language_of_the_page_s_knowledge():
    from rules import load_knowledge
    from webapp.classroom.service.authored import resolve_case

    es = resolve_case(CASE, None, load_knowledge("es"))
    en = resolve_case(CASE, None, load_knowledge())
    assert es.title == "Manos rígidas en un bebé de tres semanas" and en.title == "Stiff hands in a three-week-old"
    assert es.key == en.key
