"""The decisions' scoring rule: the differential by the key entry's place, the next step by the red
flags the findings shown raise, and the weights when they are given."""

from __future__ import annotations

import pytest

from rules.checklist import load_knowledge
from rules.core.errors import InputError
from rules.core.errors import KnowledgeError
from rules.practice.cases import load_cases
from rules.practice.certainty import certainty_of
from rules.practice.decisions import check_written_next_steps
from rules.practice.decisions import differential_choices
from rules.practice.decisions import key_entries
from rules.practice.decisions import keyed_choices
from rules.practice.decisions import keyed_next_steps
from rules.practice.library import get_case
from rules.practice.progress import decode
from rules.practice.progress import decode_attempt
from rules.practice.progress import encode
from rules.practice.progress import encode_attempt
from rules.practice.progress import record_of
from rules.practice.scoring import Attempt
from rules.practice.scoring import parse_attempt
from rules.practice.scoring import score_attempt

KB = load_knowledge()
TWITCHING = "miop-newborn-twitching"  # OMIM:259700; low calcium and marrow failure in a newborn


def attempt(differential=(), next_step=None, stage=None, lean="recessive"):
    return Attempt(("hypocalcemia",), lean, (), 90, stage, tuple(differential), next_step)


@pytest.mark.parametrize(
    "differential, credit",
    [
        (["OMIM:259700"], 1.0),
        (["OMIM:611490", "OMIM:259700"], 0.5),
        (["OMIM:611490", "OMIM:259720", "OMIM:259700"], 0.25),
        (["OMIM:611490", "OMIM:259720"], 0.0),
    ],
)
def test_the_differential_earns_by_the_place_of_the_key_entry(differential, credit):
    feedback = score_attempt(get_case(TWITCHING), attempt(differential), KB)
    assert feedback.differential.credit == credit
    assert feedback.weights["differential"] == 0.2


def test_the_weights_make_room_for_each_decision_given_and_sum_to_one():
    case = get_case(TWITCHING)
    without = score_attempt(case, attempt(), KB)
    assert without.weights == {"findings": 0.5, "lean": 0.3, "mechanisms": 0.2}  # scored as before
    one = score_attempt(case, attempt(next_step="calcium"), KB)
    both = score_attempt(case, attempt(["OMIM:259700"], "calcium"), KB)
    assert one.weights == {"findings": 0.4, "lean": 0.24, "mechanisms": 0.16, "next_step": 0.2}
    assert both.weights == {"findings": 0.3, "lean": 0.18, "mechanisms": 0.12, "differential": 0.2, "next_step": 0.2}
    for f in (without, one, both):
        assert sum(f.weights.values()) == pytest.approx(1)
    # the same findings, lean and mechanisms, both decisions right: each right decision lifts the score
    assert both.score == pytest.approx(0.6 * without.score + 0.4, abs=1e-4)


def test_an_orphanet_group_is_matched_by_the_gene_entries_it_pools_into():
    assert key_entries("ORPHA:667", KB) == {"OMIM:259700", "OMIM:611490", "OMIM:615085", "OMIM:259710"}
    assert key_entries("OMIM:259700", KB) == {"OMIM:259700"}
    assert key_entries("ORPHA:53", KB) == {"ORPHA:53"}  # ranked as an entry of its own


def test_the_choices_are_every_ranked_entry_the_osteopetroses_first():
    choices = differential_choices(KB)
    groups = [c.group for c in choices]
    assert groups == sorted(groups, key=lambda g: g != "osteopetrosis") and len(set(c.id for c in choices)) == 156


@pytest.mark.parametrize(
    "case_id, keyed",
    [
        ("miop-newborn-tetany", ("calcium",)),  # a neonate with low calcium: its treatment plan
        ("ado2-teen-fractures", ("nothing",)),  # a dominant teenager with fractures: nothing urgent
        ("clcn7-newborn-pale", ("eye", "hearing", "blood", "transplant")),
    ],
)
def test_the_next_step_key_is_what_the_red_flags_of_the_key_call_for(case_id, keyed):
    case = get_case(case_id)
    assert keyed_choices(keyed_next_steps(case.key.answers(), KB)) == keyed
    assert keyed_choices(case.next_steps) == keyed  # the case file says the same, with sources


