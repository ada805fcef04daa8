"""The differential's model: the entries, their annotations and the ontology subset, with each input
item's likelihood ratio per entry worked out from them (the method is described in rules/differential/__init__.py
and docs/differential.md)."""

from __future__ import annotations

import copy
import functools
import json
import math
import re
import threading
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from importlib import resources
from typing import Any
from typing import NamedTuple

from rules.core.errors import KnowledgeError
from rules.core.model import KnowledgeBase
from rules.core.schema import checked
from rules.core.translations import text_in

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
# patient, not a certainty (docs/knowledge.md section 6: small cohorts must not read as percentages).
COHORT_PSEUDOCOUNT = 0.5
# Terms too broad to count as a common ancestor (LIRICAL: "a non-root common ancestor").
ROOTS = frozenset({"HP:0000001", "HP:0000118"})
# --- robustness (docs/differential.md, "Where this departs from LIRICAL") --------------------------
# A weak annotation is one a single report or two stand behind (a cohort count n/m with m <= 2) or one
# with no frequency at all: its ratio is raised to this power (a square root), so one such term cannot
# carry the ranking alone (1/1 low calcium gave x114 for OSTM1). Fitted with the temperature below.
WEAK_ANNOTATION_EXPONENT = 0.75
WEAK_COHORT = 2
# No single ratio beyond these bounds: a term explained by every osteopetrosis and almost no other disease
# still only says "dense-bone disease", and a present term an entry lacks is weighed by that entry's
# completeness (below), never below MIN_LR.
MAX_LR = 100.0
MIN_LR = NO_MATCH_LR
# An entry with at least this many positive annotations counts as fully annotated: a present term it lacks
# counts NO_MATCH_LR. An entry with fewer has its gaps weighed less: NO_MATCH_LR ** (annotations /
# COMPLETE_ANNOTATIONS), so a thin entry (OMIM:166600 has 13 positive rows and lacks the sandwich
# vertebrae GeneReviews calls characteristic of ADOII) is not excluded by what its few rows omit.
COMPLETE_ANNOTATIONS = 30
# However thin an entry, a present term it lacks counts at least NO_MATCH_LR ** MIN_COMPLETENESS (0.1):
# an entry known from one or two terms (pyknoachondrogenesis has one annotation) would otherwise be
# neutral to every finding, and so outrank every well-described disorder on any picture its rows do
# not mention. Ignorance is not evidence for an entry.
MIN_COMPLETENESS = 0.5
# Orphanet groups. Orphanet describes some osteopetroses as clinical groups (ORPHA:667 autosomal
# recessive osteopetrosis, ORPHA:2785 with renal tubular acidosis, ORPHA:85179 with neuroaxonal dysplasia,
# ORPHA:210110 intermediate), beside OMIM's gene-specific entries for the same patients. Such a group is
# not ranked as an entry of its own (it would count its patients twice); its annotations are pooled into
# the gene entries it covers (rules/knowledge/entries.toml `pools_into`): a term the gene entry does not
# annotate takes the group's annotation, always tempered (WEAK_ANNOTATION_EXPONENT), since it describes the
# group rather than the gene. A group's NOT annotations are not pooled: they describe its own patients.
# A present term the entry shares only through a broad ancestor (another branch of the same organ system)
# is a weak, indirect match: halfway (on the log scale) between a term the entry lacks and neutral, at
# best; never the ancestor's own ratio (LIRICAL's), which can reach x6 for a term the entry does not have.
INDIRECT_MAX_LR = 1.0
# The temperature of the ranking: the sum of an entry's log ratios is divided by it before the prior is
# added. HPO annotations are not independent (a marrow failure gives anemia, low platelets and an
# enlarged liver together), so multiplying their ratios as if they were overstates the evidence; the
# temperature is fitted on simulated patients and the real-case development set (bench/real_cases),
# never on one picture (docs/differential.md, "Calibration").
TEMPERATURE = 2.0
# Priors: births per million. An entry with a cited figure (rules/knowledge/entries.toml) starts from it;
# every other entry from this stated default, a rare disease's order of magnitude (docs/differential.md).
DEFAULT_PRIOR_PER_MILLION = 0.3

