"""Cases, feedback and progress -> plain dicts for the practice pages and the cases API.

`present_case` never includes the answer key, the entry, the genes or the teaching points: it is
all a trainee (or an API client) sees before committing. `present_feedback` reveals them.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from rules import KnowledgeBase
from rules.cases import Case
from rules.progress import Summary
from rules.scoring import SCORE_RULE
from rules.scoring import WEIGHTS
from rules.scoring import Feedback

from ..differential import expected_rank
from ..presenters import DISCLAIMER
from ..presenters import lean_summary
from ..presenters import present_assessment
from ..presenters import source_dict

PUBLIC_LABELS = {
    "written": "Written case",
    "simulated": (
        "Simulated patient from the HPO annotations of an osteopetrosis entry (named after you answer)"
    ),
    "authored": "Case written by your educator",
}
LEAN_LABELS = {"recessive": "recessive", "dominant": "dominant", "indeterminate": "indeterminate"}
SEX_WORDS = {"female": "Female", "male": "Male"}


def present_case(case: Case) -> dict[str, Any]:
    """What may be shown before an attempt: the vignette, never its key."""
    return {
        "id": case.id,
        "title": case.title,
        "age": case.age,
        "sex": case.sex,
        "sex_label": SEX_WORDS.get(case.sex, case.sex),
        "narrative": case.narrative,
        "difficulty": case.difficulty,
        "kind": case.kind,
        "label": PUBLIC_LABELS.get(case.kind, ""),
    }


def _entry_url(entry: str) -> str:
    prefix, _, number = entry.partition(":")
    if prefix == "OMIM":
        return f"https://omim.org/entry/{number}"
    if prefix == "ORPHA":
        return f"https://www.orpha.net/en/disease/detail/{number}"
    return ""


def reveal_case(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    """The case after an attempt: what it models and its whole key."""
    key = case.key
    return {
        **present_case(case),
        "label": case.label,
        "entry": case.entry,
        "entry_name": case.entry_name,
        "entry_url": _entry_url(case.entry),
        "genes": list(case.genes),
        "expected_rank": expected_rank(case.entry, case.key.answers(), kb),  # issue 15: the ranking of types
        "engine_disagrees": case.engine_disagrees,
        "seed_misleads": case.seed_misleads,
        "key": {
            "present": list(key.present),
            "absent": list(key.absent),
            "absent_labels": [kb.findings[s].label for s in key.absent],
            "onset": key.onset,
            "onset_label": kb.onsets[key.onset].label,
            "family_history": key.family_history,
            "family_history_label": kb.family_histories[key.family_history].label,
            "lean": key.lean,
            "mechanisms": list(key.mechanisms),
        },
    }


def _finding(slug: str, kb: KnowledgeBase, absent_in_key: bool = False) -> dict[str, Any]:
    f = kb.findings[slug]
    return {
        "slug": slug,
        "label": f.label,
        "hpo": f.hpo,
        "mechanisms": [{"id": g, "title": kb.mechanisms[g].title} for g in f.groups],
        "source": source_dict(f.cite, kb),
        "absent_in_key": absent_in_key,
    }


def _mechanism(slug: str, kb: KnowledgeBase) -> dict[str, Any]:
    m = kb.mechanisms[slug]
    return {"slug": slug, "title": m.title, "explanation": m.explanation, "source": source_dict(m.cite, kb)}


def _lean_why(feedback: Feedback) -> str:
    """Why the expected lean is what it is, in words."""
    case, inh = feedback.case, feedback.engine.inheritance
    rules_say = lean_summary(inh.lean, inh.strength)
    if case.kind == "simulated":
        basis = f"The expected lean is the recorded inheritance of {case.entry}: {case.key.lean}."
    elif case.kind == "authored":  # a classroom case: the educator who wrote it set the key
        basis = f"The expected lean is the one the educator who wrote this case gave: {case.key.lean}."
    else:
        basis = (
            f"The expected lean is the inheritance of the entry this case models ({case.entry}): "
            f"{case.key.lean}."
        )
    if feedback.engine_agrees:
        return (
            f"{basis} The checklist's rules reach it too, from the case's findings, onset and family "
            f"history: {rules_say}"
        )
    return (
        f"{basis} The checklist's rules, given the same findings, onset and family history, say: {rules_say} "
        "The teaching points explain the difference."
    )


def present_feedback(feedback: Feedback, kb: KnowledgeBase) -> dict[str, Any]:
    """Everything the feedback page and the attempts API show, as plain data."""
    case, attempt = feedback.case, feedback.attempt
    engine = present_assessment(feedback.engine, kb)["inheritance"]
    return {
        "case": reveal_case(case, kb),
        "score": round(feedback.score, 3),
        "score_pct": round(feedback.score * 100),
        "rule": SCORE_RULE,
        "parts": {
            "findings": {"weight": WEIGHTS["findings"], "credit": round(feedback.finding_credit, 3)},
            "lean": {"weight": WEIGHTS["lean"], "credit": 1.0 if feedback.lean_correct else 0.0},
            "mechanisms": {"weight": WEIGHTS["mechanisms"], "credit": round(feedback.mechanism_credit, 3)},
        },
        "findings": {
            "hit": [_finding(s, kb) for s in feedback.hits],
            "missed": [_finding(s, kb) for s in feedback.missed],
            "extra": [_finding(s, kb, s in feedback.extra_absent) for s in feedback.extra],
        },
        "lean": {
            "correct": feedback.lean_correct,
            "given": attempt.lean,
            "expected": case.key.lean,
            "why": _lean_why(feedback),
            "rules": {
                "lean": engine["lean"],
                "strength": engine["strength"],
                "score": engine["score"],
                "summary": engine["summary"],
                "agrees": feedback.engine_agrees,
                "thresholds": engine["thresholds"],
            },
            "clues": engine["clues"],
        },
        "mechanisms": {
            "hit": [_mechanism(m, kb) for m in feedback.mechanisms_hit],
            "missed": [_mechanism(m, kb) for m in feedback.mechanisms_missed],
            "extra": [_mechanism(m, kb) for m in feedback.mechanisms_extra],
        },
        "teaching_points": [
            {"text": p.text, "kind": p.kind, "source": source_dict(p.cite, kb)} for p in case.teaching_points
        ],
        "confidence": attempt.confidence,
        "disclaimer": DISCLAIMER,
    }


def sparkline(values: Sequence[int], width: int = 160, height: int = 36) -> dict[str, Any] | None:
    """Points of an inline SVG line for scores in percent (None for fewer than two)."""
    if len(values) < 2:
        return None
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - v / 100 * (height - 4):.1f}" for i, v in enumerate(values)
    )
    last_x, last_y = points.split(" ")[-1].split(",")
    return {
        "width": width,
        "height": height,
        "points": points,
        "last_x": last_x,
        "last_y": last_y,
        "label": "Score trend, oldest to newest: " + ", ".join(f"{v} %" for v in values),
    }


def present_progress(summary: Summary, kb: KnowledgeBase) -> dict[str, Any]:
    """Progress for the library page: counts, trend, weakest findings, calibration bands."""
    return {
        "attempts": summary.attempts,
        "cases_done": len(summary.cases_done),
        "trend": list(summary.trend),
        "sparkline": sparkline(summary.trend),
        "latest": summary.trend[-1] if summary.trend else None,
        "weakest": [{"slug": s, "label": kb.findings[s].label, "missed": n} for s, n in summary.weakest],
        "calibration": [
            {
                "band": f"{b.low}–{b.high} %",
                "attempts": b.attempts,
                "right": b.right,
                "rate_pct": None if b.rate is None else round(b.rate * 100),
                "mean_score_pct": b.mean_score_pct,
            }
            for b in summary.calibration
        ],
    }


def present_library(cases: Mapping[str, Case], best: Mapping[str, int]) -> list[dict[str, Any]]:
    """The written cases for the library list, each with the best score so far (None if not tried)."""
    order = {"easy": 0, "medium": 1, "hard": 2}
    rows = [{**present_case(c), "best": best.get(c.id)} for c in cases.values()]
    return sorted(rows, key=lambda r: (order.get(r["difficulty"], 9), r["title"]))
