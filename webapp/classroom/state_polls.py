"""The class state's polls answered before Flask, while the worker's cached state is fresh.

In a paced lecture every phone asks `GET /api/v1/exercises/<code>/state` every one to two and a half
seconds: 1,000 phones make about 600 polls a second, most of them answered from the state the
worker computed in the last quarter of a second (service/state_cache.py). Flask's own work for such
a poll (the request context, the session, the before- and after-request hooks) costs several times
the answer itself, on the two cores the answers need (docs/performance.md). So this WSGI
middleware answers a poll itself when all of this holds, and otherwise hands it to Flask unchanged:

- the request is exactly `GET /api/v1/exercises/<code>/state` (no query string);
- the worker holds a fresh state for that code (`state_cache.fresh`: what the view would answer
  from the cache without asking the database);
- Flask already answered a poll with the same status (200 or 304) arriving the same way (scheme,
  Host header, port, script root): its headers are replayed (the security headers, Cache-Control,
  Vary, the content type), with this answer's ETag and length. So a Host or a port Flask refuses
  never reaches this path, and the headers are the app's, not a copy of them kept here.

What the poll skips: the session's refresh of a permanent cookie (the state never reads or writes
the session), and nothing else a state poll does (it is not rate-limited, logged or stored). The
body is the view's: the cached state, its seconds left counted down to now.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

import orjson
from flask import Flask
from werkzeug.http import parse_etags
from werkzeug.http import quote_etag

from ..infra.jsonprovider import FastJSONProvider
from . import service
from .service import state_cache

_PATH = re.compile(r"/api/v1/exercises/([A-Za-z0-9-]{1,64})/state")
_DROPPED = {"content-length", "etag", "set-cookie", "date"}  # per answer, or never replayed
MAX_TEMPLATES = 64  # (status, how the request arrived) pairs remembered per worker
_STATUS = {200: "200 OK", 304: "304 NOT MODIFIED"}

StartResponse = Callable[..., Any]


class StatePolls:
    """WSGI middleware around the Flask app's `wsgi_app` (see the module's docstring)."""

    def __init__(self, wsgi_app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app
        self._lock = threading.Lock()
        self._headers: dict[tuple[object, ...], list[tuple[str, str]]] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        match = _PATH.fullmatch(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "GET" else None
        if match is None or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        arrival = (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME", ""),
        )
        ttl = float(self.app.config["CLASS_STATE_CACHE_SECONDS"])
        fresh = state_cache.fresh(service.normalise_code(match.group(1)), ttl)
        if fresh is not None:
            body, tag = fresh
            status = 304 if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(tag) else 200
            headers = self._headers.get((status, *arrival))
            data = self._encoded(body) if status == 200 else b""
            if headers is not None and data is not None:
                etag = ("ETag", quote_etag(tag, weak=True))
                length = [("Content-Length", str(len(data)))] if status == 200 else []
                start_response(_STATUS[status], [*headers, etag, *length])
                return [data]
        return self.wsgi_app(environ, self._learning(start_response, arrival))

    def _encoded(self, body: dict[str, Any]) -> bytes | None:
        """The body as the view's JSON answer has it (None: leave it to Flask)."""
        if not isinstance(self.app.json, FastJSONProvider):
            return None
        try:
            return self.app.json.encode(body)
        except orjson.JSONEncodeError:
            return None

    def _learning(self, start_response: StartResponse, arrival: tuple[object, ...]) -> StartResponse:
        """start_response, keeping the headers of a 200 or 304 Flask answered for this arrival."""

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            code = int(status.split(" ", 1)[0])
            if code in _STATUS and exc_info is None:
                kept = [(k, v) for k, v in headers if k.lower() not in _DROPPED]
                with self._lock:
                    if len(self._headers) >= MAX_TEMPLATES and (code, *arrival) not in self._headers:
                        self._headers.pop(next(iter(self._headers)))
                    self._headers[(code, *arrival)] = kept
            return start_response(status, headers, exc_info)

        return start


def install(app: Flask) -> None:
    """Answer the class state's fresh polls before Flask (the module's docstring says when)."""
    app.wsgi_app = StatePolls(app.wsgi_app, app)  # type: ignore[method-assign]