# Annotations never used: ORPHA:667 is annotated Reduced bone mineral density, which contradicts
# osteopetrosis (docs/knowledge.md section 8 item 11: a source-data oddity; do not let it count).
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

FRACTION = re.compile(r"^(\d+)/(\d+)$")
MATCH_WORDS = {
    "exact": "annotated with this term",
    "below": "annotated with a more specific term",
    "above": "annotated with a broader term (discounted)",
    "ancestor": "weak, indirect match: shares only a broader term",
    "group": "annotated for its Orphanet clinical group (discounted)",
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
    group: str = ""  # the Orphanet group it is pooled from ("" for the entry's own annotation)


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    """An entry of the ranking (an osteopetrosis or another dense-bone disorder): its annotations, onsets,
    inheritance, group and prior."""

    id: str
    name: str
    genes: tuple[str, ...]
    inheritance: str  # recessive, dominant, x_linked or unknown
    onsets: tuple[tuple[str, float, str], ...]  # (checklist onset, weight, the annotation's words)
    annotations: tuple[Annotation, ...]
    group: str = "osteopetrosis"  # or "other": another disorder with increased bone density
    prior: float = DEFAULT_PRIOR_PER_MILLION  # births per million
    prior_basis: str = ""  # what the figure is, in words ("" for the stated default)
    prior_cite: tuple[str, str] | None = None  # (source id, locator) of the figure; None for the default

    @property
    def completeness(self) -> float:
        """How fully the entry is annotated, 0 to 1: its distinct positive terms (its own and its group's)
        over COMPLETE_ANNOTATIONS."""
        return min(1.0, len({a.hpo for a in self.annotations if not a.negated}) / COMPLETE_ANNOTATIONS)

    @property
    def url(self) -> str:
        """The entry's public page (OMIM, DECIPHER or Orphanet)."""
        prefix, _, number = self.id.partition(":")
        if prefix == "OMIM":
            return f"https://omim.org/entry/{number}"
        if prefix == "DECIPHER":
            return f"https://www.deciphergenomics.org/syndrome/{number}"
        # The Orphanet address as docs/knowledge.md section 7 cites it.
        return f"https://www.orpha.net/consor/cgi-bin/OC_Exp.php?lng=EN&Expert={number}"


class Evidence(NamedTuple):
    """One input item's likelihood ratio for one entry, and what it matched."""

    hpo: str | None
    label: str
    state: str  # present, absent (or the onset / family-history word)
    lr: float
    match: str  # a key of MATCH_WORDS
    annotation: Annotation | None
    source: str  # the matched annotation's reference (PMID:…, OMIM:…, ORPHA:…) or ""


class Ranked:
    """An entry with its post-test probability and the evidence for and against it. The evidence rows are
    made when first read: an answer shows them for its first entries only, not for every entry ranked."""

    __slots__ = ("_evidence", "entry", "index", "items", "probability")

    def __init__(self, entry: Entry, probability: float, index: int, items: Sequence[Any]) -> None:
        self.entry = entry
        self.probability = probability
        self.index = index  # the entry's position in the model
        self.items = items  # the request's input items (columns.Item), shared by every Ranked of it
        self._evidence: tuple[Evidence, ...] | None = None

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """One row per input item, in input order."""
        if self._evidence is None:
            self._evidence = tuple(item.evidence(self.index) for item in self.items)
        return self._evidence

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ranked):
            return NotImplemented
        return (self.entry, self.probability, self.evidence) == (other.entry, other.probability, other.evidence)

    __hash__ = None  # type: ignore[assignment]  # compared by value; its evidence is made late

    def __repr__(self) -> str:
        return f"Ranked({self.entry.id}, {self.probability:.4f})"


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


