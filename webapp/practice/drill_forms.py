"""The drill's forms: an answer (one of the card's choices) and a rating (CSRF on both)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms import SubmitField
from wtforms.validators import InputRequired

from rules import RATINGS
from rules import DrillCard


class DrillAnswerForm(FlaskForm):
    """Which choice the trainee picks; `card` names the card at this due time (never its answer)."""

    card = HiddenField()
    choice = RadioField(_l("Your answer"), coerce=int, validators=[InputRequired(_l("Pick one answer."))])
    submit = SubmitField(_l("Answer and turn the card"))

    def __init__(self, *args: object, drill_card: DrillCard, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.choice.choices = [SelectChoice(i, text) for i, text in enumerate(drill_card.options)]
        if not self.is_submitted():
            self.card.data = drill_card.token


class DrillRateForm(FlaskForm):
    """How well the trainee knew the card: FSRS's Again, Hard, Good or Easy (one button each)."""

    card = HiddenField()
    rating = RadioField(
        _l("How well did you know it?"),
        coerce=int,
        choices=[SelectChoice(n, name) for n, name in RATINGS.items()],
        validators=[InputRequired()],
    )
