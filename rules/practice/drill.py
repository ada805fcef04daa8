"""Drill cards: the review schedule's due cards as quick questions, and the Anki notes (pure).

A card of the schedule (rules/practice/review.py) becomes one question:
- a finding card (`f:<slug>`) shows an observation of the finding (rules/knowledge/observations.toml)
  and asks which finding it is, or which mechanism lies behind it (the finding's mechanisms in the
  source document); a finding with no mechanism is always asked as a finding;
- a case card (`c:<id>`) shows the case's stages and asks which type it suggests; a case whose
  stages name the gene (a written case that asks for the mode) then chooses among the types of
  that gene.

The front never names the answer (tests/test_rules/practice/test_drill.py checks every card). The
choices are the answer and up to three others drawn from the knowledge (other findings that a
patient can show, other mechanisms, other osteopetrosis entries, never one for the same disease: a
gene in common and the same inheritance). Their order, the observation and what is asked are drawn
from the card and its due time: the same card shows the same question until it is rated, and a
different one at its next review.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rules.core.model import Citation
from rules.core.model import KnowledgeBase

from .cases import Case
from .library import get_case
from .library import public_id
from .observations import Observation
from .observations import drawable
from .observations import load_vocabulary
from .review import Item
from .review import items
from .simulate import load_entries
from .simulate import offered_entries

CHOICES = 4  # the answer and three others, where the knowledge has that many
WHY_CHARS = 160  # "a one-line why": the first sentence of the reason, cut at a word to this length


@dataclass(frozen=True, slots=True)
class DrillCard:
    """One question of the drill, with its back."""

    key: str  # the schedule's key: `f:<slug>` or `c:<id>` (the id the case is written with)
    token: str  # names this card at this due time, never its answer (what the forms carry)
    asks: str  # "finding", "mechanism" or "type"
    prompt: tuple[tuple[str, str], ...]  # (heading, text): an observation, or the case's stages
    question: str
    options: tuple[str, ...]
    answer: int  # index of the right option
    why: str  # one line
    source: Citation


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def one_line(text: str) -> str:
    """The first sentence of a text, cut at a word boundary to WHY_CHARS characters."""
    text = " ".join(text.split())
    end = text.find(". ")
    first = text if end < 0 else text[: end + 1]
    if len(first) <= WHY_CHARS:
        return first
    return first[:WHY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def _observations(slug: str) -> list[Observation]:
    """The finding's observations that read right at any age (none names a checklist label:
    tests/test_rules/practice/test_observations.py; nor the answer: test_drill.py)."""
    return [o for o in load_vocabulary().present.get(slug, ()) if not o.ages]


def _choices(answer: str, others: list[str], rng: random.Random) -> tuple[tuple[str, ...], int]:
    picked = rng.sample(sorted(set(others) - {answer}), min(CHOICES - 1, len(set(others) - {answer})))
    options = [answer, *picked]
    rng.shuffle(options)
    return tuple(options), options.index(answer)


def _finding_card(key: str, token: str, slug: str, rng: random.Random, kb: KnowledgeBase) -> DrillCard | None:
    finding = kb.findings.get(slug)
    if finding is None or slug not in drawable(kb):
        return None
    mechanisms = [kb.mechanisms[g] for g in finding.groups if g in kb.mechanisms]
    asks = "mechanism" if mechanisms and rng.random() < 0.5 else "finding"
    mechanism = mechanisms[rng.randrange(len(mechanisms))] if asks == "mechanism" else None
    seen = _observations(slug)
    if not seen:
        return None
    observation = rng.choice(seen)
    sex = rng.choice(("female", "male"))
    prompt = (("A patient", observation.render(sex)),)
    if mechanism is None:
        labels = [kb.findings[s].label for s in sorted(drawable(kb))]
        options, answer = _choices(finding.label, labels, rng)
        question = "Which checklist finding does this point to?"
        why = f"HPO's definition: {one_line(observation.cite.passage)}" if observation.cite.passage else ""
        return DrillCard(key, token, "finding", prompt, question, options, answer, why, observation.cite)
    others = [m.title for m in kb.mechanisms.values() if m.slug not in finding.groups]
    options, answer = _choices(mechanism.title, others, rng)
    question = "Which mechanism of the source document lies behind this?"
    why = f"{finding.label}: {one_line(mechanism.cite.passage)}"
    return DrillCard(key, token, "mechanism", prompt, question, options, answer, why, mechanism.cite)


def type_label(name: str, genes: Iterable[str]) -> str:
    """An entry as the drill names it: its name and genes."""
    genes = ", ".join(genes)
    return f"{name} ({genes})" if genes else name


def _case_card(key: str, token: str, case: Case, rng: random.Random, kb: KnowledgeBase) -> DrillCard | None:
    entry = load_entries().get(case.entry)
    if entry is None and not case.entry_name:
        return None
    answer = type_label(entry.name, entry.genes) if entry else type_label(case.entry_name, case.genes)
    mode = entry.inheritance if entry else case.key.lean
    # Not a choice: another entry for the same disease (a gene in common and the same inheritance).
    others = [
        type_label(e.name, e.genes)
        for e in offered_entries()
        if e.id != case.entry and not (set(e.genes) & set(case.genes) and e.inheritance == mode)
    ]
    options, index = _choices(answer, others, rng)
    prompt = tuple((stage.title, " ".join(stage.narrative.split())) for stage in case.unfolding)
    shown = ", ".join(kb.findings[s].label.lower() for s in case.key.present[:3])
    origin = "drawn from the HPO annotations of" if case.kind == "simulated" else "written for"
    why = one_line(f"A patient {origin} this entry: {shown}" + (f"; the lean is {case.key.lean}." if shown else "."))
    source = Citation("hpo", locator=f"{case.entry} annotations")
    return DrillCard(key, token, "type", prompt, "Which type does this case suggest?", options, index, why, source)


def card_of(item: Item, kb: KnowledgeBase) -> DrillCard | None:
    """The question a scheduled card asks now; None for a card that cannot be asked (a finding no
    observation describes, a case that is no longer in the library)."""
    seed = f"{item.key}@{item.due.isoformat()}"
    token = _digest("drill:" + (item.key if item.kind == "finding" else "c:" + public_id(item.target)) + seed)[:12]
    rng = random.Random(_digest(seed))
    if item.kind == "finding":
        return _finding_card(item.key, token, item.target, rng, kb)
    case = get_case(item.target)
    return None if case is None else _case_card(item.key, token, case, rng, kb)


def next_card(raw: Any, now: datetime, kb: KnowledgeBase) -> DrillCard | None:
    """The drill's next card: the one that fell due first among those that can be asked."""
    for item in items(raw):
        if item.due > now:
            return None
        card = card_of(item, kb)
        if card is not None:
            return card
    return None


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One flashcard of the Anki export: free recall, no choices."""

    front: str
    back: str
    sources: tuple[Citation, ...]  # the observation's, then the why's
    tags: tuple[str, ...]


def _tag(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def anki_note(slug: str, types: Iterable[str], kb: KnowledgeBase) -> AnkiNote | None:
    """The flashcard of a missed finding. Front: an observation (the first for any age) and the
    question. Back: the finding and its mechanism, and one line of why. Tags: `miop`,
    `mechanism::<slug>` per mechanism, `type::<entry>` per type of the cases where it was missed.
    None for a finding no observation describes (the premise)."""
    finding = kb.findings[slug]
    mechanisms = [kb.mechanisms[g] for g in finding.groups if g in kb.mechanisms]
    seen = _observations(slug)
    if not seen:
        return None
    observation = seen[0]
    front = f"A patient: \u201c{observation.render('female')}\u201d Which checklist finding is this"
    front += ", and what mechanism lies behind it?" if mechanisms else "?"
    if mechanisms:
        back = f"{finding.label}. Mechanism: {mechanisms[0].title}. Why: {one_line(mechanisms[0].cite.passage)}"
        why_source = mechanisms[0].cite
    else:
        back = f"{finding.label}. Why: {one_line(observation.cite.passage or finding.check)}"
        why_source = observation.cite if observation.cite.passage else finding.cite
    tags = ("miop", *(f"mechanism::{m.slug}" for m in mechanisms), *(f"type::{_tag(t)}" for t in sorted(set(types))))
    sources = (observation.cite,) if why_source == observation.cite else (observation.cite, why_source)
    return AnkiNote(front, back, sources, tags)
