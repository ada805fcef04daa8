"""The plan: what evaluate() needs of one knowledge base, worked out once per process.

The clues in groups, each tabulated for every combination of answers to the few items it reads (its
share of the score, the clues that fire, the next checks it offers); the mechanisms tabulated by
their present findings; the red flags compiled to integer tests (rules/core/conditions.py). The
tables are filled in from the plain definitions (rules/checklist/reference.py), so they agree with
them by construction; tests compare whole answers with those definitions.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace
from typing import NamedTuple

from rules.core.conditions import Test
from rules.core.conditions import answer_masks
from rules.core.conditions import compile_condition
from rules.core.conditions import finding_bits
from rules.core.conditions import findings_in
from rules.core.conditions import holds
from rules.core.conditions import mentions
from rules.core.conditions import nodes
from rules.core.conditions import presence_mask
from rules.core.conditions import raised_by
from rules.core.model import LEVELS
from rules.core.model import PATTERN_LEANS
from rules.core.model import Answers
from rules.core.model import Clue
from rules.core.model import ClueHit
from rules.core.model import GeneMatch
from rules.core.model import KnowledgeBase
from rules.core.model import Lean
from rules.core.model import Mechanism
from rules.core.model import MechanismHit
from rules.core.model import NextCheck
from rules.core.model import RedFlag
from rules.core.model import RedFlagHit
from rules.core.model import State
from rules.core.model import Strength
from rules.core.model import WorkupItem

from .reference import evidence
from .reference import lean_of
from .reference import pattern_of
from .reference import signed

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
Standing = tuple[float, int, bool]
# A next check before it is ranked: (-impact, position, the check for each standing the answers can
# reach, None where no answer to it would change the lean or its strength). Sorting offers ranks
# them: the largest impact first, ties in checklist order, then onset, then family history
# (positions are unique, so the table is never compared).
Offer = tuple[float, int, dict[Standing, NextCheck | None]]
# A group's row for one combination of answers: (its share of the score, the positions of the clues
# that fire, its offers, the entered findings its fired clues read, whether it fired a family clue).
_Row = tuple[float, tuple[int, ...], tuple[Offer, ...], int, bool]
# An offer as tabulated, before the standings the answers can reach are known: (-impact, position,
# kind, key, label, check, (value tried, score change, findings change, family clue after or None
# when the group reads no family history, the lean a fired clue sets or "") per value).
_Change = tuple[str, float, int, bool | None, str]
_Draft = tuple[float, int, str, str, str, str, tuple[_Change, ...]]
_Table = tuple[int, dict[int, tuple[float, tuple[int, ...], tuple[_Draft, ...], int, bool]]]
MAX_SCORES = 100_000  # distinct standings the answers can reach (a few hundred for the shipped knowledge)


class Group(NamedTuple):
    """Clues that read common items, with their table (a named tuple: evaluate() unpacks it)."""

    mask: int  # the bits of the packed answers (see pack) that the clues read
    rows: dict[int, _Row]  # keyed by the packed answers & mask


def pack(present: int, absent: int, onset: int, family_history: int, width: int) -> int:
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
    return _Packing(
        len(kb.findings),
        {slug: i for i, slug in enumerate(kb.onsets)},
        {slug: i for i, slug in enumerate(kb.family_histories)},
    )


def clue_groups(kb: KnowledgeBase) -> list[tuple[set[str], list[int]]]:
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


def _tabulate(
    items: set[str],
    clues: list[int],
    kb: KnowledgeBase,
    bits: Mapping[str, int],
    weights: tuple[float, ...],
    packing: _Packing,
) -> _Table:
    """One group's table: a row for every combination of answers to the items it reads."""
    words = kb.words
    slugs = [s for s in kb.findings if s in items]  # checklist order
    reads_onset, reads_family = "onset" in items, "family_history" in items
    onsets = tuple(kb.onsets) if reads_onset else ("",)
    families = tuple(kb.family_histories) if reads_family else ("",)
    size = 3 ** len(slugs) * len(onsets) * len(families)
    if size > MAX_GROUP_ROWS:
        ids = ", ".join(kb.clues[i].id for i in clues)
        raise ValueError(
            f"clues {ids} read too many items together: {size} combinations of answers, at most {MAX_GROUP_ROWS}"
        )

    def share(answers: Answers) -> tuple[float, tuple[int, ...]]:
        fired = tuple(i for i in clues if holds(kb.clues[i].when, answers))
        return sum(weights[i] for i in fired), fired

    def rests_on(answers: Answers, fired: tuple[int, ...]) -> tuple[int, bool]:
        return evidence([kb.clues[i] for i in fired], answers)

    def offer(
        position: int,
        kind: str,
        key: str,
        label: str,
        check: str,
        tries: list[tuple[str, Answers]],
        part: float,
        n: int,
        fam: bool,
    ) -> list[_Draft]:
        changes = []
        for value, trial in tries:
            trial_part, trial_fired = share(trial)
            trial_n, trial_fam = rests_on(trial, trial_fired)
            sets = pattern_of(kb.clues[i] for i in trial_fired) or ""
            changes.append((value, round(trial_part - part, 3), trial_n - n, trial_fam if reads_family else None, sets))
        impact = max(abs(change) for _, change, _, _, _ in changes)
        moves = impact > 0 or any(dn or (f is not None and f != fam) or sets for _, _, dn, f, sets in changes)
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
            n, fam = rests_on(answers, fired)
            offers: list[_Draft] = []
            for slug in slugs:
                if findings[slug] == "unknown":
                    f = kb.findings[slug]
                    offers += offer(
                        position[slug],
                        "finding",
                        slug,
                        f.label,
                        f.check,
                        [(v, replace(answers, findings={**findings, slug: v})) for v in ("present", "absent")],
                        part,
                        n,
                        fam,
                    )
            if o == "unknown":
                offers += offer(
                    last,
                    "onset",
                    "onset",
                    words["onset_label"],
                    words["onset_question"],
                    [(x, replace(answers, onset=x)) for x in kb.onsets if x != "unknown"],
                    part,
                    n,
                    fam,
                )
            if h == "unknown":
                offers += offer(
                    last + 1,
                    "family_history",
                    "family_history",
                    words["family_history_label"],
                    words["family_history_question"],
                    [(x, replace(answers, family_history=x)) for x in kb.family_histories if x != "unknown"],
                    part,
                    n,
                    fam,
                )
            key = pack(present, absent, onset_index.get(o, 0), family_index.get(h, 0), width)
            rows[key] = (part, fired, tuple(offers), n, fam)
    reads = sum(bits[s] for s in slugs)
    mask = pack(reads, reads, 0xFF if reads_onset else 0, 0xFF if reads_family else 0, width)
    return mask, rows


