"""The class state a poll answers, kept a fraction of a second per worker.

In a paced lecture every phone asks `GET /api/v1/exercises/<code>/state` every one to two and a half
seconds: 1,000 phones make about 600 polls a second, and each poll's three queries (the exercise and
its cases, the students joined, those who answered) cost about a millisecond of a worker's time,
more than the two cores of a laptop can spare while the answers arrive. Every phone of one class asks
the same question, so each worker answers it from the state it computed last, for at most
`ttl` seconds (the app's `CLASS_STATE_CACHE_SECONDS`, a quarter of a second by default), then asks
the database again.

What a change costs in freshness: a change made in this worker (a join, an answer, a start, a reveal,
an advance, a removal) drops the exercise's state at once, when its transaction commits (the
session's flush names the exercise of every row it writes, and the INSERT statements of joins and
answers name theirs); a change made in another worker or
instance is seen within `ttl`. The seconds left are counted down from the cached end of the limit at
each answer, so a countdown never stands still. Nothing a student sends is kept here: the state has
counts and positions, never an answer or a name.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from ...models import Exercise
from ...models import utcnow

MAX_ENTRIES = 256  # exercises remembered per worker; the oldest are dropped beyond it


@dataclass(frozen=True)
class Entry:
    """One exercise's state as computed at `at` (time.monotonic), with its tag and limit's end."""

    exercise_id: int
    at: float
    body: dict[str, Any]
    tag: str
    end: datetime | None


_lock = threading.Lock()
_entries: dict[str, Entry] = {}  # by normalised join code


def polled_state(
    code: str, ttl: float, compute: Callable[[], tuple[int, dict[str, Any], str, datetime | None]]
) -> tuple[dict[str, Any], str]:
    """The state body and its tag for the exercise with this (normalised) code: the one computed in
    the last `ttl` seconds, else `compute()` (exercise id, body, tag, end of the limit), kept."""
    now = time.monotonic()
    with _lock:
        entry = _entries.get(code)
    if entry is None or now - entry.at >= ttl:
        exercise_id, body, tag, end = compute()
        entry = Entry(exercise_id, now, body, tag, end)
        if ttl > 0:
            with _lock:
                if len(_entries) >= MAX_ENTRIES:
                    _entries.pop(next(iter(_entries)))
                _entries[code] = entry
        return body, tag
    return _counted_down(entry), entry.tag


def _counted_down(entry: Entry) -> dict[str, Any]:
    """The cached body with its seconds left counted from the end of the limit to now."""
    left = entry.body["seconds_left"]
    if not left or entry.end is None:
        return entry.body
    return entry.body | {"seconds_left": max(0, math.ceil((entry.end - utcnow()).total_seconds()))}


def forget(exercise_ids: set[int]) -> None:
    """Drop the states of these exercises (their rows changed in this worker)."""
    if not exercise_ids:
        return
    with _lock:
        for code in [c for c, e in _entries.items() if e.exercise_id in exercise_ids]:
            del _entries[code]


def clear() -> None:
    """Drop every state (tests, and an app started again in one process)."""
    with _lock:
        _entries.clear()


_PENDING = "class_state_changed"


def _exercise_of(instance: object) -> int | None:
    if isinstance(instance, Exercise):
        return instance.id
    exercise_id = getattr(instance, "exercise_id", None)
    return exercise_id if isinstance(exercise_id, int) else None


def note_change(session: Session, exercise_id: int) -> None:
    """Forget this exercise's state when the session commits: for writes made with an INSERT
    statement, which the flush does not see."""
    session.info.setdefault(_PENDING, set()).add(exercise_id)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context: object) -> None:
    """Remember which exercises this transaction wrote to (forgotten once it commits)."""
    changed = {_exercise_of(o) for o in (*session.new, *session.dirty, *session.deleted)}
    changed.discard(None)
    if changed:
        session.info.setdefault(_PENDING, set()).update(changed)


@event.listens_for(Session, "after_commit")
def _drop_changed(session: Session) -> None:
    forget(session.info.pop(_PENDING, set()))


@event.listens_for(Session, "after_soft_rollback")
def _discard_pending(session: Session, _previous: object) -> None:
    # Nothing was written after all; forgetting anyway would be harmless, but keep the set small.
    if not session.in_transaction():
        session.info.pop(_PENDING, None)
