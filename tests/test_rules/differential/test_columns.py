"""The precomputed columns (rules/differential/columns.py) against the plain, entry-by-entry reference
(Model.term_evidence): the same ratio, the same match and the same annotation for every entry."""

from __future__ import annotations

import random

import pytest

from rules import Answers
from rules import load_knowledge
from rules.differential import load_model
from rules.differential import model_from_data
from rules.differential import prepare
from rules.differential import rank
from rules.differential.columns import KINDS
from rules.differential.columns import build_columns
from tests.test_rules.differential.test_differential import DISEASES
from tests.test_rules.differential.test_differential import GROUP
from tests.test_rules.differential.test_differential import ONTOLOGY

KB = load_knowledge()
MODEL = load_model(KB)
STATES = ("present", "absent")


def same(column, reference):
    """The column's rows as (ratio, match, annotation) equal the reference Evidence rows'."""
    rows = [(column.lrs[i], KINDS[column.kinds[i]], column.annotations[i]) for i in range(len(reference))]
    return rows == [(ev.lr, ev.match, ev.annotation) for ev in reference]


def test_the_tables_hold_every_term_of_the_subset_and_every_finding_onset_and_family_history():
    tables = prepare(MODEL, KB)
    assert set(tables.terms) == set(MODEL.terms)
    assert set(tables.findings) == set(KB.findings)
    assert set(tables.onsets) == set(KB.onsets) and set(tables.family_histories) == set(KB.family_histories)


@pytest.mark.parametrize("seed", range(4))
def test_typed_term_columns_equal_the_plain_reference(seed):
    tables = prepare(MODEL, KB)
    for term in random.Random(seed).sample(sorted(MODEL.terms), 40):
        for k, state in enumerate(STATES):
            assert same(tables.terms[term][k], MODEL.term_evidence(term, (term,), "x", state)), (term, state)


def test_finding_columns_equal_the_plain_reference():
    tables = prepare(MODEL, KB)
    for slug, f in KB.findings.items():
        for k, state in enumerate(STATES):
            item = tables.findings[slug][k]
            assert same(item.column, MODEL.term_evidence(f.hpo, f.anchors, f.label, state)), (slug, state)
            assert (item.hpo, item.label, item.state) == (f.hpo, f.label, state)


def test_the_builder_equals_the_plain_reference_across_the_subset():
    indirect: dict = {}  # shared across terms, as a build shares it
    for term in sorted(MODEL.terms)[::7]:  # a seventh of the subset, spread over every branch
        columns = build_columns(MODEL, term, indirect=indirect)
        for column, state in zip(columns, STATES, strict=True):
            assert same(column, MODEL.term_evidence(term, (term,), "x", state)), (term, state)


def test_on_hand_made_annotations_every_term_and_state_equals_the_reference():
    model = model_from_data(ONTOLOGY, [*DISEASES, GROUP], KB, facts={"ORPHA:9": {"pools_into": ["OMIM:2"]}})
    tables = prepare(model, KB)
    for term in ONTOLOGY["terms"]:
        for k, state in enumerate(STATES):
            assert same(tables.terms[term][k], model.term_evidence(term, (term,), "x", state)), (term, state)


def test_a_term_outside_the_subset_gets_each_entrys_floor_and_is_not_kept():
    tables = prepare(MODEL, KB)
    before = len(tables.terms)
    ranking = rank(Answers(), KB, [("HP:9999999", "present")])
    assert len(tables.terms) == before and "HP:9999999" not in tables.terms
    for r in ranking.entries[:5]:
        (ev,) = r.evidence
        assert ev.match == "none" and ev.hpo == "HP:9999999" and ev.lr == MODEL.floor[r.index]
