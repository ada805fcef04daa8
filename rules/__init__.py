"""MIOP Checklist rule module: knowledge as data and a small pure engine (no web imports).

This is the boundary: the web app imports from `rules` only, never from its modules (ruff's
banned-api rule, pyproject.toml, enforces it). What it may use is listed in __all__. A few names
are given here a clearer name than their module's own (`append_record` for progress.append, say),
since out of their module they would read as anything. Importing this loads no data: the knowledge,
the HPO terms, the case library and the differential model load on first use (each is cached), and
py-fsrs is imported by rules/practice/review.py only when a card is scheduled.
"""

from .checklist import load_knowledge
from .checklist.engine import evaluate
from .checklist.plan import Handouts
from .checklist.plan import handouts
from .checklist.reference import lean_of
from .core.conditions import holds
from .core.errors import InputError
from .core.errors import KnowledgeError
from .core.hpo import HPO_ID
from .core.hpo import HpoIndex
from .core.hpo import load_hpo
from .core.hpo_labels import LANGUAGES as HPO_LANGUAGES
from .core.hpo_labels import HpoLabels
from .core.hpo_labels import hpo_label
from .core.hpo_labels import load_labels as load_hpo_labels
from .core.hpo_search import Hit as HpoHit
from .core.hpo_search import load_search_index as load_hpo_search
from .core.hpo_search import search as search_hpo
from .core.inputs import Parsed
from .core.inputs import whole_number
from .core.model import STATES
from .core.model import Answers
from .core.model import Assessment
from .core.model import Citation
from .core.model import ClueHit
from .core.model import GeneMatch
from .core.model import KnowledgeBase
from .core.model import MechanismHit
from .core.model import NextCheck
from .core.model import RedFlagHit
from .core.model import State
from .core.model import WorkupItem
from .core.translations import LANGUAGES as KNOWLEDGE_LANGUAGES
from .core.translations import Text as TranslatedText
from .core.translations import text_in
from .differential import DISAGREEMENT_SOURCE
from .differential import MATCH_WORDS
from .differential import Column as DifferentialColumn
from .differential import Entry
from .differential import Evidence
from .differential import Fit
from .differential import Item as DifferentialItem
from .differential import Ranked
from .differential import Ranking
from .differential import disagreement
from .differential import load_model as load_differential
from .differential import lookalikes
from .differential import prepare as prepare_differential
from .differential import rank as rank_differential
from .differential import ranked_as
from .interop import Imported
from .interop import export_phenopacket
from .interop import hpo_csv
from .interop import import_bytes
from .interop import import_text
from .interop import lab_request_lines
from .kbcheck import check_knowledge
from .practice.cases import AnswerKey
from .practice.cases import Case
from .practice.cases import case_from_mapping
from .practice.cases import load_cases
from .practice.cases import mechanisms_of
from .practice.certainty import BEST_WHEN as CERTAINTY_BEST_WHEN
from .practice.certainty import MARKS as CERTAINTY_MARKS
from .practice.certainty import certainty_of
from .practice.certainty import level_of
from .practice.certainty import mark as certainty_mark
from .practice.decisions import MAX_DIFFERENTIAL
from .practice.decisions import NOTHING as NOTHING_URGENT
from .practice.decisions import EntryChoice
from .practice.decisions import differential_choices
from .practice.decisions import keyed_choices
from .practice.decisions import next_step_choices
from .practice.drill import DrillCard
from .practice.drill import anki_note
from .practice.drill import next_card as next_drill_card
from .practice.ids import PATTERN as PUBLIC_CASE_ID_PATTERN
from .practice.library import get_case
from .practice.library import in_language as case_in_language
from .practice.library import public_id as public_case_id
from .practice.observations import load_vocabulary
from .practice.progress import MIN_BAND_ATTEMPTS
from .practice.progress import Record
from .practice.progress import Summary
from .practice.progress import append as append_record
from .practice.progress import decode as decode_records
from .practice.progress import decode_attempt
from .practice.progress import encode_attempt
from .practice.progress import record_of
from .practice.progress import summarize
from .practice.progress import weak_spot_case
from .practice.review import RATINGS
from .practice.review import items as review_items
from .practice.review import next_due
from .practice.review import pick as review_pick
from .practice.review import rate as rate_card
from .practice.review import review as schedule_review
from .practice.scoring import CONFIDENCE_MAX
from .practice.scoring import CONFIDENCE_MIN
from .practice.scoring import SCORE_RULE
from .practice.scoring import WEIGHTS as SCORE_WEIGHTS
from .practice.scoring import Attempt
from .practice.scoring import DecisionMarks
from .practice.scoring import Feedback
from .practice.scoring import mark_decisions
from .practice.scoring import parse_attempt
from .practice.scoring import score_attempt
from .practice.simulate import MAX_SEED
from .practice.simulate import case_id_for
from .practice.simulate import offered_entries
from .practice.unfolding import Unfolding
from .practice.unfolding import unfolding_of
from .request import parse_request

