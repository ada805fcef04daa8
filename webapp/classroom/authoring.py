"""The educator's authoring pages: create an exercise (pick library, simulated and their own cases),
duplicate one for the next group, and write, change or delete their own cases."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import ngettext
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms (3.2) lacks it

from rules import MAX_SEED
from rules import KnowledgeError
from rules import case_id_for
from rules import load_cases
from rules import offered_entries

from ..checklist.layout import checklist_groups
from ..infra.knowledge import kb
from ..infra.ratelimit import rate_limited
from ..wording import N_
from ..wording import difficulty_word
from . import bp
from . import identity
from . import service
from .forms import ActionForm
from .forms import NewExerciseForm
from .forms import author_form_class
from .forms import author_form_data
from .presenters import present_summary
from .service import ClassroomError

DIFFICULTY_ORDER = ("easy", "medium", "hard")
DIFFICULTY_TITLES = {"easy": N_("Easy cases"), "medium": N_("Medium cases"), "hard": N_("Hard cases")}


def _written_choices(educator: Any) -> list[SelectChoice]:
    choices = [SelectChoice(c.id, f"{c.title} ({difficulty_word(c.difficulty)})") for c in load_cases().values()]
    if educator is not None:
        choices = [
            SelectChoice(a.case_id, gettext("Your case: %(title)s", title=a.title))
            for a in service.educator_cases(educator.id)
        ] + choices
    return choices


def _picker(form: NewExerciseForm, educator: Any) -> list[dict[str, Any]]:
    """The case checkboxes grouped (the educator's own cases, then the library by difficulty,
    easy first), each with a one-line preview of its narrative."""
    boxes = {box.data: box for box in form.cases}
    invalid = {"aria-invalid": "true"} if form.cases.errors else {}

    def option(case_id: str, narrative: str, i: int) -> dict[str, Any]:
        first = narrative.split(". ")[0].rstrip(".")
        preview = first if len(first) <= 140 else first[:139].rstrip() + "…"
        return {
            "box": boxes[case_id],
            "preview": preview + ".",
            "hint_id": f"case-preview-{i}",
            "attrs": {**invalid, "aria-describedby": f"case-preview-{i}"},
        }

    groups: list[dict[str, Any]] = []
    count = 0
    if educator is not None:
        mine = [a for a in service.educator_cases(educator.id) if a.case_id in boxes]
        groups.append(
            {
                "title": gettext("Cases you wrote"),
                "options": [option(a.case_id, a.narrative, i) for i, a in enumerate(mine)],
            }
        )
        count = len(mine)
    library = list(load_cases().values())
    for level in DIFFICULTY_ORDER:
        cases = sorted((c for c in library if c.difficulty == level), key=lambda c: (c.kind, c.title))
        groups.append(
            {
                "title": gettext(DIFFICULTY_TITLES[level]),
                "options": [option(c.id, c.narrative, count + i) for i, c in enumerate(cases)],
            }
        )
        count += len(cases)
    return [g for g in groups if g["options"]]


def _simulated_ids(count: int) -> list[str]:
    """`count` simulated patients, each of a random offered entry with a random seed."""
    entries = offered_entries()
    return [
        case_id_for(entries[secrets.randbelow(len(entries))], secrets.randbelow(MAX_SEED + 1)) for _ in range(count)
    ]


@bp.route("/classroom/new", methods=["GET", "POST"])
@rate_limited("exercises")
def new() -> ResponseReturnValue:
    """Create an exercise: title, cases, optional time limit."""
    educator = identity.session_educator()
    form = NewExerciseForm()
    form.cases.choices = _written_choices(educator)
    if form.validate_on_submit():
        ids = list(form.cases.data or []) + _simulated_ids(form.simulated.data or 0)
        pace = form.pace.data or "educator"
        try:
            created = service.create_exercise(
                form.title.data or "",
                ids,
                None,
                kb(),
                form.time_limit.data if pace == "self" else None,
                form.feedback.data or "after_reveal",
                educator=educator,
                pace=pace,
                minutes_per_case=form.time_limit.data if pace == "educator" else None,
                asks_decisions=bool(form.decisions.data),
                max_students=form.max_students.data,
            )
        except ClassroomError as err:
            form.cases.errors = [err.message]
        else:
            if created.key is not None:  # the created page shows its recovery link
                identity.remember_educator(created.key, new=True)
            return redirect(url_for("classroom.created", code=created.exercise.code))
    status_code = 400 if form.is_submitted() else 200
    return render_template(
        "classroom/new.html",
        form=form,
        educator=educator,
        authored=educator is not None,
        written=_written_cases(educator),
        picker=_picker(form, educator),
        mine=[present_summary(s) for s in service.educator_exercises(educator)] if educator else [],
        action=ActionForm(),
        **identity.recovery(),
    ), status_code


@bp.post("/classroom/<code>/duplicate")
@rate_limited("exercises")
def duplicate(code: str) -> ResponseReturnValue:
    """A new exercise with the same cases and settings (no answers), for the next group."""
    exercise = identity.educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    copy = service.duplicate_exercise(exercise, kb())
    return redirect(url_for("classroom.created", code=copy.code))


def _written_cases(educator: Any) -> list[tuple[Any, str]]:
    """This educator's cases, newest first, each with its use ("" when no exercise uses it)."""
    if educator is None:
        return []
    uses = service.case_uses(educator.id)
    return [(c, _use_words(uses.get(c.case_id, 0))) for c in service.educator_cases(educator.id)]


