"""Score a trainee's attempt at a case against its answer key (pure, deterministic).

The rule, in words (SCORE_RULE): half the score is finding credit, 2·hits / (2·hits + misses +
over-calls), so each over-call costs as much as half a miss and a perfect list scores 1; three
tenths are the inheritance lean (right or wrong); two tenths are mechanism overlap, shared /
(shared + missed + extra). An empty list against an empty key counts as fully right.

Fair stages: an attempt committed before the last stage is scored against what had been shown. A
finding of the key that only a later stage describes is listed apart ("not shown yet"): it is no
miss, and ticking it is no hit and no over-call (the trainee could not have read it). The same for a
mechanism that only those findings carry.

Decisions (rules/practice/decisions.py): an attempt may also commit to a ranked differential and to a
next step. Each decision given takes DECISION_WEIGHT of the score, and the three parts above share the
rest in their own proportions; an attempt without decisions is scored as before. The ranking and the
red flags are run on what had been shown, like the findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from rules.checklist.engine import evaluate
from rules.core.errors import InputError
from rules.core.inputs import whole_number
from rules.core.model import Answers
from rules.core.model import Assessment
from rules.core.model import KnowledgeBase
from rules.core.model import State
from rules.differential import Ranking
from rules.differential import rank

from .cases import LEANS
from .cases import Case
from .cases import in_kb_order
from .cases import mechanisms_of
from .decisions import DECISION_WEIGHT
from .decisions import PLACE_CREDIT
from .decisions import KeyedStep
from .decisions import check_differential
from .decisions import differential_credit
from .decisions import key_entries
from .decisions import keyed_choices
from .decisions import keyed_next_steps
from .decisions import next_step_choices
from .decisions import place_of

WEIGHTS = {"findings": 0.5, "lean": 0.3, "mechanisms": 0.2}
CONFIDENCE_MIN, CONFIDENCE_MAX = 50, 100
SCORE_RULE = (
    "Score = 0.5 × finding credit + 0.3 × lean + 0.2 × mechanism overlap. "
    "Finding credit = 2 × hits ÷ (2 × hits + misses + over-calls): every finding you miss and every "
    "finding you tick that the case does not have lowers it. Lean = 1 if your lean matches the "
    "expected one, else 0. Mechanism overlap = mechanisms in both ÷ mechanisms in either. "
    "Only what the stages you read describe counts: a finding a later stage adds is not shown yet, "
    "never a miss. A perfect answer scores 1. "
    f"Decisions are optional. Each one you commit to (the differential, the next step) counts {DECISION_WEIGHT:g}, and "
    "the three parts above share the rest in the same proportions (with both: 0.3, 0.18 and 0.12). "
    f"Differential: {PLACE_CREDIT[0]:g} when the case's entry (or an entry its Orphanet group is pooled into) is your "
    f"first choice, {PLACE_CREDIT[1]:g} when second, {PLACE_CREDIT[2]:g} when third, else 0. Next step: 1 when it is "
    "a step that a red flag (urgent or high) raised by the findings shown calls for, or nothing urgent when none is "
    "raised; else 0. Without decisions, the score is the three parts alone."
)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A trainee's committed answer: findings present, lean, mechanisms and confidence (50–100 %).

    `stage` is how many stages of an unfolding case had been revealed when the answer was committed
    (None: the whole case).
    """

    findings: tuple[str, ...]
    lean: str
    mechanisms: tuple[str, ...]
    confidence: int
    stage: int | None = None
    differential: tuple[str, ...] = ()  # entry ids of the ranking, best first (at most three)
    next_step: str | None = None  # a next-step choice id


@dataclass(frozen=True, slots=True)
class DifferentialResult:
    """The differential scored: the key entries, where the first of them stands in the trainee's list,
    its credit (None: the case models no entry of the ranking, so the differential is not scored), and
    the ranking run on what had been shown."""

    key: tuple[str, ...]
    place: int | None
    credit: float | None
    ranking: Ranking


