"""GA4GH phenopackets and plain HPO lists, both ways: checklist answers out, checklist answers in.

Pure and stdlib-only: the web app builds and reads phenopackets as plain dicts, and the official
`phenopackets` package is needed only by the tests, which parse every export with it.

Out: a Phenopacket v2 with one phenotypic feature per finding marked present or absent (absent
ones `excluded`), typed by the finding's own HPO term; the onset class goes on every present
feature as `onset.ontologyClass` (v2 has no subject-level onset, and an excluded feature has no
onset), so a checklist with nothing present carries no onset. The subject is a random id, the
disclaimer sits in `metaData.externalReferences[0].description`.

In: a phenopacket (v2; v1 `negated`/`classOfOnset`/`ageOfOnset` too), checked structurally the
way the schema would check it, or a list of HPO ids one per line. Any failure is an InputError.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from .hpo import HPO_ID
from .hpo import HpoIndex
from .inputs import InputError
from .inputs import OtherTerm
from .inputs import Parsed
from .inputs import parse_onset
from .inputs import resolve_statements
from .inputs import whole_number
from .model import Answers
from .model import KnowledgeBase
from .model import State

SCHEMA_VERSION = "2.0"
# A prefix, a colon and a local id of visible ASCII (what OBO ontologies use).
CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*:[!-~]+\Z")
# Text that is not text: C0 controls other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T[\d.HMS]*)?$")
# Upper bounds in days of each onset class, from the HPO definitions of Neonatal onset
# (first 28 days), Infantile onset (to one year), Childhood onset (1 to 5 years) and Juvenile
# onset (5 to 15 years); anything later is Adult onset (16 years or later).
_ONSET_DAYS = (("neonatal", 28), ("infancy", 365), ("childhood", 5 * 365.25), ("adolescence", 16 * 365.25))

# Field names of the schema (v1 and v2) as the JSON mapping writes them; protobuf also accepts
# the snake_case originals, which are normalised to these first.
_TOP_KEYS = {"id", "subject", "phenotypicFeatures", "measurements", "biosamples", "interpretations",
             "diseases", "medicalActions", "files", "metaData", "genes", "variants", "hgvsFiles",
             "htsFiles"}
_FEATURE_KEYS = {
    1: {"description", "type", "negated", "severity", "modifiers", "ageOfOnset", "ageRangeOfOnset",
        "classOfOnset", "evidence"},
    2: {"description", "type", "excluded", "severity", "modifiers", "onset", "resolution", "evidence"},
}
_SUBJECT_KEYS = {"id", "alternateIds", "dateOfBirth", "timeAtLastEncounter", "vitalStatus", "sex",
                 "karyotypicSex", "gender", "taxonomy", "ageAtCollection", "ageRangeAtCollection"}
_META_KEYS = {"created", "createdBy", "submittedBy", "resources", "updates", "phenopacketSchemaVersion",
              "externalReferences"}
_RESOURCE_KEYS = {"id", "name", "url", "version", "namespacePrefix", "iriPrefix"}
_EXTREF_KEYS = {"id", "reference", "description"}
_TIME_KEYS = {"gestationalAge", "age", "ageRange", "ontologyClass", "timestamp", "interval"}


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import became: the parsed answers, what the input was read as (a phrase for display,
    e.g. "an HPO term list"), notes for the reader, and the term or age the onset came from."""

    parsed: Parsed
    kind: str
    notes: tuple[str, ...] = ()
    onset_from: str = ""


# ---------------------------------------------------------------------------------------- export

def export_phenopacket(answers: Answers, kb: KnowledgeBase, hpo: HpoIndex, *, disclaimer: str,
                       packet_id: str | None = None, created: datetime | None = None,
                       other_terms: Iterable[OtherTerm] = ()) -> dict[str, Any]:
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
            "resources": [{
                "id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": hpo.release, "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            }],
            "phenopacketSchemaVersion": SCHEMA_VERSION,
            "externalReferences": [{
                "id": "miop-checklist:disclaimer",
                "description": f"{disclaimer} Exported from an educational checklist; it names no person.",
            }],
        },
    }


