"""Observation templates: how a finding shows itself to a clinician (pure).

rules/knowledge/observations.toml holds, per finding, several sentences saying what a parent or
the patient reports, what the examination shows or what a test returns, each with its source,
and one sentence for a finding HPO records as absent. A simulated patient is written from these,
so the trainee reads observations and has to recognise the finding behind each, instead of
reading the checklist's labels. The sentence is picked from the case seed (reproducible).
"""

from __future__ import annotations

import functools
import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace
from importlib import resources
from typing import Any

from rules.checklist import load_knowledge
from rules.core.errors import KnowledgeError
from rules.core.model import Citation
from rules.core.model import KnowledgeBase
from rules.core.schema import checked
from rules.core.translations import text_in

STAGES = ("history", "examination", "investigations")
PRONOUNS = {
    "female": {"he": "she", "him": "her", "his": "her", "He": "She", "His": "Her"},
    "male": {"he": "he", "him": "him", "his": "his", "He": "He", "His": "His"},
}


@dataclass(frozen=True, slots=True)
class Observation:
    """One way a finding can be met: the stage it belongs to, its sentence and its source."""

    finding: str
    stage: str
    text: str
    cite: Citation
    ages: tuple[str, ...] = ()  # onsets it reads right for; empty means any

    def fits(self, onset: str) -> bool:
        """Whether the sentence reads right for a patient with this onset."""
        return not self.ages or onset in self.ages

    def render(self, sex: str) -> str:
        """The sentence with the patient's pronouns."""
        return self.text.format(**PRONOUNS.get(sex, PRONOUNS["female"]))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every observation template, by finding, and the stage titles."""

    present: Mapping[str, tuple[Observation, ...]]
    absent: Mapping[str, Observation]
    stage_titles: Mapping[str, str]


def _observation(raw: Mapping[str, Any], where: str, kb: KnowledgeBase) -> Observation:
    try:
        finding, stage, text, cite = raw["finding"], raw["stage"], raw["text"], raw["cite"]
    except KeyError as err:
        raise KnowledgeError(f"{where}: missing field {err}") from None
    if finding not in kb.findings:
        raise KnowledgeError(f"{where}: unknown finding {finding!r}")
    if stage not in STAGES:
        raise KnowledgeError(f"{where}: stage must be one of {STAGES}")
    if not isinstance(cite, Mapping) or cite.get("source") not in kb.sources:
        raise KnowledgeError(f"{where}: cites unknown source {cite!r}")
    if not (cite.get("passage") or cite.get("locator")):
        raise KnowledgeError(f"{where}: a citation needs a passage or a locator")
    ages = tuple(raw.get("ages", ()))
    unknown = [a for a in ages if a not in kb.onsets]
    if unknown:
        raise KnowledgeError(f"{where}: unknown onset(s) {unknown}")
    try:
        Observation(finding, stage, text, Citation("hpo")).render("female")
    except (KeyError, IndexError, ValueError) as err:
        raise KnowledgeError(f"{where}: bad placeholder in {text!r} ({err})") from None
    return Observation(
        finding, stage, text, Citation(cite["source"], cite.get("passage", ""), cite.get("locator", "")), ages
    )


def drawable(kb: KnowledgeBase) -> frozenset[str]:
    """The findings a simulated patient can show (rules/practice/simulate.py): every checklist finding
    but the premise. Every simulated entry is osteopetrosis, so the premise (dense bone on imaging,
    docs/decisions/0003-the-premise-dense-bone.md) is given in every case and never drawn; templates
    for it would be read by nobody, so none is required. The marked panel that tells the types apart
    (docs/decisions/0013-features-that-tell-the-types-apart.md) is drawn from the entries' annotations."""
    premise = kb.premise.finding if kb.premise else None
    return frozenset(s for s in kb.findings if s != premise)


def vocabulary_from_mapping(raw: Mapping[str, Any], kb: KnowledgeBase) -> Vocabulary:
    """Build and validate the vocabulary: every finding a simulated patient can show (`drawable`)
    needs two sentences or more, one for any age, and one for absent."""
    present: dict[str, list[Observation]] = {slug: [] for slug in kb.findings if slug in drawable(kb)}
    for i, item in enumerate(raw.get("observation", [])):
        o = _observation(item, f"observation {i + 1} ({item.get('finding')!r})", kb)
        if o.finding not in present:
            raise KnowledgeError(f"observation {i + 1}: {o.finding!r} is never drawn in a simulated patient")
        present[o.finding].append(o)
    absent: dict[str, Observation] = {}
    for i, item in enumerate(raw.get("absent", [])):
        o = _observation(item, f"absent {i + 1} ({item.get('finding')!r})", kb)
        if o.finding in absent:
            raise KnowledgeError(f"absent {i + 1}: a second sentence for {o.finding!r}")
        absent[o.finding] = o
    for slug, items in present.items():
        if len(items) < 2:
            raise KnowledgeError(f"observations: {slug!r} needs at least two observations")
        if not any(not o.ages for o in items):
            raise KnowledgeError(f"observations: {slug!r} needs one observation that fits any age")
        if slug not in absent:
            raise KnowledgeError(f"observations: {slug!r} needs an [[absent]] sentence")
    titles = dict(raw.get("stages", {}))
    if set(titles) != set(STAGES):
        raise KnowledgeError(f"observations: [stages] must title exactly {STAGES}")
    return Vocabulary({s: tuple(v) for s, v in present.items()}, absent, titles)


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The observation templates of rules/knowledge/observations.toml, validated."""
    text = resources.files("rules").joinpath("knowledge", "observations.toml").read_text(encoding="utf-8")
    return vocabulary_from_mapping(checked("observations.toml", tomllib.loads(text)), load_knowledge())


def pick(slug: str, onset: str, rng: random.Random, vocab: Vocabulary | None = None) -> Observation:
    """One observation of a present finding that reads right for the onset, chosen by `rng`."""
    vocab = vocab or load_vocabulary()
    fitting = [o for o in vocab.present[slug] if o.fits(onset)]
    return rng.choice(fitting)


@functools.cache
def vocabulary_in(lang: str) -> Vocabulary:
    """The observation templates with their texts in `lang` (the overlay's `observations` rows,
    docs/languages.md; a text with no current translation stays English), in the same order, so a
    seed picks the same observations in every language."""
    vocab = load_vocabulary()
    if lang == "en":
        return vocab

    def text(ident: str, o: Observation) -> Observation:
        return replace(o, text=text_in("observations", ident, "text", lang, o.text).text)

    present: dict[str, tuple[Observation, ...]] = {}
    for slug, items in vocab.present.items():
        counted: dict[str, int] = {}
        written = []
        for o in items:  # numbered per finding and stage, in file order (rules/core/translations.py)
            counted[o.stage] = counted.get(o.stage, 0) + 1
            written.append(text(f"{slug}/{o.stage}/{counted[o.stage]}", o))
        present[slug] = tuple(written)
    return Vocabulary(
        present,
        {slug: text(f"absent/{slug}/{o.stage}", o) for slug, o in vocab.absent.items()},
        {
            stage: text_in("observations", "stages", stage, lang, title).text
            for stage, title in vocab.stage_titles.items()
        },
    )
