"""The engine: answers + knowledge base -> assessment. Pure, no I/O, deterministic.

evaluate() answers from the plan (rules/checklist/plan.py), worked out once per process from the
knowledge alone: one table lookup per group of clues, one per mechanism, an integer test per red
flag. What it means is defined plainly in rules/checklist/reference.py (the lean, the next checks)
and rules/core/conditions.py (when a condition holds); the tests compare the two over generated
answers.
"""

from __future__ import annotations

from rules.core.conditions import answer_masks
from rules.core.model import Answers
from rules.core.model import Assessment
from rules.core.model import ClueHit
from rules.core.model import Inheritance
from rules.core.model import KnowledgeBase
from rules.core.model import Lean
from rules.core.model import NextCheck
from rules.core.model import Strength

from .plan import Offer
from .plan import Plan
from .plan import Standing
from .plan import pack
from .plan import plan_for
from .reference import MAX_NEXT_CHECKS
from .reference import pattern_of


def _read(answers: Answers, kb: KnowledgeBase, plan: Plan) -> tuple[int, int, str, str]:
    """The answers as (present mask, absent mask, onset, family history); ValueError for a word the
    knowledge does not have (never silently ignored)."""
    try:
        p, a = answer_masks(answers.findings, plan.bits)
    except KeyError:
        unknown = answers.findings.keys() - plan.bits.keys()
        raise ValueError(f"unknown finding: {', '.join(sorted(unknown))}") from None
    o, h = answers.onset, answers.family_history
    if o not in kb.onsets:
        raise ValueError(f"unknown onset: {o}")
    if h not in kb.family_histories:
        raise ValueError(f"unknown family history: {h}")
    return p, a, o, h


def _look_up(
    plan: Plan,
    p: int,
    a: int,
    o: str,
    h: str,
) -> tuple[Standing, tuple[ClueHit, ...], list[Offer]]:
    """The standing (score, findings read, family clue), the clues that fired (in knowledge order)
    and the offered next checks."""
    total = 0.0
    n = 0
    family = False
    fired: list[int] = []
    offers: list[Offer] = []
    width, onset_index, family_index = plan.packing
    packed = pack(p, a, onset_index[o], family_index[h], width)
    for mask, rows in plan.groups:
        part, hits, offered, m, fam = rows[packed & mask]
        total += part
        n += m
        family = family or fam
        fired += hits
        offers += offered
    fired.sort()
    behind = tuple([table[p & present, a & absent] for present, absent, table in map(plan.clues.__getitem__, fired)])
    return (round(total, 3), n, family), behind, offers


def score(answers: Answers, kb: KnowledgeBase) -> tuple[float, tuple[ClueHit, ...]]:
    """The signed score (positive: recessive) and the clues that fired."""
    plan = plan_for(kb)
    (total, _, _), hits, _ = _look_up(plan, *_read(answers, kb, plan))
    return total, hits


def _inheritance(
    standing: Standing,
    pair: tuple[Lean, Strength | None],
    hits: tuple[ClueHit, ...],
    kb: KnowledgeBase,
    checks: tuple[NextCheck, ...],
    contradicted: bool,
) -> Inheritance:
    total = standing[0]
    if contradicted and kb.premise is not None:
        return Inheritance("indeterminate", None, total, hits, kb.premise.messages["no_lean"])
    lean, strength = pair
    if lean != "indeterminate":
        message = ""
    elif not hits:
        wanted = ", ".join(c.label for c in checks[:4]) or kb.words["too_little_evidence_default"]
        message = kb.words["too_little_evidence"].format(wanted=wanted)
    else:
        message = kb.words["below_margin"].format(total=total, weak=kb.thresholds.weak)
    return Inheritance(lean, strength, total, hits, message)


def _next_checks(offers: list[Offer], base: Standing, first: NextCheck | None = None) -> tuple[NextCheck, ...]:
    """The most telling unassessed items whose answer could change the lean or its strength, each
    with the lean and strength every answer to it would give; `first` (the premise) leads."""
    offers.sort()
    checks = [first] if first is not None else []
    for _, _, by_standing in offers:
        check = by_standing[base]
        if check is not None:
            checks.append(check)
            if len(checks) == MAX_NEXT_CHECKS:
                break
    return tuple(checks)


def evaluate(answers: Answers, kb: KnowledgeBase) -> Assessment:
    """Evaluate the answers against the knowledge base.

    :raise ValueError: an unknown finding slug, onset or family history (never silently ignored).
    """
    plan = plan_for(kb)
    p, a, o, h = _read(answers, kb, plan)
    standing, hits, offers = _look_up(plan, p, a, o, h)
    bit = plan.premise_bit
    premise = "contradicted" if a & bit else "confirmed" if p & bit else "unconfirmed"
    pair = plan.pairs[standing]
    pattern = pattern_of(hit.clue for hit in hits)
    if premise == "contradicted":  # no answer to another item can bring a lean back
        checks: tuple[NextCheck, ...] = ()
    elif pattern is not None:  # a clue sets the lean (an X-linked family pattern): only the premise can undo it
        pair = (pattern, kb.thresholds.pattern)  # type: ignore[assignment]  # a strength word, checked at load
        first = plan.premise_checks.get(pair) if bit & ~p else None
        checks = (first,) if first is not None else ()
    else:
        checks = _next_checks(offers, standing, plan.premise_checks.get(pair) if bit & ~p else None)
    inheritance = _inheritance(standing, pair, hits, kb, checks, premise == "contradicted")
    mechanisms = tuple([hits[p & mask] for mask, hits, shown in plan.mechanisms if p & mask and shown(p, a, o, h)])
    red_flags = tuple(
        [table[p & members] for r, mask, test, members, table in plan.flags if (p & mask if mask else test(p, a, o, h))]
    )
    workup = plan.workup_sets[sum([1 << i for i, shown in enumerate(plan.workup) if shown(p, a, o, h)])]
    return Assessment(
        answers, inheritance, mechanisms, red_flags, plan.genes[inheritance.lean], checks, premise, workup
    )
