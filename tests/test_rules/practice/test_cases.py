"""The written case library: coverage of the seed's types, valid keys, honest engine flags."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from rules import evaluate
from rules import load_knowledge
from rules.core.errors import KnowledgeError
from rules.practice.cases import Case
from rules.practice.cases import case_from_mapping
from rules.practice.cases import load_cases
from rules.practice.cases import mechanisms_of
from rules.practice.library import get_case
from rules.practice.scoring import key_answers

KB = load_knowledge()
CASES = load_cases()
SEED = Path(__file__).resolve().parents[3] / "rules" / "knowledge" / "seed" / "osteopetrosis-signs-and-types.txt"
SEED_TYPES = {  # the seed's gene table, as OMIM entries
    "OMIM:607634": "LRP5",
    "OMIM:166600": "CLCN7",
    "OMIM:259700": "TCIRG1",
    "OMIM:259710": "TNFSF11",
    "OMIM:259730": "CA2",
    "OMIM:611490": "CLCN7",
    "OMIM:259720": "OSTM1",
    "OMIM:611497": "PLEKHM1",
    "OMIM:612301": "TNFRSF11A",
}


def engine_lean(case: Case) -> str:
    return evaluate(key_answers(case), KB).inheritance.lean


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


def test_at_least_24_written_cases_with_ids_from_their_files():
    assert len(CASES) >= 24
    assert all(c.kind == "written" for c in CASES.values())
    assert all(get_case(i) is CASES[i] for i in CASES)


def test_every_seed_type_is_modelled_at_least_once():
    modelled = {c.entry for c in CASES.values()}
    assert set(SEED_TYPES) <= modelled
    for case in CASES.values():
        if case.entry in SEED_TYPES:
            assert SEED_TYPES[case.entry] in case.genes, case.id


def test_classic_neonatal_miop_several_times_and_intermediate_forms():
    neonatal = [c for c in CASES.values() if c.key.onset == "neonatal" and c.key.lean == "recessive"]
    assert len(neonatal) >= 3
    assert sum("intermediate" in c.tags for c in CASES.values()) >= 3


def test_the_three_misleading_pictures_are_there_and_say_why():
    misleading = {c.id: c for c in CASES.values() if c.seed_misleads}
    by_gene = lambda gene: [c for c in misleading.values() if gene in c.genes]  # noqa: E731
    lrp5 = by_gene("LRP5")
    assert lrp5 and all("fractures" in c.key.absent for c in lrp5)
    slc4a2 = by_gene("SLC4A2")
    assert slc4a2 and all(c.key.onset == "adulthood" and c.key.lean == "recessive" for c in slc4a2)
    clcn7_leans = {c.key.lean for c in by_gene("CLCN7")}
    assert clcn7_leans == {"recessive", "dominant"}
    for case in misleading.values():
        assert any(p.kind == "seed" for p in case.teaching_points), f"{case.id}: no point says why the picture misleads"


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_engine_disagreement_is_declared_both_ways(case_id):
    case = CASES[case_id]
    disagrees = engine_lean(case) != case.key.lean
    assert case.engine_disagrees == disagrees, (
        f"{case_id}: the rules give {engine_lean(case)!r} for a key of {case.key.lean!r}; "
        f"engine_disagrees is {case.engine_disagrees}"
    )
    has_engine_point = any(p.kind == "engine" for p in case.teaching_points)
    assert has_engine_point == disagrees, f"{case_id}: an 'engine' teaching point exactly when the rules differ"


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_case_shape(case_id):
    case = CASES[case_id]
    assert 2 <= sentences(case.narrative) <= 6, case.narrative
    assert case.entry.startswith(("OMIM:", "ORPHA:")) and case.genes and case.entry_name
    assert case.key.lean in ("recessive", "dominant")
    assert set(case.key.mechanisms) == set(mechanisms_of(case.key.present, KB))
    assert case.difficulty in ("easy", "medium", "hard") and case.age and case.sex in ("female", "male")
    text = " ".join([case.title, case.narrative, *(p.text for p in case.teaching_points)]).lower()
    assert "diagnos" not in text, "cases never use the word"


def test_teaching_points_cite_known_sources_and_seed_quotes_are_verbatim():
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for case in CASES.values():
        for point in case.teaching_points:
            assert point.cite.source in KB.sources, case.id
            if point.cite.source == "seed":
                assert point.cite.passage in seed, f"{case.id}: {point.cite.passage!r}"
            else:
                assert point.cite.locator, case.id


def test_a_case_with_an_unknown_finding_or_wrong_mechanisms_is_refused():
    raw = {
        "id": "x",
        "title": "t",
        "age": "1",
        "sex": "female",
        "narrative": "A. B.",
        "difficulty": "easy",
        "entry": "OMIM:259700",
        "teaching_point": [{"text": "t", "cite": {"source": "seed", "passage": "Pain"}}],
        "key": {"present": ["nope"], "lean": "recessive", "mechanisms": []},
    }
    with pytest.raises(KnowledgeError, match="unknown finding 'nope'"):
        case_from_mapping(raw, KB)
    raw["key"] = {"present": ["fractures"], "lean": "recessive", "mechanisms": ["marrow_failure"]}
    with pytest.raises(KnowledgeError, match="groups of the present findings"):
        case_from_mapping(raw, KB)
    raw["key"]["mechanisms"] = ["fragile_bone"]
    assert case_from_mapping(raw, KB, kind="authored").kind == "authored"


def test_unknown_case_ids_give_none():
    for case_id in (
        "nope",
        "sim-",
        "sim-259700",
        "sim-999999-1",
        "sim-611497-1",
        "sim-ORPHA210110-3",
        "sim-259700-1000000000",
        "sim-259700--1",
    ):
        assert get_case(case_id) is None, case_id


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_written_cases_unfold_in_stages_that_reveal_every_finding_once(case_id):
    case = CASES[case_id]
    assert len(case.stages) >= 2 and case.stages[0].title == "History"
    added = [slug for stage in case.stages for slug in stage.adds]
    assert sorted(added) == sorted(case.key.present)
    for stage in case.stages:
        assert stage.title in ("History", "Examination", "Investigations")
        assert "diagnos" not in stage.narrative.lower()
        assert 1 <= sentences(stage.narrative) <= 5, stage.narrative


def test_bad_stages_are_refused_when_a_case_loads():
    folder = Path(__file__).resolve().parents[3] / "rules" / "knowledge" / "cases"
    raw = tomllib.loads((folder / "miop-newborn-tetany.toml").read_text(encoding="utf-8"))
    one, two = raw["stage"]  # History adds tetany, Investigations adds hypocalcemia
    assert len(case_from_mapping(raw, KB).stages) == 2
    assert case_from_mapping({**raw, "stage": []}, KB).unfolding[0].narrative == CASES[raw["id"]].narrative
    for stages, message in (
        ([one], "at least two stages"),
        ([one, {**two, "adds": ["anemia"]}], "not a present finding"),
        ([one, {**two, "adds": ["tetany", "hypocalcemia"]}], "already added"),
        ([one, {**two, "adds": []}], "no stage adds ['hypocalcemia']"),
        ([one, {**two, "narrative": " "}], "needs a title and a narrative"),
    ):
        with pytest.raises(KnowledgeError, match=re.escape(message)):
            case_from_mapping({**raw, "stage": stages}, KB)
