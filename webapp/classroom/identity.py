"""Who the educator or student of a classroom request is: the one place that reads and writes it.

Today an educator is whoever holds an educator key: in the browser, a persistent cookie holding the
key's hash, signed (set when they create an exercise or write a case, or by the claim form; never
read from a URL; dropped by signing out); through the API, `Authorization: Bearer <key>`. A phone
the educator paired as the remote of one exercise holds a cookie of that exercise only (its key's
hash and sign-out count, signed, sent only to the exercise's pages), which opens its controls and
nothing else, until it or the educator signs it out. A browser
student is a random token in the session, one per join code; an API student is (exercise,
nickname) and the `student_token` its first submission answered.
Every page and API view asks this module, never the session or the headers, so another way to
say who someone is plugs in here and nowhere else: an LMS launch (webapp/lti/) signs a browser in
as the course's LTI educator (remember_lti_educator: a digest of the platform and course, no key) or
as a student the platform named (remember_lti_student), and marks the browser as launched from an
LMS (lti_embedded), whose cookies then travel inside the LMS's frame (SameSite=None; Secure, over
HTTPS only).

Looking up an exercise by its code is here too: it is rate-limited per client (wrong codes count
as guesses), and who counts as one client is part of who someone is.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Response
from flask import abort
from flask import after_this_request
from flask import current_app
from flask import g
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from ..infra.serving import EMBEDDED_MARK
from ..models import Educator
from ..models import Exercise
from ..models import Student
from . import service

EDUCATOR_COOKIE = "miop_educator"  # the signed hash of the educator's key (remember_educator)
EDUCATOR_COOKIE_PATH = "/classroom"  # the educator's pages; the API reads no cookie
STUDENTS = "classroom_students"  # {join code: student token}
NEW_KEY = "new_educator_key"  # a new key, in the session until its recovery link was shown
REJOIN_CODES = "classroom_rejoin"  # {join code: the student's rejoin code}, to show on their pages
RECENT_CLASSES = "classroom_recent"  # the join codes of STUDENTS, the latest joined last
# The classes a browser stays a student of (the latest joined): the session cookie is bounded
# whatever the number of classes, within a browser's 4 KB beside a full practice history. A student
# of an older class comes back with their nickname and rejoin code.
CLASSES_REMEMBERED = 12
REMOTE_COOKIE = "miop_remote"  # a paired phone's sign-in: the exercise, its key's hash and sign-out count, signed
PAIRING_COOKIE = "miop_pairing"  # the secret of a phone being paired, until it is confirmed
PAIRINGS = "classroom_pairing"  # {join code: [pairing id, pairing code]}: the laptop's code to show
LTI_EMBEDDED = EMBEDDED_MARK  # this browser came from an LMS launch: its cookies must work in the LMS's frame
REMOTE_KEYS = "classroom_remote_keys"  # {join code: key}: the recovery link sent to this paired phone


# --- clients and codes ----------------------------------------------------------------------


def client_id() -> str:
    """Who counts as one client for the join rate limit (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or "unknown"


def lookup(code: str) -> Exercise:
    """The exercise for a code a student typed, rate-limited per client and overall."""
    cfg = current_app.config
    return service.lookup_exercise(
        code,
        client_id(),
        cfg["SECRET_KEY"],
        cfg["JOIN_RATE_LIMIT"],
        cfg["JOIN_RATE_WINDOW_SECONDS"],
        cfg["JOIN_GLOBAL_RATE_LIMIT"],
    )


def join_rules(exercise: Exercise) -> service.JoinRules:
    """What bounds a new student of this exercise: its cap, its join rate, and this client's share
    of it (the client as a keyed hash: the table never holds an address)."""
    cfg = current_app.config
    client = hmac.new(cfg["SECRET_KEY"].encode(), f"{exercise.id}:{client_id()}".encode(), "sha256").hexdigest()[:40]
    return service.JoinRules(
        max_students=service.class_size(exercise, cfg["CLASSROOM_MAX_STUDENTS"]),
        client=client,
        per_client=cfg["JOINS_PER_CLIENT"],
        per_exercise=cfg["JOINS_PER_EXERCISE"],
        window_seconds=cfg["JOINS_WINDOW_SECONDS"],
    )


# --- educators ---------------------------------------------------------------------------------


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EDUCATOR_COOKIE)


def _cookie_days() -> int:
    return int(current_app.config["EDUCATOR_COOKIE_DAYS"])


def _digest() -> str | None:
    """The hash of the educator key this browser is signed in with (its educator cookie: signed,
    at most EDUCATOR_COOKIE_DAYS old), if any; not checked against the database."""
    if "educator_digest" in g:  # signed in or out during this request
        return g.educator_digest
    try:
        value = _signer().loads(request.cookies.get(EDUCATOR_COOKIE, ""), max_age=_cookie_days() * 86400)
    except BadSignature:  # missing, altered, signed with another SECRET_KEY, or too old
        return None
    return value if isinstance(value, str) else None


