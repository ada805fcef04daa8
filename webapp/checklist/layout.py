"""Arrange the checklist form's fields by mechanism for display."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from rules import KnowledgeBase

from ..wording import N_

PREMISE_GROUP = {
    "id": "premise",
    "title": N_("Imaging: dense bone (beyond the source document)"),
    "explanation": N_(
        "Every lean below assumes osteopetrosis, whose defining sign is dense bone on skeletal "
        "radiographs (GeneReviews NBK1127). Mark it absent when imaging shows normal or reduced "
        "bone density: the result then gives no lean."
    ),
}


def checklist_groups(form: Any, kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The findings outside every mechanism (the premise) first, then one group per mechanism; a
    finding in two groups is rendered in its first and cross-referenced."""
    ungrouped = [
        {"field": getattr(form, f.slug), "hpo": f.hpo, "also": []}
        for f in kb.findings.values()
        if not f.groups and not f.panel
    ]
    premise = {
        **PREMISE_GROUP,
        "title": gettext(PREMISE_GROUP["title"]),
        "explanation": gettext(PREMISE_GROUP["explanation"]),
        "app_words": True,  # the app's own words, not the knowledge's
    }
    groups: list[dict[str, Any]] = [{**premise, "rows": ungrouped, "also": []}] if ungrouped else []
    for mech in kb.mechanisms.values():
        rows, also = [], []
        for f in kb.findings.values():
            if mech.slug not in f.groups:
                continue
            if f.groups[0] == mech.slug:
                others = [kb.mechanisms[g].title for g in f.groups[1:]]
                rows.append({"field": getattr(form, f.slug), "hpo": f.hpo, "also": others})
            else:
                also.append({"label": f.label, "anchor": f"f-{f.slug}", "group": kb.mechanisms[f.groups[0]].title})
        groups.append(
            {"id": mech.slug, "title": mech.title, "explanation": mech.explanation, "rows": rows, "also": also}
        )
    for panel in kb.panels.values():  # findings beyond the source document, in their own marked panels
        rows = [
            {"field": getattr(form, f.slug), "hpo": f.hpo, "also": []}
            for f in kb.findings.values()
            if f.panel == panel.id
        ]
        groups.append(
            {
                "id": panel.id,
                "title": panel.title,
                "explanation": panel.explanation,
                "rows": rows,
                "also": [],
                "beyond": True,
                "note": panel.note,
            }
        )
    return groups
