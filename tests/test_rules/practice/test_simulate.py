"""Simulated patients: reproducible from their id, faithful to HPO frequencies, NOT never present."""

from __future__ import annotations

import random

import pytest

from rules import load_knowledge
from rules.practice.cases import mechanisms_of
from rules.practice.library import get_case
from rules.practice.observations import load_vocabulary
from rules.practice.simulate import case_id_for
from rules.practice.simulate import draw
from rules.practice.simulate import draw_findings
from rules.practice.simulate import engine_lean
from rules.practice.simulate import load_entries
from rules.practice.simulate import offered_entries
from rules.practice.simulate import simulate

KB = load_knowledge()
ENTRIES = load_entries()
DRAWS = 4000


def test_the_same_id_gives_the_same_patient_and_another_seed_another():
    a, b = get_case("sim-259700-42"), get_case("sim-259700-42")
    assert a == b
    others = {get_case(f"sim-259700-{seed}").key for seed in range(20)}
    assert len(others) > 5


def test_id_scheme_for_omim_and_orpha_entries():
    assert get_case("sim-259700-42").entry == "OMIM:259700"
    orpha = get_case("sim-ORPHA667-7")
    assert orpha.entry == "ORPHA:667" and orpha.id == "sim-ORPHA667-7"
    assert case_id_for(ENTRIES["ORPHA:667"], 7) == "sim-ORPHA667-7"


def test_label_names_the_entry_and_key_is_the_real_inheritance():
    case = get_case("sim-259700-42")
    assert case.label == "Simulated from the HPO annotations of OMIM:259700 (Osteopetrosis, autosomal recessive 1)"
    assert case.kind == "simulated" and case.key.lean == "recessive" and case.key.family_history == "unknown"
    assert case.key.mechanisms == mechanisms_of(case.key.present, KB)
    assert get_case("sim-166600-3").key.lean == "dominant"


def test_only_entries_with_known_inheritance_and_some_finding_are_offered():
    offered = {e.id for e in offered_entries()}
    assert "ORPHA:210110" not in offered  # inheritance unknown
    assert "OMIM:611497" not in offered  # OPTB6: no annotation maps to a finding
    assert {"OMIM:259700", "OMIM:166600", "OMIM:607634", "ORPHA:667"} <= offered
    assert all(e.inheritance in ("recessive", "dominant") for e in offered_entries())


def _expected_rate(entry, slug):
    """P(finding present) = 1 - prod(1 - p) over its positive annotations (0 if any NOT)."""
    if slug in entry.negated:
        return 0.0
    miss = 1.0
    for a in entry.annotations:
        if slug in a.findings and not a.negated:
            miss *= 1 - a.p
    return 1 - miss


@pytest.mark.parametrize("entry_id", ["OMIM:259700", "OMIM:612301", "ORPHA:53", "ORPHA:210110"])
def test_finding_frequencies_follow_the_annotations(entry_id):
    entry = ENTRIES[entry_id]
    rng = random.Random(1)
    counts = dict.fromkeys(KB.findings, 0)
    for _ in range(DRAWS):
        present, _ = draw_findings(entry, rng)
        for slug in present:
            counts[slug] += 1
    for slug in KB.findings:
        # 4000 draws: the standard error is at most 0.008, so 0.04 is five of them.
        assert counts[slug] / DRAWS == pytest.approx(_expected_rate(entry, slug), abs=0.04), slug


def test_a_very_frequent_feature_nearly_always_and_an_occasional_one_rarely():
    entry = ENTRIES["ORPHA:667"]  # Orphanet: hydrocephalus very frequent, hypocalcemia occasional
    cases = [draw(entry, seed, KB) for seed in range(1000)]
    assert sum("raised_csf_pressure" in d.present for d in cases) > 850
    assert sum("hypocalcemia" in d.present for d in cases) < 250


def test_explicit_nots_are_never_present_and_are_shown_absent():
    intermediate = ENTRIES["ORPHA:210110"]  # NOT thrombocytopenia, NOT hypocalcemia
    lrp5 = ENTRIES["OMIM:607634"]  # recurrent fractures 0/10
    for entry, nots in ((intermediate, {"thrombocytopenia", "hypocalcemia"}), (lrp5, {"fractures"})):
        assert set(entry.negated) == nots
        for seed in range(500):
            d = draw(entry, seed, KB)
            assert not nots & set(d.present)
            assert nots <= set(d.absent)
    case = simulate(lrp5, 5)
    # Shown as an observation (the finding's [[absent]] sentence), not as a label.
    assert "fractures" in case.key.absent and "never broken a bone" in case.narrative


def test_onset_comes_from_the_entry_onset_annotations():
    assert {draw(ENTRIES["OMIM:620366"], s, KB).onset for s in range(50)} == {"adulthood"}
    assert {draw(ENTRIES["OMIM:259710"], s, KB).onset for s in range(200)} == {"infancy", "neonatal"}
    # Orphanet rows carry no onset in HPO; where a cited reference gives one (simulation.toml), it is used.
    assert {draw(ENTRIES["ORPHA:667"], s, KB).onset for s in range(50)} == {"infancy"}
    assert {draw(ENTRIES["ORPHA:53"], s, KB).onset for s in range(50)} == {"adolescence"}
    # An entry with neither stays unknown.
    assert {draw(ENTRIES["ORPHA:2785"], s, KB).onset for s in range(50)} == {"unknown"}


def test_every_simulated_patient_has_something_to_read():
    for entry in offered_entries():
        for seed in range(100):
            case = simulate(entry, seed)
            assert case.key.present, (entry.id, seed)
            assert entry.name not in case.narrative and entry.id not in case.narrative


def test_narrative_is_built_from_observations_not_labels():
    """Changed on purpose (docs/decisions/0015-practice-trains-recognition.md): the narrative used to list the
    findings' labels."""
    case = get_case("sim-259700-42")
    vocab = load_vocabulary()
    for slug in case.key.present:
        label = KB.findings[slug].label
        assert (label[0].lower() + label[1:]) not in case.narrative
        rendered = {o.render(case.sex) for o in vocab.present[slug]}
        assert any(text in case.narrative for text in rendered), slug


def test_engine_disagreement_is_flagged_with_a_teaching_point():
    for entry in offered_entries():
        for seed in range(20):
            case = simulate(entry, seed)
            lean, _ = engine_lean(case.key, KB)
            assert case.engine_disagrees == (lean != case.key.lean)
            assert any(p.kind == "engine" for p in case.teaching_points) == case.engine_disagrees


def test_reference_onsets_are_cited_and_valid():
    from rules.differential.model import entry_facts

    refs = [e for e in entry_facts().values() if "reference_onset" in e]
    assert refs
    for ref in refs:
        assert ref["id"] in ENTRIES
        assert ref["reference_onset"] in KB.onsets
        assert ref["reference_onset_cite"]["source"] in KB.sources and ref["reference_onset_cite"]["locator"]