@dataclass(frozen=True, slots=True)
class NextStepResult:
    """The next step scored: the pick, the key (why each choice is keyed) and whether the pick is keyed."""

    pick: str
    keyed: tuple[KeyedStep, ...]
    right: bool


@dataclass(frozen=True, slots=True)
class Feedback:
    """The scored comparison of an attempt with a case's key, plus the engine's view of the key."""

    case: Case
    attempt: Attempt
    score: float
    finding_credit: float
    lean_correct: bool
    mechanism_credit: float
    hits: tuple[str, ...]
    missed: tuple[str, ...]
    extra: tuple[str, ...]
    extra_absent: tuple[str, ...]  # over-calls the key lists as looked for and not found
    mechanisms_hit: tuple[str, ...]
    mechanisms_missed: tuple[str, ...]
    mechanisms_extra: tuple[str, ...]
    not_shown: tuple[str, ...]  # present findings only stages after the commit describe: not scored
    mechanisms_not_shown: tuple[str, ...]  # key mechanisms that only those findings carry: not scored
    engine: Assessment  # the rules evaluated on the key: the clues behind the expected lean
    weights: Mapping[str, float]  # the weight of each part scored (the decisions' only when given)
    differential: DifferentialResult | None = None
    next_step: NextStepResult | None = None

    @property
    def shown(self) -> tuple[str, ...]:
        """The key's present findings the stages read before the commit describe (the scored ones)."""
        return tuple(s for s in self.case.key.present if s not in self.not_shown)

    @property
    def decisions_right(self) -> tuple[tuple[str, bool], ...]:
        """The decisions scored, each with whether it was right (for the certainty-based mark): the
        differential is right when the case's entry is first."""
        out = []
        if self.differential is not None and self.differential.credit is not None:
            out.append(("differential", self.differential.place == 1))
        if self.next_step is not None:
            out.append(("next_step", self.next_step.right))
        return tuple(out)

    @property
    def engine_agrees(self) -> bool:
        """Whether the checklist's rules reach the key's lean from the key's findings."""
        return self.engine.inheritance.lean == self.case.key.lean


def _dice(hits: int, missed: int, extra: int) -> float:
    total = 2 * hits + missed + extra
    return 1.0 if total == 0 else 2 * hits / total


def _jaccard(shared: int, missed: int, extra: int) -> float:
    total = shared + missed + extra
    return 1.0 if total == 0 else shared / total


def key_answers(case: Case) -> Answers:
    """The case's key as engine answers."""
    return case.key.answers()


def validate_attempt(attempt: Attempt, kb: KnowledgeBase) -> None:
    """Raise InputError (with the API's error code) unless every part of the attempt is valid."""
    for slug in attempt.findings:
        if slug not in kb.findings:
            raise InputError(
                "unknown_finding", "unknown finding %(slug)s: not a slug of /api/v1/findings", slug=repr(slug)
            )
    if attempt.lean not in LEANS:
        raise InputError(
            "invalid_lean", "invalid lean %(lean)s: use recessive, dominant or indeterminate", lean=repr(attempt.lean)
        )
    for slug in attempt.mechanisms:
        if slug not in kb.mechanisms:
            raise InputError(
                "unknown_mechanism",
                "unknown mechanism %(slug)s: use one of %(allowed)s",
                slug=repr(slug),
                allowed=", ".join(kb.mechanisms),
            )
    if not CONFIDENCE_MIN <= attempt.confidence <= CONFIDENCE_MAX:
        raise InputError(
            "invalid_confidence",
            "confidence must be a whole number from %(min)s to %(max)s",
            min=CONFIDENCE_MIN,
            max=CONFIDENCE_MAX,
        )
    problem = check_differential(attempt.differential, kb)
    if problem:
        raise problem
    if attempt.next_step is not None and attempt.next_step not in {c.id for c in next_step_choices(kb)}:
        raise InputError(
            "invalid_next_step",
            "unknown next step %(step)s: use one of %(allowed)s",
            step=repr(attempt.next_step),
            allowed=", ".join(c.id for c in next_step_choices(kb)),
        )