class Fit(NamedTuple):
    """How much of the input the best entry explains: of the `total` terms entered present, how many it
    is annotated with (at, below or above the term: not through a broad ancestor)."""

    state: str  # "fits" or "poor"
    explained: int
    total: int


class Ranking(NamedTuple):
    """The whole differential for one input."""

    entries: tuple[Ranked, ...]  # best first
    genes: tuple[GeneShare, ...]  # best first
    separating: tuple[Separating, ...]
    confident: bool  # some entry above CONFIDENT_P
    hpo_release: str
    fit: Fit = Fit("fits", 0, 0)
    lookalikes: tuple[Lookalike, ...] = ()  # those whose condition holds for the input


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


def weak(ann: Annotation) -> bool:
    """An annotation one or two reported patients stand behind, one with no frequency, or one pooled from
    the entry's Orphanet group."""
    return bool(ann.group) or _weak_frequency(ann.frequency)


@functools.cache
def _weak_frequency(frequency: str) -> bool:
    """Whether a frequency label is weak (none, or a cohort of at most WEAK_COHORT): the annotation files'
    few labels, each parsed once."""
    if not frequency:
        return True
    match = FRACTION.match(frequency)
    return match is not None and int(match[2]) <= WEAK_COHORT


def temper(lr: float, ann: Annotation) -> float:
    """A weak annotation's ratio raised to WEAK_ANNOTATION_EXPONENT (a ratio of 1 stays 1)."""
    return lr**WEAK_ANNOTATION_EXPONENT if weak(ann) else lr


def bounded(lr: float, floor: float) -> float:
    """A ratio kept within [floor, MAX_LR]."""
    return min(MAX_LR, max(floor, lr))