def test_the_next_step_is_keyed_on_what_was_shown():
    case = get_case("miop-newborn-tetany")  # stage 1 shows the stiff spells, stage 2 the low calcium
    early = score_attempt(case, attempt(next_step="calcium", stage=1), KB).next_step
    assert early.right and [s.red_flag for s in early.keyed] == ["possible_hypocalcemia"]
    late = score_attempt(case, attempt(next_step="calcium"), KB).next_step
    assert [s.red_flag for s in late.keyed] == ["symptomatic_hypocalcemia"]
    assert not score_attempt(case, attempt(next_step="nothing"), KB).next_step.right


def test_a_written_case_whose_next_step_differs_from_the_rule_is_refused():
    case = load_cases()["ado2-teen-fractures"]
    check_written_next_steps(case.next_steps, case.key.answers(), "case", KB)
    with pytest.raises(KnowledgeError, match="next_step must be"):
        check_written_next_steps(load_cases()["miop-newborn-tetany"].next_steps, case.key.answers(), "case", KB)


def test_the_certainty_mark_covers_each_decision_and_the_record_keeps_it():
    case = get_case(TWITCHING)
    feedback = score_attempt(case, attempt(["OMIM:611490", "OMIM:259700"], "calcium"), KB)
    assert feedback.decisions_right == (("differential", False), ("next_step", True))
    record = record_of(feedback)
    assert (record.decisions, record.decisions_right) == (2, 1)
    [back] = decode([encode(record, KB)], KB)
    assert back == record
    c = certainty_of([back])
    assert (c.total, c.best_possible) == (3 - 6 + 3, 9)
    # an older record (five fields) reads as the lean alone
    assert certainty_of(decode([encode(record, KB)[:5]], KB)).best_possible == 3


def test_the_last_attempt_keeps_its_decisions_without_naming_an_entry():
    a = attempt(["OMIM:259700", "ORPHA:53"], "eye")
    row = encode_attempt(TWITCHING, a, KB)
    assert "OMIM:259700" not in str(row) and "259700" not in str(row)
    assert decode_attempt(row, KB) == (TWITCHING, a)
    assert decode_attempt([*row[:6], [10_000], "eye"], KB) is None


@pytest.mark.parametrize(
    "body",
    [
        {"differential": ["OMIM:259700"] * 2},
        {"differential": ["OMIM:259700", "OMIM:611490", "OMIM:259710", "OMIM:259720"]},
        {"differential": ["nope"]},
        {"next_step": "nope"},
    ],
)
def test_a_bad_decision_is_an_input_error(body):
    with pytest.raises(InputError):
        parse_attempt({"lean": "recessive", "confidence": 90} | body, KB)


def test_the_class_marks_of_the_decisions_are_the_scores_marks_for_every_case_and_stage():
    """mark_decisions (the dashboard and CSV, many answers at once, no ranking) gives every case of the
    library the same credit and keyed next step as score_attempt, at each stage."""
    from rules.practice.decisions import next_step_choices
    from rules.practice.scoring import mark_decisions
    from rules.practice.simulate import simulated_case

    entries = [c.id for c in differential_choices(KB)]
    steps = [c.id for c in next_step_choices(KB)]
    checked = 0
    cases = [*load_cases().values(), *(simulated_case(f"sim-259700-{seed}") for seed in range(3))]
    for case in cases:
        for stage in (None, *range(1, len(case.unfolding) + 1)):
            for i, step in enumerate(steps):
                picks = (entries[i % len(entries)], case.entry) if case.entry in entries else (entries[i],)
                differential = tuple(dict.fromkeys(picks))
                feedback = score_attempt(case, attempt(differential, step, stage), KB)
                marks = mark_decisions(case, differential, step, KB, stage)
                assert marks.differential_credit == feedback.differential.credit, (case.id, stage)
                assert marks.next_step_keyed == feedback.next_step.right, (case.id, stage, step)
                assert marks.keyed_next_steps == keyed_choices(feedback.next_step.keyed)
                checked += 1
    assert checked > 100
    none = mark_decisions(get_case(TWITCHING), (), None, KB)
    assert (none.differential_credit, none.next_step_keyed) == (None, None)  # nothing given, nothing marked
