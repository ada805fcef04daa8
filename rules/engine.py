"""The pure rule engine: answers + knowledge base -> assessment. No I/O, deterministic.

holds() is the definition of a condition. evaluate() answers from a plan worked out once per process
from the knowledge alone (_plan): the clues in groups, each tabulated for every combination of
answers to the few items it reads (its share of the score, the clues that fire, the next checks it
offers); the mechanisms tabulated by their present findings; the red flags compiled to integer
tests. Tests compare whole answers with a plain re-evaluation by holds().
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace
from typing import NamedTuple

from .model import LEVELS
from .model import Answers
from .model import Assessment
from .model import Clue
from .model import ClueHit
from .model import Condition
from .model import GeneMatch
from .model import Inheritance
from .model import KnowledgeBase
from .model import Lean
from .model import Mechanism
from .model import MechanismHit
from .model import NextCheck
from .model import RedFlag
from .model import RedFlagHit
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
        return sum(holds(c, answers) for c in cond["of"]) >= int(cond["at_least"])
    if "finding" in cond:
        return bool(answers.state(cond["finding"]) == cond["state"])
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


# Compiled conditions (the red flags use them). Every finding gets one bit; the answers become two
# integers, the findings present (P) and the findings absent (A), beside the onset (o) and family
# history (h) words. A condition tree is compiled once per process to a closure over those four
# values, so a test is a few integer operations instead of a walk of the tree and a dict lookup per
# finding.
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
        need = cond["at_least"]
        masks = [_presence_mask(c, bits) for c in cond["of"]]
        if all(masks):  # each part: one of some findings present; count the parts that hold
            present_in = tuple(masks)
            return lambda p, a, o, h: sum([p & m != 0 for m in present_in]) >= need
        parts = tuple(compile_condition(c, bits) for c in cond["of"])
        return lambda p, a, o, h: sum([part(p, a, o, h) for part in parts]) >= need
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


def _masks_of_all(children: list[Condition], bits: Mapping[str, int]) -> tuple[int, int, int, int, int] | None:
    """For an "all" of finding states, "one of these present" and "not present" parts: the masks
    (present, absent, unknown, not present, one-of-present); None for any other shape."""
    need_p = need_a = unknown = not_p = 0
    one_of = []
    for c in children:
        if set(c) == {"finding", "state"}:
            bit = bits[c["finding"]]
            if c["state"] == "present":
                need_p |= bit
            elif c["state"] == "absent":
                need_a |= bit
            else:
                unknown |= bit
        elif set(c) == {"not"} and set(c["not"]) == {"finding", "state"} and c["not"]["state"] == "present":
            not_p |= bits[c["not"]["finding"]]
        elif set(c) == {"any"} and _presence_mask(c, bits):
            one_of.append(_presence_mask(c, bits))
        else:
            return None
    if len(one_of) > 1:
        return None
    return need_p, need_a, unknown, not_p, one_of[0] if one_of else 0


def _compile_group(cond: Condition, bits: Mapping[str, int]) -> Test:
    want_all = "all" in cond
    children = cond["all"] if want_all else cond["any"]
    masks = _masks_of_all(children, bits) if want_all else None
    if masks is not None and (masks[2] or masks[3] or masks[4]):
        # A red flag's usual shape: some findings present (or one of some), others not entered or
        # not present. A few integer operations, as for the plain "all" below.
        need_p, need_a, unknown, not_p, one_of = masks
        return lambda p, a, o, h: (p & need_p == need_p and a & need_a == need_a and (p | a) & unknown == 0
                                   and p & not_p == 0 and (one_of == 0 or p & one_of != 0))
    if all(set(c) == {"finding", "state"} and c["state"] != "unknown" for c in children):
        # The common case, finding states only: one mask of findings that must be (or may be)
        # present and one of those that must be (or may be) absent.
        need_p = sum({bits[c["finding"]] for c in children if c["state"] == "present"})
        need_a = sum({bits[c["finding"]] for c in children if c["state"] == "absent"})
        if want_all:
            return lambda p, a, o, h: p & need_p == need_p and a & need_a == need_a
        return lambda p, a, o, h: p & need_p != 0 or a & need_a != 0
    parts = tuple(compile_condition(c, bits) for c in children)
    if len(parts) == 2:  # the usual mixed pair (an onset and some findings, say): no loop
        first, second = parts
        if want_all:
            return lambda p, a, o, h: first(p, a, o, h) and second(p, a, o, h)
        return lambda p, a, o, h: first(p, a, o, h) or second(p, a, o, h)
    if want_all:
        return lambda p, a, o, h: all([part(p, a, o, h) for part in parts])
    return lambda p, a, o, h: any([part(p, a, o, h) for part in parts])


def _presence_mask(cond: Condition, bits: Mapping[str, int]) -> int:
    """The findings' mask when the condition is "one of these findings present"; 0 otherwise."""
    if set(cond) == {"finding", "state"}:
        return bits[cond["finding"]] if cond["state"] == "present" else 0
    children = cond.get("any")
    if set(cond) == {"any"} and children and all(set(c) == {"finding", "state"} and c["state"] == "present"
                                                  for c in children):
        return sum({bits[c["finding"]] for c in children})
    return 0


