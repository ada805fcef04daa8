"""The fast paths of POST /api/v1/assess answer exactly what the plain ones would, and keep nothing
a clinician entered: the orjson provider, and the presenter's rows cached per knowledge base."""

from __future__ import annotations

import datetime
import itertools
import json
import random

from flask import jsonify

from rules import Answers
from rules import evaluate
from rules import load_knowledge
from webapp.presenters import _rows
from webapp.presenters import present_assessment

KB = load_knowledge()


def test_the_assess_answer_is_the_standard_json_of_the_presenter_dict(client):
    body = {"findings": {"hypocalcemia": "present", "anemia": "present", "fractures": "absent"}, "onset": "neonatal"}
    assert "Set-Cookie" in client.get("/").headers  # the form's CSRF token: this browser has a session
    response = client.post("/api/v1/assess", json=body)
    assert response.status_code == 200 and response.mimetype == "application/json"
    # The session is never read or written (Flask would add Vary: Cookie), nor the database (test_faults).
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers
    answers = Answers({"hypocalcemia": "present", "anemia": "present", "fractures": "absent"}, "neonatal")
    expected = present_assessment(evaluate(answers, KB), KB)
    # Insertion order, as the presenter builds it (JSON_SORT_KEYS = False).
    assert list(response.get_json()) == list(expected)
    assert response.get_json()["inheritance"] == json.loads(json.dumps(expected["inheritance"]))
    assert response.get_json()["genes"] == expected["genes"]


def test_what_orjson_cannot_write_goes_through_flask_s_encoder(app):
    with app.test_request_context():
        big = jsonify({"n": 2**70, "at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)})
        assert json.loads(big.get_data()) == {"n": 2**70, "at": "Fri, 02 Jan 2026 03:04:05 GMT"}
        assert jsonify({"at": datetime.date(2026, 1, 2)}).get_json() == {"at": "Fri, 02 Jan 2026 00:00:00 GMT"}


def test_the_presenter_cache_holds_knowledge_only_and_stays_bounded():
    rng = random.Random(5)
    slugs = sorted(KB.findings)
    for _ in range(300):
        findings = {s: rng.choice(["present", "absent"]) for s in rng.sample(slugs, rng.randint(0, len(slugs)))}
        answers = Answers(findings, rng.choice(sorted(KB.onsets)), rng.choice(sorted(KB.family_histories)))
        present_assessment(evaluate(answers, KB), KB)
    cache = _rows(KB).rows
    owned = (*KB.clues, *KB.red_flags, *KB.genes, *KB.mechanisms.values())
    assert len(cache) <= 2 * len(owned)  # at most two variants (a gene consistent or not) per object
    assert all(any(obj is o for o in owned) for obj, _ in cache.values())
    cached_text = json.dumps([row for _, row in cache.values()])
    for slug, state in itertools.product(slugs, ("present", "absent")):
        assert f'"{slug}": "{state}"' not in cached_text  # no answer is in a cached row
