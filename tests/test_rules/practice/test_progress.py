"""Progress records: compact, capped, calibration by confidence band, weak-spot pick."""

from __future__ import annotations

import json
import math

from rules import load_knowledge
from rules.practice.cases import load_cases
from rules.practice.library import get_case
from rules.practice.library import public_id
from rules.practice.progress import MAX_RECORDS
from rules.practice.progress import MIN_BAND_ATTEMPTS
from rules.practice.progress import Record
from rules.practice.progress import append
from rules.practice.progress import calibration
from rules.practice.progress import decode
from rules.practice.progress import decode_attempt
from rules.practice.progress import encode_attempt
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
    # The cookie keeps the public id (it can be read), never the id that names the answer.
    assert rows == [[public_id("miop-newborn-twitching"), round(fb.score * 100), 1, 70, rows[0][4]]]
    assert decode(json.loads(json.dumps(rows)), KB) == (rec,)
    assert set(rec.missed) == set(case.key.present) - {"anemia"}


def test_a_cookie_written_with_the_older_ids_still_reads():
    older = [["miop-newborn-twitching", 44, 1, 70, 0], ["sim-259700-42", 80, 0, 90, 0]]
    assert [r.case_id for r in decode(older, KB)] == ["miop-newborn-twitching", "sim-259700-42"]
    assert [row[0] for row in append(older, Record("lrp5-jaw-ache", 1, True, 50, ()), KB)] == [
        public_id("miop-newborn-twitching"),
        public_id("sim-259700-42"),
        public_id("lrp5-jaw-ache"),
    ]


def test_the_last_attempt_round_trips_and_a_tampered_one_is_dropped():
    attempt = Attempt(("anemia", "hypocalcemia"), "dominant", ("marrow_failure",), 70, 2)
    row = encode_attempt("sim-259700-42", attempt, KB)
    assert row[0] == public_id("sim-259700-42")
    assert decode_attempt(json.loads(json.dumps(row)), KB) == ("sim-259700-42", attempt)
    assert decode_attempt([row[0], 0, "sideways", 0, 70, None], KB) is None
    assert decode_attempt([row[0], 0, "dominant", 0, 101, None], KB) is None
    assert decode_attempt("x", KB) is None


def wilson(right, n, z=1.96):
    """The 95 % Wilson interval of a binomial proportion."""
    p = right / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_a_band_is_judged_from_the_fewest_answers_that_can_show_being_twenty_points_over_confident():
    """The reason for MIN_BAND_ATTEMPTS: 90 % sure, right 70 % of the time or more, is told from 90 %
    (the interval's top below 0.9) first at 10 answers."""

    def shows(n):
        return any(wilson(k, n)[1] < 0.9 for k in range(n + 1) if k / n >= 0.7)

    assert shows(MIN_BAND_ATTEMPTS) and not any(shows(n) for n in range(1, MIN_BAND_ATTEMPTS))
    bands = calibration([Record("a", 100, True, 90, ())] * (MIN_BAND_ATTEMPTS - 1) + [Record("b", 0, False, 50, ())])
    assert [b.judged for b in bands] == [False] * 5
    assert calibration([Record("a", 100, True, 90, ())] * MIN_BAND_ATTEMPTS)[-1].judged


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
