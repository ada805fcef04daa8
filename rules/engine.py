"""The pure rule engine: answers + knowledge base -> assessment. No I/O, deterministic."""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Answers
from .model import Assessment
from .model import Clue
from .model import ClueHit
from .model import Condition
from .model import Finding
from .model import GeneMatch
from .model import Inheritance
from .model import KnowledgeBase
from .model import Lean
from .model import Mechanism
from .model import MechanismHit
from .model import NextCheck
from .model import State
from .model import Strength

MAX_NEXT_CHECKS = 6


def holds(cond: Condition, answers: Answers) -> bool:
    """Whether a condition tree holds for the answers (unknown never matches present or absent)."""
    if "all" in cond:
        return all(holds(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, answers) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], answers)
    if "at_least" in cond:
        return sum(holds(c, answers) for c in cond["of"]) >= cond["at_least"]
    if "finding" in cond:
        return answers.state(cond["finding"]) == cond["state"]
    if "onset" in cond:
        return answers.onset in cond["onset"]
    if "family_history" in cond:
        return answers.family_history in cond["family_history"]
    raise ValueError(f"unknown condition {cond!r}")  # the loader rejects these first


def findings_in(cond: Condition) -> set[str]:
    """Every finding slug a condition tree mentions."""
    if "finding" in cond:
        return {cond["finding"]}
    children: Iterable[Condition] = cond.get("all") or cond.get("any") or cond.get("of") or []
    if "not" in cond:
        children = [cond["not"]]
    return set().union(*(findings_in(c) for c in children)) if children else set()


def mentions(cond: Condition, key: str) -> bool:
    """Whether a condition tree looks at onset or family history (`key`)."""
    if key in cond:
        return True
    children: Iterable[Condition] = cond.get("all") or cond.get("any") or cond.get("of") or []
    if "not" in cond:
        children = [cond["not"]]
    return any(mentions(c, key) for c in children)


# Compiled conditions. Every finding gets one bit; the answers become two integers, the findings
# present (P) and the findings absent (A), beside the onset (o) and family history (h) words. A
# condition tree is compiled once per process to a closure over those four values, so a test is a
# few integer operations instead of a walk of the tree and a dict lookup per finding.
Test = Callable[[int, int, str, str], bool]


def finding_bits(kb: KnowledgeBase) -> dict[str, int]:
    """One bit per finding, in checklist order."""
    return {slug: 1 << i for i, slug in enumerate(kb.findings)}


def answer_masks(findings: Mapping[str, State], bits: Mapping[str, int]) -> tuple[int, int]:
    """(present, absent) bit masks of finding states; KeyError for a slug the bits do not know."""
    present = absent = 0
    for slug, state in findings.items():
        if state == "present":
            present |= bits[slug]
        elif state == "absent":
            absent |= bits[slug]
        elif slug not in bits:  # an unknown slug is an error even when it is not assessed
            raise KeyError(slug)
    return present, absent


def compile_condition(cond: Condition, bits: Mapping[str, int]) -> Test:
    """The condition tree as a function of (present mask, absent mask, onset, family history).

    Same truth as holds() (a test checks it over generated answers).
    """
    if "all" in cond or "any" in cond:
        return _compile_group(cond, bits)
    if "not" in cond:
        inner = compile_condition(cond["not"], bits)
        return lambda p, a, o, h: not inner(p, a, o, h)
    if "at_least" in cond:
        parts, need = tuple(compile_condition(c, bits) for c in cond["of"]), cond["at_least"]
        return lambda p, a, o, h: sum(part(p, a, o, h) for part in parts) >= need
    if "finding" in cond:
        bit = bits[cond["finding"]]
        if cond["state"] == "present":
            return lambda p, a, o, h: p & bit != 0
        if cond["state"] == "absent":
            return lambda p, a, o, h: a & bit != 0
        return lambda p, a, o, h: (p | a) & bit == 0
    if "onset" in cond:
        onsets = frozenset(cond["onset"])
        return lambda p, a, o, h: o in onsets
    if "family_history" in cond:
        histories = frozenset(cond["family_history"])
        return lambda p, a, o, h: h in histories
    raise ValueError(f"unknown condition {cond!r}")  # the loader rejects these first


