"""Who the educator or student of a classroom request is: the one place that reads and writes it.

Today an educator is whoever holds an educator key: in the browser, in the session (set when they
create an exercise or write a case, or by the claim form; never read from a URL); through the API,
`Authorization: Bearer <key>`. A browser student is a random token in the session, one per join
code; an API student is (exercise, nickname) and the `student_token` its first submission answered.
Every page and API view asks this module, never the session or the headers, so another way to
say who someone is (an LMS launch, for one) plugs in here and nowhere else. There is no such
launch yet.

Looking up an exercise by its code is here too: it is rate-limited per client (wrong codes count
as guesses), and who counts as one client is part of who someone is.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import current_app
from flask import request
from flask import session
from flask import url_for

from ..models import Educator
from ..models import Exercise
from ..models import Student
from . import service

EDUCATOR_KEY = "educator_key"
STUDENTS = "classroom_students"  # {join code: student token}
REJOIN_CODES = "classroom_rejoin"  # {join code: the student's rejoin code}, to show on their pages
NEW_KEY_FOR = "new_key_for"  # the exercise whose created page says the key is new
NEW_KEY_HERE = "new_key_here"  # /classroom/new says the key is new


# --- clients and codes ----------------------------------------------------------------------


def client_id() -> str:
    """Who counts as one client for the join rate limit (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or "unknown"


def lookup(code: str) -> Exercise:
    """The exercise for a code a student typed, rate-limited per client."""
    cfg = current_app.config
    return service.lookup_exercise(
        code, client_id(), cfg["SECRET_KEY"], cfg["JOIN_RATE_LIMIT"], cfg["JOIN_RATE_WINDOW_SECONDS"]
    )


# --- educators ------------------------------------------------------------------------------


def educator_key() -> str | None:
    """The educator key this browser holds, if any (not checked)."""
    return session.get(EDUCATOR_KEY)


def session_educator() -> Educator | None:
    """The educator whose key this browser holds, if any."""
    return service.educator_for_key(session.get(EDUCATOR_KEY))


def remember_educator(key: str, new_for: str | None = None, new_here: bool = False) -> None:
    """This browser holds `key` from now on. A new key is said to be new once: on the created
    page of exercise `new_for`, or (`new_here`) on /classroom/new."""
    session[EDUCATOR_KEY] = key
    if new_for is not None:
        session[NEW_KEY_FOR] = new_for
    if new_here:
        session[NEW_KEY_HERE] = True


def educator_exercise(code: str) -> Exercise:
    """The exercise, if this browser holds its educator key (401 without a key, 403 with another)."""
    exercise = lookup(code)  # rate-limited like /join: no page may serve to enumerate join codes
    service.authorise(exercise, session.get(EDUCATOR_KEY))  # a refusal offers the claim form (errors.py)
    return exercise


def key_box(code: str | None = None) -> dict[str, Any]:
    """The educator key of this browser and the link that opens it elsewhere (claim form of `code`,
    or the first claim form there is), shown on /classroom/new (`code` None) and every created
    page; marked new on the page its creation named, once."""
    new = session.pop(NEW_KEY_HERE, False) if code is None else session.pop(NEW_KEY_FOR, None) == code
    key = session.get(EDUCATOR_KEY)
    if service.educator_for_key(key) is None:
        return {"key": None, "key_is_new": False}
    return {
        "key": key,
        "key_is_new": new,
        "claim_url": url_for("classroom.claim", code=code, _external=True) if code else None,
    }


def bearer() -> str | None:
    """The API educator's key: `Authorization: Bearer <key>` (no cookie is read)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def api_educator_exercise(code: str) -> Exercise:
    """The exercise, if the request's Bearer key is its educator's (401 without one, 403 with another)."""
    exercise = lookup(code)
    service.authorise(exercise, bearer())
    return exercise


# --- students -------------------------------------------------------------------------------


def student_token(code: str) -> str | None:
    """The token of the student this browser joined exercise `code` as, if any (not checked)."""
    return session.get(STUDENTS, {}).get(code)


def session_student(exercise: Exercise) -> Student | None:
    """The student this browser joined the exercise as, if any."""
    return service.student_by_token(exercise, session.get(STUDENTS, {}).get(exercise.code))


def remember_student(exercise: Exercise, student: Student, rejoin_code: str) -> None:
    """This browser is `student` in the exercise from now on, and shows them their rejoin code."""
    session[STUDENTS] = {**session.get(STUDENTS, {}), exercise.code: student.token}
    session[REJOIN_CODES] = {**session.get(REJOIN_CODES, {}), exercise.code: rejoin_code}


def rejoin_code(exercise: Exercise) -> str | None:
    """The rejoin code this browser's student of the exercise was given, if it holds one."""
    return session.get(REJOIN_CODES, {}).get(exercise.code)


def rejoin(exercise: Exercise, nickname: str, code: str) -> Student:
    """The student a nickname and rejoin code name. Wrong codes are counted per nickname, not per
    address (REJOIN_RATE_LIMIT in the join window): 403, then 429 for every try, right or wrong,
    until the window has passed."""
    cfg = current_app.config
    limit = (
        f"{exercise.code}:{service.one_line(nickname).casefold()}",
        cfg["SECRET_KEY"],
        cfg["REJOIN_RATE_LIMIT"],
        cfg["JOIN_RATE_WINDOW_SECONDS"],
        "wrong rejoin codes for this nickname",
        "rejoin",
    )
    service.check_failures(*limit)
    student = service.rejoin(exercise, nickname, code)
    if student is None:
        service.count_failure(*limit)
        raise service.ClassroomError(
            403, "invalid_rejoin_code", "This rejoin code does not match that nickname. Check both and try again."
        )
    return student


def joined(code: str) -> tuple[Exercise, Student]:
    """The exercise and the student this browser joined it as (403 for a browser that did not join)."""
    exercise = lookup(code)
    student = session_student(exercise)
    if student is None:
        abort(403, "Join this exercise first: go to the join page and enter the code and a nickname.")
    return exercise, student


def student_client() -> str:
    """The submissions budget is the student's own (their session token for this exercise), so a
    lecture hall behind one address is not one budget; without a session, the address."""
    code = service.normalise_code((request.view_args or {}).get("code", ""))
    token = session.get(STUDENTS, {}).get(code)
    return f"student:{token}" if token else (request.remote_addr or "unknown")


def api_student(exercise: Exercise, nickname: str, token: object) -> service.ApiStudent:
    """The API's student (exercise, nickname, student_token); a wrong student_token counts as a
    failed guess (the join limit)."""
    try:
        return service.student_by_nickname(exercise, nickname, token, current_app.config["CLASSROOM_MAX_STUDENTS"])
    except service.ClassroomError as err:
        if err.code == "invalid_student_token":
            cfg = current_app.config
            service.count_failure(
                request.remote_addr or "unknown",
                cfg["SECRET_KEY"],
                cfg["JOIN_RATE_LIMIT"],
                cfg["JOIN_RATE_WINDOW_SECONDS"],
                "wrong student tokens from this network",
            )
        raise
