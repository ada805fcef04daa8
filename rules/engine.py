"""The pure rule engine: answers + knowledge base -> assessment. No I/O, deterministic."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import replace

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


@functools.cache
def _clue_index(kb: KnowledgeBase) -> dict[str, tuple[Clue, ...]]:
    """For each finding slug (and "onset", "family_history"), the clues whose condition reads it."""
    index: dict[str, tuple[Clue, ...]] = {}
    for slug in kb.findings:
        index[slug] = tuple(c for c in kb.clues if slug in findings_in(c.when))
    for key in ("onset", "family_history"):
        index[key] = tuple(c for c in kb.clues if mentions(c.when, key))
    return index


def _partial(clues: Iterable[Clue], answers: Answers) -> float:
    return sum(_signed(c) for c in clues if holds(c.when, answers))


def _signed(clue: Clue) -> float:
    toward_recessive = (clue.points_to == "recessive") == (clue.effect == "for")
    return clue.weight if toward_recessive else -clue.weight


def score(answers: Answers, kb: KnowledgeBase) -> tuple[float, tuple[ClueHit, ...]]:
    """The signed score (positive: recessive) and the clues that fired."""
    hits = tuple(ClueHit(c, _signed(c)) for c in kb.clues if holds(c.when, answers))
    return round(sum(h.signed_weight for h in hits), 3), hits


def lean_of(total: float, kb: KnowledgeBase) -> tuple[Lean, Strength | None]:
    """Map a score to a lean and strength using the knowledge's thresholds."""
    t = kb.thresholds
    margin = abs(total)
    if margin < t.weak:
        return "indeterminate", None
    lean: Lean = "recessive" if total > 0 else "dominant"
    strength: Strength = "strong" if margin >= t.strong else "moderate" if margin >= t.moderate else "weak"
    return lean, strength


def _inheritance(answers: Answers, kb: KnowledgeBase, checks: tuple[NextCheck, ...]) -> Inheritance:
    total, hits = score(answers, kb)
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


def _next_checks(answers: Answers, kb: KnowledgeBase) -> tuple[NextCheck, ...]:
    base, _ = score(answers, kb)
    index = _clue_index(kb)

    def trial_score(key: str, trial: Answers) -> float:
        # Only the clues that read the changed item can change: re-score those alone.
        return round(base - _partial(index[key], answers) + _partial(index[key], trial), 3)

    checks: list[NextCheck] = []
    for finding in kb.findings.values():
        if not index[finding.slug] or answers.state(finding.slug) != "unknown":
            continue
        tries: list[tuple[str, float]] = []
        for state in ("present", "absent"):
            trial: dict[str, State] = {**answers.findings, finding.slug: state}
            tries.append((state, trial_score(finding.slug, replace(answers, findings=trial))))
        checks.append(_check("finding", finding.slug, finding.label, finding.check, base, tries, kb))
    if answers.onset == "unknown":
        tries = [(o, trial_score("onset", replace(answers, onset=o))) for o in kb.onsets if o != "unknown"]
        checks.append(_check("onset", "onset", "Age at onset", "When did the first signs appear?",
                             base, tries, kb))
    if answers.family_history == "unknown":
        tries = [(h, trial_score("family_history", replace(answers, family_history=h)))
                 for h in kb.family_histories if h != "unknown"]
        checks.append(_check("family_history", "family_history", "Family history",
                             "Are the parents affected, or related to each other?", base, tries, kb))
    useful = [c for c in checks if c.impact > 0]
    useful.sort(key=lambda c: -c.impact)  # stable: ties keep checklist order
    return tuple(useful[:MAX_NEXT_CHECKS])


def _check(kind: str, key: str, label: str, check: str, base: float,
           tries: list[tuple[str, float]], kb: KnowledgeBase) -> NextCheck:
    impact = max((abs(s - base) for _, s in tries), default=0.0)
    outcomes = tuple((value, lean_of(s, kb)[0]) for value, s in tries)
    return NextCheck(kind, key, label, check, round(impact, 3), outcomes)


def evaluate(answers: Answers, kb: KnowledgeBase) -> Assessment:
    """Evaluate the answers against the knowledge base.

    :raise ValueError: an unknown finding slug, onset or family history (never silently ignored).
    """
    unknown = sorted(set(answers.findings) - set(kb.findings))
    if unknown:
        raise ValueError(f"unknown finding: {', '.join(unknown)}")
    if answers.onset not in kb.onsets:
        raise ValueError(f"unknown onset: {answers.onset}")
    if answers.family_history not in kb.family_histories:
        raise ValueError(f"unknown family history: {answers.family_history}")
    checks = _next_checks(answers, kb)
    inheritance = _inheritance(answers, kb, checks)
    present = [f for f in kb.findings.values() if answers.state(f.slug) == "present"]
    mechanisms = tuple(
        MechanismHit(m, tuple(f for f in present if m.slug in f.groups))
        for m in kb.mechanisms.values()
        if any(m.slug in f.groups for f in present)
    )
    red_flags = tuple(r for r in kb.red_flags if holds(r.when, answers))
    genes = tuple(GeneMatch(g, g.inheritance == inheritance.lean) for g in kb.genes)
    return Assessment(answers, inheritance, mechanisms, red_flags, genes, checks)
