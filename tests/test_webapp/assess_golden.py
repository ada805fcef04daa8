"""Inputs for the assess-answer golden test, and the script that stored their answers' digests.

The digests in data/assess_golden.json were written from main before the differential's fast path
(commit caa345d), of the full answer (`?detail=full`, the only answer then). They were rewritten
twice for wording only: a clue's note said "the seed adds", now "the source document adds" (20 of
the 150 answers); the cranial-nerve clue said "the eye, vision, hearing and facial signs it causes",
now "or the eye, vision, hearing and facial signs it can cause" (108 answers). Then once for a new
field: every clue of the full answer names the entered findings behind it (`findings`,
`finding_labels`; 148 answers). Each time every other byte was checked unchanged.
`python tests/test_webapp/assess_golden.py` rewrites them, which is only right when an answer is
meant to change.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "data" / "assess_golden.json"
COUNT = 150


def bodies(kb: Any, model: Any) -> list[dict[str, Any]]:
    """COUNT assess bodies drawn with a fixed seed: checklist findings by slug and by HPO id, terms
    typed in that are no checklist finding (known to the ontology subset, and unknown), onsets and
    family histories, and a few empty ones."""
    rng = random.Random(20261201)
    slugs = sorted(kb.findings)
    anchors = sorted({f.hpo for f in kb.findings.values()})
    finding_terms = {f.hpo for f in kb.findings.values()} | {a for f in kb.findings.values() for a in f.anchors}
    others = sorted(t for t in model.terms if t not in finding_terms)
    onsets, families = sorted(kb.onsets), sorted(kb.family_histories)
    out: list[dict[str, Any]] = [{"findings": {}}, {"findings": {}, "onset": "neonatal"}]
    while len(out) < COUNT:
        findings: dict[str, str] = {}
        for slug in rng.sample(slugs, rng.randint(0, len(slugs))):
            findings[slug] = rng.choice(["present", "absent", "unknown", "present"])
        for term in rng.sample(anchors, rng.randint(0, 2)):
            if term not in findings:
                findings[term] = rng.choice(["present", "absent"])
        for term in rng.sample(others, rng.randint(0, 3)):
            findings[term] = rng.choice(["present", "absent", "present"])
        body: dict[str, Any] = {"findings": findings}
        if rng.random() < 0.7:
            body["onset"] = rng.choice(onsets)
        if rng.random() < 0.7:
            body["family_history"] = rng.choice(families)
        out.append(body)
    return out


def digests(client: Any, kb: Any, model: Any) -> list[str]:
    """The sha256 of each body's whole answer (status and bytes)."""
    found = []
    for body in bodies(kb, model):
        resp = client.post("/api/v1/assess?detail=full", json=body)
        found.append(f"{resp.status_code}:{hashlib.sha256(resp.data).hexdigest()}")
    return found


if __name__ == "__main__":
    from rules import load_knowledge
    from rules.differential import load_model
    from webapp import create_app

    app = create_app({"SECRET_KEY": "golden-golden-golden-golden-golden", "TESTING": True})
    kb = load_knowledge()
    GOLDEN.write_text(json.dumps(digests(app.test_client(), kb, load_model(kb)), indent=0) + "\n", encoding="utf-8")
