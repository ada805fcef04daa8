"""Checklist answers in: a phenopacket (v2; v1 `negated`/`classOfOnset`/`ageOfOnset` too), checked
structurally the way the schema would check it (rules/interop/structure.py), or a list of HPO ids one per
line. Any failure is an InputError."""

import csv
import json
import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.core.errors import InputError
from rules.core.hpo import HPO_ID
from rules.core.hpo import HpoIndex
from rules.core.inputs import Parsed
from rules.core.inputs import parse_onset
from rules.core.inputs import resolve_statements
from rules.core.model import Answers
from rules.core.model import KnowledgeBase
from rules.core.model import State

from .structure import DURATION
from .structure import FEATURE_KEYS
from .structure import TOP_KEYS
from .structure import age
from .structure import age_range
from .structure import as_list
from .structure import as_object
from .structure import as_ontology
from .structure import as_string
from .structure import check_keys
from .structure import check_meta
from .structure import check_subject
from .structure import fail
from .structure import schema_version
from .structure import time_element

# Text that is not text: C0 controls other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Upper bounds in days of each onset class, from the HPO definitions of Neonatal onset
# (first 28 days), Infantile onset (to one year), Childhood onset (1 to 5 years) and Juvenile
# onset (5 to 15 years); anything later is Adult onset (16 years or later).
_ONSET_DAYS = (("neonatal", 28), ("infancy", 365), ("childhood", 5 * 365.25), ("adolescence", 16 * 365.25))


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import became: the parsed answers, what the input was read as (a phrase for display,
    e.g. "an HPO term list"), notes for the reader, and the term or age the onset came from."""

    parsed: Parsed
    kind: str
    notes: tuple[str, ...] = ()
    onset_from: str = ""


def import_bytes(data: bytes, kb: KnowledgeBase, hpo: HpoIndex) -> Imported:
    """Import an uploaded file: UTF-8 text holding a phenopacket or an HPO list."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "not_text", "The file is not UTF-8 text: upload a phenopacket (.json) or an HPO list (.txt)."
        ) from None
    return import_text(text, kb, hpo)


def import_text(text: str, kb: KnowledgeBase, hpo: HpoIndex) -> Imported:
    """Import pasted or uploaded text: a phenopacket if it starts with '{', else an HPO list."""
    text = text.lstrip("\ufeff")
    if _CONTROL.search(text):
        raise InputError(
            "not_text",
            "The input contains control characters (is it a binary file?): "
            "give a phenopacket (JSON) or an HPO list as plain text.",
        )
    if not text.strip():
        raise InputError("empty_import", "Nothing to import: give a phenopacket or HPO ids, one per line.")
    if text.lstrip().startswith(("{", "[")):
        try:
            packet = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(
                "invalid_json",
                "The phenopacket is not valid JSON (line %(line)s, column %(column)s): %(problem)s.",
                line=err.lineno,
                column=err.colno,
                problem=err.msg,
            ) from None
        except (ValueError, RecursionError):  # numbers too long to convert, nesting too deep
            raise InputError("invalid_json", "The phenopacket is not JSON this app can read.") from None
        return import_phenopacket(packet, kb, hpo)
    return import_hpo_list(text, kb, hpo)


