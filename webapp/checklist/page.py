"""The result page's view model: the presented assessment, plus what only the page shows.

The JSON answer refers to clues by id and to sources by id (a small answer:
docs/decisions/0010-compact-answer-and-knowledge-document.md); the page needs the rows themselves, the labels
of the findings that raised each red flag, the words for each next check's outcomes and the date it
was made. Nothing here decides clinical meaning.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

from flask_babel import gettext

from rules import KnowledgeBase

from ..wording import N_
from .presenters import cite_text

STRENGTH = {"weak": N_("weak"), "moderate": N_("moderate"), "strong": N_("strong")}
# How the page writes each lean (its id is the API's word).
LEAN_WORD = {
    "x_linked": N_("X-linked"),
    "recessive": N_("recessive"),
    "dominant": N_("dominant"),
    "indeterminate": N_("indeterminate"),
    "unknown": N_("unknown"),  # a gene's or an entry's inheritance not recorded
}
STATE_WORD = {"present": N_("present"), "absent": N_("absent")}  # a finding's outcome in a next check
LEVEL_WORD = {"urgent": N_("urgent"), "high": N_("high"), "context": N_("context")}  # a red flag's level
PREMISE_TITLES = {
    "confirmed": N_("Dense bone on imaging: entered"),
    "unconfirmed": N_("Not yet confirmed: osteopetrosis"),
    "contradicted": N_("Argues against osteopetrosis"),
}


def lean_word(lean: str) -> str:
    """A lean in the page's words."""
    return gettext(LEAN_WORD[lean]) if lean in LEAN_WORD else lean


def level_word(level: str) -> str:
    """A red flag's level in the page's words."""
    return gettext(LEVEL_WORD[level]) if level in LEVEL_WORD else level


def _outcome_words(kind: str, value: str, kb: KnowledgeBase) -> str:
    if kind == "onset":
        return kb.onsets[value].label
    if kind == "family_history":
        return kb.family_histories[value].label
    return gettext(STATE_WORD[value]) if value in STATE_WORD else value


def result_page(result: dict[str, Any], kb: KnowledgeBase, today: datetime | None = None) -> dict[str, Any]:
    """What the result page shows beside the presented assessment."""
    inh = result["inheritance"]
    clues = {row["id"]: row for row in inh["clues"]}
    labels = {s: f.label for s, f in kb.findings.items()}
    premise = result["premise"] or {"state": "unconfirmed", "message": ""}
    return {
        "clues_for": [clues[i] for i in inh["clues_for"]],
        "clues_against": [clues[i] for i in inh["clues_against"]],
        "flags": [{**row, "finding_labels": [labels[s] for s in row["findings"]]} for row in result["red_flags"]],
        "next_checks": [
            {
                **row,
                "outcome_words": [
                    f"{_outcome_words(row['kind'], o['value'], kb)} \u2192 {lean_word(o['lean'])}"
                    + (f", {gettext(STRENGTH[o['strength']])}" if o["strength"] else "")
                    for o in row["outcomes"]
                ],
            }
            for row in result["next_checks"]
        ],
        "workup": [{**row, "finding_labels": [labels[s] for s in row["findings"]]} for row in result["workup"]],
        "premise": {**premise, "title": gettext(PREMISE_TITLES[premise["state"]])},
        "lean_word": lean_word(inh["lean"]),
        "strength_word": gettext(STRENGTH[inh["strength"]]) if inh.get("strength") in STRENGTH else "",
        "date": (today or datetime.now(UTC)).strftime("%Y-%m-%d"),
    }


def cite_parts(ref: Any, kb: KnowledgeBase) -> tuple[str, str]:
    """A citation's text and link for the cite macro (a source dict or an answer's reference)."""
    return cite_text(ref, kb)
