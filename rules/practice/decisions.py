"""The decisions a trainee may commit to beside the findings and the lean (pure, deterministic).

- **A ranked differential**: up to three entries of the ranking (rules/differential), best first,
  chosen from the same list for every case. It is scored against the case's key entry: the entry the
  case was written for or the source entry of a simulated patient, or, for an Orphanet group the
  ranking pools into gene entries (rules/knowledge/entries.toml `pools_into`), any of those entries.
  Credit by the place the key entry takes in the trainee's list (PLACE_CREDIT): first 1, second 0.5,
  third 0.25, not listed 0.
- **The next step**: one choice of rules/knowledge/next_steps.toml. The key is derived, never written
  by hand: the choices of the red flags of level urgent or high (KEYED_LEVELS) that the findings shown,
  the onset and the family history raise, through the checklist's own red-flag rules; "nothing"
  (nothing urgent) when none is raised. Credit 1 for a keyed choice, else 0. Written cases also carry
  their key, with each red flag's action source, in their file; loading checks it against this rule.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rules.checklist.engine import evaluate
from rules.core.errors import InputError
from rules.core.errors import KnowledgeError
from rules.core.model import Answers
from rules.core.model import Citation
from rules.core.model import KnowledgeBase
from rules.core.schema import checked
from rules.differential import load_model
from rules.differential import ranked_as

MAX_DIFFERENTIAL = 3
PLACE_CREDIT = (1.0, 0.5, 0.25)  # the key entry first, second, third in the trainee's list
KEYED_LEVELS = ("urgent", "high")  # red flags at these levels make the next step's key
NOTHING = "nothing"  # the choice "Nothing urgent", keyed when no such red flag is raised
DECISION_WEIGHT = 0.2  # each decision given counts this much of the score; the other parts share the rest


@dataclass(frozen=True, slots=True)
class EntryChoice:
    """An entry the differential may name: its id, name, genes and group ("osteopetrosis" or "other")."""

    id: str
    name: str
    genes: tuple[str, ...]
    group: str


@dataclass(frozen=True, slots=True)
class NextStepChoice:
    """A next step the trainee may pick, with the red flags and work-up items it stands for."""

    id: str
    label: str
    red_flags: tuple[str, ...]
    workup: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeyedStep:
    """One reason a choice is keyed: a red flag raised (its action's source, the findings that raised
    it) and the choices that stand for its action; or, with no red flag, nothing urgent."""

    choices: tuple[str, ...]
    red_flag: str = ""
    cite: Citation | None = None
    findings: tuple[str, ...] = ()


@functools.cache
def differential_choices(kb: KnowledgeBase) -> tuple[EntryChoice, ...]:
    """Every entry the ranking covers: the osteopetroses first, then the other dense-bone disorders,
    each group by name. The same list, in the same order, for every case."""
    entries = load_model(kb).entries
    return tuple(
        EntryChoice(e.id, e.name, e.genes, e.group)
        for e in sorted(entries, key=lambda e: (e.group != "osteopetrosis", e.name.lower(), e.id))
    )


@functools.cache
def _entry_ids(kb: KnowledgeBase) -> frozenset[str]:
    return frozenset(c.id for c in differential_choices(kb))


def _read_choices(kb: KnowledgeBase) -> tuple[NextStepChoice, ...]:
    text = resources.files("rules").joinpath("knowledge", "next_steps.toml").read_text(encoding="utf-8")
    raw = checked("next_steps.toml", tomllib.loads(text))
    flags = {f.id for f in kb.red_flags}
    workup = {w.id for w in kb.workup}
    choices = tuple(
        NextStepChoice(c["id"], c["label"], tuple(c["red_flags"]), tuple(c["workup"])) for c in raw["choice"]
    )
    for c in choices:
        if unknown := (set(c.red_flags) - flags) | (set(c.workup) - workup):
            raise KnowledgeError(f"next_steps.toml: choice {c.id!r} names what is unknown: {sorted(unknown)}")
    if missing := workup - {w for c in choices for w in c.workup}:
        raise KnowledgeError(f"next_steps.toml: no choice stands for the work-up item(s) {sorted(missing)}")
    if NOTHING not in {c.id for c in choices}:
        raise KnowledgeError(f"next_steps.toml: the choice {NOTHING!r} (nothing urgent) is missing")
    return choices


@functools.cache
def next_step_choices(kb: KnowledgeBase) -> tuple[NextStepChoice, ...]:
    """The next-step choices, in the file's order (validated against the red flags and work-up)."""
    return _read_choices(kb)