__all__ = [
    # the knowledge and the engine
    "STATES",
    "Answers",
    "Assessment",
    "Citation",
    "ClueHit",
    "GeneMatch",
    "Handouts",
    "KnowledgeBase",
    "KnowledgeError",
    "MechanismHit",
    "NextCheck",
    "RedFlagHit",
    "State",
    "WorkupItem",
    "check_knowledge",
    "evaluate",
    "handouts",
    "holds",
    "lean_of",
    "load_knowledge",
    # the knowledge's texts in other languages (docs/languages.md)
    "KNOWLEDGE_LANGUAGES",
    "TranslatedText",
    "text_in",
    # loose input: HPO terms, /assess bodies, phenopackets
    "HPO_ID",
    "HpoIndex",
    "Imported",
    "InputError",
    "Parsed",
    "export_phenopacket",
    "hpo_csv",
    "lab_request_lines",
    "import_bytes",
    "import_text",
    "load_hpo",
    "parse_request",
    # HPO labels in other languages, and the HPO search
    "HPO_LANGUAGES",
    "HpoHit",
    "HpoLabels",
    "hpo_label",
    "load_hpo_labels",
    "load_hpo_search",
    "search_hpo",
    "whole_number",
    # the differential
    "DISAGREEMENT_SOURCE",
    "MATCH_WORDS",
    "Entry",
    "Evidence",
    "Fit",
    "Ranking",
    "disagreement",
    "load_differential",
    "DifferentialColumn",
    "DifferentialItem",
    "Ranked",
    "lookalikes",
    "prepare_differential",
    "ranked_as",
    "rank_differential",
    # practice: cases, attempts, certainty, progress, review
    "CERTAINTY_BEST_WHEN",
    "CERTAINTY_MARKS",
    "CONFIDENCE_MAX",
    "CONFIDENCE_MIN",
    "MAX_SEED",
    "SCORE_RULE",
    "SCORE_WEIGHTS",
    "AnswerKey",
    "Attempt",
    "Case",
    "Feedback",
    "Record",
    "Summary",
    "Unfolding",
    "MIN_BAND_ATTEMPTS",
    "PUBLIC_CASE_ID_PATTERN",
    "append_record",
    "decode_attempt",
    "encode_attempt",
    "public_case_id",
    "case_from_mapping",
    "case_in_language",
    "case_id_for",
    "certainty_mark",
    "certainty_of",
    "decode_records",
    "get_case",
    "level_of",
    "load_cases",
    "load_vocabulary",
    "mechanisms_of",
    "next_due",
    "offered_entries",
    "parse_attempt",
    "record_of",
    "review_items",
    "review_pick",
    "schedule_review",
    "score_attempt",
    "mark_decisions",
    "DecisionMarks",
    "summarize",
    "unfolding_of",
    "weak_spot_case",
    # practice: the drill of due cards and the Anki export
    "RATINGS",
    "DrillCard",
    "anki_note",
    "next_drill_card",
    "rate_card",
    # practice: the decisions (differential, next step)
    "MAX_DIFFERENTIAL",
    "NOTHING_URGENT",
    "EntryChoice",
    "differential_choices",
    "keyed_choices",
    "next_step_choices",
]
