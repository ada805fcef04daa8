"""The engine's compiled conditions and incremental next checks agree with the plain definitions."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from rules import Answers
from rules import evaluate
from rules import holds
from rules import lean_of
from rules import load_knowledge
from rules.checklist.engine import score
from rules.checklist.reference import reference_next_checks
from rules.core.conditions import answer_masks
from rules.core.conditions import compile_condition
from rules.core.conditions import finding_bits
from rules.core.conditions import findings_in

KB = load_knowledge()
BITS = finding_bits(KB)

answers_strategy = st.builds(
    Answers,
    findings=st.dictionaries(st.sampled_from(sorted(KB.findings)), st.sampled_from(["present", "absent", "unknown"])),
    onset=st.sampled_from(sorted(KB.onsets)),
    family_history=st.sampled_from(sorted(KB.family_histories)),
)


@settings(max_examples=300, deadline=None)
@given(answers_strategy)
def test_every_compiled_condition_holds_exactly_when_the_tree_does(answers):
    for when in [c.when for c in KB.clues] + [r.when for r in KB.red_flags]:
        compiled = compile_condition(when, BITS)
        present, absent = answer_masks(answers.findings, BITS)
        assert compiled(present, absent, answers.onset, answers.family_history) is holds(when, answers), when


@settings(max_examples=200, deadline=None)
@given(answers_strategy)
def test_the_score_and_every_next_check_match_a_full_re_evaluation(answers):
    assessment = evaluate(answers, KB)
    fired = {c.id for c in KB.clues if holds(c.when, answers)}
    assert {h.clue.id for h in assessment.inheritance.hits} == fired
    assert (assessment.inheritance.lean, assessment.inheritance.strength) == _pair(answers)
    assert assessment.inheritance.score == round(sum(_signed(c) for c in KB.clues if holds(c.when, answers)), 3)
    assert [h.clue.id for h in assessment.inheritance.hits] == [c.id for c in KB.clues if holds(c.when, answers)]
    assert_next_checks_match_a_full_re_evaluation(answers)
    assert [(c.kind, c.key, c.impact, c.outcomes) for c in assessment.next_checks] == reference_next_checks(answers, KB)


@settings(max_examples=200, deadline=None)
@given(answers_strategy)
def test_red_flags_are_those_that_hold_and_name_only_entered_findings_that_raised_them(answers):
    from rules.core.conditions import raised_by

    hits = evaluate(answers, KB).red_flags
    assert {h.flag.id for h in hits} == {r.id for r in KB.red_flags if holds(r.when, answers)}
    for hit in hits:
        named = [f.slug for f in hit.findings]
        assert named == [s for s in KB.findings if s in raised_by(hit.flag.when) and answers.state(s) == "present"]
        assert named, hit.flag.id  # every flag shipped is raised by at least one finding entered present


@settings(max_examples=200, deadline=None)
@given(answers_strategy)
def test_each_clue_names_only_the_entered_findings_behind_it(answers):
    """A clue lists the findings its condition names (outside any "not") that were entered in the
    state it names, in checklist order: never a finding that was not entered."""
    from rules.core.conditions import nodes

    for hit in evaluate(answers, KB).inheritance.hits:
        named = {(n["finding"], n["state"]) for n, negated in nodes(hit.clue.when) if "finding" in n and not negated}
        behind = [f.slug for f in hit.findings]
        assert behind == [s for s in KB.findings if (s, answers.state(s)) in named], hit.clue.id
        assert all(answers.state(s) in ("present", "absent") for s in behind)
        if hit.clue.finding is not None:
            assert behind, hit.clue.id  # a clue on findings fires only with one of them entered


def test_a_clue_on_low_blood_counts_names_the_low_count_entered_not_anemia():
    hits = evaluate(Answers({"thrombocytopenia": "present"}, "unknown", "unknown"), KB).inheritance.hits
    (hit,) = [h for h in hits if h.clue.id == "low_blood_counts"]
    assert hit.clue.finding == "anemia" and [f.slug for f in hit.findings] == ["thrombocytopenia"]


def test_next_check_outcomes_match_a_full_re_evaluation():
    # The engine re-scores only the clues a changed item touches; check that against the full score.
    assert_next_checks_match_a_full_re_evaluation(
        Answers({"hypocalcemia": "present", "anemia": "absent"}, "unknown", "unknown")
    )


def _signed(clue) -> float:
    toward_recessive = (clue.points_to == "recessive") == (clue.effect == "for")
    return clue.weight if toward_recessive else -clue.weight


def _full_score(answers: Answers) -> float:
    return round(sum(_signed(c) for c in KB.clues if holds(c.when, answers)), 3)


def _pair(answers: Answers) -> tuple:
    """The lean and strength by their definition: the clues that hold, the entered findings they
    read and whether one reads the family history; no lean when the premise is contradicted; the
    X-linked lean, at the pattern's strength, when the clue on an X-linked family pattern holds."""
    if answers.state(KB.premise.finding) == "absent":
        return "indeterminate", None
    fired = [c for c in KB.clues if holds(c.when, answers)]
    if any(c.points_to == "x_linked" for c in fired):
        return "x_linked", KB.thresholds.pattern
    read = set().union(*(findings_in(c.when) for c in fired))
    n = sum(answers.state(s) != "unknown" for s in read)
    family = any("family_history" in str(c.when) for c in fired)
    return lean_of(_full_score(answers), KB, n, family)