# Tabulated clues. Two clues fall in one group when they read a common item (a finding, the onset
# or the family history), so groups read disjoint items, and each reads only a few. For every
# combination of answers to a group's items, the plan works out once per process the group's share
# of the score, the clues that fire and what answering each of its unassessed items would change.
# An assessment is then one table lookup per group. The tables are filled in with holds(), the
# plain definition, so they agree with it by construction (tests compare whole answers with it).
MAX_GROUP_ROWS = 50_000  # per group: 3 ** (findings it reads) x onsets x family histories, when read

# Where the answers stand, as far as the lean and its strength go: (score, the entered findings that
# the fired clues read, whether a family-history clue fired). Strength is earned by findings
# (lean_of), so the score alone does not decide it.
_Standing = tuple[float, int, bool]
# A next check before it is ranked: (-impact, position, the check for each standing the answers can
# reach, None where no answer to it would change the lean or its strength). Sorting offers ranks
# them: the largest impact first, ties in checklist order, then onset, then family history
# (positions are unique, so the table is never compared).
_Offer = tuple[float, int, dict[_Standing, NextCheck | None]]
# A group's row for one combination of answers: (its share of the score, the positions of the clues
# that fire, its offers, the entered findings its fired clues read, whether it fired a family clue).
_Row = tuple[float, tuple[int, ...], tuple[_Offer, ...], int, bool]
# An offer as tabulated, before the standings the answers can reach are known: (-impact, position,
# kind, key, label, check, (value tried, score change, findings change, family clue after or None
# when the group reads no family history) per value).
_Change = tuple[str, float, int, bool | None]
_Draft = tuple[float, int, str, str, str, str, tuple[_Change, ...]]
_Table = tuple[int, dict[int, tuple[float, tuple[int, ...], tuple[_Draft, ...], int, bool]]]
MAX_SCORES = 100_000  # distinct standings the answers can reach (a few hundred for the shipped knowledge)


class _Group(NamedTuple):
    """Clues that read common items, with their table (a named tuple: evaluate() unpacks it)."""

    mask: int  # the bits of the packed answers (see _pack) that the clues read
    rows: dict[int, _Row]  # keyed by the packed answers & mask


def _pack(present: int, absent: int, onset: int, family_history: int, width: int) -> int:
    """The answers as one integer: the present and absent finding masks (`width` bits each), then
    the onset's and the family history's positions (8 bits each). A group's key is the part of it
    that the group reads: one AND."""
    return present | absent << width | onset << 2 * width | family_history << 2 * width + 8


class _Packing(NamedTuple):
    """What _pack needs of a knowledge base: how many findings, and each option's position."""

    width: int
    onset_index: dict[str, int]
    family_index: dict[str, int]


def _packing(kb: KnowledgeBase) -> _Packing:
    if max(len(kb.onsets), len(kb.family_histories)) > 255:
        raise ValueError("at most 255 onsets and 255 family histories fit the packed answers")
    return _Packing(len(kb.findings), {slug: i for i, slug in enumerate(kb.onsets)},
                    {slug: i for i, slug in enumerate(kb.family_histories)})


def _clue_groups(kb: KnowledgeBase) -> list[tuple[set[str], list[int]]]:
    """The clues joined into groups by the items they read: (items, clue positions) per group."""
    groups: list[tuple[set[str], list[int]]] = []
    for i, clue in enumerate(kb.clues):
        items = findings_in(clue.when) | {k for k in ("onset", "family_history") if mentions(clue.when, k)}
        clues = [i]
        apart = []
        for other_items, other_clues in groups:
            if other_items & items:
                items |= other_items
                clues += other_clues
            else:
                apart.append((other_items, other_clues))
        groups = [*apart, (items, sorted(clues))]
    return groups


