"""Checklist views: parse -> rules.evaluate -> presenter -> template."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from rules import InputError
from rules import evaluate
from rules import lab_request_lines
from rules import load_hpo
from rules import load_hpo_labels
from rules import parse_request

from ..infra.errors import input_message
from ..infra.knowledge import kb
from ..infra.prerender import prerendered
from .differential import page_view
from .forms import checklist_form_class
from .link import parsed_query
from .page import cite_parts
from .page import lean_word
from .page import level_word
from .page import result_page
from .presenters import NOTHING_ENTERED
from .presenters import nothing_entered
from .presenters import present_assessment
from .presenters import present_vocabulary
from .terms import apply_edit
from .terms import apply_states
from .terms import form_context
from .terms import found_terms
from .terms import is_edit

bp = Blueprint("checklist", __name__)

# The figures of bench/lean_accuracy.py (deterministic) for the shipped knowledge, as the README's
# table gives them; a test checks them against a fresh run.
ACCURACY = {
    "entries": 17,
    "rows": [
        {
            "entries": "OMIM 259700, 259710, 259720, 612301, 612840 (FERMT3), 617306; ORPHA:667",
            "right": "1.00",
            "not_wrong": "1.00",
        },
        {"entries": "OMIM 611490 (CLCN7) and 615085 (SNX10)", "right": "0.93 and 0.93", "not_wrong": "1.00"},
        {"entries": "OMIM 259730 (CA2) and ORPHA:2785", "right": "0.66 and 0.66", "not_wrong": "1.00"},
        {"entries": "OMIM 166600 (dominant type 2)", "right": "0.10", "not_wrong": "1.00"},
        {"entries": "ORPHA:53 (Albers-Schoenberg)", "right": "0.00", "not_wrong": "0.99"},
        {"entries": "OMIM 607634 (LRP5), 618107, 620366 (SLC4A2); ORPHA:85179", "right": "0.00", "not_wrong": "1.00"},
        {"entries": "all entries, each weighing the same", "right": "0.60", "not_wrong": "1.00"},
    ],
}


@bp.app_template_global("cite_parts")
def _cite_parts(ref: Any) -> tuple[str, str]:
    """(text, link) of a citation, for the cite macro: the wording is Python's, not the template's."""
    return cite_parts(ref, kb())


bp.add_app_template_global(lean_word, "lean_word")
bp.add_app_template_global(lean_word, "inheritance_word")
bp.add_app_template_global(level_word, "level_word")


def _empty_checklist() -> str:
    """The checklist page with nothing filled in (rendered once per process: webapp/infra/prerender.py)."""
    knowledge = kb()
    form = checklist_form_class(knowledge)()
    return render_template("checklist/form.html", **form_context(form, knowledge))


@bp.get("/")
def checklist() -> str:
    """The empty checklist (the shared render, this request's CSRF token put in), or one pre-filled
    from a link's query (rendered for this request alone)."""
    if not request.args or list(request.args) == ["lang"]:
        return prerendered("checklist", "/", _empty_checklist)
    knowledge = kb()
    form = checklist_form_class(knowledge)()
    parsed = parsed_query()
    for slug in knowledge.findings:
        getattr(form, slug).data = parsed.answers.state(slug)
    form.onset.data = parsed.answers.onset
    form.family_history.data = parsed.answers.family_history
    form.carry(parsed.other_terms)
    return render_template("checklist/form.html", **form_context(form, knowledge))


@bp.post("/")
@bp.post("/assessment")
def assess() -> ResponseReturnValue:
    """The result page for a submitted checklist (nothing is stored)."""
    knowledge = kb()
    form = checklist_form_class(knowledge)()
    if not form.validate_on_submit():
        return render_template("checklist/form.html", **form_context(form, knowledge)), 400
    apply_states(form, request.form)
    if is_edit(request.form):  # a search, or a term added or removed: the form again, nothing stored
        done = apply_edit(form, request.form, knowledge)
        found = found_terms(form, request.form, knowledge)
        return render_template("checklist/form.html", **form_context(form, knowledge, found=found, term_status=done))
    try:
        parsed = parse_request(form.body(knowledge), knowledge, load_hpo())
    except InputError as err:
        abort(400, input_message(err))
    if nothing_entered(parsed.answers, parsed):  # no result for an empty checklist: the form again, saying so
        return render_template(
            "checklist/form.html", **form_context(form, knowledge, nothing_entered=gettext(NOTHING_ENTERED))
        ), 400
    result = present_assessment(evaluate(parsed.answers, knowledge), knowledge, parsed)
    return render_template(
        "checklist/result.html",
        result=result,
        page=result_page(result, knowledge),
        differential=page_view(result, knowledge),
        lab_request=lab_request_lines(parsed.answers, knowledge, load_hpo(), parsed.other_terms),
        shared_query=result["share_query"],  # the language switch opens this result, not an empty form
    )


@bp.get("/assessment")
def shared() -> ResponseReturnValue:
    """The same result page, reproduced from a shareable link."""
    knowledge = kb()
    parsed = parsed_query()
    if nothing_entered(parsed.answers, parsed):
        form = checklist_form_class(knowledge)()
        return render_template(
            "checklist/form.html", **form_context(form, knowledge, nothing_entered=gettext(NOTHING_ENTERED))
        ), 400
    result = present_assessment(evaluate(parsed.answers, knowledge), knowledge, parsed)
    return render_template(
        "checklist/result.html",
        result=result,
        page=result_page(result, knowledge),
        differential=page_view(result, knowledge, every=request.args.get("entries") == "all"),
        lab_request=lab_request_lines(parsed.answers, knowledge, load_hpo(), parsed.other_terms),
    )


@bp.get("/about")
def about() -> str:
    """What the app is, its sources, the disclaimer and the knowledge version."""
    knowledge = kb()
    vocabulary = [
        {
            **f,
            "group_titles": [knowledge.mechanisms[g].title for g in f["groups"]]
            or (
                [gettext("%(panel)s (beyond the source document)", panel=knowledge.panels[f["panel"]].title)]
                if f["panel"]
                else []
            ),
        }
        for f in present_vocabulary(knowledge)
    ]
    return render_template(
        "about.html",
        version=knowledge.version,
        hpo_release=load_hpo().release,
        translations=load_hpo_labels().source,
        sources=list(knowledge.sources.values()),
        vocabulary=vocabulary,
        accuracy=ACCURACY,
    )