def import_phenopacket(packet: Any, kb: KnowledgeBase, hpo: HpoIndex) -> Imported:
    """Read a phenopacket (v2 or v1) already parsed from JSON into the checklist's answers."""
    packet = as_object(packet, "phenopacket")
    if packet.get("phenotypicFeatures") is None and packet.get("metaData") is None:
        raise InputError(
            "invalid_phenopacket", "This JSON is not a phenopacket: it has neither phenotypicFeatures nor metaData."
        )
    check_keys(packet, TOP_KEYS, "phenopacket")
    as_string(packet.get("id"), "id")
    meta = check_meta(packet.get("metaData"))
    check_subject(packet.get("subject"))
    for key in sorted(TOP_KEYS - {"id", "subject", "phenotypicFeatures", "metaData"}):
        for i, item in enumerate(as_list(packet.get(key), key)):
            as_object(item, f"{key}[{i}]")
    features = [
        as_object(f, f"phenotypicFeatures[{i}]")
        for i, f in enumerate(as_list(packet.get("phenotypicFeatures"), "phenotypicFeatures"))
    ]
    version = schema_version(meta, features)
    statements: list[tuple[str, State, str | None]] = []
    onsets: list[tuple[str, str]] = []
    notes: list[str] = []
    for i, feature in enumerate(features):
        where = f"phenotypicFeatures[{i}]"
        check_keys(feature, FEATURE_KEYS[version], where)
        if feature.get("type") is None:
            raise fail("%(where)s has no type (an ontology class such as an HPO term).", where)
        term_id, label = as_ontology(feature["type"], f"{where}.type")
        as_string(feature.get("description"), f"{where}.description")
        flag = "excluded" if version == 2 else "negated"
        excluded = feature.get(flag)
        if excluded is not None and not isinstance(excluded, bool):
            raise InputError("invalid_phenopacket", "%(where)s must be true or false.", where=f"{where}.{flag}")
        if feature.get("severity") is not None:
            as_ontology(feature["severity"], f"{where}.severity")
        for j, modifier in enumerate(as_list(feature.get("modifiers"), f"{where}.modifiers")):
            as_ontology(modifier, f"{where}.modifiers[{j}]")
        for j, evidence in enumerate(as_list(feature.get("evidence"), f"{where}.evidence")):
            as_object(evidence, f"{where}.evidence[{j}]")
        state: State = "absent" if excluded else "present"
        statements.append((term_id, state, label))
        # An excluded feature's onset is checked but says nothing about the patient's onset.
        onset = _feature_onset(feature, version, where, kb, hpo, notes if state == "present" else [])
        if onset and state == "present":
            onsets.append(onset)
    # A disease's onset is the patient's onset too: real records carry it there
    # (docs/decisions/0009-nothing-lost-on-the-way-in-or-out.md).
    for i, disease in enumerate(as_list(packet.get("diseases"), "diseases")):
        disease = as_object(disease, f"diseases[{i}]")
        if disease.get("excluded") is True or disease.get("negated") is True:
            continue
        try:
            onset = _feature_onset(disease, version, f"diseases[{i}]", kb, hpo, notes)
        except InputError:  # the schema leaves a disease's onset loose; one we cannot read is skipped
            notes.append(f"The onset of diseases[{i}] could not be read; it was not used.")
            continue
        if onset:
            onsets.append(onset)
    kind = f"a GA4GH phenopacket (schema v{version})"
    return _resolve(statements, onsets, kind, notes, kb, hpo, _last_encounter(packet.get("subject"), kb, hpo))


def _last_encounter(subject: Any, kb: KnowledgeBase, hpo: HpoIndex) -> tuple[str, str] | None:
    """The onset class of the subject's age at the last encounter, an upper bound on the onset."""
    if not isinstance(subject, Mapping) or subject.get("timeAtLastEncounter") is None:
        return None
    try:
        kind, value = time_element(subject["timeAtLastEncounter"], "subject.timeAtLastEncounter")
    except InputError:  # not an age this app can read: no bound
        return None
    ignored: list[str] = []
    if kind == "term":
        return _onset_term(value, kb, hpo, ignored)
    return _onset_age(value, ignored) if kind == "age" else None


def import_hpo_list(text: str, kb: KnowledgeBase, hpo: HpoIndex) -> Imported:
    """Read HPO ids one per line ('HP:0001234', 'HP:0001234 Label', 'NOT HP:…', '#' comments, or
    the CSV this module exports) into the checklist's answers."""
    statements: list[tuple[str, State, str | None]] = []
    seen_line = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        first_line, seen_line = not seen_line, True
        state: State = "present"
        negation = re.match(r"^(?:NOT|EXCLUDED)\b\s*:?\s*|^[-!]\s*", line, re.IGNORECASE)
        if negation:
            state, line = "absent", line[negation.end() :]
        token = re.split(r"[\s,;]+", line, maxsplit=1)[0]
        if first_line and token.lower() in ("hpo_id", "id", "term", "hpo"):
            continue  # a CSV header
        fields = next(csv.reader([line]), []) if "," in line else []
        if len(fields) >= 3 and fields[2].strip().lower() in ("excluded", "absent"):
            state = "absent"  # the status column of this module's CSV
        term = token.upper().replace("_", ":", 1)
        if not HPO_ID.match(term):
            shown = token[:40]
            raise InputError(
                "invalid_hpo_id",
                "Line %(line)s: %(text)s is not an HPO id; write one id per line as HP: and seven digits.",
                line=lineno,
                text=repr(shown),
            )
        statements.append((term, state, None))
    if not statements:
        raise InputError("empty_import", "Nothing to import: the list has no HPO id (only blank lines or comments).")
    return _resolve(statements, [], "an HPO term list", [], kb, hpo)


# ------------------------------------------------------------------------------ mapping to findings