def session_educator() -> Educator | None:
    """The educator this browser is signed in as, if any."""
    return service.educator_for_digest(_digest())


def remember_educator(key: str, new: bool = False) -> None:
    """Sign this browser in as the educator of `key` for EDUCATOR_COOKIE_DAYS: a persistent,
    HttpOnly, SameSite=Lax cookie (Secure over HTTPS) that holds the key's hash, signed, never the
    key. A `new` key is kept in the session (which ends with the browser) until its recovery link has
    been shown: on the created page, until the educator opens a dashboard."""
    digest = service.hash_key(key)
    if new:
        session[NEW_KEY] = key
    else:
        session.pop(NEW_KEY, None)
    _sign_in_digest(digest)


def remember_lti_educator(digest: str) -> None:
    """Sign this browser in as the LTI educator `digest` (webapp/lti/links.py: the course on its
    platform; there is no key), as remember_educator does, with cookies that work in the LMS's frame."""
    session.pop(NEW_KEY, None)
    mark_lti_embedded()
    _sign_in_digest(digest)


def mark_lti_embedded() -> None:
    """This browser came from an LMS launch: its session and educator cookies are sent inside the
    LMS's frame from now on (SameSite=None; Secure over HTTPS; plain HTTP keeps Lax)."""
    session[LTI_EMBEDDED] = True


def lti_embedded() -> bool:
    """Whether this browser came from an LMS launch (its session says so)."""
    return bool(session.get(LTI_EMBEDDED))


def cookie_samesite() -> str:
    """SameSite for the classroom's cookies: None for a browser launched from an LMS over HTTPS
    (the LMS frames the pages, a cross-site context), else Lax."""
    return "None" if lti_embedded() and request.is_secure else "Lax"


def _sign_in_digest(digest: str) -> None:
    g.educator_digest = digest
    cookie = _signer().dumps(digest)

    @after_this_request
    def _sign_in(response: Response) -> Response:
        response.set_cookie(
            EDUCATOR_COOKIE,
            cookie,
            max_age=_cookie_days() * 86400,
            path=EDUCATOR_COOKIE_PATH,
            secure=current_app.session_interface.get_cookie_secure(current_app) or cookie_samesite() == "None",
            httponly=True,
            samesite=cookie_samesite(),
            partitioned=cookie_samesite() == "None",
        )
        return response


def forget_educator() -> None:
    """Sign this browser out: its educator cookie and any recovery link not yet shown are dropped."""
    g.educator_digest = None
    session.pop(NEW_KEY, None)

    @after_this_request
    def _sign_out(response: Response) -> Response:
        response.delete_cookie(EDUCATOR_COOKIE, path=EDUCATOR_COOKIE_PATH, httponly=True, samesite="Lax")
        return response


def educator_exercise(code: str) -> Exercise:
    """The exercise, if this browser is signed in as its educator (401 when not signed in, 403 as another)."""
    exercise = lookup(code)  # rate-limited like /join: no page may serve to enumerate join codes
    service.authorise_digest(exercise, _digest())  # a refusal offers the claim form (errors.py)
    return exercise


def is_educator(exercise: Exercise) -> bool:
    """Whether this browser is signed in as the exercise's educator (its educator cookie)."""
    digest = _digest()
    return bool(digest) and hmac.compare_digest(exercise.educator.key_hash, digest or "")


def may_control(exercise: Exercise) -> bool:
    """Whether this browser may move the exercise's class on: signed in as its educator, or a phone
    paired as the remote of this exercise (its remote cookie, valid while the key is the same)."""
    if is_educator(exercise):
        return True
    remote = _exercise_cookie(exercise, REMOTE_COOKIE, _cookie_days() * 86400)
    return remote is not None and hmac.compare_digest(_remote_value(exercise), remote)


def controller_exercise(code: str) -> Exercise:
    """The exercise, if this browser may move its class on (may_control; 401/403 otherwise, as
    educator_exercise)."""
    exercise = lookup(code)
    if not may_control(exercise):
        service.authorise_digest(exercise, _digest())  # refuses: 401 without a sign-in, 403 with another
    return exercise


def new_key() -> str | None:
    """The new key of the educator this browser is signed in as, while its recovery link is still
    to be shown (see remember_educator); else None."""
    key = session.get(NEW_KEY)
    digest = _digest()
    return key if key and digest and hmac.compare_digest(service.hash_key(key), digest) else None


def recovery_shown() -> None:
    """The educator opened a dashboard: the recovery link of a new key is never shown again."""
    if NEW_KEY in session:
        session.pop(NEW_KEY)


