"""MIOP Checklist rule module: knowledge as data and a small pure engine (no web imports)."""

from .cases import AnswerKey  # noqa: E402  (practice and classroom: the case library)
from .cases import Case  # noqa: E402
from .cases import load_cases  # noqa: E402
from .conditions import holds
from .engine import evaluate
from .library import get_case
from .loader import KnowledgeError
from .loader import load_knowledge
from .model import STATES
from .model import Answers
from .model import Assessment
from .model import KnowledgeBase
from .model import State
from .reference import lean_of
from .scoring import Attempt  # noqa: E402
from .scoring import Feedback  # noqa: E402
from .scoring import score_attempt  # noqa: E402

__all__ = [
    "STATES",
    "AnswerKey",
    "Answers",
    "Assessment",
    "Attempt",
    "Case",
    "Feedback",
    "KnowledgeBase",
    "KnowledgeError",
    "State",
    "evaluate",
    "get_case",
    "holds",
    "lean_of",
    "load_cases",
    "load_knowledge",
    "score_attempt",
]
