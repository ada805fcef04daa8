"""The fast paths of POST /api/v1/assess answer exactly what the plain ones would, and keep nothing
a clinician entered: the orjson provider, and the presenter's rows cached per knowledge base."""

from __future__ import annotations

import datetime
import itertools
import json
import random
from dataclasses import replace

import pytest
from flask import jsonify

from rules import Answers
from rules import evaluate
from rules import load_knowledge
from rules.checklist.plan import handouts
from rules.core.hpo import load_hpo
from rules.request import parse_request
from webapp.checklist.presenters import _rows
from webapp.checklist.presenters import present_assessment
from webapp.infra.jsonprovider import JsonRow
from webapp.infra.jsonprovider import JsonRows

KB = load_knowledge()


@pytest.mark.parametrize("detail", ["compact", "full"])
def test_the_assess_answer_is_the_standard_json_of_the_presenter_dict(client, detail):
    body = {"findings": {"hypocalcemia": "present", "anemia": "present", "fractures": "absent"}, "onset": "neonatal"}
    assert "Set-Cookie" in client.get("/").headers  # the form's CSRF token: this browser has a session
    response = client.post(f"/api/v1/assess?detail={detail}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    # The session is never read or written (Flask would add Vary: Cookie), nor the database (test_faults);
    # the answer's words depend on Accept-Language alone.
    assert "Set-Cookie" not in response.headers and response.headers.get("Vary") == "Accept-Language"
    parsed = parse_request(body, KB, load_hpo())
    expected = present_assessment(evaluate(parsed.answers, KB), KB, parsed, detail)
    # Insertion order, as the presenter builds it (orjson never sorts them), and every value as the
    # standard library writes the presenter's dict (the pre-encoded knowledge rows as the dicts they hold).
    assert list(response.get_json()) == [*expected, "language"]
    expected["language"] = "en"  # ok() adds the answer's language (no Accept-Language: English)
    assert response.get_json() == json.loads(json.dumps(expected, default=client.application.json.default))
    assert response.get_json()["genes"] == expected["genes"]
    assert list(response.get_json()["genes"][0]) == list(expected["genes"][0])


def test_a_knowledge_row_reads_like_a_dict_cannot_be_changed_and_writes_its_own_json(app):
    row = JsonRow({"id": "x", "source": {"text": "Source document: \u201cquote\u201d"}, "weight": 1.5})
    assert row["id"] == "x" and dict(row) == {
        "id": "x",
        "source": {"text": "Source document: \u201cquote\u201d"},
        "weight": 1.5,
    }
    assert row == dict(row) and len(row) == 3 and list(row) == ["id", "source", "weight"]
    with pytest.raises(TypeError):
        row["id"] = "y"  # type: ignore[index]
    with app.test_request_context():
        assert jsonify({"rows": [row, row]}).get_json() == {"rows": [dict(row), dict(row)]}
        assert json.loads(app.json.dumps({"row": row})) == {"row": dict(row)}  # the standard encoder (tojson)
        table = JsonRows([row, JsonRow({"id": "z"})])
        assert table == [dict(row), {"id": "z"}] and table[1]["id"] == "z" and len(table) == 2
        assert jsonify({"table": table}).get_json() == {"table": [dict(row), {"id": "z"}]}
        assert json.loads(app.json.dumps(table)) == [dict(row), {"id": "z"}]


def test_what_orjson_cannot_write_goes_through_flask_s_encoder(app):
    with app.test_request_context():
        big = jsonify({"n": 2**70, "at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)})
        assert json.loads(big.get_data()) == {"n": 2**70, "at": "Fri, 02 Jan 2026 03:04:05 GMT"}
        assert jsonify({"at": datetime.date(2026, 1, 2)}).get_json() == {"at": "Fri, 02 Jan 2026 00:00:00 GMT"}


def test_the_presenter_cache_holds_knowledge_only_and_stays_bounded():
    rng = random.Random(5)
    slugs = sorted(KB.findings)
    rows = _rows(KB)
    size = len(rows.made)
    handed = handouts(KB)
    for _ in range(300):
        findings = {s: rng.choice(["present", "absent"]) for s in rng.sample(slugs, rng.randint(0, len(slugs)))}
        answers = Answers(findings, rng.choice(sorted(KB.onsets)), rng.choice(sorted(KB.family_histories)))
        assessment = evaluate(answers, KB)
        present_assessment(assessment, KB)
        # Everything the engine hands out has its row ready, and is one of the plan's own objects.
        handed_out = [
            *assessment.inheritance.hits,
            *assessment.mechanisms,
            *assessment.red_flags,
            *assessment.next_checks,
            assessment.genes,
        ]
        assert all(id(o) in rows.made for o in handed_out)
    # Built once from the knowledge; answers add nothing.
    assert len(rows.made) == size == sum(len(objects) for objects in handed)
    assert len(handed.gene_tables) == 4 and len(rows.terms) == len(KB.findings)  # one per lean, x_linked too
    cached = [*rows.made.values(), *rows.terms.values()]
    cached_text = json.dumps(cached, default=lambda rows: list(rows) if isinstance(rows, JsonRows) else dict(rows))
    for slug, state in itertools.product(slugs, ("present", "absent")):
        assert f'"{slug}": "{state}"' not in cached_text  # no answer is in a cached row


def test_an_assessment_made_by_hand_gets_its_rows_built_not_kept():
    assessment = evaluate(Answers({"hypocalcemia": "present"}, "neonatal"), KB)
    made = assessment._replace(
        red_flags=tuple(replace(r, flag=replace(r.flag, title="Made by hand")) for r in assessment.red_flags)
    )
    size = len(_rows(KB).made)
    shown = present_assessment(made, KB)
    assert shown["red_flags"] and all(r["title"] == "Made by hand" for r in shown["red_flags"])
    assert len(_rows(KB).made) == size


def test_a_slug_with_its_state_word_as_written_reads_as_its_loose_spellings_do():
    # Slugs with state words as written take the parser's short path; padded keys, capitalised
    # words and the "not assessed" synonym take the general one. Both must read the same answers.
    exact = {"hypocalcemia": "present", "fractures": "absent", "anemia": "unknown", "HP:0031846": "present"}
    loose = {" hypocalcemia": "Present", "fractures ": " ABSENT", "anemia": "not assessed", "hp:0031846": "present"}
    hpo = load_hpo()
    fast, general = parse_request({"findings": exact}, KB, hpo), parse_request({"findings": loose}, KB, hpo)
    assert fast.answers == general.answers
    # Checklist order; "unknown" leaves a finding out; the term's inferred fracture yields to the direct "absent".
    assert list(fast.answers.findings.items()) == [("fractures", "absent"), ("hypocalcemia", "present")]
    expected = [("hypocalcemia", "present"), ("fractures", "absent"), ("anemia", "unknown"), ("fractures", "present")]
    assert [(r.finding, r.state) for r in fast.recognized] == expected  # in input order
    assert [(r.finding, r.state) for r in general.recognized] == expected
    assert [r.input for r in fast.recognized] == list(exact)
