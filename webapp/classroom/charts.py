"""Geometry for the dashboard's server-rendered SVG charts (no chart library, no inline style).

Each function returns plain dicts (sizes, rectangles, labels, colours as fill= values and a text
alternative); templates/classroom/_charts.html only draws them.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext

from ..wording import N_
from .stats import LEANS
from .stats import CaseStats

# Sequential scales, light to dark; text is dark on the first three steps and white on the last
# two, which keeps every label above 4.5:1 contrast.
BLUE = ("#eef4fb", "#c6dbef", "#8fb8dd", "#2f6fb0", "#0b3d75")
ORANGE = ("#fff4e6", "#ffd8a8", "#ffa94d", "#b4410b", "#7c2d12")
# Missed key findings: the darker, the more students missed it ("everyone missed it" is the
# strongest cell on the map). Before the reveal one neutral scale for every ticked finding, so the
# colours cannot follow the key.
RED = ("#fdeeee", "#f7c6c4", "#ee8f8a", "#b42318", "#7a1410")
GREY = ("#f1f3f5", "#d5dae0", "#aab3bd", "#56606b", "#2b3138")
EMPTY = "#f4f6f8"
INK, WHITE = "#1b1f24", "#ffffff"
LEAN_FILL = {"recessive": "#7a2e8e", "dominant": "#0f6b50", "indeterminate": "#4a5560"}
# The leans as exports write them (CSV: English, a data contract) and, through lean_label(), as pages do.
LEAN_LABEL = {"recessive": N_("Recessive"), "dominant": N_("Dominant"), "indeterminate": N_("Indeterminate")}


def lean_label(lean: str) -> str:
    """A lean as a page shows it, in the interface's language."""
    return gettext(LEAN_LABEL[lean]) if lean in LEAN_LABEL else lean


def pct(value: float | None) -> str:
    """A rate as a whole percent, or an en dash when there is nothing to show."""
    return "–" if value is None else f"{round(value * 100)}%"


def _step(value: float) -> int:
    return min(4, int(value * 5))


def lean_bars(case: CaseStats, revealed: bool = True) -> dict[str, Any]:
    """Horizontal bars: how many students chose each lean; the expected one is marked once revealed."""
    label_w, bar_w, row_h = 150, 220, 30
    rows = []
    for i, lean in enumerate(LEANS):
        count = case.lean_counts[lean]
        share = count / case.answered if case.answered else 0.0
        expected = revealed and lean == case.expected_lean
        rows.append(
            {
                "y": i * row_h,
                "label": lean_label(lean) + (" ✓" if expected else ""),
                "width": round(bar_w * share, 1),
                "fill": LEAN_FILL[lean],
                "value": f"{count} ({pct(share if case.answered else None)})",
                "value_x": label_w + bar_w * share + 6,
            }
        )
    summary = "; ".join(f"{lean_label(lean)} {case.lean_counts[lean]}" for lean in LEANS)
    return {
        "width": label_w + bar_w + 90,
        "height": row_h * len(LEANS),
        "label_w": label_w,
        "bar_h": row_h - 8,
        "rows": rows,
        "title": gettext("Leans chosen by %(n)s students", n=case.answered)
        + (" (" + gettext("expected: %(lean)s", lean=lean_label(case.expected_lean)) + ")" if revealed else "")
        + f": {summary}",
    }


def confidence_bars(case: CaseStats, revealed: bool = True) -> dict[str, Any]:
    """Mean confidence beside lean accuracy and mean score: over-confidence shows as a longer top bar.
    Before the reveal only the confidence (the other two follow from the key)."""
    label_w, bar_w, row_h = 150, 220, 30
    values = (
        (
            gettext("Mean confidence"),
            case.mean_confidence / 100 if case.mean_confidence is not None else None,
            "#0b5cad",
        ),
        (gettext("Lean right"), case.lean_accuracy, "#0f6b50"),
        (gettext("Mean score"), case.mean_score, "#4a5560"),
    )[: 3 if revealed else 1]
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