def _reachable(parts: list[set[tuple[float, int, bool]]]) -> list[Standing]:
    """Every standing the answers can reach, given each group's possible (share, findings, family
    clue), summed as evaluate() does (rules/checklist/engine.py)."""
    totals: set[tuple[float, int, bool]] = {(0.0, 0, False)}
    for shares in parts:
        totals = {(total + share, n + m, fam or f) for total, n, fam in totals for share, m, f in shares}
        if len(totals) > MAX_SCORES:
            raise ValueError(f"the clue weights reach more than {MAX_SCORES} distinct standings")
    return sorted({(round(total, 3), n, fam) for total, n, fam in totals})


def _finish(drafts: dict[_Draft, Offer], standings: list[Standing], kb: KnowledgeBase) -> None:
    """Fill in each offer's check for every reachable standing: the lean and strength each answer
    would give; None where none of them differs from the standing's own."""
    for (negative_impact, _, kind, key, label, check, changes), (_, _, by_standing) in drafts.items():
        made: dict[tuple[tuple[str, Lean, Strength | None], ...], NextCheck] = {}
        for base in standings:
            total, n, fam = base
            now = lean_of(total, kb, n, fam)
            outcomes = tuple(
                (
                    v,
                    *(
                        (sets, kb.thresholds.pattern)
                        if sets
                        else lean_of(round(total + change, 3), kb, n + dn, fam if f is None else f)
                    ),
                )
                for v, change, dn, f, sets in changes
            )
            if all((lean, strength) == now for _, lean, strength in outcomes):
                by_standing[base] = None
                continue
            if outcomes not in made:
                made[outcomes] = NextCheck(kind, key, label, check, -negative_impact, outcomes)
            by_standing[base] = made[outcomes]


