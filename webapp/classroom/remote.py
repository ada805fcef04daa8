"""The educator's phone as a remote: pairing it from the projector (a code valid a minute, used
once, confirmed on the laptop) and the phone-sized page with the class's controls. Every step is a
row in the database (service/remotes.py); who the phone is, is identity.py's."""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ..models import Exercise
from . import bp
from . import identity
from . import service
from .educator import live_etag
from .educator import live_signature
from .educator import remote_context
from .forms import ActionForm
from .forms import PairForm
from .service import ClassroomError


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _laptop(code: str) -> Exercise:
    """The exercise of the educator's laptop pressing a pairing button (with its CSRF token)."""
    exercise = identity.educator_exercise(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    return exercise


@bp.post("/classroom/<code>/pair/new")
def pair_new(code: str) -> ResponseReturnValue:
    """Show a new pairing code on the projector (valid a minute, used once)."""
    exercise = _laptop(code)
    identity.remember_laptop_pairing(exercise, service.new_pairing(exercise, _secret()))
    return redirect(url_for("classroom.projector", code=exercise.code))


@bp.post("/classroom/<code>/pair/confirm")
def pair_confirm(code: str) -> ResponseReturnValue:
    """The educator confirms the phone that used the code: it gets the controls of this class (and
    the recovery link, while this browser still has it to show)."""
    exercise = _laptop(code)
    held = identity.laptop_pairing(exercise)
    service.confirm_pairing(exercise, held[0] if held else None, identity.new_key(), _secret())
    return redirect(url_for("classroom.projector", code=exercise.code))


@bp.post("/classroom/<code>/pair/cancel")
def pair_cancel(code: str) -> ResponseReturnValue:
    """Refuse or abandon the pairing under way: its code and any phone waiting on it are dropped."""
    exercise = _laptop(code)
    held = identity.laptop_pairing(exercise)
    if held is not None:
        service.cancel_pairing(exercise, held[0])
    identity.remember_laptop_pairing(exercise, None)
    return redirect(url_for("classroom.projector", code=exercise.code))


@bp.post("/classroom/<code>/remotes/sign-out")
def remotes_sign_out(code: str) -> ResponseReturnValue:
    """Sign out every phone paired as this class's remote (the laptop stays signed in)."""
    exercise = _laptop(code)
    service.sign_out_remotes(exercise)
    identity.remember_laptop_pairing(exercise, None)
    return render_template("classroom/remote_signed_out.html", exercise=exercise, every_phone=True)


@bp.post("/classroom/<code>/remote/sign-out")
def remote_sign_out(code: str) -> ResponseReturnValue:
    """On the paired phone: sign this phone out as the remote (it forgets the recovery link too)."""
    exercise = identity.lookup(code)
    if not ActionForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    identity.forget_remote(exercise)
    return render_template("classroom/remote_signed_out.html", exercise=exercise, every_phone=False)


@bp.route("/classroom/<code>/pair", methods=["GET", "POST"])
def pair(code: str) -> ResponseReturnValue:
    """On the phone: the pairing code (filled in from the projector's QR code), then "waiting for
    confirmation". Wrong, used or expired codes count as failed guesses from this client."""
    exercise = identity.lookup(code)
    form = PairForm()
    if request.method == "GET" and request.args.get("pairing"):
        form.pairing.data = request.args["pairing"][:12]
    if form.validate_on_submit():
        cfg = current_app.config
        limit = (
            identity.client_id(),
            _secret(),
            cfg["PAIR_RATE_LIMIT"],
            cfg["JOIN_RATE_WINDOW_SECONDS"],
            gettext("wrong pairing codes from this network"),
            "pair",
        )
        secret = service.new_phone_secret()
        try:
            service.check_failures(*limit)
            service.claim_pairing(exercise, form.pairing.data or "", secret, _secret())
        except ClassroomError as err:
            if err.status == 403:
                service.count_failure(*limit)
            form.pairing.errors = [err.message]
            return render_template("classroom/pair.html", form=form, exercise=exercise), err.status
        identity.pairing_started(exercise, secret)
        return redirect(url_for("classroom.remote", code=exercise.code))
    return render_template("classroom/pair.html", form=form, exercise=exercise), 400 if form.errors else 200


@bp.get("/classroom/<code>/remote")
def remote(code: str) -> ResponseReturnValue:
    """The phone remote: the state, the answered count and the controls (start, next, reveal), and
    the recovery link the laptop sent. A phone being paired waits here for the confirmation (the
    page reloads itself every few seconds, with or without JavaScript)."""
    exercise = identity.lookup(code)
    if not identity.may_control(exercise):
        secret = identity.phone_secret(exercise)
        if secret is None:
            identity.controller_exercise(code)  # refuses: 401 or 403, with the claim form
        collected = service.collect_pairing(exercise, secret or "", _secret())
        if collected.step != "paired":
            if collected.step == "gone":
                identity.pairing_gone(exercise)
            page = render_template("classroom/pair_wait.html", exercise=exercise, step=collected.step)
            return make_response(page, 200 if collected.step == "waiting" else 410)
        identity.remember_remote(exercise, collected.recovery_key)
    signature = live_signature(exercise)
    return render_template(
        "classroom/remote.html",
        exercise=exercise,
        signature=signature,
        etag=live_etag("remote", 0, signature),
        live_url=url_for("classroom.live", code=exercise.code, view="remote"),
        **identity.remote_recovery(exercise),
        **remote_context(exercise),
    )
