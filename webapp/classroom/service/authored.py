"""The cases educators write: stored, validated against the finding vocabulary, changed or deleted
only while no exercise uses them; and any case (library, simulated or authored) by its id."""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import ngettext
from sqlalchemy import func
from sqlalchemy import select

from rules import Case
from rules import KnowledgeBase
from rules import KnowledgeError
from rules import case_from_mapping
from rules import case_in_language
from rules import get_case

from ...extensions import db
from ...models import AuthoredCase
from ...models import Educator
from ...models import Exercise
from ...models import ExerciseCase
from .common import ClassroomError

AUTHORED_PREFIX = "authored-"
DRAFT_ID = "authored-draft"  # the id a case is validated under before it is stored
# The one spelling of an authored case's id: no sign, no leading zero, within an SQL integer.
AUTHORED_ID = re.compile(r"authored-([1-9][0-9]{0,9})")
SQL_INT_MAX = 2_147_483_647


def authored_number(case_id: str) -> int | None:
    """The number in a canonical `authored-<n>` id; None for any other spelling (`authored-07`,
    `authored-+7`, a number beyond an SQL integer)."""
    match = AUTHORED_ID.fullmatch(case_id)
    if match is None or int(match[1]) > SQL_INT_MAX:
        return None
    return int(match[1])


def authored_case(case_id: str, educator_id: int | None, kb: KnowledgeBase) -> Case | None:
    """An authored case, only for the educator who wrote it."""
    number = authored_number(case_id)
    if number is None:
        return None
    row = db.session.get(AuthoredCase, number)
    if row is None or educator_id is None or row.educator_id != educator_id:
        return None
    return case_from_mapping(authored_mapping(row), kb, kind="authored")


def authored_mapping(row: AuthoredCase) -> dict[str, object]:
    """An authored case as the mapping rules.practice.cases validates."""
    return {
        "id": row.case_id,
        "title": row.title,
        "age": row.age,
        "sex": row.sex,
        "narrative": row.narrative,
        "difficulty": row.difficulty,
        "entry": "",
        "label": "Written by the educator of this exercise",
        "key": row.answer_key,
        "teaching_point": row.teaching_points,
    }


def resolve_case(case_id: str, educator_id: int | None, kb: KnowledgeBase) -> Case | None:
    """A library, simulated or (this educator's) authored case by id."""
    if case_id.startswith(AUTHORED_PREFIX):
        return authored_case(case_id, educator_id, kb)
    try:
        case = get_case(case_id)
    except (KnowledgeError, ValueError, KeyError):  # a malformed sim-… id
        return None
    return None if case is None else case_in_language(case, kb.lang)  # in the language of the page's knowledge


def educator_cases(educator_id: int) -> list[AuthoredCase]:
    """The cases this educator wrote, newest first."""
    return list(
        db.session.execute(
            select(AuthoredCase).where(AuthoredCase.educator_id == educator_id).order_by(AuthoredCase.id.desc())
        ).scalars()
    )


def own_authored_case(educator: Educator | None, number: int) -> AuthoredCase:
    """A case this educator wrote, by its number; 404 for any other (theirs to know, nobody else's)."""
    row = db.session.get(AuthoredCase, number)
    if row is None or educator is None or row.educator_id != educator.id:
        raise ClassroomError(404, "not_found", gettext("You wrote no case with this number (from this browser's key)."))
    return row


def case_uses(educator_id: int) -> dict[str, int]:
    """How many of this educator's exercises use each of their authored cases (those in use only)."""
    rows = db.session.execute(
        select(ExerciseCase.case_id, func.count())
        .join(Exercise)
        .where(Exercise.educator_id == educator_id, ExerciseCase.case_id.startswith(AUTHORED_PREFIX))
        .group_by(ExerciseCase.case_id)
    )
    return {case_id: count for case_id, count in rows}


def changeable_authored_case(educator: Educator | None, number: int) -> AuthoredCase:
    """A case this educator wrote that no exercise uses, to change or delete: 404 if it is not
    theirs, 409 while an exercise uses it (its students' answers are shown and judged against it)."""
    row = own_authored_case(educator, number)
    used = case_uses(row.educator_id).get(row.case_id, 0)
    if used:
        raise ClassroomError(
            409,
            "case_in_use",
            gettext(
                "“%(title)s” is used in %(uses)s, so it stays as it is: their answers are judged against it.",
                title=row.title,
                uses=ngettext("%(num)s exercise", "%(num)s exercises", used),
            ),
        )
    return row


def delete_authored_case(educator: Educator | None, number: int) -> None:
    """Delete a case this educator wrote (404, 409: see changeable_authored_case)."""
    db.session.delete(changeable_authored_case(educator, number))
    db.session.commit()


def save_authored_case(
    educator: Educator, raw: dict[str, object], kb: KnowledgeBase, number: int | None = None
) -> AuthoredCase:
    """Validate a case written through the form (KnowledgeError if invalid) and store it: a new
    case, or case `number` changed (404, 409: see changeable_authored_case)."""
    row = AuthoredCase(educator_id=educator.id) if number is None else changeable_authored_case(educator, number)
    for column, value in {
        "title": raw["title"],
        "age": raw["age"],
        "sex": raw["sex"],
        "difficulty": raw["difficulty"],
        "narrative": raw["narrative"],
        "answer_key": raw["key"],
        "teaching_points": raw["teaching_point"],
    }.items():
        setattr(row, column, value)
    try:
        case_from_mapping({**authored_mapping(row), "id": DRAFT_ID}, kb, kind="authored")
    except KnowledgeError:
        db.session.rollback()  # the changed row stays as it was stored
        raise
    db.session.add(row)
    db.session.commit()
    return row
