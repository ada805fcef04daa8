"""The attempt form: findings present, inheritance lean, mechanisms and confidence (CSRF on)."""

from __future__ import annotations

import functools

from flask import render_template
from flask_wtf import FlaskForm
from markupsafe import Markup
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
from ..infra.prerender import prerendered
from ..infra.prerender import slot

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


@functools.cache
def _choices(knowledge: KnowledgeBase) -> tuple[tuple[SelectChoice, ...], tuple[SelectChoice, ...]]:
    """The findings (alphabetical) and the mechanisms an attempt offers, made once per knowledge base."""
    findings = sorted(
        # The premise (dense bone on imaging) is given in every case, not a finding to spot.
        (f for f in knowledge.findings.values() if not (knowledge.premise and f.slug == knowledge.premise.finding)),
        key=lambda f: f.label.lower(),
    )
    return (
        tuple(SelectChoice(f.slug, f.label) for f in findings),
        tuple(SelectChoice(m.slug, m.title) for m in knowledge.mechanisms.values()),
    )


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
        findings, mechanisms = _choices(knowledge or load_kb())
        self.findings.choices = list(findings)
        self.mechanisms.choices = list(mechanisms)

    def attempt(self) -> Attempt:
        """The validated form as an Attempt."""
        return Attempt(
            tuple(self.findings.data or ()),
            self.lean.data,
            tuple(self.mechanisms.data or ()),
            int(self.confidence.data),
        )


def _unfilled_attempt_form() -> str:
    """The attempt form with nothing ticked, posting to the action slot (the shared render)."""
    return render_template("practice/_attempt_form.html", form=AttemptForm(), action=slot("action"))


def attempt_form_html(form: AttemptForm | None, action: str) -> Markup:
    """The attempt form posting to `action`. With no form (nothing was posted) it is unfilled, the
    same for everyone: the shared render, this request's CSRF token and action put in
    (webapp/infra/prerender.py). A posted form carries what was sent (and its errors), so it is
    rendered for this request alone."""
    if form is None:
        return prerendered("practice-attempt", "/practice", _unfilled_attempt_form, {"action": action})
    return Markup(render_template("practice/_attempt_form.html", form=form, action=action))


class ResetForm(FlaskForm):
    """Clear the progress kept in this browser (a POST with CSRF, never a link), after a confirmation page."""

    submit = SubmitField("Yes, clear my progress")


class UndoForm(FlaskForm):
    """Put back the progress the last clear removed."""

    submit = SubmitField("Undo: bring my progress back")
