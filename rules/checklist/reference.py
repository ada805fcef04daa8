"""The plain definitions of the lean and of what to check next, straight from holds().

These are what the engine means. rules/checklist/plan.py tabulates them once per process so that evaluate()
is a few table lookups; the tests compare evaluate() with these definitions over generated answers.
Read here what an answer does; read plan.py for how it is made fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import cast

from rules.core.conditions import findings_in
from rules.core.conditions import holds
from rules.core.conditions import mentions
from rules.core.model import PATTERN_LEANS
from rules.core.model import Answers
from rules.core.model import Clue
from rules.core.model import KnowledgeBase
from rules.core.model import Lean
from rules.core.model import State
from rules.core.model import Strength

MAX_NEXT_CHECKS = 6
_STRENGTHS: tuple[Strength, ...] = ("weak", "moderate", "strong")
_STRENGTH_RANK: dict[str, int] = {s: i for i, s in enumerate(_STRENGTHS)}

# A next check as the definition gives it: (kind, key, impact, ((value, lean, strength), ...)).
Check = tuple[str, str, float, tuple[tuple[str, Lean, Strength | None], ...]]


def signed(clue: Clue) -> float:
    """A clue's weight, positive toward recessive, negative toward dominant; 0 for a clue that sets a
    lean outside the score (PATTERN_LEANS)."""
    if clue.points_to in PATTERN_LEANS:
        return 0.0
    toward_recessive = (clue.points_to == "recessive") == (clue.effect == "for")
    return clue.weight if toward_recessive else -clue.weight


def lean_of(
    total: float, kb: KnowledgeBase, findings: int | None = None, family: bool = False
) -> tuple[Lean, Strength | None]:
    """Map a score to a lean and strength using the knowledge's thresholds.

    Strength is earned (docs/decisions/0004-strength-is-earned.md): given `findings`, the entered
    findings read by the clues that fired, `strong` needs at least thresholds.strong_needs_findings
    of them; with none the strength is at most thresholds.without_findings, or thresholds.onset_alone
    when no family-history clue fired either (the onset alone). Without `findings`, the margin alone.
    """
    t = kb.thresholds
    margin = abs(total)
    if margin < t.weak:
        return "indeterminate", None
    lean: Lean = "recessive" if total > 0 else "dominant"
    strength: Strength = "strong" if margin >= t.strong else "moderate" if margin >= t.moderate else "weak"
    if findings is not None:
        cap = "strong" if findings >= t.strong_needs_findings else "moderate"
        if findings == 0:
            cap = t.without_findings if family else t.onset_alone
        strength = _STRENGTHS[min(_STRENGTH_RANK[strength], _STRENGTH_RANK[cap])]
    return lean, strength


def evidence(fired: Iterable[Clue], answers: Answers) -> tuple[int, bool]:
    """What the fired clues rest on: how many entered findings they read, and whether one of them
    reads the family history."""
    clues = tuple(fired)
    read = set().union(*(findings_in(c.when) for c in clues))
    return (sum(answers.state(s) != "unknown" for s in read), any(mentions(c.when, "family_history") for c in clues))


def fired(answers: Answers, kb: KnowledgeBase) -> list[Clue]:
    """The clues that hold for the answers, in knowledge order."""
    return [c for c in kb.clues if holds(c.when, answers)]


def plain_score(answers: Answers, kb: KnowledgeBase) -> float:
    """The signed score: the sum of the signed weights of the clues that hold."""
    return round(sum(signed(c) for c in fired(answers, kb)), 3)


def pattern_of(clues: Iterable[Clue]) -> Lean | None:
    """The lean a fired clue sets outside the score (an X-linked family pattern), if one does."""
    return next((lean for c in clues for lean in PATTERN_LEANS if c.points_to == lean), None)


def plain_lean(answers: Answers, kb: KnowledgeBase) -> tuple[Lean, Strength | None]:
    """The lean and strength: from the score, the entered findings the fired clues read and whether
    one reads the family history; no lean when the premise is entered absent (contradicted). A fired
    clue that sets a lean (an X-linked family pattern) gives that lean, at the strength
    thresholds.pattern caps it at, whatever the score (docs/decisions/0020-an-x-linked-lean.md)."""
    if kb.premise is not None and answers.state(kb.premise.finding) == "absent":
        return "indeterminate", None
    clues = fired(answers, kb)
    pattern = pattern_of(clues)
    if pattern is not None:
        return pattern, cast(Strength, kb.thresholds.pattern)
    return lean_of(plain_score(answers, kb), kb, *evidence(clues, answers))


def _trial(answers: Answers, kind: str, key: str, value: str) -> Answers:
    """The answers with one more item answered."""
    if kind == "finding":
        return replace(answers, findings={**answers.findings, key: cast(State, value)})
    if kind == "onset":
        return replace(answers, onset=value)
    return replace(answers, family_history=value)


def reference_next_checks(answers: Answers, kb: KnowledgeBase) -> list[Check]:
    """The next checks by their definition, each outcome scored by a full re-evaluation with holds():
    every unassessed item some clue reads, tried at each of its values; ranked by how far the most
    telling answer would move the score (ties in checklist order, then onset, then family history);
    items none of whose answers would change the lean or its strength are left out; the premise
    first while it is not entered and there is a lean; at most six; none when the premise is
    contradicted."""
    base = plain_score(answers, kb)
    now = plain_lean(answers, kb)
    premise = answers.state(kb.premise.finding) if kb.premise is not None else "present"
    if premise == "absent":
        return []
    first: list[Check] = []
    if kb.premise is not None and premise == "unknown" and now[0] != "indeterminate":
        first = [("finding", kb.premise.finding, 0.0, (("present", *now), ("absent", "indeterminate", None)))]
    items: list[tuple[str, str, tuple[str, ...]]] = [
        ("finding", slug, ("present", "absent"))
        for slug in kb.findings
        if answers.state(slug) == "unknown" and any(slug in findings_in(c.when) for c in kb.clues)
    ]
    if answers.onset == "unknown":
        items.append(("onset", "onset", tuple(x for x in kb.onsets if x != "unknown")))
    if answers.family_history == "unknown":
        items.append(("family_history", "family_history", tuple(x for x in kb.family_histories if x != "unknown")))
    found: list[tuple[float, int, Check]] = []
    for position, (kind, key, values) in enumerate(items):
        tries = []
        for value in values:
            trial = _trial(answers, kind, key, value)
            tries.append((value, plain_score(trial, kb), plain_lean(trial, kb)))
        impact = round(max(abs(t - base) for _, t, _ in tries), 3)
        if any(pair != now for _, _, pair in tries):
            found.append((-impact, position, (kind, key, impact, tuple((v, *pair) for v, _, pair in tries))))
    return (first + [row for _, _, row in sorted(found)])[:MAX_NEXT_CHECKS]