def assert_next_checks_match_a_full_re_evaluation(answers: Answers) -> None:
    """Each outcome a next check offers is the lean a full evaluation gives, within its impact."""
    now = evaluate(answers, KB).inheritance
    for check in evaluate(answers, KB).next_checks:
        for value, lean, strength in check.outcomes:
            if check.kind == "finding":
                trial = replace(answers, findings={**answers.findings, check.key: value})
            else:
                trial = replace(answers, **{check.key: value})
            got = evaluate(trial, KB).inheritance
            assert (got.lean, got.strength) == (lean, strength), (check.key, value)
            if check.key != KB.premise.finding:
                assert abs(score(trial, KB)[0] - score(answers, KB)[0]) <= check.impact
        assert any((lean, strength) != (now.lean, now.strength) for _, lean, strength in check.outcomes), check


def test_clues_that_read_too_many_items_together_are_refused_with_their_ids():
    # The engine tabulates each group of clues that read common items; a group reading eleven
    # findings would need 3 ** 11 rows, so the knowledge is refused rather than answered slowly.
    eleven = [{"finding": s, "state": "present"} for s in list(KB.findings)[:11]]
    wide = replace(KB.clues[0], id="wide", when={"any": eleven})
    with pytest.raises(ValueError, match="clues .*wide.* read too many items together"):
        evaluate(Answers(), replace(KB, clues=(*KB.clues, wide)))


def test_clue_groups_share_no_item_and_cover_every_clue():
    from rules.checklist.plan import clue_groups
    from rules.core.conditions import mentions

    groups = clue_groups(KB)
    assert sorted(i for _, clues in groups for i in clues) == list(range(len(KB.clues)))
    for n, (items, clues) in enumerate(groups):
        for i in clues:
            clue_items = findings_in(KB.clues[i].when) | {
                k for k in ("onset", "family_history") if mentions(KB.clues[i].when, k)
            }
            assert clue_items <= items
        assert all(not (items & other) for other, _ in groups[n + 1 :])


def test_red_flags_come_most_urgent_first_whatever_the_knowledge_order():
    reordered = replace(KB, red_flags=tuple(reversed(KB.red_flags)))
    answers = Answers(
        {
            "failure_to_thrive": "present",
            "hypocalcemia": "present",
            "anemia": "present",
            "hepatosplenomegaly": "present",
        },
        "infancy",
    )
    levels = [r.flag.level for r in evaluate(answers, reordered).red_flags]
    assert levels == sorted(levels, key=["urgent", "high", "context"].index)
    assert levels[0] == "urgent" and levels[-1] == "context" and "high" in levels
