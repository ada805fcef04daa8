"""Any HPO term on the checklist form, beside its fixed findings: search, add, mark, remove.

Without JavaScript each step is a post of the form itself (nothing is stored: the page comes back
with what was ticked, the terms found and those added); with JavaScript `checklist.js` does the
same in place through `GET /api/v1/hpo/search`. A term that counts as a checklist finding ticks that
finding; any other is carried as an HPO id in the form's hidden fields (`other_present`,
`other_absent`) and shown with present / absent radios named `state:<id>`, which win over them.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from rules import HPO_ID
from rules import KnowledgeBase
from rules import hpo_label
from rules import load_hpo
from rules import search_hpo

from ..infra.language import current_language
from .layout import checklist_groups

EDITS = ("find", "add_present", "add_absent", "remove_term")
FOUND_MAX = 10  # terms listed for a search without JavaScript
TERMS_MAX = 60  # other terms one checklist may carry (an HPO list import stops there too)
STATES = ("present", "absent")


def is_edit(formdata: MultiDict[str, str]) -> bool:
    """Whether the post searches, adds or removes a term rather than asking for the result."""
    return any(key in formdata for key in EDITS)


def apply_states(form: Any, formdata: MultiDict[str, str]) -> None:
    """The added terms' radios (present / absent) over the hidden fields' states."""
    form.set_terms(
        [(t, st if (st := formdata.get(f"state:{t}", state)) in STATES else state) for t, state in form.terms()]
    )


def apply_edit(form: Any, formdata: MultiDict[str, str], kb: KnowledgeBase) -> str:
    """Add or remove the term the post names; what was done, in words (for the page's status line)."""
    hpo = load_hpo()
    for key, state in (("add_present", "present"), ("add_absent", "absent")):
        if key not in formdata:
            continue
        term = formdata.get(key, "").strip().upper()
        if not HPO_ID.fullmatch(term) or hpo.name(term) is None:
            abort(400, gettext("That is not an HPO term of this release: search again and pick one from the list."))
        findings = hpo.findings_for(term)
        if findings:  # it counts as a checklist finding: tick that finding
            getattr(form, findings[0]).data = state
            label = kb.findings[findings[0]].label
            if state == "present":
                return gettext("%(label)s: marked present (the checklist's item for %(id)s).", label=label, id=term)
            return gettext("%(label)s: marked absent (the checklist's item for %(id)s).", label=label, id=term)
        terms = [(t, st) for t, st in form.terms() if t != term] + [(term, state)]
        if len(terms) > TERMS_MAX:
            abort(400, gettext("At most %(n)s other terms: remove one first.", n=TERMS_MAX))
        form.set_terms(terms)
        if state == "present":
            return gettext("%(label)s (%(id)s) added as present.", label=_label(term), id=term)
        return gettext("%(label)s (%(id)s) added as absent.", label=_label(term), id=term)
    if "remove_term" in formdata:
        term = formdata.get("remove_term", "").strip().upper()
        form.set_terms([(t, st) for t, st in form.terms() if t != term])
        if HPO_ID.fullmatch(term):
            return gettext("%(label)s (%(id)s) removed.", label=_label(term), id=term)
        return gettext("Removed.")
    return ""


def found_terms(form: Any, formdata: MultiDict[str, str], kb: KnowledgeBase) -> list[dict[str, Any]] | None:
    """The terms a search (the Search button) found, or None when the post did not search."""
    if "find" not in formdata:
        return None
    query = (form.term_query.data or "").strip()
    if not query:
        return []
    return [
        {
            "id": h.id,
            "label": h.label,
            "matched": h.matched if h.matched != h.label else None,
            "finding": kb.findings[h.finding].label if h.finding else None,
        }
        for h in search_hpo(query, current_language(), FOUND_MAX)
    ]


def _label(term: str) -> str:
    shown = hpo_label(term, current_language())
    return shown[0] if shown else term


def form_context(form: Any, kb: KnowledgeBase, **extra: Any) -> dict[str, Any]:
    """What checklist/form.html needs: the form, its groups and the other terms added (each with its
    label in the page's language and its state)."""
    added = [{"id": t, "label": _label(t), "state": st} for t, st in form.terms()]
    return {"form": form, "groups": checklist_groups(form, kb), "added": added, **extra}
