"""The checklist engine: the knowledge as the engine uses it (load_knowledge), the reference tables
(lean and next checks), the plan that tabulates every clue, flag and card once, and evaluate()."""

from __future__ import annotations

import functools

from rules.core.errors import KnowledgeError
from rules.core.loader import read_knowledge
from rules.core.model import KnowledgeBase

from .plan import prepare


@functools.cache
def load_knowledge() -> KnowledgeBase:
    """Read, validate and prepare the knowledge base (cached: the files never change at run time).
    Knowledge the engine cannot tabulate is refused here, not on a first request."""
    kb = read_knowledge()
    try:
        prepare(kb)
    except ValueError as err:
        raise KnowledgeError(str(err)) from None
    return kb


__all__ = ["load_knowledge"]