class Model:
    """Entries and ontology, with everything derived from them worked out once."""

    def __init__(self, terms: Mapping[str, Term], entries: Sequence[Entry], release: str) -> None:
        self.terms = terms
        self.entries = tuple(entries)
        self.release = release
        self._up: dict[str, frozenset[str]] = {}
        # Per entry: every term at or above a positive annotation -> (highest p, that annotation).
        self.prop: list[dict[str, tuple[float, Annotation]]] = []
        # Per entry: the same for the annotations pooled from its Orphanet group ("Orphanet groups" above).
        self.pooled: list[dict[str, tuple[float, Annotation]]] = []
        self.negated: list[tuple[Annotation, ...]] = []
        for e in self.entries:
            self.prop.append(self._propagate(a for a in e.annotations if not a.group))
            self.pooled.append(self._propagate(a for a in e.annotations if a.group))
            self.negated.append(tuple(a for a in e.annotations if a.negated and not a.group))
        # Per entry: the terms it is annotated NOT with, and its directly annotated terms (the only ones an
        # "above" match can use): lookups for the column builder (columns.py).
        self.negated_terms = tuple(frozenset(a.hpo for a in n) for n in self.negated)
        self.direct = tuple({t: hit for t, hit in prop.items() if hit[1].hpo == t} for prop in self.prop)
        self.direct_terms = tuple(frozenset(d) for d in self.direct)
        self.prop_terms = tuple(frozenset(p) for p in self.prop)
        # Inverted: per term, the entries whose own annotations reach it (at or below), that annotate it
        # directly, that have it pooled from their group, that are annotated NOT with it (columns.py).
        self.reaching = _invert(self.prop_terms)
        self.annotating = _invert(self.direct_terms)
        self.pooling = _invert(tuple(frozenset(p) for p in self.pooled))
        self.refusing = _invert(self.negated_terms)
        # Every subset term's place in the order (depth, id): the deepest common ancestor is the greatest.
        by_depth = sorted(self.terms, key=lambda t: (len(self.up(t)), t))
        self.depth_rank = {t: r for r, t in enumerate(by_depth)}
        self.log_priors = [math.log(e.prior) for e in self.entries]
        # Per entry: the ratio of a present term it lacks, by how fully it is annotated.
        self.floor = tuple(max(MIN_LR, NO_MATCH_LR ** max(MIN_COMPLETENESS, e.completeness)) for e in self.entries)
        self._cache: dict[tuple[Any, ...], Any] = {}  # knowledge-only tables of separating.py
        self.tables: Any = None  # every column a request can need (columns.prepare)
        self.prepare_lock = threading.Lock()
        members: dict[str, list[tuple[int, float]]] = {}
        for i, e in enumerate(self.entries):
            # An entry with no recorded gene gives no gene a share: a pseudo-gene pooling unrelated
            # diseases would outrank real genes (the gene shares then sum to less than 1).
            for g in e.genes:
                members.setdefault(g, []).append((i, 1 / max(1, len(e.genes))))
        self.index = {id(e): i for i, e in enumerate(self.entries)}
        # per gene: its entries' positions and the share of each entry's probability it gets
        self.gene_members = tuple(
            (g, tuple(i for i, _ in m), tuple(f for _, f in m), tuple(self.entries[i].id for i, _ in m))
            for g, m in members.items()
        )
        # The same by entry: its genes' positions in gene_members and the share each gets.
        slots: list[list[tuple[int, float]]] = [[] for _ in self.entries]
        for k, (_, idx, factors, _) in enumerate(self.gene_members):
            for i, f in zip(idx, factors, strict=True):
                slots[i].append((k, f))
        self.entry_genes = tuple(tuple(s) for s in slots)

    def _propagate(self, annotations: Iterable[Annotation]) -> dict[str, tuple[float, Annotation]]:
        """Every term at or above a positive annotation -> (the highest p, that annotation)."""
        best: dict[str, tuple[float, Annotation]] = {}
        for a in annotations:
            if a.negated:
                continue
            for t in self.up(a.hpo):
                if t not in best or a.p > best[t][0]:
                    best[t] = (a.p, a)
        return best

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

    def discounts(self, term: str) -> dict[str, float]:
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

    def term_evidence(self, own: str, anchors: tuple[str, ...], label: str, state: str) -> tuple[Evidence, ...]:
        """One Evidence per entry for a term (or a finding: its own term and its anchors) present or absent.

        The plain reference, entry by entry: requests read the same ratios from the precomputed columns
        (columns.py, built by prepare()), which tests hold equal to this on every term."""
        klass = frozenset(anchors) | {own}
        above = self.up(own)
        bg = self.background(klass)
        rows = []
        for i, _entry in enumerate(self.entries):
            prop, negated = self.prop[i], self.negated[i]
            # The entry's own annotation, else its group's (pooled, tempered: see "Orphanet groups" above).
            matched = self.best_match(prop, klass, own) or self.best_match(self.pooled[i], klass, own)
            refused = next((n for n in negated if n.hpo in klass or n.hpo in above), None)
            if state == "present":
                rows.append(self._present(own, label, matched, refused, above, prop, bg, klass, self.floor[i]))
            else:
                if matched is None:
                    lr, kind, ann = 1 / (1 - min(bg, 0.99)), "not" if refused else "none", refused
                else:
                    p, ann = matched
                    lr = temper(max(FALSE_NEGATIVE_P, 1 - p) / (1 - min(bg, 0.99)), ann)
                    kind = self.match_kind(ann, klass)
                rows.append(Evidence(own, label, "absent", lr, kind, ann, ann.reference if ann else ""))
        return tuple(rows)

    @staticmethod
    def best_match(
        prop: Mapping[str, tuple[float, Annotation]], klass: frozenset[str], own: str
    ) -> tuple[float, Annotation] | None:
        """The highest frequency at or below the term's class; on a tie (the same annotation reached from
        two anchors, or two with one frequency) the same choice in every process: an exact match first,
        then by term and reference."""
        return max(
            (prop[a] for a in klass if a in prop),
            default=None,
            key=lambda x: (x[0], x[1].hpo in klass, x[1].hpo == own, x[1].hpo, x[1].reference),
        )

    @staticmethod
    def match_kind(ann: Annotation, klass: frozenset[str]) -> str:
        if ann.group:
            return "group"
        return "exact" if ann.hpo in klass else "below"

    def _present(
        self,
        own: str,
        label: str,
        matched: tuple[float, Annotation] | None,
        refused: Annotation | None,
        above: frozenset[str],
        prop: dict[str, tuple[float, Annotation]],
        bg: float,
        klass: frozenset[str],
        floor: float,
    ) -> Evidence:
        """A present term's ratio for one entry; `floor` is the entry's ratio for a term it lacks (its
        completeness: see COMPLETE_ANNOTATIONS)."""
        if refused is not None:  # LIRICAL: present but excluded in the disease
            return Evidence(own, label, "present", NOT_PRESENT_LR, "not", refused, refused.reference)
        if matched is not None:  # exact, or an annotation below the term (its frequency holds for the term)
            p, ann = matched
            return Evidence(
                own,
                label,
                "present",
                bounded(temper(p / bg, ann), floor),
                self.match_kind(ann, klass),
                ann,
                ann.reference,
            )
        # An annotation above the term: discounted by its children (LIRICAL's query-subclass rule).
        share = self.discounts(own)
        best: tuple[float, Annotation] | None = None
        for t in sorted(above - ROOTS - {own}):  # sorted: a tie goes the same way in every process
            hit = prop.get(t)
            if hit is not None and hit[1].hpo == t:  # t itself is annotated (not only something below it)
                value = hit[0] * share.get(t, 0.0)
                if best is None or value > best[0]:
                    best = (value, hit[1])
        if best is not None:
            return Evidence(
                own,
                label,
                "present",
                bounded(temper(best[0] / bg, best[1]), floor),
                "above",
                best[1],
                best[1].reference,
            )
        # Only a broader common ancestor: a weak, indirect match (the deepest one the entry has), neutral at
        # best; LIRICAL would count the ancestor's own ratio.
        common = [t for t in above - ROOTS if t in prop]
        if common:
            c = max(common, key=lambda t: (len(self.up(t)), t))
            p, ann = prop[c]
            lr = math.sqrt(floor * min(INDIRECT_MAX_LR, bounded(temper(p / self.background([c]), ann), floor)))
            return Evidence(own, label, "present", lr, "ancestor", ann, ann.reference)
        return Evidence(own, label, "present", floor, "none", None, "")

    def onset_ratios(self, onset: str, hpo: str | None) -> list[tuple[float, str, Annotation | None]]:
        """Per entry, the onset entered: its ratio, how it matched and the entry's onsets as an annotation
        (ratio 1 for an entry with no onset recorded)."""
        rows: list[tuple[float, str, Annotation | None]] = []
        for e in self.entries:
            total = sum(w for _, w, _ in e.onsets)
            if not total or onset not in ONSET_CLASSES:
                rows.append((1.0, "no_onset", None))
                continue
            share = sum(w * _spill(o, onset) for o, w, _ in e.onsets) / total
            p = (1 - UNRECORDED_ONSET_SHARE) * share + UNRECORDED_ONSET_SHARE / len(ONSET_CLASSES)
            words = "; ".join(f"{w}" for o, _, w in e.onsets)
            rows.append(
                (
                    p * len(ONSET_CLASSES),
                    "onset",
                    Annotation(hpo or "", f"onsets recorded: {words}", "", share, False, e.id),
                )
            )
        return rows

    def family_ratios(self, history: str) -> list[tuple[float, str, Annotation | None]]:
        """Per entry, the family history entered: its ratio (see FAMILY_FIT)."""
        fit = FAMILY_FIT.get(history)
        rows: list[tuple[float, str, Annotation | None]] = []
        for e in self.entries:
            if fit is None or e.inheritance not in ("recessive", "dominant"):
                lr = 1.0
            else:
                lr = fit[1] if e.inheritance == fit[0] else 1 / fit[1]
            rows.append((lr, "family", None))
        return rows


