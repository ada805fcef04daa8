"""The API's answers, stored as readable JSON under tests/snapshots/ and compared text against text.

Each file is one request and the answer served to it: `request` ("POST /api/v1/assess"), the JSON
`input` it sends (when it sends one), then the `status` and the `answer`, pretty-printed with the
answer's keys in the order the server sends them. A file keeps its own input, so adding a finding
or an entry to the knowledge changes no input, only the answers that really change.

What is stored, and why:
- `assess/`: the compact answer (the default of POST /api/v1/assess) for a few named clinical
  pictures and for 150 varied drawn bodies (`drawn-NNN.json`). The compact answer names each item by
  id and carries what the input decides: the lean, the ranking, the probabilities and ratios. So a
  ranking change shows per input, while a change of wording does not repeat in every file.
- `knowledge.json`: GET /api/v1/knowledge, what each of those ids says. A wording change shows here
  once. test_compact_answer.py proves the compact answer joined with this document gives back the
  full answer, for every input of `assess/`.
- `assess-full/`: the full answer (`?detail=full`) of the named pictures only. It holds the few
  fields that the join cannot rebuild (how each typed-in term met an annotation, `match` and
  `matched`; the labels of the entered answers), and shows the full answer's shape to a reviewer.
  The full answer of every drawn body would be nearly three times the size of all the rest together.
- `openapi.json`: the served OpenAPI document (GET /api/v1/openapi.json).

On a mismatch the test fails with a unified diff of the stored text against the served one.
`make snapshots` rewrites every file with the answer served now, and fills in the answer of a new
file that holds only `request` and `input` (tests/snapshots/README.md says how to add and review).
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from webapp import create_app

TESTS = next(p for p in Path(__file__).resolve().parents if p.name == "tests")
SNAPSHOTS = TESTS / "snapshots"
FILES = sorted(p.relative_to(SNAPSHOTS).as_posix() for p in SNAPSHOTS.rglob("*.json"))
# `make snapshots` sets it: each file is then rewritten with the answer served now, never compared.
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
DIFF_LINES = 60  # a diff longer than this is cut, with a line saying how many more there are
HOW_TO_UPDATE = (
    "If the change is meant, `make snapshots` rewrites the stored answers; review them with "
    "`git diff tests/snapshots` (tests/snapshots/README.md)."
)


@pytest.fixture(scope="module")
def snapshot_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """One app for every snapshot, built by the app factory: the answers depend on no stored state (the
    database is a throwaway file, never created: a request that used it would fail here)."""
    database = tmp_path_factory.mktemp("snapshots") / "unused.db"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "snapshot-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    )
    return app.test_client()


def render(document: dict[str, Any]) -> str:
    """A snapshot file's text: indent 2, non-ASCII kept as written, keys in their order, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def served(client: FlaskClient, stored: dict[str, Any]) -> dict[str, Any]:
    """The snapshot file as it reads when its request is sent now: request and input kept, answer new."""
    method, _, path = stored["request"].partition(" ")
    document: dict[str, Any] = {"request": stored["request"]}
    if "input" in stored:
        document["input"] = stored["input"]
        response = client.open(path, method=method, json=stored["input"])
    else:
        response = client.open(path, method=method)
    document["status"] = response.status_code
    document["answer"] = json.loads(response.get_data(as_text=True))
    return document


def readable_diff(stored: str, found: str, name: str) -> str:
    """A unified diff of the stored text against the served one, cut at DIFF_LINES lines."""
    lines = list(
        difflib.unified_diff(stored.splitlines(), found.splitlines(), f"stored {name}", f"served {name}", lineterm="")
    )
    if len(lines) > DIFF_LINES:
        lines = [*lines[:DIFF_LINES], f"... and {len(lines) - DIFF_LINES} more diff lines"]
    return "\n".join(lines)


def test_there_are_snapshots_of_each_kind():
    """The glob below found the files (a moved folder would otherwise leave nothing to compare)."""
    assert {
        "knowledge.json",
        "openapi.json",
        "assess/classic-neonatal.json",
        "assess-full/classic-neonatal.json",
    } <= set(FILES)
    assert sum(name.startswith("assess/drawn-") for name in FILES) >= 150


@pytest.mark.parametrize("name", FILES)
def test_the_served_answer_is_the_stored_one(snapshot_client: FlaskClient, name: str):
    path = SNAPSHOTS / name
    stored_text = path.read_text(encoding="utf-8")
    stored = json.loads(stored_text)
    assert "request" in stored, f'{name} names no request (e.g. "request": "POST /api/v1/assess")'
    found_text = render(served(snapshot_client, stored))
    if found_text == stored_text:
        return
    if UPDATE:
        path.write_text(found_text, encoding="utf-8")
        return
    what = "has no stored answer yet" if "answer" not in stored else "changed"
    pytest.fail(
        f"the answer to {name} {what}:\n{readable_diff(stored_text, found_text, name)}\n{HOW_TO_UPDATE}", pytrace=False
    )
