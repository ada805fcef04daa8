"""The engine on the seed's statements: each clue, each mechanism, each red flag."""

from __future__ import annotations

import pytest

from rules import Answers
from rules import evaluate
from rules import load_knowledge

KB = load_knowledge()


def run(findings=None, onset="unknown", family_history="unknown"):
    return evaluate(Answers(findings or {}, onset, family_history), KB)


def clue_ids(assessment):
    return {h.clue.id for h in assessment.inheritance.hits}


def test_neonatal_low_calcium_is_a_moderate_recessive_lean_citing_the_seed():
    # Issue 14 changed this from "strong": one finding with its onset never earns strong, and the
    # neonatal onset is counted once (infant_onset), not again inside the low-calcium clue.
    a = run({"hypocalcemia": "present"}, onset="neonatal")
    assert (a.inheritance.lean, a.inheritance.strength) == ("recessive", "moderate")
    top = next(h for h in a.inheritance.hits if h.clue.id == "neonatal_hypocalcemia")
    assert top.clue.cite.source == "seed"
    assert "Low calcium may be present at birth" in top.clue.cite.passage


def test_low_calcium_is_weighed_most_at_birth():
    neonatal = run({"hypocalcemia": "present"}, onset="neonatal").inheritance.score
    later = run({"hypocalcemia": "present"}, onset="childhood").inheritance.score
    assert neonatal > later
    assert "neonatal_hypocalcemia" not in clue_ids(run({"hypocalcemia": "present"}, onset="childhood"))


def test_adult_with_fractures_and_an_affected_parent_leans_dominant():
    a = run({"fractures": "present"}, onset="adulthood", family_history="affected_parent")
    assert a.inheritance.lean == "dominant"
    assert a.inheritance.strength in ("moderate", "strong")
    assert {"late_onset", "affected_parent"} <= clue_ids(a)


def test_empty_form_is_indeterminate_and_says_what_to_assess():
    a = run()
    assert a.inheritance.lean == "indeterminate"
    assert a.inheritance.strength is None
    assert "Too little evidence" in a.inheritance.message
    assert a.next_checks, "an empty form must suggest what to check"
    assert {c.key for c in a.next_checks} >= {"onset", "family_history"}


def test_a_single_weak_clue_stays_indeterminate():
    a = run({"hepatosplenomegaly": "present"})
    assert a.inheritance.lean == "indeterminate"
    assert "margin" in a.inheritance.message


@pytest.mark.parametrize(
    "slug",
    [
        "cranial_nerve_compression",
        "raised_csf_pressure",
        "anemia",
        "thrombocytopenia",
        "leukopenia",
        "hepatosplenomegaly",
    ],
)
def test_common_findings_at_recessive_diagnosis_point_recessive(slug):
    a = run({slug: "present"})
    assert a.inheritance.score > 0
    assert all(h.clue.points_to == "recessive" for h in a.inheritance.hits)
    assert all("common findings at diagnosis" in h.clue.cite.passage for h in a.inheritance.hits)


def test_low_blood_counts_count_once_however_many_lines_are_low():
    one = run({"anemia": "present"}).inheritance.score
    three = run({"anemia": "present", "thrombocytopenia": "present", "leukopenia": "present"}).inheritance.score
    assert one == three == 1.0


def test_four_findings_common_at_recessive_diagnosis_in_an_infant():
    a = run(
        {
            "cranial_nerve_compression": "present",
            "raised_csf_pressure": "present",
            "anemia": "present",
            "hepatosplenomegaly": "present",
        },
        onset="infancy",
    )
    assert (a.inheritance.lean, a.inheritance.strength) == ("recessive", "strong")
    assert "recessive_pattern_in_infant" in {r.flag.id for r in a.red_flags}


def test_absent_findings_count_against_recessive():
    present = run({"hepatosplenomegaly": "present"}, onset="infancy").inheritance.score
    absent = run({"hepatosplenomegaly": "absent"}, onset="infancy").inheritance.score
    unknown = run({}, onset="infancy").inheritance.score
    assert present > unknown > absent
    hit = next(h for h in run({"hepatosplenomegaly": "absent"}).inheritance.hits)
    assert hit.clue.effect == "against" and hit.signed_weight < 0