def parse_attempt(body: Any, kb: KnowledgeBase) -> Attempt:
    """An Attempt from a JSON body {findings, lean, mechanisms, confidence, stage, differential,
    next_step}; InputError if malformed."""
    if not isinstance(body, Mapping):
        raise InputError("invalid_body", "the body must be a JSON object")
    unknown = sorted(set(body) - {"findings", "lean", "mechanisms", "confidence", "stage", "differential", "next_step"})
    if unknown:
        raise InputError("invalid_body", "unknown field(s): %(fields)s", fields=", ".join(unknown))
    lists = {}
    for name in ("findings", "mechanisms"):
        value = body.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"invalid_{name}", "%(name)s must be a list of ids", name=name)
        lists[name] = tuple(dict.fromkeys(v.strip() for v in value))
    lean = body.get("lean")
    if not isinstance(lean, str):
        raise InputError("invalid_lean", "lean is required: recessive, dominant or indeterminate")
    confidence = whole_number(body.get("confidence"))
    if confidence is None:
        raise InputError(
            "invalid_confidence",
            "confidence is required: a whole number from %(min)s to %(max)s",
            min=CONFIDENCE_MIN,
            max=CONFIDENCE_MAX,
        )
    stage = None
    if "stage" in body:  # given, it is a number (the schema's integer): null is refused, as any other non-number
        stage = whole_number(body["stage"])
        if stage is None or stage < 1:
            raise InputError("invalid_stage", "stage must be a whole number from 1 (stages read before committing)")
    differential, next_step = _decisions(body)
    attempt = Attempt(
        lists["findings"], lean.strip().lower(), lists["mechanisms"], confidence, stage, differential, next_step
    )
    validate_attempt(attempt, kb)
    return attempt


