"""Ranking -> plain dicts for the result page and the API answer (the differential of rules/differential/).

Evidence rows of checklist findings, onsets and family histories depend on the knowledge alone and
are all built at once per process (keyed by the model's own columns); rows of terms typed in are built
per answer and not kept. Rows are made only for the entries an answer shows with their evidence.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext

from rules import DISAGREEMENT_SOURCE
from rules import MATCH_WORDS
from rules import Answers
from rules import DifferentialColumn as Column
from rules import DifferentialItem as Item
from rules import Entry
from rules import Evidence
from rules import Fit
from rules import KnowledgeBase
from rules import Parsed
from rules import Ranked
from rules import Ranking
from rules import disagreement
from rules import hpo_label
from rules import load_differential
from rules import prepare_differential
from rules import rank_differential
from rules import ranked_as

from ..infra.jsonprovider import JsonRow
from ..infra.language import current_language
from ..wording import N_

BAR_STEPS = 10  # bar widths in tenths of the scale (CSS classes w0..w10)
BAR_DECADES = 3  # the bar is full at a ratio of 1000 (or 1/1000)
SHOWN_ENTRIES = 5  # the page's table, each with why
LISTED_ENTRIES = 20  # the page lists the next ones by name, and counts the rest
# The answer gives every entry's probability, but its evidence only for the first FULL_ENTRIES (the full
# answer gives every entry's with ?evidence=all): the ranking covers every disorder HPO annotates with
# increased bone density, and the evidence of the last of them would be most of the answer's bytes.
FULL_ENTRIES = 10
# A column of the compact answer: at an entry's position, its ratio (three significant digits) and its
# matched annotation's reference ("" when none).
CompactColumn = Mapping[int, tuple[float, str]]
LIRICAL = (
    "Robinson PN et al. Interpretable clinical genomics with a likelihood ratio paradigm. "
    "Am J Hum Genet 2020;107:403-417 (LIRICAL)"
)
LIRICAL_URL = "https://pubmed.ncbi.nlm.nih.gov/32755546/"
PRIOR = (
    "each entry starts from its birth incidence where a figure is published (births per million, cited), "
    "else from a stated default"
)
DEFAULT_PRIOR_WORDS = N_("no published figure: the stated default for a rare disorder")
DEPARTURES = N_(
    "Where this departs from LIRICAL: each entry starts from how common it is, not from an equal share; an "
    "annotation that one or two reported patients or no frequency stand behind counts for less; no single "
    "ratio goes beyond x100; a term an entry lacks counts against it by how fully the entry is annotated, not "
    "a flat hundredfold; a match only through a broad ancestor is a weak, indirect match, below neutral; the "
    "findings' ratios are tempered for their dependence on each other; onset and family history count."
)
FIT_POOR = N_(
    "None of the ranked disorders explains most of what was entered: the best match is annotated with "
    "{explained} of the {total} findings entered present. Consider a disorder outside this ranking, "
    "and check the findings."
)
FIT_FITS = N_("The best match is annotated with {explained} of the {total} findings entered present.")
FIT_CONTRADICTED = N_(
    "What was entered contradicts dense bone (the premise above), which every disorder of this "
    "ranking has: no probability is shown for them. Consider the causes of the bone change "
    "that was entered instead."
)


# rules' MATCH_WORDS (how an item matched an entry's annotations), marked here for the catalog: the page
# shows them translated (a test checks this list against rules').
MATCH_WORDS_CATALOG = (
    N_("annotated with this term"),
    N_("annotated with a more specific term"),
    N_("annotated with a broader term (discounted)"),
    N_("weak, indirect match: shares only a broader term"),
    N_("annotated for its Orphanet clinical group (discounted)"),
    N_("not annotated with it"),
    N_("annotated as NOT having it"),
    N_("onset annotation"),
    N_("no onset recorded for this entry"),
    N_("inheritance of the entry"),
)


def ratio_words(lr: float) -> str:
    if abs(math.log10(lr)) < 0.05:
        return gettext("neutral (x1)")
    ratio = format(lr if lr > 1 else 1 / lr, ".3g")
    return gettext("for, x%(ratio)s", ratio=ratio) if lr > 1 else gettext("against, /%(ratio)s", ratio=ratio)


def _row_data(ev: Evidence) -> dict[str, Any]:
    """The answer's evidence row: the input item, its ratio (three significant digits), how it matched, and
    the annotation it matched (its term and reference: enough to find it in the annotation file, which
    gives its frequency; the page looks the frequency up, the answer does not repeat it per row)."""
    ann = ev.annotation
    return {
        "hpo": ev.hpo,
        "label": ev.label,
        "state": ev.state,
        "lr": float(f"{ev.lr:.3g}"),
        "match": ev.match,
        "matched": ann.hpo if ann and ann.hpo else None,
        "source": ev.source,
    }


def _compact_column(column: Column, at: Iterable[int]) -> CompactColumn:
    """A column as the compact answer gives it, at the entries' positions `at`: each ratio to three
    significant digits, and each matched annotation's reference ("" when none)."""
    lrs, annotations = column.lrs, column.annotations
    return {i: (float(f"{lrs[i]:.3g}"), ann.reference if (ann := annotations[i]) else "") for i in at}