def _tabulate(items: set[str], clues: list[int], kb: KnowledgeBase, bits: Mapping[str, int],
              signed: tuple[float, ...], packing: _Packing) -> _Table:
    """One group's table: a row for every combination of answers to the items it reads."""
    slugs = [s for s in kb.findings if s in items]  # checklist order
    reads_onset, reads_family = "onset" in items, "family_history" in items
    onsets = tuple(kb.onsets) if reads_onset else ("",)
    families = tuple(kb.family_histories) if reads_family else ("",)
    size = 3 ** len(slugs) * len(onsets) * len(families)
    if size > MAX_GROUP_ROWS:
        ids = ", ".join(kb.clues[i].id for i in clues)
        raise ValueError(f"clues {ids} read too many items together: {size} combinations of answers, "
                         f"at most {MAX_GROUP_ROWS}")

    def share(answers: Answers) -> tuple[float, tuple[int, ...]]:
        fired = tuple(i for i in clues if holds(kb.clues[i].when, answers))
        return sum(signed[i] for i in fired), fired

    def evidence(answers: Answers, fired: tuple[int, ...]) -> tuple[int, bool]:
        return _evidence([kb.clues[i] for i in fired], answers)

    def offer(position: int, kind: str, key: str, label: str, check: str,
              tries: list[tuple[str, Answers]], part: float, n: int, fam: bool) -> list[_Draft]:
        changes = []
        for value, trial in tries:
            trial_part, trial_fired = share(trial)
            trial_n, trial_fam = evidence(trial, trial_fired)
            changes.append((value, round(trial_part - part, 3), trial_n - n, trial_fam if reads_family else None))
        impact = max(abs(change) for _, change, _, _ in changes)
        moves = impact > 0 or any(dn or (f is not None and f != fam) for _, _, dn, f in changes)
        return [(-impact, position, kind, key, label, check, tuple(changes))] if moves else []

    position = {s: i for i, s in enumerate(kb.findings)}
    last = len(kb.findings)
    width, onset_index, family_index = packing
    rows: dict[int, tuple[float, tuple[int, ...], tuple[_Draft, ...], int, bool]] = {}
    every_state: tuple[State, ...] = ("present", "absent", "unknown")
    for states in itertools.product(every_state, repeat=len(slugs)):
        findings: dict[str, State] = dict(zip(slugs, states, strict=True))
        present, absent = answer_masks(findings, bits)
        for o, h in itertools.product(onsets, families):
            answers = Answers(findings, o or "unknown", h or "unknown")
            part, fired = share(answers)
            n, fam = evidence(answers, fired)
            offers: list[_Draft] = []
            for slug in slugs:
                if findings[slug] == "unknown":
                    f = kb.findings[slug]
                    offers += offer(position[slug], "finding", slug, f.label, f.check, [
                        (v, replace(answers, findings={**findings, slug: v})) for v in ("present", "absent")],
                        part, n, fam)
            if o == "unknown":
                offers += offer(last, "onset", "onset", "Age at onset", "When did the first signs appear?", [
                    (x, replace(answers, onset=x)) for x in kb.onsets if x != "unknown"], part, n, fam)
            if h == "unknown":
                offers += offer(last + 1, "family_history", "family_history", "Family history",
                                "Are the parents or a brother or sister affected, or are the parents related?", [
                                    (x, replace(answers, family_history=x))
                                    for x in kb.family_histories if x != "unknown"], part, n, fam)
            key = _pack(present, absent, onset_index.get(o, 0), family_index.get(h, 0), width)
            rows[key] = (part, fired, tuple(offers), n, fam)
    reads = sum(bits[s] for s in slugs)
    mask = _pack(reads, reads, 0xFF if reads_onset else 0, 0xFF if reads_family else 0, width)
    return mask, rows


def _evidence(fired: Iterable[Clue], answers: Answers) -> tuple[int, bool]:
    """What the fired clues rest on: how many entered findings they read, and whether one of them
    reads the family history (the plain definition; the tables hold it per group)."""
    read = set().union(*(findings_in(c.when) for c in fired))
    return (sum(answers.state(s) != "unknown" for s in read),
            any(mentions(c.when, "family_history") for c in fired))


