"""The ranking: every entry's post-test probability from its likelihood ratios, the genes' shares, and
plain words when the checklist's inheritance lean and the best entry disagree."""

from __future__ import annotations

import math
from collections.abc import Iterable

from rules.core.conditions import holds
from rules.core.model import Answers
from rules.core.model import KnowledgeBase

from .columns import Item
from .columns import Tables
from .columns import load_model
from .columns import prepare
from .model import TEMPERATURE
from .model import Fit
from .model import GeneShare
from .model import Model
from .model import Ranked
from .model import Ranking
from .model import lookalikes
from .separating import SEPARATE_TOP
from .separating import separating_checks

# Too little input: no entry above this probability means the ranking says so (docs/differential.md).
CONFIDENT_P = 0.3
# The fit is poor when the best entry is annotated with fewer than this share of the terms entered present:
# then none of the ranked disorders explains most of the picture, whatever their probabilities.
FIT_MIN = 0.5
DIRECT = frozenset({"exact", "below", "above", "group"})


def _items(answers: Answers, tables: Tables, model: Model, other_terms: Iterable[tuple[str, str]]) -> list[Item]:
    """The input items, in input order: the findings answered present or absent, the terms typed in, the
    onset and the family history when known; each with its precomputed column."""
    items = [
        tables.findings[slug][state == "absent"]
        for slug, state in answers.findings.items()
        if state in ("present", "absent")
    ]
    items += [tables.term(model, term, state) for term, state in other_terms if state in ("present", "absent")]
    if answers.onset != "unknown":
        items.append(tables.onsets[answers.onset])
    if answers.family_history != "unknown":
        items.append(tables.family_histories[answers.family_history])
    return items


def _posterior(
    answers: Answers,
    kb: KnowledgeBase,
    model: Model,
    other_terms: Iterable[tuple[str, str]],
) -> tuple[tuple[Ranked, ...], list[float]]:
    """Every entry with its post-test probability (its evidence made when read), best first, and the
    probabilities in the model's entry order. Worked over whole columns: per item, the log of every
    entry's ratio; per entry, their sums in input order."""
    items = _items(answers, prepare(model, kb), model, other_terms)
    n = len(model.entries)
    # An entry's log post-test odds: its log prior, plus its log ratios column by column in input order,
    # the phenotype terms' sum divided by the temperature (they are not independent: see TEMPERATURE).
    phenotype = [item.column.logs for item in items if item.state in ("present", "absent")]
    context = [item.column.logs for item in items if item.state not in ("present", "absent")]
    findings = list(map(sum, zip(*phenotype, strict=True))) if phenotype else [0.0] * n
    others = list(map(sum, zip(*context, strict=True))) if context else [0.0] * n
    logs = [prior + f / TEMPERATURE + c for prior, f, c in zip(model.log_priors, findings, others, strict=True)]
    top_log = max(logs)
    weights = [math.exp(x - top_log) for x in logs]
    total = sum(weights)
    probs = [w / total for w in weights]
    # Best first; ties keep the entries' order (by id), as a stable sort does with reverse=True.
    order = sorted(range(n), key=logs.__getitem__, reverse=True)
    shown = tuple(items)
    ranked = tuple(Ranked(model.entries[i], probs[i], i, shown) for i in order)
    return ranked, probs


def rank(
    answers: Answers, kb: KnowledgeBase, other_terms: Iterable[tuple[str, str]] = (), model: Model | None = None
) -> Ranking:
    """The differential for the answers: every entry with its probability and evidence, best first.

    `other_terms` are HPO terms entered that are not checklist findings, with their state.
    """
    model = model or load_model(kb)
    ranked, probs = _posterior(answers, kb, model, other_terms)
    genes = _gene_shares(model, probs)
    return Ranking(
        ranked,
        genes,
        separating_checks(answers, kb, model, ranked[:SEPARATE_TOP]),
        bool(ranked[0].evidence) and ranked[0].probability > CONFIDENT_P,
        model.release,
        fit_of(ranked[0]),
        tuple(x for x in lookalikes(kb.lang) if holds(x.when, answers)),
    )


def _gene_shares(model: Model, probs: list[float]) -> tuple[GeneShare, ...]:
    """Each gene's share, best first: an entry's probability split evenly over its genes (HPO gives no
    shares), summed entry by entry in the model's order."""
    sums = [0.0] * len(model.gene_members)
    for p, slots in zip(probs, model.entry_genes, strict=True):
        for k, f in slots:
            sums[k] += p * f
    members = model.gene_members
    order = sorted(range(len(sums)), key=lambda k: (-sums[k], members[k][0]))
    return tuple(GeneShare(members[k][0], sums[k], members[k][3]) for k in order)


def fit_of(best: Ranked) -> Fit:
    """How much of what was entered present the best entry explains."""
    present = [ev for ev in best.evidence if ev.state == "present"]
    explained = sum(ev.match in DIRECT for ev in present)
    poor = bool(present) and explained < FIT_MIN * len(present)
    return Fit("poor" if poor else "fits", explained, len(present))


def disagreement(lean: str, ranking: Ranking) -> str:
    """Plain words when the rules' lean and the best entry's inheritance differ; "" when they agree."""
    best = ranking.entries[0].entry if ranking.entries else None
    if best is None or not ranking.confident or lean not in ("recessive", "dominant"):
        return ""
    if best.inheritance not in ("recessive", "dominant") or best.inheritance == lean:
        return ""
    genes = ", ".join(best.genes)
    return (
        f"The inheritance lean is {lean}, but the type that best matches the findings entered, {best.name} "
        f"({genes}), is {best.inheritance}. Neither overrides the other: the lean weighs the few "
        f"inheritance clues of the source document, the ranking compares every finding with the HPO "
        f"annotations of each type. The source document's picture is a simplification: recessive "
        f"forms range from infantile to adult onset, dominant ones from mild to severe, and CLCN7 and "
        f"PLEKHM1 cause both. Confirm the mode with the family history and genetic testing."
    )


DISAGREEMENT_SOURCE = ("genereviews-clcn7", "Summary: CLCN7-related osteopetrosis spans ARO, IAO and ADOII")
