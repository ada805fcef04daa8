"""Turn loose input (slugs or HPO ids, words or HPO onset ids) into engine Answers.

Shared by the JSON API, the shareable result link and the phenopacket importer, so that every
entry point accepts and rejects the same things with the same error codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .hpo import HPO_ID
from .hpo import HpoIndex
from .model import STATES
from .model import Answers
from .model import KnowledgeBase
from .model import State

# "unknown" is the contract's word; "not_assessed" is accepted as its plain synonym.
STATE_SYNONYMS = {"not_assessed": "unknown", "not assessed": "unknown"}
# When two inputs set one finding, present wins over absent, absent over unknown.
_RANK = {"unknown": 0, "absent": 1, "present": 2}


class InputError(ValueError):
    """Input the engine cannot take; `code` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Recognized:
    """An input item and the finding it counted as."""

    input: str
    finding: str
    state: State


@dataclass(frozen=True, slots=True)
class Unmapped:
    """An HPO id that maps to no finding (reported, not rejected)."""

    input: str
    name: str | None
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Parsed:
    """Answers plus what each input became."""

    answers: Answers
    recognized: tuple[Recognized, ...] = ()
    unmapped: tuple[Unmapped, ...] = field(default=())


def parse_state(value: Any, item: str) -> State:
    """A finding state from its word; InputError for anything else."""
    if not isinstance(value, str):
        raise InputError("invalid_state", f"state of {item!r} must be a string: present, absent or unknown")
    word = STATE_SYNONYMS.get(value.strip().lower(), value.strip().lower())
    if word not in STATES:
        raise InputError("invalid_state", f"invalid state {value!r} for {item!r}: use present, absent or unknown")
    return word  # type: ignore[return-value]


def parse_onset(value: Any, kb: KnowledgeBase) -> str:
    """An onset slug from its word or an HPO onset id."""
    if value is None or value == "":
        return "unknown"
    if not isinstance(value, str):
        raise InputError("invalid_onset", "onset must be a string")
    word = value.strip()
    if word.lower() in kb.onsets:
        return word.lower()
    for onset in kb.onsets.values():
        if word.upper() in onset.hpo:
            return onset.slug
    allowed = ", ".join(kb.onsets)
    raise InputError("invalid_onset", f"invalid onset {value!r}: use one of {allowed} or an HPO onset id")


def parse_family_history(value: Any, kb: KnowledgeBase) -> str:
    """A family-history slug."""
    if value is None or value == "":
        return "unknown"
    if not isinstance(value, str) or value.strip().lower() not in kb.family_histories:
        allowed = ", ".join(kb.family_histories)
        raise InputError("invalid_family_history", f"invalid family history {value!r}: use one of {allowed}")
    return value.strip().lower()


def parse_findings(raw: Mapping[str, Any] | Iterable[Any], kb: KnowledgeBase, hpo: HpoIndex,
                   ) -> tuple[dict[str, State], tuple[Recognized, ...], tuple[Unmapped, ...]]:
    """Map {slug or HPO id: state} (or a list meaning all present) to finding states."""
    if isinstance(raw, Mapping):
        items = list(raw.items())
    elif isinstance(raw, (list, tuple)):
        items = [(item, "present") for item in raw]
    else:
        raise InputError("invalid_findings", "findings must be an object {id: state} or a list of ids")
    states: dict[str, State] = {}
    recognized: list[Recognized] = []
    unmapped: list[Unmapped] = []
    for key, value in items:
        if not isinstance(key, str):
            raise InputError("invalid_findings", f"finding ids must be strings, got {key!r}")
        item = key.strip()
        state = parse_state(value, item)
        if item in kb.findings:
            slugs: tuple[str, ...] = (item,)
        elif item.upper().startswith("HP:") or item[:1].isdigit():
            term = item.upper()
            if not HPO_ID.match(term):
                raise InputError("invalid_hpo_id", f"malformed HPO id {item!r}: expected HP: and seven digits")
            slugs = hpo.findings_for(term)
            if not slugs:
                unmapped.append(Unmapped(term, hpo.name(term), hpo.related_to(term)))
                continue
        else:
            raise InputError("unknown_finding", f"unknown finding {item!r}: not a slug of /api/v1/findings "
                                                "nor an HPO id")
        for slug in slugs:
            recognized.append(Recognized(item, slug, state))
            if _RANK[state] >= _RANK[states.get(slug, "unknown")]:
                states[slug] = state
    return states, tuple(recognized), tuple(unmapped)


def parse_request(body: Mapping[str, Any], kb: KnowledgeBase, hpo: HpoIndex) -> Parsed:
    """Parse an /assess-style body: findings, onset, family_history."""
    if not isinstance(body, Mapping):
        raise InputError("invalid_body", "the body must be a JSON object")
    unknown_keys = sorted(set(body) - {"findings", "onset", "family_history"})
    if unknown_keys:
        raise InputError("invalid_body", f"unknown field(s): {', '.join(unknown_keys)}")
    states, recognized, unmapped = parse_findings(body.get("findings", {}), kb, hpo)
    answers = Answers(
        findings=states,
        onset=parse_onset(body.get("onset"), kb),
        family_history=parse_family_history(body.get("family_history"), kb),
    )
    return Parsed(answers, recognized, unmapped)
