"""Forms rendered once per process and filled in per request.

The unfilled checklist page and the practice attempt form are the same for every visitor except for
a few values: the CSRF token and, for the attempt form, the URL it posts to. Rendering them took most
of those pages' server time, so each is rendered once per process into HTML with slots (placeholders)
where those values go, and each request puts its own values into the slots, HTML-escaped.

What the cache holds is the same for everyone, by construction: the shared render runs in a request
context of its own, made from the page's path, the app's mount point and the page language alone. It
never sees the visitor's cookies, session, query string, headers or body, and its CSRF token is the
slot itself. A page that shows what a visitor entered (a prefilled link, a form with errors) is
rendered normally, never from here. The app sets no CSP nonce (its policy allows no inline script or
style), so the token and the action URL are the only values that differ from one request to another.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from collections.abc import Mapping

from flask import Flask
from flask import current_app
from flask import g
from flask import request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from markupsafe import escape

from .language import current_language

# Drawn once per process, so a slot can never equal text a template writes, and no two slots can be
# confused. Letters, digits and dashes only: HTML escaping and URL quoting leave a slot as it is.
SLOT_MARK = secrets.token_hex(8)
SLOT_PATTERN = re.compile(rf"slot-{SLOT_MARK}-([a-z_]+)")
CSRF_SLOT = "csrf"
# Keys are (form, language, mount point): a handful in any deployment. The bound keeps a server that
# is reached under many odd mount points from growing the cache; past it pages are rendered per request.
MAX_SHARED_RENDERS = 32


def slot(name: str) -> str:
    """The placeholder a shared render writes where this request's value `name` goes."""
    return f"slot-{SLOT_MARK}-{name}"


def page_language() -> str:
    """The language of the page to serve (webapp/infra/language.py chose it: link, cookie or
    Accept-Language); the cache is keyed by it."""
    return current_language()


def prerendered(name: str, path: str, render: Callable[[], str], values: Mapping[str, str] | None = None) -> Markup:
    """The HTML that `render` gives, rendered once per (name, language, mount point), with this
    request's CSRF token and `values` (slot name -> text) put into its slots, escaped.

    `render` runs in a request context for `path` that carries nothing of the visitor's request;
    it writes slot(name) wherever a value of `values` goes.
    """
    shared = shared_renders(current_app)
    key = (name, page_language(), request.script_root)
    parts = shared.get(key)
    if parts is None:
        parts = SLOT_PATTERN.split(_render_shared(path, key[1], render))
        if len(shared) < MAX_SHARED_RENDERS:
            shared[key] = parts
    return Markup(_fill(parts, values or {}))


def shared_renders(app: Flask) -> dict[tuple[str, str, str], list[str]]:
    """This app's shared renders: (form, language, mount point) -> the HTML split at its slots (text,
    slot name, text, ...). Only what every visitor gets (see the module docstring). Kept on the app,
    as its configuration (CSRF on or off, say) shapes them."""
    shared: dict[tuple[str, str, str], list[str]] = app.extensions.setdefault("prerendered", {})
    return shared


def _render_shared(path: str, language: str, render: Callable[[], str]) -> str:
    """Run `render` in a request context of its own: the page's path under this app's mount point
    and host (both checked already), the language, and no cookie, query, header or body of the
    visitor's. Its CSRF token is the slot (flask-wtf reuses a token it finds on `g`)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    base_url = request.host_url.rstrip("/") + request.script_root
    with app.app_context(), app.test_request_context(path, base_url=base_url, headers={"Accept-Language": language}):
        g.language = language  # the request hooks do not run here: the language is set as chosen
        setattr(g, app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), slot(CSRF_SLOT))
        return render()


def _fill(parts: list[str], values: Mapping[str, str]) -> str:
    """The shared HTML with each slot replaced by its value, escaped (the CSRF token is this request's)."""
    out = parts[:]
    for i in range(1, len(out), 2):
        name = out[i]
        out[i] = escape(generate_csrf() if name == CSRF_SLOT else values[name])
    return "".join(out)
