"""Typed, frozen model of the knowledge base and of an assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal
from typing import NamedTuple

State = Literal["present", "absent", "unknown"]
STATES: tuple[State, ...] = ("present", "absent", "unknown")
Lean = Literal["recessive", "dominant", "x_linked", "indeterminate"]
Strength = Literal["weak", "moderate", "strong"]
SIDES: tuple[str, ...] = ("recessive", "dominant")  # the two sides of the score
# A clue may point to a lean outside the score: it adds nothing to it and, when it fires, sets that lean
# with the strength [lean] caps it at (inheritance.toml; docs/decisions/0020-an-x-linked-lean.md).
PATTERN_LEANS: tuple[Lean, ...] = ("x_linked",)

# A condition tree as read from TOML: {"all": [...]}, {"any": [...]}, {"not": {...}},
# {"finding": slug, "state": state}, {"onset": [...]}, {"family_history": [...]},
# {"at_least": n, "of": [...]}.
Condition = Mapping[str, Any]
ALWAYS: Condition = {"all": []}  # the condition of an item shown whatever was entered


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of the bibliography."""

    id: str
    kind: str  # "seed" or "reference"
    title: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a piece of knowledge comes from: a seed passage or a located reference."""

    source: str
    passage: str = ""
    locator: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One checklist item."""

    slug: str
    label: str
    hpo: str
    groups: tuple[str, ...]
    anchors: tuple[str, ...]
    check: str
    cite: Citation
    panel: str = ""  # a checklist panel of its own (findings beyond the source document, no group)


@dataclass(frozen=True, slots=True)
class Panel:
    """A checklist panel for findings outside the source document's mechanism groups."""

    id: str
    title: str
    explanation: str
    note: str = ""
    note_cite: Citation | None = None


@dataclass(frozen=True, slots=True)
class Mechanism:
    """One of the seed's mechanism groups."""

    slug: str
    title: str
    explanation: str
    cite: Citation
    # When the card is shown (beside a present finding of its group): its `when` and not its `unless`,
    # as the knowledge gives them (a card whose mechanism what was entered contradicts is left out).
    when: Condition = field(default_factory=lambda: ALWAYS, compare=False)


@dataclass(frozen=True, slots=True)
class Clue:
    """An inheritance clue: a condition and the weight it adds to one side."""

    id: str
    points_to: str
    effect: str  # "for" or "against"
    weight: float
    when: Condition
    why: str
    cite: Citation
    finding: str | None = None
    beyond_seed: str = ""
    name: str = ""  # a few plain words, for the result's summary


LEVELS = ("urgent", "high", "context")  # red-flag levels, most urgent first


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A finding pattern that the source describes as needing prompt attention."""

    id: str
    level: str
    title: str
    why: str
    when: Condition
    cite: Citation
    beyond_seed: str = ""
    action: str = ""  # what to do, in plain words
    action_cite: Citation | None = None
    # The knowledge's `when` and not its `unless` (rules/core/loader.py joins them); `unless` kept as given.
    unless: Condition | None = None


@dataclass(frozen=True, slots=True)
class Premise:
    """What every lean assumes (osteopetrosis: dense bone on imaging) and how the answers bear on it."""

    finding: str  # the finding that confirms it when present and contradicts it when absent
    contradicted_by: tuple[str, ...]  # HPO roots whose terms, entered present, set the finding absent
    messages: Mapping[str, str]  # per state: confirmed, unconfirmed, contradicted ({entered}), no_lean
    cite: Citation
    absent_label: str = ""  # the finding entered absent, named in the contradicted message
    # HPO roots below contradicted_by that do not contradict it (rickets), with their source.
    compatible: tuple[str, ...] = ()
    compatible_cite: Citation | None = None


@dataclass(frozen=True, slots=True)
class WorkupItem:
    """One standard evaluation (beyond the source document), tied to the findings it assesses."""

    id: str
    label: str
    why: str
    findings: tuple[str, ...]
    cite: Citation
    when: Condition = field(default_factory=lambda: ALWAYS, compare=False)  # its `when` and not its `unless`


@dataclass(frozen=True, slots=True)
class GeneStatement:
    """One statement of a gene's note, with the source it rests on."""

    text: str
    cite: Citation
    beyond_seed: bool = True  # cites a reference, not the source document