def recovery(code: str | None = None) -> dict[str, Any]:
    """The recovery of a new key, shown once (on the created page of exercise `code`, or on
    /classroom/new with `code` None): the key, the link that opens the dashboard elsewhere (the
    claim form, the key after the "#") and where to download it; `key` None when there is nothing
    to show."""
    key = new_key()
    if key is None or code is None:
        return {"key": key, "days": _cookie_days(), "recovery_url": None, "download_url": None}
    return {
        "key": key,
        "days": _cookie_days(),
        "recovery_url": recovery_url(code, key),
        "download_url": url_for("classroom.recovery_file", code=code),
    }


def recovery_url(code: str, key: str) -> str:
    """The printed link that opens exercise `code`'s dashboard on any device (the key after "#",
    which browsers never send to the server)."""
    return url_for("classroom.claim", code=code, _external=True) + "#" + key


# --- a phone paired as the remote ------------------------------------------------------------


def _exercise_path(exercise: Exercise) -> str:
    """The path a paired phone's cookies are sent to: this exercise's pages only."""
    return f"/classroom/{exercise.code}"


def _exercise_cookie(exercise: Exercise, name: str, max_age: int) -> str | None:
    """The value a signed cookie of this exercise holds (None when missing, altered, too old, or
    another exercise's)."""
    try:
        value = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=name).loads(
            request.cookies.get(name, ""), max_age=max_age
        )
    except BadSignature:
        return None
    if isinstance(value, list) and len(value) == 2 and value[0] == exercise.code and isinstance(value[1], str):
        return value[1]
    return None


def _set_exercise_cookie(exercise: Exercise, name: str, value: str | None, max_age: int | None) -> None:
    """Set (or, with `value` None, delete) a signed cookie for this exercise's pages only."""
    path = _exercise_path(exercise)
    signed = (
        None
        if value is None
        else URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=name).dumps([exercise.code, value])
    )

    @after_this_request
    def _cookie(response: Response) -> Response:
        if signed is None:
            response.delete_cookie(name, path=path, httponly=True, samesite="Lax")
        else:
            response.set_cookie(
                name,
                signed,
                max_age=max_age,
                path=path,
                secure=current_app.session_interface.get_cookie_secure(current_app),
                httponly=True,
                samesite="Lax",
            )
        return response


def pairing_started(exercise: Exercise, phone_secret: str) -> None:
    """This phone claimed a pairing code: it holds its secret (until the browser closes) to collect
    the confirmation."""
    _set_exercise_cookie(exercise, PAIRING_COOKIE, phone_secret, None)


def phone_secret(exercise: Exercise) -> str | None:
    """The secret of this phone's pairing with the exercise, if it is being paired."""
    return _exercise_cookie(exercise, PAIRING_COOKIE, 3600)


def remember_remote(exercise: Exercise, recovery_key: str | None) -> None:
    """This phone is paired: signed in for this exercise only, for EDUCATOR_COOKIE_DAYS (a persistent,
    HttpOnly cookie scoped to the exercise's pages, holding _remote_value, signed); the recovery
    key the laptop sent stays in the session (which ends with the browser) to be shown here."""
    _set_exercise_cookie(exercise, REMOTE_COOKIE, _remote_value(exercise), _cookie_days() * 86400)
    _set_exercise_cookie(exercise, PAIRING_COOKIE, None, None)
    if recovery_key:
        session[REMOTE_KEYS] = {**session.get(REMOTE_KEYS, {}), exercise.code: recovery_key}


def _remote_value(exercise: Exercise) -> str:
    """What a paired phone's cookie holds: the key's hash (a new key signs every phone out) and the
    count of the educator's sign-outs of every paired phone (so does a sign-out)."""
    return f"{exercise.educator.key_hash}.{exercise.remote_generation}"


def forget_remote(exercise: Exercise) -> None:
    """This phone signs itself out as the exercise's remote (its cookie and the recovery link it was sent)."""
    _set_exercise_cookie(exercise, REMOTE_COOKIE, None, None)
    keys = {k: v for k, v in session.get(REMOTE_KEYS, {}).items() if k != exercise.code}
    if keys:
        session[REMOTE_KEYS] = keys
    else:
        session.pop(REMOTE_KEYS, None)


def pairing_gone(exercise: Exercise) -> None:
    """The phone's pairing expired or was refused: its secret is dropped."""
    _set_exercise_cookie(exercise, PAIRING_COOKIE, None, None)


def remote_recovery(exercise: Exercise) -> dict[str, Any]:
    """The recovery link the laptop sent to this paired phone (`recovery_url` None when none)."""
    key = session.get(REMOTE_KEYS, {}).get(exercise.code)
    return {"key": key, "recovery_url": recovery_url(exercise.code, key) if key else None}


