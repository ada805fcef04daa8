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
from .model import GeneMatch
from .model import Inheritance
from .model import KnowledgeBase
from .model import Lean
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


# A condition compiled to a closure over (finding states, onset, family history): the tree is
# walked once per process instead of once per clue per request.
Test = Callable[[Mapping[str, State], str, str], bool]


def compile_condition(cond: Condition) -> Test:
    """The condition tree as a function of (finding states, onset, family history); same truth as holds()."""
    if "all" in cond or "any" in cond:
        return _compile_group(cond)
    if "not" in cond:
        inner = compile_condition(cond["not"])
        return lambda f, o, h: not inner(f, o, h)
    if "at_least" in cond:
        parts, need = tuple(compile_condition(c) for c in cond["of"]), cond["at_least"]
        return lambda f, o, h: sum(p(f, o, h) for p in parts) >= need
    if "finding" in cond:
        slug, state = cond["finding"], cond["state"]
        return lambda f, o, h: f.get(slug, "unknown") == state
    if "onset" in cond:
        onsets = frozenset(cond["onset"])
        return lambda f, o, h: o in onsets
    if "family_history" in cond:
        histories = frozenset(cond["family_history"])
        return lambda f, o, h: h in histories
    raise ValueError(f"unknown condition {cond!r}")  # the loader rejects these first


def _compile_group(cond: Condition) -> Test:
    # Plain loops, not all()/any() over a generator: this runs a few hundred times per request.
    want = "all" in cond
    children = cond["all"] if want else cond["any"]
    if all(set(c) == {"finding", "state"} for c in children):  # the common case: finding states only
        pairs = tuple((c["finding"], c["state"]) for c in children)

        def states(f: Mapping[str, State], o: str, h: str) -> bool:
            for slug, state in pairs:
                if (f.get(slug, "unknown") == state) is not want:
                    return not want
            return want

        return states
    parts = tuple(compile_condition(c) for c in children)

    def group(f: Mapping[str, State], o: str, h: str) -> bool:
        for part in parts:
            if part(f, o, h) is not want:
                return not want
        return want

    return group


@dataclass(frozen=True, slots=True)
class _Plan:
    """What evaluate() needs of one knowledge base, worked out once per process."""

    tests: tuple[Test, ...]  # per clue
    signed: tuple[float, ...]  # per clue
    hits: tuple[ClueHit, ...]  # per clue, shared by every answer it fires for (frozen)
    index: dict[str, tuple[int, ...]]  # finding slug, "onset" or "family_history" -> clues that read it
    flag_tests: tuple[Test, ...]  # per red flag
    genes: dict[str, tuple[GeneMatch, ...]]  # per lean


@functools.cache
def _plan(kb: KnowledgeBase) -> _Plan:
    """The plan for one knowledge base (hashed by identity: one instance per process)."""
    signed = tuple(_signed(c) for c in kb.clues)
    leans = ("recessive", "dominant", "indeterminate")
    return _Plan(
        tests=tuple(compile_condition(c.when) for c in kb.clues),
        signed=signed,
        hits=tuple(ClueHit(c, w) for c, w in zip(kb.clues, signed, strict=True)),
        index=_clue_index(kb),
        flag_tests=tuple(compile_condition(r.when) for r in kb.red_flags),
        genes={lean: tuple(GeneMatch(g, g.inheritance == lean) for g in kb.genes) for lean in leans},
    )


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


def _fired(answers: Answers, plan: _Plan) -> tuple[bool, ...]:
    findings, onset, history = answers.findings, answers.onset, answers.family_history
    return tuple(t(findings, onset, history) for t in plan.tests)


def _total(fired: tuple[bool, ...], plan: _Plan) -> tuple[float, tuple[ClueHit, ...]]:
    hits = tuple(h for h, f in zip(plan.hits, fired, strict=True) if f)
    return round(sum(h.signed_weight for h in hits), 3), hits


