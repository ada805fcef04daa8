"""The HPO search (rules/core/hpo_search.py): what a clinician types finds the term, in any of the
languages, ranked as documented, over the whole phenotypic abnormality subtree and nothing else."""

from __future__ import annotations

import pytest

from rules import hpo_label
from rules import search_hpo
from rules.core.hpo_search import fold


def ids(query: str, lang: str = "en", limit: int = 10) -> list[str]:
    return [hit.id for hit in search_hpo(query, lang, limit)]


@pytest.mark.parametrize(
    ("query", "lang", "term"),
    [
        ("macrocephaly", "en", "HP:0000256"),
        ("macrocefalia", "es", "HP:0000256"),
        ("大理石骨症", "ja", "HP:0011002"),
        ("Splénomégalie", "fr", "HP:0001744"),
        ("低钙血症", "zh", "HP:0002901"),
        ("large spleen", "en", "HP:0001744"),  # a layperson synonym
        ("Low blood calcium levels", "en", "HP:0002901"),  # another
    ],
)
def test_the_exact_text_comes_first(query, lang, term):
    assert ids(query, lang)[0] == term


def test_case_and_accents_do_not_matter():
    assert ids("MACROCÉFALIA", "es")[0] == "HP:0000256"
    assert ids("splenomegalie", "fr")[0] == "HP:0001744"
    assert ids("ＭＡＣＲＯＣＥＰＨＡＬＹ")[0] == "HP:0000256"  # full-width letters, as some keyboards type


def test_words_may_be_begun_and_in_any_order():
    assert "HP:0001744" in ids("spl larg")
    assert "HP:0002901" in ids("calcium low blood")


def test_an_english_query_works_in_every_language_and_the_label_is_the_languages():
    hit = search_hpo("splenomegaly", "fr", 1)[0]
    assert (hit.id, hit.label, hit.label_status, hit.matched) == (
        "HP:0001744",
        "Splénomégalie",
        "official",
        "Splenomegaly",
    )


def test_the_languages_own_text_is_shown_as_matched_before_an_equal_english_one():
    hit = search_hpo("splenomegalie", "fr", 1)[0]
    assert hit.matched == "Splénomégalie"


def test_a_term_without_a_label_in_the_language_is_labelled_in_english_marked():
    hit = search_hpo("anemia", "pt", 1)[0]
    assert (hit.id, hit.label, hit.label_status) == ("HP:0001903", "Anemia", "english")


def _tier(hit, query: str, lang: str) -> int:
    """Which of the documented tiers a hit is in, from the text it matched."""
    is_label = hit.matched in {hpo_label(hit.id, "en")[0], hpo_label(hit.id, lang)[0]}
    text = fold(hit.matched)
    if text == query:
        return 0 if is_label else 1
    if text.startswith(query):
        return 2 if is_label else 4
    return 3 if is_label else 5


@pytest.mark.parametrize(("query", "lang"), [("anemia", "en"), ("deafness", "en"), ("spleen", "fr")])
def test_ranking_exact_then_prefix_then_words_then_synonyms(query, lang):
    found = search_hpo(query, lang, 50)
    tiers = [_tier(hit, query, lang) for hit in found]
    assert tiers == sorted(tiers) and len(set(tiers)) >= 3, tiers


def test_each_term_once_and_no_more_than_the_limit():
    found = ids("bone", "es", 50)
    assert len(found) == 50 and len(set(found)) == 50
    assert len(ids("bone", "es", 3)) == 3


def test_the_finding_a_term_counts_as():
    assert search_hpo("splenomegaly", "en", 1)[0].finding == "hepatosplenomegaly"
    assert search_hpo("osteopetrosis", "en", 1)[0].finding == "dense_bone"
    assert search_hpo("macrocephaly", "en", 1)[0].finding is None  # related to frontal bossing, not counted as it


def test_the_whole_phenotypic_abnormality_subtree_and_nothing_outside_it():
    assert ids("Polydactyly")[0] == "HP:0010442"  # nowhere in the app's knowledge or differential
    assert "HP:0000007" not in ids("autosomal recessive inheritance")  # a mode of inheritance, not a finding


def test_nothing_to_match_finds_nothing():
    assert ids("  ,;-  ") == []
    assert ids("zzqxj") == []


def test_a_language_without_labels_is_refused():
    with pytest.raises(ValueError, match="de"):
        search_hpo("anemia", "de")
