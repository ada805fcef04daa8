"""Integrity of the knowledge files: every entry cites a real source, seed quotes are verbatim."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

from rules import load_knowledge
from rules.core.errors import KnowledgeError
from rules.core.loader import _check_condition

SEED = Path(__file__).resolve().parents[3] / "rules" / "knowledge" / "seed" / "osteopetrosis-signs-and-types.txt"
CONTRACT_SLUGS = [
    "bone_pain",
    "fractures",
    "osteomyelitis",
    "delayed_tooth_eruption",
    "malformed_teeth",
    "dental_problems",
    "frontal_bossing",
    "cranial_nerve_compression",
    "abnormal_eye_movements",
    "visual_impairment",
    "hearing_impairment",
    "facial_paralysis",
    "headaches",
    "raised_csf_pressure",
    "hepatosplenomegaly",
    "anemia",
    "thrombocytopenia",
    "leukopenia",
    "failure_to_thrive",
    "hypocalcemia",
    "muscle_cramps",
    "tetany",
    "seizure_like_events",
]
# Beyond the source document: the features that tell the types apart, a panel of their own
# (docs/decisions/0013-features-that-tell-the-types-apart.md).
DISTINGUISHING_SLUGS = [
    "renal_tubular_acidosis",
    "cerebral_calcification",
    "developmental_delay",
    "brain_atrophy",
    "low_immunoglobulins",
    "recurrent_infections",
    "coloboma",
    "microphthalmia",
    "hypopigmentation",
]
KNOWLEDGE_DIR = Path(__file__).resolve().parents[3] / "rules" / "knowledge"


def _seed_text() -> str:
    # The project's source document, committed beside the knowledge that quotes it.
    return SEED.read_text(encoding="utf-8")


def _all_citations(kb):
    yield from ((f"finding {f.slug}", f.cite) for f in kb.findings.values())
    yield from ((f"mechanism {m.slug}", m.cite) for m in kb.mechanisms.values())
    yield from ((f"clue {c.id}", c.cite) for c in kb.clues)
    yield from ((f"red flag {r.id}", r.cite) for r in kb.red_flags)
    yield from ((f"red flag {r.id} action", r.action_cite) for r in kb.red_flags)
    yield from ((f"work-up {w.id}", w.cite) for w in kb.workup)
    yield ("premise", kb.premise.cite)
    yield from ((f"gene {g.symbol}", g.cite) for g in kb.genes)
    yield from ((f"gene {g.symbol} ({g.omim}) statement", s.cite) for g in kb.genes for s in g.statements)


def test_vocabulary_is_the_public_contract():
    kb = load_knowledge()
    # The 23 slugs of the contract come first, in their order; later findings are added after them
    # (dense bone on imaging, the premise: docs/decisions/0003-the-premise-dense-bone.md; the panel that tells
    # the types apart: docs/decisions/0013-features-that-tell-the-types-apart.md).
    assert list(kb.findings)[:23] == CONTRACT_SLUGS
    assert "dense_bone" in kb.findings and kb.premise.finding == "dense_bone"
    assert set(DISTINGUISHING_SLUGS) <= set(kb.findings)
    assert kb.findings["hypocalcemia"].hpo == "HP:0002901"
    assert kb.findings["raised_csf_pressure"].hpo == "HP:0002516"
    assert kb.findings["frontal_bossing"].groups == ("fragile_bone", "skull_remodeling")
    assert set(kb.mechanisms) == {
        "fragile_bone",
        "skull_remodeling",
        "marrow_failure",
        "severe_illness",
        "calcium_trapping",
    }


def test_every_entry_cites_a_known_source():
    kb = load_knowledge()
    cited = list(_all_citations(kb))
    assert len(cited) > 50
    for where, cite in cited:
        assert cite.source in kb.sources, where
        assert cite.passage or cite.locator, where


def test_seed_passages_are_verbatim():
    if not SEED.exists():
        # The source document ships in rules/knowledge/seed/; a copy without it skips here, CI never does.
        if os.environ.get("CI"):
            pytest.fail(f"the source document is missing at {SEED}")
        pytest.skip(f"no source document at {SEED}")
    seed = re.sub(r"\s+", " ", _seed_text())
    kb = load_knowledge()
    for where, cite in _all_citations(kb):
        if cite.source == "seed":
            assert re.sub(r"\s+", " ", cite.passage) in seed, f"{where}: passage not in the seed"


def test_every_finding_has_a_mechanism_and_every_mechanism_a_finding():
    kb = load_knowledge()
    used = {g for f in kb.findings.values() for g in f.groups}
    assert used == set(kb.mechanisms)
    for f in kb.findings.values():  # a finding beyond the mechanisms sits in a marked panel instead,
        if f.slug == kb.premise.finding:  # but for the premise, shown in its own group
            assert not f.groups and not f.panel
            continue
        assert bool(f.groups) != bool(f.panel), f.slug


def test_distinguishing_findings_are_a_marked_panel_no_clue_reads():
    kb = load_knowledge()
    panel = kb.panels["distinguishing"]
    assert "Beyond the source document" in panel.explanation
    assert [s for s, f in kb.findings.items() if f.panel == "distinguishing"] == DISTINGUISHING_SLUGS
    for slug in DISTINGUISHING_SLUGS:
        f = kb.findings[slug]
        assert f.cite.source != "seed" and f.cite.locator and f.groups == ()
        assert all(c.finding != slug and slug not in str(c.when) for c in kb.clues)


def test_genes_cover_every_seed_type_with_omim_numbers():
    kb = load_knowledge()
    seed_types = {g.seed_type for g in kb.genes if g.in_seed}
    assert seed_types == {f"Dominant type {n}" for n in (1, 2)} | {f"Recessive type {n}" for n in range(1, 8)}
    assert all(re.fullmatch(r"\d{6}", g.omim) for g in kb.genes)
    beyond = {g.symbol for g in kb.genes if not g.in_seed}
    assert beyond == {"PLEKHM1", "SNX10", "SLC4A2", "IKBKG"}  # IKBKG: the X-linked form (OL-EDA-ID)
    assert all(g.cite.source != "seed" for g in kb.genes if not g.in_seed)


def test_loader_rejects_a_condition_on_an_unknown_finding():
    with pytest.raises(KnowledgeError, match="unknown finding 'nope'"):
        _check_condition({"finding": "nope", "state": "present"}, "test", ["bone_pain"], [], [])
    with pytest.raises(KnowledgeError, match="unknown condition keys"):
        _check_condition({"weird": 1}, "test", ["bone_pain"], [], [])


def test_loader_rejects_a_condition_node_with_two_operators():
    # One would silently be ignored: {onset, family_history} in one table read only the onset.
    with pytest.raises(KnowledgeError, match="one operator, not onset, family_history"):
        _check_condition(
            {"onset": ["infancy"], "family_history": ["consanguineous"]}, "test", [], ["infancy"], ["consanguineous"]
        )


def _load_with(monkeypatch, name, change):
    """Load the knowledge with one file's data changed first."""
    from rules.core import loader

    real = loader._read

    def changed(file):
        data = real(file)
        if file == name:
            change(data)
        return data

    monkeypatch.setattr(loader, "_read", changed)
    return load_knowledge.__wrapped__()


