"""Phenopacket and HPO-list export and import (rules/interop/), checked against the official
GA4GH `phenopackets` package, which the app itself never imports."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from pathlib import Path

import phenopackets
import pytest
from google.protobuf import json_format
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from rules import STATES
from rules import Answers
from rules import evaluate
from rules import load_knowledge
from rules.core.errors import InputError
from rules.core.hpo import load_hpo
from rules.interop.export import export_phenopacket
from rules.interop.export import hpo_csv
from rules.interop.importing import import_bytes
from rules.interop.importing import import_phenopacket
from rules.interop.importing import import_text
from rules.request import parse_request

KB = load_knowledge()
HPO = load_hpo()
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DISCLAIMER = "Educational use only, not a diagnosis."
# HPO makes the canonical term of these findings a descendant of another finding's term, so
# marking the first present says the second is present too (docs/knowledge.md section 8 item 10).
IMPLIES = {
    "delayed_tooth_eruption": "dental_problems",
    "malformed_teeth": "dental_problems",
    "facial_paralysis": "cranial_nerve_compression",
}


def official(packet: dict) -> phenopackets.Phenopacket:
    """Parse with the GA4GH package exactly as a consumer of the file would."""
    return json_format.Parse(json.dumps(packet), phenopackets.Phenopacket())


def export(findings: dict[str, str], onset: str = "unknown") -> dict:
    return export_phenopacket(Answers(findings, onset), KB, HPO, disclaimer=DISCLAIMER)


def imported(text: str) -> Answers:
    return import_text(text, KB, HPO).parsed.answers


def test_export_is_a_valid_v2_phenopacket_with_excluded_onset_and_metadata():
    packet = export({"hypocalcemia": "present", "fractures": "absent", "anemia": "unknown"}, "neonatal")
    message = official(packet)
    features = {f.type.id: f for f in message.phenotypic_features}
    assert set(features) == {"HP:0002901", "HP:0002757"}
    assert features["HP:0002901"].type.label == "Hypocalcemia"
    assert not features["HP:0002901"].excluded
    assert features["HP:0002901"].onset.ontology_class.id == "HP:0003623"
    assert features["HP:0002901"].onset.ontology_class.label == "Neonatal onset"
    assert features["HP:0002757"].excluded
    assert not features["HP:0002757"].HasField("onset")  # an absent finding has no onset
    meta = message.meta_data
    assert meta.phenopacket_schema_version == "2.0"
    assert meta.created.seconds > 0 and "MIOP Checklist" in meta.created_by
    assert [(r.id, r.namespace_prefix, r.version) for r in meta.resources] == [("hp", "HP", "2025-01-16")]
    assert DISCLAIMER in meta.external_references[0].description  # survived json_format.Parse


def test_export_names_no_one_and_ids_are_random():
    first, second = export({"anemia": "present"}), export({"anemia": "present"})
    assert set(first["subject"]) == {"id"}
    assert first["id"] != second["id"] and first["subject"]["id"] != second["subject"]["id"]


def test_export_time_is_utc_rfc3339():
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    packet = export_phenopacket(Answers({}), KB, HPO, disclaimer=DISCLAIMER, created=when, packet_id="x")
    assert packet["metaData"]["created"] == "2026-01-02T03:04:05Z" and packet["id"] == "x"
    assert official(packet).phenotypic_features == []


def test_csv_lists_terms_with_hpo_labels_status_and_onset_after_the_disclaimer():
    lines = hpo_csv(
        Answers({"muscle_cramps": "present", "fractures": "absent"}, "infancy"), KB, HPO, disclaimer=DISCLAIMER
    ).splitlines()
    assert lines[0] == f"# {DISCLAIMER}"
    assert lines[1:] == [
        "hpo_id,hpo_label,status,checklist_item",
        "HP:0003394,Muscle spasm,present,Muscle cramps",
        "HP:0002757,Recurrent fractures,excluded,Frequent or poorly healing fractures",
        "HP:0003593,Infantile onset,present,Age at onset",
    ]


def test_csv_imports_back_to_the_same_checklist():
    answers = Answers({"muscle_cramps": "present", "fractures": "absent"}, "infancy")
    assert imported(hpo_csv(answers, KB, HPO, disclaimer=DISCLAIMER)) == answers


def test_example_phenopacket_parses_officially_and_imports_to_the_optb1_picture():
    text = (EXAMPLES / "phenopacket-optb1-infant.json").read_text()
    official(json.loads(text))
    result = import_text(text, KB, HPO)
    answers = result.parsed.answers
    # Osteopetrosis (HP:0011002) counts as dense bone on imaging: the premise, confirmed
    # (docs/decisions/0003-the-premise-dense-bone.md).
    assert answers.findings == {
        s: "present"
        for s in ("visual_impairment", "hepatosplenomegaly", "anemia", "thrombocytopenia", "hypocalcemia", "dense_bone")
    }
    assert answers.onset == "infancy" and result.onset_from == "HP:0003593 Infantile onset"
    assert [(u.input, u.name) for u in result.parsed.unmapped] == [("HP:0000256", "Macrocephaly")]
    assessment = evaluate(answers, KB)
    assert assessment.premise == "confirmed"
    assert (assessment.inheritance.lean, assessment.inheritance.strength) == ("recessive", "strong")
    assert [m.mechanism.slug for m in assessment.mechanisms] == [
        "skull_remodeling",
        "marrow_failure",
        "calcium_trapping",
    ]


def test_example_hpo_list_gives_the_same_checklist_as_the_example_phenopacket():
    assert imported((EXAMPLES / "hpo-list.txt").read_text()) == imported(
        (EXAMPLES / "phenopacket-optb1-infant.json").read_text()
    )


def test_v1_phenopacket_with_negated_and_class_of_onset():
    packet = {
        "phenotypicFeatures": [
            {"type": {"id": "HP:0002901", "label": "Hypocalcemia"}, "classOfOnset": {"id": "HP:0003577"}},
            {"type": {"id": "HP:0002757"}, "negated": True},
            {"type": {"id": "HP:0001873"}, "ageOfOnset": {"age": "P4M"}},
        ],
        "metaData": {"phenopacketSchemaVersion": "1.0"},
    }
    result = import_phenopacket(packet, KB, HPO)
    assert result.kind == "a GA4GH phenopacket (schema v1)"
    assert result.parsed.answers == Answers(
        {"thrombocytopenia": "present", "hypocalcemia": "present", "fractures": "absent"}, "neonatal"
    )
    assert "Several onsets" in result.notes[0]  # congenital and 4 months: the earliest wins


@pytest.mark.parametrize(
    ("onset", "slug"),
    [
        ({"age": {"iso8601duration": "P14D"}}, "neonatal"),
        ({"age": {"iso8601duration": "P3M"}}, "infancy"),
        ({"age": {"iso8601duration": "P2Y6M"}}, "childhood"),
        ({"age": {"iso8601duration": "P12Y"}}, "adolescence"),
        ({"age": {"iso8601duration": "P30Y"}}, "adulthood"),
        ({"ageRange": {"start": {"iso8601duration": "P1Y"}, "end": {"iso8601duration": "P3Y"}}}, "childhood"),
        ({"ontologyClass": {"id": "HP:0011463", "label": "Childhood onset"}}, "childhood"),
    ],
)
def test_v2_onset_as_age_or_class_maps_to_the_hpo_onset_classes(onset, slug):
    packet = {"phenotypicFeatures": [{"type": {"id": "HP:0002757"}, "onset": onset}]}
    official(packet)  # the test input itself is valid
    assert import_phenopacket(packet, KB, HPO).parsed.answers.onset == slug


def test_onset_the_checklist_has_no_class_for_is_left_unknown_with_a_note():
    late = {"ontologyClass": {"id": "HP:0003584", "label": "Late onset"}}
    stamp = {"timestamp": "2020-01-01T00:00:00Z"}
    packet = {
        "phenotypicFeatures": [
            {"type": {"id": "HP:0002757"}, "onset": late},
            {"type": {"id": "HP:0001903"}, "onset": stamp},
        ]
    }
    result = import_phenopacket(packet, KB, HPO)
    assert result.parsed.answers.onset == "unknown"
    assert any("HP:0003584 Late onset has no equivalent" in n for n in result.notes)
    assert any("timestamp" in n for n in result.notes)


def test_snake_case_field_names_are_read_like_protobuf_does():
    packet = {
        "phenotypic_features": [{"type": {"id": "HP:0001873"}, "excluded": True}],
        "meta_data": {"phenopacket_schema_version": "2.0"},
    }
    official(packet)
    assert import_phenopacket(packet, KB, HPO).parsed.answers.findings == {"thrombocytopenia": "absent"}


def test_hpo_list_lines_labels_comments_negation_and_alternative_ids():
    answers = imported("""# from the record
        HP:0001873 Thrombocytopenia
        hp:0002901
        NOT HP:0002757 Recurrent fractures   # ruled out on X-ray
        HP_0001903
        HP:0003623 Neonatal onset
    """)
    assert answers == Answers(
        {"anemia": "present", "thrombocytopenia": "present", "hypocalcemia": "present", "fractures": "absent"},
        "neonatal",
    )


def test_descendant_terms_count_as_present_but_an_excluded_one_rules_out_nothing():
    result = import_text("HP:0031846 Femur fracture\nNOT HP:0001876 Pancytopenia\nHP:0003472", KB, HPO)
    assert result.parsed.answers.findings == {"fractures": "present", "hypocalcemia": "present", "tetany": "present"}
    excluded = result.parsed.unmapped[0]
    assert (excluded.input, excluded.name) == ("HP:0001876", "Pancytopenia")
    assert set(excluded.related) >= {"anemia", "thrombocytopenia", "leukopenia"}


def test_a_findings_own_term_outweighs_what_hpo_infers_from_another_term():
    # HPO files Facial paralysis under Cranial nerve compression; an explicit exclusion still holds.
    answers = imported("HP:0007209 Facial paralysis\nNOT HP:0001293 Cranial nerve compression")
    assert answers.findings == {"cranial_nerve_compression": "absent", "facial_paralysis": "present"}
    assert imported("HP:0007209").findings == {"cranial_nerve_compression": "present", "facial_paralysis": "present"}


def test_the_hpo_implications_between_findings_are_exactly_those_the_round_trip_allows_for():
    implied = {(s, other) for s, f in KB.findings.items() for other in HPO.findings_for(f.hpo) if other != s}
    assert implied == set(IMPLIES.items())


def test_present_outweighs_absent_for_one_term_given_twice():
    assert imported("HP:0002901\nNOT HP:0002901").findings == {"hypocalcemia": "present"}


def test_unknown_ontology_terms_in_a_phenopacket_are_reported_with_their_label():
    packet = {
        "phenotypicFeatures": [{"type": {"id": "NCIT:C3262", "label": "Neoplasm"}}, {"type": {"id": "HP:0000256"}}]
    }
    unmapped = import_phenopacket(packet, KB, HPO).parsed.unmapped
    assert [(u.input, u.name) for u in unmapped] == [("NCIT:C3262", "Neoplasm"), ("HP:0000256", "Macrocephaly")]


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ('{"phenotypicFeatures": [', "invalid_json", "not valid JSON (line 1, column 25): Expecting value"),
        ("[" * 100_000, "invalid_json", "not JSON this app can read"),
        ("[1, 2]", "invalid_phenopacket", "must be a JSON object"),
        ('{"name": "Jane"}', "invalid_phenopacket", "not a phenopacket"),
        ('{"phenotypicFeatures": [], "patientName": "x"}', "invalid_phenopacket", "'patientName'"),
        ('{"phenotypicFeatures": {"type": 1}}', "invalid_phenopacket", "phenotypicFeatures must be a list"),
        ('{"phenotypicFeatures": [{"excluded": true}]}', "invalid_phenopacket", "has no type"),
        ('{"phenotypicFeatures": [{"type": "HP:0001873"}]}', "invalid_phenopacket", "type must be a JSON object"),
        (
            '{"phenotypicFeatures": [{"type": {"id": "HP:0001873"}, "excluded": "yes"}]}',
            "invalid_phenopacket",
            "excluded must be true or false",
        ),
        ('{"phenotypicFeatures": [{"type": {"id": "HP:12"}}]}', "invalid_hpo_id", "malformed HPO id 'HP:12'"),
        ('{"phenotypicFeatures": [{"type": {"id": "anemia"}}]}', "invalid_phenopacket", "ontology id"),
        ('{"phenotypicFeatures": [{"type": {"id": "HP:0001873", "name": "x"}}]}', "invalid_phenopacket", "'name'"),
        (
            '{"phenotypicFeatures": [{"type": {"id": "HP:0001873"}, "onset": {"age": "P3M"}}]}',
            "invalid_phenopacket",
            "onset.age must be a JSON object",
        ),
        (
            '{"phenotypicFeatures": [{"type": {"id": "HP:0001873"}, "onset": {}}]}',
            "invalid_phenopacket",
            "exactly one of",
        ),
        ('{"metaData": {"phenopacketSchemaVersion": "3.0"}}', "invalid_phenopacket", "reads 1.0 and 2.0"),
        ('{"metaData": {"resources": [{"id": 7}]}}', "invalid_phenopacket", "resources[0].id must be a string"),
        ("HP:0001873\nthrombocytopenia", "invalid_hpo_id", "Line 2: 'thrombocytopenia' is not an HPO id"),
        ("# only a comment\n\n", "empty_import", "Nothing to import"),
        ("   ", "empty_import", "Nothing to import"),
        ("HP:0001873\x00", "not_text", "control characters"),
    ],
)
def test_bad_input_is_an_input_error_with_a_clear_message(text, code, says):
    with pytest.raises(InputError) as caught:
        import_text(text, KB, HPO)
    assert caught.value.code == code
    assert says in caught.value.message


def test_the_same_bad_phenopackets_fail_the_official_parser_too():
    for text in (
        '{"phenotypicFeatures": [], "patientName": "x"}',
        '{"phenotypicFeatures": [{"type": {"id": "HP:0001873"}, "excluded": "yes"}]}',
        '{"phenotypicFeatures": [{"type": "HP:0001873"}]}',
        '{"phenotypicFeatures": [{"type": {"id": "HP:0001873", "name": "x"}}]}',
    ):
        with pytest.raises(json_format.ParseError):
            json_format.Parse(text, phenopackets.Phenopacket())


def test_bytes_that_are_not_utf8_text_are_refused():
    for data in (b"\xff\xd8\xff\xe0JFIF", b"PK\x03\x04\x14\x00", "HP:0001873".encode("utf-16")):
        with pytest.raises(InputError) as caught:
            import_bytes(data, KB, HPO)
        assert caught.value.code == "not_text"
    assert import_bytes(b"\xef\xbb\xbfHP:0001873", KB, HPO).parsed.answers.findings == {
        "thrombocytopenia": "present"
    }  # a UTF-8 byte-order mark is fine


def test_assess_body_takes_a_phenopacket_and_family_history():
    parsed = parse_request(
        {"phenopacket": export({"hypocalcemia": "present"}, "neonatal"), "family_history": "consanguineous_parents"},
        KB,
        HPO,
    )
    assert parsed.answers == Answers({"hypocalcemia": "present"}, "neonatal", "consanguineous_parents")
    with pytest.raises(InputError, match="not: findings"):
        parse_request({"phenopacket": {}, "findings": {}}, KB, HPO)


checklists = st.builds(
    Answers,
    findings=st.fixed_dictionaries({slug: st.sampled_from(STATES) for slug in KB.findings}),
    onset=st.sampled_from(list(KB.onsets)),
)


def expected_back(answers: Answers) -> Answers:
    """The checklist an export imports back to: the same, with what HPO entails filled in, and the
    onset only where a present feature can carry it."""
    states = {s: v for s, v in answers.findings.items() if v != "unknown"}
    for child, parent in IMPLIES.items():
        if states.get(child) == "present" and parent not in states:
            states[parent] = "present"
    # HPO's NOT applies to every descendant (docs/decisions/0009-nothing-lost-on-the-way-in-or-out.md): an excluded
    # finding's term rules out the unassessed findings whose own term is below it.
    for slug, state in list(states.items()):
        if state == "absent" and answers.findings[slug] == "absent":
            for below in HPO.excluded_below(KB.findings[slug].hpo):
                states.setdefault(below, "absent")
    onset = answers.onset if "present" in states.values() else "unknown"
    return Answers({s: states[s] for s in KB.findings if s in states}, onset)


@settings(max_examples=200, deadline=None)
@given(checklists)
def test_export_then_import_gives_back_the_same_checklist(answers):
    back = import_phenopacket(export(dict(answers.findings), answers.onset), KB, HPO).parsed.answers
    assert back == expected_back(answers)


@settings(max_examples=100, deadline=None)
@given(checklists)
def test_round_trip_through_the_official_package(answers):
    message = official(export(dict(answers.findings), answers.onset))
    back = import_text(json_format.MessageToJson(message), KB, HPO).parsed.answers
    assert back == expected_back(answers)


@settings(max_examples=100, deadline=None)
@given(checklists)
def test_round_trip_through_the_csv(answers):
    back = imported(hpo_csv(answers, KB, HPO, disclaimer=DISCLAIMER))
    assert back == Answers(expected_back(answers).findings, answers.onset)


def test_checklists_without_hpo_implications_come_back_identical():
    answers = Answers(
        {
            "hypocalcemia": "present",
            "fractures": "absent",
            "anemia": "present",
            "facial_paralysis": "absent",
            "cranial_nerve_compression": "present",
        },
        "infancy",
    )
    back = import_phenopacket(export(dict(answers.findings), answers.onset), KB, HPO).parsed.answers
    assert back == Answers({s: answers.findings[s] for s in KB.findings if s in answers.findings}, "infancy")
