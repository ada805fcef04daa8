"""MIOP Checklist rule module: knowledge as data and a small pure engine (no web imports)."""

from .engine import evaluate
from .engine import holds
from .engine import lean_of
from .loader import KnowledgeError
from .loader import load_knowledge
from .model import STATES
from .model import Answers
from .model import Assessment
from .model import KnowledgeBase
from .model import State

__all__ = [
    "STATES",
    "Answers",
    "Assessment",
    "KnowledgeBase",
    "KnowledgeError",
    "State",
    "evaluate",
    "holds",
    "lean_of",
    "load_knowledge",
]
