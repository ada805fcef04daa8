"""The shareable link of a result, both ways: the query string a result page links to, and that query
read back into answers (GET / pre-filled, GET /assessment, and the exports of webapp/interop/views.py)."""

from __future__ import annotations

from flask import abort
from flask import request
from flask_babel import gettext

from rules import InputError
from rules import Parsed
from rules import load_hpo
from rules import parse_request

from ..infra.errors import input_message
from ..infra.knowledge import kb

# The link's query parameters; any other is refused (a 400), so a mistyped link does not pass unseen.
# `lang` is the page language (webapp/infra/language.py reads it); the answers ignore it.
PARAMETERS = ("present", "absent", "onset", "family_history", "entries", "lang")
# `entries=all`: the result page lists every ranked entry by name (by default the first LISTED_ENTRIES).
ENTRIES_VALUES = ("all",)


def share_query(present: list[str], absent: list[str], onset: str, family_history: str) -> str:
    """The query string of the shareable link: slugs, HPO ids and options only, never free text.

    Slugs need no escaping (the loader admits lower-case letters, digits and underscores only), and
    HPO ids (HP: and seven digits, checked on the way in) need none in a query either.
    """
    params = [f"present={','.join(sorted(present))}"] if present else []
    if absent:
        params.append(f"absent={','.join(sorted(absent))}")
    if onset != "unknown":
        params.append(f"onset={onset}")
    if family_history != "unknown":
        params.append(f"family_history={family_history}")
    return "&".join(params)


def _query_body() -> dict[str, object]:
    """The shareable link's query (present=a,b&absent=c&onset=&family_history=) as an /assess body."""
    findings: dict[str, str] = {}
    for state in ("absent", "present"):
        for item in request.args.get(state, "").split(","):
            if item.strip():
                findings[item.strip()] = state
    return {
        "findings": findings,
        "onset": request.args.get("onset"),
        "family_history": request.args.get("family_history"),
    }


def parsed_query() -> Parsed:
    """The shareable-link query parsed into answers; 400 for anything it does not take."""
    unknown = sorted(set(request.args) - set(PARAMETERS))
    if unknown:
        abort(400, gettext("Unknown link parameter(s): %(names)s.", names=", ".join(unknown)))
    if request.args.get("entries", "all") not in ENTRIES_VALUES:
        abort(400, gettext("The link parameter entries takes one value: all."))
    try:
        return parse_request(_query_body(), kb(), load_hpo())
    except InputError as err:
        abort(400, input_message(err))
