"""Checklist answers out: a GA4GH Phenopacket v2 and a plain HPO list (CSV).

A Phenopacket v2 with one phenotypic feature per finding marked present or absent (absent
ones `excluded`), typed by the finding's own HPO term; the onset class goes on every present
feature as `onset.ontologyClass` (v2 has no subject-level onset, and an excluded feature has no
onset), so a checklist with nothing present carries no onset. The subject is a random id, the
disclaimer sits in `metaData.externalReferences[0].description`.
"""

import csv
import io
import uuid
from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from typing import Any

from rules.core.hpo import HpoIndex
from rules.core.inputs import OtherTerm
from rules.core.model import Answers
from rules.core.model import KnowledgeBase

SCHEMA_VERSION = "2.0"


def export_phenopacket(
    answers: Answers,
    kb: KnowledgeBase,
    hpo: HpoIndex,
    *,
    disclaimer: str,
    packet_id: str | None = None,
    created: datetime | None = None,
    other_terms: Iterable[OtherTerm] = (),
) -> dict[str, Any]:
    """A GA4GH Phenopacket v2 (as JSON-ready dicts) of the checklist, de-identified; the other HPO
    terms entered (not checklist findings) follow the findings, as entered."""
    onset = kb.onsets[answers.onset]
    onset_class = _ontology_class(onset.hpo[0], hpo) if onset.hpo else None
    features: list[dict[str, Any]] = []
    for state in ("present", "absent"):
        for slug, finding in kb.findings.items():
            if answers.state(slug) != state:
                continue
            feature: dict[str, Any] = {"type": _ontology_class(finding.hpo, hpo)}
            if state == "absent":
                feature["excluded"] = True
            elif onset_class:
                feature["onset"] = {"ontologyClass": onset_class}
            features.append(feature)
        for term in other_terms:
            if term.state == state:
                feature = {"type": _ontology_class(term.id, hpo)}
                if state == "absent":
                    feature["excluded"] = True
                elif onset_class:
                    feature["onset"] = {"ontologyClass": onset_class}
                features.append(feature)
    when = (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": packet_id or f"miop-checklist-{uuid.uuid4().hex}",
        "subject": {"id": f"anonymous-{uuid.uuid4().hex[:12]}"},
        "phenotypicFeatures": features,
        "metaData": {
            "created": when,
            "createdBy": f"MIOP Checklist, knowledge version {kb.version}",
            "resources": [
                {
                    "id": "hp",
                    "name": "human phenotype ontology",
                    "url": "http://purl.obolibrary.org/obo/hp.owl",
                    "version": hpo.release,
                    "namespacePrefix": "HP",
                    "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
                }
            ],
            "phenopacketSchemaVersion": SCHEMA_VERSION,
            "externalReferences": [
                {
                    "id": "miop-checklist:disclaimer",
                    "description": f"{disclaimer} Exported from an educational checklist; it names no person.",
                }
            ],
        },
    }


def hpo_csv(
    answers: Answers, kb: KnowledgeBase, hpo: HpoIndex, *, disclaimer: str, other_terms: Iterable[OtherTerm] = ()
) -> str:
    """The checklist's HPO terms and onset as CSV (hpo_id, hpo_label, status, checklist_item), after a
    '#' line with the disclaimer; other HPO terms entered have "Other term entered" as their item."""
    out = io.StringIO()
    out.write(f"# {disclaimer}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["hpo_id", "hpo_label", "status", "checklist_item"])
    writer.writerows(_request_rows(answers, kb, hpo, other_terms))
    return out.getvalue()


def lab_request_lines(
    answers: Answers, kb: KnowledgeBase, hpo: HpoIndex, other_terms: Iterable[OtherTerm] = ()
) -> tuple[str, ...]:
    """The lab-request list of the result page, the same terms as hpo_csv: "HP:… label" for each term
    present, "NOT HP:… label" for each excluded, then the onset's term; every label HPO's own."""
    lines = []
    for term, label, status, item in _request_rows(answers, kb, hpo, other_terms):
        line = f"{'NOT ' if status == 'excluded' else ''}{term} {label}"
        lines.append(f"{line} ({item.lower()})" if item == ONSET_ITEM else line)
    return tuple(lines)


ONSET_ITEM = "Age at onset"


def _request_rows(
    answers: Answers, kb: KnowledgeBase, hpo: HpoIndex, other_terms: Iterable[OtherTerm]
) -> list[tuple[str, str, str, str]]:
    """(HPO id, HPO label, present or excluded, checklist item) of every finding and other term
    present, then excluded, then the onset (request forms ask for the onset as an HPO term too)."""
    rows = []
    others = tuple(other_terms)
    for state, word in (("present", "present"), ("absent", "excluded")):
        for slug, finding in kb.findings.items():
            if answers.state(slug) == state:
                rows.append((finding.hpo, hpo.name(finding.hpo) or finding.label, word, finding.label))
        for term in others:
            if term.state == state:
                rows.append((term.id, hpo.name(term.id) or term.label, word, "Other term entered"))
    onset = kb.onsets[answers.onset]
    if onset.hpo:
        rows.append((onset.hpo[0], hpo.name(onset.hpo[0]) or onset.label, "present", ONSET_ITEM))
    return rows


def _ontology_class(term: str, hpo: HpoIndex) -> dict[str, str]:
    return {"id": term, "label": hpo.name(term) or term}
