"""The inputs the server benchmarks send: a typical neonatal checklist, and typed HPO terms beside it.

The checklist picture is what a neonatologist ticks for a baby with malignant infantile
osteopetrosis: low calcium, an enlarged liver and spleen, anemia, low platelets, poor vision and
dense bone on imaging, onset neonatal. The typed terms are real HPO terms of the app's ontology
subset (rules/data/differential_hpo.json) that no checklist finding stands for, so each one reaches
the ranking as a term of its own (the answer's `other_terms`); all are annotated to at least one
osteopetrosis entry, the first five to the most. The list is fixed, so every run sends the same
bodies.
"""

from __future__ import annotations

import json

CHECKLIST_FINDINGS = (
    "hypocalcemia",
    "hepatosplenomegaly",
    "anemia",
    "thrombocytopenia",
    "visual_impairment",
    "dense_bone",
)
ONSET = "neonatal"

TYPED_TERMS = (
    "HP:0000256",  # Macrocephaly
    "HP:0001978",  # Extramedullary hematopoiesis
    "HP:0004322",  # Short stature
    "HP:0001510",  # Growth delay
    "HP:0000520",  # Proptosis
    "HP:0002684",  # Thickened calvaria
    "HP:0004437",  # Cranial hyperostosis
    "HP:0000347",  # Micrognathia
    "HP:0005528",  # Bone marrow hypocellularity
    "HP:0001363",  # Craniosynostosis
    "HP:0003015",  # Flared metaphysis
    "HP:0004618",  # Sandwich appearance of vertebral bodies
    "HP:0030328",  # Decreased osteoclast count
    "HP:0001290",  # Generalized hypotonia
    "HP:0001974",  # Leukocytosis
    "HP:0002119",  # Ventriculomegaly
    "HP:0000967",  # Petechiae
    "HP:0004975",  # Erlenmeyer flask deformity of the femurs
    "HP:0003148",  # Elevated serum acid phosphatase
    "HP:0000843",  # Hyperparathyroidism
)

# The older, mixed bench body (a typed term, an excluded finding, an unknown one, a family history): the
# in-process opcode counts and the felt-speed figures keep it, so their figures stay comparable over time.
BENCH_BODY: dict[str, object] = {
    "findings": {
        "hypocalcemia": "present",
        "hepatosplenomegaly": "present",
        "anemia": "present",
        "HP:0031846": "present",
        "fractures": "absent",
        "cranial_nerve_compression": "unknown",
    },
    "onset": "neonatal",
    "family_history": "unaffected_parents",
}

# figure suffix -> how many typed terms go with the checklist
TERM_COUNTS = {"checklist": 0, "5_terms": 5, "20_terms": 20}


def assess_body(terms: int = 0) -> dict[str, object]:
    """The POST /api/v1/assess body: the neonatal checklist plus the first `terms` typed terms, present."""
    findings = {slug: "present" for slug in CHECKLIST_FINDINGS}
    findings |= {term: "present" for term in TYPED_TERMS[:terms]}
    return {"findings": findings, "onset": ONSET}


def assess_json(terms: int = 0) -> bytes:
    """The same body, encoded as a client sends it."""
    return json.dumps(assess_body(terms)).encode()