@dataclass(frozen=True, slots=True)
class Gene:
    """A row of the gene table."""

    symbol: str
    inheritance: str
    seed_type: str
    omim: str
    code: str
    in_seed: bool
    note: str  # the statements' texts, in order
    cite: Citation  # where the gene-type pairing comes from: the source document's gene line, or a reference
    statements: tuple[GeneStatement, ...] = ()
    beyond_seed: str = ""  # the statements that go beyond the source document, in order


@dataclass(frozen=True, slots=True)
class Option:
    """An onset or family-history value."""

    slug: str
    label: str
    hpo: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LeanThresholds:
    """Score margins for each strength of the lean."""

    weak: float
    moderate: float
    strong: float
    # Strength earned (docs/decisions/0004-strength-is-earned.md): the entered findings the fired clues read,
    # and the caps without them.
    strong_needs_findings: int = 2
    without_findings: str = "moderate"
    onset_alone: str = "weak"
    pattern: str = "weak"  # the strength of a lean a clue sets (PATTERN_LEANS): it rests on the family alone


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: one instance per process
class KnowledgeBase:
    """Everything the engine evaluates, loaded and validated from rules/knowledge."""

    version: str
    sources: Mapping[str, Source]
    findings: Mapping[str, Finding]
    mechanisms: Mapping[str, Mechanism]
    clues: tuple[Clue, ...]
    red_flags: tuple[RedFlag, ...]
    genes: tuple[Gene, ...]
    onsets: Mapping[str, Option]
    family_histories: Mapping[str, Option]
    thresholds: LeanThresholds
    premise: Premise | None = None
    workup: tuple[WorkupItem, ...] = ()
    panels: Mapping[str, Panel] = field(default_factory=dict)  # checklist panels beyond the mechanisms
    words: Mapping[str, str] = field(default_factory=dict)  # the engine's own sentences (options.toml [words])
    # The language of its texts, and for a translation the English knowledge base it was made from (the
    # same ids and conditions: what is worked out from the knowledge alone can be shared with it).
    lang: str = "en"
    base: KnowledgeBase | None = None


@dataclass(frozen=True, slots=True)
class Answers:
    """What the clinician entered: finding states, onset and family history."""

    findings: Mapping[str, State] = field(default_factory=dict)
    onset: str = "unknown"
    family_history: str = "unknown"

    def state(self, slug: str) -> State:
        """The state of one finding; not assessed unless given."""
        return self.findings.get(slug, "unknown")


@dataclass(frozen=True, slots=True)
class ClueHit:
    """A clue whose condition held."""

    clue: Clue
    signed_weight: float  # positive toward recessive, negative toward dominant
    # The entered findings behind it: those its condition names in the state they were entered in
    # (checklist order); none for a clue on onset or family history.
    findings: tuple[Finding, ...] = ()
    states: tuple[State, ...] = ()  # the state each of them was entered in


# The records built for every assessment (Inheritance, NextCheck, Assessment) are named tuples rather
# than frozen dataclasses like the knowledge: immutable all the same, and a tuple is the cheapest
# record Python makes (a frozen dataclass sets each field through object.__setattr__).


class Inheritance(NamedTuple):
    """The lean, its strength, the score and every clue behind it."""

    lean: Lean
    strength: Strength | None
    score: float
    hits: tuple[ClueHit, ...]
    message: str


@dataclass(frozen=True, slots=True)
class MechanismHit:
    """A mechanism with the present findings that belong to it."""

    mechanism: Mechanism
    findings: tuple[Finding, ...]


class NextCheck(NamedTuple):
    """An unassessed item and how much it could move the lean."""

    kind: str  # "finding", "onset" or "family_history"
    key: str
    label: str
    check: str
    impact: float
    outcomes: tuple[tuple[str, Lean, Strength | None], ...]  # (value tried, the lean and strength it would give)


@dataclass(frozen=True, slots=True)
class RedFlagHit:
    """A red flag with the entered findings (marked present) that raised it."""

    flag: RedFlag
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class GeneMatch:
    """A gene row and whether it is consistent with the lean."""

    gene: Gene
    consistent: bool


class Assessment(NamedTuple):
    """The engine's whole answer for one set of answers."""

    answers: Answers
    inheritance: Inheritance
    mechanisms: tuple[MechanismHit, ...]
    red_flags: tuple[RedFlagHit, ...]
    genes: tuple[GeneMatch, ...]
    next_checks: tuple[NextCheck, ...]
    premise: str = "unconfirmed"  # "confirmed", "unconfirmed" or "contradicted"
    workup: tuple[WorkupItem, ...] = ()  # the standard evaluations that fit what was entered
