"""The educator's pages for one exercise: the created page, the claim form (the key on another
device), the dashboard and its live panel, the projector, reveal, order, close and reopen, one
student's answers and the CSV export. Each asks identity.py whether this browser holds the key."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import Response
from flask import abort
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from markupsafe import Markup

from ..infra.knowledge import kb
from ..infra.serving import is_loopback
from ..models import Exercise
from ..practice.presenters import present_staged_case
from . import bp
from . import identity
from . import service
from .forms import ActionForm
from .forms import ClaimForm
from .live import Panel
from .live import panel as live_panel
from .presenters import ANSWER_COLUMNS
from .presenters import STUDENT_COLUMNS
from .presenters import ClassResults
from .presenters import answers_csv
from .presenters import csv_meaning
from .presenters import present_pace
from .presenters import present_student_answers
from .presenters import projector_fit
from .presenters import status
from .presenters import students_csv
from .qr import qr_svg
from .service import ClassroomError


@bp.get("/classroom/<code>/created")
def created(code: str) -> ResponseReturnValue:
    """The join code to project and, for a new key, the recovery link to keep (behind "Show",
    until the educator opens a dashboard)."""
    exercise = identity.educator_exercise(code)
    join_url = url_for("classroom.join", _external=True)
    return render_template(
        "classroom/created.html",
        exercise=exercise,
        join_url=join_url,
        local_only=_local_only(join_url),
        **identity.recovery(exercise.code),
    )


def _local_only(url: str) -> bool:
    """Whether phones cannot reach `url`: its host is this machine's loopback (the app serves only
    127.0.0.1, or found no network address); the page then says how to serve the room."""
    return is_loopback(urlsplit(url).hostname)


@bp.get("/classroom/<code>/recovery.txt")
def recovery_file(code: str) -> ResponseReturnValue:
    """The recovery link as a small text file to keep, while the created page still shows it."""
    exercise = identity.educator_exercise(code)
    key = identity.new_key()
    if key is None:
        abort(
            410, gettext("The recovery link is shown only once, before the dashboard opens; keep the copy you saved.")
        )
    text = render_template(
        "classroom/recovery.txt", exercise=exercise, recovery_url=identity.recovery_url(exercise.code, key)
    )
    return Response(
        text,
        mimetype="text/plain",
        headers={
            "Content-Disposition": f"attachment; filename=miop-recovery-{exercise.code}.txt",
            "Cache-Control": "no-store",
        },
    )


@bp.post("/classroom/sign-out")
def sign_out() -> ResponseReturnValue:
    """Forget the educator on this browser (their recovery link signs it in again)."""
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    identity.forget_educator()
    return redirect(url_for("classroom.new", signed_out="1"))


@bp.route("/classroom/<code>/claim", methods=["GET", "POST"])
def claim(code: str) -> ResponseReturnValue:
    """Open the dashboard on another device by pasting the key (the printed link puts it after #)."""
    exercise = identity.lookup(code)
    form = ClaimForm()
    if form.validate_on_submit():
        key = (form.key.data or "").strip()
        try:
            service.authorise(exercise, key)
        except ClassroomError as err:
            form.key.errors = [err.message]
            return render_template("classroom/claim.html", form=form, exercise=exercise), 403
        identity.remember_educator(key)
        return redirect(url_for("classroom.dashboard", code=exercise.code))
    return render_template("classroom/claim.html", form=form, exercise=exercise), 400 if form.errors else 200


def _dashboard_data(exercise: Exercise, with_key: bool = False) -> dict[str, Any]:
    knowledge = kb()
    stats, cases = service.results(exercise, knowledge)
    d = ClassResults(
        service.facts(exercise),
        stats,
        cases,
        knowledge,
        frozenset(service.revealed_ids(exercise)),
        service.student_count(exercise),
    ).page(with_key)
    d["pace"] = present_pace(exercise.pace, service.class_state(exercise), cases)
    return d


def live_signature(exercise: Exercise) -> str:
    """Changes whenever the dashboard would: new or replaced answers, new students, open/closed,
    a case revealed, the order changed, the open case or stage of a class the educator paces."""
    seen = service.activity(exercise)
    shown = "".join("r" if c.revealed else "h" for c in exercise.cases)
    order = hashlib.sha256(" ".join(service.exercise_case_ids(exercise)).encode()).hexdigest()[:8]
    paced = f"{exercise.current_position}.{exercise.current_stage}"
    return (
        f"{seen.submissions}.{seen.latest}.{seen.students}.{shown}.{order}.{paced}.{int(exercise.joining_locked)}."
        f"{status(service.facts(exercise))['text']}"
    )


def _students(exercise: Exercise, names: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """The students by nickname (and, for the educator's own pages only, `names` from an LMS)."""
    return [
        {
            "id": r.id,
            "nickname": r.nickname,
            "lms_name": (names or {}).get(r.id),
            "answered": r.answered,
            "readmitted": r.readmitted,
            "url": url_for("classroom.student_detail", code=exercise.code, student_id=r.id),
        }
        for r in service.student_rows(exercise)
    ]


def lms_names(exercise: Exercise) -> dict[int, str] | None:
    """The students' names from an LMS by student id, for the educator's eyes only (dashboard, one
    student's answers, CSV files; never the projector), or None when the exercise shows none."""
    found: dict[int, str] | None = None
    for source in service.STUDENT_NAMES:
        names = source(exercise)
        if names is not None:
            found = {**(found or {}), **names}
    return found


def _live_panel(exercise: Exercise) -> tuple[dict[str, Any], ActionForm, Panel]:
    """The dashboard's data, its buttons' form and its live panel (in parts: classroom/live.py)."""
    d, action = _dashboard_data(exercise, with_key=True), ActionForm()
    return d, action, live_panel(d, _students(exercise, lms_names(exercise)), action)


@bp.get("/classroom/<code>")
def dashboard(code: str) -> ResponseReturnValue:
    """The educator's dashboard; classroom.js refreshes it from live.json, or reload the page."""
    exercise = identity.educator_exercise(code)
    identity.recovery_shown()
    signature = live_signature(exercise)
    d, action, panel = _live_panel(exercise)
    return render_template(
        "classroom/dashboard.html",
        d=d,
        action=action,
        panel=Markup(panel.html),
        version=panel.version,
        signature=signature,
        etag=live_etag("dashboard", 0, signature),
        join_url=url_for("classroom.join", _external=True),
        notes=[n for n in (note(exercise) for note in service.DASHBOARD_NOTES) if n],
    )


def _screen(exercise: Exercise, raw: str | None) -> int:
    """The projector's screen: 0 the lobby, n case n (anything else: the lobby). A class the
    educator paces, with no screen asked for, shows its open case."""
    current = service.current_case(exercise)
    if raw is None and current is not None:
        return current.position + 1
    try:
        n = int(raw or 0)
    except ValueError:
        return 0
    return n if 0 <= n <= len(exercise.cases) else 0


def _projector_context(exercise: Exercise, screen: int) -> dict[str, Any]:
    """What a projector screen shows, with the educator's controls, the lobby's students and the
    phone pairing under way (the projector is the educator's: it needs their sign-in)."""
    join_url = url_for("classroom.join", code=exercise.code, _external=True)
    current = service.current_case(exercise)
    cases = service.exercise_cases(exercise, kb())
    staged = None
    if current is not None and screen == current.position + 1:
        # The open case of a paced class: as far as its stages are shown (the whole once revealed).
        case = cases[current.position]
        total = len(case.unfolding)
        staged = present_staged_case(case, total if current.revealed else exercise.current_stage or total)
    d = _dashboard_data(exercise)
    shown = d["cases"][screen - 1] if screen else None
    return {
        "staged": staged,
        "d": d,
        "screen": screen,
        "fit": projector_fit(staged, shown),
        "join_url": join_url,
        "join_base": url_for("classroom.join", _external=True),
        "local_only": _local_only(join_url),
        "qr": qr_svg(join_url),
        "action": ActionForm(),
        "students": _students(exercise) if screen == 0 else [],
        "pairing": _pairing(exercise),
    }


def _pairing(exercise: Exercise) -> dict[str, Any]:
    """The phone pairing this laptop started, as the projector shows it: its step, and while it
    waits for a phone the code, the pairing URL and its QR code."""
    held = identity.laptop_pairing(exercise)
    status = service.pairing_status(exercise, held[0] if held else None)
    if held is None or status.step != "code":
        return {"step": status.step, "seconds_left": status.seconds_left}
    url = url_for("classroom.pair", code=exercise.code, pairing=held[1], _external=True)
    return {
        "step": status.step,
        "seconds_left": status.seconds_left,
        "code": held[1],
        "url": url,
        "base_url": url_for("classroom.pair", code=exercise.code, _external=True),
        "qr": qr_svg(url),
    }


def _projector_signature(exercise: Exercise) -> str:
    """The dashboard's signature and where this laptop's phone pairing stands."""
    held = identity.laptop_pairing(exercise)
    pairing = service.pairing_status(exercise, held[0] if held else None)
    return f"{live_signature(exercise)}.{held[0] if held else ''}{pairing.step}"


@bp.get("/classroom/<code>/projector")
def projector(code: str) -> ResponseReturnValue:
    """For the room, opened by the educator: the lobby (join code, URL, QR code, the nicknames as
    they join), then one case per screen fitted to it, the reveal; no site chrome, and no key before
    the reveal. The educator's controls (start, next, reveal, pairing a phone) are on it."""
    exercise = identity.educator_exercise(code)
    asked = request.args.get("case")
    screen = _screen(exercise, asked)
    signature = _projector_signature(exercise)
    # A paced class's projector, on no screen of its own, follows the open case.
    follows = asked is None and exercise.pace == "educator"
    return render_template(
        "classroom/projector.html",
        signature=signature,
        etag=live_etag("projector", screen, signature),
        live_url=url_for("classroom.live", code=exercise.code, view="projector", case=None if follows else screen),
        **_projector_context(exercise, screen),
    )


def live_etag(view: str, screen: int, signature: str) -> str:
    """The ETag of one live view in one state (the page embeds it, so its first poll is a 304)."""
    return hashlib.sha256(f"{view}.{screen}.{signature}".encode()).hexdigest()[:32]


def _live_body(exercise: Exercise, signature: str, view: str, screen: int) -> dict[str, Any]:
    """The polled answer when something changed: the projector's screen, the phone remote's panel;
    or the dashboard's panel, only its changed parts when `have` names the version the page shows
    (classroom/live.py), else whole."""
    if view == "projector":
        html = render_template("classroom/_projector_screen.html", **_projector_context(exercise, screen))
        return {"signature": signature, "changed": True, "html": html}
    if view == "remote":
        html = render_template("classroom/_remote_panel.html", **remote_context(exercise))
        return {"signature": signature, "changed": True, "html": html}
    panel = _live_panel(exercise)[2]
    delta = panel.delta(request.args.get("have"))
    body = {"signature": signature, "changed": True, "version": panel.version}
    return body | (delta if delta is not None else {"html": panel.html})


def remote_context(exercise: Exercise) -> dict[str, Any]:
    """What the phone remote's live panel shows: the class's state and counts, and its controls."""
    return {"d": _dashboard_data(exercise), "action": ActionForm()}


@bp.get("/classroom/<code>/live.json")
def live(code: str) -> ResponseReturnValue:
    """The polled JSON: when something changed, the re-rendered panel, or only its changed parts for
    a page that says which version it shows (`have`). Conditional: the signature is the ETag, so a
    poll while nothing changed is a 304 with no body and no statistics computed. The phone
    remote's view (`view=remote`) is open to a paired phone too; the others are the educator's."""
    view = str(request.args.get("view")) if request.args.get("view") in ("projector", "remote") else "dashboard"
    exercise = identity.controller_exercise(code) if view == "remote" else identity.educator_exercise(code)
    screen = _screen(exercise, request.args.get("case")) if view == "projector" else 0
    signature = _projector_signature(exercise) if view == "projector" else live_signature(exercise)
    etag = live_etag(view, screen, signature)
    if etag in request.if_none_match:
        response = make_response("", 304)
        response.set_etag(etag)
        return response
    if request.args.get("since") == signature:
        return {"signature": signature, "changed": False}
    response = make_response(_live_body(exercise, signature, view, screen))
    # No Cache-Control of its own: the page's script keeps the ETag and sends If-None-Match itself,
    # so class results need no browser cache and keep the app-wide no-store (webapp/infra/security.py).
    response.set_etag(etag)
    return response


def _back(exercise: Exercise) -> ResponseReturnValue:
    """Where a control's form goes back to: the page it was pressed on (its `back` field: the
    projector or the phone remote), else the dashboard."""
    back = request.form.get("back")
    endpoint = {"projector": "classroom.projector", "remote": "classroom.remote"}.get(back or "", "classroom.dashboard")
    return redirect(url_for(endpoint, code=exercise.code))


@bp.post("/classroom/<code>/reveal")
def reveal(code: str) -> ResponseReturnValue:
    """Reveal the answer of one case (the form's case_id) or of every case (or, in a class the
    educator paces, the open case), to the room and the students."""
    exercise = identity.controller_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    given = request.form.get("case_id") or None
    service.reveal(exercise, given and (service.exercise_case_by_token(exercise, given) or given))
    return _back(exercise)


def _control(code: str, control: Any) -> ResponseReturnValue:
    """One of the educator's controls of a paced class (start, advance), from the buttons of the
    dashboard, the projector or the paired phone."""
    exercise = identity.controller_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    control(exercise, kb())
    return _back(exercise)


@bp.post("/classroom/<code>/start")
def start(code: str) -> ResponseReturnValue:
    """Start a class the educator paces: its first case opens on every student's page."""
    return _control(code, service.start)


@bp.post("/classroom/<code>/advance")
def advance(code: str) -> ResponseReturnValue:
    """The next stage of the open case, else the next case, else the end of the class."""
    return _control(code, service.advance)


def _lobby(exercise: Exercise) -> ResponseReturnValue:
    """Back to the projector's lobby (the screen itself while the class is in the lobby, so the
    projector still follows the class once it starts)."""
    in_lobby = service.class_state(exercise)["state"] == "lobby"
    return redirect(url_for("classroom.projector", code=exercise.code, case=None if in_lobby else 0))


@bp.post("/classroom/<code>/students/<int(max=2147483647):student_id>/remove")
def remove_student(code: str, student_id: int) -> ResponseReturnValue:
    """Remove a student and their answers, from the projector's lobby or the student's page of the
    dashboard (the nickname is free again); back where it was pressed."""
    exercise = identity.educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    service.remove_student(exercise, student_id)
    if request.form.get("back") == "dashboard":
        return redirect(url_for("classroom.dashboard", code=exercise.code) + "#live-students")
    return _lobby(exercise)


@bp.post("/classroom/<code>/students/<int(max=2147483647):student_id>/readmit")
def readmit(code: str, student_id: int) -> ResponseReturnValue:
    """Let the next person who joins with this student's nickname (within READMIT_MINUTES) take it
    over, with its answers: a student who lost both their browser and their rejoin code."""
    exercise = identity.educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    service.readmit(exercise, service.exercise_student(exercise, student_id).nickname)
    return _lobby(exercise)


@bp.post("/classroom/<code>/move")
def move(code: str) -> ResponseReturnValue:
    """Move a case one place up or down in the exercise's order."""
    exercise = identity.educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the dashboard and try again."))
    try:
        position = int(request.form.get("position", ""))
    except ValueError:
        abort(400, gettext("Say which case to move."))
    service.move_case(exercise, position, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("classroom.dashboard", code=exercise.code) + "#order")


@bp.get("/classroom/<code>/students/<int(max=2147483647):student_id>")
def student_detail(code: str, student_id: int) -> ResponseReturnValue:
    """One student's answers, case by case, for the educator."""
    exercise = identity.educator_exercise(code)
    knowledge = kb()
    student = service.exercise_student(exercise, student_id)  # 404 for another exercise's
    return render_template(
        "classroom/student_detail.html",
        exercise=exercise,
        student=student,
        lms_name=(lms_names(exercise) or {}).get(student.id),
        action=ActionForm(),
        rows=present_student_answers(
            service.exercise_cases(exercise, knowledge), service.student_submissions(student), knowledge
        ),
    )


@bp.get("/classroom/<code>/submissions.csv")
def export(code: str) -> ResponseReturnValue:
    """Every student's answer to every case as CSV, unanswered ones marked (nicknames included: the
    educator's own record); the columns are explained at /classroom/csv-columns."""
    exercise = identity.educator_exercise(code)
    knowledge = kb()
    cases = service.exercise_cases(exercise, knowledge)
    nicknames, names = _nicknames_and_names(exercise)
    body = answers_csv(service.facts(exercise), nicknames, service.all_submissions(exercise), cases, knowledge, names)
    return _csv_file(body, f"miop-classroom-{exercise.code}.csv")


@bp.get("/classroom/<code>/students.csv")
def export_students(code: str) -> ResponseReturnValue:
    """One row per student as CSV: cases answered, mean score, misses and over-calls added up."""
    exercise = identity.educator_exercise(code)
    cases = service.exercise_cases(exercise, kb())
    nicknames, names = _nicknames_and_names(exercise)
    body = students_csv(service.facts(exercise), nicknames, service.all_submissions(exercise), cases, names)
    return _csv_file(body, f"miop-classroom-{exercise.code}-students.csv")


def _nicknames_and_names(exercise: Exercise) -> tuple[list[str], dict[str, str] | None]:
    """The students' nicknames, and their LMS names by nickname when the exercise shows them."""
    rows = service.student_rows(exercise)
    names = lms_names(exercise)
    by_nickname = None if names is None else {r.nickname: names[r.id] for r in rows if r.id in names}
    return [r.nickname for r in rows], by_nickname


def _csv_file(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/classroom/csv-columns")
def csv_columns() -> ResponseReturnValue:
    """What each column of the two CSV files means (no class data: open to anyone)."""
    answers = [(name, csv_meaning(meaning)) for name, meaning in ANSWER_COLUMNS]
    students = [(name, csv_meaning(meaning)) for name, meaning in STUDENT_COLUMNS]
    return render_template("classroom/csv_columns.html", answers=answers, students=students)


def _set_open(code: str, is_open: bool) -> ResponseReturnValue:
    exercise = identity.educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the dashboard and try again."))
    service.set_open(exercise, is_open)
    return redirect(url_for("classroom.dashboard", code=exercise.code))


@bp.post("/classroom/<code>/close")
def close(code: str) -> ResponseReturnValue:
    """Close the exercise: students can no longer submit."""
    return _set_open(code, False)


@bp.post("/classroom/<code>/reopen")
def reopen(code: str) -> ResponseReturnValue:
    """Reopen the exercise (its time limit starts again)."""
    return _set_open(code, True)


def _set_joining(code: str, locked: bool) -> ResponseReturnValue:
    exercise = identity.controller_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    service.set_joining_locked(exercise, locked)
    return _back(exercise)


@bp.post("/classroom/<code>/lock")
def lock_joining(code: str) -> ResponseReturnValue:
    """Lock joining: no new student; those who joined still answer and rejoin with their code."""
    return _set_joining(code, True)


@bp.post("/classroom/<code>/unlock")
def unlock_joining(code: str) -> ResponseReturnValue:
    """Open joining again."""
    return _set_joining(code, False)
