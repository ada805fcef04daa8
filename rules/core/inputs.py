"""Turn loose input (slugs or HPO ids, words or HPO onset ids) into engine Answers.

Shared by the JSON API, the shareable result link and the phenopacket importer, so that every
entry point accepts and rejects the same things with the same error codes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import NamedTuple
from typing import cast

from .errors import InputError
from .hpo import HPO_ID
from .hpo import HpoIndex
from .model import STATES
from .model import Answers
from .model import KnowledgeBase
from .model import State

BODY_FIELDS = frozenset({"findings", "onset", "family_history"})  # of an /assess body (or a phenopacket)
# "unknown" is the contract's word; "not_assessed" is accepted as its plain synonym.
STATE_SYNONYMS = {"not_assessed": "unknown", "not assessed": "unknown"}


class Recognized(NamedTuple):
    """An input item and the finding it counted as (a named tuple: one is built per input item)."""

    input: str
    finding: str
    state: State


# Recognized((input, finding, state)) without the named tuple's Python-level __new__: one is made per
# input item of every request.
_recognized = functools.partial(tuple.__new__, Recognized)


@dataclass(frozen=True, slots=True)
class Unmapped:
    """An HPO id that maps to no finding (reported, not rejected)."""

    input: str
    name: str | None
    related: tuple[str, ...] = ()
    state: State = "present"  # as entered (the differential scores excluded terms too)


class OtherTerm(NamedTuple):
    """An HPO term entered that is not a checklist finding's own term, kept as entered
    (docs/decisions/0009-nothing-lost-on-the-way-in-or-out.md): shown as "other terms entered", and in
    the lab-request list, the shareable link and exports."""

    id: str
    label: str
    state: State  # present or absent (excluded)


class Parsed(NamedTuple):
    """Answers plus what each input became (a named tuple: one is built per request)."""

    answers: Answers
    recognized: tuple[Recognized, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()
    other_terms: tuple[OtherTerm, ...] = ()


def whole_number(value: Any) -> int | None:
    """A JSON whole number as an int (JSON has one number type, so 80.0 is 80); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def parse_state(value: Any, item: str) -> State:
    """A finding state from its word; InputError for anything else."""
    if value in STATES:
        return cast(State, value)
    if not isinstance(value, str):
        raise InputError(
            "invalid_state", "state of %(item)s must be a string: present, absent or unknown", item=repr(item)
        )
    word = STATE_SYNONYMS.get(value.strip().lower(), value.strip().lower())
    if word not in STATES:
        raise InputError(
            "invalid_state",
            "invalid state %(value)s for %(item)s: use present, absent or unknown",
            value=repr(value),
            item=repr(item),
        )
    return word


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
    raise InputError(
        "invalid_onset",
        "invalid onset %(value)s: use one of %(allowed)s or an HPO onset id",
        value=repr(value),
        allowed=allowed,
    )


def parse_family_history(value: Any, kb: KnowledgeBase) -> str:
    """A family-history slug."""
    if value is None or value == "":
        return "unknown"
    if not isinstance(value, str) or value.strip().lower() not in kb.family_histories:
        allowed = ", ".join(kb.family_histories)
        raise InputError(
            "invalid_family_history",
            "invalid family history %(value)s: use one of %(allowed)s",
            value=repr(value),
            allowed=allowed,
        )
    return value.strip().lower()


@functools.cache
def _own_terms(kb: KnowledgeBase) -> tuple[dict[str, str], dict[str, int]]:
    """Each finding's own HPO term -> its slug, and each slug's place in the checklist."""
    return {f.hpo: slug for slug, f in kb.findings.items()}, {slug: i for i, slug in enumerate(kb.findings)}


Resolved = tuple[dict[str, State], tuple[Recognized, ...], tuple[Unmapped, ...], tuple[OtherTerm, ...]]


