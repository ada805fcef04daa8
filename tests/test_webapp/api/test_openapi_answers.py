"""Real answers validate against the served OpenAPI document: the compact answer (the default of POST
/api/v1/assess), the full one (`?detail=full`) and GET /api/v1/knowledge, each against exactly the
schema the document gives it, and a key the schema requires is missed when an answer lacks it.

The fuzz test (test_fuzz_api.py) checks the same on generated requests; these bodies are chosen, so
each shape (no finding, a full neonatal picture, an HPO term outside the checklist, absent findings
with a family history, a phenopacket) is certain to be seen.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs  # schemathesis's validator, already a test dependency (the jsonschema package is not)
import pytest
from flask import Flask

from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import dispose
from webapp.checklist.presenters import DETAILS

NEONATAL = {
    "findings": {
        "hypocalcemia": "present",
        "hepatosplenomegaly": "present",
        "anemia": "present",
        "visual_impairment": "present",
    },
    "onset": "neonatal",
}
BODIES = [
    {"findings": {}},
    NEONATAL,
    {"findings": {"HP:0000256": "present", "HP:9999999": "absent", "dense_bone": "present"}, "onset": "infancy"},
    {
        "findings": {
            "hepatosplenomegaly": "absent",
            "anemia": "absent",
            "cranial_nerve_compression": "absent",
            "fractures": "present",
            "bone_pain": "unknown",
        },
        "family_history": "affected_parent",
    },
    {
        "findings": ["renal_tubular_acidosis", "cerebral_calcification"],
        "onset": "childhood",
        "family_history": "affected_parent",
    },  # the lean and the best entry disagree
]
JARGON = re.compile(r"\bseeds?\b|\bseed's\b|\bslugs?\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def app_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module (the answers do not depend on state), on a throwaway SQLite file."""
    app = app_with_schema(base_config(tmp_path_factory.mktemp("openapi-answers")))
    yield app
    dispose(app)


@pytest.fixture(scope="module")
def document(app_module: Flask) -> dict[str, Any]:
    """The document as a client reads it."""
    return app_module.test_client().get("/api/v1/openapi.json").get_json()


def validator(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A validator of `schema` whose $refs resolve against the document's components."""
    return jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})


def named(document: dict[str, Any], name: str) -> Any:
    return validator(document, {"$ref": f"#/components/schemas/{name}"})


def errors(check: Any, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message[:300]}" for e in check.iter_errors(instance)]


