"""The language a request is answered in: a `lang` parameter given, else the browser's Accept-Language.

Accept-Language is read in the order of the user's preferences (their quality values), each language
by its primary tag (es-CR is es, zh-TW is zh); the first the app has wins, and English when none
is. Werkzeug's own best_match is not used: it takes an exact match of a later preference before
the primary tag of an earlier one ("en-US, es;q=0.9" would be answered in Spanish).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from flask import g
from flask import has_app_context
from flask import request
from flask import url_for

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
    if not has_app_context():  # a presenter called outside a request (a script, a test): English
        return DEFAULT
    language = getattr(g, "language", DEFAULT)
    return language if isinstance(language, str) else DEFAULT


# --- The page language: a link's ?lang=, else the switch's cookie, else Accept-Language -------------
# The languages of the interface (a gettext catalog each, webapp/translations/). English is the source.
UI_LANGUAGES = ("en", "es")
# The languages a visitor may choose: the interface's, and those with official HPO labels only, whose
# pages stay in English for now (the HPO labels in them; /about says so).
LANGUAGES = ("en", "es", "fr", "ja", "zh", "pt")
# Each language's name in itself, for the switch.
NAMES = {"en": "English", "es": "Español", "fr": "Français", "ja": "日本語", "zh": "中文", "pt": "Português"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def choose_language() -> None:
    """Before each request: `g.language`. A page: its `lang` link parameter (kept in the cookie after),
    else the cookie the switch set, else Accept-Language. The API: Accept-Language alone (no cookie
    speaks for a program); its HPO search reads its own `lang` too."""
    if request.path.startswith("/api/"):
        g.language = preferred(request.accept_languages, LANGUAGES)
        return
    given = request.args.getlist("lang")
    if len(given) == 1 and given[0] in LANGUAGES:
        g.language = given[0]
        g.language_chosen = given[0]
        return
    cookie = request.cookies.get(COOKIE)
    g.language = cookie if cookie in LANGUAGES else preferred(request.accept_languages, LANGUAGES)


def ui_language() -> str:
    """The language of the interface's own words: the page language if there is a catalog for it,
    else English (Flask-Babel's locale selector)."""
    language = current_language()
    return language if language in UI_LANGUAGES else DEFAULT


def remember_language(response: Any) -> Any:
    """After each request: a language chosen by a link (the switch's links too) is kept in the cookie,
    and a page says that its words depend on the cookie and Accept-Language."""
    chosen = getattr(g, "language_chosen", None)
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(
            COOKIE, chosen, max_age=COOKIE_MAX_AGE, secure=request.is_secure, httponly=True, samesite="Lax"
        )
    if response.mimetype == "text/html" or request.path.startswith("/api/"):
        response.vary.add("Accept-Language")
        if not request.path.startswith("/api/"):
            response.vary.add("Cookie")
    return response


def lang_query(separator: str = "&") -> str:
    """What a shareable link adds so that it opens in this page's language ('' in English): a link
    sent or printed keeps the language it was made in."""
    language = current_language()
    return "" if language == DEFAULT else f"{separator}lang={language}"


def language_links(shared: str | None = None) -> list[dict[str, Any]]:
    """The switch: each language, its name, and this page in it (a GET page keeps its own query; a
    result reached by POST goes to its shareable link, `shared`; any other page to the checklist),
    the current one marked, the HPO-labels-only ones marked."""
    here = request.endpoint if request.method == "GET" and request.endpoint else "checklist.checklist"
    values: dict[str, Any] = {}
    if here == request.endpoint:
        values.update(request.view_args or {})
        values.update((k, v) for k, v in request.args.items() if k != "lang")
    current = current_language()
    posted_result = shared is not None and request.method != "GET"

    def url(code: str) -> str:
        if posted_result:
            return f"{url_for('checklist.shared')}?{shared}{'&' if shared else ''}lang={code}"
        return url_for(here, **{**values, "lang": code})

    return [
        {
            "code": code,
            "name": NAMES[code],
            "url": url(code),
            "current": code == current,
            "hpo_only": code not in UI_LANGUAGES,
        }
        for code in LANGUAGES
    ]
