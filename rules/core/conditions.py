"""The condition language of the knowledge: what a clue's or a red flag's `when` may say.

A condition is a small tree of TOML tables. Each operator is declared once, in OPERATORS below:
the key that marks it, the conditions under it, what makes it well formed, when it holds, and its
compiled form. Everything else here is generic over that table: `check` (the loader's validation),
`holds` (the definition), `nodes` (the one walker of the tree, which `findings_in`, `mentions` and
`raised_by` read) and `compile_condition` (the fast form the plan uses). Adding an operator is one
entry in OPERATORS.

Compiled conditions: every finding gets one bit; the answers become two integers, the findings
present (p) and the findings absent (a), beside the onset (o) and family history (h) words. A tree
is compiled once per process to a closure over those four values, so a test is a few integer
operations instead of a walk of the tree and a dict lookup per finding.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from .model import STATES
from .model import Answers
from .model import Condition
from .model import KnowledgeBase
from .model import State

Test = Callable[[int, int, str, str], bool]
Holds = Callable[[Condition, Answers], bool]
Compile = Callable[[Condition, Mapping[str, int]], Test]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words a condition may use: the knowledge's finding slugs, onsets and family histories."""

    findings: frozenset[str]
    onsets: frozenset[str]
    family_histories: frozenset[str]


@dataclass(frozen=True, slots=True)
class Operator:
    """One kind of condition node, marked by `key`.

    children: the conditions under a node (none for a leaf); negates: whether they are read negated;
    problem: what is wrong with a node of this kind (its children aside), or "" when nothing is;
    holds: whether a node holds, given the recursive `holds` for its children; compile: the node as
    a Test, given the recursive compiler for its children.
    """

    key: str
    children: Callable[[Condition], Sequence[Condition]]
    problem: Callable[[Condition, Vocabulary], str]
    holds: Callable[[Condition, Answers, Holds], bool]
    compile: Callable[[Condition, Mapping[str, int], Compile], Test]
    negates: bool = False


def _none(cond: Condition) -> Sequence[Condition]:
    return ()


def _fine(cond: Condition, words: Vocabulary) -> str:
    return ""


def _finding_problem(cond: Condition, words: Vocabulary) -> str:
    if cond["finding"] not in words.findings:
        return f"unknown finding {cond['finding']!r}"
    if cond.get("state") not in STATES:
        return f"bad state {cond.get('state')!r}"
    return ""


def _compile_finding(cond: Condition, bits: Mapping[str, int], sub: Compile) -> Test:
    bit = bits[cond["finding"]]
    if cond["state"] == "present":
        return lambda p, a, o, h: p & bit != 0
    if cond["state"] == "absent":
        return lambda p, a, o, h: a & bit != 0
    return lambda p, a, o, h: (p | a) & bit == 0


def _compile_not(cond: Condition, bits: Mapping[str, int], sub: Compile) -> Test:
    inner = sub(cond["not"], bits)
    return lambda p, a, o, h: not inner(p, a, o, h)


def _compile_at_least(cond: Condition, bits: Mapping[str, int], sub: Compile) -> Test:
    need = cond["at_least"]
    masks = [presence_mask(c, bits) for c in cond["of"]]
    if all(masks):  # each part: one of some findings present; count the parts that hold
        present_in = tuple(masks)
        return lambda p, a, o, h: sum([p & m != 0 for m in present_in]) >= need
    parts = tuple(sub(c, bits) for c in cond["of"])
    return lambda p, a, o, h: sum([part(p, a, o, h) for part in parts]) >= need