def _compile_group(cond: Condition, bits: Mapping[str, int]) -> Test:
    want_all = "all" in cond
    children = cond["all"] if want_all else cond["any"]
    if all(set(c) == {"finding", "state"} and c["state"] != "unknown" for c in children):
        # The common case, finding states only: one mask of findings that must be (or may be)
        # present and one of those that must be (or may be) absent.
        need_p = sum({bits[c["finding"]] for c in children if c["state"] == "present"})
        need_a = sum({bits[c["finding"]] for c in children if c["state"] == "absent"})
        if want_all:
            return lambda p, a, o, h: p & need_p == need_p and a & need_a == need_a
        return lambda p, a, o, h: p & need_p != 0 or a & need_a != 0
    parts = tuple(compile_condition(c, bits) for c in children)
    if want_all:
        return lambda p, a, o, h: all(part(p, a, o, h) for part in parts)
    return lambda p, a, o, h: any(part(p, a, o, h) for part in parts)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A finding as a possible next check: what answering it would change, worked out ahead.

    A clue that reads this finding alone fires or not by its answer only, so while the finding is
    unassessed the change it would make is fixed (`if_present`, `if_absent`). A clue that also
    reads other items (`clues`) has to be tested against the rest of the answers.
    """

    bit: int
    finding: Finding
    if_present: float
    if_absent: float
    clues: tuple[int, ...]


def _candidate(finding: Finding, bit: int, clues: tuple[int, ...], kb: KnowledgeBase,
               signed: tuple[float, ...]) -> _Candidate:
    if_present = if_absent = 0.0
    rest: list[int] = []
    for i in clues:
        when = kb.clues[i].when
        if set(when) != {"finding", "state"}:
            rest.append(i)
        elif when["state"] == "present":
            if_present += signed[i]
        elif when["state"] == "absent":
            if_absent += signed[i]
        else:  # fires while the finding is unassessed, and stops firing once it is answered
            if_present -= signed[i]
            if_absent -= signed[i]
    return _Candidate(bit, finding, if_present, if_absent, tuple(rest))


@dataclass(frozen=True, slots=True)
class _Plan:
    """What evaluate() needs of one knowledge base, worked out once per process."""

    bits: dict[str, int]  # finding slug -> its bit
    tests: tuple[Test, ...]  # per clue
    signed: tuple[float, ...]  # per clue
    hits: tuple[ClueHit, ...]  # per clue, shared by every answer it fires for (frozen)
    index: dict[str, tuple[int, ...]]  # finding slug, "onset" or "family_history" -> clues that read it
    candidates: tuple[_Candidate, ...]  # the findings some clue reads, in checklist order
    mechanisms: tuple[tuple[Mechanism, int, tuple[tuple[int, Finding], ...]], ...]  # mask and members
    flag_tests: tuple[Test, ...]  # per red flag
    weak: float  # the score margin below which the lean is indeterminate
    genes: dict[str, tuple[GeneMatch, ...]]  # per lean


@functools.cache
def _plan(kb: KnowledgeBase) -> _Plan:
    """The plan for one knowledge base (hashed by identity: one instance per process)."""
    bits = finding_bits(kb)
    signed = tuple(_signed(c) for c in kb.clues)
    index = _clue_index(kb)
    leans = ("recessive", "dominant", "indeterminate")
    members = {m: tuple((bits[s], f) for s, f in kb.findings.items() if m in f.groups) for m in kb.mechanisms}
    return _Plan(
        bits=bits,
        tests=tuple(compile_condition(c.when, bits) for c in kb.clues),
        signed=signed,
        hits=tuple(ClueHit(c, w) for c, w in zip(kb.clues, signed, strict=True)),
        index=index,
        candidates=tuple(_candidate(f, bits[s], index[s], kb, signed) for s, f in kb.findings.items() if index[s]),
        mechanisms=tuple((m, sum(b for b, _ in members[s]), members[s]) for s, m in kb.mechanisms.items()),
        flag_tests=tuple(compile_condition(r.when, bits) for r in kb.red_flags),
        weak=kb.thresholds.weak,
        genes={lean: tuple(GeneMatch(g, g.inheritance == lean) for g in kb.genes) for lean in leans},
    )


def gene_tables(kb: KnowledgeBase) -> dict[str, tuple[GeneMatch, ...]]:
    """The gene table evaluate() hands out for each lean: the same tuple for every answer."""
    return _plan(kb).genes


def _clue_index(kb: KnowledgeBase) -> dict[str, tuple[int, ...]]:
    """For each finding slug (and "onset", "family_history"), the positions of the clues that read it."""
    index: dict[str, tuple[int, ...]] = {}
    for slug in kb.findings:
        index[slug] = tuple(i for i, c in enumerate(kb.clues) if slug in findings_in(c.when))
    for key in ("onset", "family_history"):
        index[key] = tuple(i for i, c in enumerate(kb.clues) if mentions(c.when, key))
    return index


def _signed(clue: Clue) -> float:
    toward_recessive = (clue.points_to == "recessive") == (clue.effect == "for")
    return clue.weight if toward_recessive else -clue.weight


def _masks(answers: Answers, plan: _Plan) -> tuple[int, int]:
    try:
        return answer_masks(answers.findings, plan.bits)
    except KeyError:
        unknown = answers.findings.keys() - plan.bits.keys()
        raise ValueError(f"unknown finding: {', '.join(sorted(unknown))}") from None


def _fired(plan: _Plan, p: int, a: int, o: str, h: str) -> tuple[bool, ...]:
    return tuple([test(p, a, o, h) for test in plan.tests])


def _total(plan: _Plan, fired: tuple[bool, ...]) -> tuple[float, tuple[ClueHit, ...]]:
    hits = tuple([hit for hit, f in zip(plan.hits, fired, strict=True) if f])
    total = 0.0
    for hit in hits:  # a plain loop: cheaper than sum() over a generator, same floats in clue order
        total += hit.signed_weight
    return round(total, 3), hits


def score(answers: Answers, kb: KnowledgeBase) -> tuple[float, tuple[ClueHit, ...]]:
    """The signed score (positive: recessive) and the clues that fired."""
    plan = _plan(kb)
    return _total(plan, _fired(plan, *_masks(answers, plan), answers.onset, answers.family_history))


def lean_of(total: float, kb: KnowledgeBase) -> tuple[Lean, Strength | None]:
    """Map a score to a lean and strength using the knowledge's thresholds."""
    t = kb.thresholds
    margin = abs(total)
    if margin < t.weak:
        return "indeterminate", None
    lean: Lean = "recessive" if total > 0 else "dominant"
    strength: Strength = "strong" if margin >= t.strong else "moderate" if margin >= t.moderate else "weak"
    return lean, strength


