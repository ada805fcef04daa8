"""A trainee's progress across attempts: compact records, calibration, weak spots (pure).

The web layer keeps the records in the signed session cookie, so each record is tiny: the case id,
the score in percent, whether the lean was right, the confidence, and the missed findings as a
bit mask over the vocabulary's order (the slugs and their order are a public contract). A cookie
can be read by whoever holds it, so it keeps the case's public id (rules/practice/ids.py), never
the id that names the answer; a cookie written with the old ids still reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rules.core.errors import InputError
from rules.core.model import KnowledgeBase

from .cases import Case
from .decisions import differential_choices
from .library import internal_id
from .library import public_id
from .scoring import Attempt
from .scoring import Feedback
from .scoring import validate_attempt

MAX_RECORDS = 50
# Confidence bands for calibration, inclusive: the form offers 50, 60, ... 100.
BANDS: tuple[tuple[int, int], ...] = ((50, 59), (60, 69), (70, 79), (80, 89), (90, 100))
# A band is judged from this many attempts on. Why 10: how often the lean is right in a band is a
# binomial proportion, and 10 is the fewest answers at which a trainee 90 % sure and right 70 % of
# the time (7 of 10) is told apart from one right 90 % of the time: the 95 % Wilson interval of 7/10
# is 40-89 %. With 9 answers or fewer, no rate of 70 % or more excludes 90 %: being 20 points
# over-confident cannot show yet (tests/test_rules/practice/test_progress.py works it out).
MIN_BAND_ATTEMPTS = 10


@dataclass(frozen=True, slots=True)
class Record:
    """One past attempt, as kept in the session."""

    case_id: str
    score_pct: int
    lean_correct: bool
    confidence: int
    missed: tuple[str, ...]
    decisions: int = 0  # decisions given beside the lean (differential, next step), for the certainty marks
    decisions_right: int = 0


@dataclass(frozen=True, slots=True)
class Band:
    """How often the lean was right at one confidence level."""

    low: int
    high: int
    attempts: int
    right: int
    mean_score_pct: int | None

    @property
    def judged(self) -> bool:
        """Whether the band has enough attempts to say anything about calibration."""
        return self.attempts >= MIN_BAND_ATTEMPTS

    @property
    def rate(self) -> float | None:
        """Share of attempts in the band with the right lean (None when there are none)."""
        return self.right / self.attempts if self.attempts else None


@dataclass(frozen=True, slots=True)
class Summary:
    """Everything the library page shows about progress."""

    attempts: int
    cases_done: tuple[str, ...]
    best: Mapping[str, int]
    trend: tuple[int, ...]
    weakest: tuple[tuple[str, int], ...]  # the five most missed: (finding slug, times missed)
    missed: tuple[tuple[str, int], ...]  # every missed finding, most missed first
    calibration: tuple[Band, ...]


def record_of(feedback: Feedback) -> Record:
    """The compact record of a scored attempt."""
    return Record(
        feedback.case.id,
        round(feedback.score * 100),
        feedback.lean_correct,
        feedback.attempt.confidence,
        feedback.missed,
        len(feedback.decisions_right),
        sum(right for _, right in feedback.decisions_right),
    )


def encode(record: Record, kb: KnowledgeBase) -> list[Any]:
    """A record as a short JSON-able list: [case id, score %, lean right 0/1, confidence, missed mask], and
    when decisions were given, [decisions given, decisions right] after it."""
    mask = _mask(record.missed, list(kb.findings))
    row = [public_id(record.case_id), record.score_pct, int(record.lean_correct), record.confidence, mask]
    return [*row, record.decisions, record.decisions_right] if record.decisions else row


def decode(rows: Any, kb: KnowledgeBase) -> tuple[Record, ...]:
    """Records from the session; anything malformed (an old or tampered cookie) is dropped."""
    order = list(kb.findings)
    records = []
    for row in rows if isinstance(rows, list) else []:
        try:
            case_id, pct, right, confidence, mask, *decisions = row
            given, given_right = (int(decisions[0]), int(decisions[1])) if len(decisions) == 2 else (0, 0)
            if not 0 <= given_right <= given <= 2:
                continue
            missed = _unmask(mask, order)
            records.append(
                Record(internal_id(str(case_id)), int(pct), bool(right), int(confidence), missed, given, given_right)
            )
        except (TypeError, ValueError):
            continue
    return tuple(records[-MAX_RECORDS:])


def append(rows: Any, record: Record, kb: KnowledgeBase) -> list[list[Any]]:
    """The session rows with one more record, keeping only the last MAX_RECORDS."""
    kept = [encode(r, kb) for r in decode(rows, kb)]
    return [*kept, encode(record, kb)][-MAX_RECORDS:]


def _mask(slugs: Iterable[str], order: Sequence[str]) -> int:
    return sum(1 << order.index(s) for s in slugs if s in order)


def _unmask(mask: Any, order: Sequence[str]) -> tuple[str, ...]:
    return tuple(s for i, s in enumerate(order) if int(mask) >> i & 1)


def encode_attempt(case_id: str, attempt: Attempt, kb: KnowledgeBase) -> list[Any]:
    """The last committed attempt as a short JSON-able list, for the feedback page to show again:
    [public case id, findings mask, lean, mechanisms mask, confidence, stage, differential, next step],
    the differential as positions in its list of choices (no entry id in the cookie)."""
    order = [c.id for c in differential_choices(kb)]
    return [
        public_id(case_id),
        _mask(attempt.findings, list(kb.findings)),
        attempt.lean,
        _mask(attempt.mechanisms, list(kb.mechanisms)),
        attempt.confidence,
        attempt.stage,
        [order.index(e) for e in attempt.differential],
        attempt.next_step,
    ]


def decode_attempt(row: Any, kb: KnowledgeBase) -> tuple[str, Attempt] | None:
    """(case id, attempt) from `encode_attempt`'s list; None for anything malformed."""
    try:
        case_id, findings, lean, mechanisms, confidence, stage, differential, next_step = row
        choices = differential_choices(kb)
        if not all(0 <= int(i) < len(choices) for i in differential):
            return None
        attempt = Attempt(
            _unmask(findings, list(kb.findings)),
            str(lean),
            _unmask(mechanisms, list(kb.mechanisms)),
            int(confidence),
            None if stage is None else int(stage),
            tuple(choices[int(i)].id for i in differential),
            None if next_step is None else str(next_step),
        )
        validate_attempt(attempt, kb)
    except (TypeError, ValueError, IndexError, InputError):
        return None
    return internal_id(str(case_id)), attempt