def test_late_diagnosis_points_dominant():
    for onset in ("adolescence", "adulthood"):
        assert "late_onset" in clue_ids(run(onset=onset))
        assert run(onset=onset).inheritance.score < 0


def test_affected_parent_points_dominant_and_cites_single_copy():
    a = run(family_history="affected_parent")
    (hit,) = a.inheritance.hits
    assert hit.clue.points_to == "dominant"
    assert "single copy" in hit.clue.cite.passage


def test_conflicting_clues_are_all_listed():
    a = run({"hypocalcemia": "present"}, onset="neonatal", family_history="affected_parent")
    assert {"neonatal_hypocalcemia", "affected_parent"} <= clue_ids(a)
    # The neonatal onset counts once (docs/decisions/0004-strength-is-earned.md), so the affected parent
    # cancels it below the margin.
    assert a.inheritance.lean == "indeterminate"
    assert "do not reach the margin" in a.inheritance.message


@pytest.mark.parametrize(
    ("findings", "mechanism"),
    [
        ({"fractures": "present"}, "fragile_bone"),
        ({"osteomyelitis": "present"}, "fragile_bone"),
        ({"headaches": "present"}, "skull_remodeling"),
        ({"hepatosplenomegaly": "present"}, "marrow_failure"),
        ({"failure_to_thrive": "present"}, "severe_illness"),
        ({"tetany": "present"}, "calcium_trapping"),
    ],
)
def test_each_mechanism_is_reached_by_its_findings(findings, mechanism):
    hits = {m.mechanism.slug: [f.slug for f in m.findings] for m in run(findings).mechanisms}
    assert list(hits) == [mechanism]
    assert hits[mechanism] == list(findings)


def test_frontal_bossing_belongs_to_two_mechanisms():
    hits = {m.mechanism.slug for m in run({"frontal_bossing": "present"}).mechanisms}
    assert hits == {"fragile_bone", "skull_remodeling"}


def test_absent_findings_reach_no_mechanism():
    assert run({"fractures": "absent"}).mechanisms == ()


@pytest.mark.parametrize(
    ("finding", "flag"),
    [
        ("hypocalcemia", "symptomatic_hypocalcemia"),
        ("seizure_like_events", "possible_hypocalcemia"),
        ("cranial_nerve_compression", "cranial_nerve_compression"),
        ("facial_paralysis", "possible_nerve_compression"),
        ("visual_impairment", "possible_nerve_compression"),
        ("raised_csf_pressure", "csf_obstruction"),
        ("thrombocytopenia", "low_blood_counts"),
        ("failure_to_thrive", "failure_to_thrive"),
    ],
)
def test_red_flags(finding, flag):
    assert flag in {r.flag.id for r in run({finding: "present"}).red_flags}


def test_no_red_flag_for_bone_fragility_alone():
    assert run({"fractures": "present", "bone_pain": "present"}).red_flags == ()


def test_genes_consistent_with_the_lean_are_marked():
    genes = run({"hypocalcemia": "present"}, onset="neonatal").genes
    consistent = {g.gene.symbol for g in genes if g.consistent}
    assert {"TCIRG1", "TNFSF11", "CA2", "CLCN7", "OSTM1", "PLEKHM1", "TNFRSF11A"} <= consistent
    assert "LRP5" not in consistent
    assert not any(g.consistent for g in run().genes)


def test_next_checks_rank_what_would_move_the_lean_most():
    a = run({"hypocalcemia": "present"})
    first = a.next_checks[0]
    assert first.key == "onset"  # neonatal onset would turn low calcium into the source document's named clue
    assert {v: (lean, strength) for v, lean, strength in first.outcomes}["neonatal"] == ("recessive", "moderate")
    assessed = run({"hepatosplenomegaly": "present"})
    assert "hepatosplenomegaly" not in {c.key for c in assessed.next_checks}


def test_unknown_inputs_are_rejected_not_ignored():
    with pytest.raises(ValueError, match="unknown finding: nope"):
        run({"nope": "present"})
    with pytest.raises(ValueError, match="unknown onset"):
        run(onset="yesterday")
