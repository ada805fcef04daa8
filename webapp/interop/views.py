"""Import a phenopacket or HPO list into the checklist; download a result as a phenopacket or CSV.

Nothing is stored: an import renders the pre-filled checklist directly, and the downloads are
built from the shareable link's query (slugs and options only), whose query string the request
log never records (webapp/infra/privacy.py).
"""

from __future__ import annotations

import json

from flask import Blueprint
from flask import Response
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from rules import InputError
from rules import export_phenopacket
from rules import hpo_csv
from rules import import_bytes
from rules import import_text
from rules import load_hpo

from ..checklist.forms import checklist_form_class
from ..checklist.link import parsed_query
from ..checklist.terms import form_context
from ..infra.errors import error_response
from ..infra.errors import input_message
from ..infra.errors import wants_json
from ..infra.knowledge import kb
from ..infra.ratelimit import rate_limited
from ..limits import BODY_MAX_WORDS
from ..limits import TOO_LARGE
from ..wording import DISCLAIMER
from .forms import ImportForm
from .presenters import present_import

bp = Blueprint("interop", __name__)


@bp.app_template_global()
def new_import_form() -> ImportForm:
    """An unbound import form for the checklist page's import panel."""
    return ImportForm(formdata=None)


@bp.get("/import")
def import_page() -> ResponseReturnValue:
    """The import panel lives on the checklist page."""
    return redirect(url_for("checklist.checklist") + "#import")


@bp.post("/import")
@rate_limited("imports")
def import_checklist() -> ResponseReturnValue:
    """Read the upload or pasted text and open the checklist pre-filled with it."""
    knowledge, hpo = kb(), load_hpo()
    form = ImportForm()
    try:
        if not form.validate_on_submit():
            problems = " ".join(e for errs in form.errors.values() for e in errs)  # translated by the form
            raise InputError("invalid_import", problems)
        payload = form.payload()
        if isinstance(payload, bytes):
            imported = import_bytes(payload, knowledge, hpo)
        else:
            imported = import_text(payload, knowledge, hpo)
    except InputError as err:
        checklist = checklist_form_class(knowledge)(formdata=None)
        return render_template(
            "checklist/form.html",
            **form_context(checklist, knowledge, import_form=form, import_error=input_message(err)),
        ), 400
    checklist = checklist_form_class(knowledge)(formdata=None)
    answers = imported.parsed.answers
    for slug in knowledge.findings:
        getattr(checklist, slug).data = answers.state(slug)
    checklist.onset.data = answers.onset
    checklist.carry(imported.parsed.other_terms)
    return render_template(
        "interop/imported.html", **form_context(checklist, knowledge, imported=present_import(imported, knowledge, hpo))
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(err: RequestEntityTooLarge) -> ResponseReturnValue:
    """A friendly page when the upload is over the size limit."""
    if wants_json():
        return error_response(413, gettext(TOO_LARGE, limit=BODY_MAX_WORDS))
    return render_template("interop/too_large.html", limit=BODY_MAX_WORDS), 413


@bp.get("/assessment/phenopacket.json")
def phenopacket_file() -> Response:
    """The shared result's checklist as a GA4GH Phenopacket v2 file."""
    parsed = parsed_query()
    packet = export_phenopacket(parsed.answers, kb(), load_hpo(), disclaimer=DISCLAIMER, other_terms=parsed.other_terms)
    return _attachment(
        json.dumps(packet, indent=2, ensure_ascii=False) + "\n", "application/json", "miop-checklist-phenopacket.json"
    )


@bp.get("/assessment/hpo.csv")
def hpo_csv_file() -> Response:
    """The shared result's HPO terms as a CSV file."""
    parsed = parsed_query()
    return _attachment(
        hpo_csv(parsed.answers, kb(), load_hpo(), disclaimer=DISCLAIMER, other_terms=parsed.other_terms),
        "text/csv",
        "miop-checklist-hpo-terms.csv",
    )


def _attachment(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # it describes a patient
    return response