def _reachable(parts: list[set[tuple[float, int, bool]]]) -> list[_Standing]:
    """Every standing the answers can reach, given each group's possible (share, findings, family
    clue), summed as _look_up() does."""
    totals: set[tuple[float, int, bool]] = {(0.0, 0, False)}
    for shares in parts:
        totals = {(total + share, n + m, fam or f) for total, n, fam in totals for share, m, f in shares}
        if len(totals) > MAX_SCORES:
            raise ValueError(f"the clue weights reach more than {MAX_SCORES} distinct standings")
    return sorted({(round(total, 3), n, fam) for total, n, fam in totals})


def _finish(drafts: dict[_Draft, _Offer], standings: list[_Standing], kb: KnowledgeBase) -> None:
    """Fill in each offer's check for every reachable standing: the lean and strength each answer
    would give; None where none of them differs from the standing's own."""
    for (negative_impact, _, kind, key, label, check, changes), (_, _, by_standing) in drafts.items():
        made: dict[tuple[tuple[str, Lean, Strength | None], ...], NextCheck] = {}
        for base in standings:
            total, n, fam = base
            now = lean_of(total, kb, n, fam)
            outcomes = tuple((v, *lean_of(round(total + change, 3), kb, n + dn, fam if f is None else f))
                             for v, change, dn, f in changes)
            if all((lean, strength) == now for _, lean, strength in outcomes):
                by_standing[base] = None
                continue
            if outcomes not in made:
                made[outcomes] = NextCheck(kind, key, label, check, -negative_impact, outcomes)
            by_standing[base] = made[outcomes]


def _groups(kb: KnowledgeBase, bits: Mapping[str, int], signed: tuple[float, ...],
            packing: _Packing) -> tuple[tuple[_Group, ...], dict[_Standing, tuple[Lean, Strength | None]]]:
    """The clue groups with their tables, every offer holding its check for each reachable standing;
    and the lean and strength of every reachable standing."""
    tables = [_tabulate(items, clues, kb, bits, signed, packing) for items, clues in _clue_groups(kb)]
    drafts: dict[_Draft, _Offer] = {}  # one offer per distinct draft, shared by the rows that make it
    groups = []
    for mask, rows in tables:
        done = {key: (part, fired, tuple(drafts.setdefault(d, (d[0], d[1], {})) for d in offers), n, fam)
                for key, (part, fired, offers, n, fam) in rows.items()}
        groups.append(_Group(mask, done))
    parts = [{(part, n, fam) for part, _, _, n, fam in rows.values()} for _, rows in tables]
    standings = _reachable(parts)
    _finish(drafts, standings, kb)
    return tuple(groups), {s: lean_of(s[0], kb, s[1], s[2]) for s in standings}


@dataclass(frozen=True, slots=True)
class _Plan:
    """What evaluate() needs of one knowledge base, worked out once per process."""

    bits: dict[str, int]  # finding slug -> its bit
    groups: tuple[_Group, ...]  # the clues, tabulated
    pairs: dict[_Standing, tuple[Lean, Strength | None]]  # the lean and strength of each reachable standing
    packing: _Packing  # how the answers are packed into one integer (see _pack)
    hits: tuple[ClueHit, ...]  # per clue, shared by every answer it fires for (frozen)
    mechanisms: tuple[tuple[int, dict[int, MechanismHit]], ...]  # per mechanism: its findings' mask, and
    # the hit for every set of them that can be present (a few hundred at most: 2 ** members)
    # Each red flag, most urgent first, with its condition: a mask when it is "one of these findings
    # present" (most are), else 0 and the compiled test; then the mask of the findings that can raise
    # it and its hit for every set of them that can be present (as for the mechanisms).
    flags: tuple[tuple[RedFlag, int, Test, int, dict[int, RedFlagHit]], ...]
    genes: dict[str, tuple[GeneMatch, ...]]  # per lean
    premise_bit: int  # the premise finding's bit (0 when the knowledge has no premise)
    premise_checks: dict[tuple[Lean, Strength | None], NextCheck]  # the premise as a next check, per lean


def _mechanism_table(mechanism: Mechanism, kb: KnowledgeBase, bits: Mapping[str, int],
                     ) -> tuple[int, dict[int, MechanismHit]]:
    members = [(bits[s], f) for s, f in kb.findings.items() if mechanism.slug in f.groups]
    if 2 ** len(members) > MAX_GROUP_ROWS:
        raise ValueError(f"mechanism {mechanism.slug} has too many findings to tabulate: {len(members)}")
    hits = {}
    for chosen in itertools.product((False, True), repeat=len(members)):
        present = tuple([(bit, f) for (bit, f), on in zip(members, chosen, strict=True) if on])
        if present:
            hits[sum(bit for bit, _ in present)] = MechanismHit(mechanism, tuple(f for _, f in present))
    return sum(bit for bit, _ in members), hits


