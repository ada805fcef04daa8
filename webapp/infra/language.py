"""The language a request is answered in: a `lang` parameter given, else the browser's Accept-Language.

Accept-Language is read in the order of the user's preferences (their quality values), each language
by its primary tag (es-CR is es, zh-TW is zh); the first the app has wins, and English when none
is. Werkzeug's own best_match is not used: it takes an exact match of a later preference before
the primary tag of an earlier one ("en-US, es;q=0.9" would be answered in Spanish).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

from flask import g
from flask import request

DEFAULT = "en"


def preferred(accepted: Iterable[tuple[str, float]], available: Sequence[str]) -> str:
    """The first of the accepted languages (value, quality: best first) the app has, by primary tag."""
    for value, quality in accepted:
        if quality <= 0:
            continue
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if primary in available:
            return primary
        if primary == "*":
            return DEFAULT
    return DEFAULT


def request_language(available: Sequence[str]) -> str | None:
    """The request's language among `available`: its `lang` parameter if given once and available,
    None if it is given but unusable (given twice, or a language the app does not have), else from
    Accept-Language."""
    given = request.args.getlist("lang")
    if given:
        return given[0] if len(given) == 1 and given[0] in available else None
    return preferred(request.accept_languages, available)


def current_language() -> str:
    """The language this request's pages and the app's own texts are shown in (English until a request
    hook sets `g.language`). Views pass it to `rules` functions that give translated texts."""
    language = getattr(g, "language", DEFAULT)
    return language if isinstance(language, str) else DEFAULT
