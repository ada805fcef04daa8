"""An /assess-style body, whatever its shape: findings, onset and family history (rules/core/inputs.py
reads each), or a phenopacket in their place (rules/interop/ reads it). The one entry point of the
JSON API, the shareable result link and the checklist form, so each accepts and rejects the same
things with the same error codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .core.errors import InputError
from .core.hpo import HpoIndex
from .core.inputs import BODY_FIELDS
from .core.inputs import Parsed
from .core.inputs import parse_family_history
from .core.inputs import parse_findings
from .core.inputs import parse_onset
from .core.model import Answers
from .core.model import KnowledgeBase
from .interop import import_phenopacket


def parse_request(body: Mapping[str, Any], kb: KnowledgeBase, hpo: HpoIndex) -> Parsed:
    """Parse an /assess-style body: findings, onset, family_history; or a phenopacket."""
    if not isinstance(body, Mapping):
        raise InputError("invalid_body", "the body must be a JSON object")
    if "phenopacket" in body:
        return parse_phenopacket_request(body, kb, hpo)
    if not body.keys() <= BODY_FIELDS:
        unknown_keys = sorted(body.keys() - BODY_FIELDS)
        raise InputError("invalid_body", "unknown field(s): %(fields)s", fields=", ".join(unknown_keys))
    states, recognized, unmapped, others = parse_findings(body.get("findings", {}), kb, hpo)
    answers = Answers(
        findings=states,
        onset=parse_onset(body.get("onset"), kb),
        family_history=parse_family_history(body.get("family_history"), kb),
    )
    return Parsed(answers, recognized, unmapped, others)


def parse_phenopacket_request(body: Mapping[str, Any], kb: KnowledgeBase, hpo: HpoIndex) -> Parsed:
    """An /assess body with `phenopacket` in place of findings and onset (family_history allowed)."""
    extra = sorted(set(body) - {"phenopacket", "family_history"})
    if extra:
        raise InputError(
            "invalid_body",
            "with a phenopacket, send only family_history beside it, not: %(fields)s",
            fields=", ".join(extra),
        )
    imported = import_phenopacket(body["phenopacket"], kb, hpo)
    answers = imported.parsed.answers
    family_history = parse_family_history(body.get("family_history"), kb)
    return Parsed(
        Answers(answers.findings, answers.onset, family_history),
        imported.parsed.recognized,
        imported.parsed.unmapped,
        imported.parsed.other_terms,
    )
