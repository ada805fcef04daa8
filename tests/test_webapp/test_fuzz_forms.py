"""Fuzz every HTML form with Hypothesis, CSRF on and a valid token, as a browser session would post.

Each form gets its fields with valid choices and with junk (any Unicode, control characters, NUL,
numbers where words belong, long text), missing, duplicated, plus fields it does not have, and
once a body over the 64 KiB limit. Whatever comes in, the answer is below 500, and a refusal is a
4xx HTML page that says what is wrong (an error page, or the form again with its errors marked).
The shareable link's query (GET /assessment and its exports) is fuzzed the same way.

Classroom forms write to the database, so they run on SQLite and, where configured, PostgreSQL.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from rules import load_knowledge
from rules import public_case_id
from rules.practice.cases import load_cases
from tests.support.apps import CSRF_INPUT
from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import csrf_token
from tests.support.apps import drop_everything

KB = load_knowledge()
CASE_IDS = list(load_cases())
SLUGS = list(KB.findings)
STATES = ["present", "absent", "unknown"]
PROBLEM_MARKERS = ('class="error-message"', 'class="form-errors"', 'class="field-error"')
OVER_LIMIT = [("padding", "x" * (64 * 1024 + 1))]  # the body limit is 64 KiB (413)

# Text a form field can carry: any Unicode that UTF-8 can send (control characters and NUL
# included), numbers and words where the other belongs, markup, and long runs.
JUNK = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\r\n",
            "-1",
            "0",
            "1.5",
            "1e999",
            "NaN",
            "9" * 30,
            "<b>x</b>",
            "' OR 1=1 --",
            "%00",
            "on",
            "true",
            "present,absent",
            "HP:0001873",
        ]
    ),
    st.integers(-(10**20), 10**20).map(str),
    st.builds(lambda n, ch: ch * n, st.integers(100, 3000), st.sampled_from("a\u00e9\U0001f9b4 \n\x00")),
)


def _fields(good: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Every field absent, once or repeated, with a good value or junk, plus a few unknown fields."""
    per_field = [
        st.lists(st.one_of(values, JUNK), max_size=3).map(lambda vs, name=name: [(name, v) for v in vs])
        for name, values in good.items()
    ]
    unknown = st.lists(st.tuples(st.text(st.characters(codec="utf-8"), max_size=12), JUNK), max_size=2)
    return st.tuples(*per_field, unknown).map(lambda parts: [pair for part in parts for pair in part])


