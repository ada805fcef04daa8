"""The students' pages: join with the code and a nickname (or come back with a rejoin code), then
answer. Self pace: the list of cases and one case at a time in any order. Educator pace: one page,
/join/<code>, that shows the lobby, then the case and stages the educator has open, and follows
them (classroom.js polls the class's state). Answers are post/redirect/get: a reload or Back never
sends one twice."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from rules import Case

from ..infra.knowledge import kb
from ..infra.ratelimit import rate_limited
from ..models import Exercise
from ..models import Student
from ..practice.forms import AttemptForm
from ..practice.forms import attempt_form_html
from ..practice.presenters import present_case
from ..practice.presenters import present_feedback
from ..practice.presenters import present_staged_case
from . import bp
from . import identity
from . import service
from .forms import JoinForm
from .presenters import present_student_cases
from .presenters import status
from .service import ClassroomError

TAKEN = (
    "Someone in this exercise already uses that nickname. If it is you, type the rejoin code your page "
    "showed you; otherwise pick another nickname."
)


def _join_page(form: JoinForm, code: int, retry_after: int | None = None) -> ResponseReturnValue:
    response = make_response(render_template("classroom/join.html", form=form), code)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _enter(exercise: Exercise, form: JoinForm) -> ResponseReturnValue:
    """Join as a new nickname, come back as one with its rejoin code, or take over one the educator
    re-admitted; else the form again with what went wrong."""
    nickname = form.nickname.data or ""
    try:
        joined = service.join(exercise, nickname, rules=identity.join_rules(exercise))
    except ClassroomError as err:
        form.nickname.errors = [err.message]
        return _join_page(form, err.status, err.retry_after)
    if joined is None:  # the nickname is taken
        given = (form.rejoin_code.data or "").strip()
        taken = service.by_nickname(exercise, nickname)
        if given:
            try:
                student = identity.rejoin(exercise, nickname, given)
            except ClassroomError as err:
                form.rejoin_code.errors = [err.message]
                return _join_page(form, err.status, err.retry_after)
            joined = service.Joined(student, service.normalise_code(given))
        elif taken is not None:
            joined = service.take_over(taken)
        if joined is None:
            form.nickname.errors = [TAKEN]
            return _join_page(form, 400)
    identity.remember_student(exercise, joined.student, joined.rejoin_code)
    return redirect(url_for("classroom.student_home", code=exercise.code))


@bp.route("/join", methods=["GET", "POST"])
def join() -> ResponseReturnValue:
    """Join with the code and a nickname: no account, no e-mail, no real name."""
    form = JoinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = service.normalise_code(request.args["code"])
        # A student who already joined this exercise in this browser (a reload, a scanned QR code
        # again) goes back to their place.
        mine = identity.student_token(form.code.data)
        exercise = service.find_exercise(form.code.data) if mine else None
        if exercise is not None and identity.session_student(exercise) is not None:
            return redirect(url_for("classroom.student_home", code=exercise.code))
    if form.validate_on_submit():
        try:
            exercise = identity.lookup(form.code.data or "")
        except ClassroomError as err:
            # The form comes back with what was typed and the message beside the code: never a bare page.
            form.code.errors = [err.message]
            return _join_page(form, err.status, err.retry_after)
        if identity.session_student(exercise) is not None:
            return redirect(url_for("classroom.student_home", code=exercise.code))
        return _enter(exercise, form)
    return render_template("classroom/join.html", form=form), 400 if form.errors else 200


@bp.get("/join/<code>")
def student_home(code: str) -> ResponseReturnValue:
    """Self pace: the student's list of cases with what they have answered so far. Educator pace:
    the class as the educator has it (lobby, the open case and its stages, the end)."""
    exercise, student = identity.joined(code)
    if exercise.pace == "educator":
        return _paced_page(exercise, student)
    cases = service.exercise_cases(exercise, kb())
    shown = {c.id for c in cases if service.shows_feedback(exercise, c.id)}
    return render_template(
        "classroom/student_home.html",
        exercise=exercise,
        student=student,
        cases=present_student_cases(cases, service.student_submissions(student), shown),
        status=status(service.facts(exercise)),
        rejoin_code=identity.rejoin_code(exercise),
    )


def disguised(exercise: Exercise, case: Case, n: int, presented: dict[str, Any]) -> dict[str, Any]:
    """A case as a student of this exercise sees it: until its answer may be shown, named by its
    position only and with the exercise's own id for it (the library's title and public id would
    find it in practice, and a simulated patient's title its seed)."""
    if service.shows_feedback(exercise, case.id):
        return presented
    return presented | {"title": f"Case {n}", "id": service.exercise_case_token(exercise.code, case.id)}


def _case_at(exercise: Exercise, n: int) -> tuple[Case, int]:
    """Case n of the exercise (1-based) and how many there are; 404 outside them."""
    cases = service.exercise_cases(exercise, kb())
    if not 1 <= n <= len(cases):
        abort(404, f"This exercise has cases 1 to {len(cases)}.")
    return cases[n - 1], len(cases)


