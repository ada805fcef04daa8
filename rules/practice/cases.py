"""The case library: written vignettes (rules/knowledge/cases/*.toml) and simulated patients.

A case is a vignette plus its answer key. The key is what the trainee's attempt is scored
against; it must never be shown before an attempt (the web layer only presents `public` parts).
Written cases are validated against the finding vocabulary when they load, like every other
knowledge file; simulated cases come from rules/practice/simulate.py and share the same shape;
rules/practice/library.py finds either by id.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace
from importlib import resources
from typing import Any

from rules.checklist import load_knowledge
from rules.core.errors import KnowledgeError
from rules.core.model import Answers
from rules.core.model import Citation
from rules.core.model import KnowledgeBase
from rules.core.model import State
from rules.core.schema import checked
from rules.core.translations import english
from rules.core.translations import text_in

from .decisions import KeyedStep
from .decisions import check_written_next_steps
from .decisions import next_steps_from_mapping

KINDS = ("written", "simulated", "authored")
DIFFICULTIES = ("easy", "medium", "hard")
LEANS = ("recessive", "dominant", "indeterminate")
# Kinds of teaching point: "engine" says where the checklist's rules lean differently from the
# key and why; "seed" says where the source document's simple picture misleads; "general" is
# everything else.
POINT_KINDS = ("general", "engine", "seed")


@dataclass(frozen=True, slots=True)
class TeachingPoint:
    """One thing the case teaches, with its source."""

    text: str
    cite: Citation
    kind: str = "general"


@dataclass(frozen=True, slots=True)
class Stage:
    """One part of a case as it unfolds (history, examination, investigations, ...).

    `adds` are the key's present findings this stage first describes: part of the key, so shown
    only in the feedback, never before an attempt.
    """

    title: str
    narrative: str
    adds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """What a complete answer contains; mechanisms are the groups of the present findings."""

    present: tuple[str, ...]
    absent: tuple[str, ...]
    onset: str
    family_history: str
    lean: str
    mechanisms: tuple[str, ...]

    def answers(self) -> Answers:
        """The key as engine answers: its present and absent findings, onset and family history."""
        states: dict[str, State] = {s: "present" for s in self.present}
        states.update({s: "absent" for s in self.absent})
        return Answers(states, self.onset, self.family_history)


@dataclass(frozen=True, slots=True)
class Case:
    """A vignette and its key; `entry` is the OMIM/ORPHA id it models (e.g. "OMIM:259700")."""

    id: str
    title: str
    age: str
    sex: str
    narrative: str
    difficulty: str
    kind: str
    entry: str
    label: str
    key: AnswerKey
    teaching_points: tuple[TeachingPoint, ...]
    entry_name: str = ""
    genes: tuple[str, ...] = ()
    engine_disagrees: bool = False
    seed_misleads: bool = False
    tags: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()
    next_steps: tuple[KeyedStep, ...] = ()  # a written case's next-step key, with sources (decisions.py)

    @property
    def unfolding(self) -> tuple[Stage, ...]:
        """The stages, or the whole narrative as the one stage of a case written without any."""
        return self.stages or (Stage("The case", self.narrative, self.key.present),)


def mechanisms_of(present: Iterable[str], kb: KnowledgeBase) -> tuple[str, ...]:
    """The mechanism groups of the given findings, in the knowledge base's order."""
    groups = {g for slug in present for g in kb.findings[slug].groups}
    return tuple(m for m in kb.mechanisms if m in groups)


def in_kb_order(slugs: Iterable[str], kb: KnowledgeBase) -> tuple[str, ...]:
    """Finding slugs sorted as in the vocabulary (unknown slugs are the caller's error)."""
    wanted = set(slugs)
    return tuple(s for s in kb.findings if s in wanted)


def _cite(raw: Mapping[str, Any], where: str, kb: KnowledgeBase) -> Citation:
    if not isinstance(raw, Mapping) or raw.get("source") not in kb.sources:
        raise KnowledgeError(f"{where}: cites unknown source {raw!r}")
    if not (raw.get("passage") or raw.get("locator")):
        raise KnowledgeError(f"{where}: a citation needs a passage or a locator")
    return Citation(raw["source"], raw.get("passage", ""), raw.get("locator", ""))


def validate_key(key: AnswerKey, where: str, kb: KnowledgeBase) -> None:
    """Raise KnowledgeError unless the key uses the vocabulary and its mechanisms match its findings."""
    for slug in (*key.present, *key.absent):
        if slug not in kb.findings:
            raise KnowledgeError(f"{where}: unknown finding {slug!r}")
    both = set(key.present) & set(key.absent)
    if both:
        raise KnowledgeError(f"{where}: findings both present and absent: {sorted(both)}")
    if key.onset not in kb.onsets:
        raise KnowledgeError(f"{where}: unknown onset {key.onset!r}")
    if key.family_history not in kb.family_histories:
        raise KnowledgeError(f"{where}: unknown family history {key.family_history!r}")
    if key.lean not in LEANS:
        raise KnowledgeError(f"{where}: lean must be one of {LEANS}")
    unknown = set(key.mechanisms) - set(kb.mechanisms)
    if unknown:
        raise KnowledgeError(f"{where}: unknown mechanism(s) {sorted(unknown)}")
    if set(key.mechanisms) != set(mechanisms_of(key.present, kb)):
        raise KnowledgeError(
            f"{where}: mechanisms must be the groups of the present findings ({list(mechanisms_of(key.present, kb))})"
        )


