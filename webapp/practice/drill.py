"""The drill: the review schedule's due cards, one quick question each, rated Again/Hard/Good/Easy.

Post/redirect/get throughout, no JavaScript: GET /practice/drill shows the next due card (or when
the next one falls due); POST /practice/drill records the answer in the session and answers 303 to
/practice/drill/back; POST /practice/drill/rate schedules the card with FSRS and answers 303 to the
next card. The answer waits in the session under the card's token, so a reload, Back or a second
post never rates a card twice. Everything lives in the signed session cookie (docs/practice.md).
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from flask import Blueprint
from flask import abort
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from rules import DrillCard
from rules import next_drill_card
from rules import next_due
from rules import rate_card

from ..infra.knowledge import kb
from .drill_forms import DrillAnswerForm
from .drill_forms import DrillRateForm
from .presenters import present_drill_card
from .presenters import present_drill_empty
from .views import REVIEW_KEY

bp = Blueprint("drill", __name__)
ANSWER_KEY = "practice_drill"  # [card token, choice]: the answer given, until the card is rated


def _now() -> datetime:
    return datetime.now(UTC)


def _card() -> DrillCard | None:
    return next_drill_card(session.get(REVIEW_KEY), _now(), kb())


def _answered(card: DrillCard | None) -> int | None:
    """The choice given for this card (at this due time), if any."""
    saved = session.get(ANSWER_KEY)
    if card is None or not (isinstance(saved, list) and len(saved) == 2 and saved[0] == card.token):
        return None
    return saved[1] if isinstance(saved[1], int) and 0 <= saved[1] < len(card.options) else None


@bp.route("/practice/drill", methods=["GET", "POST"])
def front() -> ResponseReturnValue:
    """GET: the next due card's front, or "nothing due" and when the next one is. POST: the answer."""
    card = _card()
    if card is None:
        raw = session.get(REVIEW_KEY)
        return render_template("practice/drill.html", empty=present_drill_empty(raw, next_due(raw), _now(), kb()))
    form = DrillAnswerForm(drill_card=card)
    if form.is_submitted():
        if not form.validate():
            if form.csrf_token.errors:
                abort(400, gettext("The form expired. Reload the page and try again."))
            return render_template("practice/drill.html", card=present_drill_card(card, kb()), form=form), 400
        if form.card.data != card.token:  # a stale page: that card was rated meanwhile
            return redirect(url_for("drill.front"), 303)
        session[ANSWER_KEY] = [card.token, form.choice.data]
        return redirect(url_for("drill.back"), 303)
    if _answered(card) is not None:
        return redirect(url_for("drill.back"))
    return render_template("practice/drill.html", card=present_drill_card(card, kb()), form=form)


@bp.get("/practice/drill/back")
def back() -> ResponseReturnValue:
    """The back of the card just answered: the right answer, why, the source, and the ratings."""
    card = _card()
    chosen = _answered(card)
    if card is None or chosen is None:
        return redirect(url_for("drill.front"))
    form = DrillRateForm(card=card.token)
    return render_template("practice/drill.html", card=present_drill_card(card, kb(), chosen), rate_form=form)


@bp.post("/practice/drill/rate")
def rate() -> ResponseReturnValue:
    """Schedule the answered card with the trainee's rating, then on to the next card."""
    form = DrillRateForm()
    if not form.validate_on_submit():
        abort(
            400, gettext("Rate the card with one of Again, Hard, Good or Easy (or reload the page: the form expired).")
        )
    card = _card()
    if card is not None and form.card.data == card.token and _answered(card) is not None:
        session[REVIEW_KEY] = rate_card(session.get(REVIEW_KEY), card.key, form.rating.data, _now())
        session.pop(ANSWER_KEY, None)
    return redirect(url_for("drill.front"), 303)