def keyed_next_steps(answers: Answers, kb: KnowledgeBase) -> tuple[KeyedStep, ...]:
    """The next step's key for what was shown: per red flag of level urgent or high raised, the choices
    standing for its action; nothing urgent when none is raised."""
    choices = next_step_choices(kb)
    keyed = []
    for hit in evaluate(answers, kb).red_flags:
        if hit.flag.level not in KEYED_LEVELS:
            continue
        standing = tuple(c.id for c in choices if hit.flag.id in c.red_flags)
        if not standing:
            raise KnowledgeError(f"next_steps.toml: no choice stands for the red flag {hit.flag.id!r}")
        keyed.append(KeyedStep(standing, hit.flag.id, hit.flag.action_cite, tuple(f.slug for f in hit.findings)))
    return tuple(keyed) or (KeyedStep((NOTHING,)),)


def keyed_choices(steps: Sequence[KeyedStep]) -> tuple[str, ...]:
    """The keyed choice ids, each once, in the order they are first keyed."""
    return tuple(dict.fromkeys(c for s in steps for c in s.choices))


def next_steps_from_mapping(rows: Sequence[Mapping[str, Any]]) -> tuple[KeyedStep, ...]:
    """A written case's `[[next_step]]` rows (the findings that raise each flag are not written)."""
    return tuple(
        KeyedStep(
            tuple(r["choices"]),
            r.get("red_flag", ""),
            Citation(r["cite"]["source"], r["cite"].get("passage", ""), r["cite"].get("locator", ""))
            if "cite" in r
            else None,
        )
        for r in rows
    )


def check_written_next_steps(written: Sequence[KeyedStep], answers: Answers, where: str, kb: KnowledgeBase) -> None:
    """Raise KnowledgeError unless a written case's next steps are those the rule derives from its key,
    each with its red flag's action source."""
    derived = tuple(KeyedStep(s.choices, s.red_flag, s.cite) for s in keyed_next_steps(answers, kb))
    if tuple(written) != derived:
        rows = "; ".join(f"red_flag={s.red_flag or '-'} choices={list(s.choices)} cite={s.cite}" for s in derived)
        raise KnowledgeError(f"{where}: next_step must be what the red flags of its key call for: {rows}")


def key_entries(entry: str, kb: KnowledgeBase) -> frozenset[str]:
    """The ranked entries that count as the key: the case's entry, or those its Orphanet group pools into."""
    return ranked_as(entry) & _entry_ids(kb)


def place_of(differential: Sequence[str], key: frozenset[str]) -> int | None:
    """Where (1-based) the first key entry stands in the trainee's list; None when it is not there."""
    return next((i for i, e in enumerate(differential, start=1) if e in key), None)


def differential_credit(place: int | None) -> float:
    """The credit for the key entry's place: PLACE_CREDIT, 0 when not listed."""
    return 0.0 if place is None else PLACE_CREDIT[place - 1]


def check_differential(differential: Sequence[str], kb: KnowledgeBase) -> InputError | None:
    """What is wrong with a differential (None when it is valid): at most three known entries, each once."""
    if len(differential) > MAX_DIFFERENTIAL:
        return InputError("invalid_differential", "a differential lists at most %(max)s entries", max=MAX_DIFFERENTIAL)
    if len(set(differential)) != len(differential):
        return InputError("invalid_differential", "each entry may appear in the differential once")
    unknown = [e for e in differential if e not in _entry_ids(kb)]
    if unknown:
        return InputError(
            "invalid_differential",
            "unknown entry %(entry)s: use an id of the differential's choices (GET /api/v1/cases/<id>)",
            entry=repr(unknown[0]),
        )
    return None
