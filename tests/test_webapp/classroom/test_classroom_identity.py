"""identity.py is the one classroom module that knows how a request says who it is: no other
module reads Flask's session or the request's headers (an LMS launch then has one place to plug in)."""

from __future__ import annotations

import ast
from pathlib import Path

CLASSROOM = Path(__file__).resolve().parents[3] / "webapp" / "classroom"


def who_is_asked(path: Path) -> list[str]:
    """What the module uses to tell who the client is: flask.session, request.headers, request.cookies."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            found += [f"flask.{a.name}" for a in node.names if a.name == "session"]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ("headers", "cookies", "authorization")
            and isinstance(node.value, ast.Name)
            and node.value.id == "request"
        ):
            found.append(f"request.{node.attr}")
    return found


def test_only_identity_reads_the_session_or_the_headers():
    modules = sorted(CLASSROOM.rglob("*.py"))
    assert CLASSROOM / "identity.py" in modules
    assert who_is_asked(CLASSROOM / "identity.py")  # the check sees what identity.py does
    assert {
        p.relative_to(CLASSROOM).as_posix(): who_is_asked(p)
        for p in modules
        if p.name != "identity.py" and who_is_asked(p)
    } == {}
