"""GET /api/v1/hpo/search: the language of the answer, the bounds of its parameters with their 400s,
and a query that is neither cached nor logged."""

from __future__ import annotations

import logging

import jsonschema_rs
import pytest

SEARCH = "/api/v1/hpo/search"


def test_the_answer_is_in_the_browsers_language(client):
    resp = client.get(
        SEARCH, query_string={"q": "macrocefalia"}, headers={"Accept-Language": "es-CR,es;q=0.9,en;q=0.5"}
    )
    body = resp.get_json()
    assert resp.status_code == 200 and body["language"] == "es" and body["hpo_release"] == "2025-01-16"
    first = body["results"][0]
    assert first == {
        "id": "HP:0000256",
        "label": "Macrocefalia",
        "label_status": "official",
        "matched": "Macrocefalia",
        "finding": None,
    }
    assert "disclaimer" in body and "knowledge_version" in body


def test_an_earlier_preference_wins_over_a_later_exact_match(client):
    body = client.get(SEARCH, query_string={"q": "anemia"}, headers={"Accept-Language": "en-US, es;q=0.9"}).get_json()
    assert body["language"] == "en" and body["results"][0]["label"] == "Anemia"


def test_lang_overrides_the_header_and_english_is_the_default(client):
    resp = client.get(SEARCH, query_string={"q": "大理石骨症", "lang": "ja"}, headers={"Accept-Language": "es"})
    assert resp.get_json()["language"] == "ja" and resp.get_json()["results"][0]["id"] == "HP:0011002"
    for header in ({}, {"Accept-Language": "de-DE, it;q=0.5"}):
        assert client.get(SEARCH, query_string={"q": "osteopetrosis"}, headers=header).get_json()["language"] == "en"


def test_the_finding_and_the_limit(client):
    body = client.get(SEARCH, query_string={"q": "large spleen", "limit": "1"}).get_json()
    assert body["results"] == [
        {
            "id": "HP:0001744",
            "label": "Splenomegaly",
            "label_status": "official",
            "matched": "Large spleen",
            "finding": "hepatosplenomegaly",
        }
    ]
    assert len(client.get(SEARCH, query_string={"q": "bone"}).get_json()["results"]) == 10
    assert len(client.get(SEARCH, query_string={"q": "bone", "limit": "50"}).get_json()["results"]) == 50


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "invalid_q"),
        ("q=", "invalid_q"),
        ("q=%20%09", "invalid_q"),
        ("q=" + "a" * 101, "invalid_q"),
        ("q=a&q=b", "invalid_q"),
        ("q=bone&limit=0", "invalid_limit"),
        ("q=bone&limit=51", "invalid_limit"),
        ("q=bone&limit=ten", "invalid_limit"),
        ("q=bone&limit=%2B5", "invalid_limit"),
        ("q=bone&limit=5&limit=6", "invalid_limit"),
        ("q=bone&lang=de", "invalid_lang"),
        ("q=bone&lang=es&lang=fr", "invalid_lang"),
    ],
)
def test_bad_parameters_are_a_clear_400(client, query, code):
    resp = client.get(f"{SEARCH}?{query}")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code
    assert resp.get_json()["error"]["message"]


def test_a_hundred_characters_are_accepted(client):
    assert client.get(SEARCH, query_string={"q": "a" * 100}).status_code == 200


def test_the_query_is_neither_cached_nor_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    resp = client.get(SEARCH, query_string={"q": "hepatosplenomegaly"}, headers={"Accept-Language": "fr"})
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Accept-Language" in resp.headers["Vary"]
    assert not [r for r in caplog.records if "hepatosplenomegaly" in r.getMessage()]


def test_the_answer_matches_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"][SEARCH]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    check = jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})
    for query in ({"q": "macrocefalia", "lang": "es"}, {"q": "anemia", "lang": "pt"}, {"q": "zzqxj"}):
        body = client.get(SEARCH, query_string=query).get_json()
        assert check.is_valid(body), list(check.iter_errors(body))[:3]
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit", "lang"}
    assert "400" in operation["responses"]


def test_about_names_the_hpo_release_and_the_translations(client):
    page = client.get("/about").get_data(as_text=True)
    assert "HPO release 2025-01-16" in page
    assert "HPO Internationalization Effort" in page and "2026-06-22" in page
    assert "Nucleic Acids Res. 2024" in page
