"""The library cases practice holds the key of: those an exam-like exercise is running now.

An exercise that withholds its feedback until the reveal (`after_reveal`) may use the practice
library's written cases and simulated patients. Its pages name them by position and serve their
own ids, but a written case's narrative is the library's: a student who finds it in practice could
commit an attempt there and read the key. So while such an exercise is open (opened within the last
WITHHOLD_HOURS, not closed) and a case of it is not revealed, practice and its API give no feedback
on that case (they say when it comes back). Why, and the limits: docs/decisions/0027.

Practice does not otherwise need the database: the set is read at most every CACHE_SECONDS per
process, with a short deadline, and when the database cannot be asked the last set read is kept
(none, in a process that never read one: practice keeps working without the database).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..infra.dbguard import known_down
from ..infra.dbguard import with_deadline
from ..models import Exercise
from ..models import ExerciseCase
from ..models import utcnow

WITHHOLD_HOURS = 4  # an exam-like exercise holds practice's keys of its hidden cases this long after it opened
CACHE_SECONDS = 2.0
DEADLINE_SECONDS = 1.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, frozenset[str]]] = {}  # database URL -> (when read, the ids)


@with_deadline(DEADLINE_SECONDS)
def _read() -> frozenset[str]:
    since = utcnow() - timedelta(hours=WITHHOLD_HOURS)
    rows = db.session.execute(
        select(ExerciseCase.case_id)
        .join(Exercise, Exercise.id == ExerciseCase.exercise_id)
        .where(
            Exercise.feedback == "after_reveal",
            Exercise.closed_at.is_(None),
            Exercise.revealed_at.is_(None),
            ExerciseCase.revealed_at.is_(None),
            or_(Exercise.opened_at > since, Exercise.created_at > since),
        )
    ).scalars()
    return frozenset(rows)


def withheld_ids() -> frozenset[str]:
    """The stored ids of the cases hidden in an exam-like exercise running now (cached briefly)."""
    url = str(current_app.config["SQLALCHEMY_DATABASE_URI"])
    now = time.monotonic()
    with _lock:
        held = _cache.get(url)
    if held is not None and now - held[0] < CACHE_SECONDS:
        return held[1]
    last = held[1] if held else frozenset()
    if known_down(db.engine, DEADLINE_SECONDS):
        return last
    try:
        ids = _read()
    except SQLAlchemyError as err:
        db.session.rollback()
        current_app.logger.warning("exam-held cases not read (the last set is kept): %s", type(err).__name__)
        ids = last
    with _lock:
        _cache[url] = (now, ids)
    return ids


def withheld(case_id: str) -> bool:
    """Whether practice holds back the key of this case (by its stored id) just now."""
    return case_id in withheld_ids()


def withheld_message() -> str:
    """Why practice holds back a case's feedback, in the request's language."""
    return gettext(
        "This case is part of a class exercise whose answers are not revealed yet: its feedback comes "
        "back here once the educator reveals it, or at most %(hours)s hours after the exercise opened.",
        hours=WITHHOLD_HOURS,
    )