def _resolve(
    statements: Iterable[tuple[str, State, str | None]],
    onsets: list[tuple[str, str]],
    kind: str,
    notes: list[str],
    kb: KnowledgeBase,
    hpo: HpoIndex,
    bound: tuple[str, str] | None = None,
) -> Imported:
    """Turn (term, state, label) statements into finding states (rules.core.inputs.resolve_statements);
    onset terms given as features set the onset, never later than `bound` (the age at the last
    encounter): an onset after it is brought back to it, and with no onset an encounter at birth
    or in infancy gives that class (the rules read neonatal and infant onset alike, except low
    calcium at birth, which needs the neonatal class stated)."""
    onset_terms = {t for o in kb.onsets.values() for t in o.hpo}
    rest: list[tuple[str, State, str | None]] = []
    for term, state, label in statements:
        term = hpo.primary(term) if term.startswith("HP:") else term
        if term in onset_terms and state == "present":
            onsets.append((parse_onset(term, kb), term))
        else:
            rest.append((term, state, label))
    ordered, recognized, unmapped, others = resolve_statements(rest, kb, hpo)
    onset, onset_from = _earliest_onset(onsets, kb, hpo, notes)
    if bound is not None:
        order = list(kb.onsets)
        limit, seen = bound
        if onset != "unknown" and order.index(onset) > order.index(limit):
            notes.append(
                f"The onset given ({kb.onsets[onset].label}) is later than the age at the last "
                f"encounter ({seen}); the onset was set to {kb.onsets[limit].label}."
            )
            onset, onset_from = limit, f"{seen} (age at the last encounter)"
        elif onset == "unknown" and limit in ("neonatal", "infancy"):
            notes.append(
                f"No onset was given; the age at the last encounter ({seen}) means it was no "
                f"later than {kb.onsets[limit].label}."
            )
            onset, onset_from = limit, f"{seen} (age at the last encounter)"
    parsed = Parsed(Answers(ordered, onset), recognized, unmapped, others)
    return Imported(parsed, kind, tuple(notes), onset_from)


def _earliest_onset(
    onsets: list[tuple[str, str]], kb: KnowledgeBase, hpo: HpoIndex, notes: list[str]
) -> tuple[str, str]:
    if not onsets:
        return "unknown", ""
    order = list(kb.onsets)
    slug, source = min(onsets, key=lambda o: order.index(o[0]))
    distinct = sorted({o[0] for o in onsets}, key=order.index)
    if len(distinct) > 1:
        labels = ", ".join(kb.onsets[s].label for s in distinct)
        notes.append(f"Several onsets were given ({labels}); the earliest was used.")
    name = hpo.name(source) if source.startswith("HP:") else None
    return slug, f"{source} {name}" if name else source


def _feature_onset(
    feature: Mapping[str, Any], version: int, where: str, kb: KnowledgeBase, hpo: HpoIndex, notes: list[str]
) -> tuple[str, str] | None:
    """The onset slug a feature gives, with what it was read from; None when it gives none we can use."""
    if version == 2:
        if feature.get("resolution") is not None:
            time_element(feature["resolution"], f"{where}.resolution")
        if feature.get("onset") is None:
            return None
        kind, value = time_element(feature["onset"], f"{where}.onset")
    else:
        # Every v1 onset field given is checked; the first of them is read.
        given: list[tuple[str, str]] = []
        if feature.get("classOfOnset") is not None:
            given.append(("term", as_ontology(feature["classOfOnset"], f"{where}.classOfOnset")[0]))
        if feature.get("ageOfOnset") is not None:
            given.append(("age", age(feature["ageOfOnset"], f"{where}.ageOfOnset", "age")))
        if feature.get("ageRangeOfOnset") is not None:
            given.append(("age", age_range(feature["ageRangeOfOnset"], f"{where}.ageRangeOfOnset", "age")))
        if not given:
            return None
        kind, value = given[0]
    if kind == "term":
        return _onset_term(value, kb, hpo, notes)
    if kind == "age":
        return _onset_age(value, notes)
    notes.append(
        "An onset given as a gestational age, timestamp or interval cannot be read as an "
        "age class; the onset was left for you to set."
    )
    return None


def _onset_term(term: str, kb: KnowledgeBase, hpo: HpoIndex, notes: list[str]) -> tuple[str, str] | None:
    try:
        return parse_onset(term, kb), term
    except InputError:
        name = hpo.name(term.upper()) if term.upper().startswith("HP:") else None
        notes.append(
            f"The onset {term}{' ' + name if name else ''} has no equivalent among the "
            "checklist's onset classes; set the onset yourself."
        )
        return None


def _onset_age(duration: str, notes: list[str]) -> tuple[str, str] | None:
    match = DURATION.match(duration)
    if not match:
        notes.append(
            f"The onset age {duration[:40]!r} is not an ISO 8601 duration such as P3M; set the onset yourself."
        )
        return None
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    total = years * 365.25 + months * 30.44 + weeks * 7 + days
    slug = next((s for s, limit in _ONSET_DAYS if total <= limit), "adulthood")
    return slug, f"age {duration}"


# ------------------------------------------------------------------------------ structural checks
