"""The layout a reader relies on: no import circles inside rules/ or webapp/ (imports inside
functions count too: hiding one in a function does not break the circle)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports, anywhere in its code."""
    files = {}
    for path in (ROOT / package).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    edges: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = (
                    ".".join(here[: len(here) - node.level + 1] + [node.module or ""]).strip(".")
                    if node.level
                    else node.module or ""
                )
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            edges[name] |= {t for t in targets if t in files and t != name}
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: each module that can reach itself again, with the way back."""
    found = []
    for start in edges:
        seen, stack = set(), [(start, [start])]
        while stack:
            module, way = stack.pop()
            for nxt in edges[module]:
                if nxt == start:
                    found.append(way)
                elif nxt not in seen and nxt != "rules" and nxt != "webapp":  # the package itself re-exports
                    seen.add(nxt)
                    stack.append((nxt, [*way, nxt]))
    return found


@pytest.mark.parametrize("package", ["rules", "webapp"])
def test_no_module_imports_itself_back_round_a_circle(package):
    assert circles(imports_of(package)) == []


def test_the_check_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"], ["b", "a"]]


# The domains of rules/ and which others each may use (docs/architecture.md): core is shared by all,
# the checklist engine and the differential stand on core alone, practice builds on all three.
DOMAIN_USES = {
    "core": set(),
    "checklist": {"core"},
    "differential": {"core"},
    "interop": {"core"},
    "practice": {"core", "checklist", "differential"},
}


def domain_edges(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(domain, domain it imports) for every import between two domains of rules/."""

    def domain(module: str) -> str | None:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 and parts[1] in DOMAIN_USES else None

    return {
        (domain(a), domain(b))
        for a, targets in edges.items()
        for b in targets
        if domain(a) and domain(b) and domain(a) != domain(b)
    }  # type: ignore[misc]


def test_each_domain_of_rules_uses_only_the_domains_below_it():
    wrong = {(a, b) for a, b in domain_edges(imports_of("rules")) if b not in DOMAIN_USES[a]}
    assert wrong == set()


def test_the_domain_check_finds_a_wrong_way_import():
    assert domain_edges({"rules.core.loader": {"rules.checklist.plan"}}) == {("core", "checklist")}


# webapp/ by domain: the plumbing every domain uses (infra/) and the API's shared pieces (api/) know no
# domain; a domain may use another's public pieces (interop reads the checklist's link and form), the
# top-level modules (create_app, openapi.py) wire them all.
WEB_DOMAINS = ("webapp.checklist", "webapp.interop", "webapp.practice", "webapp.classroom")


@pytest.mark.parametrize("layer", ["webapp.infra", "webapp.api"])
def test_the_shared_layers_of_webapp_import_no_domain(layer):
    edges = imports_of("webapp")
    # api/views.py serves the assembled document: it reaches the domains through webapp.openapi only.
    reached = {
        (module, target)
        for module, targets in edges.items()
        if module.startswith(layer)
        for target in targets
        if target.startswith(WEB_DOMAINS)
    }
    assert reached == set()
