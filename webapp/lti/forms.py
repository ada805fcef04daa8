"""The deep-linking picker: the cases (library, the course's own), the pace and the feedback mode."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms lacks it
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from rules import load_cases

from ..classroom import service
from ..limits import TITLE_MAX
from ..practice.forms import CheckboxesField
from ..wording import difficulty_word


def picker_choices(educator: Any) -> list[SelectChoice]:
    """The course's own written cases first, then the library's."""
    choices = [SelectChoice(c.id, f"{c.title} ({difficulty_word(c.difficulty)})") for c in load_cases().values()]
    own = [
        SelectChoice(a.case_id, gettext("Your case: %(title)s", title=a.title))
        for a in service.educator_cases(educator.id)
    ]
    return own + choices


class PickerForm(FlaskForm):
    """What the activity an instructor adds in the LMS holds."""

    launch_id = HiddenField()
    title = StringField(
        _l("Title of the activity"),
        default="MIOP classroom",
        validators=[DataRequired(_l("Give a title.")), Length(max=TITLE_MAX)],
    )
    cases = CheckboxesField(_l("Cases"))
    pace = RadioField(
        _l("Who sets the pace"),
        choices=[
            SelectChoice("self", _l("Each student (homework): every case at once, in any order")),
            SelectChoice("educator", _l("I do, in class: one case at a time as I move the class on")),
        ],
        default="self",
        validators=[Optional()],
    )
    feedback = RadioField(
        _l("When students see the answer"),
        choices=[
            SelectChoice("immediate", _l("As soon as they answer (practice style)")),
            SelectChoice("after_reveal", _l("When I reveal it (lecture style)")),
        ],
        default="immediate",
        validators=[Optional()],
    )
    asks_names = BooleanField(
        _l("Show the students' LMS names to me (the educator)"),
        description=_l(
            "Students still go by a nickname in the class and on the projector; you see each one's name in the "
            "LMS on your dashboard and in the CSV files, when the LMS shares its members list."
        ),
        default=False,
    )
    submit = SubmitField(_l("Add to the course"))