@pytest.mark.parametrize("weight", [0, -1.0, "2", True])
def test_loader_rejects_a_clue_weight_that_is_not_a_positive_number(monkeypatch, weight):
    with pytest.raises(KnowledgeError, match="weight must be a positive number"):
        _load_with(monkeypatch, "inheritance.toml", lambda data: data["clue"][0].update(weight=weight))


def test_loader_rejects_an_unknown_red_flag_level(monkeypatch):
    with pytest.raises(KnowledgeError, match="level must be one of urgent, high, context"):
        _load_with(monkeypatch, "red_flags.toml", lambda data: data["red_flag"][0].update(level="critical"))


@pytest.mark.parametrize("slug", ["Bone pain", "bone-pain", "é", "1st"])
def test_loader_rejects_a_slug_a_link_would_have_to_escape(monkeypatch, slug):
    with pytest.raises(KnowledgeError, match="use lower-case letters, digits and underscores"):
        _load_with(monkeypatch, "options.toml", lambda data: data["onset"][0].update(slug=slug))


def test_no_knowledge_text_claims_a_diagnosis():
    # "diagnosis" may appear only inside a seed quote (the seed's own words) or as "not a diagnosis".
    for path in KNOWLEDGE_DIR.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        text = repr(data)
        for quoted in re.findall(r"'passage': '([^']*)'", text):
            text = text.replace(quoted, "")
        assert "diagnos" not in text.replace("not a diagnosis", "").replace("diagnosed", ""), path.name


def test_knowledge_version_is_set():
    assert re.match(r"\d{4}\.\d+\.\d+ \(HPO 2025-01-16\)", load_knowledge().version)