def _inheritance(total: float, hits: tuple[ClueHit, ...], kb: KnowledgeBase,
                 checks: tuple[NextCheck, ...]) -> Inheritance:
    lean, strength = lean_of(total, kb)
    if lean != "indeterminate":
        message = ""
    elif not hits:
        wanted = ", ".join(c.label for c in checks[:4]) or "onset and family history"
        message = f"Too little evidence: no inheritance clue applies yet. Most informative to assess: {wanted}."
    else:
        message = (f"The clues do not reach the margin for a lean (score {total:+g}, "
                   f"needs {kb.thresholds.weak:g} either way). Assess more findings before leaning.")
    return Inheritance(lean, strength, total, hits, message)


# A next check before it is ranked: (impact, position, kind, key, label, check, tries).
_Found = tuple[float, int, str, str, str, str, tuple[tuple[str, float], ...]]


def _next_checks(plan: _Plan, kb: KnowledgeBase, base: float, fired: tuple[bool, ...],
                 p: int, a: int, o: str, h: str) -> tuple[NextCheck, ...]:
    tests, signed = plan.tests, plan.signed

    def change(clues: tuple[int, ...], p: int, a: int, o: str, h: str) -> float:
        # Only the clues that read the changed item can change: re-score those alone.
        delta = 0.0
        for i in clues:
            if tests[i](p, a, o, h) is not fired[i]:
                delta += -signed[i] if fired[i] else signed[i]
        return delta

    found: list[_Found] = []
    assessed = p | a
    for position, c in enumerate(plan.candidates):
        if assessed & c.bit:
            continue
        if_present, if_absent = c.if_present, c.if_absent
        if c.clues:
            if_present += change(c.clues, p | c.bit, a, o, h)
            if_absent += change(c.clues, p, a | c.bit, o, h)
        if if_present or if_absent:
            present, absent = round(base + if_present, 3), round(base + if_absent, 3)
            impact = round(max(abs(present - base), abs(absent - base)), 3)
            found.append((impact, position, "finding", c.finding.slug, c.finding.label, c.finding.check,
                          (("present", present), ("absent", absent))))
    last = len(plan.candidates)
    if o == "unknown":
        clues = plan.index["onset"]
        tries = tuple([(x, round(base + change(clues, p, a, x, h), 3)) for x in kb.onsets if x != "unknown"])
        found.append((_impact(base, tries), last, "onset", "onset", "Age at onset",
                      "When did the first signs appear?", tries))
    if h == "unknown":
        clues = plan.index["family_history"]
        tries = tuple([(x, round(base + change(clues, p, a, o, x), 3)) for x in kb.family_histories if x != "unknown"])
        found.append((_impact(base, tries), last + 1, "family_history", "family_history", "Family history",
                      "Are the parents affected, or related to each other?", tries))
    ranked = sorted([f for f in found if f[0] > 0], key=lambda f: (-f[0], f[1]))  # ties keep checklist order
    weak = plan.weak
    return tuple([
        NextCheck(kind, key, label, check, impact, tuple([
            (v, "indeterminate" if -weak < t < weak else "recessive" if t > 0 else "dominant") for v, t in tries]))
        for impact, _, kind, key, label, check, tries in ranked[:MAX_NEXT_CHECKS]
    ])


