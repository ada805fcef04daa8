"""Review that is scheduled: missed findings and missed cases, spaced with FSRS (pure).

The scheduler is the `fsrs` package (py-fsrs, the open-spaced-repetition reference implementation
of the Free Spaced Repetition Scheduler): a well-kept library, so the intervals are FSRS's own, not
a home-made rule. Fuzzing is off, so the same history always gives the same schedule.

What gets a card:
- a finding of the key the trainee missed (`f:<slug>`), rated Again; a finding with a card that is
  later found is rated Good;
- a case scored under 80 % (`c:<case id>`), rated Again under 50 % and Hard from 50 %; a case with
  a card scored 80 % or more is rated Good.
Nothing gets a card for being right the first time: the schedule holds only what was missed.

The schedule lives in the session cookie, so each card is a short list: [due, stability,
difficulty, state, step, last review], times in whole minutes since 2020-01-01 UTC (the due
time rounded up). At most
MAX_CASE_CARDS case cards are kept (the least recently reviewed go first); finding cards are at
most the vocabulary's size. A case card is stored under the case's public id (rules/practice/ids.py),
like the progress records; a schedule stored with the old ids still reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from rules.core.model import KnowledgeBase

from .cases import Case
from .library import internal_id
from .library import public_id

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
MAX_CASE_CARDS = 30
CASE_AGAIN_BELOW, CASE_GOOD_FROM = 50, 80  # score in percent
STABILITY_MIN = 0.001  # py-fsrs's own floor: kept to three figures, a stability never rounds to 0


def _minutes(when: datetime) -> int:
    return int((when - EPOCH).total_seconds() // 60)


def _minutes_up(when: datetime) -> int:
    """Whole minutes, rounded up: a card is never due before FSRS said (by under a minute after)."""
    return -int(-(when - EPOCH).total_seconds() // 60)


def _when(minutes: int) -> datetime:
    return EPOCH + timedelta(minutes=minutes)


@dataclass(frozen=True, slots=True)
class Item:
    """One scheduled card: a finding (`f:<slug>`) or a case (`c:<id>`), and when it is due."""

    key: str
    due: datetime
    last_review: datetime | None

    @property
    def kind(self) -> str:
        """ "finding" or "case"."""
        return "finding" if self.key.startswith("f:") else "case"

    @property
    def target(self) -> str:
        """The finding slug or the case id."""
        return self.key[2:]


def _scheduler() -> Any:
    from fsrs import Scheduler  # imported when first needed: app start stays fast

    return Scheduler(enable_fuzzing=False)


def _card(row: Any) -> Any:
    from fsrs import Card
    from fsrs import State

    due, stability, difficulty, state, step, last = row
    return Card(
        card_id=0,  # ids are ours (the key); 0 spares py-fsrs from making one from the clock
        state=State(int(state)),
        step=None if step is None else int(step),
        stability=None if stability is None else float(stability),
        difficulty=None if difficulty is None else float(difficulty),
        due=_when(int(due)),
        last_review=None if last is None else _when(int(last)),
    )


def _row(card: Any) -> list[Any]:
    return [
        _minutes_up(card.due),
        None if card.stability is None else max(float(f"{card.stability:.3g}"), STABILITY_MIN),
        None if card.difficulty is None else round(card.difficulty, 2),
        int(card.state),
        card.step,
        None if card.last_review is None else _minutes(card.last_review),
    ]


def decode(raw: Any) -> dict[str, list[Any]]:
    """The schedule from the session, case cards under the ids the cases are written with; malformed
    entries (an old or tampered cookie) are dropped."""
    kept: dict[str, list[Any]] = {}
    for key, row in raw.items() if isinstance(raw, dict) else ():
        try:
            if not (isinstance(key, str) and key[:2] in ("f:", "c:")):
                continue
            card = _card(row)
            if card.stability is not None and card.stability < STABILITY_MIN:
                continue
            kept[key if key.startswith("f:") else "c:" + internal_id(key[2:])] = list(row)
        except (TypeError, ValueError, OverflowError):
            continue
    return kept


def items(raw: Any) -> tuple[Item, ...]:
    """Every card of the schedule, soonest due first."""
    cards = decode(raw)
    out = []
    for key, row in cards.items():
        card = _card(row)
        out.append(Item(key, card.due, card.last_review))
    return tuple(sorted(out, key=lambda i: (i.due, i.key)))


def review(
    raw: Any, case_id: str, present: Sequence[str], missed: Sequence[str], score_pct: int, now: datetime
) -> dict[str, list[Any]]:
    """The schedule after one attempt: the key's present findings and the case, rated as described above."""
    from fsrs import Rating

    scheduler = _scheduler()
    cards = decode(raw)
    ratings: dict[str, Any] = {}
    for slug in present:
        key = f"f:{slug}"
        if slug in missed:
            ratings[key] = Rating.Again
        elif key in cards:
            ratings[key] = Rating.Good
    case_key = f"c:{case_id}"
    if score_pct < CASE_AGAIN_BELOW:
        ratings[case_key] = Rating.Again
    elif score_pct < CASE_GOOD_FROM:
        ratings[case_key] = Rating.Hard
    elif case_key in cards:
        ratings[case_key] = Rating.Good
    for key, rating in ratings.items():
        card = _card(cards[key]) if key in cards else _new_card(now)
        card, _ = scheduler.review_card(card, rating, review_datetime=now)
        cards[key] = _row(card)
    case_keys = sorted((k for k in cards if k.startswith("c:")), key=lambda k: cards[k][5] or 0)
    for key in case_keys[: max(0, len(case_keys) - MAX_CASE_CARDS)]:
        del cards[key]
    return _stored(cards)


