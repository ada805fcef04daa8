"""The lean, the premise, red flags, cards and work-up read in context: the onset, the premise and
what was entered decide the level, the action and what is shown (docs/knowledge.md sections 3, 6
and 9; docs/decisions/0020-an-x-linked-lean.md)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from rules import Answers
from rules import evaluate
from rules import holds
from rules import load_knowledge
from rules.checklist.reference import reference_next_checks
from rules.core.conditions import answer_masks
from rules.core.conditions import compile_condition
from rules.core.conditions import finding_bits
from rules.core.hpo import load_hpo
from rules.request import parse_request

KB = load_knowledge()
HPO = load_hpo()
BITS = finding_bits(KB)
LATER = ("childhood", "adolescence", "adulthood")
NERVE_SIGNS = ("abnormal_eye_movements", "visual_impairment", "hearing_impairment", "facial_paralysis")


def run(findings=None, onset="unknown", family_history="unknown"):
    return evaluate(Answers(findings or {}, onset, family_history), KB)


def flags(assessment):
    return {h.flag.id: h.flag.level for h in assessment.red_flags}


def clue(clue_id):
    return next(c for c in KB.clues if c.id == clue_id)


# --- The lean: onset and consanguinity weighted from evidence ------------------------------------------


def test_related_parents_weigh_as_much_as_late_onset_and_infant_onset():
    assert clue("consanguineous_parents").weight == clue("late_onset").weight == clue("infant_onset").weight == 2
    assert clue("affected_parent").weight > clue("consanguineous_parents").weight


def test_the_consanguineous_plekhm1_girl_of_twelve_does_not_lean_dominant():
    # The written case optb6-dense-bones-at-twelve: recessive PLEKHM1, found at 12, every recessive sign absent.
    absent = [
        "bone_pain",
        "fractures",
        "cranial_nerve_compression",
        "visual_impairment",
        "hearing_impairment",
        "hepatosplenomegaly",
        "anemia",
        "thrombocytopenia",
        "leukopenia",
    ]
    lean = run({s: "absent" for s in absent}, "adolescence", "consanguineous_parents").inheritance.lean
    assert lean != "dominant"


def test_a_school_age_child_with_one_recessive_sign_does_not_lean_dominant():
    # An 8-year-old (onset class 5 to 15 years) with failing sight, as in a late-recognised TNFRSF11A child.
    assert run({"visual_impairment": "present"}, "adolescence").inheritance.lean == "indeterminate"


def test_the_late_onset_clue_says_no_false_thing_about_hpo_onsets():
    said = clue("late_onset").beyond_seed
    assert "every recessive" not in said
    assert "no onset for CA2 (OMIM 259730) or the recessive PLEKHM1 form (OMIM 611497)" in said


def test_the_neonatal_calcium_clue_is_worded_as_the_source_document_words_it():
    c = clue("neonatal_hypocalcemia")
    assert c.cite.passage == "Low calcium may be present at birth and is a clue to the diagnosis of osteopetrosis"
    assert "clue to osteopetrosis itself, not to one of its forms" in c.why and "malignant infantile" not in c.why


# --- The X-linked lean ------------------------------------------------------------------------------------


def test_an_x_linked_family_pattern_gives_the_x_linked_lean_weak_whatever_the_score():
    a = run(
        {"anemia": "present", "hepatosplenomegaly": "present", "visual_impairment": "present"},
        "infancy",
        "x_linked_pattern",
    )
    assert (a.inheritance.lean, a.inheritance.strength) == ("x_linked", "weak")
    assert a.inheritance.score > 0  # the other clues still score, and are listed
    assert [g.gene.symbol for g in a.genes if g.consistent] == ["IKBKG"]
    # Only the premise can undo it.
    assert [c.key for c in a.next_checks] == ["dense_bone"]
    assert a.next_checks[0].outcomes == (("present", "x_linked", "weak"), ("absent", "indeterminate", None))


def test_the_x_linked_pattern_gives_no_lean_with_the_premise_contradicted():
    a = run({"dense_bone": "absent"}, "infancy", "x_linked_pattern")
    assert (a.inheritance.lean, a.premise) == ("indeterminate", "contradicted")


def test_the_family_history_question_offers_the_x_linked_lean():
    a = run({"anemia": "present"}, "infancy")
    (family,) = [c for c in a.next_checks if c.key == "family_history"]
    assert ("x_linked_pattern", "x_linked", "weak") in family.outcomes


@settings(max_examples=150, deadline=None)
@given(
    st.builds(
        Answers,
        findings=st.dictionaries(
            st.sampled_from(sorted(KB.findings)), st.sampled_from(["present", "absent", "unknown"])
        ),
        onset=st.sampled_from(sorted(KB.onsets)),
        family_history=st.just("x_linked_pattern") | st.sampled_from(sorted(KB.family_histories)),
    )
)
def test_cards_work_up_and_next_checks_are_those_their_conditions_give(answers):
    a = evaluate(answers, KB)
    present = {s for s, state in answers.findings.items() if state == "present"}
    groups = {g for s in present for g in KB.findings[s].groups}
    assert [m.mechanism.slug for m in a.mechanisms] == [
        m.slug for m in KB.mechanisms.values() if m.slug in groups and holds(m.when, answers)
    ]
    assert a.workup == tuple(w for w in KB.workup if holds(w.when, answers))
    assert [(c.kind, c.key, c.impact, c.outcomes) for c in a.next_checks] == reference_next_checks(answers, KB)
    p, ab = answer_masks(answers.findings, BITS)
    for when in [m.when for m in KB.mechanisms.values()] + [w.when for w in KB.workup]:
        assert compile_condition(when, BITS)(p, ab, answers.onset, answers.family_history) is holds(when, answers)


# --- The premise: rickets ---------------------------------------------------------------------------------


def test_rickets_does_not_contradict_the_premise_but_osteoporosis_does():
    for rickets in ("HP:0002748", "HP:0004912", "HP:0006463"):  # Rickets and the terms below it
        parsed = parse_request({"findings": {rickets: "present"}, "onset": "infancy"}, KB, HPO)
        assert parsed.answers.state("dense_bone") == "unknown", rickets
        assert evaluate(parsed.answers, KB).premise == "unconfirmed"
    parsed = parse_request({"findings": {"HP:0000939": "present"}}, KB, HPO)
    assert evaluate(parsed.answers, KB).premise == "contradicted"
    assert KB.premise.compatible == ("HP:0002748",) and KB.premise.compatible_cite.source == "genereviews-clcn7"


# --- Red flags in context -----------------------------------------------------------------------------------


def test_a_dominant_teenager_with_an_isolated_sign_gets_no_urgent_flag():
    for family in ("unaffected_parents", "affected_parent"):
        a = run({"fractures": "present", "hearing_impairment": "present"}, "adolescence", family)
        assert "urgent" not in flags(a).values(), family
        assert flags(a) == {"hearing_loss_after_infancy": "context"}


def test_one_nerve_sign_is_urgent_in_an_infant_and_high_after_infancy_two_are_urgent_at_any_age():
    for sign in NERVE_SIGNS:
        assert flags(run({sign: "present"}, "infancy"))["possible_nerve_compression"] == "urgent"
        assert flags(run({sign: "present"}))["possible_nerve_compression"] == "urgent"  # onset not known
        later = flags(run({sign: "present"}, "adulthood"))
        assert "possible_nerve_compression" not in later
        assert later == (
            {"hearing_loss_after_infancy": "context"}
            if sign == "hearing_impairment"
            else {"nerve_sign_after_infancy": "high"}
        )
    two = flags(run({"hearing_impairment": "present", "facial_paralysis": "present"}, "adulthood"))
    assert two == {"possible_nerve_compression": "urgent"}


def test_no_osteopetrosis_action_with_the_premise_contradicted():
    osteopetrosis = {
        "cranial_nerve_compression",
        "possible_nerve_compression",
        "nerve_sign_after_infancy",
        "hearing_loss_after_infancy",
        "csf_obstruction",
        "low_blood_counts",
        "low_blood_counts_later",
        "recessive_pattern_in_infant",
        "seizures_normal_calcium",
    }
    every = {s: "present" for s in KB.findings if s != "dense_bone"}
    for onset in KB.onsets:
        a = run({**every, "hypocalcemia": "absent", "dense_bone": "absent"}, onset)
        assert not osteopetrosis & set(flags(a)), onset
        assert flags(a)["signs_with_premise_contradicted"] == "urgent"
    infant = run({"visual_impairment": "present", "dense_bone": "absent"}, "infancy")
    assert "possible_nerve_compression" not in flags(infant)


def test_transplant_wording_is_for_infants_only():
    def actions(a):
        return " ".join(h.flag.action for h in a.red_flags)

    for onset in LATER:
        adult = run({"anemia": "present"}, onset)
        assert flags(adult) == {"low_blood_counts_later": "high"}
        assert "transplant" not in actions(adult)
    for onset in ("neonatal", "infancy", "unknown"):
        infant = run({"anemia": "present"}, onset)
        assert flags(infant) == {"low_blood_counts": "urgent"}
        assert "for an infant, early transfer to a centre experienced in stem-cell transplantation" in actions(infant)


def test_a_conditional_action_reads_as_a_condition():
    a = run({"hypocalcemia": "present"}, "neonatal")
    (hit,) = [h for h in a.red_flags if h.flag.id == "symptomatic_hypocalcemia"]
    assert hit.flag.action.startswith("If convulsions occur")
    assert all(not r.action.startswith("Treat ") for r in KB.red_flags)


# --- Cards and work-up in context ----------------------------------------------------------------------------


def test_the_calcium_card_is_not_shown_with_calcium_entered_normal():
    def cards(findings):
        return [m.mechanism.slug for m in run(findings).mechanisms]

    assert cards({"muscle_cramps": "present"}) == ["calcium_trapping"]
    assert cards({"muscle_cramps": "present", "hypocalcemia": "present"}) == ["calcium_trapping"]
    assert cards({"muscle_cramps": "present", "hypocalcemia": "absent"}) == []


def test_no_bone_card_with_dense_bone_entered_absent():
    findings = {"fractures": "present", "headaches": "present", "anemia": "present", "failure_to_thrive": "present"}
    assert [m.mechanism.slug for m in run(findings).mechanisms] == [
        "fragile_bone",
        "skull_remodeling",
        "marrow_failure",
        "severe_illness",
    ]
    assert [m.mechanism.slug for m in run({**findings, "dense_bone": "absent"}).mechanisms] == ["severe_illness"]


def test_the_work_up_leaves_out_what_was_entered_and_what_does_not_fit_the_age():
    def items(findings=None, onset="unknown"):
        return [w.id for w in run(findings, onset).workup]

    assert "skeletal_radiographs" in items({"anemia": "present"})
    assert "skeletal_radiographs" not in items({"dense_bone": "present"})
    assert "skeletal_radiographs" not in items({"dense_bone": "absent"})
    assert "transplant_centre" in items({"anemia": "present"}, "infancy")
    assert "transplant_centre" in items({"anemia": "present"})  # onset not known: "For an infant: ..."
    for onset in LATER:
        assert "transplant_centre" not in items({"anemia": "present"}, onset)
    assert "transplant_centre" not in items({"dense_bone": "absent"}, "infancy")
    assert "genetic_testing" in items({"dense_bone": "present"}, "adulthood")
