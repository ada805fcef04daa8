"""Issue 14: the result says only what the input supports (the premise, true red flags, strength
earned by findings, next checks that change something), and the importer loses nothing."""

from __future__ import annotations

import itertools
import json

import pytest

from rules import Answers
from rules import evaluate
from rules import load_knowledge
from rules.core.hpo import load_hpo
from rules.interop.export import hpo_csv
from rules.interop.importing import import_hpo_list
from rules.interop.importing import import_phenopacket
from rules.request import parse_request

KB = load_knowledge()
HPO = load_hpo()


def run(findings=None, onset="unknown", family_history="unknown"):
    return evaluate(Answers(findings or {}, onset, family_history), KB)


def flags(assessment):
    return {h.flag.id: [f.slug for f in h.findings] for h in assessment.red_flags}


# 1. The premise, explicit.


def test_the_lrp5_mimic_reduced_bone_density_contradicts_the_premise_and_gives_no_lean():
    # Infants with LRP5 osteoporosis-pseudoglioma: reduced bone density and blindness, infant onset.
    parsed = parse_request(
        {"findings": {"HP:0004349": "present", "visual_impairment": "present"}, "onset": "infancy"}, KB, HPO
    )
    assert parsed.answers.state("dense_bone") == "absent"
    a = evaluate(parsed.answers, KB)
    assert a.premise == "contradicted"
    assert (a.inheritance.lean, a.inheritance.strength) == ("indeterminate", None)
    assert "argues against" in a.inheritance.message
    assert a.next_checks == ()  # no answer to another item can bring a lean back
    assert "cranial_nerve_compression" not in flags(a)  # vision loss "may reflect" compression only
    assert [o.id for o in parsed.other_terms] == ["HP:0004349"]


def test_osteoporosis_and_its_descendants_contradict_it_too():
    for term in ("HP:0000939", "HP:0000938"):  # Osteoporosis, Osteopenia (below reduced density)
        parsed = parse_request({"findings": {term: "present"}}, KB, HPO)
        assert parsed.answers.state("dense_bone") == "absent", term


@pytest.mark.parametrize("term", ["HP:0011001", "HP:0011002", "HP:0005789", "dense_bone"])
def test_dense_bone_entered_confirms_the_premise(term):
    parsed = parse_request({"findings": {term: "present", "hypocalcemia": "present"}, "onset": "neonatal"}, KB, HPO)
    assert evaluate(parsed.answers, KB).premise == "confirmed"


def test_unconfirmed_premise_is_said_and_offered_first_as_a_check():
    a = run({"hypocalcemia": "present", "anemia": "present"}, "neonatal")
    assert a.premise == "unconfirmed" and a.inheritance.lean == "recessive"
    first = a.next_checks[0]
    assert first.key == "dense_bone"
    assert dict((v, (lean, s)) for v, lean, s in first.outcomes)["absent"] == ("indeterminate", None)
    assert "skeletal radiographs" in KB.premise.messages["unconfirmed"]


# 2. Red flags that are true.


def test_a_seizure_with_calcium_entered_normal_raises_no_low_calcium_flag_but_its_own():
    a = run({"seizure_like_events": "present", "hypocalcemia": "absent"})
    assert "symptomatic_hypocalcemia" not in flags(a) and "possible_hypocalcemia" not in flags(a)
    assert flags(a)["seizures_normal_calcium"] == ["seizure_like_events"]
    flag = next(h.flag for h in a.red_flags if h.flag.id == "seizures_normal_calcium")
    assert flag.cite.source == "stark-2009" and flag.action_cite.source == "genereviews-clcn7"


def test_a_seizure_with_calcium_not_measured_says_it_may_come_from_low_calcium():
    a = run({"seizure_like_events": "present"})
    assert flags(a) == {"possible_hypocalcemia": ["seizure_like_events"]}
    assert "may" in a.red_flags[0].flag.title


def test_a_headache_alone_is_not_urgent():
    a = run({"headaches": "present"}, "adulthood")
    assert [h.flag.level for h in a.red_flags] == ["context"]
    assert "csf_obstruction" not in flags(a)


def test_vision_or_hearing_loss_may_reflect_compression_and_is_not_called_compression():
    for slug in ("visual_impairment", "hearing_impairment"):
        a = run({slug: "present"})
        assert flags(a) == {"possible_nerve_compression": [slug]}
        assert "may reflect" in a.red_flags[0].flag.title


def test_every_flag_names_only_entered_findings_and_an_action_with_its_source():
    a = run({s: "present" for s in list(KB.findings)[:23]}, "neonatal")
    for hit in a.red_flags:
        assert hit.findings and all(a.answers.state(f.slug) == "present" for f in hit.findings)
        assert hit.flag.action and hit.flag.action_cite.source in KB.sources


# 3. Strength earned.


def test_low_calcium_in_a_newborn_alone_is_moderate_and_the_neonatal_onset_counts_once():
    a = run({"hypocalcemia": "present"}, "neonatal")
    assert (a.inheritance.lean, a.inheritance.strength) == ("recessive", "moderate")
    assert a.inheritance.score == 4.0  # 2 for low calcium at birth + 2 for the onset, counted once


@pytest.mark.parametrize("onset", ["neonatal", "infancy", "childhood", "adolescence", "adulthood"])
def test_onset_alone_never_gives_more_than_weak(onset):
    assert run(onset=onset).inheritance.strength in (None, "weak")


