"""`flask kb-check`: every knowledge file against its schema, then every loader (docs/knowledge-schema.md).

First each file of rules/knowledge (and every case under cases/) is checked against its declared shape
(rules/core/schema.py), all problems of all files at once; then, when the shapes hold, the knowledge base
is read afresh and the case library, the observation vocabulary, the simulation templates, the
differential's entries and its model are loaded, each reporting what its own loader refuses.
"""

from __future__ import annotations

from importlib import resources

from rules.core import loader
from rules.core.errors import KnowledgeError
from rules.core.schema import FILES
from rules.core.schema import problems


def knowledge_files() -> list[str]:
    """Every knowledge file's name under rules/knowledge: the declared files, then the cases."""
    folder = resources.files("rules").joinpath("knowledge", "cases")
    cases = sorted(f"cases/{item.name}" for item in folder.iterdir() if item.name.endswith(".toml"))
    return [*FILES, *cases]


def shape_problems() -> list[str]:
    """Every shape problem of every knowledge file (empty when all follow their schema)."""
    return [problem for name in knowledge_files() for problem in problems(name, loader._read(name))]


def check_knowledge() -> tuple[list[str], str]:
    """The problems `flask kb-check` reports (none when the knowledge is sound), and a one-line summary."""
    found = shape_problems()
    if found:
        return found, f"{len(found)} problem(s) in the shape of the knowledge files"
    from rules.checklist import load_knowledge
    from rules.differential import load_model
    from rules.differential.model import entry_facts
    from rules.practice.cases import load_cases
    from rules.practice.observations import load_vocabulary
    from rules.practice.simulate import load_entries
    from rules.practice.simulate import templates

    try:
        kb = load_knowledge.__wrapped__()  # read afresh: the cached base may predate the files
        cases = load_cases()
        load_vocabulary()
        templates()
        entries = entry_facts()
        load_entries()
        load_model(load_knowledge())
    except KnowledgeError as err:
        return str(err).splitlines(), "the knowledge files do not load"
    return [], (
        f"knowledge OK: {len(knowledge_files())} files, {len(kb.findings)} findings, {len(kb.clues)} clues, "
        f"{len(kb.red_flags)} red flags, {len(cases)} cases, {len(entries)} differential entries"
    )
