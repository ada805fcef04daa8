"""The web app's single way to reach the knowledge base."""

from flask import has_request_context

from rules import KNOWLEDGE_LANGUAGES
from rules import KnowledgeBase
from rules import load_knowledge

from .language import current_language


def kb() -> KnowledgeBase:
    """The loaded, validated knowledge base (cached by rules), its texts in the page's language where
    the knowledge has them (docs/languages.md), else English. Outside a request, and in English, it is
    the one English knowledge base."""
    lang = current_language() if has_request_context() else "en"
    return load_knowledge(lang if lang in KNOWLEDGE_LANGUAGES else "en")
