"""The data side of an LMS launch: who the LTI educator is, which exercise an LMS activity opens,
and which student a platform's user is. No request state here (webapp/lti/launch.py has it)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rules import KnowledgeBase
from rules import load_cases

from ..classroom import service
from ..extensions import db
from ..models import Educator
from ..models import Exercise
from ..models import LtiLearner
from ..models import LtiLink
from ..models import Student

DIGEST_PREFIX = "lti:"  # no educator key hashes to this: a key's hash is 64 hex digits
DEFAULT_CASES = 3  # the first library cases of the easiest difficulty, when the activity picked none
DIFFICULTY_ORDER = ("easy", "medium", "hard")
NICKNAME_TRIES = 20


def educator_digest(issuer: str, context: str) -> str:
    """The LTI educator of one course of one platform: every instructor of the course is the same
    educator, on any browser, with no key to keep. Stored where a key's hash goes (Educator.key_hash),
    in a form no key can take."""
    raw = f"{issuer}\0{context}".encode()
    return DIGEST_PREFIX + hashlib.sha256(raw).hexdigest()[:60]


def lti_educator(digest: str) -> Educator:
    """The educator of this digest, made on their first launch."""
    found = service.educator_for_digest(digest)
    if found is not None:
        return found
    educator = Educator(key_hash=digest)
    db.session.add(educator)
    try:
        db.session.commit()
    except IntegrityError:  # a second launch at the same moment made it
        db.session.rollback()
        return db.session.execute(select(Educator).where(Educator.key_hash == digest)).scalar_one()
    return educator


def find_link(issuer: str, deployment_id: str, resource_link_id: str) -> LtiLink | None:
    return db.session.execute(
        select(LtiLink).where(
            LtiLink.issuer == issuer,
            LtiLink.deployment_id == deployment_id,
            LtiLink.resource_link_id == resource_link_id,
        )
    ).scalar_one_or_none()


def default_case_ids() -> list[str]:
    """The cases of an activity added without the picker: the first DEFAULT_CASES library cases,
    easiest first (by difficulty, then id)."""
    cases = sorted(
        load_cases().values(),
        key=lambda c: (
            DIFFICULTY_ORDER.index(c.difficulty) if c.difficulty in DIFFICULTY_ORDER else 9,
            c.id,
        ),
    )
    return [c.id for c in cases[:DEFAULT_CASES]]


def link_exercise(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    resource_link_id: str,
    title: str,
    educator: Educator,
    chosen_code: str | None,
    kb: KnowledgeBase,
) -> LtiLink:
    """The activity's link, made on the first instructor launch: to the exercise the deep-linking
    picker made (`chosen_code`, when it is this educator's), else to a new exercise with the default
    cases (self pace, feedback as soon as answered)."""
    exercise = service.find_exercise(chosen_code) if chosen_code else None
    if exercise is not None and exercise.educator_id != educator.id:
        exercise = service.duplicate_exercise(exercise, kb)  # a course copied elsewhere: its own copy
        exercise.educator_id = educator.id
        db.session.commit()
    if exercise is None:
        exercise = service.create_exercise(
            (title or "LMS activity")[:120], default_case_ids(), None, kb, educator=educator
        ).exercise
    link = LtiLink(
        issuer=issuer,
        client_id=client_id,
        deployment_id=deployment_id,
        resource_link_id=resource_link_id,
        exercise_id=exercise.id,
    )
    db.session.add(link)
    try:
        db.session.commit()
    except IntegrityError:  # another instructor's launch linked it first
        db.session.rollback()
        found = find_link(issuer, deployment_id, resource_link_id)
        assert found is not None
        return found
    return link


def note_ags(link: LtiLink, ags: Any) -> None:
    """Keep where the activity's grades go (the launch's grade service claim), when the platform
    grants it: its line item, or only the line items' URL (a link without a line item: the tool makes
    one there, grades.ensure_lineitem, and keeps it while the platform names the same URL)."""
    if not isinstance(ags, dict):
        return
    lineitem = ags.get("lineitem") if isinstance(ags.get("lineitem"), str) else None
    lineitems = ags.get("lineitems") if isinstance(ags.get("lineitems"), str) else None
    if lineitem is None and lineitems is None:
        return
    kept = link.ags or {}
    made = lineitem is None and bool(kept.get("created")) and kept.get("lineitems") == lineitems
    wanted = {
        "scope": [s for s in ags.get("scope", []) if isinstance(s, str)],
        "lineitem": kept.get("lineitem") if made else lineitem,
        "lineitems": lineitems,
        **({"created": True} if made else {}),
    }
    if link.ags != wanted:
        link.ags = wanted
        db.session.commit()


def learner(link: LtiLink, exercise: Exercise, subject: str, max_students: int) -> Student:
    """The student a platform's user is in this activity, made on their first launch with a generated
    nickname ("Student 4821"): the class and the projector never see an LMS name (an activity that
    asks for names shows them to the educator only: webapp/lti/names.py)."""
    found = db.session.execute(
        select(LtiLearner).where(LtiLearner.link_id == link.id, LtiLearner.subject == subject)
    ).scalar_one_or_none()
    if found is not None:
        return db.session.get_one(Student, found.student_id)
    for _ in range(NICKNAME_TRIES):
        nickname = f"Student {1000 + secrets.randbelow(9000)}"
        rules = service.JoinRules(max_students=max_students)  # the LMS admits its own students: no join rates
        joined = service.join(exercise, nickname, commit=False, source="lti", rules=rules)
        if joined is not None:
            break
    else:
        raise service.ClassroomError(409, "nickname_taken", gettext("No free nickname: try the launch again."))
    db.session.add(LtiLearner(link_id=link.id, student_id=joined.student.id, subject=subject))
    try:
        db.session.commit()
    except IntegrityError:  # the same user launched twice at once: the first one stands
        db.session.rollback()
        return learner(link, exercise, subject, max_students)
    return joined.student


def learner_of(student: Student) -> LtiLearner | None:
    return db.session.execute(select(LtiLearner).where(LtiLearner.student_id == student.id)).scalar_one_or_none()
