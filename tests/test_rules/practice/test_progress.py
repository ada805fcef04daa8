"""Progress records: compact, capped, calibration by confidence band, weak-spot pick."""

from __future__ import annotations

import json

from rules import load_knowledge
from rules.practice.cases import load_cases
from rules.practice.library import get_case
from rules.practice.progress import MAX_RECORDS
from rules.practice.progress import Record
from rules.practice.progress import append
from rules.practice.progress import calibration
from rules.practice.progress import decode
from rules.practice.progress import record_of
from rules.practice.progress import summarize
from rules.practice.progress import weak_spot_case
from rules.practice.scoring import Attempt
from rules.practice.scoring import score_attempt

KB = load_knowledge()


def test_a_record_round_trips_through_its_compact_form():
    case = get_case("miop-newborn-twitching")
    fb = score_attempt(case, Attempt(("anemia",), "recessive", (), 70), KB)
    rec = record_of(fb)
    rows = append(None, rec, KB)
    assert rows == [["miop-newborn-twitching", round(fb.score * 100), 1, 70, rows[0][4]]]
    assert decode(json.loads(json.dumps(rows)), KB) == (rec,)
    assert set(rec.missed) == set(case.key.present) - {"anemia"}


def test_history_is_capped_and_garbage_is_dropped():
    rows = None
    for i in range(MAX_RECORDS + 10):
        rows = append(rows, Record(f"c{i}", 50, True, 80, ()), KB)
    assert len(rows) == MAX_RECORDS and rows[-1][0] == f"c{MAX_RECORDS + 9}"
    assert decode([["ok", 1, 1, 60, 0], ["bad"], "x", [1, 2, 3, 4, "z"]], KB) == (Record("ok", 1, True, 60, ()),)
    assert decode("not a list", KB) == ()


def test_calibration_counts_right_leans_per_confidence_band():
    records = [Record("a", 100, True, 90, ()), Record("b", 30, False, 90, ()), Record("c", 100, True, 50, ())]
    bands = {(b.low, b.high): b for b in calibration(records)}
    assert (bands[(90, 100)].attempts, bands[(90, 100)].right, bands[(90, 100)].rate) == (2, 1, 0.5)
    assert bands[(90, 100)].mean_score_pct == 65
    assert bands[(50, 59)].rate == 1.0 and bands[(70, 79)].rate is None


def test_summary_best_scores_trend_and_weakest():
    records = [
        Record("a", 40, False, 60, ("anemia", "tetany")),
        Record("a", 90, True, 80, ("anemia",)),
        Record("b", 70, True, 70, ()),
    ]
    s = summarize(records, KB)
    assert s.best == {"a": 90, "b": 70} and s.trend == (40, 90, 70) and s.attempts == 3
    assert s.weakest[0] == ("anemia", 2)


def test_weak_spots_pick_a_case_rich_in_the_most_missed_findings():
    assert weak_spot_case([], load_cases(), KB) is None
    missed = ("leukopenia", "delayed_tooth_eruption", "osteomyelitis")
    pick = weak_spot_case([Record("x", 10, False, 50, missed)], load_cases(), KB)
    assert set(missed) <= set(get_case(pick).key.present)
