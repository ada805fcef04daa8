"""The differential's presenter fast path equals the plain presenter main had (kept here as the reference)."""

from __future__ import annotations

from types import SimpleNamespace

import orjson
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from rules import Answers
from rules import load_knowledge
from rules.differential import DISAGREEMENT_SOURCE
from rules.differential import disagreement
from rules.differential import load_model
from rules.differential import rank
from webapp.checklist.differential import _heads
from webapp.checklist.differential import _row_data
from webapp.checklist.differential import other_terms
from webapp.checklist.differential import present_differential
from webapp.checklist.differential import rank_genes
from webapp.infra.jsonprovider import _FRAGMENT
from webapp.infra.jsonprovider import JsonRow

KB = load_knowledge()
MODEL = load_model(KB)
FINDING_TERMS = {f.hpo for f in KB.findings.values()} | {a for f in KB.findings.values() for a in f.anchors}
OTHER_TERMS = sorted(t for t in MODEL.terms if t not in FINDING_TERMS)


def reference(answers, lean, typed):
    """present_differential and the gene order as main (commit caa345d) wrote them, on the plain ranking."""
    ranking = rank(answers, KB, typed)
    heads = _heads(KB)
    entries = [{**heads[r.entry.id], "probability": round(r.probability, 4),
                "evidence": [JsonRow(_row_data(ev)) for ev in r.evidence]} for r in ranking.entries]
    words = disagreement(lean, ranking)
    notes = {
        "confident": ranking.confident,
        "message": "" if ranking.confident else (
            "Too little entered to rank the types: no type reaches a probability of 0.3. "
            "Assess the findings below that best tell them apart."),
        "disagreement": {"message": words, "source": {"id": DISAGREEMENT_SOURCE[0], "locator": DISAGREEMENT_SOURCE[1]}}
        if words else None,
        "by_gene": [{"gene": g.gene, "probability": round(g.probability, 4), "entries": list(g.entries)}
                    for g in ranking.genes],
        "separating_checks": [{"id": s.slug, "label": s.label, "check": KB.findings[s.slug].check,
                               "gain_bits": s.gain_bits, "favours_if_present": list(s.favours_if_present)}
                              for s in ranking.separating],
        "method": {"title": "", "url": "", "hpo_release": ranking.hpo_release, "prior": ""},
    }
    return entries, notes


def encoded(value):
    return orjson.dumps(value, default=_FRAGMENT)


answers_strategy = st.builds(
    Answers,
    findings=st.dictionaries(st.sampled_from(sorted(KB.findings)), st.sampled_from(["present", "absent", "unknown"])),
    onset=st.sampled_from(sorted(KB.onsets)),
    family_history=st.sampled_from(sorted(KB.family_histories)),
)
typed_strategy = st.lists(st.tuples(st.sampled_from(OTHER_TERMS), st.sampled_from(["present", "absent"])),
                          max_size=2, unique_by=lambda t: t[0])


@settings(max_examples=300, deadline=None)
@given(answers_strategy, st.sampled_from(["recessive", "dominant", "none"]), typed_strategy)
def test_the_fast_presenter_writes_the_same_json_as_the_plain_one(answers, lean, typed):
    parsed = SimpleNamespace(unmapped=tuple(SimpleNamespace(input=t, state=s) for t, s in typed))  # as Parsed has it
    assert other_terms(parsed) == typed
    entries, notes = present_differential(answers, lean, KB, parsed)
    ref_entries, ref_notes = reference(answers, lean, typed)
    assert encoded(entries) == encoded(ref_entries)
    notes = {**notes, "method": {**notes["method"], "title": "", "url": "", "prior": ""}}
    assert encoded(notes) == encoded(ref_notes)
    genes = [JsonRow({"symbol": g, "consistent": i % 3 != 0}) for i, g in enumerate(
        ["TCIRG1", "CLCN7", "XYZ", "OSTM1", "SNX10", "LRP5", "PLEKHM1", "CA2"])]
    share = {g["gene"]: g["probability"] for g in notes["by_gene"]}
    assert rank_genes(genes, notes) == sorted(genes, key=lambda r: (not r["consistent"], -share.get(r["symbol"], -1.0)))
