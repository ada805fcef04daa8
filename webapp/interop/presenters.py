"""An import's outcome as plain data for the pre-filled checklist page."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from rules import HpoIndex
from rules import Imported
from rules import KnowledgeBase


def _kind_words(kind: str) -> str:
    """What was read, in the page's words (rules names it in English: "an HPO term list", "a GA4GH
    phenopacket (schema v2)")."""
    if kind == "an HPO term list":
        return gettext("an HPO term list")
    if kind.startswith("a GA4GH phenopacket (schema v") and kind.endswith(")"):
        return gettext(
            "a GA4GH phenopacket (schema v%(version)s)", version=kind[len("a GA4GH phenopacket (schema v") : -1]
        )
    return kind


def present_import(imported: Imported, kb: KnowledgeBase, hpo: HpoIndex) -> dict[str, Any]:
    """What was read, what each term set, what mapped to nothing, and any notes."""
    parsed = imported.parsed
    onset = parsed.answers.onset
    return {
        "kind": _kind_words(imported.kind),
        "set_count": len(parsed.answers.findings),
        "rows": [
            {
                "term": r.input,
                "name": hpo.name(r.input) or "",
                "finding": kb.findings[r.finding].label,
                "anchor": f"f-{r.finding}",
                "state": r.state,
            }
            for r in parsed.recognized
        ],
        "unmapped": [
            {
                "term": u.input,
                "name": u.name or gettext("not a term of this HPO release"),
                "related": [kb.findings[s].label for s in dict.fromkeys(u.related) if s in kb.findings],
            }
            for u in parsed.unmapped
        ],
        "onset": None if onset == "unknown" else {"label": kb.onsets[onset].label, "source": imported.onset_from},
        "notes": list(imported.notes),
    }
