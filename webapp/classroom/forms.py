"""Classroom forms: create an exercise, claim it with the educator key, join, close/reopen, author a case."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from rules import KnowledgeBase
from rules import mechanisms_of

from ..limits import CASE_AGE_MAX
from ..limits import CLASS_SIZE_MAX
from ..limits import CLASS_SIZE_MIN
from ..limits import JOIN_CODE_MAX
from ..limits import KEY_MAX
from ..limits import LOCATOR_MAX
from ..limits import NARRATIVE_MAX
from ..limits import NARRATIVE_MIN
from ..limits import NICKNAME_MAX
from ..limits import TEACHING_POINT_MAX
from ..limits import TIME_LIMIT_MAX
from ..limits import TIME_LIMIT_MIN
from ..limits import TIME_LIMIT_WORDS
from ..limits import TITLE_MAX
from ..practice.forms import CheckboxesField
from .service import nickname_problem
from .service import normal_nickname
from .service import one_line

MAX_SIMULATED = 10
LEANS = [
    SelectChoice("recessive", _l("Recessive (MIOP)")),
    SelectChoice("dominant", _l("Dominant")),
    SelectChoice("indeterminate", _l("Indeterminate: the case does not settle it")),
]
TEACHING_POINTS = 3


class NewExerciseForm(FlaskForm):
    """Title, cases from the library (written, authored, N simulated) and an optional time limit."""

    title = StringField(
        _l("Title of the exercise"), validators=[DataRequired(_l("Give the exercise a title.")), Length(max=TITLE_MAX)]
    )
    cases = CheckboxesField(_l("Written cases"))
    simulated = IntegerField(
        _l("Add simulated patients (0 to %(max)s)", max=MAX_SIMULATED),
        default=0,
        validators=[Optional(), NumberRange(0, MAX_SIMULATED)],
    )
    pace = RadioField(
        _l("Who sets the pace"),
        choices=[
            SelectChoice(
                "educator",
                _l(
                    "I do, in class: students wait in a lobby until I start, then see one case at a time, stage "
                    "by stage, as I move the class on"
                ),
            ),
            SelectChoice("self", _l("Each student (homework): every case at once, answered in any order")),
        ],
        default="educator",
        validators=[Optional()],  # a form without the field (an old tab) gets the default
    )
    time_limit = IntegerField(
        _l("Time limit in minutes (optional): per case when you pace the class, for the whole exercise otherwise"),
        validators=[Optional(), NumberRange(TIME_LIMIT_MIN, TIME_LIMIT_MAX, TIME_LIMIT_WORDS)],
    )
    max_students = IntegerField(
        _l("At most this many students (optional: your class size)"),
        validators=[
            Optional(),
            NumberRange(
                CLASS_SIZE_MIN,
                CLASS_SIZE_MAX,
                _l("A class size is %(min)s to %(max)s students.", min=CLASS_SIZE_MIN, max=CLASS_SIZE_MAX),
            ),
        ],
    )
    feedback = RadioField(
        _l("When students see the answer"),
        choices=[
            SelectChoice("after_reveal", _l("When I reveal it (lecture style: nobody can copy a neighbour's key)")),
            SelectChoice("immediate", _l("As soon as they answer (practice style)")),
        ],
        default="after_reveal",
        validators=[Optional()],  # a form without the field (an old tab) gets the default
    )
    decisions = BooleanField(_l("Also ask which type or gene fits best (up to three, best first) and the next step"))
    submit = SubmitField(_l("Create the exercise"))


class ClaimForm(FlaskForm):
    """Paste the educator key to open the dashboard in this browser."""

    key = PasswordField(
        _l("Educator key"), validators=[DataRequired(_l("Paste the educator key.")), Length(max=KEY_MAX)]
    )
    submit = SubmitField(_l("Open the dashboard"))


def _readable_nickname(_form: FlaskForm, field: Any) -> None:
    """The nickname rules the API applies too (service.nickname_problem), in the page's language."""
    nickname = normal_nickname(field.data or "")
    if "@" in nickname:
        raise ValidationError(gettext("Use a nickname, not an e-mail address."))
    problem = nickname_problem(nickname)
    if problem is not None:
        raise ValidationError(gettext(problem))


class JoinForm(FlaskForm):
    """Join code and a nickname; nothing else is asked."""

    code = StringField(
        _l("Join code"),
        validators=[DataRequired(_l("Type the join code shown by your educator.")), Length(max=JOIN_CODE_MAX)],
    )
    nickname = StringField(
        _l("Nickname"),
        validators=[DataRequired(_l("Choose a nickname.")), Length(max=NICKNAME_MAX), _readable_nickname],
    )
    rejoin_code = StringField(
        _l("Rejoin code (only when you come back)"),
        validators=[Optional(), Length(max=JOIN_CODE_MAX)],
    )
    submit = SubmitField(_l("Join"))


class PairForm(FlaskForm):
    """The pairing code the projector shows, typed on the educator's phone (the QR code fills it in)."""

    pairing = StringField(
        _l("Pairing code"),
        validators=[DataRequired(_l("Type the pairing code the projector shows.")), Length(max=JOIN_CODE_MAX)],
    )
    submit = SubmitField(_l("Pair this phone"))


class ActionForm(FlaskForm):
    """A button-only form (close, reopen): it exists for its CSRF token."""

    submit = SubmitField(_l("Go"))


