"""One place for errors: JSON {"error": {code, message}} under /api, an HTML page elsewhere.

The domain errors are raised where a request cannot be honoured and answered here, once: each is a
DomainError (the API's own 4xx, webapp/api/common.py; a classroom request refused,
webapp/classroom/service/common.py) or the rules' InputError (input they cannot read: 400). This module
knows no domain: a domain that answers its error in its own way (the classroom sends a browser
without the educator key to the claim form) registers a handler for its subclass beside this one.
"""

from __future__ import annotations

import contextlib
import traceback

from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from rules import InputError

from ..extensions import db
from ..limits import BODY_MAX_WORDS
from ..limits import TOO_LARGE
from ..wording import N_
from ..wording import disclaimer
from .database import RETRY_AFTER_SECONDS
from .database import fault
from .language import ui_language

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


TITLES = {
    401: N_("Educator key needed"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    413: N_("Too large"),
    429: N_("Too many attempts"),
    503: N_("Temporarily unavailable"),
}
CLIENT_ERROR = N_("Something is wrong with the request")
SERVER_ERROR = N_("Server error")
# What a page says for an HTTP error raised without a message of the app's own (Werkzeug's English
# descriptions are replaced by these, in the page language).
DEFAULT_MESSAGES = {
    400: N_("The browser sent a request this site could not understand."),
    404: N_("There is no page at this address. Check the address, or start from the checklist."),
    405: N_("This page cannot be reached that way (wrong method)."),
}


class DomainError(Exception):
    """A request a domain cannot honour: its HTTP `status`, a machine-readable `code` and a `message`
    for the user, as the error contract has them; `retry_after`: the seconds a refused client waits
    (a 429's or 503's Retry-After), when it should. Subclasses set these; every one is answered by
    domain_error_response unless its domain registers a handler of its own."""

    status: int = 400
    code: str = "bad_request"
    message: str = ""
    retry_after: int | None = None


def wants_json() -> bool:
    """API paths, and clients that prefer JSON, get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str, code: str | None = None) -> tuple[Response, int] | tuple[str, int]:
    """Render one error in the right format."""
    code = code or CODES.get(status, "error")
    if wants_json():
        body = {"error": {"code": code, "message": message}, "disclaimer": disclaimer(), "language": ui_language()}
        return jsonify(body), status
    title = gettext(TITLES.get(status, CLIENT_ERROR if status < 500 else SERVER_ERROR))
    return render_template("errors/error.html", status=status, title=title, message=message), status


def http_message(err: HTTPException, status: int) -> str:
    """An HTTP error's message: the app's own, or for Werkzeug's default words the page's own."""
    message = err.description or CODES.get(status, "error")
    if status in DEFAULT_MESSAGES and message == type(err).description:
        return gettext(DEFAULT_MESSAGES[status])
    return message


def csrf_message(reason: str) -> str:
    """What went wrong with a refused form, in words a user can act on (Flask-WTF's reason kept)."""
    again = gettext("Reload the page and try again.")
    if "session token is missing" in reason:
        if not request.is_secure and current_app.config.get("SESSION_COOKIE_SECURE"):
            what = gettext(
                "Your browser did not send back this site's session cookie: the server marks it "
                "Secure (HTTPS only, SESSION_COOKIE_SECURE=1) but this page came over plain HTTP. "
                "Open the site with https://, or unset SESSION_COOKIE_SECURE to serve plain HTTP."
            )
        else:
            what = gettext(
                "Your browser did not send this site's session cookie (cookies blocked for this "
                "site, or opened in another browser). Allow cookies for this site."
            )
    elif "token is missing" in reason:
        what = gettext("The form arrived without its security token (it did not come from this site's page).")
    elif "expired" in reason:
        what = gettext("The form's security token has expired.")
    elif "invalid" in reason or "do not match" in reason:
        what = gettext(
            "The form's security token does not match this browser's session (the page is older "
            "than the session, or the server's key changed)."
        )
    else:
        what = gettext("The form was not sent from this site.")
    return f"{what} {again} ({reason})"  # Flask-WTF's reason stays as it said it


def input_message(err: InputError) -> str:
    """The rules' refusal of an input in the request's language: its English sentence (a template with
    the input's values as parameters) looked up in the catalog, which `make translations` fills from
    rules/ too (babel.cfg); a sentence the catalog lacks stays English."""
    return gettext(err.template, **err.params)


def domain_error_response(err: DomainError) -> Response:
    """Render a DomainError (HTML or JSON by path); a refusal with a wait says when to retry."""
    response = make_response(error_response(err.status, err.message, err.code))
    if err.retry_after is not None:
        response.headers["Retry-After"] = str(err.retry_after)
    return response


def close_after_too_large(response: Response) -> Response:
    """A 413 closes the connection and says so: the refused body is not read, so the connection
    cannot carry another request (webapp/infra/worker.py makes gunicorn honour it)."""
    if response.status_code == 413:
        response.headers["Connection"] = "close"
    return response


def register_errorhandlers(app: Flask) -> None:
    """Route every HTTP error and every domain error through error_response."""

    app.register_error_handler(DomainError, domain_error_response)
    app.after_request(close_after_too_large)

    @app.errorhandler(InputError)
    def _input(err: InputError) -> ResponseReturnValue:
        return error_response(400, input_message(err), err.code)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError) -> ResponseReturnValue:
        return error_response(400, csrf_message(err.description or ""), "csrf_failed")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> ResponseReturnValue:
        status = err.code or 500
        if status == 413:
            return error_response(413, gettext(TOO_LARGE, limit=BODY_MAX_WORDS))
        response = make_response(error_response(status, http_message(err, status)))
        # Keep what the exception's own response would have said, e.g. a 405's Allow (RFC 9110).
        for name, value in err.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> ResponseReturnValue:
        # Type, path and frames only: the message and the body may carry what a clinician entered.
        frames = "".join(traceback.format_tb(err.__traceback__))
        app.logger.error("unhandled %s on %s\n%s", type(err).__name__, request.path, frames)
        return error_response(500, gettext("Something went wrong on our side."))

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeoutError)
    def _database(err: Exception) -> ResponseReturnValue:
        # Other database errors (a constraint, bad SQL) are bugs and stay 500s.
        return database_fault_response(err) or _unexpected(err)