def test_one_finding_with_its_onset_and_family_history_never_gives_strong():
    for slug, state, onset, family in itertools.product(
        list(KB.findings), ("present", "absent"), KB.onsets, KB.family_histories
    ):
        a = run({slug: state}, onset, family)
        assert a.inheritance.strength != "strong", (slug, state, onset, family)


def test_an_affected_sibling_points_recessive():
    a = run(family_history="affected_sibling")
    assert [h.clue.id for h in a.inheritance.hits] == ["affected_sibling"]
    assert a.inheritance.score > 0


# 4. Next steps that matter.


def test_the_adult_case_offers_no_check_whose_every_answer_gives_the_same_lean_and_strength():
    a = run(onset="adulthood")
    now = (a.inheritance.lean, a.inheritance.strength)
    assert a.next_checks
    for check in a.next_checks:
        assert any((lean, strength) != now for _, lean, strength in check.outcomes), check.key


def test_when_nothing_could_change_the_lean_no_check_is_offered():
    everything = {s: "present" for s in list(KB.findings)}
    a = run(everything, "neonatal", "consanguineous_parents")
    assert a.next_checks == ()


def test_the_work_up_is_cited_and_tied_to_findings():
    ids = [w.id for w in KB.workup]
    assert {
        "skeletal_radiographs",
        "calcium_pth",
        "blood_count",
        "eye_vep",
        "hearing",
        "brain_imaging",
        "genetic_testing",
        "transplant_centre",
    } <= set(ids)
    for w in KB.workup:
        assert w.cite.source in KB.sources and w.cite.locator
        assert set(w.findings) <= set(KB.findings)


# 7. Nothing lost on the way in or out.


def test_an_excluded_term_excludes_every_checklist_finding_below_it():
    # NOT Abnormal circulating calcium concentration: HPO's NOT applies to every descendant.
    parsed = import_hpo_list("NOT HP:0004363\n", KB, HPO).parsed
    assert parsed.answers.findings == {"hypocalcemia": "absent"}
    # A narrower excluded term still rules out nothing broader: no femur fracture is not no fractures.
    assert import_hpo_list("NOT HP:0031846\n", KB, HPO).parsed.answers.findings == {}


def packet(**extra):
    return {
        "id": "p1",
        "phenotypicFeatures": [{"type": {"id": "HP:0001873", "label": "Thrombocytopenia"}}],
        "metaData": {"phenopacketSchemaVersion": "2.0"},
        **extra,
    }


def test_the_importer_reads_a_disease_onset():
    imported = import_phenopacket(
        packet(
            diseases=[
                {"term": {"id": "OMIM:259700", "label": "OPTB1"}, "onset": {"ontologyClass": {"id": "HP:0003623"}}}
            ]
        ),
        KB,
        HPO,
    )
    assert imported.parsed.answers.onset == "neonatal"


def test_the_onset_is_bounded_by_the_age_at_the_last_encounter():
    seen_at_two_months = {"id": "s", "timeAtLastEncounter": {"age": {"iso8601duration": "P2M"}}}
    assert import_phenopacket(packet(subject=seen_at_two_months), KB, HPO).parsed.answers.onset == "infancy"
    late = packet(subject=seen_at_two_months)
    late["phenotypicFeatures"][0]["onset"] = {"ontologyClass": {"id": "HP:0003581"}}  # adult onset, impossible
    imported = import_phenopacket(late, KB, HPO)
    assert imported.parsed.answers.onset == "infancy"
    assert any("later than the age at the last encounter" in n for n in imported.notes)


def test_terms_outside_the_checklist_are_kept_for_the_lab_list_and_the_exports():
    parsed = parse_request(
        {"findings": {"HP:0000256": "present", "HP:0031846": "present", "HP:0002823": "absent"}}, KB, HPO
    )
    assert [(o.id, o.state) for o in parsed.other_terms] == [
        ("HP:0000256", "present"),
        ("HP:0031846", "present"),
        ("HP:0002823", "absent"),
    ]
    csv_text = hpo_csv(parsed.answers, KB, HPO, disclaimer="x", other_terms=parsed.other_terms)
    assert "HP:0000256,Macrocephaly,present,Other term entered" in csv_text
    assert "HP:0002823,Abnormal femur morphology,excluded,Other term entered" in csv_text
    back = import_hpo_list(csv_text, KB, HPO).parsed
    assert back.answers == parsed.answers
    assert {o.id for o in back.other_terms} == {"HP:0000256", "HP:0031846", "HP:0002823"}
    json.dumps(parsed.other_terms)  # plain data


def test_the_recessive_picture_flag_is_not_raised_when_the_premise_is_contradicted():
    findings = {"visual_impairment": "present", "anemia": "present", "hepatosplenomegaly": "present"}
    assert "recessive_pattern_in_infant" in flags(run(findings, "infancy"))
    contradicted = run({**findings, "dense_bone": "absent"}, "infancy")
    assert "recessive_pattern_in_infant" not in flags(contradicted)
    # Low counts stay urgent whatever the cause, but without the osteopetrosis action (transfusions of
    # irradiated products, a transplant centre): the flag for signs with the premise contradicted.
    assert "low_blood_counts" not in flags(contradicted)
    raised = next(r for r in contradicted.red_flags if r.flag.id == "signs_with_premise_contradicted")
    assert raised.flag.level == "urgent" and {f.slug for f in raised.findings} == {"anemia", "hepatosplenomegaly"}
