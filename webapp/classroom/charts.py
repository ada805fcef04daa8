"""Geometry for the dashboard's server-rendered SVG charts (no chart library, no inline style).

Each function returns plain dicts (sizes, rectangles, labels, colours as fill= values and a text
alternative); templates/classroom/_charts.html only draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .stats import LEANS
from .stats import CaseStats

# Sequential scales, light to dark; text is dark on the first three steps and white on the last
# two, which keeps every label above 4.5:1 contrast.
BLUE = ("#eef4fb", "#c6dbef", "#8fb8dd", "#2f6fb0", "#0b3d75")
ORANGE = ("#fff4e6", "#ffd8a8", "#ffa94d", "#b4410b", "#7c2d12")
EMPTY = "#f4f6f8"
INK, WHITE = "#1b1f24", "#ffffff"
LEAN_FILL = {"recessive": "#7a2e8e", "dominant": "#0f6b50", "indeterminate": "#4a5560"}
LEAN_LABEL = {"recessive": "Recessive", "dominant": "Dominant", "indeterminate": "Indeterminate"}


def pct(value: float | None) -> str:
    """A rate as a whole percent, or an en dash when there is nothing to show."""
    return "–" if value is None else f"{round(value * 100)}%"


def _step(value: float) -> int:
    return min(4, int(value * 5))


def lean_bars(case: CaseStats) -> dict[str, Any]:
    """Horizontal bars: how many students chose each lean; the expected one is marked."""
    label_w, bar_w, row_h = 150, 220, 30
    rows = []
    for i, lean in enumerate(LEANS):
        count = case.lean_counts[lean]
        share = count / case.answered if case.answered else 0.0
        expected = lean == case.expected_lean
        rows.append(
            {
                "y": i * row_h,
                "label": LEAN_LABEL[lean] + (" ✓" if expected else ""),
                "width": round(bar_w * share, 1),
                "fill": LEAN_FILL[lean],
                "value": f"{count} ({pct(share if case.answered else None)})",
                "value_x": label_w + bar_w * share + 6,
            }
        )
    summary = "; ".join(f"{LEAN_LABEL[lean]} {case.lean_counts[lean]}" for lean in LEANS)
    return {
        "width": label_w + bar_w + 90,
        "height": row_h * len(LEANS),
        "label_w": label_w,
        "bar_h": row_h - 8,
        "rows": rows,
        "title": f"Leans chosen by {case.answered} students "
        f"(expected: {LEAN_LABEL[case.expected_lean]}): {summary}",
    }


def confidence_bars(case: CaseStats) -> dict[str, Any]:
    """Mean confidence beside lean accuracy and mean score: over-confidence shows as a longer top bar."""
    label_w, bar_w, row_h = 150, 220, 30
    values = (
        (
            "Mean confidence",
            case.mean_confidence / 100 if case.mean_confidence is not None else None,
            "#0b5cad",
        ),
        ("Lean right", case.lean_accuracy, "#0f6b50"),
        ("Mean score", case.mean_score, "#4a5560"),
    )
    rows = [
        {
            "y": i * row_h,
            "label": label,
            "width": round(bar_w * (v or 0.0), 1),
            "fill": fill,
            "value": pct(v),
            "value_x": label_w + bar_w * (v or 0.0) + 6,
        }
        for i, (label, v, fill) in enumerate(values)
    ]
    return {
        "width": label_w + bar_w + 60,
        "height": row_h * len(rows),
        "label_w": label_w,
        "bar_h": row_h - 8,
        "rows": rows,
        "title": "; ".join(f"{r['label']} {r['value']}" for r in rows),
    }


def heatmap(cases: Sequence[CaseStats], labels: dict[str, str], case_names: Sequence[str]) -> dict[str, Any]:
    """Findings × cases: blue cells are findings of the case (darker = found by more students),
    orange cells are over-calls (darker = ticked by more students although absent from the case)."""
    label_w, cell_w, cell_h, head_h = 340, 74, 26, 30
    slugs = list(labels)
    cells = []
    for col, case in enumerate(cases):
        by_slug = {f.slug: f for f in case.findings}
        for row, slug in enumerate(slugs):
            f = by_slug[slug]
            if f.expected:
                value, scale, text = f.hit_rate, BLUE, "found"
            else:
                value, scale, text = f.overcall_rate, ORANGE, "over-called by"
            if value is None or (not f.expected and f.count == 0):
                fill, ink, shown = (EMPTY, INK, "·") if not f.expected else (BLUE[0], INK, "–")
            else:
                step = _step(value)
                fill, ink = scale[step], (WHITE if step >= 3 else INK)
                shown = ("" if f.expected else "+") + pct(value)
            cells.append(
                {
                    "x": label_w + col * cell_w,
                    "y": head_h + row * cell_h,
                    "fill": fill,
                    "ink": ink,
                    "text": shown,
                    "tx": label_w + col * cell_w + cell_w / 2,
                    "ty": head_h + row * cell_h + 17,
                    "title": f"{labels[slug]}, {case_names[col]}: "
                    + (
                        f"{'in the case' if f.expected else 'not in the case'}, {text} {pct(value)}"
                        if value is not None
                        else "no answers yet"
                    ),
                }
            )
    return {
        "width": label_w + cell_w * max(1, len(cases)),
        "height": head_h + cell_h * len(slugs),
        "cell_w": cell_w - 2,
        "cell_h": cell_h - 2,
        "rows": [{"label": labels[s], "y": head_h + i * cell_h + 17} for i, s in enumerate(slugs)],
        "columns": [
            {"label": f"Case {i + 1}", "x": label_w + i * cell_w + cell_w / 2} for i in range(len(cases))
        ],
        "cells": cells,
        "title": "Heat map of findings by case: blue cells are findings of the case, darker when more "
        "students found them; orange cells are over-calls, darker when more students ticked them.",
    }