def _stored(cards: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    """The schedule as the session keeps it: case cards under the cases' public ids."""
    return {key if key.startswith("f:") else "c:" + public_id(key[2:]): row for key, row in cards.items()}


RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}  # FSRS's ratings, as py-fsrs numbers them


def rate(raw: Any, key: str, rating: int, now: datetime) -> dict[str, list[Any]]:
    """The schedule after the trainee rated one card (a drill answer): `key` as `items` gives it,
    `rating` one of RATINGS. A key not in the schedule changes nothing."""
    from fsrs import Rating

    cards = decode(raw)
    if key in cards:
        card, _ = _scheduler().review_card(_card(cards[key]), Rating(rating), review_datetime=now)
        cards[key] = _row(card)
    return _stored(cards)


def _new_card(now: datetime) -> Any:
    from fsrs import Card

    return Card(card_id=0, due=now)


@dataclass(frozen=True, slots=True)
class Pick:
    """The case "practise my weak spots" chose, and why, in words."""

    case_id: str
    reason: str
    due: tuple[Item, ...]  # the cards behind the choice


def _labels(slugs: Sequence[str], kb: KnowledgeBase) -> str:
    names = [kb.findings[s].label for s in slugs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ago(when: datetime, now: datetime) -> str:
    minutes = max(0, int((now - when).total_seconds() // 60))
    if minutes < 60:
        return "just now" if minutes < 1 else f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def pick(
    raw: Any,
    last_scores: Mapping[str, int],
    cases: Mapping[str, Case],
    kb: KnowledgeBase,
    now: datetime,
    exclude: str | None = None,
) -> Pick | None:
    """The next case to review and why: a due case first (most overdue), else the written case that
    describes the most due findings; None when nothing is due (see `next_due`)."""
    due = [i for i in items(raw) if i.due <= now]
    for item in due:
        if item.kind == "case" and item.target != exclude and item.target in cases:
            score = last_scores.get(item.target)
            scored = f"you scored {score} % on it" if score is not None else "you missed much of it"
            when = f" ({_ago(item.last_review, now)})" if item.last_review else ""
            return Pick(
                item.target,
                f"This case is due for review: {scored}{when}, and the schedule (FSRS) brought it back now.",
                (item,),
            )
    findings = {i.target: i for i in due if i.kind == "finding"}
    if not findings:
        return None

    def gain(case: Case) -> tuple[bool, int, str]:
        hits = [s for s in case.key.present if s in findings]
        return (bool(hits) and case.id != exclude, len(hits), case.id)

    best = max((c for c in cases.values() if c.kind == "written"), key=gain)
    hits = [s for s in best.key.present if s in findings]
    if not hits:
        return None
    return Pick(
        best.id,
        f"This case describes {_labels(hits, kb)}: finding{'s' if len(hits) > 1 else ''} you missed "
        "before that the schedule (FSRS) has due for review now.",
        tuple(findings[s] for s in hits),
    )


def next_due(raw: Any) -> datetime | None:
    """When the soonest card falls due (None for an empty schedule)."""
    all_items = items(raw)
    return all_items[0].due if all_items else None
