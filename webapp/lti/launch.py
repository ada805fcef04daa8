"""The LTI routes: the tool's keys, OIDC login initiation, the launch (by role and message type),
and the deep-linking picker. Every refusal is a 4xx page or JSON (error_response), logged with its
reason and never the token, and signs nobody in."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import jwt
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from pylti1p3.contrib.flask import FlaskCookieService
from pylti1p3.contrib.flask import FlaskMessageLaunch
from pylti1p3.contrib.flask import FlaskOIDCLogin
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.contrib.flask import FlaskServiceConnector
from pylti1p3.contrib.flask import FlaskSessionService
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.exception import OIDCException
from pylti1p3.exception import ToolConfException
from pylti1p3.lineitem import LineItem

from ..classroom import identity
from ..classroom import service
from ..classroom.service import ClassroomError
from ..extensions import csrf
from ..extensions import db
from ..infra.errors import error_response
from ..infra.knowledge import kb
from ..models import Exercise
from ..models import LtiLink
from . import bp
from . import grades
from . import links
from . import names
from .forms import PickerForm
from .forms import picker_choices
from .storage import DatabaseLaunchStorage
from .tool import NotConfigured
from .tool import config_path
from .tool import tool_config

log = logging.getLogger(__name__)

LAUNCH_SECONDS = 3600  # launch claims kept for the deep-linking picker; nonces expire with them
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
EDUCATOR_ROLES = ("#Instructor", "#Administrator")  # context and institution roles, any vocabulary
SHORT_EDUCATOR_ROLES = ("Instructor", "Administrator")  # the deprecated simple names LTI 1.3 still allows
NAMES_ON = ("1", "true", "yes")  # the custom parameter `names` that shows the educator LMS names
NEW_WINDOW = "lti1p3_new_window"  # the login repeated after the cookie check (in the frame or a new window)
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id")
DEEP_LINK_SESSION = "lti_deep_link"  # the deep-linking launch this browser's picker answers
# Every way the library and the token decoder refuse a launch (some are not LtiException: an
# unknown issuer is a ToolConfException, a malformed claim a KeyError or TypeError).
REFUSED = (
    LtiException,
    OIDCException,
    ToolConfException,
    jwt.PyJWTError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
)


class Refused(Exception):
    """A launch refused: the status, a code, and a message for the user."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.errorhandler(Refused)
def _refused(err: Refused) -> ResponseReturnValue:
    log.warning("LTI request refused (%s): %s", err.code, err.message)
    return error_response(err.status, err.message, err.code)


@bp.before_request
def _configured() -> None:
    """Without LTI_CONFIG the tool does not exist: every /lti URL is a 404. (Dynamic registration
    may write the file's first platform: it needs only the setting.)"""
    if request.endpoint == "lti.register" and config_path():
        return
    try:
        tool_config()
    except NotConfigured:
        abort(404)
    except (OSError, ValueError, ToolConfException) as err:
        log.error("LTI_CONFIG cannot be read: %s", type(err).__name__)
        raise Refused(
            503, "lti_unavailable", "The LMS connection is not set up right; tell the site's operator."
        ) from err


def _storage() -> DatabaseLaunchStorage:
    return DatabaseLaunchStorage()


def _sessions(req: FlaskRequest) -> FlaskSessionService:
    """The library's session service, on the database storage, values kept LAUNCH_SECONDS."""
    sessions = FlaskSessionService(req)
    sessions.set_data_storage(_storage())
    sessions.set_launch_data_lifetime(LAUNCH_SECONDS)
    return sessions


def _message_launch(req: FlaskRequest) -> FlaskMessageLaunch:
    return FlaskMessageLaunch(
        req,
        tool_config(),
        session_service=_sessions(req),
        cookie_service=FlaskCookieService(req),
        service_connector_cls=FlaskServiceConnector,
    )


@bp.get("/jwks.json")
def jwks() -> ResponseReturnValue:
    """The tool's public keys (each with its `kid`): platforms verify the tool's signed messages
    (deep-linking answers, the client assertions of grade requests) with them."""
    return jsonify(tool_config().get_jwks())


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> ResponseReturnValue:
    """OIDC login initiation (LTI 1.3 / IMS Security Framework 5.1.1): the platform names itself,
    the tool answers a redirect to the platform's authorisation endpoint with a fresh state (a
    short-lived cookie) and nonce (in the database)."""
    target = request.values.get("target_link_uri") or url_for("lti.launch", _external=True)
    if urlsplit(target).netloc != urlsplit(request.host_url).netloc:
        raise Refused(400, "lti_bad_target", "The launch names a target outside this tool.")
    if request.headers.get("Sec-Fetch-Dest") == "iframe" and not request.values.get(NEW_WINDOW):
        return _cookie_check()
    req = FlaskRequest()
    try:
        oidc = FlaskOIDCLogin(
            req,
            tool_config(),
            session_service=_sessions(req),
            cookie_service=FlaskCookieService(req),
        )
        return oidc.redirect(url_for("lti.launch", _external=True))
    except REFUSED as err:
        raise Refused(400, "lti_login_refused", _why(err, "The LMS's login request was refused.")) from err


