"""Fuzz the importer: whatever comes in, it answers or raises its own InputError, nothing else."""

from __future__ import annotations

import json

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from rules import Answers
from rules import load_knowledge
from rules.core.errors import InputError
from rules.core.hpo import load_hpo
from rules.interop.export import export_phenopacket
from rules.interop.importing import Imported
from rules.interop.importing import import_bytes
from rules.interop.importing import import_phenopacket
from rules.interop.importing import import_text
from rules.request import parse_request

KB = load_knowledge()
HPO = load_hpo()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys and values the schema uses, so that generated objects reach past the first check.
KEYS = st.sampled_from(
    [
        "id",
        "label",
        "type",
        "excluded",
        "negated",
        "onset",
        "ontologyClass",
        "age",
        "iso8601duration",
        "ageRange",
        "start",
        "end",
        "timestamp",
        "gestationalAge",
        "weeks",
        "days",
        "phenotypicFeatures",
        "metaData",
        "phenopacketSchemaVersion",
        "resources",
        "externalReferences",
        "subject",
        "classOfOnset",
        "ageOfOnset",
        "modifiers",
        "severity",
        "evidence",
        "description",
        "phenotypic_features",
        "meta_data",
    ]
)
STRINGS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "HP:0001873",
            "HP:0002901",
            "HP:0003593",
            "HP:0003623",
            "HP:12",
            "HP:0000256",
            "HP:0003584",
            "NCIT:C3262",
            "P3M",
            "P1Y2M3W4D",
            "P",
            "2.0",
            "1.0",
            "3",
            "",
            "hp:0002757",
            "HP_0001903",
        ]
    ),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), STRINGS)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(KEYS, st.text(max_size=10)), inner, max_size=5)
    ),
    max_leaves=25,
)


def only_input_errors(call) -> None:
    try:
        result = call()
    except InputError as err:
        assert err.code and err.message
    else:
        assert isinstance(result, Imported)
        assert set(result.parsed.answers.findings) <= set(KB.findings)
        assert result.parsed.answers.onset in KB.onsets


@FUZZ
@given(JSON)
def test_any_json_value_as_a_phenopacket(value):
    only_input_errors(lambda: import_phenopacket(value, KB, HPO))


@FUZZ
@given(st.lists(JSON, max_size=4), JSON, JSON)
def test_phenopacket_shaped_objects_with_arbitrary_parts(features, meta, subject):
    value = {"phenotypicFeatures": features, "metaData": meta, "subject": subject}
    only_input_errors(lambda: import_phenopacket(value, KB, HPO))


@FUZZ
@given(st.data())
def test_a_valid_export_with_one_part_replaced(data):
    packet = export_phenopacket(
        Answers({"hypocalcemia": "present", "fractures": "absent"}, "infancy"), KB, HPO, disclaimer="d"
    )
    node, path = packet, []
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        node = node[key]
    if path:
        parent = packet
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = data.draw(JSON)
    only_input_errors(lambda: import_phenopacket(packet, KB, HPO))
    only_input_errors(lambda: import_text(json.dumps(packet), KB, HPO))


@FUZZ
@given(st.text())
def test_any_text(text):
    only_input_errors(lambda: import_text(text, KB, HPO))


@FUZZ
@given(st.lists(st.one_of(STRINGS, st.from_regex(r"\A(NOT |-)?HP[:_]\d{1,8}( [A-Za-z,#]*)?\Z")), max_size=8))
def test_hpo_list_like_text(lines):
    only_input_errors(lambda: import_text("\n".join(lines), KB, HPO))


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes(data):
    only_input_errors(lambda: import_bytes(data, KB, HPO))


@FUZZ
@given(JSON.map(json.dumps))
def test_any_json_document_as_bytes(text):
    only_input_errors(lambda: import_bytes(text.encode(), KB, HPO))


def test_deeply_nested_json_is_an_input_error():
    only_input_errors(lambda: import_text("[" * 100_000 + "]" * 100_000, KB, HPO))
    only_input_errors(lambda: import_text('{"phenotypicFeatures": [' + "[" * 50_000, KB, HPO))


@FUZZ
@given(JSON, JSON)
def test_assess_body_with_any_phenopacket(packet, family_history):
    try:
        parse_request({"phenopacket": packet, "family_history": family_history}, KB, HPO)
    except InputError as err:
        assert err.code and err.message