def laptop_pairing(exercise: Exercise) -> tuple[int, str] | None:
    """The pairing this laptop started for the exercise (its id and code), to show on the projector."""
    held = session.get(PAIRINGS, {}).get(exercise.code)
    return (int(held[0]), str(held[1])) if held else None


def remember_laptop_pairing(exercise: Exercise, pairing: tuple[int, str] | None) -> None:
    """Keep (or, with None, forget) the pairing this laptop shows for the exercise."""
    held = {k: v for k, v in session.get(PAIRINGS, {}).items() if k != exercise.code}
    session[PAIRINGS] = held | ({exercise.code: list(pairing)} if pairing else {})


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


def _remember_class(code: str, token: str, rejoin_code: str | None) -> None:
    """This browser's student of class `code` (and its rejoin code, if any), as the latest joined;
    the classes past CLASSES_REMEMBERED, the earliest joined, are forgotten."""
    students, codes = session.get(STUDENTS, {}), session.get(REJOIN_CODES, {})
    recent = [c for c in session.get(RECENT_CLASSES, []) if c in students and c != code]
    recent = [c for c in students if c not in recent and c != code] + recent + [code]  # older sessions' first
    kept = recent[-CLASSES_REMEMBERED:]
    session[RECENT_CLASSES] = kept
    session[STUDENTS] = {c: token if c == code else students[c] for c in kept}
    rejoin = {c: codes[c] for c in kept if c in codes and c != code}
    session[REJOIN_CODES] = rejoin | ({code: rejoin_code} if rejoin_code else {})


def remember_student(exercise: Exercise, student: Student, rejoin_code: str) -> None:
    """This browser is `student` in the exercise from now on, and shows them their rejoin code."""
    _remember_class(exercise.code, student.token, rejoin_code)


def remember_lti_student(exercise: Exercise, student: Student) -> None:
    """This browser is `student` in the exercise, as the LMS said (the platform's user; no rejoin
    code: the LMS brings them back)."""
    mark_lti_embedded()
    _remember_class(exercise.code, student.token, None)


def rejoin_code(exercise: Exercise) -> str | None:
    """The rejoin code this browser's student of the exercise was given, if it holds one."""
    return session.get(REJOIN_CODES, {}).get(exercise.code)


def rejoin(exercise: Exercise, nickname: str, code: str) -> Student:
    """The student a nickname and rejoin code name. Wrong codes are counted per nickname, not per
    address (REJOIN_RATE_LIMIT in the join window): 403, then 429 for every try, right or wrong,
    until the window has passed."""
    cfg = current_app.config
    limit = (
        f"{exercise.code}:{service.normal_nickname(nickname).casefold()}",
        cfg["SECRET_KEY"],
        cfg["REJOIN_RATE_LIMIT"],
        cfg["JOIN_RATE_WINDOW_SECONDS"],
        gettext("wrong rejoin codes for this nickname"),
        "rejoin",
    )
    service.check_failures(*limit)
    student = service.rejoin(exercise, nickname, code)
    if student is None:
        service.count_failure(*limit)
        raise service.ClassroomError(
            403,
            "invalid_rejoin_code",
            gettext("This rejoin code does not match that nickname. Check both and try again."),
        )
    return student


def joined(code: str) -> tuple[Exercise, Student]:
    """The exercise and the student this browser joined it as (403 for a browser that did not join)."""
    exercise = lookup(code)
    student = session_student(exercise)
    if student is None:
        abort(403, gettext("Join this exercise first: go to the join page and enter the code and a nickname."))
    return exercise, student


def student_client() -> str:
    """The submissions budget is the student's own (their session token for this exercise), so a
    lecture hall behind one address is not one budget; without a session, the address."""
    code = service.normalise_code((request.view_args or {}).get("code", ""))
    token = session.get(STUDENTS, {}).get(code)
    return f"student:{token}" if token else (request.remote_addr or "unknown")


def api_join(exercise: Exercise, nickname: str) -> service.ApiStudent:
    """A new API student in the lobby, by the join form's rules (service.api_join)."""
    return service.api_join(exercise, nickname, join_rules(exercise))


def api_student(exercise: Exercise, nickname: str, token: object, create: bool = True) -> service.ApiStudent:
    """The API's student (exercise, nickname, student_token), made at its first answer unless
    `create` is false; a wrong student_token counts as a failed guess (the join limit)."""
    try:
        return service.student_by_nickname(exercise, nickname, token, join_rules(exercise), create)
    except service.ClassroomError as err:
        if err.code == "invalid_student_token":
            cfg = current_app.config
            service.count_failure(
                request.remote_addr or "unknown",
                cfg["SECRET_KEY"],
                cfg["JOIN_RATE_LIMIT"],
                cfg["JOIN_RATE_WINDOW_SECONDS"],
                gettext("wrong student tokens from this network"),
                overall=cfg["JOIN_GLOBAL_RATE_LIMIT"],
            )
        raise
