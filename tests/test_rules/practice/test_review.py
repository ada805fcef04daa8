"""Review that is scheduled: missed findings and cases spaced with FSRS (py-fsrs), kept small."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from rules import load_knowledge
from rules.practice.cases import load_cases
from rules.practice.library import get_case
from rules.practice.library import public_id
from rules.practice.review import MAX_CASE_CARDS
from rules.practice.review import decode
from rules.practice.review import items
from rules.practice.review import next_due
from rules.practice.review import pick
from rules.practice.review import review

KB = load_knowledge()
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODDLER = get_case("miop-blind-toddler")


def due_of(schedule, key):
    return next(i.due for i in items(schedule) if i.key == key)


def test_a_missed_finding_comes_back_soon_and_later_once_found():
    s = review({}, TODDLER.id, TODDLER.key.present, ["anemia"], 85, NOW)
    assert set(s) == {"f:anemia"}  # found findings and a case scored 85 % get no card
    assert due_of(s, "f:anemia") == NOW + timedelta(minutes=1)  # FSRS's first learning step
    later = NOW + timedelta(minutes=2)
    s = review(s, TODDLER.id, TODDLER.key.present, [], 100, later)
    assert due_of(s, "f:anemia") == later + timedelta(minutes=10)  # found: the next step
    s = review(s, TODDLER.id, TODDLER.key.present, [], 100, later + timedelta(minutes=11))
    assert due_of(s, "f:anemia") >= later + timedelta(days=1)  # graduated to review
    when = later + timedelta(days=2)
    again = review(s, TODDLER.id, TODDLER.key.present, ["anemia"], 90, when)
    found = review(s, TODDLER.id, TODDLER.key.present, [], 90, when)
    assert due_of(again, "f:anemia") == when + timedelta(minutes=10)  # missed again: relearning, soon
    assert due_of(found, "f:anemia") >= when + timedelta(days=2)  # found again: days, not minutes


def test_a_missed_case_is_scheduled_by_its_score():
    assert "c:x" in review({}, "x", [], [], 30, NOW) and "c:x" in review({}, "x", [], [], 60, NOW)
    assert "c:x" not in review({}, "x", [], [], 80, NOW)
    hard = due_of(review({}, "x", [], [], 60, NOW), "c:x")
    again = due_of(review({}, "x", [], [], 30, NOW), "c:x")
    assert again < hard


def test_the_same_history_gives_the_same_schedule():
    a = review(review({}, "x", ["anemia"], ["anemia"], 20, NOW), "x", ["anemia"], [], 90, NOW + timedelta(hours=1))
    b = review(review({}, "x", ["anemia"], ["anemia"], 20, NOW), "x", ["anemia"], [], 90, NOW + timedelta(hours=1))
    assert a == b


def test_case_cards_are_capped_and_the_least_recent_go_first():
    s = {}
    for n in range(MAX_CASE_CARDS + 5):
        s = review(s, f"sim-259700-{n}", [], [], 0, NOW + timedelta(minutes=n))
    assert f"c:{public_id(f'sim-259700-{MAX_CASE_CARDS + 4}')}" in s  # kept under the public id
    cases = [k for k in decode(s) if k.startswith("c:")]
    assert (
        len(cases) == MAX_CASE_CARDS and "c:sim-259700-0" not in cases and f"c:sim-259700-{MAX_CASE_CARDS + 4}" in cases
    )


def test_a_case_card_is_stored_under_the_public_id_and_an_older_schedule_still_reads():
    s = review({}, "sim-259700-42", [], [], 0, NOW)
    assert set(s) == {f"c:{public_id('sim-259700-42')}"}
    older = {"c:sim-259700-42": s[f"c:{public_id('sim-259700-42')}"]}
    assert set(decode(older)) == set(decode(s)) == {"c:sim-259700-42"}
    assert [i.target for i in items(older)] == ["sim-259700-42"]


def test_a_tampered_schedule_is_dropped_not_trusted():
    good = review({}, "x", ["anemia"], ["anemia"], 20, NOW)
    raw = {
        **good,
        "z:bad": good["f:anemia"],
        "f:x": "junk",
        "c:y": [1, 2],
        "c:z": [None, 1, 1, 99, 0, 0],
        "c:w": [1, 0.0, 5, 1, 0, 1],
    }  # a stability of 0 would divide by zero in FSRS
    assert decode(raw) == good and decode("junk") == {} and decode(None) == {}


def test_the_pick_prefers_a_due_case_then_due_findings_and_says_why():
    s = review({}, TODDLER.id, TODDLER.key.present, list(TODDLER.key.present), 0, NOW)
    soon = NOW + timedelta(minutes=5)
    chosen = pick(s, {TODDLER.id: 0}, load_cases(), KB, soon)
    assert chosen.case_id == TODDLER.id and "due for review" in chosen.reason and "you scored 0 %" in chosen.reason
    # Not the case just done: then the written case describing the most due findings.
    other = pick(s, {TODDLER.id: 0}, load_cases(), KB, soon, exclude=TODDLER.id)
    assert other.case_id != TODDLER.id
    shared = set(get_case(other.case_id).key.present) & set(TODDLER.key.present)
    assert len(shared) >= 3 and "due for review now" in other.reason
    assert all(KB.findings[s].label in other.reason for s in shared)
    # Nothing due yet: no pick, and the soonest due time is known.
    assert pick(s, {}, load_cases(), KB, NOW) is None and next_due(s) == NOW + timedelta(minutes=1)
