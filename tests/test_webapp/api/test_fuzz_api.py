"""Fuzz every operation of /api/v1/openapi.json with schemathesis, in process against the WSGI app.

Schemathesis sends bodies, path parameters and headers made from the document, schema-valid ones and
schema-violating ones, and runs its checks on every answer: no 5xx, status codes and content types
as documented, answers that match their schemas, schema-valid requests accepted, schema-violating
ones refused, unsupported methods answered 405 with Allow, and, for the educator key, a 401 without
it. Ours adds the error contract: every 4xx is JSON `{"error": {"code", "message"}}`.

Generation is derandomized with a fixed seed, so CI sees the same requests on every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select

from rules.practice.cases import load_cases
from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import dispose
from webapp import create_app
from webapp.extensions import db
from webapp.models import Student

# The document is read from the app as a client would; the loader app never serves a fuzzed request
# (each test sends its requests to its own `fuzz_app`, with a database of its own).
# A nickname's rules past its pattern (service.nickname_problem: no invisible characters, no look-alike
# alphabets mixed in a word) are its schema's `format`: schema-valid nicknames are drawn from these.
schemathesis.openapi.format(
    "nickname",
    st.one_of(
        st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9 ._-]{0,29}\Z"),
        st.sampled_from(
            [
                "\u0410\u043d\u043d\u0430",
                "\u0641\u0627\u0637\u0645\u0629",
                "\u674e\u660e",
                "\U0001f469\u200d\U0001f52c Ana",
            ]
        ),
    ),
)
_LOADER = create_app({"TESTING": True, "SECRET_KEY": "fuzz", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
CONFIG = schemathesis.Config.from_dict({"seed": 20260612, "generation": {"deterministic": True}})
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _LOADER, config=CONFIG)
WRITTEN = next(iter(load_cases()))
EXERCISE_CASES = [WRITTEN, "sim-259700-7"]


def _fuzz(examples: int) -> settings:
    # One app (and one exercise) serves every example of an operation, on purpose: the fixture is
    # the server, not per-example state. The phenopacket schema is large, hence too_slow.
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture
def fuzz_app(tmp_path) -> Iterator[Flask]:
    """The app on a throwaway SQLite file, its per-client rate limits off: hundreds of requests from
    one test client would otherwise end in 429s before reaching the handlers (the limits have tests of
    their own)."""
    limits_off = {f"{name}_RATE_LIMIT": 0 for name in ("EXERCISE", "SUBMISSION", "IMPORT")}
    # Join codes are looked up with a limit of their own (failures only): generated codes fail.
    app = app_with_schema({**base_config(tmp_path), **limits_off, "JOIN_RATE_LIMIT": 10**6})
    yield app
    dispose(app)


@pytest.fixture
def exercise(fuzz_app: Flask) -> dict[str, Any]:
    """A real, open exercise, so that fuzzed submissions and result reads reach their handlers."""
    resp = fuzz_app.test_client().post("/api/v1/exercises", json={"title": "Fuzz", "case_ids": EXERCISE_CASES})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def error_contract(ctx: Any, response: Any, case: Any) -> None:
    """A 4xx answer is JSON naming the error with a code and a message."""
    if not 400 <= response.status_code < 500:
        return
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), response.headers
    error = response.json().get("error")
    assert isinstance(error, dict) and error.get("code") and error.get("message"), response.text


def _negative(case: Any, location: str) -> bool:
    """Whether schemathesis generated this part of the request to violate the schema."""
    meta = getattr(case, "_meta", None)
    info = meta.components.get(location) if meta is not None else None
    return info is not None and info.mode.value == "negative"


def _aim(case: Any, exercise: dict[str, Any], real: int) -> dict[str, str] | None:
    """Point most cases at real cases, the real exercise and its cases (`real` is drawn 0..3; 0 keeps
    what schemathesis generated), so they reach the handlers and not only their 404s; the educator key
    goes in as an explicit header, which makes schemathesis check that the operation refuses the
    same request without it (401) and with a wrong one (403)."""
    if not real:
        return None
    if "case_id" in case.path_parameters:
        case.path_parameters["case_id"] = EXERCISE_CASES[real % 2]
    if "code" in case.path_parameters:
        case.path_parameters["code"] = exercise["code"]
    # Only a string is replaced, and only in a body schemathesis meant to be valid: another type, or a
    # string made to break the CaseId pattern, is a schema violation it made on purpose (replaced, the
    # request would be valid and its acceptance reported as accepted negative data).
    if isinstance(case.body, dict) and isinstance(case.body.get("case_id"), str) and not _negative(case, "body"):
        case.body["case_id"] = EXERCISE_CASES[real % 2]
    # 1 keeps the generated Authorization header (none, or a made-up key: 401 and 403); 3 also creates
    # exercises under the existing educator.
    path = case.operation.path
    if (path.endswith("/results") and real >= 2) or (path.endswith("/exercises") and real == 3):
        return {"Authorization": f"Bearer {exercise['educator_key']}"}
    return None


def _call(case: Any, app: Flask, exercise: dict[str, Any], real: int) -> None:
    """Send the case to the app and run every check on the answer, ours included."""
    headers = _aim(case, exercise, real)
    case.call_and_validate(app=app, headers=headers, additional_checks=[error_contract])


# Operations that take a body: 300 examples each, where the input space is large.
@SCHEMA.include(method="POST").parametrize()
@SCHEMA.given(real=st.integers(0, 3))
@_fuzz(300)
def test_operations_with_a_body(case, fuzz_app, exercise, real):
    _call(case, fuzz_app, exercise, real)


# GETs with a path parameter (a case id, a join code with the educator key): one string and a
# header to vary, so fewer examples cover them.
@SCHEMA.include(method="GET", path_regex=r"\{").parametrize()
@SCHEMA.given(real=st.integers(0, 3))
@_fuzz(200)
def test_reads_with_a_parameter(case, fuzz_app, exercise, real):
    _call(case, fuzz_app, exercise, real)


# GETs without parameters have nothing to vary but stray query parameters and headers (and the
# methods they do not allow): Hypothesis runs out of distinct requests after about ten.
@SCHEMA.include(method="GET").exclude(path_regex=r"\{").parametrize()
@_fuzz(25)
def test_reads_without_parameters(case, fuzz_app):
    case.call_and_validate(app=fuzz_app, additional_checks=[error_contract])


# --- What the fuzzing found, pinned as plain examples ---------------------------------------------


def test_a_405_says_which_methods_are_allowed(client):
    resp = client.put("/api/v1/assess", json={})
    assert resp.status_code == 405 and resp.get_json()["error"]["code"] == "method_not_allowed"
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}


def test_every_v1_onset_field_is_checked_not_only_the_first(client):
    feature = {
        "type": {"id": "HP:0001873"},
        "classOfOnset": {"id": "HP:0003593"},
        "ageRangeOfOnset": {"start": {"age": "P1M"}, "end": {"age": {}}},
    }
    resp = client.post("/api/v1/assess", json={"phenopacket": {"phenotypicFeatures": [feature]}})
    assert resp.status_code == 400 and "ageRangeOfOnset.end.age" in resp.get_json()["error"]["message"]


def test_a_phenopacket_field_the_schema_does_not_define_is_refused_even_when_null(client):
    # null means "not set" only for the schema's own fields (as in the protobuf JSON mapping).
    for packet in (
        {"metaData": {"phenopacketSchemaVersion": "2.0", "colour": None}},
        {"phenotypicFeatures": [{"type": {"id": "HP:0001873"}, "excluded": True, "negated": None}]},
    ):
        resp = client.post("/api/v1/assess", json={"phenopacket": packet})
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_phenopacket"


def test_an_hpo_id_is_seven_ascii_digits_and_nothing_after(client):
    arabic_indic = "HP:\u0660\u0660\u0660\u0661\u0668\u0667\u0663"  # 0001873 in another script
    for bad_id in ("HP:0001873\n", arabic_indic):
        packet = {"phenotypicFeatures": [{"type": {"id": bad_id}}]}
        assert client.post("/api/v1/assess", json={"phenopacket": packet}).status_code == 400
    resp = client.post("/api/v1/assess", json={"findings": [arabic_indic]})
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_hpo_id"


def test_whole_numbers_may_be_written_with_a_decimal_point(client):
    # JSON has one number type: 30.0 is the whole number 30.
    created = client.post("/api/v1/exercises", json={"title": "T", "case_ids": [WRITTEN], "time_limit_minutes": 30.0})
    assert created.status_code == 201, created.get_json()
    attempt = {"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 80.0}
    assert client.post(f"/api/v1/cases/{WRITTEN}/attempts", json=attempt).status_code == 200
    half = client.post(f"/api/v1/cases/{WRITTEN}/attempts", json={**attempt, "confidence": 80.5})
    assert half.status_code == 400 and half.get_json()["error"]["code"] == "invalid_confidence"


def test_free_text_keeps_format_characters(fuzz_app, exercise):
    # A zero-width joiner holds an emoji sequence together; a private-use character is still text.
    teacher = "\U0001f469\u200d\U0001f3eb"
    client = fuzz_app.test_client()
    created = client.post("/api/v1/exercises", json={"title": "\ue000", "case_ids": [WRITTEN]})
    assert created.status_code == 201, created.get_json()
    answer = {"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 80}
    resp = client.post(
        f"/api/v1/exercises/{exercise['code']}/submissions",
        json={"nickname": teacher, "case_id": WRITTEN, "answer": answer},
    )
    assert resp.status_code == 201, resp.get_json()
    with fuzz_app.app_context():
        assert db.session.execute(select(Student.nickname)).scalars().all() == [teacher]