def _decisions(body: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """The body's differential (entry ids, best first) and next step, as given; InputError if malformed."""
    differential = body.get("differential", [])
    if not isinstance(differential, list) or not all(isinstance(v, str) for v in differential):
        raise InputError("invalid_differential", "differential must be a list of entry ids, best first")
    next_step = body.get("next_step")
    if next_step is not None and not isinstance(next_step, str):
        raise InputError("invalid_next_step", "next_step must be the id of a next-step choice")
    return tuple(differential), next_step


def score_attempt(case: Case, attempt: Attempt, kb: KnowledgeBase) -> Feedback:
    """Compare the attempt with the case's key; see SCORE_RULE for how the score is computed."""
    validate_attempt(attempt, kb)
    if attempt.stage is not None and attempt.stage > len(case.unfolding):
        attempt = replace(attempt, stage=len(case.unfolding))  # more stages read than there are: all of them
    key = case.key
    shown, seen = _shown(case, attempt.stage)
    not_shown = in_kb_order(set(key.present) - shown, kb)
    given = set(attempt.findings)
    hits = in_kb_order(given & shown, kb)
    missed = in_kb_order(shown - given, kb)
    extra = in_kb_order(given - set(key.present), kb)
    chosen = set(attempt.mechanisms)
    m_shown = set(mechanisms_of(shown, kb))
    m_hit = tuple(m for m in kb.mechanisms if m in chosen and m in m_shown)
    m_missed = tuple(m for m in kb.mechanisms if m in m_shown and m not in chosen)
    m_extra = tuple(m for m in kb.mechanisms if m in chosen and m not in key.mechanisms)
    m_not_shown = tuple(m for m in key.mechanisms if m not in m_shown)
    finding_credit = _dice(len(hits), len(missed), len(extra))
    mechanism_credit = _jaccard(len(m_hit), len(m_missed), len(m_extra))
    lean_correct = attempt.lean == key.lean
    differential = _differential(case, attempt, seen, kb) if attempt.differential else None
    next_step = None
    if attempt.next_step is not None:
        keyed = keyed_next_steps(seen, kb)
        next_step = NextStepResult(attempt.next_step, keyed, attempt.next_step in keyed_choices(keyed))
    credits = {"findings": finding_credit, "lean": float(lean_correct), "mechanisms": mechanism_credit}
    if differential is not None and differential.credit is not None:
        credits["differential"] = differential.credit
    if next_step is not None:
        credits["next_step"] = float(next_step.right)
    weights = weights_for(len(credits) - len(WEIGHTS))
    score = sum(weights[part] * credit for part, credit in credits.items())
    return Feedback(
        case=case,
        attempt=attempt,
        score=round(score, 4),
        finding_credit=round(finding_credit, 4),
        lean_correct=lean_correct,
        mechanism_credit=round(mechanism_credit, 4),
        hits=hits,
        missed=missed,
        extra=extra,
        extra_absent=tuple(s for s in extra if s in key.absent),
        mechanisms_hit=m_hit,
        mechanisms_missed=m_missed,
        mechanisms_extra=m_extra,
        not_shown=not_shown,
        mechanisms_not_shown=m_not_shown,
        engine=evaluate(key_answers(case), kb),
        weights={part: weights[part] for part in credits},
        differential=differential,
        next_step=next_step,
    )


def _shown(case: Case, stage: int | None) -> tuple[set[str], Answers]:
    """The key findings shown in the first `stage` stages (None: all), and what had been shown as
    engine answers (those findings present, the key's absent ones absent, its onset and family history)."""
    read = case.unfolding[: stage or len(case.unfolding)]
    shown = {s for part in read for s in part.adds}
    states: dict[str, State] = dict.fromkeys(shown, "present")
    states.update(dict.fromkeys(case.key.absent, "absent"))
    return shown, Answers(states, case.key.onset, case.key.family_history)


@dataclass(frozen=True, slots=True)
class DecisionMarks:
    """The decisions of an answer marked as the score marks them, without the ranking: the key entries
    and the differential's credit (None: not given, or the case models no entry), the keyed next
    steps and whether the one given is keyed (None: not given)."""

    key_entries: frozenset[str]
    differential_credit: float | None
    keyed_next_steps: tuple[str, ...]
    next_step_keyed: bool | None


def mark_decisions(
    case: Case, differential: Sequence[str], next_step: str | None, kb: KnowledgeBase, stage: int | None = None
) -> DecisionMarks:
    """The decisions' marks of score_attempt for this case (the class's dashboard and CSV read them
    for many answers at once, so the ranking, which only the feedback shows, is not run)."""
    _, seen = _shown(case, stage)
    key = key_entries(case.entry, kb)
    credit = differential_credit(place_of(differential, key)) if differential and key else None
    keyed = keyed_choices(keyed_next_steps(seen, kb))
    return DecisionMarks(key, credit, keyed, None if next_step is None else next_step in keyed)


def weights_for(decisions: int) -> dict[str, float]:
    """The weights when `decisions` decisions are scored: each counts DECISION_WEIGHT, and findings, lean
    and mechanisms share the rest in their own proportions."""
    rest = 1 - DECISION_WEIGHT * decisions
    return {part: round(w * rest, 4) for part, w in WEIGHTS.items()} | {
        "differential": DECISION_WEIGHT,
        "next_step": DECISION_WEIGHT,
    }


def _differential(case: Case, attempt: Attempt, seen: Answers, kb: KnowledgeBase) -> DifferentialResult:
    """The differential against the case's key entry, and the ranking run on what had been shown."""
    key = key_entries(case.entry, kb)
    place = place_of(attempt.differential, key)
    return DifferentialResult(tuple(sorted(key)), place, differential_credit(place) if key else None, rank(seen, kb))