def calibration(records: Iterable[Record]) -> tuple[Band, ...]:
    """Per confidence band: attempts, how many had the right lean, and the mean score."""
    bands = []
    records = list(records)
    for low, high in BANDS:
        inside = [r for r in records if low <= r.confidence <= high]
        mean = round(sum(r.score_pct for r in inside) / len(inside)) if inside else None
        bands.append(Band(low, high, len(inside), sum(r.lean_correct for r in inside), mean))
    return tuple(bands)


def summarize(records: Sequence[Record], kb: KnowledgeBase, trend_length: int = 20) -> Summary:
    """Cases done with their best score, the score trend, the most-missed findings and calibration."""
    best: dict[str, int] = {}
    for r in records:
        best[r.case_id] = max(best.get(r.case_id, 0), r.score_pct)
    missed = Counter(s for r in records for s in r.missed)
    order = list(kb.findings)
    weakest = sorted(missed.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    return Summary(
        attempts=len(records),
        cases_done=tuple(best),
        best=best,
        trend=tuple(r.score_pct for r in records[-trend_length:]),
        weakest=tuple(weakest[:5]),
        missed=tuple(weakest),
        calibration=calibration(records),
    )


def weak_spot_case(records: Sequence[Record], cases: Mapping[str, Case], kb: KnowledgeBase) -> str | None:
    """The case richest in the findings missed most often (least recently tried first on ties).

    None when nothing has been missed yet.
    """
    weights = Counter(s for r in records for s in r.missed)
    if not weights:
        return None
    recent = {r.case_id: i for i, r in enumerate(records)}

    def richness(case: Case) -> tuple[int, int, str]:
        gain = sum(weights[s] for s in case.key.present)
        return (gain, -recent.get(case.id, -1), case.id)

    best = max(cases.values(), key=richness)
    return best.id if richness(best)[0] > 0 else None
