"""A JSON provider that writes responses with orjson.

Encoding the result of POST /api/v1/assess (about 20 KB) took longer with the standard library
than evaluating the checklist did; orjson does it some ten times faster. Keys keep the order the
presenters build them in (orjson never sorts them). Anything orjson refuses (an integer beyond 64
bits, say) and every other use of app.json (the session cookie's serializer among them) goes
through Flask's standard provider unchanged, which sorts keys (its `sort_keys = True`).
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import cast
from typing import overload

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

# Datetimes and dataclasses go through Flask's own `default`, so they read as before (HTTP dates).
OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class JsonRow(Mapping[str, Any]):
    """A read-only row of knowledge whose JSON is encoded once, when it is built.

    Answers that include the row copy those bytes instead of encoding it again; templates read it
    like a dict. Only rows that depend on the knowledge alone are worth keeping this way.
    """

    __slots__ = ("_data", "fragment")

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self.fragment = orjson.Fragment(orjson.dumps(data, option=OPTIONS))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"JsonRow({self._data!r})"


# orjson's `default` for rows: their pre-encoded bytes, fetched in C (no Python call per row).
_FRAGMENT = operator.attrgetter("fragment")


class JsonRows(Sequence[JsonRow]):
    """A read-only list of knowledge rows, encoded once as a whole (a gene table, say)."""

    __slots__ = ("_rows", "fragment")

    def __init__(self, rows: list[JsonRow]) -> None:
        self._rows = rows
        self.fragment = orjson.Fragment(orjson.dumps(rows, default=_FRAGMENT))

    @overload
    def __getitem__(self, index: int) -> JsonRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[JsonRow]: ...

    def __getitem__(self, index: int | slice) -> JsonRow | list[JsonRow]:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[JsonRow]:
        return iter(self._rows)  # in C (Sequence's own __iter__ is a Python generator)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, JsonRows)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a list, so unhashable like one

    def __repr__(self) -> str:
        return f"JsonRows({self._rows!r})"


class FastJSONProvider(DefaultJSONProvider):
    """Flask's provider with orjson for jsonify() and view return values."""

    def default(self, o: Any) -> Any:
        """A JsonRow as the dict it holds; anything else as Flask's provider has it."""
        if isinstance(o, JsonRow):
            return dict(o)
        if isinstance(o, JsonRows):
            return list(o)
        return super().default(o)

    def encode(self, obj: Any) -> bytes:
        """The bytes of a JSON answer of `obj`, as `response` sends them (orjson.JSONEncodeError when orjson
        cannot encode it)."""
        options = OPTIONS | orjson.OPT_APPEND_NEWLINE  # as Flask ends a JSON answer, without copying it
        if (self.compact is None and self._app.debug) or self.compact is False:
            options |= orjson.OPT_INDENT_2
        return orjson.dumps(obj, default=_FRAGMENT, option=options)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Serialize the data as jsonify() does, with orjson; fall back to the standard encoder."""
        obj = self._prepare_response_obj(args, kwargs)
        # Flask annotates the app's response class (and its provider's answer) as Werkzeug's I/O-free
        # base class; on a Flask app, the only place this provider is installed, it is flask.Response.
        try:
            body = self.encode(obj)
        except orjson.JSONEncodeError:
            return cast(Response, super().response(obj))
        response_class = cast("type[Response]", self._app.response_class)
        return response_class(body, mimetype=self.mimetype)
