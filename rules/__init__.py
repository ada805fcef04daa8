"""MIOP Checklist rule module: knowledge as data and a small pure engine (no web imports).

This is the boundary: the web app imports from `rules` only, never from its modules (ruff's
banned-api rule, pyproject.toml, enforces it). What it may use is listed in __all__. A few names
are given here a clearer name than their module's own (`append_record` for progress.append, say),
since out of their module they would read as anything. Importing this loads no data: the knowledge,
the HPO terms, the case library and the differential model load on first use (each is cached), and
py-fsrs is imported by rules/review.py only when a card is scheduled.
"""

from .cases import AnswerKey
from .cases import Case
from .cases import case_from_mapping
from .cases import load_cases
from .cases import mechanisms_of
from .certainty import BEST_WHEN as CERTAINTY_BEST_WHEN
from .certainty import MARKS as CERTAINTY_MARKS
from .certainty import certainty_of
from .certainty import level_of
from .certainty import mark as certainty_mark
from .conditions import holds
from .differential import DISAGREEMENT_SOURCE
from .differential import MATCH_WORDS
from .differential import Evidence
from .differential import Ranking
from .differential import disagreement
from .differential import load_model as load_differential
from .differential import rank as rank_differential
from .engine import evaluate
from .hpo import HPO_ID
from .hpo import HpoIndex
from .hpo import load_hpo
from .inputs import InputError
from .inputs import Parsed
from .inputs import whole_number
from .library import get_case
from .loader import KnowledgeError
from .loader import load_knowledge
from .model import STATES
from .model import Answers
from .model import Assessment
from .model import Citation
from .model import ClueHit
from .model import GeneMatch
from .model import KnowledgeBase
from .model import MechanismHit
from .model import NextCheck
from .model import RedFlagHit
from .model import State
from .model import WorkupItem
from .observations import load_vocabulary
from .phenopacket import Imported
from .phenopacket import export_phenopacket
from .phenopacket import hpo_csv
from .phenopacket import import_bytes
from .phenopacket import import_text
from .plan import Handouts
from .plan import handouts
from .progress import Record
from .progress import Summary
from .progress import append as append_record
from .progress import decode as decode_records
from .progress import record_of
from .progress import summarize
from .progress import weak_spot_case
from .reference import lean_of
from .request import parse_request
from .review import items as review_items
from .review import next_due
from .review import pick as review_pick
from .review import review as schedule_review
from .scoring import CONFIDENCE_MAX
from .scoring import CONFIDENCE_MIN
from .scoring import SCORE_RULE
from .scoring import WEIGHTS as SCORE_WEIGHTS
from .scoring import Attempt
from .scoring import Feedback
from .scoring import parse_attempt
from .scoring import score_attempt
from .simulate import MAX_SEED
from .simulate import case_id_for
from .simulate import offered_entries
from .unfolding import Unfolding
from .unfolding import unfolding_of

__all__ = [
    # the knowledge and the engine
    "STATES", "Answers", "Assessment", "Citation", "ClueHit", "GeneMatch", "Handouts", "KnowledgeBase",
    "KnowledgeError", "MechanismHit", "NextCheck", "RedFlagHit", "State", "WorkupItem",
    "evaluate", "handouts", "holds", "lean_of", "load_knowledge",
    # loose input: HPO terms, /assess bodies, phenopackets
    "HPO_ID", "HpoIndex", "Imported", "InputError", "Parsed", "export_phenopacket", "hpo_csv", "import_bytes",
    "import_text", "load_hpo", "parse_request", "whole_number",
    # the differential
    "DISAGREEMENT_SOURCE", "MATCH_WORDS", "Evidence", "Ranking", "disagreement", "load_differential",
    "rank_differential",
    # practice: cases, attempts, certainty, progress, review
    "CERTAINTY_BEST_WHEN", "CERTAINTY_MARKS", "CONFIDENCE_MAX", "CONFIDENCE_MIN",
    "MAX_SEED", "SCORE_RULE", "SCORE_WEIGHTS", "AnswerKey", "Attempt",
    "Case", "Feedback", "Record", "Summary", "Unfolding", "append_record", "case_from_mapping", "case_id_for",
    "certainty_mark", "certainty_of", "decode_records", "get_case", "level_of", "load_cases", "load_vocabulary",
    "mechanisms_of", "next_due", "offered_entries", "parse_attempt", "record_of", "review_items", "review_pick",
    "schedule_review", "score_attempt", "summarize", "unfolding_of", "weak_spot_case",
]
