"""Classroom views: educators create and watch exercises, students join and answer case by case.

The educator key lives in the educator's session (set on creation or by the claim form, never
read from a URL); a student is a random token in the student's session.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms (3.2) lacks it

from rules import MAX_SEED
from rules import KnowledgeError
from rules import case_id_for
from rules import load_cases
from rules import offered_entries

from ..checklist.layout import checklist_groups
from ..infra.knowledge import kb
from ..infra.ratelimit import rate_limited
from ..models import Educator
from ..models import Exercise
from ..models import Student
from ..practice.forms import AttemptForm
from ..practice.presenters import present_case
from ..practice.presenters import present_feedback
from . import service
from .access import lookup
from .forms import ActionForm
from .forms import ClaimForm
from .forms import JoinForm
from .forms import NewExerciseForm
from .forms import author_form_class
from .forms import author_form_data
from .presenters import ClassResults
from .presenters import present_student_answers
from .presenters import present_student_cases
from .presenters import present_summary
from .presenters import status
from .presenters import submissions_csv
from .qr import qr_svg
from .service import ClassroomError

bp = Blueprint("classroom", __name__)
EDUCATOR_KEY = "educator_key"
STUDENTS = "classroom_students"  # {join code: student token}


@bp.context_processor
def _storage_note() -> dict[str, str]:
    # The disclaimer's "nothing you enter is stored" holds for the checklist, not for classroom answers.
    return {
        "storage_note": "Classroom answers are stored under a nickname for the educator who runs the "
        "exercise; no name or e-mail is asked."
    }


# --- educator -------------------------------------------------------------------------------


def _session_educator() -> Educator | None:
    return service.educator_for_key(session.get(EDUCATOR_KEY))


def _educator_exercise(code: str) -> Exercise:
    """The exercise, if this browser holds its educator key (401 without a key, 403 with another)."""
    exercise = lookup(code)  # rate-limited like /join: no page may serve to enumerate join codes
    service.authorise(exercise, session.get(EDUCATOR_KEY))  # a refusal offers the claim form (errors.py)
    return exercise


def _written_choices(educator: Any) -> list[SelectChoice]:
    choices = [SelectChoice(c.id, f"{c.title} ({c.difficulty})") for c in load_cases().values()]
    if educator is not None:
        choices = [
            SelectChoice(a.case_id, f"Your case: {a.title}") for a in service.educator_cases(educator.id)
        ] + choices
    return choices


DIFFICULTY_ORDER = ("easy", "medium", "hard")


def _picker(form: NewExerciseForm, educator: Any) -> list[dict[str, Any]]:
    """The case checkboxes grouped (the educator's own cases, then the library by difficulty,
    easy first), each with a one-line preview of its narrative."""
    boxes = {box.data: box for box in form.cases}
    invalid = {"aria-invalid": "true"} if form.cases.errors else {}

    def option(case_id: str, narrative: str, i: int) -> dict[str, Any]:
        first = narrative.split(". ")[0].rstrip(".")
        preview = first if len(first) <= 140 else first[:139].rstrip() + "…"
        return {"box": boxes[case_id], "preview": preview + ".", "hint_id": f"case-preview-{i}",
                "attrs": {**invalid, "aria-describedby": f"case-preview-{i}"}}

    groups: list[dict[str, Any]] = []
    count = 0
    if educator is not None:
        mine = [a for a in service.educator_cases(educator.id) if a.case_id in boxes]
        groups.append({"title": "Cases you wrote", "options": [option(a.case_id, a.narrative, i)
                                                               for i, a in enumerate(mine)]})
        count = len(mine)
    library = list(load_cases().values())
    for level in DIFFICULTY_ORDER:
        cases = sorted((c for c in library if c.difficulty == level), key=lambda c: (c.kind, c.title))
        groups.append({"title": f"{level.capitalize()} cases",
                       "options": [option(c.id, c.narrative, count + i) for i, c in enumerate(cases)]})
        count += len(cases)
    return [g for g in groups if g["options"]]


def _simulated_ids(count: int) -> list[str]:
    """`count` simulated patients, each of a random offered entry with a random seed."""
    entries = offered_entries()
    return [
        case_id_for(entries[secrets.randbelow(len(entries))], secrets.randbelow(MAX_SEED + 1))
        for _ in range(count)
    ]


@bp.route("/classroom/new", methods=["GET", "POST"])
@rate_limited("exercises")
def new():
    """Create an exercise: title, cases, optional time limit."""
    educator = _session_educator()
    form = NewExerciseForm()
    form.cases.choices = _written_choices(educator)
    if form.validate_on_submit():
        ids = list(form.cases.data or []) + _simulated_ids(form.simulated.data or 0)
        try:
            created = service.create_exercise(
                form.title.data, ids, session.get(EDUCATOR_KEY), kb(), form.time_limit.data,
                form.feedback.data or "after_reveal"
            )
        except ClassroomError as err:
            form.cases.errors = [err.message]
        else:
            if created.key is not None:
                session[EDUCATOR_KEY] = created.key
                session["new_key_for"] = created.exercise.code  # the created page says the key is new
            return redirect(url_for("classroom.created", code=created.exercise.code))
    status_code = 400 if form.is_submitted() else 200
    return render_template(
        "classroom/new.html", form=form, educator=educator, authored=educator is not None,
        written=_written_cases(educator), picker=_picker(form, educator),
        mine=[present_summary(s) for s in service.educator_exercises(educator)] if educator else [],
        action=ActionForm(), **_key_box(session.pop("new_key_here", False)),
    ), status_code


def _key_box(new: bool, code: str | None = None) -> dict[str, Any]:
    """The educator key of this browser and the link that opens it elsewhere (claim form of `code`,
    or the first claim form there is), shown on /classroom/new and every created page."""
    key = session.get(EDUCATOR_KEY)
    if service.educator_for_key(key) is None:
        return {"key": None, "key_is_new": False}
    return {"key": key, "key_is_new": new,
            "claim_url": url_for("classroom.claim", code=code, _external=True) if code else None}


@bp.post("/classroom/<code>/duplicate")
@rate_limited("exercises")
def duplicate(code: str):
    """A new exercise with the same cases and settings (no answers), for the next group."""
    exercise = _educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Reload the page and try again.")
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
    return service.plural(count, "exercise") if count else ""


@bp.route("/classroom/cases/<int(max=2147483647):number>/delete", methods=["GET", "POST"])  # an SQL integer
def delete_case(number: int) -> ResponseReturnValue:
    """Delete a case you wrote, once confirmed; kept while an exercise uses it."""
    educator = _session_educator()
    row = service.own_authored_case(educator, number)  # 404 for a case that is not this browser's
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400, "The form expired. Reload the page and try again.")
        service.delete_authored_case(educator, number)  # 409 while an exercise uses it
        return redirect(url_for("classroom.new", deleted="1"))
    uses = service.case_uses(row.educator_id).get(row.case_id, 0)
    return render_template("classroom/delete_case.html", case=row, form=ActionForm(), uses=_use_words(uses))


@bp.get("/classroom/<code>/created")
def created(code: str):
    """The join code to project and the educator link to keep (the key is shown this once)."""
    exercise = _educator_exercise(code)
    box = _key_box(session.pop("new_key_for", None) == exercise.code, exercise.code)
    return render_template(
        "classroom/created.html",
        exercise=exercise,
        join_url=url_for("classroom.join", _external=True),
        **box,
    )


@bp.route("/classroom/<code>/claim", methods=["GET", "POST"])
def claim(code: str):
    """Open the dashboard on another device by pasting the key (the printed link puts it after #)."""
    exercise = lookup(code)
    form = ClaimForm()
    if form.validate_on_submit():
        key = (form.key.data or "").strip()
        try:
            service.authorise(exercise, key)
        except ClassroomError as err:
            form.key.errors = [err.message]
            return render_template("classroom/claim.html", form=form, exercise=exercise), 403
        session[EDUCATOR_KEY] = key
        return redirect(url_for("classroom.dashboard", code=exercise.code))
    return render_template("classroom/claim.html", form=form, exercise=exercise), 400 if form.errors else 200


def _dashboard_data(exercise: Exercise, with_key: bool = False) -> dict[str, Any]:
    knowledge = kb()
    stats, cases = service.results(exercise, knowledge)
    return ClassResults(service.facts(exercise), stats, cases, knowledge, frozenset(service.revealed_ids(exercise)),
                        service.student_count(exercise)).page(with_key)


def _signature(exercise: Exercise) -> str:
    """Changes whenever the dashboard would: new or replaced answers, new students, open/closed,
    a case revealed, the order changed."""
    seen = service.activity(exercise)
    shown = "".join("r" if c.revealed else "h" for c in exercise.cases)
    order = hashlib.sha256(" ".join(service.exercise_case_ids(exercise)).encode()).hexdigest()[:8]
    return f"{seen.submissions}.{seen.latest}.{seen.students}.{shown}.{order}.{status(service.facts(exercise))['text']}"


def _students(exercise: Exercise) -> list[dict[str, Any]]:
    return [{"id": r.id, "nickname": r.nickname, "answered": r.answered,
             "url": url_for("classroom.student_detail", code=exercise.code, student_id=r.id)}
            for r in service.student_rows(exercise)]


@bp.get("/classroom/<code>")
def dashboard(code: str):
    """The educator's dashboard; classroom.js refreshes it from live.json, or reload the page."""
    exercise = _educator_exercise(code)
    signature = _signature(exercise)
    return render_template(
        "classroom/dashboard.html",
        d=_dashboard_data(exercise, with_key=True),
        action=ActionForm(),
        students=_students(exercise),
        signature=signature,
        etag=_live_etag("dashboard", 0, signature),
        join_url=url_for("classroom.join", _external=True),
    )


def _screen(exercise: Exercise, raw: str | None) -> int:
    """The projector's screen: 0 the lobby, n case n (anything else: the lobby)."""
    try:
        n = int(raw or 0)
    except ValueError:
        return 0
    return n if 0 <= n <= len(exercise.cases) else 0


def _projector_context(exercise: Exercise, screen: int) -> dict[str, Any]:
    join_url = url_for("classroom.join", code=exercise.code, _external=True)
    return {
        "d": _dashboard_data(exercise),
        "screen": screen,
        "join_url": join_url,
        "join_base": url_for("classroom.join", _external=True),
        "qr": qr_svg(join_url),
    }


@bp.get("/classroom/<code>/projector")
def projector(code: str):
    """For the room: the lobby (join code, URL, QR code, how many joined), then one case per
    screen; no nicknames, no controls, no site chrome, and no key before the reveal."""
    exercise = _educator_exercise(code)
    screen = _screen(exercise, request.args.get("case"))
    signature = _signature(exercise)
    return render_template(
        "classroom/projector.html",
        signature=signature,
        etag=_live_etag("projector", screen, signature),
        live_url=url_for("classroom.live", code=exercise.code, view="projector", case=screen),
        **_projector_context(exercise, screen),
    )


def _live_etag(view: str, screen: int, signature: str) -> str:
    """The ETag of one live view in one state (the page embeds it, so its first poll is a 304)."""
    return hashlib.sha256(f"{view}.{screen}.{signature}".encode()).hexdigest()[:32]


@bp.get("/classroom/<code>/live.json")
def live(code: str):
    """The polled JSON: the re-rendered panel when something changed. Conditional: the signature is
    the ETag, so a poll while nothing changed is a 304 with no body and no statistics computed."""
    exercise = _educator_exercise(code)
    view = "projector" if request.args.get("view") == "projector" else "dashboard"
    screen = _screen(exercise, request.args.get("case")) if view == "projector" else 0
    signature = _signature(exercise)
    etag = _live_etag(view, screen, signature)
    if etag in request.if_none_match:
        response = make_response("", 304)
        response.set_etag(etag)
        return response
    if request.args.get("since") == signature:
        return {"signature": signature, "changed": False}
    if view == "projector":
        html = render_template("classroom/_projector_screen.html", **_projector_context(exercise, screen))
    else:
        html = render_template("classroom/_panel.html", d=_dashboard_data(exercise, with_key=True),
                               students=_students(exercise), action=ActionForm())
    response = make_response({"signature": signature, "changed": True, "html": html})
    # No Cache-Control of its own: the page's script keeps the ETag and sends If-None-Match itself,
    # so class results need no browser cache and keep the app-wide no-store (webapp/security.py).
    response.set_etag(etag)
    return response


@bp.post("/classroom/<code>/reveal")
def reveal(code: str):
    """Reveal the answer of one case (the form's case_id) or of every case, to the room and the students."""
    exercise = _educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Reload the dashboard and try again.")
    service.reveal(exercise, request.form.get("case_id") or None)
    return redirect(url_for("classroom.dashboard", code=exercise.code))


@bp.post("/classroom/<code>/move")
def move(code: str):
    """Move a case one place up or down in the exercise's order."""
    exercise = _educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Reload the dashboard and try again.")
    try:
        position = int(request.form.get("position", ""))
    except ValueError:
        abort(400, "Say which case to move.")
    service.move_case(exercise, position, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("classroom.dashboard", code=exercise.code) + "#order")


@bp.get("/classroom/<code>/students/<int(max=2147483647):student_id>")
def student_detail(code: str, student_id: int):
    """One student's answers, case by case, for the educator."""
    exercise = _educator_exercise(code)
    knowledge = kb()
    student = service.exercise_student(exercise, student_id)  # 404 for another exercise's
    return render_template("classroom/student_detail.html", exercise=exercise, student=student,
                           rows=present_student_answers(service.exercise_cases(exercise, knowledge),
                                                        service.student_submissions(student), knowledge))


@bp.get("/classroom/<code>/submissions.csv")
def export(code: str):
    """Every submission as CSV (nicknames included: the educator's own record)."""
    exercise = _educator_exercise(code)
    knowledge = kb()
    return Response(
        submissions_csv(service.facts(exercise), service.all_submissions(exercise),
                        service.exercise_cases(exercise, knowledge), knowledge),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=miop-classroom-{exercise.code}.csv"},
    )


def _set_open(code: str, is_open: bool) -> ResponseReturnValue:
    exercise = _educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Reload the dashboard and try again.")
    service.set_open(exercise, is_open)
    return redirect(url_for("classroom.dashboard", code=exercise.code))


@bp.post("/classroom/<code>/close")
def close(code: str):
    """Close the exercise: students can no longer submit."""
    return _set_open(code, False)


@bp.post("/classroom/<code>/reopen")
def reopen(code: str):
    """Reopen the exercise (its time limit starts again)."""
    return _set_open(code, True)


@bp.route("/classroom/cases/new", methods=["GET", "POST"])
@rate_limited("exercises")
def author():
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
    educator = _session_educator()
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
            form.form_errors.append(f"The case is not valid: {detail}.")
        else:
            if key is not None:
                session[EDUCATOR_KEY] = key
                session["new_key_here"] = True  # /classroom/new shows the new key, marked new
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


# --- students -------------------------------------------------------------------------------


def _student(exercise: Exercise) -> Student | None:
    return service.student_by_token(exercise, session.get(STUDENTS, {}).get(exercise.code))


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Join with the code and a nickname: no account, no e-mail, no real name."""
    form = JoinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = service.normalise_code(request.args["code"])
        # A student who already joined this exercise in this browser (a reload, a scanned QR code
        # again) goes back to their place.
        mine = session.get(STUDENTS, {}).get(form.code.data)
        exercise = service.find_exercise(form.code.data) if mine else None
        if exercise is not None and _student(exercise) is not None:
            return redirect(url_for("classroom.student_home", code=exercise.code))
    if form.validate_on_submit():
        try:
            exercise = lookup(form.code.data)
        except ClassroomError as err:
            # The form comes back with what was typed and the message beside the code: never a bare page.
            form.code.errors = [err.message]
            response = make_response(render_template("classroom/join.html", form=form), err.status)
            if err.retry_after is not None:
                response.headers["Retry-After"] = str(err.retry_after)
            return response
        if _student(exercise) is not None:
            return redirect(url_for("classroom.student_home", code=exercise.code))
        try:
            student = service.join(exercise, form.nickname.data,
                                   max_students=current_app.config["CLASSROOM_MAX_STUDENTS"])
        except ClassroomError as err:
            form.nickname.errors = [err.message]
            if err.status == 409:
                return render_template("classroom/join.html", form=form), 409
        else:
            if student is None:
                form.nickname.errors = ["Someone in this exercise already uses that nickname; pick another."]
            else:
                session[STUDENTS] = {**session.get(STUDENTS, {}), exercise.code: student.token}
                return redirect(url_for("classroom.student_home", code=exercise.code))
    return render_template("classroom/join.html", form=form), 400 if form.errors else 200


def _joined(code: str) -> tuple[Exercise, Student]:
    exercise = lookup(code)
    student = _student(exercise)
    if student is None:
        abort(403, "Join this exercise first: go to the join page and enter the code and a nickname.")
    return exercise, student


@bp.get("/join/<code>")
def student_home(code: str):
    """The student's list of cases with what they have answered so far."""
    exercise, student = _joined(code)
    cases = service.exercise_cases(exercise, kb())
    shown = {c.id for c in cases if service.shows_feedback(exercise, c.id)}
    return render_template(
        "classroom/student_home.html",
        exercise=exercise,
        student=student,
        cases=present_student_cases(cases, service.student_submissions(student), shown),
        status=status(service.facts(exercise)),
    )


def _student_client() -> str:
    """The submissions budget is the student's own (their session token for this exercise), so a
    lecture hall behind one address is not one budget; without a session, the address."""
    code = service.normalise_code((request.view_args or {}).get("code", ""))
    token = session.get(STUDENTS, {}).get(code)
    return f"student:{token}" if token else (request.remote_addr or "unknown")


@bp.route("/join/<code>/<int:n>", methods=["GET", "POST"])
@rate_limited("submissions", client=_student_client)
def student_case(code: str, n: int):
    """One case: the attempt form, then the feedback (commit, then reveal), as in practice. With
    feedback after the reveal, the answer is stored and the page waits (and reloads by itself)."""
    exercise, student = _joined(code)
    knowledge = kb()
    cases = service.exercise_cases(exercise, knowledge)
    if not 1 <= n <= len(cases):
        abort(404, f"This exercise has cases 1 to {len(cases)}.")
    case = cases[n - 1]
    form = AttemptForm(knowledge=knowledge)
    feedback, message, code_ = None, None, 200
    saved = service.student_submissions(student).get(case.id)
    just_saved = False
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                result = service.submit(exercise, student, case, form.attempt(), knowledge)
            except ClassroomError as err:
                message, code_ = err.message, err.status
            else:
                just_saved = True
                if service.shows_feedback(exercise, case.id):
                    feedback = present_feedback(result, knowledge)
        else:
            code_ = 400
    elif saved is not None and service.shows_feedback(exercise, case.id):
        # A reload, or back after a lost connection: the student's place, with their feedback.
        feedback = present_feedback(service.stored_feedback(case, saved, knowledge), knowledge)
    waiting = (saved is not None or just_saved) and feedback is None and message is None
    return render_template(
        "classroom/student_case.html",
        exercise=exercise,
        case=present_case(case),
        n=n,
        total=len(cases),
        form=form,
        feedback=feedback,
        message=message,
        status=status(service.facts(exercise)),
        answered=saved is not None,
        waiting=waiting,
        just_saved=just_saved,
        again=request.method == "GET" and saved is not None,
        state_url=url_for("classroom.student_state", code=exercise.code, n=n),
        action=url_for("classroom.student_case", code=exercise.code, n=n),
    ), code_


@bp.get("/join/<code>/<int:n>/state.json")
def student_state(code: str, n: int):
    """What a waiting student page polls: whether its case's answer is revealed (tiny, no key). One
    query: a lecture hall of waiting phones polls it, and whether a case is revealed is no secret."""
    exercise = lookup(code)
    ids = service.exercise_case_ids(exercise)
    if not 1 <= n <= len(ids):
        abort(404, f"This exercise has cases 1 to {len(ids)}.")
    return {"revealed": service.shows_feedback(exercise, ids[n - 1]), "open": exercise.is_open()}
