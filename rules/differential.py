"""Which type and which gene: a ranked, explained differential over the osteopetrosis entries (pure).

Every osteopetrosis entry of the shipped HPO annotations (KNOWLEDGE.md section 4: 13 OMIM, 5 ORPHA;
rules/data/osteopetrosis_diseases.json) is scored against the whole input, after LIRICAL
(Robinson PN et al. Interpretable clinical genomics with a likelihood ratio paradigm. Am J Hum Genet
2020;107:403-417, PMID 32755546; method as in its PhenotypeLikelihoodRatio class): each entered term
gives one likelihood ratio per entry, LR = P(term | entry) / P(term | any disease), the entry's
frequency over the background frequency of the term among all diseases of phenotype.hpoa
(rules/data/differential_hpo.json, scripts/build_differential_hpo.py). The post-test probability of
each entry is its equal pre-test probability times the product of its ratios, normalised over the
entries. What differs from LIRICAL is named where it is done: the default for unstated frequencies,
cohort counts smoothed, an excluded term the entry is annotated NOT, and onset and family history,
which LIRICAL does not use.

A checklist finding is matched as the class of its anchors (each anchor with its descendants, as the
checklist counts it); any other HPO term entered is matched as itself. Deterministic, no I/O beyond
reading the committed data once per process. Educational: a ranking of annotation matches, not a
diagnosis.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import operator
import re
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from typing import NamedTuple
from typing import cast

from .model import Answers
from .model import KnowledgeBase

# --- constants, each named once with why ---------------------------------------------------------
# LIRICAL's DEFAULT_FALSE_POSITIVE_NO_COMMON_ORGAN_PROBABILITY: the ratio of a present term that the
# entry's annotations do not explain at all (annotations are incomplete, or the finding has another
# cause); also the floor of the ratios of weaker matches.
NO_MATCH_LR = 0.01
# LIRICAL's EXCLUDED_IN_DISEASE_BUT_PRESENT_IN_QUERY_PROBABILITY: a present term the entry is
# annotated NOT (or 0/N) with, at it or above it: a strong ratio against.
NOT_PRESENT_LR = 0.001
# LIRICAL's FALSE_NEGATIVE_OBSERVATION_OF_PHENOTYPE_PROB: even an obligate feature is sometimes
# recorded absent (missed, not yet developed), so P(absent | entry) is at least this.
FALSE_NEGATIVE_P = 0.01
# LIRICAL's DEFAULT_BACKGROUND_FREQUENCY: the smallest background frequency used, so a term hardly
# any disease has cannot give an unbounded ratio.
MIN_BACKGROUND = 1e-4
# An annotation without a frequency says the feature occurs, not how often: even odds, as the
# simulator assumes (scripts/build_hpo_subset.py UNKNOWN_FREQUENCY_P). LIRICAL takes 1.0, which would
# make every unstated feature obligatory and its absence nearly exclude the entry.
UNSTATED_FREQUENCY = 0.5
# Cohort counts (n/m) are smoothed with half a case on each side (Jeffreys' prior): 1/1 is one
# patient, not a certainty (KNOWLEDGE.md section 6: small cohorts must not read as percentages).
COHORT_PSEUDOCOUNT = 0.5
# Terms too broad to count as a common ancestor (LIRICAL: "a non-root common ancestor").
ROOTS = frozenset({"HP:0000001", "HP:0000118"})
# Annotations never used: ORPHA:667 is annotated Reduced bone mineral density, which contradicts
# osteopetrosis (KNOWLEDGE.md section 8 item 11: a source-data oddity; do not let it count).
IGNORED_ANNOTATIONS = frozenset({("ORPHA:667", "HP:0004349")})
# Onset (LIRICAL uses none). The checklist's five onset classes, so the background chance of any one
# is 1/5. An entry's onset annotations come from few reported patients, so a share of onsets falls
# outside what they record: that share is spread evenly over the five classes. 0.1 is a judgement.
ONSET_CLASSES = ("neonatal", "infancy", "childhood", "adolescence", "adulthood")
UNRECORDED_ONSET_SHARE = 0.1
# Ages at onset are reported loosely across a boundary (a "neonatal" sign noticed at six weeks is
# "infantile"), so a quarter of each recorded onset's weight goes to each neighbouring class. A judgement.
NEIGHBOUR_ONSET_SHARE = 0.25
# Family history (LIRICAL uses none): the mode of inheritance each answer fits, and the likelihood
# ratio given to the entries of that mode (its inverse to those of the other mode; entries of
# unknown inheritance get 1). The directions are the checklist's own clues (an affected parent fits a
# single inherited copy, the source document; related parents and an affected sibling fit two copies,
# inferences cited in rules/knowledge/inheritance.toml). The sizes are judgements, kept modest: a
# dominant form can be new or non-penetrant in a parent (OMIM 166600), so unaffected parents fit
# recessive only a little.
FAMILY_FIT: Mapping[str, tuple[str, float]] = {
    "affected_parent": ("dominant", 4.0),
    "consanguineous_parents": ("recessive", 3.0),
    "affected_sibling": ("recessive", 3.0),
    "unaffected_parents": ("recessive", 1.5),
}
# Separating checks: how many of the best entries they should tell apart, the smallest expected gain
# (bits of the entropy of those entries' probabilities) worth offering, and how many to offer.
SEPARATE_TOP = 3
MIN_GAIN_BITS = 0.05
MAX_SEPARATING = 4
# Too little input: no entry above this probability means the ranking says so (PRODUCT.md, issue 15).
CONFIDENT_P = 0.3

FRACTION = re.compile(r"^(\d+)/(\d+)$")
MATCH_WORDS = {
    "exact": "annotated with this term",
    "below": "annotated with a more specific term",
    "above": "annotated with a broader term (discounted)",
    "ancestor": "shares only a broader term",
    "none": "not annotated with it",
    "not": "annotated as NOT having it",
    "onset": "onset annotation",
    "no_onset": "no onset recorded for this entry",
    "family": "inheritance of the entry",
}


@dataclass(frozen=True, slots=True)
class Annotation:
    """One phenotype annotation of an entry."""

    hpo: str
    name: str
    frequency: str  # as the annotation file gives it ("" when unstated)
    p: float  # the probability used (see frequency_p)
    negated: bool
    reference: str


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    """An osteopetrosis entry: its annotations, onsets and inheritance."""

    id: str
    name: str
    genes: tuple[str, ...]
    inheritance: str  # recessive, dominant or unknown
    onsets: tuple[tuple[str, float, str], ...]  # (checklist onset, weight, the annotation's words)
    annotations: tuple[Annotation, ...]

    @property
    def url(self) -> str:
        """The entry's public page (OMIM or Orphanet)."""
        prefix, _, number = self.id.partition(":")
        if prefix == "OMIM":
            return f"https://omim.org/entry/{number}"
        return f"https://www.orpha.net/consor/cgi-bin/OC_Exp.php?lng=EN&Expert={number}"  # as KNOWLEDGE.md cites it