def answer_schema(document: dict[str, Any]) -> dict[str, Any]:
    return document["paths"]["/api/v1/assess"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("body", BODIES)
def test_real_answers_match_their_own_schema_and_only_it(app_module, document, body):
    client = app_module.test_client()
    compact = client.post("/api/v1/assess", json=body)
    full = client.post("/api/v1/assess?detail=full", json=body)
    assert compact.status_code == full.status_code == 200
    compact_schema, full_schema = named(document, "AssessmentCompact"), named(document, "Assessment")
    assert errors(compact_schema, compact.get_json()) == []
    assert errors(full_schema, full.get_json()) == []
    # Each answer is one of the two, never both (the 200's oneOf would refuse an answer that is both).
    assert not full_schema.is_valid(compact.get_json()) and not compact_schema.is_valid(full.get_json())
    served = validator(document, answer_schema(document))
    assert errors(served, compact.get_json()) == [] and errors(served, full.get_json()) == []


def test_the_answer_to_a_phenopacket_matches_too(app_module, document):
    client = app_module.test_client()
    packet = client.post("/api/v1/phenopacket", json=NEONATAL).get_json()
    assert (
        errors(
            named(document, "AssessmentCompact"), client.post("/api/v1/assess", json={"phenopacket": packet}).get_json()
        )
        == []
    )
    assert (
        errors(
            named(document, "Assessment"),
            client.post("/api/v1/assess?detail=full", json={"phenopacket": packet}).get_json(),
        )
        == []
    )


def test_the_knowledge_document_matches_its_schema(app_module, document):
    response = app_module.test_client().get("/api/v1/knowledge")
    assert response.status_code == 200
    assert (
        errors(
            validator(
                document,
                document["paths"]["/api/v1/knowledge"]["get"]["responses"]["200"]["content"]["application/json"][
                    "schema"
                ],
            ),
            response.get_json(),
        )
        == []
    )


def _required_paths(
    schema: dict[str, Any], instance: Any, components: dict[str, Any], path: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Every key path of the instance that the schema requires: the required keys of its objects, of the
    first item of each list and of the first value of each map (following $refs)."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    out: list[tuple[Any, ...]] = []
    if isinstance(instance, list) and instance and isinstance(schema.get("items"), dict):
        return _required_paths(schema["items"], instance[0], components, (*path, 0))
    if not isinstance(instance, dict):
        return out
    for key in schema.get("required", []):
        out.append((*path, key))
        out += _required_paths(schema.get("properties", {}).get(key, {}), instance[key], components, (*path, key))
    values = schema.get("additionalProperties")
    if isinstance(values, dict) and "properties" not in schema and instance:
        first = next(iter(instance))
        out += _required_paths(values, instance[first], components, (*path, first))
    return out


def _drop(instance: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    """The instance without the key at `path`."""
    broken = copy.deepcopy(instance)
    parent: Any = broken
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return broken


@pytest.mark.parametrize(
    ("name", "detail"), [("AssessmentCompact", "compact"), ("Assessment", "full"), ("Knowledge", None)]
)
def test_an_answer_without_a_required_key_is_refused(app_module, document, name, detail):
    client = app_module.test_client()
    answer = (
        client.get("/api/v1/knowledge")
        if detail is None
        else client.post(f"/api/v1/assess?detail={detail}", json=NEONATAL)
    ).get_json()
    check = named(document, name)
    assert check.is_valid(answer)
    schemas = document["components"]["schemas"]
    paths = _required_paths(schemas[name], answer, schemas)
    assert len(paths) > 60, paths  # the top-level keys, and those of their objects, rows and maps
    for path in paths:
        assert not check.is_valid(_drop(answer, path)), f"{name} takes an answer without {'.'.join(map(str, path))}"


def test_a_row_of_the_compact_answer_takes_no_text_back(app_module, document):
    answer = app_module.test_client().post("/api/v1/assess", json=NEONATAL).get_json()
    check = named(document, "AssessmentCompact")
    for section, text in (("mechanisms", "title"), ("red_flags", "action"), ("workup", "label"), ("genes", "note")):
        broken = copy.deepcopy(answer)
        broken[section][0][text] = "a text the knowledge document has"
        assert not check.is_valid(broken), section
    broken = copy.deepcopy(answer)
    broken["inheritance"]["clues"][0]["source"] = {"id": "seed"}  # a compact item names its source by id only
    assert not check.is_valid(broken)


def test_detail_and_the_knowledge_document_are_described(document):
    assess = document["paths"]["/api/v1/assess"]["post"]
    (detail,) = [p for p in assess["parameters"] if p["name"] == "detail"]
    assert detail["in"] == "query" and not detail["required"]
    assert detail["schema"]["enum"] == list(DETAILS) and detail["schema"]["default"] == "compact"
    assert "/api/v1/knowledge" in detail["description"]
    assert "invalid_detail" in assess["responses"]["400"]["description"]
    assert {o["$ref"].rsplit("/", 1)[1] for o in answer_schema(document)["oneOf"]} == {
        "AssessmentCompact",
        "Assessment",
    }
    knowledge = document["paths"]["/api/v1/knowledge"]["get"]["responses"]
    assert "ETag" in knowledge["200"]["headers"] and "ETag" in knowledge["304"]["headers"]
    assert "content" not in knowledge["304"]
    sections = {
        "clues",
        "mechanisms",
        "red_flags",
        "workup",
        "genes",
        "checks",
        "findings",
        "entries",
        "onsets",
        "family_histories",
        "sources",
        "lookalikes",
        "method",
        "knowledge_version",
        "disclaimer",
    }
    assert set(document["components"]["schemas"]["Knowledge"]["required"]) == sections


def test_a_wrong_detail_is_the_documented_400(app_module, document):
    response = app_module.test_client().post("/api/v1/assess?detail=short", json=NEONATAL)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_detail"
    assert errors(validator(document, document["components"]["schemas"]["Error"]), response.get_json()) == []


def _descriptions(value: Any, where: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        found = [(where, v) for k, v in value.items() if k in ("description", "summary") and isinstance(v, str)]
        return found + [d for k, v in value.items() for d in _descriptions(v, f"{where}/{k}")]
    if isinstance(value, list):
        return [d for i, v in enumerate(value) for d in _descriptions(v, f"{where}/{i}")]
    return []


def test_the_core_descriptions_are_in_plain_words(document):
    # The core API's operations and component schemas (the other modules' parts are theirs).
    core = {
        "paths": {
            p: document["paths"][p]
            for p in (
                "/api/v1/findings",
                "/api/v1/assess",
                "/api/v1/knowledge",
                "/api/v1/health",
                "/api/v1/openapi.json",
            )
        },
        "components": document["components"]["schemas"],
    }
    assert [(where, text) for where, text in _descriptions(core) if JARGON.search(text)] == []