class _Rows:
    """Encoded evidence rows of the knowledge's own items (checklist findings, onsets, family histories), for
    every entry: all built at once from the model's tables, keyed by (the item's column, the entry's
    position). A term typed in has no row here: its rows are made for the answer and dropped with it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        tables = prepare_differential(load_differential(kb), kb)
        items = [
            *(item for pair in tables.findings.values() for item in pair),
            *tables.onsets.values(),
            *tables.family_histories.values(),
        ]
        n = len(load_differential(kb).entries)
        self.made: dict[tuple[int, int], JsonRow] = {
            (id(item.column), i): JsonRow(_row_data(item.evidence(i))) for item in items for i in range(n)
        }
        # The compact answer's cells of every knowledge column, at every entry's position.
        self.compact: dict[int, CompactColumn] = {
            id(item.column): _compact_column(item.column, range(n)) for item in items
        }
        self.held = items  # keeps every keyed column alive, so no id is reused

    def columns(self, items: Sequence[Item], at: Sequence[int]) -> list[CompactColumn]:
        """The compact columns of a request's items: the knowledge's own, kept; a typed term's made now,
        at the positions `at` alone (the entries the answer gives in full)."""
        return [self.compact.get(id(item.column)) or _compact_column(item.column, at) for item in items]

    def rows(self, ranked: Ranked) -> list[JsonRow]:
        """The rows of one entry's evidence, in input order."""
        i, made = ranked.index, self.made
        return [made.get((id(item.column), i)) or JsonRow(_row_data(item.evidence(i))) for item in ranked.items]


def _rows(kb: KnowledgeBase) -> _Rows:
    return _rows_in(kb, current_language())


@functools.cache
def _rows_in(kb: KnowledgeBase, language: str) -> _Rows:  # built per language: rows carry the page's words
    return _Rows(kb)