class Evidence(NamedTuple):
    """One input item's likelihood ratio for one entry, and what it matched."""

    hpo: str | None
    label: str
    state: str  # present, absent (or the onset / family-history word)
    lr: float
    match: str  # a key of MATCH_WORDS
    annotation: Annotation | None
    source: str  # the matched annotation's reference (PMID:…, OMIM:…, ORPHA:…) or ""


class Ranked(NamedTuple):
    """An entry with its post-test probability and the evidence for and against it."""

    entry: Entry
    probability: float
    evidence: tuple[Evidence, ...]


class GeneShare(NamedTuple):
    """A gene with the share of probability of the entries it causes."""

    gene: str
    probability: float
    entries: tuple[str, ...]  # the entries that list the gene (by id)


class Separating(NamedTuple):
    """An unassessed finding whose answer would best tell the top entries apart."""

    slug: str
    label: str
    gain_bits: float
    favours_if_present: tuple[str, ...]  # entry ids, most favoured first


class Ranking(NamedTuple):
    """The whole differential for one input."""

    entries: tuple[Ranked, ...]  # best first
    genes: tuple[GeneShare, ...]  # best first
    separating: tuple[Separating, ...]
    confident: bool  # some entry above CONFIDENT_P
    hpo_release: str


@dataclass(frozen=True, slots=True)
class Term:
    """An ontology term of the subset."""

    name: str
    parents: tuple[str, ...]
    children: int
    background: float