def database_fault_response(err: Exception) -> Response | None:
    """Busy, read-only, full or unreachable: a 503 that names the fault and says when to retry, the
    log line naming it too; None for a database error that is none of them (a bug)."""
    kind = fault(err)
    if kind is None:
        return None
    message, code, log = DATABASE_FAULTS[kind]
    current_app.logger.warning("%s on %s: %s", log, request.path, type(getattr(err, "orig", err)).__name__)
    if kind == "read_only":
        # A SQLite connection opened while the file could not be written stays read-only: drop the
        # pooled connections, so the next request opens new ones (writable once the file is).
        with contextlib.suppress(Exception):
            db.engine.dispose()
    response = make_response(error_response(503, message, code))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# kind -> (what the user reads, the error code, what the log says)
DATABASE_FAULTS = {
    "unreachable": (
        "The classroom database cannot be reached just now. Please try again in a few seconds.",
        "database_unavailable",
        "database unavailable",
    ),
    "busy": (
        "The classroom database is busy just now. Please try again in a few seconds.",
        "database_busy",
        "database busy (a lock wait or no free connection)",
    ),
    "read_only": (
        "The classroom database cannot save anything just now (its storage is read-only). "
        "Please try again in a few seconds.",
        "database_read_only",
        "database read-only (the storage refuses writes; connections are reopened)",
    ),
    "full": (
        "The classroom database cannot save anything just now (its disk is full). Please try again later.",
        "database_full",
        "database disk is full",
    ),
}