def _use_words(count: int) -> str:
    """How many exercises use a case, in words ("2 exercises"); "" for none."""
    return ngettext("%(num)s exercise", "%(num)s exercises", count) if count else ""


@bp.route("/classroom/cases/<int(max=2147483647):number>/delete", methods=["GET", "POST"])  # an SQL integer
def delete_case(number: int) -> ResponseReturnValue:
    """Delete a case you wrote, once confirmed; kept while an exercise uses it."""
    educator = identity.session_educator()
    row = service.own_authored_case(educator, number)  # 404 for a case that is not this browser's
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400, gettext("The form expired. Reload the page and try again."))
        service.delete_authored_case(educator, number)  # 409 while an exercise uses it
        return redirect(url_for("classroom.new", deleted="1"))
    uses = service.case_uses(row.educator_id).get(row.case_id, 0)
    return render_template("classroom/delete_case.html", case=row, form=ActionForm(), uses=_use_words(uses))


@bp.route("/classroom/cases/new", methods=["GET", "POST"])
@rate_limited("exercises")
def author() -> ResponseReturnValue:
    """Write a case for your own exercises; it is checked against the finding vocabulary."""
    return _author_page(None)


@bp.route("/classroom/cases/<int(max=2147483647):number>/edit", methods=["GET", "POST"])  # an SQL integer
@rate_limited("exercises")
def edit_case(number: int) -> ResponseReturnValue:
    """Change a case you wrote, while no exercise uses it (409 once one does)."""
    return _author_page(number)


def _author_page(number: int | None) -> ResponseReturnValue:
    """The authoring form: a new case (number None) or one of this browser's cases, changed."""
    knowledge = kb()
    educator = identity.session_educator()
    saved = None if number is None else service.changeable_authored_case(educator, number)  # 404, 409
    data = None if saved is None else author_form_data(service.authored_mapping(saved))
    form = author_form_class(knowledge)(data=data)
    if form.validate_on_submit():
        try:
            payload = form.payload(knowledge)
            key = None
            if educator is None:
                educator, key = service.new_educator()
            service.save_authored_case(educator, payload, knowledge, number)
        except KnowledgeError as err:  # the service rolled the change back
            detail = str(err).removeprefix(f"case {service.DRAFT_ID!r}").lstrip(": ")
            form.form_errors.append(gettext("The case is not valid: %(detail)s.", detail=detail))
        else:
            if key is not None:
                identity.remember_educator(key, new=True)  # /classroom/new shows the new key
            if number is None:
                return redirect(url_for("classroom.new", authored="1"))
            return redirect(url_for("classroom.new", edited="1"))
    status_code = 400 if form.is_submitted() else 200
    return render_template(
        "classroom/author.html",
        form=form,
        editing=saved,
        action=url_for("classroom.author") if number is None else url_for("classroom.edit_case", number=number),
        groups=checklist_groups(form, knowledge),
        points=[
            (
                getattr(form, f"point{i}"),
                getattr(form, f"point{i}_source"),
                getattr(form, f"point{i}_locator"),
            )
            for i in (1, 2, 3)
        ],
    ), status_code
