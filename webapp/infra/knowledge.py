"""The web app's single way to reach the knowledge base."""

from rules import KnowledgeBase
from rules import load_knowledge


def kb() -> KnowledgeBase:
    """The loaded, validated knowledge base (cached by rules)."""
    return load_knowledge()
