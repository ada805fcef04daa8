"""Separating checks: the unassessed findings whose answer would best tell the top entries apart."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple
from typing import cast

from rules.core.model import Answers
from rules.core.model import KnowledgeBase

from .model import Model
from .model import Ranked
from .model import Separating

# Separating checks: how many of the best entries they should tell apart, the smallest expected gain
# (bits of the entropy of those entries' probabilities) worth offering, and how many to offer.
SEPARATE_TOP = 3
MIN_GAIN_BITS = 0.05
MAX_SEPARATING = 4


def _hb(p: float) -> float:
    """Binary entropy in bits."""
    return 0.0 if p <= 0.0 or p >= 1.0 else -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


class Presence(NamedTuple):
    """P(present | entry) of every finding, by entry: the columns separating_checks() multiplies."""

    slugs: tuple[str, ...]  # checklist order
    p: tuple[tuple[float, ...], ...]  # per entry, per finding
    h: tuple[tuple[float, ...], ...]  # per entry, per finding: the binary entropy of p


def presence_table(kb: KnowledgeBase, model: Model) -> Presence:
    """Per entry and finding, P(present | entry): its frequency (propagated from the annotations at or
    below the finding's anchors), 0 when annotated NOT, else the background frequency (chance)."""
    key = ("presence", id(kb))
    done = model._cache.get(key)
    if done is not None:
        return cast(Presence, done)
    columns = []
    for f in kb.findings.values():
        klass = frozenset(f.anchors) | {f.hpo}
        bg = model.background(klass)
        ps = []
        for i in range(len(model.entries)):
            prop = model.prop[i]
            matched = max((prop[a][0] for a in klass if a in prop), default=None)
            refused = any(n.hpo in klass for n in model.negated[i])
            ps.append(0.0 if refused else matched if matched is not None else bg)
        columns.append(ps)
    by_entry = tuple(zip(*columns, strict=True))
    out = Presence(tuple(kb.findings), by_entry, tuple(tuple(map(_hb, ps)) for ps in by_entry))
    model._cache[key] = out
    return out


_EPS = 1e-12  # keeps log2 finite at p = 0 or 1, where the binary entropy is 0 anyway


def separating_checks(
    answers: Answers, kb: KnowledgeBase, model: Model, top: Sequence[Ranked]
) -> tuple[Separating, ...]:
    """The unassessed findings whose answer is expected to tell the top entries apart best.

    With the top entries' probabilities renormalised as w and P(present | entry) from presence_table,
    the gain is the mutual information between the answer and the entry, h(sum w p) - sum w h(p) bits:
    the expected drop in the entropy of the top entries' probabilities once the answer is known.
    """
    if len(top) < 2:
        return ()
    slugs, p_by_entry, h_by_entry = presence_table(kb, model)
    rows = [model.index[id(r.entry)] for r in top]
    total = sum([r.probability for r in top])
    weights = [r.probability / total for r in top]
    gains = []
    for k in range(len(slugs)):
        yes = cond = 0.0
        for w, i in zip(weights, rows, strict=True):
            yes += p_by_entry[i][k] * w  # P(present) over the top entries
            cond += h_by_entry[i][k] * w  # the entropy left once the entry is known
        y = min(max(yes, _EPS), 1 - _EPS)
        n = 1.0 - y
        gains.append(-(y * math.log2(y) + n * math.log2(n)) - cond)
    given = answers.findings
    out: list[Separating] = []
    for k in sorted(range(len(gains)), key=gains.__getitem__, reverse=True):  # largest gain first
        gain = gains[k]
        if gain < MIN_GAIN_BITS or len(out) == MAX_SEPARATING:
            break
        if given.get(slugs[k], "unknown") != "unknown":
            continue
        ps = [p_by_entry[i][k] for i in rows]
        low = min(ps)
        order = sorted(range(len(rows)), key=lambda j: -ps[j])
        out.append(
            Separating(
                slugs[k],
                kb.findings[slugs[k]].label,
                round(gain, 3),
                tuple(top[j].entry.id for j in order if ps[j] > low),
            )
        )
    return tuple(out)
