"""Classroom data -> plain dicts for the dashboard, the projector, the student pages and the CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rules import KnowledgeBase
from rules.cases import Case

from ..models import Exercise
from ..models import Submission
from ..models import utcnow
from ..presenters import DISCLAIMER
from . import charts
from .stats import ExerciseStats

CSV_COLUMNS = (
    "exercise",
    "case_position",
    "case_id",
    "nickname",
    "submitted_at_utc",
    "lean",
    "confidence",
    "score",
    "findings",
    "mechanisms",
)


def status(exercise: Exercise, now: datetime | None = None) -> dict[str, Any]:
    """Whether the exercise is open, and the time left or why it is closed."""
    now = now or utcnow()
    deadline = exercise.deadline
    if exercise.closed_at is not None:
        text = "Closed by the educator: answers are no longer accepted."
    elif deadline is not None and now >= deadline:
        text = "The time limit has passed: answers are no longer accepted."
    elif deadline is not None:
        minutes = max(1, round((deadline - now).total_seconds() / 60))
        text = f"Open: about {minutes} minute{'s' if minutes != 1 else ''} left (until {deadline:%H:%M} UTC)."
    else:
        text = "Open: answers are accepted."
    return {"open": exercise.is_open(now), "text": text, "closed_by_educator": exercise.closed_at is not None}


def case_title(case: Case, position: int) -> str:
    """How a case is named in classroom pages: its position and title."""
    return f"Case {position}: {case.title}"


def present_dashboard(
    exercise: Exercise, stats: ExerciseStats, cases: Sequence[Case], kb: KnowledgeBase
) -> dict[str, Any]:
    """Everything the dashboard and the projector show (no nicknames here)."""
    labels = {slug: f.label for slug, f in kb.findings.items()}
    names = [case_title(c, i + 1) for i, c in enumerate(cases)]
    return {
        "code": exercise.code,
        "title": exercise.title,
        "status": status(exercise),
        "students": stats.students,
        "submissions": stats.submissions,
        "heatmap": charts.heatmap(stats.cases, labels, names),
        "cases": [
            {
                "n": i + 1,
                "id": s.case_id,
                "name": names[i],
                "answered": s.answered,
                "expected_lean": charts.LEAN_LABEL[s.expected_lean],
                "lean_chart": charts.lean_bars(s),
                "confidence_chart": charts.confidence_bars(s),
                "misses": [
                    {"label": labels[slug], "count": k, "pct": charts.pct(k / s.answered)}
                    for slug, k in s.top_misses
                ],
                "overcalls": [
                    {"label": labels[slug], "count": k, "pct": charts.pct(k / s.answered)}
                    for slug, k in s.top_overcalls
                ],
                "mean_confidence": charts.pct(
                    s.mean_confidence / 100 if s.mean_confidence is not None else None
                ),
                "lean_accuracy": charts.pct(s.lean_accuracy),
            }
            for i, s in enumerate(stats.cases)
        ],
    }


def _safe_cell(value: str) -> str:
    # A nickname like "=HYPERLINK(...)" must not become a formula when the CSV is opened.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def submissions_csv(exercise: Exercise, rows: Sequence[tuple[Submission, str]]) -> str:
    """All submissions of the exercise as CSV text (one row per student and case)."""
    positions = {c.case_id: c.position + 1 for c in exercise.cases}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"# {DISCLAIMER}"])
    writer.writerow(CSV_COLUMNS)
    for sub, nickname in rows:
        writer.writerow(
            [
                exercise.code,
                positions.get(sub.case_id, ""),
                sub.case_id,
                _safe_cell(nickname),
                sub.submitted_at.strftime("%Y-%m-%d %H:%M:%S"),
                sub.lean,
                sub.confidence,
                f"{sub.score:.4f}",
                ";".join(sub.findings),
                ";".join(sub.mechanisms),
            ]
        )
    return out.getvalue()
