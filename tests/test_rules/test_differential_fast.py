"""The differential's fast path (rank, separating_checks) equals its plain definition for generated inputs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from rules import Answers
from rules import load_knowledge
from rules.differential import SEPARATE_TOP
from rules.differential import load_model
from rules.differential import rank
from rules.differential import rank_reference
from rules.differential import separating_checks
from rules.differential import separating_checks_reference

KB = load_knowledge()
MODEL = load_model(KB)
FINDING_TERMS = {f.hpo for f in KB.findings.values()} | {a for f in KB.findings.values() for a in f.anchors}
OTHER_TERMS = sorted(t for t in MODEL.terms if t not in FINDING_TERMS)

answers_strategy = st.builds(
    Answers,
    findings=st.dictionaries(st.sampled_from(sorted(KB.findings)), st.sampled_from(["present", "absent", "unknown"])),
    onset=st.sampled_from(sorted(KB.onsets)),
    family_history=st.sampled_from(sorted(KB.family_histories)),
)
typed_strategy = st.lists(st.tuples(st.sampled_from([*OTHER_TERMS, "HP:9999999"]),
                                    st.sampled_from(["present", "absent"])), max_size=3, unique_by=lambda t: t[0])


@settings(max_examples=400, deadline=None)
@given(answers_strategy, typed_strategy)
def test_the_fast_ranking_equals_the_plain_one(answers, typed):
    fast, plain = rank(answers, KB, typed), rank_reference(answers, KB, typed)
    assert fast == plain  # entries (with every evidence row), genes, separating checks, confidence
    assert [type(r).__name__ for r in fast.entries] == ["Ranked"] * len(plain.entries)
    assert all(type(g).__name__ == "GeneShare" for g in fast.genes)
    assert [g.gene for g in fast.genes] == [g.gene for g in plain.genes]


@settings(max_examples=300, deadline=None)
@given(answers_strategy, st.integers(min_value=0, max_value=len(MODEL.entries) - 1), st.integers(2, SEPARATE_TOP + 2))
def test_the_fast_separating_checks_equal_the_plain_ones_for_any_top(answers, start, size):
    top = rank_reference(answers, KB).entries[start:start + size]
    assert separating_checks(answers, KB, MODEL, top) == separating_checks_reference(answers, KB, MODEL, top)


def test_ties_in_gene_shares_go_by_gene_name_as_in_the_plain_ranking():
    empty = Answers(findings={}, onset="unknown", family_history="unknown")
    fast = rank(empty, KB)
    assert fast.genes == rank_reference(empty, KB).genes
    shares = [g.probability for g in fast.genes]
    assert len(set(shares)) < len(shares)  # there are ties, and they are ordered the same way
