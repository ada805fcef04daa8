"""The differential's evidence as precomputed columns: for every term of the ontology subset and every
checklist finding, present and absent, one likelihood ratio per entry (and what it matched), worked out
from the knowledge alone when the model is built, so that a request only looks its columns up.

Nothing an input contains is kept: the tables are keyed by the knowledge's own terms and findings, all
of them built before any request; a term outside the subset gets a column made for that request and
dropped with it. `Model.term_evidence` (model.py) is the plain, per-entry reference of the same
arithmetic; tests/test_rules/differential/test_columns.py holds the two equal (sampled terms, every
checklist finding, every term of a hand-made ontology).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rules.core.model import KnowledgeBase

from .model import FALSE_NEGATIVE_P
from .model import INDIRECT_MAX_LR
from .model import MIN_BACKGROUND
from .model import NOT_PRESENT_LR
from .model import ROOTS
from .model import Annotation
from .model import Evidence
from .model import Model
from .model import bounded
from .model import load_bare_model
from .model import temper

# How a row matched, as a byte per entry (the keys of model.MATCH_WORDS).
KINDS = ("exact", "below", "above", "group", "ancestor", "none", "not", "onset", "no_onset", "family")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Column:
    """One input item's likelihood ratio for every entry, in the model's entry order, with how each matched
    and the annotation it matched. It holds knowledge only: the item's own words are added when a row is
    shown (model.Evidence)."""

    lrs: array[float]  # 'd', one per entry
    kinds: bytes  # an index into KINDS per entry
    annotations: tuple[Annotation | None, ...]
    logs: array[float]  # 'd': the natural log of each ratio, what the ranking sums

    @classmethod
    def of(cls, lrs: Sequence[float], kinds: bytes, annotations: tuple[Annotation | None, ...]) -> Column:
        """A column with its logs worked out."""
        return cls(array("d", lrs), kinds, annotations, array("d", map(math.log, lrs)))


def _column(rows: Iterable[tuple[float, str, Annotation | None]]) -> Column:
    lrs, kinds, anns = zip(*rows, strict=True)
    return Column.of(lrs, bytes(KIND_CODE[k] for k in kinds), tuple(anns))


def floor_column(model: Model, state: str) -> Column:
    """The column of a term the subset does not hold (typed in, known to no entry): every entry's floor when
    present; when absent, the ratio of a term at the smallest background. Made per request, never kept."""

    n = len(model.entries)
    if state == "present":
        return Column.of(model.floor, bytes([KIND_CODE["none"]]) * n, (None,) * n)
    return Column.of([1 / (1 - MIN_BACKGROUND)] * n, bytes([KIND_CODE["none"]]) * n, (None,) * n)


def build_columns(
    model: Model, own: str, klass: frozenset[str] | None = None, indirect: dict[tuple[int, str], float] | None = None
) -> tuple[Column, Column]:
    """The present and absent columns of a term, or of a checklist finding (its own term and its anchors'
    class, `klass`), worked out by term rather than entry by entry, over the model's inverted indexes:
    the entries that reach the class, annotate an ancestor, or share an ancestor are found by set
    operations, and only they are visited. The same arithmetic as Model.term_evidence, the plain
    reference. `indirect` may be shared across the terms of one build (see _ancestor_matches)."""
    klass = klass or frozenset({own})
    n = len(model.entries)
    above = model.up(own)
    bg = model.background(klass)
    absent_none = 1 / (1 - min(bg, 0.99))
    none = KIND_CODE["none"]
    present_lr, present_kind = list(model.floor), bytearray([none]) * n
    present_ann: list[Annotation | None] = [None] * n
    absent_lr, absent_kind = [absent_none] * n, bytearray([none]) * n
    absent_ann: list[Annotation | None] = [None] * n
    refused = _refused(model, above | klass)
    for i, ann in refused.items():
        present_lr[i], present_kind[i], present_ann[i] = NOT_PRESENT_LR, KIND_CODE["not"], ann
        absent_kind[i], absent_ann[i] = KIND_CODE["not"], ann
    decided = set(refused)
    reached: set[int] = set()
    for t in klass:
        reached |= model.reaching.get(t, frozenset()) | model.pooling.get(t, frozenset())
    for i in reached:  # the entry's own annotation at or below the class, else its group's
        matched = model.best_match(model.prop[i], klass, own) or model.best_match(model.pooled[i], klass, own)
        if matched is None:  # cannot happen: reached means one of them holds a term of the class
            continue
        p, ann = matched
        kind = KIND_CODE[model.match_kind(ann, klass)]
        absent_lr[i] = temper(max(FALSE_NEGATIVE_P, 1 - p) / (1 - min(bg, 0.99)), ann)
        absent_kind[i], absent_ann[i] = kind, ann
        if i not in refused:
            present_lr[i] = bounded(temper(p / bg, ann), model.floor[i])
            present_kind[i], present_ann[i] = kind, ann
        decided.add(i)
    strictly_above = above - ROOTS - {own}
    for i, (lr, ann) in _above_matches(model, own, strictly_above, decided, bg).items():
        present_lr[i], present_kind[i], present_ann[i] = lr, KIND_CODE["above"], ann
        decided.add(i)
    for i, (lr, ann) in _ancestor_matches(model, strictly_above, decided, {} if indirect is None else indirect).items():
        present_lr[i], present_kind[i], present_ann[i] = lr, KIND_CODE["ancestor"], ann
    return (
        Column.of(present_lr, bytes(present_kind), tuple(present_ann)),
        Column.of(absent_lr, bytes(absent_kind), tuple(absent_ann)),
    )


def _refused(model: Model, refusing: frozenset[str]) -> dict[int, Annotation]:
    """The entries annotated NOT with the term or a term above it, with that annotation (the first, in the
    entry's order, as the plain reference takes it)."""
    found: set[int] = set()
    for t in refusing:
        found |= model.refusing.get(t, frozenset())
    return {i: next(a for a in model.negated[i] if a.hpo in refusing) for i in found}


def _above_matches(
    model: Model, own: str, strictly_above: frozenset[str], decided: set[int], bg: float
) -> dict[int, tuple[float, Annotation]]:
    """The undecided entries annotated with a term above this one: the best discounted frequency (ties to
    the first term in id order), as a bounded, tempered ratio."""
    share = model.discounts(own)
    best: dict[int, tuple[float, Annotation]] = {}
    for t in sorted(strictly_above):
        for i in model.annotating.get(t, frozenset()) - decided:
            hit = model.direct[i][t]
            value = hit[0] * share.get(t, 0.0)
            if i not in best or value > best[i][0]:
                best[i] = (value, hit[1])
    return {i: (bounded(temper(v / bg, ann), model.floor[i]), ann) for i, (v, ann) in best.items()}


def _ancestor_matches(
    model: Model, strictly_above: frozenset[str], decided: set[int], indirect: dict[tuple[int, str], float]
) -> dict[int, tuple[float, Annotation]]:
    """The undecided entries that share only a broader term: each at its deepest common term, a weak,
    indirect match (the geometric mean of its floor and at most INDIRECT_MAX_LR). `indirect` keeps each
    (entry, common term) ratio for the other terms below that common term (knowledge only)."""
    out: dict[int, tuple[float, Annotation]] = {}
    taken = set(decided)
    for c in sorted(strictly_above, key=model.depth_rank.__getitem__, reverse=True):  # deepest first
        fresh = model.reaching.get(c, frozenset()) - taken
        if not fresh:
            continue
        for i in fresh:
            p, ann = model.prop[i][c]
            lr = indirect.get((i, c))
            if lr is None:
                floor = model.floor[i]
                lr = math.sqrt(floor * min(INDIRECT_MAX_LR, bounded(temper(p / model.background((c,)), ann), floor)))
                indirect[(i, c)] = lr
            out[i] = (lr, ann)
        taken |= fresh
    return out


class Item(NamedTuple):
    """One input item of a request (a finding, a typed term, the onset, the family history): its words and
    its column. Its rows are made only for the entries shown (Ranked.evidence)."""

    column: Column
    hpo: str | None
    label: str
    state: str

    def evidence(self, i: int) -> Evidence:
        """The item's row for entry i."""
        ann = self.column.annotations[i]
        kind = KINDS[self.column.kinds[i]]
        return Evidence(self.hpo, self.label, self.state, self.column.lrs[i], kind, ann, ann.reference if ann else "")


@dataclass(frozen=True)
class Tables:
    """Every column a request can look up, built from the knowledge alone (Model.prepare)."""

    kb_id: int
    terms: Mapping[str, tuple[Column, Column]]  # each term of the subset: (present, absent)
    findings: Mapping[str, tuple[Item, Item]]  # each checklist finding, by slug: (present, absent)
    onsets: Mapping[str, Item]
    family_histories: Mapping[str, Item]

    def term(self, model: Model, term: str, state: str) -> Item:
        """A typed term's item: its precomputed column, or for a term the subset lacks a floor column made
        for this request (not kept)."""
        pair = self.terms.get(term)
        column = pair[state == "absent"] if pair else floor_column(model, state)
        name = model.terms[term].name if term in model.terms else term
        return Item(column, term, name, state)


def _translated_tables(kb: KnowledgeBase, base: KnowledgeBase) -> Tables:
    """The English knowledge's tables with the translated knowledge's words: the columns are shared. The
    onset and the family history are named by the knowledge's own words for them (options.toml)."""
    english = load_model(base).tables
    assert isinstance(english, Tables)
    return Tables(
        id(kb),
        english.terms,
        {
            s: (p._replace(label=kb.findings[s].label), a._replace(label=kb.findings[s].label))
            for s, (p, a) in english.findings.items()
        },
        {
            s: i._replace(label=f"{kb.words.get('onset_label', 'Onset')}: {kb.onsets[s].label}")
            for s, i in english.onsets.items()
        },
        {
            s: i._replace(
                label=f"{kb.words.get('family_history_label', 'Family history')}: {kb.family_histories[s].label}"
            )
            for s, i in english.family_histories.items()
        },
    )


def build_tables(model: Model, kb: KnowledgeBase) -> Tables:
    """Model.prepare's tables (about a second of CPU for the shipped model: docs/performance.md)."""
    if kb.base is not None:
        return _translated_tables(kb, kb.base)
    indirect: dict[tuple[int, str], float] = {}
    terms = {t: build_columns(model, t, indirect=indirect) for t in sorted(model.terms)}
    findings = {}
    for slug, f in kb.findings.items():
        present, absent = build_columns(model, f.hpo, frozenset(f.anchors) | {f.hpo}, indirect)
        findings[slug] = (Item(present, f.hpo, f.label, "present"), Item(absent, f.hpo, f.label, "absent"))
    onsets = {}
    for slug, o in kb.onsets.items():
        hpo = o.hpo[0] if o.hpo else None
        onsets[slug] = Item(_column(model.onset_ratios(slug, hpo)), hpo, f"Onset: {o.label}", slug)
    histories = {
        slug: Item(_column(model.family_ratios(slug)), None, f"Family history: {o.label}", slug)
        for slug, o in kb.family_histories.items()
    }
    return Tables(id(kb), terms, findings, onsets, histories)


def prepare(model: Model, kb: KnowledgeBase) -> Tables:
    """Every column a request can need, worked out once from the knowledge: each term of the subset and each
    checklist finding, present and absent, each onset and each family history. Built whole on first use
    (load_model does it before any request is served), never one input at a time, so what the tables hold
    says nothing about what was entered."""
    tables = model.tables
    if isinstance(tables, Tables) and tables.kb_id == id(kb):
        return tables
    with model.prepare_lock:
        if not (isinstance(model.tables, Tables) and model.tables.kb_id == id(kb)):
            model.tables = build_tables(model, kb)
        return model.tables


def load_model(kb: KnowledgeBase) -> Model:
    """The model of the shipped data with every column worked out (read once per process)."""
    model = load_bare_model(kb)
    prepare(model, kb)
    return model
