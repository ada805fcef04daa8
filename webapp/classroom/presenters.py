"""Classroom data -> plain dicts for the dashboard, the projector, the student pages and the CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rules import Case
from rules import KnowledgeBase

from ..models import utcnow
from ..wording import DISCLAIMER
from . import charts
from .service import Answer
from .service import ExerciseFacts
from .service import ExerciseSummary
from .stats import ExerciseStats

CSV_COLUMNS = (
    "exercise",
    "case_position",
    "case_id",
    "case_title",
    "expected_lean",
    "nickname",
    "submitted_at_utc",
    "lean",
    "lean_right",
    "confidence_percent",
    "score_percent",
    "findings",
    "findings_hpo",
    "finding_slugs",
    "missed_key_findings",
    "mechanisms",
    "mechanism_slugs",
    "notes",
)


def status(exercise: ExerciseFacts, now: datetime | None = None) -> dict[str, Any]:
    """Whether the exercise is open, and the time left or why it is closed."""
    now = now or utcnow()
    deadline = exercise.deadline
    left, seconds_left = None, None
    if exercise.closed_at is not None:
        text, short = "Closed by the educator: answers are no longer accepted.", "closed"
    elif deadline is not None and now >= deadline:
        text, short = "The time limit has passed: answers are no longer accepted.", "time is up"
    elif deadline is not None:
        # Minutes left, rounded up, in no time zone at all: the room's clocks need not agree with UTC.
        minutes = max(1, -int(-(deadline - now).total_seconds() // 60))
        left = f"{minutes} min left"
        seconds_left = int((deadline - now).total_seconds())
        text, short = f"Open: {left}.", f"open, {left}"
    else:
        text, short = "Open: answers are accepted.", "open"
    return {
        "open": exercise.is_open(now),
        "text": text,
        "short": short,
        "left": left,
        "seconds_left": seconds_left,
        "closed_by_educator": exercise.closed_at is not None,
    }


def case_title(case: Case, position: int) -> str:
    """How a case is named in classroom pages: its position and title."""
    return f"Case {position}: {case.title}"


def present_summary(summary: ExerciseSummary) -> dict[str, Any]:
    """One line of the educator's "your exercises" list."""
    e = summary.exercise
    return {
        "code": e.code,
        "title": e.title,
        "status": status(e)["short"],
        "students": summary.students,
        "answers": summary.answers,
        "created": e.created_at.strftime("%Y-%m-%d %H:%M UTC"),
    }


def present_student_cases(cases: Sequence[Case], mine: dict[str, Answer], shown: set[str]) -> list[dict[str, Any]]:
    """A student's list of cases with what they answered; a score only for the cases in `shown`
    (a score follows the key: shown only once the student may see the feedback)."""
    return [
        {
            "n": i + 1,
            "title": case_title(c, i + 1),
            "answered": c.id in mine,
            "score_pct": round(mine[c.id].score * 100) if c.id in mine and c.id in shown else None,
        }
        for i, c in enumerate(cases)
    ]