def _invert(per_entry: Sequence[frozenset[str]]) -> dict[str, frozenset[int]]:
    """Per term, the positions of the entries whose set holds it."""
    out: dict[str, set[int]] = {}
    for i, terms in enumerate(per_entry):
        for t in terms:
            out.setdefault(t, set()).add(i)
    return {t: frozenset(v) for t, v in out.items()}


def _spill(recorded: str, entered: str) -> float:
    """The share of a recorded onset's weight that the entered onset class gets."""
    if recorded not in ONSET_CLASSES:
        return 0.0
    i, j = ONSET_CLASSES.index(recorded), ONSET_CLASSES.index(entered)
    neighbours = sum(0 <= i + d < len(ONSET_CLASSES) for d in (-1, 1))
    if i == j:
        return 1 - NEIGHBOUR_ONSET_SHARE * neighbours
    return NEIGHBOUR_ONSET_SHARE if abs(i - j) == 1 else 0.0


def _read(name: str) -> Any:
    return json.loads(resources.files("rules").joinpath("data", name).read_text(encoding="utf-8"))


def _onset_of(hpo: str, kb: KnowledgeBase) -> str | None:
    return next((o.slug for o in kb.onsets.values() if hpo in o.hpo), None)


def _annotations(disease: Mapping[str, Any], group: str = "") -> tuple[Annotation, ...]:
    """A disease's annotations as the model reads them (`group`: the Orphanet group they are pooled from)."""
    return tuple(
        Annotation(
            a["hpo"],
            a["name"],
            a.get("frequency", ""),
            0.0 if a.get("negated") else frequency_p(a.get("frequency", ""), float(a["p"])),
            bool(a.get("negated")),
            a.get("references", ""),
            group,
        )
        for a in disease.get("annotations", [])
        if (disease["id"], a["hpo"]) not in IGNORED_ANNOTATIONS
    )


