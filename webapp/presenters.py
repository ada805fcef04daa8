"""Assessment -> plain dicts with display text and citations; shared by the HTML pages and the API.

Templates and JSON answers read only these dicts, so the two cannot drift, and no template
decides clinical meaning or builds a citation string.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from rules import Assessment
from rules import KnowledgeBase
from rules.inputs import Parsed
from rules.model import Citation
from rules.model import Clue

DISCLAIMER = ("Educational use only, not a diagnosis. This checklist does not replace clinical "
              "judgement or specialist care.")

LEAN_WORDS = {
    "recessive": "autosomal recessive osteopetrosis (MIOP)",
    "dominant": "autosomal dominant osteopetrosis",
}
STRENGTH_WORDS = {"weak": "weakly", "moderate": "moderately", "strong": "strongly"}
LEVEL_ORDER = {"urgent": 0, "high": 1, "context": 2}


def source_dict(cite: Citation, kb: KnowledgeBase) -> dict[str, str]:
    """A citation with its bibliography entry and a ready-to-print text."""
    src = kb.sources[cite.source]
    if src.kind == "seed":
        text = f"Source document: \u201c{cite.passage}\u201d"
    else:
        text = src.title + (f" ({cite.locator})" if cite.locator else "")
    return {"id": src.id, "kind": src.kind, "title": src.title, "url": src.url,
            "passage": cite.passage, "locator": cite.locator, "text": text}


def lean_summary(lean: str, strength: str | None) -> str:
    """The lean in plain words."""
    if lean == "indeterminate" or strength is None:
        return "Indeterminate: the findings entered do not lean either way."
    return f"The picture leans {STRENGTH_WORDS[strength]} toward {LEAN_WORDS[lean]}."


def _clue(clue: Clue, signed: float, kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "id": clue.id,
        "finding": clue.finding,
        "points_to": clue.points_to,
        "effect": clue.effect,
        "weight": clue.weight,
        "signed_weight": signed,
        "why": clue.why,
        "beyond_seed": clue.beyond_seed,
        "source": source_dict(clue.cite, kb),
    }


def share_query(assessment: Assessment) -> str:
    """The query string of the shareable link: slugs and options only, never free text."""
    answers = assessment.answers
    params: list[tuple[str, str]] = []
    for state in ("present", "absent"):
        slugs = [s for s, v in answers.findings.items() if v == state]
        if slugs:
            params.append((state, ",".join(sorted(slugs))))
    if answers.onset != "unknown":
        params.append(("onset", answers.onset))
    if answers.family_history != "unknown":
        params.append(("family_history", answers.family_history))
    return urlencode(params, safe=",")


def present_assessment(assessment: Assessment, kb: KnowledgeBase, parsed: Parsed | None = None,
                       ) -> dict[str, Any]:
    """Everything a result page or an API answer shows, as plain data."""
    inh = assessment.inheritance
    hits = [_clue(h.clue, h.signed_weight, kb) for h in inh.hits]
    toward = 1 if inh.lean == "recessive" else -1 if inh.lean == "dominant" else 0
    answers = assessment.answers
    findings = kb.findings
    return {
        "knowledge_version": kb.version,
        "inheritance": {
            "lean": inh.lean,
            "strength": inh.strength,
            "score": inh.score,
            "summary": lean_summary(inh.lean, inh.strength),
            "message": inh.message,
            "thresholds": {"weak": kb.thresholds.weak, "moderate": kb.thresholds.moderate,
                           "strong": kb.thresholds.strong},
            "clues": hits,
            # For a lean: the clues that pushed toward it, and those that pushed away. Indeterminate:
            # the clues toward recessive, then toward dominant.
            "clues_for": [c for c in hits if c["signed_weight"] * (toward or 1) > 0],
            "clues_against": [c for c in hits if c["signed_weight"] * (toward or 1) < 0],
        },
        "mechanisms": [
            {"id": m.mechanism.slug, "title": m.mechanism.title,
             "findings": [f.slug for f in m.findings],
             "finding_labels": [f.label for f in m.findings],
             "explanation": m.mechanism.explanation, "source": source_dict(m.mechanism.cite, kb)}
            for m in assessment.mechanisms
        ],
        "red_flags": sorted(
            ({"id": r.id, "level": r.level, "title": r.title, "why": r.why, "beyond_seed": r.beyond_seed,
              "source": source_dict(r.cite, kb)} for r in assessment.red_flags),
            key=lambda r: LEVEL_ORDER.get(r["level"], 9),
        ),
        "genes": [
            {"symbol": g.gene.symbol, "inheritance": g.gene.inheritance, "type": g.gene.seed_type,
             "omim": g.gene.omim, "omim_url": f"https://omim.org/entry/{g.gene.omim}", "code": g.gene.code,
             "in_seed": g.gene.in_seed,
             "consistent": g.consistent, "note": g.gene.note, "source": source_dict(g.gene.cite, kb)}
            for g in assessment.genes
        ],
        "next_checks": [
            {"kind": c.kind, "id": c.key, "label": c.label, "check": c.check, "impact": c.impact,
             "outcomes": [{"value": v, "lean": lean} for v, lean in c.outcomes]}
            for c in assessment.next_checks
        ],
        "hpo_terms": {
            state: [{"id": findings[s].hpo, "label": findings[s].label, "finding": s}
                    for s in findings if answers.state(s) == want]
            for state, want in (("present", "present"), ("excluded", "absent"))
        },
        "answers": {
            "findings": {s: answers.state(s) for s in findings},
            "present_labels": [findings[s].label for s in findings if answers.state(s) == "present"],
            "absent_labels": [findings[s].label for s in findings if answers.state(s) == "absent"],
            "onset": answers.onset,
            "onset_label": kb.onsets[answers.onset].label,
            "family_history": answers.family_history,
            "family_history_label": kb.family_histories[answers.family_history].label,
        },
        "recognized": [{"input": r.input, "finding": r.finding, "state": r.state}
                       for r in (parsed.recognized if parsed else ())],
        "unmapped": [{"input": u.input, "name": u.name, "related": list(u.related)}
                     for u in (parsed.unmapped if parsed else ())],
        "share_query": share_query(assessment),
        "disclaimer": DISCLAIMER,
    }


def present_vocabulary(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The finding vocabulary for /api/v1/findings and the about page."""
    return [
        {"slug": f.slug, "label": f.label, "hpo": f.hpo, "groups": list(f.groups),
         "anchors": list(f.anchors), "source": source_dict(f.cite, kb)}
        for f in kb.findings.values()
    ]