def _most_ticked(s: Any, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The findings ticked most often, key or not (what the room may see before the reveal)."""
    ranked = sorted((f for f in s.findings if f.count), key=lambda f: -f.count)[:5]
    return [{"label": labels[f.slug], "count": f.count, "pct": charts.pct(f.count / s.answered)} for f in ranked]


def present_pace(pace: str, state: dict[str, Any], cases: Sequence[Case]) -> dict[str, Any] | None:
    """The educator's view of a class they pace (None in self pace): the state, the open case's
    number of stages, and what the next press of "advance" does (None when it does nothing)."""
    if pace != "educator":
        return None
    n, stage = state["case"], state["stage"]
    stages = len(cases[n - 1].unfolding) if n else 0
    if state["state"] != "running":
        advance = None
    elif stage is not None and stage < stages and not state["revealed"]:
        advance = f"Show stage {stage + 1} of {stages}"
    elif n < len(cases):
        advance = f"Open case {n + 1}"
    else:
        advance = "End the class"
    return {**state, "total": len(cases), "stages": stages, "advance": advance}


def present_key(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    """A case's answer key as the educator's dashboard shows it (never on the projector)."""
    return {
        "lean": charts.LEAN_LABEL[case.key.lean],
        "present": [kb.findings[s].label for s in case.key.present],
        "absent": [kb.findings[s].label for s in case.key.absent],
    }


@dataclass(frozen=True, slots=True)
class ClassResults:
    """The class's results, one view model for HTML and JSON alike: the dashboard and the
    projector render page(), GET /api/v1/exercises/<code>/results answers api(). Only the cases in
    `revealed` carry their key on the page (expected lean, misses, over-calls, key-coloured cells);
    the others show what the class answered and nothing that follows the key. `joined`: students
    who joined (answered or not; the statistics count those who answered)."""

    exercise: ExerciseFacts
    stats: ExerciseStats
    cases: Sequence[Case]
    kb: KnowledgeBase
    revealed: frozenset[str]
    joined: int | None = None

    def page(self, with_key: bool = False) -> dict[str, Any]:
        """Everything the dashboard and the projector show (no nicknames here). `with_key`: the
        dashboard's educator-only key of every case."""
        stats, cases, kb, shown, exercise = self.stats, self.cases, self.kb, self.revealed, self.exercise
        labels = {slug: f.label for slug, f in kb.findings.items()}
        names = [case_title(c, i + 1) for i, c in enumerate(cases)]
        return {
            "code": exercise.code,
            "title": exercise.title,
            "status": status(exercise),
            "feedback": exercise.feedback,
            "students": stats.students,
            "joined": stats.students if self.joined is None else self.joined,
            "submissions": stats.submissions,
            "all_revealed": all(c.id in shown for c in cases),
            "any_revealed": any(c.id in shown for c in cases),
            "any_hidden": any(c.id not in shown for c in cases),
            "heatmap": charts.heatmap(stats.cases, labels, names, shown),
            "cases": [
                {
                    "n": i + 1,
                    "id": s.case_id,
                    "name": names[i],
                    "title": cases[i].title,
                    "narrative": cases[i].narrative,
                    "answered": s.answered,
                    "revealed": s.case_id in shown,
                    "key": present_key(cases[i], kb) if with_key else None,  # the educator's eyes only
                    "expected_lean": charts.LEAN_LABEL[s.expected_lean] if s.case_id in shown else None,
                    "lean_chart": charts.lean_bars(s, s.case_id in shown),
                    "confidence_chart": charts.confidence_bars(s, s.case_id in shown),
                    "most_ticked": _most_ticked(s, labels) if s.answered else [],
                    "misses": [
                        {"label": labels[slug], "count": k, "pct": charts.pct(k / s.answered)}
                        for slug, k in s.top_misses
                    ],
                    "overcalls": [
                        {"label": labels[slug], "count": k, "pct": charts.pct(k / s.answered)}
                        for slug, k in s.top_overcalls
                    ],
                    "mean_confidence": charts.pct(s.mean_confidence / 100 if s.mean_confidence is not None else None),
                    "lean_accuracy": charts.pct(s.lean_accuracy),
                }
                for i, s in enumerate(stats.cases)
            ],
        }

    def api(self, now: datetime | None = None) -> dict[str, Any]:
        """The JSON answer of GET /api/v1/exercises/<code>/results (the educator's: every key)."""
        payload = results_payload(self.stats)
        for case in payload["cases"]:
            case["revealed"] = case["id"] in self.revealed
        exercise = self.exercise
        return {
            "code": exercise.code,
            "title": exercise.title,
            "open": exercise.is_open(now or utcnow()),
            "feedback": exercise.feedback,
            **payload,
        }


def results_payload(stats: ExerciseStats) -> dict[str, Any]:
    """The statistics in the JSON shape of the results answer (slugs and rates, no labels)."""
    return {
        "submissions": stats.submissions,
        "students": stats.students,
        "cases": [
            {
                "id": c.case_id,
                "answered": c.answered,
                "expected_lean": c.expected_lean,
                "lean_counts": c.lean_counts,
                "lean_accuracy": c.lean_accuracy,
                "mean_confidence": c.mean_confidence,
                "mean_score": c.mean_score,
                "top_misses": [{"finding": s, "students": k} for s, k in c.top_misses],
                "top_overcalls": [{"finding": s, "students": k} for s, k in c.top_overcalls],
                "findings": {
                    f.slug: {
                        "hit_rate": f.hit_rate,
                        "miss_rate": f.miss_rate,
                        "overcall_rate": f.overcall_rate,
                    }
                    for f in c.findings
                },
            }
            for c in stats.cases
        ],
    }


def _safe_cell(value: str) -> str:
    # A nickname like "=HYPERLINK(...)" must not become a formula when the CSV is opened.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def submissions_csv(
    exercise: ExerciseFacts, rows: Sequence[tuple[Answer, str]], cases: Sequence[Case], kb: KnowledgeBase
) -> str:
    """All submissions of the exercise as a clean CSV table: the header first, one row per student
    and case, labels and HPO ids beside the slugs, percentages as the pages show them, the case's
    title and expected answer; the disclaimer in the notes column of every row. `cases`: the
    exercise's, in its order."""
    positions = {c.id: i + 1 for i, c in enumerate(cases)}
    by_id = {c.id: c for c in cases}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def label(slug: str) -> str:
        return kb.findings[slug].label if slug in kb.findings else slug

    for sub, nickname in rows:
        case = by_id.get(sub.case_id)
        present = case.key.present if case else ()
        writer.writerow(
            [
                exercise.code,
                positions.get(sub.case_id, ""),
                sub.case_id,
                _safe_cell(case.title) if case else "",
                charts.LEAN_LABEL[case.key.lean] if case else "",
                _safe_cell(nickname),
                sub.submitted_at.strftime("%Y-%m-%d %H:%M:%S"),
                charts.LEAN_LABEL.get(sub.lean, sub.lean),
                ("yes" if sub.lean == case.key.lean else "no") if case else "",
                sub.confidence,
                round(sub.score * 100),
                "; ".join(label(s) for s in sub.findings),
                "; ".join(kb.findings[s].hpo for s in sub.findings if s in kb.findings),
                ";".join(sub.findings),
                "; ".join(label(s) for s in present if s not in sub.findings),
                "; ".join(kb.mechanisms[m].title if m in kb.mechanisms else m for m in sub.mechanisms),
                ";".join(sub.mechanisms),
                DISCLAIMER,
            ]
        )
    return out.getvalue()


def present_student_answers(cases: Sequence[Case], mine: dict[str, Answer], kb: KnowledgeBase) -> list[dict[str, Any]]:
    """One student's answers, case by case, beside each case's key (the educator's drill-down)."""
    rows = []
    for i, case in enumerate(cases):
        sub = mine.get(case.id)
        rows.append(
            {
                "name": case_title(case, i + 1),
                "expected": charts.LEAN_LABEL[case.key.lean],
                "answered": sub is not None,
                "lean": charts.LEAN_LABEL.get(sub.lean, sub.lean) if sub else None,
                "lean_right": sub is not None and sub.lean == case.key.lean,
                "confidence": sub.confidence if sub else None,
                "score": charts.pct(sub.score) if sub else None,
                "hits": [kb.findings[s].label for s in case.key.present if sub and s in sub.findings],
                "missed": [kb.findings[s].label for s in case.key.present if sub and s not in sub.findings],
                "extra": [
                    kb.findings[s].label
                    for s in (sub.findings if sub else [])
                    if s not in case.key.present and s in kb.findings
                ],
            }
        )
    return rows
