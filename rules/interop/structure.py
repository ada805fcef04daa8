"""The structural checks of a phenopacket: the checks the GA4GH schema (v1 and v2) would make, as plain
functions that raise InputError naming the field (the official package is needed only by the tests)."""

import re
from collections.abc import Mapping
from typing import Any

from rules.core.errors import InputError
from rules.core.hpo import HPO_ID
from rules.core.inputs import whole_number

# A prefix, a colon and a local id of visible ASCII (what OBO ontologies use).
CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*:[!-~]+\Z")
AGE_DIGITS_MAX = 6  # a number of years, months, weeks or days in an age (P999999D is 2,700 years)
DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T[\d.HMS]*)?$")

# Field names of the schema (v1 and v2) as the JSON mapping writes them; protobuf also accepts
# the snake_case originals, which are normalised to these first.
TOP_KEYS = {
    "id",
    "subject",
    "phenotypicFeatures",
    "measurements",
    "biosamples",
    "interpretations",
    "diseases",
    "medicalActions",
    "files",
    "metaData",
    "genes",
    "variants",
    "hgvsFiles",
    "htsFiles",
}
FEATURE_KEYS = {
    1: {
        "description",
        "type",
        "negated",
        "severity",
        "modifiers",
        "ageOfOnset",
        "ageRangeOfOnset",
        "classOfOnset",
        "evidence",
    },
    2: {"description", "type", "excluded", "severity", "modifiers", "onset", "resolution", "evidence"},
}
SUBJECT_KEYS = {
    "id",
    "alternateIds",
    "dateOfBirth",
    "timeAtLastEncounter",
    "vitalStatus",
    "sex",
    "karyotypicSex",
    "gender",
    "taxonomy",
    "ageAtCollection",
    "ageRangeAtCollection",
}
META_KEYS = {
    "created",
    "createdBy",
    "submittedBy",
    "resources",
    "updates",
    "phenopacketSchemaVersion",
    "externalReferences",
}
RESOURCE_KEYS = {"id", "name", "url", "version", "namespacePrefix", "iriPrefix"}
EXTREF_KEYS = {"id", "reference", "description"}
TIME_KEYS = {"gestationalAge", "age", "ageRange", "ontologyClass", "timestamp", "interval"}


def fail(message: str, where: str, **params: object) -> InputError:
    """The phenopacket's refusal: `message` a sentence about `%(where)s` (the field's path)."""
    return InputError("invalid_phenopacket", message, where=where, **params)


def as_object(value: Any, where: str) -> dict[str, Any]:
    """A JSON object with snake_case keys renamed to the schema's camelCase.

    A field set to null is kept (so that its name is checked like any other) and means "not set", as
    in the protobuf JSON mapping: read fields with .get(), and given() for the ones set.
    """
    if not isinstance(value, dict):
        raise fail("%(where)s must be a JSON object.", where)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise fail("%(where)s must have text keys.", where)
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), key)
        if camel in out:
            raise fail("%(where)s gives %(key)s twice.", where, key=repr(camel))
        out[camel] = item
    return out


