"""The students' LMS names, for the educator only (LTI Names and Role Provisioning Services 2.0).

Students are pseudonymous in the class: every learner goes by a generated nickname, on their own
page, to the other students and on the projector. An activity that asks for names (the picker's
"Show the students' LMS names to me", or the custom parameter `names=1`) shows the educator each
student's name in the LMS beside the nickname: on the dashboard, the student's page and the CSV
files. The names come from the platform's membership list (the launch's NRPS claim, with the
`contextmembership.readonly` scope granted), fetched at the educator's launch and when the educator
asks; matched by the platform's user id (`sub`) to the learners who launched the activity.

Kept minimally: one name per learner who launched (not the course's roster), in their row, replaced
at each fetch and deleted with the student or the exercise. A fetch that fails or is refused keeps
the names already there (or none) and leaves a note on the dashboard: never an error page.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import abort
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from markupsafe import Markup
from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy import select
from sqlalchemy import update

from ..classroom import identity
from ..classroom import service
from ..extensions import db
from ..models import Exercise
from ..models import LtiLearner
from ..models import LtiLink
from ..models import utcnow
from . import classroom_bp
from .grades import service_connector
from .tool import NotConfigured
from .tool import tool_config

log = logging.getLogger(__name__)

NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
NAME_MAX = 100
URL_MAX = 1000
NOTE_MAX = 200
PAGES_MAX = 50  # membership pages read at most per fetch (a course of thousands fits)
TIMEOUT_SECONDS = 5  # per request: the educator's launch waits for it
FETCH_SECONDS = 15  # for the whole list: no more pages are read after that


def note_nrps(link: LtiLink, claim: Any) -> None:
    """Keep where the activity's membership list is (the launch's NRPS claim), when it has one."""
    url = claim.get("context_memberships_url") if isinstance(claim, dict) else None
    if not (isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= URL_MAX):
        url = None
    if link.nrps_url != url:
        link.nrps_url = url
        db.session.commit()


def set_asks_names(link: LtiLink, asks: bool) -> None:
    """The activity shows LMS names, or stops: then the names kept are deleted."""
    if link.asks_names == asks:
        return
    link.asks_names = asks
    if not asks:
        db.session.execute(update(LtiLearner).where(LtiLearner.link_id == link.id).values(lms_name=None))
        link.names_at = link.names_note = None
    db.session.commit()


def _name_of(member: Any) -> str | None:
    name = member.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [member.get(k) for k in ("given_name", "family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return service.one_line(name)[:NAME_MAX] or None


def _members(link: LtiLink) -> dict[str, str]:
    """The platform's members by user id (`sub`) with a name; raises whatever the platform did."""
    connector = service_connector(tool_config(), link, TIMEOUT_SECONDS)
    nrps = NamesRolesProvisioningService(connector, {"context_memberships_url": str(link.nrps_url)})
    found: dict[str, str] = {}
    url: str | None = link.nrps_url
    deadline = time.monotonic() + FETCH_SECONDS
    for _ in range(PAGES_MAX):
        if not url:
            break
        if time.monotonic() > deadline:
            raise TimeoutError("the membership list took too long")
        members, url = nrps.get_members_page(url)
        if not isinstance(members, list):
            raise ValueError("the membership list is not a list")
        for member in members:
            if isinstance(member, dict) and isinstance(member.get("user_id"), str):
                name = _name_of(member)
                if name:
                    found[member["user_id"]] = name
    return found


def fetch(link: LtiLink) -> bool:
    """Fetch the names of the activity's learners from the platform; False (and a note kept for the
    educator) when the platform does not offer them, refuses or fails."""
    if not link.asks_names:
        return False
    if not link.nrps_url:
        return _failed(link, "no_service", None)
    try:
        members = _members(link)
    except NotConfigured:
        return _failed(link, "failed", None)
    except Exception as err:  # noqa: BLE001  (whatever the platform did: nicknames and a note, never a 500)
        db.session.rollback()
        log.warning("LTI names not fetched (link %s): %s", link.id, type(err).__name__)
        return _failed(link, "failed", err)
    learners = db.session.execute(select(LtiLearner).where(LtiLearner.link_id == link.id)).scalars()
    for learner in learners:
        learner.lms_name = members.get(learner.subject)
    link.names_at, link.names_note = utcnow(), None
    db.session.commit()
    return True


def _failed(link: LtiLink, why: str, err: BaseException | None) -> bool:
    detail = f"{why}: {type(err).__name__}: {err}" if err is not None else why
    link.names_note = detail[:NOTE_MAX]
    db.session.commit()
    return False


def _links(exercise: Exercise) -> list[LtiLink]:
    return list(db.session.execute(select(LtiLink).where(LtiLink.exercise_id == exercise.id)).scalars())


def student_names(exercise: Exercise) -> dict[int, str] | None:
    """service.STUDENT_NAMES: the LMS names by student id, for the educator's pages of an activity
    that asks for them (None: the exercise shows no names)."""
    links = [link for link in _links(exercise) if link.asks_names]
    if not links:
        return None
    rows = db.session.execute(
        select(LtiLearner.student_id, LtiLearner.lms_name).where(
            LtiLearner.link_id.in_([link.id for link in links]), LtiLearner.lms_name.is_not(None)
        )
    ).all()
    return {student_id: name for student_id, name in rows if name}


def dashboard_note(exercise: Exercise) -> str | None:
    """service.DASHBOARD_NOTES: for an activity that shows LMS names, whether they came, and the
    button that fetches them again."""
    links = [link for link in _links(exercise) if link.asks_names]
    if not links:
        return None
    failed = next((link.names_note for link in links if link.names_note), None)
    if failed is not None and failed.startswith("no_service"):
        text = gettext(
            "The LMS does not give this activity its members' names (Names and Role Provisioning is off for "
            "the tool): students are shown by nickname."
        )
    elif failed is not None:
        text = gettext(
            "The LMS did not give the students' names this time: students are shown by nickname (and the names "
            "fetched before, if any). Try again later."
        )
    else:
        text = gettext(
            "Students' LMS names are shown to you only, beside their nicknames; the class and the projector see "
            "nicknames only."
        )
    html = render_template("lti/_names_note.html", text=text, code=exercise.code)
    return Markup(html)  # noqa: S704  (rendered from our template, its text escaped there)


@classroom_bp.post("/classroom/<code>/lms-names")
def fetch_names(code: str) -> ResponseReturnValue:
    """The educator asks for the students' LMS names again (their dashboard's button)."""
    exercise = identity.educator_exercise(code)
    links = [link for link in _links(exercise) if link.asks_names]
    if not links:
        abort(404)
    for link in links:
        fetch(link)
    return redirect(url_for("classroom.dashboard", code=exercise.code), 303)


def install() -> None:
    """Plug the names into the classroom's educator pages (once per process)."""
    if student_names not in service.STUDENT_NAMES:
        service.STUDENT_NAMES.append(student_names)
    if dashboard_note not in service.DASHBOARD_NOTES:
        service.DASHBOARD_NOTES.append(dashboard_note)
