"""Bytes of the JSON answers of POST /api/v1/assess.

- `neonatal_answer_bytes`: the compact answer (the default; texts by id:
  docs/decisions/0010-compact-answer-and-knowledge-document.md) of the neonatal example: low
  calcium, an enlarged liver and spleen, anemia and vision loss, neonatal onset; and each of its
  top-level fields (`neonatal_answer_<field>_bytes`);
- `compact_answer_bytes_20_terms`: the compact answer of the server benchmarks' neonatal checklist
  with 20 typed HPO terms (bench/inputs.py), what a clinician who types terms gets back;
- `full_answer_bytes`: the full answer (`?detail=full`, every text inline) of that checklist alone;
- `knowledge_document_bytes`: GET /api/v1/knowledge, which the compact answer refers to (fetched
  once per knowledge version), and `bench_body_answer_bytes`, the answer to app_speed.py's body.

Measured in the app (no server), so the figures are deterministic: the same knowledge gives the
same bytes.
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
    from inputs import assess_body

    client = create_app({"TESTING": True, "SECRET_KEY": "bench"}).test_client()
    answer = client.post("/api/v1/assess", json=NEONATAL)
    figures = {
        "neonatal_answer_bytes": len(answer.data),
        "compact_answer_bytes_20_terms": len(client.post("/api/v1/assess", json=assess_body(20)).data),
        "full_answer_bytes": len(client.post("/api/v1/assess?detail=full", json=assess_body(0)).data),
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
