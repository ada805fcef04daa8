"""The checklist engine: the knowledge as the engine uses it (load_knowledge), the reference tables
(lean and next checks), the plan that tabulates every clue, flag and card once, and evaluate()."""

from __future__ import annotations

import functools

from rules.core.errors import KnowledgeError
from rules.core.loader import read_knowledge
from rules.core.model import KnowledgeBase
from rules.core.translations import localize

from .plan import prepare


def _prepared(kb: KnowledgeBase) -> KnowledgeBase:
    try:
        prepare(kb)
    except ValueError as err:
        raise KnowledgeError(str(err)) from None
    return kb


def fresh_knowledge(lang: str = "en") -> KnowledgeBase:
    """The knowledge base read afresh from the files, in `lang`, prepared (not cached)."""
    return _prepared(localize(read_knowledge(), lang))


@functools.cache
def _cached(lang: str) -> KnowledgeBase:
    return _prepared(read_knowledge() if lang == "en" else localize(_cached("en"), lang))


def load_knowledge(lang: str = "en") -> KnowledgeBase:
    """Read, validate and prepare the knowledge base (cached: the files never change at run time),
    its texts in `lang` (docs/languages.md: the overlays of rules/knowledge/i18n; English is the
    knowledge itself, one object however it is asked for). Knowledge the engine cannot tabulate, or
    an overlay that does not fit the English, is refused here, not on a first request."""
    return _cached(lang)


load_knowledge.__wrapped__ = fresh_knowledge  # type: ignore[attr-defined]  # read afresh (kb-check, tests)

__all__ = ["fresh_knowledge", "load_knowledge"]