def resolve_statements(
    statements: Iterable[tuple[str, State, str | None]],
    kb: KnowledgeBase,
    hpo: HpoIndex,
) -> Resolved:
    """Turn (slug or HPO id, state, label) statements into finding states.

    A slug, or a finding's own HPO term, speaks for that finding directly. Any other term that
    counts as a finding (an anchor or a descendant) sets it present only when nothing speaks for
    it directly. An excluded term rules out every finding whose own term is at or below it in HPO
    (HPO's NOT applies to every descendant: no abnormal calcium concentration means no low
    calcium), when nothing else speaks for that finding; no femur fracture does not mean no
    fractures, so such a term is reported as unmapped with the findings it relates to. A term
    that contradicts the premise (reduced bone density) sets the premise finding absent when
    nothing else speaks for it. Where direct statements clash, present wins. Every HPO term that
    is not a finding's own term is also kept as an other term, as entered.
    """
    own, position = _own_terms(kb)
    direct: dict[str, State] = {}
    inferred: dict[str, list[str]] = {}
    ruled_out: dict[str, list[str]] = {}
    recognized: list[tuple[str, str, State]] = []
    unmapped: dict[str, Unmapped] = {}
    kept: dict[str, OtherTerm] = {}
    findings = kb.findings
    premise = kb.premise.finding if kb.premise else None
    for item, state, label in statements:
        term: str
        slug: str | None
        slugs: tuple[str, ...]
        if item in findings:  # a slug speaks for its finding and for nothing else
            term, slug, slugs = item, item, ()
        else:
            term = hpo.primary(item)
            slug, slugs = own.get(term), hpo.findings_for(term)
            if slug is None and state != "unknown" and getattr(kept.get(term), "state", "") != "present":
                kept[term] = OtherTerm(term, hpo.name(term) or label or "", state)
            if state == "absent":
                below = [s for s in hpo.excluded_below(term) if s != slug]
                for ruled in below:
                    ruled_out.setdefault(ruled, []).append(item)
                if slug is None and below:
                    continue
            if slug is None and state == "present" and premise and hpo.contradicts_premise(term):
                ruled_out.setdefault(premise, []).append(item)
                continue
        if slug is not None:
            if state != "unknown" and (state == "present" or direct.get(slug) != "present"):
                direct[slug] = state
            recognized.append((item, slug, state))
            if not slugs:
                continue  # it speaks for its own finding only
        others = [found for found in slugs if found != slug] if slugs else ()
        if state == "present" and others:
            for found in others:
                inferred.setdefault(found, []).append(item)
        elif slug is None and (state != "unknown" or not slugs):
            unmapped.setdefault(term, Unmapped(term, hpo.name(term) or label, slugs + hpo.related_to(term), state))
    states: dict[str, State] = dict(direct)
    for slug, items in inferred.items():
        # Reported either way, so a reader sees every input; a direct statement still decides.
        recognized.extend([(i, slug, "present") for i in items])
        if slug not in direct:
            states[slug] = "present"
    for slug, items in ruled_out.items():
        recognized.extend([(i, slug, "absent") for i in items])
        states.setdefault(slug, "absent")  # a direct statement or a present term still decides
    slugs_in_order = sorted(states, key=position.__getitem__)  # checklist order
    ordered = dict(zip(slugs_in_order, map(states.__getitem__, slugs_in_order), strict=True))
    return (ordered, tuple(map(_recognized, dict.fromkeys(recognized))), tuple(unmapped.values()), tuple(kept.values()))


def parse_findings(raw: Mapping[str, Any] | Iterable[Any], kb: KnowledgeBase, hpo: HpoIndex) -> Resolved:
    """Map {slug or HPO id: state} (or a list meaning all present) to finding states."""
    if isinstance(raw, Mapping):
        items = list(raw.items())
    elif isinstance(raw, (list, tuple)):
        items = [(item, "present") for item in raw]
    else:
        raise InputError("invalid_findings", "findings must be an object {id: state} or a list of ids")
    statements: list[tuple[str, State, str | None]] = []
    findings = kb.findings
    for key, value in items:
        if type(key) is str and key in findings and value in STATES:  # the usual: a slug and a state word
            statements.append((key, value, None))
            continue
        if not isinstance(key, str):
            raise InputError("invalid_findings", "finding ids must be strings, got %(key)s", key=repr(key))
        item = key.strip()
        state = parse_state(value, item)
        if item not in findings:
            if not (item.upper().startswith("HP:") or item[:1].isdigit()):
                raise InputError(
                    "unknown_finding",
                    "unknown finding %(item)s: not a checklist finding (see /api/v1/findings) nor an HPO id",
                    item=repr(item),
                )
            item = item.upper()
            if not HPO_ID.match(item):
                raise InputError(
                    "invalid_hpo_id", "malformed HPO id %(key)s: expected HP: and seven digits", key=repr(key)
                )
        statements.append((item, state, None))
    return resolve_statements(statements, kb, hpo)
