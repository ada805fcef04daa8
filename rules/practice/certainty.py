"""Confidence that counts: certainty-based marking of the lean and its Brier score (pure).

Certainty-based marking (CBM) as in UCL's LAPT (Gardner-Medwin): after each answer the trainee
says how sure they are, on three levels, and the mark depends on it:

    certainty level       C=1    C=2     C=3
    mark if right          +1     +2      +3
    mark if wrong           0     -2      -6
    best when the chance
    of being right is     <67 %  67-80 %  >80 %

The form keeps its confidence of 50-100 % (the public API contract), so a confidence maps to the
level the scheme says is best for it: 50 and 60 % to C=1, 70 and 80 % to C=2, 90 and 100 % to C=3.
What is marked is the inheritance lean (right or not), the part of the answer the confidence is
asked about, and each decision committed to with it (rules/practice/decisions.py), at the same level:
the differential is right when the case's entry is its first choice, the next step when it is keyed.

The Brier score of the lean over the history is the mean of (confidence - outcome)^2, with the
confidence as a probability and the outcome 1 for a right lean, 0 otherwise: 0 is perfect, 0.25 is
what always saying 50 % scores, lower is better.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .progress import Record

# (mark if right, mark if wrong) per certainty level.
MARKS = {1: (1, 0), 2: (2, -2), 3: (3, -6)}
# The chance of being right for which each level is best, as the scheme gives it.
BEST_WHEN = {1: "under 67 %", 2: "67–80 %", 3: "over 80 %"}


def level_of(confidence: int) -> int:
    """The certainty level for a confidence in percent: C=1 under 67, C=2 up to 80, C=3 above."""
    if confidence < 67:
        return 1
    return 2 if confidence <= 80 else 3


def mark(confidence: int, right: bool) -> int:
    """The certainty-based mark of one lean."""
    gain, loss = MARKS[level_of(confidence)]
    return gain if right else loss


@dataclass(frozen=True, slots=True)
class Certainty:
    """Certainty-based marks and the Brier score over a history of attempts."""

    attempts: int
    total: int  # sum of the marks
    best_possible: int  # every lean and decision right at C=3
    brier: float | None  # None without attempts

    @property
    def mean(self) -> float | None:
        """Mark per answer marked (a lean or a decision; None without attempts): 3 is the most, -6 the least."""
        return self.total / (self.best_possible // 3) if self.attempts else None


def brier(records: Iterable[Record]) -> float | None:
    """The Brier score of the lean: mean (confidence - right)^2; None without attempts."""
    pairs = [(r.confidence / 100, 1.0 if r.lean_correct else 0.0) for r in records]
    return sum((p - o) ** 2 for p, o in pairs) / len(pairs) if pairs else None


def marks(confidence: int, rights: Iterable[bool]) -> int:
    """The certainty-based mark of several answers given at one confidence (the lean and the decisions)."""
    return sum(mark(confidence, right) for right in rights)


def certainty_of(records: Iterable[Record]) -> Certainty:
    """Marks (the lean's and each decision's), their best possible total and the Brier score of the lean."""
    records = list(records)
    total = sum(
        marks(r.confidence, [r.lean_correct, *[True] * r.decisions_right, *[False] * (r.decisions - r.decisions_right)])
        for r in records
    )
    return Certainty(len(records), total, 3 * sum(1 + r.decisions for r in records), brier(records))