def _cookie_check() -> ResponseReturnValue:
    """In the LMS's frame, first see whether this browser keeps cookies there (the login's state
    cookie must come back with the launch): app.js tries one and carries on in the frame; where the
    browser blocks them, the page offers the same login in a new window (one click; the launch is
    not lost, the new window starts it again as a first-party page)."""
    params: dict[str, Any] = {k: v for k, v in request.values.items() if k in LOGIN_PARAMS}
    params[NEW_WINDOW] = "1"
    again = url_for("lti.login", **params)
    return render_template("lti/cookie_check.html", login_url=again, secure=request.is_secure)


def _why(err: BaseException, fallback: str) -> str:
    """A refusal's reason in words, never the token: the library's message when it is one of its own."""
    if isinstance(err, ToolConfException):
        return "This LMS (issuer or client id) is not registered with this tool."
    if isinstance(err, LtiException | OIDCException) and str(err) and len(str(err)) < 200:
        return f"{fallback} {err}"
    return fallback


@bp.post("/launch")
@csrf.exempt
def launch() -> ResponseReturnValue:
    """The launch (LTI Core 1.3 section 5): the id token is checked (signature against the platform's
    keys, issuer, audience, deployment, expiry, the state cookie, the nonce consumed once), then an
    instructor lands on the activity's dashboard, a learner in its exercise, and a deep-linking
    request opens the picker."""
    if not request.form.get("id_token"):
        raise Refused(400, "lti_missing_token", "The launch carries no id_token.")
    message = _message_launch(FlaskRequest())
    try:
        data: dict[str, Any] = dict(message.get_launch_data())  # validates (auto-validation) on first access
    except REFUSED as err:
        raise Refused(_status(err), "lti_launch_refused", _why(err, "The LMS launch was refused.")) from err
    try:
        if message.is_deep_link_launch():
            return _deep_link_launch(message, data)
        if not message.is_resource_launch():
            raise Refused(400, "lti_unsupported_message", "This tool answers resource links and deep linking only.")
        return _resource_launch(message, data)
    except (KeyError, TypeError, AttributeError) as err:
        raise Refused(400, "lti_missing_claim", "The launch lacks a claim this tool needs.") from err


def _status(err: BaseException) -> int:
    """403 for a token that is not the platform's or not for this tool; 400 for a malformed request."""
    text = str(err)
    if "State not found" in text or "Invalid Nonce" in text:
        return 403
    if isinstance(err, ToolConfException) or "signature" in text.lower() or "decode id_token" in text:
        return 403
    return 400


def _claim(data: dict[str, Any], name: str) -> Any:
    return data.get(CLAIM + name)


