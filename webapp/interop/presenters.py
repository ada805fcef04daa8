"""An import's outcome as plain data for the pre-filled checklist page."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from rules import HpoIndex
from rules import Imported
from rules import KnowledgeBase


def present_import(imported: Imported, kb: KnowledgeBase, hpo: HpoIndex) -> dict[str, Any]:
    """What was read, what each term set, what mapped to nothing, and any notes."""
    parsed = imported.parsed
    onset = parsed.answers.onset
    return {
        "kind": imported.kind,
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
