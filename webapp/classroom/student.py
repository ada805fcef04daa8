"""The students' pages: join with the code and a nickname, the list of cases, one case (attempt,
then feedback as in practice) and the tiny state a waiting page polls."""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from ..infra.knowledge import kb
from ..infra.ratelimit import rate_limited
from ..practice.forms import AttemptForm
from ..practice.forms import attempt_form_html
from ..practice.presenters import present_case
from ..practice.presenters import present_feedback
from . import bp
from . import identity
from . import service
from .forms import JoinForm
from .presenters import present_student_cases
from .presenters import status
from .service import ClassroomError


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
            response = make_response(render_template("classroom/join.html", form=form), err.status)
            if err.retry_after is not None:
                response.headers["Retry-After"] = str(err.retry_after)
            return response
        if identity.session_student(exercise) is not None:
            return redirect(url_for("classroom.student_home", code=exercise.code))
        try:
            student = service.join(
                exercise, form.nickname.data or "", max_students=current_app.config["CLASSROOM_MAX_STUDENTS"]
            )
        except ClassroomError as err:
            form.nickname.errors = [err.message]
            if err.status == 409:
                return render_template("classroom/join.html", form=form), 409
        else:
            if student is None:
                form.nickname.errors = ["Someone in this exercise already uses that nickname; pick another."]
            else:
                identity.remember_student(exercise, student)
                return redirect(url_for("classroom.student_home", code=exercise.code))
    return render_template("classroom/join.html", form=form), 400 if form.errors else 200


@bp.get("/join/<code>")
def student_home(code: str) -> ResponseReturnValue:
    """The student's list of cases with what they have answered so far."""
    exercise, student = identity.joined(code)
    cases = service.exercise_cases(exercise, kb())
    shown = {c.id for c in cases if service.shows_feedback(exercise, c.id)}
    return render_template(
        "classroom/student_home.html",
        exercise=exercise,
        student=student,
        cases=present_student_cases(cases, service.student_submissions(student), shown),
        status=status(service.facts(exercise)),
    )


@bp.route("/join/<code>/<int:n>", methods=["GET", "POST"])
@rate_limited("submissions", client=identity.student_client)
def student_case(code: str, n: int) -> ResponseReturnValue:
    """One case: the attempt form, then the feedback (commit, then reveal), as in practice. With
    feedback after the reveal, the answer is stored and the page waits (and reloads by itself)."""
    exercise, student = identity.joined(code)
    knowledge = kb()
    cases = service.exercise_cases(exercise, knowledge)
    if not 1 <= n <= len(cases):
        abort(404, f"This exercise has cases 1 to {len(cases)}.")
    case = cases[n - 1]
    form = AttemptForm(knowledge=knowledge) if request.method == "POST" else None
    feedback, message, code_ = None, None, 200
    saved = service.student_submissions(student).get(case.id)
    just_saved = False
    if form is not None:
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
        attempt_form=attempt_form_html(form, url_for("classroom.student_case", code=exercise.code, n=n)),
        feedback=feedback,
        message=message,
        status=status(service.facts(exercise)),
        answered=saved is not None,
        waiting=waiting,
        just_saved=just_saved,
        again=request.method == "GET" and saved is not None,
        state_url=url_for("classroom.student_state", code=exercise.code, n=n),
    ), code_


@bp.get("/join/<code>/<int:n>/state.json")
def student_state(code: str, n: int) -> ResponseReturnValue:
    """What a waiting student page polls: whether its case's answer is revealed (tiny, no key). One
    query: a lecture hall of waiting phones polls it, and whether a case is revealed is no secret."""
    exercise = identity.lookup(code)
    ids = service.exercise_case_ids(exercise)
    if not 1 <= n <= len(ids):
        abort(404, f"This exercise has cases 1 to {len(ids)}.")
    return {"revealed": service.shows_feedback(exercise, ids[n - 1]), "open": exercise.is_open()}