def model_from_data(
    ontology: Mapping[str, Any],
    diseases: Sequence[Mapping[str, Any]],
    kb: KnowledgeBase,
    reference_onsets: Mapping[str, str] | None = None,
    facts: Mapping[str, Mapping[str, Any]] | None = None,
) -> Model:
    """A model from the generated ontology subset and the entries' annotations (the shipped files' shape)."""
    terms = {t: Term(v[0], tuple(v[1]), int(v[2]), float(v[3])) for t, v in ontology["terms"].items()}
    facts = facts or {}
    # The Orphanet groups pooled into the gene entries they cover (see "Orphanet groups" above), by target.
    pooled: dict[str, list[Annotation]] = {}
    genes = {d["id"]: set(d.get("genes", ())) for d in diseases}
    for d in diseases:
        for target in facts.get(d["id"], {}).get("pools_into", ()):
            if not genes.get(target, set()) & genes[d["id"]]:
                raise KnowledgeError(f"entries.toml: {d['id']} pools_into {target}, which is no entry sharing a gene")
            pooled.setdefault(target, []).extend(_annotations(d, group=d["id"]))
    entries = []
    for d in diseases:
        if facts.get(d["id"], {}).get("pools_into"):
            continue
        onsets = []
        for o in d.get("onsets", []):
            slug = _onset_of(o["hpo"], kb)
            if slug is not None:
                onsets.append(
                    (
                        slug,
                        frequency_p(o.get("frequency", ""), float(o.get("p") or 0.5)),
                        f"{o['name']}{' ' + o['frequency'] if o.get('frequency') else ''}",
                    )
                )
        if not onsets and reference_onsets and d["id"] in reference_onsets:
            onsets.append((reference_onsets[d["id"]], 1.0, f"{reference_onsets[d['id']]} (reference)"))
        annotations = (*_annotations(d), *pooled.get(d["id"], ()))
        prior = facts.get(d["id"], {}).get("prior")
        entries.append(
            Entry(
                d["id"],
                d["name"],
                tuple(d.get("genes", [])),
                d.get("inheritance") or "unknown",
                tuple(onsets),
                annotations,
                d.get("group", "osteopetrosis"),
                float(prior["per_million"]) if prior else DEFAULT_PRIOR_PER_MILLION,
                prior["basis"] if prior else "",
                (prior["cite"]["source"], prior["cite"]["locator"]) if prior else None,
            )
        )
    return Model(terms, entries, ontology.get("hpo_release", ""))