class _AuthorBase(FlaskForm):
    """Fields of a written case; per-finding and teaching-point fields are added by author_form_class()."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the case a title.")), Length(max=TITLE_MAX)])
    age = StringField(_l("Age"), validators=[DataRequired(_l("Give an age, e.g. 3 months.")), Length(max=CASE_AGE_MAX)])
    sex = SelectField(_l("Sex"), choices=[SelectChoice("female", _l("Female")), SelectChoice("male", _l("Male"))])
    difficulty = SelectField(
        _l("Difficulty"),
        default="medium",
        choices=[
            SelectChoice("easy", _l("Easy")),
            SelectChoice("medium", _l("Medium")),
            SelectChoice("hard", _l("Hard")),
        ],
    )
    narrative = TextAreaField(
        _l("Narrative (2 to 6 sentences, your own words)"),
        validators=[DataRequired(_l("Write the narrative.")), Length(min=NARRATIVE_MIN, max=NARRATIVE_MAX)],
    )
    lean = RadioField(
        _l("Expected inheritance lean"), choices=LEANS, validators=[InputRequired(_l("Choose the expected lean."))]
    )
    submit = SubmitField(_l("Save the case"))

    def payload(self, kb: KnowledgeBase) -> dict[str, object]:
        """The validated form in the shape of a written case (rules.practice.cases validates it again)."""
        states = {slug: getattr(self, slug).data for slug in kb.findings}
        present = [s for s, v in states.items() if v == "present"]
        points = []
        for i in range(1, TEACHING_POINTS + 1):
            text = one_line(getattr(self, f"point{i}").data or "")
            if text:
                points.append(
                    {
                        "text": text,
                        "cite": {
                            "source": getattr(self, f"point{i}_source").data,
                            "locator": one_line(getattr(self, f"point{i}_locator").data),
                        },
                    }
                )
        return {
            "title": one_line(self.title.data or ""),
            "age": one_line(self.age.data or ""),
            "sex": self.sex.data,
            "difficulty": self.difficulty.data,
            "narrative": one_line(self.narrative.data or ""),
            "key": {
                "present": present,
                "absent": [s for s, v in states.items() if v == "absent"],
                "onset": self.onset.data,
                "family_history": self.family_history.data,
                "lean": self.lean.data,
                "mechanisms": list(mechanisms_of(present, kb)),
            },
            "teaching_point": points,
        }


def author_form_data(case: Mapping[str, Any]) -> dict[str, object]:
    """A stored written case (service.authored_mapping) as the authoring form's data: the reverse of
    _AuthorBase.payload(), so a case opened for editing shows what was saved."""
    key = case["key"]
    data: dict[str, object] = {name: case[name] for name in ("title", "age", "sex", "difficulty", "narrative")}
    data |= {"onset": key["onset"], "family_history": key["family_history"], "lean": key["lean"]}
    data |= {slug: "present" for slug in key["present"]} | {slug: "absent" for slug in key["absent"]}
    for i, point in enumerate(case["teaching_point"], start=1):
        data |= {
            f"point{i}": point["text"],
            f"point{i}_source": point["cite"]["source"],
            f"point{i}_locator": point["cite"].get("locator", ""),
        }
    return data


@functools.cache
def _locator_of_a_point(form: FlaskForm, field: Any) -> None:
    """A teaching point names where in its source it comes from (rules.practice.cases refuses a citation
    without one too, in English: the form says so first, at the field, in the page's language)."""
    point = getattr(form, field.name.removesuffix("_locator"))
    if one_line(point.data or "") and not one_line(field.data or ""):
        raise ValidationError(gettext("Say where in the source: a section, a page or a quoted passage."))


def author_form_class(kb: KnowledgeBase) -> type[_AuthorBase]:
    """The authoring form: one tri-state per finding, onset, family history, teaching points with sources."""
    states = [
        SelectChoice("present", _l("Present")),
        SelectChoice("absent", _l("Absent")),
        SelectChoice("unknown", _l("Not in the key")),
    ]
    attrs: dict[str, object] = {
        slug: RadioField(f.label, choices=states, default="unknown") for slug, f in kb.findings.items()
    }
    attrs["onset"] = SelectField(
        _l("Age at onset"), default="unknown", choices=[SelectChoice(o.slug, o.label) for o in kb.onsets.values()]
    )
    attrs["family_history"] = SelectField(
        _l("Family history"),
        default="unknown",
        choices=[SelectChoice(h.slug, h.label) for h in kb.family_histories.values()],
    )
    sources = [SelectChoice(s.id, s.title) for s in kb.sources.values()]
    for i in range(1, TEACHING_POINTS + 1):
        required = [DataRequired(_l("Give at least one teaching point."))] if i == 1 else [Optional()]
        attrs[f"point{i}"] = TextAreaField(
            _l("Teaching point %(n)s", n=i), validators=[*required, Length(max=TEACHING_POINT_MAX)]
        )
        attrs[f"point{i}_source"] = SelectField(_l("Source of teaching point %(n)s", n=i), choices=sources)
        attrs[f"point{i}_locator"] = StringField(
            _l("Where in source %(n)s: section, page or quoted passage", n=i),
            validators=[_locator_of_a_point, Length(max=LOCATOR_MAX)],
        )
    return type("AuthorCaseForm", (_AuthorBase,), attrs)
