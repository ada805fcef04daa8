"""The attempt form: findings present, inheritance lean, mechanisms and confidence (CSRF on)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms import SelectMultipleField
from wtforms import SubmitField
from wtforms import widgets
from wtforms.validators import InputRequired

from rules import CONFIDENCE_MAX
from rules import CONFIDENCE_MIN
from rules import Attempt
from rules import KnowledgeBase

from ..infra.knowledge import kb as load_kb

LEAN_CHOICES = [
    SelectChoice("recessive", "Recessive (MIOP)"),
    SelectChoice("dominant", "Dominant"),
    SelectChoice("indeterminate", "Indeterminate: the case does not settle it"),
]
CONFIDENCE_CHOICES = [SelectChoice(n, f"{n} %") for n in range(CONFIDENCE_MIN, CONFIDENCE_MAX + 1, 10)]


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes; nothing ticked is a valid answer."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AttemptForm(FlaskForm):
    """One committed answer to a case; choices come from the knowledge base.

    Findings are offered in alphabetical order, not grouped by mechanism, so the list does not
    give the mechanism question away.
    """

    findings = CheckboxesField("Findings present in this case")
    lean = RadioField(
        "Inheritance lean",
        choices=LEAN_CHOICES,
        validators=[InputRequired("Choose a lean (indeterminate is an answer too).")],
    )
    mechanisms = CheckboxesField("Mechanisms behind the findings")
    confidence = RadioField(
        "How confident are you?",
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        validators=[InputRequired("Say how confident you are.")],
    )
    submit = SubmitField("Commit and reveal")

    def __init__(self, *args: object, knowledge: KnowledgeBase | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        knowledge = knowledge or load_kb()
        findings = sorted(
            # The premise (dense bone on imaging) is given in every case, not a finding to spot.
            (f for f in knowledge.findings.values() if not (knowledge.premise and f.slug == knowledge.premise.finding)),
            key=lambda f: f.label.lower(),
        )
        self.findings.choices = [SelectChoice(f.slug, f.label) for f in findings]
        self.mechanisms.choices = [SelectChoice(m.slug, m.title) for m in knowledge.mechanisms.values()]

    def attempt(self) -> Attempt:
        """The validated form as an Attempt."""
        return Attempt(
            tuple(self.findings.data or ()),
            self.lean.data,
            tuple(self.mechanisms.data or ()),
            int(self.confidence.data),
        )


class ResetForm(FlaskForm):
    """Clear the progress kept in this browser (a POST with CSRF, never a link), after a confirmation page."""

    submit = SubmitField("Yes, clear my progress")


class UndoForm(FlaskForm):
    """Put back the progress the last clear removed."""

    submit = SubmitField("Undo: bring my progress back")
