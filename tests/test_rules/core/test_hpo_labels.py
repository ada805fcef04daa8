"""HPO labels in other languages (rules/core/hpo_labels.py, from rules/data/hpo_labels.json) and the
generator's rules for choosing among the official translation rows (scripts/build_hpo_languages.py)."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from types import ModuleType

import pytest

from rules import HPO_LANGUAGES
from rules import hpo_label
from rules import load_hpo_labels
from tests.support.servers import ROOT


def _generator() -> ModuleType:
    """The build-time script, imported from its file (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_hpo_languages", ROOT / "scripts" / "build_hpo_languages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data(name: str) -> dict:
    return json.loads(resources.files("rules").joinpath("data", name).read_text(encoding="utf-8"))


def test_the_french_splenomegaly_is_the_first_of_its_duplicate_rows():
    # The French file has "Splénomégalie" and twice "Splénomégalie minime", all from "Splenomegaly".
    assert hpo_label("HP:0001744", "fr") == ("Splénomégalie", "official")


def test_optic_atrophy_in_french_is_not_the_congenital_form():
    assert hpo_label("HP:0000648", "fr") == ("Atrophie optique", "official")


def test_official_labels_are_given_as_the_translators_wrote_them():
    assert hpo_label("HP:0000256", "es") == ("Macrocefalia", "official")
    assert hpo_label("HP:0011002", "ja") == ("大理石骨症", "official")
    assert hpo_label("HP:0002901", "zh") == ("低钙血症", "official")
    assert hpo_label("HP:0002901", "pt") == ("Hipocalcemia", "official")


def test_a_term_without_an_official_label_gets_the_english_one_marked():
    assert hpo_label("HP:0001903", "pt") == ("Anemia", "english")  # no Portuguese row for Anemia
    assert hpo_label("HP:0000365", "pt") == ("Hearing impairment", "english")


def test_a_label_translated_from_an_older_english_label_is_shown_and_marked_stale():
    # Translated from "Optic nerve coloboma"; the English label is now "Optic disc coloboma".
    assert hpo_label("HP:0000588", "es") == ("Coloboma del nervio óptico", "stale")
    assert load_hpo_labels().stale["es"]["HP:0000588"] == "Optic nerve coloboma"


def test_english_alternative_and_unknown_ids():
    assert hpo_label("HP:0001744", "en") == ("Splenomegaly", "official")
    assert hpo_label("HP:0001745", "fr") == ("Splénomégalie", "official")  # an alternative id of Splenomegaly
    assert hpo_label("HP:9999999", "es") is None
    with pytest.raises(ValueError, match="de"):
        hpo_label("HP:0001744", "de")  # mostly machine candidates: not offered


def test_the_coverage_recorded_is_the_labels_counted_again():
    # The app's terms: those counting as a finding or onset, and the differential's.
    app_terms = set(_data("hpo_subset.json")["terms"]) | set(_data("differential_hpo.json")["terms"])
    labels = load_hpo_labels()
    counted = {}
    for lang in HPO_LANGUAGES[1:]:
        official = app_terms & labels.labels[lang].keys()
        counted[lang] = (len(official), len(official & labels.stale[lang].keys()), len(app_terms - official))
        recorded = labels.coverage[lang]["app_terms"]
        assert (recorded["official"], recorded["stale"], recorded["english"]) == counted[lang], lang
    print("app terms:", len(app_terms), "per language (official, of them stale, english):", counted)
    assert counted["es"][2] == 0  # Spanish labels every term the app uses


ROW = {"translation_status": "OFFICIAL", "predicate_id": "rdfs:label"}


def _rows(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [
        {**ROW, "subject_id": term, "source_value": source, "translation_value": text} for term, source, text in rows
    ]


def test_a_row_from_the_current_english_label_wins_over_an_earlier_stale_one():
    generator = _generator()
    english = {"HP:1": "Big spleen", "HP:2": "Small liver"}
    labels, stale, _ = generator.choose_labels(
        iter(_rows(("HP:1", "Large spleen", "old"), ("HP:1", "Big spleen", "new"), ("HP:1", "Big spleen", "later"))),
        english,
    )
    assert labels == {"HP:1": "new"} and stale == {}


def test_only_stale_rows_give_the_first_flagged_with_its_english():
    generator = _generator()
    labels, stale, _ = generator.choose_labels(
        iter(_rows(("HP:1", "Large spleen", "first"), ("HP:1", "Huge spleen", "second"))), {"HP:1": "Big spleen"}
    )
    assert labels == {"HP:1": "first"} and stale == {"HP:1": "Large spleen"}


def test_machine_candidates_definitions_and_old_ids_are_never_used():
    generator = _generator()
    rows = _rows(("HP:1", "Big spleen", "candidate"), ("HP:1", "A definition", "definition"), ("HP:9", "Gone", "x"))
    rows[0]["translation_status"] = "CANDIDATE"
    rows[1]["predicate_id"] = "IAO:0000115"
    labels, stale, skipped = generator.choose_labels(iter(rows), {"HP:1": "Big spleen"})
    assert labels == {} and stale == {}
    assert skipped == {"not_official": 1, "not_a_label": 1, "not_a_current_term": 1}
