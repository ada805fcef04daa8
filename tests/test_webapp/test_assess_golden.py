"""POST /api/v1/assess?detail=full answers, byte for byte, what main answered before the differential's fast path
(digests stored by tests/test_webapp/assess_golden.py from commit caa345d)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rules.differential import load_model
from webapp.infra.knowledge import kb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from assess_golden import GOLDEN  # noqa: E402
from assess_golden import digests  # noqa: E402


def test_every_answer_is_the_stored_one_byte_for_byte(app, client):
    with app.app_context():
        knowledge = kb()
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = digests(client, knowledge, load_model(knowledge))
    mismatched = [i for i, (a, b) in enumerate(zip(found, expected, strict=True)) if a != b]
    assert not mismatched, f"answers changed for bodies {mismatched[:10]}"
