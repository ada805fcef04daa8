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
from rules.core.translations import LANGUAGES
from rules.core.translations import Catalog
from rules.core.translations import coverage
from rules.core.translations import english
from rules.core.translations import overlay_files
from rules.core.translations import overlay_problems
from rules.core.translations import stale_rows


def knowledge_files() -> list[str]:
    """Every knowledge file's name under rules/knowledge: the declared files, then the cases."""
    folder = resources.files("rules").joinpath("knowledge", "cases")
    cases = sorted(f"cases/{item.name}" for item in folder.iterdir() if item.name.endswith(".toml"))
    overlays = [name for lang in LANGUAGES for name in overlay_files(lang)]
    return [*FILES, *cases, *overlays]


def _problems(name: str, catalog: Catalog) -> list[str]:
    if name.startswith("i18n/"):  # a translation overlay: rows of the English knowledge (rules/core/translations.py)
        return overlay_problems(name, loader._read(name), catalog)
    return problems(name, loader._read(name))


def shape_problems() -> list[str]:
    """Every shape problem of every knowledge file (empty when all follow their schema), the
    translation overlays' rows included (an id or a field the English does not have)."""
    catalog = english.__wrapped__()  # read afresh, like the files
    return [problem for name in knowledge_files() for problem in _problems(name, catalog)]


def stale_problems() -> list[str]:
    """Every translation made from an English text that has changed since (docs/languages.md)."""
    return [
        f"i18n/{lang}/{r.kind}.toml: [{r.id}] {r.field}: stale, the English changed since it was translated"
        for lang in LANGUAGES[1:]
        for r in stale_rows(lang, english.__wrapped__())
    ]


def check_knowledge() -> tuple[list[str], str]:
    """The problems `flask kb-check` reports (none when the knowledge is sound), and a one-line summary."""
    found = shape_problems()
    if found:
        return found, f"{len(found)} problem(s) in the shape of the knowledge files"
    found = stale_problems()
    if found:
        return found, f"{len(found)} stale translation(s)"
    from rules.checklist import fresh_knowledge
    from rules.checklist import load_knowledge
    from rules.differential import load_model
    from rules.differential.model import entry_facts
    from rules.practice.cases import load_cases
    from rules.practice.observations import load_vocabulary
    from rules.practice.simulate import load_entries
    from rules.practice.simulate import templates

    try:
        kb = fresh_knowledge()  # read afresh: the cached base may predate the files
        cases = load_cases()
        load_vocabulary()
        templates()
        entries = entry_facts()
        load_entries()
        load_model(load_knowledge())
        for lang in LANGUAGES[1:]:
            fresh_knowledge(lang)
    except KnowledgeError as err:
        return str(err).splitlines(), "the knowledge files do not load"
    return [], (
        f"knowledge OK: {len(knowledge_files())} files, {len(kb.findings)} findings, {len(kb.clues)} clues, "
        f"{len(kb.red_flags)} red flags, {len(cases)} cases, {len(entries)} differential entries; translated texts: "
        + ", ".join(f"{lang} {_translated(lang)}" for lang in LANGUAGES[1:])
    )


def _translated(lang: str) -> str:
    counts = coverage(lang, english.__wrapped__()).values()
    return f"{sum(c[0] for c in counts)} of {sum(c[2] for c in counts)}"
