"""The checklist form, built once from the knowledge base's findings and options."""

from __future__ import annotations

import functools

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SubmitField

from rules import Answers
from rules import KnowledgeBase

# WTForms 3.3 wants SelectChoice objects (tuples are deprecated).
STATE_CHOICES = [SelectChoice("present", "Present"), SelectChoice("absent", "Absent"),
                 SelectChoice("unknown", "Not assessed")]


class _ChecklistBase(FlaskForm):
    """Fields common to every checklist; finding fields are added by checklist_form_class()."""

    submit = SubmitField("Show the result")

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
        slug: RadioField(f.label, choices=STATE_CHOICES, default="unknown")
        for slug, f in kb.findings.items()
    }
    attrs["onset"] = SelectField("Age at onset", default="unknown",
                                 choices=[SelectChoice(o.slug, o.label) for o in kb.onsets.values()])
    attrs["family_history"] = SelectField("Family history", default="unknown",
                                          choices=[SelectChoice(h.slug, h.label)
                                                   for h in kb.family_histories.values()])
    return type("ChecklistForm", (_ChecklistBase,), attrs)