def validate_stages(case: Case, where: str, kb: KnowledgeBase) -> None:
    """Raise KnowledgeError unless the stages, if any, reveal every present finding of the key once."""
    if not case.stages:
        return
    if len(case.stages) < 2:
        raise KnowledgeError(f"{where}: a case that unfolds needs at least two stages")
    seen: list[str] = []
    for i, stage in enumerate(case.stages):
        if not stage.title.strip() or not stage.narrative.strip():
            raise KnowledgeError(f"{where} stage {i + 1}: a stage needs a title and a narrative")
        for slug in stage.adds:
            if slug not in case.key.present:
                raise KnowledgeError(f"{where} stage {i + 1}: adds {slug!r}, not a present finding of the key")
            if slug in seen:
                raise KnowledgeError(f"{where} stage {i + 1}: {slug!r} was already added by an earlier stage")
            seen.append(slug)
    left = set(case.key.present) - set(seen)
    if left:
        raise KnowledgeError(f"{where}: no stage adds {sorted(left)}")


def case_from_mapping(raw: Mapping[str, Any], kb: KnowledgeBase, kind: str = "written") -> Case:
    """Build and validate a Case from a TOML-shaped mapping (also used for authored cases)."""
    where = f"case {raw.get('id')!r}"
    try:
        k = raw["key"]
        key = AnswerKey(
            present=tuple(k.get("present", [])),
            absent=tuple(k.get("absent", [])),
            onset=k.get("onset", "unknown"),
            family_history=k.get("family_history", "unknown"),
            lean=k["lean"],
            mechanisms=tuple(k.get("mechanisms", [])),
        )
        points = tuple(
            TeachingPoint(
                p["text"],
                _cite(p.get("cite", {}), f"{where} teaching point {i + 1}", kb),
                p.get("kind", "general"),
            )
            for i, p in enumerate(raw.get("teaching_point", []))
        )
        case = Case(
            id=raw["id"],
            title=raw["title"],
            age=raw["age"],
            sex=raw["sex"],
            narrative=" ".join(raw["narrative"].split()),
            difficulty=raw["difficulty"],
            kind=kind,
            entry=raw["entry"],
            label=raw.get("label", ""),
            key=key,
            teaching_points=points,
            entry_name=raw.get("entry_name", ""),
            genes=tuple(raw.get("genes", [])),
            engine_disagrees=bool(raw.get("engine_disagrees", False)),
            seed_misleads=bool(raw.get("seed_misleads", False)),
            tags=tuple(raw.get("tags", [])),
            stages=tuple(
                Stage(st["title"], " ".join(st["narrative"].split()), tuple(st.get("adds", [])))
                for st in raw.get("stage", [])
            ),
            next_steps=next_steps_from_mapping(raw.get("next_step", [])),
        )
    except KeyError as err:
        raise KnowledgeError(f"{where}: missing field {err}") from None
    validate_key(case.key, where, kb)
    validate_stages(case, where, kb)
    # Keys are kept in vocabulary order so that feedback lists read like the checklist.
    case = replace(
        case,
        key=replace(
            case.key,
            present=in_kb_order(case.key.present, kb),
            absent=in_kb_order(case.key.absent, kb),
            mechanisms=mechanisms_of(case.key.present, kb),
        ),
    )
    if case.kind not in KINDS:
        raise KnowledgeError(f"{where}: kind must be one of {KINDS}")
    if case.difficulty not in DIFFICULTIES:
        raise KnowledgeError(f"{where}: difficulty must be one of {DIFFICULTIES}")
    if not case.teaching_points:
        raise KnowledgeError(f"{where}: a case needs at least one teaching point")
    for p in case.teaching_points:
        if p.kind not in POINT_KINDS:
            raise KnowledgeError(f"{where}: teaching point kind must be one of {POINT_KINDS}")
    return case


@functools.cache
def load_cases() -> dict[str, Case]:
    """The written cases, validated against the vocabulary (cached: the files never change at run time)."""
    kb = load_knowledge()
    folder = resources.files("rules").joinpath("knowledge", "cases")
    cases: dict[str, Case] = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".toml"):
            continue
        raw = checked(f"cases/{item.name}", tomllib.loads(item.read_text(encoding="utf-8")))
        stem = item.name.removesuffix(".toml")
        if raw.get("id") != stem:
            raise KnowledgeError(f"case file {item.name}: id must be the file name ({stem!r})")
        case = case_from_mapping(raw, kb)
        check_written_next_steps(case.next_steps, case.key.answers(), f"case {case.id!r}", kb)
        if not case.label:
            case = replace(case, label=f"Written case modelled on {case.entry} {case.entry_name}".strip())
        cases[case.id] = case
    return cases


def in_language(case: Case, lang: str) -> Case:
    """A written case with its texts in `lang` (the overlay's `cases` rows, docs/languages.md): the
    title, the age, the narrative, each stage's title and narrative and each teaching point; a text
    with no current translation stays English. The key, the ids and the citations are unchanged, so
    an attempt scores the same. English, a simulated case and a case authored in the classroom are
    returned as they are."""
    rows = english()["cases"].get(case.id)
    if lang == "en" or rows is None:
        return case

    def text(field: str, given: str) -> str:
        if field not in rows:
            return given
        found = text_in("cases", case.id, field, lang)
        return given if found.status != "translated" else " ".join(found.text.split())

    return replace(
        case,
        title=text("title", case.title),
        age=text("age", case.age),
        narrative=text("narrative", case.narrative),
        stages=tuple(
            replace(s, title=text(f"stage_{i}_title", s.title), narrative=text(f"stage_{i}_narrative", s.narrative))
            for i, s in enumerate(case.stages, 1)
        ),
        teaching_points=tuple(
            replace(p, text=text(f"teaching_point_{i}", p.text)) for i, p in enumerate(case.teaching_points, 1)
        ),
    )