def _case_context(
    exercise: Exercise, student: Student, case: Case, n: int, total: int, form: AttemptForm | None
) -> dict[str, Any]:
    """What the case page shows one student: the case, their saved answer and its feedback once
    they may see it, the form while the case takes answers."""
    knowledge = kb()
    saved = service.student_submissions(student).get(case.id)
    shown = service.shows_feedback(exercise, case.id)
    feedback = present_feedback(service.stored_feedback(case, saved, knowledge), knowledge) if saved and shown else None
    row = next(c for c in exercise.cases if c.case_id == case.id)
    return {
        "exercise": exercise,
        "student": student,
        "n": n,
        "total": total,
        "saved": saved,
        "feedback": feedback,
        "open": service.answer_window(exercise, row) == "open",
        "attempt_form": attempt_form_html(
            form, url_for("classroom.student_case", code=exercise.code, n=n), decisions=exercise.asks_decisions
        ),
        "status": status(service.facts(exercise)),
        "rejoin_code": identity.rejoin_code(exercise),
        "grace": service.GRACE_SECONDS,
        # By position: the case's id may name it (a simulated patient's names its entry).
        "ticks_key": f"cls:{exercise.code}:{n}",
    }


def _paced_page(
    exercise: Exercise,
    student: Student,
    form: AttemptForm | None = None,
    message: str | None = None,
    code: int = 200,
    n: int | None = None,
) -> ResponseReturnValue:
    """The one page of a class the educator paces: the lobby, the open case as far as its stages
    are shown (the whole case after the reveal), or the end. After a refused answer: case `n` as
    it was sent (`form`, what was ticked) and why it was refused (`message`)."""
    state = service.class_state(exercise)
    row = service.current_case(exercise) if n is None else exercise.cases[n - 1]
    context: dict[str, Any] = {
        "exercise": exercise,
        "student": student,
        "state": state,
        "rejoin_code": identity.rejoin_code(exercise),
        "state_url": url_for("classroom_api.state", code=exercise.code),
        "message": message,
    }
    if row is not None:
        case, total = _case_at(exercise, row.position + 1)
        context |= _case_context(exercise, student, case, row.position + 1, total, form)
        stages = len(case.unfolding)
        context["current"] = n is None or state["case"] == n
        # The stages the educator has shown; the whole case once revealed (or moved on from).
        partly = context["current"] and not state["revealed"]
        context["case"] = disguised(
            exercise,
            case,
            row.position + 1,
            present_staged_case(case, (exercise.current_stage if partly else None) or stages),
        )
        seconds = state["seconds_left"]
        context["left"] = None if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"
    return render_template("classroom/student_paced.html", **context), code


@bp.route("/join/<code>/<int:n>", methods=["GET", "POST"])
@rate_limited("submissions", client=identity.student_client)
def student_case(code: str, n: int) -> ResponseReturnValue:
    """One case: the attempt form, then (after the redirect) the saved answer and its feedback once
    it may be shown. In educator pace the answer goes to the open case and the page is /join/<code>."""
    exercise, student = identity.joined(code)
    if exercise.pace == "educator" and request.method == "GET":
        return redirect(url_for("classroom.student_home", code=exercise.code))
    case, total = _case_at(exercise, n)
    knowledge = kb()
    if request.method == "GET":
        context = _case_context(exercise, student, case, n, total, None)
        return render_template(
            "classroom/student_case.html", case=disguised(exercise, case, n, present_case(case)), **context
        )
    form = AttemptForm(knowledge=knowledge, decisions=exercise.asks_decisions)
    message, code_ = None, 400
    if form.validate_on_submit():
        try:
            service.submit(exercise, student, case, form.attempt(), knowledge)
        except ClassroomError as err:
            message, code_ = err.message, err.status
        else:
            # Post/redirect/get: the page after the answer is a GET, which a reload repeats harmlessly.
            if exercise.pace == "educator":
                page = url_for("classroom.student_home", code=exercise.code)
            else:
                page = url_for("classroom.student_case", code=exercise.code, n=n)
            return redirect(page + ("#feedback" if service.shows_feedback(exercise, case.id) else ""), 303)
    if exercise.pace == "educator":
        return _paced_page(exercise, student, form, message, code_, n)
    context = _case_context(exercise, student, case, n, total, form)
    shown = disguised(exercise, case, n, present_case(case))
    return render_template("classroom/student_case.html", case=shown, message=message, **context), code_


@bp.get("/join/<code>/<int:n>/state.json")
def student_state(code: str, n: int) -> ResponseReturnValue:
    """What a waiting student page polls: whether its case's answer is revealed (tiny, no key). One
    query: a lecture hall of waiting phones polls it, and whether a case is revealed is no secret."""
    exercise = identity.lookup(code)
    ids = service.exercise_case_ids(exercise)
    if not 1 <= n <= len(ids):
        abort(404, f"This exercise has cases 1 to {len(ids)}.")
    return {"revealed": service.shows_feedback(exercise, ids[n - 1]), "open": exercise.is_open()}
