"""The class state a poll answers, kept a fraction of a second per worker.

In a paced lecture every phone asks `GET /api/v1/exercises/<code>/state` every one to two and a half
seconds: 1,000 phones make about 600 polls a second, and each poll's two queries (the exercise and
its cases; the students joined and those who answered, counted together) cost a few milliseconds,
more than the two cores of a laptop can spare while the answers arrive. Every phone of one class asks
the same question, so each worker answers it from the state it computed last, for at most
`ttl` seconds (the app's `CLASS_STATE_CACHE_SECONDS`, a quarter of a second by default), then asks
the database again.

What a change costs in freshness: a change the educator makes in this worker (a start, an advance, a
reveal, a removal: the session's flush names the exercise of every row it writes) marks the
exercise's state changed when its transaction commits, and the next poll asks again; a change
made in another worker or instance is seen within `ttl`. Joins and answers change the counts only
(joined, answered): they are not marked, so 100 answers a second do not make every worker ask
again 100 times a second; their counts show within `ttl`. The seconds left are counted down from
the cached end of the limit at each answer, so a countdown never stands still. Nothing a student
sends is kept here: the state has counts and positions, never an answer or a name.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from ...models import Exercise
from ...models import utcnow

MAX_ENTRIES = 256  # exercises remembered per worker; the oldest are dropped beyond it
# While one thread asks the database for a class's state, the worker's other polls of that class
# are answered from the state it had before (one compute at a time per class, not one per waiting
# poll: 1,000 phones after an answer would otherwise all ask at once), when that state is at most
# this many seconds old; else they wait for the new one, at most WAIT_SECONDS.
STALE_SECONDS = 2.0
WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Entry:
    """One exercise's state as computed at `at` (time.monotonic), with its tag and limit's end;
    `changed`: this worker changed the exercise since (the state is asked again at the next poll)."""

    exercise_id: int
    at: float
    body: dict[str, Any]
    tag: str
    end: datetime | None
    changed: bool = False


_lock = threading.Lock()
_entries: dict[str, Entry] = {}  # by normalised join code
_computing: dict[str, threading.Event] = {}  # the codes whose state a thread is asking now
_changes = 0  # how many changes this worker has noted (forget)
_changed_at: dict[int, int] = {}  # exercise id -> the count at its last change (the latest MAX_ENTRIES * 4)


def polled_state(
    code: str, ttl: float, compute: Callable[[], tuple[int, dict[str, Any], str, datetime | None]]
) -> tuple[dict[str, Any], str]:
    """The state body and its tag for the exercise with this (normalised) code: the one computed in
    the last `ttl` seconds, else `compute()` (exercise id, body, tag, end of the limit), kept. One
    thread computes a class's state at a time; the others meanwhile answer the state before it."""
    if ttl <= 0:
        return compute()[1:3]
    now = time.monotonic()
    with _lock:
        entry = _entries.get(code)
        if entry is not None and not entry.changed and now - entry.at < ttl:
            return _counted_down(entry), entry.tag
        running = _computing.get(code)
        if running is None:
            running = _computing[code] = threading.Event()
            mine = True
        else:
            mine = False
    if not mine:
        if entry is not None and now - entry.at < STALE_SECONDS:
            return _counted_down(entry), entry.tag
        running.wait(WAIT_SECONDS)
        with _lock:
            entry = _entries.get(code)
        if entry is not None and not entry.changed and time.monotonic() - entry.at < ttl + WAIT_SECONDS:
            return _counted_down(entry), entry.tag
        return compute()[1:3]  # the other thread failed (an unknown code) or took too long
    with _lock:
        before = _changes
    try:
        exercise_id, body, tag, end = compute()
        with _lock:
            if len(_entries) >= MAX_ENTRIES and code not in _entries:
                _entries.pop(next(iter(_entries)))
            # A change committed while the state was being read may be missing from it: asked again next time.
            _entries[code] = Entry(exercise_id, now, body, tag, end, _changed_at.get(exercise_id, -1) >= before)
        return body, tag
    finally:
        with _lock:
            _computing.pop(code, None)
        running.set()


def fresh(code: str, ttl: float) -> tuple[dict[str, Any], str] | None:
    """The state body and tag `polled_state` would answer from this worker's cache without asking
    the database (computed within `ttl` seconds, not changed here since); else None."""
    if ttl <= 0:
        return None
    with _lock:
        entry = _entries.get(code)
    if entry is None or entry.changed or time.monotonic() - entry.at >= ttl:
        return None
    return _counted_down(entry), entry.tag


def _counted_down(entry: Entry) -> dict[str, Any]:
    """The cached body with its seconds left counted from the end of the limit to now."""
    left = entry.body["seconds_left"]
    if not left or entry.end is None:
        return entry.body
    return entry.body | {"seconds_left": max(0, math.ceil((entry.end - utcnow()).total_seconds()))}


def forget(exercise_ids: set[int]) -> None:
    """Mark the states of these exercises changed (their rows changed in this worker): the next poll
    asks again, and polls meanwhile may answer them only while that one asks."""
    global _changes
    if not exercise_ids:
        return
    with _lock:
        for exercise_id in exercise_ids:
            _changed_at.pop(exercise_id, None)
            _changed_at[exercise_id] = _changes
            if len(_changed_at) > MAX_ENTRIES * 4:
                _changed_at.pop(next(iter(_changed_at)))
        _changes += 1
        for code, e in list(_entries.items()):
            if e.exercise_id in exercise_ids:
                _entries[code] = replace(e, changed=True)


def clear() -> None:
    """Drop every state (tests, and an app started again in one process)."""
    with _lock:
        _entries.clear()
        _computing.clear()
        _changed_at.clear()


_PENDING = "class_state_changed"


def _exercise_of(instance: object) -> int | None:
    if isinstance(instance, Exercise):
        return instance.id
    exercise_id = getattr(instance, "exercise_id", None)
    return exercise_id if isinstance(exercise_id, int) else None


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
