"""A test client whose pages are in a given language, set as the app's language hook sets it
(`g.language`, read by webapp.infra.language.current_language); the app's other clients keep theirs."""

from __future__ import annotations

from flask import Flask
from flask import g
from flask import request
from flask.testing import FlaskClient

HEADER = "X-Test-Language"


def client_in(app: Flask, lang: str) -> FlaskClient:
    """A client of `app` whose every request is answered in `lang`."""

    def set_language() -> None:
        if request.headers.get(HEADER):
            g.language = request.headers[HEADER]

    hooks = app.before_request_funcs.setdefault(None, [])
    if not any(getattr(h, "__name__", "") == "set_language" and h.__module__ == __name__ for h in hooks):
        hooks.append(set_language)  # after the app's own hooks: it decides the language
    client = app.test_client()
    client.environ_base["HTTP_X_TEST_LANGUAGE"] = lang
    return client