def raised_by(cond: Condition) -> set[str]:
    """The findings whose presence can raise a red flag: those its condition wants present (not
    under a "not")."""
    if "finding" in cond:
        return {cond["finding"]} if cond["state"] == "present" else set()
    if "not" in cond:
        return set()
    children: Iterable[Condition] = cond.get("all") or cond.get("any") or cond.get("of") or []
    return set().union(*(raised_by(c) for c in children)) if children else set()


def _flag_table(flag: RedFlag, kb: KnowledgeBase, bits: Mapping[str, int]) -> tuple[int, dict[int, RedFlagHit]]:
    members = [(bits[s], f) for s, f in kb.findings.items() if s in raised_by(flag.when)]
    if 2 ** len(members) > MAX_GROUP_ROWS:
        raise ValueError(f"red flag {flag.id} reads too many findings to tabulate: {len(members)}")
    hits = {}
    for chosen in itertools.product((False, True), repeat=len(members)):
        present = tuple([(bit, f) for (bit, f), on in zip(members, chosen, strict=True) if on])
        hits[sum(bit for bit, _ in present)] = RedFlagHit(flag, tuple(f for _, f in present))
    return sum(bit for bit, _ in members), hits


def _premise_checks(kb: KnowledgeBase) -> dict[tuple[Lean, Strength | None], NextCheck]:
    """The premise finding as a next check for each lean it could undo (entered absent: no lean)."""
    if kb.premise is None:
        return {}
    f = kb.findings[kb.premise.finding]
    return {(lean, strength): NextCheck("finding", f.slug, f.label, f.check, 0.0,
                                        (("present", lean, strength), ("absent", "indeterminate", None)))
            for lean in ("recessive", "dominant") for strength in ("weak", "moderate", "strong")}


@functools.cache
def _plan(kb: KnowledgeBase) -> _Plan:
    """The plan for one knowledge base (hashed by identity: one instance per process)."""
    bits = finding_bits(kb)
    packing = _packing(kb)
    signed = tuple(_signed(c) for c in kb.clues)
    leans = ("recessive", "dominant", "indeterminate")
    groups, pairs = _groups(kb, bits, signed, packing)
    return _Plan(
        bits=bits,
        groups=groups,
        pairs=pairs,
        packing=packing,
        hits=tuple(ClueHit(c, w) for c, w in zip(kb.clues, signed, strict=True)),
        mechanisms=tuple(_mechanism_table(m, kb, bits) for m in kb.mechanisms.values()),
        flags=tuple((r, _presence_mask(r.when, bits), compile_condition(r.when, bits), *_flag_table(r, kb, bits))
                    for r in sorted(kb.red_flags, key=lambda r: LEVELS.index(r.level))),  # most urgent first
        # The genes consistent with the lean first, each part in knowledge order.
        genes={lean: tuple(sorted((GeneMatch(g, g.inheritance == lean) for g in kb.genes),
                                  key=lambda m: not m.consistent)) for lean in leans},
        premise_bit=bits[kb.premise.finding] if kb.premise else 0,
        premise_checks=_premise_checks(kb),
    )


def prepare(kb: KnowledgeBase) -> None:
    """Work out the plan for a knowledge base now; ValueError if its clues cannot be tabulated."""
    _plan(kb)


class Handouts(NamedTuple):
    """Every shared object evaluate() can hand out: the same object each time it is handed out, so
    a presenter may prepare what it shows of each once (keyed by identity)."""

    clue_hits: tuple[ClueHit, ...]
    mechanism_hits: tuple[MechanismHit, ...]
    red_flags: tuple[RedFlagHit, ...]
    next_checks: tuple[NextCheck, ...]
    gene_tables: tuple[tuple[GeneMatch, ...], ...]  # one per lean


def handouts(kb: KnowledgeBase) -> Handouts:
    """The shared objects of the plan for a knowledge base."""
    plan = _plan(kb)
    offers = {id(o): o for g in plan.groups for _, _, row_offers, _, _ in g.rows.values() for o in row_offers}
    checks = {id(c): c for _, _, by_standing in offers.values() for c in by_standing.values() if c is not None}
    checks.update({id(c): c for c in plan.premise_checks.values()})
    return Handouts(
        clue_hits=plan.hits,
        mechanism_hits=tuple(hit for _, hits in plan.mechanisms for hit in hits.values()),
        red_flags=tuple(hit for *_, hits in plan.flags for hit in hits.values()),
        next_checks=tuple(checks.values()),
        gene_tables=tuple(plan.genes.values()),
    )