def _short(name: str, width: int = 26) -> str:
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def heatmap(
    cases: Sequence[CaseStats],
    labels: dict[str, str],
    case_names: Sequence[str],
    revealed: Collection[str] | None = None,
) -> dict[str, Any]:
    """Findings × cases. In a revealed case, key findings are red by how many students MISSED them
    (darker = more missed, "✗ 80%"), over-calls orange by how many ticked them although absent
    ("+ 30%"). In a case not revealed yet, every finding is grey by how many ticked it: nothing
    follows the key. The cell text says the same without colour."""
    label_w, cell_w, cell_h, head_h = 340, 84, 26, 150
    shown_key = set(c.case_id for c in cases) if revealed is None else set(revealed)
    slugs = list(labels)
    cell_columns: list[list[dict[str, Any]]] = []
    for col, case in enumerate(cases):
        by_slug = {f.slug: f for f in case.findings}
        open_key = case.case_id in shown_key
        cells: list[dict[str, Any]] = []
        cell_columns.append(cells)
        for row, slug in enumerate(slugs):
            f = by_slug[slug]
            n = case.answered
            if not n:
                fill, ink, shown, words = EMPTY, INK, "·", gettext("no answers yet")
            elif not open_key:
                value = f.count / n
                step = _step(value)
                fill, ink = (GREY[step], WHITE if step >= 3 else INK) if f.count else (EMPTY, INK)
                shown = pct(value) if f.count else "·"
                words = gettext("ticked by %(share)s", share=pct(value))
            elif f.expected:
                value = f.miss_rate or 0.0
                step = _step(value)
                fill, ink = (RED[step], WHITE if step >= 3 else INK) if value else (BLUE[0], INK)
                shown = f"✗ {pct(value)}" if value else "✓ " + gettext("all")
                words = gettext("in the case, missed by %(share)s", share=pct(value))
            else:
                value = f.overcall_rate or 0.0
                step = _step(value)
                fill, ink = (ORANGE[step], WHITE if step >= 3 else INK) if f.count else (EMPTY, INK)
                shown = f"+ {pct(value)}" if f.count else "·"
                words = gettext("not in the case, over-called by %(share)s", share=pct(value))
            cells.append(
                {
                    "x": label_w + col * cell_w,
                    "y": head_h + row * cell_h,
                    "fill": fill,
                    "ink": ink,
                    "text": shown,
                    "tx": label_w + col * cell_w + cell_w / 2,
                    "ty": head_h + row * cell_h + 17,
                    "title": f"{labels[slug]}, {case_names[col]}: {words}",
                }
            )
    return {
        "width": label_w + cell_w * max(1, len(cases)) + 120,
        "height": head_h + cell_h * len(slugs),
        "cell_w": cell_w - 2,
        "cell_h": cell_h - 2,
        # A label longer than its 340 px column (Spanish ones are) ends in "…"; each cell's title has it whole.
        "rows": [{"label": _short(labels[s], 46), "y": head_h + i * cell_h + 17} for i, s in enumerate(slugs)],
        # Case names slanted above their columns, so a long title still fits.
        "columns": [
            {
                "label": _short(case_names[i]),
                "x": label_w + i * cell_w + cell_w / 2 - 4,
                "y": head_h - 8,
                "transform": f"rotate(-35 {label_w + i * cell_w + cell_w / 2 - 4} {head_h - 8})",
            }
            for i in range(len(cases))
        ],
        "cells": [cell for column in cell_columns for cell in column],
        "cell_columns": cell_columns,  # the same cells, one list per case
        "title": gettext(
            "Heat map of findings by case. In a revealed case: red cells are findings of the case, darker "
            "when more students missed them (✗ and the share who missed it); orange cells are over-calls (+ and the "
            "share who ticked them). In a case not revealed yet: grey cells, darker when more students ticked the "
            "finding."
        ),
    }