def frequency_p(label: str, p: float) -> float:
    """The probability used for an annotation's frequency: smoothed cohort counts, the stated default."""
    if not label:
        return UNSTATED_FREQUENCY
    match = FRACTION.match(label)
    if match:
        n, m = int(match[1]), int(match[2])
        return (n + COHORT_PSEUDOCOUNT) / (m + 2 * COHORT_PSEUDOCOUNT)
    return p  # an HPO frequency class, read as the middle of its range by the data generator


class Model:
    """Entries and ontology, with everything derived from them worked out once."""

    def __init__(self, terms: Mapping[str, Term], entries: Sequence[Entry], release: str) -> None:
        self.terms = terms
        self.entries = tuple(entries)
        self.release = release
        self._up: dict[str, frozenset[str]] = {}
        # Per entry: every term at or above a positive annotation -> (highest p, that annotation).
        self.prop: list[dict[str, tuple[float, Annotation]]] = []
        self.negated: list[tuple[Annotation, ...]] = []
        for e in self.entries:
            best: dict[str, tuple[float, Annotation]] = {}
            for a in e.annotations:
                if a.negated:
                    continue
                for t in self.up(a.hpo):
                    if t not in best or a.p > best[t][0]:
                        best[t] = (a.p, a)
            self.prop.append(best)
            self.negated.append(tuple(a for a in e.annotations if a.negated))
        self._cache: dict[tuple[Any, ...], tuple[Evidence, ...]] = {}
        members: dict[str, list[tuple[int, float]]] = {}
        for i, e in enumerate(self.entries):
            for g in e.genes or ("(gene not recorded)",):
                members.setdefault(g, []).append((i, 1 / max(1, len(e.genes))))
        self.index = {id(e): i for i, e in enumerate(self.entries)}
        # per gene: its entries' positions and the share of each entry's probability it gets
        self.gene_members = tuple((g, tuple(i for i, _ in m), tuple(f for _, f in m),
                                   tuple(self.entries[i].id for i, _ in m)) for g, m in members.items())
        # The log ratios of each cached column, by its id (the entry holds the column, so the id stays its).
        self._logs: dict[int, tuple[tuple[Evidence, ...], tuple[float, ...]]] = {}

    def _store(self, key: tuple[Any, ...], column: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        self._cache[key] = column
        self._logs[id(column)] = (column, tuple(math.log(ev.lr) for ev in column))
        return column

    def logs(self, column: tuple[Evidence, ...]) -> tuple[float, ...]:
        """The log ratios of a column: worked out once for the model's own columns."""
        hit = self._logs.get(id(column))
        if hit is not None and hit[0] is column:
            return hit[1]
        return tuple(math.log(ev.lr) for ev in column)

    def up(self, term: str) -> frozenset[str]:
        """The term and its ancestors (just the term when the subset does not hold it)."""
        found = self._up.get(term)
        if found is None:
            seen, stack = {term}, [term]
            while stack:
                t = self.terms.get(stack.pop())
                for parent in t.parents if t else ():
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            found = frozenset(seen)
            if term in self.terms:  # knowledge only: a term typed in that the subset lacks is not kept
                self._up[term] = found
        return found

    def background(self, terms: Iterable[str]) -> float:
        """P(term | any disease): the highest background of the terms (the class of a finding's anchors)."""
        values = [self.terms[t].background for t in terms if t in self.terms]
        return max([MIN_BACKGROUND, *values])

    def _discounts(self, term: str) -> dict[str, float]:
        """Each ancestor's share reaching the term: LIRICAL divides an annotated parent's frequency by
        its number of children; here the division is repeated for every step up (its generalisation)."""
        share = {term: 1.0}
        frontier = [term]
        while frontier:
            nxt = []
            for t in frontier:
                node = self.terms.get(t)
                for parent in node.parents if node else ():
                    kids = max(1, self.terms[parent].children) if parent in self.terms else 1
                    value = share[t] / kids
                    if value > share.get(parent, 0.0):
                        share[parent] = value
                        nxt.append(parent)
            frontier = nxt
        return share

    def term_evidence(self, own: str, anchors: tuple[str, ...], label: str, state: str,
                      keep: bool = True) -> tuple[Evidence, ...]:
        """One Evidence per entry for a term (or a finding: its own term and its anchors) present or absent.

        keep=False for a term typed in rather than a checklist finding: nothing entered is kept.
        """
        key = (own, anchors, label, state)
        done = self._cache.get(key)
        if done is not None:
            return done
        klass = frozenset(anchors) | {own}
        above = self.up(own)
        bg = self.background(klass)
        rows = []
        for i, _entry in enumerate(self.entries):
            prop, negated = self.prop[i], self.negated[i]
            # The highest frequency; on a tie (the same annotation reached from two anchors, or two with
            # one frequency) the same choice in every process: an exact match first, then by term and reference.
            matched = max((prop[a] for a in klass if a in prop), default=None,
                          key=lambda x: (x[0], x[1].hpo in klass, x[1].hpo == own, x[1].hpo, x[1].reference))
            refused = next((n for n in negated if n.hpo in klass or n.hpo in above), None)
            if state == "present":
                rows.append(self._present(own, label, matched, refused, above, prop, bg, klass))
            else:
                if matched is None:
                    lr, kind, ann = 1 / (1 - min(bg, 0.99)), "not" if refused else "none", refused
                else:
                    p, ann = matched
                    lr, kind = max(FALSE_NEGATIVE_P, 1 - p) / (1 - min(bg, 0.99)), self._kind(ann, klass)
                rows.append(Evidence(own, label, "absent", lr, kind, ann, ann.reference if ann else ""))
        out = tuple(rows)
        if keep:
            self._store(key, out)
        return out

    @staticmethod
    def _kind(ann: Annotation, klass: frozenset[str]) -> str:
        return "exact" if ann.hpo in klass else "below"

    def _present(self, own: str, label: str, matched: tuple[float, Annotation] | None, refused: Annotation | None,
                 above: frozenset[str], prop: dict[str, tuple[float, Annotation]], bg: float,
                 klass: frozenset[str]) -> Evidence:
        if refused is not None:  # LIRICAL: present but excluded in the disease
            return Evidence(own, label, "present", NOT_PRESENT_LR, "not", refused, refused.reference)
        if matched is not None:  # exact, or an annotation below the term (its frequency holds for the term)
            p, ann = matched
            return Evidence(own, label, "present", max(NO_MATCH_LR, p / bg), self._kind(ann, klass), ann,
                            ann.reference)
        # An annotation above the term: discounted by its children (LIRICAL's query-subclass rule).
        share = self._discounts(own)
        best: tuple[float, Annotation] | None = None
        for t in sorted(above - ROOTS - {own}):  # sorted: a tie goes the same way in every process
            hit = prop.get(t)
            if hit is not None and hit[1].hpo == t:  # t itself is annotated (not only something below it)
                value = hit[0] * share.get(t, 0.0)
                if best is None or value > best[0]:
                    best = (value, hit[1])
        if best is not None:
            return Evidence(own, label, "present", max(NO_MATCH_LR, best[0] / bg), "above", best[1],
                            best[1].reference)
        # Only a broader common ancestor: the deepest one the entry has (LIRICAL's non-root common ancestor).
        common = [t for t in above - ROOTS if t in prop]
        if common:
            c = max(common, key=lambda t: (len(self.up(t)), t))
            p, ann = prop[c]
            lr = max(NO_MATCH_LR, p / self.background([c]))
            return Evidence(own, label, "present", lr, "ancestor", ann, ann.reference)
        return Evidence(own, label, "present", NO_MATCH_LR, "none", None, "")

    def onset_evidence(self, onset: str, label: str, hpo: str | None) -> tuple[Evidence, ...]:
        """One Evidence per entry for the onset entered (ratio 1 for an entry with no onset recorded)."""
        key = ("onset", onset)
        done = self._cache.get(key)
        if done is not None:
            return done
        rows = []
        for e in self.entries:
            total = sum(w for _, w, _ in e.onsets)
            if not total or onset not in ONSET_CLASSES:
                rows.append(Evidence(hpo, label, onset, 1.0, "no_onset", None, ""))
                continue
            share = sum(w * _spill(o, onset) for o, w, _ in e.onsets) / total
            p = (1 - UNRECORDED_ONSET_SHARE) * share + UNRECORDED_ONSET_SHARE / len(ONSET_CLASSES)
            words = "; ".join(f"{w}" for o, _, w in e.onsets)
            ann = Annotation(hpo or "", f"onsets recorded: {words}", "", share, False, e.id)
            rows.append(Evidence(hpo, label, onset, p * len(ONSET_CLASSES), "onset", ann, ann.reference))
        return self._store(key, tuple(rows))

    def family_evidence(self, history: str, label: str) -> tuple[Evidence, ...]:
        """One Evidence per entry for the family history entered."""
        key = ("family", history)
        done = self._cache.get(key)
        if done is not None:
            return done
        fit = FAMILY_FIT.get(history)
        rows = []
        for e in self.entries:
            if fit is None or e.inheritance not in ("recessive", "dominant"):
                lr = 1.0
            else:
                lr = fit[1] if e.inheritance == fit[0] else 1 / fit[1]
            rows.append(Evidence(None, label, history, lr, "family", None, ""))
        return self._store(key, tuple(rows))


def _spill(recorded: str, entered: str) -> float:
    """The share of a recorded onset's weight that the entered onset class gets."""
    if recorded not in ONSET_CLASSES:
        return 0.0
    i, j = ONSET_CLASSES.index(recorded), ONSET_CLASSES.index(entered)
    neighbours = sum(0 <= i + d < len(ONSET_CLASSES) for d in (-1, 1))
    if i == j:
        return 1 - NEIGHBOUR_ONSET_SHARE * neighbours
    return NEIGHBOUR_ONSET_SHARE if abs(i - j) == 1 else 0.0


def _evidence_columns(answers: Answers, kb: KnowledgeBase, model: Model,
                      other_terms: Iterable[tuple[str, str]]) -> list[tuple[Evidence, ...]]:
    """One column (an Evidence per entry) per input item, in input order."""
    columns = []
    for slug, state in answers.findings.items():
        if state in ("present", "absent"):
            f = kb.findings[slug]
            columns.append(model.term_evidence(f.hpo, f.anchors, f.label, state))
    for term, term_state in other_terms:
        if term_state in ("present", "absent"):
            name = model.terms[term].name if term in model.terms else term
            columns.append(model.term_evidence(term, (term,), name, term_state, keep=False))
    if answers.onset != "unknown":
        opt = kb.onsets[answers.onset]
        columns.append(model.onset_evidence(answers.onset, f"Onset: {opt.label}", opt.hpo[0] if opt.hpo else None))
    if answers.family_history != "unknown":
        opt = kb.family_histories[answers.family_history]
        columns.append(model.family_evidence(answers.family_history, f"Family history: {opt.label}"))
    return columns


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
        return done  # type: ignore[return-value]
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
    model._cache[key] = out  # type: ignore[assignment]
    return out


_EPS = 1e-12  # keeps log2 finite at p = 0 or 1, where the binary entropy is 0 anyway


def separating_checks_reference(answers: Answers, kb: KnowledgeBase, model: Model,
                                top: Sequence[Ranked]) -> tuple[Separating, ...]:
    """The plain definition of separating_checks (the reference its equivalence test holds it to).

    The unassessed findings whose answer is expected to tell the top entries apart best.

    With the top entries' probabilities renormalised as w and P(present | entry) from presence_table,
    the gain is the mutual information between the answer and the entry, h(sum w p) - sum w h(p) bits:
    the expected drop in the entropy of the top entries' probabilities once the answer is known.
    (Worked out for all findings at once, column by column: it runs in every answer.)
    """
    if len(top) < 2:
        return ()
    slugs, p_by_entry, h_by_entry = presence_table(kb, model)
    rows = [model.index[id(r.entry)] for r in top]
    total = sum([r.probability for r in top])
    weights = [r.probability / total for r in top]
    mul, add, sub = operator.mul, operator.add, operator.sub
    yes: Iterable[float] = itertools.repeat(0.0)
    cond: Iterable[float] = itertools.repeat(0.0)
    for w, i in zip(weights, rows, strict=True):
        yes = map(add, yes, map(mul, p_by_entry[i], itertools.repeat(w)))
        cond = map(add, cond, map(mul, h_by_entry[i], itertools.repeat(w)))
    y = list(map(min, map(max, yes, itertools.repeat(_EPS)), itertools.repeat(1 - _EPS)))
    n = list(map(sub, itertools.repeat(1.0), y))
    negative_h = map(add, map(mul, y, map(math.log2, y)), map(mul, n, map(math.log2, n)))
    gains = list(map(sub, map(operator.neg, negative_h), cond))
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
        out.append(Separating(slugs[k], kb.findings[slugs[k]].label, round(gain, 3),
                              tuple(top[j].entry.id for j in order if ps[j] > low)))
    return tuple(out)


def rank_reference(answers: Answers, kb: KnowledgeBase, other_terms: Iterable[tuple[str, str]] = (),
                   model: Model | None = None) -> Ranking:
    """The plain definition of rank (the reference its equivalence test holds it to).

    The differential for the answers: every entry with its probability and evidence, best first.

    `other_terms` are HPO terms entered that are not checklist findings, with their state. (Written
    with zip and map over whole columns: it runs in every answer of POST /api/v1/assess.)
    """
    model = model or load_model(kb)
    ranked, probs = _posterior(answers, kb, model, other_terms)
    shares = [  # an entry's probability split evenly over its genes (HPO gives no shares)
        GeneShare(g, sum(map(operator.mul, map(probs.__getitem__, idx), factors)), ids)
        for g, idx, factors, ids in model.gene_members]
    genes = tuple(sorted(shares, key=lambda s: (-s.probability, s.gene)))
    return Ranking(ranked, genes, separating_checks_reference(answers, kb, model, ranked[:SEPARATE_TOP]),
                   ranked[0].probability > CONFIDENT_P, model.release)


# --- the fast path: what rank_reference does, with every per-entry step a C-level map ----------------
# (POST /api/v1/assess runs it in every answer; tests/test_rules/test_differential_fast.py proves it
# equal to the reference above for generated inputs.) Named tuples are built by tuple.__new__ from
# zipped columns, which calls no Python code per row (a NamedTuple's own __new__ is Python).
_ENTRY, _PROBABILITY, _EVIDENCE = (operator.itemgetter(i) for i in range(3))
_MAKE_RANKED = cast("Callable[[tuple[Entry, float, tuple[Evidence, ...]]], Ranked]",
                    functools.partial(tuple.__new__, Ranked))
_MAKE_SHARE = cast("Callable[[tuple[str, float, tuple[str, ...]]], GeneShare]",
                   functools.partial(tuple.__new__, GeneShare))


class _Tables(NamedTuple):
    """What the fast path looks up, from the knowledge alone (built once per model)."""

    gene_names: tuple[str, ...]  # sorted by name, so a stable sort by share alone breaks ties by name
    gene_rows: tuple[tuple[int, ...], ...]
    gene_factors: tuple[tuple[float, ...], ...]
    gene_entries: tuple[tuple[str, ...], ...]
    p_by_finding: tuple[tuple[float, ...], ...]  # presence_table's p, per finding, per entry


def _tables(kb: KnowledgeBase, model: Model) -> _Tables:
    key = ("fast", id(kb))
    done = model._cache.get(key)
    if done is not None:
        return done  # type: ignore[return-value]
    members = sorted(model.gene_members, key=operator.itemgetter(0))
    presence = presence_table(kb, model)
    out = _Tables(tuple(m[0] for m in members), tuple(m[1] for m in members), tuple(m[2] for m in members),
                  tuple(m[3] for m in members), tuple(zip(*presence.p, strict=True)))
    model._cache[key] = out  # type: ignore[assignment]
    return out


def separating_checks(answers: Answers, kb: KnowledgeBase, model: Model,
                      top: Sequence[Ranked]) -> tuple[Separating, ...]:
    """separating_checks_reference, with the favoured entries of each check found by C-level maps."""
    if len(top) < 2:
        return ()
    slugs, p_by_entry, h_by_entry = presence_table(kb, model)
    p_by_finding = _tables(kb, model).p_by_finding
    entries = list(map(_ENTRY, top))
    rows = list(map(model.index.__getitem__, map(id, entries)))
    probabilities = list(map(_PROBABILITY, top))
    total = sum(probabilities)
    weights = list(map(operator.truediv, probabilities, itertools.repeat(total)))
    mul, add, sub = operator.mul, operator.add, operator.sub
    yes: Iterable[float] = itertools.repeat(0.0)
    cond: Iterable[float] = itertools.repeat(0.0)
    for w, i in zip(weights, rows, strict=True):
        yes = map(add, yes, map(mul, p_by_entry[i], itertools.repeat(w)))
        cond = map(add, cond, map(mul, h_by_entry[i], itertools.repeat(w)))
    y = list(map(min, map(max, yes, itertools.repeat(_EPS)), itertools.repeat(1 - _EPS)))
    n = list(map(sub, itertools.repeat(1.0), y))
    negative_h = map(add, map(mul, y, map(math.log2, y)), map(mul, n, map(math.log2, n)))
    gains = list(map(sub, map(operator.neg, negative_h), cond))
    given = answers.findings
    ids = [e.id for e in entries]
    positions = range(len(rows))
    out: list[Separating] = []
    for k in sorted(range(len(gains)), key=gains.__getitem__, reverse=True):  # largest gain first
        gain = gains[k]
        if gain < MIN_GAIN_BITS or len(out) == MAX_SEPARATING:
            break
        slug = slugs[k]
        if given.get(slug, "unknown") != "unknown":
            continue
        ps = list(map(p_by_finding[k].__getitem__, rows))
        # Most favoured first; a stable sort with reverse=True keeps ties in order, as key=-p does.
        order = sorted(positions, key=ps.__getitem__, reverse=True)
        favoured = itertools.compress(map(ids.__getitem__, order),
                                      map(operator.gt, map(ps.__getitem__, order), itertools.repeat(min(ps))))
        out.append(Separating(slug, kb.findings[slug].label, round(gain, 3), tuple(favoured)))
    return tuple(out)


def _posterior(answers: Answers, kb: KnowledgeBase, model: Model, other_terms: Iterable[tuple[str, str]],
               ) -> tuple[tuple[Ranked, ...], list[float]]:
    """Every entry with its post-test probability and evidence, best first, and the probabilities in
    the model's entry order (rank and rank_reference share it; they differ in the gene shares and the
    separating checks)."""
    columns = _evidence_columns(answers, kb, model, other_terms)
    entries = model.entries
    n = len(entries)
    logs: list[float]
    if columns:  # equal pre-test probabilities (LIRICAL's default), so the prior cancels out
        logs = list(map(sum, zip(*map(model.logs, columns), strict=True)))
        by_entry = list(zip(*columns, strict=True))
    else:
        logs, by_entry = [0.0] * n, [()] * n
    top_log = max(logs)
    weights = list(map(math.exp, map(operator.sub, logs, itertools.repeat(top_log))))
    total = sum(weights)
    probs = list(map(operator.truediv, weights, itertools.repeat(total)))
    # Best first; ties keep the entries' order (by id), as a stable sort does with reverse=True.
    order = sorted(range(n), key=logs.__getitem__, reverse=True)
    ranked = tuple(map(_MAKE_RANKED, zip(map(entries.__getitem__, order), map(probs.__getitem__, order),
                                         map(by_entry.__getitem__, order), strict=True)))
    return ranked, probs


def rank(answers: Answers, kb: KnowledgeBase, other_terms: Iterable[tuple[str, str]] = (),
         model: Model | None = None) -> Ranking:
    """The differential for the answers: every entry with its probability and evidence, best first.

    `other_terms` are HPO terms entered that are not checklist findings, with their state. Equal to
    rank_reference; its ratios are looked up (each column's logs are worked out once per process).
    """
    model = model or load_model(kb)
    tables = _tables(kb, model)
    ranked, probs = _posterior(answers, kb, model, other_terms)
    at = itertools.repeat(probs.__getitem__)
    sums = map(sum, map(map, itertools.repeat(operator.mul), map(map, at, tables.gene_rows), tables.gene_factors))
    shares = map(_MAKE_SHARE, zip(tables.gene_names, sums, tables.gene_entries, strict=True))
    genes = tuple(sorted(shares, key=_PROBABILITY, reverse=True))  # by share, then by name (the names' order)
    return Ranking(ranked, genes, separating_checks(answers, kb, model, ranked[:SEPARATE_TOP]),
                   ranked[0].probability > CONFIDENT_P, model.release)


def disagreement(lean: str, ranking: Ranking) -> str:
    """Plain words when the rules' lean and the best entry's inheritance differ; "" when they agree."""
    best = ranking.entries[0].entry if ranking.entries else None
    if best is None or not ranking.confident or lean not in ("recessive", "dominant"):
        return ""
    if best.inheritance not in ("recessive", "dominant") or best.inheritance == lean:
        return ""
    genes = ", ".join(best.genes)
    return (f"The inheritance lean is {lean}, but the type that best matches the findings entered, {best.name} "
            f"({genes}), is {best.inheritance}. Neither overrides the other: the lean weighs the few "
            f"inheritance clues of the source document, the ranking compares every finding with the HPO "
            f"annotations of each type. The source document's picture is a simplification: recessive "
            f"forms range from infantile to adult onset, dominant ones from mild to severe, and CLCN7 and "
            f"PLEKHM1 cause both. Confirm the mode with the family history and genetic testing.")


DISAGREEMENT_SOURCE = ("genereviews-clcn7", "Summary: CLCN7-related osteopetrosis spans ARO, IAO and ADOII")


def _read(name: str) -> Any:
    return json.loads(resources.files("rules").joinpath("data", name).read_text(encoding="utf-8"))


def _onset_of(hpo: str, kb: KnowledgeBase) -> str | None:
    return next((o.slug for o in kb.onsets.values() if hpo in o.hpo), None)


def model_from_data(ontology: Mapping[str, Any], diseases: Sequence[Mapping[str, Any]], kb: KnowledgeBase,
                    reference_onsets: Mapping[str, str] | None = None) -> Model:
    """A model from the generated ontology subset and the entries' annotations (the shipped files' shape)."""
    terms = {t: Term(v[0], tuple(v[1]), int(v[2]), float(v[3])) for t, v in ontology["terms"].items()}
    entries = []
    for d in diseases:
        onsets = []
        for o in d.get("onsets", []):
            slug = _onset_of(o["hpo"], kb)
            if slug is not None:
                onsets.append((slug, frequency_p(o.get("frequency", ""), float(o.get("p") or 0.5)),
                               f"{o['name']}{' ' + o['frequency'] if o.get('frequency') else ''}"))
        if not onsets and reference_onsets and d["id"] in reference_onsets:
            onsets.append((reference_onsets[d["id"]], 1.0, f"{reference_onsets[d['id']]} (reference)"))
        annotations = tuple(
            Annotation(a["hpo"], a["name"], a.get("frequency", ""),
                       0.0 if a.get("negated") else frequency_p(a.get("frequency", ""), float(a["p"])),
                       bool(a.get("negated")), a.get("references", ""))
            for a in d.get("annotations", []) if (d["id"], a["hpo"]) not in IGNORED_ANNOTATIONS
        )
        entries.append(Entry(d["id"], d["name"], tuple(d.get("genes", [])), d.get("inheritance") or "unknown",
                             tuple(onsets), annotations))
    return Model(terms, entries, ontology.get("hpo_release", ""))


_MODEL_LOCK = threading.Lock()


def load_model(kb: KnowledgeBase) -> Model:
    """The model of the shipped data, read once per process (on first use, not at start-up). The first
    requests of a threaded worker can arrive together: they wait for the one model rather than each
    building its own (functools.cache does not lock, and the presenters key rows by the model's objects)."""
    with _MODEL_LOCK:
        return _build_model(kb)


@functools.cache
def _build_model(kb: KnowledgeBase) -> Model:
    from .simulate import templates  # the cited reference onsets of the Orphanet rows

    refs = {r["entry"]: r["onset"] for r in templates().get("reference_onset", [])}
    return model_from_data(_read("differential_hpo.json"), _read("osteopetrosis_diseases.json")["diseases"], kb,
                           refs)