def _signed(clue: Clue) -> float:
    toward_recessive = (clue.points_to == "recessive") == (clue.effect == "for")
    return clue.weight if toward_recessive else -clue.weight


def _read(answers: Answers, kb: KnowledgeBase, plan: _Plan) -> tuple[int, int, str, str]:
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


def _look_up(plan: _Plan, p: int, a: int, o: str, h: str,
             ) -> tuple[_Standing, tuple[ClueHit, ...], list[_Offer]]:
    """The standing (score, findings read, family clue), the clues that fired (in knowledge order)
    and the offered next checks."""
    total = 0.0
    n = 0
    family = False
    fired: list[int] = []
    offers: list[_Offer] = []
    width, onset_index, family_index = plan.packing
    packed = _pack(p, a, onset_index[o], family_index[h], width)
    for mask, rows in plan.groups:
        part, hits, offered, m, fam = rows[packed & mask]
        total += part
        n += m
        family = family or fam
        fired += hits
        offers += offered
    fired.sort()
    return (round(total, 3), n, family), tuple(map(plan.hits.__getitem__, fired)), offers


def score(answers: Answers, kb: KnowledgeBase) -> tuple[float, tuple[ClueHit, ...]]:
    """The signed score (positive: recessive) and the clues that fired."""
    plan = _plan(kb)
    (total, _, _), hits, _ = _look_up(plan, *_read(answers, kb, plan))
    return total, hits


_STRENGTHS: tuple[Strength, ...] = ("weak", "moderate", "strong")
_STRENGTH_RANK: dict[str, int] = {s: i for i, s in enumerate(_STRENGTHS)}


def lean_of(total: float, kb: KnowledgeBase, findings: int | None = None,
            family: bool = False) -> tuple[Lean, Strength | None]:
    """Map a score to a lean and strength using the knowledge's thresholds.

    Strength is earned (issue 14): given `findings`, the entered findings read by the clues that
    fired, `strong` needs at least thresholds.strong_needs_findings of them; with none the
    strength is at most thresholds.without_findings, or thresholds.onset_alone when no
    family-history clue fired either (the onset alone). Without `findings`, the margin alone.
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


def _inheritance(standing: _Standing, pair: tuple[Lean, Strength | None], hits: tuple[ClueHit, ...],
                 kb: KnowledgeBase, checks: tuple[NextCheck, ...], contradicted: bool) -> Inheritance:
    total = standing[0]
    if contradicted and kb.premise is not None:
        return Inheritance("indeterminate", None, total, hits, kb.premise.messages["no_lean"])
    lean, strength = pair
    if lean != "indeterminate":
        message = ""
    elif not hits:
        wanted = ", ".join(c.label for c in checks[:4]) or "onset and family history"
        message = f"Too little evidence: no inheritance clue applies yet. Most informative to assess: {wanted}."
    else:
        message = (f"The clues do not reach the margin for a lean (score {total:+g}, "
                   f"needs {kb.thresholds.weak:g} either way). Assess more findings before leaning.")
    return Inheritance(lean, strength, total, hits, message)


def _next_checks(offers: list[_Offer], base: _Standing, first: NextCheck | None = None) -> tuple[NextCheck, ...]:
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
    plan = _plan(kb)
    p, a, o, h = _read(answers, kb, plan)
    standing, hits, offers = _look_up(plan, p, a, o, h)
    bit = plan.premise_bit
    premise = "contradicted" if a & bit else "confirmed" if p & bit else "unconfirmed"
    pair = plan.pairs[standing]
    if premise == "contradicted":  # no answer to another item can bring a lean back
        checks: tuple[NextCheck, ...] = ()
    else:
        checks = _next_checks(offers, standing, plan.premise_checks.get(pair) if bit & ~p else None)
    inheritance = _inheritance(standing, pair, hits, kb, checks, premise == "contradicted")
    mechanisms = tuple([hits[p & mask] for mask, hits in plan.mechanisms if p & mask])
    red_flags = tuple([table[p & members] for r, mask, test, members, table in plan.flags
                       if (p & mask if mask else test(p, a, o, h))])
    return Assessment(answers, inheritance, mechanisms, red_flags, plan.genes[inheritance.lean], checks, premise)