def _groups(
    kb: KnowledgeBase, bits: Mapping[str, int], weights: tuple[float, ...], packing: _Packing
) -> tuple[tuple[Group, ...], dict[Standing, tuple[Lean, Strength | None]]]:
    """The clue groups with their tables, every offer holding its check for each reachable standing;
    and the lean and strength of every reachable standing."""
    tables = [_tabulate(items, clues, kb, bits, weights, packing) for items, clues in clue_groups(kb)]
    drafts: dict[_Draft, Offer] = {}  # one offer per distinct draft, shared by the rows that make it
    groups = []
    for mask, rows in tables:
        done = {
            key: (part, fired, tuple(drafts.setdefault(d, (d[0], d[1], {})) for d in offers), n, fam)
            for key, (part, fired, offers, n, fam) in rows.items()
        }
        groups.append(Group(mask, done))
    parts = [{(part, n, fam) for part, _, _, n, fam in rows.values()} for _, rows in tables]
    standings = _reachable(parts)
    _finish(drafts, standings, kb)
    return tuple(groups), {s: lean_of(s[0], kb, s[1], s[2]) for s in standings}


@dataclass(frozen=True, slots=True)
class Plan:
    """What evaluate() needs of one knowledge base, worked out once per process."""

    bits: dict[str, int]  # finding slug -> its bit
    groups: tuple[Group, ...]  # the clues, tabulated
    pairs: dict[Standing, tuple[Lean, Strength | None]]  # the lean and strength of each reachable standing
    packing: _Packing  # how the answers are packed into one integer (see pack)
    # Per clue, in knowledge order: the masks of the findings its condition names present and absent,
    # and its hit for every set of those findings that can be entered so (as for the red flags below).
    clues: tuple[tuple[int, int, dict[tuple[int, int], ClueHit]], ...]
    # Per mechanism: its findings' mask, the hit for every set of them that can be present (a few hundred
    # at most: 2 ** members), and its condition (the card is left out where what was entered contradicts it).
    mechanisms: tuple[tuple[int, dict[int, MechanismHit], Test], ...]
    # Each red flag, most urgent first, with its condition: a mask when it is "one of these findings
    # present" (most are), else 0 and the compiled test; then the mask of the findings that can raise
    # it and its hit for every set of them that can be present (as for the mechanisms).
    flags: tuple[tuple[RedFlag, int, Test, int, dict[int, RedFlagHit]], ...]
    genes: dict[str, tuple[GeneMatch, ...]]  # per lean
    premise_bit: int  # the premise finding's bit (0 when the knowledge has no premise)
    premise_checks: dict[tuple[Lean, Strength | None], NextCheck]  # the premise as a next check, per lean
    # The work-up items, each with its condition, and the items shown for every set of them that can
    # hold (keyed by their bits in knowledge order), the same tuple each time.
    workup: tuple[Test, ...]
    workup_sets: dict[int, tuple[WorkupItem, ...]]


def _mechanism_table(
    mechanism: Mechanism,
    kb: KnowledgeBase,
    bits: Mapping[str, int],
) -> tuple[int, dict[int, MechanismHit], Test]:
    members = [(bits[s], f) for s, f in kb.findings.items() if mechanism.slug in f.groups]
    if 2 ** len(members) > MAX_GROUP_ROWS:
        raise ValueError(f"mechanism {mechanism.slug} has too many findings to tabulate: {len(members)}")
    hits = {}
    for chosen in itertools.product((False, True), repeat=len(members)):
        present = tuple([(bit, f) for (bit, f), on in zip(members, chosen, strict=True) if on])
        if present:
            hits[sum(bit for bit, _ in present)] = MechanismHit(mechanism, tuple(f for _, f in present))
    return sum(bit for bit, _ in members), hits, compile_condition(mechanism.when, bits)


def _workup_sets(kb: KnowledgeBase) -> dict[int, tuple[WorkupItem, ...]]:
    """The work-up items shown for every set of them whose condition holds (bit i: the i-th item)."""
    items = kb.workup
    if 2 ** len(items) > MAX_GROUP_ROWS:
        raise ValueError(f"too many work-up items to tabulate: {len(items)}")
    return {key: tuple(w for i, w in enumerate(items) if key >> i & 1) for key in range(2 ** len(items))}


def _flag_table(flag: RedFlag, kb: KnowledgeBase, bits: Mapping[str, int]) -> tuple[int, dict[int, RedFlagHit]]:
    members = [(bits[s], f) for s, f in kb.findings.items() if s in raised_by(flag.when)]
    if 2 ** len(members) > MAX_GROUP_ROWS:
        raise ValueError(f"red flag {flag.id} reads too many findings to tabulate: {len(members)}")
    hits = {}
    for chosen in itertools.product((False, True), repeat=len(members)):
        present = tuple([(bit, f) for (bit, f), on in zip(members, chosen, strict=True) if on])
        hits[sum(bit for bit, _ in present)] = RedFlagHit(flag, tuple(f for _, f in present))
    return sum(bit for bit, _ in members), hits


