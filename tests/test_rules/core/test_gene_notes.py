"""Every gene note cites its real source, statement by statement (docs/knowledge.md section 3c).

A statement cited to the source document quotes it (test_knowledge.py checks the quote is verbatim);
one cited to a reference names the place (HPO: the disease id; OMIM: the entry; Orphanet: the ORPHA
number or section; a paper: abstract, table or section) and is marked as beyond the source document.
"""

from __future__ import annotations

import re

import pytest

from rules import load_knowledge
from rules.core.errors import KnowledgeError

# Words that name a reference: a statement using one rests on that reference, never on the source document.
NAMES = {
    "HPO": ("hpo",),
    "OMIM": ("omim-",),
    "Orphanet": ("orphanet-",),
    "GeneReviews": ("genereviews-",),
    "PMID": ("hpo",),
}


def _genes():
    return load_knowledge().genes


def test_every_gene_note_is_its_statements():
    for g in _genes():
        assert g.statements, g.symbol
        assert g.note == " ".join(s.text for s in g.statements), g.symbol


def test_a_note_beyond_the_source_document_cites_a_located_reference_and_is_marked():
    kb = load_knowledge()
    for g in kb.genes:
        beyond = [s for s in g.statements if kb.sources[s.cite.source].kind != "seed"]
        for s in g.statements:
            assert s.beyond_seed == (s in beyond), (g.symbol, s.text)
        for s in beyond:  # a reference is cited at a place
            assert s.cite.locator, (g.symbol, s.text)
        if beyond:
            assert g.beyond_seed == " ".join(s.text for s in beyond), g.symbol
        else:
            assert not g.beyond_seed, g.symbol


def test_every_gene_note_states_something_beyond_its_gene_line_from_a_reference():
    # The source document gives each gene one line and nothing more: any note says more than it.
    for g in _genes():
        assert any(s.beyond_seed and s.cite.locator for s in g.statements), g.symbol


def test_a_statement_cited_to_the_source_document_names_no_reference():
    for g in _genes():
        for s in g.statements:
            if not s.beyond_seed:
                assert s.cite.passage, (g.symbol, s.text)
                assert not any(name in s.text for name in NAMES), (g.symbol, s.text)
                assert not re.search(r"\d+ of \d+|\d+/\d+", s.text), (g.symbol, s.text)


def test_a_statement_naming_a_reference_cites_it():
    for g in _genes():
        for s in g.statements:
            for name, prefixes in NAMES.items():
                if re.search(rf"\b{name}\b", s.text) and not (name == "OMIM" and re.search(r"OMIM \d{6}", s.text)):
                    assert s.cite.source.startswith(prefixes), (g.symbol, name, s.text)


def test_hpo_statements_give_the_release_and_the_disease_id():
    for g in _genes():
        for s in g.statements:
            if s.cite.source == "hpo":
                assert "2025-01-16" in s.cite.locator, (g.symbol, s.text)
                assert re.search(r"\b(OMIM|ORPHA):\d+", s.cite.locator), (g.symbol, s.text)
                assert f"OMIM:{g.omim}" in s.cite.locator, (g.symbol, s.text)  # the gene's own type
            if re.search(r"\d+ of \d+", s.text):  # a cohort count comes from HPO with its denominator
                assert s.cite.source == "hpo", (g.symbol, s.text)


def test_the_debated_notes_say_who_says_what():
    genes = {(g.symbol, g.omim): g for g in _genes()}
    lrp5 = genes["LRP5", "607634"]
    sources = {s.cite.source for s in lrp5.statements}
    assert {"orphanet-ado1", "omim-607634", "iof-opta1"} <= sources
    assert "debated" in lrp5.note and "high-bone-mass" in lrp5.note
    ca2 = genes["CA2", "259730"]
    assert {"omim-259730", "blood-2001-ca2"} <= {s.cite.source for s in ca2.statements}
    assert "both ways" in ca2.note and "severe" in ca2.note
    assert "intermediate severity" not in ca2.note.lower()


def test_loader_rejects_a_reference_statement_without_a_locator(monkeypatch):
    from rules.core import loader

    real = loader._read

    def changed(file):
        data = real(file)
        if file == "genes.toml":
            data["gene"][0]["statement"][0]["cite"] = {"source": "hpo", "passage": "somewhere"}
        return data

    monkeypatch.setattr(loader, "_read", changed)
    with pytest.raises(KnowledgeError, match="needs a locator"):
        load_knowledge.__wrapped__()
