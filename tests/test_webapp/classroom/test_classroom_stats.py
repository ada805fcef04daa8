"""The classroom's aggregation: pure functions over plain rows (no app, no database)."""

from __future__ import annotations

import pytest

from webapp.classroom import charts
from webapp.classroom.charts import confidence_bars
from webapp.classroom.charts import heatmap
from webapp.classroom.charts import lean_bars
from webapp.classroom.presenters import results_payload
from webapp.classroom.stats import Key
from webapp.classroom.stats import Row
from webapp.classroom.stats import case_stats
from webapp.classroom.stats import exercise_stats

VOCAB = ["fractures", "hypocalcemia", "anemia", "headaches", "tetany"]
KEY = Key(frozenset({"fractures", "hypocalcemia", "anemia"}), "recessive")


def row(
    student: int,
    findings: tuple[str, ...],
    lean: str = "recessive",
    confidence: int = 80,
    score: float = 0.5,
    case: str = "c1",
) -> Row:
    return Row(student, case, findings, lean, confidence, score)


ROWS = [
    row(1, ("fractures", "hypocalcemia", "anemia"), confidence=90, score=1.0),
    row(2, ("fractures", "headaches"), lean="dominant", confidence=70, score=0.3),
    row(3, ("fractures", "hypocalcemia", "headaches", "tetany"), confidence=80, score=0.6),
    row(4, (), lean="indeterminate", confidence=50, score=0.0),
    row(9, ("tetany",), case="other"),  # another case: never counted in c1
]


def test_hit_miss_and_overcall_rates_follow_the_scoring_rule():
    stats = case_stats("c1", KEY, ROWS, VOCAB)
    rates = {f.slug: f for f in stats.findings}
    assert stats.answered == 4
    assert (rates["fractures"].hit_rate, rates["fractures"].miss_rate) == (0.75, 0.25)
    assert (rates["hypocalcemia"].hit_rate, rates["hypocalcemia"].miss_rate) == (0.5, 0.5)
    assert (rates["anemia"].hit_rate, rates["anemia"].miss_rate) == (0.25, 0.75)
    assert rates["fractures"].overcall_rate is None  # in the key: cannot be over-called
    assert rates["headaches"].overcall_rate == 0.5 and rates["headaches"].hit_rate is None
    assert rates["tetany"].overcall_rate == 0.25
    assert [f.slug for f in stats.findings] == VOCAB


def test_top_misses_and_overcalls_are_ranked_by_count_then_vocabulary_order():
    stats = case_stats("c1", KEY, ROWS, VOCAB)
    assert stats.top_misses == (("anemia", 3), ("hypocalcemia", 2), ("fractures", 1))
    assert stats.top_overcalls == (("headaches", 2), ("tetany", 1))


def test_lean_distribution_accuracy_and_mean_confidence():
    stats = case_stats("c1", KEY, ROWS, VOCAB)
    assert stats.lean_counts == {"recessive": 2, "dominant": 1, "indeterminate": 1}
    assert stats.lean_accuracy == 0.5
    assert stats.mean_confidence == 72.5
    assert stats.mean_score == pytest.approx(0.475)


def test_a_case_nobody_answered_has_no_rates_rather_than_zeros():
    stats = case_stats("c1", KEY, [], VOCAB)
    assert stats.answered == 0
    assert all(f.hit_rate is None and f.overcall_rate is None for f in stats.findings)
    assert stats.top_misses == () and stats.mean_confidence is None and stats.lean_accuracy is None


def test_exercise_totals_count_students_once_and_keep_case_order():
    keys = {"other": Key(frozenset({"tetany"}), "dominant"), "c1": KEY}
    stats = exercise_stats(keys, ROWS, VOCAB)
    assert (stats.submissions, stats.students) == (5, 5)
    assert [c.case_id for c in stats.cases] == ["other", "c1"]
    payload = results_payload(stats)
    assert payload["cases"][1]["findings"]["anemia"] == {
        "hit_rate": 0.25,
        "miss_rate": 0.75,
        "overcall_rate": None,
    }
    assert payload["cases"][0]["lean_counts"] == {"recessive": 1, "dominant": 0, "indeterminate": 0}


def test_charts_carry_text_alternatives_and_only_presentation_colours():
    stats = case_stats("c1", KEY, ROWS, VOCAB)
    bars = lean_bars(stats)
    assert "expected: Recessive" in bars["title"] and "Dominant 1" in bars["title"]
    assert [r["label"] for r in bars["rows"]][0] == "Recessive ✓"
    hm = heatmap([stats], {s: s.title() for s in VOCAB}, ["Case 1: A"])
    cells = {c["title"].split(",")[0]: c for c in hm["cells"]}
    # Issue 16: a revealed case shows how many MISSED a key finding, the darker the more.
    assert cells["Anemia"]["text"] == "✗ 75%" and "missed by 75%" in cells["Anemia"]["title"]
    assert cells["Headaches"]["text"] == "+ 50%" and "over-called by 50%" in cells["Headaches"]["title"]
    assert all(c["fill"].startswith("#") for c in hm["cells"])
    assert hm["columns"][0]["label"] == "Case 1: A"  # the column is titled with the case's name


def test_everyone_missing_a_finding_is_the_strongest_cell_of_the_heat_map():
    rows = [Row(i, "c1", ("headaches",), "recessive", 80, 0.5) for i in range(4)]
    stats = case_stats("c1", KEY, rows, VOCAB)
    cells = {c["title"].split(",")[0]: c for c in heatmap([stats], {s: s.title() for s in VOCAB}, ["C"])["cells"]}
    assert cells["Anemia"]["fill"] == charts.RED[-1] and cells["Anemia"]["text"] == "✗ 100%"


def test_before_the_reveal_nothing_in_the_charts_follows_the_key():
    stats = case_stats("c1", KEY, ROWS, VOCAB)
    bars = lean_bars(stats, revealed=False)
    assert "expected" not in bars["title"] and all("✓" not in r["label"] for r in bars["rows"])
    assert [r["label"] for r in confidence_bars(stats, revealed=False)["rows"]] == ["Mean confidence"]
    hm = heatmap([stats], {s: s.title() for s in VOCAB}, ["Case 1: A"], revealed=set())
    fills = {c["fill"] for c in hm["cells"]}
    assert fills <= set(charts.GREY) | {charts.EMPTY}  # one neutral scale: key and non-key alike
    assert not any(("✗" in c["text"]) or ("+" in c["text"]) or "missed" in c["title"] for c in hm["cells"])
