"""The attempt form: findings present, inheritance lean, mechanisms, confidence, and the optional
decisions, a ranked differential and the next step (CSRF on)."""

from __future__ import annotations

import functools

from flask import render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import RadioField
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import SubmitField
from wtforms import widgets
from wtforms.validators import InputRequired
from wtforms.validators import Optional

from rules import CONFIDENCE_MAX
from rules import CONFIDENCE_MIN
from rules import MAX_DIFFERENTIAL
from rules import Attempt
from rules import KnowledgeBase
from rules import differential_choices
from rules import next_step_choices

from ..infra.knowledge import kb as load_kb
from ..infra.prerender import prerendered
from ..infra.prerender import slot

LEAN_CHOICES = [
    SelectChoice("recessive", _l("Recessive (MIOP)")),
    SelectChoice("dominant", _l("Dominant")),
    SelectChoice("indeterminate", _l("Indeterminate: the case does not settle it")),
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


PLACES = ("First", "Second", "Third")
DECISION_FIELDS = ("differential_1", "differential_2", "differential_3", "next_step")
NO_ENTRY = _l("(none)")
OSTEOPETROSES = _l("Osteopetroses")
OTHER_DISORDERS = _l("Other dense-bone disorders")
GroupedChoices = dict[str | None, list[SelectChoice]]


def entry_label(name: str, genes: tuple[str, ...]) -> str:
    """An entry as the differential's choices name it: its name and genes."""
    return f"{name} ({', '.join(genes)})" if genes else name


@functools.cache
def _decision_choices(knowledge: KnowledgeBase) -> tuple[GroupedChoices, tuple[SelectChoice, ...]]:
    """The differential's choices (none, then the osteopetroses, then the other dense-bone disorders) and the
    next-step choices: the same for every case, made once per knowledge base."""
    # The group names are lazy: the choices are made once, each page renders them in its own language.
    groups: GroupedChoices = {None: [SelectChoice("", NO_ENTRY)], OSTEOPETROSES: [], OTHER_DISORDERS: []}
    labels = [entry_label(c.name, c.genes) for c in differential_choices(knowledge)]
    for choice, label in zip(differential_choices(knowledge), labels, strict=True):
        if labels.count(label) > 1:  # two entries of one name and genes (an OMIM and an Orphanet entry)
            label = f"{label} [{choice.id}]"
        groups[OSTEOPETROSES if choice.group == "osteopetrosis" else OTHER_DISORDERS].append(
            SelectChoice(choice.id, label)
        )
    steps = (SelectChoice("", _l("No answer: skip this question")),) + tuple(
        SelectChoice(c.id, c.label) for c in next_step_choices(knowledge)
    )
    return groups, steps


class AttemptForm(FlaskForm):
    """One committed answer to a case; choices come from the knowledge base.

    Findings are offered in alphabetical order, not grouped by mechanism, so the list does not
    give the mechanism question away.
    """

    findings = CheckboxesField(_l("Findings present in this case"))
    lean = RadioField(
        _l("Inheritance lean"),
        choices=LEAN_CHOICES,
        validators=[InputRequired(_l("Choose a lean (indeterminate is an answer too)."))],
    )
    mechanisms = CheckboxesField(_l("Mechanisms behind the findings"))
    confidence = RadioField(
        _l("How confident are you?"),
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        validators=[InputRequired(_l("Say how confident you are."))],
    )
    differential_1 = SelectField(f"{PLACES[0]} choice", validators=[Optional()])
    differential_2 = SelectField(f"{PLACES[1]} choice", validators=[Optional()])
    differential_3 = SelectField(f"{PLACES[2]} choice", validators=[Optional()])
    next_step = RadioField(_l("The next step"), validators=[Optional()], default="")
    submit = SubmitField(_l("Commit and reveal"))

    def __init__(
        self, *args: object, knowledge: KnowledgeBase | None = None, decisions: bool = False, **kwargs: object
    ) -> None:
        """`decisions`: ask for the differential and the next step (practice does; an exercise if asked)."""
        super().__init__(*args, **kwargs)
        knowledge = knowledge or load_kb()
        findings, mechanisms = _choices(knowledge)
        self.findings.choices = list(findings)
        self.mechanisms.choices = list(mechanisms)
        self.asks_decisions = decisions
        if not decisions:
            for name in DECISION_FIELDS:
                delattr(self, name)
            return
        entries, steps = _decision_choices(knowledge)
        for field in self.differential_fields:
            field.choices = entries  # type: ignore[assignment]  # grouped choices (optgroups): types-WTForms says str keys
        self.next_step.choices = list(steps)

    @property
    def differential_fields(self) -> tuple[SelectField, ...]:
        """The differential's places, best first."""
        fields = (self.differential_1, self.differential_2, self.differential_3)
        assert len(fields) == MAX_DIFFERENTIAL
        return fields

    def validate(self, extra_validators: object = None) -> bool:
        """The fields' own checks, then: no entry twice in the differential."""
        valid = super().validate(extra_validators)
        seen: set[str] = set()
        for field in self.differential_fields if self.asks_decisions else ():
            if field.data and field.data in seen:
                field.errors = [*field.errors, gettext("You chose this entry already: each entry once.")]
                valid = False
            seen.add(field.data or "")
        return valid

    def attempt(self) -> Attempt:
        """The validated form as an Attempt (the differential's places left at none are skipped)."""
        return Attempt(
            tuple(self.findings.data or ()),
            self.lean.data,
            tuple(self.mechanisms.data or ()),
            int(self.confidence.data),
            differential=tuple(f.data for f in self.differential_fields if f.data) if self.asks_decisions else (),
            next_step=(self.next_step.data or None) if self.asks_decisions else None,
        )


def _unfilled_attempt_form(decisions: bool) -> str:
    """The attempt form with nothing ticked, posting to the action slot (the shared render)."""
    return render_template("practice/_attempt_form.html", form=AttemptForm(decisions=decisions), action=slot("action"))


def attempt_form_html(form: AttemptForm | None, action: str, decisions: bool = False) -> Markup:
    """The attempt form posting to `action`, with the decisions' questions (differential, next step) when
    the form asks them (`decisions` for the unfilled form). With no form (nothing was posted) it
    is unfilled, the same for everyone: the shared render, this request's CSRF token and action put in
    (webapp/infra/prerender.py). A posted form carries what was sent (and its errors), so it is
    rendered for this request alone."""
    if form is None:
        name = "practice-attempt-decisions" if decisions else "practice-attempt"
        return prerendered(name, "/practice", lambda: _unfilled_attempt_form(decisions), {"action": action})
    return Markup(render_template("practice/_attempt_form.html", form=form, action=action))


class ResetForm(FlaskForm):
    """Clear the progress kept in this browser (a POST with CSRF, never a link), after a confirmation page."""

    submit = SubmitField(_l("Yes, clear my progress"))


class UndoForm(FlaskForm):
    """Put back the progress the last clear removed."""

    submit = SubmitField(_l("Undo: bring my progress back"))