def given(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an as_object() that are set (not null)."""
    return {k: v for k, v in obj.items() if v is not None}


def check_keys(obj: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise fail("%(where)s has field(s) the phenopacket schema does not define: %(fields)s.", where, fields=shown)


def as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail("%(where)s must be a list.", where)
    return value


def as_string(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise fail("%(where)s must be a string.", where)
    return value


def as_ontology(value: Any, where: str) -> tuple[str, str | None]:
    """Check an OntologyClass and return its id (HPO ids upper-cased) and label."""
    obj = as_object(value, where)
    check_keys(obj, {"id", "label"}, where)
    term = as_string(obj.get("id"), f"{where}.id")
    label = as_string(obj.get("label"), f"{where}.label")
    if not term or not CURIE.match(term):
        raise fail("%(where)s must be an ontology id such as HP:0001873.", f"{where}.id")
    if term.upper().startswith("HP:"):
        term = term.upper()
        if not HPO_ID.match(term):
            raise InputError(
                "invalid_hpo_id",
                "%(where)s: malformed HPO id %(term)s: expected HP: and seven digits.",
                where=f"{where}.id",
                term=repr(term[:40]),
            )
    return term, label


def check_meta(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    meta = as_object(value, "metaData")
    check_keys(meta, META_KEYS, "metaData")
    for key in ("created", "createdBy", "submittedBy", "phenopacketSchemaVersion"):
        as_string(meta.get(key), f"metaData.{key}")
    for key, allowed in (("resources", RESOURCE_KEYS), ("externalReferences", EXTREF_KEYS)):
        for i, item in enumerate(as_list(meta.get(key), f"metaData.{key}")):
            obj = as_object(item, f"metaData.{key}[{i}]")
            check_keys(obj, allowed, f"metaData.{key}[{i}]")
            for field_name, field_value in obj.items():
                as_string(field_value, f"metaData.{key}[{i}].{field_name}")
    for i, item in enumerate(as_list(meta.get("updates"), "metaData.updates")):
        as_object(item, f"metaData.updates[{i}]")
    return meta


def check_subject(value: Any) -> None:
    if value is None:
        return
    subject = as_object(value, "subject")
    check_keys(subject, SUBJECT_KEYS, "subject")
    as_string(subject.get("id"), "subject.id")


def schema_version(meta: Mapping[str, Any], features: list[dict[str, Any]]) -> int:
    declared = (meta.get("phenopacketSchemaVersion") or "").strip()
    if declared:
        major = declared.split(".", 1)[0]
        if major not in ("1", "2"):
            raise fail(
                "%(where)s is %(version)s; this app reads 1.0 and 2.0.",
                "metaData.phenopacketSchemaVersion",
                version=repr(declared[:20]),
            )
        return int(major)
    v1_only = FEATURE_KEYS[1] - FEATURE_KEYS[2]
    return 1 if any(v1_only & set(f) for f in features) else 2


def time_element(value: Any, where: str) -> tuple[str, str]:
    """Check a v2 TimeElement; ("term", id) or ("age", ISO 8601 duration) or ("other", "")."""
    element = as_object(value, where)
    check_keys(element, TIME_KEYS, where)
    element = given(element)
    if len(element) != 1:
        raise fail("%(where)s must give exactly one of %(keys)s.", where, keys=", ".join(sorted(TIME_KEYS)))
    ((key, item),) = element.items()
    if key == "ontologyClass":
        return "term", as_ontology(item, f"{where}.ontologyClass")[0]
    if key == "age":
        return "age", age(item, f"{where}.age", "iso8601duration")
    if key == "ageRange":
        return "age", age_range(item, f"{where}.ageRange", "iso8601duration")
    if key == "gestationalAge":
        gestational = as_object(item, f"{where}.gestationalAge")
        check_keys(gestational, {"weeks", "days"}, f"{where}.gestationalAge")
        for part, number in given(gestational).items():
            if whole_number(number) is None:
                raise fail("%(where)s must be a whole number.", f"{where}.gestationalAge.{part}")
    elif key == "timestamp":
        as_string(item, f"{where}.timestamp")
    else:
        interval = as_object(item, f"{where}.interval")
        check_keys(interval, {"start", "end"}, f"{where}.interval")
        for end in ("start", "end"):
            as_string(interval.get(end), f"{where}.interval.{end}")
    return "other", ""


def age(value: Any, where: str, field_name: str) -> str:
    """Check an Age ({"iso8601duration": …} in v2, {"age": …} in v1) and return its duration."""
    age = as_object(value, where)
    check_keys(age, {field_name}, where)
    duration = age.get(field_name)
    if not isinstance(duration, str):
        raise fail("%(where)s must be a string such as P3M.", f"{where}.{field_name}")
    match = DURATION.match(duration)
    if match and any(len(part) > AGE_DIGITS_MAX for part in match.groups() if part):
        raise fail(
            "%(where)s is no age: at most %(digits)s digits per number, such as P3M.",
            f"{where}.{field_name}",
            digits=AGE_DIGITS_MAX,
        )
    return duration


def age_range(value: Any, where: str, field_name: str) -> str:
    """Check an AgeRange and return the duration of its start."""
    age_range = as_object(value, where)
    check_keys(age_range, {"start", "end"}, where)
    age(age_range.get("end"), f"{where}.end", field_name)
    return age(age_range.get("start"), f"{where}.start", field_name)
