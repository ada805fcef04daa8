"""Certainty-based marking (UCL LAPT) of the lean and the Brier score of a history."""

from __future__ import annotations

import pytest

from rules.practice.certainty import certainty_of
from rules.practice.certainty import level_of
from rules.practice.certainty import mark
from rules.practice.progress import Record


@pytest.mark.parametrize(
    ("confidence", "level", "right", "wrong"),
    [(50, 1, 1, 0), (60, 1, 1, 0), (70, 2, 2, -2), (80, 2, 2, -2), (90, 3, 3, -6), (100, 3, 3, -6)],
)
def test_the_lapt_scheme(confidence, level, right, wrong):
    # LAPT: C=1,2,3 give +1,+2,+3 when right and 0,-2,-6 when wrong; C=1 is best under 67 %,
    # C=2 at 67-80 %, C=3 above 80 %: each form confidence maps to the level best for it.
    assert level_of(confidence) == level
    assert mark(confidence, True) == right and mark(confidence, False) == wrong


def test_the_level_best_for_a_confidence_has_the_highest_expected_mark():
    for confidence in range(50, 101, 10):
        p = confidence / 100
        expected = {c: p * mark(c, True) + (1 - p) * mark(c, False) for c in (50, 70, 90)}
        ours = next(c for c in expected if level_of(c) == level_of(confidence))
        assert expected[ours] >= max(expected.values()) - 1e-9, confidence  # at 67 % and 80 % two levels tie


def record(confidence, right):
    return Record("x", 50, right, confidence, ())


def test_marks_and_brier_over_a_history():
    history = [record(90, True), record(90, False), record(60, True), record(80, True)]
    c = certainty_of(history)
    assert c.total == 3 - 6 + 1 + 2 and c.best_possible == 12 and c.mean == pytest.approx(0.0)
    assert c.brier == pytest.approx(((0.9 - 1) ** 2 + 0.9**2 + (0.6 - 1) ** 2 + (0.8 - 1) ** 2) / 4)
    assert certainty_of([record(50, True), record(50, False)]).brier == pytest.approx(0.25)
    assert certainty_of([record(100, True)]).brier == 0
    empty = certainty_of([])
    assert empty.brier is None and empty.mean is None and empty.total == 0