def hpo_csv(answers: Answers, kb: KnowledgeBase, hpo: HpoIndex, *, disclaimer: str,
            other_terms: Iterable[OtherTerm] = ()) -> str:
    """The checklist's HPO terms and onset as CSV (hpo_id, hpo_label, status, checklist_item), after a
    '#' line with the disclaimer; other HPO terms entered have "Other term entered" as their item."""
    out = io.StringIO()
    out.write(f"# {disclaimer}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["hpo_id", "hpo_label", "status", "checklist_item"])
    for state, word in (("present", "present"), ("absent", "excluded")):
        for slug, finding in kb.findings.items():
            if answers.state(slug) == state:
                writer.writerow([finding.hpo, hpo.name(finding.hpo) or finding.label, word, finding.label])
        for term in other_terms:
            if term.state == state:
                writer.writerow([term.id, hpo.name(term.id) or term.label, word, "Other term entered"])
    onset = kb.onsets[answers.onset]
    if onset.hpo:  # request forms ask for the onset as an HPO term too
        writer.writerow([onset.hpo[0], hpo.name(onset.hpo[0]) or onset.label, "present", "Age at onset"])
    return out.getvalue()


def _ontology_class(term: str, hpo: HpoIndex) -> dict[str, str]:
    return {"id": term, "label": hpo.name(term) or term}


# ---------------------------------------------------------------------------------------- import

def import_bytes(data: bytes, kb: KnowledgeBase, hpo: HpoIndex) -> Imported:
    """Import an uploaded file: UTF-8 text holding a phenopacket or an HPO list."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not_text", "The file is not UTF-8 text: upload a phenopacket (.json) "
                                     "or an HPO list (.txt).") from None
    return import_text(text, kb, hpo)


def import_text(text: str, kb: KnowledgeBase, hpo: HpoIndex) -> Imported:
    """Import pasted or uploaded text: a phenopacket if it starts with '{', else an HPO list."""
    text = text.lstrip("\ufeff")
    if _CONTROL.search(text):
        raise InputError("not_text", "The input contains control characters (is it a binary file?): "
                                     "give a phenopacket (JSON) or an HPO list as plain text.")
    if not text.strip():
        raise InputError("empty_import", "Nothing to import: give a phenopacket or HPO ids, one per line.")
    if text.lstrip().startswith(("{", "[")):
        try:
            packet = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError("invalid_json", f"The phenopacket is not valid JSON (line {err.lineno}, "
                                             f"column {err.colno}): {err.msg}.") from None
        except (ValueError, RecursionError):  # numbers too long to convert, nesting too deep
            raise InputError("invalid_json", "The phenopacket is not JSON this app can read.") from None
        return import_phenopacket(packet, kb, hpo)
    return import_hpo_list(text, kb, hpo)


def import_phenopacket(packet: Any, kb: KnowledgeBase, hpo: HpoIndex) -> Imported:
    """Read a phenopacket (v2 or v1) already parsed from JSON into the checklist's answers."""
    packet = _object(packet, "the phenopacket")
    if packet.get("phenotypicFeatures") is None and packet.get("metaData") is None:
        raise InputError("invalid_phenopacket", "This JSON is not a phenopacket: it has neither "
                                                "phenotypicFeatures nor metaData.")
    _check_keys(packet, _TOP_KEYS, "the phenopacket")
    _string(packet.get("id"), "id")
    meta = _check_meta(packet.get("metaData"))
    _check_subject(packet.get("subject"))
    for key in sorted(_TOP_KEYS - {"id", "subject", "phenotypicFeatures", "metaData"}):
        for i, item in enumerate(_list(packet.get(key), key)):
            _object(item, f"{key}[{i}]")
    features = [_object(f, f"phenotypicFeatures[{i}]")
                for i, f in enumerate(_list(packet.get("phenotypicFeatures"), "phenotypicFeatures"))]
    version = _schema_version(meta, features)
    statements: list[tuple[str, State, str | None]] = []
    onsets: list[tuple[str, str]] = []
    notes: list[str] = []
    for i, feature in enumerate(features):
        where = f"phenotypicFeatures[{i}]"
        _check_keys(feature, _FEATURE_KEYS[version], where)
        if feature.get("type") is None:
            raise _fail(where, "has no type (an ontology class such as an HPO term)")
        term_id, label = _ontology(feature["type"], f"{where}.type")
        _string(feature.get("description"), f"{where}.description")
        flag = "excluded" if version == 2 else "negated"
        excluded = feature.get(flag)
        if excluded is not None and not isinstance(excluded, bool):
            raise InputError("invalid_phenopacket", f"{where}.{flag} must be true or false.")
        if feature.get("severity") is not None:
            _ontology(feature["severity"], f"{where}.severity")
        for j, modifier in enumerate(_list(feature.get("modifiers"), f"{where}.modifiers")):
            _ontology(modifier, f"{where}.modifiers[{j}]")
        for j, evidence in enumerate(_list(feature.get("evidence"), f"{where}.evidence")):
            _object(evidence, f"{where}.evidence[{j}]")
        state: State = "absent" if excluded else "present"
        statements.append((term_id, state, label))
        # An excluded feature's onset is checked but says nothing about the patient's onset.
        onset = _feature_onset(feature, version, where, kb, hpo, notes if state == "present" else [])
        if onset and state == "present":
            onsets.append(onset)
    # A disease's onset is the patient's onset too (issue 14: real records carry it there).
    for i, disease in enumerate(_list(packet.get("diseases"), "diseases")):
        disease = _object(disease, f"diseases[{i}]")
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
        kind, value = _time_element(subject["timeAtLastEncounter"], "subject.timeAtLastEncounter")
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
            state, line = "absent", line[negation.end():]
        token = re.split(r"[\s,;]+", line, maxsplit=1)[0]
        if first_line and token.lower() in ("hpo_id", "id", "term", "hpo"):
            continue  # a CSV header
        fields = next(csv.reader([line]), []) if "," in line else []
        if len(fields) >= 3 and fields[2].strip().lower() in ("excluded", "absent"):
            state = "absent"  # the status column of this module's CSV
        term = token.upper().replace("_", ":", 1)
        if not HPO_ID.match(term):
            shown = token[:40]
            raise InputError("invalid_hpo_id", f"Line {lineno}: {shown!r} is not an HPO id; "
                                               "write one id per line as HP: and seven digits.")
        statements.append((term, state, None))
    if not statements:
        raise InputError("empty_import", "Nothing to import: the list has no HPO id (only blank lines "
                                         "or comments).")
    return _resolve(statements, [], "an HPO term list", [], kb, hpo)


# ------------------------------------------------------------------------------ mapping to findings

def _resolve(statements: Iterable[tuple[str, State, str | None]], onsets: list[tuple[str, str]], kind: str,
             notes: list[str], kb: KnowledgeBase, hpo: HpoIndex, bound: tuple[str, str] | None = None) -> Imported:
    """Turn (term, state, label) statements into finding states (rules.inputs.resolve_statements);
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
            notes.append(f"The onset given ({kb.onsets[onset].label}) is later than the age at the last "
                         f"encounter ({seen}); the onset was set to {kb.onsets[limit].label}.")
            onset, onset_from = limit, f"{seen} (age at the last encounter)"
        elif onset == "unknown" and limit in ("neonatal", "infancy"):
            notes.append(f"No onset was given; the age at the last encounter ({seen}) means it was no "
                         f"later than {kb.onsets[limit].label}.")
            onset, onset_from = limit, f"{seen} (age at the last encounter)"
    parsed = Parsed(Answers(ordered, onset), recognized, unmapped, others)
    return Imported(parsed, kind, tuple(notes), onset_from)


def _earliest_onset(onsets: list[tuple[str, str]], kb: KnowledgeBase, hpo: HpoIndex,
                    notes: list[str]) -> tuple[str, str]:
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


def _feature_onset(feature: Mapping[str, Any], version: int, where: str, kb: KnowledgeBase, hpo: HpoIndex,
                   notes: list[str]) -> tuple[str, str] | None:
    """The onset slug a feature gives, with what it was read from; None when it gives none we can use."""
    if version == 2:
        if feature.get("resolution") is not None:
            _time_element(feature["resolution"], f"{where}.resolution")
        if feature.get("onset") is None:
            return None
        kind, value = _time_element(feature["onset"], f"{where}.onset")
    else:
        # Every v1 onset field given is checked; the first of them is read.
        given: list[tuple[str, str]] = []
        if feature.get("classOfOnset") is not None:
            given.append(("term", _ontology(feature["classOfOnset"], f"{where}.classOfOnset")[0]))
        if feature.get("ageOfOnset") is not None:
            given.append(("age", _age(feature["ageOfOnset"], f"{where}.ageOfOnset", "age")))
        if feature.get("ageRangeOfOnset") is not None:
            given.append(("age", _age_range(feature["ageRangeOfOnset"], f"{where}.ageRangeOfOnset", "age")))
        if not given:
            return None
        kind, value = given[0]
    if kind == "term":
        return _onset_term(value, kb, hpo, notes)
    if kind == "age":
        return _onset_age(value, notes)
    notes.append("An onset given as a gestational age, timestamp or interval cannot be read as an "
                 "age class; the onset was left for you to set.")
    return None


def _onset_term(term: str, kb: KnowledgeBase, hpo: HpoIndex, notes: list[str]) -> tuple[str, str] | None:
    try:
        return parse_onset(term, kb), term
    except InputError:
        name = hpo.name(term.upper()) if term.upper().startswith("HP:") else None
        notes.append(f"The onset {term}{' ' + name if name else ''} has no equivalent among the "
                     "checklist's onset classes; set the onset yourself.")
        return None


def _onset_age(duration: str, notes: list[str]) -> tuple[str, str] | None:
    match = _DURATION.match(duration)
    if not match:
        notes.append(f"The onset age {duration[:40]!r} is not an ISO 8601 duration such as P3M; "
                     "set the onset yourself.")
        return None
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    total = years * 365.25 + months * 30.44 + weeks * 7 + days
    slug = next((s for s, limit in _ONSET_DAYS if total <= limit), "adulthood")
    return slug, f"age {duration}"


# ------------------------------------------------------------------------------ structural checks

def _fail(where: str, what: str) -> InputError:
    return InputError("invalid_phenopacket", f"{where} {what}.")


def _object(value: Any, where: str) -> dict[str, Any]:
    """A JSON object with snake_case keys renamed to the schema's camelCase.

    A field set to null is kept (so that its name is checked like any other) and means "not set", as
    in the protobuf JSON mapping: read fields with .get(), and _given() for the ones set.
    """
    if not isinstance(value, dict):
        raise _fail(where, "must be a JSON object")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _fail(where, "must have text keys")
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), key)
        if camel in out:
            raise _fail(where, f"gives {camel!r} twice")
        out[camel] = item
    return out


def _given(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an _object() that are set (not null)."""
    return {k: v for k, v in obj.items() if v is not None}


def _check_keys(obj: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise _fail(where, f"has field(s) the phenopacket schema does not define: {shown}")


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, "must be a list")
    return value


def _string(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _fail(where, "must be a string")
    return value


def _ontology(value: Any, where: str) -> tuple[str, str | None]:
    """Check an OntologyClass and return its id (HPO ids upper-cased) and label."""
    obj = _object(value, where)
    _check_keys(obj, {"id", "label"}, where)
    term = _string(obj.get("id"), f"{where}.id")
    label = _string(obj.get("label"), f"{where}.label")
    if not term or not CURIE.match(term):
        raise _fail(f"{where}.id", "must be an ontology id such as HP:0001873")
    if term.upper().startswith("HP:"):
        term = term.upper()
        if not HPO_ID.match(term):
            raise InputError("invalid_hpo_id", f"{where}.id: malformed HPO id {term[:40]!r}: expected HP: "
                                               "and seven digits.")
    return term, label


def _check_meta(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    meta = _object(value, "metaData")
    _check_keys(meta, _META_KEYS, "metaData")
    for key in ("created", "createdBy", "submittedBy", "phenopacketSchemaVersion"):
        _string(meta.get(key), f"metaData.{key}")
    for key, allowed in (("resources", _RESOURCE_KEYS), ("externalReferences", _EXTREF_KEYS)):
        for i, item in enumerate(_list(meta.get(key), f"metaData.{key}")):
            obj = _object(item, f"metaData.{key}[{i}]")
            _check_keys(obj, allowed, f"metaData.{key}[{i}]")
            for field_name, field_value in obj.items():
                _string(field_value, f"metaData.{key}[{i}].{field_name}")
    for i, item in enumerate(_list(meta.get("updates"), "metaData.updates")):
        _object(item, f"metaData.updates[{i}]")
    return meta


def _check_subject(value: Any) -> None:
    if value is None:
        return
    subject = _object(value, "subject")
    _check_keys(subject, _SUBJECT_KEYS, "subject")
    _string(subject.get("id"), "subject.id")


def _schema_version(meta: Mapping[str, Any], features: list[dict[str, Any]]) -> int:
    declared = (meta.get("phenopacketSchemaVersion") or "").strip()
    if declared:
        major = declared.split(".", 1)[0]
        if major not in ("1", "2"):
            raise _fail("metaData.phenopacketSchemaVersion",
                        f"is {declared[:20]!r}; this app reads 1.0 and 2.0")
        return int(major)
    v1_only = _FEATURE_KEYS[1] - _FEATURE_KEYS[2]
    return 1 if any(v1_only & set(f) for f in features) else 2


def _time_element(value: Any, where: str) -> tuple[str, str]:
    """Check a v2 TimeElement; ("term", id) or ("age", ISO 8601 duration) or ("other", "")."""
    element = _object(value, where)
    _check_keys(element, _TIME_KEYS, where)
    element = _given(element)
    if len(element) != 1:
        raise _fail(where, "must give exactly one of " + ", ".join(sorted(_TIME_KEYS)))
    ((key, item),) = element.items()
    if key == "ontologyClass":
        return "term", _ontology(item, f"{where}.ontologyClass")[0]
    if key == "age":
        return "age", _age(item, f"{where}.age", "iso8601duration")
    if key == "ageRange":
        return "age", _age_range(item, f"{where}.ageRange", "iso8601duration")
    if key == "gestationalAge":
        gestational = _object(item, f"{where}.gestationalAge")
        _check_keys(gestational, {"weeks", "days"}, f"{where}.gestationalAge")
        for part, number in _given(gestational).items():
            if whole_number(number) is None:
                raise _fail(f"{where}.gestationalAge.{part}", "must be a whole number")
    elif key == "timestamp":
        _string(item, f"{where}.timestamp")
    else:
        interval = _object(item, f"{where}.interval")
        _check_keys(interval, {"start", "end"}, f"{where}.interval")
        for end in ("start", "end"):
            _string(interval.get(end), f"{where}.interval.{end}")
    return "other", ""


def _age(value: Any, where: str, field_name: str) -> str:
    """Check an Age ({"iso8601duration": …} in v2, {"age": …} in v1) and return its duration."""
    age = _object(value, where)
    _check_keys(age, {field_name}, where)
    duration = age.get(field_name)
    if not isinstance(duration, str):
        raise _fail(f"{where}.{field_name}", "must be a string such as P3M")
    return duration


def _age_range(value: Any, where: str, field_name: str) -> str:
    """Check an AgeRange and return the duration of its start."""
    age_range = _object(value, where)
    _check_keys(age_range, {"start", "end"}, where)
    _age(age_range.get("end"), f"{where}.end", field_name)
    return _age(age_range.get("start"), f"{where}.start", field_name)