def _valid(good: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Every field once with a good value, so that the success path is fuzzed too."""
    return st.tuples(*(values.map(lambda v, name=name: (name, v)) for name, values in good.items())).map(list)


def form(good: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Form data for these fields: mostly fuzzed, sometimes entirely valid."""
    return st.one_of(_fields(good), _valid(good))


def fuzz(examples: int) -> settings:
    # Derandomized: CI posts the same forms on every run. One client (one browser session) serves
    # every example of a test, on purpose, hence function_scoped_fixture.
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def post(client, path: str, token: str, pairs: list[tuple[str, Any]]):
    """POST the pairs as a form, with the session's valid CSRF token first."""
    return client.post(path, data=MultiDict([("csrf_token", token), *pairs]))


def assert_handled(resp) -> None:
    """Below 500; a refusal is a 4xx HTML page that names the problem."""
    body = resp.get_data(as_text=True)
    assert resp.status_code < 500, body[:3000]
    if resp.status_code >= 400:
        assert resp.mimetype == "text/html", (resp.status_code, resp.mimetype)
        assert any(marker in body for marker in PROBLEM_MARKERS), (resp.status_code, body[:3000])


def words(values: list[str]) -> st.SearchStrategy[str]:
    """One of these values."""
    return st.sampled_from(values)


CHECKLIST = {
    **{slug: words(STATES) for slug in SLUGS},
    "onset": words(list(KB.onsets)),
    "family_history": words(list(KB.family_histories)),
    "submit": st.just("Show the result"),
}
ATTEMPT = {
    "findings": words(SLUGS),
    "lean": words(["recessive", "dominant", "indeterminate"]),
    "mechanisms": words(list(KB.mechanisms)),
    "confidence": words(["50", "60", "70", "80", "90", "100"]),
    "submit": st.just("Commit and reveal"),
}


# --- checklist, shareable link, import ---------------------------------------------------------


@given(path=st.sampled_from(["/", "/assessment"]), pairs=form(CHECKLIST))
@example(path="/", pairs=OVER_LIMIT)
@fuzz(120)
def test_checklist_form(client, path, pairs):
    assert_handled(post(client, path, csrf_token(client, "/"), pairs))


LINK = {
    "present": st.lists(words(SLUGS), max_size=4).map(",".join),
    "absent": st.lists(st.one_of(words(SLUGS), words(["HP:0001873", "hp:0002757", "HP:12"])), max_size=3).map(",".join),
    "onset": words([*KB.onsets, "HP:0003593", "HP:0003623"]),
    "family_history": words(list(KB.family_histories)),
}


@given(
    path=st.sampled_from(["/assessment", "/", "/assessment/phenopacket.json", "/assessment/hpo.csv"]), pairs=form(LINK)
)
@fuzz(120)
def test_shareable_link_query(client, path, pairs):
    resp = client.get(path, query_string=MultiDict(pairs))
    assert_handled(resp)
    if resp.status_code == 200 and path.endswith(".json"):
        assert resp.get_json()["phenotypicFeatures"] is not None


HPO_LINES = st.lists(
    st.one_of(
        words(
            [
                "HP:0001873",
                "NOT HP:0002757",
                "HP:0003623",
                "# comment",
                "hpo_id,hpo_label,status",
                "HP:0000256 Macrocephaly",
                "-HP:0001903",
                "HP_0004349",
            ]
        ),
        JUNK,
    ),
    max_size=6,
).map("\n".join)
PACKET = st.fixed_dictionaries(
    {
        "phenotypicFeatures": st.lists(
            st.fixed_dictionaries(
                {"type": st.fixed_dictionaries({"id": words(["HP:0001873", "HP:0002757", "NCIT:C1", "HP:1"])})},
                optional={
                    "excluded": st.one_of(st.booleans(), JUNK),
                    "onset": st.fixed_dictionaries(
                        {},
                        optional={
                            "age": st.fixed_dictionaries({"iso8601duration": st.one_of(words(["P3M", "P20Y"]), JUNK)}),
                            "ontologyClass": st.fixed_dictionaries({"id": words(["HP:0003593", "HP:0003623"])}),
                        },
                    ),
                },
            ),
            max_size=3,
        )
    },
    optional={
        "metaData": st.fixed_dictionaries({"phenopacketSchemaVersion": words(["2.0", "1.0", "3", ""])}),
        "id": JUNK,
    },
).map(json.dumps)
IMPORT_TEXT = st.one_of(HPO_LINES, PACKET, JUNK)


@given(
    pairs=form({"import_text": IMPORT_TEXT, "import_submit": st.just("Open the checklist filled in")}),
    upload=st.one_of(
        st.none(),
        st.tuples(
            st.one_of(IMPORT_TEXT.map(str.encode), st.binary(max_size=200)),
            words(["list.txt", "packet.json", "", "x.exe"]),
        ),
    ),
)
@example(pairs=OVER_LIMIT, upload=None)
@fuzz(150)
def test_import_form(client, pairs, upload):
    if upload is not None:
        content, name = upload
        pairs = [*pairs, ("import_file", (io.BytesIO(content), name))]
    assert_handled(post(client, "/import", csrf_token(client, "/"), pairs))


# --- practice ----------------------------------------------------------------------------------


REAL_CASE = words([public_case_id(c) for c in (CASE_IDS[0], CASE_IDS[-1], "sim-259700-7")])
ANY_CASE = st.text(st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1, max_size=20)


@given(
    case_id=st.sampled_from([REAL_CASE, REAL_CASE, REAL_CASE, ANY_CASE]).flatmap(lambda ids: ids), pairs=form(ATTEMPT)
)
@example(case_id=CASE_IDS[0], pairs=OVER_LIMIT)
@fuzz(120)
def test_practice_attempt_form(client, case_id, pairs):
    token = csrf_token(client, f"/practice/{public_case_id(CASE_IDS[0])}")
    assert_handled(post(client, f"/practice/{case_id}", token, pairs))


@given(pairs=form({"submit": st.just("Clear my progress")}))
@example(pairs=OVER_LIMIT)
@fuzz(30)
def test_practice_reset_form(client, pairs):
    assert_handled(post(client, "/practice/reset", csrf_token(client, "/"), pairs))  # one token per session


# --- classroom (SQLite and, where configured, PostgreSQL) ---------------------------------------


@pytest.fixture
def class_app(database_url: str, tmp_path) -> Iterator[Flask]:
    """An app on each backend with its per-client limits off: a hundred posts from one client would
    otherwise end in 429s (the limits have tests of their own)."""
    limits_off = {f"{name}_RATE_LIMIT": 0 for name in ("EXERCISE", "SUBMISSION", "IMPORT")}
    app = app_with_schema({**base_config(tmp_path, database_url), **limits_off, "JOIN_RATE_LIMIT": 10**6})
    yield app
    drop_everything(app)


@pytest.fixture
def classroom(class_app: Flask) -> dict[str, Any]:
    """A real exercise (two cases), an educator browser holding its key, a student browser joined to it."""
    api = class_app.test_client()
    created = api.post("/api/v1/exercises", json={"title": "Fuzz", "case_ids": [CASE_IDS[0], "sim-259700-7"]})
    assert created.status_code == 201, created.get_json()
    code, key = created.get_json()["code"], created.get_json()["educator_key"]
    educator = class_app.test_client()
    claimed = post(
        educator, f"/classroom/{code}/claim", csrf_token(educator, f"/classroom/{code}/claim"), [("key", key)]
    )
    assert claimed.status_code == 302, claimed.get_data(as_text=True)
    student = class_app.test_client()
    joined = post(student, "/join", csrf_token(student, "/join"), [("code", code), ("nickname", "otter")])
    assert joined.status_code == 302, joined.get_data(as_text=True)
    return {"code": code, "key": key, "educator": educator, "student": student, "anyone": class_app.test_client()}


@given(
    pairs=form(
        {
            "title": st.one_of(words(["Week 3", "  Ω  "]), JUNK),
            "cases": words(CASE_IDS[:5]),
            "simulated": words(["0", "1", "3", "10", "11", ""]),
            "time_limit": words(["", "1", "240", "241", "0"]),
            "submit": st.just("Create the exercise"),
        }
    )
)
@example(pairs=OVER_LIMIT)
@fuzz(80)
def test_new_exercise_form(classroom, pairs):
    educator = classroom["educator"]
    assert_handled(post(educator, "/classroom/new", csrf_token(educator, "/classroom/new"), pairs))


@given(
    pairs=form(
        {
            "code": st.sampled_from(["REAL", "real-lowercase", "ZZZZZZ"]),
            "nickname": st.one_of(words(["otter", "me@example.org", "Zoë 👩‍🏫"]), JUNK),
            "submit": st.just("Join"),
        }
    )
)
@example(pairs=OVER_LIMIT)
@fuzz(80)
def test_join_form(classroom, pairs):
    code = classroom["code"]
    real = {"REAL": code, "real-lowercase": f"{code[:3].lower()}-{code[3:].lower()}"}
    pairs = [(name, real.get(value, value) if name == "code" else value) for name, value in pairs]
    client = classroom["anyone"]
    assert_handled(post(client, "/join", csrf_token(client, "/join"), pairs))


@given(key=st.one_of(st.just("REAL"), JUNK), pairs=form({"submit": st.just("Open the dashboard")}))
@example(key="REAL", pairs=OVER_LIMIT)
@fuzz(50)
def test_claim_form(classroom, key, pairs):
    code, client = classroom["code"], classroom["anyone"]
    pairs = [("key", classroom["key"] if key == "REAL" else key), *pairs]
    assert_handled(post(client, f"/classroom/{code}/claim", csrf_token(client, f"/classroom/{code}/claim"), pairs))


@given(n=st.sampled_from([1, 2, 1, 2, 0, 3]), pairs=form(ATTEMPT))
@example(n=1, pairs=OVER_LIMIT)
@fuzz(80)
def test_student_attempt_form(classroom, n, pairs):
    code, student = classroom["code"], classroom["student"]
    assert_handled(post(student, f"/join/{code}/{n}", csrf_token(student, f"/join/{code}/1"), pairs))


POINT = st.one_of(words(["Tetany in a newborn suggests low calcium.", ""]), JUNK)
AUTHOR = {
    **{slug: words(STATES) for slug in SLUGS[:8]},  # the rest stay unsent: not in the key
    "title": st.one_of(words(["A case"]), JUNK),
    "age": st.one_of(words(["3 months"]), JUNK),
    "sex": words(["female", "male"]),
    "difficulty": words(["easy", "medium", "hard"]),
    "narrative": st.one_of(words(["A three-month-old with tetany and pallor; the parents are cousins."]), JUNK),
    "lean": words(["recessive", "dominant", "indeterminate"]),
    "onset": words(list(KB.onsets)),
    "family_history": words(list(KB.family_histories)),
    **{f"point{i}": POINT for i in (1, 2, 3)},
    **{f"point{i}_source": words(list(KB.sources)) for i in (1, 2, 3)},
    **{f"point{i}_locator": st.one_of(words(["Signs & Symptoms of MIOP", ""]), JUNK) for i in (1, 2, 3)},
    "submit": st.just("Save the case"),
}


@given(pairs=form(AUTHOR))
@example(pairs=OVER_LIMIT)
@fuzz(80)
def test_author_case_form(classroom, pairs):
    educator = classroom["educator"]
    assert_handled(post(educator, "/classroom/cases/new", csrf_token(educator, "/classroom/cases/new"), pairs))


def ensure_case_1(educator) -> None:
    """The educator has a written case number 1 that no exercise uses (written again once deleted)."""
    if educator.get("/classroom/cases/1/delete").status_code == 404:
        written = [
            ("title", "A case"),
            ("age", "3 months"),
            ("sex", "female"),
            ("difficulty", "easy"),
            ("narrative", "A three-month-old with tetany and pallor; the parents are cousins."),
            ("lean", "recessive"),
            ("onset", "neonatal"),
            ("family_history", "unknown"),
            ("hypocalcemia", "present"),
            ("point1", "Tetany in a newborn suggests low calcium."),
            ("point1_source", "seed"),
            ("point1_locator", "Signs & Symptoms of MIOP"),
            ("point2_source", "seed"),
            ("point3_source", "seed"),
        ]  # a browser sends every select
        made = post(educator, "/classroom/cases/new", csrf_token(educator, "/classroom/cases/new"), written)
        assert made.status_code == 302, made.get_data(as_text=True)


@given(pairs=form(AUTHOR))
@example(pairs=OVER_LIMIT)
@fuzz(60)
def test_edit_case_form(classroom, pairs):
    educator = classroom["educator"]
    ensure_case_1(educator)
    assert_handled(post(educator, "/classroom/cases/1/edit", csrf_token(educator, "/classroom/cases/1/edit"), pairs))


@given(
    number=st.sampled_from(["1", "1", "2", "0", "-1", "2147483647", "2147483648", "x"]),
    who=st.sampled_from(["educator", "anyone"]),
    pairs=form({"submit": st.just("Delete the case")}),
)
@example(number="1", who="educator", pairs=OVER_LIMIT)
@fuzz(40)
def test_delete_case_form(classroom, number, who, pairs):
    educator, client = classroom["educator"], classroom[who]
    ensure_case_1(educator)
    path = f"/classroom/cases/{number}/delete"
    assert_handled(client.get(path))
    assert_handled(post(client, path, csrf_token(client, "/classroom/new"), pairs))


@given(
    action=st.sampled_from(["close", "reopen"]),
    who=st.sampled_from(["educator", "anyone"]),
    pairs=form({"submit": st.just("Go")}),
)
@example(action="close", who="educator", pairs=OVER_LIMIT)
@fuzz(40)
def test_close_and_reopen_forms(classroom, action, who, pairs):
    code, client = classroom["code"], classroom[who]
    page = client.get(f"/classroom/{code}")
    # Someone without the key gets no dashboard, hence no token of this form: take one from /join.
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    token = match.group(1) if match else csrf_token(client, "/join")
    assert_handled(post(client, f"/classroom/{code}/{action}", token, pairs))


@given(
    target=st.sampled_from(
        [
            ("/practice/new", "entry"),
            ("/practice", "note"),
            ("/join", "code"),
            ("/classroom/{code}/live.json", "since"),
            ("/classroom/{code}/live.json", "view"),
            ("/practice/weak", "x"),
        ]
    ),
    values=st.lists(st.one_of(words(["any", "OMIM:259700", "cleared", "projector", "REAL"]), JUNK), max_size=3),
)
@fuzz(60)
def test_other_query_strings(classroom, target, values):
    path, name = target
    code = classroom["code"]
    query = MultiDict([(name, code if v == "REAL" else v) for v in values])
    assert_handled(classroom["educator"].get(path.format(code=code), query_string=query))
