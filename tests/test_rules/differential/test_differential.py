"""The differential (rules/differential/): its likelihood ratios on hand-made annotations, and the shipped
data's typical pictures ranking their own gene in the top three."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from rules import Answers
from rules import load_knowledge
from rules.core.errors import KnowledgeError
from rules.differential import COHORT_PSEUDOCOUNT
from rules.differential import FALSE_NEGATIVE_P
from rules.differential import FAMILY_FIT
from rules.differential import NO_MATCH_LR
from rules.differential import NOT_PRESENT_LR
from rules.differential import UNSTATED_FREQUENCY
from rules.differential import disagreement
from rules.differential import load_model
from rules.differential import model_from_data
from rules.differential import rank
from rules.differential.model import COMPLETE_ANNOTATIONS
from rules.differential.model import DEFAULT_PRIOR_PER_MILLION
from rules.differential.model import MAX_LR
from rules.differential.model import MIN_COMPLETENESS
from rules.differential.model import WEAK_ANNOTATION_EXPONENT

KB = load_knowledge()

# A tiny ontology: All > Phenotypic abnormality > Organ > Bone > {Bone-a, Bone-b}; Organ > Eye; Other.
ORGAN, BONE, BONE_A, BONE_B, EYE, OTHER = (f"HP:100000{i}" for i in range(1, 7))
ONTOLOGY = {
    "hpo_release": "test",
    "terms": {
        "HP:0000001": ["All", [], 1, 1.0],
        "HP:0000118": ["Phenotypic abnormality", ["HP:0000001"], 2, 0.99],
        ORGAN: ["Organ", ["HP:0000118"], 2, 0.5],
        BONE: ["Bone", [ORGAN], 2, 0.1],
        BONE_A: ["Bone-a", [BONE], 0, 0.02],
        BONE_B: ["Bone-b", [BONE], 0, 0.02],
        EYE: ["Eye", [ORGAN], 0, 0.05],
        OTHER: ["Other", ["HP:0000118"], 0, 0.2],
    },
}


def ann(hpo, frequency="", negated=False, p=0.5):
    return {
        "hpo": hpo,
        "name": ONTOLOGY["terms"][hpo][0],
        "frequency": frequency,
        "p": p,
        "negated": negated,
        "references": f"PMID:{hpo[-1]}",
    }


DISEASES = [
    {
        "id": "OMIM:1",
        "name": "X",
        "genes": ["GX"],
        "inheritance": "dominant",
        "onsets": [{"hpo": "HP:0003593", "name": "Infantile onset", "frequency": "", "p": 0.5}],
        "annotations": [ann(BONE, "4/4"), ann(EYE, "0/3", negated=True, p=0.0)],
    },
    {
        "id": "OMIM:2",
        "name": "Y",
        "genes": ["GY"],
        "inheritance": "recessive",
        "onsets": [],
        "annotations": [ann(BONE_A, "Very frequent", p=0.9)],
    },
    {
        "id": "OMIM:3",
        "name": "Z",
        "genes": ["GZ", "GX"],
        "inheritance": "recessive",
        "onsets": [],
        "annotations": [ann(OTHER, "")],
    },
]
MODEL = model_from_data(ONTOLOGY, DISEASES, KB)


def evidence(term, state, entry):
    ranking = rank(Answers(), KB, [(term, state)], model=MODEL)
    ranked = next(r for r in ranking.entries if r.entry.id == entry)
    (ev,) = ranked.evidence
    return ev


def test_exact_match_is_the_frequency_over_the_background():
    ev = evidence(BONE, "present", "OMIM:1")
    p = (4 + COHORT_PSEUDOCOUNT) / (4 + 2 * COHORT_PSEUDOCOUNT)  # 4/4 smoothed: not a certainty
    assert ev.match == "exact" and ev.lr == pytest.approx(p / 0.1) and ev.source == "PMID:2"


def test_a_broader_term_entered_takes_the_frequency_of_the_annotation_below_it():
    ev = evidence(BONE, "present", "OMIM:2")  # annotated Bone-a, Bone entered
    assert ev.match == "below" and ev.lr == pytest.approx(0.9 / 0.1) and ev.annotation.hpo == BONE_A


def test_a_more_specific_term_entered_is_discounted_by_the_annotated_terms_children():
    ev = evidence(BONE_A, "present", "OMIM:1")  # annotated Bone (two children), Bone-a entered
    p = 4.5 / 5
    assert ev.match == "above" and ev.lr == pytest.approx(p / 2 / 0.02)


def floor_of(entry_id):
    """The ratio of a present term the entry lacks: NO_MATCH_LR weighed by how fully it is annotated."""
    entry = next(e for e in MODEL.entries if e.id == entry_id)
    return NO_MATCH_LR ** max(MIN_COMPLETENESS, entry.completeness)


def test_only_a_common_ancestor_is_a_weak_indirect_match_and_no_common_ancestor_the_entrys_floor():
    ev = evidence(EYE, "present", "OMIM:2")  # Eye and Bone-a share Organ: halfway to neutral, never x1.8
    assert ev.match == "ancestor" and ev.lr == pytest.approx((floor_of("OMIM:2") * 1.0) ** 0.5) and ev.lr < 1
    ev = evidence(OTHER, "present", "OMIM:2")  # nothing in common below the root
    assert ev.match == "none" and ev.lr == pytest.approx(floor_of("OMIM:2"))


def test_a_term_an_entry_lacks_counts_by_how_fully_the_entry_is_annotated():
    thin = model_from_data(ONTOLOGY, DISEASES, KB)
    full = model_from_data(
        ONTOLOGY,
        [
            {
                **DISEASES[1],
                "annotations": [ann(BONE_A, "Very frequent", p=0.9)]
                + [  # distinct terms (outside the tiny ontology): completeness counts terms, not rows
                    {**ann(OTHER, "Occasional", p=0.17), "hpo": f"HP:20{i:05d}"} for i in range(COMPLETE_ANNOTATIONS)
                ],
            }
        ],
        KB,
    )
    lacks = [(EYE, "present")]
    thin_lr = next(r for r in rank(Answers(), KB, lacks, model=thin).entries if r.entry.id == "OMIM:2").evidence[0]
    full_lr = rank(Answers(), KB, lacks, model=full).entries[0].evidence[0]
    assert full_lr.match == thin_lr.match == "ancestor"
    assert thin_lr.lr > full_lr.lr == pytest.approx(NO_MATCH_LR**0.5)  # a full entry: the flat floor


def test_an_entry_known_from_one_term_is_not_neutral_to_every_other_term():
    ev = evidence(OTHER, "present", "OMIM:2")  # OMIM:2 has one annotation, nothing in common with Other
    assert ev.match == "none" and ev.lr == pytest.approx(NO_MATCH_LR**MIN_COMPLETENESS) and ev.lr <= 0.1


GROUP = {
    "id": "ORPHA:9",
    "name": "Group of Y",
    "genes": ["GY"],
    "inheritance": "recessive",
    "onsets": [],
    "annotations": [ann(EYE, "Very frequent", p=0.9), ann(BONE_A, "Occasional", p=0.17), ann(OTHER, negated=True)],
}
POOLED = model_from_data(ONTOLOGY, [*DISEASES, GROUP], KB, facts={"ORPHA:9": {"pools_into": ["OMIM:2"]}})


def pooled_evidence(term, state):
    ranking = rank(Answers(), KB, [(term, state)], model=POOLED)
    return next(r for r in ranking.entries if r.entry.id == "OMIM:2").evidence[0], ranking


def test_an_orphanet_group_fills_its_gene_entrys_gaps_tempered_and_is_not_ranked_itself():
    ev, ranking = pooled_evidence(EYE, "present")  # OMIM:2 lacks Eye; its group has it, very frequent
    assert "ORPHA:9" not in {r.entry.id for r in ranking.entries}
    assert ev.match == "group" and ev.source == "PMID:5"
    assert ev.lr == pytest.approx((0.9 / 0.05) ** WEAK_ANNOTATION_EXPONENT)  # a group's row: always tempered
    absent, _ = pooled_evidence(EYE, "absent")
    assert absent.match == "group" and absent.lr == pytest.approx(((1 - 0.9) / 0.95) ** WEAK_ANNOTATION_EXPONENT)


def test_the_gene_entrys_own_annotation_wins_over_its_groups():
    ev, _ = pooled_evidence(BONE_A, "present")  # own: very frequent; the group's: occasional
    assert ev.match == "exact" and ev.lr == pytest.approx(0.9 / 0.02)


def test_a_groups_not_annotation_is_not_pooled():
    ev, _ = pooled_evidence(OTHER, "present")  # the group is annotated NOT Other: its own patients only
    assert ev.match == "none" and ev.lr > NOT_PRESENT_LR


def test_a_group_pooled_into_an_entry_sharing_no_gene_is_refused():
    with pytest.raises(KnowledgeError, match="ORPHA:9 pools_into OMIM:1"):
        model_from_data(ONTOLOGY, [*DISEASES, GROUP], KB, facts={"ORPHA:9": {"pools_into": ["OMIM:1"]}})


def test_no_single_ratio_goes_beyond_the_cap():
    ontology = {**ONTOLOGY, "terms": {**ONTOLOGY["terms"], BONE_A: ["Bone-a", [BONE], 0, 0.0001]}}
    model = model_from_data(ontology, DISEASES, KB)
    ranked = next(r for r in rank(Answers(), KB, [(BONE_A, "present")], model=model).entries if r.entry.id == "OMIM:2")
    assert ranked.evidence[0].lr == MAX_LR  # 0.9 / 0.0001 would be x9000


def test_a_present_term_the_entry_is_annotated_not_with_is_a_strong_ratio_against():
    ev = evidence(EYE, "present", "OMIM:1")
    assert ev.match == "not" and ev.lr == NOT_PRESENT_LR and ev.source == "PMID:5"


def test_an_excluded_term_counts_one_minus_the_frequency():
    ev = evidence(BONE, "absent", "OMIM:2")
    assert ev.lr == pytest.approx((1 - 0.9) / (1 - 0.1))
    ev = evidence(BONE, "absent", "OMIM:1")  # 4/4: floored, a feature can be missed
    assert ev.lr == pytest.approx(max(FALSE_NEGATIVE_P, 1 - 0.9) / 0.9)
    ev = evidence(BONE, "absent", "OMIM:3")  # not annotated: a slight ratio for
    assert ev.match == "none" and ev.lr == pytest.approx(1 / 0.9)
    ev = evidence(EYE, "absent", "OMIM:1")  # annotated NOT, excluded too: agrees, no more than unannotated
    assert ev.match == "not" and ev.lr == pytest.approx(1 / 0.95)


def test_an_unstated_frequency_counts_as_even_odds_tempered_as_a_weak_annotation():
    ev = evidence(OTHER, "present", "OMIM:3")
    assert ev.lr == pytest.approx((UNSTATED_FREQUENCY / 0.2) ** WEAK_ANNOTATION_EXPONENT)


def test_a_single_patient_annotation_is_tempered_and_a_cohort_is_not():
    one = model_from_data(ONTOLOGY, [{**DISEASES[1], "annotations": [ann(BONE_A, "1/1")]}], KB)
    ten = model_from_data(ONTOLOGY, [{**DISEASES[1], "annotations": [ann(BONE_A, "10/10")]}], KB)
    p_one, p_ten = (1 + COHORT_PSEUDOCOUNT) / (1 + 2 * COHORT_PSEUDOCOUNT), (10 + COHORT_PSEUDOCOUNT) / 11
    lr_one = rank(Answers(), KB, [(BONE_A, "present")], model=one).entries[0].evidence[0].lr
    lr_ten = rank(Answers(), KB, [(BONE_A, "present")], model=ten).entries[0].evidence[0].lr
    assert lr_one == pytest.approx((p_one / 0.02) ** WEAK_ANNOTATION_EXPONENT)
    assert lr_ten == pytest.approx(p_ten / 0.02)


def test_an_entry_starts_from_its_cited_prior_and_the_others_from_the_stated_default():
    facts = {"OMIM:2": {"prior": {"per_million": 2.0, "basis": "test", "cite": {"source": "hpo", "locator": "x"}}}}
    model = model_from_data(ONTOLOGY, DISEASES, KB, facts=facts)
    ranking = rank(Answers(), KB, model=model)
    probabilities = {r.entry.id: r.probability for r in ranking.entries}
    default = DEFAULT_PRIOR_PER_MILLION
    assert probabilities["OMIM:2"] == pytest.approx(2.0 / (2.0 + 2 * default))
    assert ranking.entries[0].entry.prior_cite == ("hpo", "x") and ranking.entries[1].entry.prior_cite is None
    assert not ranking.confident  # nothing entered: the prior alone never makes the ranking sure


def test_the_fit_is_poor_when_the_best_entry_explains_under_half_of_what_is_present():
    ranking = rank(Answers(), KB, [(BONE, "present"), (OTHER, "present"), (EYE, "present")], model=MODEL)
    assert ranking.fit.total == 3 and ranking.fit.explained < 2 and ranking.fit.state == "poor"
    ranking = rank(Answers(), KB, [(BONE, "present")], model=MODEL)
    assert ranking.fit == ("fits", 1, 1)


def test_onset_compares_with_the_entrys_onset_annotations():
    def onset_lr(onset, entry):
        ranking = rank(Answers(onset=onset), KB, model=MODEL)
        return next(r for r in ranking.entries if r.entry.id == entry).evidence[0].lr

    assert onset_lr("infancy", "OMIM:1") > onset_lr("neonatal", "OMIM:1") > onset_lr("adulthood", "OMIM:1")
    assert onset_lr("adulthood", "OMIM:1") < 1 < onset_lr("infancy", "OMIM:1")
    assert onset_lr("infancy", "OMIM:2") == 1.0  # no onset recorded: no ratio either way


def test_family_history_weighs_the_entries_inheritance():
    ranking = rank(Answers(family_history="affected_parent"), KB, model=MODEL)
    lrs = {r.entry.id: r.evidence[0].lr for r in ranking.entries}
    mode, ratio = FAMILY_FIT["affected_parent"]
    assert mode == "dominant" and lrs == {"OMIM:1": ratio, "OMIM:2": 1 / ratio, "OMIM:3": 1 / ratio}
    assert ranking.entries[0].entry.id == "OMIM:1"


def test_probabilities_sum_to_one_best_first_and_genes_share_them():
    ranking = rank(Answers(onset="infancy"), KB, [(BONE, "present"), (OTHER, "absent")], model=MODEL)
    probs = [r.probability for r in ranking.entries]
    assert math.isclose(sum(probs), 1.0) and probs == sorted(probs, reverse=True)
    logs = [sum(math.log(ev.lr) for ev in r.evidence) for r in ranking.entries]
    assert probs[0] / probs[1] == pytest.approx(math.exp(logs[0] - logs[1]))
    genes = {g.gene: g.probability for g in ranking.genes}
    z = next(r.probability for r in ranking.entries if r.entry.id == "OMIM:3")
    x = next(r.probability for r in ranking.entries if r.entry.id == "OMIM:1")
    assert genes["GX"] == pytest.approx(x + z / 2) and math.isclose(sum(genes.values()), 1.0)
    assert rank(Answers(onset="infancy"), KB, [(BONE, "present"), (OTHER, "absent")], model=MODEL) == ranking


# --- the shipped data ------------------------------------------------------------------------------


def top_genes(findings, onset="unknown", family_history="unknown", n=3):
    ranking = rank(Answers(findings, onset, family_history), KB)
    genes = []
    for r in ranking.entries:
        genes += [g for g in r.entry.genes if g not in genes]
        if len(genes) >= n:
            break
    return ranking, genes[:n]


def test_every_dense_bone_entry_is_ranked_and_an_empty_form_says_too_little():
    ranking = rank(Answers(), KB)
    groups = [r.entry.group for r in ranking.entries]
    # 20 osteopetroses, less the four Orphanet groups pooled into their gene entries
    assert groups.count("osteopetrosis") == 16 and groups.count("other") > 100
    assert {r.entry.id.split(":")[0] for r in ranking.entries} == {"OMIM", "ORPHA", "DECIPHER"}
    # Nothing entered: the ranking is the priors alone, and it says too little was entered.
    total = sum(r.entry.prior for r in ranking.entries)
    assert all(r.probability == pytest.approx(r.entry.prior / total) for r in ranking.entries)
    assert not ranking.confident and not ranking.entries[0].evidence
    assert ranking.hpo_release == "2025-01-16"


@pytest.mark.parametrize(
    ("findings", "onset", "family", "gene"),
    [
        # Each an osteopetrosis picture (dense bone on imaging): the ranking also covers other dense-bone disorders.
        ({"renal_tubular_acidosis": "present", "cerebral_calcification": "present"}, "unknown", "unknown", "CA2"),
        (
            {
                "seizure_like_events": "present",
                "hypocalcemia": "absent",
                "brain_atrophy": "present",
                "dense_bone": "present",
            },
            "neonatal",
            "unknown",
            "OSTM1",
        ),
        (
            {"low_immunoglobulins": "present", "recurrent_infections": "present", "dense_bone": "present"},
            "unknown",
            "unknown",
            "TNFRSF11A",
        ),
        (
            {"coloboma": "present", "microphthalmia": "present", "hypopigmentation": "present"},
            "unknown",
            "unknown",
            "MITF",
        ),
    ],
)
def test_typical_pictures_rank_their_own_gene_in_the_top_three(findings, onset, family, gene):
    _, genes = top_genes(findings, onset, family)
    assert gene in genes


def test_mitf_comes_first_from_coloboma_microphthalmia_and_hypopigmentation():
    ranking, genes = top_genes({"coloboma": "present", "microphthalmia": "present", "hypopigmentation": "present"})
    assert genes[0] == "MITF" and ranking.entries[0].entry.id == "OMIM:617306"


def test_dominant_clcn7_comes_first_for_an_adult_with_fractures_jaw_infection_and_an_affected_parent():
    ranking = rank(
        Answers({"fractures": "present", "osteomyelitis": "present"}, "adulthood", "affected_parent"),
        KB,
        [("HP:0007626", "present")],
    )  # Mandibular osteomyelitis, typed as an HPO term
    best = ranking.entries[0].entry
    assert best.genes == ("CLCN7",) and best.inheritance == "dominant"


def test_the_evidence_lists_every_input_item_with_the_annotation_and_its_reference():
    ranking = rank(Answers({"renal_tubular_acidosis": "present", "fractures": "absent"}, "infancy"), KB)
    for r in ranking.entries:
        assert [ev.label for ev in r.evidence] == [
            "Renal tubular acidosis",
            "Frequent or poorly healing fractures",
            "Onset: Infancy (1 to 12 months)",
        ]
    ca2 = next(r for r in ranking.entries if r.entry.id == "OMIM:259730").evidence[0]
    assert ca2.match == "below" and ca2.annotation.hpo == "HP:0008341" and ca2.source == "PMID:8834238"


def test_the_not_annotations_of_the_shipped_data_count_against():
    ranking = rank(Answers({"fractures": "present"}), KB)
    lrp5 = next(r for r in ranking.entries if r.entry.id == "OMIM:607634").evidence[0]
    assert lrp5.match == "not" and lrp5.lr == NOT_PRESENT_LR  # Recurrent fractures 0/10


def test_separating_checks_are_unassessed_findings_that_tell_the_top_entries_apart():
    answers = Answers({"seizure_like_events": "present", "brain_atrophy": "present"}, "neonatal")
    ranking = rank(answers, KB)
    assert ranking.separating
    for s in ranking.separating:
        assert answers.state(s.slug) == "unknown" and s.gain_bits > 0
        assert set(s.favours_if_present) <= {r.entry.id for r in ranking.entries[:3]}


def test_disagreement_between_the_lean_and_the_best_entry_is_said_plainly():
    ranking = rank(Answers({"renal_tubular_acidosis": "present", "cerebral_calcification": "present"}), KB)
    words = disagreement("dominant", ranking)
    assert "lean is dominant" in words and "recessive" in words and "Neither overrides the other" in words
    assert disagreement("recessive", ranking) == "" and disagreement("indeterminate", ranking) == ""
    assert disagreement("dominant", rank(Answers(), KB)) == ""  # too little to rank: nothing to contradict


def test_nothing_typed_in_is_kept_by_the_model():
    """The model's tables are built whole before any request: a request looks columns up and leaves every
    table as it was (the same objects, the same sizes); a term outside the subset is not added."""
    model = load_model(KB)
    tables = model.tables
    sizes = (len(model._cache), len(model._up), len(tables.terms), len(tables.findings))
    rank(Answers({"anemia": "present"}), KB, [("HP:0001631", "present"), ("HP:9999999", "absent")])
    assert model.tables is tables
    assert (len(model._cache), len(model._up), len(tables.terms), len(tables.findings)) == sizes
    assert "HP:9999999" not in tables.terms and "HP:9999999" not in model._up


def test_the_explanation_is_the_same_in_every_process():
    """Ties between annotations (one reached from two anchors, or two with the same frequency) are
    broken the same way whatever Python's hash seed: the matched annotation a row names never flips."""
    import os

    script = (
        "from rules import load_knowledge; from rules.differential import rank;"
        " from rules.core.model import Answers;"
        "kb = load_knowledge(); a = Answers({'hypocalcemia': 'present', 'hepatosplenomegaly': 'present',"
        " 'anemia': 'present', 'visual_impairment': 'present'}, 'neonatal', 'unknown');"
        "print([(r.entry.id, [(e.match, e.annotation.hpo if e.annotation else None, e.source)"
        " for e in r.evidence]) for r in rank(a, kb).entries])"
    )
    root = Path(__file__).resolve().parents[3]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_every_look_alike_condition_is_well_formed_and_cites_a_known_source():
    from rules.core.conditions import Vocabulary
    from rules.core.conditions import check
    from rules.differential import lookalikes

    vocabulary = Vocabulary(frozenset(KB.findings), frozenset(KB.onsets), frozenset(KB.family_histories))
    assert lookalikes()
    for x in lookalikes():
        assert check(x.when, vocabulary) == "", x.id
        assert x.cite[0] in KB.sources and x.cite[1] and x.separates
