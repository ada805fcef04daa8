"""The pieces of the OpenAPI 3.1 description that several domains' API modules use, as plain dicts.

Request schemas say exactly what the API accepts (the fuzz tests send schema-valid bodies and expect
them accepted, schema-invalid ones and expect a 4xx). Each API module declares its own PATHS with
these; webapp/openapi.py assembles the document.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error", "disclaimer"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
        "disclaimer": {"type": "string"},
    },
}
# An HPO id as the parsers take it: HP: (any case) and seven ASCII digits.
HPO_ID_PATTERN = r"[Hh][Pp]:[0-9]{7}"
# The characters Python's str.strip() removes, which is how the parsers trim input. Spelled out
# because \s means different things to JSON Schema (ECMA 262), Python and other regex engines.
SPACES = r"[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"
# Such spaces and the control characters: free text (a title, a nickname) needs one character that is
# neither (VISIBLE) to be left with something once it is put on one line.
INVISIBLE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
VISIBLE = f"[^{INVISIBLE}]"


def ref(name: str) -> dict[str, str]:
    """A reference to one of the document's component schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


def error_responses(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for s in statuses}


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}
