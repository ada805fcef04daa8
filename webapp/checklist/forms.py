"""The checklist form, built once from the knowledge base's findings and options."""

from __future__ import annotations

import functools

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from rules import HPO_ID
from rules import Answers
from rules import KnowledgeBase

QUERY_MAX = 100  # characters of an HPO search (as GET /api/v1/hpo/search)

# WTForms 3.3 wants SelectChoice objects (tuples are deprecated).
STATE_CHOICES = [
    SelectChoice("present", _l("Present")),
    SelectChoice("absent", _l("Absent")),
    SelectChoice("unknown", _l("Not assessed")),
]


def _hpo_ids(form: object, field: HiddenField) -> None:
    """A comma-separated list of HPO ids (the other terms carried from an import or a link)."""
    for item in (field.data or "").split(","):
        if item.strip() and not HPO_ID.match(item.strip().upper()):
            raise ValidationError(gettext("Other terms must be HPO ids (HP: and seven digits)."))


class _ChecklistBase(FlaskForm):
    """Fields common to every checklist; finding fields are added by checklist_form_class()."""

    submit = SubmitField(_l("Show the result"))
    # HPO terms entered that are not checklist findings, carried as ids only
    # (docs/decisions/0009-nothing-lost-on-the-way-in-or-out.md).
    other_present = HiddenField(default="", validators=[_hpo_ids])
    other_absent = HiddenField(default="", validators=[_hpo_ids])
    # Find any finding in the HPO: the query, and its button (the page comes back with the terms found,
    # each with "Add as present" / "Add as absent"; with JavaScript a combobox asks as one types).
    term_query = StringField(_l("Search the HPO for any other finding"), validators=[Optional(), Length(max=QUERY_MAX)])
    find = SubmitField(_l("Search"))

    def terms(self) -> list[tuple[str, str]]:
        """The other HPO terms entered, (id, present or absent), in the order they were added."""
        out: dict[str, str] = {}
        for name, state in (("other_present", "present"), ("other_absent", "absent")):
            for item in (getattr(self, name).data or "").split(","):
                if item.strip():
                    out.setdefault(item.strip().upper(), state)
        return list(out.items())

    def set_terms(self, terms: list[tuple[str, str]]) -> None:
        """Set the other terms entered (id, state)."""
        self.other_present.data = ",".join(t for t, st in terms if st == "present")
        self.other_absent.data = ",".join(t for t, st in terms if st == "absent")

    def body(self, kb: KnowledgeBase) -> dict[str, object]:
        """The validated form as an /assess body, the other terms carried along as HPO ids."""
        answers = self.answers(kb)
        findings: dict[str, str] = dict(answers.findings)
        for name, state in (("other_absent", "absent"), ("other_present", "present")):
            for item in (getattr(self, name).data or "").split(","):
                if item.strip():
                    findings[item.strip().upper()] = state
        return {"findings": findings, "onset": answers.onset, "family_history": answers.family_history}

    def carry(self, others: object) -> None:
        """Set the hidden fields from other terms (rules.core.inputs.OtherTerm)."""
        self.other_present.data = ",".join(o.id for o in others if o.state == "present")  # type: ignore[attr-defined]
        self.other_absent.data = ",".join(o.id for o in others if o.state == "absent")  # type: ignore[attr-defined]

    def answers(self, kb: KnowledgeBase) -> Answers:
        """The validated form as engine answers (only present and absent are kept)."""
        states = {s: getattr(self, s).data for s in kb.findings}
        return Answers(
            findings={s: v for s, v in states.items() if v in ("present", "absent")},
            onset=self.onset.data,
            family_history=self.family_history.data,
        )


@functools.cache
def checklist_form_class(kb: KnowledgeBase) -> type[_ChecklistBase]:
    """A FlaskForm subclass with one tri-state radio field per finding."""
    attrs: dict[str, object] = {
        slug: RadioField(f.label, choices=STATE_CHOICES, default="unknown") for slug, f in kb.findings.items()
    }
    attrs["onset"] = SelectField(
        _l("Age at onset"), default="unknown", choices=[SelectChoice(o.slug, o.label) for o in kb.onsets.values()]
    )
    attrs["family_history"] = SelectField(
        _l("Family history"),
        default="unknown",
        choices=[SelectChoice(h.slug, h.label) for h in kb.family_histories.values()],
    )
    return type("ChecklistForm", (_ChecklistBase,), attrs)