def _entry_head(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    """The contract's fields of an entry, by its id (its OMIM or Orphanet page follows from the id: the page
    links it)."""
    return {
        e.id: {
            "id": e.id,
            "name": e.name,
            "genes": list(e.genes),
            "inheritance": e.inheritance,
            "group": e.group,
            "prior": prior_of(e),
        }
        for e in load_differential(kb).entries
    }


def prior_of(entry: Entry) -> dict[str, Any]:
    """An entry's prior as the answer gives it: births per million, what the figure is, and its source (none
    for the stated default)."""
    return {
        "per_million": entry.prior,
        "basis": entry.prior_basis or gettext(DEFAULT_PRIOR_WORDS),
        "source": {"id": entry.prior_cite[0], "locator": entry.prior_cite[1]} if entry.prior_cite else None,
    }


_heads_in = functools.cache(lambda kb, language: _entry_head(kb))


def _heads(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    """The entries' heads, once per knowledge base and language (the default prior's words are the page's)."""
    result: dict[str, dict[str, Any]] = _heads_in(kb, current_language())
    return result


@functools.cache
def _entry_pages(kb: KnowledgeBase) -> dict[str, tuple[str, dict[tuple[str, str], str]]]:
    """Per entry id: its public page, and each annotation's frequency by (term, reference) (for the page)."""
    return {
        e.id: (e.url, {(a.hpo, a.reference): a.frequency for a in e.annotations}) for e in load_differential(kb).entries
    }


def other_terms(parsed: Parsed | None) -> list[tuple[str, str]]:
    """HPO terms entered that are not checklist findings, with their state (from the parser's report)."""
    return [(u.input, u.state) for u in (parsed.unmapped if parsed else ())]


def _entries(ranking: Ranking, kb: KnowledgeBase, every: bool) -> list[dict[str, Any]]:
    """The `differential` list: each entry's head, probability (4 decimals) and, for the first FULL_ENTRIES
    (every one with `every`), its evidence rows; best first."""
    rows, heads = _rows(kb), _heads(kb)
    return [
        {**heads[r.entry.id], "probability": round(r.probability, 4), "evidence": rows.rows(r)}
        if every or i < FULL_ENTRIES
        else {**heads[r.entry.id], "probability": round(r.probability, 4)}
        for i, r in enumerate(ranking.entries)
    ]


def _compact_entries(
    ranking: Ranking, kb: KnowledgeBase
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The compact `differential` (docs/decisions/0010-compact-answer-and-knowledge-document.md): each
    entry's id and probability, and for the first FULL_ENTRIES its evidence as two columns, `lr` and
    `source`, in the order of `differential_notes.terms` (the input items, the same for every entry); a
    source is the position of the matched annotation's reference in `differential_notes.references` (each
    reference once), null when nothing matched. The others' id and probability alone; the entry's name,
    genes, inheritance, group and prior are in GET /api/v1/knowledge. Read from the same evidence rows as
    the full answer."""
    top = ranking.entries[:FULL_ENTRIES]
    items = top[0].items if top else ()
    columns = _rows(kb).columns(items, [r.index for r in top])
    terms = [{"hpo": item.hpo, "label": item.label, "state": item.state} for item in items]
    references: dict[str, int] = {}
    entries = []
    for r in top:
        cells = [column[r.index] for column in columns]
        entries.append(
            {
                "id": r.entry.id,
                "probability": round(r.probability, 4),
                "lr": [lr for lr, _ in cells],
                "source": [references.setdefault(s, len(references)) if s else None for _, s in cells],
            }
        )
    # The others by id and probability, those that round to a probability at all (`differential_notes.entries`
    # counts every entry; the full answer lists them all).
    entries += [
        {"id": r.entry.id, "probability": round(r.probability, 4)}
        for r in ranking.entries[FULL_ENTRIES:]
        if round(r.probability, 4) > 0
    ]
    return entries, terms, list(references)


def _disagreement(words: str, compact: bool) -> dict[str, Any] | None:
    """The teaching point when the lean and the ranking disagree, with its source by id (the compact
    answer's locator is in GET /api/v1/knowledge); None when they agree."""
    if not words:
        return None
    source: Any = (
        DISAGREEMENT_SOURCE[0] if compact else {"id": DISAGREEMENT_SOURCE[0], "locator": DISAGREEMENT_SOURCE[1]}
    )
    return {"message": words, "source": source}


def fit_note(fit: Fit, premise: str) -> dict[str, Any]:
    """`differential_notes.fit`: whether the best entry explains what was entered (poor as well when the
    premise, dense bone, is contradicted), the share it explains, and the words."""
    share = round(fit.explained / fit.total, 2) if fit.total else None
    if premise == "contradicted":
        return {"state": "poor", "explained": share, "message": gettext(FIT_CONTRADICTED)}
    words = gettext(FIT_POOR) if fit.state == "poor" else gettext(FIT_FITS) if fit.total else ""
    return {"state": fit.state, "explained": share, "message": words.format(explained=fit.explained, total=fit.total)}


def present_differential(
    answers: Answers,
    lean: str,
    kb: KnowledgeBase,
    parsed: Parsed | None = None,
    compact: bool = False,
    premise: str = "",
    every: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The `differential` list of the answer, and the notes around it (`differential_notes`); compact:
    texts by id, evidence in columns (see _compact_entries)."""
    typed = other_terms(parsed)
    ranking: Ranking = rank_differential(answers, kb, typed)
    terms: list[dict[str, str]] = []
    references: list[str] = []
    if compact:
        entries, terms, references = _compact_entries(ranking, kb)
    else:
        entries = _entries(ranking, kb, every)
    words = disagreement(lean, ranking)
    by_gene: list[dict[str, Any]] = [
        {"gene": g.gene, "probability": round(g.probability, 4)}
        if compact
        else {"gene": g.gene, "probability": round(g.probability, 4), "entries": list(g.entries)}
        for g in ranking.genes
        if not compact or round(g.probability, 4) > 0  # compact: the genes with a share at all
    ]
    notes: dict[str, Any] = {
        "fit": fit_note(ranking.fit, premise),
        "confident": ranking.confident,
        "message": ""
        if ranking.confident
        else (
            gettext(
                "Too little entered to rank the types: no type reaches a probability of 0.3. "
                "Assess the findings below that best tell them apart."
            )
        ),
        "disagreement": _disagreement(words, compact),  # its source by id, in `sources` like every other
        # compact: each gene's share; which entries share it is in GET /api/v1/knowledge (the entries' genes)
        "by_gene": by_gene,
        "separating_checks": [
            {"id": s.slug, "gain_bits": s.gain_bits, "favours_if_present": list(s.favours_if_present)}
            for s in ranking.separating
        ]
        if compact
        else [
            {
                "id": s.slug,
                "label": s.label,
                "check": kb.findings[s.slug].check,
                "gain_bits": s.gain_bits,
                "favours_if_present": list(s.favours_if_present),
            }
            for s in ranking.separating
        ],
        "method": {"hpo_release": ranking.hpo_release, "prior": PRIOR}
        if compact
        else {
            "title": LIRICAL,
            "url": LIRICAL_URL,
            "hpo_release": ranking.hpo_release,
            "prior": PRIOR,
            "departures": gettext(DEPARTURES),
        },
        "entries": len(ranking.entries),
        # Look-alikes HPO does not model as entries, named (not ranked) when their condition holds.
        "lookalikes": [{"id": x.id, "source": x.cite[0]} for x in ranking.lookalikes]
        if compact
        else [
            {"id": x.id, "name": x.name, "separates": x.separates, "source": {"id": x.cite[0], "locator": x.cite[1]}}
            for x in ranking.lookalikes
        ],
    }
    if compact:  # the method's reference is in GET /api/v1/knowledge
        notes["terms"] = terms
        notes["references"] = references
    return entries, notes


def rank_genes(genes: Any, notes: dict[str, Any]) -> list[Any]:
    """The gene table's rows: the genes consistent with the lean first
    (docs/decisions/0007-first-things-first.md), each group ordered by the ranking's gene shares
    (docs/decisions/0012-differential-after-lirical.md; stable, so genes the ranking lacks keep
    knowledge order, last)."""
    share = {g["gene"]: g["probability"] for g in notes["by_gene"]}

    def order(row: Any) -> tuple[bool, float]:  # a dict, or a JsonRow (which reads like one)
        return not row["consistent"], -share.get(row["symbol"], -1.0)

    return sorted(genes, key=order)


def percent_words(p: float) -> str:
    """A probability as the page shows it: a whole percentage (no false precision), never a bare 0 or 100."""
    if p < 0.005:
        return "< 1 %"
    if p > 0.995:
        return "> 99 %"
    return f"{round(100 * p)} %"


def _view_row(row: Any, frequencies: dict[tuple[str, str], str], kb: KnowledgeBase) -> dict[str, Any]:
    """An evidence row with the match, the matched annotation's frequency and its bar in words (readable
    without colour)."""
    decades = math.log10(row["lr"])
    direction = "neutral" if abs(decades) < 0.05 else "for" if decades > 0 else "against"
    term = load_differential(kb).terms.get(row["matched"] or "")
    frequency = frequencies.get((row["matched"], row["source"]), "") if row["match"] not in ("onset", "family") else ""
    label = row["label"]
    for prefix, words in ((ONSET_PREFIX, N_("Onset: %(label)s")), (FAMILY_PREFIX, N_("Family history: %(label)s"))):
        if label.startswith(prefix):  # rules' own words for the onset and family rows, in the page's words
            label = gettext(words, label=label[len(prefix) :])
    return {
        **row,
        "label": label,
        "matched_label": _term_label(row["matched"], term.name if term else ""),
        "match_words": gettext(MATCH_WORDS[row["match"]]),
        "frequency": frequency,
        "direction": direction,
        "width": min(BAR_STEPS, round(abs(decades) / BAR_DECADES * BAR_STEPS)),
        "ratio_words": ratio_words(row["lr"]),
    }


ONSET_PREFIX = "Onset: "
FAMILY_PREFIX = "Family history: "


def _term_label(term: str | None, english: str) -> str:
    """An HPO term's label on the page: HPO's official label in the page language where it has one
    (webapp/infra/language.py), else HPO's English label."""
    language = current_language()
    if not term or not english or language == "en":
        return english
    found = hpo_label(term, language)
    return found[0] if found and found[1] == "official" else english


def _prior_words(prior: dict[str, Any]) -> str:
    """An entry's prior in words, for the page."""
    figure = gettext("%(figure)s per million births", figure=format(prior["per_million"], "g"))
    return f"{figure}: {prior['basis']}" if prior["source"] else f"{figure} ({prior['basis']})"


def page_view(result: dict[str, Any], kb: KnowledgeBase, every: bool = False) -> dict[str, Any]:
    """What the result page's differential shows (HTML only): the best entries with bars and why, the next
    ones by name (every one with `every`), how many more and the link that lists them all; no percentage at
    all when dense bone is contradicted (`hidden`)."""
    entries = result["differential"]
    notes = result["differential_notes"]
    pages = _entry_pages(kb)
    premise = result.get("premise") or {}
    shown = [
        {
            **e,
            "url": pages[e["id"]][0],
            "percent": percent_words(e["probability"]),
            "width": round(BAR_STEPS * e["probability"]),
            "prior_words": _prior_words(e["prior"]),
            "evidence": [_view_row(r, pages[e["id"]][1], kb) for r in e.get("evidence", [])],
        }
        for e in entries[:SHOWN_ENTRIES]
    ]
    rest = [
        {**e, "url": pages[e["id"]][0], "percent": percent_words(e["probability"])}
        for e in entries[SHOWN_ENTRIES : None if every else LISTED_ENTRIES]
    ]
    names = {e["id"]: e["name"] for e in entries}
    checks = [{**c, "favours": [names[i] for i in c["favours_if_present"]]} for c in notes["separating_checks"]]
    genes = [{**g, "percent": percent_words(g["probability"])} for g in notes["by_gene"][:SHOWN_ENTRIES]]
    return {
        "shown": shown,
        "rest": rest,
        "more": 0 if every else max(0, len(entries) - LISTED_ENTRIES),
        "all_url": f"/assessment?{result['share_query']}&entries=all",
        "notes": notes,
        "checks": checks,
        "genes": genes,
        "count": len(entries),
        "osteopetroses": sum(e["group"] == "osteopetrosis" for e in entries),
        "hidden": premise.get("state") == "contradicted",
        "fit": notes["fit"],
    }


def expected_rank(entry_id: str, answers: Answers, kb: KnowledgeBase) -> dict[str, Any] | None:
    """Where the ranking puts a case's expected type, from its key's findings (trainee feedback); None
    for a case that models no entry of the ranking."""
    ranking = rank_differential(answers, kb)
    # An Orphanet group pooled into its gene entries is not ranked itself: its best gene entry stands for it.
    wanted = ranked_as(entry_id)
    for position, r in enumerate(ranking.entries, start=1):
        if r.entry.id in wanted:
            return {
                "rank": position,
                "of": len(ranking.entries),
                "percent": percent_words(r.probability),
                "best": ranking.entries[0].entry.name,
                "best_is_expected": position == 1,
            }
    return None