def score(answers: Answers, kb: KnowledgeBase) -> tuple[float, tuple[ClueHit, ...]]:
    """The signed score (positive: recessive) and the clues that fired."""
    plan = _plan(kb)
    return _total(_fired(answers, plan), plan)


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


def _next_checks(answers: Answers, kb: KnowledgeBase, plan: _Plan, base: float, fired: tuple[bool, ...],
                 ) -> tuple[NextCheck, ...]:
    index, tests, signed = plan.index, plan.tests, plan.signed
    findings, onset, history = answers.findings, answers.onset, answers.family_history

    def trials(key: str, variants: list[tuple[str, Mapping[str, State], str, str]]) -> list[tuple[str, float]]:
        # Only the clues that read the changed item can change: re-score those alone. Sums start
        # at 0 and run in clue order, as a full re-score does, so the figures agree to the last bit.
        clues = index[key]
        before = 0
        for i in clues:
            if fired[i]:
                before += signed[i]
        out = []
        for value, f, o, h in variants:
            after = 0
            for i in clues:
                if tests[i](f, o, h):
                    after += signed[i]
            out.append((value, round(base - before + after, 3)))
        return out

    checks: list[NextCheck] = []
    for slug, finding in kb.findings.items():
        if not index[slug] or findings.get(slug, "unknown") != "unknown":
            continue
        tries = trials(slug, [("present", {**findings, slug: "present"}, onset, history),
                              ("absent", {**findings, slug: "absent"}, onset, history)])
        checks.append(_check("finding", slug, finding.label, finding.check, base, tries, kb))
    if onset == "unknown":
        tries = trials("onset", [(o, findings, o, history) for o in kb.onsets if o != "unknown"])
        checks.append(_check("onset", "onset", "Age at onset", "When did the first signs appear?",
                             base, tries, kb))
    if history == "unknown":
        tries = trials("family_history", [(h, findings, onset, h) for h in kb.family_histories if h != "unknown"])
        checks.append(_check("family_history", "family_history", "Family history",
                             "Are the parents affected, or related to each other?", base, tries, kb))
    useful = [c for c in checks if c.impact > 0]
    useful.sort(key=lambda c: -c.impact)  # stable: ties keep checklist order
    return tuple(useful[:MAX_NEXT_CHECKS])


def _check(kind: str, key: str, label: str, check: str, base: float,
           tries: list[tuple[str, float]], kb: KnowledgeBase) -> NextCheck:
    impact = 0.0
    for _, trial in tries:
        impact = max(impact, abs(trial - base))
    outcomes = tuple([(value, lean_of(trial, kb)[0]) for value, trial in tries])
    return NextCheck(kind, key, label, check, round(impact, 3), outcomes)


def evaluate(answers: Answers, kb: KnowledgeBase) -> Assessment:
    """Evaluate the answers against the knowledge base.

    :raise ValueError: an unknown finding slug, onset or family history (never silently ignored).
    """
    unknown = answers.findings.keys() - kb.findings.keys()
    if unknown:
        raise ValueError(f"unknown finding: {', '.join(sorted(unknown))}")
    if answers.onset not in kb.onsets:
        raise ValueError(f"unknown onset: {answers.onset}")
    if answers.family_history not in kb.family_histories:
        raise ValueError(f"unknown family history: {answers.family_history}")
    plan = _plan(kb)
    fired = _fired(answers, plan)
    total, hits = _total(fired, plan)
    checks = _next_checks(answers, kb, plan, total, fired)
    inheritance = _inheritance(total, hits, kb, checks)
    findings = answers.findings
    present = [f for s, f in kb.findings.items() if findings.get(s) == "present"]
    mechanisms = tuple(
        MechanismHit(m, tuple(f for f in present if m.slug in f.groups))
        for m in kb.mechanisms.values()
        if any(m.slug in f.groups for f in present)
    )
    red_flags = tuple(r for r, t in zip(kb.red_flags, plan.flag_tests, strict=True)
                      if t(findings, answers.onset, answers.family_history))
    return Assessment(answers, inheritance, mechanisms, red_flags, plan.genes[inheritance.lean], checks)
