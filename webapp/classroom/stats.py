"""Aggregate a class's submissions per case (pure: plain rows in, plain data out, no Flask or DB).

Per case: how many answered, the lean distribution, each finding's hit, miss and over-call rate,
the most common misses and over-calls, mean confidence against lean accuracy and, when the exercise
asks them, what the class chose as its differential and next step. The rates
follow rules/practice/scoring.py: a hit is a key finding the student ticked, a miss a key finding left
unticked, an over-call a ticked finding the key does not list as present.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

LEANS = ("recessive", "dominant", "indeterminate")
TOP = 3


@dataclass(frozen=True, slots=True)
class Row:
    """One stored submission, reduced to what the statistics need."""

    student: int
    case_id: str
    findings: tuple[str, ...]
    lean: str
    confidence: int
    score: float
    differential: tuple[str, ...] = ()  # entry ids, best first (when the exercise asks it)
    next_step: str | None = None


@dataclass(frozen=True, slots=True)
class Key:
    """The part of a case's answer key the statistics compare with: the decisions' key too (the
    entries that count as the case's, the keyed next steps)."""

    present: frozenset[str]
    lean: str
    entries: frozenset[str] = frozenset()
    next_steps: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class DecisionStats:
    """What the students who committed to decisions chose, for one case."""

    differentials: int  # students who gave a differential
    key_first: int  # ... with a key entry first
    key_listed: int  # ... with a key entry anywhere in their list
    first_choices: tuple[tuple[str, int], ...]  # (entry id, students who put it first), most often first
    next_steps: int  # students who gave a next step
    next_step_keyed: int  # ... a keyed one
    next_step_counts: tuple[tuple[str, int], ...]  # (choice id, students), most often first


@dataclass(frozen=True, slots=True)
class FindingRate:
    """One finding in one case: rates over the students who answered (None where not applicable)."""

    slug: str
    expected: bool
    count: int  # students who ticked it
    hit_rate: float | None
    miss_rate: float | None
    overcall_rate: float | None


@dataclass(frozen=True, slots=True)
class CaseStats:
    """Everything the dashboard shows for one case."""

    case_id: str
    answered: int
    expected_lean: str
    lean_counts: dict[str, int]
    findings: tuple[FindingRate, ...]
    top_misses: tuple[tuple[str, int], ...]  # (slug, students who missed it)
    top_overcalls: tuple[tuple[str, int], ...]
    mean_confidence: float | None  # percent
    lean_accuracy: float | None  # share of students with the expected lean
    mean_score: float | None
    decisions: DecisionStats | None = None  # None unless the exercise asks them


@dataclass(frozen=True, slots=True)
class ExerciseStats:
    """The whole class: totals and one CaseStats per case, in the exercise's order."""

    submissions: int
    students: int
    cases: tuple[CaseStats, ...]


def _rate(count: int, total: int) -> float | None:
    return None if total == 0 else round(count / total, 4)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _top(counts: Mapping[str, int], order: Sequence[str]) -> tuple[tuple[str, int], ...]:
    ranked = sorted((s for s in order if counts.get(s, 0) > 0), key=lambda s: (-counts[s], order.index(s)))
    return tuple((s, counts[s]) for s in ranked[:TOP])


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def decision_stats(key: Key, rows: Sequence[Row]) -> DecisionStats:
    """The differentials and next steps of one case's rows against its key."""
    given = [r.differential for r in rows if r.differential]
    steps = [r.next_step for r in rows if r.next_step is not None]
    return DecisionStats(
        differentials=len(given),
        key_first=sum(d[0] in key.entries for d in given),
        key_listed=sum(any(e in key.entries for e in d) for d in given),
        first_choices=_ranked(Counter(d[0] for d in given))[:TOP],
        next_steps=len(steps),
        next_step_keyed=sum(s in key.next_steps for s in steps),
        next_step_counts=_ranked(Counter(steps)),
    )


def case_stats(
    case_id: str, key: Key, rows: Iterable[Row], vocabulary: Sequence[str], decisions: bool = False
) -> CaseStats:
    """The statistics of one case over its rows (rows of other cases are ignored); `decisions`: the
    exercise asks for the differential and the next step."""
    mine = [r for r in rows if r.case_id == case_id]
    n = len(mine)
    ticked: Counter[str] = Counter(s for r in mine for s in set(r.findings))
    rates = []
    for slug in vocabulary:
        count = ticked.get(slug, 0)
        if slug in key.present:
            rates.append(FindingRate(slug, True, count, _rate(count, n), _rate(n - count, n), None))
        else:
            rates.append(FindingRate(slug, False, count, None, None, _rate(count, n)))
    misses = {s: n - ticked.get(s, 0) for s in key.present}
    overcalls = {s: c for s, c in ticked.items() if s not in key.present}
    leans = Counter(r.lean for r in mine)
    return CaseStats(
        case_id=case_id,
        answered=n,
        expected_lean=key.lean,
        lean_counts={lean: leans.get(lean, 0) for lean in LEANS},
        findings=tuple(rates),
        top_misses=_top(misses, vocabulary),
        top_overcalls=_top(overcalls, vocabulary),
        mean_confidence=_mean([r.confidence for r in mine]),
        lean_accuracy=_rate(leans.get(key.lean, 0), n),
        mean_score=_mean([r.score for r in mine]),
        decisions=decision_stats(key, mine) if decisions else None,
    )


def exercise_stats(
    keys: Mapping[str, Key], rows: Sequence[Row], vocabulary: Sequence[str], decisions: bool = False
) -> ExerciseStats:
    """Statistics for every case of an exercise; `keys` is ordered as the exercise's cases."""
    return ExerciseStats(
        submissions=len(rows),
        students=len({r.student for r in rows}),
        cases=tuple(case_stats(case_id, key, rows, vocabulary, decisions) for case_id, key in keys.items()),
    )