def _compile_group(cond: Condition, bits: Mapping[str, int], sub: Compile) -> Test:
    want_all = "all" in cond
    children = cond["all"] if want_all else cond["any"]
    masks = _masks_of_all(children, bits) if want_all else None
    if masks is not None and (masks[2] or masks[3] or masks[4]):
        # A red flag's usual shape: some findings present (or one of some), others not entered or
        # not present. A few integer operations, as for the plain "all" below.
        need_p, need_a, unknown, not_p, one_of = masks
        return lambda p, a, o, h: (
            p & need_p == need_p
            and a & need_a == need_a
            and (p | a) & unknown == 0
            and p & not_p == 0
            and (one_of == 0 or p & one_of != 0)
        )
    if all(_is_finding(c) and c["state"] != "unknown" for c in children):
        # The common case, finding states only: one mask of findings that must be (or may be)
        # present and one of those that must be (or may be) absent.
        need_p = sum({bits[c["finding"]] for c in children if c["state"] == "present"})
        need_a = sum({bits[c["finding"]] for c in children if c["state"] == "absent"})
        if want_all:
            return lambda p, a, o, h: p & need_p == need_p and a & need_a == need_a
        return lambda p, a, o, h: p & need_p != 0 or a & need_a != 0
    parts = tuple(sub(c, bits) for c in children)
    if len(parts) == 2:  # the usual mixed pair (an onset and some findings, say): no loop
        first, second = parts
        if want_all:
            return lambda p, a, o, h: first(p, a, o, h) and second(p, a, o, h)
        return lambda p, a, o, h: first(p, a, o, h) or second(p, a, o, h)
    if want_all:
        return lambda p, a, o, h: all([part(p, a, o, h) for part in parts])
    return lambda p, a, o, h: any([part(p, a, o, h) for part in parts])


def _is_finding(cond: Condition) -> bool:
    return set(cond) == {"finding", "state"}


def _masks_of_all(children: list[Condition], bits: Mapping[str, int]) -> tuple[int, int, int, int, int] | None:
    """For an "all" of finding states, "one of these present" and "not present" parts: the masks
    (present, absent, unknown, not present, one-of-present); None for any other shape."""
    need_p = need_a = unknown = not_p = 0
    one_of = []
    for c in children:
        if _is_finding(c):
            bit = bits[c["finding"]]
            if c["state"] == "present":
                need_p |= bit
            elif c["state"] == "absent":
                need_a |= bit
            else:
                unknown |= bit
        elif set(c) == {"not"} and _is_finding(c["not"]) and c["not"]["state"] == "present":
            not_p |= bits[c["not"]["finding"]]
        elif set(c) == {"any"} and presence_mask(c, bits):
            one_of.append(presence_mask(c, bits))
        else:
            return None
    if len(one_of) > 1:
        return None
    return need_p, need_a, unknown, not_p, one_of[0] if one_of else 0


def presence_mask(cond: Condition, bits: Mapping[str, int]) -> int:
    """The findings' mask when a condition is "one of these findings present" (most red flags: one
    AND tests them); 0 otherwise."""
    if _is_finding(cond):
        return bits[cond["finding"]] if cond["state"] == "present" else 0
    children = cond.get("any")
    if set(cond) == {"any"} and children and all(_is_finding(c) and c["state"] == "present" for c in children):
        return sum({bits[c["finding"]] for c in children})
    return 0


def _words_in(key: str, field: str) -> Callable[[Condition, Vocabulary], str]:
    def problem(cond: Condition, words: Vocabulary) -> str:
        known: frozenset[str] = getattr(words, field)
        return "" if set(cond[key]) <= known else f"unknown {key.replace('_', ' ')} in {cond[key]!r}"

    return problem


def _compile_onset(cond: Condition, bits: Mapping[str, int], sub: Compile) -> Test:
    onsets = frozenset(cond["onset"])
    return lambda p, a, o, h: o in onsets


def _compile_family_history(cond: Condition, bits: Mapping[str, int], sub: Compile) -> Test:
    histories = frozenset(cond["family_history"])
    return lambda p, a, o, h: h in histories


def _at_least_problem(cond: Condition, words: Vocabulary) -> str:
    if not isinstance(cond["at_least"], int) or not cond.get("of"):
        return "at_least needs a count and a list 'of'"
    return ""


