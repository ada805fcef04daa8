"""Bytes of the JSON answer of POST /api/v1/assess for the neonatal example.

The example: low calcium, an enlarged liver and spleen, anemia and vision loss, neonatal onset.
Measured in the app (no server), so the figure is deterministic: the same knowledge gives the same
bytes. The answer is the compact one (the default; texts by id:
docs/decisions/0010-compact-answer-and-knowledge-document.md); beside it the full answer (`?detail=full`,
every text inline), the knowledge document that the compact answer refers to (GET /api/v1/knowledge,
fetched once per knowledge version), the bench body of app_speed.py, and each part of the neonatal
answer.
Run: .venv/bin/python bench/answer_size.py (or bench/run.py answer_size).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app  # noqa: E402

NEONATAL = {
    "findings": {
        "hypocalcemia": "present",
        "hepatosplenomegaly": "present",
        "anemia": "present",
        "visual_impairment": "present",
    },
    "onset": "neonatal",
}


def run() -> dict[str, int]:
    """The answer's bytes, whole and per top-level field (compact JSON of the field's value)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from app_speed import ASSESS_BODY

    client = create_app({"TESTING": True, "SECRET_KEY": "bench"}).test_client()
    answer = client.post("/api/v1/assess", json=NEONATAL)
    figures = {
        "neonatal_answer_bytes": len(answer.data),
        "neonatal_full_answer_bytes": len(client.post("/api/v1/assess?detail=full", json=NEONATAL).data),
        "knowledge_document_bytes": len(client.get("/api/v1/knowledge").data),
        "bench_body_answer_bytes": len(
            client.post("/api/v1/assess", data=ASSESS_BODY, content_type="application/json").data
        ),
    }
    for key, value in answer.get_json().items():
        figures[f"neonatal_answer_{key}_bytes"] = len(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        )
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