def _impact(base: float, tries: tuple[tuple[str, float], ...]) -> float:
    """How far the most telling answer would move the score."""
    return round(max([abs(t - base) for _, t in tries]), 3)


def evaluate(answers: Answers, kb: KnowledgeBase) -> Assessment:
    """Evaluate the answers against the knowledge base.

    :raise ValueError: an unknown finding slug, onset or family history (never silently ignored).
    """
    plan = _plan(kb)
    p, a = _masks(answers, plan)
    o, h = answers.onset, answers.family_history
    if o not in kb.onsets:
        raise ValueError(f"unknown onset: {o}")
    if h not in kb.family_histories:
        raise ValueError(f"unknown family history: {h}")
    fired = _fired(plan, p, a, o, h)
    total, hits = _total(plan, fired)
    checks = _next_checks(plan, kb, total, fired, p, a, o, h)
    inheritance = _inheritance(total, hits, kb, checks)
    mechanisms = tuple(MechanismHit(m, tuple([f for bit, f in members if p & bit]))
                       for m, mask, members in plan.mechanisms if p & mask)
    red_flags = tuple([r for r, t in zip(kb.red_flags, plan.flag_tests, strict=True) if t(p, a, o, h)])
    return Assessment(answers, inheritance, mechanisms, red_flags, plan.genes[inheritance.lean], checks)