def _clue_table(
    clue: Clue,
    weight: float,
    kb: KnowledgeBase,
    bits: Mapping[str, int],
) -> tuple[int, int, dict[tuple[int, int], ClueHit]]:
    """A clue's hits by the entered findings behind it: the findings its condition names, outside any
    "not", each in the state it names (present or absent)."""
    named = {
        (node["finding"], node["state"])
        for node, negated in nodes(clue.when)
        if "finding" in node and not negated and node["state"] in ("present", "absent")
    }
    entered: tuple[State, ...] = ("present", "absent")
    members = [(bits[s], state, f) for s, f in kb.findings.items() for state in entered if (s, state) in named]
    if 2 ** len(members) > MAX_GROUP_ROWS:
        raise ValueError(f"clue {clue.id} names too many findings to tabulate: {len(members)}")
    hits = {}
    for chosen in itertools.product((False, True), repeat=len(members)):
        on = [(bit, state, f) for (bit, state, f), yes in zip(members, chosen, strict=True) if yes]
        key = (
            sum(bit for bit, state, _ in on if state == "present"),
            sum(bit for bit, state, _ in on if state == "absent"),
        )
        hits[key] = ClueHit(clue, weight, tuple(f for _, _, f in on), tuple(state for _, state, _ in on))
    present = sum(bit for bit, state, _ in members if state == "present")
    absent = sum(bit for bit, state, _ in members if state == "absent")
    return present, absent, hits


def _premise_checks(kb: KnowledgeBase) -> dict[tuple[Lean, Strength | None], NextCheck]:
    """The premise finding as a next check for each lean it could undo (entered absent: no lean)."""
    if kb.premise is None:
        return {}
    f = kb.findings[kb.premise.finding]
    return {
        (lean, strength): NextCheck(
            "finding", f.slug, f.label, f.check, 0.0, (("present", lean, strength), ("absent", "indeterminate", None))
        )
        for lean in ("recessive", "dominant", *PATTERN_LEANS)
        for strength in ("weak", "moderate", "strong")
    }


@functools.cache
def plan_for(kb: KnowledgeBase) -> Plan:
    """The plan for one knowledge base (hashed by identity: one instance per process)."""
    bits = finding_bits(kb)
    packing = _packing(kb)
    weights = tuple(signed(c) for c in kb.clues)
    leans = ("recessive", "dominant", *PATTERN_LEANS, "indeterminate")
    groups, pairs = _groups(kb, bits, weights, packing)
    return Plan(
        bits=bits,
        groups=groups,
        pairs=pairs,
        packing=packing,
        clues=tuple(_clue_table(c, w, kb, bits) for c, w in zip(kb.clues, weights, strict=True)),
        mechanisms=tuple(_mechanism_table(m, kb, bits) for m in kb.mechanisms.values()),
        flags=tuple(
            (r, presence_mask(r.when, bits), compile_condition(r.when, bits), *_flag_table(r, kb, bits))
            for r in sorted(kb.red_flags, key=lambda r: LEVELS.index(r.level))
        ),  # most urgent first
        # The genes consistent with the lean first, each part in knowledge order.
        genes={
            lean: tuple(sorted((GeneMatch(g, g.inheritance == lean) for g in kb.genes), key=lambda m: not m.consistent))
            for lean in leans
        },
        premise_bit=bits[kb.premise.finding] if kb.premise else 0,
        premise_checks=_premise_checks(kb),
        workup=tuple(compile_condition(w.when, bits) for w in kb.workup),
        workup_sets=_workup_sets(kb),
    )


def prepare(kb: KnowledgeBase) -> None:
    """Work out the plan for a knowledge base now; ValueError if its clues cannot be tabulated."""
    plan_for(kb)


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
    plan = plan_for(kb)
    offers = {id(o): o for g in plan.groups for _, _, row_offers, _, _ in g.rows.values() for o in row_offers}
    checks = {id(c): c for _, _, by_standing in offers.values() for c in by_standing.values() if c is not None}
    checks.update({id(c): c for c in plan.premise_checks.values()})
    return Handouts(
        clue_hits=tuple(hit for *_, hits in plan.clues for hit in hits.values()),
        mechanism_hits=tuple(hit for _, hits, _ in plan.mechanisms for hit in hits.values()),
        red_flags=tuple(hit for *_, hits in plan.flags for hit in hits.values()),
        next_checks=tuple(checks.values()),
        gene_tables=tuple(plan.genes.values()),
    )