_MODEL_LOCK = threading.Lock()


def _copy_for_translation(model: Model, lang: str) -> Model:
    """A model sharing every datum of `model` (built from the knowledge's ids, the same in any language)
    with tables of its own, which give the translated knowledge's words (columns.build_tables), and its
    entries' prior basis in `lang` (the overlay's `entries` rows)."""
    out = copy.copy(model)
    out._cache = {}
    out.tables = None
    out.prepare_lock = threading.Lock()
    facts = entry_facts()
    out.entries = tuple(
        replace(e, prior_basis=text_in("entries", e.id, "prior_basis", lang, e.prior_basis).text)
        if e.prior_basis and "prior" in facts.get(e.id, {})
        else e
        for e in model.entries
    )
    out.index = {id(e): i for i, e in enumerate(out.entries)}
    return out


def load_bare_model(kb: KnowledgeBase) -> Model:
    """The model of the shipped data, read once per process (on first use, not at start-up). The first
    requests of a threaded worker can arrive together: they wait for the one model rather than each
    building its own (functools.cache does not lock, and the presenters key rows by the model's objects)."""
    with _MODEL_LOCK:
        return _build_model(kb)


@functools.cache
def _entries_file() -> Mapping[str, Any]:
    text = resources.files("rules").joinpath("knowledge", "entries.toml").read_text(encoding="utf-8")
    return checked("entries.toml", tomllib.loads(text))


@functools.cache
def entry_facts() -> dict[str, dict[str, Any]]:
    """rules/knowledge/entries.toml by entry id: the entries ranked, with what the HPO files leave out."""
    return {e["id"]: e for e in _entries_file()["entry"]}


class Lookalike(NamedTuple):
    """A look-alike HPO does not model as an entry: named when its condition holds, with what separates it."""

    id: str
    name: str
    when: Mapping[str, Any]
    separates: str
    cite: tuple[str, str]  # (source id, locator)


@functools.cache
def lookalikes(lang: str = "en") -> tuple[Lookalike, ...]:
    """The look-alikes of rules/knowledge/entries.toml, in file order; their name and what separates
    them in `lang` (the overlay's `entries` rows, docs/languages.md; English where there is none)."""
    return tuple(
        Lookalike(
            x["id"],
            text_in("entries", f"lookalike/{x['id']}", "name", lang, x["name"]).text,
            x["when"],
            text_in("entries", f"lookalike/{x['id']}", "separates", lang, x["separates"]).text,
            (x["cite"]["source"], x["cite"]["locator"]),
        )
        for x in _entries_file().get("lookalike", [])
    )


def ranked_as(entry_id: str) -> frozenset[str]:
    """The ranked entries that stand for an entry: itself, or the gene entries an Orphanet group is pooled
    into (a pooled group is not ranked itself)."""
    return frozenset(entry_facts().get(entry_id, {}).get("pools_into", ())) or frozenset({entry_id})


def reference_onsets() -> dict[str, str]:
    """The cited reference onset of each entry that has one (used where HPO records no onset)."""
    return {i: e["reference_onset"] for i, e in entry_facts().items() if "reference_onset" in e}


@functools.cache
def _build_model(kb: KnowledgeBase) -> Model:
    if kb.base is not None:  # a translation of the knowledge: the English model's data, its own tables
        return _copy_for_translation(_build_model(kb.base), kb.lang)
    diseases = [*_read("osteopetrosis_diseases.json")["diseases"], *_read("dense_bone_diseases.json")["diseases"]]
    diseases.sort(key=lambda d: d["id"])  # one order for every process: ties keep it
    return model_from_data(_read("differential_hpo.json"), diseases, kb, reference_onsets(), entry_facts())
