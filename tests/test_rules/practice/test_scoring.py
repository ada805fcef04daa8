"""Scoring an attempt: a perfect answer scores 1, over-calls cost, the rule is the documented one."""

from __future__ import annotations

import pytest

from rules import load_knowledge
from rules.core.errors import InputError
from rules.practice.library import get_case
from rules.practice.scoring import Attempt
from rules.practice.scoring import parse_attempt
from rules.practice.scoring import score_attempt

KB = load_knowledge()
CASE = get_case("miop-newborn-twitching")  # 6 findings present, 2 mechanisms, recessive


def perfect(case=CASE, confidence=90):
    return Attempt(case.key.present, case.key.lean, case.key.mechanisms, confidence)


@pytest.mark.parametrize(
    "case_id", ["miop-newborn-twitching", "optb6-dense-bones-at-twelve", "sim-259700-42", "sim-ORPHA53-7"]
)
def test_a_perfect_answer_scores_exactly_one(case_id):
    case = get_case(case_id)
    fb = score_attempt(case, perfect(case), KB)
    assert fb.score == 1.0
    assert fb.missed == fb.extra == fb.mechanisms_missed == fb.mechanisms_extra == ()
    assert fb.lean_correct


def test_an_empty_answer_scores_low():
    fb = score_attempt(CASE, Attempt((), "indeterminate", (), 50), KB)
    assert fb.score == 0.0
    assert fb.missed == CASE.key.present


def test_over_calls_cost_points():
    base = score_attempt(CASE, perfect(), KB).score
    one_extra = score_attempt(
        CASE, Attempt(CASE.key.present + ("fractures",), "recessive", CASE.key.mechanisms, 90), KB
    )
    assert one_extra.extra == ("fractures",)
    assert one_extra.score < base
    # 2·6 / (2·6 + 0 + 1) finding credit, lean and mechanisms perfect
    assert one_extra.score == pytest.approx(0.5 * 12 / 13 + 0.3 + 0.2, abs=1e-4)
    ticking_everything = score_attempt(CASE, Attempt(tuple(KB.findings), "recessive", tuple(KB.mechanisms), 90), KB)
    assert ticking_everything.score < 0.75


def test_over_calling_a_finding_the_key_lists_as_absent_is_flagged():
    case = get_case("ado2-teen-fractures")
    fb = score_attempt(case, Attempt(("fractures", "anemia"), "dominant", ("fragile_bone",), 80), KB)
    assert fb.extra == ("anemia",) and fb.extra_absent == ("anemia",)


def test_the_parts_follow_the_rule():
    # 3 of 6 findings, wrong lean, 1 of 2 mechanisms: 0.5·(6/9) + 0 + 0.2·(1/2)
    half = CASE.key.present[:3]
    fb = score_attempt(CASE, Attempt(half, "dominant", ("marrow_failure",), 70), KB)
    assert fb.finding_credit == pytest.approx(6 / 9, abs=1e-4)
    assert fb.mechanism_credit == 0.5 and not fb.lean_correct
    assert fb.score == pytest.approx(0.5 * 6 / 9 + 0.1, abs=1e-4)


def test_the_feedback_carries_the_rules_view_of_the_key():
    fb = score_attempt(CASE, perfect(), KB)
    assert fb.engine.inheritance.lean == "recessive" and fb.engine_agrees
    assert "neonatal_hypocalcemia" in {h.clue.id for h in fb.engine.inheritance.hits}
    disagreeing = get_case("slc4a2-adult-fracture")
    assert not score_attempt(disagreeing, perfect(disagreeing), KB).engine_agrees


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"findings": ["nope"], "lean": "recessive", "confidence": 80}, "unknown_finding"),
        ({"findings": [], "lean": "maybe", "confidence": 80}, "invalid_lean"),
        ({"findings": [], "lean": "recessive", "confidence": 101}, "invalid_confidence"),
        ({"findings": [], "lean": "recessive", "confidence": 49}, "invalid_confidence"),
        ({"findings": [], "lean": "recessive", "confidence": "80"}, "invalid_confidence"),
        ({"findings": [], "lean": "recessive", "confidence": True}, "invalid_confidence"),
        ({"findings": [], "lean": "recessive"}, "invalid_confidence"),
        ({"findings": [], "confidence": 80}, "invalid_lean"),
        ({"findings": "anemia", "lean": "recessive", "confidence": 80}, "invalid_findings"),
        (
            {"findings": [], "lean": "recessive", "mechanisms": ["bones"], "confidence": 80},
            "unknown_mechanism",
        ),
        ({"findings": [], "lean": "recessive", "confidence": 80, "extra": 1}, "invalid_body"),
        (["anemia"], "invalid_body"),
    ],
)
def test_bad_attempts_are_refused_with_a_code(body, code):
    with pytest.raises(InputError) as err:
        parse_attempt(body, KB)
    assert err.value.code == code


def test_parse_attempt_accepts_the_contract_body():
    attempt = parse_attempt(
        {
            "findings": ["anemia", "anemia"],
            "lean": " Recessive ",
            "mechanisms": ["marrow_failure"],
            "confidence": 100,
        },
        KB,
    )
    assert attempt == Attempt(("anemia",), "recessive", ("marrow_failure",), 100)


def test_score_attempt_refuses_an_invalid_attempt():
    with pytest.raises(InputError):
        score_attempt(CASE, Attempt(("nope",), "recessive", (), 80), KB)


TWITCHING = "miop-newborn-twitching"  # history: seizures, cramps; examination: spleen; investigations: blood, calcium


def test_a_commit_at_stage_one_is_scored_against_what_had_been_shown():
    case = get_case(TWITCHING)
    history = case.stages[0].adds
    fb = score_attempt(case, Attempt(history, "recessive", ("calcium_trapping",), 80, stage=1), KB)
    assert set(fb.hits) == set(history) and fb.missed == () and fb.extra == ()
    assert set(fb.not_shown) == set(case.key.present) - set(history)  # listed apart, never a miss
    assert fb.mechanisms_missed == () and fb.mechanisms_not_shown == ("marrow_failure",)
    assert fb.score == 1.0 and set(fb.shown) == set(history)


def test_a_finding_of_a_later_stage_ticked_early_is_neither_a_hit_nor_an_over_call():
    case = get_case(TWITCHING)
    fb = score_attempt(case, Attempt(("anemia", "seizure_like_events"), "recessive", (), 80, stage=1), KB)
    assert fb.hits == ("seizure_like_events",) and fb.missed == ("muscle_cramps",) and fb.extra == ()
    assert "anemia" in fb.not_shown


def test_the_same_answer_at_the_last_stage_misses_what_every_stage_showed():
    case = get_case(TWITCHING)
    history = case.stages[0].adds
    fb = score_attempt(case, Attempt(history, "recessive", ("calcium_trapping",), 80, stage=3), KB)
    assert fb.not_shown == () and set(fb.missed) == set(case.key.present) - set(history)
    assert fb.mechanisms_missed == ("marrow_failure",) and fb.score < 1
