"""How the tests themselves are written: helpers come from tests/support/ (imported from the checkout's
root, which pytest's `pythonpath` puts on sys.path); no test edits sys.path or imports from conftest,
which only pytest should load (docs/testing.md)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _offences(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "conftest"
            or isinstance(node, ast.Import)
            and any(alias.name == "conftest" for alias in node.names)
        ):
            found.append(f"{path.relative_to(TESTS)}:{node.lineno}: imports conftest (use tests.support)")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "path"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        ):
            found.append(f"{path.relative_to(TESTS)}:{node.lineno}: uses sys.path")
    return found


def test_no_test_imports_conftest_or_touches_sys_path():
    offences = [o for path in sorted(TESTS.rglob("*.py")) for o in _offences(path)]
    assert not offences, "\n".join(offences)


def test_every_test_module_has_its_own_file_name():
    """The test folders are not packages, so pytest imports each module by its file name alone: two
    modules with one name in different folders stop the whole run at collection ("import file
    mismatch"), and the fast tier, which skips the browser folder, would not notice."""
    seen: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        seen.setdefault(path.name, []).append(str(path.relative_to(TESTS)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}