# Every operator of the language.
OPERATORS: tuple[Operator, ...] = (
    Operator("all", lambda c: c["all"], _fine, lambda c, ans, rec: all(rec(x, ans) for x in c["all"]), _compile_group),
    Operator("any", lambda c: c["any"], _fine, lambda c, ans, rec: any(rec(x, ans) for x in c["any"]), _compile_group),
    Operator(
        "not", lambda c: (c["not"],), _fine, lambda c, ans, rec: not rec(c["not"], ans), _compile_not, negates=True
    ),
    Operator(
        "at_least",
        lambda c: c["of"],
        _at_least_problem,
        lambda c, ans, rec: sum(rec(x, ans) for x in c["of"]) >= int(c["at_least"]),
        _compile_at_least,
    ),
    Operator(
        "finding",
        _none,
        _finding_problem,
        lambda c, ans, rec: bool(ans.state(c["finding"]) == c["state"]),
        _compile_finding,
    ),
    Operator("onset", _none, _words_in("onset", "onsets"), lambda c, ans, rec: ans.onset in c["onset"], _compile_onset),
    Operator(
        "family_history",
        _none,
        _words_in("family_history", "family_histories"),
        lambda c, ans, rec: ans.family_history in c["family_history"],
        _compile_family_history,
    ),
)


_BY_KEY = {op.key: op for op in OPERATORS}


def operator_of(cond: Condition) -> Operator:
    """The operator a node is (a node has one: check() refuses two); ValueError for a node no
    operator marks (check() refuses those first)."""
    for key in cond:
        op = _BY_KEY.get(key)
        if op is not None:
            return op
    raise ValueError(f"unknown condition {cond!r}")


def holds(cond: Condition, answers: Answers) -> bool:
    """Whether a condition tree holds for the answers (unknown never matches present or absent)."""
    return operator_of(cond).holds(cond, answers, holds)


def compile_condition(cond: Condition, bits: Mapping[str, int]) -> Test:
    """The condition tree as a function of (present mask, absent mask, onset, family history).

    Same truth as holds() (a test checks it over generated answers).
    """
    return operator_of(cond).compile(cond, bits, compile_condition)


def nodes(cond: Condition, negated: bool = False) -> Iterator[tuple[Condition, bool]]:
    """Every node of a tree, parents first, each with whether it sits under a negation. The one
    walker of the tree: a node is yielded before its children are looked for, so a reader may
    reject a malformed node before the walk reaches into it."""
    yield cond, negated
    op = operator_of(cond)
    for child in op.children(cond):
        yield from nodes(child, negated or op.negates)


def check(cond: Condition, words: Vocabulary) -> str:
    """What is wrong with a condition tree over the knowledge's words; "" when nothing is."""
    try:
        for node, _ in nodes(cond):
            if not isinstance(node, Mapping) or not node:
                return f"empty or malformed condition {node!r}"
            marks = [key for key in node if key in _BY_KEY]
            if not marks:
                return f"unknown condition keys {sorted(node)}"
            if len(marks) > 1:
                return f"a condition has one operator, not {', '.join(marks)}"
            problem = operator_of(node).problem(node, words)
            if problem:
                return problem
    except (TypeError, KeyError) as e:  # a child list of the wrong shape
        return f"malformed condition {cond!r} ({e})"
    return ""


def findings_in(cond: Condition) -> set[str]:
    """Every finding slug a condition tree mentions."""
    return {node["finding"] for node, _ in nodes(cond) if "finding" in node}


def mentions(cond: Condition, key: str) -> bool:
    """Whether a condition tree looks at onset or family history (`key`)."""
    return any(key in node for node, _ in nodes(cond))


def raised_by(cond: Condition) -> set[str]:
    """The findings whose presence can raise a red flag: those its condition wants present (not
    under a "not")."""
    return {
        node["finding"]
        for node, negated in nodes(cond)
        if "finding" in node and node["state"] == "present" and not negated
    }


def finding_bits(kb: KnowledgeBase) -> dict[str, int]:
    """One bit per finding, in checklist order."""
    return {slug: 1 << i for i, slug in enumerate(kb.findings)}


def answer_masks(findings: Mapping[str, State], bits: Mapping[str, int]) -> tuple[int, int]:
    """(present, absent) bit masks of finding states; KeyError for a slug the bits do not know."""
    present = absent = 0
    for slug, state in findings.items():
        if state == "present":
            present |= bits[slug]
        elif state == "absent":
            absent |= bits[slug]
        elif slug not in bits:  # an unknown slug is an error even when it is not assessed
            raise KeyError(slug)
    return present, absent