def _required(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 255:
        raise Refused(400, "lti_missing_claim", f"The launch lacks {what}.")
    return value


def _is_educator(data: dict[str, Any]) -> bool:
    roles = _claim(data, "roles") or []
    return isinstance(roles, list) and any(
        isinstance(r, str) and (r.endswith(EDUCATOR_ROLES) or r in SHORT_EDUCATOR_ROLES) for r in roles
    )


def _context_key(data: dict[str, Any]) -> str:
    """The course the launch comes from (deployment and context id; the user when there is no context)."""
    deployment = _required(_claim(data, "deployment_id"), "a deployment id")
    context = _claim(data, "context")
    context_id = context.get("id") if isinstance(context, dict) else None
    if isinstance(context_id, str) and context_id:
        return f"{deployment}\0context\0{context_id}"
    return f"{deployment}\0user\0{_required(data.get('sub'), 'the user (sub)')}"


def _resource_launch(message: FlaskMessageLaunch, data: dict[str, Any]) -> ResponseReturnValue:
    issuer = _required(data.get("iss"), "the issuer")
    deployment = _required(_claim(data, "deployment_id"), "a deployment id")
    resource = _claim(data, "resource_link") or {}
    link_id = _required(resource.get("id") if isinstance(resource, dict) else None, "the resource link id")
    link = links.find_link(issuer, deployment, link_id)
    if _is_educator(data):
        educator = links.lti_educator(links.educator_digest(issuer, _context_key(data)))
        if link is None:
            custom = _claim(data, "custom") or {}
            chosen = custom.get("exercise") if isinstance(custom, dict) else None
            link = links.link_exercise(
                issuer=issuer,
                client_id=message.get_client_id(),
                deployment_id=deployment,
                resource_link_id=link_id,
                title=str(resource.get("title") or "LMS activity"),
                educator=educator,
                chosen_code=chosen if isinstance(chosen, str) else None,
                kb=kb(),
            )
        exercise = service.find_exercise(_exercise_code(link))
        if exercise is None:
            raise Refused(410, "lti_exercise_gone", "The exercise of this activity was deleted.")
        if exercise.educator_id != educator.id:
            raise Refused(403, "lti_not_your_activity", "This activity belongs to another course's educators.")
        links.note_ags(link, data.get(AGS_CLAIM))
        grades.ensure_lineitem(link, exercise)  # a link without a line item of its own gets one, once
        custom = _claim(data, "custom") or {}
        names.set_asks_names(link, isinstance(custom, dict) and str(custom.get("names", "")).lower() in NAMES_ON)
        names.note_nrps(link, data.get(names.NRPS_CLAIM))
        if link.asks_names:
            names.fetch(link)  # a refusal or failure leaves nicknames and a note on the dashboard
        identity.remember_lti_educator(educator.key_hash)
        identity.recovery_shown()
        return redirect(url_for("classroom.dashboard", code=exercise.code), 303)
    if link is None:
        raise Refused(409, "lti_not_set_up", "Your instructor has not opened this activity yet. Try again later.")
    links.note_ags(link, data.get(AGS_CLAIM))
    exercise = service.find_exercise(_exercise_code(link))
    if exercise is None:
        raise Refused(410, "lti_exercise_gone", "The exercise of this activity was deleted.")
    subject = _required(data.get("sub"), "the user (sub)")
    try:
        student = links.learner(link, exercise, subject, current_app.config["CLASSROOM_MAX_STUDENTS"])
    except ClassroomError as err:
        raise Refused(err.status, err.code, err.message) from err
    identity.remember_lti_student(exercise, student)
    return redirect(url_for("classroom.student_home", code=exercise.code), 303)


def _exercise_code(link: LtiLink) -> str:
    exercise = db.session.get(Exercise, link.exercise_id)
    return exercise.code if exercise is not None else ""


# --- deep linking -------------------------------------------------------------------------------


def _deep_link_launch(message: FlaskMessageLaunch, data: dict[str, Any]) -> ResponseReturnValue:
    if not _is_educator(data):
        raise Refused(403, "lti_not_instructor", "Only an instructor adds this activity to a course.")
    settings = data.get(DL_CLAIM + "deep_linking_settings")
    if not isinstance(settings, dict) or not isinstance(settings.get("deep_link_return_url"), str):
        raise Refused(400, "lti_missing_claim", "The deep-linking request lacks its return URL.")
    issuer = _required(data.get("iss"), "the issuer")
    educator = links.lti_educator(links.educator_digest(issuer, _context_key(data)))
    identity.remember_lti_educator(educator.key_hash)
    session[DEEP_LINK_SESSION] = message.get_launch_id()
    form = PickerForm(launch_id=message.get_launch_id())
    form.cases.choices = picker_choices(educator)
    return render_template("lti/picker.html", form=form)


@bp.post("/deep-link")
def deep_link_answer() -> ResponseReturnValue:
    """The picker's answer: a new exercise with the cases, pace and feedback picked, sent back to
    the platform as a signed LtiDeepLinkingResponse (an ltiResourceLink with a line item)."""
    launch_id = request.form.get("launch_id", "")
    if not launch_id or session.get(DEEP_LINK_SESSION) != launch_id:
        raise Refused(
            403, "lti_deep_link_expired", "This picker is not this browser's: add the activity again from the LMS."
        )
    try:
        req = FlaskRequest()
        message = FlaskMessageLaunch.from_cache(
            launch_id,
            req,
            tool_config(),
            session_service=_sessions(req),
            cookie_service=FlaskCookieService(req),
            service_connector_cls=FlaskServiceConnector,
        )
    except REFUSED as err:
        raise Refused(
            410, "lti_deep_link_expired", "This picker expired: add the activity again from the LMS."
        ) from err
    data: dict[str, Any] = dict(message.get_launch_data())
    issuer = _required(data.get("iss"), "the issuer")
    educator = links.lti_educator(links.educator_digest(issuer, _context_key(data)))
    form = PickerForm()
    form.cases.choices = picker_choices(educator)
    if not form.validate_on_submit():
        return render_template("lti/picker.html", form=form), 400
    title = form.title.data or "MIOP classroom"
    try:
        exercise = service.create_exercise(
            title,
            list(form.cases.data or []),
            None,
            kb(),
            feedback=form.feedback.data or "immediate",
            educator=educator,
            pace=form.pace.data or "self",
        ).exercise
    except ClassroomError as err:
        form.cases.errors = [err.message]
        return render_template("lti/picker.html", form=form), err.status
    custom = {"exercise": exercise.code, **({"names": "1"} if form.asks_names.data else {})}
    resource = (
        DeepLinkResource()
        .set_url(url_for("lti.launch", _external=True))
        .set_title(exercise.title)
        .set_custom_params(custom)
        .set_lineitem(
            LineItem().set_label(exercise.title).set_score_maximum(grades.SCORE_MAXIMUM).set_tag(grades.LINEITEM_TAG)
        )
    )
    deep_link = message.get_deep_link()
    token = deep_link.get_response_jwt([resource])
    return_url = data[DL_CLAIM + "deep_linking_settings"]["deep_link_return_url"]
    session.pop(DEEP_LINK_SESSION, None)
    response = current_app.make_response(
        render_template("lti/deep_link_return.html", return_url=return_url, token=token)
    )
    response.headers["Content-Security-Policy"] = _csp_posting_to(return_url)
    return response


def _csp_posting_to(url: str) -> str:
    """The strict policy with one more form target: the platform's deep-linking return URL."""
    from ..infra.security import CSP

    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
