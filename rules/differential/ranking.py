"""The ranking: every entry's post-test probability from its likelihood ratios, the genes' shares, and
plain words when the checklist's inheritance lean and the best entry disagree."""

from __future__ import annotations

import math
from collections.abc import Iterable

from rules.core.conditions import holds
from rules.core.model import Answers
from rules.core.model import KnowledgeBase

from .model import TEMPERATURE
from .model import Evidence
from .model import Fit
from .model import GeneShare
from .model import Model
from .model import Ranked
from .model import Ranking
from .model import load_model
from .model import lookalikes
from .separating import SEPARATE_TOP
from .separating import separating_checks

# Too little input: no entry above this probability means the ranking says so (docs/differential.md).
CONFIDENT_P = 0.3
# The fit is poor when the best entry is annotated with fewer than this share of the terms entered present:
# then none of the ranked disorders explains most of the picture, whatever their probabilities.
FIT_MIN = 0.5
DIRECT = frozenset({"exact", "below", "above"})


def _evidence_columns(
    answers: Answers, kb: KnowledgeBase, model: Model, other_terms: Iterable[tuple[str, str]]
) -> list[tuple[Evidence, ...]]:
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


def _posterior(
    answers: Answers,
    kb: KnowledgeBase,
    model: Model,
    other_terms: Iterable[tuple[str, str]],
) -> tuple[tuple[Ranked, ...], list[float]]:
    """Every entry with its post-test probability and evidence, best first, and the probabilities in
    the model's entry order."""
    columns = _evidence_columns(answers, kb, model, other_terms)
    n = len(model.entries)
    # An entry's log post-test odds: its log prior, plus its log ratios column by column in input order,
    # the phenotype terms' sum divided by the temperature (they are not independent: see TEMPERATURE).
    phenotype = [c for c in columns if c and c[0].state in ("present", "absent")]
    context = [c for c in columns if c and c[0].state not in ("present", "absent")]
    logs = [
        math.log(model.entries[i].prior)
        + sum(math.log(c[i].lr) for c in phenotype) / TEMPERATURE
        + sum(math.log(c[i].lr) for c in context)
        for i in range(n)
    ]
    by_entry = [tuple(column[i] for column in columns) for i in range(n)]
    top_log = max(logs)
    weights = [math.exp(x - top_log) for x in logs]
    total = sum(weights)
    probs = [w / total for w in weights]
    # Best first; ties keep the entries' order (by id), as a stable sort does with reverse=True.
    order = sorted(range(n), key=logs.__getitem__, reverse=True)
    ranked = tuple(Ranked(model.entries[i], probs[i], by_entry[i]) for i in order)
    return ranked, probs


def rank(
    answers: Answers, kb: KnowledgeBase, other_terms: Iterable[tuple[str, str]] = (), model: Model | None = None
) -> Ranking:
    """The differential for the answers: every entry with its probability and evidence, best first.

    `other_terms` are HPO terms entered that are not checklist findings, with their state.
    """
    model = model or load_model(kb)
    ranked, probs = _posterior(answers, kb, model, other_terms)
    shares = [  # an entry's probability split evenly over its genes (HPO gives no shares)
        GeneShare(g, sum(probs[i] * f for i, f in zip(idx, factors, strict=True)), ids)
        for g, idx, factors, ids in model.gene_members
    ]
    genes = tuple(sorted(shares, key=lambda s: (-s.probability, s.gene)))
    return Ranking(
        ranked,
        genes,
        separating_checks(answers, kb, model, ranked[:SEPARATE_TOP]),
        bool(ranked[0].evidence) and ranked[0].probability > CONFIDENT_P,
        model.release,
        fit_of(ranked[0]),
        tuple(x for x in lookalikes() if holds(x.when, answers)),
    )


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
