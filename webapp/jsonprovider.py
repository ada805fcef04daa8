"""A JSON provider that writes responses with orjson.

Encoding the result of POST /api/v1/assess (about 20 KB) took longer with the standard library
than evaluating the checklist did; orjson does it some ten times faster. Keys keep the order the
presenters build them in (config.JSON_SORT_KEYS = False says so; Flask 3 no longer reads that
key). Anything orjson refuses (an integer beyond 64 bits, say) and every other use of app.json
(the session cookie's serializer among them) goes through Flask's standard provider unchanged.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

# Datetimes and dataclasses go through Flask's own `default`, so they read as before (HTTP dates).
OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class FastJSONProvider(DefaultJSONProvider):
    """Flask's provider with orjson for jsonify() and view return values."""

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Serialize the data as jsonify() does, with orjson; fall back to the standard encoder."""
        obj = self._prepare_response_obj(args, kwargs)
        options = OPTIONS
        if (self.compact is None and self._app.debug) or self.compact is False:
            options |= orjson.OPT_INDENT_2
        try:
            body = orjson.dumps(obj, default=self.default, option=options)
        except orjson.JSONEncodeError:
            return super().response(obj)
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)
